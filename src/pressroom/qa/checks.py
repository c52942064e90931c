"""Quality checks per segment: the known failure modes of machine translation, found before readers do.

A *segment* is one translatable unit of a release, in document order: the title is segment 0,
the kicker (the line above the headline) segment 1, the summary segment 2, and the body
blocks' texts (paragraphs, subheadings, quotes, list items, table cells, captions) 3, 4, … — the order of :meth:`pressroom.document.model.Release.translatable_texts`. Indices
only change when the release's own structure changes, so the review workflow can key on them.

Each check has a stable ``code``, a ``severity`` (``error``: the translation is wrong or
incomplete and must not go out unread; ``warning``: worth a look) and a plain explanation.
Checks that look at single sentences (length, untranslated text, translation in pieces) name
the sentence in their message; the finding still belongs to its segment.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pressroom.config import Settings
from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.document.model import review_status
from pressroom.langid import reads_as
from pressroom.qa.numbers import Number, compare_numbers, figures_only
from pressroom.qa.protect import Protector, Span
from pressroom.translate.protected import Translation

ERROR, WARNING = "error", "warning"
DEFAULT_LOW_CONFIDENCE = Settings.low_confidence  # the setting's documented default


@dataclass(frozen=True)
class Check:
    """A kind of problem: its stable code, severity and what it means for a reader."""

    code: str
    severity: str
    explanation: str


CHECKS: dict[str, Check] = {
    check.code: check
    for check in (
        Check("empty", ERROR, "The translation is empty although the original has text."),
        Check("truncated", ERROR, "The translation is much shorter than the original: part of it is probably missing."),
        Check("too-long", WARNING, "The translation is much longer than the original: the model may have invented or repeated text."),
        Check("untranslated", ERROR, "The text was not translated: it is still in the original (or the bridge) language."),
        Check("number-mismatch", ERROR, "A number, amount or date of the original is missing or different in the translation."),
        Check("protected-missing", ERROR, "A name, web or e-mail address, phone number, hashtag or file name is missing or changed."),
        Check("glossary-term-missing", WARNING, "The approved translation from the glossary is not used."),
        Check("repeated-words", ERROR, "Words repeat in a loop, a typical machine-translation failure."),
        Check("unbalanced-marks", WARNING, "Brackets or quotation marks are not closed, or differ from the original."),
        Check("translated-in-pieces", WARNING, "The model lost a protected name or term, so the sentence was translated in parts around it; the wording may be stilted."),
        Check("direction-controls", WARNING, "The original holds invisible text direction controls (U+202E and the like), which can make text display in another order than it is written; they were removed. Check the original."),
        Check("low-confidence", WARNING, "The model was unsure of this translation (its confidence is below the 'low_confidence' setting): read it first."),
        Check("mark-not-placed", WARNING, "Bold, italic or a link could not be placed on the words that translate it: the emphasis was left out of that sentence, the link covers the whole sentence."),
    )
}  # fmt: skip

# Character length of a translation relative to German (measured on press-release sentences:
# English runs about 10 % shorter, Korean less than half as many characters).
LENGTH_FACTORS = {"de": 1.0, "en": 0.9, "ko": 0.45}
MIN_RATIO, MAX_RATIO = 0.5, 2.2  # relative to the expected length
MIN_LENGTH_CHECKED = 20  # characters; shorter sentences vary too much
STILL_FOREIGN = 0.9  # how sure language detection must be that a translation is still in the original
LOOP_REPEATS = 3  # the same word or phrase this many times in a row is a loop
LOOP_MAX_WORDS = 4
_WORD = re.compile(r"\w+")
_BRACKETS = ("()", "[]", "{}")
_DOUBLE_QUOTES = "\"„“”«»"


@dataclass
class Finding:
    """One problem in one segment of one edition (the ``qa-report.json`` contract)."""

    release: str
    lang: str
    segment: int
    code: str
    severity: str
    source: str
    target: str
    message: str
    confidence: float | None = None  # the segment's (Unit.confidence)

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)  # flat: what asdict makes, without its deep copy (a third of a report's time)


@dataclass
class Unit:
    """One segment of an edition: source and translation, and the sentence pairs inside it.

    ``in_pieces`` lists the sentences (indices into ``sentences``) translated in pieces
    because the model lost a placeholder. ``scores`` holds each sentence's confidence (the
    model's mean log-probability per token, :class:`pressroom.translate.protected.Translation`), None
    where no model was asked; empty for a human-approved segment. ``source_marks`` and
    ``target_marks`` are the segment's marks (bold, links…) over ``source`` and ``target``;
    ``marks_not_placed`` says which source marks could not be placed on the translation
    (:mod:`pressroom.translate.marks`).
    """

    source: str
    target: str
    sentences: list[tuple[str, str]] = field(default_factory=list)
    in_pieces: list[int] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)
    source_marks: tuple[Mark, ...] = ()
    target_marks: tuple[Mark, ...] = ()
    marks_not_placed: list[str] = field(default_factory=list)

    @property
    def rich_source(self) -> Text:
        return Text(self.source, self.source_marks)

    @property
    def rich_target(self) -> Text:
        return Text(self.target, self.target_marks)

    @classmethod
    def from_sentences(cls, sentences: Sequence[str], table: Mapping[str, Translation]) -> Unit:
        """The segment made of ``sentences``, translated by ``table`` (sentences joined by spaces)."""
        pairs = [(s, table[s].text) for s in sentences]
        return cls(
            " ".join(sentences),
            " ".join(t for _, t in pairs),
            pairs,
            [i for i, s in enumerate(sentences) if table[s].in_pieces],
            [table[s].score for s in sentences],
        )

    @property
    def confidence(self) -> float | None:
        """The segment's confidence: its least sure sentence's (None where no model gave one)."""
        return min((score for score in self.scores if score is not None), default=None)


@dataclass
class EditionRecord:
    """What the checks need of one translated edition; stored so ``pressroom qa`` can re-check."""

    release: str
    lang: str
    source_lang: str
    title: str
    units: list[Unit]
    reviewed_segments: int = 0  # segments with a human-approved translation (pressroom.review)

    @property
    def review_status(self) -> str:
        return review_status(sum(1 for u in self.units if u.source.strip()), self.reviewed_segments)


@dataclass
class CheckContext:
    """What a check needs besides the segment: languages, the protected spans' finder, and the
    languages a translation must not still be in (``foreign``: the source and the pivot)."""

    source_lang: str
    lang: str
    protector: Protector
    foreign: frozenset[str]
    low_confidence: float = DEFAULT_LOW_CONFIDENCE


def check_editions(
    records: Iterable[EditionRecord],
    protector: Protector,
    pivot: str = "en",
    low_confidence: float = DEFAULT_LOW_CONFIDENCE,
) -> list[Finding]:
    """Every finding for every segment of ``records``, in record and segment order.

    ``low_confidence``: the confidence below which a sentence is flagged (the setting).
    """
    findings = []
    for record in records:
        context = CheckContext(
            record.source_lang,
            record.lang,
            protector,
            frozenset({record.source_lang, pivot} - {record.lang}),
            low_confidence,
        )
        for index, unit in enumerate(record.units):
            for code, message in check_unit(unit, context):
                findings.append(
                    Finding(
                        record.release, record.lang, index, code, CHECKS[code].severity,
                        unit.source, unit.target, message, unit.confidence,
                    )
                )
    return findings


def removed_control_findings(records: Iterable[EditionRecord], removed: Mapping[str, int]) -> list[Finding]:
    """A ``direction-controls`` finding on the title of each translated edition whose release
    had direction controls removed by its reader (``removed``: count per release slug)."""
    findings = []
    for record in records:
        count = removed.get(record.release, 0)
        if count and record.units:
            title = record.units[0]
            message = f"{count} text direction control{'s' if count > 1 else ''} removed from the original file."
            findings.append(Finding(record.release, record.lang, 0, "direction-controls", WARNING, title.source, title.target, message))
    return findings


def review_notes(findings: Iterable[Finding]) -> dict[tuple[str, str], dict[int, list[str]]]:
    """Per edition (lang, release), per segment, the messages a reviewer should see in the DOCX."""
    notes: dict[tuple[str, str], dict[int, list[str]]] = {}
    for f in findings:
        notes.setdefault((f.lang, f.release), {}).setdefault(f.segment, []).append(f"{f.severity} ({f.code}): {f.message}")
    return notes


def check_unit(unit: Unit, context: CheckContext) -> list[tuple[str, str]]:
    """(code, message) for each problem of one segment."""
    if not _has_content(unit.source):
        return []
    if not unit.target.strip():
        return [("empty", "The translation of this part is empty.")]
    spans = context.protector.spans(unit.source, context.source_lang) + _verbatim(unit)
    problems = _sentence_problems(unit, context)
    problems += _protected_problems(unit.target, spans, context.lang)
    problems += _number_problems(unit, spans, context)
    problems += _repetition_problems(unit)
    problems += _mark_problems(unit)
    problems += [("mark-not-placed", message) for message in unit.marks_not_placed]
    return problems


def _verbatim(unit: Unit) -> list[Span]:
    """The segment's text marked as code: kept as written, like a name."""
    return [Span("verbatim text", unit.source[m.start : m.end].strip()) for m in unit.source_marks if m.kind is MarkKind.CODE and unit.source[m.start : m.end].strip()]


