"""The published website in one call: theme files, release and list pages, feeds per language
and per tag, sitemap, robots.txt and the search index, in that order.

The search index goes last because Pagefind reads the finished pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.qa.glossary import Glossary
from pressroom.writers.entries import Entry, collect_tags, entries_by_tag
from pressroom.writers.feeds import Channel, write_feeds
from pressroom.writers.indexes import write_indexes
from pressroom.writers.legal import write_legal_pages
from pressroom.writers.pages import Site, write_release_pages
from pressroom.writers.search import SearchIndex, write_search_index
from pressroom.writers.sitemap import write_robots, write_sitemap
from pressroom.writers.theme import Theme


def tag_table(settings: Settings, glossary: Glossary | None = None) -> dict[str, dict[str, str]]:
    """Tag names per language: the glossary's approved terms, overridden by pressroom.toml's tags."""
    table: dict[str, dict[str, str]] = {}
    for term in glossary.terms if glossary else []:
        names = {lang: term.value(lang) for lang in glossary.languages if term.value(lang)}
        table[term.source] = names
    table.update({tag: dict(names) for tag, names in settings.tags.items()})
    return table


def make_site(
    editions_by_lang: Mapping[str, Sequence[Edition]], settings: Settings, glossary: Glossary | None = None
) -> Site:
    """The shared values of a build's pages, with every tag named in every language."""
    entries = [Entry.of(e) for editions in editions_by_lang.values() for e in editions]
    return Site.make(settings, list(editions_by_lang), Theme(settings), tags=collect_tags(entries, tag_table(settings, glossary)))


def write_site_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]], output_dir: Path, site: Site
) -> dict[str, list[Entry]]:
    """Theme files, legal pages, every release page and every list; returns the entries listed."""
    site.theme.copy_static(output_dir)
    write_legal_pages(output_dir, site)
    if not site.tags:
        site.tags = collect_tags(Entry.of(e) for editions in editions_by_lang.values() for e in editions)
    entries = {lang: [Entry.of(edition) for edition in editions] for lang, editions in editions_by_lang.items()}
    write_release_pages(editions_by_lang, output_dir, site)
    write_indexes(entries, output_dir, site)
    return entries


def publish_site(
    editions_by_lang: Mapping[str, Sequence[Edition]],
    output_dir: Path,
    settings: Settings,
    *,
    docx_sizes: Mapping[str, Mapping[str, int]],
    in_feeds: Mapping[str, Sequence[Edition]] | None = None,
    glossary: Glossary | None = None,
) -> SearchIndex:
    """Everything a build publishes besides the DOCX files. ``in_feeds`` narrows what the feeds
    carry (``--require-review`` keeps unreviewed translations out of them)."""
    site = make_site(editions_by_lang, settings, glossary)
    entries = write_site_pages(editions_by_lang, output_dir, site)
    in_feeds = in_feeds if in_feeds is not None else editions_by_lang
    for lang, editions in in_feeds.items():
        sizes = docx_sizes.get(lang, {})
        write_feeds(editions, lang, output_dir / lang, settings, docx_sizes=sizes, theme=site.theme)
        for tag in site.tags.values():
            slugs = {entry.slug for entry in entries_by_tag(entries.get(lang, []), tag.slug)}
            if slugs:  # the tag has a page in this language, so its feeds must exist (maybe empty)
                channel = Channel.of_tag(lang, tag, output_dir, settings)
                chosen = [e for e in editions if e.slug in slugs]
                write_feeds(chosen, lang, output_dir / lang, settings, docx_sizes=sizes, channel=channel, theme=site.theme)
    write_sitemap(entries, output_dir, settings, site.tags)
    write_robots(output_dir, settings)
    return write_search_index(output_dir)
