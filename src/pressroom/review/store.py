"""Approved translations: what a reviewer corrected or accepted, with who and when.

Keyed by (source language, target language, normalised source segment) and nothing else: an
approval does not depend on the model that produced the machine translation, so it survives
model upgrades, and a segment whose German text changes simply has no approval any more.
Kept apart from the translation memory, which ``--no-cache`` ignores: approvals always apply.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pressroom.document.inline import Mark, Text
from pressroom.sqlitefiles import RecoveringDatabase, set_aside
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


class Approvals(RecoveringDatabase):
    """The SQLite store of approvals in the output's state folder.

    It holds people's work, so it is never started afresh silently: every successful build
    backs it up (:func:`back_up_reviews`), and a damaged store is moved aside (kept) and the
    backup restored, with a note naming what may be lost since the backup.
    """

    def _setup(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        if "marks" not in {row[1] for row in db.execute("PRAGMA table_info(approved)")}:
            db.execute(_ADD_MARKS)

    def _recover(self, exc: sqlite3.Error, *, opened: bool) -> None:
        if opened:
            self._db.close()
        aside = set_aside(self.path)
        kept = f"was damaged ({exc}); it was moved aside to {aside.name} (kept, nothing was deleted)"
        backup = backup_path(self.path)
        if backup.is_file():
            taken = datetime.fromtimestamp(backup.stat().st_mtime, UTC)
            try:
                _copy_database(backup, self.path)
                self._db = self._connect()
            except sqlite3.DatabaseError:  # the backup is damaged as well
                self.path.unlink(missing_ok=True)
            else:
                since = _imported_since(aside, taken)
                named = f" ({', '.join(since)})" if since else ""
                self.recovered = (
                    f"{kept}, and the approvals were restored from the backup of the last successful "
                    f"build ({taken.astimezone():%Y-%m-%d %H:%M}). Approvals imported after that may be "
                    f"lost{named}: import those review files again"
                )
                return
        self.recovered = (
            f"{kept}. There is no usable backup yet, so this build has no approved translations: "
            "import the review files again (pressroom review import FILE …)"
        )
        self._db = self._connect()

    def lookup(self, source_lang: str, target_lang: str, sources: Iterable[str]) -> dict[str, Approval]:
        """Approvals for ``sources``, keyed by the segments as given (not normalised)."""
        wanted = list(sources)

        def lookup() -> dict[str, Approval]:
            found: dict[str, Approval] = {}
            for source in wanted:
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

        return self._guarded(lookup)

    def approve(self, corrections: Sequence[Correction], reviewer: str, review_file: str) -> None:
        """Store ``corrections`` in one transaction: a review file is taken whole or not at all."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            (
                c.source_lang, c.target_lang, normalise(c.source), c.target, reviewer, now, review_file,
                json.dumps(Text(c.target, c.marks).to_data()[1], ensure_ascii=False),
            )
            for c in corrections
        ]  # fmt: skip

        def insert() -> None:
            with write_transaction(self._db):
                self._db.executemany("INSERT OR REPLACE INTO approved VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

        self._guarded(insert)

    def count(self) -> int:
        return self._guarded(lambda: self._db.execute("SELECT COUNT(*) FROM approved").fetchone()[0])

    def back_up(self) -> bool:
        """Copy the store to :func:`backup_path` with SQLite's backup API, if it is sound (a
        damaged store never replaces a good backup). Returns whether a backup was written."""
        try:
            if self._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return False
            temporary = self.path.with_name(f".{self.path.name}{BACKUP_SUFFIX}.tmp")
            temporary.unlink(missing_ok=True)
            target = sqlite3.connect(temporary)
            try:
                self._db.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
        except sqlite3.DatabaseError:
            return False
        os.replace(temporary, backup_path(self.path))
        return True


BACKUP_SUFFIX = ".backup"


def backup_path(path: Path) -> Path:
    """Where the backup of the reviews store at ``path`` is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def back_up_reviews(state_dir: Path) -> str | None:
    """Back up the reviews store after a successful build; the note if it had to be recovered."""
    if not (state_dir / REVIEWS_FILE).is_file():
        return None
    approvals = Approvals(state_dir / REVIEWS_FILE)
    try:
        approvals.back_up()
    finally:
        approvals.close()
    return approvals.recovered



def approvals_digest(state_dir: Path) -> str:
    """A digest of every approval in ``state_dir`` ("" when there is none): a build compares
    it to know whether any approval changed since the last one. A store that cannot be read
    gives a digest no store has, so the full build runs and recovers it."""
    path = state_dir / REVIEWS_FILE
    if not path.is_file():
        return ""
    hashed = hashlib.sha256()
    count = 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            for row in db.execute(
                "SELECT source_lang, target_lang, source, target, coalesce(marks, '') FROM approved ORDER BY 1, 2, 3"
            ):
                hashed.update("\0".join(row).encode("utf-8", "surrogatepass") + b"\1")
                count += 1
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"unreadable: {exc}"
    return hashed.hexdigest() if count else ""

def _copy_database(source: Path, target: Path) -> None:
    """``source`` into ``target`` (a new file) with SQLite's backup API."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _imported_since(damaged: Path, since: datetime) -> list[str]:
    """The review files the damaged store recorded after ``since``, as far as it can still be
    read (often it cannot): the files to import again."""
    try:
        reader = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)
        try:
            rows = reader.execute(
                "SELECT DISTINCT review_file FROM approved WHERE approved_at > ? ORDER BY review_file",
                (since.isoformat(timespec="seconds"),),
            ).fetchall()
        finally:
            reader.close()
    except sqlite3.Error:
        return []
    return [str(row[0]) for row in rows]
