"""Rich releases as the readers read them, built into every edition: each link of the original is
a live link in every edition and format, tables keep their shape, and bold and italic are on
some words of every edition, with an engine that reverses the word order of every sentence
(so every mark has to move) and with one that gives no alignment at all.

The project's own fixtures (Markdown, plain text and a Word file made by tests/richdocs.py)
always; the real rich corpus (../shared/corpus/de-rich-releases) where it is present.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
import pytest
from engines import ReversingEngine, StaticEngines, TaggingEngine
from lxml import html
from richdocs import build_rich_docx, park_picture
from shared_dir import RICH_CORPUS

from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.config import Settings
from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import Contact, Release, Table
from pressroom.readers import find_releases, read_release

FIXTURES = Path(__file__).parent / "fixtures" / "rich"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
BEFORE = datetime(2025, 3, 1, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
LANGUAGES = ("de", "en", "ko")


def _texts(release: Release) -> list[Text]:
    texts = [text for block in release.blocks for text in block.texts()]
    for block in release.blocks:
        if isinstance(block, Contact):
            texts += list(block.lines)
            texts += block.table.texts() if block.table else ()
    return texts


def _tables(release: Release) -> list[tuple[int, int]]:
    tables = [b if isinstance(b, Table) else b.table for b in release.blocks if isinstance(b, Table) or (isinstance(b, Contact) and b.table)]
    return [table.shape for table in tables if table is not None]


def _html_facts(root: html.HtmlElement, site: str) -> tuple[set[str], list[tuple[int, int]], set[str]]:
    links = {
        a.get("href")
        for a in root.iter("a")
        if a.get("href", "").partition(":")[0] in ("http", "https", "mailto", "tel")
        and not a.get("href").startswith(site)
        and not a.xpath("ancestor::*[@data-pagefind-ignore]")
    }
    shapes = []
    for table in root.iter("table"):
        rows = table.xpath(".//tr")
        shapes.append((len(rows), sum(int(c.get("colspan", 1)) for c in rows[0].xpath("th|td"))))
    return links, shapes, {tag for tag in ("strong", "em") if root.find(f".//{tag}") is not None}


def _docx_facts(path: Path, site: str) -> tuple[set[str], list[tuple[int, int]]]:
    """Links and table shapes (emphasis is checked in HTML, where only marks make <strong> and
    <em>; the DOCX writer also sets bold and italic itself: header rows, notice, dateline)."""
    document = docx.Document(io.BytesIO(path.read_bytes()))
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    links = {link.url for p in [*document.paragraphs, *cells] for link in p.hyperlinks if not link.url.startswith(site)}
    return links, [(len(t.rows), len(t.columns)) for t in document.tables]


def _build_and_check(releases: Path, tmp_path: Path, engine: str) -> None:
    make = {"reversing": ReversingEngine, "no alignment": lambda s, t: TaggingEngine(s, t, aligned=False)}[engine]
    settings = Settings()
    output = tmp_path / "output"
    result = build(settings, BuildOptions(releases_dir=releases, output_dir=output), StaticEngines(make("de", "en"), make("en", "ko")), now=NOW)
    assert result.exit_code == 0, result.failed
    findings = json.loads((output / "qa-report.json").read_text(encoding="utf-8"))["findings"]
    site = settings.base_url
    for path in find_releases(releases):
        release = read_release(path, settings)
        links = {target for text in _texts(release) for target in text.links()}
        kinds = {MarkKind.BOLD: "strong", MarkKind.ITALIC: "em"}
        emphasis = {kinds[m.kind] for text in _texts(release) for m in text.marks if m.kind in kinds}
        shapes = _tables(release)
        unplaced = [f for f in findings if f["release"] == release.slug and f["code"] == "mark-not-placed"]
        if engine == "reversing":  # every word keeps a partner: every mark is placed
            assert unplaced == [], unplaced
        for lang in LANGUAGES:
            where = f"{path.name} {lang}"
            assert _docx_facts(output / lang / f"{release.slug}.docx", site) == (links, shapes), f"{where} docx"
            article = html.fromstring((output / lang / f"{release.slug}.html").read_bytes()).find(".//article")
            page = _html_facts(article, site)
            assert page[:2] == (links, shapes), f"{where} page"
            for feed in ("rss.xml", "atom.xml"):
                entry = next(e for e in feedparser.parse((output / lang / feed).read_bytes()).entries if release.slug in e.link)
                content = _html_facts(html.fragment_fromstring(entry.content[0].value, create_parent="div"), site)
                assert content[:2] == (links, shapes), f"{where} {feed}"
            if lang == release.lang or engine == "reversing":
                assert emphasis <= page[2] and emphasis <= content[2], f"{where} emphasis"


@pytest.mark.parametrize("engine", ["reversing", "no alignment"])
@pytest.mark.parametrize("fixture", ["neckarpark.md", "neckarpark.txt", "neckarpark.docx"])
def test_the_projects_rich_fixtures_keep_links_tables_and_emphasis_in_every_edition(tmp_path: Path, fixture: str, engine: str) -> None:
    releases = tmp_path / "releases"  # one each: the three fixtures are one release, one slug
    releases.mkdir()
    shutil.copyfile(FIXTURES / "pressefoto.png", releases / "pressefoto.png")
    if fixture.endswith(".docx"):
        build_rich_docx(releases / fixture, park_picture())
    else:
        shutil.copyfile(FIXTURES / fixture, releases / fixture)
    _build_and_check(releases, tmp_path, engine)


@pytest.mark.corpus
@pytest.mark.parametrize("engine", ["reversing", "no alignment"])
def test_the_rich_corpus_keeps_links_tables_and_emphasis_in_every_edition(tmp_path: Path, engine: str) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    for path in RICH_CORPUS.iterdir():
        if path.name[:2].isdigit() or path.suffix == ".jpg":  # the releases and their picture
            shutil.copyfile(path, releases / path.name)
            os.utime(releases / path.name, (BEFORE.timestamp(), BEFORE.timestamp()))  # undated: not embargoed
    _build_and_check(releases, tmp_path, engine)


DATELINE_FIRST = """\
Berlin, Montag, 30.06.2025, 08:35 Uhr

