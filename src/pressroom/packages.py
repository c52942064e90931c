"""Installed Argos Translate model packages: listing, installing, downloading.

We install packages ourselves instead of through ``argostranslate.package``: its install and
uninstall import ``argostranslate.translate`` (and so stanza), it extracts archives unchecked
straight into the package directory, and its download caches under ``$HOME`` and retries
silently. The on-disk layout stays Argos' own (one directory per package holding
``metadata.json``, ``model/`` and ``sentencepiece.model`` or ``bpe.model``), so a directory
filled by Argos Translate works here and the other way round.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from pressroom.atomic import atomic_write_text

MODELS_DIR_ENV = "PRESSROOM_MODELS_DIR"
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
HASH_CACHE_FILE = ".pressroom-hashes.json"
DOWNLOAD_TIMEOUT_S = 60
MANUAL_INSTALL_HINT = (
    "Download the .argosmodel file on a machine with internet access and run: "
    "pressroom models install FILE"
)
# A file modified this recently may still change within the same timestamp tick, so its hash
# is not cached (the "racy git" rule): a cache hit always means unchanged content.
_RACY_WINDOW_NS = 2_000_000_000
_USER_AGENT = "pressroom (Argos Translate package client)"
_REINSTALL = "reinstall the package"
_REMOVE_OR_REINSTALL = "remove the directory or reinstall the package"


class PackageError(Exception):
    """A package file, directory or download is unusable; the message says which and how to fix."""


@dataclass(frozen=True)
class ModelPackage:
    """An installed Argos package (one directory under the models directory)."""

    path: Path
    code: str
    from_code: str
    to_code: str
    version: str
    name: str
    demo: bool
    target_prefix: str = ""

    @property
    def tokenizer_path(self) -> Path:
        """``sentencepiece.model`` if present, else ``bpe.model`` (Argos' own precedence)."""
        for name in TOKENIZER_FILES:
            if (self.path / name).is_file():
                return self.path / name
        raise PackageError(f"{self.path}: no sentencepiece.model or bpe.model; {_REINSTALL}")

    def identity(self) -> str:
        """``code@version#hash``: names exactly which model files produced a translation.

        The hash covers every file under ``model/``, the tokenizer and ``metadata.json`` (it
        holds ``target_prefix``). See :func:`content_hash` for how it stays cheap.
        """
        return f"{self.code}@{self.version}#{content_hash(self.path)[:16]}"


def default_models_dir() -> Path:
    """``$PRESSROOM_MODELS_DIR``, else Argos Translate's own package directory.

    ``argostranslate.settings`` is imported only here: importing it creates directories under
    ``$HOME``, which a run with an explicit models directory should not do.
    """
    configured = os.environ.get(MODELS_DIR_ENV)
    if configured:
        return Path(configured)
    from argostranslate import settings

    return Path(settings.package_data_dir)


def list_packages(models_dir: Path) -> tuple[list[ModelPackage], list[PackageError]]:
    """Installed translation packages and, separately, the package directories that are broken.

    Broken directories are reported, not raised, so one bad package never hides the others.
    Hidden entries (our in-progress installs) and non-translation packages (Argos ``sbd``)
    are skipped.
    """
    packages: list[ModelPackage] = []
    errors: list[PackageError] = []
    if not models_dir.is_dir():
        return packages, errors
    for entry in sorted(models_dir.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            package = _load_package(entry)
        except PackageError as exc:
            errors.append(exc)
            continue
        if package is not None:
            packages.append(package)
    return packages, errors


def install_file(archive: Path, models_dir: Path) -> ModelPackage:
    """Install an ``.argosmodel`` file and return the installed package.

    The archive is checked completely before ``models_dir`` is touched. It is extracted into
    a hidden temporary directory inside ``models_dir`` and renamed into place, and only then
    is an older copy of the same package (same code, same demo flag) removed: a bad or
    interrupted install leaves the installed packages as they were.
    """
    top = _check_archive(archive)
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=models_dir))
    except OSError as exc:
        raise PackageError(f"{models_dir}: cannot install packages there ({exc})") from None
    try:
        try:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(staging)
        except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
            raise PackageError(
                f"{archive}: the archive is damaged ({exc}); download the file again"
            ) from None
        except OSError as exc:
            raise PackageError(f"{archive}: could not extract into {models_dir} ({exc})") from None
        new = _load_package(staging / top)
        assert new is not None, "_check_archive admits translation packages only"
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
            raise PackageError(
                f"{archive}: could not move the package into {target} ({exc})"
            ) from None
        for old in same:
            if old.path != target:
                shutil.rmtree(old.path, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return replace(new, path=target)


def install_from_index(
    from_code: str, to_code: str, models_dir: Path, index_url: str | None = None
) -> ModelPackage:
    """Download the ``from_code`` → ``to_code`` package named in the Argos index and install it.

    ``index_url`` is the index JSON itself; without it ``$ARGOS_PACKAGE_INDEX`` (a base URL,
    as Argos reads it) or Argos' default index is used. The archive goes to a hidden
    temporary file in ``models_dir`` and is installed with :func:`install_file`.
    """
    url = index_url or _default_index_url()
    try:
        raw = _fetch(url)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageError(
            f"could not reach the Argos package index at {url} ({_reason(exc)}). "
            f"{MANUAL_INSTALL_HINT}"
        ) from None
    try:
        index = json.loads(raw)
    except ValueError:
        index = None
    if not isinstance(index, list):
        raise PackageError(f"the Argos package index at {url} is not a JSON list of packages")
    entries = [
        e for e in index if isinstance(e, dict) and e.get("type", "translate") == "translate"
    ]
    matches = [
        e for e in entries if e.get("from_code") == from_code and e.get("to_code") == to_code
    ]
    if not matches:
        pairs = sorted({f"{e.get('from_code')}→{e.get('to_code')}" for e in entries})
        raise PackageError(
            f"the Argos package index at {url} has no {from_code}→{to_code} package. "
            f"Available pairs: {', '.join(pairs) or 'none'}"
        )
    entry = max(matches, key=lambda e: version_key(str(e.get("package_version", ""))))
    links = [link for link in entry.get("links") or [] if isinstance(link, str)]
    if not links:
        raise PackageError(
            f"the Argos package index at {url} lists no download link for {from_code}→{to_code}"
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    for link in links:
        fd, name = tempfile.mkstemp(prefix=".download-", suffix=".argosmodel", dir=models_dir)
        download = Path(name)
        try:
            with os.fdopen(fd, "wb") as out, _open(link) as response:
                shutil.copyfileobj(response, out, 1 << 20)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            download.unlink(missing_ok=True)
            failures.append(f"{link} ({_reason(exc)})")
            continue
        try:
            return install_file(download, models_dir)
        except PackageError as exc:
            failures.append(f"{link} ({exc})")
        finally:
            download.unlink(missing_ok=True)
    raise PackageError(
        f"could not download the {from_code}→{to_code} package: {'; '.join(failures)}. "
        f"{MANUAL_INSTALL_HINT}"
    )


def _load_package(path: Path) -> ModelPackage | None:
    """Read one package directory; None for a valid non-translation package."""
    metadata_path = path / "metadata.json"
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{path}: no metadata.json; {_REMOVE_OR_REINSTALL}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackageError(
            f"{metadata_path}: not valid JSON ({exc}); {_REMOVE_OR_REINSTALL}"
        ) from None
    problem = _metadata_problem(metadata)
    if problem:
        raise PackageError(f"{metadata_path}: {problem}; {_REMOVE_OR_REINSTALL}")
    if metadata.get("type", "translate") != "translate":
        return None
    if not (path / "model" / "model.bin").is_file():
        raise PackageError(f"{path}: no model/model.bin; {_REINSTALL}")
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise PackageError(f"{path}: no sentencepiece.model or bpe.model; {_REINSTALL}")
    from_code, to_code = metadata["from_code"], metadata["to_code"]
    kind = metadata.get("type", "translate")
    return ModelPackage(
        path=path,
        code=metadata.get("code") or f"{kind}-{from_code}_{to_code}",
        from_code=from_code,
        to_code=to_code,
        version=str(metadata.get("package_version", "")),
        name=f"{metadata.get('from_name') or from_code} → {metadata.get('to_name') or to_code}",
        demo=metadata.get("pressroom_demo") is True,
        target_prefix=metadata.get("target_prefix") or "",
    )


def _metadata_problem(metadata: Any) -> str | None:
    if not isinstance(metadata, dict):
        return "metadata.json must hold a JSON object"
    if metadata.get("type", "translate") != "translate":
        return None
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            return f"metadata.json has no '{key}'"
    return None


def _check_archive(archive: Path) -> str:
    """Validate an .argosmodel without extracting it; return its top directory's name."""
    if not archive.is_file():
        raise PackageError(f"{archive}: file not found")
    fix = "download the .argosmodel file again"
    if not zipfile.is_zipfile(archive):
        raise PackageError(
            f"{archive}: not an Argos package (not a zip archive, or truncated); {fix}"
        )
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            tops = set()
            for name in names:
                parts = PurePosixPath(name.replace("\\", "/")).parts
                if not parts or name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                    raise PackageError(
                        f"{archive}: unsafe member path '{name}'; not a valid Argos package"
                    )
                tops.add(parts[0])
                if len(parts) == 1 and not name.endswith("/"):
                    raise PackageError(
                        f"{archive}: file '{name}' outside the package directory; {fix}"
                    )
            if len(tops) != 1:
                raise PackageError(
                    f"{archive}: expected exactly one top-level directory, found {len(tops)}; {fix}"
                )
            top = tops.pop()
            members = set(names)
            if f"{top}/metadata.json" not in members:
                raise PackageError(f"{archive}: no {top}/metadata.json; {fix}")
            try:
                metadata = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise PackageError(
                    f"{archive}: metadata.json is not valid JSON ({exc}); {fix}"
                ) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PackageError(f"{archive}: the archive is damaged ({exc}); {fix}") from None
    problem = _metadata_problem(metadata)
    if problem:
        raise PackageError(f"{archive}: {problem}; {fix}")
    if metadata.get("type", "translate") != "translate":
        raise PackageError(f"{archive}: a '{metadata['type']}' package, not a translation package")
    if f"{top}/model/model.bin" not in members:
        raise PackageError(f"{archive}: no {top}/model/model.bin; {fix}")
    if not any(f"{top}/{name}" in members for name in TOKENIZER_FILES):
        raise PackageError(f"{archive}: no {top}/sentencepiece.model or bpe.model; {fix}")
    return top


def _free_name(models_dir: Path, top: str) -> Path:
    n = 2
    while (models_dir / f"{top}-{n}").exists():
        n += 1
    return models_dir / f"{top}-{n}"


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Orders "1.10" after "1.9"; non-numeric parts sort before numeric ones."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in version.split("."))


def _default_index_url() -> str:
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if base:  # a base URL, as Argos reads it; tolerate a missing trailing slash
        return base if base.endswith(".json") else base.rstrip("/") + "/index.json"
    from argostranslate import settings

    return str(settings.remote_package_index)


def _open(url: str) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    return urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S)


def _fetch(url: str) -> bytes:
    with _open(url) as response:
        return response.read()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    reason = getattr(exc, "reason", None)
    return str(reason if reason is not None else exc) or type(exc).__name__


# path of package dir -> (stat signature, hash); the in-process layer over the JSON cache file.
_hash_memo: dict[Path, tuple[tuple[tuple[str, int, int, int], ...], str]] = {}


def content_hash(package_dir: Path, files: Sequence[Path] | None = None) -> str:
    """sha256 over the package's model files, cached by each file's (size, mtime_ns, inode).

    ``files``: the files to cover, by default an Argos package's (``model/``, tokenizer,
    ``metadata.json``); other model folders name theirs (:mod:`pressroom.translate.installed`).

    Hashing a 100-200 MB model takes about a second, so the per-file digests are cached in
    ``.pressroom-hashes.json`` inside the package (skipped silently where the directory is
    read-only) and in memory. A cached digest is used only while the file's size, mtime and
    inode are unchanged, and files modified less than two seconds before hashing are never
    cached, since a rewrite within the same timestamp tick could keep the same mtime.
    """
    if files is None:
        files = [p for p in (package_dir / "model").rglob("*") if p.is_file()]
        files += [package_dir / name for name in (*TOKENIZER_FILES, "metadata.json")]
    stats = {p: p.stat() for p in sorted(files) if p.is_file()}
    signature = tuple(
        (p.relative_to(package_dir).as_posix(), s.st_size, s.st_mtime_ns, s.st_ino)
        for p, s in stats.items()
    )
    memo = _hash_memo.get(package_dir)
    if memo is not None and memo[0] == signature:
        return memo[1]
    cache_path = package_dir / HASH_CACHE_FILE
    try:
        cached = json.loads(cache_path.read_text(encoding="utf-8"))
        if not isinstance(cached, dict):
            cached = {}
    except (OSError, ValueError):
        cached = {}
    started = time.time_ns()
    digests: dict[str, dict[str, Any]] = {}
    racy: set[str] = set()
    for name, size, mtime, inode in signature:
        key = [size, mtime, inode]
        entry = cached.get(name)
        if isinstance(entry, dict) and entry.get("stat") == key and "sha256" in entry:
            digests[name] = entry
            continue
        if mtime > started - _RACY_WINDOW_NS:
            racy.add(name)
        digests[name] = {"stat": key, "sha256": _file_sha256(package_dir / name)}
    total = hashlib.sha256()
    for name in sorted(digests):
        total.update(f"{name}\0{digests[name]['sha256']}\n".encode())
    result = total.hexdigest()
    if not racy:
        _hash_memo[package_dir] = (signature, result)
    keep = {name: entry for name, entry in digests.items() if name not in racy}
    if keep != cached:
        try:
            atomic_write_text(cache_path, json.dumps(keep, indent=1, sort_keys=True))
        except OSError:
            pass  # read-only package directory: hash again in the next process
    return result


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