def _has_content(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sentence_problems(unit: Unit, context: CheckContext) -> list[tuple[str, str]]:
    problems = []
    expected = LENGTH_FACTORS.get(context.lang, 1.0) / LENGTH_FACTORS.get(context.source_lang, 1.0)
    for index, (source, target) in enumerate(unit.sentences or [(unit.source, unit.target)]):
        quoted = f"„{_short(source)}“"
        if index in unit.in_pieces:
            problems.append(("translated-in-pieces", f"The sentence {quoted} was translated in parts around its protected names or terms."))
        score = unit.scores[index] if index < len(unit.scores) else None
        if score is not None and score < context.low_confidence:
            problems.append(
                ("low-confidence", f"The model was unsure of the translation of {quoted}: confidence {score:.2f} (flagged below {context.low_confidence:.2f}).")
            )
        if not _has_content(target):
            problems.append(("empty", f"The translation of {quoted} is empty."))
        elif len(source) >= MIN_LENGTH_CHECKED:
            ratio = len(target) / len(source) / expected
            if ratio < MIN_RATIO:
                problems.append(("truncated", f"The translation of {quoted} has only {ratio:.0%} of the expected length."))
            elif ratio > MAX_RATIO:
                problems.append(("too-long", f"The translation of {quoted} is {ratio:.1f} times the expected length."))
        untranslated = _untranslated(source, target, context, _verbatim(unit))
        if untranslated:
            problems.append(("untranslated", f"{quoted} {untranslated}"))
    return problems


def _untranslated(source: str, target: str, context: CheckContext, verbatim: Sequence[Span] = ()) -> str:
    """Why ``target`` is not a translation of ``source``, or ""."""
    spans = context.protector.spans(source, context.source_lang) + list(verbatim)
    rest = _without(source, spans)
    if sum(ch.isalpha() for ch in rest) < 3 or figures_only(rest):
        return ""  # only names, addresses, numbers or units: nothing to translate
    if _normal(source) == _normal(target):
        return "came back unchanged."
    # Detection stops as soon as the text cannot read as a foreign language (pressroom.langid).
    lang = reads_as(_without(target, spans, context.lang), context.foreign, STILL_FOREIGN)
    return f"still reads as '{lang}' after translation." if lang else ""


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _without(text: str, spans: Iterable[Span], lang: str | None = None) -> str:
    """``text`` with the spans (their source text, or their ``lang`` value) cut out."""
    for span in spans:
        text = text.replace(span.value(lang) if lang else span.text, " ")
    return text


def _protected_problems(target: str, spans: list[Span], lang: str) -> list[tuple[str, str]]:
    needed = Counter((span.kind, span.value(lang)) for span in spans)
    terms = {(span.kind, span.value(lang)): span.term for span in spans}
    problems = []
    for (kind, value), count in needed.items():
        term = terms[(kind, value)]
        if target.count(value) >= count:
            continue
        if kind == "glossary term" and term is not None:
            approved = f"'{value}' for '{term.source}'" if value != term.source else f"'{value}' (kept as in German)"
            problems.append(("glossary-term-missing", f"The approved term {approved} ({term.where}) is not used."))
        else:
            problems.append(("protected-missing", f"The {kind} '{value}' is missing or changed in the translation."))
    return problems


def _number_problems(unit: Unit, spans: list[Span], context: CheckContext) -> list[tuple[str, str]]:
    missing, extra = compare_numbers(
        _without(unit.source, spans), context.source_lang, _without(unit.target, spans, context.lang), context.lang
    )
    parts = []
    if missing:
        parts.append(f"{_listed(missing)} of the original {'is' if len(missing) == 1 else 'are'} missing or different")
    if extra:
        parts.append(f"{_listed(extra)} in the translation {'is' if len(extra) == 1 else 'are'} not in the original")
    return [("number-mismatch", "Numbers differ: " + "; ".join(parts) + ".")] if parts else []


def _listed(numbers: Sequence[Number], most: int = 8) -> str:
    """Numbers as written, the first few only: a runaway output can repeat one a hundred times."""
    shown = ", ".join(n.text for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


def longest_loop(text: str) -> tuple[int, str]:
    """The most repeats in a row of one word or phrase (up to LOOP_MAX_WORDS words), and the phrase.

    One pass per phrase length: ``run[i]`` counts how many words from ``i`` on equal the word
    ``size`` places before them, so the repeats of the phrase at ``start`` are read off
    ``run[start + size]`` instead of being counted again for every start (linear in words).
    """
    words = _WORD.findall(text.casefold())
    best = (1, "")
    for size in range(1, LOOP_MAX_WORDS + 1):
        run = [0] * (len(words) + 1)
        for index in range(len(words) - 1, size - 1, -1):
            run[index] = run[index + 1] + 1 if words[index] == words[index - size] else 0
        for start in range(len(words) - size):
            repeats = 1 + run[start + size] // size
            if repeats > best[0]:
                best = (repeats, " ".join(words[start : start + size]))
    return best


def _repetition_problems(unit: Unit) -> list[tuple[str, str]]:
    repeats, phrase = longest_loop(unit.target)
    if repeats >= LOOP_REPEATS and repeats > longest_loop(unit.source)[0]:
        return [("repeated-words", f"'{phrase}' repeats {repeats} times in a row.")]
    return []


def _mark_problems(unit: Unit) -> list[tuple[str, str]]:
    problems = []
    for pair in _BRACKETS:
        opened, closed = unit.target.count(pair[0]), unit.target.count(pair[1])
        if opened != closed and unit.source.count(pair[0]) == unit.source.count(pair[1]):
            problems.append(("unbalanced-marks", f"The translation has {opened} '{pair[0]}' but {closed} '{pair[1]}'."))
    source_quotes = sum(unit.source.count(q) for q in _DOUBLE_QUOTES)
    target_quotes = sum(unit.target.count(q) for q in _DOUBLE_QUOTES)
    if source_quotes % 2 == 0 and (target_quotes % 2 or target_quotes < source_quotes):
        problems.append(
            ("unbalanced-marks", f"The original has {source_quotes} quotation marks, the translation {target_quotes}.")
        )
    return problems
