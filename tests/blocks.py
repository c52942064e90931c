"""Expected blocks in tests, written short, and views of a release's body."""

from __future__ import annotations

from pressroom.document.inline import Text
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
