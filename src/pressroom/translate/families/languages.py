"""Language codes as models spell them, turned into pressroom's (BCP 47: ``de``, ``ko``, ``zh-Hant``).

NLLB-200 writes ``deu_Latn`` (ISO 639-3 and script), M2M100 ``__de__`` (ISO 639-1), OPUS-MT
``>>kor<<`` or ``>>de<<``. :mod:`langcodes` standardises each (macrolanguages too: ``arb`` is
``ar``, ``cmn`` is ``zh``). Where a model has several scripts of one language, the language's
usual script gets the plain code (``zho_Hans`` is ``zh``) and the others keep theirs
(``zho_Hant`` is ``zh-Hant``).
"""

from __future__ import annotations

from collections.abc import Iterable

import langcodes


def standard(code: str) -> langcodes.Language | None:
    """The language a model's code names, or None when it names none (``mul``, a typo)."""
    try:
        language = langcodes.Language.get(langcodes.standardize_tag(code.replace("_", "-"), macro=True))
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return None
    if not language.language or language.language in ("mul", "und", "zxx") or not language.is_valid():
        return None
    return language


def pressroom_codes(model_codes: Iterable[str]) -> dict[str, str]:
    """pressroom code → the model's code, for every model code that names a language."""
    by_language: dict[str, list[tuple[str, langcodes.Language]]] = {}
    for code in model_codes:
        language = standard(code)
        if language is not None:
            by_language.setdefault(language.language or "", []).append((code, language))
    found: dict[str, str] = {}
    for base, variants in sorted(by_language.items()):
        usual = langcodes.Language.get(base).maximize().script
        for code, language in sorted(variants):
            script = language.script
            plain = len(variants) == 1 or script in (None, usual)
            key = base if plain and base not in found else f"{base}-{script}" if script else code
            found.setdefault(key, code)
    return found
