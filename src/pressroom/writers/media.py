"""Pictures of releases, published once each under ``output/media/`` by content hash.

The file name is the picture's digest (:attr:`pressroom.document.model.Image.file_name`), so
the same press photo in three languages and in several releases is one file, an unchanged
picture is never written again, and a changed one gets a new name (no stale browser cache).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pressroom.atomic import atomic_write_bytes
from pressroom.document.model import Block, Figure
from pressroom.writers.links import MEDIA_DIR, contained_path


def media_path(output_dir: Path, file_name: str) -> Path:
    """Where a picture is published."""
    return contained_path(output_dir, MEDIA_DIR, file_name)


def write_media(blocks: Iterable[Block], output_dir: Path) -> list[Path]:
    """Publish every picture of ``blocks`` that is not there yet; return the files written."""
    written = []
    for block in blocks:
        if isinstance(block, Figure) and block.image.data:
            path = media_path(output_dir, block.image.file_name)
            if not path.is_file():
                atomic_write_bytes(path, block.image.data)
                written.append(path)
    return written
