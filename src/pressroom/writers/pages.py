"""Static HTML pages: one per release and language, an index per language, a root index.

Plain HTML5 without JavaScript, so the site works from any static host or straight from disk.
Every text is escaped: release content is data, never markup. Navigation links are relative
(browsable from ``output/`` without a server); hreflang alternates, canonical and feed links
are absolute, because search engines and feed readers need them that way.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pressroom.atomic import atomic_write_text
from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.document.inline import Text
from pressroom.document.model import (
    Block,
    Contact,
    Dateline,
    Edition,
    Figure,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Table,
)
from pressroom.writers.labels import (
    body_blocks,
    dateline_text,
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


def text_html(text: Text) -> str:
    """Inline text as HTML: every run escaped, marks as <strong>, <em>, <code> and <a href>."""
    parts = []
    for run in text.runs():
        html_run = _e(run.text).replace("\n", "<br>")
        if run.code:
            html_run = f"<code>{html_run}</code>"
        if run.italic:
            html_run = f"<em>{html_run}</em>"
        if run.bold:
            html_run = f"<strong>{html_run}</strong>"
        if run.link:
            html_run = f'<a href="{_e(run.link)}">{html_run}</a>'
        parts.append(html_run)
    return "".join(parts)


def blocks_html(blocks: Sequence[Block], lang: str, source_lang: str, media_base: str) -> str:
    """The body of a release as HTML; list items of one run share nested lists by level.

    ``media_base`` is where pictures are found from where the HTML is shown (``../media/``
    from a page, the absolute media address in a feed).
    """
    parts: list[str] = []
    open_lists: list[str] = []  # the tag of each open list, outermost first; each has an open <li>
    for block in blocks:
        if not isinstance(block, ListItem):
            parts += [f"</li></{open_lists.pop()}>" for _ in range(len(open_lists))]
            parts.append(_block_html(block, lang, source_lang, media_base))
            continue
        tag, level = _list_tag(block), max(block.level, 1)
        while len(open_lists) > level or (len(open_lists) == level and open_lists[-1] != tag):
            parts.append(f"</li></{open_lists.pop()}>")
        if len(open_lists) == level:
            parts.append("</li>")  # the previous item of the same list
        while len(open_lists) < level:
            open_lists.append(tag)
            parts.append(f"<{tag}>" if len(open_lists) == level else f"<{tag}><li>")
        parts.append(f"<li>{text_html(block.text)}")
    parts += [f"</li></{open_lists.pop()}>" for _ in range(len(open_lists))]
    return "\n".join(parts)


def _list_tag(item: ListItem) -> str:
    return "ol" if item.ordered else "ul"


def _block_html(block: Block, lang: str, source_lang: str, media_base: str) -> str:
    match block:
        case Heading(text=text, level=level):
            return f"<h{min(max(level, 2), 6)}>{text_html(text)}</h{min(max(level, 2), 6)}>"
        case Paragraph(text=text):
            return f"<p>{text_html(text)}</p>"
        case Quote(text=text):
            return f"<blockquote><p>{text_html(text)}</p></blockquote>"
        case Table():
            return _table_html(block)
        case Figure(image=image, caption=caption, alt=alt, title=title):
            title_attr = f' title="{_e(title)}"' if title else ""
            size = f' width="{image.width}" height="{image.height}"' if image.width and image.height else ""
            img = f'<img src="{_e(media_base + image.file_name)}" alt="{_e(alt)}"{title_attr}{size}>'
            figcaption = f"<figcaption>{text_html(caption)}</figcaption>" if caption else ""
            return f"<figure>{img}{figcaption}</figure>"
        case Dateline():
            return f'<p class="dateline">{_e(dateline_text(block, lang, source_lang))}</p>'
        case Contact(lines=lines, table=table):
            contents = "<br>\n".join(text_html(line) for line in lines) + (_table_html(table) if table else "")
            return f'<h2>{_e(label(lang, "contact"))}</h2>\n<address>{contents}</address>'
    raise TypeError(f"not a block: {block!r}")


def _table_html(table: Table) -> str:
    """A table with header cells as <th scope="col"> and merged cells as col/rowspan."""
    rows = []
    for number, row in enumerate(table.rows):
        header = number < table.header_rows
        cells = []
        column = 0
        for cell in row:
            spans = (f' colspan="{cell.col_span}"' if cell.col_span > 1 else "") + (
                f' rowspan="{cell.row_span}"' if cell.row_span > 1 else ""
            )
            align = table.align[column] if column < len(table.align) else ""
            style = f' class="align-{align}"' if align in ("left", "right", "center") else ""
            tag = "th" if header else "td"
            scope = ' scope="col"' if header else ""
            cells.append(f"<{tag}{scope}{spans}{style}>{text_html(cell.text)}</{tag}>")
            column += cell.col_span
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(rows[: table.header_rows])
    body = "".join(rows[table.header_rows :])
    return (f"<table>" + (f"<thead>{head}</thead>" if head else "") + f"<tbody>{body}</tbody></table>")


def write_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]], output_dir: Path, settings: Settings
) -> None:
    """Every release page, every language index and the root index, each written atomically."""
    by_slug: dict[str, dict[str, Edition]] = {}
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            by_slug.setdefault(edition.slug, {})[lang] = edition
    for lang, editions in editions_by_lang.items():
        for edition in editions:
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
    """The release date as precisely as the release states it, for people and machines."""
    date, precision = edition.release.date, edition.release.date_precision
    machine = {
        "year": f"{date:%Y}",
        "month": f"{date:%Y-%m}",
        "day": f"{date:%Y-%m-%d}",
    }.get(precision, date.isoformat(timespec="seconds"))
    return f'<time datetime="{_e(machine)}">{_e(format_date(date, lang, precision))}</time>'


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
    body.append(blocks_html(body_blocks(edition, settings), lang, source_lang, _up("media") + "/"))
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
