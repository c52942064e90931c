"""RSS 2.0 and Atom feeds: validity, order, stable ids, enclosures, the feedgen #135 repairs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

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
from pressroom.document.inline import Text
from pressroom.document.model import Edition, Heading
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


# --- The W3C Feed Validator's rules ------------------------------------------------------------
# The validator (validator.w3.org/feed, source github.com/w3c/feedvalidator) is Python 2 code
# that is not on PyPI, so it cannot run here. These checks hold the feeds to the rules of it
# that pressroom's feeds touch, by the names of its messages.

RFC822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}"
)
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2})?")  # ISO 639 code, optional country
MIME = re.compile(r"[a-z]+/[a-z0-9.+-]+")
UNSAFE_ELEMENTS = {"script", "iframe", "embed", "object", "style", "form", "meta", "link"}


def _absolute(url: str | None) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))


def _html_problems(where: str, markup: str | None) -> list[str]:
    """NotHtml / SecurityRisk / ContainsRelRef: escaped HTML must be safe and self-contained."""
    if not markup:
        return []
    problems = []
    for element in lxml.html.fragment_fromstring(markup, create_parent="div").iter():
        if element.tag in UNSAFE_ELEMENTS:
            problems.append(f"{where}: SecurityRisk <{element.tag}>")
        if any(name.startswith("on") for name in element.attrib):
            problems.append(f"{where}: SecurityRisk event handler")
        for name in ("href", "src"):
            if element.get(name) is not None and not urlsplit(element.get(name)).scheme:  # mailto: is absolute too
                problems.append(f"{where}: ContainsRelRef {element.get(name)}")
    return problems


def rss_problems(path: Path, feed_url: str) -> list[str]:
    """The RSS 2.0 rules of the W3C Feed Validator that apply to pressroom's feeds."""
    problems: list[str] = []
    channel = _xml(path).find("channel")
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            problems.append(f"MissingElement channel/{name}")
    if not _absolute(channel.findtext("link")):
        problems.append("InvalidURL channel/link")
    if not LANGUAGE.fullmatch(channel.findtext("language") or ""):
        problems.append(f"InvalidLanguage {channel.findtext('language')}")
    self_links = [l for l in channel.findall(f"{ATOM}link") if l.get("rel") == "self"]
    if [(l.get("href"), l.get("type")) for l in self_links] != [(feed_url, "application/rss+xml")]:
        problems.append("SelfDoesntMatchLocation / MissingAtomSelfLink")
    for name in ("lastBuildDate", "pubDate"):
        value = channel.findtext(name)
        if value is not None and not RFC822.fullmatch(value):
            problems.append(f"InvalidRFC2822Date channel/{name} {value}")
    guids: set[str] = set()
    for index, item in enumerate(channel.iter("item")):
        where = f"item {index}"
        for name in ("title", "link", "description", "guid", "pubDate", "enclosure", f"{CONTENT}"):
            if len(item.findall(name)) > 1:
                problems.append(f"{where}: DuplicateElement {name}")
        if not item.findtext("title"):
            problems.append(f"{where}: MissingItemTitle")
        if not _absolute(item.findtext("link")):
            problems.append(f"{where}: MissingItemLink / InvalidURL")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"{where}: MissingGuid")
        else:
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                problems.append(f"{where}: InvalidBooleanAttribute isPermaLink")
            if permalink == "true" and not _absolute(guid.text):
                problems.append(f"{where}: InvalidHttpGUID {guid.text}")
            if guid.text in guids:
                problems.append(f"{where}: DuplicateValue guid")
            guids.add(guid.text)
        if not RFC822.fullmatch(item.findtext("pubDate") or ""):
            problems.append(f"{where}: InvalidRFC2822Date {item.findtext('pubDate')}")
        for enclosure in item.findall("enclosure"):
            if not _absolute(enclosure.get("url")):
                problems.append(f"{where}: InvalidURLAttribute enclosure url")
            if not (enclosure.get("length") or "").isdigit() or int(enclosure.get("length")) <= 0:
                problems.append(f"{where}: InvalidIntegerAttribute enclosure length")
            if not MIME.fullmatch(enclosure.get("type") or ""):
                problems.append(f"{where}: InvalidMIMEAttribute enclosure type")
        if item.find("author") is not None:  # must be an e-mail address; dc:creator names people
            problems.append(f"{where}: InvalidContact author")
        problems += _html_problems(f"{where} description", item.findtext("description"))
        problems += _html_problems(f"{where} content:encoded", item.findtext(CONTENT))
    return problems


