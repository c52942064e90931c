"""What was published before, kept between builds in ``output/.pressroom/state.sqlite``.

- ``editions``: each edition's content hash and when it last changed. Feed readers show an item
  as updated when its ``updated`` time moves, so that time must move only when the edition's
  text really changed, not on every build.
- ``built``: every published edition as stored JSON, with what it was built from (the
  release's inputs key), what it is (its fingerprint), its quality-check record and findings,
  and the signature of its files. An incremental build takes an unchanged edition from here
  instead of translating, checking and rendering it again; feeds and indexes list it from here;
  a release whose file is broken today (half-saved, bad YAML) stays listed with what
  subscribers already have.
- ``outputs``: the key of each list page, feed and sitemap as last written, with its size and
  time stamp (:mod:`pressroom.writers.memo`), so a list whose entries did not change is not
  rendered again.
- ``report_parts``: each edition's section of the HTML quality report, by a key of what it
  shows (:class:`pressroom.qa.report.ReportParts`), so an edit renders one section again.
- ``reads``: each release file as last read (its key: content, time stamp, reading settings),
  so an unchanged file is neither parsed nor language-detected again.

Every edition and release is stored through one serialisation (:func:`edition_record`,
:func:`release_record`); fingerprints are taken over the same JSON, so they follow the
document model wherever it goes.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pressroom.build.fingerprint import digest
from pressroom.document.codec import block_from_data, block_to_data
from pressroom.document.model import Block, Edition, Release
from pressroom.sqlitefiles import RecoveringDatabase

STATE_FILE = "state.sqlite"
SCHEMA_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (lang, slug)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS built (
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    source TEXT NOT NULL,
    inputs TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    files TEXT NOT NULL,
    edition TEXT NOT NULL,
    checked TEXT NOT NULL,
    PRIMARY KEY (lang, slug)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS built_by_source ON built (source);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT NOT NULL PRIMARY KEY,
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS report_parts (
    key TEXT NOT NULL PRIMARY KEY,
    html TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reads (
    source TEXT NOT NULL PRIMARY KEY,
    key TEXT NOT NULL,
    release TEXT NOT NULL
) WITHOUT ROWID;
"""
# Version 1 stored text-only blocks, version 2 the last published edition per file in a table
# ``published``, version 3 releases without their kicker: none can be read as today's
# editions. The editions they describe are built again by the next build, which records them.
_UPGRADE = """
DROP TABLE IF EXISTS published;
DELETE FROM built;
DELETE FROM reads;
"""

# The fields of an edition record that content_hash covers (what a reader sees).
_HASHED = ("title", "kicker", "summary", "blocks", "tags", "date", "date_precision", "demo")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def content_hash(edition: Edition) -> str:
    """A hash of everything a reader sees in an edition (text, structure, marks, tags)."""
    record = edition_record(edition)
    return digest({key: record[key] for key in _HASHED})


