"""``pressroom serve``: click through output/ in a browser before publishing it.

Pages link to each other with relative links, but canonical and hreflang links, feed links and
the DOCX links in the feeds are absolute and start with ``site_url`` (the public address), which
does not answer yet. Instead of building a second copy of the site for a local address, the
server rewrites that prefix to its own address in the HTML and XML it sends. The files on disk
stay exactly what will be published, and nothing is translated twice. (A link inside a DOCX
back to its page still points to ``site_url``: DOCX files are sent as they are.)

Hidden files (the build's state in ``output/.pressroom``) are never served, and by default the
server listens on 127.0.0.1 only, so unpublished releases are not visible on the network.
"""

from __future__ import annotations

import html
import io
import ipaddress
import mimetypes
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pressroom.limits import SERVE_MAX_THREADS, SERVE_MAX_URL_PATH, SERVE_SOCKET_TIMEOUT_S
from pressroom.writers.links import DOCX_MIME, FEEDS, INDEX_FILE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".docx": DOCX_MIME,
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
FEED_TYPES = {kind.file: f"{kind.mime}; charset=utf-8" for kind in FEEDS.values()}
_REWRITTEN = (".html", ".xml", ".txt")  # pages, feeds and sitemap, robots.txt


def content_type(name: str) -> str:
    """The Content-Type for a file name: feeds by their name, the rest by suffix."""
    if name in FEED_TYPES:
        return FEED_TYPES[name]
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class PreviewServer(HTTPServer):
    """An HTTP server for one output folder that rewrites ``site_url`` to its own address.

    Hardened for a browser that may also hold hostile pages: a request whose Host header is
    not this computer's own name gets 403 (a page elsewhere cannot read the preview by DNS
    rebinding), any odd path gets 400, 404 or 414 instead of a traceback, every connection
    has a timeout, and at most ``threads`` requests are answered at once by a fixed pool.
    """

    def __init__(
        self,
        root: Path,
        site_url: str,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        log: Callable[[str], None] | None = None,
        *,
        threads: int = SERVE_MAX_THREADS,
        timeout: float = SERVE_SOCKET_TIMEOUT_S,
    ) -> None:
        self.root = root.resolve()
        self.log = log
        self.request_timeout = timeout
        self._slots = threading.BoundedSemaphore(threads)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pressroom-serve")
        super().__init__((host, port), _Handler)
        self.exposed = host not in _LOOPBACK  # --bind 0.0.0.0: other computers may ask
        self.hosts = _own_names(self.exposed)
        local = self.url.encode()
        self.rewrites: list[tuple[bytes, bytes]] = []
        if _is_web_address(site_url):  # "" or "/" would rewrite every slash of every feed
            self.rewrites.append((site_url.encode(), local))
            escaped = html.escape(site_url).encode()
            if escaped != self.rewrites[0][0]:
                self.rewrites.append((escaped, local))

    @property
    def url(self) -> str:
        """The address to open in a browser (with the real port when 0 was asked for)."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        """Hand the connection to a free handler of the pool; when all of them stay busy for a
        whole timeout (a flood of stalled connections), drop it instead of queueing forever."""
        if not self._slots.acquire(timeout=self.request_timeout):
            self.shutdown_request(request)
            return
        try:
            self._pool.submit(self._answer, request, client_address)
        except RuntimeError:  # the pool was shut down: the server is closing
            self._slots.release()
            self.shutdown_request(request)

    def _answer(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one bad connection must not end the server
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line in the log (with --verbose), never a traceback per request."""
        if self.log:
            self.log(f"{client_address[0]}: the connection failed")

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _own_names(exposed: bool) -> frozenset[str]:
    """Host header names that mean this server: loopback names always; when other computers
    may ask (a bind address other than loopback), also this computer's name."""
    if not exposed:
        return _LOOPBACK
    name = socket.gethostname().lower()
    return _LOOPBACK | {name, f"{name}.local"}


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Handler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def __init__(self, request: Any, client_address: Any, server: PreviewServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.root))

    def setup(self) -> None:
        self.timeout = self.server.request_timeout  # StreamRequestHandler sets it on the socket
        super().setup()

    def send_head(self) -> io.BytesIO | None:  # type: ignore[override]
        refused = self._refusal()
        if refused:
            self.send_error(*refused)
            return None
        url_path = urlsplit(self.path).path
        try:
            path = Path(self.translate_path(self.path))
            if not path.resolve().is_relative_to(self.server.root):
                raise FileNotFoundError(path)
            if path.is_dir():
                if not url_path.endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", quote(url_path + "/"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                path = path / INDEX_FILE
            data = path.read_bytes()
        except (OSError, ValueError):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found; run 'pressroom build' to create it")
            return None
        if path.suffix.lower() in _REWRITTEN:
            for public, local in self.server.rewrites:
                data = data.replace(public, local)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(path.name))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # always show the latest build
        self.end_headers()
        return io.BytesIO(data)

    def _refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why this request gets no file: a foreign Host, an overlong or odd path, a hidden name."""
        if not _host_allowed(self.headers.get("Host", ""), self.server.hosts, self.server.exposed):
            return HTTPStatus.FORBIDDEN, "This preview answers only to addresses of this computer"
        if len(self.path) > SERVE_MAX_URL_PATH:
            return HTTPStatus.REQUEST_URI_TOO_LONG, "Address too long"
        try:
            url_path = unquote(urlsplit(self.path).path, errors="strict")
        except (ValueError, UnicodeDecodeError):
            return HTTPStatus.BAD_REQUEST, "Bad address"
        if any(ord(ch) < 0x20 or ch == "\x7f" or ch == "\\" for ch in url_path) or not url_path.startswith("/"):
            return HTTPStatus.BAD_REQUEST, "Bad address"
        if any(part.startswith(".") for part in url_path.split("/")):
            return HTTPStatus.NOT_FOUND, "Not found"
        return None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if self.server.log:
            self.server.log(format % args)


def _host_allowed(header: str, names: frozenset[str], exposed: bool) -> bool:
    """Whether the Host header names this server: one of ``names``, a loopback address, or,
    when other computers may ask, any IP address. DNS rebinding needs a *name* that an
    attacker's DNS points here, so a foreign name is refused and an address literal is not."""
    host = header.strip().lower()
    if host.startswith("["):  # [::1]:8000
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    if host in names:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or exposed