def atom_problems(path: Path, feed_url: str) -> list[str]:
    """The Atom (RFC 4287) rules of the W3C Feed Validator that apply to pressroom's feeds."""
    problems: list[str] = []
    feed = _xml(path)
    if not LANGUAGE.fullmatch(feed.get(XML_LANG) or ""):
        problems.append("InvalidLanguage feed xml:lang")
    for name in ("id", "title", "updated"):
        if len(feed.findall(f"{ATOM}{name}")) != 1:
            problems.append(f"MissingElement / DuplicateElement feed/{name}")
    if not _absolute(feed.findtext(f"{ATOM}id")):
        problems.append("InvalidFullLink feed/id")
    if not RFC3339.fullmatch(feed.findtext(f"{ATOM}updated") or ""):
        problems.append("InvalidRFC3339Date feed/updated")
    feed_author = bool(feed.findtext(f"{ATOM}author/{ATOM}name"))
    self_links = [l.get("href") for l in feed.findall(f"{ATOM}link") if l.get("rel") == "self"]
    if self_links != [feed_url]:
        problems.append("SelfDoesntMatchLocation / MissingSelf")
    ids: set[str] = set()
    for index, entry in enumerate(feed.iter(f"{ATOM}entry")):
        where = f"entry {index}"
        entry_id = entry.findtext(f"{ATOM}id")
        if not _absolute(entry_id) or entry_id in ids:
            problems.append(f"{where}: InvalidFullLink / DuplicateEntries id")
        ids.add(entry_id)
        if not entry.findtext(f"{ATOM}title"):
            problems.append(f"{where}: MissingElement title")
        for name in ("updated", "published"):
            if not RFC3339.fullmatch(entry.findtext(f"{ATOM}{name}") or ""):
                problems.append(f"{where}: InvalidRFC3339Date {name}")
        if not feed_author and not entry.findtext(f"{ATOM}author/{ATOM}name"):
            problems.append(f"{where}: MissingAuthor")
        links = entry.findall(f"{ATOM}link")
        keys = [(l.get("rel", "alternate"), l.get("type"), l.get("hreflang")) for l in links]
        if len(set(keys)) != len(keys):
            problems.append(f"{where}: DuplicateAtomLink")
        if not any(key[0] == "alternate" for key in keys):
            problems.append(f"{where}: MissingAlternateLink")
        for link in links:
            if not _absolute(link.get("href")):
                problems.append(f"{where}: InvalidFullLink link")
            if link.get("hreflang") is not None and not LANGUAGE.fullmatch(link.get("hreflang")):
                problems.append(f"{where}: InvalidLanguage hreflang")
            if link.get("type") is not None and not MIME.fullmatch(link.get("type")):
                problems.append(f"{where}: InvalidMIMEType link")
            if link.get("rel") == "enclosure" and not int(link.get("length") or 0) > 0:
                problems.append(f"{where}: InvalidIntegerAttribute enclosure length")
        content = entry.find(f"{ATOM}content")
        if content is None or content.get("type") != "html":
            problems.append(f"{where}: MissingContent / content type")
        else:
            problems += _html_problems(f"{where} content", content.text)
        if not entry.findtext(f"{ATOM}summary"):  # pressroom's own rule: readers list by it
            problems.append(f"{where}: no summary")
    return problems


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
        # the press contact is part of the release, in the feed as on the page
        assert [h.text for h in fragment.iter("h2")] == [EN_TEXTS[3], EN_TEXTS[7], "Press contact"]
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


def _feed_url(lang: str, kind: str) -> str:
    return f"{BASE}{lang}/{kind}.xml"


@pytest.mark.parametrize("lang", ["de", "en", "ko"])
@pytest.mark.parametrize("demo", [False, True])
def test_feeds_keep_the_feed_validator_rules(tmp_path: Path, settings: Settings, lang: str, demo: bool) -> None:
    editions = _editions(lang, demo=demo)
    editions[0].summary = ""  # a release without summary must still be valid and summarised
    write_feeds(editions, lang, tmp_path, settings, docx_sizes=_sizes(editions, settings))
    assert rss_problems(tmp_path / "rss.xml", _feed_url(lang, "rss")) == []
    assert atom_problems(tmp_path / "atom.xml", _feed_url(lang, "atom")) == []


def test_empty_feeds_keep_the_feed_validator_rules(tmp_path: Path, settings: Settings) -> None:
    write_feeds([], "ko", tmp_path, settings, docx_sizes={})
    assert rss_problems(tmp_path / "rss.xml", _feed_url("ko", "rss")) == []
    assert atom_problems(tmp_path / "atom.xml", _feed_url("ko", "atom")) == []


