"""The website through real checkers: the Nu Html Checker over whole builds, and headless
Chromium typing queries into the search page served by the preview server.

Skipped with a count line where Java/vnu.jar or Chromium are missing; CI requires them
(PRESSROOM_REQUIRE_CHECKERS, see tests/checkers.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from checkers import CHROMIUM_FLAGS, VNU_JAR, chromium, java
from engines import StaticEngines, TaggingEngine
from shared_dir import CORPUS
from test_writers_docx import BERLIN
from test_writers_feeds import atom_problems, rss_problems

from pressroom.config import Settings
from pressroom.document.inline import Text
from pressroom.document.model import Edition, Paragraph, Release
from pressroom.build.pipeline import BuildOptions, build
from pressroom.serve import PreviewServer
from pressroom.writers.site import publish_site

FIXTURES = Path(__file__).parent / "fixtures" / "releases"
SITE = "https://presse.example.org/mitteilungen/"
TAGGED = """---
title: "Neue Stadtbahnlinie U19 nach Möhringen"
date: 2025-06-02T09:15:00+02:00
tags: ["Verkehr", "Stadtbahn"]
summary: "Ab Montag fährt die U19 im Zehn-Minuten-Takt."
---
Die Stadtbahnlinie U19 verbindet ab Montag den Hauptbahnhof mit Möhringen.

## Fahrplan

- Montag bis Freitag alle zehn Minuten
- Samstag alle 15 Minuten

