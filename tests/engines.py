"""Deterministic engines behind the real Engine interface, for content-level tests.

Their output shows which route a sentence took (``<ko><en>text``), and they count calls, so
tests can prove pivot reuse, memory hits and structure without a real model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pressroom.translate.alignment import identity
from pressroom.translate.base import Alignment, Hypothesis


class TaggingEngine:
    """Translates by tagging: ``"Satz."`` → ``"<en>Satz."``; counts every sentence it sees.

    Each word stays where it was, so the word alignment is the identity (``aligned=False``:
    an engine that gives no alignment at all).
    """

    def __init__(self, source: str, target: str, version: str = "1", demo: bool = False, *, aligned: bool = True) -> None:
        self.source = source
        self.target = target
        self.identity = f"tagging-{source}_{target}@{version}"
        self.name = f"tagging-{source}_{target} {version}"
        self.demo = demo
        self.aligned = aligned
        self.calls = 0
        self.seen: list[str] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        self.calls += 1
        self.seen.extend(sentences)
        return [
            Hypothesis(self.tag(sentence), alignment=identity(len(sentence.split())) if self.aligned else ())
            for sentence in sentences
        ]

    def tag(self, sentence: str) -> str:
        """The translation: the sentence behind the target language's tag."""
        return f"<{self.target}>{sentence}"


class ScriptedEngine(TaggingEngine):
    """Translates the sentences of its script into the given words with the given alignment,
    as a real model and its attention would; anything else it translates like a
    :class:`ReversingEngine` (word order reversed, alignment to match)."""

    def __init__(self, source: str, target: str, script: dict[str, tuple[str, Alignment]], version: str = "1") -> None:
        super().__init__(source, target, version)
        self.identity = f"scripted-{source}_{target}@{version}"
        self.script = script

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        self.calls += 1
        self.seen.extend(sentences)
        return [Hypothesis(self.script[s][0], -0.1, self.script[s][1]) if s in self.script else reversed_words(s) for s in sentences]


class ReversingEngine(TaggingEngine):
    """Translates by reversing the word order (``"a b c."`` → ``"c. b a"``), the alignment to
    match: every mark has to move to other places in the sentence."""

    def __init__(self, source: str, target: str, version: str = "1") -> None:
        super().__init__(source, target, version)
        self.identity = f"reversing-{source}_{target}@{version}"

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        self.calls += 1
        self.seen.extend(sentences)
        return [reversed_words(s) for s in sentences]


def reversed_words(sentence: str) -> Hypothesis:
    words = sentence.split()
    return Hypothesis(" ".join(reversed(words)), -0.1, tuple((i, len(words) - 1 - i) for i in range(len(words))))


class StaticEngines:
    """An EngineProvider over a fixed set of engines, routing through English like the real one."""

    def __init__(self, *engines: TaggingEngine, pivot: str = "en") -> None:
        self.engines = {(e.source, e.target): e for e in engines}
        self.pivot = pivot

    def route(self, source: str, target: str) -> list[TaggingEngine] | None:
        if (source, target) in self.engines:
            return [self.engines[(source, target)]]
        first, second = self.engines.get((source, self.pivot)), self.engines.get((self.pivot, target))
        if first and second:
            return [first, second]
        return None


@dataclass
class TranslationResult:
    """A finished CTranslate2 result; ``result()`` answers like its asynchronous results."""

    hypotheses: list[list[str]]
    scores: list[float] = field(default_factory=lambda: [0.0])
    attention: list[list[list[float]]] = field(default_factory=lambda: [[]])

    def result(self) -> TranslationResult:
        return self


class EchoTranslator:
    """A stand-in for ``ctranslate2.Translator`` whose model gives back its input tokens (after
    the target prefix), so the real engine's tokenizing, splitting and rejoining must
    reproduce every source character."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[list[list[str]]] = []

    def translate_batch(
        self, tokens: list[list[str]], target_prefix: Any = None, **kwargs: Any
    ) -> list[TranslationResult]:
        self.calls.append(tokens)
        prefixes = target_prefix or [[] for _ in tokens]
        return [
            TranslationResult([prefix + list(t)], attention=[_diagonal(len(prefix), len(t))])
            for prefix, t in zip(prefixes, tokens, strict=True)
        ]


def _diagonal(prefix: int, length: int) -> list[list[float]]:
    """Attention of a model that copies its input: each output token looks at its own input
    token (the prefix rows look at the first)."""
    return [[1.0 if column == max(row - prefix, 0) else 0.0 for column in range(length)] for row in range(prefix + length)]


class ScoredEngine(TaggingEngine):
    """A tagging engine that is sure of every sentence (score -0.2) except those containing a
    key of ``doubts``, which get that key's score, as a model's confidence would single them out."""

    def __init__(self, source: str, target: str, doubts: dict[str, float], version: str = "1") -> None:
        super().__init__(source, target, version)
        self.doubts = doubts

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        tagged = super().translate_batch(sentences)
        return [Hypothesis(h.text, self.score(s), h.alignment) for h, s in zip(tagged, sentences, strict=True)]

    def score(self, sentence: str) -> float:
        return min((score for key, score in self.doubts.items() if key in sentence), default=-0.2)
