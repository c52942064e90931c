"""The Argos package index and downloads, read as nothing from the web is trusted: only over
http(s) (never ``file://``, also not through a redirect), bounded in size, time and JSON
nesting, and checked against the size and sha256 the index gives. :mod:`pressroom.install`
installs what comes down.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pressroom.limits import (
    DOWNLOAD_READ_TIMEOUT_S,
    INDEX_DEADLINE_S,
    MAX_INDEX_BYTES,
    MAX_PACKAGE_BYTES,
    LimitError,
    load_json,
    size_text,
    too_large,
)
from pressroom.packages import MANUAL_INSTALL_HINT, PackageError, version_key

_USER_AGENT = "pressroom (Argos Translate package client)"
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def read_index(url: str) -> list[Any]:
    """The index at ``url``: a JSON list, read within the size, time and nesting bounds."""
    _require_web(url, "the package index")
    try:
        raw = _fetch(url, MAX_INDEX_BYTES, INDEX_DEADLINE_S)
    except LimitError as exc:
        raise PackageError(f"the Argos package index at {url}: {exc}. {MANUAL_INSTALL_HINT}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageError(
            f"could not reach the Argos package index at {url} ({_reason(exc)}). {MANUAL_INSTALL_HINT}"
        ) from None
    try:
        index = load_json(raw, "the package index")
    except LimitError as exc:
        raise PackageError(f"the Argos package index at {url}: {exc}") from None
    except (ValueError, UnicodeDecodeError):
        index = None
    if not isinstance(index, list):
        raise PackageError(f"the Argos package index at {url} is not a JSON list of packages")
    return index


def index_entry(index: list[Any], url: str, from_code: str, to_code: str) -> dict[str, Any]:
    entries = [e for e in index if isinstance(e, dict) and e.get("type", "translate") == "translate"]
    matches = [e for e in entries if e.get("from_code") == from_code and e.get("to_code") == to_code]
    if not matches:
        pairs = sorted({f"{e.get('from_code')}→{e.get('to_code')}" for e in entries})
        raise PackageError(
            f"the Argos package index at {url} has no {from_code}→{to_code} package. "
            f"Available pairs: {', '.join(pairs[:50]) or 'none'}"
        )
    return max(matches, key=lambda e: version_key(str(e.get("package_version", ""))))


def expected_size_and_sha256(entry: dict[str, Any], url: str) -> tuple[int | None, str | None]:
    """The size and sha256 the index gives for the package, checked for form."""
    size, sha256 = entry.get("size"), entry.get("sha256")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size <= 0):
        raise PackageError(f"the Argos package index at {url} gives an invalid size ({str(size)[:40]!r})")
    if sha256 is not None and (not isinstance(sha256, str) or not _SHA256.fullmatch(sha256)):
        raise PackageError(f"the Argos package index at {url} gives an invalid sha256 ({str(sha256)[:80]!r})")
    return size, sha256.lower() if sha256 else None


def download(link: str, folder: Path, size: int | None, sha256: str | None, deadline_s: float) -> Path:
    """``link`` into a hidden staging file in ``folder``, checked; a PackageError naming the
    link otherwise (the staging file is removed)."""
    try:
        _require_web(link, "a download link")
    except PackageError as exc:
        raise PackageError(f"{link[:200]} ({exc})") from None
    limit = min(size, MAX_PACKAGE_BYTES) if size else MAX_PACKAGE_BYTES
    fd, name = tempfile.mkstemp(prefix=".download-", suffix=".argosmodel", dir=folder)
    path = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(link, limit, deadline_s):
                digest.update(chunk)
                out.write(chunk)
            total = out.tell()
        if size is not None and total != size:
            raise PackageError(f"{link} (the download has {total:,} bytes, the index says {size:,}; download again)")
        if sha256 is not None and digest.hexdigest() != sha256:
            raise PackageError(f"{link} (the download's sha256 differs from the index: damaged or not the published file)")
    except LimitError as exc:
        path.unlink(missing_ok=True)
        raise PackageError(f"{link} ({exc})") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        path.unlink(missing_ok=True)
        raise PackageError(f"{link} ({_reason(exc)})") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _fetch(url: str, limit: int, deadline_s: float) -> bytes:
    return b"".join(_chunks(url, limit, deadline_s))


def _chunks(url: str, limit: int, deadline_s: float) -> Iterator[bytes]:
    """The body of ``url`` in pieces: LimitError past ``limit`` bytes, and a PackageError
    when it has not ended within ``deadline_s`` seconds (a trickle never ends otherwise)."""
    started = time.monotonic()
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with _OPENER.open(request, timeout=min(DOWNLOAD_READ_TIMEOUT_S, deadline_s)) as response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_large("it", int(declared), limit)
        total = 0
        while chunk := response.read1(1 << 16):
            total += len(chunk)
            if total > limit:
                raise LimitError(f"it is larger than the limit of {size_text(limit)}")
            if time.monotonic() - started > deadline_s:
                raise PackageError(f"{url} (not finished after {deadline_s:g} s; try again later)")
            yield chunk


def _require_web(url: str, what: str) -> None:
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        raise PackageError(
            f"{what} must be an http:// or https:// address, not {url[:200]!r}; to install a file, "
            "run: pressroom models install FILE.argosmodel"
        )


def _opener() -> urllib.request.OpenerDirector:
    """urllib without its file:// and ftp:// handlers: a redirect cannot lead off the web."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OPENER = _opener()


def default_index_url() -> str:
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if base:  # a base URL, as Argos reads it; tolerate a missing trailing slash
        return base if base.endswith(".json") else base.rstrip("/") + "/index.json"
    from argostranslate import settings

    return str(settings.remote_package_index)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    reason = getattr(exc, "reason", None)
    return str(reason if reason is not None else exc) or type(exc).__name__
