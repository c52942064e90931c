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

import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath

from filelock import FileLock, Timeout

from pressroom.download import default_index_url, download, expected_size_and_sha256, index_entry, read_index
from pressroom.limits import (
    DOWNLOAD_DEADLINE_S,
    MAX_METADATA_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_PACKAGE_INFLATED_BYTES,
    MAX_PACKAGE_MEMBERS,
    LimitError,
    check_zip,
    copy_capped,
    load_json,
    size_text,
)
from pressroom.packages import (
    MANUAL_INSTALL_HINT,
    TOKENIZER_FILES,
    ModelPackage,
    PackageError,
    list_packages,
    load_package,
    metadata_problem,
)
from pressroom.translate.installed import from_package, translate_once

LOCK_FILE = ".install.lock"
STAGING_PREFIXES = (".download-", ".installing-")


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
    url = index_url or default_index_url()
    entry = index_entry(read_index(url), url, from_code, to_code)
    size, sha256 = expected_size_and_sha256(entry, url)
    links = [link for link in entry.get("links") or [] if isinstance(link, str)]
    if not links:
        raise PackageError(
            f"the Argos package index at {url} lists no download link for {from_code}→{to_code}"
        )
    failures = []
    with _install_lock(models_dir):
        for link in links:
            try:
                archive = download(link, models_dir, size, sha256, deadline_s)
            except PackageError as exc:
                failures.append(str(exc))
                continue
            try:
                return _install(archive, models_dir, _check_archive(archive))
            except PackageError as exc:
                failures.append(f"{link} ({exc})")
            finally:
                archive.unlink(missing_ok=True)
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
