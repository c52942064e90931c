"""Full-text search over every release in every language: Pagefind indexes in ``output/pagefind/``.

Pagefind (Rust, shipped in the ``pagefind-bin`` wheel, run as a child process: its Python API
would need an asyncio loop, whose self-pipe is a socket, and a build opens none) reads the
finished pages and writes a static index that the search pages query in the browser, fetching
only the fragments a query needs. No server runs: the index is plain files published with the
rest. Pagefind keeps one index per language, by each page's ``<html lang>``; only release
articles (``data-pagefind-body``) are indexed, not the lists that repeat them.

Pagefind cannot add one page to an index, so the site's index is sharded by the month of the
release date: ``pagefind/<YYYY-MM>/`` is a complete Pagefind bundle of that month's release
pages, and the search page merges every shard (Pagefind's ``mergeIndex``). An edit indexes its
release's month again, not the whole site.

A shard is written into a hidden folder first (Pagefind reads a folder of hard links to the
shard's pages), then moved into ``pagefind/<month>/`` file by file: Pagefind names its index
files by their content, so new files never replace old ones, and ``pagefind-entry.json``, which
names the index files of each language, moves last. Only then are the old files removed. A
build killed at any point leaves every shard complete, old or new.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
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


def discard_staging(output_dir: Path) -> None:
    """Remove the half-made shards a killed build may have left (also when none is made)."""
    shutil.rmtree(output_dir / _STAGING, ignore_errors=True)


def shard_of(date: datetime) -> str:
    """The shard a release page is indexed in: the month of its release date."""
    return f"{date:%Y-%m}"


def shard_path(output_dir: Path, shard: str) -> Path:
    """Where a shard's entry file lies (its key in the output memo)."""
    return output_dir / SEARCH_DIR / shard / ENTRY_FILE


def write_search_shard(output_dir: Path, shard: str, pages: Sequence[Path]) -> None:
    """Index ``pages`` (release pages under ``output_dir``) into ``output_dir/pagefind/<shard>/``."""
    output_dir = output_dir.resolve()  # the pages' paths are resolved
    staging = output_dir / _STAGING / shard
    shutil.rmtree(staging, ignore_errors=True)
    site, index = staging / "site", staging / "index"
    for page in pages:
        linked = site / page.relative_to(output_dir)
        linked.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, linked)
        except OSError:  # a file system without hard links
            shutil.copyfile(page, linked)
    from pagefind_bin import get_executable

    command = [str(get_executable()), "--site", str(site.resolve()), "--output-path", str(index.resolve()),
               "--keep-index-url", "--silent"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        done = subprocess.CompletedProcess(command, 1, "", str(exc))
    if done.returncode != 0 or not (index / ENTRY_FILE).is_file():
        shutil.rmtree(staging, ignore_errors=True)
        reported = " ".join((done.stderr or done.stdout).split())[-500:]
        raise SearchIndexError(f"Pagefind could not index {output_dir} ({shard}): {reported or f'exit code {done.returncode}'}")
    _move_into_place(index, output_dir / SEARCH_DIR / shard)
    shutil.rmtree(staging, ignore_errors=True)


def remove_other_shards(output_dir: Path, shards: Collection[str]) -> None:
    """Delete every shard not in ``shards`` (a month whose releases all went) and anything else
    in ``pagefind/`` (the single index of earlier versions). Called once the search pages no
    longer name them."""
    folder = output_dir / SEARCH_DIR
    for child in folder.iterdir() if folder.is_dir() else []:
        if child.is_dir() and child.name in shards:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _move_into_place(staging: Path, target: Path) -> None:
    """Every new file into ``target`` (the entry file last), then the old ones out."""
    new = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    old = {p.relative_to(target) for p in target.rglob("*") if p.is_file()} if target.is_dir() else set()
    for name in sorted(new, key=lambda name: name.name == ENTRY_FILE):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target / name)
    for name in old - set(new):
        (target / name).unlink(missing_ok=True)


def describe(index_dir: Path) -> SearchIndex:
    """Pages per language (summed over the shards' entry files) and the bytes of every index file."""
    pages: dict[str, int] = {}
    for entry_file in sorted(index_dir.glob(f"*/{ENTRY_FILE}")):
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        for lang, info in entry.get("languages", {}).items():
            pages[lang] = pages.get(lang, 0) + info["page_count"]
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return SearchIndex(pages, size)
