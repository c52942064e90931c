"""Properties that must hold for any input, checked with hypothesis.

Readers never fail other than with a plain ReaderError and never hand on text XML cannot hold;
the writers turn any edition into a DOCX, pages and feeds that parse, with every block in
place; a whole build keeps every source paragraph, in order, in every edition, each sentence
translated once and rejoined. (The segmenter's own properties are in test_segment.py.)

Example counts are kept small (a build per example): the point is many odd inputs per run
across runs, not exhaustive search within one.
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
from blocks import OL, H, L, P, Q, block, body, contact_text, kind_of, plain
from engines import StaticEngines, TaggingEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.config import Settings
from pressroom.document.inline import Text
from pressroom.document.model import Block, Contact, Edition, Release
from pressroom.readers import ReaderError, read_release
from pressroom.segment import split_sentences
from pressroom.writers.docx import render_docx
from pressroom.writers.feeds import write_feeds
from pressroom.writers.pages import write_pages

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)
LANGUAGES = ("de", "en", "ko")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
# Everything XML 1.0 cannot hold (as in writers/labels.py, written out independently).
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_TMP_PATH_IS_REUSED = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
FEW = settings(max_examples=50, deadline=None, suppress_health_check=_TMP_PATH_IS_REUSED)
BUILDS = settings(max_examples=25, deadline=None, suppress_health_check=_TMP_PATH_IS_REUSED)

# Text as it arrives: any code point (lone surrogates and controls included), weighted towards
# what breaks XML, HTML, Markdown and sentence splitting.
HOSTILE_PIECES = [
    "<script>", "</p>", "&amp;", "&#0;", "]]>", "<![CDATA[", "|", "🎉", "👩\u200d💻", "„", "“",
    "\x00", "\x0b", "\x1f", "\ufffe", "\u200b", "\ud800", "Dr. ", "z. B. ", "24. Juli", ". ",
    "? ", "! ", "…", "ß", "Ä", "\t", "  ", "#", "> ", "- ", "1. ", "*", "_", "`", "[a](b)",
]  # fmt: skip
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), ANY_CHAR, st.text(max_size=8)), max_size=30).map("".join)
LINE = TEXT.map(lambda text: " ".join(text.split()))  # no line breaks


def _tree(tmp_path: Path) -> Path:
    """A fresh folder per example (hypothesis runs many examples in one test's tmp_path)."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


# --- readers ----------------------------------------------------------------------------------


def _read_or_refused(path: Path) -> None:
    """Reading ``path`` gives clean text, or a ReaderError that starts with the file's name."""
    try:
        release = read_release(path, Settings())
    except ReaderError as error:
        assert str(error).startswith(f"{path}: ")
        return
    texts = [release.title, release.summary, contact_text(release), *release.tags, *(plain(b) for b in body(release))]
    assert all(not XML_ILLEGAL.search(text) for text in texts)
    assert release.title.strip() and all(plain(b).strip() for b in body(release))


@FEW
@given(st.sampled_from([".md", ".txt"]), st.one_of(TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=400)))
def test_any_text_file_is_read_or_refused_plainly(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = _tree(tmp_path) / f"meldung{suffix}"
    path.write_bytes(data)
    _read_or_refused(path)


@FEW
@given(st.lists(LINE, min_size=1, max_size=5))
def test_any_word_document_is_read_or_refused_plainly(tmp_path: Path, paragraphs: list[str]) -> None:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(XML_ILLEGAL.sub("", text))  # Word itself cannot store the rest
    path = _tree(tmp_path) / "meldung.docx"
    document.save(str(path))
    _read_or_refused(path)


# --- writers ----------------------------------------------------------------------------------

BLOCKS = st.lists(
    st.builds(block, st.sampled_from([H, P, Q, L]), TEXT.filter(lambda t: XML_ILLEGAL.sub("", t).strip()), st.booleans()),
    min_size=1,
    max_size=6,
)


def _edition(lang: str, blocks: list[Block], title: str, n: int) -> Edition:
    release = Release(
        slug=f"meldung-{n}", title=title, date=datetime(2025, 7, 1 + n, tzinfo=BERLIN),
        blocks=[*blocks, Contact("Kontakt", (Text(title),))],
        source_path=Path(f"m{n}.md"), lang="de", summary=title[:20], tags=[title[:5]],
    )  # fmt: skip
    original = Edition.original(release)
    if lang == "de":
        return original
    texts = release.translatable_texts()  # an empty text (no kicker) stays empty, as translated
    return Edition.from_texts(release, lang, [Text(f"[{lang}]{t.text}" if t.text else "") for t in texts])


def _block_elements(fragment: str) -> int:
    """Blocks in an HTML body: headings, paragraphs, list items (quotes hold one paragraph)."""
    root = html.fromstring(f"<div>{fragment}</div>")
    return len(root.xpath("./h2 | ./p | ./blockquote/p | ./ul/li | ./ol/li"))


@FEW
@given(st.sampled_from(LANGUAGES), BLOCKS, TEXT)
def test_any_edition_makes_a_docx_with_every_block(lang: str, blocks: list[Block], title: str) -> None:
    edition = _edition(lang, blocks, title, 1)
    document = docx.Document(io.BytesIO(render_docx(edition, Settings(), original_url="https://example.org/x")))
    shown = [(p.style.name, p.text) for p in document.paragraphs]
    expected = [(_style(b), XML_ILLEGAL.sub("", plain(b)).replace("\r", "\n")) for b in edition.blocks if b.texts()]
    assert _contains_run(shown, expected)


def _contains_run(items: list[object], run: list[object]) -> bool:
    """Whether ``run`` occurs in ``items`` as consecutive elements."""
    return any(items[i : i + len(run)] == run for i in range(len(items) - len(run) + 1))


def _style(b: Block) -> str:
    return {H: "Heading 2", Q: "Quote", P: "Normal", L: "List Bullet", OL: "List Number"}[kind_of(b)]

@FEW
@given(st.sampled_from(LANGUAGES), st.lists(BLOCKS, min_size=1, max_size=3), TEXT)
def test_any_editions_make_feeds_and_pages_that_parse_with_every_block(
    tmp_path: Path, lang: str, bodies: list[list[Block]], title: str
) -> None:
    editions = [_edition(lang, blocks, title, n) for n, blocks in enumerate(bodies)]
    out = _tree(tmp_path)
    write_feeds(editions, lang, out / lang, Settings(), docx_sizes={e.slug: 1000 for e in editions})
    write_pages({lang: editions}, out, Settings())
    newest_first = sorted(editions, key=lambda e: e.release.date, reverse=True)

    rss = etree.parse(str(out / lang / "rss.xml")).getroot()
    items = rss.findall("channel/item")
    # The full text is content:encoded; feedgen puts it into <description> when there is no summary.
    bodies_html = [item.findtext(CONTENT) or item.findtext("description") for item in items]
    assert [_block_elements(body) for body in bodies_html] == [len(e.blocks) for e in newest_first]
    feed = feedparser.parse((out / lang / "atom.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(editions)
    for edition in editions:
        page = html.fromstring((out / lang / f"{edition.slug}.html").read_bytes())
        article = page.find(".//article")
        blocks = article.xpath("./h2 | ./p[not(@class)] | ./blockquote/p | ./ul/li | ./ol/li")
        assert len(blocks) >= len(edition.blocks)  # plus the contact heading
        assert page.findtext(".//h1") == XML_ILLEGAL.sub("", edition.title).replace("\r", "\n")  # as HTML reads it


# --- a whole build ----------------------------------------------------------------------------

# Paragraph text the Markdown reader keeps as one paragraph: starts with a word, one line, and
# without the C0 control characters that make a short file look binary (Word's VT, 0x1E, 0x1F
# and tabs stay).
_BINARY = re.compile("[\x00-\x08\x0c-\x1d]")
PARAGRAPH = LINE.map(lambda text: "Absatz " + _BINARY.sub("", text).replace("\\", ""))


@BUILDS
@given(st.lists(PARAGRAPH, min_size=1, max_size=6))
def test_every_source_paragraph_is_in_every_edition(tmp_path: Path, paragraphs: list[str]) -> None:
    root = _tree(tmp_path)
    (root / "releases").mkdir()
    body = "\n\n".join(paragraphs)
    text = f"---\ntitle: Meldung\ndate: 2025-08-01\nlang: de\n---\n{body}\n"
    (root / "releases" / "m.md").write_bytes(text.encode("utf-8", "surrogatepass"))
    release = read_release(root / "releases" / "m.md", Settings())
    assert len(release.blocks) == len(paragraphs)

    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    result = build(Settings(), BuildOptions(releases_dir=root / "releases", output_dir=root / "output"), engines, now=NOW)
    assert result.exit_code == 0, result.failed

    for lang, tag in (("de", None), ("en", "<en>"), ("ko", "<ko><en>")):
        expected = [
            plain(b) if tag is None else " ".join(tag + s for s in split_sentences(plain(b)))
            for b in release.blocks
        ]
        document = docx.Document(str(root / "output" / lang / "meldung.docx"))
        assert _contains_run([p.text for p in document.paragraphs], expected), lang
        item = etree.parse(str(root / "output" / lang / "rss.xml")).getroot().find("channel/item")
        content = html.fromstring(f"<div>{item.findtext(CONTENT)}</div>")
        assert [p.text_content() for p in content.xpath("./p")] == expected, lang
