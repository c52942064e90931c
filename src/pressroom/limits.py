"""Every bound on what pressroom reads from outside, in one place, each with why.

A press office never comes near them: a release is a few kilobytes, a Word file a few
megabytes, a glossary a few thousand rows, a model package a few hundred megabytes. Each
bound stops one wrong, damaged or hostile file from exhausting memory, disk or time, so that
the other releases are still published. A file over a bound is refused by name, saying the
bound; nothing is ever cut off silently. The readers, the glossary, the review import and the
package installer enforce them from here (with the helpers below); the README's "Security and
limits" section lists them.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

# --- Release files --------------------------------------------------------------------------
MAX_RELEASE_BYTES = 2_000_000
"""A .md or .txt release on disk. Anything this big is a wrong file (a log, a data export)."""
MAX_DOCX_BYTES = 50_000_000
"""A .docx release on disk: photos make Word files much larger than their text."""
MAX_DOCX_INFLATED_BYTES = 200_000_000
"""All parts of a .docx after decompression (declared and actual): stops zip bombs."""
MAX_DOCX_XML_BYTES = 50_000_000
"""The XML parts of a .docx after decompression: what python-docx parses into memory."""
MAX_DOCX_MEMBERS = 5_000
"""Parts (files) inside a .docx; Word writes a few dozen plus one per picture."""
MAX_RELEASE_CHARS = 2_000_000
"""Text of one release after decoding, in any format (the same as a .txt file allows)."""
MAX_RELEASE_SEGMENTS = 10_000
"""Segments (title, summary, paragraphs, headings, list items) of one release."""
MAX_PICTURE_BYTES = 20_000_000
"""Largest picture taken into a release. A press photo for the web is well under 5 MB; a
print-resolution original stays below this. Anything larger is refused by name."""
MAX_PICTURE_SIDE = 20_000
"""Largest width or height in pixels: a header claiming more is a damaged or hostile file."""
MAX_FRONT_MATTER_DEPTH = 20
"""Nesting of the YAML front matter. YAML aliases and anchors are refused outright: a few
hundred bytes of nested aliases expand to gigabytes ("billion laughs")."""

# --- Terminology and review files -----------------------------------------------------------
MAX_GLOSSARY_BYTES = 20_000_000
"""glossary.tsv and do-not-translate.txt, each, on disk."""
MAX_GLOSSARY_ROWS = 200_000
"""Entries of the glossary and the do-not-translate list together. Matching costs the same
for any number of terms (one automaton); the bound keeps memory and load time in check."""
MAX_REVIEW_FILE_BYTES = 20_000_000
"""An XLIFF file or review DOCX given to 'pressroom review import'."""
MAX_REVIEW_UNITS = MAX_RELEASE_SEGMENTS
"""Units of one review file: one per segment of one release, each id at most once."""

# --- Model packages and the package index ---------------------------------------------------
MAX_INDEX_BYTES = 10_000_000
"""The Argos package index (index.json is about 100 KB today)."""
MAX_JSON_DEPTH = 32
"""Nesting of the package index and of package metadata (both are a few levels deep)."""
MAX_METADATA_BYTES = 1_000_000
"""A package's metadata.json (a few hundred bytes in every Argos package)."""
MAX_PACKAGE_BYTES = 2_000_000_000
"""A downloaded or installed .argosmodel file (Argos packages are 30 to 500 MB)."""
MAX_PACKAGE_INFLATED_BYTES = 2_500_000_000
"""A package after extraction (declared and actual sizes): stops zip bombs."""
MAX_PACKAGE_MEMBERS = 1_000
"""Files inside an .argosmodel (a dozen in Argos packages)."""
DOWNLOAD_DEADLINE_S = 3_600
"""A whole package download; a connection that trickles a byte now and then ends here."""
INDEX_DEADLINE_S = 120
"""Reading the package index, from the first byte to the last."""
DOWNLOAD_READ_TIMEOUT_S = 60
"""Silence on a download or index connection before it is given up."""

# --- Preview server (pressroom serve) -------------------------------------------------------
SERVE_SOCKET_TIMEOUT_S = 10
"""An idle or stalled browser connection is closed after this long."""
SERVE_MAX_THREADS = 16
"""Requests answered at once; more wait for a free handler instead of each taking a thread."""
SERVE_MAX_URL_PATH = 2_048
"""Longest request path answered; longer ones get 414 (no file of pressroom's is that long)."""


