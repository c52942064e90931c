"""Numbers as values, so a translation may format them its own way but not change them.

"1.234,56 €" and "€1,234.56" are the same amount; "24. Juli 2025", "July 24, 2025" and
"2025년 7월 24일" the same date; "3,6 Millionen Euro", "3.6 million euros" and "360만 유로" the
same sum. Each number in a text becomes a set of candidate values (exact decimals), and the
source's and the translation's numbers are matched one to one where their candidates meet:

* digits are read with the text's own separators (German: ``.`` groups, ``,`` decimals;
  English and Korean the other way round); a number the model copied in German format
  ("3,2 million") still matches, this check is about values, not style;
* a scale word after a number ("Millionen", "Mio.", "million", "만", "억") scales it:
  "3,6 Millionen" is 3600000, and so is "360만"; "3 p.m." / "오후 3시" also count as 15;
* dates and times are split into their parts ("24.07.2025" → 24, 7, 2025; "10.30 Uhr" →
  10, 30), and a month name next to a number counts as the month's number;
* version strings ("2.1.3") must come out exactly as written;
* number words two to twelve ("zwei", "three") count as numbers.

Known gaps, by design pragmatic: Korean native number words ("두 명"), weekday names, Roman
numerals and fractions written as words are not read.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}
_MONTH_ABBREVIATIONS = {
    "de": "Jan Feb Mär Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
}
_EXTRA_MONTHS = {"Jänner": 1, "Sept": 9}
_WORDS = {
    "de": "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "en": "two three four five six seven eight nine ten eleven twelve",
}
_SCALES = {
    "tausend": 3, "thousand": 3, "천": 3, "만": 4, "mio": 6, "million": 6, "millionen": 6,
    "억": 8, "mn": 6, "mrd": 9, "milliarde": 9, "milliarden": 9, "billion": 9, "bn": 9, "조": 12,
}  # fmt: skip
_SCALE = re.compile(
    r"\s?(Millionen|Million|Milliarden|Milliarde|Mio\.?|Mrd\.?|Tausend|million|billion|"
    r"thousand|bn|mn|천|만|억|조)(?![^\W\d_])",
    re.IGNORECASE,
)
_AFTERNOON_AFTER = re.compile(r"\s?(p\.\s?m\.|pm\b|PM\b)")
_AFTERNOON_BEFORE = re.compile(r"오후\s?$")

_DATE = re.compile(
    r"(?<![\d.,])(?:(?P<d1>\d{1,2})\.(?P<m1>\d{1,2})\.(?P<y1>\d{4}|\d{2}(?!\d))?"
    r"|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})"
    r"|(?P<a3>\d{1,2})/(?P<b3>\d{1,2})/(?P<y3>\d{2,4}))(?![\d,]|\.\d)"
)
_TIME = re.compile(
    r"(?<![\d.,])(?P<h>\d{1,2})(?::(?P<m1>\d{2})|\.(?P<m2>\d{2})(?=\s?(?:Uhr|h\b|a\.\s?m\.|p\.\s?m\.|am\b|pm\b)))"
    r"(?![\d])"
)
_VERSION = re.compile(r"(?<![\d.,])v?\d+(?:\.\d+){2,}(?![\d])")
_NUMBER = re.compile(r"(?<![\d])\d+(?:[.,]\d+)*")
_SEPARATORS = {"de": (".", ","), "default": (",", ".")}  # (group, decimal)


@dataclass(frozen=True)
class Number:
    """One number as written (``text``) and every value it may stand for (``values``)."""

    text: str
    values: frozenset[str]


def _canon(value: Decimal) -> str:
    return str(value.normalize())


def _read(token: str, group: str, decimal: str) -> Decimal | None:
    """The token's value with these separators, or None if it is not written that way."""
    whole, _, fraction = token.partition(decimal)
    if decimal in fraction or group in fraction:
        return None
    groups = whole.split(group)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    try:
        return Decimal("".join(groups) + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None


def _values(token: str, lang: str) -> set[Decimal]:
    own = _SEPARATORS.get(lang, _SEPARATORS["default"])
    other = _SEPARATORS["default"] if own == _SEPARATORS["de"] else _SEPARATORS["de"]
    return {v for seps in (own, other) if (v := _read(token, *seps)) is not None}


def _month_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, int]]:
    names = {n: i for i, n in enumerate(_MONTHS.get(lang, _MONTHS["en"]).split(), 1)}
    names |= {n: i for i, n in enumerate(_MONTH_ABBREVIATIONS.get(lang, _MONTH_ABBREVIATIONS["en"]).split(), 1)}
    names |= _EXTRA_MONTHS
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    # Only next to a number: "24. Juli", "July 24", "Mai 2025"; not the verb "may".
    pattern = re.compile(rf"(?<=\d\.\s)(?:{alternatives})\b\.?|(?:{alternatives})\b\.?(?=\s\d)")
    return pattern, names


