"""What lists need of an edition: the metadata that index, archive, tag and search pages and the
sitemap are built from.

A release page needs its whole edition; every list needs only an :class:`Entry` per edition, so
an incremental build can list unchanged editions from stored metadata without rendering them.
"""

from __future__ import annotations

import functools

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pressroom.document.model import Edition
from pressroom.slug import slugify
from pressroom.writers.body import first_picture
from pressroom.writers.labels import display_title, summary_text, whole_seconds, xml_safe
from pressroom.writers.links import MEDIA_DIR


@dataclass(frozen=True)
class Entry:
    """One edition as lists show it. ``picture`` is the site path of its first picture
    (``media/<hash>.jpg``), or empty; ``date`` and ``updated`` are whole seconds with offset,
    ``date_precision`` how much of the date the release states."""

    slug: str
    lang: str
    source_lang: str
    title: str
    summary: str
    date: datetime
    updated: datetime
    tags: tuple[str, ...] = ()
    picture: str = ""
    picture_alt: str = ""
    review_status: str = "original"
    demo: bool = False
    date_precision: str = "minute"

    @classmethod
    def of(cls, edition: Edition) -> Entry:
        """The entry of an edition; the title carries the DEMO mark where the edition does."""
        release = edition.release
        figure = first_picture(edition.blocks)
        return cls(
            slug=edition.slug,
            lang=edition.lang,
            source_lang=release.lang,
            title=xml_safe(display_title(edition)),
            summary=xml_safe(summary_text(edition)),
            date=whole_seconds(release.date),
            updated=whole_seconds(edition.updated or release.date),
            tags=tuple(release.tags),
            picture=f"{MEDIA_DIR}/{figure.image.file_name}" if figure else "",
            picture_alt=xml_safe(figure.alt) if figure else "",
            review_status=edition.review_status,
            demo=edition.demo,
            date_precision=release.date_precision,
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values, for a publish state that keeps entries between builds."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data.update(date=self.date.isoformat(), updated=self.updated.isoformat(), tags=list(self.tags))
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        values = dict(data)
        values.update(
            date=datetime.fromisoformat(values["date"]),
            updated=datetime.fromisoformat(values["updated"]),
            tags=tuple(values["tags"]),
        )
        return cls(**values)


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Entries by release date, newest first; the slug breaks ties so the order is stable."""
    return sorted(entries, key=lambda e: (e.date, e.slug), reverse=True)


@dataclass(frozen=True)
class Tag:
    """A tag as written in the releases, its file name, and its name in each language."""

    source: str
    slug: str
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.source


@functools.lru_cache(maxsize=4096)  # every list asks for every entry's tags: slugify once per tag
def tag_slug(tag: str) -> str:
    """The file name of a tag's pages and feeds: the same in every language."""
    return slugify(tag)


def collect_tags(
    entries: Iterable[Entry], translate: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, Tag]:
    """Every tag used by ``entries``, by slug. ``translate`` maps a tag to its name per language
    (the tag table of pressroom.toml, with the glossary's terms filling its gaps). Tags that
    differ only in spelling of the same slug ("Energie", "energie") are one tag."""
    translate = translate or {}
    tags: dict[str, Tag] = {}
    for entry in entries:
        for tag in entry.tags:
            slug = tag_slug(tag)
            if slug not in tags:
                tags[slug] = Tag(tag, slug, dict(translate.get(tag, {})))
    return tags


def entries_by_tag(entries: Sequence[Entry], slug: str) -> list[Entry]:
    """The entries carrying the tag with ``slug``, newest first."""
    return newest_first(e for e in entries if any(tag_slug(tag) == slug for tag in e.tags))
