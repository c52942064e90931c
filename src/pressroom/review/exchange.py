"""Review files: XLIFF 1.2 for CAT tools (OmegaT, Poedit, Virtaal) and a review DOCX for Word.

Both carry one unit per segment of an edition, in document order, with the segment index
(title 0, kicker 1, summary 2, body blocks 3, 4, …) as its id, the German source, the current
translation, QA findings as notes, and whether the unit is already approved. Reading a file
back gives the same :class:`ReviewFile`; anything malformed raises :class:`ReviewError` with
a message a reviewer can act on.

Marks travel with the text. In XLIFF they are inline ``<g>`` elements (``ctype`` bold,
italic, link or x-code), which CAT tools show as tags to be kept around the right words; the
``id`` of a mark is its number among the source segment's marks, in the target too, so the
address of a link is never in the file to be edited: it comes from the published original
(:attr:`ReviewUnit.links`). In the review DOCX they are Word formatting and real hyperlinks.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt
from docx.opc.exceptions import OpcError
from lxml import etree
from translate.storage import xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as placeables

from pressroom.config import LANGUAGE_NAMES
from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.document.model import Table
from pressroom.limits import MAX_REVIEW_UNITS, LimitError, check_word_file
from pressroom.readers.wordml import read_word_body
from pressroom.text import Hygiene, clean
from pressroom.translate.marks import merged as merged_marks
from pressroom.writers.docx_runs import rich_runs
from pressroom.writers.labels import xml_safe

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
NOTE_ORIGIN = "pressroom"
DOCX_ID_PREFIX = "pressroom-review"
APPROVED_WORDS = frozenset({"approved", "ok", "freigegeben", "geprüft", "승인"})
_HEADER = ("#", "Status")
# XLIFF 1.2 ctype values of the <g> elements that carry marks (user-defined ones start with x-).
CTYPES = {MarkKind.BOLD: "bold", MarkKind.ITALIC: "italic", MarkKind.LINK: "link", MarkKind.CODE: "x-code"}
KINDS = {ctype: kind for kind, ctype in CTYPES.items()}


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
    """One segment in a review file, its texts with their marks.

    ``links`` (read from XLIFF only): the target stretches marked as links, as (start, end,
    number of the source mark); the address is the source mark's, taken from the published
    original, so ``target`` itself holds no link marks then.
    """

    index: int
    source: Text
    target: Text
    approved: bool = False
    notes: list[str] = field(default_factory=list)
    links: tuple[tuple[int, int, int], ...] = ()


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
        item = store.addsourceunit(xml_safe(unit.source.text), filename=review.release)
        item.setid(str(unit.index))
        source_numbers = list(range(1, len(unit.source.marks) + 1))
        item.rich_source = [_inline(unit.source, source_numbers)]
        item.target = xml_safe(unit.target.text)
        item.rich_target = [_inline(unit.target, _target_numbers(unit.source, unit.target))]
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
        source, source_tags = _cleaned(*_marked(item.rich_source, {}))
        kinds = {number: kind for _, _, kind, number in source_tags}
        target, target_tags = _cleaned(*_marked(item.rich_target if item.target is not None else [], kinds))
        units.append(
            ReviewUnit(
                index=int(raw_id),
                source=merged_marks(Text(source, tuple(Mark(s, e, k) for s, e, k, _ in source_tags if k is not MarkKind.LINK))),
                target=merged_marks(Text(target, tuple(Mark(s, e, k) for s, e, k, _ in target_tags if k is not MarkKind.LINK))),
                approved=bool(item.isapproved()) or state >= item.statemap["signed-off"],
                links=tuple(sorted((s, e, n) for s, e, k, n in target_tags if k is MarkKind.LINK)),
            )
        )
    language = (clean(store.getsourcelanguage() or ""), clean(store.gettargetlanguage() or ""))
    return ReviewFile(clean(files[0]), *language, units)


def _cleaned(text: str, tags: list[tuple[int, int, MarkKind, int]]) -> tuple[str, list[tuple[int, int, MarkKind, int]]]:
    """A unit's text without control and direction characters, its tags moved along."""
    kept, moved = Hygiene().clean_mapped(text)
    return kept, [(moved(start), moved(end), kind, number) for start, end, kind, number in tags]


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


