"""Plain ``.txt`` releases: no metadata, so the structure is read from the shape of the lines.

What users feed in is text copied from a web page, a mail or a PDF (see the corpus in
``shared/corpus``): a headline on the first line (or none at all, or a short kicker line right
above it), maybe a dateline such as ``24.02.2016 – 15:48`` or a metadata line such as
``2011 | Nr. 282661 | Aktuell``, short subheadings (also "+ + + Zwischenüberschrift + + +"),
bullet or numbered lines, tables as '| a | b |' lines or tab-separated cells, one paragraph
per line or e-mail text hard-wrapped at ~72 characters, and a contact block after
"Rückfragen bitte an:", "Ansprechpartner:" and the like. Every guess that could be wrong is
cautious: a line that is not clearly a heading, a list item, a table row or a quotation stays
a paragraph, so no text is ever lost or reordered.
"""

from __future__ import annotations

import re
from pathlib import Path

from pressroom.config import Settings
from pressroom.document.inline import Text
from pressroom.document.model import Block, Contact, Release, Table
from pressroom.readers.common import (
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    Pending,
    build_release,
    clean_inline,
    finish_blocks,
    stated_date,
    title_from_lead,
)
from pressroom.readers.contacts import RESPONSIBLE_LABEL, contact_block, is_contact_header, starts_contact
from pressroom.readers.datelines import MONTH_NAMES, find_dateline, place_datelines
from pressroom.readers.decode import read_text_file
from pressroom.readers.texttables import is_table_row, with_tables
from pressroom.readers.textbuilder import with_links

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

BULLET = re.compile(r"(?P<glyph>[-•*·▪◦])\s+(?P<text>\S.*)")
_SUB_BULLETS = {"◦": 2, "▫": 3}  # how a nested bullet line is written (and kept for classify)
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
# "+ + + Zwischenüberschrift + + +", "+++ Zwischenüberschrift +++": a subheading in police texts.
_PLUS_HEADING = re.compile(r"\+(?:\s?\+){2}\s+(?P<text>\S.*?)\s+\+(?:\s?\+){2}")
KICKER_MAX_WORDS = 6
"""A kicker (Dachzeile) above the headline is a few words: a place, a topic, a name."""
_CLOSING = r"[\"“”»«’')]*$"  # closing quotes or brackets after the final punctuation
_ENDS_CLAUSE = re.compile(rf"[.!?…:;,]{_CLOSING}")
_ENDS_SENTENCE = re.compile(rf"[.!?…:]{_CLOSING}")  # ':' - a lead-in to a list is prose too


def read_text_release(path: Path, settings: Settings) -> Release:
    """Read a plain-text release; guessed title and date are reported in ``warnings``."""
    text, warnings = read_text_file(path)
    lines = [line.strip() for line in with_bullet_levels(text.split("\n"))]
    lines, contact = _split_contact(lines)
    kicker, title, body = _header(lines)
    if is_hard_wrapped(body):
        body = unwrap(body)
    blocks, stated = place_datelines(classify(body))
    blocks = [block.with_texts(tuple(with_links(text) for text in block.texts())) for block in blocks]
    if not title and blocks:
        title, blocks = title_from_lead(blocks)
        warnings.append(
            "no headline on the first line; the title was made from the first sentence "
            "(put the headline on the first line)"
        )
    date, precision = stated_date(stated, path, settings.zone, warnings)
    return build_release(
        path, title=title, kicker=kicker, date=date, date_precision=precision, blocks=blocks,
        warnings=warnings, contact=contact,
    )  # fmt: skip


def with_bullet_levels(lines: list[str]) -> list[str]:
    """Lines with each indented bullet line written with its nesting level's glyph (◦ for the
    second, ▫ for the third), so the level survives the stripping of lines that follows."""
    result: list[str] = []
    indents: list[int] = []  # the indentation of each open level
    for line in lines:
        bullet = BULLET.fullmatch(line.strip())
        if bullet is None:
            if line.strip():
                indents = []
            result.append(line)
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        while indents and indent < indents[-1]:
            indents.pop()
        if not indents or indent > indents[-1]:
            indents.append(indent)
        level = min(len(indents), 3)
        glyph = next((g for g, lv in _SUB_BULLETS.items() if lv == level), bullet["glyph"])
        result.append(f"{glyph} {bullet['text']}" if level > 1 else line)
    return result


