"""Sentence segmentation for the translation models, German first, without any downloads.

Argos Translate's own splitters (Stanza, MiniSBD, spaCy) fetch resources at run time and fail
offline, and the models translate sentence by sentence: a wrong split after "Dr." or in
"24. Juli" ruins the translation, a missing one makes over-long inputs. So pressroom segments
itself, with rules tuned on German press releases.

Sentences are only ever split at whitespace, and the whitespace inside each sentence is
normalised to single spaces, so ``" ".join(split_sentences(t)) == " ".join(t.split())``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: German abbreviations after which a full stop does not end a sentence. Multi-part
#: abbreviations may be written with or without spaces ("z. B." matches "z.B." as well);
#: a capitalised form of a lower-case entry ("Ca.", "Vgl.") counts too. Extend freely.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "Abs.", "Abt.", "Art.", "Aug.", "Bd.", "bspw.", "bzw.", "ca.", "Chr.", "Co.", "d. h.",
        "Dez.", "Di.", "Dipl.", "Dipl.-Ing.", "Do.", "Dr.", "Dr.-Ing.", "Dr. med.", "Dr. phil.",
        "Dr. rer. nat.", "Dr. rer. pol.", "e. V.", "etc.", "ev.", "evang.", "evtl.",
        "Feb.", "ff.", "Fr.", "gem.", "geb.", "ggf.", "h. c.", "Hr.", "Hrn.", "Hrsg.",
        "i. d. R.", "inkl.", "insb.", "Jan.", "Jh.", "Jhd.", "Kap.", "kath.", "lt.", "Mi.", "Min.",
        "Mio.", "Mo.", "Mrd.", "Nov.", "Nr.", "o. ä.", "Okt.", "Prof.", "s. o.", "s. u.", "Sa.",
        "Sept.", "So.", "sog.", "St.", "Std.", "Str.", "Tel.", "u. a.", "u. ä.", "usw.",
        "vgl.", "z. B.", "z. T.", "zzgl.",
    }
)  # fmt: skip

#: Abbreviations for other languages (English in practice; Korean rarely abbreviates).
GENERIC_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "a.m.", "approx.", "Apr.", "Aug.", "cf.", "Co.", "Corp.", "Dec.", "Dept.", "Dr.", "e.g.",
        "etc.", "Feb.", "Fig.", "Gen.", "Gov.", "i.e.", "Inc.", "Jan.", "Jr.", "Ltd.", "Mr.",
        "Mrs.", "Ms.", "Mt.", "No.", "Nos.", "Nov.", "Oct.", "p.m.", "Ph.D.", "pp.", "Prof.",
        "Rep.", "Sen.", "Sep.", "Sept.", "Sr.", "St.", "U.S.", "vs.",
    }
)  # fmt: skip

#: Abbreviations that often close a sentence ("Äpfel, Birnen usw. Die ...", "aus dem 19. Jh.
#: Die ..."): they end one when a sentence starter follows (German) or any capitalised word
#: (other languages).
SENTENCE_FINAL_ABBREVIATIONS: frozenset[str] = frozenset({"usw.", "etc.", "Jh.", "Jhd."})

#: Abbreviations that are also ordinary words ("Veranstaltungen dieser Art. Die ..."): they
#: only count as abbreviations before a number ("Art. 5 GG").
ABBREVIATIONS_BEFORE_NUMBERS: frozenset[str] = frozenset({"Art."})

#: Words that begin German sentences but never follow an ordinal: "Platz 3. Die Stadt" ends a
#: sentence, while "am 24. Juli" or "3. Liga" do not.
GERMAN_SENTENCE_STARTERS: frozenset[str] = frozenset(
    {
        "Ab", "Alle", "Allerdings", "Als", "Am", "An", "Auch", "Auf", "Aus", "Außerdem", "Bei",
        "Beim", "Bereits", "Bis", "Da", "Dabei", "Dafür", "Daher", "Damit", "Danach", "Dann",
        "Darüber", "Das", "Dass", "Dem", "Den", "Denn", "Der", "Deshalb", "Des", "Die", "Dies",
        "Diese", "Diesem", "Diesen", "Dieser", "Dieses", "Doch", "Dort", "Du", "Ein", "Eine",
        "Einem", "Einen", "Einer", "Eines", "Er", "Es", "Für", "Gleichzeitig", "Heute", "Hier",
        "Ich", "Ihr", "Ihre", "Im", "In", "Ins", "Insgesamt", "Jedoch", "Man", "Mit", "Nach",
        "Nun", "Ob", "Seit", "Sie", "So", "Um", "Und", "Unser", "Unsere", "Unter", "Vom", "Von",
        "Vor", "Was", "Weil", "Wenn", "Wer", "Wie", "Wir", "Wo", "Zudem", "Zum", "Zur",
    }
)  # fmt: skip

_END = ".!?…"
_CLOSERS = "\"'»«“”‘’)]"
_OPENERS = "„\"“‚'»«‘([‹›"
_LOOKBACK = 64  # characters inspected before a full stop; every abbreviation is shorter

# A run of end punctuation, closing quotes/brackets that belong to the sentence, whitespace;
# common lower-case letters after it are ruled out here already, the rest in _is_starter.
# The lookbehind and possessive quantifiers keep the scan linear on runs like "!!!!".
_CANDIDATE = re.compile(
    rf"(?<![{_END}])(?P<punct>[{_END}]++)(?P<close>[{re.escape(_CLOSERS)}]*+)"
    r"(?P<ws>\s++)(?![a-zäöüß])"
)
_WORD = re.compile(r"\w+")
# "24.", "17.06." or the end of a range of ordinals: "-3." in "1. -3. Jahrhundert", "1.–3.".
_GERMAN_ORDINAL = re.compile(r"(?:\d{1,3}\.)?[-–—]?(?:\d{1,3}|\d{1,2}\.\d{1,2})")
# A bulleted line ("• Punkt", "- Punkt", "– Punkt", "* Punkt", "▪ Punkt", "◦ Unterpunkt"): never
# part of a segment that begins before it or ends after it, whether or not a reader has split
# the lines. Possessive quantifiers keep the scan linear.
_BULLET_LINE = re.compile(r"^[^\S\n]*+[•*\-–▪◦▫·][^\S\n]++\S[^\n]*+", re.MULTILINE)
# Abbreviations joined by a hyphen: "röm.-kath.", "ev.-luth.", "Dipl.-Kfm.".
_JOINED_ABBREVIATION = re.compile(r"(?:[^\W\d_]{1,8}\.-)+[^\W\d_]{1,8}")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")


@dataclass(frozen=True, slots=True)
class _Rules:
    abbreviations: frozenset[str]  # spaces removed: "z.B."
    german: bool  # ordinals ("24. Juli") and German sentence starters
    numbers_end_sentences: bool  # False for Korean, where "2025. 7. 24." is a date


def _keys(abbreviations: Iterable[str]) -> frozenset[str]:
    return frozenset(a.replace(" ", "") for a in abbreviations)


_GENERIC_RULES = _Rules(_keys(GENERIC_ABBREVIATIONS), german=False, numbers_end_sentences=True)
_RULES = {
    "de": _Rules(_keys(ABBREVIATIONS), german=True, numbers_end_sentences=True),
    "ko": _Rules(_keys(GENERIC_ABBREVIATIONS), german=False, numbers_end_sentences=False),
}


def split_sentences(text: str, lang: str = "de") -> list[str]:
    """Split a paragraph into sentences for sentence-by-sentence translation.

    Splits only at whitespace after . ! ? … (plus closing quotes/brackets, which stay with the
    sentence) when an upper-case or caseless letter, a digit or an opening quote/bracket
    follows, and not after abbreviations, initials or German ordinals. ``lang`` "de" uses the
    German rules, "ko" never ends a sentence after a number (dates like "2025. 7. 24."), any
    other language gets generic English-style rules.
    A line that starts with a bullet (• - – * ▪ ◦ · and a space) begins a segment, and its end ends
    one: a list item is a unit of meaning, and readers do not always split such lines into
    list items first. Sentences inside a bullet line are still split, as anywhere else.
    Invariant: ``" ".join(result) == " ".join(text.split())``; no sentence is empty.
    """
    rules = _RULES.get(lang.lower()[:2], _GENERIC_RULES)
    sentences: list[str] = []
    prose_start = 0
    for bullet in _BULLET_LINE.finditer(text):
        sentences += _split_prose(text[prose_start : bullet.start()], rules)
        sentences += _split_prose(bullet.group(), rules)
        prose_start = bullet.end()
    sentences += _split_prose(text[prose_start:], rules)
    return sentences


def _split_prose(text: str, rules: _Rules) -> list[str]:
    """Split text without bullet lines at the sentence ends that ``rules`` accept."""
    sentences: list[str] = []
    start = len(text) - len(text.lstrip())
    for match in _CANDIDATE.finditer(text):
        if match.end() < len(text) and _ends_sentence(text, start, match, rules):
            sentences.append(" ".join(text[start : match.start("ws")].split()))
            start = match.end()
    rest = " ".join(text[start:].split())
    if rest:
        sentences.append(rest)
    return sentences


def _is_starter(char: str) -> bool:
    """Whether a sentence may begin with ``char``; caseless scripts (Hangul) always may."""
    return char.isdigit() or char in _OPENERS or (char.isalpha() and not char.islower())


def _ends_sentence(text: str, start: int, match: re.Match[str], rules: _Rules) -> bool:
    """Decide one candidate; ``start`` is where the current sentence begins."""
    following = text[match.end()]
    if not _is_starter(following):
        return False
    if match.group("close") or match.group("punct") != ".":
        return True  # "?", "!", "…", "..." or a full stop inside a closing quote
    dot = match.start("punct")
    window = text[max(start, dot - _LOOKBACK) : dot]
    tokens = window.split()
    if not tokens or window[-1].isspace():
        return True  # a lone "." token
    word = tokens[-1]
    core = word.lstrip(_OPENERS)
    if len(core) == 1 and core.isalpha():
        return False  # an initial ("Gerd E. Mäuser") or part of "z. B.", "d. h."
    next_word = match_.group() if (match_ := _WORD.match(text, match.end())) else ""
    abbreviation = _find_abbreviation(core, tokens[-3:-1], rules.abbreviations)
    if abbreviation in ABBREVIATIONS_BEFORE_NUMBERS:
        return not following.isdigit()
    if abbreviation in SENTENCE_FINAL_ABBREVIATIONS:
        return next_word in GERMAN_SENTENCE_STARTERS if rules.german else True
    if abbreviation or _JOINED_ABBREVIATION.fullmatch(core):
        return False
    if dot - len(word) == start and _NUMBER.fullmatch(core):
        return False  # a list marker opening the sentence: "1. Die Stadt", "1081. Pressekonf…"
    if rules.german and _GERMAN_ORDINAL.fullmatch(core):
        # "am 24. Juli", "17. UEFA", "1. FC": an ordinal unless a sentence starter follows.
        return next_word in GERMAN_SENTENCE_STARTERS
    return rules.numbers_end_sentences or not _NUMBER.fullmatch(core)


def _find_abbreviation(core: str, previous: list[str], keys: frozenset[str]) -> str:
    """The abbreviation that ends with ``core`` + ".", or "" if there is none.

    ``previous`` are the tokens before it, so spaced forms like "Dr. med." are found too.
    """
    joined = core
    candidates = [core]
    for token in reversed(previous):
        joined = token.lstrip(_OPENERS) + joined
        candidates.append(joined)
    for candidate in candidates:
        key = candidate + "."
        if key in keys:
            return key
        lowered = key[:1].lower() + key[1:]
        if key[:1].isupper() and lowered in keys:
            return lowered  # sentence-initial "Ca.", "Vgl."
    return ""


# Characters after which an over-long sentence is best cut: the clause boundaries of MT input.
_STRONG_CLAUSE_MARKS = frozenset(";:–—!?…")
_WEAK_CLAUSE_MARKS = frozenset(",)]}")
_SPACE = re.compile(" ")


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of an over-long sentence, as returned by :func:`split_at_safe_points`.

    ``joiner`` is what goes between this part and the next: " " after a cut at whitespace,
    "" after a hard cut inside a word and after the last part. Rejoin with :func:`join_pieces`;
    to rejoin translations, keep the joiners: ``Piece(translated, piece.joiner)``.
    """

    text: str
    joiner: str


