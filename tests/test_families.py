"""Model families token by token: what each sends to CTranslate2 and what it strips from the output.

Every test runs real CTranslate2 on a tiny random-weight model of the family's shape (its
vocabulary layout, special tokens and tokenizer files; ``pressroom.demo.converted``), through a
spy that records each call. The expected sequences are written out from the CTranslate2 and
Transformers documentation, not computed by the code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import ctranslate2
import pytest
import sentencepiece as spm
from engines import TranslationResult

from pressroom.config import TranslationSettings
from pressroom.translate import ctranslate
from pressroom.translate.ctranslate import make_engine
from pressroom.translate.families import families, family, recognise
from pressroom.translate.families.base import Conventions
from pressroom.translate.installed import InstalledModel, add_model

SENTENCE = "Die Stadt eröffnet am Montag das neue Bürgerbüro."


class Spy:
    """The real ctranslate2.Translator, recording every call and result."""

    instances: list[Spy] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.inner = ctranslate2.Translator(*args, **kwargs)
        self.calls: list[tuple[list[list[str]], dict[str, Any]]] = []
        self.results: list[Any] = []
        Spy.instances.append(self)

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> list[TranslationResult]:
        self.calls.append((tokens, kwargs))
        results = self.inner.translate_batch(tokens, **{**kwargs, "asynchronous": False})
        self.results.extend(results)
        return [TranslationResult(r.hypotheses, r.scores) for r in results]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> type[Spy]:
    Spy.instances = []
    monkeypatch.setattr(ctranslate, "Translator", Spy)
    return Spy


@pytest.fixture
def added(tmp_path: Path, converted_models: dict[str, Path]) -> dict[str, InstalledModel]:
    """Every synthetic folder added to one models folder, by name."""
    return {name: add_model(folder, tmp_path / "models", name=name) for name, folder in converted_models.items()}


def _pieces(folder: Path, model: str, text: str = SENTENCE) -> list[str]:
    return spm.SentencePieceProcessor(model_file=str(folder / model)).encode(text, out_type=str)


def _decoded(folder: Path, model: str, tokens: list[str]) -> str:
    return spm.SentencePieceProcessor(model_file=str(folder / model)).decode_pieces(tokens).removeprefix(" ")


def _translate(model: InstalledModel, source: str, target: str, spy: type[Spy]) -> tuple[str, list[str], Any, list[str]]:
    """The engine's output, and the one sequence, target prefix and output tokens CTranslate2 saw."""
    (output,) = make_engine(model, source, target, TranslationSettings(beam_size=1)).translate_batch([SENTENCE])
    ((sequences, kwargs),) = spy.instances[-1].calls
    (sent,) = sequences
    return output.text, sent, kwargs["target_prefix"], spy.instances[-1].results[-1].hypotheses[0]


def test_built_in_families_come_from_entry_points() -> None:
    assert list(families()) == ["argos", "m2m100", "marian", "nllb"]
    assert family("nllb").licence == "CC-BY-NC-4.0" and family("m2m100").licence == "MIT"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("nllb", "nllb"), ("nllb-legacy", "nllb"), ("m2m100", "m2m100"), ("opus-mt-de-en", "marian"),
     ("opus-mt-en-mul", "marian"), ("opus-mt-de-en-native", "marian")],
)  # fmt: skip
def test_each_folder_is_recognised_from_its_files(converted_models: dict[str, Path], name: str, kind: str) -> None:
    assert recognise(converted_models[name]).kind == kind


def test_recognised_without_tokenizer_config_from_special_tokens_or_vocabulary(
    tmp_path: Path, converted_models: dict[str, Path]
) -> None:
    for name, kind in (("nllb", "nllb"), ("m2m100", "m2m100")):
        folder = shutil.copytree(converted_models[name], tmp_path / name)
        (folder / "tokenizer_config.json").unlink()
        assert recognise(folder).kind == kind  # special_tokens_map.json's language tokens
        (folder / "special_tokens_map.json").unlink()
        assert recognise(folder).kind == kind  # the language tokens in shared_vocabulary.json


def test_nllb_language_token_first_end_token_and_target_prefix(added: dict[str, InstalledModel], spy: type[Spy]) -> None:
    model = added["nllb"]
    text, sent, prefix, output = _translate(model, "de", "ko", spy)
    assert sent == ["deu_Latn", *_pieces(model.path, "sentencepiece.bpe.model"), "</s>"]
    assert prefix == [["kor_Hang"]]
    assert output[0] == "kor_Hang" and "kor_Hang" not in output[1:]
    assert text == _decoded(model.path, "sentencepiece.bpe.model", output[1:])  # prefix stripped


def test_nllb_legacy_tokenizer_puts_the_language_token_last(added: dict[str, InstalledModel], spy: type[Spy]) -> None:
    model = added["nllb-legacy"]
    text, sent, prefix, output = _translate(model, "de", "en", spy)
    assert sent == [*_pieces(model.path, "sentencepiece.bpe.model"), "</s>", "deu_Latn"]
    assert prefix == [["eng_Latn"]] and output[0] == "eng_Latn"
    assert text == _decoded(model.path, "sentencepiece.bpe.model", output[1:])


