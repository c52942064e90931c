"""The CTranslate2 engine on synthetic Argos packages: real decoding, plus an echo model for exact checks."""

from __future__ import annotations

import json
import logging
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ctranslate2
import pytest
import sentencepiece as spm
from engines import EchoTranslator, TranslationResult

from pressroom.config import TranslationSettings
from pressroom.install import install_file
from pressroom.packages import ModelPackage, list_packages
from pressroom.segment import Piece, join_pieces, split_at_safe_points
from pressroom.translate import ctranslate
from pressroom.translate.ctranslate import CTranslate2Engine, make_engine
from pressroom.translate.installed import from_package
from pressroom.translate.base import Engine, Hypothesis, TranslationError

LONG = (
    "Die Stadt eröffnet am Montag das neue Bürgerbüro am Marktplatz, der Oberbürgermeister "
    "begrüßt die Gäste um 10 Uhr im Rathaus, und weitere Informationen erhalten Sie unter "
    "www.example.de oder per E-Mail an presse_team@example.de."
)


def _package(models_dir: Path, source: str) -> ModelPackage:
    return next(p for p in list_packages(models_dir)[0] if p.from_code == source)


def _engine(package: ModelPackage, settings: TranslationSettings) -> CTranslate2Engine:
    """The engine for an Argos package's one pair, built as a build builds it."""
    return make_engine(from_package(package), package.from_code, package.to_code, settings)


class _Spy:
    """Wraps the real ctranslate2.Translator and records every translate_batch call."""

    instances: list[_Spy] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.inner = ctranslate2.Translator(*args, **kwargs)
        self.kwargs = kwargs
        self.calls: list[tuple[list[list[str]], dict[str, Any]]] = []
        self.results: list[Any] = []
        _Spy.instances.append(self)

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        self.calls.append((tokens, kwargs))
        results = self.inner.translate_batch(tokens, **{**kwargs, "asynchronous": False})
        self.results.extend(results)
        return [TranslationResult(r.hypotheses, r.scores, r.attention) for r in results] if kwargs.get("asynchronous") else results


def _texts(hypotheses: list[Hypothesis]) -> list[str]:
    return [hypothesis.text for hypothesis in hypotheses]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> type[_Spy]:
    _Spy.instances = []
    monkeypatch.setattr(ctranslate, "Translator", _Spy)
    return _Spy


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctranslate, "Translator", EchoTranslator)


def test_engine_protocol_and_attributes(models_dir: Path) -> None:
    package = _package(models_dir, "en")
    settings = TranslationSettings()
    engine: Engine = _engine(package, settings)
    assert (engine.source, engine.target, engine.demo) == ("en", "ko", True)
    assert engine.identity == f"{package.identity()}|{settings.cache_key()}"  # as before families existed


def test_real_model_one_output_per_input_in_order(models_dir: Path, spy: type[_Spy]) -> None:
    settings = TranslationSettings(max_batch_tokens=1)  # every sentence its own batch
    engine = _engine(_package(models_dir, "de"), settings)
    sentences = ["Die Stadt eröffnet am Montag das neue Bürgerbüro.", "", "Hallo.", "   ",
                 "Weitere Informationen erhalten Sie unter www.example.de."]  # fmt: skip
    together = _texts(engine.translate_batch(sentences))
    alone = [_texts(engine.translate_batch([s]))[0] for s in sentences]
    assert together == alone
    assert len(together) == 5 and together[1] == "" and together[3] == ""
    assert all(together[i] for i in (0, 2, 4))
    assert len(set(together)) == 4
    first_call = spy.instances[0].calls[:3]
    lengths = [len(tokens[0]) for tokens, _ in first_call]
    assert lengths == sorted(lengths, reverse=True)  # longest first: short ones fill the tail
    assert spy.instances[0].kwargs["inter_threads"] == os.cpu_count()
    assert spy.instances[0].kwargs["intra_threads"] == 1


