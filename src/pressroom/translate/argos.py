"""The real engine: an Argos package's CTranslate2 model and tokenizer, driven directly.

We do not go through ``argostranslate.translate``: it imports stanza and splits sentences
itself, while pressroom hands over sentences already segmented. Decoding follows Argos'
``apply_packaged_translation`` (target prefix, ``replace_unknowns``, ``length_penalty=0.2``),
with two deliberate differences:

* SentencePiece output is decoded with ``decode_pieces`` only; Argos also turns every "_"
  into a space, which breaks e-mail addresses and URLs.
* Batching. CTranslate2 takes one ``max_decoding_length`` per call, so the engine sorts the
  sentences by length and cuts token-budget batches itself (the budget CTranslate2 would use
  with ``batch_type="tokens"``), one call per batch, each limited by its own longest
  sentence, longest batch first. A short sentence that starts repeating is stopped near its own length instead of
  the longest sentence's, and the sorted batches carry almost no padding.

Sentences longer than ``max_input_tokens`` are split at safe points
(:func:`pressroom.segment.split_at_safe_points`), translated part by part and rejoined, never
truncated.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import ctranslate2
import sentencepiece as spm
from ctranslate2 import Translator

from pressroom.config import TranslationSettings
from pressroom.packages import ModelPackage, PackageError
from pressroom.segment import Piece, join_pieces, split_at_safe_points
from pressroom.translate.base import Hypothesis, TranslationError

log = logging.getLogger(__name__)

LENGTH_PENALTY = 0.2  # Argos Translate's value
LENGTH_BUCKET = 1.3
EXTRA_DECODING_TOKENS = 10


class _Tokenizer(Protocol):
    def encode(self, sentence: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...


class _SentencePiece:
    """SentencePiece without Argos' "_" → " " replacement on decode."""

    def __init__(self, model_file: str) -> None:
        self._processor = spm.SentencePieceProcessor(model_file=model_file)

    def encode(self, sentence: str) -> list[str]:
        return self._processor.encode(sentence, out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self._processor.decode_pieces(tokens)


class ArgosEngine:
    """Translates with one installed Argos package (a :class:`pressroom.translate.base.Engine`).

    The CTranslate2 model is loaded on the first :meth:`translate_batch` that has something to
    translate, so a build answered entirely by the translation memory loads no model.
    """

    def __init__(self, package: ModelPackage, settings: TranslationSettings) -> None:
        self.package = package
        self.settings = settings
        self.source = package.from_code
        self.target = package.to_code
        self.demo = package.demo
        self.identity = f"{package.identity()}|{settings.cache_key()}"
        self._translator: Translator | None = None
        self._tokenizer: _Tokenizer | None = None

    @property
    def loaded(self) -> bool:
        """Whether the CTranslate2 model has been loaded."""
        return self._translator is not None

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """Translate every sentence; blank ones give "" without touching the model.

        A sentence translated in parts gets the parts' texts rejoined and their mean score,
        weighted by the parts' lengths in tokens.
        """
        tokenizer = None
        units: list[list[str]] = []  # token sequences sent to the model
        plans: list[list[tuple[int, str]]] = []  # per sentence: (unit, joiner) parts
        for sentence in sentences:
            if not sentence.strip():
                plans.append([])
                continue
            tokenizer = tokenizer or self._load_tokenizer()
            tokens = tokenizer.encode(sentence)
            if len(tokens) <= self.settings.max_input_tokens:
                plans.append([(len(units), "")])
                units.append(tokens)
                continue
            plan = []
            for piece in split_at_safe_points(sentence, self._fits):
                plan.append((len(units), piece.joiner))
                units.append(tokenizer.encode(piece.text))
            plans.append(plan)
        if not units:
            return [Hypothesis("") for _ in sentences]
        outputs = self._translate_units(units)
        return [_joined(plan, outputs) for plan in plans]

    def _fits(self, text: str) -> bool:
        assert self._tokenizer is not None
        return len(self._tokenizer.encode(text)) <= self.settings.max_input_tokens

    def _translate_units(self, units: list[list[str]]) -> list[_Output]:
        translator = self._translator or self._load_translator()
        tokenizer = self._tokenizer
        assert tokenizer is not None
        settings = self.settings
        prefix = self.package.target_prefix
        outputs = [_Output("", 0.0, 0)] * len(units)
        # Longest batches first: the workers (inter_threads) take batches in submission
        # order, so the short ones fill in at the end instead of one long batch running
        # alone while the other workers wait.
        batches = _token_batches(units, settings.max_batch_tokens)[::-1]
        try:
            # Submitted asynchronously, the batches run in parallel on the translator's
            # workers, each with a decoding limit fitted to its own lengths.
            pending = [
                translator.translate_batch(
                    [units[k] for k in batch],
                    target_prefix=[[prefix]] * len(batch) if prefix else None,
                    max_batch_size=settings.max_batch_tokens,
                    batch_type="tokens",
                    beam_size=settings.beam_size,
                    max_decoding_length=int(max(len(units[k]) for k in batch) * settings.length_ratio)
                    + EXTRA_DECODING_TOKENS,
                    length_penalty=LENGTH_PENALTY,
                    replace_unknowns=True,
                    return_scores=True,
                    asynchronous=True,
                )
                for batch in batches
            ]
            results = [[item.result() for item in batch_results] for batch_results in pending]
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"{self.package.path}: translation failed: {exc}") from exc
        for batch, batch_results in zip(batches, results, strict=True):
            for k, result in zip(batch, batch_results, strict=True):
                tokens = result.hypotheses[0]
                if prefix and tokens[:1] == [prefix]:
                    tokens = tokens[1:]
                text = tokenizer.decode(tokens)
                outputs[k] = _Output(
                    text[1:] if text.startswith(" ") else text,
                    _mean_log_prob(result.scores[0], len(result.hypotheses[0])),
                    len(result.hypotheses[0]),
                )
        return outputs

    def _load_tokenizer(self) -> _Tokenizer:
        if self._tokenizer is None:
            try:
                path = self.package.tokenizer_path
            except PackageError as exc:  # removed since the package was listed
                raise TranslationError(str(exc)) from exc
            try:
                if path.name == "bpe.model":
                    from argostranslate.tokenizer import BPETokenizer

                    tokenizer: _Tokenizer = BPETokenizer(path, self.source, self.target)
                    tokenizer.encode("")  # BPETokenizer loads sacremoses lazily: fail here
                else:
                    tokenizer = _SentencePiece(str(path))
            except (ImportError, OSError, RuntimeError, ValueError) as exc:
                raise TranslationError(
                    f"{self.package.path}: cannot load the tokenizer {path.name}: {exc}"
                ) from exc
            self._tokenizer = tokenizer
        return self._tokenizer

    def _load_translator(self) -> Translator:
        settings = self.settings
        device = settings.device
        path = self.package.path / "model"
        try:
            if device == "auto":
                device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
            supported = ctranslate2.get_supported_compute_types(device)
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(
                f"{self.package.path}: device '{device}' is not usable: {exc}"
            ) from exc
        compute_type = settings.compute_type
        if compute_type not in supported and compute_type not in ("auto", "default"):
            log.warning(
                "compute type '%s' is not supported on %s (supported: %s); using 'auto'",
                compute_type, device, ", ".join(sorted(supported)),
            )
            compute_type = "auto"
        try:
            self._translator = Translator(
                str(path),
                device=device,
                compute_type=compute_type,
                inter_threads=settings.threads or os.cpu_count() or 1,
                intra_threads=1,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise TranslationError(f"could not load the model in {path}: {exc}") from exc
        return self._translator


@dataclass(frozen=True)
class _Output:
    """One model output: text, mean log-probability per token, length in tokens."""

    text: str
    score: float
    tokens: int


def _mean_log_prob(score: float, length: int) -> float:
    """CTranslate2's hypothesis score as the mean log-probability per token.

    CTranslate2 returns the summed log-probability divided by ``length ** length_penalty``;
    dividing by the rest of the length gives a score that does not depend on the sentence's
    length, so short and long sentences are judged alike.
    """
    return score * length**LENGTH_PENALTY / length if length else 0.0


def _joined(plan: list[tuple[int, str]], outputs: list[_Output]) -> Hypothesis:
    """A sentence's hypothesis from the outputs of its parts (one part for most sentences)."""
    if not plan:
        return Hypothesis("")
    parts = [outputs[unit] for unit, _ in plan]
    tokens = sum(part.tokens for part in parts)
    score = sum(part.score * part.tokens for part in parts) / tokens if tokens else None
    text = join_pieces(Piece(part.text, joiner) for part, (_, joiner) in zip(parts, plan))
    return Hypothesis(text, score)


def _token_batches(units: list[list[str]], budget: int) -> list[list[int]]:
    """Unit indices sorted by length, cut into batches of at most ``budget`` source tokens.

    A batch also ends where lengths grow by more than LENGTH_BUCKET over its shortest unit:
    the decoding limit is set per batch from its longest unit, so mixing a 10-token and a
    100-token sentence would let the short one run on to 200 tokens if it never emits </s>.
    """
    batches: list[list[int]] = []
    size = first = 0
    for k in sorted(range(len(units)), key=lambda k: len(units[k])):
        length = len(units[k])
        if batches and size + length <= budget and length <= first * LENGTH_BUCKET + 4:
            batches[-1].append(k)
            size += length
        else:
            batches.append([k])
            size = first = length
    return batches
