"""Damaged state files recover: caches are set aside and rebuilt, people's approvals restored.

Before, a garbage or truncated memory.sqlite, state.sqlite or reviews.sqlite made every later
build exit 2 ("check that it is writable and the disk is not full") with no way out but
deleting the file by hand, which for reviews.sqlite threw away the office's approved
translations.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engines import StaticEngines, TaggingEngine
from translate.storage import xliff

from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult
from pressroom.config import Settings
from pressroom.review.store import REVIEWS_FILE, Approvals, backup_path
from pressroom.review.workflow import export_reviews, import_reviews

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
RELEASE = "---\ntitle: Neue Haltestelle\ndate: 2025-08-04T10:00:00+02:00\n---\nDie Haltestelle wird eröffnet. Die Bahnen fahren ab 5 Uhr.\n"
SLUG = "neue-haltestelle"


def _build(site: Path, engines: StaticEngines | None = None) -> BuildResult:
    engines = engines or StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    return build(Settings(), BuildOptions(site / "releases", site / "output"), engines, now=NOW)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    assert _build(tmp_path).exit_code == 0
    return tmp_path


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database, it was overwritten by a sync tool" * 100)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if len(data) > 8192 else data[:100])


def _damage(path: Path, how: str) -> None:
    for companion in ("-wal", "-shm"):
        path.with_name(path.name + companion).unlink(missing_ok=True)
    (_garbage if how == "garbage" else _truncated)(path)


def _aside(folder: Path, name: str) -> list[Path]:
    """The damaged copies of ``name`` (its -wal and -shm files go with each)."""
    return [p for p in folder.glob(f"{name}.damaged-*") if not p.name.endswith(("-wal", "-shm"))]


def _notes(result: BuildResult, name: str) -> list[str]:
    return [p.message for p in result.warnings if p.path.name == name]


@pytest.mark.parametrize("how", ["garbage", "truncated"])
@pytest.mark.parametrize("name", ["memory.sqlite", "state.sqlite"])
def test_a_damaged_cache_is_set_aside_rebuilt_and_named_once(site: Path, name: str, how: str) -> None:
    state = site / "output" / STATE_DIR
    with sqlite3.connect(state / name) as db:  # enough pages that a cut one is missing some
        db.execute("CREATE TABLE IF NOT EXISTS padding (x TEXT)")
        db.executemany("INSERT INTO padding VALUES (?)", [("x" * 500,)] * 200)
    _damage(state / name, how)
    (site / "releases" / "a.md").write_text(RELEASE.replace("5 Uhr", "6 Uhr"), encoding="utf-8")
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    result = _build(site, engines)
    assert result.exit_code == 0 and SLUG in result.published["en"], result.failed
    (note,) = _notes(result, name)
    assert note.startswith("was damaged (") and f"moved aside to {name}.damaged-" in note
    assert len(_aside(state, name)) == 1
    with sqlite3.connect(state / name) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if name == "memory.sqlite":  # the publish state forgotten: the release is translated again
        (state / "state.sqlite").unlink()
    again = _build(site)
    assert again.exit_code == 0 and not _notes(again, name)  # said once
    if name == "memory.sqlite":  # rebuilt: the second build took every sentence from it
        assert again.engines and {stats.translated for stats in again.engines} == {0}


def _approve(site: Path, text: str) -> None:
    """Export the English review file, correct the body paragraph, import it."""
    (path,) = export_reviews(site / "output", site / "output" / STATE_DIR, site / "review", langs=["en"])
    store = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.unit_iter():
        if unit.source.startswith("Die Haltestelle wird eröffnet."):
            unit.target = text
    path.write_bytes(bytes(store))
    outcomes, problems = import_reviews(site / "output" / STATE_DIR, [path], "Min-ji Kim")
    assert outcomes and not problems


def _page(site: Path) -> str:
    return (site / "output" / "en" / f"{SLUG}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["garbage", "truncated"])
def test_damaged_reviews_are_restored_from_the_backup_and_what_may_be_lost_is_named(site: Path, how: str) -> None:
    _approve(site, "The stop opens. Trains run from 5 a.m. (reviewed)")
    assert _build(site).exit_code == 0 and "(reviewed)" in _page(site)
    reviews = site / "output" / STATE_DIR / REVIEWS_FILE
    assert backup_path(reviews).is_file()  # made after the build (and after the import)
    _damage(reviews, how)
    (site / "releases" / "a.md").write_text(RELEASE + "\nNeu.\n", encoding="utf-8")
    result = _build(site)
    assert result.exit_code == 0, result.failed
    (note,) = _notes(result, REVIEWS_FILE)
    assert "moved aside to reviews.sqlite.damaged-" in note and "(kept, nothing was deleted)" in note
    assert "restored from the backup of the last successful build" in note and "may be lost" in note
    assert "(reviewed)" in _page(site)  # the approval came back from the backup
    assert len(_aside(reviews.parent, REVIEWS_FILE)) == 1


def test_damaged_reviews_without_a_backup_are_kept_and_named_never_dropped_silently(site: Path) -> None:
    reviews = site / "output" / STATE_DIR / REVIEWS_FILE
    approvals = Approvals(reviews)
    approvals.close()
    backup_path(reviews).unlink(missing_ok=True)
    _garbage(reviews)
    (site / "releases" / "a.md").write_text(RELEASE + "\nNeu.\n", encoding="utf-8")
    result = _build(site)
    assert result.exit_code == 0
    (note,) = _notes(result, REVIEWS_FILE)
    assert "(kept, nothing was deleted)" in note and "no usable backup" in note and "import the review files again" in note
    (aside,) = _aside(reviews.parent, REVIEWS_FILE)
    assert aside.read_bytes().startswith(b"this is not a database")


def test_a_damaged_reviews_store_at_import_is_restored_before_the_import(site: Path) -> None:
    _approve(site, "First correction (reviewed)")
    assert _build(site).exit_code == 0
    reviews = site / "output" / STATE_DIR / REVIEWS_FILE
    _damage(reviews, "garbage")
    notes: list[str] = []
    (path,) = export_reviews(site / "output", site / "output" / STATE_DIR, site / "review2", langs=["en"], note=notes.append)
    assert len(notes) == 1 and "restored from the backup" in notes[0]
    assert b"First correction (reviewed)" in path.read_bytes()
