"""The quality report (HTML for press officers, JSON for scripts), `pressroom qa`, --strict and DOCX review marks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from engines import StaticEngines
from typer.testing import CliRunner

from pressroom.cli.app import app
from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions
from pressroom.qa.checks import CHECKS
from pressroom.qa.glossary import DNT_FILE
from pressroom.qa.report import RECORDS_FILE, REPORT_HTML, REPORT_JSON
from pressroom.translate.base import Hypothesis

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SLUG = "claus-kleber-moderiert"
RELEASE = """---
title: Claus Kleber moderiert
date: 2025-08-04T10:00:00+02:00
summary: Der Abend beginnt um 19 Uhr im Rathaus.
---
Claus Kleber moderiert den Abend im Rathaus <script>alert(1)</script>.

Der Eintritt ist frei.
"""
ENGLISH = {
    "Claus Kleber moderiert": "Claus adhesive moderates",
    "Der Abend beginnt um 19 Uhr im Rathaus.": "The evening begins at 7 p.m. in the town hall.",
    "Claus Kleber moderiert den Abend im Rathaus <script>alert(1)</script>.": "Claus adhesive hosts the evening in the town hall <script>alert(1)</script>.",
    "Der Eintritt ist frei.": "Admission is free of charge for everyone.",
}
WRONG_HOUR = {"Der Abend beginnt um 19 Uhr im Rathaus.": "The evening begins at 9 p.m. in the town hall."}


class Dictionary:
    """de→en from a fixed table, with Argos' reported name error ("Kleber" → "adhesive");
    ``changes`` replace entries (and are part of the identity, so the memory keeps them apart)."""

    source, target, demo = "de", "en", False

    def __init__(self, changes: dict[str, str] | None = None) -> None:
        self.table = {**ENGLISH, **(changes or {})}
        self.identity = f"dictionary-de_en-{sorted((changes or {}).items())}"
        self.name = "dictionary"

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        return [Hypothesis(self.table[s]) for s in sentences]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "glossary.tsv").write_text("de\ten\tko\tnote\n", encoding="utf-8")
    return tmp_path


def _build(workdir: Path, changes: dict[str, str] | None = None, settings: Settings | None = None, **options: object):  # noqa: ANN202
    build_options = BuildOptions(
        releases_dir=workdir / "releases", output_dir=workdir / "output", targets=["en"], glossary=workdir / "glossary.tsv", **options
    )
    return build(settings or Settings(), build_options, StaticEngines(Dictionary(changes)), now=NOW)


def _report(workdir: Path) -> dict:
    return json.loads((workdir / "output" / REPORT_JSON).read_text(encoding="utf-8"))


def test_the_json_report_lists_findings_with_the_contracted_fields(workdir: Path) -> None:
    _build(workdir)
    report = _report(workdir)
    assert set(report["checks"]) == set(CHECKS)
    assert report["editions_checked"] == 1
    assert (report["errors"], report["warnings"]) == (0, 0) and report["findings"] == []

    result = _build(workdir, {"Der Eintritt ist frei.": "Admission is free is free is free is free."})
    findings = _report(workdir)["findings"]
    assert [f.code for f in result.findings] == [f["code"] for f in findings] == ["repeated-words"]
    finding = findings[0]
    assert set(finding) == {"release", "lang", "segment", "code", "severity", "source", "target", "message", "confidence"}
    assert finding["confidence"] is None  # this engine gives no score
    assert (finding["release"], finding["lang"], finding["segment"], finding["severity"]) == (SLUG, "en", 4, "error")
    assert (finding["source"], finding["target"]) == ("Der Eintritt ist frei.", "Admission is free is free is free is free.")
    assert finding["message"] == "'is free' repeats 4 times in a row."


def test_the_html_report_is_escaped_readable_and_without_scripts(workdir: Path) -> None:
    _build(workdir)
    (workdir / DNT_FILE).write_text("Claus Kleber\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["qa", "--output", "output"])  # re-check with the new name list
    assert result.exit_code == 0, result.output
    page = (workdir / "output" / REPORT_HTML).read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<tr><td>Paragraph 1</td>") == 1 and page.count("<tr><td>Title</td>") == 1
    assert "The name &#39;Claus Kleber&#39; is missing or changed in the translation." in page
    assert f'<a href="en/{SLUG}.html">' in page


def test_pressroom_qa_rechecks_stored_segments_with_the_current_glossary_without_translating(workdir: Path) -> None:
    _build(workdir)
    docx_file = workdir / "output" / "en" / f"{SLUG}.docx"
    before = docx_file.stat().st_mtime_ns
    records = (workdir / "output" / STATE_DIR / RECORDS_FILE).read_bytes()
    runner = CliRunner()

    clean = runner.invoke(app, ["qa", "--strict"])
    assert clean.exit_code == 0, clean.output
    assert "0 errors, 0 warnings" in _said(clean)

    (workdir / DNT_FILE).write_text("Claus Kleber\n", encoding="utf-8")
    lenient = runner.invoke(app, ["qa"])
    assert lenient.exit_code == 0 and "2 errors, 0 warnings" in _said(lenient)
    strict = runner.invoke(app, ["qa", "--strict"])
    assert strict.exit_code == 3
    assert {(f["code"], f["segment"]) for f in _report(workdir)["findings"]} == {("protected-missing", 0), ("protected-missing", 3)}
    assert docx_file.stat().st_mtime_ns == before  # nothing was translated or published again
    assert (workdir / "output" / STATE_DIR / RECORDS_FILE).read_bytes() == records


def _said(result: object) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())  # type: ignore[attr-defined]


def test_pressroom_qa_says_plainly_what_is_missing(workdir: Path) -> None:
    runner = CliRunner()
    nothing = runner.invoke(app, ["qa"])
    assert nothing.exit_code == 2 and "qa-segments.json does not exist: run 'pressroom build' first" in _said(nothing)
    _build(workdir)
    (workdir / "glossary.tsv").write_text("de\ten\nRathaus\tCity Hall\nrathaus\ttown hall\n", encoding="utf-8")
    bad = runner.invoke(app, ["qa"])
    assert bad.exit_code == 2 and "glossary.tsv, line 3: 'rathaus' is listed twice" in _said(bad)
    missing = runner.invoke(app, ["qa", "--glossary", "begriffe.tsv"])
    assert missing.exit_code == 2 and "begriffe.tsv: glossary file not found" in _said(missing)


def test_a_bad_glossary_stops_the_build_before_anything_is_written(workdir: Path) -> None:
    (workdir / "glossary.tsv").write_text("englisch\tdeutsch\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["build", "--to", "en", "--models-dir", str(workdir / "models")])
    assert result.exit_code == 2
    assert "glossary.tsv, line 1: the header row must start with 'de'" in _said(result)
    assert not (workdir / "output" / "en").exists()


def test_strict_builds_exit_3_on_errors_only(workdir: Path) -> None:
    assert _build(workdir, strict=True).exit_code == 0
    wordy = {"Der Eintritt ist frei.": "Admission is free of charge for every visitor, young and old, all day long, inside and out."}
    warned = _build(workdir, wordy, strict=True)
    assert [f.code for f in warned.findings] == ["too-long"] and warned.exit_code == 0
    lenient = _build(workdir, WRONG_HOUR)
    assert [f.code for f in lenient.findings] == ["number-mismatch"] and lenient.exit_code == 0
    assert _build(workdir, WRONG_HOUR, strict=True).exit_code == 3


def _comments(path: Path) -> list[str]:
    return [comment.text for comment in docx.Document(str(path)).comments]


def test_review_marks_put_word_comments_on_flagged_paragraphs_only_when_asked(workdir: Path) -> None:
    public = workdir / "output" / "en" / f"{SLUG}.docx"
    _build(workdir, WRONG_HOUR)
    assert _comments(public) == []
    _build(workdir, WRONG_HOUR, Settings(review_marks=True))
    assert _comments(public) == ["error (number-mismatch): Numbers differ: 19 of the original is missing or different; 9 in the translation is not in the original."]
    flagged = [p for p in docx.Document(str(public)).paragraphs if p._p.xpath(".//w:commentRangeStart")]
    assert [(p.style.name, p.text) for p in flagged] == [("Subtitle", WRONG_HOUR["Der Abend beginnt um 19 Uhr im Rathaus."])]


def test_the_cli_build_wires_glossary_strict_and_review_marks(workdir: Path, models_dir: Path) -> None:
    (workdir / DNT_FILE).write_text("Claus Kleber\n", encoding="utf-8")
    runner = CliRunner()
    args = ["build", "--demo", "--models-dir", str(models_dir), "--output", "out", "--to", "en", "--glossary", "glossary.tsv"]
    result = runner.invoke(app, [*args, "--strict", "--review-marks"])
    assert result.exit_code == 3, result.output  # random models: numbers get lost
    assert "Quality checks:" in _said(result) and "out/qa-report.html" in _said(result)
    text = "\n".join(p.text for p in docx.Document(str(workdir / "out" / "en" / f"{SLUG}.docx")).paragraphs)
    assert "Claus Kleber" in text
    assert _comments(workdir / "out" / "en" / f"{SLUG}.docx")
    assert runner.invoke(app, args).exit_code == 0
