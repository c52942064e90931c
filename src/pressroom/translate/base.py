"""The interface between the pipeline and anything that translates sentences.

The real engine drives CTranslate2 with a model of any family; tests use deterministic engines
behind the same interface, so the pipeline cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# A word alignment: (source word, target word) index pairs over the whitespace-separated
# words of the engine's input and output, in the "i-j" sense of Pharaoh/fast_align files.
Alignment = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Hypothesis:
    """An engine's translation of one sentence, with what it knows about its own output.

    ``score`` is the mean log-probability per target token (higher is surer; 0 is certain),
    None where the engine gives none. ``alignment`` links source and target words, so
    markup on source words can be placed on the words that translate them; empty where the
    engine gives none, None where it is not known (a translation memory entry written before
    engines were asked for alignments).
    """

    text: str
    score: float | None = None
    alignment: Alignment | None = ()


class Engine(Protocol):
    """Translates sentences for one language pair (``source`` → ``target``).

    ``identity`` names exactly what produced a translation (package code, version, a hash
    of the model files and the decoding settings): the translation memory keys on it, so
    a changed model or setting never serves stale output.
    ``demo`` is true for placeholder packages whose output is not a translation.
    ``name`` is the model as people know it (``pressroom models list``), for the build summary.
    """

    source: str
    target: str
    identity: str
    name: str
    demo: bool

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """Translate every sentence; the result has the same length and order."""
        ...


class TranslationError(RuntimeError):
    """A model could not be loaded or failed while translating; the message says which."""