def test_batches_get_their_own_decoding_limit(models_dir: Path, spy: type[_Spy]) -> None:
    settings = TranslationSettings(max_batch_tokens=40, length_ratio=1.5, beam_size=1)
    engine = _engine(_package(models_dir, "de"), settings)
    sentences = ["Hallo."] * 6 + [LONG]
    outputs = _texts(engine.translate_batch(sentences))
    assert len(outputs) == 7 and all(outputs)
    calls = spy.instances[0].calls
    assert len(calls) >= 2
    for tokens, kwargs in calls:
        assert sum(map(len, tokens)) <= 40 or len(tokens) == 1
        assert kwargs["max_decoding_length"] == int(max(map(len, tokens)) * 1.5) + 10
        assert kwargs["beam_size"] == 1 and kwargs["replace_unknowns"] is True
        assert kwargs["batch_type"] == "tokens" and kwargs["length_penalty"] == 0.2
        assert kwargs["asynchronous"] is True  # batches run in parallel on the workers
    for result, (tokens, kwargs) in zip(spy.instances[0].results, calls, strict=False):
        assert len(result.hypotheses[0]) <= kwargs["max_decoding_length"]


def test_score_is_the_mean_log_probability_per_token(models_dir: Path, spy: type[_Spy]) -> None:
    """The engine's confidence agrees with CTranslate2 scoring its own output token by token."""
    engine = _engine(_package(models_dir, "de"), TranslationSettings(beam_size=1))
    (hypothesis,) = engine.translate_batch(["Die Stadt eröffnet am Montag das neue Bürgerbüro."])
    (tokens, _), = spy.instances[0].calls
    output = spy.instances[0].results[0].hypotheses[0]
    scored = spy.instances[0].inner.score_batch(tokens, [output])[0].log_probs
    stopped = len(scored) - len(output)  # the end token, scored only if the model emitted it
    expected = sum(scored[: len(output)]) / len(output)
    assert hypothesis.score is not None and hypothesis.score < 0
    assert hypothesis.score == pytest.approx(expected, abs=0.05 if stopped else 1e-3)


def test_blank_inputs_load_no_model(models_dir: Path, spy: type[_Spy]) -> None:
    engine = _engine(_package(models_dir, "de"), TranslationSettings())
    assert engine.loaded is False
    assert engine.translate_batch([]) == []
    assert _texts(engine.translate_batch(["", " ", "\n\t"])) == ["", "", ""]
    assert engine.loaded is False and spy.instances == []
    engine.translate_batch(["Hallo."])
    assert engine.loaded is True and len(spy.instances) == 1
    engine.translate_batch(["Hallo."])
    assert len(spy.instances) == 1  # loaded once


def test_identity_follows_settings_and_model_files(models_dir: Path) -> None:
    package = _package(models_dir, "de")
    base = _engine(package, TranslationSettings()).identity
    assert _engine(package, TranslationSettings()).identity == base
    assert _engine(package, TranslationSettings(beam_size=4)).identity != base
    assert _engine(package, TranslationSettings(compute_type="float32")).identity != base
    with (package.path / "model" / "model.bin").open("ab") as handle:
        handle.write(b"\0")
    assert _engine(package, TranslationSettings()).identity != base


def test_underscores_survive_decoding(models_dir: Path, echo: None) -> None:
    engine = _engine(_package(models_dir, "de"), TranslationSettings())
    text = "Kontakt: presse_team@example.de, https://example.de/presse/2024_06_mitteilung.html"
    assert _texts(engine.translate_batch([text])) == [text]


def test_long_sentence_is_split_and_rejoined(models_dir: Path, echo: None) -> None:
    package = _package(models_dir, "de")
    engine = _engine(package, TranslationSettings(max_input_tokens=12))
    out = _texts(engine.translate_batch(["Kurz.", LONG]))
    assert out == ["Kurz.", LONG]  # echo: parts rejoined losslessly, nothing truncated
    sent = [tokens for call in engine._loaded.translator().calls for tokens in call]  # type: ignore[attr-defined]
    assert len(sent) > 4 and all(len(tokens) <= 12 for tokens in sent)


def test_long_sentence_output_is_the_join_of_its_parts(models_dir: Path) -> None:
    package = _package(models_dir, "de")
    settings = TranslationSettings(max_input_tokens=12, max_batch_tokens=1)
    engine = _engine(package, settings)
    processor = spm.SentencePieceProcessor(model_file=str(package.tokenizer_path))
    pieces = split_at_safe_points(LONG, lambda t: len(processor.encode(t)) <= 12)
    assert len(pieces) > 2
    expected = join_pieces(Piece(engine.translate_batch([p.text])[0].text, p.joiner) for p in pieces)
    assert _texts(engine.translate_batch([LONG])) == [expected]


