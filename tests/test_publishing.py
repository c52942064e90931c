"""What a subscriber meets, from real pipeline builds: embargo, stable update times, links that
resolve, the feed validator's rules, the feed size setting and the bilingual review edition."""

from __future__ import annotations

import zipfile
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import lxml.html
import pytest
from engines import StaticEngines, TaggingEngine
from lxml import etree
from test_pipeline import BERLIN, ENGLISH, NOW, RELEASE_A, RELEASE_B
from test_writers_feeds import atom_problems, rss_problems
from typer.testing import CliRunner

from pressroom.cli.app import app
from pressroom.config import load_settings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions, BuildResult

SITE = "https://presse.example.org/stuttgart/"
LANGS = ("de", "en", "ko")
SLUG_A = "neue-stadtbahnhaltestelle-in-moehringen"  # dated 2025-08-04 10:00
SLUG_B = "gemeinderat-beschliesst-haushalt"  # dated 2025-07-30 18:00
SLUG_EN = "partnership-with-sejong-signed"  # written in English: no German edition
FEEDS = ("rss.xml", "atom.xml")
# The only absolute link a feed may carry outside the site: RSS <docs>, the format's spec.
RSS_SPEC = "http://www.rssboard.org/rss-specification"
ATOM = "{http://www.w3.org/2005/Atom}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    for name, text in {"a.md": RELEASE_A, "b.md": RELEASE_B, "en.md": ENGLISH}.items():
        (tmp_path / "releases" / name).write_text(text, encoding="utf-8")
    (tmp_path / "pressroom.toml").write_text(f'site_url = "{SITE}"\n', encoding="utf-8")
    return tmp_path


def _build(workdir: Path, now: datetime, **options: object) -> BuildResult:
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"), TaggingEngine("en", "de"))
    settings = load_settings(workdir / "pressroom.toml")
    opts = BuildOptions(releases_dir=workdir / "releases", output_dir=workdir / "output", **options)
    result = build(settings, opts, engines, now=now)
    assert result.exit_code == 0, result.failed
    return result


def _site_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.suffix in {".xml", ".html"}}


def test_embargoed_release_appears_nowhere_until_a_build_after_its_time(workdir: Path) -> None:
    out = workdir / "output"
    result = _build(workdir, datetime(2025, 8, 4, 9, 59, tzinfo=BERLIN))  # a minute early
    assert [p.path.name for p in result.held_back] == ["a.md"]
    assert SLUG_A not in {slug for slugs in result.published.values() for slug in slugs}
    assert not list(out.rglob(f"{SLUG_A}.*"))
    for name, data in _site_files(out).items():
        assert SLUG_A.encode() not in data, name  # no feed item, no index entry, no link

    _build(workdir, datetime(2025, 8, 4, 10, 0, tzinfo=BERLIN))  # at its time
    for lang in LANGS:
        assert (out / lang / f"{SLUG_A}.docx").is_file()
        assert (out / lang / f"{SLUG_A}.html").is_file()
        assert SLUG_A in (out / lang / "index.html").read_text(encoding="utf-8")
        rss, atom = (feedparser.parse((out / lang / name).read_bytes()) for name in FEEDS)
        assert rss.entries[0].link == atom.entries[0].link == f"{SITE}{lang}/{SLUG_A}.html"
        # dated by the release, not by the build that first published it
        assert rss.entries[0].published == "Mon, 04 Aug 2025 10:00:00 +0200"
        assert atom.entries[0].updated == "2025-08-04T10:00:00+02:00"


def test_update_times_move_only_when_the_content_changes(workdir: Path) -> None:
    out = workdir / "output"
    _build(workdir, NOW)
    before = _site_files(out)
    _build(workdir, datetime(2025, 9, 2, 12, 0, tzinfo=BERLIN))
    assert _site_files(out) == before  # feeds and pages byte for byte, RSS and Atom alike

    changed_at = datetime(2025, 9, 3, 8, 30, tzinfo=BERLIN)
    (workdir / "releases" / "b.md").write_text(RELEASE_B + "\nEin neuer Satz.\n", encoding="utf-8")
    _build(workdir, changed_at)
    for lang in LANGS:
        atom = etree.parse(str(out / lang / "atom.xml")).getroot()
        updated = {
            e.findtext(f"{ATOM}id").rsplit("/", 1)[1]: e.findtext(f"{ATOM}updated")
            for e in atom.iter(f"{ATOM}entry")
        }
        assert updated[f"{SLUG_B}.html"] == changed_at.isoformat()
        assert updated[f"{SLUG_A}.html"] == "2025-08-04T10:00:00+02:00"
        assert atom.findtext(f"{ATOM}updated") == changed_at.isoformat()
        rss = etree.parse(str(out / lang / "rss.xml")).getroot().find("channel")
        assert rss.findtext("lastBuildDate") == format_datetime(changed_at)
        pub_dates = {i.findtext("guid").rsplit("/", 1)[1]: i.findtext("pubDate") for i in rss.iter("item")}
        assert pub_dates[f"{SLUG_B}.html"] == "Wed, 30 Jul 2025 18:00:00 +0200"  # still its own date


