"""Installing model packages: from an ``.argosmodel`` file, or downloaded from a package index.

We install packages ourselves instead of through ``argostranslate.package``: its install and
uninstall import ``argostranslate.translate`` (and so stanza), it extracts archives unchecked
straight into the package directory, and its download caches under ``$HOME`` and retries
silently. Nothing a file or a download brings is trusted:

* the index is read only over http(s), bounded in size, time and JSON nesting, and only its
  http(s) links are followed (never ``file://``);
* a download goes to a hidden staging file with a size cap and an overall deadline, and its
  size and sha256 are checked when the index gives them;
* an archive is checked whole before anything is extracted (member paths, count, declared
  sizes, metadata), and extraction counts what really comes out;
* the new model is loaded with CTranslate2 and translates one sentence *before* it replaces
  the installed one; the old one is kept until then (a rename swaps them);
* one install at a time per models folder (a lock), and staging files a killed install left
  behind are removed by the next.

The limits are in :mod:`pressroom.limits`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

from pressroom.limits import (
    DOWNLOAD_DEADLINE_S,
    DOWNLOAD_READ_TIMEOUT_S,
    INDEX_DEADLINE_S,
    MAX_INDEX_BYTES,
    MAX_METADATA_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_PACKAGE_INFLATED_BYTES,
    MAX_PACKAGE_MEMBERS,
    LimitError,
    check_zip,
    copy_capped,
    load_json,
    size_text,
    too_large,
)
from pressroom.packages import (
    MANUAL_INSTALL_HINT,
    TOKENIZER_FILES,
    ModelPackage,
    PackageError,
    list_packages,
    load_package,
    metadata_problem,
    version_key,
)
from pressroom.translate.installed import from_package, translate_once

LOCK_FILE = ".install.lock"
STAGING_PREFIXES = (".download-", ".installing-")
_USER_AGENT = "pressroom (Argos Translate package client)"
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def install_file(archive: Path, models_dir: Path) -> ModelPackage:
    """Install an ``.argosmodel`` file and return the installed package.

    The archive is checked completely before ``models_dir`` is touched, extracted into a
    hidden staging folder, loaded and tried; only then is it renamed into place, and an older
    copy of the same package (same code, same demo flag) removed. A bad, interrupted or
    killed install leaves the installed packages as they were.
    """
    top = _check_archive(archive)  # before models_dir is touched
    with _install_lock(models_dir):
        return _install(archive, models_dir, top)


def install_from_index(
    from_code: str,
    to_code: str,
    models_dir: Path,
    index_url: str | None = None,
    *,
    deadline_s: float = DOWNLOAD_DEADLINE_S,
) -> ModelPackage:
    """Download the ``from_code`` → ``to_code`` package named in the Argos index and install it.

    ``index_url`` is the index JSON itself; without it ``$ARGOS_PACKAGE_INDEX`` (a base URL,
    as Argos reads it) or Argos' default index is used. Each download must finish within
    ``deadline_s`` seconds.
    """
    url = index_url or _default_index_url()
    entry = _index_entry(_read_index(url), url, from_code, to_code)
    size, sha256 = _expected(entry, url)
    links = [link for link in entry.get("links") or [] if isinstance(link, str)]
    if not links:
        raise PackageError(
            f"the Argos package index at {url} lists no download link for {from_code}→{to_code}"
        )
    failures = []
    with _install_lock(models_dir):
        for link in links:
            try:
                download = _download(link, models_dir, size, sha256, deadline_s)
            except PackageError as exc:
                failures.append(str(exc))
                continue
            try:
                return _install(download, models_dir, _check_archive(download))
            except PackageError as exc:
                failures.append(f"{link} ({exc})")
            finally:
                download.unlink(missing_ok=True)
    raise PackageError(
        f"could not download the {from_code}→{to_code} package: {'; '.join(failures)}. "
        f"{MANUAL_INSTALL_HINT}"
    )


@contextmanager
def _install_lock(models_dir: Path) -> Iterator[None]:
    """Hold the models folder's install lock, after clearing what killed installs left."""
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(models_dir / LOCK_FILE)
        lock.acquire(timeout=0)
    except Timeout:
        raise PackageError(
            f"{models_dir}: another 'pressroom models install' is running there; wait for it to finish"
        ) from None
    except OSError as exc:
        raise PackageError(f"{models_dir}: cannot install packages there ({exc.strerror or exc})") from None
    try:
        remove_stale_staging(models_dir)
        yield
    finally:
        Path(lock.lock_file).unlink(missing_ok=True)  # removed while held: no trace left
        lock.release()


