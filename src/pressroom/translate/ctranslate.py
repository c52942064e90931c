"""The real engine: a CTranslate2 model of any family, with its tokenizer, driven directly.

One class for every family (:mod:`pressroom.translate.families`): the family says which
tokenizers to load and which tokens go around a sentence (language tokens, ``</s>``, a target
prefix); everything else is the same. We do not go through ``argostranslate.translate``: it
imports stanza and splits sentences itself, while pressroom hands over sentences already
segmented. Decoding follows Argos' ``apply_packaged_translation`` (``replace_unknowns``,
``length_penalty=0.2``), with two deliberate differences:

* SentencePiece output is decoded with ``decode_pieces`` only; Argos also turns every "_"
  into a space, which breaks e-mail addresses and URLs.
* Batching. CTranslate2 takes one ``max_decoding_length`` per call, so the engine sorts the
  sentences by length and cuts token-budget batches itself (the budget CTranslate2 would use
  with ``batch_type="tokens"``), one call per batch, each limited by its own longest
  sentence, longest batch first. A short sentence that starts repeating is stopped near its own length instead of
  the longest sentence's, and the sorted batches carry almost no padding.

Sentences longer than ``max_input_tokens`` are split at safe points
(:func:`pressroom.segment.split_at_safe_points`), translated part by part and rejoined, never
truncated. A model is loaded once, on first use, and shared by the engines of every language
pair it serves (:class:`LoadedModel`); :func:`make_engine` is the one place an engine is built.

Every call asks CTranslate2 for the attention (``return_attention=True``) and turns it into a
word alignment (:func:`pressroom.translate.alignment.attention_alignment`), so marks (bold, a
link) can be placed on the words that translate their source words. That costs less than 2 %
of the translation's CPU time (BENCHMARKS.md, issue 13), less than translating a sentence
again when a mark is added to it later, so every translation in the memory has its alignment.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ctranslate2
from ctranslate2 import Translator

from pressroom.config import TranslationSettings
from pressroom.segment import Piece, join_pieces, split_at_safe_points
from pressroom.translate.alignment import attention_alignment, concatenate
from pressroom.translate.base import Alignment, Hypothesis, TranslationError
from pressroom.translate.families import Conventions, FamilyError, Tokenizer

if TYPE_CHECKING:
    from pressroom.translate.installed import InstalledModel

log = logging.getLogger(__name__)

LENGTH_PENALTY = 0.2  # Argos Translate's value
LENGTH_BUCKET = 1.3
EXTRA_DECODING_TOKENS = 10


def make_engine(
    model: InstalledModel, source: str, target: str, settings: TranslationSettings, loaded: LoadedModel | None = None
) -> CTranslate2Engine:
    """The engine that translates ``source`` → ``target`` with ``model`` (local or on a worker).

    ``loaded`` shares one loaded model between the pairs of a multilingual model.
    """
    if not model.covers(source, target):
        raise ValueError(f"{model.label} does not translate {source}→{target}")
    return CTranslate2Engine(loaded or LoadedModel(model, settings), source, target)


class LoadedModel:
    """One installed model's CTranslate2 translator, loaded on first use, and its tokenizers."""

    def __init__(self, model: InstalledModel, settings: TranslationSettings) -> None:
        self.model = model
        self.settings = settings
        self._translator: Translator | None = None
        self._tokenizers: dict[tuple[str, str], tuple[Tokenizer, Tokenizer, Conventions]] = {}

    @property
    def loaded(self) -> bool:
        """Whether the CTranslate2 model has been loaded."""
        return self._translator is not None

    def tokenizers(self, source: str, target: str) -> tuple[Tokenizer, Tokenizer, Conventions]:
        """The encoder of ``source``, the decoder of ``target`` and the pair's token conventions."""
        if (source, target) not in self._tokenizers:
            model = self.model
            try:
                encoder, decoder = model.family.tokenizers(model.path, source, target)
                conventions = model.family.conventions(model.path, model.coverage, source, target)
            except FamilyError as exc:  # removed or damaged since the model was listed
                raise TranslationError(str(exc)) from exc
            except (ImportError, OSError, RuntimeError, ValueError) as exc:
                raise TranslationError(f"{model.path}: cannot load the tokenizer: {exc}") from exc
            self._tokenizers[(source, target)] = (encoder, decoder, conventions)
        return self._tokenizers[(source, target)]

    def translator(self) -> Translator:
        if self._translator is not None:
            return self._translator
        settings = self.settings
        device = settings.device
        path = self.model.family.model_path(self.model.path)
        try:
            if device == "auto":
                device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
            supported = ctranslate2.get_supported_compute_types(device)
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(
                f"{self.model.path}: device '{device}' is not usable: {exc}"
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
        except (RuntimeError, ValueError, OSError, LookupError) as exc:  # LookupError: a variable missing
            raise TranslationError(f"could not load the model in {path}: {exc}") from exc
        return self._translator


class CTranslate2Engine:
    """Translates one language pair with one installed model (a :class:`pressroom.translate.base.Engine`).

    The CTranslate2 model is loaded on the first :meth:`translate_batch` that has something to
    translate, so a build answered entirely by the translation memory loads no model.
    """

    def __init__(self, loaded: LoadedModel, source: str, target: str) -> None:
        self.model = loaded.model
        self.settings = loaded.settings
        self.source = source
        self.target = target
        self.name = self.model.label
        self.demo = self.model.demo
        # A model that serves several pairs translates each differently: the pair is part of
        # the identity. A one-pair model (every Argos package) keeps the identity it had.
        pair = "" if self.model.coverage.single_pair else f"|{source}>{target}"
        self.identity = f"{self.model.identity()}{pair}|{self.settings.cache_key()}"
        self._loaded = loaded

    @property
    def loaded(self) -> bool:
        """Whether the CTranslate2 model has been loaded."""
        return self._loaded.loaded

    def tokenizers(self) -> tuple[Tokenizer, Tokenizer, Conventions]:
        """This pair's source encoder, target decoder and token conventions (loaded on first use)."""
        return self._loaded.tokenizers(self.source, self.target)

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        """Translate every sentence; blank ones give "" without touching the model.

        A sentence translated in parts gets the parts' texts rejoined and their mean score,
        weighted by the parts' lengths in tokens.
        """
        units: list[list[str]] = []  # the sentences' own tokens, without the family's
        texts: list[str] = []  # the text of each unit
        plans: list[list[tuple[int, str]]] = []  # per sentence: (unit, joiner) parts
        limit = self.settings.max_input_tokens
        for sentence in sentences:
            if not sentence.strip():
                plans.append([])
                continue
            encoder = self.tokenizers()[0]
            tokens = encoder.encode(sentence)
            if len(tokens) <= limit:
                plans.append([(len(units), "")])
                units.append(tokens)
                texts.append(sentence)
                continue
            plan = []
            for piece in split_at_safe_points(sentence, lambda text: len(encoder.encode(text)) <= limit):
                plan.append((len(units), piece.joiner))
                units.append(encoder.encode(piece.text))
                texts.append(piece.text)
            plans.append(plan)
        if not units:
            return [Hypothesis("") for _ in sentences]
        outputs = self._translate_units(units, texts)
        return [_joined(plan, outputs, sentence) for plan, sentence in zip(plans, sentences)]

    def _translate_units(self, units: list[list[str]], texts: list[str]) -> list[_Output]:
        _, decoder, conventions = self.tokenizers()
        translator = self._loaded.translator()
        settings = self.settings
        sequences = [conventions.source_tokens(unit) for unit in units]
        prefix = list(conventions.target_prefix)
        outputs = [_Output("", 0.0, 0, "", ())] * len(units)
        # Longest batches first: the workers (inter_threads) take batches in submission
        # order, so the short ones fill in at the end instead of one long batch running
        # alone while the other workers wait.
        batches = _token_batches(sequences, settings.max_batch_tokens)[::-1]
        try:
            # Submitted asynchronously, the batches run in parallel on the translator's
            # workers, each with a decoding limit fitted to its own lengths.
            pending = [
                translator.translate_batch(
                    [sequences[k] for k in batch],
                    target_prefix=[prefix] * len(batch) if prefix else None,
                    max_batch_size=settings.max_batch_tokens,
                    batch_type="tokens",
                    beam_size=settings.beam_size,
                    max_decoding_length=len(prefix)
                    + int(max(len(units[k]) for k in batch) * settings.length_ratio)
                    + EXTRA_DECODING_TOKENS,
                    length_penalty=LENGTH_PENALTY,
                    replace_unknowns=True,
                    return_scores=True,
                    return_attention=True,
                    asynchronous=True,
                )
                for batch in batches
            ]
            results = [[item.result() for item in batch_results] for batch_results in pending]
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"{self.model.path}: translation failed: {exc}") from exc
        for batch, batch_results in zip(batches, results, strict=True):
            for k, result in zip(batch, batch_results, strict=True):
                hypothesis = result.hypotheses[0]
                tokens = conventions.strip_prefix(hypothesis)
                text = decoder.decode(tokens)
                text = text[1:] if text.startswith(" ") else text
                alignment = attention_alignment(
                    units[k],
                    tokens,
                    result.attention[0] if result.attention else [],
                    source_text=texts[k],
                    target_text=text,
                    source_offset=len(conventions.source_prefix),
                    target_offset=len(hypothesis) - len(tokens),
                )
                outputs[k] = _Output(
                    text,
                    _mean_log_prob(result.scores[0], len(hypothesis), len(hypothesis) - len(tokens)),
                    len(tokens),
                    texts[k],
                    alignment,
                )
        return outputs