def test_m2m100_language_tokens(added: dict[str, InstalledModel], spy: type[Spy]) -> None:
    model = added["m2m100"]
    text, sent, prefix, output = _translate(model, "de", "ko", spy)
    assert sent == ["__de__", *_pieces(model.path, "sentencepiece.bpe.model"), "</s>"]
    assert prefix == [["__ko__"]] and output[0] == "__ko__"
    assert text == _decoded(model.path, "sentencepiece.bpe.model", output[1:])


def test_marian_source_tokens_and_end_token_no_prefix(added: dict[str, InstalledModel], spy: type[Spy]) -> None:
    model = added["opus-mt-de-en"]
    text, sent, prefix, output = _translate(model, "de", "en", spy)
    assert sent == [*_pieces(model.path, "source.spm"), "</s>"]
    assert prefix is None
    assert text == _decoded(model.path, "target.spm", output)  # decoded with the target side's model


def test_marian_multi_target_takes_the_language_token_first(added: dict[str, InstalledModel], spy: type[Spy]) -> None:
    model = added["opus-mt-en-mul"]
    assert dict(model.coverage.targets) == {"ja": ">>jpn<<", "ko": ">>kor<<"}
    _, sent, prefix, _ = _translate(model, "en", "ko", spy)
    assert sent == [">>kor<<", *_pieces(model.path, "source.spm"), "</s>"] and prefix is None
    _, sent, _, _ = _translate(model, "en", "ja", spy)
    assert sent[0] == ">>jpn<<"


def test_opus_mt_converter_model_gets_no_end_token_because_ctranslate2_adds_it(
    tmp_path: Path, added: dict[str, InstalledModel], spy: type[Spy]
) -> None:
    model = added["opus-mt-de-en-native"]
    assert json.loads((model.path / "config.json").read_text())["add_source_eos"] is True
    text, sent, _, output = _translate(model, "de", "en", spy)
    assert sent == _pieces(model.path, "source.spm")
    # The same weights told not to add </s>, given it explicitly, decode the same: so
    # CTranslate2 did add it, once.
    twin = shutil.copytree(model.path, tmp_path / "twin")
    config = json.loads((twin / "config.json").read_text())
    (twin / "config.json").write_text(json.dumps({**config, "add_source_eos": False}))
    limit = spy.instances[-1].calls[0][1]["max_decoding_length"]
    explicit = ctranslate2.Translator(str(twin)).translate_batch(
        [[*sent, "</s>"]], beam_size=1, max_decoding_length=limit, length_penalty=0.2
    )
    assert explicit[0].hypotheses[0] == output
    assert text == _decoded(model.path, "target.spm", output)


def test_score_is_the_mean_log_probability_of_the_chosen_tokens_without_the_prefix(
    added: dict[str, InstalledModel], spy: type[Spy]
) -> None:
    model = added["nllb"]
    (hypothesis,) = make_engine(model, "de", "ko", TranslationSettings(beam_size=1)).translate_batch([SENTENCE])
    ((sequences, _),) = spy.instances[-1].calls
    output = spy.instances[-1].results[-1].hypotheses[0]
    scored = spy.instances[-1].inner.score_batch(sequences, [output])[0].log_probs
    chosen = scored[1 : len(output)]  # not the forced kor_Hang, nor </s> unless emitted
    stopped = len(scored) - len(output)
    assert hypothesis.score == pytest.approx(sum(chosen) / len(chosen), abs=0.05 if stopped else 1e-3)


def test_a_multilingual_model_is_loaded_once_for_all_its_pairs(added: dict[str, InstalledModel], spy: type[Spy]) -> None:
    from pressroom.translate.ctranslate import LoadedModel

    loaded = LoadedModel(added["nllb"], TranslationSettings())
    de_ko = make_engine(added["nllb"], "de", "ko", TranslationSettings(), loaded)
    de_en = make_engine(added["nllb"], "de", "en", TranslationSettings(), loaded)
    assert de_ko.identity != de_en.identity  # one model, two pairs: the memory keeps them apart
    de_ko.translate_batch([SENTENCE])
    de_en.translate_batch([SENTENCE])
    assert len(spy.instances) == 1 and [kwargs["target_prefix"] for _, kwargs in spy.instances[0].calls] == [
        [["kor_Hang"]],
        [["eng_Latn"]],
    ]


def test_a_pair_the_model_does_not_cover_is_refused(added: dict[str, InstalledModel]) -> None:
    with pytest.raises(ValueError, match="does not translate de→fr"):
        make_engine(added["nllb"], "de", "fr", TranslationSettings())


def test_conventions_strip_only_a_leading_prefix() -> None:
    conventions = Conventions(("deu_Latn",), ("</s>",), ("kor_Hang",))
    assert conventions.source_tokens(["▁a", "b"]) == ["deu_Latn", "▁a", "b", "</s>"]
    assert conventions.strip_prefix(["kor_Hang", "▁x", "kor_Hang"]) == ["▁x", "kor_Hang"]
    assert conventions.strip_prefix(["▁x"]) == ["▁x"]
