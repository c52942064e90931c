"""Word alignments from a real CTranslate2 model's attention (synthetic random-weight packages),
stored in and reused from the translation memory; the alignment arithmetic on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ctranslate2
import pytest
import sentencepiece as spm
from engines import TranslationResult

from pressroom.config import TranslationSettings
from pressroom.packages import ModelPackage, list_packages
from pressroom.translate.alignment import (
    Edit,
    attention_alignment,
    compose,
    concatenate,
    moved_words,
    piece_words,
)
from pressroom.translate import ctranslate
from pressroom.translate.ctranslate import EXTRA_DECODING_TOKENS, LENGTH_PENALTY, CTranslate2Engine, make_engine
from pressroom.translate.installed import add_model, from_package
from pressroom.translate.corpus import CorpusTranslator
from pressroom.translate.memory import TranslationMemory

SENTENCES = [
    "Die Stadt eröffnet am Montag das neue Bürgerbüro am Marktplatz.",
    "Der Oberbürgermeister begrüßt die Gäste um 10 Uhr im Rathaus.",
    "Weitere Informationen erhalten Sie unter ⟦1⟧ oder per E-Mail an ⟦2⟧.",
    "Hallo.",
]


def _package(models_dir: Path) -> ModelPackage:
    return next(p for p in list_packages(models_dir)[0] if p.from_code == "de")


def _engine(package: ModelPackage, settings: TranslationSettings) -> CTranslate2Engine:
    return make_engine(from_package(package), "de", "en", settings)


def _valid(alignment: tuple[tuple[int, int], ...], source: str, target: str) -> bool:
    return bool(alignment) and all(0 <= s < len(source.split()) and 0 <= t < len(target.split()) for s, t in alignment)


def test_the_engine_returns_word_alignments_from_the_models_attention(models_dir: Path) -> None:
    package = _package(models_dir)
    hypotheses = _engine(package, TranslationSettings(beam_size=1)).translate_batch(SENTENCES)
    for sentence, hypothesis in zip(SENTENCES, hypotheses, strict=True):
        assert _valid(hypothesis.alignment, sentence, hypothesis.text), (sentence, hypothesis)
        # Every target word has a source word: with greedy search every attention row is exact.
        assert {t for _, t in hypothesis.alignment} == set(range(len(hypothesis.text.split())))
    # The same as reading CTranslate2's attention by hand: each target piece's strongest source piece.
    settings = TranslationSettings(beam_size=1)
    (alone,) = _engine(package, settings).translate_batch(SENTENCES[:1])
    tokenizer = spm.SentencePieceProcessor(model_file=str(package.tokenizer_path))
    source = tokenizer.encode(SENTENCES[0], out_type=str)
    result = ctranslate2.Translator(str(package.path / "model")).translate_batch(
        [source],
        beam_size=1,
        return_attention=True,
        max_decoding_length=int(len(source) * settings.length_ratio) + EXTRA_DECODING_TOKENS,
        length_penalty=LENGTH_PENALTY,
        replace_unknowns=True,
    )[0]
    target = result.hypotheses[0]
    by_hand = {
        (piece_words(source)[max(range(len(source)), key=row.__getitem__)], piece_words(target)[index])
        for index, row in enumerate(result.attention[0])
    }
    assert alone.text == tokenizer.decode_pieces(target) and set(alone.alignment) == by_hand


def test_beam_search_in_padded_batches_and_split_sentences_still_align(models_dir: Path) -> None:
    package = _package(models_dir)
    long = " ".join(SENTENCES[:3])
    engine = _engine(package, TranslationSettings(beam_size=2, max_input_tokens=24))
    hypotheses = engine.translate_batch([*SENTENCES, long])
    for sentence, hypothesis in zip([*SENTENCES, long], hypotheses, strict=True):
        assert _valid(hypothesis.alignment, sentence, hypothesis.text), sentence
    # The split sentence's parts are aligned each in its own place: its last source word is
    # aligned, and so is a word of its last part's translation.
    alignment = hypotheses[-1].alignment
    assert max(s for s, _ in alignment) >= len(long.split()) - 3
    assert max(t for _, t in alignment) >= len(hypotheses[-1].text.split()) - 3


@pytest.mark.parametrize(("name", "source", "target"), [("nllb", "de", "ko"), ("m2m100", "de", "ko"), ("opus-mt-de-en", "de", "en")])
def test_every_model_family_aligns_only_the_sentences_own_tokens(
    converted_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str, target: str
) -> None:
    """Language tokens, ``</s>`` and the target prefix are the family's, not the sentence's:
    attention on them aligns nothing, and their rows and columns are skipped."""
    seen: list[tuple[list[str], Any]] = []

    class Recording(ctranslate2.Translator):  # type: ignore[misc]
        def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
            results = super().translate_batch(tokens, **{**kwargs, "asynchronous": False})
            seen.extend(zip(tokens, results))
            return [TranslationResult(r.hypotheses, r.scores, r.attention) for r in results]

    monkeypatch.setattr(ctranslate, "Translator", Recording)
    model = add_model(converted_models[name], tmp_path / "models", name=name)
    engine = make_engine(model, source, target, TranslationSettings(beam_size=1))
    (hypothesis,) = engine.translate_batch([SENTENCES[0]])
    sent, result = seen[-1]  # (adding the model may have tried it on a sentence of its own)
    encoder, _, conventions = engine.tokenizers()
    own = encoder.encode(SENTENCES[0])
    first = len(conventions.source_prefix)
    assert sent[first : first + len(own)] == own and len(sent) > len(own)  # the family added tokens
    output = result.hypotheses[0]
    pieces = output[len(output) - len(conventions.strip_prefix(output)) :]
    rows = result.attention[0][len(output) - len(pieces) :]
    by_hand = set()
    for row, word in zip(rows, piece_words(pieces)):
        best = row.index(max(row))
        if first <= best < first + len(own):
            by_hand.add((piece_words(own)[best - first], word))
    assert _valid(hypothesis.alignment, SENTENCES[0], hypothesis.text) and set(hypothesis.alignment) == by_hand


def test_the_corpus_translator_stores_alignments_and_reuses_them_without_the_model(models_dir: Path, tmp_path: Path) -> None:
    package = _package(models_dir)
    memory = TranslationMemory(tmp_path / "memory.sqlite")
    first = CorpusTranslator(memory).translate([_engine(package, TranslationSettings())], SENTENCES)
    engine = _engine(package, TranslationSettings())
    again = CorpusTranslator(memory).translate([engine], SENTENCES, aligned=SENTENCES)
    assert not engine.loaded  # every sentence, alignment and all, came from the memory
    assert again == first and all(h.alignment for h in again.values())
    memory.close()


def test_pieces_that_do_not_make_the_words_give_no_alignment() -> None:
    attention = [[1.0, 0.0], [0.0, 1.0]]
    assert attention_alignment(["▁Hallo", "▁Welt"], ["▁Hello", "▁world"], attention, source_text="Hallo Welt", target_text="Hello world") == ((0, 0), (1, 1))
    # BPE-style pieces without word starts: two pieces, but "Hallo Welt" has two words and
    # the pieces make one: no alignment rather than a wrong one.
    assert attention_alignment(["Hal", "lo"], ["▁Hello", "▁world"], attention, source_text="Hallo Welt", target_text="Hello world") == ()
    # A row that leaks onto padding (CTranslate2's first beam step) aligns nothing; a target
    # prefix row and a column outside the sentence (</s>) are skipped.
    leaky = [[0.9, 0.0, 0.1], [0.4, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    assert attention_alignment(
        ["▁Hallo", "▁Welt"], ["▁Hello", "▁world", "!"], leaky, source_text="Hallo Welt", target_text="Hello world!", target_offset=1
    ) == ((1, 1),)


def test_words_move_with_edits_and_alignments_compose() -> None:
    # "Claus Kleber, Stuttgart." masked as "⟦1⟧, Stuttgart.": both name words become word 0.
    assert moved_words("Claus Kleber, Stuttgart.", "⟦1⟧, Stuttgart.", [Edit(0, 12, 3)]) == [(0,), (0,), (1,)]
    # A restored value of two words: the placeholder's word becomes both.
    assert moved_words("Hello ⟦1⟧!", "Hello Claus Kleber!", [Edit(6, 9, 12)]) == [(0,), (1, 2)]
    assert compose(((0, 1), (1, 0)), ((0, 2), (1, 3))) == ((0, 3), (1, 2))
    parts = [(((0, 1), (1, 0)), "a b", "B A"), (((0, 0),), "c.", "C.")]
    assert concatenate(parts, "a b c.", "B A C.") == ((0, 1), (1, 0), (2, 2))
