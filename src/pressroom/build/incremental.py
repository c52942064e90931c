"""A re-run with nothing changed is recognised in milliseconds and rebuilds nothing.

What a build writes is decided by its inputs: pressroom's own code, the settings, the build
options and every file they name, the releases, and the model packages (by content identity).
What it leaves behind is the output folder, including the translation memory and publish
state in ``.pressroom``. After a complete build without failures, :func:`build_unless_unchanged`
records a fingerprint of the inputs (taken before the build started, so an edit made while it
ran is not mistaken for built) and one of every file in the output folder, with the build's
result. The next build compares: when both fingerprints match, the output would come out the
same, and the previous result is reported again, marked ``up_to_date``.

Anything else makes the build run in full: a release edited, added or removed (content
hashes: an edit may keep the time stamp), a changed setting or option, a file an option names
the do-not-translate file beside the glossary, another model package, any file in the output folder changed, removed or
added, an embargoed release whose time has come, ``--no-cache``. An engine provider takes part
only when it can name its models (``fingerprint()``); others (test engines) always build.

A build that reads a new kind of input must make it part of :func:`inputs_fingerprint`; a
path-valued build option is covered already.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressroom.atomic import atomic_write_bytes
from pressroom.build.types import BuildOptions, BuildResult, FileProblem
from pressroom.config import Settings
from pressroom.limits import MAX_DOCX_BYTES
from pressroom.qa.checks import Finding
from pressroom.qa.glossary import DNT_FILE
from pressroom.readers import ReaderError, find_releases, read_release
from pressroom.readers.pictures import PICTURE_SUFFIXES

if TYPE_CHECKING:
    from pressroom.translate.routing import EngineProvider

RECORD_FILE = "last-build.json"
_NOT_OUTPUT = {"build.lock", RECORD_FILE}
_CODE_DIR = Path(__file__).resolve().parent


@dataclass
class _Record:
    inputs: str
    outputs: str
    due: datetime | None  # when the earliest embargoed release may be published
    result: BuildResult


def build_unless_unchanged(
    settings: Settings,
    options: BuildOptions,
    engines: EngineProvider,
    now: datetime,
    run_build: Callable[[], BuildResult],
) -> BuildResult:
    """The last build's result when nothing changed since it; else ``run_build()``, recorded."""
    record_path = options.output_dir / ".pressroom" / RECORD_FILE
    inputs = inputs_fingerprint(settings, options, engines) if options.use_memory else None
    if inputs is None:
        return run_build()
    previous = _load(record_path)
    if (
        previous is not None
        and previous.inputs == inputs
        and (previous.due is None or now < previous.due)
        and previous.outputs == _tree_fingerprint(options.output_dir)
    ):
        return dataclasses.replace(previous.result, engines=[], up_to_date=True)
    record_path.unlink(missing_ok=True)
    result = run_build()
    if result.failed:  # a failure may be passing (a disk error): never skip the next build
        return result
    try:
        due = min((read_release(p.path, settings).date for p in result.held_back), default=None)
    except (ReaderError, OSError):
        return result
    record = _Record(inputs, _tree_fingerprint(options.output_dir), due, result)
    atomic_write_bytes(record_path, json.dumps(_to_json(record), ensure_ascii=False).encode("utf-8"))
    return result


def _to_json(record: _Record) -> dict[str, object]:
    """The record as plain JSON data: a file in the output folder must never be able to run code."""
    result = record.result

    def problems(found: list[FileProblem]) -> list[list[str]]:
        return [[str(p.path), p.message] for p in found]

    return {
        "inputs": record.inputs,
        "outputs": record.outputs,
        "due": record.due.isoformat() if record.due else None,
        "result": {
            "published": result.published,
            "warnings": problems(result.warnings),
            "held_back": problems(result.held_back),
            "findings": [dataclasses.asdict(f) for f in result.findings],
            "releases_seen": result.releases_seen,
            "demo": result.demo,
            "strict": result.strict,
            "reviewed_segments": result.reviewed_segments,
        },
    }


