"""Review files: XLIFF 1.2 for CAT tools (OmegaT, Poedit, Virtaal) and a review DOCX for Word.

Both carry one unit per segment of an edition, in document order, with the segment index
(title 0, kicker 1, summary 2, body blocks 3, 4, …) as its id, the German source, the current
translation, QA findings as notes, and whether the unit is already approved. Reading a file
back gives the same :class:`ReviewFile`; anything malformed raises :class:`ReviewError` with
a message a reviewer can act on.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

import docx
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt
from docx.opc.exceptions import OpcError
from lxml import etree
from translate.storage import xliff

from pressroom.config import LANGUAGE_NAMES
from pressroom.limits import MAX_REVIEW_UNITS, LimitError, check_word_file
from pressroom.text import clean
from pressroom.writers.labels import xml_safe

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
NOTE_ORIGIN = "pressroom"
DOCX_ID_PREFIX = "pressroom-review"
APPROVED_WORDS = frozenset({"approved", "ok", "freigegeben", "geprüft", "승인"})
_HEADER = ("#", "Status")


# What python-docx raises for a damaged or foreign Word file; well-formed XML in the wrong
# shape fails on attribute and index lookups (found by fuzzing, tests/test_fuzz_inputs.py).
_DAMAGED = (
    zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OpcError, etree.XMLSyntaxError,
    NotImplementedError, AttributeError, TypeError, IndexError,
)


class ReviewError(ValueError):
    """A review file cannot be used; the message names the file and what is wrong."""


@dataclass
class ReviewUnit:
    """One segment in a review file."""

    index: int
    source: str
    target: str
    approved: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class ReviewFile:
    """The review of one edition: a release in one target language."""

    release: str
    source_lang: str
    target_lang: str
    units: list[ReviewUnit]


class _Unit12(xliff.xliffunit):
    namespace = XLIFF_NS


class _File12(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing the 1.2 namespace instead of 1.1."""

    UnitClass = _Unit12
    namespace = XLIFF_NS
    XMLskeleton = xliff.xlifffile.XMLskeleton.replace("1.1", "1.2")


def write_xliff(review: ReviewFile) -> bytes:
    """The edition as XLIFF 1.2: one trans-unit per segment, state ``translated`` or ``final``."""
    store = _File12(sourcelanguage=review.source_lang, targetlanguage=review.target_lang)
    store.setfilename(store.getfilenode("NoName"), review.release)
    for unit in review.units:
        item = store.addsourceunit(xml_safe(unit.source), filename=review.release)
        item.setid(str(unit.index))
        item.target = xml_safe(unit.target)
        item.set_state_n(item.statemap["final" if unit.approved else "translated"])
        item.markapproved(unit.approved)
        for note in unit.notes:
            item.addnote(xml_safe(note), origin=NOTE_ORIGIN)
    return bytes(store)


