"""Readers: one small reader per input format, chosen by the file's suffix (as in Pelican).

Every reader returns a :class:`~pressroom.document.model.Release` or raises :class:`ReaderError` with a
message a press officer can act on: the file name and the problem in plain words. A reader and
its libraries (python-docx, markdown, encoding detection) load when a file of its kind is first
read, so finding the release files costs nothing more than listing a folder.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from pressroom.config import Settings
from pressroom.document.model import Release
from pressroom.readers.common import ReaderError
from pressroom.readers.decode import MAX_RELEASE_BYTES

__all__ = [
    "MAX_RELEASE_BYTES",
    "SUPPORTED_SUFFIXES",
    "ReaderError",
    "find_releases",
    "read_release",
]

SUPPORTED_SUFFIXES = (".md", ".txt", ".docx")

# suffix -> (module in pressroom.readers, its reader function)
_READERS = {
    ".md": ("markdown", "read_markdown_release"),
    ".txt": ("text", "read_text_release"),
    ".docx": ("docx", "read_docx_release"),
}


def read_release(path: Path, settings: Settings) -> Release:
    """Read one release file with the reader for its suffix."""
    where = _READERS.get(path.suffix.lower())
    if where is None:
        hint = "; save it as .docx" if path.suffix.lower() == ".doc" else ""
        raise ReaderError(
            f"{path}: is not a release file pressroom can read "
            f"(it reads {', '.join(SUPPORTED_SUFFIXES)}){hint}"
        )
    module, function = where
    reader = getattr(importlib.import_module(f"pressroom.readers.{module}"), function)
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
