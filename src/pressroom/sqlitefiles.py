"""The SQLite files in ``output/.pressroom``: telling damage from other faults, and recovering.

A power cut on a disk that lies about syncing, a sync tool that copies half a file, or a
person who opens one in an editor can leave a database that SQLite calls "not a database" or
"malformed". Such a file is never deleted: it is moved aside as ``NAME.damaged-<time>`` (with
its ``-wal`` and ``-shm`` files) and a new one takes its place, once, with a note saying so.
What happens next depends on what the file holds:

* the translation memory and the publish state are caches (:class:`RecoveringDatabase`): the
  build rebuilds them, at the cost of translating again;
* the reviews database holds people's work: it is restored from the backup every successful
  build makes (:mod:`pressroom.review.store`), naming what may be lost since.

A locked, full or read-only database is not damage: those errors go on to the build, which
stops with a plain message and changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
_SQLITE_IOERR_SHORT_READ = 522  # the file ends before its own header says it does: cut off
_COMPANIONS = ("-wal", "-shm", "-journal")
T = TypeVar("T")


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the file's content is broken (not locked, full or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or code == _SQLITE_IOERR_SHORT_READ):
        return True
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message


def set_aside(path: Path) -> Path:
    """Rename ``path`` and its companion files to ``NAME.damaged-<time>``; returns the new name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
        number += 1
    os.replace(path, aside)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return aside


class RecoveringDatabase:
    """A database that is a cache: when it turns out damaged, it is set aside and started
    again empty, once per run; :attr:`recovered` then holds the note for the user.

    Subclasses create their tables in :meth:`_setup` and run every statement through
    :meth:`_guarded`, which retries the statement once on the fresh database.
    """

    what_is_lost = "it is built again"
    isolation_level: str | None = None  # autocommit; "" for Python's implicit transactions

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.recovered: str | None = None
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            self._recover(exc, opened=False)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=self.isolation_level)
        try:
            self._setup(db)
        except BaseException:
            db.close()
            raise
        return db

    def _setup(self, db: sqlite3.Connection) -> None:
        """Create or upgrade the tables of a fresh connection."""
        raise NotImplementedError

    def _guarded(self, action: Callable[[], T]) -> T:
        """``action()``; on damage, set the file aside, start afresh and run it once more."""
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc) or self.recovered is not None:
                raise
            self._recover(exc, opened=True)
            return action()

    def _recover(self, exc: sqlite3.Error, *, opened: bool) -> None:
        if opened:
            self._db.close()
        aside = set_aside(self.path)
        self.recovered = f"was damaged ({exc}); it was moved aside to {aside.name} and {self.what_is_lost}"
        self._db = self._connect()

    def close(self) -> None:
        self._db.close()
