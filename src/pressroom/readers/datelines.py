"""Datelines: the place, day and time a release states at its top, in every way press offices
write them, read into their parts so that every edition can state them in its own language.

    Montag, 12.03.2024, 14:30 Uhr                      weekday, date, time
    Berlin, Montag, 30.06.2025, 08:35 Uhr              place, weekday, date, time
    12.07.2024, Polizeipräsidium München               date, place
    Stuttgart, 24. Juli 2025 – Die Stadt baut …        place, date, then the lead
    Landeshauptstadt Stuttgart · Aktuelle Meldungen · März 2023   place, month
    2011 | Nr. 282661 | Aktuell                        a metadata line: its year dates the release

A line is cut into parts at commas, middle dots, bars and dashes; each part must be a place,
a weekday, a date or a time, in that order, or the line is no dateline. A part that is not
stated stays empty: nothing is ever completed or invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pressroom.document.model import Block, Dateline, DatePrecision, Heading, Paragraph
from pressroom.readers.common import ReaderError

_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}  # fmt: skip
MONTH_NAMES = "|".join(name.capitalize() for name in _MONTHS)
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_WEEKDAY = "|".join(WEEKDAYS)
_TIME = r"(?:(?:um|gegen|ab)\s+)?(?P<H>\d{1,2})(?:[:.](?P<M>\d{2}))?\s*(?:Uhr)?"
_DAY = (
    rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:den\s+)?"
    rf"(?:(?P<d>\d{{1,2}})\.\s?(?P<m>\d{{1,2}})\.\s?(?P<y>\d{{4}})"
    rf"|(?P<ld>\d{{1,2}})\.\s*(?P<lm>{MONTH_NAMES})\s+(?P<ly>\d{{4}}))"
)
_DATE = re.compile(rf"{_DAY}(?:\s+(?:um\s+)?(?P<t>\d{{1,2}}[:.]\d{{2}})(?:\s*Uhr)?)?", re.IGNORECASE)
_MONTH = re.compile(rf"(?:(?P<lm>{MONTH_NAMES})\s+)?(?P<y>(?:19|20)\d{{2}})", re.IGNORECASE)
_TIME_PART = re.compile(_TIME, re.IGNORECASE)
_WEEKDAY_PART = re.compile(rf"(?:{_WEEKDAY})", re.IGNORECASE)
# A place: capitalised words ("Landeshauptstadt Stuttgart", "Halle (Saale)", "Aalen (ots)"),
# with the small words of place names ("Frankfurt am Main", "Rottenburg an der Laaber").
_PLACE_WORD = re.compile(r"(?:\(?[A-ZÄÖÜ][\w.'’-]*\)?|\([\w.'’ -]+\)|am|an|der|im|in|ob|bei|vor|a\.|d\.)")
_SEPARATOR = re.compile(r"\s*(?:[,·|]|\s[-–—]\s|[–—])\s*")
_STAND = re.compile(r"Stand:?\s+(?P<when>.+?)\.?", re.IGNORECASE)
_METADATA = ("·", "|")  # separators of a metadata line; only there a bare year or month dates
DATELINE_WINDOW = 4
"""A dateline stands among the first blocks of the body (under a kicker, a subline or a
release number); further down, a line that starts with a date is text."""


@dataclass(frozen=True)
class FoundDateline:
    """A dateline at the start of a line.

    ``rest`` is what follows it: empty when the line is only the dateline, the lead's first
    words after a dash ("Stuttgart, 24. Juli 2025 – Die Stadt …"), or, for a metadata line,
    the rest of the line (then ``metadata`` is true: the line stays text, only its date counts).
    """

    dateline: Dateline
    moment: datetime
    precision: DatePrecision
    rest: str = ""
    metadata: bool = False


def find_dateline(line: str) -> FoundDateline | None:
    """The dateline ``line`` starts with, or None (also for an impossible date like 31.02.)."""
    line = line.strip()
    metadata_style = any(f" {mark} " in line for mark in _METADATA)
    place = weekday = date = time = ""
    moment: datetime | None = None
    precision: DatePrecision = "day"
    position = end_of_dateline = 0
    pieces = _pieces(line)
    for index, (start, end) in enumerate(pieces):
        part = line[start:end]
        if moment is None and not weekday and not place and index == 0 and _is_place(part):
            place = part
        elif moment is None and place and metadata_style and _is_place(part):
            pass  # a category beside the place ("Aktuelle Meldungen"): not a part to translate
        elif moment is None and not weekday and _WEEKDAY_PART.fullmatch(part):
            weekday = part
        elif moment is None and (found := _DATE.fullmatch(part)):
            parsed = _day(found)
            if parsed is None:
                return None
            moment, precision = parsed
            weekday = found["wd"] or weekday
            date = moment.date().isoformat()
            if found["t"]:
                time = f"{moment:%H:%M}"
        elif moment is None and metadata_style and (found := _MONTH.fullmatch(part)):
            month = month_number(found["lm"]) if found["lm"] else 1
            moment = datetime(int(found["y"]), month, 1)
            precision = "month" if found["lm"] else "year"
            date = f"{moment:%Y-%m}" if found["lm"] else f"{moment:%Y}"
        elif moment is not None and not time and precision == "day" and (found := _TIME_PART.fullmatch(part)):
            if found["M"] is None and "uhr" not in part.lower():
                break  # a bare number is no time
            hour, minute = int(found["H"]), int(found["M"] or 0)
            if hour > 23 or minute > 59:
                return None
            time = f"{hour:02}:{minute:02}"
            moment = moment.replace(hour=hour, minute=minute)
        elif moment is not None and not place and index == len(pieces) - 1 and _is_place(part):
            place = part
        else:
            break
        position = index + 1
        end_of_dateline = end
    if moment is None:
        return None
    if time:
        precision = "minute"
    rest = line[pieces[position][0] :] if position < len(pieces) else ""
    before_rest = line[end_of_dateline : pieces[position][0]] if position < len(pieces) else ""
    dateline = Dateline(line[:end_of_dateline], place, weekday, date, time)
    if not rest:
        return FoundDateline(dateline, moment, precision)
    if before_rest.strip() in _METADATA:
        return FoundDateline(dateline, moment, precision, rest, metadata=True)
    if before_rest.strip() in ("-", "–", "—") and (rest[0].isupper() or rest[0] in "„\"»("):
        return FoundDateline(dateline, moment, precision, rest)
    return None


def place_datelines(blocks: list[Block]) -> tuple[list[Block], tuple[datetime, DatePrecision] | None]:
    """The body with its datelines as :class:`Dateline` blocks where they stand, and the date
    and precision the release states, if any.

    A dateline paragraph (or a line taken for a subheading) among the first DATELINE_WINDOW
    blocks becomes a Dateline block; one that runs on into the lead ("Stuttgart, 24. Juli
    2025 – Die Stadt …") becomes a Dateline and the rest of the paragraph. A metadata line ("2011 | Nr. 282661 | Aktuell") stays
    text, all of it, but dates the release. Without either, a "Stand: …" line anywhere does.
    """
    result: list[Block] = []
    stated: tuple[datetime, DatePrecision] | None = None
    for index, block in enumerate(blocks):
        found = None
        if index < DATELINE_WINDOW and isinstance(block, Paragraph | Heading) and "\n" not in block.text.text:
            found = find_dateline(block.text.text)
        if found is None or found.metadata:
            result.append(block)
        else:
            result.append(found.dateline)
            if found.rest:
                text = block.text
                result.append(Paragraph(text.slice(len(text.text) - len(found.rest), len(text.text))))
        if found is not None and stated is None:
            stated = found.moment, found.precision
    if stated is None:
        stands = (stand_date(block.text.text) for block in blocks if isinstance(block, Paragraph))
        stated = next((stand for stand in stands if stand), None)
    return result, stated


def above_title(blocks: list[Block], headline_at: int) -> list[Block]:
    """The blocks with every dateline before ``headline_at`` (where the release's headline
    stood among them) marked to be shown above the headline, as the release shows it."""
    return [
        replace(block, above_title=True) if isinstance(block, Dateline) and index < headline_at else block
        for index, block in enumerate(blocks)
    ]


def parse_date(value: Any, zone: ZoneInfo, path: Path) -> datetime:
    """A front matter date as a timezone-aware datetime (``zone`` when none is given):
    ISO 8601 as YAML writes it, or German as a press officer types it ("24.07.2025 14:30",
    "24. Juli 2025")."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    text = str(value).strip()
    iso = re.sub(r"\s+(Z|[+-]\d{2}:?\d{2})$", r"\1", text)
    try:
        parsed: datetime | None = datetime.fromisoformat(iso)
    except ValueError:
        found = find_dateline(text)
        parsed = found.moment if found and not found.rest and not found.dateline.place else None
    if parsed is None:
        raise ReaderError(
            f"{path}: the date '{text}' is not a valid date; "
            "write it as 2025-07-24, 24.07.2025 or 24.07.2025 14:30"
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def stand_date(line: str) -> tuple[datetime, DatePrecision] | None:
    """The date of a "Stand: 12.03.2024" (or "Stand: März 2023") line: when the text was last
    made true, the release's own date where it states no other."""
    found = _STAND.fullmatch(line.strip())
    if not found:
        return None
    when = found["when"]
    if day := _DATE.fullmatch(when):
        return _day(day)
    if month := _MONTH.fullmatch(when):
        number = month_number(month["lm"]) if month["lm"] else 1
        return datetime(int(month["y"]), number, 1), "month" if month["lm"] else "year"
    return None


def month_number(name: str) -> int:
    """1 for "Januar" (or "Jänner"), 12 for "Dezember", in any case."""
    return _MONTHS[name.lower()]


def _pieces(line: str) -> list[tuple[int, int]]:
    """(start, end) of each part of ``line`` between separators."""
    pieces = []
    start = 0
    for separator in _SEPARATOR.finditer(line):
        if separator.start() > start:
            pieces.append((start, separator.start()))
        start = separator.end()
    if start < len(line):
        pieces.append((start, len(line)))
    return pieces


def _is_place(part: str) -> bool:
    words = part.split()
    return (
        0 < len(words) <= 4
        and len(part) <= 60
        and part[0].isupper()
        and all(_PLACE_WORD.fullmatch(word) for word in words)
        and not _WEEKDAY_PART.fullmatch(words[0])
        and not re.fullmatch(MONTH_NAMES, words[0], re.IGNORECASE)
    )


def _day(found: re.Match[str]) -> tuple[datetime, DatePrecision] | None:
    if found["y"]:
        year, month, day = int(found["y"]), int(found["m"]), int(found["d"])
    else:
        year, month, day = int(found["ly"]), month_number(found["lm"]), int(found["ld"])
    hour, minute = (int(part) for part in re.split(r"[:.]", found["t"])) if found["t"] else (0, 0)
    try:
        return datetime(year, month, day, hour, minute), "minute" if found["t"] else "day"
    except ValueError:
        return None
