"""What a model family is: how to recognise its folders, which languages a folder covers, and
how sentences are turned into the token sequences its models expect.

A family is one way of shipping a CTranslate2 model: an Argos package, a model converted from
Marian/OPUS-MT, M2M100 or NLLB-200. The engine (:mod:`pressroom.translate.ctranslate`) is the
same for all of them; what differs is written down here as data: the tokenizer files, the
language tokens before or after a sentence, the end token, and the target prefix that names the
output language (and is stripped from the output again).

Nothing here imports CTranslate2 or SentencePiece at module level, so listing models stays light.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

END = "</s>"  # the end-of-sentence token of every built-in family
VOCABULARY_FILES = ("shared_vocabulary.json", "shared_vocabulary.txt")
SPLIT_VOCABULARY_FILES = ("source_vocabulary.json", "source_vocabulary.txt")
TARGET_VOCABULARY_FILES = ("target_vocabulary.json", "target_vocabulary.txt")


class FamilyError(ValueError):
    """A folder cannot be used as a model of a family; the message names what is missing."""


@dataclass(frozen=True)
class Coverage:
    """The languages a model translates from and into, as pressroom codes (``de``, ``ko``),
    each with the token the model knows it by (``deu_Latn``, ``__ko__``, ``>>kor<<``; ""
    where the model takes no language token). A multilingual model serves every pair of
    a source and a different target."""

    sources: Mapping[str, str] = field(default_factory=dict)
    targets: Mapping[str, str] = field(default_factory=dict)

    def covers(self, source: str, target: str) -> bool:
        return source != target and source in self.sources and target in self.targets

    @property
    def single_pair(self) -> bool:
        return len(self.sources) == 1 and len(self.targets) == 1

    def to_json(self) -> dict[str, dict[str, str]]:
        return {"sources": dict(self.sources), "targets": dict(self.targets)}

    @classmethod
    def from_json(cls, data: Any) -> Coverage:
        if not isinstance(data, dict):
            raise ValueError("'coverage' must be an object")
        sides = [data.get("sources"), data.get("targets")]
        if not all(isinstance(side, dict) and side and all(isinstance(v, str) for v in side.values()) for side in sides):
            raise ValueError("'coverage' needs 'sources' and 'targets', each naming languages")
        return cls(dict(sides[0]), dict(sides[1]))


@dataclass(frozen=True)
class Conventions:
    """The tokens a family puts around a sentence for one language pair.

    ``source_prefix`` + the sentence's tokens + ``source_suffix`` go to CTranslate2;
    ``target_prefix`` is forced at the start of the output and removed from it again.
    """

    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()

    def source_tokens(self, tokens: Sequence[str]) -> list[str]:
        return [*self.source_prefix, *tokens, *self.source_suffix]

    def strip_prefix(self, tokens: Sequence[str]) -> list[str]:
        """The output without the target prefix (CTranslate2 returns it as the first tokens)."""
        count = len(self.target_prefix)
        return list(tokens[count:]) if count and tuple(tokens[:count]) == self.target_prefix else list(tokens)


class Tokenizer(Protocol):
    def encode(self, sentence: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...


class SentencePieceTokenizer:
    """SentencePiece without Argos' "_" → " " replacement on decode (it breaks e-mail addresses)."""

    def __init__(self, model_file: Path) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, sentence: str) -> list[str]:
        return self._processor.encode(sentence, out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self._processor.decode_pieces(tokens)


class Family(ABC):
    """One kind of model folder. Subclasses are registered under the entry point group
    ``pressroom.model_families`` (see :mod:`pressroom.translate.families`)."""

    kind: ClassVar[str]  # what `models add --kind` and `models list` call it
    title: ClassVar[str]  # for people: "NLLB-200"
    licence: ClassVar[str] = ""  # the licence every model of the family has, where there is one

    @abstractmethod
    def recognise(self, folder: Path) -> bool:
        """Whether the files in ``folder`` (those the converters leave) mark it as this family."""

    @abstractmethod
    def coverage(self, folder: Path, name: str) -> Coverage:
        """The languages the model in ``folder`` covers; FamilyError naming what is missing."""

    @abstractmethod
    def tokenizers(self, folder: Path, source: str, target: str) -> tuple[Tokenizer, Tokenizer]:
        """The tokenizer that encodes ``source`` sentences and the one that decodes ``target`` output."""

    @abstractmethod
    def conventions(self, folder: Path, coverage: Coverage, source: str, target: str) -> Conventions:
        """The tokens around a ``source`` sentence and before the ``target`` output."""

    def model_path(self, folder: Path) -> Path:
        """The CTranslate2 model directory (the one holding ``model.bin``)."""
        return folder


def read_json(path: Path) -> Any:
    """A JSON file's content, None when absent; FamilyError when unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FamilyError(f"{path}: not valid JSON ({exc})") from None


def tokenizer_class(folder: Path) -> str:
    """``tokenizer_class`` from the Hugging Face ``tokenizer_config.json`` ("" without one)."""
    config = read_json(folder / "tokenizer_config.json")
    value = config.get("tokenizer_class") if isinstance(config, dict) else None
    return value if isinstance(value, str) else ""


def vocabularies(folder: Path) -> tuple[list[str], list[str]]:
    """The CTranslate2 source and target vocabularies (the same list when shared)."""
    shared = _vocabulary(folder, VOCABULARY_FILES)
    if shared is not None:
        return shared, shared
    source = _vocabulary(folder, SPLIT_VOCABULARY_FILES)
    target = _vocabulary(folder, TARGET_VOCABULARY_FILES)
    if source is None or target is None:
        raise FamilyError(
            f"{folder}: no vocabulary (shared_vocabulary.json, or source_vocabulary.json and "
            "target_vocabulary.json): the CTranslate2 converter writes it beside model.bin; convert the model again"
        )
    return source, target


def _vocabulary(folder: Path, names: Sequence[str]) -> list[str] | None:
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        if name.endswith(".json"):
            tokens = read_json(path)
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise FamilyError(f"{path}: not a list of tokens; convert the model again")
            return tokens
        try:
            return path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise FamilyError(f"{path}: cannot be read ({exc})") from None
    return None


def require(folder: Path, *names: str, hint: str) -> None:
    """FamilyError naming every file of ``names`` missing from ``folder``, with ``hint``."""
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise FamilyError(f"{folder}: no {' and no '.join(missing)}; {hint}")
