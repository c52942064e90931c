"""What was published before: each edition's content hash and when it last changed, and the
last edition published from each release file.

Feed readers show an item as updated when its ``updated`` time moves, so that time must move
only when the edition's text really changed, not on every build. The last published editions
let a release whose file is broken today (half-saved, bad YAML) stay in the feeds and indexes
with what subscribers already have, instead of silently dropping out until someone fixes it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pressroom.document.codec import block_from_data, block_to_data
from pressroom.document.model import Edition, Release
from pressroom.sqlitefiles import RecoveringDatabase

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (lang, slug)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS published (
    source TEXT NOT NULL,
    lang TEXT NOT NULL,
    edition TEXT NOT NULL,
    PRIMARY KEY (source, lang)
) WITHOUT ROWID;
"""

# The fields of an edition record that content_hash covers (what a reader sees).
_HASHED = ("title", "kicker", "summary", "blocks", "tags", "date", "date_precision", "demo")


def content_hash(edition: Edition) -> str:
    """A hash of everything a reader sees in an edition (text, structure, marks, tags)."""
    record = _record(edition)
    payload = {key: record[key] for key in _HASHED}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _record(edition: Edition) -> dict[str, Any]:
    """Everything the pages and feeds need to list an edition again, as JSON-ready values."""
    release = edition.release
    return {
        "title": edition.title,
        "kicker": edition.kicker,
        "summary": edition.summary,
        "blocks": [block_to_data(block) for block in edition.blocks],
        "tags": release.tags,
        "date": release.date.isoformat(),
        "date_precision": release.date_precision,
        "demo": edition.demo,
        "lang": edition.lang,
        "machine_translated": edition.machine_translated,
        "engine": edition.engine,
        "updated": edition.updated.isoformat() if edition.updated else None,
        "slug": release.slug,
        "source_title": release.title,
        "source_kicker": release.kicker,
        "source_lang": release.lang,
        "source_summary": release.summary,
        "source_path": str(release.source_path),
    }


def _from_record(record: dict[str, Any]) -> Edition:
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
        blocks=[block_from_data(block) for block in record["blocks"]],
        machine_translated=record["machine_translated"],
        demo=record["demo"],
        engine=record["engine"],
        updated=datetime.fromisoformat(updated) if updated else None,
    )


class PublishState(RecoveringDatabase):
    """SQLite record of published editions, in the output's state folder.

    A damaged record is moved aside and started anew (:mod:`pressroom.sqlitefiles`): feed
    items then count as new once, and releases that fail in that build have no last
    published edition to keep listed.
    """

    what_is_lost = (
        "a new one was started: feed items show their release date as updated once, and a release "
        "that fails in this build drops out of the lists until it is fixed"
    )
    isolation_level = ""

    def _setup(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            with db:
                # Version 1 stored text-only blocks: those last published editions cannot be
                # read as rich ones. They only matter while their file fails; the next good
                # build of it records it again.
                db.execute("DELETE FROM published")
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def stamp(self, edition: Edition, now: datetime) -> datetime:
        """Set ``edition.updated``: unchanged content keeps its time, new or changed gets ``now``.

        A release seen for the first time counts as updated at its own date, not at the
        moment of the build that first published it.
        """
        digest = content_hash(edition)

        def stamp() -> datetime:
            row = self._db.execute(
                "SELECT content_hash, updated FROM editions WHERE lang = ? AND slug = ?",
                (edition.lang, edition.slug),
            ).fetchone()
            if row and row[0] == digest:
                return datetime.fromisoformat(row[1])
            updated = edition.release.date if row is None else now
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?)",
                    (edition.lang, edition.slug, digest, updated.isoformat()),
                )
            return updated

        edition.updated = self._guarded(stamp)
        return edition.updated

    def remember(self, published: Iterable[tuple[str, Edition]]) -> None:
        """Record each ``(source, edition)`` as the last edition published from the release
        file ``source`` in its language, all in one transaction."""
        rows = [
            (source, edition.lang, json.dumps(_record(edition), ensure_ascii=False))
            for source, edition in published
        ]

        def insert() -> None:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO published VALUES (?, ?, ?)", rows)

        self._guarded(insert)

    def last_published(self, source: str) -> list[Edition]:
        """The editions last published from ``source``, one per language (none if never)."""
        rows = self._guarded(
            lambda: self._db.execute(
                "SELECT edition FROM published WHERE source = ? ORDER BY lang", (source,)
            ).fetchall()
        )
        editions = []
        for row in rows:
            try:
                editions.append(_from_record(json.loads(row[0])))
            except (ValueError, KeyError, TypeError):  # a record changed by hand: not listed
                continue
        return editions
