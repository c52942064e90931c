"""What every reader shares: the error type, sentences, titles, numbered runs, summaries.

Kept apart from ``__init__`` so the format readers can import it without a cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pressroom.document.inline import Text
from pressroom.document.model import (
    Block,
    Contact,
    Dateline,
    DatePrecision,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Release,
)
from pressroom.limits import MAX_RELEASE_CHARS, MAX_RELEASE_SEGMENTS
from pressroom.slug import RESERVED_SLUGS, slugify
from pressroom.text import Hygiene


class ReaderError(Exception):
    """A release file cannot be read; the message names the file and the problem in plain words."""


MTIME_WARNING = "no date in file; used the file's modification time"

_ABBREVIATIONS = {
    "dr", "prof", "nr", "nrn", "bzw", "ca", "st", "str", "tel", "fax", "usw", "etc", "ggf",
    "vgl", "mio", "mrd", "jh", "inkl", "exkl", "evtl", "sog", "abs", "art", "hr", "fr", "hrsg",
    "dipl", "ing", "mag", "med", "jur", "rer", "nat", "phil", "zzgl", "min", "max", "std",
    "tsd", "bd", "kap", "geb", "bspw", "insb", "rd", "gem", "co", "ltd", "inc", "jan", "feb",
    "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "h.c", "z.b", "u.a",
    "d.h", "e.v", "o.ä", "u.ä", "z.t", "i.d.r", "v.a", "u.v.m", "m.b.h",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…][\"“”»«’')\]]*\s+(?=[„\"»«(\[]?[A-ZÄÖÜ0-9])")


def mtime_date(path: Path, zone: ZoneInfo, warnings: list[str]) -> datetime:
    """The file's modification time: the last resort for a release that states no date.

    Adds MTIME_WARNING to ``warnings``, so the press officer learns the date was guessed.
    """
    warnings.append(MTIME_WARNING)
    return datetime.fromtimestamp(path.stat().st_mtime, tz=zone)


def stated_date(
    stated: tuple[datetime, DatePrecision] | None, path: Path, zone: ZoneInfo, warnings: list[str]
) -> tuple[datetime, DatePrecision | None]:
    """The date the text states (a dateline, a "Stand:" line) with its precision, in ``zone``;
    else the file's modification time (:func:`mtime_date`)."""
    if stated is not None:
        return stated[0].replace(tzinfo=zone), stated[1]
    return mtime_date(path, zone, warnings), None


def clean_inline(text: str) -> str:
    """Block text on one line: runs of spaces, tabs and line breaks become one space.

    No-break spaces stay: they keep "z. B." or "3,6 Mio." together.
    """
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")


# Characters looked at before a full stop: longer than any abbreviation, so the time per
# candidate is fixed and a text of 200,000 "A. A. A." stays linear.
_ABBREVIATION_LOOKBACK = 32


def first_sentence(text: str) -> str:
    """The first sentence, not fooled by 'Dr.', 'z. B.', initials or '24. Juli'."""
    for match in _SENTENCE_END.finditer(text):
        dot = match.start()
        before = text[max(0, dot - _ABBREVIATION_LOOKBACK) : dot]
        if text[dot] == "." and _is_abbreviation(before):
            continue
        return text[: match.end()].strip()
    return text.strip()


def _is_abbreviation(before: str) -> bool:
    word = re.split(r"[\s(„\"]", before)[-1]
    if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    return word.isdigit() and len(word) <= 2  # "24. Juli", "17. UEFA ..." are ordinals


