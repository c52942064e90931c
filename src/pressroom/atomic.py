"""Atomic file writes: a reader of ``output/`` sees the old complete file or the new one, never half.

Every writer goes through :func:`atomic_write_bytes` / :func:`atomic_write_text`: the content is
written to a temporary file in the same directory, flushed to disk, then renamed over the target
(``os.replace`` is atomic on POSIX and Windows for files on the same filesystem).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"
# What tempfile.mkstemp(prefix=".NAME.", suffix=".tmp") creates: a dot, the target's name, a dot,
# eight random characters from tempfile's alphabet, ".tmp".
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` never holds a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text variant of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temporary files a killed writer left under ``folder``; returns what was removed.

    A process killed between creating its temporary file and renaming it (SIGKILL, power cut,
    a laptop that never woke up) cannot clean up after itself. Call this only while holding
    the lock that keeps other writers out of ``folder``: their temporary files look the same.
    """
    removed = []
    for path in sorted(folder.rglob(f".*{TEMP_SUFFIX}")):
        if _TEMP_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
