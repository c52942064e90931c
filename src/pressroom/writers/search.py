"""Full-text search over every release in every language: a Pagefind index in ``output/pagefind/``.

Pagefind (Rust, shipped in the ``pagefind-bin`` wheel, driven through its Python API) reads the
finished pages and writes a static index that the search pages query in the browser, fetching
only the fragments a query needs. No server runs: the index is plain files published with the
rest. Pagefind keeps one index per language, by each page's ``<html lang>``; only release
articles (``data-pagefind-body``) are indexed, not the lists that repeat them.

The index is written into a hidden folder and then swapped into place, so a killed build leaves
the previous index complete.
"""

from __future__ import annotations

import asyncio
import json
import shutil
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
    try:
        asyncio.run(_index(output_dir, staging))
    except (OSError, AssertionError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(f"Pagefind could not index {output_dir}: {exc}") from None
    target = output_dir / SEARCH_DIR
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return describe(target)


async def _index(site: Path, staging: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(staging.resolve()), keep_index_url=True)
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site.resolve()))


def describe(index_dir: Path) -> SearchIndex:
    """Pages per language (from Pagefind's entry file) and the bytes of every index file."""
    entry = json.loads((index_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {lang: info["page_count"] for lang, info in entry.get("languages", {}).items()}
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return SearchIndex(pages, size)