def remove_stale_staging(models_dir: Path) -> list[Path]:
    """Remove the staging files and folders of installs that were killed; call under the lock."""
    removed = []
    for entry in models_dir.iterdir():
        if entry.name.startswith(STAGING_PREFIXES) and not entry.is_symlink():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _install(archive: Path, models_dir: Path, top: str) -> ModelPackage:
    """Extract the checked ``archive`` (its folder ``top``), try it, swap it into place."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=models_dir))
    except OSError as exc:
        raise PackageError(f"{models_dir}: cannot install packages there ({exc})") from None
    try:
        _extract(archive, staging)
        new = load_package(staging / top)
        assert new is not None, "_check_archive admits translation packages only"
        _try_model(new, archive)
        installed, _ = list_packages(models_dir)
        same = [p for p in installed if p.code == new.code and p.demo == new.demo]
        target = models_dir / top
        if target.exists() and not any(p.path == target for p in same):
            target = _free_name(models_dir, top)  # another package uses this directory name
        retired = staging / ".replaced"
        if target.exists():
            os.replace(target, retired)
        try:
            os.replace(staging / top, target)
        except OSError as exc:
            if retired.exists():
                os.replace(retired, target)
            raise PackageError(f"{archive}: could not move the package into {target} ({exc})") from None
        for old in same:
            if old.path != target:
                shutil.rmtree(old.path, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return replace(new, path=target)


def _extract(archive: Path, staging: Path) -> None:
    """Extract ``archive`` (already checked) into ``staging``, counting what comes out."""
    left = MAX_PACKAGE_INFLATED_BYTES
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                target = staging.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, target.open("wb") as out:
                    left -= copy_capped(source, out, left, "the package unpacked")
    except LimitError as exc:
        raise PackageError(f"{archive}: {exc}; not a valid Argos package") from None
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        raise PackageError(f"{archive}: the archive is damaged ({exc}); download the file again") from None
    except OSError as exc:
        raise PackageError(f"{archive}: could not extract into {staging.parent} ({exc})") from None


def _try_model(package: ModelPackage, archive: Path) -> None:
    """Load the model with CTranslate2 and translate one sentence; a PackageError if it fails
    (an 11-byte model.bin must never replace a working model)."""
    try:
        translate_once(from_package(package), archive)
    except PackageError as exc:
        raise PackageError(f"{exc}; nothing was installed. Download the file again") from None
    except (OSError, RuntimeError, ValueError) as exc:  # CTranslate2 or the tokenizer refusing the files
        raise PackageError(f"{archive}: the model does not work ({exc}); nothing was installed") from None


def _check_archive(archive: Path) -> str:
    """Validate an .argosmodel without extracting it; return its top directory's name."""
    if not archive.is_file():
        raise PackageError(f"{archive}: file not found")
    fix = "download the .argosmodel file again"
    if archive.stat().st_size > MAX_PACKAGE_BYTES:
        raise PackageError(f"{archive}: is too large for a model package ({size_text(archive.stat().st_size)}); the limit is {size_text(MAX_PACKAGE_BYTES)}")
    if not zipfile.is_zipfile(archive):
        raise PackageError(f"{archive}: not an Argos package (not a zip archive, or truncated); {fix}")
    try:
        with zipfile.ZipFile(archive) as zf:
            members = check_zip(zf, max_members=MAX_PACKAGE_MEMBERS, max_bytes=MAX_PACKAGE_INFLATED_BYTES, what="the package")
            top = _top_folder(archive, [info.filename for info in members], fix)
            names = {info.filename for info in members}
            if f"{top}/metadata.json" not in names:
                raise PackageError(f"{archive}: no {top}/metadata.json; {fix}")
            info = zf.getinfo(f"{top}/metadata.json")
            if info.file_size > MAX_METADATA_BYTES:
                raise PackageError(f"{archive}: metadata.json is too large ({size_text(info.file_size)}); {fix}")
            try:
                with zf.open(info) as handle:  # zipfile stops at the declared size
                    metadata = load_json(handle.read(), "metadata.json")
            except (ValueError, UnicodeDecodeError) as exc:
                raise PackageError(f"{archive}: metadata.json is not valid JSON ({exc}); {fix}") from None
    except LimitError as exc:
        raise PackageError(f"{archive}: {exc}; not a valid Argos package") from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise PackageError(f"{archive}: the archive is damaged ({exc}); {fix}") from None
    problem = metadata_problem(metadata)
    if problem:
        raise PackageError(f"{archive}: {problem}; {fix}")
    if metadata.get("type", "translate") != "translate":
        raise PackageError(f"{archive}: a '{metadata['type']}' package, not a translation package")
    if f"{top}/model/model.bin" not in names:
        raise PackageError(f"{archive}: no {top}/model/model.bin; {fix}")
    if not any(f"{top}/{name}" in names for name in TOKENIZER_FILES):
        raise PackageError(f"{archive}: no {top}/sentencepiece.model or bpe.model; {fix}")
    return top


