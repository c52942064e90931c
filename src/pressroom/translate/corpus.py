"""Corpus-wide translation: every distinct sentence of a run crosses each engine once.

All sentences of a build that need the same engine are collected, deduplicated, looked up in
the translation memory, and only the rest is sent to the model, sorted by length so that
batches carry little padding. A route is a chain of engines (de→en→ko): the English output of
de→en is what en→ko receives, and because results are kept per engine for the whole run,
the de→en step of the Korean route reuses the English edition's work instead of repeating it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Protocol

from pressroom.translate.base import Engine, Hypothesis
from pressroom.translate.memory import TranslationMemory, normalise

# Sentences per call to an engine. Each call ends with its last batches running while other
# workers wait, so calls must be big (measured on 2 cores, base-size models, 15 releases:
# one call per hop instead of 256-sentence calls cut translation time by 8 %), yet small
# enough for visible progress and a memory commit every half minute or so.
CHUNK_SENTENCES = 1024

# Called as progress(engine, sentences_done, sentences_total) for each engine step that
# needs the model, first with 0 done.
Progress = Callable[[Engine, int, int], None]

# A chunk of sentences and the engine's hypotheses for it, in the same order.
ChunkResult = tuple[list[str], list[Hypothesis]]


class ChunkRunner(Protocol):
    """Where an engine's chunks are translated: here, one after another (:class:`LocalChunks`),
    or on the workers of a Dask cluster (:class:`pressroom.cluster.driver.ClusterChunks`).

    The corpus translator decides what to translate and in which chunks, so a run gives the
    same chunks, and with them the same batches and translations, wherever it runs.
    """

    def prepare(self, engines: Sequence[Engine]) -> None:
        """Make sure every engine of the run can translate here; called once, before any chunk."""
        ...

    def run(self, engine: Engine, chunks: list[list[str]]) -> Generator[ChunkResult, None, None]:
        """Each chunk with its hypotheses, as each is done (in any order)."""
        ...


class LocalChunks:
    """Chunks translated in this process, in order, by the engine itself."""

    def prepare(self, engines: Sequence[Engine]) -> None:
        """Nothing to do: local engines load their model when first asked to translate."""

    def run(self, engine: Engine, chunks: list[list[str]]) -> Generator[ChunkResult, None, None]:
        for chunk in chunks:
            yield chunk, engine.translate_batch(chunk)


@dataclass
class EngineStats:
    """What one engine did in a run: sentences answered by the memory and by the model.

    ``pieces`` counts the texts sent to the model again in pieces (the parts between protected
    spans of a sentence whose placeholder the model lost); they are not sentences of a release,
    so the progress bar, which counts sentences, leaves them out.
    """

    source: str
    target: str
    from_memory: int = 0
    translated: int = 0
    pieces: int = 0
    demo: bool = False


class CorpusTranslator:
    """Translates sentences along routes of engines, once per engine and sentence per run."""

    def __init__(self, memory: TranslationMemory | None = None, runner: ChunkRunner | None = None) -> None:
        self.memory = memory
        self.runner = runner or LocalChunks()
        self.stats: dict[str, EngineStats] = {}
        self._done: dict[str, dict[str, Hypothesis]] = {}

    def translate(
        self,
        route: Sequence[Engine],
        sentences: Sequence[str],
        progress: Progress | None = None,
        *,
        pieces: bool = False,
        aligned: Collection[str] = (),
    ) -> dict[str, Hypothesis]:
        """Map each sentence to its translation through every engine of ``route`` in turn
        (the last engine's hypothesis; :class:`pressroom.translate.protected.ProtectedTranslator`
        goes hop by hop where it needs each one).

        ``pieces``: the texts are parts of sentences re-sent after a lost placeholder; they
        are counted as :attr:`EngineStats.pieces` and reported to no progress bar.
        ``aligned``: sentences whose word alignment is needed (they carry marks to place); a
        memory entry whose alignment is unknown is a miss for them, and for them only.
        """
        current = {s: Hypothesis(s) for s in sentences}
        needed = set(aligned)
        for engine in route:
            texts = list(dict.fromkeys(h.text for h in current.values()))
            step = self._run(engine, texts, None if pieces else progress, pieces, needed)
            needed = {step[current[s].text].text for s in needed if s in current}
            current = {s: step[h.text] for s, h in current.items()}
        return current

    def _run(
        self, engine: Engine, sentences: list[str], progress: Progress | None, pieces: bool, aligned: Collection[str] = ()
    ) -> dict[str, Hypothesis]:
        done = self._done.setdefault(engine.identity, {})
        stats = self.stats.setdefault(
            engine.identity, EngineStats(engine.source, engine.target, demo=engine.demo)
        )

        def missing(sentence: str) -> bool:
            known = done.get(sentence)
            return known is None or (known.alignment is None and sentence in aligned)

        todo = [s for s in sentences if missing(s)]
        for blank in [s for s in todo if not s.strip()]:
            done[blank] = Hypothesis("")
        todo = [s for s in todo if s.strip()]
        if self.memory and todo:
            found = self.memory.lookup(engine.identity, todo)
            for sentence in todo:
                hit = found.get(normalise(sentence))
                if hit is not None and (hit.alignment is not None or sentence not in aligned):
                    done[sentence] = hit
                    stats.from_memory += 1
            todo = [s for s in todo if missing(s)]
        todo.sort(key=len)
        if progress and todo:
            progress(engine, 0, len(todo))
        chunks = [todo[start : start + CHUNK_SENTENCES] for start in range(0, len(todo), CHUNK_SENTENCES)]
        finished = 0
        # closing(): a build stopped here (Ctrl+C, an error) also stops the runner's work
        with closing(self.runner.run(engine, chunks)) as results:
            for chunk, outputs in results:
                if len(outputs) != len(chunk):
                    raise RuntimeError(
                        f"{engine.identity} returned {len(outputs)} translations for {len(chunk)}"
                    )
                pairs = list(zip(chunk, outputs))
                done.update(pairs)
                if pieces:
                    stats.pieces += len(chunk)
                else:
                    stats.translated += len(chunk)
                if self.memory:  # chunk by chunk: a build stopped half-way keeps what it translated
                    self.memory.store(engine, pairs)
                finished += len(chunk)
                if progress:
                    progress(engine, finished, len(todo))
        return {s: done[s] for s in sentences}
