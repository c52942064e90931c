"""Protected content: what the model must not translate comes out exactly as approved.

Before a sentence goes to an engine, every protected span is replaced by a numbered placeholder
``⟦1⟧``, ``⟦2⟧``… in order of appearance: URLs, e-mail addresses, phone numbers, hashtags,
@handles and file names (found automatically), names from the do-not-translate list, and
glossary terms. After translation each placeholder is replaced by the span's value in the
target language: the source text for names and addresses, the approved term for glossary
entries. The model never sees a name, so "Claus Kleber" cannot become "claus adhesive".

Models do not reliably copy placeholders, so restoring never trusts them:

* An intact placeholder, or a recognisably altered one (``⟦ 1 ⟧``, ``[1]``, ``⟦1``), is put
  back in canonical form.
* When one is dropped, doubled or invented, the sentence is translated again in pieces: the
  text between the placeholders is translated piece by piece and the placeholders are put
  back between the pieces in source order. Every span is then present by construction; the
  sentence is marked ``in_pieces`` and reported for review, because fragments translate less
  fluently.

Routes through a pivot language (de→en→ko) keep the placeholders across both hops and repair
them after each hop, so the English step never has to guess which English words were a term;
the Korean edition gets the Korean approved term.

:mod:`pressroom.translate.protected` puts an engine behind this masking and restoring; each
translation there also says where every protected span ended up and which source words
became which target words, so marks on the source can be placed
(:mod:`pressroom.translate.marks`).

The translation memory stores what the engines saw: masked sentences and pieces. Changing an
approved translation in the glossary therefore needs no retranslation (restoring is done anew
on every build); adding a term changes the masked form of the sentences that contain it, so
those, and only those, are translated again.

Glossary matching in German sources covers inflected forms (the endings -e, -en, -er, -es,
-n, -s, -in, -innen on each word: "Oberbürgermeisters", "Oberbürgermeisterin") and compounds
with the term as first part ("Gemeinderatssitzung", "SSB-Busse", masked as ``⟦1⟧-Sitzung``)
or as last part ("Stadtbahnhaltestelle", masked as ``Stadtbahn-⟦1⟧``) for terms of five or
more letters. Umlaut plurals ("Stadträte") are not matched: list them as terms of their own.
Names (do-not-translate entries) match exactly, case-sensitively, as whole words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import ahocorasick

from pressroom.qa.glossary import Glossary, Term
from pressroom.translate.alignment import Edit, substitute

OPEN, CLOSE = "⟦", "⟧"
CANONICAL = re.compile(r"⟦(\d+)⟧")  # a placeholder as written
# Placeholders as models alter them: spaces inside, one bracket lost, ASCII brackets.
_LOOSE = re.compile(
    r"⟦\s*(?P<a>\d{1,3})(?:\s*⟧)?|(?<![\d.,])(?P<b>\d{1,3})\s*⟧|\[\[?\s*(?P<c>\d{1,3})\s*\]\]?"
)

_TRAIL = r"(?<![.,;:!?)\]»“”'])"  # URLs end before trailing punctuation
AUTO_PATTERNS: dict[str, re.Pattern[str]] = {
    "e-mail address": re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])"),
    "web address": re.compile(
        r"(?:https?://|www\.)[^\s<>\"„“”«»]+" + _TRAIL
        + r"|(?<![\w@./-])(?:[a-z0-9-]+\.)+(?:de|com|org|net|eu|info|io|gov|edu|kr)(?:/[^\s<>\"„“”«»]*"
        + _TRAIL + r")?(?![\w-])"
    ),
    # Digit groups are taken whole (possessive) and only a separator starts a new one: the
    # same numbers as "(?:[ /-]?\d{2,})+", without the exponential ways of splitting a long
    # run of digits ("0" and 47 more, then a letter) into groups.
    "phone number": re.compile(
        r"(?<![\w+])(?:\+\d{1,3}[ ]?(?:\(0\)[ ]?)?\d{2,5}|\(0\d{2,5}\)|0\d{2,5})"
        r"[ /-]?\d{2,}+(?:[ /-]\d{2,}+)*(?:-\d{1,6})?(?![\w])"
    ),
    "hashtag": re.compile(r"(?<![\w&#])#[^\W\d_]\w*"),
    "handle": re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{2,}(?![\w@])"),
    "file name": re.compile(
        r"(?<![\w/.-])[\w-]+(?:\.[\w-]+)*\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|jpe?g|png"
        r"|gif|svg|zip|csv|txt|mp3|mp4|html?)(?![\w])",
        re.IGNORECASE,
    ),
}
_MIN_PHONE_DIGITS = 6

_SUFFIX = "(?:innen|ern|en|er|es|em|in|e|n|s)?"
_MIN_COMPOUND_TERM = 5  # letters; shorter terms only match as whole words
_MIN_COMPOUND_PART = 3  # letters of the other part of a compound


@dataclass(frozen=True)
class Span:
    """A protected part of a source sentence: ``kind`` for messages, ``text`` as written.

    ``term`` is the glossary entry for glossary terms and names; None for what was found
    automatically (addresses, numbers, tags), which always stays as written.
    """

    kind: str
    text: str
    term: Term | None = None

    def value(self, lang: str) -> str:
        """What the span becomes in ``lang``."""
        return self.term.value(lang) if self.term else self.text


@dataclass(frozen=True)
class Masked:
    """A sentence with its protected spans replaced by placeholders ``⟦1⟧``… (in ``spans`` order).

    ``edits`` say which stretch of the sentence each span's placeholder replaced (with a
    compound's other part: "Gemeinderatssitzung" → "⟦1⟧-Sitzung"), in ``spans`` order.
    """

    text: str
    spans: tuple[Span, ...] = ()
    edits: tuple[Edit, ...] = ()

    def restore(self, translated: str, lang: str) -> str:
        """Put each span's ``lang`` value where its (canonical) placeholder is."""
        return self.restored(translated, lang)[0]

    def restored(self, translated: str, lang: str) -> tuple[str, tuple[Edit, ...], dict[int, tuple[int, int]]]:
        """:meth:`restore`, the edits it made, and where each span's value now stands
        (span number → (start, end) in the restored text)."""
        if not self.spans:
            return translated, (), {}
        text, edits = substitute(CANONICAL, lambda m: self._value(int(m.group(1)), lang, m.group()), translated)
        numbers = [int(m.group(1)) for m in CANONICAL.finditer(translated) if 0 < int(m.group(1)) <= len(self.spans)]
        places: dict[int, tuple[int, int]] = {}
        shift = 0
        for number, edit in zip(numbers, edits):
            places[number] = (edit.start + shift, edit.start + shift + edit.length)
            shift += edit.length - (edit.end - edit.start)
        return text, edits, places

    def _value(self, number: int, lang: str, placeholder: str) -> str:
        return self.spans[number - 1].value(lang) if 0 < number <= len(self.spans) else placeholder


