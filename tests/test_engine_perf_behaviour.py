"""What makes builds fast, checked as behaviour on real (tiny, synthetic) Argos packages.

Lazy loading and the translation memory (a build the memory answers loads no model), the
memory key (a decoding setting change misses, changing back hits again), crash recovery (a
killed build's committed batches are reused), corpus-wide deduplication with pivot reuse,
token-budget batches, and the up-to-date check (a re-run with nothing changed rebuilds
nothing; every kind of change makes it build).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ctranslate2
import pytest

from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult
from pressroom.translate import ctranslate
from pressroom.translate.ctranslate import LENGTH_BUCKET, _token_batches
from pressroom.translate.routing import ModelEngines
from pressroom.build.incremental import RECORD_FILE, inputs_fingerprint

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SHARED = "Die Bahnen fahren ab fünf Uhr morgens."
RELEASES = {
    "a.md": f"---\ntitle: Neue Haltestelle\ndate: 2025-08-04\n---\nDie Haltestelle wird eröffnet. {SHARED}\n",
    "b.md": f"---\ntitle: Neuer Fahrplan\ndate: 2025-08-05\n---\nDer Fahrplan ändert sich im Herbst. {SHARED}\n",
}


class _CountingTranslator:
    """The real ctranslate2.Translator, recording each model's inputs."""

    sent: dict[str, list[list[str]]] = {}

    def __init__(self, model_path: str, **kwargs: Any) -> None:
        self.inner = ctranslate2.Translator(model_path, **kwargs)
        self.inputs = _CountingTranslator.sent.setdefault(model_path, [])

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        self.inputs.extend(tokens)
        return self.inner.translate_batch(tokens, **kwargs)


class _NoModel:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("a model was loaded")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    for name, text in RELEASES.items():
        (tmp_path / "releases" / name).write_text(text, encoding="utf-8")
    return tmp_path


def _build(site: Path, models_dir: Path, settings: Settings | None = None, **options: Any) -> tuple[BuildResult, ModelEngines]:
    settings = settings or Settings()
    engines = ModelEngines(models_dir, settings.translation)
    options.setdefault("now", NOW)
    now = options.pop("now")
    build_options = BuildOptions(releases_dir=site / "releases", output_dir=site / "output", allow_demo=True, **options)
    return build(settings, build_options, engines, now=now), engines


def _stats(result: BuildResult) -> dict[str, tuple[int, int]]:
    return {f"{s.source}-{s.target}": (s.translated, s.from_memory) for s in result.engines}