def cut_at_word(text: str, limit: int) -> str:
    """``text`` shortened to at most about ``limit`` characters at a word boundary, with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 2 else text[:limit]
    return cut.rstrip(" ,;:–—-") + " …"


def title_from_text(text: str) -> str:
    """A stand-in title from the first sentence, for files without a headline."""
    sentence = first_sentence(text)
    if sentence.endswith(".") and len(sentence) <= 90:
        sentence = sentence[:-1]
    return cut_at_word(sentence, 90)


def title_from_lead(blocks: list[Block]) -> tuple[str, list[Block]]:
    """A stand-in title from the first paragraph; a paragraph that is no more than that one
    short sentence (and marks nothing) leaves the body, so it is not shown twice."""
    index = next((i for i, b in enumerate(blocks) if isinstance(b, Paragraph)), None)
    if index is None:
        return title_from_text(next((t.text for b in blocks for t in b.texts()), "")), blocks
    lead = blocks[index].texts()[0]
    title = title_from_text(lead.text)
    if title == lead.text.removesuffix(".") and not lead.marks:
        return title, blocks[:index] + blocks[index + 1 :]
    return title, blocks


# What a reader's line or paragraph turns into, until its run of siblings is known.
HEADING, PARAGRAPH, QUOTE, LIST_ITEM = "heading", "paragraph", "quote", "list_item"


@dataclass
class Pending:
    """A block while a reader still works on it.

    ``kind`` is one of HEADING, PARAGRAPH, QUOTE, LIST_ITEM. Items numbered in the text
    ("1. ", "1081. ") keep their number and marker until the whole run of them is known.
    A ``block`` already finished (a table) passes through as it is.
    """

    kind: str
    text: str
    ordered: bool = False
    number: int = 0
    marker: str = ""
    level: int = 1
    block: Block | None = None


def finish_blocks(pending: list[Pending]) -> list[Block]:
    """Final blocks: whitespace tidied, empty ones dropped, numbered runs resolved.

    The numbers of a run of numbered items are dropped when they are 1, 2, 3 ... (the writers
    number ordered lists themselves); otherwise (a table of contents numbered 1081-1086) the
    original marker stays in the text, so no number is lost, and the items are not numbered
    again by the writers.
    """
    blocks: list[Block] = []
    run: list[Pending] = []
    for item in [*pending, None]:
        if item is not None and item.marker:
            run.append(item)
            continue
        if run:
            keep = keeps_numbers([i.number for i in run])
            for numbered in run:
                text = f"{numbered.marker} {numbered.text}" if keep else numbered.text
                blocks.append(ListItem(Text(clean_inline(text)), ordered=not keep))
            run = []
        if item is not None and item.block is not None:
            blocks.append(item.block)
        elif item is not None and clean_inline(item.text):
            blocks.append(_block(item.kind, Text(clean_inline(item.text)), item.ordered, item.level))
    return blocks


def _block(kind: str, text: Text, ordered: bool, level: int) -> Block:
    if kind == HEADING:
        return Heading(text)
    if kind == QUOTE:
        return Quote(text)
    if kind == LIST_ITEM:
        return ListItem(text, level, ordered)
    return Paragraph(text)


def keeps_numbers(numbers: list[int]) -> bool:
    """Whether a run of numbered items keeps its numbers in the text.

    Numbers 1, 2, 3 … are dropped (the writers number ordered lists themselves); any other run
    (a table of contents numbered 1081–1086) keeps them as written, so no number is lost.
    """
    return numbers != list(range(1, len(numbers) + 1))


def with_body_heading_levels(blocks: list[Block]) -> list[Block]:
    """Subheadings shifted so that the highest level used in the body is level 2, the first
    level below the release's title, whichever levels the author started from."""
    levels = [block.level for block in blocks if isinstance(block, Heading)]
    if not levels or min(levels) == 2:
        return blocks
    shift = 2 - min(levels)
    return [replace(b, level=min(b.level + shift, 6)) if isinstance(b, Heading) else b for b in blocks]


def _lead_index(blocks: list[Block]) -> int | None:
    """The lead paragraph: the first paragraph that reads as a sentence, after datelines and
    reference lines ("Nr. 1750"), before any other block."""
    for index, block in enumerate(blocks):
        if isinstance(block, Dateline):
            continue
        if not isinstance(block, Paragraph):
            return None
        if block.text.text.rstrip("\"“”»«'’)")[-1:] in (".", "!", "?", "…"):
            return index
    return None


