"""Static HTML pages, rendered from the theme's Jinja2 templates: one page per release and
language here; the lists (front page, indexes, archives, tags, search) in :mod:`.indexes`.

Plain HTML5, JavaScript only on the search page, so the site works from any static host or
straight from disk. Every text is escaped (the templates autoescape): release content is data,
never markup. Navigation links are relative (browsable from ``output/`` without a server);
hreflang alternates, canonical, feed and sharing links are absolute, because search engines,
feed readers and social networks need them that way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressroom.atomic import atomic_write_text
from pressroom.config import Settings
from pressroom.document.model import Block, Edition
from pressroom.writers.entries import Entry, Tag, tag_slug
from pressroom.writers.body import body_tree
from pressroom.writers.labels import (
    above_title,
    body_blocks,
    demo_banner,
    display_title,
    feed_title,
    locale_tag,
    mt_notice,
    summary_text,
    xml_safe,
)
from pressroom.writers.links import (
    DOCX_MIME,
    FEEDS,
    INDEX_FILE,
    SEARCH_FILE,
    STATIC_DIR,
    edition_file,
    contained_path,
    edition_url,
    feed_url,
    output_path,
    page_url,
    relative,
    tag_page,
)
from pressroom.writers.memo import OutputMemo, write_file
from pressroom.writers.theme import Theme, iso, logo_name


@dataclass
class Site:
    """What every page of one build shares: settings, theme, languages, legal links, tag names."""

    settings: Settings
    languages: Sequence[str]
    theme: Theme
    tags: Mapping[str, Tag] = field(default_factory=dict)
    legal: Mapping[str, str] = field(default_factory=dict)  # "imprint"/"privacy" -> URL or site path
    memo: OutputMemo | None = None  # skips pages whose template values did not change
    search_shards: Sequence[str] = ()  # the search index's shards, newest first

    @classmethod
    def make(cls, settings: Settings, languages: Sequence[str], theme: Theme | None = None, tags: Mapping[str, Tag] | None = None) -> Site:
        """The site of ``settings``, with the configured imprint and privacy addresses."""
        legal = {key: url for key in ("imprint", "privacy") if (url := getattr(settings, f"{key}_url"))}
        return cls(settings, list(languages), theme or Theme(settings), dict(tags or {}), legal)

    def context(self, lang: str, path: tuple[str, ...], **values: Any) -> dict[str, Any]:
        """The values base.html needs for the page at ``path`` (segments under the site root)."""
        root = relative(path, INDEX_FILE).removesuffix(INDEX_FILE)
        links = {
            "home": relative(path, INDEX_FILE),
            "releases": relative(path, lang, INDEX_FILE),
            "archive": relative(path, lang, INDEX_FILE) + "#archive-heading",
            "search": relative(path, lang, SEARCH_FILE),
            "logo": relative(path, STATIC_DIR, logo_name(self.settings)) if self.theme.logo_file() else "",
            "imprint": "",
            "privacy": "",
        }
        for key, target in self.legal.items():
            links[key] = target if "://" in target or target.startswith("mailto:") else root + target
        values.setdefault("feeds", feed_links(self.settings, lang))
        values.setdefault("alternates", [])
        values.setdefault("canonical", "")
        values.setdefault("description", "")
        values.setdefault("demo_banner", "")
        return {"lang": lang, "root": root, "links": links, "language_links": [], **values}

    def write(self, output_dir: Path, path: tuple[str, ...], template: str, context: dict[str, Any]) -> None:
        """Render ``template`` and write it to ``path`` under ``output_dir``, atomically, unless
        the memo knows it is written from the same values already."""
        write_file(
            self.memo,
            contained_path(output_dir, *path),
            lambda: (template, context),
            lambda: self.theme.render(template, **context).encode("utf-8"),
        )


def feed_links(settings: Settings, lang: str) -> list[dict[str, str]]:
    """Autodiscovery: feed readers given any page find that language's feeds."""
    return [
        {
            "mime": kind.mime,
            "lang": lang,
            "name": kind.name,
            "title": f"{feed_title(settings, lang)} ({kind.name})",
            "url": feed_url(settings, lang, key),
        }
        for key, kind in FEEDS.items()
    ]


def write_release_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]],
    output_dir: Path,
    site: Site,
    entries: Mapping[tuple[str, str], Entry] | None = None,
    only: Collection[tuple[str, str]] | None = None,
) -> None:
    """Every release page; each needs only its own edition and which languages its release has.

    ``entries`` (by language and slug) carry what the edition alone does not know, such as
    the site path of its first picture. ``only`` names the ``(lang, slug)`` pages to write (an
    incremental build's changed editions); None writes them all."""
    languages_of: dict[str, list[str]] = {}
    titles: dict[tuple[str, str], str] = {}
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            languages_of.setdefault(edition.slug, []).append(lang)
            titles[(lang, edition.slug)] = display_title(edition)
    for lang, editions in editions_by_lang.items():
        for edition in editions:
            if only is not None and (lang, edition.slug) not in only:
                continue
            entry = (entries or {}).get((lang, edition.slug)) or Entry.of(edition)
            original = titles.get((edition.release.lang, edition.slug))
            context = release_context(edition, entry, languages_of[edition.slug], original, site)
            atomic_write_text(
                output_path(output_dir, lang, edition.slug, "html"), site.theme.render("release.html", **context)
            )


