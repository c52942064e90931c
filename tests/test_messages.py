"""Words a newcomer reads: counts in the summary and slugs of long titles."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from rich.console import Console

from pressroom.cli import build as build_cli
from pressroom.cli.build import print_summary
from pressroom.build.types import BuildResult
from pressroom.slug import MAX_SLUG_LENGTH, slugify
from pressroom.translate.corpus import EngineStats


def test_a_long_title_is_never_cut_after_a_number() -> None:
    title = "Neue Öffnungszeiten im Bürgerbüro Bad Cannstatt und im Bezirksamt Mitte ab 1. September"
    slug = slugify(title)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug.endswith("-bezirksamt-mitte-ab"), slug  # not "-ab-1", which reads like a duplicate's suffix
    assert slugify("Haushalt 2025") == "haushalt-2025"  # a short title keeps its number


def test_summary_counts_read_as_words(monkeypatch) -> None:  # noqa: ANN001 - pytest fixture
    console = Console(record=True, width=200)
    monkeypatch.setattr(build_cli, "console", console)
    result = BuildResult(engines=[EngineStats("de", "en", from_memory=0, translated=1, pieces=1)], releases_seen=1)
    print_summary(result, Path("output"), models_loaded=1)
    text = console.export_text()
    assert "de→en: 1 sentence translated, 0 from the translation memory, 1 piece of sentences sent again" in text
    assert "1 release file, all published" in text
    assert "0 errors, 0 warnings" in text
    assert "(s)" not in text


def test_pip_install_does_not_pull_argostranslates_torch() -> None:
    """pip resolves argostranslate's stanza/torch even when it is installed already, so the
    project leaves it out of its dependencies (README, "Lean install")."""
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!\[ ;]", requirement)[0].lower() for requirement in project["dependencies"]]
    assert not {"argostranslate", "torch", "stanza", "spacy"} & set(names)
    assert any(r.startswith("argostranslate") for r in project["optional-dependencies"]["argos-full"])


def test_a_missing_argostranslate_is_named_with_the_command_that_installs_it(tmp_path: Path) -> None:
    hide = "import sys; sys.modules['argostranslate'] = None; from pressroom.cli.app import main; sys.argv[0] = 'pressroom'; main()"
    env = {k: v for k, v in os.environ.items() if k != "PRESSROOM_MODELS_DIR" and not k.startswith("XDG_")}
    env["HOME"] = str(tmp_path)  # the default models folder is argostranslate's, so it is imported
    result = subprocess.run([sys.executable, "-c", hide, "models", "list"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    said = " ".join(result.stderr.split())
    assert "argostranslate is not installed" in said and "pip install --no-deps" in said
    assert "Unexpected error" not in said
