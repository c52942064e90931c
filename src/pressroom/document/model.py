"""The data every stage passes on: a release as read, its blocks, and an edition of it in one language.

Readers produce a :class:`Release` whose body is a list of blocks: headings, paragraphs,
quotes, list items (with their nesting level), tables, figures, datelines and contact blocks.
Text inside a block is :class:`~pressroom.document.inline.Text`: plain text with marks (bold,
italic, code, links). Translation turns a release into one :class:`Edition` per language with
the same blocks in the same order and shape: each block says which of its texts are translated
(:meth:`texts`) and rebuilds itself from their translations (:meth:`with_texts`), so no stage
and no writer has to know every kind of block to keep the structure of the original.

Datelines and contact blocks carry no translatable text: a dateline is written anew in each
language from its parts (weekday, date, time, place), and a contact block (names, phone
numbers, addresses) is kept verbatim under the edition's localised heading.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal

from pressroom.document.inline import Text

DatePrecision = Literal["minute", "day", "month", "year"]


@dataclass(frozen=True)
class Heading:
    """A subheading; ``level`` 2 is the first level below the release's title."""

    kind: ClassVar[str] = "heading"
    text: Text
    level: int = 2

    def texts(self) -> tuple[Text, ...]:
        return (self.text,)

    def with_texts(self, texts: tuple[Text, ...]) -> Heading:
        return replace(self, text=texts[0])


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: Text

    def texts(self) -> tuple[Text, ...]:
        return (self.text,)

    def with_texts(self, texts: tuple[Text, ...]) -> Paragraph:
        return replace(self, text=texts[0])


@dataclass(frozen=True)
class Quote:
    """A quoted passage (a blockquote, Word's Quote style)."""

    kind: ClassVar[str] = "quote"
    text: Text

    def texts(self) -> tuple[Text, ...]:
        return (self.text,)

    def with_texts(self, texts: tuple[Text, ...]) -> Quote:
        return replace(self, text=texts[0])


@dataclass(frozen=True)
class ListItem:
    """One item of a bulleted or numbered list; ``level`` 1 is the outermost list."""

    kind: ClassVar[str] = "list_item"
    text: Text
    level: int = 1
    ordered: bool = False

    def texts(self) -> tuple[Text, ...]:
        return (self.text,)

    def with_texts(self, texts: tuple[Text, ...]) -> ListItem:
        return replace(self, text=texts[0])


@dataclass(frozen=True)
class Cell:
    """A table cell; a merged cell appears once, spanning ``col_span`` × ``row_span`` grid cells."""

    text: Text
    col_span: int = 1
    row_span: int = 1


