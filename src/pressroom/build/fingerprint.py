"""What a build reads, as digests: for the whole build, and per release and edition.

A build reads exactly these, and nothing else decides what it writes: the release files the
readers accept, the settings, the glossary and its do-not-translate file, the theme, the model
packages, pressroom's own code and the build options. A log file, an editor's swap file or
Word's lock file beside them is no input and changes no digest.

- :func:`inputs_fingerprint`: all of it at once, for the up-to-date check of the whole build
  (:mod:`pressroom.build.incremental`). Release files by content (an edit may keep the time
  stamp) and time stamp (a text file without a date takes the file's).
- :class:`BuildContext`: what shapes every edition besides its own release (code, settings,
  options, glossary, theme), and the reviewers' approvals; :mod:`pressroom.build.changes`
  fingerprints each release and edition with it.

Everything here is cheap (no model, no parsing) and imports nothing heavy: it runs before a
build decides whether it has anything to do.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pressroom
from pressroom.build.types import BuildOptions
from pressroom.config import Settings
from pressroom.qa.glossary import DNT_FILE
from pressroom.limits import MAX_DOCX_BYTES
from pressroom.readers import ReaderError, find_releases
from pressroom.writers.legal import LEGAL_PAGES

if TYPE_CHECKING:
    from pressroom.translate.routing import EngineProvider

_PACKAGE_DIR = Path(pressroom.__file__).resolve().parent
# The pictures a release may show (pressroom.readers.pictures.PICTURE_SUFFIXES, which loads
# python-docx: named again here, and a test keeps the two equal).
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif")

# The options that shape what is published; the others (memory, strictness, folders) do not.
_SHAPING_OPTIONS = ("targets", "allow_demo", "bilingual", "require_review")


def digest(value: object) -> str:
    """A stable hash of JSON-ready ``value`` (sorted keys): the unit of every fingerprint."""
    data = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def inputs_fingerprint(settings: Settings, options: BuildOptions, engines: EngineProvider) -> str | None:
    """A digest of everything a build reads, or None when the engines cannot name their models."""
    describe = getattr(engines, "fingerprint", None)
    if describe is None:
        return None
    hashed = hashlib.sha256()
    for part in (code_digest(), repr(settings), repr(options), describe(), glossary_digest(options), look_digest(settings)):
        hashed.update(part.encode("utf-8", "surrogateescape") + b"\0")
    try:  # exactly the files the readers accept: a Word lock file or swap file changes nothing
        releases = find_releases(options.releases_dir)
    except ReaderError:  # no releases folder: the build itself says so
        releases = []
    for path in releases:
        hashed.update(f"{path}\0{_time_stamp(path)}\0{release_digest(path)}\0".encode("utf-8", "surrogateescape"))
    hashed.update(pictures_digest(options.releases_dir).encode())
    return hashed.hexdigest()


def pictures_digest(folder: Path) -> str:
    """The pictures beside the releases, by name, size and time stamp: a press photo replaced
    under the same name changes every edition that shows it."""
    pictures = [path for path in files_under(folder) if path.suffix.lower() in PICTURE_SUFFIXES]
    return files_signature(pictures)


def release_digest(path: Path) -> str:
    """A release file by content, read in pieces. One no reader accepts (over every size
    bound, a link to a pipe) counts by its size and time stamp only: it is refused unread, and
    must not be read whole here either; one that cannot be opened counts as unreadable (the
    build names it)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DOCX_BYTES:
            return f"not read: {info.st_mode} {info.st_size} {info.st_mtime_ns}"
        hashed = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                hashed.update(chunk)
        return hashed.hexdigest()
    except OSError as exc:
        return f"unreadable: {exc.errno}"


def _time_stamp(path: Path) -> int | None:
    """The modification time of ``path``, None for a dangling link (the build names it)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@functools.cache
def code_digest() -> str:
    """pressroom's version and every file of the installed package (its templates too), by
    name, size and time stamp: a new version or an edited module makes every record stale.
    Taken once per process: a process runs the code it started with."""
    return tree_digest(_PACKAGE_DIR, pressroom.__version__)


def glossary_digest(options: BuildOptions) -> str:
    """The glossary and the do-not-translate file beside it, by content; never the rest of
    their folder (the working folder, where a build.log may be growing)."""
    if options.glossary is None:
        return ""
    hashed = hashlib.sha256()
    for path in (options.glossary, options.glossary.parent / DNT_FILE):
        if path.is_file():
            hashed.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return hashed.hexdigest()


def look_digest(settings: Settings) -> str:
    """The site's look beyond the package's default theme: the working folder's theme folder,
    the logo and the legal pages (imprint.md, privacy.md), by name, size and time stamp."""
    files = [Path(settings.logo)] if settings.logo else []
    files += [Path(name) for name in LEGAL_PAGES.values()]
    return digest([tree_digest(Path(settings.theme)), files_signature(files)])


def tree_digest(folder: Path, *salt: str, skip: Iterable[str] = ()) -> str:
    """Name, size and time stamp of every file under ``folder`` (cheap: nothing is read);
    compiled Python (``__pycache__``) and the names in ``skip`` are left out."""
    hashed = hashlib.sha256("\0".join(salt).encode())
    skipped = {"__pycache__", *skip}
    for path in files_under(folder, skipped):
        info = path.stat()
        hashed.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return hashed.hexdigest()


def files_under(folder: Path, skip: set[str] = frozenset()) -> Iterator[Path]:  # type: ignore[assignment]
    """The regular files under ``folder`` in a stable order, none under a name in ``skip``."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        for name in sorted(names):
            path = Path(root) / name
            if name not in skip and path.is_file():
                yield path


def files_signature(paths: Iterable[Path]) -> str:
    """Size and time stamp of ``paths``; a missing file counts too, as missing."""
    parts = []
    for path in paths:
        try:
            info = path.stat()
            parts.append([str(path), info.st_size, info.st_mtime_ns])
        except OSError:
            parts.append([str(path), None, None])
    return digest(parts)


@dataclass(frozen=True)
class BuildContext:
    """What shapes every edition besides its own release (``shaping``: code, settings, shaping
    options, glossary, the theme and logo), and the reviewers' approvals (``approvals``). Approvals change
    an edition only where they touch its segments, so they decide which releases are
    translated again, not which editions are rendered again (that is their content's job)."""

    shaping: str
    approvals: str

    @classmethod
    def of(cls, settings: Settings, options: BuildOptions, approvals: str) -> BuildContext:
        shaping = digest(
            {
                "code": code_digest(),
                "settings": repr(settings),
                "options": {name: repr(getattr(options, name)) for name in _SHAPING_OPTIONS},
                "glossary": glossary_digest(options),
                "look": look_digest(settings),
            }
        )
        return cls(shaping, approvals)


def reading_key(path: Path, settings: Settings, pictures: str) -> str:
    """What reading ``path`` depends on: its bytes and time stamp (a text file without a date
    takes the file's), the pictures beside it (``pictures``: :func:`pictures_digest`; a release
    may show one that appeared or changed), the settings (time zone, source language) and the
    readers' code."""
    return digest([str(path), release_digest(path), _time_stamp(path), pictures, repr(settings), code_digest()])


def source_key(path: Path, options: BuildOptions) -> str:
    """A release file's name in the publish state: its path inside the releases folder."""
    try:
        return path.relative_to(options.releases_dir).as_posix()
    except ValueError:
        return path.as_posix()
