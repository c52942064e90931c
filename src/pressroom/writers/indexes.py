"""The lists of releases: the front page, each language's index (paged), a yearly archive,
a page per tag, and the search page per language.

Every list is built from :class:`~pressroom.writers.entries.Entry` metadata only, never from
whole editions, so an incremental build can list unchanged releases without rendering them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pressroom.writers.entries import Entry, Tag, entries_by_tag, newest_first, tag_slug
from pressroom.writers.labels import DEMO_SITE_BANNER, feed_title, label
from pressroom.writers.links import (
    FEEDS,
    INDEX_FILE,
    SEARCH_DIR,
    SEARCH_FILE,
    archive_page,
    edition_file,
    feed_url,
    index_page,
    index_url,
    page_url,
    relative,
    site_path,
    tag_feed,
    tag_page,
)
from pressroom.writers.pages import Site, feed_links


def write_indexes(entries_by_lang: Mapping[str, Sequence[Entry]], output_dir: Path, site: Site) -> None:
    """The front page, and per language: index pages, archives, tag pages and the search page."""
    demo = any(entry.demo for entries in entries_by_lang.values() for entry in entries)
    banner = DEMO_SITE_BANNER if demo else ""
    for lang, entries in entries_by_lang.items():
        ordered = newest_first(entries)
        years = sorted({entry.date.year for entry in ordered}, reverse=True)
        tags = _tags_of(ordered, site)
        pages = max(1, math.ceil(len(ordered) / site.settings.items_per_page))
        for number in range(1, pages + 1):
            _write_index_page(lang, ordered, number, pages, years, tags, banner, output_dir, site)
        for year in years:
            path = archive_page(lang, year)
            context = _list_context(site, lang, path, [e for e in ordered if e.date.year == year], banner)
            context.update(heading=label(lang, "archive_year").format(year=year), title=label(lang, "archive_year").format(year=year))
            context["years"] = _year_links(lang, path, years)
            site.write(output_dir, path, "listing.html", context)
        for tag in tags:
            _write_tag_page(lang, tag, entries_by_tag(ordered, tag.slug), banner, output_dir, site)
        path = (lang, SEARCH_FILE)
        context = site.context(lang, path, title=label(lang, "search_title"), demo_banner=banner)
        context.update(
            heading=label(lang, "search_title"),
            language_links=_language_links(site, lang, path, SEARCH_FILE),
            shards=[f"{SEARCH_DIR}/{shard}/" for shard in site.search_shards],
        )
        site.write(output_dir, path, "search.html", context)
    _write_front_page(entries_by_lang, banner, output_dir, site)


def _tags_of(entries: Sequence[Entry], site: Site) -> list[Tag]:
    """The tags these entries carry, by slug (the names come from the site's tag table)."""
    slugs = {tag_slug(tag) for entry in entries for tag in entry.tags}
    return sorted((site.tags[slug] for slug in slugs if slug in site.tags), key=lambda tag: tag.slug)


def _teasers(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Each entry with the link to its page, relative to the site root (the template adds root)."""
    return [{"entry": e, "href": site_path(e.lang, edition_file(e.slug, "html")), "picture": e.picture,
             "picture_alt": e.picture_alt} for e in entries]


def _list_context(site: Site, lang: str, path: tuple[str, ...], entries: Sequence[Entry], banner: str) -> dict[str, Any]:
    context = site.context(lang, path, demo_banner=banner)
    context.update(items=_teasers(entries), paging=None, years=[], topics=[], subscribe=[])
    return context


def _year_links(lang: str, path: tuple[str, ...], years: Sequence[int]) -> list[dict[str, Any]]:
    return [{"year": year, "href": relative(path, *archive_page(lang, year))} for year in years]


def _language_links(site: Site, lang: str, path: tuple[str, ...], *target: str) -> list[dict[str, str]]:
    """The same page in the other languages (their index or search page)."""
    return [{"lang": other, "href": relative(path, other, *target)} for other in site.languages if other != lang]


def _write_index_page(
    lang: str,
    entries: Sequence[Entry],
    number: int,
    pages: int,
    years: Sequence[int],
    tags: Sequence[Tag],
    banner: str,
    output_dir: Path,
    site: Site,
) -> None:
    """Page ``number`` of a language's index: ``items_per_page`` releases, newest first; the
    first page is the language's front page with archive years and topics."""
    size = site.settings.items_per_page
    path = index_page(lang, number)
    title = feed_title(site.settings, lang)
    context = _list_context(site, lang, path, entries[(number - 1) * size : number * size], banner)
    context.update(
        title=title if number == 1 else f"{title} – {label(lang, 'page_of').format(page=number, pages=pages)}",
        heading=title,
        canonical=page_url(site.settings, *path),
        alternates=[{"lang": other, "url": index_url(site.settings, other)} for other in site.languages if other != lang]
        if number == 1
        else [],
        language_links=_language_links(site, lang, path, INDEX_FILE),
        subscribe=feed_links(site.settings, lang),
        paging=_paging(lang, path, number, pages),
    )
    if number == 1:
        context["years"] = _year_links(lang, path, years)
        context["topics"] = [{"name": tag.name(lang), "href": relative(path, *tag_page(lang, tag.slug))} for tag in tags]
    site.write(output_dir, path, "listing.html", context)


def _paging(lang: str, path: tuple[str, ...], number: int, pages: int) -> dict[str, Any]:
    return {
        "pages": pages,
        "label": label(lang, "pages"),
        "position": label(lang, "page_of").format(page=number, pages=pages),
        "newer": relative(path, *index_page(lang, number - 1)) if number > 1 else "",
        "older": relative(path, *index_page(lang, number + 1)) if number < pages else "",
        "newer_label": label(lang, "newer"),
        "older_label": label(lang, "older"),
    }


def _write_tag_page(lang: str, tag: Tag, entries: Sequence[Entry], banner: str, output_dir: Path, site: Site) -> None:
    """A tag's page in one language: every release with the tag, and its own feeds."""
    path = tag_page(lang, tag.slug)
    heading = label(lang, "topic").format(tag=tag.name(lang))
    feeds = [
        {
            "mime": kind.mime,
            "lang": lang,
            "name": kind.name,
            "title": f"{heading} ({kind.name})",
            "url": page_url(site.settings, *tag_feed(lang, tag.slug, key)),
        }
        for key, kind in FEEDS.items()
    ]
    context = _list_context(site, lang, path, entries, banner)
    context.update(
        title=heading,
        heading=heading,
        canonical=page_url(site.settings, *path),
        feeds=feeds,
        subscribe=feeds,
        alternates=[{"lang": o, "url": page_url(site.settings, *tag_page(o, tag.slug))} for o in site.languages if o != lang],
    )
    site.write(output_dir, path, "listing.html", context)


def _write_front_page(entries_by_lang: Mapping[str, Sequence[Entry]], banner: str, output_dir: Path, site: Site) -> None:
    """The entry page, in the source language: every language offers itself in its own words,
    then the latest releases follow."""
    settings = site.settings
    lang = settings.source_language if settings.source_language in entries_by_lang else next(iter(entries_by_lang), "en")
    path = (INDEX_FILE,)
    latest = newest_first(entries_by_lang.get(lang, []))[: settings.items_per_page]
    context = _list_context(site, lang, path, latest, banner)
    context.update(
        title=settings.organisation,
        heading=label(lang, "latest"),
        canonical=index_url(settings),
        feeds=[link for other in entries_by_lang for link in feed_links(settings, other)],
        alternates=[{"lang": other, "url": index_url(settings, other)} for other in entries_by_lang],
        languages=[
            {
                "lang": other,
                "href": site_path(other, INDEX_FILE),
                "choose": label(other, "choose_language"),
                "releases": label(other, "releases"),
                "subscribe": label(other, "subscribe"),
                "feeds": [{"name": k.name, "mime": k.mime, "url": feed_url(settings, other, key)} for key, k in FEEDS.items()],
            }
            for other in entries_by_lang
        ],
    )
    site.write(output_dir, path, "front.html", context)
