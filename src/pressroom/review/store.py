"""Approved translations: what a reviewer corrected or accepted, with who and when.

Keyed by (source language, target language, normalised source segment) and nothing else: an
approval does not depend on the model that produced the machine translation, so it survives
model upgrades, and a segment whose German text changes simply has no approval any more.
Kept apart from the translation memory, which ``--no-cache`` ignores: approvals always apply.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pressroom.document.inline import Mark, Text
from pressroom.translate.memory import normalise, write_transaction

REVIEWS_FILE = "reviews.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS approved (
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    review_file TEXT NOT NULL,
    marks TEXT,
    PRIMARY KEY (source_lang, target_lang, source)
) WITHOUT ROWID;
"""
# Approvals stored before reviews kept marks have none (NULL): their marks are unknown.
_ADD_MARKS = "ALTER TABLE approved ADD COLUMN marks TEXT"


@dataclass(frozen=True)
class Approval:
    """A human-approved translation of one segment; ``marks`` (bold, links…) over ``target``,
    None for an approval stored before reviews kept marks."""

    target: str
    reviewer: str
    approved_at: str
    marks: tuple[Mark, ...] | None = None


@dataclass(frozen=True)
class Correction:
    """One segment a reviewer approved, as read from a review file, with its marks."""

    source_lang: str
    target_lang: str
    source: str
    target: str
    marks: tuple[Mark, ...] = ()


class Approvals:
    """The SQLite store of approvals in the output's state folder."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        if "marks" not in {row[1] for row in self._db.execute("PRAGMA table_info(approved)")}:
            self._db.execute(_ADD_MARKS)

    def lookup(self, source_lang: str, target_lang: str, sources: Iterable[str]) -> dict[str, Approval]:
        """Approvals for ``sources``, keyed by the segments as given (not normalised)."""
        found: dict[str, Approval] = {}
        for source in sources:
            row = self._db.execute(
                "SELECT target, reviewer, approved_at, marks FROM approved "
                "WHERE source_lang = ? AND target_lang = ? AND source = ?",
                (source_lang, target_lang, normalise(source)),
            ).fetchone()
            if row:
                target, reviewer, approved_at, marks = row
                known = None if marks is None else Text.from_data([target, json.loads(marks)]).marks
                found[source] = Approval(target, reviewer, approved_at, known)
        return found

    def approve(self, corrections: Sequence[Correction], reviewer: str, review_file: str) -> None:
        """Store ``corrections`` in one transaction: a review file is taken whole or not at all."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with write_transaction(self._db):
            self._db.executemany(
                "INSERT OR REPLACE INTO approved VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.source_lang, c.target_lang, normalise(c.source), c.target, reviewer, now, review_file,
                        json.dumps(Text(c.target, c.marks).to_data()[1], ensure_ascii=False),
                    )
                    for c in corrections
                ],  # fmt: skip
            )

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM approved").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def approvals_digest(state_dir: Path) -> str:
    """A digest of every approval in ``state_dir`` ("" when there is none): a build compares
    it to know whether any approval changed since the last one."""
    path = state_dir / REVIEWS_FILE
    if not path.is_file():
        return ""
    hashed = hashlib.sha256()
    db = sqlite3.connect(path, timeout=30)
    try:
        count = 0
        for row in db.execute("SELECT source_lang, target_lang, source, target FROM approved ORDER BY 1, 2, 3"):
            hashed.update("\0".join(row).encode("utf-8", "surrogatepass") + b"\1")
            count += 1
    finally:
        db.close()
    return hashed.hexdigest() if count else ""
