"""Where every output file lives and which URL it is published under, in one place.

The pipeline, the DOCX notice, the feeds and the pages all link to each other; deriving every
path and URL here keeps them from drifting apart, and keeps a hostile slug from writing
outside ``output/``.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

from pressroom.config import Settings

if TYPE_CHECKING:
    from pressroom.document.model import Edition

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
INDEX_FILE = "index.html"
SEARCH_FILE = "search.html"
PAGE_DIR = "page"  # <lang>/page/2.html: the second page of a language index
ARCHIVE_DIR = "archive"  # <lang>/archive/2025.html
TAG_DIR = "tags"  # <lang>/tags/<tag>.html, .rss.xml, .atom.xml
STATIC_DIR = "theme"  # the theme's static files (CSS, logo) at the site root
MEDIA_DIR = "media"  # pictures under content-hashed names
SEARCH_DIR = "pagefind"  # the search index
SITEMAP_FILE = "sitemap.xml"
ROBOTS_FILE = "robots.txt"


class FeedKind(NamedTuple):
    """One feed format: its file name in the language folder, MIME type and display name."""

    file: str
    mime: str
    name: str


FEEDS = {
    "rss": FeedKind("rss.xml", "application/rss+xml", "RSS"),
    "atom": FeedKind("atom.xml", "application/atom+xml", "Atom"),
}

# Files the writers own in each language folder; a release must not overwrite one.
RESERVED_FILES = frozenset({INDEX_FILE, SEARCH_FILE, *(kind.file for kind in FEEDS.values())})


# A separator or a control character: never part of one path segment.
_UNSAFE_CHARS = re.compile(r"[/\\\x00-\x1f]")


def _segment(name: str) -> str:
    """``name`` if it is one harmless path segment; otherwise a ValueError naming it."""
    if not name or name in {".", ".."} or _UNSAFE_CHARS.search(name):
        raise ValueError(f"unsafe name for an output file or folder: {name!r}")
    return name


def edition_file(slug: str, ext: str) -> str:
    """File name of one edition's ``ext`` file (``slug.docx``) in its language folder."""
    name = _segment(f"{_segment(slug)}.{_segment(ext)}")
    if name in RESERVED_FILES:
        raise ValueError(f"release slug {slug!r} would overwrite the generated {name}")
    return name


def site_path(*segments: str) -> str:
    """URL path relative to the site root (``ko/slug.html``), each segment percent-encoded."""
    return "/".join(quote(_segment(segment), safe="") for segment in segments)


def edition_url(settings: Settings, lang: str, slug: str, ext: str) -> str:
    """Absolute URL of an edition's page (``ext="html"``) or DOCX (``ext="docx"``)."""
    return settings.base_url + site_path(lang, edition_file(slug, ext))


def index_url(settings: Settings, lang: str | None = None) -> str:
    """Absolute URL of a language's index page, or of the site's root index without ``lang``."""
    return settings.base_url + (site_path(lang, INDEX_FILE) if lang else INDEX_FILE)


def feed_url(settings: Settings, lang: str, kind: str) -> str:
    """Absolute URL of a language's ``rss`` or ``atom`` feed."""
    return settings.base_url + site_path(lang, FEEDS[kind].file)


def page_url(settings: Settings, *segments: str) -> str:
    """Absolute URL of any file of the site, given by its path segments under the root."""
    return settings.base_url + site_path(*segments)


def media_url(settings: Settings) -> str:
    """Absolute address of the media folder, where pictures are published by content hash."""
    return settings.base_url + MEDIA_DIR + "/"


def index_page(lang: str, number: int) -> tuple[str, ...]:
    """Path of page ``number`` of a language index: page 1 is the language's index.html."""
    return (lang, INDEX_FILE) if number == 1 else (lang, PAGE_DIR, f"{number}.html")


def archive_page(lang: str, year: int) -> tuple[str, ...]:
    """Path of a language's archive page for one year."""
    return (lang, ARCHIVE_DIR, f"{year}.html")


def tag_page(lang: str, tag_slug: str) -> tuple[str, ...]:
    """Path of a tag's page in one language (the tag's slug is the same in every language)."""
    return (lang, TAG_DIR, f"{_segment(tag_slug)}.html")


def tag_feed(lang: str, tag_slug: str, kind: str) -> tuple[str, ...]:
    """Path of a tag's ``rss`` or ``atom`` feed in one language: tags/<tag>.rss.xml."""
    return (lang, TAG_DIR, f"{_segment(tag_slug)}.{FEEDS[kind].file}")


def relative(from_page: tuple[str, ...], *segments: str) -> str:
    """Relative link from the page at ``from_page`` to ``segments`` under the site root, so the
    site works from any folder and straight from disk."""
    return "../" * (len(from_page) - 1) + site_path(*segments)


def contained_path(output_dir: Path, *segments: str) -> Path:
    """``output_dir/segments...``, refusing anything that would resolve outside ``output_dir``
    (a ``..`` or separator in a name, or a symlink inside ``output_dir`` pointing elsewhere)."""
    root = output_dir.resolve()
    path = root.joinpath(*(_segment(segment) for segment in segments)).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"{'/'.join(segments)!r} would be written outside {output_dir}")
    return path


def output_path(output_dir: Path, lang: str, slug: str, ext: str) -> Path:
    """Where an edition's ``ext`` file is written: ``output_dir/lang/slug.ext``, never outside."""
    return contained_path(output_dir, lang, edition_file(slug, ext))


# Every file an edition may have in its language folder: its DOCX, its page, its review edition.
EDITION_EXTENSIONS = ("docx", "html", "bilingual.docx")


def edition_files(output_dir: Path, edition: Edition, bilingual: bool) -> list[Path]:
    """The files a build writes for ``edition``: DOCX and page, and the review edition of a
    translation when ``bilingual`` review editions are asked for. For looking at them (their
    size and time stamp) only: the names are checked, but unlike :func:`output_path` no link
    is resolved, which a build that looks at every edition cannot afford."""
    extensions = EDITION_EXTENSIONS if bilingual and edition.machine_translated else EDITION_EXTENSIONS[:2]
    return [output_dir / _segment(edition.lang) / edition_file(edition.slug, ext) for ext in extensions]
