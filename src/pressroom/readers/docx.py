"""Word ``.docx`` releases: the structure comes from the paragraph styles the author chose.

Title style → title, Heading 1–9 → subheadings with their levels, List Bullet / List Number
(and "List Bullet 2" …, or any paragraph Word numbers itself) → list items with their levels,
Quote / Intense Quote → quotes, Caption → a picture's caption. Runs keep their direct bold and
italic, links their targets; tables, pictures, the dateline and the contact block are read as
such (:mod:`pressroom.readers.wordml`). The date comes from the text; the dates stored in the
file's properties say when the file was made, never when the release was issued.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import OpcError, PackageNotFoundError
from lxml import etree

from pressroom.config import Settings
from pressroom.document.model import Block, Heading, Paragraph, Release
from pressroom.limits import MAX_DOCX_BYTES, LimitError, check_word_file, read_regular_file
from pressroom.readers.common import (
    ReaderError,
    build_release,
    stated_date,
    title_from_lead,
    with_body_heading_levels,
)
from pressroom.readers.contacts import gather_contacts
from pressroom.readers.datelines import above_title, place_datelines
from pressroom.readers.decode import invisible_warning
from pressroom.readers.text import looks_like_headline
from pressroom.readers.wordml import read_word_body

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
"""Start of an OLE2 compound file: an old .doc, or a .docx Word encrypted with a password."""
ZIP_MAGIC = b"PK\x03\x04"

# What python-docx raises for a truncated zip, a zip without Word parts or broken XML.
# Well-formed XML in the wrong shape (a renamed root, a part where another is expected) makes
# python-docx fail on attribute and index lookups: found by fuzzing (tests/test_fuzz_inputs.py).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    PackageNotFoundError,
    OpcError,
    etree.XMLSyntaxError,
    AttributeError,
    TypeError,
    IndexError,
    NotImplementedError,
)


def read_docx_release(path: Path, settings: Settings) -> Release:
    """Read a Word release; a title missing from the text falls back to the document's title
    property, a date missing from it to the file's modification time (with a warning)."""
    document = _open(path)
    try:
        body = read_word_body(document)
        core_title = document.core_properties.title or ""
    except _DAMAGED:
        raise _damaged(path) from None
    warnings = list(body.warnings)
    if body.invisible:
        warnings.append(invisible_warning(body.invisible))
    title, blocks = body.title, body.blocks
    if not blocks and not title:
        raise ReaderError(f"{path}: is empty")
    blocks, stated = place_datelines(blocks)
    blocks = above_title(blocks, body.title_at)
    if not title and not any(block.texts() for block in blocks):
        raise ReaderError(f"{path}: has no title and no text besides the date")
    if not title:
        title, blocks = _title(blocks, core_title, warnings)
    date, precision = stated_date(stated, path, settings.zone, warnings)
    return build_release(
        path,
        title=title,
        date=date,
        date_precision=precision,
        blocks=gather_contacts(with_body_heading_levels(blocks)),
        warnings=warnings,
    )


def _open(path: Path) -> Document:
    try:
        data = read_regular_file(path, MAX_DOCX_BYTES, purpose="for a press release")
    except LimitError as exc:
        raise ReaderError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ReaderError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise ReaderError(f"{path}: is empty")
    if data.startswith(OLE2_MAGIC):
        raise ReaderError(
            f"{path}: is password-protected or not a Word .docx file; "
            "save it again as .docx without a password"
        )
    if not data.startswith(ZIP_MAGIC):
        raise _damaged(path)
    try:
        check_word_file(data)
        return docx.Document(io.BytesIO(data))
    except LimitError as exc:
        raise ReaderError(f"{path}: {exc}") from None
    except _DAMAGED:
        raise _damaged(path) from None


def _damaged(path: Path) -> ReaderError:
    return ReaderError(
        f"{path}: is damaged or not a Word .docx file; open it in Word and save it again as .docx"
    )


def _title(blocks: list[Block], core_title: str, warnings: list[str]) -> tuple[str, list[Block]]:
    """Without a Title-style paragraph: a heading or headline-like first paragraph, else the
    document's title property, else the first sentence (with a warning)."""
    index = next((i for i, block in enumerate(blocks) if isinstance(block, Heading | Paragraph)), None)
    if index is None:
        return core_title, blocks
    first = blocks[index]
    text = first.texts()[0].text
    if isinstance(first, Heading) or (isinstance(first, Paragraph) and "\n" not in text and looks_like_headline(text)):
        return text, blocks[:index] + blocks[index + 1 :]
    if core_title.strip():
        return core_title, blocks
    warnings.append(
        "no headline at the start of the document; the title was made from the first "
        "sentence (give the headline Word's Title style)"
    )
    return title_from_lead(blocks)
