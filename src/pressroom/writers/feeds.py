"""RSS 2.0 and Atom feeds per language, built with feedgen and corrected where feedgen is wrong.

feedgen 1.0.0 (upstream issue #135) drops ``rel``, ``type`` and ``hreflang`` from Atom entry
links and makes the RSS channel ``<link>`` the last link given to it (here: the feed's own
URL instead of the index page). Both are repaired on the generated XML with lxml, from the same
link data feedgen was given, so the repair does not depend on the order of feedgen's calls.

Every date comes from the releases, never from the run time, so an unchanged set of releases
gives byte-identical feeds, and guids stay stable across runs. (Only an empty feed carries the
run time: Atom requires an <updated> and there is no release to take it from.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from pressroom import __version__
from pressroom.atomic import atomic_write_bytes
from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.writers.labels import (
    DEMO_PREFIX,
    body_blocks,
    display_title,
    feed_title,
    label,
    summary_text,
    xml_safe,
)
from pressroom.writers.links import DOCX_MIME, FEEDS, edition_url, feed_url, index_url
from pressroom.writers.pages import blocks_html, newest_first

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Links = dict[str, list[dict[str, str]]]


def write_feeds(
    editions: Sequence[Edition],
    lang: str,
    out_dir: Path,
    settings: Settings,
    *,
    docx_sizes: Mapping[str, int],
) -> None:
    """Write ``out_dir/rss.xml`` and ``out_dir/atom.xml`` for the newest editions of ``lang``.

    ``docx_sizes`` maps each slug to its DOCX's byte length, the enclosure length.
    """
    chosen = newest_first(editions)[: max(settings.max_feed_items, 0)]
    links: Links = {
        edition_url(settings, lang, e.slug, "html"): _entry_links(e, lang, settings, docx_sizes)
        for e in chosen
    }
    rss = _generator(chosen, lang, settings, links, "rss").rss_str()
    atom = _generator(chosen, lang, settings, links, "atom").atom_str()
    atomic_write_bytes(out_dir / FEEDS["rss"].file, _fix_rss(rss, index_url(settings, lang)))
    atomic_write_bytes(out_dir / FEEDS["atom"].file, _fix_atom(atom, links, lang))


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


def _generator(
    editions: Sequence[Edition], lang: str, settings: Settings, links: Links, kind: str
) -> FeedGenerator:
    """One feed; built per format because the self link differs between RSS and Atom."""
    fg = FeedGenerator()
    # RSS <author> must be an e-mail address; dc:creator carries the organisation's name.
    fg.load_extension("dc", atom=False, rss=True)
    demo = DEMO_PREFIX if any(edition.demo for edition in editions) else ""
    fg.id(feed_url(settings, lang, kind))
    fg.title(xml_safe(demo + feed_title(settings, lang)))
    fg.description(
        xml_safe(label(lang, "feed_description").format(organisation=settings.organisation))
    )
    fg.link(href=index_url(settings, lang), rel="alternate", type="text/html", hreflang=lang)
    fg.link(href=feed_url(settings, lang, kind), rel="self", type=FEEDS[kind].mime)
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
        entry.published(edition.release.date)
        entry.updated(_updated(edition))
        entry.author(name=xml_safe(settings.organisation))
        entry.dc.dc_creator(xml_safe(settings.organisation))
        # Always both: a summary for the item list, the full text as content:encoded.
        # (feedgen puts the content into RSS <description> when there is no summary.)
        entry.summary(xml_safe(summary_text(edition)))
        media = f"{settings.base_url}media/"
        entry.content(blocks_html(body_blocks(edition, settings), lang, edition.release.lang, media), type="html")
        for tag in edition.release.tags:
            entry.category(term=xml_safe(tag))
    return fg


def _updated(edition: Edition) -> datetime:
    """When the edition last changed, as Atom <updated> wants it."""
    return edition.updated or edition.release.date


def _fix_rss(xml: bytes, channel_link: str) -> bytes:
    """Point the channel <link> at the index page (feedgen puts the last link given there)."""
    root = etree.fromstring(xml)
    root.find("channel/link").text = channel_link
    return _serialize(root)


def _fix_atom(xml: bytes, links: Links, lang: str) -> bytes:
    """Rebuild each entry's links with rel/type/hreflang/length, and tag entries with xml:lang."""
    root = etree.fromstring(xml)
    for entry in root.iter(f"{ATOM}entry"):
        entry.set(XML_LANG, lang)
        generated = entry.findall(f"{ATOM}link")
        position = entry.index(generated[0])
        for element in generated:
            entry.remove(element)
        for offset, link in enumerate(links[entry.findtext(f"{ATOM}id")]):
            entry.insert(position + offset, etree.Element(f"{ATOM}link", link))
    return _serialize(root)


def _serialize(root: etree._Element) -> bytes:
    """Indented UTF-8 with declaration (feedgen's output is parsed compact, so indenting works)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
