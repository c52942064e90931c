"""``sitemap.xml`` with each page's other languages as ``xhtml:link`` alternates, and
``robots.txt`` pointing to it, so search engines find every release in every language.

Built from entry metadata only. Dates are whole seconds with offset (W3C Datetime).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from lxml import etree

from pressroom.config import Settings
from pressroom.writers.entries import Entry, Tag, entries_by_tag
from pressroom.writers.links import (
    ROBOTS_FILE,
    SITEMAP_FILE,
    contained_path,
    edition_url,
    index_url,
    page_url,
    tag_page,
)
from pressroom.writers.memo import OutputMemo, write_file
from pressroom.writers.theme import iso

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_URLS = 50_000  # the sitemap protocol's limit for one file


def write_sitemap(
    entries_by_lang: Mapping[str, Sequence[Entry]],
    output_dir: Path,
    settings: Settings,
    tags: Mapping[str, Tag],
    memo: OutputMemo | None = None,
) -> None:
    """Every release page, language index and tag page, each with its language alternates
    (written only when an entry or tag changed, where there is a ``memo``)."""
    write_file(
        memo,
        contained_path(output_dir, SITEMAP_FILE),
        lambda: ([(lang, list(entries)) for lang, entries in entries_by_lang.items()], sorted(tags.items())),
        lambda: _xml(_urls(entries_by_lang, settings, tags)[:MAX_URLS]),
    )


def _urls(
    entries_by_lang: Mapping[str, Sequence[Entry]], settings: Settings, tags: Mapping[str, Tag]
) -> list[tuple[str, datetime | None, dict[str, str]]]:
    urls: list[tuple[str, datetime | None, dict[str, str]]] = []
    languages = list(entries_by_lang)
    newest = max((e.updated for entries in entries_by_lang.values() for e in entries), default=None)
    index_alternates = {lang: index_url(settings, lang) for lang in languages}
    urls.append((index_url(settings), newest, {}))
    for lang in languages:
        urls.append((index_url(settings, lang), newest, index_alternates))
    by_slug: dict[str, dict[str, Entry]] = {}
    for lang, entries in entries_by_lang.items():
        for entry in entries:
            by_slug.setdefault(entry.slug, {})[lang] = entry
    for slug in sorted(by_slug):
        editions = by_slug[slug]
        alternates = {lang: edition_url(settings, lang, slug, "html") for lang in editions}
        for lang, entry in editions.items():
            urls.append((alternates[lang], entry.updated, alternates))
    for tag in sorted(tags.values(), key=lambda t: t.slug):
        present = {lang: entries_by_tag(entries_by_lang[lang], tag.slug) for lang in languages}
        alternates = {lang: page_url(settings, *tag_page(lang, tag.slug)) for lang in languages if present[lang]}
        for lang in alternates:
            urls.append((alternates[lang], max(e.updated for e in present[lang]), alternates))
    return urls


def _xml(urls: Sequence[tuple[str, datetime | None, Mapping[str, str]]]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for loc, lastmod, alternates in urls:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc
        if lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = iso(lastmod)
        if len(alternates) > 1:  # a page's own language is listed among its alternates too
            for lang, href in alternates.items():
                etree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang, href=href)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_robots(output_dir: Path, settings: Settings, memo: OutputMemo | None = None) -> None:
    """Allow everything except the build's hidden state, and name the sitemap."""
    data = f"User-agent: *\nDisallow: /.pressroom/\n\nSitemap: {page_url(settings, SITEMAP_FILE)}\n".encode()
    write_file(memo, contained_path(output_dir, ROBOTS_FILE), lambda: data, lambda: data)
