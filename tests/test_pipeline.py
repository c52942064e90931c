"""The build as a library call, with deterministic engines: structure, routing, failures, re-runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
import pytest
from engines import StaticEngines, TaggingEngine
from filelock import FileLock

from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)

RELEASE_A = """---
title: Neue Stadtbahnhaltestelle in Möhringen
date: 2025-08-04T10:00:00+02:00
summary: Die Haltestelle wird am 4. August eröffnet.
tags: [Verkehr, Stadtbahn]
contact: |
  Stadt Stuttgart, Presseamt
  Telefon 0711 216-0
---
Die neue Haltestelle wird am 4. August eröffnet. Oberbürgermeister Dr. Frank Nopper spricht ein Grußwort.

## Fahrplan

Die Bahnen fahren ab 5 Uhr. Die Linie U5 fährt alle 10 Minuten.

> „Das ist ein guter Tag für Möhringen.“

- Barrierefreier Zugang
- Neue Fahrradständer
"""

RELEASE_B = """---
title: Gemeinderat beschließt Haushalt
date: 2025-07-30T18:00:00+02:00
---
Der Gemeinderat hat den Haushalt beschlossen. Die Linie U5 fährt alle 10 Minuten.
"""

ENGLISH = """---
title: Partnership with Sejong signed
date: 2025-07-24T14:00:00+02:00
lang: en
---
The mayors of Stuttgart and Sejong signed a declaration of intent on Thursday.
"""


def _engines() -> tuple[StaticEngines, TaggingEngine, TaggingEngine]:
    de_en, en_ko = TaggingEngine("de", "en"), TaggingEngine("en", "ko")
    return StaticEngines(de_en, en_ko), de_en, en_ko


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    releases = tmp_path / "releases"
    releases.mkdir()
    (releases / "a.md").write_text(RELEASE_A, encoding="utf-8")
    (releases / "b.md").write_text(RELEASE_B, encoding="utf-8")
    return tmp_path


def _options(workdir: Path, **kwargs: object) -> BuildOptions:
    return BuildOptions(releases_dir=workdir / "releases", output_dir=workdir / "output", **kwargs)


def test_every_language_gets_docx_pages_and_feeds_with_the_source_structure(workdir: Path) -> None:
    provider, _, _ = _engines()
    result = build(Settings(), _options(workdir), provider, now=NOW)
    assert result.exit_code == 0, result.failed
    out = workdir / "output"
    source = docx.Document(out / "de" / "neue-stadtbahnhaltestelle-in-moehringen.docx")
    source_styles = [p.style.name for p in source.paragraphs if p.text.strip()]
    for lang in ("de", "en", "ko"):
        for name in ("rss.xml", "atom.xml", "index.html"):
            assert (out / lang / name).is_file()
        document = docx.Document(out / lang / "neue-stadtbahnhaltestelle-in-moehringen.docx")
        styles = [p.style.name for p in document.paragraphs if p.text.strip()]
        for style in ("Title", "Heading 2", "Quote", "List Bullet"):
            assert styles.count(style) == source_styles.count(style), (lang, style)
        feed = feedparser.parse((out / lang / "rss.xml").read_bytes())
        assert not feed.bozo
        assert len(feed.entries) == 2
    korean = docx.Document(out / "ko" / "neue-stadtbahnhaltestelle-in-moehringen.docx")
    assert "<ko><en>Die Bahnen fahren ab 5 Uhr." in "\n".join(p.text for p in korean.paragraphs)


def test_pivot_route_reuses_english_and_sentences_are_translated_once(workdir: Path) -> None:
    provider, de_en, en_ko = _engines()
    build(Settings(), _options(workdir), provider, now=NOW)
    assert len(de_en.seen) == len(set(de_en.seen))
    assert "Die Linie U5 fährt alle 10 Minuten." in de_en.seen  # shared by both releases, sent once
    assert all(s.startswith("<en>") for s in en_ko.seen)


def test_rerun_uses_the_memory_and_keeps_updated_times(workdir: Path) -> None:
    provider, _, _ = _engines()
    build(Settings(), _options(workdir), provider, now=NOW)
    atom = (workdir / "output" / "en" / "atom.xml").read_bytes()
    provider2, de_en, en_ko = _engines()
    later = datetime(2025, 9, 2, 12, 0, tzinfo=BERLIN)
    result = build(Settings(), _options(workdir), provider2, now=later)
    assert de_en.calls == 0 and en_ko.calls == 0
    assert sum(s.from_memory for s in result.engines) > 0
    before = [e.updated for e in feedparser.parse(atom).entries]
    after = [e.updated for e in feedparser.parse((workdir / "output" / "en" / "atom.xml").read_bytes()).entries]
    assert before == after

    (workdir / "releases" / "b.md").write_text(RELEASE_B + "\nEin neuer Satz.\n", encoding="utf-8")
    provider3, de_en3, _ = _engines()
    build(Settings(), _options(workdir), provider3, now=later)
    assert de_en3.seen == ["Ein neuer Satz."]
    changed = {e.title: e.updated for e in feedparser.parse((workdir / "output" / "en" / "atom.xml").read_bytes()).entries}
    assert changed["<en>Gemeinderat beschließt Haushalt"].startswith("2025-09-02")


def test_no_cache_translates_everything_again(workdir: Path) -> None:
    provider, _, _ = _engines()
    build(Settings(), _options(workdir), provider, now=NOW)
    provider2, de_en, _ = _engines()
    build(Settings(), _options(workdir, use_memory=False), provider2, now=NOW)
    assert de_en.calls > 0


def test_missing_model_names_the_pair_and_writes_nothing(workdir: Path) -> None:
    provider = StaticEngines(TaggingEngine("de", "en"))
    with pytest.raises(BuildError, match=r"de→ko.*pressroom models install"):
        build(Settings(), _options(workdir), provider, now=NOW)
    assert not list((workdir / "output").glob("*/*.docx"))


def test_bad_file_fails_alone(workdir: Path) -> None:
    (workdir / "releases" / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    provider, _, _ = _engines()
    result = build(Settings(), _options(workdir), provider, now=NOW)
    assert result.exit_code == 1
    assert [p.path.name for p in result.failed] == ["broken.md"]
    assert len(result.published["en"]) == 2


def test_duplicate_slug_is_rejected_for_the_second_file(workdir: Path) -> None:
    (workdir / "releases" / "c.md").write_text(RELEASE_B, encoding="utf-8")
    provider, _, _ = _engines()
    result = build(Settings(), _options(workdir), provider, now=NOW)
    assert [p.path.name for p in result.failed] == ["c.md"]
    assert "slug" in result.failed[0].message


def test_english_release_is_published_as_is_and_translated_to_korean(workdir: Path) -> None:
    (workdir / "releases" / "en.md").write_text(ENGLISH, encoding="utf-8")
    provider, de_en, en_ko = _engines()
    result = build(Settings(), _options(workdir), provider, now=NOW)
    assert "partnership-with-sejong-signed" in result.published["en"]
    assert "partnership-with-sejong-signed" in result.published["ko"]
    assert "partnership-with-sejong-signed" not in result.published["de"]
    assert "The mayors of Stuttgart and Sejong signed a declaration of intent on Thursday." in en_ko.seen
    english = docx.Document(workdir / "output" / "en" / "partnership-with-sejong-signed.docx")
    assert any(p.text == "The mayors of Stuttgart and Sejong signed a declaration of intent on Thursday." for p in english.paragraphs)


def test_undetected_language_without_model_is_rejected_plainly(workdir: Path) -> None:
    (workdir / "releases" / "fr.md").write_text(
        "---\ntitle: Communiqué\ndate: 2025-07-01\n---\n"
        "La ville de Stuttgart et la ville de Sejong ont signé une déclaration d'intention jeudi.\n",
        encoding="utf-8",
    )
    provider, _, _ = _engines()
    result = build(Settings(), _options(workdir), provider, now=NOW)
    assert result.exit_code == 1
    assert [p.path.name for p in result.failed] == ["fr.md"]
    assert "'fr'" in result.failed[0].message


def test_embargoed_release_waits(workdir: Path) -> None:
    provider, _, _ = _engines()
    early = datetime(2025, 8, 1, 12, 0, tzinfo=BERLIN)
    result = build(Settings(), _options(workdir), provider, now=early)
    assert result.published["en"] == ["gemeinderat-beschliesst-haushalt"]
    assert [p.path.name for p in result.held_back] == ["a.md"]
    assert not (workdir / "output" / "en" / "neue-stadtbahnhaltestelle-in-moehringen.html").exists()


def test_demo_engines_are_refused_without_demo_mode(workdir: Path) -> None:
    provider = StaticEngines(TaggingEngine("de", "en", demo=True), TaggingEngine("en", "ko", demo=True))
    with pytest.raises(BuildError, match="DEMO"):
        build(Settings(), _options(workdir), provider, now=NOW)
    result = build(Settings(), _options(workdir, allow_demo=True), provider, now=NOW)
    assert result.demo
    assert "DEMO" in (workdir / "output" / "en" / "rss.xml").read_text(encoding="utf-8")


def test_a_second_build_on_the_same_output_stops_with_a_clear_message(workdir: Path) -> None:
    state = workdir / "output" / STATE_DIR
    state.mkdir(parents=True)
    provider, _, _ = _engines()
    with FileLock(state / "build.lock"):
        with pytest.raises(BuildError, match="Another pressroom build"):
            build(Settings(), _options(workdir), provider, now=NOW)


def test_missing_releases_folder(tmp_path: Path) -> None:
    provider, _, _ = _engines()
    with pytest.raises(BuildError, match="does not exist"):
        build(Settings(), _options(tmp_path), provider, now=NOW)


def test_uncertain_language_detection_keeps_the_source_language(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pressroom.build.plan as plan

    monkeypatch.setattr(
        plan,
        "detect_language",
        lambda text, default: ("ro", 0.71) if text.startswith("Gemeinderat beschließt") else ("fr", 0.999),
    )
    provider, _, _ = _engines()
    result = build(Settings(), _options(workdir), provider, now=NOW)
    assert "gemeinderat-beschliesst-haushalt" in result.published["en"]  # 71 % 'ro': kept as German
    assert any("only 71% sure" in p.message for p in result.warnings)
    assert [p.path.name for p in result.failed] == ["a.md"]  # 99.9 % 'fr' and no fr model: refused