def _split_contact(lines: list[str]) -> tuple[list[str], Contact | None]:
    """The lines before the press contact, and the contact: everything from the last contact
    heading ('Rückfragen bitte an:', 'Ansprechpartner:' …) to the end, together with the
    contact blocks and V.i.S.d.P. lines right above it ("Firmenkontakt …:" then
    "Pressekontakt:"). The headings after the first stay in the block as written."""
    start = next(
        (i for i in range(len(lines) - 1, 0, -1) if starts_contact(lines[i]) and any(lines[:i])
         and (any(lines[i + 1 :]) or not is_contact_header(lines[i]))),
        None,
    )  # fmt: skip
    if start is None:
        return lines, None
    while True:
        above = start - 1
        while above > 0 and not lines[above]:
            above -= 1
        paragraph = above
        while paragraph > 0 and lines[paragraph - 1]:
            paragraph -= 1
        if above <= 0 or not starts_contact(lines[paragraph]) or not any(lines[:paragraph]):
            break
        start = paragraph
    label = lines[start] if is_contact_header(lines[start]) else RESPONSIBLE_LABEL
    rest = lines[start + 1 :] if is_contact_header(lines[start]) else lines[start:]
    return lines[:start], contact_block(label, [with_links(Text(line)) for line in rest])


def _header(lines: list[str]) -> tuple[str, str, list[str]]:
    """Kicker and title from the first few lines; returns them and the remaining lines.

    A label line ("Pressemitteilung") above the headline is dropped; a dateline or metadata
    line stays where it stands. A short headline-like line right above the headline (no blank
    line between) is its kicker.
    """
    kicker = title = ""
    used: set[int] = set()
    for index in [i for i, line in enumerate(lines) if line][:4]:
        line = lines[index]
        if find_dateline(line) is not None:
            continue
        if not title and _LABEL.fullmatch(line):
            used.add(index)
            continue
        if not title and looks_like_headline(line):
            used.add(index)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not kicker and _is_kicker(line, following):
                kicker = clean_inline(line)
                continue
            title = clean_inline(line)
        break
    return kicker, title, [line for i, line in enumerate(lines) if i not in used]


def _is_kicker(line: str, following: str) -> bool:
    """A few words right above a longer headline (the Dachzeile: "Mercedes-Benz Arena")."""
    return (
        bool(following)
        and len(line.split()) <= KICKER_MAX_WORDS
        and len(line) < len(following)
        and looks_like_headline(following)
        and find_dateline(following) is None
        and not is_contact_header(line)
    )


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
    if is_table_row(line) or is_table_row(following):
        return False  # table rows are never wrapped text
    return len(line) + 1 + len(following.split()[0]) > width - WRAP_SLACK


def classify(lines: list[str]) -> list[Block]:
    """Blocks from lines ('' = blank line): each run of table rows becomes a table, each other
    non-blank line one block."""
    filled = with_tables(lines)
    numbered = [NUMBERED.fullmatch(line) if isinstance(line, str) else None for line in filled]
    parsed: list[Pending] = []
    for index, line in enumerate(filled):
        if isinstance(line, Table):
            parsed.append(Pending(PARAGRAPH, "", block=line))
            continue
        bullet = BULLET.fullmatch(line)
        match = numbered[index]
        neighbours = numbered[max(index - 1, 0) : index] + numbered[index + 1 : index + 2]
        if plus := _PLUS_HEADING.fullmatch(line):
            parsed.append(Pending(HEADING, plus["text"]))
        elif bullet:
            parsed.append(Pending(LIST_ITEM, bullet["text"], level=_SUB_BULLETS.get(bullet["glyph"], 1)))
        elif match and any(neighbours):
            number, marker = int(match["number"]), match["marker"]
            parsed.append(Pending(LIST_ITEM, match["text"], True, number, marker))
        elif is_full_quote(line):
            parsed.append(Pending(QUOTE, line))
        else:
            parsed.append(Pending(PARAGRAPH, line))
    for index, item in enumerate(parsed):
        following = parsed[index + 1] if index + 1 < len(parsed) else None
        if item.kind == PARAGRAPH and item.block is None and following and is_subheading(item.text):
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
