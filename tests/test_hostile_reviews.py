"""Review files are bounded and their text is cleaned before anything is stored.

An XLIFF of 1,000,000 units, all with the same id, was imported ("1000000 segment(s)
approved", 2.1 GB); rich markup in a unit id crashed the import and its own error message.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engines import StaticEngines, TaggingEngine
from translate.storage import xliff
from typer.testing import CliRunner

from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions
from pressroom.cli.app import app
from pressroom.config import Settings
from pressroom.limits import MAX_REVIEW_UNITS
from pressroom.review.store import REVIEWS_FILE, Approvals
from pressroom.review.workflow import export_reviews, import_reviews

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
RELEASE = "---\ntitle: Neue Haltestelle\ndate: 2025-08-04T10:00:00+02:00\n---\nDie Haltestelle wird eröffnet.\n"


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    assert build(Settings(), BuildOptions(tmp_path / "releases", tmp_path / "output"), engines, now=NOW).exit_code == 0
    (path,) = export_reviews(tmp_path / "output", tmp_path / "output" / STATE_DIR, tmp_path / "review", langs=["en"])
    return path


BODY = "Die Haltestelle wird eröffnet."


def _body_id(path: Path) -> str:
    """The segment number of the release's body paragraph in an exported file."""
    store = xliff.xlifffile.parsestring(path.read_bytes())
    return next(unit.getid().rpartition("\x04")[2] for unit in store.unit_iter() if unit.source == BODY)


def _units(path: Path, count: int, id_of: str | None = None) -> Path:
    """The exported file with its body unit repeated ``count`` times (under ``id_of`` if given)."""
    text = path.read_text(encoding="utf-8")
    body = _body_id(path)
    start = text.rindex("<trans-unit", 0, text.index(f"<source>{BODY}</source>"))
    end = text.index("</trans-unit>", start) + len("</trans-unit>")
    unit = text[start:end]
    if id_of is not None:
        unit = unit.replace(f'id="{body}"', f'id="{id_of}"', 1)
    out = path.with_name(f"many-{count}-{len(id_of or '')}.xlf")
    out.write_text(text[:start] + unit * count + text[end:], encoding="utf-8")
    return out


def _approved(tmp_path: Path) -> int:
    approvals = Approvals(tmp_path / "output" / STATE_DIR / REVIEWS_FILE)
    try:
        return approvals.count()
    finally:
        approvals.close()


def test_a_segment_twice_or_too_many_units_are_refused_and_nothing_is_stored(exported: Path, tmp_path: Path) -> None:
    state = tmp_path / "output" / STATE_DIR
    for path, expected in (
        (_units(exported, 3), f"segment {_body_id(exported)} appears more than once"),
        (_units(exported, MAX_REVIEW_UNITS + 1, id_of="7"), "segment 7 appears more than once"),
    ):
        outcomes, problems = import_reviews(state, [path], "Min-ji Kim")
        assert not outcomes and expected in str(problems[0]), problems
    assert _approved(tmp_path) == 0


def test_ids_that_are_not_segment_numbers_are_named_safely(exported: Path, tmp_path: Path) -> None:
    state = tmp_path / "output" / STATE_DIR
    for odd in ("[/bold]x", "²", "1" * 40, "\u202e7"):
        path = _units(exported, 1, id_of=odd)
        outcomes, problems = import_reviews(state, [path], "x")
        assert not outcomes and "not a segment number" in str(problems[0])
        assert "\u202e" not in str(problems[0])
    result = CliRunner().invoke(app, ["review", "import", str(_units(exported, 1, id_of="[/bold]x")), "--output", str(tmp_path / "output")], env={"COLUMNS": "300"})
    assert result.exit_code == 1 and "a unit has the id '[/bold]x', not a segment number" in result.output, result.output


def test_an_oversized_review_file_is_refused_before_it_is_parsed(exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressroom.review import workflow

    monkeypatch.setattr(workflow, "MAX_REVIEW_FILE_BYTES", exported.stat().st_size - 1)
    outcomes, problems = import_reviews(tmp_path / "output" / STATE_DIR, [exported], "x")
    assert not outcomes and "is too large" in str(problems[0])


def test_controls_in_a_correction_never_reach_the_store(exported: Path, tmp_path: Path) -> None:
    store = xliff.xlifffile.parsestring(exported.read_bytes())
    for unit in store.unit_iter():
        if unit.source == BODY:
            unit.target = "The stop opens\u202e today\u2066."
    exported.write_bytes(bytes(store))
    outcomes, problems = import_reviews(tmp_path / "output" / STATE_DIR, [exported], "x")
    assert outcomes and not problems
    approvals = Approvals(tmp_path / "output" / STATE_DIR / REVIEWS_FILE)
    try:
        (approval,) = approvals.lookup("de", "en", [BODY]).values()
    finally:
        approvals.close()
    assert approval.target == "The stop opens today."
