"""Argos Translate packages: ``metadata.json``, ``model/`` and ``sentencepiece.model`` or ``bpe.model``.

Listing and installing them is :mod:`pressroom.packages`' job; this family only says how their
models are fed: the sentence's tokens as they are (OpenNMT-py models take no end token), and
the package's optional ``target_prefix`` before the output.
"""

from __future__ import annotations

from pathlib import Path

from pressroom.translate.families.base import (
    Conventions,
    Coverage,
    Family,
    FamilyError,
    SentencePieceTokenizer,
    Tokenizer,
    read_json,
)

TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")  # Argos' own precedence


class ArgosFamily(Family):
    kind = "argos"
    title = "Argos Translate package"

    def recognise(self, folder: Path) -> bool:
        metadata = read_json(folder / "metadata.json")
        return isinstance(metadata, dict) and "from_code" in metadata and (folder / "model" / "model.bin").is_file()

    def coverage(self, folder: Path, name: str) -> Coverage:
        metadata = read_json(folder / "metadata.json")
        if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
            raise FamilyError(f"{folder}: metadata.json names no 'from_code' and 'to_code'")
        return Coverage({metadata["from_code"]: ""}, {metadata["to_code"]: metadata.get("target_prefix") or ""})

    def model_path(self, folder: Path) -> Path:
        return folder / "model"

    def tokenizers(self, folder: Path, source: str, target: str) -> tuple[Tokenizer, Tokenizer]:
        path = next((folder / name for name in TOKENIZER_FILES if (folder / name).is_file()), None)
        if path is None:
            raise FamilyError(f"{folder}: no sentencepiece.model or bpe.model; reinstall the package")
        try:
            if path.name == "bpe.model":
                from argostranslate.tokenizer import BPETokenizer

                tokenizer: Tokenizer = BPETokenizer(path, source, target)
                tokenizer.encode("")  # BPETokenizer loads sacremoses lazily: fail here
            else:
                tokenizer = SentencePieceTokenizer(path)
        except (ImportError, OSError, RuntimeError, ValueError) as exc:
            raise FamilyError(f"{folder}: cannot load the tokenizer {path.name}: {exc}") from exc
        return tokenizer, tokenizer

    def conventions(self, folder: Path, coverage: Coverage, source: str, target: str) -> Conventions:
        prefix = coverage.targets.get(target, "")
        return Conventions(target_prefix=(prefix,) if prefix else ())
