"""The website around the releases: themes, legal links, paging, archives, tags and their feeds,
sharing metadata, sitemap, search index, DEMO marks, contrast, and what doctor says."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from test_writers_docx import BERLIN, make_editions, make_release
from test_writers_feeds import atom_problems, rss_problems

from pressroom import doctor
from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.writers.links import index_page
from pressroom.writers.readiness import MIN_CONTRAST, contrast_ratio, site_warnings
from pressroom.writers.site import publish_site
from pressroom.writers.theme import DEFAULT_THEME, copy_default_theme

SITE = "https://presse.example.org/mitteilungen"
BASE = SITE + "/"
LANGS = ["de", "en", "ko"]
SCHEMAS = Path(__file__).parent / "schemas"


def _editions(count: int, *, tags: list[str] | None = None, demo: bool = False) -> dict[str, list[Edition]]:
    """``count`` releases a day apart (the first in 2024, the rest in 2025), in three languages."""
    by_lang: dict[str, list[Edition]] = {lang: [] for lang in LANGS}
    for n in range(count):
        date = datetime(2024, 12, 31, 9, 0, 0, 987654, tzinfo=BERLIN) + timedelta(days=n)
        release = make_release(f"meldung-{n:03}", date)
        release.tags = tags if tags is not None else (["Energie"] if n % 2 == 0 else ["Verkehr"])
        for lang, edition in make_editions(release, demo=demo).items():
            by_lang[lang].append(edition)
    return by_lang


def _publish(out: Path, settings: Settings, count: int = 3, **kwargs: object) -> dict[str, list[Edition]]:
    editions = _editions(count, **kwargs)  # type: ignore[arg-type]
    sizes = {lang: {e.slug: 1000 for e in eds} for lang, eds in editions.items()}
    publish_site(editions, out, settings, docx_sizes=sizes)
    return editions


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


@pytest.fixture
def settings() -> Settings:
    return Settings(site_url=SITE, organisation="Stadtwerke Müllheim", items_per_page=4, imprint_url="https://example.org/impressum")


@pytest.mark.parametrize("count, pages", [(1, 1), (4, 1), (5, 2)])
def test_language_index_pages_hold_items_per_page(tmp_path: Path, settings: Settings, count: int, pages: int) -> None:
    """1, N and N+1 releases with N per page: one page, one full page, a second page of one."""
    _publish(tmp_path, settings, count)
    for lang in LANGS:
        written = sorted((tmp_path / lang / "page").glob("*.html")) if pages > 1 else []
        assert [p.name for p in written] == [f"{n}.html" for n in range(2, pages + 1)]
        shown: list[str] = []
        for number in range(1, pages + 1):
            page = _page(tmp_path.joinpath(*index_page(lang, number)))
            shown += [Path(a.get("href")).stem for a in page.xpath("//ol[@class='releases']/li/h2/a")]
            older = page.xpath("//nav[@class='pager']//a[@rel='next']")
            assert bool(older) == (number < pages)
            if older:
                target = (tmp_path.joinpath(*index_page(lang, number)).parent / older[0].get("href")).resolve()
                assert target == tmp_path.joinpath(*index_page(lang, number + 1))
        assert shown == [f"meldung-{n:03}" for n in reversed(range(count))]  # all, newest first, once


def test_yearly_archives(tmp_path: Path, settings: Settings) -> None:
    _publish(tmp_path, settings, 3)  # 2024-12-31, 2025-01-01, 2025-01-02
    for lang in LANGS:
        years = {p.stem: p for p in (tmp_path / lang / "archive").glob("*.html")}
        assert set(years) == {"2024", "2025"}
        slugs = [Path(a.get("href")).stem for a in _page(years["2025"]).xpath("//ol[@class='releases']/li/h2/a")]
        assert slugs == ["meldung-002", "meldung-001"]
        index = _page(tmp_path / lang / "index.html")
        assert [a.text for a in index.xpath("//nav[@class='archive']//a")] == ["2025", "2024"]


def test_tag_pages_and_feeds_per_language(tmp_path: Path, settings: Settings) -> None:
    settings.tags = {"Energie": {"en": "Energy", "ko": "에너지"}}
    _publish(tmp_path, settings, 3)
    names = {"de": "Energie", "en": "Energy", "ko": "에너지"}
    for lang in LANGS:
        page = _page(tmp_path / lang / "tags" / "energie.html")
        assert names[lang] in page.findtext(".//h1")
        slugs = [Path(a.get("href")).stem for a in page.xpath("//ol[@class='releases']/li/h2/a")]
        assert slugs == ["meldung-002", "meldung-000"]
        for kind in ("rss", "atom"):
            path = tmp_path / lang / "tags" / f"energie.{kind}.xml"
            parsed = feedparser.parse(path.read_bytes())
            assert parsed.bozo == 0 and [e.link for e in parsed.entries] == [f"{BASE}{lang}/{s}.html" for s in slugs]
            assert names[lang] in parsed.feed.title
            problems = rss_problems if kind == "rss" else atom_problems
            assert problems(path, f"{BASE}{lang}/tags/energie.{kind}.xml") == []
        feeds = {link.get("href") for link in page.xpath("//head/link[@type]")}
        assert feeds == {f"{BASE}{lang}/tags/energie.rss.xml", f"{BASE}{lang}/tags/energie.atom.xml"}
        # the release page links its tags by their name in the page's language
        release = _page(tmp_path / lang / "meldung-000.html")
        assert [a.text for a in release.xpath("//p[@class='tags']/a")] == [names[lang]]
        topics = _page(tmp_path / lang / "index.html").xpath("//nav[@class='topics']//a")
        assert {a.text for a in topics} == {names[lang], "Verkehr"}


def test_tag_names_come_from_the_glossary_when_the_tag_table_has_none(tmp_path: Path, settings: Settings) -> None:
    from pressroom.qa.glossary import load_glossary

    glossary_file = tmp_path / "glossary.tsv"
    glossary_file.write_text("de\ten\tko\tnote\nVerkehr\ttransport\t교통\t\n", encoding="utf-8")
    editions = _editions(2)
    sizes = {lang: {e.slug: 1000 for e in eds} for lang, eds in editions.items()}
    publish_site(editions, tmp_path / "out", settings, docx_sizes=sizes, glossary=load_glossary(glossary_file, "de"))
    assert "교통" in _page(tmp_path / "out" / "ko" / "tags" / "verkehr.html").findtext(".//h1")


def test_imprint_and_privacy_are_linked_from_every_page(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "privacy.md").write_text("# Datenschutz\n\nWir speichern nichts. <script>x</script>\n", encoding="utf-8")
    _publish(tmp_path / "out", settings, 5)
    pages = [p for p in (tmp_path / "out").rglob("*.html") if p.name != "qa-report.html"]
    assert len(pages) > 20
    for path in pages:
        legal = {a.text: a.get("href") for a in _page(path).xpath("//footer//ul[@class='legal']//a")}
        lang = _page(path).get("lang")
        imprint, privacy = {"de": ("Impressum", "Datenschutz"), "en": ("Imprint", "Privacy"), "ko": ("법적 고지", "개인정보 처리방침")}[lang]
        assert legal[imprint] == "https://example.org/impressum", path
        assert (path.parent / legal[privacy]).resolve() == tmp_path / "out" / "privacy.html", path
    privacy_page = _page(tmp_path / "out" / "privacy.html")
    assert privacy_page.findtext(".//article/h1") == "Datenschutz"
    assert not privacy_page.xpath("//article//script") and "<script>x</script>" in privacy_page.text_content()


def test_theme_overrides_one_template_and_one_static_file(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "theme" / "templates").mkdir(parents=True)
    (tmp_path / "theme" / "static").mkdir(parents=True)
    base = (DEFAULT_THEME / "templates" / "base.html").read_text(encoding="utf-8")
    (tmp_path / "theme" / "templates" / "base.html").write_text(
        base.replace('<footer class="site-footer">', '<footer class="site-footer"><p class="own">Unser Haus</p>'), encoding="utf-8"
    )
    (tmp_path / "theme" / "static" / "style.css").write_text("body{color:#000}\n", encoding="utf-8")
    _publish(tmp_path / "out", settings, 1)
    for path in [tmp_path / "out" / "index.html", tmp_path / "out" / "en" / "meldung-000.html"]:
        assert _page(path).xpath("//footer/p[@class='own']/text()") == ["Unser Haus"]
    assert (tmp_path / "out" / "theme" / "style.css").read_text(encoding="utf-8") == "body{color:#000}\n"
    default_print = (DEFAULT_THEME / "static" / "print.css").read_bytes()
    assert (tmp_path / "out" / "theme" / "print.css").read_bytes() == default_print  # the rest stays default
    assert "data-pagefind-body" in (tmp_path / "out" / "en" / "meldung-000.html").read_text(encoding="utf-8")


def test_theme_copy_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("mine", encoding="utf-8")
    copied, kept = copy_default_theme(tmp_path)
    assert kept == [tmp_path / "templates" / "base.html"]
    assert (tmp_path / "templates" / "base.html").read_text(encoding="utf-8") == "mine"
    assert {p.relative_to(tmp_path).as_posix() for p in copied} >= {"templates/release.html", "static/style.css"}


def test_opengraph_and_jsonld(tmp_path: Path, settings: Settings) -> None:
    settings.organisation_address = "Marktplatz 1\n79379 Müllheim"
    _publish(tmp_path, settings, 1)
    page = _page(tmp_path / "ko" / "meldung-000.html")
    og = {m.get("property"): m.get("content") for m in page.xpath("//head/meta[@property]")}
    assert og["og:title"] == "지역 최대 태양광 발전소 개장"
    assert og["og:url"] == f"{BASE}ko/meldung-000.html"
    assert og["og:locale"] == "ko_KR" and og["og:description"]
    assert sorted(m.get("content") for m in page.xpath("//meta[@property='og:locale:alternate']")) == ["de_DE", "en_US"]
    assert {m.get("name") for m in page.xpath("//head/meta[@name]")} >= {"twitter:card", "twitter:title", "twitter:description"}
    (script,) = page.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@type"] == "NewsArticle" and data["headline"] == og["og:title"]
    assert data["datePublished"] == "2024-12-31T09:00:00+01:00"  # whole seconds with offset
    assert data["dateModified"] == "2024-12-31T09:00:00+01:00"
    assert data["inLanguage"] == "ko"
    assert data["publisher"] == {"@type": "Organization", "name": "Stadtwerke Müllheim", "address": "Marktplatz 1, 79379 Müllheim"}
    assert "Marktplatz 1" in page.xpath("string(//footer/address)")


def test_dates_are_whole_seconds_everywhere(tmp_path: Path, settings: Settings) -> None:
    """A release dated by its file time has microseconds; no page or feed may show them."""
    _publish(tmp_path, settings, 2)
    for path in tmp_path.rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\d\d:\d\d:\d\d\.\d", text), path
            assert ".987654" not in text and "987654+" not in text, path
    times = _page(tmp_path / "en" / "meldung-000.html").xpath("//time/@datetime")
    assert times == ["2024-12-31T09:00:00+01:00"]


def _sitemap_schema() -> etree.XMLSchema:
    """The protocol's schema; it imports xhtml-link.xsd from beside it (never from the network)."""
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd"), parser))