@dataclass(frozen=True)
class _Output:
    """One model output: text, mean log-probability per token, length in tokens, the input's
    text and the word alignment between the two."""

    text: str
    score: float
    tokens: int
    source: str
    alignment: Alignment


def _mean_log_prob(score: float, length: int, forced: int = 0) -> float:
    """CTranslate2's hypothesis score as the mean log-probability per generated token.

    CTranslate2 returns the summed log-probability of the tokens it chose (not of the
    ``forced`` target prefix) divided by ``length ** length_penalty``, where ``length`` counts
    the prefix too; undoing that and dividing by the chosen tokens gives a score that does not
    depend on the sentence's length, so short and long sentences are judged alike.
    """
    chosen = length - forced
    return score * length**LENGTH_PENALTY / chosen if chosen > 0 else 0.0


def _joined(plan: list[tuple[int, str]], outputs: list[_Output], sentence: str) -> Hypothesis:
    """A sentence's hypothesis from the outputs of its parts (one part for most sentences)."""
    if not plan:
        return Hypothesis("")
    parts = [outputs[unit] for unit, _ in plan]
    tokens = sum(part.tokens for part in parts)
    score = sum(part.score * part.tokens for part in parts) / tokens if tokens else None
    if len(parts) == 1:
        return Hypothesis(parts[0].text, score, parts[0].alignment)
    text = join_pieces(Piece(part.text, joiner) for part, (_, joiner) in zip(parts, plan))
    if any(not part.alignment for part in parts):
        return Hypothesis(text, score)
    source = " ".join(sentence.split())
    return Hypothesis(text, score, concatenate([(p.alignment, p.source, p.text) for p in parts], source, text))


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