def test_a_build_the_memory_answers_loads_no_model(site: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, engines = _build(site, models_dir)
    assert engines.loaded_models() == 2
    assert all(translated > 0 for translated, _ in _stats(first).values())
    (site / "output" / "index.html").unlink()  # the build must run in full, not be skipped
    monkeypatch.setattr(ctranslate, "Translator", _NoModel)
    second, engines = _build(site, models_dir)
    assert not second.up_to_date and not second.failed
    assert engines.loaded_models() == 0
    assert {pair: translated for pair, (translated, _) in _stats(second).items()} == {"de-en": 0, "en-ko": 0}
    assert all(remembered > 0 for _, remembered in _stats(second).values())
    assert (site / "output" / "index.html").is_file()


def test_changing_the_beam_size_misses_the_memory_and_changing_back_hits(site: Path, models_dir: Path) -> None:
    first, _ = _build(site, models_dir)
    sent = {pair: translated for pair, (translated, _) in _stats(first).items()}
    greedy = Settings()
    greedy.translation.beam_size = 1
    second, engines = _build(site, models_dir, greedy)
    assert _stats(second) == {pair: (count, 0) for pair, count in sent.items()}  # all translated again
    assert engines.loaded_models() == 2
    third, engines = _build(site, models_dir)  # beam 2 again: its entries are still there
    assert _stats(third) == {pair: (0, count) for pair, count in sent.items()}
    assert engines.loaded_models() == 0


def test_each_distinct_sentence_crosses_each_model_once_and_korean_reuses_english(
    site: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _CountingTranslator.sent = {}
    monkeypatch.setattr(ctranslate, "Translator", _CountingTranslator)
    result, engines = _build(site, models_dir, use_memory=False)
    de_en, en_ko = (next(e for e in engines._engines.values() if e.source == s) for s in ("de", "en"))
    inputs = {e.source: _CountingTranslator.sent[str(e.model.path / "model")] for e in (de_en, en_ko)}
    # 2 titles and 3 distinct body sentences (the summaries repeat the first ones, SHARED is
    # in both releases); the Korean route's de→en step reused the English edition's run.
    assert len(inputs["de"]) == len({tuple(t) for t in inputs["de"]}) == 5
    assert _stats(result) == {"de-en": (5, 0), "en-ko": (5, 0)}
    assert len(inputs["en"]) == 5
    assert sorted(result.published["ko"]) == sorted(result.published["en"]) == ["neue-haltestelle", "neuer-fahrplan"]


def test_a_killed_build_leaves_the_memory_usable_and_the_next_build_resumes(site: Path, models_dir: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os
        from datetime import datetime
        from pathlib import Path
        from pressroom.config import Settings
        from pressroom.build.pipeline import build
        from pressroom.build.types import BuildOptions
        from pressroom.translate import corpus
        from pressroom.translate.ctranslate import CTranslate2Engine
        from pressroom.translate.routing import ModelEngines

        corpus.CHUNK_SENTENCES = 2  # commit to the memory after every 2 sentences
        real = CTranslate2Engine.translate_batch
        calls = []
        def translate_then_die(self, sentences):
            calls.append(1)
            if len(calls) == 2:
                os.kill(os.getpid(), 9)  # killed while the second chunk is being translated
            return real(self, sentences)
        CTranslate2Engine.translate_batch = translate_then_die
        settings = Settings()
        site = Path({str(site)!r})
        options = BuildOptions(site / "releases", site / "output", allow_demo=True)
        build(settings, options, ModelEngines(Path({str(models_dir)!r}), settings.translation))
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert not (site / "output" / "en").exists()  # nothing was published
    result, _ = _build(site, models_dir)
    assert not result.failed and sorted(result.published["en"]) == ["neue-haltestelle", "neuer-fahrplan"]
    assert _stats(result)["de-en"] == (3, 2)  # the committed chunk came from the memory


def test_a_rerun_with_nothing_changed_rebuilds_nothing(site: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = _build(site, models_dir)
    outputs = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    monkeypatch.setattr(ctranslate, "Translator", _NoModel)
    again, engines = _build(site, models_dir)
    assert again.up_to_date and again.engines == []
    assert (again.published, again.warnings, again.releases_seen) == (first.published, first.warnings, first.releases_seen)
    assert again.findings == first.findings and again.exit_code == first.exit_code
    assert engines.loaded_models() == 0
    after = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    assert after == outputs  # not one file touched


def test_the_record_is_plain_json_and_a_damaged_one_means_a_full_build(site: Path, models_dir: Path) -> None:
    _build(site, models_dir)
    record = site / "output" / STATE_DIR / RECORD_FILE
    assert json.loads(record.read_text(encoding="utf-8"))["result"]["published"]  # data, never code
    record.write_bytes(b"\x80\x04 not json")
    rebuilt, _ = _build(site, models_dir)
    assert not rebuilt.up_to_date and not rebuilt.failed


def test_every_kind_of_change_makes_the_build_run(site: Path, models_dir: Path) -> None:
    release = site / "releases" / "a.md"
    original_mtime = release.stat().st_mtime_ns

    def same_size_edit() -> None:  # the same size and time stamp: only the content tells
        release.write_text(release.read_text(encoding="utf-8").replace("eröffnet", "erweitert"), encoding="utf-8")
        os.utime(release, ns=(original_mtime, original_mtime))

    def embargoed_release() -> None:
        (site / "releases" / "c.md").write_text(
            "---\ntitle: Später\ndate: 2025-09-02T09:00:00+02:00\nlang: de\n---\nDas kommt morgen.\n", encoding="utf-8"
        )

    organisation = Settings(organisation="Stadt Musterhausen")
    changes: list[tuple[str, Any, dict[str, Any]]] = [
        ("a release edited in place", same_size_edit, {}),
        ("a release added", embargoed_release, {}),
        ("the embargo's time has come", lambda: None, {"now": NOW + timedelta(days=2)}),
        ("a release removed", lambda: (site / "releases" / "c.md").unlink(), {"now": NOW + timedelta(days=2)}),
        ("a setting changed", lambda: None, {"settings": organisation}),
        ("an output file changed", lambda: (site / "output" / "en" / "rss.xml").write_text("x"), {"settings": organisation}),
        ("a build option changed", lambda: None, {"settings": organisation, "targets": ["en"]}),
        ("a model package changed", lambda: _touch_metadata(models_dir), {"settings": organisation, "targets": ["en"]}),
    ]
    _build(site, models_dir)
    assert _build(site, models_dir)[0].up_to_date
    results = {}
    for description, change, options in changes:
        change()
        settings = options.pop("settings", None)
        results[description], _ = _build(site, models_dir, settings, **options)
        assert not results[description].up_to_date and not results[description].failed, description
        assert _build(site, models_dir, settings, **options)[0].up_to_date, f"not stable after: {description}"
    assert results["a release added"].held_back and "spaeter" not in results["a release added"].published["en"]
    assert "spaeter" in results["the embargo's time has come"].published["en"]
    assert (site / "output" / "en" / "rss.xml").read_text() != "x"


def _touch_metadata(models_dir: Path) -> None:
    metadata = next(models_dir.glob("*de_en*/metadata.json"))
    metadata.write_text(metadata.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def test_no_cache_builds_in_full_and_the_next_build_is_not_skipped(site: Path, models_dir: Path) -> None:
    _build(site, models_dir)
    no_cache, engines = _build(site, models_dir, use_memory=False)
    assert not no_cache.up_to_date and engines.loaded_models() == 2
    after, engines = _build(site, models_dir)  # the output folder changed: a full build, from the memory
    assert not after.up_to_date and engines.loaded_models() == 0
    assert _build(site, models_dir)[0].up_to_date


def test_engines_that_cannot_name_their_models_always_build(site: Path) -> None:
    class Nameless:
        def route(self, source: str, target: str) -> None:
            return None

    assert inputs_fingerprint(Settings(), BuildOptions(releases_dir=site / "releases"), Nameless()) is None
    assert (site / "output" / STATE_DIR / RECORD_FILE).exists() is False


def test_token_batches_keep_the_budget_and_the_length_buckets() -> None:
    rng = random.Random(7)
    units = [["x"] * rng.randint(1, 120) for _ in range(500)]
    batches = _token_batches(units, 600)
    assert sorted(k for batch in batches for k in batch) == list(range(500))  # each unit once
    for batch in batches:
        lengths = [len(units[k]) for k in batch]
        assert lengths == sorted(lengths)
        assert sum(lengths) <= 600 or len(batch) == 1
        assert max(lengths) <= min(lengths) * LENGTH_BUCKET + 4


def test_files_that_are_no_input_change_nothing_and_the_glossary_does(site: Path, models_dir: Path) -> None:
    """A cron job's `pressroom build > build.log` and editors' lock files sit beside the inputs."""
    glossary = site / "glossary.tsv"
    glossary.write_text("de\ten\tko\tnote\nStadtbahn\tlight rail\t경전철\t\n", encoding="utf-8")
    _build(site, models_dir, glossary=glossary)
    (site / "build.log").write_text("first run\n", encoding="utf-8")
    (site / ".glossary.tsv.swp").write_bytes(b"vim swap")
    (site / "releases" / "~$a.docx").write_bytes(b"word lock file")
    (site / "releases" / ".a.md.swp").write_bytes(b"vim swap")
    assert _build(site, models_dir, glossary=glossary)[0].up_to_date
    (site / "build.log").write_text("second run\n", encoding="utf-8")
    assert _build(site, models_dir, glossary=glossary)[0].up_to_date
    glossary.write_text("de\ten\tko\tnote\nStadtbahn\tStadtbahn\t경전철\t\n", encoding="utf-8")
    assert not _build(site, models_dir, glossary=glossary)[0].up_to_date


def test_a_replaced_picture_beside_the_releases_rebuilds(site: Path, models_dir: Path) -> None:
    """A press photo swapped under the same name changes every edition that shows it."""
    from blocks import png

    (site / "releases" / "foto.png").write_bytes(png(4, 3))
    (site / "releases" / "bild.md").write_text("# Bild der Woche\n\n![Foto](foto.png)\n\nDer Park.\n", encoding="utf-8")
    first = _build(site, models_dir)[0]
    assert first.exit_code == 0, first.failed
    assert _build(site, models_dir)[0].up_to_date
    (site / "releases" / "foto.png").write_bytes(png(8, 6))
    assert not _build(site, models_dir)[0].up_to_date
