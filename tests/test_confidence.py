"""A confidence per sentence: the model's mean log-probability per token, stored with the
translation (memory and QA records), reported per segment, flagged below the ``low_confidence``
setting, and the order of review exports (least sure first)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engines import ScoredEngine, StaticEngines
from translate.storage import xliff
from typer.testing import CliRunner

from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult
from pressroom.cli.app import app
from pressroom.config import Settings
from pressroom.qa.report import RECORDS_FILE, REPORT_HTML, REPORT_JSON
from pressroom.review.workflow import export_reviews, import_reviews
from pressroom.translate.routing import ModelEngines

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SLUG = "neue-haltestelle"
RELEASE = """---
title: Neue Haltestelle
date: 2025-08-04T10:00:00+02:00
---
Die Haltestelle wird im August eröffnet. Die Bahnen fahren ab fünf Uhr.

Der Ortschaftsrat hatte die Kreuzungsbauwerksplanung vertagt.

Die Linie fährt alle zehn Minuten.
"""
OTHER = """---
title: Gemeinderat tagt
date: 2025-07-30T18:00:00+02:00
---
Der Gemeinderat tagt am Donnerstag.
"""
# Segments: title 0, kicker 1 and summary 2 (none), the paragraphs 3, 4, 5.
# The model doubts two sentences: one a little (-1.3), one badly (-2.4).
DOUBTS = {"Bahnen fahren": -1.3, "Kreuzungsbauwerksplanung": -2.4}


def _build(site: Path, settings: Settings | None = None, doubts: dict[str, float] = DOUBTS, **options: object) -> BuildResult:
    engines = StaticEngines(ScoredEngine("de", "en", doubts))
    build_options = BuildOptions(releases_dir=site / "releases", output_dir=site / "output", targets=["en"], **options)
    return build(settings or Settings(), build_options, engines, now=NOW)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "releases" / "b.md").write_text(OTHER, encoding="utf-8")
    return tmp_path


def _report(site: Path) -> dict:
    return json.loads((site / "output" / REPORT_JSON).read_text(encoding="utf-8"))


def _edition(report: dict, release: str = SLUG) -> dict:
    return next(e for e in report["editions"] if e["release"] == release)


def test_confidence_is_stored_reported_per_segment_and_flagged(site: Path) -> None:
    result = _build(site)
    report = _report(site)
    # Title, (no summary), paragraph 1 (its least sure sentence), paragraph 2, paragraph 3.
    assert _edition(report)["confidence"] == [-0.2, None, None, -1.3, -2.4, -0.2]
    assert _edition(report, "gemeinderat-tagt")["confidence"] == [-0.2, None, None, -0.2]
    flagged = [f for f in report["findings"] if f["code"] == "low-confidence"]
    assert [(f["segment"], f["severity"], f["confidence"]) for f in flagged] == [(3, "warning", -1.3), (4, "warning", -2.4)]
    assert flagged[0]["message"] == (
        "The model was unsure of the translation of „Die Bahnen fahren ab fünf Uhr.“: confidence -1.30 (flagged below -1.00)."
    )
    assert report["checks"]["low-confidence"]["severity"] == "warning"
    assert [f.code for f in result.findings].count("low-confidence") == 2
    records = json.loads((site / "output" / STATE_DIR / RECORDS_FILE).read_text(encoding="utf-8"))
    units = next(e for e in records["editions"] if e["release"] == SLUG)["units"]
    assert units[3]["scores"] == [-0.2, -1.3]  # per sentence, for `pressroom qa`
    page = (site / "output" / REPORT_HTML).read_text(encoding="utf-8")
    assert "<small>confidence -2.40</small>" in page and "low-confidence" in page


def test_the_threshold_is_a_setting_and_pressroom_qa_rechecks_with_it(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(site, Settings(low_confidence=-2.0))
    assert [f["segment"] for f in _report(site)["findings"] if f["code"] == "low-confidence"] == [4]
    monkeypatch.chdir(site)
    (site / "pressroom.toml").write_text("low_confidence = -0.1\n", encoding="utf-8")
    checked = CliRunner().invoke(app, ["qa"])  # from the stored scores, nothing translated
    assert checked.exit_code == 0, checked.output
    flagged = [f["segment"] for f in _report(site)["findings"] if f["code"] == "low-confidence" and f["release"] == SLUG]
    assert flagged == [0, 3, 3, 4, 5]  # every sentence now (paragraph 1 has two): -0.2 is below -0.1


def test_scores_come_back_from_the_memory(site: Path) -> None:
    _build(site)
    (site / "releases" / "b.md").write_text(OTHER.replace("Donnerstag", "Freitag"), encoding="utf-8")
    again = _build(site, doubts={})  # a model that would be sure of everything: not asked again
    assert {s.source: (s.translated, s.from_memory) for s in again.engines}["de"][0] == 1
    assert _edition(_report(site))["confidence"] == [-0.2, None, None, -1.3, -2.4, -0.2]


def test_an_approved_segment_has_no_confidence_and_no_flag(site: Path) -> None:
    _build(site)
    (path,) = export_reviews(site / "output", site / "output" / STATE_DIR, site / "review", release=SLUG)
    store = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.unit_iter():
        if unit.getid().endswith("4"):
            unit.target = "The local council had postponed the junction planning."
    path.write_bytes(bytes(store))
    outcomes, problems = import_reviews(site / "output" / STATE_DIR, [path], "Min-ji Kim")
    assert problems == [] and outcomes[0].approved == 1
    _build(site)
    report = _report(site)
    assert _edition(report)["confidence"] == [-0.2, None, None, -1.3, None, -0.2]
    assert [f["segment"] for f in report["findings"] if f["code"] == "low-confidence"] == [3]


def test_review_export_puts_the_least_sure_first(site: Path) -> None:
    _build(site)
    paths = export_reviews(site / "output", site / "output" / STATE_DIR, site / "review")
    assert [p.name for p in paths] == [f"{SLUG}.xlf", "gemeinderat-tagt.xlf"]  # the file with -2.4 first
    ids = [u.getid().rpartition("\x04")[2] for u in xliff.xlifffile.parsestring(paths[0].read_bytes()).unit_iter()]
    assert ids == ["4", "3", "0", "5"]  # -2.4, -1.3, then the sure ones in document order
    kept = export_reviews(site / "output", site / "output" / STATE_DIR, site / "ordered", document_order=True)
    ids = [u.getid().rpartition("\x04")[2] for u in xliff.xlifffile.parsestring(kept[0].read_bytes()).unit_iter()]
    assert ids == ["0", "3", "4", "5"]
    docx_paths = export_reviews(site / "output", site / "output" / STATE_DIR, site / "word", as_docx=True, release=SLUG)
    import docx

    rows = [row.cells[0].text for row in docx.Document(str(docx_paths[0])).tables[0].rows[1:]]
    assert rows == ["4", "3", "0", "5"]


def test_cli_review_export_order_option(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(site)
    monkeypatch.chdir(site)
    runner = CliRunner()
    result = runner.invoke(app, ["review", "export", "--document-order", "--out", "ordered"])
    assert result.exit_code == 0, result.output
    ids = [u.getid().rpartition("\x04")[2] for u in xliff.xlifffile.parsestring((site / "ordered" / "en" / f"{SLUG}.xlf").read_bytes()).unit_iter()]
    assert ids == ["0", "3", "4", "5"]


def test_real_models_give_each_translated_segment_a_confidence(site: Path, models_dir: Path) -> None:
    settings = Settings()
    engines = ModelEngines(models_dir, settings.translation)
    options = BuildOptions(releases_dir=site / "releases", output_dir=site / "output", allow_demo=True)
    build(settings, options, engines, now=NOW)
    report = _report(site)
    for edition in report["editions"]:
        scores = [c for c in edition["confidence"] if c is not None]
        assert len(scores) == (4 if edition["release"] == SLUG else 2)
        assert all(-30 < c < 0 for c in scores)  # CTranslate2's mean log-probabilities per token
    korean = next(e for e in report["editions"] if e["lang"] == "ko" and e["release"] == SLUG)
    english = next(e for e in report["editions"] if e["lang"] == "en" and e["release"] == SLUG)
    assert korean["confidence"] != english["confidence"]  # a route's least sure hop
