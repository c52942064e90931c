"""Deterministic engines behind the real Engine interface, for content-level tests.

Their output shows which route a sentence took (``<ko><en>text``), and they count calls, so
tests can prove pivot reuse, memory hits and structure without a real model.
"""

from __future__ import annotations

from collections.abc import Sequence


class TaggingEngine:
    """Translates by tagging: ``"Satz."`` → ``"<en>Satz."``; counts every sentence it sees."""

    def __init__(self, source: str, target: str, version: str = "1", demo: bool = False) -> None:
        self.source = source
        self.target = target
        self.identity = f"tagging-{source}_{target}@{version}"
        self.demo = demo
        self.calls = 0
        self.seen: list[str] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        self.calls += 1
        self.seen.extend(sentences)
        return [f"<{self.target}>{sentence}" for sentence in sentences]


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
