"""Full-text search over every release in every language: a Pagefind index in ``output/pagefind/``.

Pagefind (Rust, shipped in the ``pagefind-bin`` wheel, run as a child process: its Python API
would need an asyncio loop, whose self-pipe is a socket, and a build opens none) reads the
finished pages and writes a static index that the search pages query in the browser, fetching
only the fragments a query needs. No server runs: the index is plain files published with the
rest. Pagefind keeps one index per language, by each page's ``<html lang>``; only release
articles (``data-pagefind-body``) are indexed, not the lists that repeat them.

The index is written into a hidden folder first, then moved into ``pagefind/`` file by file:
Pagefind names its index files by their content, so new files never replace old ones, and
``pagefind-entry.json``, which names the index files of each language, moves last. Only then are
the old files removed. A build killed at any point leaves a complete index, old or new.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pressroom.writers.links import SEARCH_DIR

_STAGING = f".{SEARCH_DIR}.new"
ENTRY_FILE = "pagefind-entry.json"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says what it reported."""


@dataclass
class SearchIndex:
    """What was indexed: pages per language, and the index's size on disk in bytes."""

    pages: dict[str, int] = field(default_factory=dict)
    size: int = 0


def write_search_index(output_dir: Path) -> SearchIndex:
    """Index every release page under ``output_dir`` into ``output_dir/pagefind/``."""
    staging = output_dir / _STAGING
    shutil.rmtree(staging, ignore_errors=True)  # a killed build may have left one
    from pagefind_bin import get_executable

    command = [str(get_executable()), "--site", str(output_dir.resolve()), "--output-path", str(staging.resolve()),
               "--keep-index-url", "--silent"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        done = subprocess.CompletedProcess(command, 1, "", str(exc))
    if done.returncode != 0 or not (staging / ENTRY_FILE).is_file():
        shutil.rmtree(staging, ignore_errors=True)
        reported = " ".join((done.stderr or done.stdout).split())[-500:]
        raise SearchIndexError(f"Pagefind could not index {output_dir}: {reported or f'exit code {done.returncode}'}")
    target = output_dir / SEARCH_DIR
    _move_into_place(staging, target)
    return describe(target)


def _move_into_place(staging: Path, target: Path) -> None:
    """Every new file into ``target`` (the entry file last), then the old ones out."""
    new = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    old = {p.relative_to(target) for p in target.rglob("*") if p.is_file()} if target.is_dir() else set()
    for name in sorted(new, key=lambda name: name.name == ENTRY_FILE):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target / name)
    for name in old - set(new):
        (target / name).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def describe(index_dir: Path) -> SearchIndex:
    """Pages per language (from Pagefind's entry file) and the bytes of every index file."""
    entry = json.loads((index_dir / ENTRY_FILE).read_text(encoding="utf-8"))
    pages = {lang: info["page_count"] for lang, info in entry.get("languages", {}).items()}
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return SearchIndex(pages, size)
