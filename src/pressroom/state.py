"""What was published before: each edition's content hash and when it last changed.

Feed readers show an item as updated when its ``updated`` time moves, so that time must move
only when the edition's text really changed, not on every build.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path

from pressroom.model import Edition

_SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (
    lang TEXT NOT NULL,
    slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (lang, slug)
) WITHOUT ROWID;
"""


def content_hash(edition: Edition) -> str:
    """A hash of everything a reader sees in an edition (text, structure, contact, tags)."""
    payload = {
        "title": edition.title,
        "summary": edition.summary,
        "blocks": [[b.kind.value, b.text, b.ordered] for b in edition.blocks],
        "contact": edition.release.contact,
        "tags": edition.release.tags,
        "date": edition.release.date.isoformat(),
        "demo": edition.demo,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class PublishState:
    """SQLite record of published editions, in the output's state folder."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def stamp(self, edition: Edition, now: datetime) -> datetime:
        """Set ``edition.updated``: unchanged content keeps its time, new or changed gets ``now``.

        A release seen for the first time counts as updated at its own date, not at the
        moment of the build that first published it.
        """
        digest = content_hash(edition)
        row = self._db.execute(
            "SELECT content_hash, updated FROM editions WHERE lang = ? AND slug = ?",
            (edition.lang, edition.slug),
        ).fetchone()
        if row and row[0] == digest:
            updated = datetime.fromisoformat(row[1])
        else:
            updated = edition.release.date if row is None else now
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?)",
                    (edition.lang, edition.slug, digest, updated.isoformat()),
                )
        edition.updated = updated
        return updated

    def close(self) -> None:
        self._db.close()
