"""Static pages: language tags, alternates, notices, escaping, indexes, and links that resolve."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from blocks import OL, L, Q, kind_of
from test_writers_docx import BERLIN, BLOCKS, EN_TEXTS, make_editions, make_release, translated

from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.writers.docx import write_docx
from pressroom.writers.links import edition_url, output_path
from pressroom.writers.pages import write_pages
from pressroom.writers.site import publish_site

SITE = "https://presse.example.org/mitteilungen"
BASE = SITE + "/"
LANGS = ["de", "en", "ko"]
DATES = {
    "haushalt": datetime(2025, 1, 10, 14, 0, tzinfo=BERLIN),
    "solarpark": datetime(2025, 3, 14, 9, 30, tzinfo=BERLIN),
    "radweg": datetime(2025, 2, 20, 8, 15, tzinfo=BERLIN),
}


@pytest.fixture
def settings() -> Settings:
    return Settings(site_url=SITE, organisation="Stadtwerke Müllheim")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything the writers produce for three releases, as the pipeline would call them.

    Built once for the module: the tests only read it.
    """
    tmp_path = tmp_path_factory.mktemp("site")
    settings = Settings(site_url=SITE, organisation="Stadtwerke Müllheim")
    editions_by_lang: dict[str, list[Edition]] = {lang: [] for lang in LANGS}
    for slug, date in DATES.items():
        editions = make_editions(make_release(slug, date), demo=slug == "radweg")
        for lang, edition in editions.items():
            editions_by_lang[lang].append(edition)
    sizes: dict[str, dict[str, int]] = {lang: {} for lang in LANGS}
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            path = output_path(tmp_path, lang, edition.slug, "docx")
            original = edition_url(settings, "de", edition.slug, "html")
            write_docx(edition, path, settings, original_url=original)
            sizes[lang][edition.slug] = path.stat().st_size
    publish_site(editions_by_lang, tmp_path, settings, docx_sizes=sizes)
    return tmp_path


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _alternates(page: lxml.html.HtmlElement) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in page.iter("link")
        if link.get("rel") == "alternate" and not link.get("type")
    }


@pytest.mark.parametrize("lang", LANGS)
def test_release_page_language_and_head(site: Path, lang: str) -> None:
    page = _page(site / lang / "solarpark.html")
    assert page.get("lang") == lang
    assert page.find("head/meta[@charset]").get("charset") == "utf-8"
    assert page.find("head/meta[@name='viewport']") is not None
    others = {other: f"{BASE}{other}/solarpark.html" for other in LANGS if other != lang}
    assert _alternates(page) == {**others, "x-default": f"{BASE}de/solarpark.html"}
    feeds = {
        link.get("type"): link.get("href")
        for link in page.iter("link")
        if link.get("rel") == "alternate" and link.get("type")
    }
    assert feeds == {
        "application/rss+xml": f"{BASE}{lang}/rss.xml",
        "application/atom+xml": f"{BASE}{lang}/atom.xml",
    }
    (time,) = page.iter("time")
    assert time.get("datetime") == DATES["solarpark"].isoformat()


def test_notice_links_to_german_original(site: Path) -> None:
    for lang in ("en", "ko"):
        page_path = site / lang / "solarpark.html"
        (notice,) = _page(page_path).find_class("notice")
        (link,) = notice.iter("a")
        assert (page_path.parent / link.get("href")).resolve() == site / "de" / "solarpark.html"
        assert link.get("hreflang") == "de"
    assert "machine translation" in _page(site / "en" / "solarpark.html").text_content()
    assert not _page(site / "de" / "solarpark.html").find_class("notice")


def test_content_is_escaped_and_structured(site: Path) -> None:
    raw = (site / "en" / "solarpark.html").read_text(encoding="utf-8")
    assert "<script>" not in raw
    article = _page(site / "en" / "solarpark.html").find(".//article")
    assert not article.findall(".//script")
    assert "Technical note: <script>alert(1)</script> ]]> &amp; Ende" in article.text_content()
    assert article.findtext("h1") == EN_TEXTS[0]
    headings = [h.text for h in article.findall("h2")]
    assert headings == [EN_TEXTS[3], EN_TEXTS[7], "Press contact"]
    kinds = [kind_of(b) for b in BLOCKS]
    assert len(article.findall("blockquote")) == kinds.count(Q)
    assert len(article.findall("ol/li")) == kinds.count(OL)
    assert len(article.findall("ul/li")) == kinds.count(L)
    address = article.find("address")
    assert [line.strip() for line in address.itertext()] == [
        "Anna Müller", "Telefon +49 30 1234567", "presse@example.org"
    ]


def test_korean_page_keeps_hangul(site: Path) -> None:
    page = _page(site / "ko" / "solarpark.html")
    assert page.findtext(".//h1") == "지역 최대 태양광 발전소 개장"
    assert "보도 문의" in [h.text for h in page.iter("h2")]


