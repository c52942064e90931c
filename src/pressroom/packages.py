"""Installed Argos Translate model packages: listing, metadata, content identity.

The on-disk layout is Argos' own (one directory per package holding ``metadata.json``,
``model/`` and ``sentencepiece.model`` or ``bpe.model``), so a directory filled by Argos
Translate works here and the other way round. Installing and downloading packages, with
their checks, is :mod:`pressroom.install`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pressroom.atomic import atomic_write_text
from pressroom.limits import MAX_METADATA_BYTES, LimitError, load_json, read_regular_file
from pressroom.text import clean

MODELS_DIR_ENV = "PRESSROOM_MODELS_DIR"
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
HASH_CACHE_FILE = ".pressroom-hashes.json"
MANUAL_INSTALL_HINT = (
    "Download the .argosmodel file on a machine with internet access and run: "
    "pressroom models install FILE"
)
# A file modified this recently may still change within the same timestamp tick, so its hash
# is not cached (the "racy git" rule): a cache hit always means unchanged content.
_RACY_WINDOW_NS = 2_000_000_000
# Argos language codes: "de", "zh", "zt", "pt_BR"; nothing a path or a message could misuse.
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?")
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
            package = load_package(entry)
        except PackageError as exc:
            errors.append(exc)
            continue
        if package is not None:
            packages.append(package)
    return packages, errors


def load_package(path: Path) -> ModelPackage | None:
    """Read one package directory; None for a valid non-translation package.

    Everything shown from ``metadata.json`` (names, version) is cleaned of control and
    direction characters (:mod:`pressroom.text`); the file itself is bounded in size and depth.
    """
    metadata_path = path / "metadata.json"
    try:
        metadata = load_json(read_regular_file(metadata_path, MAX_METADATA_BYTES), "metadata.json")
    except FileNotFoundError:
        raise PackageError(f"{path}: no metadata.json; {_REMOVE_OR_REINSTALL}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # LimitError is a ValueError
        problem = exc if isinstance(exc, LimitError) else f"not valid JSON ({exc})"
        raise PackageError(f"{metadata_path}: {problem}; {_REMOVE_OR_REINSTALL}") from None
    problem = metadata_problem(metadata)
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
        code=_shown(metadata.get("code")) or f"{kind}-{from_code}_{to_code}",
        from_code=from_code,
        to_code=to_code,
        version=_shown(metadata.get("package_version")),
        name=f"{_shown(metadata.get('from_name')) or from_code} → {_shown(metadata.get('to_name')) or to_code}",
        demo=metadata.get("pressroom_demo") is True,
        target_prefix=metadata.get("target_prefix") if isinstance(metadata.get("target_prefix"), str) else "",
    )


def _shown(value: Any, limit: int = 100) -> str:
    """A metadata text as it may be shown: cleaned, on one line, not longer than ``limit``."""
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(clean(str(value)).split())[:limit]


def metadata_problem(metadata: Any) -> str | None:
    """What makes ``metadata`` (a parsed metadata.json) unusable, or None."""
    if not isinstance(metadata, dict):
        return "metadata.json must hold a JSON object"
    if metadata.get("type", "translate") != "translate":
        return None
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not isinstance(value, str) or not value:
            return f"metadata.json has no '{key}'"
        if not _LANGUAGE_CODE.fullmatch(value):
            return f"metadata.json has '{key}' = {_shown(value, 20)!r}, which is not a language code"
    return None


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Orders "1.10" after "1.9"; non-numeric parts sort before numeric ones."""
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in version.split("."))


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
