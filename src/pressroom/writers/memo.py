"""Which site files are already what this build would write, so that lists, feeds and the
sitemap are rendered only when what they show changed.

Each file written through :meth:`OutputMemo.write` is remembered by a key (a hash of
everything its writer renders it from: the page's template values, a feed's entries with their
fingerprints and times, the build's shaping context of code, settings and theme) and by the
size and modification time it had once written. A later build skips the file when the key is
the same and the file on disk is still the one written (same size and time stamp): a file
deleted or changed by hand, or written by a build killed before it recorded its keys, is
written again. The publish state keeps the keys (:meth:`PublishState.remember_outputs`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from pressroom.atomic import atomic_write_bytes

# Stored per file: (key, size, mtime in nanoseconds).
Stamp = tuple[str, int, int]


class OutputMemo:
    """The keys of the site files under ``output_dir`` (relative POSIX paths), as last written.

    ``salt`` is the build's shaping context: a changed template, setting or pressroom version
    makes every key new. ``editions`` maps ``(lang, slug)`` to the edition's fingerprint (what
    it shows, without its ``updated`` time), for writers that list whole editions (feeds).
    """

    def __init__(
        self,
        output_dir: Path,
        stored: Mapping[str, Stamp],
        salt: str,
        editions: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        self.root = output_dir.resolve()
        self.stored = dict(stored)
        self.salt = salt
        self.editions = dict(editions or {})
        self.written: dict[str, Stamp] = {}
        self.removed: list[str] = []
        self._visited: set[str] = set()

    def edition_key(self, lang: str, slug: str) -> str | None:
        """The fingerprint of a listed edition; None where this build does not know it."""
        return self.editions.get((lang, slug))

    def fresh(self, path: Path, key: str) -> bool:
        """Whether ``path`` already holds what ``key`` describes."""
        stamp = self.stored.get(self._name(path))
        if stamp is None or stamp[0] != key:
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (stamp[1], stamp[2])

    def write(self, path: Path, shown: object, render: Callable[[], bytes]) -> bool:
        """Write ``render()`` to ``path`` atomically unless it is fresh; True when written.
        ``shown`` is everything the file is rendered from (its ``repr`` is hashed with the
        salt); None (the writer cannot say) always writes."""
        key = self.stale(path, shown)
        if key is None:
            return False
        atomic_write_bytes(path, render())
        self.record(path, key)
        return True

    def stale(self, path: Path, shown: object) -> str | None:
        """None when ``path`` is fresh for ``shown``; otherwise the key to :meth:`record` once
        it is written ("" when ``shown`` is None: nothing is recorded)."""
        self._visited.add(self._name(path))
        key = "" if shown is None else self._key(shown)
        if key and self.fresh(path, key):
            return None
        return key

    def record(self, path: Path, key: str) -> None:
        """Note that ``path`` now holds what ``key`` describes (kept by the publish state)."""
        if key:
            stat = path.stat()
            self.written[self._name(path)] = (key, stat.st_size, stat.st_mtime_ns)

    def remove_unvisited(self, keep: Callable[[str], bool]) -> list[str]:
        """Delete the files written by an earlier build that this build neither wrote nor found
        fresh (the page of a tag no release carries any more, an archive year that emptied),
        except those ``keep`` names (the lists of a language this build does not make)."""
        for name in sorted(set(self.stored) - self._visited):
            if not keep(name):
                (self.root / name).unlink(missing_ok=True)
                self.removed.append(name)
        return self.removed

    def _key(self, shown: object) -> str:
        return hashlib.sha256(repr((self.salt, shown)).encode("utf-8", "surrogatepass")).hexdigest()

    def _name(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()


def write_file(memo: OutputMemo | None, path: Path, shown: Callable[[], object], render: Callable[[], bytes]) -> bool:
    """Through ``memo`` where there is one (``shown`` is called only then); otherwise always
    written (a first build without a state, a test calling a writer alone)."""
    if memo is None:
        atomic_write_bytes(path, render())
        return True
    return memo.write(path, shown(), render)
