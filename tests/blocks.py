"""Expected blocks in tests, written short, views of a release's body, and a real picture."""

from __future__ import annotations

import struct
import zlib

from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.document.model import Block, Contact, Heading, ListItem, Paragraph, Quote, Release

H, P, Q, L = Heading.kind, Paragraph.kind, Quote.kind, ListItem.kind
OL = "ordered"  # an ordered list item, when counting kinds


def block(kind: str, text: str, ordered: bool = False) -> Block:
    """A text block of ``kind`` (H, P, Q or L) with plain ``text``."""
    if kind == L:
        return ListItem(Text(text), ordered=ordered)
    return {H: Heading, P: Paragraph, Q: Quote}[kind](Text(text))


def body(release: Release) -> list[Block]:
    """The release's blocks without its contact block."""
    return [b for b in release.blocks if not isinstance(b, Contact)]


def contact_text(release: Release) -> str:
    """The release's contact block, lines joined by newlines ("" without one)."""
    return "\n".join(line.text for b in release.blocks if isinstance(b, Contact) for line in b.lines)


def plain(b: Block) -> str:
    """A block's translatable text, plain."""
    return " ".join(text.text for text in b.texts())


def kind_of(b: Block) -> str:
    """The block's kind, with ordered list items as OL."""
    return OL if isinstance(b, ListItem) and b.ordered else b.kind


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG file (grey pixels), small enough to build in a test."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def marked(text: str, *spans: tuple[str, MarkKind] | tuple[str, MarkKind, str]) -> Text:
    """``text`` with a mark on the first occurrence of each span's words: (words, kind[, target])."""
    return Text(text, tuple(Mark(text.index(words), text.index(words) + len(words), kind, *rest) for words, kind, *rest in spans))