> „Ein guter Tag für den Nahverkehr“, sagte die Bürgermeisterin.
"""


def _build_site(root: Path, releases: list[Path], pictures: list[Path] | None = None) -> Path:
    """A whole build (readers, deterministic engines, every writer) of ``releases`` (and the
    ``pictures`` among them, which are no releases)."""
    folder = root / "releases"
    folder.mkdir(parents=True)
    for path in releases:
        shutil.copy(path, folder / path.name)
    (folder / "stadtbahn.md").write_text(TAGGED, encoding="utf-8")
    options = BuildOptions(releases_dir=folder, output_dir=root / "output")
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    # now: the .txt releases are dated by their file time, which must not lie in the future
    result = build(Settings(site_url=SITE, imprint_url="https://example.org/impressum"), options, engines)
    assert not result.failed and not result.held_back, (result.failed, result.held_back)
    assert len(result.published["ko"]) == len(releases) - len(pictures or []) + 1  # every release, in Korean at least
    return root / "output"


def _vnu_errors(site: Path) -> list[str]:
    """Every error the Nu Html Checker finds in the site's HTML files, as 'file:line: message'."""
    pages = sorted(str(p) for p in site.rglob("*.html"))
    run = subprocess.run(
        [java() or "java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *pages],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [f"{m.get('url', '').rsplit('/', 2)[-2:]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def _feed_problems(site: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted(site.rglob("*.xml")):
        if path.name.endswith("rss.xml"):
            problems += [f"{path}: {p}" for p in rss_problems(path, SITE + path.relative_to(site).as_posix())]
        elif path.name.endswith("atom.xml"):
            problems += [f"{path}: {p}" for p in atom_problems(path, SITE + path.relative_to(site).as_posix())]
    return problems


@pytest.mark.vnu
def test_a_build_of_the_fixtures_passes_the_nu_html_checker(tmp_path: Path) -> None:
    """Pages of every kind: front page, indexes, archives, tags, search, releases, QA report.
    The .txt fixtures carry no date, so they are dated by their file time (with microseconds)."""
    site = _build_site(tmp_path, sorted(FIXTURES.iterdir()))
    assert (site / "de" / "tags" / "stadtbahn.html").is_file()
    assert _vnu_errors(site) == []
    assert _feed_problems(site) == []
    assert len(list(site.rglob("*.rss.xml"))) == 3 * 2  # two tags in three languages


@pytest.mark.vnu
def test_the_checker_finds_what_it_should(tmp_path: Path) -> None:
    """The check can fail: a microsecond datetime and a duplicate id are reported."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<p id="a"><time datetime="2026-12-02T08:38:06.870943+01:00x">heute</time></p><p id="a">b</p></body></html>',
        encoding="utf-8",
    )
    found = " | ".join(_vnu_errors(tmp_path))
    assert "datetime" in found and "Duplicate ID" in found


@pytest.mark.vnu
@pytest.mark.corpus
def test_a_build_of_the_corpus_passes_the_nu_html_checker_and_the_feed_rules(tmp_path: Path) -> None:
    site = _build_site(tmp_path, sorted(CORPUS.iterdir()))
    assert len(list((site / "ko").glob("*.html"))) >= 10
    assert _vnu_errors(site) == []
    assert _feed_problems(site) == []


@pytest.mark.vnu
@pytest.mark.corpus
def test_a_build_of_the_rich_corpus_passes_the_nu_html_checker(tmp_path: Path) -> None:
    """Word, Markdown and text releases with datelines, contact blocks, links and emphasis (and
    tables and pictures, as far as the readers give them)."""
    rich = CORPUS.parent / "de-rich-releases"
    releases = [p for p in sorted(rich.iterdir()) if p.suffix in (".docx", ".md", ".txt", ".jpg")]
    releases = [p for p in releases if p.name not in ("EXPECTED.md", "SOURCES.md")]
    site = _build_site(tmp_path, releases, pictures=[p for p in releases if p.suffix == ".jpg"])
    assert len(list((site / "de").glob("*.html"))) >= 6 + 2  # the releases, index and search
    assert _vnu_errors(site) == []
    assert _feed_problems(site) == []


@pytest.mark.vnu
def test_every_kind_of_block_passes_the_nu_html_checker(tmp_path: Path) -> None:
    """Marks, nested lists, a table with a header and merged cells, a picture, a dateline and a
    contact block, in pages and in a list with the picture as teaser. Headings never skip a
    level (an h3 right under the title becomes an h2)."""
    from pressroom.document.inline import Mark, MarkKind
    from pressroom.document.model import Cell, Contact, Dateline, Figure, Heading, Image, ListItem, Table
    from test_site import PNG
    from pressroom.writers.media import write_media

    text = Text("Mehr auf der Website und per Mail.", (
        Mark(0, 4, MarkKind.BOLD), Mark(9, 12, MarkKind.ITALIC), Mark(13, 20, MarkKind.LINK, "https://example.org/"),
        Mark(25, 29, MarkKind.LINK, "mailto:presse@example.org"),
    ))  # fmt: skip
    table = Table(
        ((Cell(Text("Jahr")), Cell(Text("Umsatz"), col_span=2)), (Cell(Text("2024"), row_span=2), Cell(Text("1")), Cell(Text("2"))),
         (Cell(Text("3")), Cell(Text("4")))),
        header_rows=1, align=("left", "right", "right"),
    )  # fmt: skip
    blocks = [
        Dateline("Stuttgart, 12.03.2024", "Stuttgart", "", "2024-03-12"), Paragraph(text), Heading(Text("Zahlen"), 3), Heading(Text("Mehr"), 4), table,
        Figure(Image(PNG, "image/png", "a.png", 1, 1), Text("Bild"), "Ein Bild"), ListItem(Text("eins")),
        ListItem(Text("tief"), level=2, ordered=True), ListItem(Text("zwei")), Contact("", (Text("Anna Muster"), text)),
    ]  # fmt: skip
    release = Release("reich", "Reiche Meldung", datetime(2025, 5, 1, 10, tzinfo=BERLIN), blocks, Path("reich.md"))
    editions = {"de": [Edition.original(release)]}
    editions["en"] = [Edition.from_texts(release, "en", release.translatable_texts())]
    write_media(blocks, tmp_path)
    publish_site(editions, tmp_path, Settings(site_url=SITE), docx_sizes={"de": {"reich": 1}, "en": {"reich": 1}})
    page = (tmp_path / "en" / "reich.html").read_text(encoding="utf-8")
    for element in ("<strong>", "<em>", 'href="mailto:', 'scope="col"', 'colspan="2"', 'rowspan="2"', "<figcaption>", "<ol>", "<h2>Zahlen", "<h3>Mehr"):
        assert element in page, element
    assert _vnu_errors(tmp_path) == []
    assert _feed_problems(tmp_path) == []


# --- search in a real browser -----------------------------------------------------------------

# Three releases whose editions say different things per language, as real translations would.
SEARCHABLE = {
    "stadtbahn-moehringen": (
        "Neue Stadtbahn nach Möhringen",
        "New light rail line to Möhringen",
        "묄링겐행 새 경전철 개통",
        ["Die Stadtbahn fährt ab Montag im Zehn-Minuten-Takt nach Möhringen."],
        ["The light rail runs to Möhringen every ten minutes from Monday."],
        ["경전철은 월요일부터 10분 간격으로 묄링겐까지 운행합니다."],
    ),
    "partnerschaft-sejong": (
        "Städtepartnerschaft mit Sejong besiegelt",
        "Twinning agreement with Sejong signed",
        "세종시와 자매결연 체결",
        ["Der Oberbürgermeister unterzeichnete den Partnerschaftsvertrag im Rathaus."],
        ["The mayor signed the partnership treaty at the town hall."],
        ["슈투트가르트는 세종시와 자매결연을 맺었습니다. 시장이 시청에서 협정에 서명했습니다."],
    ),
    "solarpark": (
        "Größter Solarpark der Region eröffnet",
        "Largest solar park in the region opens",
        "지역 최대 태양광 발전소 개장",
        ["Die Stadtwerke eröffnen am Freitag den Solarpark mit 25 Megawatt."],
        ["The municipal utility opens the 25 megawatt solar park on Friday."],
        ["시영 전력회사가 금요일에 25메가와트 태양광 발전소를 개장합니다."],
    ),
}
OLDER = "solarpark"  # published in February: its pages are in an older search shard than the others
QUERIES = [
    ("de", "Stadtbahn", "stadtbahn-moehringen"),
    ("de", "Partnerschaftsvertrag", "partnerschaft-sejong"),
    ("en", "partnership", "partnerschaft-sejong"),
    ("en", "solar", "solarpark"),
    ("ko", "태양광", "solarpark"),
    ("ko", "세종시", "partnerschaft-sejong"),  # the text says 세종시와 (Sejong + "and")
    ("ko", "세종시와", "partnerschaft-sejong"),
]


def _searchable_site(out: Path) -> Path:
    by_lang: dict[str, list[Edition]] = {"de": [], "en": [], "ko": []}
    for n, (slug, (de, en, ko, de_body, en_body, ko_body)) in enumerate(SEARCHABLE.items()):
        date = datetime(2025, 2 if slug == OLDER else 5, 1 + n, 10, tzinfo=BERLIN)
        release = Release(slug, de, date, [Paragraph(Text(t)) for t in de_body], Path(f"{slug}.md"))
        by_lang["de"].append(Edition.original(release))
        for lang, title, body in (("en", en, en_body), ("ko", ko, ko_body)):
            by_lang[lang].append(Edition.from_texts(release, lang, [Text(t) for t in (title, "", "", *body)]))
    sizes = {lang: {e.slug: 1000 for e in eds} for lang, eds in by_lang.items()}
    publish_site(by_lang, out, Settings(site_url=SITE), docx_sizes=sizes)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    """Headless Chromium on the searchable site, served by the preview server (site_url rewritten)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    site = _searchable_site(tmp_path_factory.mktemp("searchable"))
    server = PreviewServer(site, SITE, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found = chromium()
    assert found
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=found[1]), options=options)
    try:
        yield driver, server.url
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()


def _search(driver: object, url: str, query: str) -> list[str]:
    """Type ``query`` into the search page at ``url`` and return the result links' paths."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, 20)
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".pagefind-ui__search-input")))
    box.send_keys(query)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".pagefind-ui__message")))
    wait.until(lambda d: "…" not in d.find_element(By.CSS_SELECTOR, ".pagefind-ui__message").text)
    links = driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")  # type: ignore[attr-defined]
    return [link.get_attribute("href").split("/", 3)[3] for link in links]


@pytest.mark.browser
@pytest.mark.parametrize("lang, query, slug", QUERIES)
def test_search_finds_the_release_in_each_language(browser: tuple[object, str], lang: str, query: str, slug: str) -> None:
    driver, base = browser
    found = _search(driver, f"{base}{lang}/search.html", query)
    assert found and found[0] == f"{lang}/{slug}.html", found
    assert all(path.startswith(f"{lang}/") for path in found)  # each language searches its own index


@pytest.mark.browser
def test_search_merges_every_shard_and_finds_a_release_of_an_older_month(browser: tuple[object, str]) -> None:
    import urllib.request

    driver, base = browser
    for shard in ("2025-05", "2025-02"):  # each month is a complete Pagefind bundle of its own
        with urllib.request.urlopen(f"{base}pagefind/{shard}/pagefind-entry.json") as response:
            assert set(json.loads(response.read())["languages"]) == {"de", "en", "ko"}
    for lang, query in (("de", "Solarpark"), ("en", "solar"), ("ko", "태양광")):
        found = _search(driver, f"{base}{lang}/search.html", query)
        assert found and found[0] == f"{lang}/{OLDER}.html", found  # from the older shard
    found = _search(driver, f"{base}en/search.html", "partnership")
    assert found and found[0] == "en/partnerschaft-sejong.html", found  # and the newest one, merged


@pytest.mark.browser
def test_search_finds_nothing_for_a_word_no_release_has(browser: tuple[object, str]) -> None:
    driver, base = browser
    assert _search(driver, f"{base}en/search.html", "zeppelin") == []
