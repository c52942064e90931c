"""Word ``.docx`` releases: the structure comes from the paragraph styles the author chose.

Title style → title, Heading 1–3 → subheadings, List Bullet / List Number (or any paragraph
Word numbers itself) → list items, Quote / Intense Quote → quotes. Text is read from the runs
Word shows (including tracked insertions, never tracked deletions), so what the press officer
sees in Word is what gets translated.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.opc.exceptions import OpcError, PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from pressroom.config import Settings
from pressroom.document.model import Release
from pressroom.limits import MAX_DOCX_BYTES, LimitError, check_word_file, read_regular_file
from pressroom.readers.common import (
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    Pending,
    ReaderError,
    build_release,
    clean_inline,
    contact_text,
    finish_blocks,
    is_contact_header,
    mtime_date,
    parse_dateline,
    title_from_text,
)
from pressroom.readers.decode import invisible_warning, remove_invisible
from pressroom.readers.text import looks_like_headline

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
# Text of a paragraph as Word shows it: runs, also inside links, tracked insertions and
# simple fields; not deleted text (w:delText) and not text boxes anchored in the paragraph.
_TEXT_XPATH = (
    "(./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:ins/w:hyperlink/w:r | ./w:smartTag/w:r"
    " | ./w:fldSimple/w:r)/*[self::w:t or self::w:tab or self::w:br or self::w:cr]"
)


def read_docx_release(path: Path, settings: Settings) -> Release:
    """Read a Word release; title and date fall back to the document properties."""
    document = _open(path)
    try:
        title, entries, removed = _entries(document)
        properties = document.core_properties
        core_title, created = properties.title or "", properties.created
    except _DAMAGED:
        raise _damaged(path) from None
    warnings: list[str] = []
    if removed:
        warnings.append(invisible_warning(removed))
    if not entries and not title:
        raise ReaderError(f"{path}: is empty")
    contact = contact_label = ""
    for index in range(len(entries) - 1, 0, -1):
        if is_contact_header(entries[index].text) and entries[index + 1 :]:
            contact = contact_text([entry.text for entry in entries[index + 1 :]])
            contact_label = entries[index].text.strip()
            entries = entries[:index]
            break
    date, entries = _date(entries, settings)
    if not title and not entries:
        raise ReaderError(f"{path}: has no title and no text besides the date")
    if not title:
        title, entries = _title(entries, core_title, warnings)
    if date is None and created is not None:
        date = (created if created.tzinfo else created.replace(tzinfo=settings.zone)).astimezone(
            settings.zone
        )
        warnings.append("no date in the text; used the creation date stored in the Word file")
    if date is None:
        date = mtime_date(path, settings.zone, warnings)
    return build_release(
        path,
        title=title,
        date=date,
        blocks=finish_blocks(entries),
        warnings=warnings,
        contact=contact,
        contact_label=contact_label,
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


def _entries(document: Document) -> tuple[str, list[Pending], int]:
    """The first Title-style paragraph, one pending block per other non-empty paragraph or
    table row, and how many invisible characters were removed."""
    title = ""
    entries: list[Pending] = []
    removed = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            pieces = [(PARAGRAPH, False, _row_text(row.cells)) for row in item.rows]
        else:
            pieces = [(*_role(item, document), paragraph_text(item))]
        for kind, ordered, raw in pieces:
            cleaned, count = remove_invisible(raw)
            removed += count
            text = clean_inline(cleaned)
            if not text:
                continue
            if not title and isinstance(item, Paragraph) and _style(item) == "title":
                title = text
            else:
                entries.append(Pending(kind, text, ordered))
    return title, entries, removed


def paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph's visible text; a link whose address is not in its text gets it added,
    as in Markdown releases: 'label (https://...)'."""
    text = "".join(
        (element.text or "") if element.tag == qn("w:t") else " "  # tab or line break
        for element in paragraph._p.xpath(_TEXT_XPATH)
    )
    for link in paragraph.hyperlinks:
        address = link.address.removeprefix("mailto:")
        label = link.text
        if address and label and address not in label and label in text:
            text = text.replace(label, f"{label} ({address})", 1)
    return text


def _row_text(cells: list[Any]) -> str:
    seen: list[Any] = []
    for cell in cells:  # merged cells repeat: keep each once
        if all(cell._tc is not other._tc for other in seen):
            seen.append(cell)
    texts = [clean_inline(" ".join(paragraph_text(p) for p in cell.paragraphs)) for cell in seen]
    return " – ".join(text for text in texts if text)


def _style(paragraph: Paragraph) -> str:
    return (paragraph.style.name if paragraph.style is not None else "").lower()


def _role(paragraph: Paragraph, document: Document) -> tuple[str, bool]:
    """Block kind and whether a list is numbered, from the style and Word's numbering.

    Further Title-style paragraphs after the first become headings."""
    name = _style(paragraph)
    if name.startswith("heading") or name == "title":
        return HEADING, False
    if name in ("quote", "intense quote"):
        return QUOTE, False
    if name.startswith("list bullet"):
        return LIST_ITEM, False
    if name.startswith("list number"):
        return LIST_ITEM, True
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if num_pr is not None and num_pr.numId is not None and num_pr.numId.val != 0:
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        return LIST_ITEM, _numbered(document, num_pr.numId.val, level)
    return PARAGRAPH, False


def _numbered(document: Document, num_id: int, level: int) -> bool:
    """Whether Word numbers this list (1., a), i.) rather than showing bullets."""
    try:
        numbering = document.part.numbering_part.element
    except NotImplementedError:  # no numbering definitions in the file at all
        return False
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
    if not abstract:
        return False
    formats = numbering.xpath(
        f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]'
        "/w:numFmt/@w:val"
    )
    return bool(formats) and formats[0] not in ("bullet", "none")


def _title(
    entries: list[Pending], core_title: str, warnings: list[str]
) -> tuple[str, list[Pending]]:
    """Without a Title-style paragraph: a headline-like first paragraph, else the document's
    title property, else the first sentence (with a warning)."""
    first = entries[0]
    if first.kind == HEADING or (
        first.kind == PARAGRAPH and looks_like_headline(first.text)
    ):
        return first.text, entries[1:]
    if core_title.strip():
        return core_title, entries
    warnings.append(
        "no headline at the start of the document; the title was made from the first "
        "sentence (give the headline Word's Title style)"
    )
    return title_from_text(first.text), entries


def _date(entries: list[Pending], settings: Settings) -> tuple[datetime | None, list[Pending]]:
    """A dateline among the first paragraphs: '24.07.2025 – 14:00', 'Stuttgart, 24. Juli 2025'."""
    for index, entry in enumerate(entries[:3]):
        found, standalone = parse_dateline(entry.text, settings.zone)
        if found is not None:
            return found, (entries[:index] + entries[index + 1 :]) if standalone else entries
    return None, entries
