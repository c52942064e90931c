"""What every reader shares: the error type, German dates, sentences, summaries, contact blocks.

Kept apart from ``__init__`` so the format readers can import it without a cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pressroom.document.inline import Text
from pressroom.document.model import Block, Contact, DatePrecision, Heading, ListItem, Paragraph, Quote, Release
from pressroom.limits import MAX_RELEASE_CHARS, MAX_RELEASE_SEGMENTS
from pressroom.slug import RESERVED_SLUGS, slugify
from pressroom.text import Hygiene


class ReaderError(Exception):
    """A release file cannot be read; the message names the file and the problem in plain words."""


MTIME_WARNING = "no date in file; used the file's modification time"

_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}  # fmt: skip
MONTH_NAMES = "|".join(name.capitalize() for name in _MONTHS)
_WEEKDAY = r"(?:(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag),?\s+(?:den\s+)?)?"
_DATE = (
    rf"{_WEEKDAY}(?:(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}})"
    rf"|(?P<ld>\d{{1,2}})\.\s*(?P<lm>{MONTH_NAMES})\s+(?P<ly>\d{{4}}))"
    r"(?:\s*(?:,|–|—|-|um)?\s*(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:\s*Uhr)?)?"
)
_GERMAN_DATE = re.compile(rf"{_DATE}\s*", re.IGNORECASE)
# "24.02.2016 – 15:48", "12.07.2024, Polizeipräsidium München", "Stuttgart, 24. Juli 2025"
_PLACE = r"(?:\(?[A-ZÄÖÜ][\w.()/-]*(?: [\w.()/-]+){0,2},\s*)?"
_DATELINE = re.compile(rf"{_PLACE}{_DATE}\)?(?P<rest>.*)")
_ABBREVIATIONS = {
    "dr", "prof", "nr", "nrn", "bzw", "ca", "st", "str", "tel", "fax", "usw", "etc", "ggf",
    "vgl", "mio", "mrd", "jh", "inkl", "exkl", "evtl", "sog", "abs", "art", "hr", "fr", "hrsg",
    "dipl", "ing", "mag", "med", "jur", "rer", "nat", "phil", "zzgl", "min", "max", "std",
    "tsd", "bd", "kap", "geb", "bspw", "insb", "rd", "gem", "co", "ltd", "inc", "jan", "feb",
    "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "h.c", "z.b", "u.a",
    "d.h", "e.v", "o.ä", "u.ä", "z.t", "i.d.r", "v.a", "u.v.m", "m.b.h",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…][\"“”»«’')\]]*\s+(?=[„\"»«(\[]?[A-ZÄÖÜ0-9])")
_CONTACT_HEADER = re.compile(
    r"(?:Für\s+)?(?:Rückfragen(?:\s+bitte)?(?:\s+an)?|Presse-?\s?kontakt|Medienkontakt|Kontakt"
    r"|Ansprechpartner(?:in|innen)?|Weitere\s+Informationen\s+für\s+Medien)"
    r"(?:\s+für\s+(?:Medien|die\s+Presse))?\s*:?",
    re.IGNORECASE,
)


def parse_date(value: Any, zone: ZoneInfo, path: Path) -> datetime:
    """A front matter or document date as a timezone-aware datetime (``zone`` when none given)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    text = str(value).strip()
    iso = re.sub(r"\s+(Z|[+-]\d{2}:?\d{2})$", r"\1", text)
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        match = _GERMAN_DATE.fullmatch(text)
        parsed = _from_match(match) if match else None
    if parsed is None:
        raise ReaderError(
            f"{path}: the date '{text}' is not a valid date; "
            "write it as 2025-07-24, 24.07.2025 or 24.07.2025 14:30"
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def parse_dateline(line: str, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    """The date a dateline at the start of ``line`` gives, and whether the line is only that.

    ``(date, True)`` for a line like ``24.02.2016 – 15:48`` or ``12.07.2024, Polizeipräsidium
    München`` (drop it from the body); ``(date, False)`` for ``Stuttgart, 24.07.2025 – Die
    Stadt ...`` (keep the paragraph); ``(None, False)`` otherwise.
    """
    match = _DATELINE.match(line)
    if not match:
        return None, False
    found = _from_match(match)
    if found is None:
        return None, False
    rest = match["rest"].strip()
    standalone = not rest or (
        rest[0] in ",|/–—-"
        and len(rest) <= 60
        and not rest.endswith(".")
        and ". " not in rest
        and re.match(r"[,|/–—-]\s*[A-ZÄÖÜ(]", rest) is not None
    )
    if standalone:
        return found.replace(tzinfo=zone), True
    if re.match(r"[–—-]\s+\S", rest):
        return found.replace(tzinfo=zone), False
    return None, False


def _from_match(match: re.Match[str]) -> datetime | None:
    if match["y"]:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    else:
        year, month, day = int(match["ly"]), _MONTHS[match["lm"].lower()], int(match["ld"])
    hour, minute = (int(match["H"]), int(match["M"])) if match["H"] else (0, 0)
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def mtime_date(path: Path, zone: ZoneInfo, warnings: list[str]) -> datetime:
    """The file's modification time: the last resort for a release that states no date.

    Adds MTIME_WARNING to ``warnings``, so the press officer learns the date was guessed.
    """
    warnings.append(MTIME_WARNING)
    return datetime.fromtimestamp(path.stat().st_mtime, tz=zone)


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


def is_contact_header(line: str) -> bool:
    """'Rückfragen bitte an:', 'Pressekontakt:' and the like: the contact block starts after it."""
    return len(line) <= 60 and _CONTACT_HEADER.fullmatch(line.strip()) is not None


def contact_text(lines: list[str]) -> str:
    """Contact lines kept verbatim, without trailing spaces or runs of blank lines."""
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# What a reader's line or paragraph turns into, until its run of siblings is known.
HEADING, PARAGRAPH, QUOTE, LIST_ITEM = "heading", "paragraph", "quote", "list_item"


@dataclass
class Pending:
    """A block while a reader still works on it.

    ``kind`` is one of HEADING, PARAGRAPH, QUOTE, LIST_ITEM. Items numbered in the text
    ("1. ", "1081. ") keep their number and marker until the whole run of them is known;
    ``ordered`` is for lists numbered by Word itself.
    """

    kind: str
    text: str
    ordered: bool = False
    number: int = 0
    marker: str = ""


def finish_blocks(pending: list[Pending]) -> list[Block]:
    """Final blocks: whitespace tidied, empty ones dropped, numbered runs resolved.

    The numbers of a run of numbered items are dropped when they are 1, 2, 3 ... (the writers
    number ordered lists themselves); otherwise (a table of contents numbered 1081-1086) the
    original marker stays in the text, so no number is lost.
    """
    blocks: list[Block] = []
    run: list[Pending] = []
    for item in [*pending, None]:
        if item is not None and item.marker:
            run.append(item)
            continue
        if run:
            keep = [i.number for i in run] != list(range(1, len(run) + 1))
            for numbered in run:
                text = f"{numbered.marker} {numbered.text}" if keep else numbered.text
                blocks.append(ListItem(Text(clean_inline(text)), ordered=True))
            run = []
        if item is not None and clean_inline(item.text):
            blocks.append(_block(item.kind, Text(clean_inline(item.text)), item.ordered))
    return blocks


def _block(kind: str, text: Text, ordered: bool) -> Block:
    if kind == HEADING:
        return Heading(text)
    if kind == QUOTE:
        return Quote(text)
    if kind == LIST_ITEM:
        return ListItem(text, ordered=ordered)
    return Paragraph(text)


def _without_repeated_lead(summary: str, blocks: list[Block]) -> list[Block]:
    """``blocks`` without the summary's sentences at the start of a leading paragraph.

    Every edition shows the summary right above the body, so a lead that begins with it
    would show the same sentences twice: the summary has moved out of the body. Only whole
    sentences are removed (the summary must end like one), and a lead that is nothing but
    the summary is dropped.
    """
    if not summary or not blocks or not isinstance(blocks[0], Paragraph):
        return blocks
    lead = blocks[0].text
    if lead.text == summary:
        return blocks[1:]
    if summary[-1] in ".!?…" and lead.text.startswith(summary + " "):
        return [Paragraph(lead.slice(len(summary) + 1, len(lead.text))), *blocks[1:]]
    return blocks


def build_release(
    path: Path,
    *,
    title: str,
    date: datetime,
    blocks: list[Block],
    warnings: list[str],
    slug: str = "",
    summary: str = "",
    tags: list[str] | None = None,
    contact: str = "",
    contact_label: str = "",
    lang: str = "",
    date_precision: DatePrecision | None = None,
) -> Release:
    """Assemble a :class:`Release` with the defaults every format shares (slug from the title).

    A release without a summary keeps none: one derived from the body would only repeat its
    first sentence above it (often cut short), and the writers that need a short text fall
    back to the lead or the title themselves (:func:`pressroom.writers.labels.summary_text`).
    A given summary that the lead paragraph repeats is taken out of the body instead. A
    ``contact`` block (lines as written) goes after the body under the ``contact_label``.
    Without a ``date_precision``, a date at midnight is taken to state the day only.
    """
    hygiene = Hygiene()  # what a reader let through: Word's properties, direction controls
    title = clean_inline(hygiene.clean(title))
    summary = clean_inline(hygiene.clean(summary))
    contact = hygiene.clean(contact)
    tags = [tag for tag in (hygiene.clean(tag).strip() for tag in tags or []) if tag]
    blocks = [_cleaned(block, hygiene) for block in blocks]
    blocks = _without_repeated_lead(summary, blocks)
    if contact.strip():
        blocks.append(Contact(contact_label, tuple(Text(line) for line in contact.split("\n"))))
    if not title:
        raise ReaderError(f"{path}: has no title")
    texts = [title, summary, contact, *tags, *(text.text for block in blocks for text in block.texts())]
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
        lang=lang,
        summary=summary,
        tags=tags,
        date_precision=date_precision or ("day" if (date.hour, date.minute) == (0, 0) else "minute"),
        warnings=warnings,
        bidi_removed=hygiene.bidi,
    )


def _cleaned(block: Block, hygiene: Hygiene) -> Block:
    texts = block.texts()
    if not texts:
        return block
    cleaned = tuple(hygiene.clean_marked(text) for text in texts)
    return block if cleaned == texts else block.with_texts(cleaned)


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