def read_xliff(data: bytes, name: str) -> ReviewFile:
    """Parse an XLIFF 1.x file written by :func:`write_xliff` and edited in a CAT tool.

    A unit counts as approved when the tool marked it approved, signed-off or final; whether
    its text changed is decided later, against the published edition.
    """
    try:
        store = xliff.xlifffile.parsestring(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise ReviewError(f"{name}: not a readable XLIFF file ({exc})") from None
    files = store.getfilenames()
    if len(files) != 1:
        raise ReviewError(f"{name}: expected one release per XLIFF file, found {len(files)}")
    units = []
    seen: set[int] = set()
    for item in store.unit_iter():
        raw_id = (item.getid() or "").rpartition("\x04")[2]
        if not _segment_number(raw_id):
            raise ReviewError(f"{name}: a unit has the id '{_quoted(raw_id)}', not a segment number")
        _check_new(int(raw_id), seen, name)
        state = item.get_state_n()
        units.append(
            ReviewUnit(
                index=int(raw_id),
                source=clean(str(item.source or "")),
                target=clean(str(item.target or "")),
                approved=bool(item.isapproved()) or state >= item.statemap["signed-off"],
            )
        )
    language = (clean(store.getsourcelanguage() or ""), clean(store.gettargetlanguage() or ""))
    return ReviewFile(clean(files[0]), *language, units)


def _segment_number(text: str) -> bool:
    """An id that is a segment number: ASCII digits only ("²" is a digit to Python, not to int)."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def _quoted(text: str) -> str:
    """Text from a review file as a message may quote it: cleaned and short."""
    shown = " ".join(clean(text).split())
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _check_new(index: int, seen: set[int], name: str) -> None:
    """Refuse a segment that came before, or more units than a release has segments."""
    if index in seen:
        raise ReviewError(f"{name}: segment {index} appears more than once; export a fresh review file")
    if len(seen) >= MAX_REVIEW_UNITS:
        raise ReviewError(f"{name}: more than {MAX_REVIEW_UNITS:,} units; a release has at most that many segments")
    seen.add(index)


def write_review_docx(review: ReviewFile) -> bytes:
    """A table German | translation | status per segment; reviewers edit the translation column.

    Writing ``approved`` (or ``ok``) in the status column accepts a translation unchanged.
    """
    document = docx.Document()
    document.core_properties.identifier = f"{DOCX_ID_PREFIX}:{review.release}:{review.source_lang}:{review.target_lang}"
    document.core_properties.title = f"Review: {review.release} ({review.source_lang}→{review.target_lang})"
    document.add_heading(f"Review: {review.release} ({review.source_lang} → {review.target_lang})", level=1)
    document.add_paragraph(
        "Correct the translation column only. Write 'approved' in the status column to accept a "
        "translation as it is. Then run: pressroom review import THIS-FILE.docx"
    )
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    names = (LANGUAGE_NAMES.get(review.source_lang, review.source_lang), LANGUAGE_NAMES.get(review.target_lang, review.target_lang))
    for cell, text in zip(table.rows[0].cells, (_HEADER[0], *names, _HEADER[1])):
        cell.text = text
    for unit in review.units:
        cells = table.add_row().cells
        cells[0].text = str(unit.index)
        cells[1].text = xml_safe(unit.source)
        cells[2].text = xml_safe(unit.target)
        cells[3].text = "approved" if unit.approved else "machine"
        for note in unit.notes:
            run = cells[3].add_paragraph().add_run(xml_safe(note))
            run.font.size = Pt(8)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read_review_docx(data: bytes, name: str) -> ReviewFile:
    """Parse a review DOCX written by :func:`write_review_docx` and edited in Word."""
    try:
        check_word_file(data)
        return _review_table(docx.Document(io.BytesIO(data)), name)
    except LimitError as exc:
        raise ReviewError(f"{name}: {exc}") from None
    except ReviewError:
        raise
    except _DAMAGED as exc:
        raise ReviewError(f"{name}: not a readable Word .docx file ({_quoted(str(exc))})") from None


def _review_table(document: Document, name: str) -> ReviewFile:
    prefix, _, rest = (document.core_properties.identifier or "").partition(":")
    release, _, langs = rest.partition(":")
    source_lang, _, target_lang = langs.partition(":")
    if prefix != DOCX_ID_PREFIX or not (release and source_lang and target_lang) or not document.tables:
        raise ReviewError(f"{name}: not a pressroom review document (export one with 'pressroom review export --docx')")
    units = []
    seen: set[int] = set()
    for row in document.tables[0].rows[1:]:
        cells = row.cells
        if len(cells) < 4 or not _segment_number(cells[0].text.strip()):
            raise ReviewError(f"{name}: the review table was changed (a row without its segment number)")
        _check_new(int(cells[0].text.strip()), seen, name)
        status = cells[3].paragraphs[0].text.strip().lower() if cells[3].paragraphs else ""
        units.append(
            ReviewUnit(
                index=int(cells[0].text.strip()),
                source=clean(cells[1].text),
                target=clean(cells[2].text),
                approved=status in APPROVED_WORDS,
            )
        )
    return ReviewFile(clean(release), clean(source_lang), clean(target_lang), units)
