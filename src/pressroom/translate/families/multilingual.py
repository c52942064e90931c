"""Many-to-many models with language tokens: M2M100 and NLLB-200.

Both are converted with ``ct2-transformers-converter`` and tokenized with one SentencePiece
model, ``sentencepiece.bpe.model`` (copy it beside ``model.bin`` with ``--copy_files``). Their
languages are the language tokens in the CTranslate2 vocabulary; every pair of them is served.
Conventions, as the Transformers tokenizers encode and the CTranslate2 documentation shows:

* M2M100: ``__de__`` + tokens + ``</s>``; target prefix ``__ko__``.
* NLLB-200: ``deu_Latn`` + tokens + ``</s>``; target prefix ``kor_Hang``. This is the
  tokenizer's current convention (Transformers since April 2023, PR #22313). The legacy one
  put the language token last (tokens + ``</s>`` + ``deu_Latn``); a ``tokenizer_config.json``
  with ``"legacy_behaviour": true`` asks for that order and gets it.

The target prefix is forced as the first output token and stripped from the output.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from pressroom.translate.families.base import (
    END,
    Conventions,
    Coverage,
    Family,
    FamilyError,
    SentencePieceTokenizer,
    Tokenizer,
    read_json,
    require,
    tokenizer_class,
    vocabularies,
)
from pressroom.translate.families.languages import pressroom_codes

SENTENCEPIECE = "sentencepiece.bpe.model"
_SPM_HINT = f"convert the model with --copy_files {SENTENCEPIECE} (README, 'Other models')"


class LanguageTokenFamily(Family):
    """A family whose vocabulary names each language with a token of one pattern."""

    language_token: ClassVar[re.Pattern[str]]  # group 1 is the language code
    tokenizer_prefix: ClassVar[str]  # tokenizer_class of its Transformers tokenizer
    example: ClassVar[str]  # a language token, for messages

    def recognise(self, folder: Path) -> bool:
        name = tokenizer_class(folder)
        if name:
            return name.startswith(self.tokenizer_prefix)
        special = read_json(folder / "special_tokens_map.json")
        extra = special.get("additional_special_tokens") if isinstance(special, dict) else None
        if isinstance(extra, list) and extra:
            return all(isinstance(t, str) and self.language_token.fullmatch(t) for t in extra)
        if not (folder / SENTENCEPIECE).is_file():
            return False
        try:
            return bool(self._languages(folder))
        except FamilyError:
            return False

    def coverage(self, folder: Path, name: str) -> Coverage:
        require(folder, SENTENCEPIECE, hint=_SPM_HINT)
        languages = self._languages(folder)
        if len(languages) < 2:
            raise FamilyError(
                f"{folder}: its vocabulary has no {self.title} language tokens "
                f"(like {self.example}); is it a {self.title} model?"
            )
        return Coverage(languages, languages)

    def tokenizers(self, folder: Path, source: str, target: str) -> tuple[Tokenizer, Tokenizer]:
        require(folder, SENTENCEPIECE, hint=_SPM_HINT)
        tokenizer = SentencePieceTokenizer(folder / SENTENCEPIECE)
        return tokenizer, tokenizer

    def conventions(self, folder: Path, coverage: Coverage, source: str, target: str) -> Conventions:
        return Conventions((coverage.sources[source],), (END,), (coverage.targets[target],))

    def _languages(self, folder: Path) -> dict[str, str]:
        vocabulary, _ = vocabularies(folder)
        tokens = {m.group(1): m.group(0) for m in map(self.language_token.fullmatch, vocabulary) if m}
        return {code: tokens[token] for code, token in pressroom_codes(tokens).items()}


class M2M100Family(LanguageTokenFamily):
    kind = "m2m100"
    title = "M2M100"
    licence = "MIT"
    language_token = re.compile(r"__([a-z]{2,3})__")
    tokenizer_prefix = "M2M100"
    example = "__de__"


class NllbFamily(LanguageTokenFamily):
    kind = "nllb"
    title = "NLLB-200"
    licence = "CC-BY-NC-4.0"
    language_token = re.compile(r"([a-z]{3}_[A-Z][a-z]{3})")
    tokenizer_prefix = "Nllb"
    example = "deu_Latn"

    def conventions(self, folder: Path, coverage: Coverage, source: str, target: str) -> Conventions:
        config = read_json(folder / "tokenizer_config.json")
        if isinstance(config, dict) and config.get("legacy_behaviour") is True:
            return Conventions((), (END, coverage.sources[source]), (coverage.targets[target],))
        return super().conventions(folder, coverage, source, target)
