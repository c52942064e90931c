"""Full-text search over every release in every language: a Pagefind index in ``output/pagefind/``.

Pagefind (Rust, shipped in the ``pagefind-bin`` wheel, run as a child process: its Python API
would need an asyncio loop, whose self-pipe is a socket, and a build opens none) reads the
finished pages and writes a static index that the search pages query in the browser, fetching
only the fragments a query needs. No server runs: the index is plain files published with the
rest. Pagefind keeps one index per language, by each page's ``<html lang>``; only release
articles (``data-pagefind-body``) are indexed, not the lists that repeat them.

The index is written into a hidden folder and then swapped into place, so a killed build leaves
the previous index complete.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pressroom.writers.links import SEARCH_DIR

_STAGING = f".{SEARCH_DIR}.new"
_RETIRED = f".{SEARCH_DIR}.old"


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
    retired = output_dir / _RETIRED
    for leftover in (staging, retired):  # a killed build may have left one
        shutil.rmtree(leftover, ignore_errors=True)
    from pagefind_bin import get_executable

    command = [str(get_executable()), "--site", str(output_dir.resolve()), "--output-path", str(staging.resolve()),
               "--keep-index-url", "--silent"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        done = subprocess.CompletedProcess(command, 1, "", str(exc))
    if done.returncode != 0 or not (staging / "pagefind-entry.json").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        reported = " ".join((done.stderr or done.stdout).split())[-500:]
        raise SearchIndexError(f"Pagefind could not index {output_dir}: {reported or f'exit code {done.returncode}'}")
    target = output_dir / SEARCH_DIR
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return describe(target)


def describe(index_dir: Path) -> SearchIndex:
    """Pages per language (from Pagefind's entry file) and the bytes of every index file."""
    entry = json.loads((index_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {lang: info["page_count"] for lang, info in entry.get("languages", {}).items()}
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return SearchIndex(pages, size)
