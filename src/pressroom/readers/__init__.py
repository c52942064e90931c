"""Readers: one small reader per input format, chosen by the file's suffix (as in Pelican).

Every reader returns a :class:`~pressroom.document.model.Release` or raises :class:`ReaderError` with a
message a press officer can act on: the file name and the problem in plain words. A reader and
its libraries (python-docx, markdown, encoding detection) load when a file of its kind is first
read, so finding the release files costs nothing more than listing a folder.
"""

from __future__ import annotations

import importlib
import os
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


def read_release(path: Path, settings: Settings, folder: Path | None = None) -> Release:
    """Read one release file with the reader for its suffix.

    With ``folder`` (the releases folder), a link is followed only to a file inside it: a link
    to ``/etc/passwd`` or any file elsewhere would publish that file in every language.
    """
    if folder is not None:
        _check_inside(path, folder)
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
    turns into a broken release. Linked folders are not entered; links to files are listed,
    so that :func:`read_release` can name those that lead out of ``folder``.
    """
    if not folder.is_dir():
        raise ReaderError(f"{folder}: folder not found")
    found = []
    for root, dirs, names in os.walk(folder):  # followlinks=False
        dirs[:] = [name for name in dirs if not name.startswith(_SKIPPED)]
        for name in names:
            path = Path(root) / name
            if name.startswith(_SKIPPED) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path.is_file() or path.is_symlink():
                found.append(path)
    return sorted(found)


_SKIPPED = (".", "~", "#")


def _check_inside(path: Path, folder: Path) -> None:
    """A ReaderError unless ``path`` is a regular file that stays inside ``folder``."""
    if not path.is_symlink():
        return
    target = path.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ReaderError(
            f"{path}: is a link to {target}, outside the releases folder; only files inside "
            f"{folder} are published (copy the file there instead of linking to it)"
        )
    if not target.is_file():
        raise ReaderError(f"{path}: is a link to {target}, which is not a file")
