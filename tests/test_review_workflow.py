"""Review round trip: export → correct → import → build; stale approvals, bad files, model upgrades."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
import pytest
from engines import StaticEngines, TaggingEngine
from translate.storage import xliff

from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult
from pressroom.review.exchange import ReviewError
from pressroom.review.store import REVIEWS_FILE, Approvals
from pressroom.review.workflow import export_reviews, import_reviews

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)
SLUG = "neue-haltestelle-in-moehringen"

RELEASE = """---
title: Neue Haltestelle in Möhringen
date: 2025-08-04T10:00:00+02:00
summary: Die Haltestelle wird am 4. August eröffnet.
---
Die Haltestelle wird am 4. August eröffnet. Die Bahnen fahren ab 5 Uhr.

## Fahrplan

Die Linie U5 fährt alle 10 Minuten.
"""

OTHER = """---
title: Gemeinderat tagt
date: 2025-07-30T18:00:00+02:00
---
Der Gemeinderat tagt am Donnerstag.
"""


def _build(workdir: Path, version: str = "1", **options: object) -> BuildResult:
    engines = StaticEngines(TaggingEngine("de", "en", version), TaggingEngine("en", "ko", version))
    return build(
        Settings(),
        BuildOptions(releases_dir=workdir / "releases", output_dir=workdir / "output", **options),
        engines,
        now=NOW,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "releases" / "b.md").write_text(OTHER, encoding="utf-8")
    _build(tmp_path)
    return tmp_path


def _state(site: Path) -> Path:
    return site / "output" / STATE_DIR


def _edit_xliff(path: Path, edits: dict[str, str], source_edits: dict[str, str] | None = None) -> None:
    store = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.unit_iter():
        key = unit.getid().rpartition("\x04")[2]
        if key in edits:
            unit.target = edits[key]
        if source_edits and key in source_edits:
            unit.source = source_edits[key]
    path.write_bytes(bytes(store))


def _approvals(site: Path) -> int:
    store = Approvals(_state(site) / REVIEWS_FILE)
    try:
        return store.count()
    finally:
        store.close()


def _docx_text(site: Path, lang: str, slug: str = SLUG) -> str:
    return "\n".join(p.text for p in docx.Document(site / "output" / lang / f"{slug}.docx").paragraphs)


def test_export_writes_one_unit_per_segment_in_document_order(site: Path) -> None:
    paths = export_reviews(site / "output", _state(site), site / "review")
    names = sorted(p.relative_to(site / "review").as_posix() for p in paths)
    assert names == sorted([f"en/{SLUG}.xlf", "en/gemeinderat-tagt.xlf", f"ko/{SLUG}.xlf", "ko/gemeinderat-tagt.xlf"])
    units = list(xliff.xlifffile.parsestring((site / "review" / "ko" / f"{SLUG}.xlf").read_bytes()).unit_iter())
    ids = [int(u.getid().rpartition("\x04")[2]) for u in units]
    assert ids == sorted(ids) and ids[0] == 0
    assert units[0].source == "Neue Haltestelle in Möhringen"
    assert units[0].target == "<ko><en>Neue Haltestelle in Möhringen"
    assert all(u.get_state_n() == u.statemap["translated"] and not u.isapproved() for u in units)
    findings = json.loads((site / "output" / "qa-report.json").read_text(encoding="utf-8"))["findings"]
    expected = {f["segment"] for f in findings if f["release"] == SLUG and f["lang"] == "ko"}
    flagged = {int(u.getid().rpartition("\x04")[2]) for u in units if u.getnotes()}
    assert expected and flagged == expected  # QA findings travel as notes, on their segments


def test_corrections_win_in_docx_pages_and_feeds_and_survive_model_upgrades(site: Path) -> None:
    atom_before = feedparser.parse((site / "output" / "ko" / "atom.xml").read_bytes())
    export_reviews(site / "output", _state(site), site / "review", langs=["ko"])
    path = site / "review" / "ko" / f"{SLUG}.xlf"
    _edit_xliff(path, {"0": "뫼링겐에 새 정류장", "5": "U5 노선은 10분마다 운행합니다."})
    outcomes, problems = import_reviews(_state(site), [path], "Min-ji Kim")
    assert problems == [] and [o.approved for o in outcomes] == [2]

    result = _build(site, version="2")  # a new model version: machine text changes, approvals stay
    assert result.reviewed_segments == 2
    text = _docx_text(site, "ko")
    assert "뫼링겐에 새 정류장" in text and "U5 노선은 10분마다 운행합니다." in text
    assert "<ko><en>Die Haltestelle wird am 4. August eröffnet." in text  # unreviewed stays MT
    assert "일부를 보도실에서 검토했습니다" in text  # partly-reviewed notice
    page = (site / "output" / "ko" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "뫼링겐에 새 정류장" in page and "일부를 보도실에서 검토했습니다" in page
    atom_after = feedparser.parse((site / "output" / "ko" / "atom.xml").read_bytes())
    titles = {e.id: e.title for e in atom_after.entries}
    assert "뫼링겐에 새 정류장" in titles.values()
    before = {e.id: e.updated for e in atom_before.entries}
    after = {e.id: e.updated for e in atom_after.entries}
    changed = [i for i in after if after[i] != before[i]]
    assert len(changed) == 1 and titles[changed[0]] == "뫼링겐에 새 정류장"
    assert "뫼링겐" not in _docx_text(site, "en")  # an approval is per language


def test_fully_reviewed_edition_has_no_machine_translation_notice(site: Path) -> None:
    export_reviews(site / "output", _state(site), site / "review", release="gemeinderat-tagt", langs=["en"])
    path = site / "review" / "en" / "gemeinderat-tagt.xlf"
    store = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.unit_iter():
        unit.markapproved(True)  # accepted as it is in the CAT tool
    path.write_bytes(bytes(store))
    import_reviews(_state(site), [path], "reviewer")
    _build(site)
    text = _docx_text(site, "en", "gemeinderat-tagt")
    assert "machine translation" not in text
    assert "was reviewed by the press office" in text


def test_changed_german_segment_drops_only_its_own_approval(site: Path) -> None:
    export_reviews(site / "output", _state(site), site / "review", langs=["en"])
    path = site / "review" / "en" / f"{SLUG}.xlf"
    _edit_xliff(path, {"0": "New stop in Möhringen", "5": "Line U5 runs every ten minutes."})
    import_reviews(_state(site), [path], "reviewer")
    (site / "releases" / "a.md").write_text(RELEASE.replace("alle 10 Minuten", "alle 5 Minuten"), encoding="utf-8")
    result = _build(site)
    assert result.reviewed_segments == 1
    text = _docx_text(site, "en")
    assert "New stop in Möhringen" in text
    assert "Line U5 runs every ten minutes." not in text
    assert "<en>Die Linie U5 fährt alle 5 Minuten." in text


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: _edit_xliff(p, {"0": "x"}, {"0": "Ein anderer Titel"}), "German text that differs"),
        (lambda p: p.write_bytes(p.read_bytes().replace(SLUG.encode(), b"some-other-release")), "no published 'ko' edition"),
        (lambda p: p.write_bytes(p.read_bytes()[:200]), "not a readable XLIFF"),
    ],
)
def test_bad_review_files_are_rejected_and_change_nothing(site: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    export_reviews(site / "output", _state(site), site / "review", langs=["ko"])
    path = site / "review" / "ko" / f"{SLUG}.xlf"
    _edit_xliff(path, {"2": "고쳐진 요약"})
    mutate(path)
    outcomes, problems = import_reviews(_state(site), [path], "reviewer")
    assert outcomes == [] and len(problems) == 1
    assert str(path) in str(problems[0]) and message in str(problems[0])
    assert _approvals(site) == 0


def test_review_docx_route(site: Path) -> None:
    export_reviews(site / "output", _state(site), site / "review", langs=["ko"], as_docx=True)
    path = site / "review" / "ko" / f"{SLUG}.review.docx"
    document = docx.Document(path)
    document.tables[0].rows[1].cells[2].text = "뫼링겐 새 정류장 개통"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    outcomes, problems = import_reviews(_state(site), [path], "reviewer")
    assert problems == [] and outcomes[0].approved == 1
    _build(site)
    assert "뫼링겐 새 정류장 개통" in _docx_text(site, "ko")
    report = json.loads((site / "output" / "qa-report.json").read_text(encoding="utf-8"))
    status = {(e["release"], e["lang"]): e["review_status"] for e in report["editions"]}
    assert status[(SLUG, "ko")] == "partly reviewed" and status[(SLUG, "en")] == "machine"
    assert "partly reviewed" in (site / "output" / "qa-report.html").read_text(encoding="utf-8")


def test_require_review_holds_unreviewed_translations_out_of_the_feed(site: Path) -> None:
    _build(site, require_review=True)
    german = feedparser.parse((site / "output" / "de" / "rss.xml").read_bytes())
    english = feedparser.parse((site / "output" / "en" / "rss.xml").read_bytes())
    assert len(german.entries) == 2 and len(english.entries) == 0
    assert (site / "output" / "en" / f"{SLUG}.docx").exists()


def test_export_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="pressroom build"):
        export_reviews(tmp_path / "output", tmp_path / "output" / STATE_DIR, tmp_path / "review")
    with pytest.raises(ReviewError, match="No published translated edition of 'nope'"):
        (tmp_path / "releases").mkdir()
        (tmp_path / "releases" / "b.md").write_text(OTHER, encoding="utf-8")
        _build(tmp_path)
        export_reviews(tmp_path / "output", tmp_path / "output" / STATE_DIR, tmp_path / "review", release="nope")


def test_cli_export_and_import(site: Path) -> None:
    run = [sys.executable, "-m", "pressroom", "review"]
    exported = subprocess.run([*run, "export", "--to", "en", "--release", SLUG], cwd=site, capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    path = site / "review" / "en" / f"{SLUG}.xlf"
    _edit_xliff(path, {"0": "New stop in Möhringen"})
    imported = subprocess.run([*run, "import", str(path), "--reviewer", "Anna"], cwd=site, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    assert "1 segment of" in imported.stdout
    broken = site / "broken.xlf"
    broken.write_text("<xliff", encoding="utf-8")
    failed = subprocess.run([*run, "import", str(broken)], cwd=site, capture_output=True, text=True)
    assert failed.returncode == 1 and "broken.xlf" in failed.stderr and "Traceback" not in failed.stderr