@dataclass(frozen=True)
class Table:
    """Rows of cells; the first ``header_rows`` rows are header rows. ``align`` gives each
    column's alignment ("left", "right", "center" or "" for the default)."""

    kind: ClassVar[str] = "table"
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0
    align: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid, counting the columns a merged cell spans."""
        return len(self.rows), max((sum(c.col_span for c in row) for row in self.rows[:1]), default=0)

    def texts(self) -> tuple[Text, ...]:
        return tuple(cell.text for row in self.rows for cell in row)

    def with_texts(self, texts: tuple[Text, ...]) -> Table:
        given = iter(texts)
        rows = tuple(tuple(replace(cell, text=next(given)) for cell in row) for row in self.rows)
        return replace(self, rows=rows)


@dataclass(frozen=True)
class Image:
    """A picture's bytes and what a writer needs to place it.

    ``digest`` (sha256 of the bytes) names the published file, so the same picture is stored
    once however many releases and languages show it. ``data`` is empty for an edition read
    back from the publish state: its file is already in the output folder.
    """

    data: bytes
    media_type: str
    name: str = ""
    width: int | None = None
    height: int | None = None
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())

    @property
    def file_name(self) -> str:
        """The published file's name: content hash and the type's usual suffix."""
        suffix = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
        return self.digest[:20] + suffix.get(self.media_type, ".bin")


@dataclass(frozen=True)
class Figure:
    """A picture with its caption and alternative text (both translated) and title."""

    kind: ClassVar[str] = "figure"
    image: Image
    caption: Text = field(default_factory=Text)
    alt: str = ""
    title: str = ""

    def texts(self) -> tuple[Text, ...]:
        return (self.caption, Text(self.alt))

    def with_texts(self, texts: tuple[Text, ...]) -> Figure:
        return replace(self, caption=texts[0], alt=texts[1].text)


@dataclass(frozen=True)
class Dateline:
    """The place, day and time a release states at its top ("Montag, 12.03.2024, 14:30 Uhr").

    ``line`` is the line as written; the parts are what each edition writes in its own
    language: ``weekday`` as written, ``date`` in ISO form as far as stated ("2024-03-12",
    "2023-03", "2011"), ``time`` as "14:30". A part not stated is empty, never invented.
    ``above_title``: the release states it above its headline (a police report's "Berlin,
    Montag, 30.06.2025, 08:35 Uhr" first): every edition shows it there too.
    """

    kind: ClassVar[str] = "dateline"
    line: str
    place: str = ""
    weekday: str = ""
    date: str = ""
    time: str = ""
    above_title: bool = False

    def texts(self) -> tuple[Text, ...]:
        return ()

    def with_texts(self, texts: tuple[Text, ...]) -> Dateline:
        return self


@dataclass(frozen=True)
class Contact:
    """A press contact block, kept verbatim in every edition (never sent to a model).

    ``label`` is the heading as written ("Pressekontakt:", "V.i.S.d.P."); editions show their
    own localised heading. The block holds lines, or a table where the release has one.
    """

    kind: ClassVar[str] = "contact"
    label: str = ""
    lines: tuple[Text, ...] = ()
    table: Table | None = None

    def texts(self) -> tuple[Text, ...]:
        return ()

    def with_texts(self, texts: tuple[Text, ...]) -> Contact:
        return self


Block = Heading | Paragraph | Quote | ListItem | Table | Figure | Dateline | Contact


def review_status(segments: int, reviewed: int) -> str:
    """'machine', 'partly reviewed' or 'reviewed': how much of a translation people approved."""
    if reviewed == 0:
        return "machine"
    return "reviewed" if reviewed >= segments else "partly reviewed"


@dataclass
class Release:
    """A press release as read from ``releases/``, in its own language (normally German).

    ``date`` is always timezone-aware; ``date_precision`` says how much of it the release
    states (a release dated "März 2023" must not be shown as 1 March). ``kicker`` is the short
    line above the headline (the Dachzeile, "Mercedes-Benz Arena"). ``warnings`` collects
    what a reader had to guess (a date from the file's modification time, a title from the
    first line), so the CLI can show it next to the file name.
    """

    slug: str
    title: str
    date: datetime
    blocks: list[Block]
    source_path: Path
    kicker: str = ""
    lang: str = "de"
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    date_precision: DatePrecision = "minute"
    warnings: list[str] = field(default_factory=list)
    bidi_removed: int = 0  # text direction controls the reader removed (pressroom.text)

    def translatable_texts(self) -> list[Text]:
        """Title, kicker, summary and every block's texts in a fixed order: the unit of
        translation. :meth:`Edition.from_texts` takes the translations back in exactly this order.
        """
        heads = [Text(self.title), Text(self.kicker), Text(self.summary)]
        return [*heads, *(text for block in self.blocks for text in block.texts())]


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
    kicker: str = ""
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

        Counts the segments (title, kicker, summary, block texts) that have text; a segment counts as
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
            kicker=release.kicker,
        )

    @classmethod
    def from_texts(
        cls,
        release: Release,
        lang: str,
        texts: list[Text],
        *,
        demo: bool = False,
        engine: str = "",
    ) -> Edition:
        """Build a translated edition from texts in :meth:`Release.translatable_texts` order."""
        expected = len(release.translatable_texts())
        if len(texts) != expected:
            raise ValueError(f"expected {expected} texts for {release.slug}, got {len(texts)}")
        title, kicker, summary, *bodies = texts
        blocks = []
        position = 0
        for block in release.blocks:
            count = len(block.texts())
            blocks.append(block.with_texts(tuple(bodies[position : position + count])))
            position += count
        return cls(
            release=release,
            lang=lang,
            title=title.text,
            summary=summary.text,
            blocks=blocks,
            machine_translated=True,
            kicker=kicker.text,
            demo=demo,
            engine=engine,
        )
