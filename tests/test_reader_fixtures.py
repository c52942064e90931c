"""The corpus tests' hard cases on the project's own German fixtures (tests/fixtures/releases).

These run on a fresh clone without ../shared; the texts are written for the project, modelled on
the kinds of release in the real corpus (police dailies, tables of contents, hard-wrapped mail).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from blocks import OL, H, L, P, block, body, contact_text, kind_of, plain

from pressroom.config import Settings
from pressroom.document.model import Edition, Release
from pressroom.readers import read_release
from pressroom.readers.common import MTIME_WARNING
from pressroom.slug import slugify
from pressroom.writers.labels import summary_text

FIXTURES = Path(__file__).parent / "fixtures" / "releases"
BERLIN = ZoneInfo("Europe/Berlin")
MTIME = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)


def read(name: str, tmp_path: Path) -> Release:
    """Read a fixture from a copy with a known modification time (the date fallback)."""
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    os.utime(target, (MTIME.timestamp(), MTIME.timestamp()))
    return read_release(target, Settings())


def texts(release: Release, kind: str) -> list[str]:
    return [plain(b) for b in body(release) if b.kind == kind]


def test_no_headline_title_comes_from_the_first_sentence(tmp_path: Path) -> None:
    release = read("ohne-ueberschrift.txt", tmp_path)
    assert release.title.startswith("Bei der Eröffnung des neuen Bürgerbüros begrüßte")
    assert release.title.endswith("…") and len(release.title) <= 92
    assert any("title was made from the first sentence" in w for w in release.warnings)
    assert MTIME_WARNING in release.warnings
    assert release.date == MTIME.astimezone(BERLIN)
    assert texts(release, H) == ["Kurze Wege für alle"]
    assert release.slug == slugify(release.title)


def test_dateline_subheadings_and_contact_block(tmp_path: Path) -> None:
    release = read("polizei-tagesmeldungen.txt", tmp_path)
    assert release.date == datetime(2025, 3, 3, 9, 12, tzinfo=BERLIN)
    assert release.warnings == []
    assert release.title == "Polizeipräsidium Ludwigsburg"
    assert texts(release, H) == [
        "Bietigheim: Radfahrer übersehen",
        "Kornwestheim: Gartenhaus aufgebrochen",
        "Markgröningen: Zigarettenautomat beschädigt",
    ]
    assert contact_text(release).splitlines()[:3] == ["Polizeipräsidium Ludwigsburg", "Pressestelle", "Telefon: 07141 18-9"]
    assert not any("Rückfragen" in plain(b) or "07141" in plain(b) for b in body(release))
    assert release.summary == ""  # none given, and no copy of the first sentence
    assert summary_text(Edition.original(release)).startswith("Eine 34 Jahre alte Opel-Fahrerin")  # not "Ludwigsburg (ots)"
    assert all(plain(b) == plain(b).strip() and "  " not in plain(b) for b in body(release))


def test_question_headline_and_no_question_subheadings(tmp_path: Path) -> None:
    release = read("fahndung-frage.txt", tmp_path)
    assert release.title == "Einbrecher mit Kapuzenpulli gesucht - Wer kennt diesen Mann?"
    assert release.blocks[0] == block(P, "Nr. 0412")
    assert texts(release, H) == []
    assert summary_text(Edition.original(release)).startswith("Mit der Veröffentlichung eines Fotos")
    assert release.warnings == [MTIME_WARNING]


def test_toc_numbers_are_kept_and_date_line_is_not_a_list_item(tmp_path: Path) -> None:
    release = read("polizei-inhaltsverzeichnis.txt", tmp_path)
    assert release.title == "Medieninformation der Polizei Stuttgart vom 05.04.2025"
    assert release.date == datetime(2025, 4, 5, tzinfo=BERLIN)
    # Item numbers stay in the text and the items are not numbered again (issue 13: an
    # ordered list showed "1. 0311. …").
    ordered = [plain(b) for b in body(release) if kind_of(b) == L]
    assert ordered[0] == "0311. Frühlingsfest: erste Bilanz nach dem Eröffnungswochenende"
    assert ordered[2] == "0313. Größerer Polizeieinsatz – Zuffenhausen"
    assert not any(plain(b).startswith("05.04.2025") for b in body(release))


def test_bullets_and_a_numbered_list_losing_its_markers(tmp_path: Path) -> None:
    release = read("aufzaehlungen.txt", tmp_path)
    assert [plain(b).split(":")[0] for b in body(release) if kind_of(b) == L] == ["Ergebnis", "Ausblick"]
    ordered = [plain(b) for b in body(release) if kind_of(b) == OL]
    assert ordered == [
        "Jede Gemeinde erhält einen Zuschuss für neue Radwege.",
        "Der Zuschuss wird jedes Jahr neu berechnet.",
    ]
    assert texts(release, H) == ["Über die Musterwerke"]


def test_hard_wrapped_mail_is_joined_into_paragraphs(tmp_path: Path) -> None:
    paragraphs = texts(read("mail-umbruch.txt", tmp_path), P)
    assert (
        "der Druck auf den Stadtwald wächst auch in Stuttgart. Mit ihrem neuen Forstplan will die "
        "Verwaltung mehr Holz schlagen lassen als je zuvor."
    ) in paragraphs
    # A short line ending a sentence ends the paragraph even without a blank line after it.
    assert any(p.endswith("zur Grundlage ihrer Forstpolitik zu machen.") for p in paragraphs)
    assert any(p.startswith("Auf dem Pressetermin stellen die Verbände") for p in paragraphs)
    # Salutation lines stay apart; a name split over two lines is joined.
    assert "Sehr geehrte Damen und Herren," in paragraphs
    assert "liebe Kolleginnen und Kollegen," in paragraphs
    assert "mit:Petra Hummel, Vorsitzende, und Jonas Brenner, Geschäftsführer" in paragraphs
    assert not any(p.endswith((" auch in", " will die", " als je")) for p in paragraphs)


# --- the corpus skip and the CI requirement -------------------------------------------------

PROBE = '''
import pytest
from blocks import OL, H, L, P, block, body, contact_text, kind_of, plain

@pytest.mark.corpus
def test_needs_corpus() -> None:
    pass
'''


def run_probe(tmp_path: Path, shared: Path, require: bool) -> subprocess.CompletedProcess[str]:
    """Run pytest on a one-test file beside this conftest, with the corpus path pointed at shared."""
    probe = Path(__file__).parent / f"test_probe_{os.getpid()}_{tmp_path.name}.py"
    probe.write_text(PROBE)
    env = {**os.environ, "PRESSROOM_SHARED_DIR": str(shared), "PRESSROOM_REQUIRE_SHARED": "1" if require else ""}
    try:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
        )  # fmt: skip
    finally:
        probe.unlink()


def test_missing_corpus_is_skipped_with_a_count_line(tmp_path: Path) -> None:
    result = run_probe(tmp_path, tmp_path / "nowhere", require=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "corpus: 1 tests not run: ../shared/corpus is not beside the repository" in result.stdout
    assert "needs ../shared/corpus beside the repository" in result.stdout


def test_present_corpus_runs_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "shared" / "corpus" / "de-press-releases").mkdir(parents=True)
    result = run_probe(tmp_path, tmp_path / "shared", require=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout and f"corpus: 1 tests ran over {tmp_path / 'shared'}" in result.stdout


def test_required_corpus_missing_is_an_error(tmp_path: Path) -> None:
    result = run_probe(tmp_path, tmp_path / "nowhere", require=True)
    assert result.returncode != 0
    assert "PRESSROOM_REQUIRE_SHARED is set" in result.stdout + result.stderr