_MONTH_PATTERNS = {lang: _month_pattern(lang) for lang in ("de", "en")}
_WORD_PATTERNS = {
    lang: (re.compile(r"\b(" + "|".join(words.split()) + r")\b", re.IGNORECASE), words.split())
    for lang, words in _WORDS.items()
}


def extract_numbers(text: str, lang: str) -> list[Number]:
    """The numbers of ``text`` (written in ``lang``), in order of appearance."""
    found: list[tuple[int, Number]] = []
    taken = [False] * len(text)

    def add(start: int, end: int, written: str, values: set[Decimal] | set[str]) -> None:
        found.append((start, Number(written, frozenset(v if isinstance(v, str) else _canon(v) for v in values))))
        for i in range(start, end):
            taken[i] = True

    def free(match: re.Match[str]) -> bool:
        return not any(taken[match.start() : match.end()])

    for match in _DATE.finditer(text):
        for name, part in match.groupdict().items():
            if part:
                add(match.start(name), match.end(name), part, {Decimal(part)})
    for match in _VERSION.finditer(text):
        parts = match.group().lstrip("v").split(".")
        if free(match) and any(len(p) != 3 for p in parts[1:]):  # not "1.234.567"
            add(match.start(), match.end(), match.group(), {match.group().lstrip("v")})
    for match in _TIME.finditer(text):
        if free(match):
            hour = Decimal(match.group("h"))
            minutes = match.group("m1") or match.group("m2")
            add(match.start("h"), match.end("h"), match.group("h"), _hours(hour, text, match.start(), match.end()))
            add(match.end("h") + 1, match.end(), minutes, {Decimal(minutes)})
    for match in _NUMBER.finditer(text):
        if free(match):
            values = _values(match.group(), lang)
            scale = _SCALE.match(text, match.end())
            if scale:  # "3,6 Millionen" is 3600000, never 3.6
                factor = Decimal(10) ** _SCALES[scale.group(1).lower().rstrip(".")]
                values = {v * factor for v in values}
            if len(values) == 1 and (value := next(iter(values))) == value.to_integral_value():
                values |= _hours(value, text, match.start(), match.end())
            add(match.start(), match.end(), match.group(), values)
    if lang in _MONTH_PATTERNS:
        pattern, names = _MONTH_PATTERNS[lang]
        for match in pattern.finditer(text):
            add(match.start(), match.end(), match.group(), {Decimal(names[match.group().rstrip(".")])})
        words_pattern, words = _WORD_PATTERNS[lang]
        for match in words_pattern.finditer(text):
            add(match.start(), match.end(), match.group(), {Decimal(words.index(match.group().lower()) + 2)})
    return [number for _, number in sorted(found, key=lambda item: item[0])]


def _hours(hour: Decimal, text: str, start: int, end: int) -> set[Decimal]:
    """An hour, plus 12 when "p.m." follows or "오후" precedes it."""
    # "오후 " is at most three characters: look only there, not through the whole text before.
    afternoon = _AFTERNOON_AFTER.match(text, end) or _AFTERNOON_BEFORE.search(text, max(0, start - 3), start)
    return {hour, hour + 12} if afternoon and hour < 12 else {hour}


def compare_numbers(
    source: str, source_lang: str, target: str, target_lang: str
) -> tuple[list[Number], list[Number]]:
    """Numbers of the source with no match in the target, and target numbers not in the source.

    Matching is one to one (a maximum bipartite matching), so "5 und 5" needs two fives.
    Numbers with the same candidate values are interchangeable, so the matching runs on those
    groups with their counts (a maximum flow): a segment of ten thousand equal numbers is one
    group, not a graph of a hundred million edges.
    """
    wanted = extract_numbers(source, source_lang)
    offered = extract_numbers(target, target_lang)
    matched_wanted, matched_offered = _matched_counts(Counter(n.values for n in wanted), Counter(n.values for n in offered))
    return _unmatched(wanted, matched_wanted), _unmatched(offered, matched_offered)


_Node = tuple[str, frozenset[str]]


