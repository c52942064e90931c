"""Readers: one small reader per input format, chosen by the file's suffix (as in Pelican).

Every reader returns a :class:`~pressroom.document.model.Release` or raises :class:`ReaderError` with a
message a press officer can act on: the file name and the problem in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pressroom.config import Settings
from pressroom.document.model import Release
from pressroom.readers.common import ReaderError
from pressroom.readers.decode import MAX_RELEASE_BYTES
from pressroom.readers.docx import read_docx_release
from pressroom.readers.markdown import read_markdown_release
from pressroom.readers.text import read_text_release

__all__ = [
    "MAX_RELEASE_BYTES",
    "SUPPORTED_SUFFIXES",
    "ReaderError",
    "find_releases",
    "read_release",
]

SUPPORTED_SUFFIXES = (".md", ".txt", ".docx")

_READERS: dict[str, Callable[[Path, Settings], Release]] = {
    ".md": read_markdown_release,
    ".txt": read_text_release,
    ".docx": read_docx_release,
}


def read_release(path: Path, settings: Settings) -> Release:
    """Read one release file with the reader for its suffix."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        hint = "; save it as .docx" if path.suffix.lower() == ".doc" else ""
        raise ReaderError(
            f"{path}: is not a release file pressroom can read "
            f"(it reads {', '.join(SUPPORTED_SUFFIXES)}){hint}"
        )
    return reader(path, settings)


def find_releases(folder: Path) -> list[Path]:
    """Release files in ``folder`` and its subfolders, sorted.

    Skips hidden files and folders, editor and Word temporary files (``~$foo.docx``,
    ``.#foo.md``, ``#foo.md#``) and files of other kinds, so an open document in Word never
    turns into a broken release.
    """
    if not folder.is_dir():
        raise ReaderError(f"{folder}: folder not found")
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).parts
        if any(part.startswith((".", "~", "#")) for part in relative):
            continue
        if path.suffix.lower() in SUPPORTED_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)
