"""``pressroom build --watch``: build again whenever a release, the glossary or the settings change.

A modification-time poll rather than operating-system file events (watchfiles): a releases folder
holds tens to hundreds of files, so looking at each one twice a second costs nothing, needs no
extra dependency and also works on network drives, where file events are often not delivered.
Rebuilding is cheap because the translation memory answers every sentence seen before: only the
changed releases reach the model.

Changes are debounced: Word and many editors save a file in several steps, so a build starts
only once nothing has changed for ``quiet_s`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pressroom.readers import ReaderError, find_releases

POLL_S = 0.5
QUIET_S = 0.5

Snapshot = dict[Path, tuple[int, int]]


def snapshot(releases: Path, extra_files: Iterable[Path] = ()) -> Snapshot:
    """Modification time and size of every release file and of each existing ``extra_files``.

    Uses the build's own notion of a release file, so Word's lock files (``~$x.docx``) and
    editor backups never trigger a build.
    """
    try:
        paths = find_releases(releases)
    except ReaderError:  # the folder is missing (for now): nothing to build from
        paths = []
    found: Snapshot = {}
    for path in [*paths, *extra_files]:
        try:
            stat = path.stat()
        except OSError:  # removed between listing and looking
            continue
        found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def watch(
    take: Callable[[], Snapshot],
    rebuild: Callable[[list[Path]], None],
    stop: threading.Event,
    poll_s: float = POLL_S,
    quiet_s: float = QUIET_S,
) -> None:
    """Call ``rebuild(changed)`` after every change once things are quiet, until ``stop`` is set.

    The snapshot is taken before ``rebuild`` runs, so a file saved during a build triggers the
    next one.
    """
    current = take()
    while not stop.wait(poll_s):
        latest = take()
        if latest == current:
            continue
        settled_at = time.monotonic()
        while time.monotonic() - settled_at < quiet_s:
            if stop.wait(poll_s):
                return
            newer = take()
            if newer != latest:
                latest, settled_at = newer, time.monotonic()
        rebuild(changed_files(current, latest))
        current = latest
