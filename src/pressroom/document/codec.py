"""Blocks as JSON-ready data and back: how the publish state stores an edition's body.

Plain data (lists, dicts, strings, numbers), never pickle: a file in the output folder must
never be able to run code. Pictures are stored by their digest, type and size, not their bytes:
the published file in ``output/media/`` holds those.
"""

from __future__ import annotations

from typing import Any

from pressroom.document.inline import Text
from pressroom.document.model import (
    Block,
    Cell,
    Contact,
    Dateline,
    Figure,
    Heading,
    Image,
    ListItem,
    Paragraph,
    Quote,
    Table,
)


def block_to_data(block: Block) -> dict[str, Any]:
    """One block as a dict with its ``kind``."""
    match block:
        case Heading(text=text, level=level):
            return {"kind": block.kind, "text": text.to_data(), "level": level}
        case Paragraph(text=text) | Quote(text=text):
            return {"kind": block.kind, "text": text.to_data()}
        case ListItem(text=text, level=level, ordered=ordered):
            return {"kind": block.kind, "text": text.to_data(), "level": level, "ordered": ordered}
        case Table():
            return {"kind": block.kind, **_table_data(block)}
        case Figure(image=image, caption=caption, alt=alt, title=title):
            picture = {
                "digest": image.digest, "media_type": image.media_type, "name": image.name,
                "width": image.width, "height": image.height,
            }  # fmt: skip
            return {"kind": block.kind, "image": picture, "caption": caption.to_data(), "alt": alt, "title": title}
        case Dateline(line=line, place=place, weekday=weekday, date=date, time=time, above_title=above):
            return {
                "kind": block.kind, "line": line, "place": place, "weekday": weekday, "date": date, "time": time,
                "above_title": above,
            }  # fmt: skip
        case Contact(label=label, lines=lines, table=table):
            return {
                "kind": block.kind, "label": label, "lines": [line.to_data() for line in lines],
                "table": _table_data(table) if table else None,
            }  # fmt: skip
    raise TypeError(f"not a block: {block!r}")


def block_from_data(data: dict[str, Any]) -> Block:
    """The block :func:`block_to_data` made ``data`` from."""
    kind = data["kind"]
    if kind == Heading.kind:
        return Heading(Text.from_data(data["text"]), data["level"])
    if kind == Paragraph.kind:
        return Paragraph(Text.from_data(data["text"]))
    if kind == Quote.kind:
        return Quote(Text.from_data(data["text"]))
    if kind == ListItem.kind:
        return ListItem(Text.from_data(data["text"]), data["level"], data["ordered"])
    if kind == Table.kind:
        return _table(data)
    if kind == Figure.kind:
        picture = data["image"]
        image = Image(b"", picture["media_type"], picture["name"], picture["width"], picture["height"], picture["digest"])
        return Figure(image, Text.from_data(data["caption"]), data["alt"], data["title"])
    if kind == Dateline.kind:
        return Dateline(data["line"], data["place"], data["weekday"], data["date"], data["time"], data.get("above_title", False))
    if kind == Contact.kind:
        table = _table(data["table"]) if data["table"] else None
        return Contact(data["label"], tuple(Text.from_data(line) for line in data["lines"]), table)
    raise ValueError(f"unknown block kind {kind!r}")


def _table_data(table: Table) -> dict[str, Any]:
    rows = [[[cell.text.to_data(), cell.col_span, cell.row_span] for cell in row] for row in table.rows]
    return {"rows": rows, "header_rows": table.header_rows, "align": list(table.align)}


def _table(data: dict[str, Any]) -> Table:
    rows = tuple(
        tuple(Cell(Text.from_data(text), col_span, row_span) for text, col_span, row_span in row)
        for row in data["rows"]
    )
    return Table(rows, data["header_rows"], tuple(data["align"]))