class LimitError(ValueError):
    """Input over one of the bounds above; the message says by how much, not which file (the
    caller adds the file's name and raises its own error type)."""


def size_text(count: int) -> str:
    """A byte count for people: '4.2 MB (4,200,000 bytes)'."""
    return f"{count / 1e6:.1f} MB ({count:,} bytes)"


def too_large(what: str, size: int, limit: int, purpose: str = "") -> LimitError:
    """The error for ``what`` ("" for the file itself) of ``size`` bytes over ``limit``;
    ``purpose`` says what for ("for a press release")."""
    subject = f"{what} is" if what else "is"
    purpose = f" {purpose}" if purpose else ""
    return LimitError(
        f"{subject} too large{purpose} ({size / 1e6:.1f} MB, {size:,} bytes); the limit is "
        f"{size_text(limit)}"
    )


def read_regular_file(path: Path, limit: int, what: str = "", purpose: str = "") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    The size is checked on the open file before reading and again while reading (a file that
    grows meanwhile is still refused), so no more than ``limit`` bytes ever reach memory. A
    FIFO or device is refused instead of read: reading one would block or never end.
    """
    # O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise LimitError(f"{what or 'it'} is not a regular file (a pipe or a device)")
        if info.st_size > limit:
            raise too_large(what, info.st_size, limit, purpose)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(what, len(data), limit, purpose)
    return data


def copy_capped(source: BinaryIO, target: BinaryIO, limit: int, what: str) -> int:
    """Copy ``source`` to ``target`` until its end, refusing more than ``limit`` bytes."""
    total = 0
    while chunk := source.read(1 << 20):
        total += len(chunk)
        if total > limit:
            raise too_large(what, total, limit)
        target.write(chunk)
    return total


def check_zip(
    archive: zipfile.ZipFile, *, max_members: int, max_bytes: int, what: str = "the archive"
) -> list[zipfile.ZipInfo]:
    """The members of ``archive`` if their count and declared uncompressed size are in bounds."""
    members = archive.infolist()
    if len(members) > max_members:
        raise LimitError(f"{what} holds {len(members):,} files; the limit is {max_members:,}")
    declared = sum(info.file_size for info in members)
    if declared > max_bytes:
        raise too_large(f"{what} unpacked", declared, max_bytes)
    return members


def inflated_size(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo], max_bytes: int, what: str) -> int:
    """Decompress ``members`` without keeping them and return their actual total size.

    Declared sizes can lie; this counts what really comes out and stops as soon as the total
    passes ``max_bytes``, so a bomb costs at most that much work and no memory.
    """
    total = 0
    for info in members:
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > max_bytes:
                    raise too_large(f"{what} unpacked", total, max_bytes)
    return total


def check_word_file(data: bytes) -> None:
    """LimitError when a Word file unpacks to more than the bounds allow (a zip bomb), counting
    the declared sizes and then what really comes out, before python-docx reads any of it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = check_zip(archive, max_members=MAX_DOCX_MEMBERS, max_bytes=MAX_DOCX_INFLATED_BYTES, what="the Word file")
        xml = [info for info in members if info.filename.lower().endswith((".xml", ".rels"))]
        declared = sum(info.file_size for info in xml)
        if declared > MAX_DOCX_XML_BYTES:
            raise too_large("the Word file's text", declared, MAX_DOCX_XML_BYTES)
        inflated_size(archive, xml, MAX_DOCX_XML_BYTES, "the Word file's text")
        inflated_size(archive, members, MAX_DOCX_INFLATED_BYTES, "the Word file")


def load_json(data: bytes, what: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON from untrusted bytes: ValueError when it is not JSON, LimitError when it is
    nested deeper than ``max_depth`` (the parser itself would recurse until it crashes)."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise LimitError(f"{what} is nested too deeply (more than {max_depth} levels)") from None
    level: list[tuple[Any, int]] = [(value, 1)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise LimitError(f"{what} is nested too deeply (more than {max_depth} levels)")
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth + 1) for child in children)
    return value
