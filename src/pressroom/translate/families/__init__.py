"""Model families, an extension point: each kind of model folder pressroom can translate with.

A family (:class:`~pressroom.translate.families.base.Family`) recognises its folders, names
their languages, loads their tokenizers and says which tokens go around a sentence. The
built-in ones (Argos packages, Marian/OPUS-MT, M2M100, NLLB-200) are registered like any
other, as entry points of the group ``pressroom.model_families`` in ``pyproject.toml``; a
package that declares its own entry point there adds a family without changing pressroom::

    [project.entry-points."pressroom.model_families"]
    mymodel = "mypackage.family:MyFamily"

The entry point's name is the family's ``kind``.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from pressroom.translate.families.base import Conventions, Coverage, Family, FamilyError, Tokenizer

GROUP = "pressroom.model_families"

__all__ = ["GROUP", "Conventions", "Coverage", "Family", "FamilyError", "Tokenizer", "families", "family", "recognise"]


_problems: list[FamilyError] = []


@cache
def families() -> dict[str, Family]:
    """Every registered family by kind, in entry point order (built-in ones first by name).

    A family whose entry point cannot be loaded is left out with a FamilyError kept in
    :func:`load_problems`, so one broken plug-in never stops pressroom.
    """
    found: dict[str, Family] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: (p.dist is None or p.dist.name != "pressroom", p.name)):
        try:
            made = point.load()()
        except Exception as exc:  # noqa: BLE001 - a third party's code may fail in any way
            _problems.append(FamilyError(f"model family '{point.name}' ({point.value}) cannot be loaded: {exc}"))
            continue
        if not isinstance(made, Family) or made.kind != point.name:
            _problems.append(FamilyError(f"model family '{point.name}' ({point.value}) is not a Family of kind '{point.name}'"))
            continue
        found.setdefault(point.name, made)
    return found


def load_problems() -> list[FamilyError]:
    """The families that could not be loaded (after :func:`families` ran)."""
    families()
    return list(_problems)


def family(kind: str) -> Family:
    """The family of ``kind``; FamilyError listing the known kinds."""
    known = families()
    if kind not in known:
        raise FamilyError(f"unknown model kind '{kind}'; known kinds: {', '.join(known)}")
    return known[kind]


def recognise(folder: Path) -> Family:
    """The one family whose files ``folder`` holds; FamilyError saying what is missing."""
    matches = [f for f in families().values() if f.recognise(folder)]
    if len(matches) == 1:
        return matches[0]
    kinds = ", ".join(families())
    if matches:
        raise FamilyError(
            f"{folder}: looks like {' and like '.join(f.title for f in matches)}; name the kind with --kind ({kinds})"
        )
    raise FamilyError(
        f"{folder}: cannot tell which kind of model this is: no tokenizer_config.json, "
        "special_tokens_map.json, source.spm and target.spm, or sentencepiece.bpe.model beside "
        f"model.bin. Copy the tokenizer files the converter left (README, 'Other models'), or name the kind with --kind ({kinds})"
    )