def test_docx_download_link(site: Path) -> None:
    page_path = site / "en" / "solarpark.html"
    (link,) = _page(page_path).find_class("download")[0].iter("a")
    assert (page_path.parent / link.get("href")).resolve() == site / "en" / "solarpark.docx"


def test_demo_banner(site: Path) -> None:
    page = _page(site / "ko" / "radweg.html")
    (banner,) = page.find_class("demo")
    assert banner.text_content().startswith("DEMO — NOT A TRANSLATION")
    assert page.findtext(".//h1").startswith("[DEMO] ")
    assert not _page(site / "ko" / "solarpark.html").find_class("demo")


@pytest.mark.parametrize("lang", LANGS)
def test_language_index_newest_first(site: Path, lang: str) -> None:
    page = _page(site / lang / "index.html")
    assert page.get("lang") == lang
    items = page.find_class("releases")[0].findall("li")
    slugs = [Path(item.find("h2/a").get("href")).stem for item in items]
    assert slugs == ["solarpark", "radweg", "haushalt"]
    dates = [item.find(".//time").get("datetime") for item in items]
    assert dates == sorted(dates, reverse=True)
    feed_links = {a.get("href") for a in page.iter("a") if a.get("type")}
    assert feed_links == {f"{BASE}{lang}/rss.xml", f"{BASE}{lang}/atom.xml"}


def test_root_index_offers_every_language(site: Path) -> None:
    page = _page(site / "index.html")
    languages = {a.get("hreflang"): a.get("href") for a in page.iter("a") if a.get("hreflang")}
    assert languages == {lang: f"{lang}/index.html" for lang in LANGS}
    feed_links = {a.get("href") for a in page.iter("a") if a.get("type")}
    names = ("rss.xml", "atom.xml")
    assert feed_links == {f"{BASE}{lang}/{name}" for lang in LANGS for name in names}


def test_every_site_link_resolves_to_a_written_file(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert sum(page.parent.name in LANGS for page in pages) == len(LANGS) * (2 + len(DATES))  # + index, search
    checked = 0
    for page_path in pages:
        for element, _attribute, href, _pos in _page(page_path).iterlinks():
            if element.tag not in {"a", "link", "script"}:
                continue
            href, _, fragment = href.partition("#")
            if href.startswith(BASE):
                target = site / unquote(href.removeprefix(BASE))
            else:
                assert not urlsplit(href).scheme, f"{page_path}: foreign link {href}"
                target = (page_path.parent / unquote(href)).resolve() if href else page_path
            assert target.is_file(), f"{page_path.relative_to(site)} links to missing {href}"
            if fragment:  # the skip link and the archive link land on an element of the page
                assert _page(target).get_element_by_id(fragment, None) is not None, (page_path, fragment)
            checked += 1
    assert checked > 100


def test_output_path_stays_inside_output_dir(tmp_path: Path) -> None:
    assert output_path(tmp_path, "en", "solarpark", "docx") == (tmp_path / "en" / "solarpark.docx")
    for lang, slug in [("en", "../../etc/passwd"), ("..", "x"), ("en", ".."), ("en", "a\\b")]:
        with pytest.raises(ValueError):
            output_path(tmp_path, lang, slug, "html")
    with pytest.raises(ValueError, match="index.html"):
        output_path(tmp_path, "en", "index", "html")  # would overwrite the language index


def test_output_path_refuses_symlink_out_of_output_dir(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "en").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="outside"):
        output_path(tmp_path / "output", "en", "solarpark", "docx")


def test_slug_is_percent_encoded_in_urls(settings: Settings) -> None:
    url = edition_url(settings, "de", "straße frei?", "html")
    assert url == f"{BASE}de/stra%C3%9Fe%20frei%3F.html"


def test_root_index_tells_every_reader_in_their_language(site: Path) -> None:
    page = _page(site / "index.html")
    choose = {span.get("lang"): span.text for span in page.find_class("choose")[0].iter("span")}
    assert choose == {"de": "Sprache wählen", "en": "Choose a language", "ko": "언어 선택"}
    items = {li.get("lang"): li.text_content() for li in page.find_class("languages")[0]}
    assert items["ko"].startswith("한국어: 보도자료 — 구독: RSS · Atom")
    assert items["de"].startswith("Deutsch: Pressemitteilungen — Abonnieren: RSS")


def test_page_description_and_notice_follow_the_release(tmp_path: Path, settings: Settings) -> None:
    """No summary: the description is the first paragraph; the notice names the original's language."""
    release = make_release()
    release.lang = "en"
    release.summary = ""
    edition = Edition.from_texts(release, "de", translated([*EN_TEXTS[:1], "", *EN_TEXTS[2:]]))
    write_pages({"en": [Edition.original(release)], "de": [edition]}, tmp_path, settings)
    page = _page(tmp_path / "de" / "solarpark.html")
    assert page.find("head/meta[@name='description']").get("content") == EN_TEXTS[2]
    (notice,) = page.find_class("notice")
    assert notice.text_content().startswith(
        "Dies ist eine maschinelle Übersetzung des englischen Originals: "
    )
    assert notice.find("a").get("hreflang") == "en"
