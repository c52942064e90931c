"""Words a newcomer reads: counts in the summary and slugs of long titles."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pressroom import cli
from pressroom.pipeline import BuildResult
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
    monkeypatch.setattr(cli, "console", console)
    result = BuildResult(engines=[EngineStats("de", "en", from_memory=0, translated=1, pieces=1)], releases_seen=1)
    cli._summary(result, Path("output"), models_loaded=1)
    text = console.export_text()
    assert "de→en: 1 sentence translated, 0 from the translation memory, 1 piece of sentences sent again" in text
    assert "1 release file, all published" in text
    assert "0 errors, 0 warnings" in text
    assert "(s)" not in text