def test_sitemap_validates_and_lists_every_page_with_its_languages(tmp_path: Path, settings: Settings) -> None:
    _publish(tmp_path, settings, 2)
    schema = _sitemap_schema()
    document = etree.parse(str(tmp_path / "sitemap.xml"))
    assert schema.validate(document), schema.error_log
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = document.xpath("//s:url/s:loc/text()", namespaces=ns)
    for lang in LANGS:
        assert f"{BASE}{lang}/meldung-001.html" in locs and f"{BASE}{lang}/index.html" in locs
        assert f"{BASE}{lang}/tags/energie.html" in locs
    (url,) = document.xpath("//s:url[s:loc='%sen/meldung-001.html']" % BASE, namespaces=ns)
    alternates = {link.get("hreflang"): link.get("href") for link in url.xpath("x:link", namespaces=ns)}
    assert alternates == {lang: f"{BASE}{lang}/meldung-001.html" for lang in LANGS}
    assert url.findtext("s:lastmod", namespaces=ns) == "2025-01-01T09:00:00+01:00"
    robots = (tmp_path / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_the_sitemap_schema_catches_what_it_should(tmp_path: Path, settings: Settings) -> None:
    _publish(tmp_path, settings, 1)
    text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    schema = _sitemap_schema()
    for broken in (
        text.replace("<lastmod>2024-12-31T09:00:00+01:00", "<lastmod>31.12.2024", 1),
        text.replace('hreflang="en"', 'lang="en"', 1),
        text.replace("<loc>", "<location>", 1).replace("</loc>", "</location>", 1),
    ):
        assert not schema.validate(etree.fromstring(broken.encode())), broken[:300]


def test_search_index_covers_every_language(tmp_path: Path, settings: Settings) -> None:
    editions = _editions(3)
    sizes = {lang: {e.slug: 1000 for e in eds} for lang, eds in editions.items()}
    index = publish_site(editions, tmp_path, settings, docx_sizes=sizes)
    assert index.pages == {"de": 3, "en": 3, "ko": 3}  # release pages only, not the lists
    # One shard per month of the release dates (the first release is from December 2024).
    assert sorted(p.name for p in (tmp_path / "pagefind").iterdir()) == ["2024-12", "2025-01"]
    assert index.size > 0 and (tmp_path / "pagefind" / "2025-01" / "pagefind-ui.js").is_file()
    assert not list(tmp_path.glob(".pagefind*"))  # the staging folder was swapped into place
    for lang in LANGS:
        search = _page(tmp_path / lang / "search.html")
        assert search.get("lang") == lang
        assert search.xpath("//script/@src") == ["../pagefind/2025-01/pagefind-ui.js"]  # the newest shard's UI
        script = "".join(search.xpath("//script[not(@src)]/text()"))
        assert '["pagefind/2025-01/", "pagefind/2024-12/"]' in script  # merged, newest first


def test_a_demo_build_marks_every_list_and_the_search_page(tmp_path: Path, settings: Settings) -> None:
    _publish(tmp_path, settings, 5, demo=True)
    lists = [tmp_path / "index.html"] + [p for lang in LANGS for p in (tmp_path / lang).rglob("*.html") if not p.stem.startswith("meldung")]
    assert len(lists) >= 3 * 4
    for path in lists:
        (banner,) = _page(path).find_class("demo")
        assert banner.text_content().startswith("DEMO"), path
    _publish(tmp_path / "real", settings, 1)
    assert not _page(tmp_path / "real" / "index.html").find_class("demo")


def test_default_theme_colours_keep_a_contrast_of_4_5() -> None:
    """Every text colour of the default theme against the background it is shown on."""
    css = (DEFAULT_THEME / "static" / "style.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    defaults = Settings()
    colours.update(brand=defaults.brand_colour, link=defaults.link_colour)
    pairs = [
        ("text", "background"), ("muted", "background"), ("link", "background"), ("on-brand", "brand"),
        ("text", "notice"), ("link", "notice"), ("muted", "notice"), ("demo-text", "demo"),
    ]  # fmt: skip
    for fore, back in pairs:
        assert contrast_ratio(colours[fore], colours[back]) >= MIN_CONTRAST, (fore, back)
    for hard_coded in re.findall(r"\.(?:error|warning|ok) \{ color: (#[0-9a-f]{6})", css):
        assert contrast_ratio(hard_coded, colours["background"]) >= MIN_CONTRAST
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0  # the formula itself


def test_doctor_warns_about_placeholder_address_missing_legal_pages_and_weak_colours(tmp_path: Path) -> None:
    found = [w.text for w in site_warnings(Settings(brand_colour="#88aaff"), tmp_path)]
    assert found[0].startswith("site_url is still the placeholder http://localhost:8000/")
    assert any(text.startswith("no imprint_url and no imprint.md") for text in found)
    assert any(text.startswith("no privacy_url and no privacy.md") for text in found)
    assert any(text.startswith("brand_colour #88aaff has a contrast of only") for text in found)
    (tmp_path / "imprint.md").write_text("# Impressum\n", encoding="utf-8")
    ready = Settings(site_url="https://presse.example.org/", privacy_url="https://example.org/datenschutz")
    assert site_warnings(ready, tmp_path) == []
    checks = doctor.run_checks(doctor.Folders(models=tmp_path / "models", releases=tmp_path / "r", output=tmp_path / "o", site=tmp_path / "x"))
    warnings = [c.line() for c in checks if c.warning]
    assert len(warnings) == 3 and all(line.startswith("! ") and " → " in line for line in warnings)
    assert all(c.ok for c in checks if c.warning)  # a warning alone does not make doctor fail


def test_the_theme_and_the_legal_pages_are_build_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build with nothing changed is skipped; an edited theme file or a new imprint.md is a change."""
    from pressroom.build.incremental import inputs_fingerprint
    from pressroom.build.types import BuildOptions

    class Engines:
        def fingerprint(self) -> str:
            return "models"

    monkeypatch.chdir(tmp_path)
    (tmp_path / "releases").mkdir()
    options = BuildOptions(releases_dir=tmp_path / "releases", output_dir=tmp_path / "output")
    seen = [inputs_fingerprint(Settings(), options, Engines())]
    (tmp_path / "theme" / "static").mkdir(parents=True)
    (tmp_path / "theme" / "static" / "style.css").write_text("body{}", encoding="utf-8")
    seen.append(inputs_fingerprint(Settings(), options, Engines()))
    (tmp_path / "imprint.md").write_text("# Impressum", encoding="utf-8")
    seen.append(inputs_fingerprint(Settings(), options, Engines()))
    assert len(set(seen)) == 3 and inputs_fingerprint(Settings(), options, Engines()) == seen[-1]


def test_the_logo_heads_every_page_and_names_the_publisher(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Logo.SVG").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    settings.logo = "Logo.SVG"
    _publish(tmp_path / "out", settings, 1)
    assert (tmp_path / "out" / "theme" / "logo.svg").read_bytes() == (tmp_path / "Logo.SVG").read_bytes()
    for path in [tmp_path / "out" / "index.html", tmp_path / "out" / "ko" / "meldung-000.html"]:
        (img,) = _page(path).xpath("//header//a[@class='brand']/img")
        assert (path.parent / img.get("src")).resolve() == tmp_path / "out" / "theme" / "logo.svg"
        assert img.get("alt") == "Stadtwerke Müllheim"
    data = json.loads(_page(tmp_path / "out" / "ko" / "meldung-000.html").xpath("//script[@type='application/ld+json']")[0].text)
    assert data["publisher"]["logo"]["url"] == f"{BASE}theme/logo.svg" and data["image"] == [f"{BASE}theme/logo.svg"]


def test_entries_survive_a_round_trip_through_json(tmp_path: Path) -> None:
    """A publish state can keep entries between builds and list unchanged releases from them."""
    from pressroom.writers.entries import Entry

    entry = Entry.of(_with_picture(_editions(1))["ko"][0])
    assert entry.picture.startswith("media/") and entry.picture_alt == "Solarpark aus der Luft"
    assert Entry.from_json(json.loads(json.dumps(entry.to_json()))) == entry
    assert entry.date.microsecond == 0 and entry.tags == ("Energie",) and entry.review_status == "machine"


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _with_picture(editions: dict[str, list[Edition]]) -> dict[str, list[Edition]]:
    """The first release of each language with a picture (the same picture) before its text."""
    from pressroom.document.inline import Text
    from pressroom.document.model import Figure, Image

    figure = Figure(Image(PNG, "image/png", "luft.png", 1, 1), Text("Der Solarpark"), "Solarpark aus der Luft")
    for eds in editions.values():
        eds[0].blocks.insert(0, figure)
    return editions


def test_the_first_picture_is_published_once_and_shown_everywhere(tmp_path: Path, settings: Settings) -> None:
    from pressroom.writers.media import write_media

    editions = _with_picture(_editions(2))
    for eds in editions.values():
        for edition in eds:
            write_media(edition.blocks, tmp_path)
    sizes = {lang: {e.slug: 1000 for e in eds} for lang, eds in editions.items()}
    publish_site(editions, tmp_path, settings, docx_sizes=sizes)
    (picture,) = (tmp_path / "media").iterdir()  # one file for three languages
    assert picture.read_bytes() == PNG
    url = f"{BASE}media/{picture.name}"
    page = _page(tmp_path / "en" / "meldung-000.html")
    (img,) = page.xpath("//article/figure/img")
    assert (tmp_path / "en" / img.get("src")).resolve() == picture and img.get("alt") == "Solarpark aus der Luft"
    assert page.xpath("string(//article/figure/figcaption)") == "Der Solarpark"
    assert page.xpath("//meta[@property='og:image']/@content") == [url]
    assert json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)["image"] == [url]
    teaser = _page(tmp_path / "en" / "index.html").xpath("//li[@class='teaser'][h2/a[contains(@href, 'meldung-000')]]/img")
    assert len(teaser) == 1 and (tmp_path / "en" / teaser[0].get("src")).resolve() == picture
    rss = etree.parse(str(tmp_path / "en" / "rss.xml")).getroot()
    media = rss.findall("channel/item/{http://search.yahoo.com/mrss/}content")
    assert [(m.get("url"), m.get("type"), m.get("medium")) for m in media] == [(url, "image/png", "image")]
    assert rss.find("channel/item/enclosure").get("type").endswith("wordprocessingml.document")  # still the DOCX
    entries = feedparser.parse((tmp_path / "en" / "atom.xml").read_bytes()).entries
    pictured = next(e for e in entries if e.link.endswith("meldung-000.html"))
    assert {(x.href, x.type) for x in pictured.enclosures} >= {(url, "image/png")}
    assert f'src="{url}"' in pictured.content[0].value  # absolute in the feed
    assert rss_problems(tmp_path / "en" / "rss.xml", f"{BASE}en/rss.xml") == []
    assert atom_problems(tmp_path / "en" / "atom.xml", f"{BASE}en/atom.xml") == []


def test_a_new_search_index_replaces_the_old_one_whole(tmp_path: Path, settings: Settings) -> None:
    """The old index's files go once the new entry file is in place; nothing of it lingers."""
    _publish(tmp_path, settings, 2)
    first = {p.name for p in (tmp_path / "pagefind").rglob("*.pf_fragment")}
    _publish(tmp_path, settings, 3)
    fragments = {p.name for p in (tmp_path / "pagefind").rglob("*.pf_fragment")}
    assert len(first) == 6 and len(fragments) == 9 and fragments != first
    for shard in ("2024-12", "2025-01"):
        folder = tmp_path / "pagefind" / shard
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        metas = {p.name for p in folder.glob("*.pf_meta")}
        assert metas == {f"pagefind.{lang['hash']}.pf_meta" for lang in entry["languages"].values()}
    assert not list(tmp_path.glob(".pagefind*"))