def _variant(source: Path, target: Path, top: str, metadata_update: dict[str, Any], txt_vocab: bool) -> Path:
    """Rewrite a synthetic package the way other Argos packages look."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            name = top + "/" + info.filename.split("/", 1)[1]
            data = src.read(info)
            if name.endswith("metadata.json"):
                metadata = json.loads(data)
                metadata.update(metadata_update)
                data = json.dumps(metadata).encode()
            if txt_vocab and name.endswith("shared_vocabulary.json"):  # older CTranslate2 layout
                name, data = name[:-4] + "txt", "\n".join(json.loads(data)).encode() + b"\n"
            dst.writestr(name, data)
        dst.writestr(f"{top}/stanza/README", b"sentence splitter data pressroom ignores")
    return target


def test_argos_layout_variant_with_target_prefix(
    tmp_path: Path, synthetic_packages: dict[str, Path], spy: type[_Spy]
) -> None:
    with zipfile.ZipFile(synthetic_packages["de_en"]) as zf:
        vocabulary = json.loads(zf.read("translate-de_en-1_0/model/shared_vocabulary.json"))
    prefix = vocabulary[10]
    archive = _variant(
        synthetic_packages["de_en"], tmp_path / "other.argosmodel", "de_en",
        {"target_prefix": prefix, "code": None}, txt_vocab=True,
    )  # fmt: skip
    package = install_file(archive, tmp_path / "models")
    assert package.path.name == "de_en" and package.target_prefix == prefix
    assert package.code == "translate-de_en"  # derived when metadata has none
    engine = _engine(package, TranslationSettings())
    (output,) = engine.translate_batch(["Die Stadt eröffnet das Bürgerbüro."])
    (_, kwargs), = spy.instances[-1].calls
    assert kwargs["target_prefix"] == [[prefix]]
    tokens = spy.instances[-1].results[0].hypotheses[0]
    assert tokens[0] == prefix
    processor = spm.SentencePieceProcessor(model_file=str(package.tokenizer_path))
    assert output.text == processor.decode_pieces(tokens[1:]).removeprefix(" ")


def test_prefix_is_stripped_exactly(tmp_path: Path, synthetic_packages: dict[str, Path], echo: None) -> None:
    archive = _variant(
        synthetic_packages["de_en"], tmp_path / "p.argosmodel", "x", {"target_prefix": "__en__"}, txt_vocab=False
    )
    engine = _engine(install_file(archive, tmp_path / "models"), TranslationSettings())
    assert _texts(engine.translate_batch(["Die Stadt."])) == ["Die Stadt."]


def test_unsupported_compute_type_falls_back_with_a_warning(
    models_dir: Path, spy: type[_Spy], caplog: pytest.LogCaptureFixture
) -> None:
    supported = ctranslate2.get_supported_compute_types("cpu")
    wanted = next(t for t in ("float16", "bfloat16", "int8_float16") if t not in supported)
    engine = _engine(_package(models_dir, "de"), TranslationSettings(compute_type=wanted))
    with caplog.at_level(logging.WARNING, logger="pressroom.translate.ctranslate"):
        assert engine.translate_batch(["Hallo."])[0].text
    assert spy.instances[0].kwargs["compute_type"] == "auto"
    assert wanted in caplog.text and "auto" in caplog.text


def test_broken_model_raises_translation_error_naming_the_package(models_dir: Path) -> None:
    package = _package(models_dir, "de")
    (package.path / "model" / "model.bin").write_bytes(b"not a model")
    engine = _engine(package, TranslationSettings())
    with pytest.raises(TranslationError, match=str(package.path)):
        engine.translate_batch(["Hallo."])
    assert engine.loaded is False


def test_translate_failure_raises_translation_error(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Failing(EchoTranslator):
        def translate_batch(self, tokens: Sequence[Sequence[str]], **kwargs: Any) -> list[TranslationResult]:
            raise RuntimeError("out of memory")

    monkeypatch.setattr(ctranslate, "Translator", Failing)
    package = _package(models_dir, "de")
    with pytest.raises(TranslationError, match="out of memory") as error:
        _engine(package, TranslationSettings()).translate_batch(["Hallo."])
    assert str(package.path) in str(error.value)


def _as_bpe_package(package: ModelPackage) -> ModelPackage:
    (package.path / "sentencepiece.model").unlink()
    (package.path / "bpe.model").write_text("#version: 0.2\n")
    return package


def test_bpe_package_uses_argos_bpe_tokenizer(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch, echo: None
) -> None:
    made: list[tuple[Path, str, str]] = []

    class FakeBPE:  # sacremoses is not needed to check which tokenizer the engine picks
        def __init__(self, model_file: Path, from_code: str, to_code: str) -> None:
            made.append((model_file, from_code, to_code))

        def encode(self, sentence: str) -> list[str]:
            return sentence.split()

        def decode(self, tokens: list[str]) -> str:
            return " ".join(tokens)

    monkeypatch.setattr("argostranslate.tokenizer.BPETokenizer", FakeBPE)
    package = _as_bpe_package(_package(models_dir, "de"))
    engine = _engine(package, TranslationSettings())
    assert _texts(engine.translate_batch(["Die  Stadt_x a@b.de"])) == ["Die Stadt_x a@b.de"]
    assert made == [(package.path / "bpe.model", "de", "en")]


def test_unloadable_tokenizer_is_a_translation_error(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenBPE:
        def __init__(self, *args: object) -> None:
            pass

        def encode(self, sentence: str) -> list[str]:
            raise ModuleNotFoundError("No module named 'sacremoses'")

    monkeypatch.setattr("argostranslate.tokenizer.BPETokenizer", BrokenBPE)
    package = _as_bpe_package(_package(models_dir, "de"))
    with pytest.raises(TranslationError, match="bpe.model.*sacremoses") as error:
        _engine(package, TranslationSettings()).translate_batch(["Hallo."])
    assert str(package.path) in str(error.value)


def test_tokenizer_removed_after_listing(models_dir: Path) -> None:
    package = _package(models_dir, "de")
    (package.path / "sentencepiece.model").unlink()
    with pytest.raises(TranslationError, match="no sentencepiece.model or bpe.model"):
        _engine(package, TranslationSettings()).translate_batch(["Hallo."])


class _Recording(EchoTranslator):
    """The echo stand-in, keeping how it was constructed (there is no GPU to load a model on)."""

    made: list[dict[str, Any]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        _Recording.made.append(kwargs)


@pytest.mark.parametrize("gpus", [0, 1])
def test_auto_device_fits_the_batches_to_the_gpu_it_finds(models_dir: Path, monkeypatch: pytest.MonkeyPatch, gpus: int) -> None:
    """CTranslate2 decides the device; the engine then plans batches for it: one translator with
    four times the token budget on a GPU, one single-threaded worker per core on the CPU."""
    _Recording.made = []
    monkeypatch.setattr(ctranslate, "Translator", _Recording)
    monkeypatch.setattr(ctranslate.ctranslate2, "get_cuda_device_count", lambda: gpus)
    monkeypatch.setattr(ctranslate.ctranslate2, "get_supported_compute_types", lambda device: {"int8", "float16", "float32"})
    engine = _engine(_package(models_dir, "de"), TranslationSettings(device="auto", max_batch_tokens=60))
    sentences = [f"Die Stadt eröffnet am Montag das Bürgerbüro Nummer {n} am Marktplatz." for n in range(40)]
    assert _texts(engine.translate_batch(sentences)) == sentences  # the echo gives each back
    (made,) = _Recording.made
    budget = 60 * ctranslate.GPU_BATCH_FACTOR if gpus else 60
    assert made["device"] == ("cuda" if gpus else "cpu")
    assert made["inter_threads"] == (1 if gpus else os.cpu_count()) and made["intra_threads"] == 1
    translator = engine._loaded.translator()
    assert isinstance(translator, _Recording)
    batch_sizes = [sum(map(len, tokens)) for tokens in translator.calls]
    assert max(batch_sizes) <= budget
    assert (max(batch_sizes) > 60) == bool(gpus)  # a GPU batch holds more than the CPU budget allows