def join_pieces(pieces: Iterable[Piece]) -> str:
    """Rejoin parts losslessly; the result is ``" ".join(sentence.split())``."""
    return "".join(piece.text + piece.joiner for piece in pieces)


def split_at_safe_points(sentence: str, fits: Callable[[str], bool]) -> list[Piece]:
    """Split a sentence too long for the model into parts that each satisfy ``fits``.

    Greedy: each part is the longest prefix of the rest that fits, except that a cut after a
    clause mark is preferred while it keeps at least half of that length, because clauses
    translate better than fragments: the last cut after ; : – — ! ? … or else after , ) ].
    A single word that does not fit is cut by characters (joiner ""). Nothing is dropped:
    ``fits`` is assumed monotonic (a prefix of a fitting text fits), each part is checked with
    it, and a lone character is returned even if it does not fit. Whitespace is normalised as
    in :func:`split_sentences`; an empty sentence gives []. Rejoin with :func:`join_pieces`.
    """
    text = " ".join(sentence.split())
    spaces = [match.start() for match in _SPACE.finditer(text)]
    pieces: list[Piece] = []
    start = 0
    while start < len(text):
        rest_fits, cut = _best_space_cut(text, start, spaces, fits)
        if rest_fits:
            pieces.append(Piece(text[start:], ""))
            break
        if cut is None:
            word_end = text.find(" ", start)
            limit = (len(text) if word_end < 0 else word_end) - start
            end = start + _longest_fitting_length(text, start, limit, fits)
            joiner = " " if end == word_end else ""  # a forced one-character word
            pieces.append(Piece(text[start:end], joiner))
            start = end + len(joiner)
        else:
            pieces.append(Piece(text[start:cut], " "))
            start = cut + 1
    return pieces


