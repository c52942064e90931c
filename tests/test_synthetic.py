"""Synthetic packages: the Argos layout, a loadable CTranslate2 model, matching vocabularies."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

from pressroom.demo.synthetic import BASE, TINY, ModelShape, build_package


def _extract(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
    (top,) = into.iterdir()
    return top


def test_tiny_package_has_the_argos_layout(tmp_path: Path) -> None:
    started = time.perf_counter()
    archive = build_package(tmp_path / "p.argosmodel", "de", "en", version="1.2")
    assert time.perf_counter() - started < 2.0
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    top = "translate-de_en-1_2"
    assert {f"{top}/metadata.json", f"{top}/README.md", f"{top}/sentencepiece.model",
            f"{top}/model/model.bin", f"{top}/model/config.json"} <= names  # fmt: skip
    assert all(name.startswith(top + "/") for name in names)
    package = _extract(archive, tmp_path / "x")
    metadata = json.loads((package / "metadata.json").read_text())
    assert metadata["from_code"] == "de" and metadata["to_code"] == "en"
    assert metadata["package_version"] == "1.2" and metadata["argos_version"] == "1.9"
    assert metadata["code"] == "translate-de_en" and metadata["type"] == "translate"
    assert metadata["pressroom_demo"] is True and metadata["links"] == []
    assert "gibberish" in (package / "README.md").read_text()


def test_vocabulary_matches_the_sentencepiece_pieces(tmp_path: Path) -> None:
    package = _extract(build_package(tmp_path / "p.argosmodel", "en", "ko"), tmp_path / "x")
    vocabulary = json.loads((package / "model" / "shared_vocabulary.json").read_text())
    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    assert len(vocabulary) == TINY.vocab_size
    assert vocabulary[: len(pieces)] == pieces
    assert {"<unk>", "<s>", "</s>", "<blank>"} <= set(vocabulary)


def test_model_translates_into_clean_pieces(tmp_path: Path) -> None:
    shape = ModelShape(layers=1, d_model=32, heads=2, ffn=64, vocab_size=300)
    text = ["ein kleiner Satz über die Stadt", "a small sentence about the city"]
    package = _extract(
        build_package(tmp_path / "p.argosmodel", "de", "en", shape=shape, training_text=text),
        tmp_path / "x",
    )
    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package / "model"), compute_type="int8")
    source = processor.encode("ein kleiner Satz", out_type=str)
    (result,) = translator.translate_batch([source], max_decoding_length=20)
    output = result.hypotheses[0]
    assert output
    assert all(processor.piece_to_id(token) not in (0, 1) for token in output)  # no <unk>/<s>
    assert not any(token.startswith(("<extra_", "<blank>")) for token in output)


def test_same_seed_same_weights_other_seed_other_weights(tmp_path: Path) -> None:
    def weights(name: str, seed: int) -> bytes:
        archive = build_package(tmp_path / f"{name}.argosmodel", "de", "en", seed=seed)
        with zipfile.ZipFile(archive) as zf:
            return zf.read("translate-de_en-1_0/model/model.bin")

    assert weights("a", 3) == weights("b", 3)
    assert weights("a", 3) != weights("c", 4)


def test_real_package_flag(tmp_path: Path) -> None:
    archive = build_package(tmp_path / "p.argosmodel", "de", "en", demo=False)
    with zipfile.ZipFile(archive) as zf:
        assert json.loads(zf.read("translate-de_en-1_0/metadata.json"))["pressroom_demo"] is False


@pytest.mark.slow
def test_base_shape_builds_and_loads(tmp_path: Path) -> None:
    package = _extract(build_package(tmp_path / "base.argosmodel", "de", "en", shape=BASE), tmp_path / "x")
    vocabulary = json.loads((package / "model" / "shared_vocabulary.json").read_text())
    assert len(vocabulary) == 32000
    size = (package / "model" / "model.bin").stat().st_size
    assert 80e6 < size < 120e6  # int8, like a real Argos base model
    translator = ctranslate2.Translator(str(package / "model"), compute_type="int8")
    (result,) = translator.translate_batch([["▁Die", "▁Stadt"]], max_decoding_length=5)
    assert len(result.hypotheses[0]) <= 5
