"""Marian / OPUS-MT models converted with ``ct2-opus-mt-converter`` or ``ct2-transformers-converter``.

Files: ``source.spm`` and ``target.spm`` (SentencePiece per side), the CTranslate2 vocabulary,
and from the Transformers converter ``tokenizer_config.json`` (``MarianTokenizer``, with
``source_lang``/``target_lang``). Conventions, as Transformers' ``MarianTokenizer`` encodes:

* the sentence's tokens + ``</s>``; a model converted with ``ct2-opus-mt-converter`` has
  ``add_source_eos`` in its ``config.json`` and CTranslate2 appends ``</s>`` itself;
* a multi-target model (its vocabulary has ``>>kor<<``-style tokens) takes the target
  language's token first: ``>>kor<<`` + tokens + ``</s>``;
* no target prefix.

The languages come from ``tokenizer_config.json``, else from an OPUS-MT name
(``opus-mt-de-en``, ``opus-mt-tc-big-de-ko``: the folder's or ``--name``), and for a
multi-target model the targets from its ``>>xx<<`` tokens.
"""

from __future__ import annotations

import re
from pathlib import Path

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
from pressroom.translate.families.languages import pressroom_codes, standard

TARGET_TOKEN = re.compile(r">>([a-z]{2,3}(?:_[A-Z][a-z]{3})?)<<")
OPUS_NAME = re.compile(r"opus-mt-(?:tc-(?:big|base)-)?([a-zA-Z]+(?:_[a-zA-Z]+)?)-([a-zA-Z]+(?:_[a-zA-Z]+)?)(?![a-zA-Z])")
_SPM_HINT = "copy source.spm and target.spm from the OPUS-MT model beside model.bin (README, 'Other models')"


class MarianFamily(Family):
    kind = "marian"
    title = "Marian / OPUS-MT"

    def recognise(self, folder: Path) -> bool:
        name = tokenizer_class(folder)
        if name:
            return name.startswith("Marian")
        return (folder / "source.spm").is_file() and (folder / "target.spm").is_file()

    def coverage(self, folder: Path, name: str) -> Coverage:
        require(folder, "source.spm", "target.spm", hint=_SPM_HINT)
        _, target_vocabulary = vocabularies(folder)
        source, target = _named_languages(folder, name)
        tokens = [m.group(1) for m in map(TARGET_TOKEN.fullmatch, target_vocabulary) if m]
        if tokens:  # multi-target: the token chooses the output language
            targets = {code: f">>{token}<<" for code, token in pressroom_codes(tokens).items()}
        elif target is not None:
            targets = {target: ""}
        else:
            targets = {}
        if source is None or not targets:
            raise FamilyError(
                f"{folder}: cannot tell which languages this model translates: its "
                "tokenizer_config.json names no source_lang and target_lang, and neither the folder "
                "nor --name is an OPUS-MT name like opus-mt-de-en; copy tokenizer_config.json beside "
                "model.bin, or add it with --name opus-mt-SOURCE-TARGET"
            )
        return Coverage({source: ""}, targets)

    def tokenizers(self, folder: Path, source: str, target: str) -> tuple[Tokenizer, Tokenizer]:
        require(folder, "source.spm", "target.spm", hint=_SPM_HINT)
        return SentencePieceTokenizer(folder / "source.spm"), SentencePieceTokenizer(folder / "target.spm")

    def conventions(self, folder: Path, coverage: Coverage, source: str, target: str) -> Conventions:
        config = read_json(folder / "config.json")
        appends_end = isinstance(config, dict) and config.get("add_source_eos") is True
        token = coverage.targets.get(target, "")
        return Conventions(source_prefix=(token,) if token else (), source_suffix=() if appends_end else (END,))


def _named_languages(folder: Path, name: str) -> tuple[str | None, str | None]:
    """(source, target) from tokenizer_config.json, else from an OPUS-MT model name."""
    config = read_json(folder / "tokenizer_config.json")
    pairs = []
    if isinstance(config, dict):
        pairs.append((config.get("source_lang"), config.get("target_lang")))
    for candidate in (name, folder.name):
        match = OPUS_NAME.search(candidate)
        if match:
            pairs.append(match.groups())
    for source, target in pairs:
        codes = [_code(value) for value in (source, target)]
        if codes[0] is not None:
            return codes[0], codes[1]
    return None, None


def _code(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    language = standard(value)
    return language.language if language is not None else None