def _matched_counts(supply: Counter[frozenset[str]], demand: Counter[frozenset[str]]) -> tuple[Counter[frozenset[str]], Counter[frozenset[str]]]:
    """How many numbers of each group on either side a maximum matching uses (Edmonds-Karp on
    groups: source → wanted group → offered group sharing a value → sink)."""
    source: _Node = ("source", frozenset())
    sink: _Node = ("sink", frozenset())
    residual: Counter[tuple[_Node, _Node]] = Counter()
    links: dict[_Node, list[_Node]] = {}

    def edge(a: _Node, b: _Node, capacity: int) -> None:
        residual[(a, b)] += capacity
        links.setdefault(a, []).append(b)
        links.setdefault(b, []).append(a)

    by_value: dict[str, list[frozenset[str]]] = {}
    for values in demand:
        edge(("offered", values), sink, demand[values])
        for value in values:
            by_value.setdefault(value, []).append(values)
    for values in supply:
        edge(source, ("wanted", values), supply[values])
        # equal groups first: in a good translation every number finds its twin at once
        partners = [values] if values in demand else []
        partners += [o for value in sorted(values) for o in by_value.get(value, []) if o != values]
        for partner in dict.fromkeys(partners):
            edge(("wanted", values), ("offered", partner), supply[values])
    for values in supply:  # greedy first (equal groups before others): usually that is all
        for partner in links[("wanted", values)]:
            _push(source, ("wanted", values), partner, sink, residual)
    while path := _shortest_path(source, sink, links, residual):
        amount = min(residual[(a, b)] for a, b in zip(path, path[1:]))
        for a, b in zip(path, path[1:]):
            residual[(a, b)] -= amount
            residual[(b, a)] += amount
    used_wanted = Counter({values: residual[(("wanted", values), source)] for values in supply})
    used_offered = Counter({values: residual[(sink, ("offered", values))] for values in demand})
    return used_wanted, used_offered


def _push(source: _Node, wanted: _Node, offered: _Node, sink: _Node, residual: Counter[tuple[_Node, _Node]]) -> None:
    """Send as much as fits along source → wanted → offered → sink."""
    if offered[0] != "offered":
        return
    amount = min(residual[(source, wanted)], residual[(wanted, offered)], residual[(offered, sink)])
    for a, b in ((source, wanted), (wanted, offered), (offered, sink)):
        residual[(a, b)] -= amount
        residual[(b, a)] += amount


def _shortest_path(
    start: _Node, goal: _Node, links: dict[_Node, list[_Node]], residual: Counter[tuple[_Node, _Node]]
) -> list[_Node] | None:
    """A shortest path from ``start`` to ``goal`` over edges with capacity left, or None."""
    came_from: dict[_Node, _Node] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for following in links.get(node, []):
            if following not in came_from and residual[(node, following)] > 0:
                came_from[following] = node
                if following == goal:
                    path = [goal]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                queue.append(following)
    return None


def _unmatched(numbers: list[Number], matched: Counter[frozenset[str]]) -> list[Number]:
    """The numbers a matching left over, in text order: the first ones of each group are the
    matched ones."""
    left = Counter(matched)
    unmatched = []
    for number in numbers:
        if left[number.values] > 0:
            left[number.values] -= 1
        else:
            unmatched.append(number)
    return unmatched


# What a table cell may hold besides digits and punctuation and still need no translation: unit
# symbols, currency codes and the scale abbreviations every reader of a German table knows.
UNIT_WORDS = frozenset(
    {
        "Mio", "Mrd", "Tsd", "EUR", "USD", "CHF", "GBP", "km", "m", "cm", "mm", "m²", "m³", "km²",
        "kg", "g", "mg", "t", "l", "ml", "hl", "ha", "h", "min", "s", "ms", "kW", "MW", "GW", "kWh",
        "MWh", "GWh", "Wh", "V", "kV", "Hz", "dB", "km/h", "ct",
    }
)  # fmt: skip
_LETTERS = re.compile(r"[^\W\d_][^\W_]*")


def figures_only(text: str) -> bool:
    """Whether ``text`` holds only numbers, amounts, dates, times or units ("4,0 Mrd. €",
    "7 %", "12.03.2024", "14:30", "3,5 km²"), or no words at all ("–"): nothing a model could
    translate, so a table cell like that is kept as written instead of being sent to one.
    Unit symbols alone without a digit are not figures, and neither is "k. A.": it is German
    and needs a translation ("n/a"), which the glossary can give without any model."""
    words = _LETTERS.findall(text)
    return all(word in UNIT_WORDS for word in words) and (not words or any(ch.isdigit() for ch in text))