def _feed_links(feed: Path) -> list[str]:
    """Every URL a feed carries: link/url attributes and the text of link, guid and id elements."""
    root = etree.parse(str(feed)).getroot()
    links = []
    for element in root.iter():
        links += [element.get(name) for name in ("href", "url") if element.get(name)]
        if etree.QName(element).localname in {"link", "guid", "id", "docs"} and element.text:
            links.append(element.text.strip())
    return links


def _target(out: Path, where: Path, link: str) -> Path | None:
    """The output file a link points to; None for a link outside the site."""
    if link.startswith(SITE):
        return out / unquote(link.removeprefix(SITE))
    if urlsplit(link).scheme:
        return None
    return (where.parent / unquote(link)).resolve()


def test_every_link_in_feeds_and_pages_resolves_to_a_published_file(workdir: Path) -> None:
    out = workdir / "output"
    _build(workdir, NOW)
    checked = 0
    for lang in LANGS:
        for name in FEEDS:
            feed = out / lang / name
            for link in _feed_links(feed):
                target = _target(out, feed, link)
                if target is None:
                    assert link == RSS_SPEC, f"{lang}/{name} links outside the site: {link}"
                    continue
                assert target.is_file(), f"{lang}/{name} links to missing {link}"
                checked += 1
        assert rss_problems(out / lang / "rss.xml", f"{SITE}{lang}/rss.xml") == []
        assert atom_problems(out / lang / "atom.xml", f"{SITE}{lang}/atom.xml") == []
    for page in out.rglob("*.html"):
        for element, _attribute, link, _pos in lxml.html.fromstring(page.read_bytes()).iterlinks():
            if element.tag in {"a", "link"}:
                link, _, fragment = link.partition("#")  # the skip link: #main on the same page
                target = _target(out, page, link) if link else page
                assert target is not None and target.is_file(), f"{page.relative_to(out)}: {link}"
                if fragment:
                    assert lxml.html.fromstring(target.read_bytes()).get_element_by_id(fragment, None) is not None
                checked += 1
    assert checked > 150


def test_max_feed_items_from_the_config_file(workdir: Path) -> None:
    config = workdir / "pressroom.toml"
    config.write_text(config.read_text(encoding="utf-8") + "max_feed_items = 1\n", encoding="utf-8")
    _build(workdir, NOW)
    out = workdir / "output"
    for name in FEEDS:
        entries = feedparser.parse((out / "en" / name).read_bytes()).entries
        assert [entry.link for entry in entries] == [f"{SITE}en/{SLUG_A}.html"]  # the newest
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert all(f"{slug}.html" in index for slug in (SLUG_A, SLUG_B, SLUG_EN))  # pages keep all


def test_bilingual_review_editions_only_on_request_and_never_published(workdir: Path) -> None:
    out = workdir / "output"
    _build(workdir, NOW)
    assert not list(out.rglob("*.bilingual.docx"))
    _build(workdir, NOW, bilingual=True)
    reviews = sorted(str(p.relative_to(out)) for p in out.rglob("*.bilingual.docx"))
    assert reviews == sorted(  # translations only: German originals and the English one have none
        f"{lang}/{slug}.bilingual.docx"
        for lang, slug in [("en", SLUG_A), ("en", SLUG_B), ("ko", SLUG_A), ("ko", SLUG_B),
                           ("ko", SLUG_EN), ("de", SLUG_EN)]
    )
    with zipfile.ZipFile(out / "ko" / f"{SLUG_A}.bilingual.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    (table,) = body.iter(f"{W}tbl")
    assert {len(row.findall(f"{W}tc")) for row in table.iter(f"{W}tr")} == {2}
    for name, data in _site_files(out).items():
        assert b"bilingual" not in data, name


def test_cli_bilingual_option(tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "b.md").write_text(RELEASE_B, encoding="utf-8")
    args = ["build", "--demo", "--to", "en", "--models-dir", str(models_dir), "--output", "site"]
    result = CliRunner().invoke(app, [*args, "--bilingual"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "en" / f"{SLUG_B}.bilingual.docx").is_file()
    assert (tmp_path / "site" / "en" / f"{SLUG_B}.docx").is_file()
