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
import mimetypes
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

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


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server for one output folder that rewrites ``site_url`` to its own address."""

    daemon_threads = True

    def __init__(
        self,
        root: Path,
        site_url: str,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root
        self.log = log
        super().__init__((host, port), _Handler)
        local = self.url.encode()
        self.rewrites = [(site_url.encode(), local)]
        escaped = html.escape(site_url).encode()
        if escaped != self.rewrites[0][0]:
            self.rewrites.append((escaped, local))

    @property
    def url(self) -> str:
        """The address to open in a browser (with the real port when 0 was asked for)."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"


class _Handler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def __init__(self, request: Any, client_address: Any, server: PreviewServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.root))

    def send_head(self) -> io.BytesIO | None:  # type: ignore[override]
        url_path = urlsplit(self.path).path
        if any(part.startswith(".") for part in unquote(url_path).split("/")):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / INDEX_FILE
        try:
            data = path.read_bytes()
        except OSError:
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

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if self.server.log:
            self.server.log(format % args)