# Räubertrio gesucht

Die Polizei sucht drei Tatverdächtige. Hinweise nimmt jede Dienststelle entgegen.

Potsdam, 30.06.2025

Ein zweiter Ort steht im Text.
"""


def test_a_dateline_above_the_headline_stays_above_it_in_every_edition(tmp_path: Path) -> None:
    """A police report puts "Berlin, Montag, …" above its headline: every page and Word file
    shows it there, and a dateline further down stays where it is."""
    releases = tmp_path / "releases"
    releases.mkdir()
    (releases / "fahndung.md").write_text(DATELINE_FIRST, encoding="utf-8")
    output = tmp_path / "output"
    result = build(Settings(), BuildOptions(releases, output), StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko")), now=NOW)
    assert result.exit_code == 0, result.failed
    for lang in LANGUAGES:
        article = html.fromstring((output / lang / "raeubertrio-gesucht.html").read_bytes()).find(".//article")
        order = [(e.tag, e.get("class")) for e in article if e.tag in ("h1", "p") and e.get("class") in (None, "dateline")]
        assert order[0] == ("p", "dateline") and order[1] == ("h1", None), (lang, order)
        assert "30" in article[0].text_content() and ("p", "dateline") in order[2:], (lang, order)  # Potsdam: below
        paragraphs = [p for p in docx.Document(str(output / lang / "raeubertrio-gesucht.docx")).paragraphs if p.text.strip()]
        where = {name: next(i for i, p in enumerate(paragraphs) if p.text.startswith(name)) for name in ("Berlin", "Potsdam")}
        title = next(i for i, p in enumerate(paragraphs) if p.style.name == "Title")
        assert where["Berlin"] < title < where["Potsdam"], (lang, [p.text for p in paragraphs])
