"""Incremental builds: a build renders and checks only the editions whose inputs changed.

Counted, not inferred: every DOCX write, page render, quality check and release read goes
through a counting wrapper around the real function. Feeds and indexes must still list every
release; a removed release must leave every list and lose its files; a DOCX whose content did
not change must come out byte for byte the same.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from engines import StaticEngines, TaggingEngine

from pressroom.build import fingerprint, per_edition, plan
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult
from pressroom.config import Settings
from pressroom.qa import checks
from pressroom.review.store import REVIEWS_FILE, Approvals, Correction
from pressroom.writers import pages
from pressroom.writers.links import SEARCH_DIR
from pressroom.qa.report import PART_TEMPLATE
from pressroom.writers.search import describe
from pressroom.writers.theme import Theme

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)
LANGUAGES = ("de", "en", "ko")
TOPICS = ("Stadtbahn", "Bürgerbüro", "Freibad", "Radweg")


def _release(number: int, topic: str, extra: str = "") -> str:
    return (
        f"---\ntitle: Neues zum {topic}\ndate: 2025-08-0{number + 1}T10:00:00+02:00\n---\n"
        f"Die Stadt informiert über das Projekt {topic}. Der Gemeinderat hat am Montag zugestimmt.{extra}\n\n"
        f"## Termine\n\nDie Arbeiten beginnen im Herbst und dauern {number + 2} Monate.\n"
    )


SLUGS = [f"neues-zum-{topic.lower().replace('ü', 'ue')}" for topic in TOPICS]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    for number, topic in enumerate(TOPICS):
        (tmp_path / "releases" / f"r{number}.md").write_text(_release(number, topic), encoding="utf-8")
    return tmp_path


class Calls:
    """Counts what a build renders, checks and reads, by wrapping the real functions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.docx: Counter[tuple[str, str]] = Counter()
        self.pages: Counter[tuple[str, str]] = Counter()
        self.checked: Counter[tuple[str, str]] = Counter()
        self.read: Counter[str] = Counter()
        monkeypatch.setattr(per_edition, "render_docx", self._wrap(per_edition.render_docx, lambda e, *a, **k: self.docx.update([(e.lang, e.slug)])))
        monkeypatch.setattr(pages, "release_context", self._wrap(pages.release_context, lambda e, *a, **k: self.pages.update([(e.lang, e.slug)])))
        monkeypatch.setattr(plan, "read_release", self._wrap(plan.read_release, lambda path, *a, **k: self.read.update([path.name])))
        real_check = checks.check_editions

        def check_editions(records: Any, *args: Any, **kwargs: Any) -> Any:
            records = list(records)
            self.checked.update((r.lang, r.release) for r in records)
            return real_check(records, *args, **kwargs)

        monkeypatch.setattr(checks, "check_editions", check_editions)

    @staticmethod
    def _wrap(real: Callable[..., Any], note: Callable[..., None]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            note(*args, **kwargs)
            return real(*args, **kwargs)

        return wrapper

    def clear(self) -> None:
        for counter in (self.docx, self.pages, self.checked, self.read):
            counter.clear()


def _build(site: Path, settings: Settings | None = None, **options: Any) -> BuildResult:
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    build_options = BuildOptions(releases_dir=site / "releases", output_dir=site / "output", **options)
    result = build(settings or Settings(), build_options, engines, now=NOW)
    assert not result.failed, result.failed
    return result


def _listed(site: Path, lang: str) -> dict[str, list[str]]:
    """Slugs each list of a language shows: its index page, its RSS and its Atom feed."""
    index = (site / "output" / lang / "index.html").read_text(encoding="utf-8")
    lists = {"index": sorted(slug for slug in SLUGS if f"{slug}.html" in index)}
    for feed in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((site / "output" / lang / feed).read_bytes())
        lists[feed] = sorted(entry.link.rsplit("/", 1)[1].removesuffix(".html") for entry in parsed.entries)
    return lists


def test_an_edit_renders_and_checks_exactly_the_editions_of_its_release(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    _build(site)
    assert len(calls.docx) == len(calls.pages) == 12 and len(calls.checked) == 8 and len(calls.read) == 4
    calls.clear()

    edited = site / "releases" / "r2.md"
    edited.write_text(_release(2, "Freibad", " Der Eintritt bleibt frei."), encoding="utf-8")
    result = _build(site)
    slug = SLUGS[2]
    assert calls.docx == calls.pages == Counter({(lang, slug): 1 for lang in LANGUAGES})
    assert calls.checked == Counter({("en", slug): 1, ("ko", slug): 1})  # originals are not checked
    assert calls.read == Counter({"r2.md": 1})  # the other files are taken as read before
    assert result.rebuilt == {lang: [slug] for lang in LANGUAGES}
    assert result.published == {lang: SLUGS for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert _listed(site, lang) == {"index": sorted(SLUGS), "rss.xml": sorted(SLUGS), "atom.xml": sorted(SLUGS)}
    assert "&lt;en&gt;Der Eintritt bleibt frei." in (site / "output" / "en" / f"{slug}.html").read_text(encoding="utf-8")
    report = (site / "output" / "qa-report.json").read_text(encoding="utf-8")
    assert all(f'"release": "{s}"' in report for s in SLUGS)  # the report still covers every edition
    assert describe(site / "output" / SEARCH_DIR).pages == {lang: 4 for lang in LANGUAGES}  # and search


def test_a_build_that_must_run_but_finds_nothing_changed_renders_nothing(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(site)
    calls = Calls(monkeypatch)
    (site / "output" / "en" / "index.html").unlink()  # the whole build runs again ...
    (site / "build.log").write_text("a log beside the inputs\n", encoding="utf-8")
    index = site / "output" / SEARCH_DIR / "2025-08" / "pagefind-entry.json"  # the releases' month
    indexed = index.stat().st_mtime_ns
    leftover = site / "output" / f".{SEARCH_DIR}.new"  # the half-made index of a killed build
    (leftover / "fragment").mkdir(parents=True)
    (leftover / "fragment" / "de_0.pf_fragment").write_bytes(b"half")
    result = _build(site)
    assert result.rebuilt == {lang: [] for lang in LANGUAGES}  # ... and renders no edition
    assert not calls.docx and not calls.pages and not calls.checked and not calls.read
    assert index.stat().st_mtime_ns == indexed  # no page changed: the search index is kept
    assert not leftover.exists()  # and what a killed build left of a new one is gone
    assert (site / "output" / "en" / "index.html").is_file()
    assert _listed(site, "en")["index"] == sorted(SLUGS)


def test_a_deleted_or_changed_output_file_is_written_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(site)
    calls = Calls(monkeypatch)
    (site / "output" / "ko" / f"{SLUGS[0]}.docx").unlink()
    (site / "output" / "de" / f"{SLUGS[1]}.html").write_text("edited by hand", encoding="utf-8")
    (site / "output" / "en" / "rss.xml").write_text("edited by hand", encoding="utf-8")  # a list the memo knows
    (site / "output" / "sitemap.xml").unlink()
    result = _build(site)
    assert set(calls.docx) == {("ko", SLUGS[0]), ("de", SLUGS[1])}
    assert result.rebuilt == {"de": [SLUGS[1]], "en": [], "ko": [SLUGS[0]]}
    assert (site / "output" / "ko" / f"{SLUGS[0]}.docx").is_file()
    assert "edited by hand" not in (site / "output" / "de" / f"{SLUGS[1]}.html").read_text(encoding="utf-8")
    assert _listed(site, "en")["rss.xml"] == sorted(SLUGS) and (site / "output" / "sitemap.xml").is_file()


def test_a_removed_release_leaves_every_list_and_its_files_go(site: Path) -> None:
    _build(site)
    gone = SLUGS[1]
    assert len(list((site / "output").glob(f"*/{gone}.*"))) == 6
    (site / "releases" / "r1.md").unlink()
    result = _build(site)
    kept = [slug for slug in SLUGS if slug != gone]
    assert result.published == {lang: kept for lang in LANGUAGES}
    assert result.rebuilt == {lang: [] for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert _listed(site, lang) == {"index": sorted(kept), "rss.xml": sorted(kept), "atom.xml": sorted(kept)}
    assert list((site / "output").glob(f"*/{gone}.*")) == []
    assert gone not in (site / "output" / "qa-report.json").read_text(encoding="utf-8")
    assert gone not in (site / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert describe(site / "output" / SEARCH_DIR).pages == {lang: 3 for lang in LANGUAGES}


JUNE = "---\ntitle: Sommerfest im Park\ndate: 2025-06-14T10:00:00+02:00\ntags: [Kultur]\n---\nDie Stadt lädt zum Sommerfest ein.\n"
JUNE_SLUG = "sommerfest-im-park"


def _site_files(output: Path) -> dict[str, tuple[int, bytes]]:
    """Every published file (not the state folder) with its modification time and bytes."""
    return {
        path.relative_to(output).as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(output.rglob("*"))
        if path.is_file() and STATE_DIR not in path.relative_to(output).parts
    }


def _contents(output: Path) -> dict[str, object]:
    """Every published file's bytes; Pagefind's entry files as JSON (it lists languages in any order)."""
    return {
        name: json.loads(data) if name.endswith("pagefind-entry.json") else data
        for name, (_, data) in _site_files(output).items()
    }


def test_an_edit_rewrites_only_the_lists_feeds_and_search_shard_that_show_its_release(site: Path) -> None:
    (site / "releases" / "r4.md").write_text(JUNE, encoding="utf-8")  # another month, with a tag
    _build(site)
    before = _site_files(site / "output")
    time.sleep(0.05)
    edited = site / "releases" / "r2.md"
    edited.write_text(_release(2, "Freibad", " Der Eintritt bleibt frei."), encoding="utf-8")
    _build(site)
    after = _site_files(site / "output")
    rewritten = {name for name in after if before.get(name, (None,))[0] != after[name][0]}
    slug = SLUGS[2]
    shard = {name for name in rewritten if name.startswith(f"{SEARCH_DIR}/")}
    assert shard and all(name.startswith(f"{SEARCH_DIR}/2025-08/") for name in shard)  # the August shard only
    lists = {"index.html", "sitemap.xml", "qa-report.html", "qa-report.json"}
    for lang in LANGUAGES:  # the lists that show the edited release (its entry's time moved)
        lists |= {f"{lang}/{slug}.docx", f"{lang}/{slug}.html", f"{lang}/index.html", f"{lang}/archive/2025.html",
                  f"{lang}/rss.xml", f"{lang}/atom.xml"}  # fmt: skip
    assert rewritten - shard == lists
    # Not rewritten: the June shard, the tag's page and feeds, the search pages, other releases.
    assert any(name.startswith(f"{SEARCH_DIR}/2025-06/") for name in after)
    assert any("/tags/" in name for name in after) and "en/search.html" in after and f"en/{JUNE_SLUG}.html" in after


def test_an_edit_renders_only_its_editions_sections_of_the_quality_report(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[tuple[str, str]] = []
    real = Theme.render

    def render(theme: Theme, template: str, **context: Any) -> str:
        if template == PART_TEMPLATE:
            rendered.append((context["group"]["lang"], context["group"]["release"]))
        return real(theme, template, **context)

    monkeypatch.setattr(Theme, "render", render)
    _build(site)
    assert {lang for lang, _ in rendered} == {"en", "ko"} and len(set(rendered)) >= 4  # the translations' findings
    rendered.clear()
    (site / "releases" / "r2.md").write_text(_release(2, "Freibad", " Der Eintritt bleibt frei."), encoding="utf-8")
    _build(site)
    assert rendered and set(rendered) <= {("en", SLUGS[2]), ("ko", SLUGS[2])}
    report = (site / "output" / "qa-report.html").read_text(encoding="utf-8")
    assert all(f"<code>{slug}</code>" in report for slug in SLUGS)  # still one page with every edition
    rendered.clear()
    (site / "output" / "qa-report.html").unlink()
    _build(site)  # nothing changed: the whole report is written again from stored sections
    assert rendered == [] and (site / "output" / "qa-report.html").read_text(encoding="utf-8") == report


def test_an_incremental_build_gives_the_site_a_full_render_gives(site: Path) -> None:
    (site / "releases" / "r4.md").write_text(JUNE, encoding="utf-8")
    _build(site)
    (site / "releases" / "r2.md").write_text(_release(2, "Freibad", " Der Eintritt bleibt frei."), encoding="utf-8")
    (site / "releases" / "r1.md").unlink()
    _build(site)
    incremental = _contents(site / "output")
    for path in (site / "output").iterdir():  # everything but the state (the editions' times)
        if path.name != STATE_DIR:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    result = _build(site)
    assert sum(len(slugs) for slugs in result.rebuilt.values()) == 12  # every edition rendered again
    assert _contents(site / "output") == incremental


def test_a_month_whose_releases_all_went_leaves_the_search(site: Path) -> None:
    (site / "releases" / "r4.md").write_text(JUNE, encoding="utf-8")
    _build(site)
    assert (site / "output" / SEARCH_DIR / "2025-06").is_dir()
    assert "pagefind/2025-06/" in (site / "output" / "en" / "search.html").read_text(encoding="utf-8")
    (site / "releases" / "r4.md").unlink()
    _build(site)
    assert sorted(p.name for p in (site / "output" / SEARCH_DIR).iterdir()) == ["2025-08"]
    assert "pagefind/2025-06/" not in (site / "output" / "en" / "search.html").read_text(encoding="utf-8")
    assert describe(site / "output" / SEARCH_DIR).pages == {lang: 4 for lang in LANGUAGES}
    assert not list((site / "output").glob("*/tags/kultur*"))  # its tag's page and feeds are not listed ...


def test_a_build_for_fewer_languages_leaves_the_others_alone(site: Path) -> None:
    _build(site)
    korean = {p: p.read_bytes() for p in (site / "output" / "ko").rglob("*") if p.is_file()}
    (site / "releases" / "r0.md").unlink()
    _build(site, targets=["en"])
    assert {p: p.read_bytes() for p in (site / "output" / "ko").rglob("*") if p.is_file()} == korean
    assert not list((site / "output" / "de").glob(f"{SLUGS[0]}.*")) and not list((site / "output" / "en").glob(f"{SLUGS[0]}.*"))


def test_docx_files_are_byte_identical_when_nothing_in_them_changed(site: Path) -> None:
    _build(site)
    files = {p: p.read_bytes() for p in (site / "output").rglob("*.docx")}
    pages_before = {p: p.read_bytes() for p in (site / "output").rglob("*.html")}
    time.sleep(2.1)  # zip time stamps have a resolution of two seconds
    result = _build(site, use_memory=False)  # renders every edition again
    assert sum(len(slugs) for slugs in result.rebuilt.values()) == 12
    assert {p: p.read_bytes() for p in (site / "output").rglob("*.docx")} == files
    assert {p: p.read_bytes() for p in (site / "output").rglob("*.html")} == pages_before


def test_an_approval_renders_again_only_the_edition_it_changes(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(site)
    calls = Calls(monkeypatch)
    approvals = Approvals(site / "output" / STATE_DIR / REVIEWS_FILE)
    approvals.approve([Correction("de", "ko", "Neues zum Radweg", "자전거 도로 소식")], "Kim", "review.xlf")
    approvals.close()
    result = _build(site)
    assert result.rebuilt == {"de": [], "en": [], "ko": [SLUGS[3]]}
    assert set(calls.docx) == {("ko", SLUGS[3])} and set(calls.checked) == {("ko", SLUGS[3])}
    assert "자전거 도로 소식" in (site / "output" / "ko" / f"{SLUGS[3]}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["setting", "glossary", "do-not-translate", "option"])
def test_what_shapes_every_edition_renders_every_edition_again(site: Path, change: str) -> None:
    glossary = site / "glossary.tsv"
    glossary.write_text("de\ten\tko\tnote\nGemeinderat\tcity council\t시의회\t\n", encoding="utf-8")
    _build(site, glossary=glossary)
    settings, options = None, {}
    if change == "setting":
        settings = Settings(organisation="Stadt Musterhausen")
    elif change == "glossary":
        glossary.write_text("de\ten\tko\tnote\nGemeinderat\tmunicipal council\t시의회\t\n", encoding="utf-8")
    elif change == "do-not-translate":
        (site / "do-not-translate.txt").write_text("Freibad\n", encoding="utf-8")
    else:
        options = {"require_review": True}
    result = _build(site, settings, glossary=glossary, **options)
    assert result.rebuilt == {lang: SLUGS for lang in LANGUAGES}
    assert _build(site, settings, glossary=glossary, **options).rebuilt == {lang: [] for lang in LANGUAGES}


def test_the_code_fingerprint_covers_every_package_file_but_compiled_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pressroom"
    shutil.copytree(Path(fingerprint.__file__).parents[1] / "writers", package / "writers")
    (package / "themes" / "default").mkdir(parents=True)
    template = package / "themes" / "default" / "release.html"
    template.write_text("<h1>{{ title }}</h1>\n", encoding="utf-8")
    monkeypatch.setattr(fingerprint, "_PACKAGE_DIR", package)

    def digest() -> str:
        fingerprint.code_digest.cache_clear()
        return fingerprint.code_digest()

    try:
        before = digest()
        (package / "writers" / "__pycache__").mkdir(exist_ok=True)
        (package / "writers" / "__pycache__" / "pages.cpython-311.pyc").write_bytes(b"compiled")
        assert digest() == before
        template.write_text("<h1 class=title>{{ title }}</h1>\n", encoding="utf-8")
        assert digest() != before
    finally:
        fingerprint.code_digest.cache_clear()
