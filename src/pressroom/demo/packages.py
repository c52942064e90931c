"""Demo mode: the whole pipeline on placeholder packages when no real model can be had.

The placeholder packages are real Argos packages (a CTranslate2 Transformer and a
SentencePiece tokenizer) with random weights, so the demo exercises every stage at its real
cost, but their output is gibberish. They live in their own models folder and the build writes
to its own output folder; every edition they produce is labelled DEMO in DOCX, pages and feeds,
and a normal build refuses to use them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pressroom.config import Settings
from pressroom.install import install_file
from pressroom.packages import list_packages

DEMO_OUTPUT = "demo-output"
DEMO_MODELS = ".pressroom/demo-models"


def demo_pairs(settings: Settings) -> list[tuple[str, str]]:
    """The packages a demo needs: source→pivot, then pivot→each other target language."""
    source, pivot = settings.source_language, settings.pivot_language
    pairs = [(source, pivot)]
    pairs += [(pivot, target) for target in settings.languages if target not in (source, pivot)]
    return pairs


def ensure_demo_packages(models_dir: Path, settings: Settings) -> list[Path]:
    """Build and install the placeholder packages that are not installed yet; return new paths."""
    installed, _ = list_packages(models_dir) if models_dir.exists() else ([], [])
    missing = [
        (source, target)
        for source, target in demo_pairs(settings)
        if not any(p.from_code == source and p.to_code == target for p in installed)
    ]
    if not missing:
        return []
    # Building a model needs ctranslate2.specs (which loads torch where it is installed): only
    # when a package is missing, never for a demo build that has its packages already.
    from pressroom.demo.synthetic import build_package

    created = []
    with tempfile.TemporaryDirectory() as scratch:
        for source, target in missing:
            archive = build_package(Path(scratch) / f"demo-{source}_{target}.argosmodel", source, target, demo=True)
            created.append(install_file(archive, models_dir).path)
    return created
