"""RSS 2.0 and Atom feeds per language, built with feedgen and corrected where feedgen is wrong.

feedgen 1.0.0 (upstream issue #135) drops ``rel``, ``type`` and ``hreflang`` from Atom entry
links and makes the RSS channel ``<link>`` the last link given to it (here: the feed's own
URL instead of the index page). Both are repaired on the generated XML with lxml, from the same
link data feedgen was given, so the repair does not depend on the order of feedgen's calls.

Every date comes from the releases, never from the run time, so an unchanged set of releases
gives byte-identical feeds, and guids stay stable across runs. (Only an empty feed carries the
run time: Atom requires an <updated> and there is no release to take it from.) Dates are whole
seconds with their offset.

Besides a feed per language there is a feed per tag and language (``<lang>/tags/<tag>.rss.xml``
and ``.atom.xml``). RSS ``<description>`` is HTML by the RSS spec, so the summary goes there as
escaped HTML text: markup written in a release shows as text in a feed reader, never live.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from datetime import datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from pressroom import __version__
from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.writers.body import body_tree, first_picture
from pressroom.writers.entries import Tag
from pressroom.writers.labels import (
    DEMO_PREFIX,
    body_blocks,
    display_title,
    feed_title,
    label,
    summary_text,
    whole_seconds,
    xml_safe,
)
from pressroom.writers.links import (
    DOCX_MIME,
    FEEDS,
    contained_path,
    edition_url,
    feed_url,
    index_url,
    media_url,
    page_url,
    tag_feed,
    tag_page,
)
from pressroom.writers.memo import OutputMemo, write_file
from pressroom.writers.theme import Theme

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Links = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class Channel:
    """One pair of feeds: where they are written, their addresses, title and page."""

    lang: str
    title: str
    page: str  # the HTML page the feed belongs to (RSS channel link, Atom alternate)
    urls: Mapping[str, str]  # "rss"/"atom" -> the feed's own URL
    files: Mapping[str, Path]  # "rss"/"atom" -> where it is written

    @classmethod
    def of_language(cls, lang: str, out_dir: Path, settings: Settings) -> Channel:
        """The language's main feeds, ``out_dir/rss.xml`` and ``out_dir/atom.xml``."""
        return cls(
            lang,
            feed_title(settings, lang),
            index_url(settings, lang),
            {key: feed_url(settings, lang, key) for key in FEEDS},
            {key: out_dir / kind.file for key, kind in FEEDS.items()},
        )

    @classmethod
    def of_tag(cls, lang: str, tag: Tag, output_dir: Path, settings: Settings) -> Channel:
        """A tag's feeds in one language, ``output_dir/<lang>/tags/<tag>.rss.xml`` and ``.atom.xml``."""
        name = label(lang, "topic").format(tag=tag.name(lang))
        return cls(
            lang,
            f"{feed_title(settings, lang)} – {name}",
            page_url(settings, *tag_page(lang, tag.slug)),
            {key: page_url(settings, *tag_feed(lang, tag.slug, key)) for key in FEEDS},
            {key: contained_path(output_dir, *tag_feed(lang, tag.slug, key)) for key in FEEDS},
        )


