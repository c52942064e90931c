"""An Argos-style package index on 127.0.0.1, and a loopback address where nothing listens.

Shared by the library tests of the download path and the end-to-end CLI tests.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve_index(root: Path, entries: Sequence[dict[str, Any]]) -> Iterator[str]:
    """Serve ``root`` with ``entries`` as its ``index.json``; yields the base URL (ending in /).

    Each entry's ``links`` are file names in ``root``; they become full URLs on the server.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = [{**entry, "links": [base + link for link in entry.get("links", [])]} for entry in entries]
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url(path: str = "index.json") -> str:
    """A loopback URL where nothing listens: the port was free a moment ago and is closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/{path}"


Route = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serve_routes(routes: dict[str, Route]) -> Iterator[str]:
    """A loopback server answering each path in ``routes`` with its function (which writes the
    whole answer: a trickle, an endless body, a redirect); yields the base URL (ending in /)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            route = routes.get(self.path.lstrip("/"))
            if route is None:
                self.send_error(404)
                return
            try:
                route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def send_bytes(body: bytes, content_type: str = "application/octet-stream") -> Route:
    """A route answering ``body`` in full."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route