def _target_numbers(source: Text, target: Text) -> list[int]:
    """For each target mark, the number of the source mark it stands for: the next one of the
    same kind and address; a mark the source does not have gets a number of its own."""
    free = list(enumerate(source.marks, 1))
    numbers = []
    extra = len(source.marks)
    for mark in target.marks:
        match = next((pair for pair in free if (pair[1].kind, pair[1].target) == (mark.kind, mark.target)), None)
        if match:
            free.remove(match)
            numbers.append(match[0])
        else:
            extra += 1
            numbers.append(extra)
    return numbers


def _inline(text: Text, numbers: list[int]) -> StringElem:
    """``text`` as XLIFF inline content: each mark a ``<g>`` with its number as id, nested
    where marks nest; a mark that crosses another's end is cut into pieces (ids "3", "3-2")."""
    root = StringElem([])
    stack: list[tuple[int, StringElem]] = []  # open marks, outermost first: (mark index, element)
    pieces: dict[int, int] = {}
    for start, end, covering in _stretches(text):
        keep = 0
        while keep < len(stack) and stack[keep][0] in covering:
            keep += 1
        del stack[keep:]
        opened = {index for index, _ in stack}
        for index in sorted(covering - opened, key=lambda i: (-text.marks[i].end, i)):
            mark = text.marks[index]
            pieces[index] = pieces.get(index, 0) + 1
            number = str(numbers[index]) + (f"-{pieces[index]}" if pieces[index] > 1 else "")
            element = placeables.G(id=number, sub=[], xml_attrib={"ctype": CTYPES[mark.kind]})
            (stack[-1][1] if stack else root).sub.append(element)
            stack.append((index, element))
        (stack[-1][1] if stack else root).sub.append(StringElem(xml_safe(text.text[start:end])))
    return root


def _stretches(text: Text) -> Iterator[tuple[int, int, set[int]]]:
    """The text cut wherever a mark starts or ends: (start, end, indices of the marks over it)."""
    cuts = sorted({0, len(text.text), *(m.start for m in text.marks), *(m.end for m in text.marks)})
    for start, end in zip(cuts, cuts[1:]):
        yield start, end, {i for i, m in enumerate(text.marks) if m.start <= start and end <= m.end}


def _marked(rich: list[StringElem], kinds: dict[int, MarkKind]) -> tuple[str, list[tuple[int, int, MarkKind, int]]]:
    """Plain text and (start, end, kind, number) per ``<g>`` of XLIFF inline content. A ``<g>``
    without a known ctype takes the kind of the source mark with its number; one with neither
    (a tag a CAT tool invented) keeps its text and is dropped."""
    parts: list[str] = []
    tags: list[tuple[int, int, MarkKind, int]] = []

    def walk(element: StringElem | str) -> None:
        if isinstance(element, str):
            parts.append(element)
            return
        start = sum(map(len, parts))
        for child in element.sub:
            walk(child)
        if isinstance(element, placeables.G):
            number = _number(element.id)
            kind = KINDS.get(getattr(element, "xml_attrib", {}).get("ctype", "")) or kinds.get(number)
            if kind is not None:
                tags.append((start, sum(map(len, parts)), kind, number))

    for element in rich:
        walk(element)
    return "".join(parts), tags


def _number(tag_id: str | None) -> int:
    head = (tag_id or "").partition("-")[0]
    return int(head) if head.isdigit() else 0


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
        rich_runs(cells[1].paragraphs[0], unit.source)
        rich_runs(cells[2].paragraphs[0], unit.target)
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
    # Read as the Word reader reads a release: runs with bold and italic, hyperlinks with
    # their addresses, and a reviewer's tracked insertions (not the deletions) count.
    table = next((block for block in read_word_body(document).blocks if isinstance(block, Table)), None)
    if table is None:
        raise ReviewError(f"{name}: the review table is missing (export a fresh file with 'pressroom review export --docx')")
    units = []
    seen: set[int] = set()
    hygiene = Hygiene()
    for row in table.rows[1:]:
        if len(row) < 4 or not _segment_number(row[0].text.text.strip()):
            raise ReviewError(f"{name}: the review table was changed (a row without its segment number)")
        _check_new(int(row[0].text.text.strip()), seen, name)
        status = row[3].text.text.partition("\n")[0].strip().lower()
        units.append(
            ReviewUnit(
                index=int(row[0].text.text.strip()),
                source=hygiene.clean_marked(row[1].text),
                target=hygiene.clean_marked(row[2].text),
                approved=status in APPROVED_WORDS,
            )
        )
    return ReviewFile(clean(release), clean(source_lang), clean(target_lang), units)