def release_context(
    edition: Edition, entry: Entry, languages: Sequence[str], original_title: str | None, site: Site
) -> dict[str, Any]:
    """Everything release.html needs: the edition, its siblings' languages, sharing metadata."""
    settings, lang, slug = site.settings, edition.lang, edition.slug
    path = (lang, edition_file(slug, "html"))
    others = [other for other in languages if other != lang]
    alternates = [{"lang": other, "url": edition_url(settings, other, slug, "html")} for other in others]
    source_lang = edition.release.lang
    if source_lang in languages:
        alternates.append({"lang": "x-default", "url": edition_url(settings, source_lang, slug, "html")})
    notice = None
    if edition.machine_translated:
        notice = {"text": mt_notice(edition), "original_href": "", "original_lang": source_lang, "original_title": ""}
        if original_title is not None:
            notice.update(original_href=relative(path, source_lang, edition_file(slug, "html")), original_title=original_title)
    tags = [site.tags.get(tag_slug(tag)) or Tag(tag, tag_slug(tag)) for tag in edition.release.tags]
    above, body = above_title(body_blocks(edition, settings))
    context = site.context(
        lang,
        path,
        title=xml_safe(display_title(edition)),
        description=xml_safe(summary_text(edition)),
        canonical=edition_url(settings, lang, slug, "html"),
        alternates=alternates,
        demo_banner=demo_banner(edition) if edition.demo else "",
        language_links=[{"lang": other, "href": relative(path, other, edition_file(slug, "html"))} for other in others],
    )
    context.update(
        edition=edition,
        heading=display_title(edition),
        notice=notice,
        datelines=above,
        body=body_tree(body),
        tags=[{"name": tag.name(lang), "href": relative(path, *tag_page(lang, tag.slug))} for tag in tags],
        docx_href=relative(path, lang, edition_file(slug, "docx")),
        docx_mime=DOCX_MIME,
        share=share_data(entry, others, context["canonical"], site),
    )
    return context


def share_data(entry: Entry, others: Sequence[str], url: str, site: Site) -> dict[str, Any]:
    """OpenGraph, Twitter Card and schema.org NewsArticle values for a release page."""
    settings = site.settings
    image = page_url(settings, *entry.picture.split("/")) if entry.picture else ""
    logo = page_url(settings, STATIC_DIR, logo_name(settings)) if site.theme.logo_file() else ""
    publisher: dict[str, Any] = {"@type": "Organization", "name": settings.organisation}
    if logo:
        publisher["logo"] = {"@type": "ImageObject", "url": logo}
    if settings.address_lines:
        publisher["address"] = ", ".join(settings.address_lines)
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": entry.title,
        "description": entry.summary,
        "datePublished": iso(entry.date),
        "dateModified": iso(entry.updated),
        "inLanguage": entry.lang,
        "url": url,
        "mainEntityOfPage": url,
        "publisher": publisher,
        "author": publisher,
    }
    if image or logo:
        jsonld["image"] = [image or logo]
    if entry.tags:
        jsonld["keywords"] = [site.tags[tag_slug(t)].name(entry.lang) if tag_slug(t) in site.tags else t for t in entry.tags]
    return {
        "title": entry.title,
        "description": entry.summary,
        "locale": locale_tag(entry.lang).replace("-", "_"),
        "alternate_locales": [locale_tag(other).replace("-", "_") for other in others],
        "published": iso(entry.date),
        "modified": iso(entry.updated),
        "tags": jsonld.get("keywords", []),
        "image": image or logo,
        "image_alt": entry.picture_alt if image else settings.organisation,
        "jsonld": jsonld,
    }


def write_pages(
    editions_by_lang: Mapping[str, Sequence[Edition]], output_dir: Path, settings: Settings, site: Site | None = None
) -> None:
    """Every release page, every list page and the theme's static files (see :mod:`.site`)."""
    from pressroom.writers.site import write_site_pages

    write_site_pages(editions_by_lang, output_dir, site or Site.make(settings, list(editions_by_lang)))



def blocks_html(blocks: Sequence[Block], lang: str, source_lang: str, media_base: str, theme: Theme | None = None) -> str:
    """A release body as HTML through the theme's ``blocks`` macro, the one the pages use.

    ``media_base`` is where pictures are found from where the HTML is shown."""
    macros = (theme or Theme(Settings())).env.get_template("_macros.html").module
    return str(macros.blocks(body_tree(blocks), lang, source_lang, media_base))  # type: ignore[attr-defined]
