"""The per-edition work after translation (checks, DOCX rendering) through a chunk runner:
results that come back in any order give the same findings and files, and one edition that
cannot be rendered leaves its release out while the others are published."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from engines import StaticEngines, TaggingEngine

from pressroom.build import per_edition
from pressroom.build.per_edition import CheckSettings, check_all
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.config import Settings
from pressroom.qa.checks import EditionRecord, Unit, check_editions
from pressroom.qa.protect import Protector
from pressroom.translate.corpus import LocalChunks

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


class Backwards(LocalChunks):
    """Runs every task here, and gives the results last first (as a cluster may)."""

    def map(self, function: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]) -> Generator[tuple[int, Any], None, None]:
        yield from reversed(list(super().map(function, shared, items)))


def test_findings_come_in_record_and_segment_order_whatever_order_the_tasks_finish() -> None:
    records = [
        EditionRecord(f"release-{n}", lang, "de", f"Titel {n}", [Unit("Der Rat tagt am 3. Mai.", ""), Unit("Die Stadt baut.", "Die Stadt baut.")])
        for n in range(3)
        for lang in ("en", "ko")
    ]
    expected = check_editions(records, Protector())
    assert len(expected) >= 2 * len(records)
    assert check_all(records, CheckSettings(Protector(), "en", Settings.low_confidence), Backwards()) == expected


def _site(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    for name, topic in (("a", "Stadtbahn"), ("b", "Freibad"), ("c", "Radweg")):
        (tmp_path / "releases" / f"{name}.md").write_text(
            f"---\ntitle: Neues zum {topic}\ndate: 2025-08-01T10:00:00+02:00\n---\nDie Stadt informiert über {topic}.\n",
            encoding="utf-8",
        )
    return tmp_path


def test_an_edition_that_cannot_be_rendered_leaves_its_release_out_and_the_others_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path)
    real = per_edition.render_docx

    def render_docx(edition: Any, *args: Any, **kwargs: Any) -> bytes:
        if edition.slug == "neues-zum-freibad" and edition.lang == "ko":
            raise ValueError("no room for this table")
        return real(edition, *args, **kwargs)

    monkeypatch.setattr(per_edition, "render_docx", render_docx)
    options = BuildOptions(releases_dir=site / "releases", output_dir=site / "output")
    result = build(Settings(), options, StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko")), now=NOW)
    assert [(p.path.name, p.message) for p in result.failed] == [("b.md", "its ko DOCX could not be written: no room for this table")]
    for lang in ("de", "en", "ko"):
        assert sorted(result.published[lang]) == ["neues-zum-radweg", "neues-zum-stadtbahn"]
        assert (site / "output" / lang / "neues-zum-stadtbahn.docx").is_file()
        assert "neues-zum-freibad" not in (site / "output" / lang / "index.html").read_text(encoding="utf-8")
    assert not (site / "output" / "ko" / "neues-zum-freibad.docx").exists()
