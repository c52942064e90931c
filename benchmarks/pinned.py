"""One output-length rule for every system the benchmark compares.

A random-weight model hardly ever emits ``</s>``, so left alone it decodes each sentence to
whatever limit its caller sets (Argos: 256 tokens; pressroom: 2 × the batch's longest input
+ 10), and the timings would compare limits instead of systems. Every CTranslate2 call of
A (argostranslate), B (pressroom) and C (bare CTranslate2) therefore goes through
:class:`PinnedTranslator`, which decodes every sentence to exactly :func:`output_length` of
its own source length, as a real model that stops at ``</s>`` would.

CTranslate2 takes one ``min/max_decoding_length`` per call, so a call is split into one call
per distinct output length (submitted together, asynchronously when the caller asked for
that). That costs a little batching efficiency for callers with large batches (B and C) and
none for Argos, whose default ``ARGOS_BATCH_SIZE`` of 32 tokens already makes batches of one
or two sentences: the split favours A, if anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ctranslate2


def output_length(source_tokens: int) -> int:
    """Output tokens for a source of ``source_tokens``: its length rounded up to a multiple of 4."""
    return 4 * math.ceil(source_tokens / 4)


class PinnedTranslator:
    """A ``ctranslate2.Translator`` whose outputs have exactly :func:`output_length` tokens.

    Also counts what went through it: ``sequences`` holds every token sequence sent (B's are
    replayed by C), ``decoded`` the output tokens asked for.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.inner = ctranslate2.Translator(*args, **kwargs)
        self.model_path = str(args[0] if args else kwargs["model_path"])
        self.sequences: list[list[str]] = []
        self.decoded = 0
        self.calls = 0
        INSTANCES.append(self)

    def translate_batch(self, source: Sequence[Sequence[str]], **kwargs: Any) -> list[Any]:
        """Like ``ctranslate2.Translator.translate_batch``, with the decoding length pinned."""
        prefixes = kwargs.pop("target_prefix", None)
        kwargs.pop("max_decoding_length", None)
        groups: dict[int, list[int]] = {}
        for index, tokens in enumerate(source):
            groups.setdefault(output_length(len(tokens)), []).append(index)
        results: list[Any] = [None] * len(source)
        for length, indices in groups.items():
            outputs = self.inner.translate_batch(
                [list(source[i]) for i in indices],
                target_prefix=[prefixes[i] for i in indices] if prefixes else None,
                min_decoding_length=length,
                max_decoding_length=length,
                **kwargs,
            )
            for index, output in zip(indices, outputs, strict=True):
                results[index] = output
            self.calls += 1
            self.decoded += length * len(indices)
        self.sequences.extend(list(tokens) for tokens in source)
        return results


INSTANCES: list[PinnedTranslator] = []