def test_the_rule_checks_catch_what_the_validator_would(english: Written) -> None:
    """The checks above can fail: a feed broken the ways feeds commonly break is reported."""
    out, _, _ = english
    rss = (out / "rss.xml").read_text(encoding="utf-8")
    rss = rss.replace("<language>en</language>", "<language>English</language>")
    rss = rss.replace("Fri, 14 Mar 2025", "Fr, 14 Mär 2025")  # a localised month name
    rss = rss.replace(f">{BASE}en/radweg.html</guid>", ">radweg</guid>")
    rss = re.sub(r'length="\d+"', 'length="0"', rss, count=1)
    rss = rss.replace('<enclosure ', '<enclosure onload="x" ', 1)
    rss = rss.replace("&lt;h2&gt;", '&lt;a href="../x.html"&gt;x&lt;/a&gt;&lt;script&gt;&lt;/script&gt;&lt;h2&gt;', 1)
    (out / "rss.xml").write_text(rss, encoding="utf-8")
    found = " | ".join(rss_problems(out / "rss.xml", _feed_url("en", "atom")))
    for message in ("InvalidLanguage", "InvalidRFC2822Date", "InvalidHttpGUID",
                    "InvalidIntegerAttribute", "SelfDoesntMatchLocation", "ContainsRelRef",
                    "SecurityRisk <script>"):
        assert message in found
    atom = (out / "atom.xml").read_text(encoding="utf-8")
    atom = atom.replace("2025-03-14T09:30:00+01:00", "14.03.2025 09:30")
    page = f'{BASE}en/solarpark.html" rel="alternate" type="text/html" hreflang="'
    atom = atom.replace(page + 'en"', page + 'englisch"')
    atom = re.sub(r"<summary>.*?</summary>", "", atom, count=1)
    (out / "atom.xml").write_text(atom, encoding="utf-8")
    found = " | ".join(atom_problems(out / "atom.xml", _feed_url("en", "atom")))
    for message in ("InvalidRFC3339Date", "InvalidLanguage hreflang", "no summary"):
        assert message in found


def test_release_without_summary_is_summarised_by_whole_lead_sentences(
    tmp_path: Path, settings: Settings
) -> None:
    """feedgen would put the whole text into <description> and drop content:encoded."""
    edition = _editions("en")[0]
    edition.summary = ""
    sentence = "The city opens a new park near the station today."  # 50 characters
    edition.blocks[0] = edition.blocks[0].with_texts((Text(" ".join([sentence] * 10)),))
    write_feeds([edition], "en", tmp_path, settings, docx_sizes={edition.slug: 1})
    item = _xml(tmp_path / "rss.xml").find("channel/item")
    description = item.findtext("description")
    assert description == " ".join([sentence] * 5)  # as many whole sentences as fit in 280
    assert "<h2>" in item.findtext(CONTENT)  # the full text is still there, as HTML
    entry = feedparser.parse((tmp_path / "atom.xml").read_bytes()).entries[0]
    assert entry.summary == description


def test_release_whose_first_sentence_is_too_long_is_summarised_by_its_title(
    tmp_path: Path, settings: Settings
) -> None:
    """Never a text cut off with "…": the title is a whole, short description."""
    edition = _editions("en")[0]
    edition.summary = ""
    edition.blocks[0] = edition.blocks[0].with_texts((Text("Word " * 100),))
    write_feeds([edition], "en", tmp_path, settings, docx_sizes={edition.slug: 1})
    assert _xml(tmp_path / "rss.xml").findtext("channel/item/description") == EN_TEXTS[0]
    assert atom_problems(tmp_path / "atom.xml", _feed_url("en", "atom")) == []


def test_feed_titles_speak_the_feed_language(tmp_path: Path, settings: Settings) -> None:
    for lang, title in [("ko", "Stadtwerke Müllheim – 보도자료 (한국어)"),
                        ("de", "Stadtwerke Müllheim – Pressemitteilungen (Deutsch)")]:
        write_feeds([], lang, tmp_path / lang, settings, docx_sizes={})
        assert feedparser.parse((tmp_path / lang / "rss.xml").read_bytes()).feed.title == title
    settings.feed_titles = {"ko": "슈투트가르트 보도자료"}
    write_feeds([], "ko", tmp_path / "own", settings, docx_sizes={})
    assert feedparser.parse((tmp_path / "own" / "atom.xml").read_bytes()).feed.title == "슈투트가르트 보도자료"


def test_release_with_only_headings_is_summarised_by_its_title(tmp_path: Path, settings: Settings) -> None:
    edition = _editions("en")[0]
    edition.summary = ""
    edition.blocks = [block for block in edition.blocks if isinstance(block, Heading)]
    write_feeds([edition], "en", tmp_path, settings, docx_sizes={edition.slug: 1})
    assert _xml(tmp_path / "rss.xml").findtext("channel/item/description") == EN_TEXTS[0]
    assert atom_problems(tmp_path / "atom.xml", _feed_url("en", "atom")) == []