def _without_repeated_lead(summary: str, blocks: list[Block]) -> tuple[str, list[Block]]:
    """The summary and the body such that no sentence is shown twice.

    Every edition shows the summary right above the body, so a lead that begins with it
    would show the same sentences twice. Normally the summary's sentences move out of the
    lead (whole sentences only: the summary must end like one; a lead that is nothing but the
    summary is dropped). Where those sentences carry a link or emphasis, the lead keeps them
    and the summary goes instead: the lead says the same, and nothing it marks is lost.
    """
    index = _lead_index(blocks) if summary else None
    if index is None:
        return summary, blocks
    lead = blocks[index].text
    whole = lead.text == summary
    if not whole and not (summary[-1] in ".!?…" and lead.text.startswith(summary + " ")):
        return summary, blocks
    if lead.slice(0, len(summary)).marks:
        return "", blocks
    rest = [] if whole else [Paragraph(lead.slice(len(summary) + 1, len(lead.text)))]
    return summary, [*blocks[:index], *rest, *blocks[index + 1 :]]


def build_release(
    path: Path,
    *,
    title: str,
    date: datetime,
    blocks: list[Block],
    warnings: list[str],
    kicker: str = "",
    slug: str = "",
    summary: str = "",
    tags: list[str] | None = None,
    contact: Contact | None = None,
    lang: str = "",
    date_precision: DatePrecision | None = None,
) -> Release:
    """Assemble a :class:`Release` with the defaults every format shares (slug from the title).

    A release without a summary keeps none: one derived from the body would only repeat its
    first sentence above it (often cut short), and the writers that need a short text fall
    back to the lead or the title themselves (:func:`pressroom.writers.labels.summary_text`).
    A given summary that the lead paragraph repeats is not shown twice (see
    :func:`_without_repeated_lead`). A ``contact`` block given apart from the body (front
    matter) goes after it. Without a ``date_precision``, a date at midnight is taken to state
    the day only.
    """
    hygiene = Hygiene()  # what a reader let through: Word's properties, direction controls
    title = clean_inline(hygiene.clean(title))
    kicker = hygiene.clean(kicker)
    tags = [tag for tag in (hygiene.clean(tag).strip() for tag in tags or []) if tag]
    blocks = [hygiene.clean_value(block) for block in blocks]
    summary, blocks = _without_repeated_lead(clean_inline(hygiene.clean(summary)), blocks)
    if contact is not None and (contact.lines or contact.table):
        blocks.append(hygiene.clean_value(contact))
    if not title:
        raise ReaderError(f"{path}: has no title")
    lines = [line.text for line in contact.lines] if contact is not None else []
    texts = [title, summary, kicker, *tags, *lines, *(text.text for block in blocks for text in block.texts())]
    _check_size(path, 2 + len(blocks), texts)
    warnings += hygiene.warnings()
    if not blocks:
        warnings.append("no text below the title")
    return Release(
        slug=_slug(path, slug, title),
        title=title,
        date=date,
        blocks=blocks,
        source_path=path,
        kicker=clean_inline(kicker),
        lang=lang,
        summary=summary,
        tags=tags,
        date_precision=date_precision or ("day" if (date.hour, date.minute) == (0, 0) else "minute"),
        warnings=warnings,
        bidi_removed=hygiene.bidi,
    )


def _check_size(path: Path, segments: int, texts: list[str]) -> None:
    """Refuse a release over the bounds of :mod:`pressroom.limits`, whatever its format."""
    if segments > MAX_RELEASE_SEGMENTS:
        raise ReaderError(
            f"{path}: has {segments:,} paragraphs, headings and list items; the limit for a "
            f"press release is {MAX_RELEASE_SEGMENTS:,}"
        )
    characters = sum(len(text) for text in texts)
    if characters > MAX_RELEASE_CHARS:
        raise ReaderError(
            f"{path}: has {characters:,} characters of text; the limit for a press release is "
            f"{MAX_RELEASE_CHARS:,}"
        )


def _slug(path: Path, given: str, title: str) -> str:
    """The release's slug: the given one, else one made from the title.

    A slug may not take the name of a file or folder the site writes itself (``index``,
    ``rss``, ``tags`` …): a given one is refused, one made from the title gets a suffix.
    """
    if not given.strip():
        slug = slugify(title)
        return f"{slug}-release" if slug in RESERVED_SLUGS else slug
    slug = slugify(given)
    if slug in RESERVED_SLUGS:
        raise ReaderError(
            f"{path}: 'slug: {given}' is the name of a page the site writes itself "
            f"({', '.join(sorted(RESERVED_SLUGS))} are taken); give the release another slug"
        )
    return slug