def write_feeds(
    editions: Sequence[Edition],
    lang: str,
    out_dir: Path,
    settings: Settings,
    *,
    docx_sizes: Mapping[str, int],
    channel: Channel | None = None,
    theme: Theme | None = None,
    memo: OutputMemo | None = None,
) -> None:
    """Write ``out_dir/rss.xml`` and ``out_dir/atom.xml`` for the newest editions of ``lang``
    (or the feeds of ``channel``, such as a tag's).

    ``docx_sizes`` maps each slug to its DOCX's byte length, the enclosure length. With a
    ``memo`` the feeds are rendered only when their entries (by fingerprint, time and DOCX
    size) or the channel changed.
    """
    channel = channel or Channel.of_language(lang, out_dir, settings)
    theme = theme or Theme(settings)
    chosen = sorted(editions, key=lambda e: (e.release.date, e.slug), reverse=True)[: max(settings.max_feed_items, 0)]
    rendered: dict[str, bytes] = {}

    def render(kind: str) -> bytes:
        if not rendered:
            rendered.update(_render(chosen, lang, channel, settings, docx_sizes, theme))
        return rendered[kind]

    def shown() -> object:
        assert memo is not None
        keys = [memo.edition_key(lang, e.slug) for e in chosen]
        if None in keys:
            return None
        entries = [(e.slug, key, e.updated, e.review_status, docx_sizes.get(e.slug)) for e, key in zip(chosen, keys)]
        return (channel.title, channel.page, dict(channel.urls), entries, len(chosen) == 0)

    for kind in ("rss", "atom"):
        write_file(memo, channel.files[kind], shown, partial(render, kind))


def _render(
    chosen: Sequence[Edition], lang: str, channel: Channel, settings: Settings, docx_sizes: Mapping[str, int], theme: Theme
) -> dict[str, bytes]:
    """Both feeds of ``channel`` over the ``chosen`` editions, newest first."""
    links: Links = {
        edition_url(settings, lang, e.slug, "html"): _entry_links(e, lang, settings, docx_sizes)
        for e in chosen
    }
    media = media_url(settings)
    contents = {
        e.slug: theme.render("feed-content.html", edition=e, lang=lang, body=body_tree(body_blocks(e, settings)), media=media).strip()
        for e in chosen
    }
    pictures = {edition_url(settings, lang, e.slug, "html"): _picture(e, media) for e in chosen}
    rss = _generator(chosen, channel, settings, links, contents, "rss").rss_str()
    atom = _generator(chosen, channel, settings, links, contents, "atom").atom_str()
    return {"rss": _fix_rss(rss, channel.page, pictures), "atom": _fix_atom(atom, links, lang, pictures)}


def _entry_links(
    edition: Edition, lang: str, settings: Settings, docx_sizes: Mapping[str, int]
) -> list[dict[str, str]]:
    """The page (RSS <link>, Atom alternate) and the DOCX (RSS enclosure, Atom enclosure link)."""
    return [
        {
            "href": edition_url(settings, lang, edition.slug, "html"),
            "rel": "alternate",
            "type": "text/html",
            "hreflang": lang,
        },
        {
            "href": edition_url(settings, lang, edition.slug, "docx"),
            "rel": "enclosure",
            "type": DOCX_MIME,
            "hreflang": lang,
            "length": str(docx_sizes[edition.slug]),
        },
    ]


def _picture(edition: Edition, media: str) -> dict[str, str]:
    """The first picture as a link: Atom ``rel="enclosure"``, RSS ``media:content``."""
    figure = first_picture(edition.blocks)
    if figure is None:
        return {}
    image = figure.image
    return {"href": media + image.file_name, "rel": "enclosure", "type": image.media_type, "length": str(len(image.data))}


