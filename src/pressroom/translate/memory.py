"""Translation memory: every sentence is translated once per model and decoding setting.

SQLite (stdlib) in WAL mode: readers never block each other or the writer, and each batch of
new translations is committed in one transaction, so a killed build leaves the memory as it
was after the last complete batch, never half-written.

The key is the normalised source sentence plus the engine identity, which already names the
language pair, the model package (code, version, hash of its files) and the decoding settings:
a new model or a changed beam size misses the memory only for what depends on it.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from pressroom.sqlitefiles import RecoveringDatabase
from pressroom.translate.base import Alignment, Engine, Hypothesis

SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    engine TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    created TEXT NOT NULL,
    score REAL,
    alignment TEXT NOT NULL DEFAULT '',
    aligned INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (engine, source)
) WITHOUT ROWID;
"""
# Version 1 had neither score nor alignment, version 2 stored alignments before any engine gave
# one: their translations stay valid, their alignments are unknown (``aligned`` 0), so a
# sentence that needs one is translated again (:class:`pressroom.translate.corpus.CorpusTranslator`).
_UPGRADE = {
    1: (
        "ALTER TABLE translations ADD COLUMN score REAL",
        "ALTER TABLE translations ADD COLUMN alignment TEXT NOT NULL DEFAULT ''",
    ),
    2: ("ALTER TABLE translations ADD COLUMN aligned INTEGER NOT NULL DEFAULT 0",),
}


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT on an autocommit connection; ROLLBACK on any error.

    IMMEDIATE takes the write lock at the start, so two builds never interleave a batch.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def alignment_text(alignment: Alignment) -> str:
    """An alignment in the Pharaoh format word aligners write: ``"0-0 1-2 2-1"``."""
    return " ".join(f"{source}-{target}" for source, target in alignment)


def parse_alignment(text: str) -> Alignment:
    """The inverse of :func:`alignment_text`."""
    pairs = (pair.split("-") for pair in text.split())
    return tuple((int(source), int(target)) for source, target in pairs)


def normalise(sentence: str) -> str:
    """The memory's view of a sentence: NFC and single spaces, so re-wrapped text still hits."""
    return " ".join(unicodedata.normalize("NFC", sentence).split())


class TranslationMemory(RecoveringDatabase):
    """Stored translations keyed by (engine identity, normalised source sentence).

    A damaged memory is moved aside and started anew (:mod:`pressroom.sqlitefiles`): it only
    saves time, so the build goes on and translates those sentences again.
    """

    what_is_lost = "a new one was started: sentences are translated again"

    def _setup(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"{self.path} was written by a newer pressroom (schema {version})"
            )
        with write_transaction(db):
            for step in range(version, SCHEMA_VERSION) if version else ():
                for statement in _UPGRADE[step]:
                    db.execute(statement)
            db.execute(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def lookup(self, engine_identity: str, sentences: Iterable[str]) -> dict[str, Hypothesis]:
        """Known translations of ``sentences`` (normalised) for this engine; an alignment
        written before engines gave any is None (unknown)."""
        keys = list({normalise(s) for s in sentences})
        return self._guarded(lambda: self._lookup(engine_identity, keys))

    def _lookup(self, engine_identity: str, keys: list[str]) -> dict[str, Hypothesis]:
        found: dict[str, Hypothesis] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT source, target, score, alignment, aligned FROM translations "
                f"WHERE engine = ? AND source IN ({marks})",
                [engine_identity, *chunk],
            )
            for source, target, score, alignment, aligned in rows:
                found[source] = Hypothesis(target, score, parse_alignment(alignment) if aligned else None)
        return found

    def store(self, engine: Engine, pairs: Sequence[tuple[str, Hypothesis]]) -> None:
        """Add translations in one transaction (all of them or none)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            (
                engine.identity, normalise(s), h.text, engine.source, engine.target,
                now, h.score, alignment_text(h.alignment or ()), h.alignment is not None,
            )
            for s, h in pairs
        ]  # fmt: skip

        def insert() -> None:
            with write_transaction(self._db):
                self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

        self._guarded(insert)

    def count(self) -> int:
        return self._guarded(lambda: self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])
