"""Static HTML pages: one per release and language, an index per language, a root index.

Plain HTML5 without JavaScript, so the site works from any static host or straight from disk.
Every text is escaped: release content is data, never markup. Navigation links are relative
(browsable from ``output/`` without a server); hreflang alternates, canonical and feed links
are absolute, because search engines and feed readers need them that way.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from pressroom.atomic import atomic_write_text
from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.document.model import Block, BlockKind, Edition
from pressroom.writers.labels import (
    contact_lines,
    demo_banner,
    display_title,
    feed_title,
    format_date,
    label,
    mt_notice,
    summary_text,
    xml_safe,
)
from pressroom.writers.links import (
    DOCX_MIME,
    FEEDS,
    INDEX_FILE,
    contained_path,
    edition_file,
    edition_url,
    feed_url,
    output_path,
    site_path,
)

BLOCK_TEMPLATES = {
    BlockKind.HEADING: "<h2>{}</h2>",
    BlockKind.PARAGRAPH: "<p>{}</p>",
    BlockKind.QUOTE: "<blockquote><p>{}</p></blockquote>",
    BlockKind.LIST_ITEM: "<li>{}</li>",
}

CSS = (
    "body{max-width:44rem;margin:2rem auto;padding:0 1rem;"
    "font:1.05rem/1.6 system-ui,sans-serif;color:#222}"
    "blockquote{margin:1rem 0;padding-left:1rem;border-left:4px solid #ccc;color:#444}"
    ".demo{background:#ff0;border:2px solid #000;padding:.5rem;font-weight:bold}"
    ".notice{background:#eef;padding:.5rem;font-style:italic}"
    "nav,footer,.meta{font-size:.9rem;color:#555}"
    "ul.releases{list-style:none;padding:0}ul.releases li{margin:.5rem 0}"
)


def _e(text: str) -> str:
    """Text as HTML (also safe inside quoted attributes)."""
    return html.escape(xml_safe(text))


def newest_first(editions: Iterable[Edition]) -> list[Edition]:
    """Editions by release date, newest first; the slug breaks ties so the order is stable."""
    return sorted(editions, key=lambda e: (e.release.date, e.slug), reverse=True)


def blocks_html(blocks: Sequence[Block]) -> str:
    """The body of a release as HTML; consecutive list items of one kind share a list."""
    parts: list[str] = []
    open_list: str | None = None
    for block in blocks:
        wanted = ("ol" if block.ordered else "ul") if block.kind is BlockKind.LIST_ITEM else None
        if wanted != open_list:
            if open_list:
                parts.append(f"</{open_list}>")
            if wanted:
                parts.append(f"<{wanted}>")
            open_list = wanted
        parts.append(BLOCK_TEMPLATES[block.kind].format(_e(block.text)))
    if open_list:
        parts.append(f"</{open_list}>")
    return "\n".join(parts)


def write_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]],
    output_dir: Path,
    settings: Settings,
    *,
    only: Collection[tuple[str, str]] | None = None,
) -> None:
    """Release pages, every language index and the root index, each written atomically.

    ``editions_by_lang`` is every edition the site lists; a release page needs only its own
    edition and its siblings. ``only`` names the ``(lang, slug)`` editions whose pages are
    written (an incremental build's changed editions); None writes every page.
    """
    by_slug: dict[str, dict[str, Edition]] = {}
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            by_slug.setdefault(edition.slug, {})[lang] = edition
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            if only is not None and (lang, edition.slug) not in only:
                continue
            atomic_write_text(
                output_path(output_dir, lang, edition.slug, "html"),
                _release_page(edition, lang, by_slug[edition.slug], settings),
            )
        atomic_write_text(
            contained_path(output_dir, lang, INDEX_FILE),
            _language_index(lang, editions, list(editions_by_lang), settings),
        )
    atomic_write_text(
        contained_path(output_dir, INDEX_FILE), _root_index(list(editions_by_lang), settings)
    )


def _up(*segments: str) -> str:
    """Relative link from a page in a language folder to ``segments`` under the site root."""
    return "../" + site_path(*segments)


def _page(lang: str, title: str, head: Iterable[str], body: str, settings: Settings) -> str:
    head_html = "\n".join(head)
    return f"""<!DOCTYPE html>
<html lang="{_e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
{head_html}
<style>{CSS}</style>
</head>
<body>
{body}
<footer><p>{_e(settings.organisation)}</p></footer>
</body>
</html>
"""


def _feed_head_links(lang: str, settings: Settings) -> list[str]:
    """Autodiscovery: feed readers given any page find that language's feeds."""
    return [
        f'<link rel="alternate" type="{kind.mime}" hreflang="{_e(lang)}" '
        f'title="{_e(feed_title(settings, lang))} ({kind.name})" '
        f'href="{_e(feed_url(settings, lang, key))}">'
        for key, kind in FEEDS.items()
    ]


def _subscribe_links(lang: str, settings: Settings) -> str:
    return " · ".join(
        f'<a href="{_e(feed_url(settings, lang, key))}" type="{kind.mime}">{kind.name}</a>'
        for key, kind in FEEDS.items()
    )


def _language_link(href: str, lang: str) -> str:
    """A link to something in another language, tagged so browsers and screen readers know."""
    name = LANGUAGE_NAMES.get(lang, lang)
    return f'<a href="{_e(href)}" hreflang="{_e(lang)}" lang="{_e(lang)}">{_e(name)}</a>'


def _time(edition: Edition, lang: str) -> str:
    date = edition.release.date
    return f'<time datetime="{_e(date.isoformat())}">{_e(format_date(date, lang))}</time>'


def _release_page(
    edition: Edition, lang: str, siblings: Mapping[str, Edition], settings: Settings
) -> str:
    slug = edition.slug
    source_lang = edition.release.lang
    others = [other for other in siblings if other != lang]
    head = [
        f'<link rel="canonical" href="{_e(edition_url(settings, lang, slug, "html"))}">',
        *(
            f'<link rel="alternate" hreflang="{_e(other)}" '
            f'href="{_e(edition_url(settings, other, slug, "html"))}">'
            for other in others
        ),
        *_feed_head_links(lang, settings),
    ]
    if source_lang in siblings:
        head.append(
            f'<link rel="alternate" hreflang="x-default" '
            f'href="{_e(edition_url(settings, source_lang, slug, "html"))}">'
        )
    description = summary_text(edition)
    if description:
        head.append(f'<meta name="description" content="{_e(description)}">')

    nav = [
        f'<a href="{_e(_up(INDEX_FILE))}">{_e(label(lang, "all_languages"))}</a>',
        f'<a href="{_e(_up(lang, INDEX_FILE))}">{_e(label(lang, "releases"))}</a>',
    ]
    if others:
        links = ", ".join(
            _language_link(_up(other, edition_file(slug, "html")), other) for other in others
        )
        nav.append(f"{_e(label(lang, 'other_languages'))}: {links}")
    body = [f"<nav>{' · '.join(nav)}</nav>"]
    if edition.demo:
        body.append(f'<p class="demo" role="note">{_e(demo_banner(edition))}</p>')
    if edition.machine_translated:
        notice = _e(mt_notice(edition))
        original = siblings.get(source_lang)
        if original is not None:
            href = _up(source_lang, edition_file(slug, "html"))
            notice += (
                f': <a href="{_e(href)}" hreflang="{_e(source_lang)}" lang="{_e(source_lang)}">'
                f"{_e(display_title(original))}</a>"
            )
        body.append(f'<p class="notice" role="note">{notice}</p>')
    body += ["<article>", f"<h1>{_e(display_title(edition))}</h1>"]
    body.append(f'<p class="meta">{_time(edition, lang)}</p>')
    if edition.summary:
        body.append(f'<p class="summary"><strong>{_e(edition.summary)}</strong></p>')
    body.append(blocks_html(edition.blocks))
    contact = contact_lines(edition, settings)
    if contact:
        lines = "<br>\n".join(_e(line) for line in contact)
        body.append(f"<h2>{_e(label(lang, 'contact'))}</h2>\n<address>{lines}</address>")
    body.append(
        f'<p class="download"><a href="{_e(_up(lang, edition_file(slug, "docx")))}" '
        f'type="{DOCX_MIME}" download>{_e(label(lang, "download_docx"))}</a></p>'
    )
    body.append("</article>")
    return _page(lang, display_title(edition), head, "\n".join(body), settings)


def _language_index(
    lang: str, editions: Sequence[Edition], languages: Sequence[str], settings: Settings
) -> str:
    title = feed_title(settings, lang)
    others = ", ".join(
        _language_link(_up(other, INDEX_FILE), other) for other in languages if other != lang
    )
    body = [
        f'<nav><a href="{_e(_up(INDEX_FILE))}">{_e(label(lang, "all_languages"))}</a>'
        + (f" · {_e(label(lang, 'other_languages'))}: {others}" if others else "")
        + "</nav>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(label(lang, 'subscribe'))}: {_subscribe_links(lang, settings)}</p>",
    ]
    if editions:
        items = "\n".join(
            f"<li>{_time(edition, lang)} "
            f'<a href="{_e(_up(lang, edition_file(edition.slug, "html")))}">'
            f"{_e(display_title(edition))}</a></li>"
            for edition in newest_first(editions)
        )
        body.append(f'<ul class="releases">\n{items}\n</ul>')
    else:
        body.append(f"<p>{_e(label(lang, 'no_releases'))}</p>")
    return _page(lang, title, _feed_head_links(lang, settings), "\n".join(body), settings)


def _root_index(languages: Sequence[str], settings: Settings) -> str:
    """The entry page: every language says in its own words what is there and how to subscribe."""
    items = "\n".join(
        f'<li lang="{_e(lang)}">{_language_link(site_path(lang, INDEX_FILE), lang)}: '
        f"{_e(label(lang, 'releases'))} — {_e(label(lang, 'subscribe'))}: "
        f"{_subscribe_links(lang, settings)}</li>"
        for lang in languages
    )
    choose = " · ".join(
        f'<span lang="{_e(lang)}">{_e(label(lang, "choose_language"))}</span>' for lang in languages
    )
    head = [link for lang in languages for link in _feed_head_links(lang, settings)]
    body = (
        f"<h1>{_e(settings.organisation)}</h1>\n<p>{choose}</p>\n"
        f'<ul class="languages">\n{items}\n</ul>'
    )
    return _page(settings.source_language, settings.organisation, head, body, settings)