def _generator(
    editions: Sequence[Edition],
    channel: Channel,
    settings: Settings,
    links: Links,
    contents: Mapping[str, str],
    kind: str,
) -> FeedGenerator:
    """One feed; built per format because the self link differs between RSS and Atom."""
    lang = channel.lang
    fg = FeedGenerator()
    # RSS <author> must be an e-mail address; dc:creator carries the organisation's name.
    fg.load_extension("dc", atom=False, rss=True)
    demo = DEMO_PREFIX if any(edition.demo for edition in editions) else ""
    fg.id(channel.urls[kind])
    fg.title(xml_safe(demo + channel.title))
    fg.description(
        xml_safe(label(lang, "feed_description").format(organisation=settings.organisation))
    )
    fg.link(href=channel.page, rel="alternate", type="text/html", hreflang=lang)
    fg.link(href=channel.urls[kind], rel="self", type=FEEDS[kind].mime)
    fg.language(lang)
    fg.author(name=xml_safe(settings.organisation))
    fg.dc.dc_publisher(xml_safe(settings.organisation))
    fg.generator("pressroom", version=__version__)
    if editions:
        fg.updated(max(_updated(edition) for edition in editions))
    for edition in editions:
        permalink = edition_url(settings, lang, edition.slug, "html")
        entry = fg.add_entry(order="append")
        entry.id(permalink)
        entry.guid(permalink, permalink=True)
        # Atom requires a title; a model can return an empty one, which must not stop the feed.
        entry.title(xml_safe(display_title(edition)) or edition.slug)
        entry.link(links[permalink])
        entry.published(whole_seconds(edition.release.date))
        entry.updated(_updated(edition))
        entry.author(name=xml_safe(settings.organisation))
        entry.dc.dc_creator(xml_safe(settings.organisation))
        # Always both: a summary for the item list, the full text as content:encoded.
        # (feedgen puts the content into RSS <description> when there is no summary.)
        # (never empty: feedgen would move the full text into <description> without one)
        entry.summary(xml_safe(summary_text(edition)) or edition.slug)
        entry.content(contents[edition.slug], type="html")
        for tag in edition.release.tags:
            entry.category(term=xml_safe(tag))
    return fg


def _updated(edition: Edition) -> datetime:
    """When the edition last changed, as Atom <updated> wants it (whole seconds)."""
    return whole_seconds(edition.updated or edition.release.date)


MEDIA_RSS = "http://search.yahoo.com/mrss/"


def _fix_rss(xml: bytes, channel_link: str, pictures: Mapping[str, Mapping[str, str]]) -> bytes:
    """Point the channel <link> at the index page (feedgen puts the last link given there), and
    make each item's <description> HTML text: RSS readers render it as HTML, so a summary
    that says ``<img onerror=…>`` must arrive as ``&lt;img…``, shown and never run."""
    root = etree.fromstring(xml)
    root.find("channel/link").text = channel_link
    for description in root.iterfind("channel/item/description"):
        description.text = html.escape(description.text or "", quote=False)
    if any(pictures.values()):  # RSS allows one <enclosure> (the DOCX); pictures are Media RSS
        root = _with_media_namespace(root)
        for item in root.iterfind("channel/item"):
            picture = pictures.get(item.findtext("link") or "")
            if picture:
                attributes = {"url": picture["href"], "type": picture["type"], "fileSize": picture["length"], "medium": "image"}
                item.append(etree.Element(f"{{{MEDIA_RSS}}}content", attributes))
    return _serialize(root)


def _with_media_namespace(root: etree._Element) -> etree._Element:
    """The same feed with the Media RSS prefix declared on the root (``media:``, not ``ns0:``)."""
    declared = etree.Element(root.tag, root.attrib, nsmap={**root.nsmap, "media": MEDIA_RSS})
    declared.extend(list(root))
    return declared


def _fix_atom(xml: bytes, links: Links, lang: str, pictures: Mapping[str, Mapping[str, str]]) -> bytes:
    """Rebuild each entry's links with rel/type/hreflang/length (and the first picture as an
    enclosure: feedgen keeps one enclosure only), and tag entries with xml:lang."""
    root = etree.fromstring(xml)
    for entry in root.iter(f"{ATOM}entry"):
        entry.set(XML_LANG, lang)
        generated = entry.findall(f"{ATOM}link")
        position = entry.index(generated[0])
        for element in generated:
            entry.remove(element)
        entry_id = entry.findtext(f"{ATOM}id")
        picture = [dict(pictures[entry_id])] if pictures.get(entry_id) else []
        for offset, link in enumerate([*links[entry_id], *picture]):
            entry.insert(position + offset, etree.Element(f"{ATOM}link", link))
    return _serialize(root)


def _serialize(root: etree._Element) -> bytes:
    """Indented UTF-8 with declaration (feedgen's output is parsed compact, so indenting works)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
