"""A release body as the templates walk it: the blocks in order, with runs of list items
gathered into nested lists by level (the one shape a flat block list cannot give a template).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pressroom.document.model import Block, Figure, ListItem


@dataclass
class ListNode:
    """One list (``ol`` or ``ul``) and its items; an item may hold deeper lists."""

    tag: str
    items: list[ItemNode] = field(default_factory=list)
    kind: str = "list"


@dataclass
class ItemNode:
    """A list item (``None`` for the empty item that holds a list skipping a level)."""

    item: ListItem | None
    lists: list[ListNode] = field(default_factory=list)


def body_tree(blocks: Sequence[Block]) -> list[Block | ListNode]:
    """The blocks, with consecutive list items nested by their level (1 = outermost)."""
    tree: list[Block | ListNode] = []
    open_lists: list[ListNode] = []
    for block in blocks:
        if not isinstance(block, ListItem):
            open_lists.clear()
            tree.append(block)
            continue
        tag, level = ("ol" if block.ordered else "ul"), max(block.level, 1)
        while len(open_lists) > level or (len(open_lists) == level and open_lists[-1].tag != tag):
            open_lists.pop()
        while len(open_lists) < level:
            node = ListNode(tag)
            if open_lists:
                parent = open_lists[-1]
                if not parent.items:
                    parent.items.append(ItemNode(None))
                parent.items[-1].lists.append(node)
            else:
                tree.append(node)
            open_lists.append(node)
        open_lists[-1].items.append(ItemNode(block))
    return tree


def first_picture(blocks: Sequence[Block]) -> Figure | None:
    """The release's first picture: the one lists, feeds and sharing cards show."""
    return next((block for block in blocks if isinstance(block, Figure) and block.image.data), None)
