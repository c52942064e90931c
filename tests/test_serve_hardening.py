"""The preview server answers odd requests plainly, only to this computer's names, and never
lets stalled connections pile up.

Before: ``%00`` or a 60 KB path got no HTTP answer and a traceback per request, a request with
``Host: evil.example`` got the unpublished site (DNS rebinding), 352 threads were held by
stalled connections after 40 s, and ``site_url = ""`` rewrote every ``/`` of the feeds.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pressroom.serve import PreviewServer

SITE = "https://presse.example.org/"
FEED = f'<?xml version="1.0"?><rss><channel><link>{SITE}en/index.html</link><x>a/b/c</x></channel></rss>'


@pytest.fixture
def output(tmp_path: Path) -> Path:
    root = tmp_path / "output"
    (root / "en").mkdir(parents=True)
    (root / "index.html").write_text(f'<a href="{SITE}en/index.html">en</a>', encoding="utf-8")
    (root / "en" / "rss.xml").write_text(FEED, encoding="utf-8")
    (root / ".pressroom").mkdir()
    (root / ".pressroom" / "reviews.sqlite").write_bytes(b"private")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return root


@contextmanager
def running(server: PreviewServer) -> Iterator[PreviewServer]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def request(server: PreviewServer, target: str, host: str | None = "127.0.0.1") -> tuple[int, bytes]:
    """Send a raw request (any bytes in the path, any Host) and return the status and body."""
    port = server.server_address[1]
    lines = [f"GET {target} HTTP/1.1"] + ([f"Host: {host}:{port}"] if host is not None else []) + ["Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall("\r\n".join(lines).encode("latin-1", "replace"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1."), answer[:200]
    return int(head.split()[1]), body


def test_odd_paths_get_plain_answers(output: Path) -> None:
    with running(PreviewServer(output, SITE, port=0)) as server:
        assert request(server, "/")[0] == 200
        assert request(server, "/%00")[0] == 400
        assert request(server, "/en/rss.xml%00.html")[0] == 400
        assert request(server, "/" + "a" * 60_000)[0] == 414
        assert request(server, "/%2e%2e/secret.txt")[0] == 404
        assert request(server, "/../secret.txt")[0] == 404
        assert request(server, "/.pressroom/reviews.sqlite")[0] == 404
        assert request(server, "/%ff%fe")[0] == 400
        assert request(server, "/en%5c..%5c..%5csecret.txt")[0] == 400
        assert request(server, "/en/rss.xml")[0] == 200  # still answering after all that


def test_only_this_computers_names_are_answered(output: Path) -> None:
    """A page on evil.example whose DNS name is pointed at 127.0.0.1 must not read the preview."""
    with running(PreviewServer(output, SITE, port=0)) as server:
        assert request(server, "/", host="evil.example")[0] == 403
        assert request(server, "/", host="10.0.0.7")[0] == 403
        assert request(server, "/", host=None)[0] == 403
        for host in ("127.0.0.1", "localhost", "[::1]", "127.0.0.2"):
            assert request(server, "/", host=host)[0] == 200, host


def test_stalled_connections_are_closed_and_threads_stay_bounded(output: Path) -> None:
    with running(PreviewServer(output, SITE, port=0, threads=4, timeout=0.5)) as server:
        before = threading.active_count()
        stalled = [socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) for _ in range(30)]
        time.sleep(0.3)
        assert threading.active_count() <= before + 4
        deadline = time.monotonic() + 20
        for connection in stalled:  # each is closed by the server: recv sees the end
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                assert connection.recv(1024) == b""
            except ConnectionResetError:
                pass  # dropped while every handler was busy: closed as well
            finally:
                connection.close()
        assert time.monotonic() < deadline
        assert request(server, "/")[0] == 200
        assert threading.active_count() <= before + 4


@pytest.mark.parametrize("site_url", ["", "/"])
def test_an_empty_site_url_rewrites_nothing(output: Path, site_url: str) -> None:
    with running(PreviewServer(output, site_url, port=0)) as server:
        status, body = request(server, "/en/rss.xml")
    assert status == 200 and body.decode() == FEED
