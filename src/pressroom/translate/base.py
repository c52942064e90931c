"""The interface between the pipeline and anything that translates sentences.

The real engine drives CTranslate2 with an Argos package; tests use deterministic engines
behind the same interface, so the pipeline cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Engine(Protocol):
    """Translates sentences for one language pair (``source`` → ``target``).

    ``identity`` names exactly what produced a translation (package code, version, a hash
    of the model files and the decoding settings): the translation memory keys on it, so
    a changed model or setting never serves stale output.
    ``demo`` is true for placeholder packages whose output is not a translation.
    """

    source: str
    target: str
    identity: str
    demo: bool

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate every sentence; the result has the same length and order."""
        ...


class TranslationError(RuntimeError):
    """A model could not be loaded or failed while translating; the message says which."""
