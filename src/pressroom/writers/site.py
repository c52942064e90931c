"""The published website in one call: theme files, release pages, the search index (sharded by
month), list and search pages, feeds per language and per tag, sitemap and robots.txt.

The search shards come after the release pages because Pagefind reads the finished pages, and
before the search pages, which name the shards.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.qa.glossary import Glossary
from pressroom.writers.entries import Entry, collect_tags, entries_by_tag
from pressroom.writers.feeds import Channel, write_feeds
from pressroom.writers.indexes import write_indexes
from pressroom.writers.legal import write_legal_pages
from pressroom.writers.memo import OutputMemo
from pressroom.writers.pages import Site, write_release_pages
from pressroom.writers.links import SEARCH_DIR, STATIC_DIR, output_path
from pressroom.writers.search import (
    SearchIndex,
    describe,
    discard_staging,
    remove_other_shards,
    shard_of,
    shard_path,
    write_search_shard,
)
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
    editions_by_lang: Mapping[str, Sequence[Edition]],
    settings: Settings,
    glossary: Glossary | None = None,
    memo: OutputMemo | None = None,
) -> Site:
    """The shared values of a build's pages, with every tag named in every language."""
    entries = [Entry.of(e) for editions in editions_by_lang.values() for e in editions]
    site = Site.make(settings, list(editions_by_lang), Theme(settings), tags=collect_tags(entries, tag_table(settings, glossary)))
    site.memo = memo
    return site


def write_site_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]],
    output_dir: Path,
    site: Site,
    pages: Collection[tuple[str, str]] | None = None,
) -> dict[str, list[Entry]]:
    """Theme files, legal pages, the release pages named in ``pages`` (``(lang, slug)``; None:
    all) and every list; returns the entries listed."""
    entries = _write_release_pages(editions_by_lang, output_dir, site, pages)
    write_indexes(entries, output_dir, site)
    return entries


def _write_release_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]],
    output_dir: Path,
    site: Site,
    pages: Collection[tuple[str, str]] | None,
) -> dict[str, list[Entry]]:
    """Theme files, legal pages and the release pages named in ``pages``; returns the entries."""
    site.theme.copy_static(output_dir, site.memo)
    write_legal_pages(output_dir, site)
    if not site.tags:
        site.tags = collect_tags(Entry.of(e) for editions in editions_by_lang.values() for e in editions)
    entries = {lang: [Entry.of(edition) for edition in editions] for lang, editions in editions_by_lang.items()}
    write_release_pages(editions_by_lang, output_dir, site, only=pages)
    return entries


def publish_site(
    editions_by_lang: Mapping[str, Sequence[Edition]],
    output_dir: Path,
    settings: Settings,
    *,
    docx_sizes: Mapping[str, Mapping[str, int]],
    in_feeds: Mapping[str, Sequence[Edition]] | None = None,
    glossary: Glossary | None = None,
    pages: Collection[tuple[str, str]] | None = None,
    memo: OutputMemo | None = None,
    also_searched: Mapping[str, Sequence[Edition]] | None = None,
) -> SearchIndex | None:
    """Everything a build publishes besides the DOCX files. ``in_feeds`` narrows what the feeds
    carry (``--require-review`` keeps unreviewed translations out of them).

    ``editions_by_lang`` is every edition the site lists (an incremental build gives the
    unchanged ones from its publish state); ``pages`` names the ``(lang, slug)`` release pages
    to write (None: all). With a ``memo``, a list page, feed, sitemap or search shard whose
    content did not change is not written again, and one it wrote before that this build does
    not (a tag no release carries any more) is removed. ``also_searched`` are the published
    editions of languages this build does not make (``--to``), whose pages stay in the search
    shards. Returns the search index when a shard was made again (None when all were kept).

    The search shards are made after the release pages they read and before the search pages
    that name them; shards no longer named go last."""
    site = make_site(editions_by_lang, settings, glossary, memo)
    entries = _write_release_pages(editions_by_lang, output_dir, site, pages)
    discard_staging(output_dir)
    site.search_shards, indexed = _index_shards({**(also_searched or {}), **editions_by_lang}, output_dir, memo)
    write_indexes(entries, output_dir, site)
    in_feeds = in_feeds if in_feeds is not None else editions_by_lang
    for lang, editions in in_feeds.items():
        sizes = docx_sizes.get(lang, {})
        write_feeds(editions, lang, output_dir / lang, settings, docx_sizes=sizes, theme=site.theme, memo=memo)
        for tag in site.tags.values():
            slugs = {entry.slug for entry in entries_by_tag(entries.get(lang, []), tag.slug)}
            if slugs:  # the tag has a page in this language, so its feeds must exist (maybe empty)
                channel = Channel.of_tag(lang, tag, output_dir, settings)
                chosen = [e for e in editions if e.slug in slugs]
                write_feeds(
                    chosen, lang, output_dir / lang, settings, docx_sizes=sizes, channel=channel, theme=site.theme, memo=memo
                )
    write_sitemap(entries, output_dir, settings, site.tags, memo)
    write_robots(output_dir, settings, memo)
    remove_other_shards(output_dir, site.search_shards)
    discard_staging(output_dir)
    if memo:
        memo.remove_unvisited(lambda name: "/" in name and name.split("/")[0] not in (*site.languages, STATIC_DIR, SEARCH_DIR))
    return describe(output_dir / SEARCH_DIR) if indexed else None


def _index_shards(
    editions_by_lang: Mapping[str, Sequence[Edition]], output_dir: Path, memo: OutputMemo | None
) -> tuple[list[str], bool]:
    """Index every search shard whose pages changed (all without a memo); returns the shards,
    newest first, and whether any was indexed."""
    by_shard: dict[str, list[tuple[str, str]]] = {}
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            by_shard.setdefault(shard_of(edition.release.date), []).append((lang, edition.slug))
    indexed = False
    for shard, keys in sorted(by_shard.items()):
        path = shard_path(output_dir, shard)
        key = memo.stale(path, _shard_shown(memo, keys)) if memo else ""
        if key is None:
            continue
        write_search_shard(output_dir, shard, [output_path(output_dir, lang, slug, "html") for lang, slug in sorted(keys)])
        if memo:
            memo.record(path, key)
        indexed = True
    return sorted(by_shard, reverse=True), indexed


def _shard_shown(memo: OutputMemo, keys: Sequence[tuple[str, str]]) -> object:
    """What a shard indexes: its pages with their editions' fingerprints (None if one is unknown)."""
    shown = sorted((lang, slug, memo.edition_key(lang, slug)) for lang, slug in keys)
    return None if any(fingerprint is None for *_, fingerprint in shown) else shown
