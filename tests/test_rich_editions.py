"""A property: random rich releases keep their link targets and table shapes in every edition and
every format (DOCX read with python-docx, pages with an HTML parser, RSS and Atom with
feedparser), whatever the engine does to the word order and whether it gives alignments.

Releases are built directly from the document model (readers have their own tests), translated
by the build's own stages and published by its own writers.
"""

from __future__ import annotations

import io
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
from engines import ReversingEngine, TaggingEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from pressroom.build.plan import EditionPlan
from pressroom.build.publish import write_editions
from pressroom.build.stages import translate_editions
from pressroom.build.types import BuildOptions, BuildResult, SilentReporter
from pressroom.config import Settings
from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.document.model import Cell, Contact, Paragraph, Release, Table
from pressroom.qa.protect import Protector

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
DOMAIN = "links.example"
TARGETS = [f"https://{DOMAIN}/{n}" for n in range(6)] + [f"mailto:presse{n}@{DOMAIN}" for n in range(2)]
WORDS = ["Die", "Stadt", "eröffnet", "am", "Montag", "den", "Park", "(siehe", "oben)", f"www.{DOMAIN}/a", "2024", "„Heute“", "Dr.", "Nopper"]
FIGURES = ["4,0 Mrd. €", "7 %", "12.03.2024", "–"]
EDITIONS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def rich_text(draw: st.DrawFn, max_sentences: int = 3) -> Text:
    """Sentences of known words, with bold, italic and links over any characters; links never
    overlap each other (no reader can make them), other marks may."""
    sentences = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7), min_size=1, max_size=max_sentences))
    text = " ".join(" ".join(words) + "." for words in sentences)
    marks = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        marks.append(Mark(start, end, draw(st.sampled_from([MarkKind.BOLD, MarkKind.ITALIC]))))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    for start, end in zip(cuts[::2], cuts[1::2]):
        if text[start:end].strip():
            marks.append(Mark(start, end, MarkKind.LINK, draw(st.sampled_from(TARGETS))))
    return Text(text, tuple(marks))


@st.composite
def table(draw: st.DrawFn) -> Table:
    columns = draw(st.integers(1, 3))
    cell = st.one_of(rich_text(max_sentences=1), st.sampled_from(FIGURES).map(Text))
    rows = draw(st.lists(st.lists(cell, min_size=columns, max_size=columns), min_size=1, max_size=4))
    return Table(tuple(tuple(Cell(text) for text in row) for row in rows), header_rows=draw(st.integers(0, 1)))


@st.composite
def rich_release(draw: st.DrawFn) -> Release:
    blocks = draw(st.lists(st.one_of(rich_text().map(Paragraph), table()), min_size=1, max_size=4))
    contact = Text(f"presse@{DOMAIN}", (Mark(0, 6 + len(DOMAIN) + 1, MarkKind.LINK, f"mailto:presse@{DOMAIN}"),))
    return Release(
        slug="rich",
        title="Neuer Park",
        date=datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        blocks=[*blocks, Contact("Pressekontakt:", (Text("Erika Mustermann"), contact))],
        source_path=Path("releases/rich.md"),
    )


def _expected(release: Release) -> tuple[set[str], list[tuple[int, int]]]:
    texts = [*(t for block in release.blocks for t in block.texts()), *(line for b in release.blocks if isinstance(b, Contact) for line in b.lines)]
    shapes = [block.shape for block in release.blocks if isinstance(block, Table)]
    return {target for text in texts for target in text.links()}, shapes


def _html_facts(fragment: str) -> tuple[set[str], list[tuple[int, int]]]:
    root = html.fragment_fromstring(fragment, create_parent="div")
    links = {a.get("href") for a in root.iter("a") if DOMAIN in (a.get("href") or "")}
    shapes = []
    for element in root.iter("table"):
        rows = element.xpath(".//tr")
        shapes.append((len(rows), sum(int(c.get("colspan", 1)) for c in rows[0].xpath("th|td"))))
    return links, shapes


def _docx_facts(path: Path) -> tuple[set[str], list[tuple[int, int]]]:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    paragraphs = list(document.paragraphs) + [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    links = {link.url for p in paragraphs for link in p.hyperlinks if DOMAIN in link.url}
    return links, [(len(t.rows), len(t.columns)) for t in document.tables]


@EDITIONS
@given(release=rich_release(), engine=st.sampled_from(["tagging", "reversing", "no alignment"]))
def test_link_targets_and_table_shapes_are_the_same_in_every_edition_and_format(release: Release, engine: str) -> None:
    make = {
        "tagging": lambda s, t: TaggingEngine(s, t),
        "reversing": lambda s, t: ReversingEngine(s, t),
        "no alignment": lambda s, t: TaggingEngine(s, t, aligned=False),
    }[engine]
    de_en, en_ko = make("de", "en"), make("en", "ko")
    expected = _expected(release)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "output"
        options = BuildOptions(releases_dir=Path(folder) / "releases", output_dir=output, use_memory=False)
        result = BuildResult()
        plans = [EditionPlan(release, True, {"en": [de_en], "ko": [de_en, en_ko]})]
        editions, _ = translate_editions(plans, Protector(), options, result, SilentReporter())
        write_editions(editions, ["de", "en", "ko"], Settings(), options, NOW, result, SilentReporter(), {})
        for lang in ("de", "en", "ko"):
            assert _docx_facts(output / lang / "rich.docx") == expected, (lang, "docx")
            page = (output / lang / "rich.html").read_text(encoding="utf-8")
            assert _html_facts(page) == expected, (lang, "page")
            for feed in ("rss.xml", "atom.xml"):
                (entry,) = feedparser.parse((output / lang / feed).read_bytes()).entries
                assert _html_facts(entry.content[0].value) == expected, (lang, feed)
