"""RSS 2.0 and Atom feeds: validity, order, stable ids, enclosures, the feedgen #135 repairs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from test_writers_docx import (
    BERLIN,
    EN_TEXTS,
    HOSTILE,
    KO_TEXTS,
    make_editions,
    make_release,
)

from pressroom.config import Settings
from pressroom.model import Edition
from pressroom.writers.docx import render_docx
from pressroom.writers.feeds import write_feeds

SITE = "https://presse.example.org/mitteilungen"
BASE = SITE + "/"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Deliberately not in date order, so the writer has to sort.
DATES = {
    "winterdienst": datetime(2024, 12, 1, 10, 0, tzinfo=BERLIN),
    "solarpark": datetime(2025, 3, 14, 9, 30, tzinfo=BERLIN),
    "haushalt": datetime(2025, 1, 10, 14, 0, tzinfo=BERLIN),
    "radweg": datetime(2025, 2, 20, 8, 15, tzinfo=BERLIN),
}
NEWEST_FIRST = ["solarpark", "radweg", "haushalt", "winterdienst"]


def _editions(lang: str, *, demo: bool = False) -> list[Edition]:
    return [
        make_editions(make_release(slug, date), demo=demo)[lang] for slug, date in DATES.items()
    ]


def _sizes(editions: list[Edition], settings: Settings) -> dict[str, int]:
    """The real DOCX byte lengths, as the pipeline measures them."""
    return {e.slug: len(render_docx(e, settings)) for e in editions}


@pytest.fixture
def settings() -> Settings:
    return Settings(site_url=SITE, organisation="Stadtwerke Müllheim")


@pytest.fixture
def english(tmp_path: Path, settings: Settings) -> Written:
    editions = _editions("en")
    sizes = _sizes(editions, settings)
    write_feeds(editions, "en", tmp_path / "en", settings, docx_sizes=sizes)
    return tmp_path / "en", editions, sizes


Written = tuple[Path, list[Edition], dict[str, int]]  # feed folder, editions, DOCX sizes


def _xml(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()  # strict parser: raises on malformed XML


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feeds_parse_cleanly(english: Written, name: str) -> None:
    out, editions, _ = english
    parsed = feedparser.parse((out / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(editions)
    assert parsed.feed.language == "en"
    assert parsed.feed.title == "Stadtwerke Müllheim – Press releases (English)"
    assert parsed.entries[0].title == EN_TEXTS[0]
    assert parsed.entries[0].summary == EN_TEXTS[1]
    assert [tag.term for tag in parsed.entries[0].tags] == ["Energie", "Solar"]


def test_items_newest_first(english: Written) -> None:
    out, _, _ = english
    rss_links = [item.findtext("link") for item in _xml(out / "rss.xml").iter("item")]
    assert rss_links == [f"{BASE}en/{slug}.html" for slug in NEWEST_FIRST]
    atom_ids = [e.findtext(f"{ATOM}id") for e in _xml(out / "atom.xml").iter(f"{ATOM}entry")]
    assert atom_ids == rss_links


def test_at_most_max_feed_items(tmp_path: Path) -> None:
    settings = Settings(site_url=SITE, max_feed_items=2)
    editions = _editions("en")
    write_feeds(editions, "en", tmp_path, settings, docx_sizes=_sizes(editions, settings))
    for name in ("rss.xml", "atom.xml"):
        entries = feedparser.parse((tmp_path / name).read_bytes()).entries
        assert [e.link for e in entries] == [f"{BASE}en/{slug}.html" for slug in NEWEST_FIRST[:2]]


def test_guids_are_stable_permalinks(tmp_path: Path, settings: Settings) -> None:
    first = _editions("en")
    second = _editions("en")
    for edition in second:
        edition.updated = datetime(2026, 1, 1, tzinfo=UTC)
    sizes = _sizes(first, settings)
    write_feeds(first, "en", tmp_path / "one", settings, docx_sizes=sizes)
    write_feeds(second, "en", tmp_path / "two", settings, docx_sizes=sizes)
    one, two = _xml(tmp_path / "one" / "rss.xml"), _xml(tmp_path / "two" / "rss.xml")
    guids = [guid.text for guid in one.iter("guid")]
    assert guids == [guid.text for guid in two.iter("guid")]
    assert guids == [f"{BASE}en/{slug}.html" for slug in NEWEST_FIRST]
    assert {guid.get("isPermaLink") for guid in one.iter("guid")} == {"true"}
    atom_one, atom_two = _xml(tmp_path / "one" / "atom.xml"), _xml(tmp_path / "two" / "atom.xml")
    ids_one = [e.text for e in atom_one.iter(f"{ATOM}id")]
    assert ids_one == [e.text for e in atom_two.iter(f"{ATOM}id")]
    # ...while <updated> does follow the edition
    assert atom_two.find(f"{ATOM}entry/{ATOM}updated").text == "2026-01-01T00:00:00+00:00"


def test_same_input_gives_identical_bytes(tmp_path: Path, settings: Settings) -> None:
    """Nothing depends on the run time (feedgen's default lastBuildDate would be "now")."""
    editions = _editions("en")
    sizes = _sizes(editions, settings)
    write_feeds(editions, "en", tmp_path / "one", settings, docx_sizes=sizes)
    write_feeds(editions, "en", tmp_path / "two", settings, docx_sizes=sizes)
    for name in ("rss.xml", "atom.xml"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_dates(english: Written) -> None:
    out, _, _ = english
    item = next(_xml(out / "rss.xml").iter("item"))
    pub_date = item.findtext("pubDate")
    # RFC 822 with English names, whatever the process locale
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul"
                        r"|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}", pub_date)
    assert parsedate_to_datetime(pub_date) == DATES["solarpark"]
    entry = _xml(out / "atom.xml").find(f"{ATOM}entry")
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == DATES["solarpark"]
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == DATES["solarpark"]
    feed_updated = _xml(out / "atom.xml").findtext(f"{ATOM}updated")
    assert datetime.fromisoformat(feed_updated) == DATES["solarpark"]


def test_enclosure_is_the_docx(english: Written) -> None:
    out, _, sizes = english
    for item in _xml(out / "rss.xml").iter("item"):
        slug = item.findtext("link").rsplit("/", 1)[1].removesuffix(".html")
        enclosure = item.find("enclosure")
        assert enclosure.get("url") == f"{BASE}en/{slug}.docx"
        assert enclosure.get("type") == DOCX_MIME
        assert int(enclosure.get("length")) == sizes[slug]
    for entry in feedparser.parse((out / "atom.xml").read_bytes()).entries:
        slug = entry.link.rsplit("/", 1)[1].removesuffix(".html")
        (enclosure,) = entry.enclosures
        assert (enclosure.href, enclosure.type) == (f"{BASE}en/{slug}.docx", DOCX_MIME)
        assert int(enclosure.length) == sizes[slug]


def test_atom_entry_links_keep_rel_type_hreflang(english: Written) -> None:
    """feedgen 1.0.0 writes bare <link href>; the writer must restore the attributes."""
    out, _, sizes = english
    root = _xml(out / "atom.xml")
    entries = list(root.iter(f"{ATOM}entry"))
    assert len(entries) == 4
    for entry in entries:
        page = entry.findtext(f"{ATOM}id")
        slug = page.rsplit("/", 1)[1].removesuffix(".html")
        links = {link.get("rel"): dict(link.attrib) for link in entry.findall(f"{ATOM}link")}
        assert links["alternate"] == {
            "href": page, "rel": "alternate", "type": "text/html", "hreflang": "en"
        }
        assert links["enclosure"]["type"] == DOCX_MIME
        assert links["enclosure"]["hreflang"] == "en"
        assert links["enclosure"]["length"] == str(sizes[slug])
        assert entry.get(XML_LANG) == "en"
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Stadtwerke Müllheim"
    feed_links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert feed_links == {"alternate": f"{BASE}en/index.html", "self": f"{BASE}en/atom.xml"}


def test_rss_channel_link_is_the_index_page(english: Written) -> None:
    """feedgen 1.0.0 uses the last link given (the self link) as the channel <link>."""
    out, _, _ = english
    channel = _xml(out / "rss.xml").find("channel")
    assert channel.findtext("link") == f"{BASE}en/index.html"
    self_link = channel.find(f"{ATOM}link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", f"{BASE}en/rss.xml")
    assert self_link.get("type") == "application/rss+xml"


def test_hostile_content_stays_text(english: Written) -> None:
    out, _, _ = english
    contents = [_xml(out / "rss.xml").find(f"channel/item/{CONTENT}").text]
    contents.append(_xml(out / "atom.xml").find(f"{ATOM}entry/{ATOM}content").text)
    for content in contents:
        fragment = lxml.html.fragment_fromstring(content, create_parent="div")
        assert not fragment.findall(".//script")
        assert f"Technical note: {HOSTILE}" in fragment.text_content()
        assert [h.text for h in fragment.iter("h2")] == [EN_TEXTS[3], EN_TEXTS[7]]
        assert len(fragment.findall("ol/li")) == 2
        assert len(fragment.findall("ul/li")) == 2
        assert len(fragment.findall("blockquote")) == 1


def test_korean_demo_feed(tmp_path: Path, settings: Settings) -> None:
    editions = _editions("ko", demo=True)
    write_feeds(editions, "ko", tmp_path, settings, docx_sizes=_sizes(editions, settings))
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((tmp_path / name).read_bytes())
        assert parsed.bozo == 0
        assert parsed.feed.language == "ko"
        assert parsed.feed.title.startswith("[DEMO] ")
        assert parsed.entries[0].title == "[DEMO] " + KO_TEXTS[0]
    normal = _editions("ko")
    write_feeds(normal, "ko", tmp_path / "plain", settings, docx_sizes=_sizes(normal, settings))
    assert "[DEMO]" not in (tmp_path / "plain" / "rss.xml").read_text(encoding="utf-8")


def test_xml_illegal_characters_do_not_break_the_feed(tmp_path: Path, settings: Settings) -> None:
    edition = _editions("en")[0]
    edition.title = "Bad\x00 title\x1b"
    edition.summary = "Bad\x0c summary"
    write_feeds([edition], "en", tmp_path, settings, docx_sizes={edition.slug: 1})
    assert _xml(tmp_path / "rss.xml").findtext("channel/item/title") == "Bad title"
    assert _xml(tmp_path / "atom.xml").findtext(f"{ATOM}entry/{ATOM}summary") == "Bad summary"


def test_empty_feed_is_valid(tmp_path: Path, settings: Settings) -> None:
    write_feeds([], "en", tmp_path, settings, docx_sizes={})
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((tmp_path / name).read_bytes())
        assert parsed.bozo == 0
        assert parsed.entries == []


def test_order_is_by_release_date_not_update_time(
    tmp_path: Path, settings: Settings
) -> None:
    """A recently corrected old release does not jump to the top: order is by release date."""
    editions = _editions("en")
    oldest = next(e for e in editions if e.slug == "winterdienst")
    oldest.updated = DATES["solarpark"] + timedelta(days=30)
    write_feeds(editions, "en", tmp_path, settings, docx_sizes=_sizes(editions, settings))
    links = [e.link for e in feedparser.parse((tmp_path / "atom.xml").read_bytes()).entries]
    assert links[-1] == f"{BASE}en/winterdienst.html"