def _blocks(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    return [block_to_data(block) for block in blocks]


def _blocks_from(data: Iterable[dict[str, Any]]) -> list[Block]:
    return [block_from_data(block) for block in data]


def release_record(release: Release) -> dict[str, Any]:
    """A release as read, as JSON-ready values: every field of :class:`Release` (a field added
    to the model is kept without a change here), blocks through the document codec."""
    record = {field.name: getattr(release, field.name) for field in dataclasses.fields(Release)}
    record.update(date=release.date.isoformat(), blocks=_blocks(release.blocks), source_path=str(release.source_path))
    return record


def release_from_record(record: Mapping[str, Any]) -> Release:
    """The release :func:`release_record` describes."""
    fields = {**record, "tags": list(record["tags"]), "warnings": list(record["warnings"])}
    fields.update(
        date=datetime.fromisoformat(record["date"]), blocks=_blocks_from(record["blocks"]), source_path=Path(record["source_path"])
    )
    return Release(**fields)


def edition_record(edition: Edition) -> dict[str, Any]:
    """Everything the pages and feeds need to list an edition again, as JSON-ready values."""
    release = edition.release
    return {
        "title": edition.title,
        "kicker": edition.kicker,
        "summary": edition.summary,
        "blocks": _blocks(edition.blocks),
        "tags": release.tags,
        "date": release.date.isoformat(),
        "date_precision": release.date_precision,
        "demo": edition.demo,
        "lang": edition.lang,
        "machine_translated": edition.machine_translated,
        "engine": edition.engine,
        "updated": edition.updated.isoformat() if edition.updated else None,
        "segments": edition.segments,
        "reviewed_segments": edition.reviewed_segments,
        "slug": release.slug,
        "source_title": release.title,
        "source_kicker": release.kicker,
        "source_lang": release.lang,
        "source_summary": release.summary,
        "source_path": str(release.source_path),
    }


def edition_from_record(record: Mapping[str, Any]) -> Edition:
    """The edition a record describes. Its release carries the metadata but no blocks: the
    original's text is in the original's own record, and nothing that lists an edition needs it."""
    release = Release(
        slug=record["slug"],
        title=record["source_title"],
        kicker=record.get("source_kicker", ""),
        date=datetime.fromisoformat(record["date"]),
        blocks=[],
        source_path=Path(record["source_path"]),
        lang=record["source_lang"],
        summary=record["source_summary"],
        tags=list(record["tags"]),
        date_precision=record["date_precision"],
    )
    updated = record["updated"]
    return Edition(
        release=release,
        lang=record["lang"],
        title=record["title"],
        kicker=record.get("kicker", ""),
        summary=record["summary"],
        blocks=_blocks_from(record["blocks"]),
        machine_translated=record["machine_translated"],
        demo=record["demo"],
        engine=record["engine"],
        updated=datetime.fromisoformat(updated) if updated else None,
        segments=record.get("segments", 0),
        reviewed_segments=record.get("reviewed_segments", 0),
    )


@dataclass
class Built:
    """One published edition as the state keeps it (see the module docstring).

    ``checked`` is the quality-check record and findings as JSON-ready values (None for an
    original, which is not checked); ``files`` the signature of its output files.
    """

    lang: str
    slug: str
    source: str
    inputs: str
    fingerprint: str
    files: str
    edition: Edition
    checked: dict[str, Any] | None


class PublishState(RecoveringDatabase):
    """SQLite record of published editions, in the output's state folder.

    The database is opened when first used, and created only by a write: a build that stops
    before publishing anything (a model missing) leaves no state behind. A damaged record is
    moved aside and started anew (:mod:`pressroom.sqlitefiles`): the next build translates and
    renders everything again, feed items count as updated once, and a release that fails in
    that build has no last published edition to keep listed. A record changed by hand that
    cannot be read counts as absent.
    """

    what_is_lost = (
        "a new one was started: everything is translated and rendered again, feed items show as "
        "updated once, and a release that fails in this build drops out of the lists until it is fixed"
    )
    isolation_level = ""  # Python's implicit transactions: ``with self._db`` commits

    def __init__(self, path: Path) -> None:  # no connection yet: see _db
        self.path = path
        self.recovered: str | None = None
        self._connection: sqlite3.Connection | None = None
        self._reads: tuple[list[tuple[str, str, str]], set[str]] | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            super().__init__(self.path)  # connects (or recovers) through the setter below
        assert self._connection is not None
        return self._connection

    @_db.setter
    def _db(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def _setup(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            db.executescript(f"BEGIN; {_UPGRADE} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")

    def _exists(self) -> bool:
        return self._connection is not None or self.path.exists()

    def stamp(self, edition: Edition, now: datetime) -> datetime:
        """Set ``edition.updated``: unchanged content keeps its time, new or changed gets ``now``.

        A release seen for the first time counts as updated at its own date, not at the
        moment of the build that first published it.
        """
        content = content_hash(edition)

        def stamp() -> datetime:
            row = self._db.execute(
                "SELECT content_hash, updated FROM editions WHERE lang = ? AND slug = ?",
                (edition.lang, edition.slug),
            ).fetchone()
            if row and row[0] == content:
                return datetime.fromisoformat(row[1])
            updated = edition.release.date if row is None else now
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?)",
                    (edition.lang, edition.slug, content, updated.isoformat()),
                )
            return updated

        edition.updated = self._guarded(stamp)
        return edition.updated

    def remember(self, built: Iterable[Built]) -> None:
        """Record editions as published (after their files are written), and the reads noted
        by :meth:`remember_reads`, all in one transaction."""
        rows = [
            (b.lang, b.slug, b.source, b.inputs, b.fingerprint, b.files, _json(edition_record(b.edition)), _json(b.checked))
            for b in built
        ]

        def insert() -> None:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO built VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                if self._reads is not None:
                    reads, present = self._reads
                    gone = {row[0] for row in self._db.execute("SELECT source FROM reads")} - present
                    self._db.executemany("INSERT OR REPLACE INTO reads VALUES (?, ?, ?)", reads)
                    self._db.executemany("DELETE FROM reads WHERE source = ?", [(source,) for source in gone])

        self._guarded(insert)
        self._reads = None

    def forget(self, editions: Iterable[tuple[str, str]]) -> None:
        """Drop ``(lang, slug)`` editions that are no longer published (after their files went)."""
        gone = list(editions)

        def delete() -> None:
            with self._db:
                self._db.executemany("DELETE FROM built WHERE lang = ? AND slug = ?", gone)

        self._guarded(delete)

    def outputs(self) -> dict[str, tuple[str, int, int]]:
        """``path -> (key, size, mtime_ns)`` of every site file written through the memo."""
        if not self._exists():
            return {}
        rows = self._guarded(lambda: self._db.execute("SELECT path, key, size, mtime FROM outputs").fetchall())
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def remember_outputs(self, written: Mapping[str, tuple[str, int, int]], removed: Iterable[str] = ()) -> None:
        """Record the keys of files this build wrote, and forget those it removed (after both)."""
        rows = [(path, *stamp) for path, stamp in written.items()]
        gone = [(path,) for path in removed]
        if not rows and not gone:
            return

        def insert() -> None:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)", rows)
                self._db.executemany("DELETE FROM outputs WHERE path = ?", gone)

        self._guarded(insert)

    def report_parts(self) -> dict[str, str]:
        """Every stored section of the quality report, by key."""
        if not self._exists():
            return {}
        return dict(self._guarded(lambda: self._db.execute("SELECT key, html FROM report_parts").fetchall()))

    def remember_report_parts(self, new: Mapping[str, str], used: Iterable[str]) -> None:
        """Keep the sections rendered in this build and forget those the report no longer shows."""
        used = set(used)

        def update() -> None:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO report_parts VALUES (?, ?)", new.items())
                stale = [row for row in self._db.execute("SELECT key FROM report_parts") if row[0] not in used]
                self._db.executemany("DELETE FROM report_parts WHERE key = ?", stale)

        self._guarded(update)

    def all_built(self) -> dict[tuple[str, str], Built]:
        """Every published edition by ``(lang, slug)``."""
        if not self._exists():
            return {}
        rows = self._guarded(lambda: self._db.execute("SELECT * FROM built").fetchall())
        return {(row[0], row[1]): built for row in rows if (built := _built(row))}

    def all_keys(self) -> list[tuple[str, str]]:
        """``(lang, slug)`` of every published edition (cheap: no edition is loaded)."""
        if not self._exists():
            return []
        return self._guarded(lambda: [(row[0], row[1]) for row in self._db.execute("SELECT lang, slug FROM built")])

    def last_published(self, source: str) -> list[Built]:
        """The editions last published from the release file ``source`` (none if never)."""
        if not self._exists():
            return []
        rows = self._guarded(
            lambda: self._db.execute("SELECT * FROM built WHERE source = ? ORDER BY lang", (source,)).fetchall()
        )
        return [built for row in rows if (built := _built(row))]

    def read(self, source: str, key: str) -> Release | None:
        """The release last read from ``source``, if it was read under the same ``key``."""
        if not self._exists():
            return None
        row = self._guarded(
            lambda: self._db.execute("SELECT key, release FROM reads WHERE source = ?", (source,)).fetchone()
        )
        if not row or row[0] != key:
            return None
        try:
            return release_from_record(json.loads(row[1]))
        except _UNREADABLE:  # a record changed by hand: read the file again
            return None

    def remember_reads(self, reads: Iterable[tuple[str, str, Release]], present: Iterable[str]) -> None:
        """Keep ``(source, key, release)`` for the next build and forget the files no longer
        ``present``; written with the published editions (:meth:`remember`), so a build that
        stops before publishing writes nothing."""
        self._reads = ([(source, key, _json(release_record(release))) for source, key, release in reads], set(present))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


# What a record changed by hand (or by a bug) raises when read back.
_UNREADABLE = (ValueError, KeyError, TypeError, AttributeError)


def _built(row: tuple[str, ...]) -> Built | None:
    """The stored edition of ``row``; None for a record that cannot be read back (it counts as
    never built, so the edition is built again)."""
    lang, slug, source, inputs, fingerprint, files, edition, checked = row
    try:
        return Built(lang, slug, source, inputs, fingerprint, files, edition_from_record(json.loads(edition)), json.loads(checked))
    except _UNREADABLE:
        return None