@dataclass
class _Candidate:
    start: int
    end: int
    rank: tuple[int, int]
    span: Span
    head: str = ""
    tail: str = ""


class Protector:
    """Finds protected spans with one glossary; masks sentences and restores translations."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary()

    @cached_property
    def _terms(self) -> TermIndex:
        return TermIndex(self.glossary.terms)

    def spans(self, text: str, source_lang: str) -> list[Span]:
        """The protected spans of ``text`` in order (what :meth:`mask` replaces)."""
        return [c.span for c in self._candidates(text, source_lang)]

    def mask(self, text: str, source_lang: str) -> Masked:
        """``text`` with placeholders; glossary terms apply to the glossary's source language,
        names and automatic spans to every language."""
        candidates = self._candidates(text, source_lang)
        if not candidates:
            return Masked(text)
        parts: list[str] = []
        position = 0
        edits = []
        for number, candidate in enumerate(candidates, 1):
            replacement = candidate.head + placeholder(number) + candidate.tail
            parts += [text[position : candidate.start], replacement]
            edits.append(Edit(candidate.start, candidate.end, len(replacement)))
            position = candidate.end
        parts.append(text[position:])
        return Masked("".join(parts), tuple(c.span for c in candidates), tuple(edits))

    def _candidates(self, text: str, source_lang: str) -> list[_Candidate]:
        found: list[_Candidate] = []
        for priority, (kind, pattern) in enumerate(AUTO_PATTERNS.items()):
            for match in pattern.finditer(text):
                if kind == "phone number" and sum(c.isdigit() for c in match.group()) < _MIN_PHONE_DIGITS:
                    continue
                found.append(_Candidate(match.start(), match.end(), (0, priority), Span(kind, match.group())))
        found += self._terms.candidates(text, source_lang == self.glossary.source_lang)
        taken = bytearray(len(text))  # characters an accepted span covers: one look per candidate
        accepted: list[_Candidate] = []
        for candidate in sorted(found, key=lambda c: c.rank):
            if taken.find(1, candidate.start, candidate.end) < 0:
                taken[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
                accepted.append(candidate)
        return sorted(accepted, key=lambda c: c.start)


class TermIndex:
    """Every glossary term and name found in one pass over a text, whatever their number.

    An Aho-Corasick automaton over each term's first word (lower-cased) finds where terms may
    start; only there is the term's own pattern tried, with the same rules as before (inflected
    forms, compounds, exact names), and it is compiled on first use. A glossary of 100,000
    rows costs the time of one scan plus the terms that really occur.
    """

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = sorted(terms, key=lambda t: len(t.source), reverse=True)  # longest wins
        self._patterns: dict[int, tuple[re.Pattern[str], bool]] = {}
        keys: dict[str, list[int]] = {}
        for order, term in enumerate(self.terms):
            keys.setdefault(_fold(term.source.split()[0]), []).append(order)
        self._automaton = ahocorasick.Automaton()
        for key, orders in keys.items():
            self._automaton.add_word(key, (len(key), orders))
        if keys:
            self._automaton.make_automaton()

    def candidates(self, text: str, glossary_language: bool) -> list[_Candidate]:
        """Glossary terms (when ``text`` is in the glossary's language) and names in ``text``,
        each term's matches as ``re.finditer`` would give them."""
        if not self.terms:
            return []
        runs: list[tuple[int, int]] | None = None
        anchors: set[tuple[int, int]] = set()
        for end, (length, orders) in self._automaton.iter(_fold(text)):
            begin = end - length + 1
            for order in orders:
                if not (glossary_language or self.terms[order].keep_everywhere):
                    continue
                pattern, compound = self._pattern(order)
                if compound:  # a compound pattern starts where the hyphenated word does
                    runs = runs if runs is not None else [m.span() for m in _RUN.finditer(text)]
                    begin_of_run = runs[bisect_right(runs, (begin, len(text))) - 1][0]
                    anchors.add((order, begin_of_run))
                else:
                    anchors.add((order, begin))
        found: list[_Candidate] = []
        last_end: dict[int, int] = {}
        for order, anchor in sorted(anchors):
            if anchor < last_end.get(order, 0):
                continue  # inside the previous match of the same term, as finditer skips it
            pattern, compound = self._pattern(order)
            match = pattern.match(text, anchor)
            if match is None:
                continue
            last_end[order] = match.end()
            candidate = _term_candidate(match, self.terms[order], compound, (1, order))
            if candidate is not None:
                found.append(candidate)
        return found

    def _pattern(self, order: int) -> tuple[re.Pattern[str], bool]:
        if order not in self._patterns:
            self._patterns[order] = _term_pattern(self.terms[order])
        return self._patterns[order]


# Runs of word characters and hyphens: where a compound term's match may begin.
_RUN = re.compile(r"[\w-]+")


class _LowerTable(dict[int, int | str]):
    """str.translate table: each character lower-cased when that keeps it one character, so
    positions in the folded text are positions in the text."""

    def __missing__(self, code: int) -> int | str:
        lowered = chr(code).lower()
        self[code] = value = lowered if len(lowered) == 1 else code
        return value


_LOWER = _LowerTable()


def _fold(text: str) -> str:
    return text.translate(_LOWER)


def _term_pattern(term: Term) -> tuple[re.Pattern[str], bool]:
    """A term's regex; inflection and compounds only for translated terms that are real words."""
    words = term.source.split()
    letters = sum(ch.isalpha() for ch in term.source)
    compound = not term.keep_everywhere and letters >= _MIN_COMPOUND_TERM and not term.source.isupper()
    if not compound:
        return re.compile(r"(?<![\w])" + r"\s+".join(map(re.escape, words)) + r"(?![\w])"), False
    inflected = [re.escape(w) + ("" if w.isupper() or any(c.isdigit() for c in w) else _SUFFIX) for w in words]
    first = inflected[0]
    if words[0][0].isalpha():  # lower-case first letter: the term as the last part of a compound
        first = f"[{re.escape(words[0][0].upper())}{re.escape(words[0][0].lower())}]" + first[len(re.escape(words[0][0])) :]
    core = r"\s+".join([first, *inflected[1:]])
    return (
        re.compile(
            r"(?<![\w-])(?P<head>(?:\w+-)*\w*?)(?P<term>" + core + r")"
            r"(?P<tail>-[\w-]+|[^\W\d_]{%d,})?(?![\w])" % _MIN_COMPOUND_PART
        ),
        True,
    )


def _term_candidate(match: re.Match[str], term: Term, compound: bool, rank: tuple[int, int]) -> _Candidate | None:
    """The protected span of one match of a term's pattern, or None when the match is no use."""
    kind = "name" if term.keep_everywhere else "glossary term"
    if not compound:
        return _Candidate(match.start(), match.end(), rank, Span(kind, match.group(), term))
    head, written, tail = match.group("head"), match.group("term"), match.group("tail") or ""
    joined = bool(head) and not head.endswith("-")
    if joined and (len(head) < _MIN_COMPOUND_PART + 1 or not head[0].isupper()):
        return None  # "Vermessen" is no compound of "Messe"
    if written[0] != term.source[0] and not joined:
        return None  # a lower-case first letter only inside a compound
    # A part joined without a hyphen is split off with one ("Stadtbahnhaltestelle" →
    # "Stadtbahn-⟦1⟧", "Gemeinderatssitzung" → "⟦1⟧-Sitzung"); a hyphen already separates.
    start = match.start() if joined else match.start("term")
    end = match.end("term") if tail.startswith("-") else match.end()
    return _Candidate(start, end, rank, Span(kind, written, term), head + "-" if joined else "", _joined_tail(tail))


def _joined_tail(tail: str) -> str:
    """The rest of a compound after a masked term, as its own hyphenated part ("-Sitzung")."""
    return "" if not tail or tail.startswith("-") else "-" + tail[0].upper() + tail[1:]


def placeholder(number: int) -> str:
    """The canonical placeholder for the ``number``-th span (1-based)."""
    return f"{OPEN}{number}{CLOSE}"


def placeholder_count(text: str) -> int:
    """How many canonical placeholders a masked text has."""
    return len(CANONICAL.findall(text))


def repair_placeholders(output: str, source: str) -> str | None:
    """``output`` with every placeholder of ``source`` once, in canonical form; None if that
    cannot be had (one dropped, doubled or invented)."""
    repaired = repair_with_edits(output, source)
    return repaired[0] if repaired else None


def repair_with_edits(output: str, source: str) -> tuple[str, tuple[Edit, ...]] | None:
    """:func:`repair_placeholders` with the edits it made."""
    count = placeholder_count(source)

    def canonical(match: re.Match[str]) -> str:
        number = int(match.group("a") or match.group("b") or match.group("c"))
        if match.group("c") and match.group() in source:
            return match.group()  # "[1]" that was already in the source text
        return placeholder(number) if 0 < number <= count else match.group()

    fixed, edits = substitute(_LOOSE, canonical, output)
    numbers = [int(n) for n in CANONICAL.findall(fixed)]
    return (fixed, edits) if sorted(numbers) == list(range(1, count + 1)) else None


def strip_placeholders(text: str) -> str:
    """Text without anything placeholder-like (a piece must not bring in a stray one)."""
    return " ".join(_LOOSE.sub(" ", text).split())
