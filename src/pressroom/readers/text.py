"""Plain ``.txt`` releases: no metadata, so the structure is read from the shape of the lines.

What users feed in is text copied from a web page, a mail or a PDF (see the corpus in
``shared/corpus``): a headline on the first line (or none at all), maybe a dateline such as
``24.02.2016 – 15:48``, short subheadings, bullet or numbered lines, one paragraph per line or
e-mail text hard-wrapped at ~72 characters, and a contact block after "Rückfragen bitte an:".
Every guess that could be wrong is cautious: a line that is not clearly a heading, a list item
or a quotation stays a paragraph, so no text is ever lost or reordered.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pressroom.config import Settings
from pressroom.document.model import Block, Paragraph, Release
from pressroom.readers.common import (
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    MONTH_NAMES,
    Pending,
    build_release,
    clean_inline,
    contact_text,
    finish_blocks,
    is_contact_header,
    mtime_date,
    parse_dateline,
    title_from_text,
)
from pressroom.readers.decode import read_text_file

HEADLINE_MAX = 160
"""A first line up to this long without a final full stop is the headline (mail subjects
reach ~150 characters)."""
SUBHEADING_MAX = 90
"""Subheadings are shorter than this; longer lines are paragraphs."""
WRAP_MAX_WIDTH = 100
"""Hard-wrapped text has no line longer than this."""
WRAP_SLACK = 8
"""A line is wrapped when the next word would not have fitted within this many characters of
the wrap width; a shorter line was ended on purpose."""

BULLET = re.compile(r"[-•*·▪]\s+(?P<text>\S.*)")
# "1. Text", "1081.    Text"; not "24. Juli 2025" (a date) nor "24.02.2016" (no space).
NUMBERED = re.compile(
    rf"(?P<marker>(?P<number>\d{{1,4}})[.)])\s+(?!(?:{MONTH_NAMES})\b)(?P<text>\S.*)"
)
_OPENING_QUOTES = "„\"“»«"
_CLOSING_QUOTES = "“\"”«»"
_LABEL = re.compile(
    r"(?:Gemeinsame\s+)?(?:Pressemitteilung|Presseinformation|Pressemeldung|Medieninformation"
    r"|Medienmitteilung)(?:\s+(?:Nr\.\s*)?[\d/.-]+)?:?",
    re.IGNORECASE,
)
_CLOSING = r"[\"“”»«’')]*$"  # closing quotes or brackets after the final punctuation
_ENDS_CLAUSE = re.compile(rf"[.!?…:;,]{_CLOSING}")
_ENDS_SENTENCE = re.compile(rf"[.!?…:]{_CLOSING}")  # ':' - a lead-in to a list is prose too


def read_text_release(path: Path, settings: Settings) -> Release:
    """Read a plain-text release; guessed title and date are reported in ``warnings``."""
    text, warnings = read_text_file(path)
    zone = settings.zone
    lines = [line.strip() for line in text.split("\n")]
    lines, contact, contact_label = _split_contact(lines)
    title, date, body = _header(lines, zone)
    if is_hard_wrapped(body):
        body = unwrap(body)
    blocks = classify(body)
    if date is None:
        first = next((line for line in body if line), "")
        date, _ = parse_dateline(first, zone)
    if not title and blocks:
        source = next((b for b in blocks if isinstance(b, Paragraph)), blocks[0])
        title = title_from_text(source.texts()[0].text if source.texts() else "")
        warnings.append(
            "no headline on the first line; the title was made from the first sentence "
            "(put the headline on the first line)"
        )
    if date is None:
        date = mtime_date(path, zone, warnings)
    return build_release(
        path, title=title, date=date, blocks=blocks, warnings=warnings, contact=contact, contact_label=contact_label
    )


def _split_contact(lines: list[str]) -> tuple[list[str], str, str]:
    """Everything after the last 'Rückfragen bitte an:'-style line is the press contact;
    returns the lines before it, the contact and its header line."""
    for index in range(len(lines) - 1, 0, -1):
        if is_contact_header(lines[index]) and any(lines[index + 1 :]) and any(lines[:index]):
            return lines[:index], contact_text(lines[index + 1 :]), lines[index]
    return lines, "", ""


def _header(lines: list[str], zone: ZoneInfo) -> tuple[str, datetime | None, list[str]]:
    """Title and dateline from the first few lines; returns them and the remaining lines."""
    title = ""
    date: datetime | None = None
    used: set[int] = set()
    for index in [i for i, line in enumerate(lines) if line][:4]:
        line = lines[index]
        found, standalone = parse_dateline(line, zone)
        if standalone and date is None:
            date = found
        elif not title and _LABEL.fullmatch(line):
            pass  # "Pressemitteilung" above the headline is a label, not the headline
        elif not title and looks_like_headline(line):
            title = clean_inline(line)
        else:
            break
        used.add(index)
    return title, date, [line for i, line in enumerate(lines) if i not in used]


def looks_like_headline(line: str) -> bool:
    """Short-ish, no final full stop or comma, not a list item, not starting in lower case."""
    return (
        len(line) <= HEADLINE_MAX
        and line[-1] not in ".,;:"
        and not line[0].islower()
        and re.search(r"[^\W\d_]{2,}", line) is not None
        and not BULLET.fullmatch(line)
        and not NUMBERED.fullmatch(line)
    )


def is_hard_wrapped(lines: list[str]) -> bool:
    """True for e-mail style text whose paragraphs were broken into lines of similar length."""
    filled = [line for line in lines if line]
    if len(filled) < 6:
        return False
    width = max(len(line) for line in filled)
    if width > WRAP_MAX_WIDTH:
        return False
    mid_sentence = sum(
        1
        for line, following in zip(lines, lines[1:])
        if _wrapped(line, following, width) and not _ENDS_CLAUSE.search(line)
    )
    return mid_sentence >= 2


def unwrap(lines: list[str]) -> list[str]:
    """Join lines that were broken only because the next word did not fit the width."""
    width = max((len(line) for line in lines), default=0)
    joined: list[str] = []
    previous = ""
    for line in lines:
        if joined and _wrapped(previous, line, width):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
        previous = line
    return joined


def _wrapped(line: str, following: str, width: int) -> bool:
    if not line or not following or BULLET.fullmatch(following) or NUMBERED.fullmatch(following):
        return False
    return len(line) + 1 + len(following.split()[0]) > width - WRAP_SLACK


def classify(lines: list[str]) -> list[Block]:
    """Blocks from lines ('' = blank line); each non-blank line becomes one block."""
    filled = [line for line in lines if line]
    numbered = [NUMBERED.fullmatch(line) for line in filled]
    parsed: list[Pending] = []
    for index, line in enumerate(filled):
        bullet = BULLET.fullmatch(line)
        match = numbered[index]
        neighbours = numbered[max(index - 1, 0) : index] + numbered[index + 1 : index + 2]
        if bullet:
            parsed.append(Pending(LIST_ITEM, bullet["text"]))
        elif match and any(neighbours):
            number, marker = int(match["number"]), match["marker"]
            parsed.append(Pending(LIST_ITEM, match["text"], True, number, marker))
        elif is_full_quote(line):
            parsed.append(Pending(QUOTE, line))
        else:
            parsed.append(Pending(PARAGRAPH, line))
    for index, item in enumerate(parsed):
        following = parsed[index + 1] if index + 1 < len(parsed) else None
        if item.kind == PARAGRAPH and following and is_subheading(item.text):
            if following.kind != PARAGRAPH or _is_prose(following.text):
                item.kind = HEADING
    return finish_blocks(parsed)


def is_full_quote(line: str) -> bool:
    """A line that is one quotation from its first to its last character, „…“ or "…"."""
    inner = line[1:-1]
    return (
        len(line) > 2
        and line[0] in _OPENING_QUOTES
        and line[-1] in _CLOSING_QUOTES
        and not any(mark in inner for mark in _OPENING_QUOTES + _CLOSING_QUOTES)
    )


def is_subheading(line: str) -> bool:
    """Short, capitalised, mostly letters, not ending like a sentence.

    A question mark is allowed for short questions without a comma ("Was ändert sich?"), not
    for the questions police appeals list ("Wer hat ..., die ...?").
    """
    if len(line) >= SUBHEADING_MAX or not (line[0].isupper() or line[0].isdigit()):
        return False
    if line[-1] in ".,;:!" or (line[-1] == "?" and ("," in line or len(line.split()) > 8)):
        return False
    visible = re.sub(r"\s", "", line)
    letters = sum(ch.isalpha() for ch in visible)
    return letters >= 0.6 * len(visible) and re.search(r"[^\W\d_]{4,}", line) is not None


def _is_prose(line: str) -> bool:
    """A sentence or more: what follows a subheading (a lead-in ending in ':' counts)."""
    return len(line) >= SUBHEADING_MAX or (
        _ENDS_SENTENCE.search(line) is not None and len(line.split()) >= 6
    )
