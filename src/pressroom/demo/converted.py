"""Synthetic converted models: folders shaped like what CTranslate2's converters leave for
Marian/OPUS-MT, M2M100 and NLLB-200 models, with random weights.

Each has its family's vocabulary layout and special tokens (``</s>``, ``<unk>``, language
tokens ``__de__`` / ``deu_Latn`` / ``>>kor<<``), its tokenizer files (``source.spm`` and
``target.spm``, or ``sentencepiece.bpe.model``, trained on the bundled press-release text) and
the files the converters copy or write (``tokenizer_config.json``, ``special_tokens_map.json``,
``config.json``), so ``pressroom models add`` recognises them as it does real ones. A
``metadata.json`` marks them as demo placeholders: their output is gibberish.

:data:`NLLB_600M` is the shape of NLLB-200-distilled-600M (12+12 layers, d_model 1024, 16
heads, FFN 4096, 256,206 tokens, tied embeddings: 615M parameters, about 620 MB in int8), for
measuring what a direct model costs against the pivot route.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import langcodes
import numpy as np
import sentencepiece as spm

from pressroom.demo.synthetic import DEFAULT_TRAINING_TEXT, TINY, ModelShape, random_transformer, train_sentencepiece

NLLB_600M = ModelShape(layers=12, d_model=1024, heads=16, ffn=4096, vocab_size=256206)
_SPECIALS = ("<unk>", "<s>", "</s>")  # SentencePiece's first three pieces


def nllb_code(code: str) -> str:
    """``de`` → ``deu_Latn``: ISO 639-3 and the usual script, as FLORES-200 writes it."""
    language = langcodes.Language.get(code)
    script = {"Kore": "Hang"}.get(language.maximize().script or "", language.maximize().script)
    return f"{language.to_alpha3()}_{script}"


def build_model_folder(
    out_dir: Path,
    kind: str,
    languages: Sequence[str] = ("de", "en", "ko"),
    *,
    shape: ModelShape = TINY,
    seed: int = 0,
    opus_mt_converter: bool = False,
    legacy: bool = False,
    training_text: Sequence[str] | None = None,
) -> Path:
    """Write a random-weight model folder of ``kind`` (``marian``, ``m2m100``, ``nllb``) to ``out_dir``.

    ``languages``: for M2M100 and NLLB every language it covers; for Marian the source then
    the target(s), several targets making a multi-target model with ``>>kor<<`` tokens.
    ``opus_mt_converter``: Marian as ``ct2-opus-mt-converter`` leaves it (separate source and
    target vocabularies, ``add_source_eos`` in ``config.json``, no Transformers files) instead of
    ``ct2-transformers-converter`` (one shared vocabulary, ``tokenizer_config.json``).
    ``legacy``: an NLLB tokenizer configured for the legacy token order.
    ``training_text``: what the SentencePiece models learn from (default: the bundled sentences).
    """
    out_dir = Path(out_dir)
    text = [line for line in (training_text or DEFAULT_TRAINING_TEXT) if line.strip()]
    files: dict[str, bytes] = {}
    emitted = {"</s>"}  # the pieces, added by the layouts: no language token, filler or <unk>
    if kind == "marian":
        source_vocabulary, target_vocabulary = _marian(files, emitted, text, languages, shape, opus_mt_converter)
    elif kind in ("m2m100", "nllb"):
        source_vocabulary = target_vocabulary = _multilingual(files, emitted, text, languages, shape, kind, legacy)
    else:
        raise ValueError(f"no synthetic {kind} model")
    never = [i for i, token in enumerate(target_vocabulary) if token not in emitted]
    spec = random_transformer(shape, np.random.default_rng(seed), never, tied_embeddings=kind != "marian")
    spec.register_source_vocabulary(source_vocabulary)
    spec.register_target_vocabulary(target_vocabulary)
    spec.config.decoder_start_token = "</s>"
    spec.config.add_source_eos = opus_mt_converter
    spec.validate()
    spec.optimize(quantization="int8")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".synthetic-", dir=out_dir.parent))
    try:
        spec.save(str(staging))
        if opus_mt_converter:  # older converters: one vocabulary file per side
            for side, vocabulary in (("source", source_vocabulary), ("target", target_vocabulary)):
                (staging / f"{side}_vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
            (staging / "shared_vocabulary.json").unlink(missing_ok=True)
        for name, data in files.items():
            (staging / name).write_bytes(data)
        (staging / "metadata.json").write_text(json.dumps({"pressroom_demo": True}), encoding="utf-8")
        shutil.rmtree(out_dir, ignore_errors=True)
        os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def _pieces(model: bytes) -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _filled(tokens: list[str], size: int, filler: str) -> list[str]:
    if len(tokens) > size:
        raise ValueError(f"the vocabulary has {len(tokens)} tokens, more than the shape's {size}")
    return tokens + [f"{filler}{i}" for i in range(size - len(tokens))]


def _json(data: object) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def _multilingual(
    files: dict[str, bytes], emitted: set[str], text: list[str], languages: Sequence[str], shape: ModelShape, kind: str, legacy: bool
) -> list[str]:
    """Fairseq layout: <s> <pad> </s> <unk>, the pieces, the language tokens, <mask>, fillers."""
    codes = [f"__{code}__" if kind == "m2m100" else nllb_code(code) for code in languages]
    model = train_sentencepiece(text, min(shape.vocab_size - len(codes) - 8, 32000))
    files["sentencepiece.bpe.model"] = model
    pieces = [p for p in _pieces(model) if p not in _SPECIALS]
    emitted.update(pieces)
    vocabulary = _filled(["<s>", "<pad>", "</s>", "<unk>", *pieces, *codes, "<mask>"], shape.vocab_size, "madeupword")
    tokenizer = "M2M100Tokenizer" if kind == "m2m100" else "NllbTokenizer"
    config: dict[str, object] = {"tokenizer_class": tokenizer, "src_lang": None, "tgt_lang": None}
    if kind == "nllb":
        config["legacy_behaviour"] = legacy
    files["tokenizer_config.json"] = _json(config)
    files["special_tokens_map.json"] = _json(
        {"additional_special_tokens": codes, "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
    )
    return vocabulary


def _marian(
    files: dict[str, bytes], emitted: set[str], text: list[str], languages: Sequence[str], shape: ModelShape, opus_mt: bool
) -> tuple[list[str], list[str]]:
    """Marian layout: </s> <unk>, then the pieces (both sides' for a shared vocabulary), fillers."""
    source, *targets = languages
    target_tokens = [f">>{langcodes.Language.get(code).to_alpha3()}<<" for code in targets] if len(targets) > 1 else []
    budget = min((shape.vocab_size - len(target_tokens) - 4) // 2, 32000)
    source_model = train_sentencepiece(text[: len(text) // 2], budget)
    target_model = train_sentencepiece(text[len(text) // 3 :], budget)
    files["source.spm"], files["target.spm"] = source_model, target_model
    head = ["</s>", "<unk>"]
    source_pieces = [p for p in _pieces(source_model) if p not in _SPECIALS]
    target_pieces = [p for p in _pieces(target_model) if p not in _SPECIALS]
    emitted.update(target_pieces)
    if opus_mt:
        return (
            _filled(head + target_tokens + source_pieces, shape.vocab_size, "<extra_"),
            _filled(head + target_tokens + target_pieces, shape.vocab_size, "<extra_"),
        )
    files["tokenizer_config.json"] = _json(
        {"tokenizer_class": "MarianTokenizer", "source_lang": source, "target_lang": targets[0] if len(targets) == 1 else "mul"}
    )
    files["special_tokens_map.json"] = _json({"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})
    shared = list(dict.fromkeys(head + target_tokens + source_pieces + target_pieces))
    return _filled(shared, shape.vocab_size, "<extra_"), _filled(shared, shape.vocab_size, "<extra_")
