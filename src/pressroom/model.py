"""The data every stage passes on: a release as read, and an edition of it in one language.

Readers produce a :class:`Release`; translation turns it into one :class:`Edition` per
language with the same blocks in the same order, so every writer can rely on the structure
of the German original being kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path


class BlockKind(str, Enum):
    """What a block of a release is; writers map each kind to a DOCX style and an HTML element."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    LIST_ITEM = "list_item"


@dataclass(frozen=True)
class Block:
    """One structural unit of a release body: a subheading, a paragraph, a quote or a list item.

    ``ordered`` applies to list items only (numbered rather than bulleted lists).
    """

    kind: BlockKind
    text: str
    ordered: bool = False

    def with_text(self, text: str) -> Block:
        """The same block in another language: only the text changes, never the structure."""
        return Block(self.kind, text, self.ordered)


def review_status(segments: int, reviewed: int) -> str:
    """'machine', 'partly reviewed' or 'reviewed': how much of a translation people approved."""
    if reviewed == 0:
        return "machine"
    return "reviewed" if reviewed >= segments else "partly reviewed"


@dataclass
class Release:
    """A press release as read from ``releases/``, in its own language (normally German).

    ``date`` is always timezone-aware. ``contact`` is the press contact block, kept verbatim
    (names, phone numbers and addresses are not translated). ``warnings`` collects what a reader
    had to guess (a date from the file's modification time, a title from the first line), so
    the CLI can show it next to the file name.
    """

    slug: str
    title: str
    date: datetime
    blocks: list[Block]
    source_path: Path
    lang: str = "de"
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    contact: str = ""
    warnings: list[str] = field(default_factory=list)
    bidi_removed: int = 0  # text direction controls the reader removed (pressroom.text)

    def translatable_texts(self) -> list[str]:
        """Title, summary and block texts in a fixed order: the unit of translation.

        :meth:`Edition.from_texts` takes the translations back in exactly this order.
        """
        return [self.title, self.summary, *(block.text for block in self.blocks)]


@dataclass
class Edition:
    """A release in one language: the original (``machine_translated`` false) or a translation.

    ``demo`` marks editions produced by placeholder demo packages; every writer labels them.
    ``updated`` is when this edition's content last changed (set by the pipeline from its
    state); writers fall back to the release date. ``segments`` and ``reviewed_segments``
    give :attr:`review_status`.
    """

    release: Release
    lang: str
    title: str
    summary: str
    blocks: list[Block]
    machine_translated: bool
    demo: bool = False
    engine: str = ""
    updated: datetime | None = None
    segments: int = 0
    reviewed_segments: int = 0

    @property
    def slug(self) -> str:
        return self.release.slug

    @property
    def review_status(self) -> str:
        """'original', or for a translation 'machine', 'partly reviewed' or 'reviewed'.

        Counts the segments (title, summary, blocks) that have text; a segment counts as
        reviewed when a human-approved translation of it was used (:mod:`pressroom.review`).
        """
        if not self.machine_translated:
            return "original"
        return review_status(self.segments, self.reviewed_segments)

    @classmethod
    def original(cls, release: Release) -> Edition:
        """The source-language edition, published as written."""
        return cls(
            release=release,
            lang=release.lang,
            title=release.title,
            summary=release.summary,
            blocks=list(release.blocks),
            machine_translated=False,
        )

    @classmethod
    def from_texts(
        cls,
        release: Release,
        lang: str,
        texts: list[str],
        *,
        demo: bool = False,
        engine: str = "",
    ) -> Edition:
        """Build a translated edition from texts in :meth:`Release.translatable_texts` order."""
        expected = len(release.blocks) + 2
        if len(texts) != expected:
            raise ValueError(f"expected {expected} texts for {release.slug}, got {len(texts)}")
        title, summary, *bodies = texts
        blocks = [block.with_text(text) for block, text in zip(release.blocks, bodies)]
        return cls(
            release=release,
            lang=lang,
            title=title,
            summary=summary,
            blocks=blocks,
            machine_translated=True,
            demo=demo,
            engine=engine,
        )
