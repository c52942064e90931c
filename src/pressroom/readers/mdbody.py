"""The body of a Markdown release as blocks, read by markdown-it-py (CommonMark plus tables).

The parser's token stream is walked once: headings keep their level, paragraphs, quotes and
list items (with their nesting level) keep bold, italic, inline code and links as marks, a
table keeps its header row and column alignment, and a picture becomes a figure with its
caption. Raw HTML and character references are not interpreted: text from a release is
always data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import Block, Cell, Figure, Heading, ListItem, Paragraph, Quote, Table
from pressroom.readers.common import keeps_numbers
from pressroom.readers.pictures import read_picture
from pressroom.readers.textbuilder import TextBuilder

# Raw HTML and character references stay the text they are ("&amp;" is shown as written): a
# release is data, never markup.
_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table").disable("entity")
# "• " at the start of a line is how bullets arrive pasted from Word or a mail; CommonMark only
# knows "-", "*" and "+", and would run such lines into the paragraph above.
_PASTED_BULLET = re.compile(r"^([ \t]*)•[ \t]+", re.MULTILINE)
_MARKS = {"strong": MarkKind.BOLD, "em": MarkKind.ITALIC, "link": MarkKind.LINK}
_ALIGN = {"text-align:left": "left", "text-align:right": "right", "text-align:center": "center"}


def read_markdown_body(body: str, release: Path) -> list[Block]:
    """Blocks of a Markdown body; pictures are read relative to the ``release`` file.

    Raises :class:`~pressroom.readers.pictures.PictureError` for a picture that cannot be
    published (a web address, a path outside the release's folder, a missing or unsuitable file).
    """
    walker = _Walker(release)
    walker.walk(_PARSER.parse(_PASTED_BULLET.sub(r"\1- ", body)))
    return walker.blocks


def markdown_line(text: str) -> str:
    """A line of Markdown (a front matter title or summary) as the plain text it shows."""
    tokens = _PARSER.parseInline(text)
    return inline_text(tokens[0].children or []).text if tokens else ""


def inline_text(children: Sequence[Token]) -> Text:
    """Inline tokens as Text: emphasis, code and links as marks, a hard break as a new line."""
    builder = TextBuilder()
    for token in children:
        _add_inline(builder, token)
    return builder.build()


def _add_inline(builder: TextBuilder, token: Token) -> None:
    kind, _, edge = token.type.rpartition("_")
    if token.type in ("text", "html_inline"):
        builder.append(token.content)
    elif token.type == "softbreak":
        builder.append(" ")
    elif token.type == "hardbreak":
        builder.line_break()
    elif token.type == "code_inline":
        builder.start(MarkKind.CODE)
        builder.append_verbatim(token.content)
        builder.end(MarkKind.CODE)
    elif token.type == "image":  # inside a link or a table cell: its description stands in
        builder.append(inline_text(token.children or []).text)
    elif kind in _MARKS and edge == "open":
        builder.start(_MARKS[kind], _target(token.attrGet("href")) if kind == "link" else "")
    elif kind in _MARKS and edge == "close":
        builder.end(_MARKS[kind])


def _target(href: object) -> str:
    """A link's address; "www.…" as press officers write it is the web address it means."""
    target = str(href or "")
    return "https://" + target if target.lower().startswith("www.") else target


@dataclass
class _List:
    ordered: bool
    items: list[tuple[int, str]] = field(default_factory=list)  # (block index, "1081.")
    opens_item: bool = False  # the first thing in a list item: "1. 4. bis 8. August: …"


class _Walker:
    """Walks the block tokens in order, keeping track of open lists, quotes and tables."""

    def __init__(self, release: Path) -> None:
        self.release = release
        self.blocks: list[Block] = []
        self.lists: list[_List] = []
        self.item_block: int | None = None  # the block of the list item being read
        self.quotes = 0
        self.captionable = False  # the last block is a figure still without its caption
        self.previous = ""  # the type of the token before

    def walk(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "table_open":
                index = self._table(tokens, index)
                continue
            if token.type == "inline":
                self._inline_block(tokens[index - 1], token)
            else:
                self._structure(token)
            self.previous = token.type
            index += 1

    def _structure(self, token: Token) -> None:
        match token.type:
            case "bullet_list_open" | "ordered_list_open":
                opens_item = self.previous == "list_item_open"
                self.lists.append(_List(token.type == "ordered_list_open", opens_item=opens_item))
            case "bullet_list_close" | "ordered_list_close":
                self._close_list(self.lists.pop())
            case "list_item_open":
                self.item_block = None
                self.lists[-1].items.append((len(self.blocks), f"{token.info}{token.markup}"))
            case "blockquote_open":
                self.quotes += 1
            case "blockquote_close":
                self.quotes -= 1
            case "code_block" | "fence":
                builder = TextBuilder()
                builder.start(MarkKind.CODE)
                for line in token.content.rstrip("\n").split("\n"):
                    builder.append_verbatim(line)
                    builder.line_break()
                self._add(Paragraph(builder.build()))

    def _inline_block(self, opening: Token, inline: Token) -> None:
        children = inline.children or []
        if opening.type == "heading_open":
            self._add(Heading(inline_text(children), int(opening.tag[1:])))
            return
        if self._is_caption(children):
            figure = self.blocks[-1]
            assert isinstance(figure, Figure)
            self.blocks[-1] = replace(figure, caption=inline_text(children))
            self.captionable = False
            return
        pieces: list[Token] = []
        for position, child in enumerate(children):
            if child.type != "image":
                pieces.append(child)
                continue
            self._text_block(pieces)
            pieces = []
            rest = [c for c in children[position + 1 :] if c.type not in ("softbreak", "hardbreak")]
            self._figure(child, inline_text(rest) if self._is_caption(rest, after_image=True) else None)
            if self._is_caption(rest, after_image=True):
                return
        self._text_block(pieces)

    def _text_block(self, children: list[Token]) -> None:
        text = inline_text(children)
        if not text:
            return
        if self.lists:
            level = len(self.lists)
            if self.item_block is not None:  # a second paragraph of the same item
                item = self.blocks[self.item_block]
                assert isinstance(item, ListItem)
                self.blocks[self.item_block] = replace(item, text=Text.join([item.text, text], " "))
                return
            self.item_block = len(self.blocks)
            self._add(ListItem(text, level, self.lists[-1].ordered))
        elif self.quotes:
            self._add(Quote(text))
        else:
            self._add(Paragraph(text))

    def _figure(self, image: Token, caption: Text | None) -> None:
        title = str(image.attrGet("title") or "")
        picture = read_picture(str(image.attrGet("src") or ""), self.release)
        alt = inline_text(image.children or []).text
        self._add(Figure(picture, caption if caption is not None else Text(title), alt, title))
        self.captionable = caption is None

    def _is_caption(self, children: Sequence[Token], *, after_image: bool = False) -> bool:
        """An emphasised line right under a picture: how press offices write its caption."""
        if not (after_image or (self.captionable and not self.lists and not self.quotes)):
            return False
        return (
            len(children) >= 3
            and children[0].type == "em_open"
            and children[-1].type == "em_close"
            and not any(c.type in ("em_open", "image") for c in children[1:-1])
        )

    def _close_list(self, closed: _List) -> None:
        """Numbers of an ordered list stay in the text unless they are 1, 2, 3 … (then the
        items are not numbered again by the writers).

        A one-item numbered list that opens a list item is a date or number the item starts
        with ("1. 4. bis 8. August: …", "- 24. Juli: …"), which CommonMark reads as a list in
        the list: it goes back into the item's text, on the item's level.
        """
        if not closed.ordered:
            return
        if closed.opens_item and len(closed.items) == 1 and self.lists:
            index, marker = closed.items[0]
            item = self.blocks[index] if index < len(self.blocks) else None
            if isinstance(item, ListItem):
                text = Text.join([Text(marker + " "), item.text])
                self.blocks[index] = replace(item, text=text, level=item.level - 1, ordered=self.lists[-1].ordered)
            return
        numbers = [int(marker[:-1]) for _, marker in closed.items if marker[:-1].isdigit()]
        if len(numbers) != len(closed.items) or not keeps_numbers(numbers):
            return
        for index, marker in closed.items:
            item = self.blocks[index] if index < len(self.blocks) else None
            if isinstance(item, ListItem) and item.ordered:
                self.blocks[index] = replace(item, text=Text.join([Text(marker + " "), item.text]), ordered=False)

    def _table(self, tokens: list[Token], index: int) -> int:
        """Read a table from ``table_open``; returns the index after ``table_close``."""
        rows: list[tuple[Cell, ...]] = []
        row: list[Cell] = []
        align: list[str] = []
        header_rows = 0
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                row = []
            elif token.type == "tr_close":
                rows.append(tuple(row))
            elif token.type == "thead_close":
                header_rows = len(rows)
            elif token.type in ("th_open", "td_open"):
                if not rows:
                    align.append(_ALIGN.get(str(token.attrGet("style") or ""), ""))
                row.append(Cell(inline_text(tokens[index + 1].children or [])))
            index += 1
        self._add(Table(tuple(rows), header_rows, tuple(align)))
        return index + 1

    def _add(self, block: Block) -> None:
        self.blocks.append(block)
        self.captionable = False