def _from_json(data: dict[str, Any]) -> _Record:
    saved = data["result"]
    result = BuildResult(
        published=saved["published"],
        warnings=[FileProblem(Path(path), message) for path, message in saved["warnings"]],
        held_back=[FileProblem(Path(path), message) for path, message in saved["held_back"]],
        findings=[Finding(**finding) for finding in saved["findings"]],
        releases_seen=saved["releases_seen"],
        demo=saved["demo"],
        strict=saved["strict"],
        reviewed_segments=saved["reviewed_segments"],
    )
    due = datetime.fromisoformat(data["due"]) if data["due"] else None
    return _Record(data["inputs"], data["outputs"], due, result)


def inputs_fingerprint(
    settings: Settings, options: BuildOptions, engines: EngineProvider
) -> str | None:
    """A digest of everything a build reads, or None when the engines cannot name their models."""
    describe = getattr(engines, "fingerprint", None)
    if describe is None:
        return None
    digest = hashlib.sha256()
    code = _tree_fingerprint(_CODE_DIR, suffix=".py")
    for part in (repr(settings), repr(options), describe(), code):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    try:  # exactly the files the readers accept: a Word lock file or swap file changes nothing
        releases = find_releases(options.releases_dir)
    except ReaderError:  # no releases folder: the build itself says so
        releases = []
    for path in releases:
        digest.update(f"{path}\0".encode("utf-8", "surrogateescape") + _content_digest(path))
    # The pictures releases show (a press photo replaced under the same name changes the output).
    for suffix in PICTURE_SUFFIXES:
        digest.update(_tree_fingerprint(options.releases_dir, suffix=suffix).encode())
    # The site's look: the theme folder, the default theme in the package, the logo, the legal pages.
    look = [Path(settings.logo)] if settings.logo else []
    for part in (_tree_fingerprint(Path(settings.theme)), _tree_fingerprint(_CODE_DIR / "themes"),
                 _files_fingerprint([*look, Path("imprint.md"), Path("privacy.md")])):  # fmt: skip
        digest.update(part.encode())
    for field in dataclasses.fields(options):
        value = getattr(options, field.name)
        if isinstance(value, Path) and field.name not in ("releases_dir", "output_dir"):
            # A named folder, or a named file and the file read beside it (do-not-translate.txt
            # next to the glossary), never the rest of that folder: a build.log there is no input.
            named = _tree_fingerprint(value) if value.is_dir() else _files_fingerprint([value, value.parent / DNT_FILE])
            digest.update(named.encode())
    return digest.hexdigest()


def _content_digest(path: Path) -> bytes:
    """Modification time and sha256 of a release file, read in pieces; a file no reader
    accepts (over every size bound, a link to a pipe) counts by its size and time only, so it
    is never read whole."""
    try:
        info = path.stat()
        stamp = f"{info.st_mtime_ns}\0{info.st_mode}\0{info.st_size}\0".encode()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_DOCX_BYTES:
            return stamp
        digest = hashlib.sha256(stamp)
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.digest()
    except OSError as exc:  # a dangling link: the build names it
        return f"unreadable {exc.errno}".encode()


def _tree_fingerprint(folder: Path, *, suffix: str = "", deep: bool = True) -> str:
    """Name, size and modification time of the files under ``folder`` (cheap: no reading)."""
    digest = hashlib.sha256()
    for path in _files(folder, deep=deep):
        if path.name in _NOT_OUTPUT or not path.name.lower().endswith(suffix):
            continue
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _files_fingerprint(paths: list[Path]) -> str:
    """Name, size and modification time of those of ``paths`` that exist."""
    digest = hashlib.sha256()
    for path in paths:
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _files(folder: Path, *, deep: bool = True) -> Iterator[Path]:
    """The regular files under ``folder`` (or only in it) in a stable order; none if missing."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(dirs) if deep else []
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file():
                yield path


def _load(path: Path) -> _Record | None:
    """The recorded build, or None when there is none or it cannot be read back.

    A record is only ever used by the code that wrote it: pressroom's own files are part of
    the inputs fingerprint, so a record from another version never matches.
    """
    try:
        return _from_json(json.loads(path.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: build in full
        return None