def _top_folder(archive: Path, names: list[str], fix: str) -> str:
    """The one folder every member is in; member paths that could leave it are refused."""
    tops = set()
    for name in names:
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if not parts or name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise PackageError(f"{archive}: unsafe member path '{name[:100]}'; not a valid Argos package")
        tops.add(parts[0])
        if len(parts) == 1 and not name.endswith("/"):
            raise PackageError(f"{archive}: file '{name[:100]}' outside the package directory; {fix}")
    if len(tops) != 1:
        raise PackageError(f"{archive}: expected exactly one top-level directory, found {len(tops)}; {fix}")
    return tops.pop()


def _free_name(models_dir: Path, top: str) -> Path:
    n = 2
    while (models_dir / f"{top}-{n}").exists():
        n += 1
    return models_dir / f"{top}-{n}"


# --- the package index and downloads -------------------------------------------------------


def _read_index(url: str) -> list[Any]:
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


def _index_entry(index: list[Any], url: str, from_code: str, to_code: str) -> dict[str, Any]:
    entries = [e for e in index if isinstance(e, dict) and e.get("type", "translate") == "translate"]
    matches = [e for e in entries if e.get("from_code") == from_code and e.get("to_code") == to_code]
    if not matches:
        pairs = sorted({f"{e.get('from_code')}→{e.get('to_code')}" for e in entries})
        raise PackageError(
            f"the Argos package index at {url} has no {from_code}→{to_code} package. "
            f"Available pairs: {', '.join(pairs[:50]) or 'none'}"
        )
    return max(matches, key=lambda e: version_key(str(e.get("package_version", ""))))


def _expected(entry: dict[str, Any], url: str) -> tuple[int | None, str | None]:
    """The size and sha256 the index gives for the package, checked for form."""
    size, sha256 = entry.get("size"), entry.get("sha256")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size <= 0):
        raise PackageError(f"the Argos package index at {url} gives an invalid size ({str(size)[:40]!r})")
    if sha256 is not None and (not isinstance(sha256, str) or not _SHA256.fullmatch(sha256)):
        raise PackageError(f"the Argos package index at {url} gives an invalid sha256 ({str(sha256)[:80]!r})")
    return size, sha256.lower() if sha256 else None


def _download(link: str, folder: Path, size: int | None, sha256: str | None, deadline_s: float) -> Path:
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


def _default_index_url() -> str:
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