def _best_space_cut(
    text: str, start: int, spaces: list[int], fits: Callable[[str], bool]
) -> tuple[bool, int | None]:
    """For the part beginning at ``start``: whether the whole rest fits, else the space to cut
    at (None if not even the first word fits).

    The longest fitting prefix is found by galloping (ends 1, 2, 4 … spaces on) and then a
    binary search, so ``fits`` only sees texts up to about twice the part's length: a
    sentence of a million characters costs time in proportion to its length, not its square.
    """
    first = bisect_right(spaces, start)
    last = len(spaces)  # index "last" stands for the end of the text

    def prefix_fits(index: int) -> bool:
        return fits(text[start : spaces[index] if index < last else len(text)])

    if not prefix_fits(first):
        return False, None
    good, step = first, 1
    bad = last + 1
    while good < last:
        probe = min(good + step, last)
        if not prefix_fits(probe):
            bad = probe
            break
        good, step = probe, step * 2
    if good == last:
        return True, None
    while bad - good > 1:  # binary search for the last space whose prefix fits
        middle = (good + bad) // 2
        if prefix_fits(middle):
            good = middle
        else:
            bad = middle
    longest = spaces[good]
    chosen, chosen_rank = longest, 0
    for index in range(good, first - 1, -1):  # from the right: the latest cut of each rank
        cut = spaces[index]
        if 2 * (cut - start) < longest - start:
            break
        rank = _clause_rank(text, cut)
        if rank > chosen_rank:
            chosen, chosen_rank = cut, rank
            if rank == 2:
                break
    return False, chosen if chosen == longest or fits(text[start:chosen]) else longest


def _clause_rank(text: str, space: int) -> int:
    """Rank of a cut at the space ``space``: 2 after ; : – — ! ? …, 1 after , ) ], else 0."""
    before = text[space - 1]
    if before in _STRONG_CLAUSE_MARKS:
        return 2
    if before == "-" and (space == 1 or text[space - 2] == " "):
        return 2  # a dash written " - ", not the hyphen of "Kurs- und"
    return 1 if before in _WEAK_CLAUSE_MARKS else 0


def _longest_fitting_length(
    text: str, start: int, limit: int, fits: Callable[[str], bool]
) -> int:
    """Hard cut inside a word of ``limit`` characters: the most that fit, at least one.

    Galloping, then binary search, as in :func:`_best_space_cut`: a word of a million letters
    is cut in time proportional to its length.
    """
    good, step = 1, 1
    bad = limit
    while good < limit - 1:
        probe = min(good + step, limit - 1)
        if not fits(text[start : start + probe]):
            bad = probe
            break
        good, step = probe, step * 2
    if good >= limit - 1:
        return max(good, 1)
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(text[start : start + middle]):
            good = middle
        else:
            bad = middle
    return good
