"""Tables in plain-text releases: '| a | b |' rows under a dashes line, or tab-separated rows.

Both are how a table survives being copied out of a web page, a spreadsheet or a mail: the
pipe table as Markdown writes it (the dashes line may carry ':' for the column alignment),
the tab-separated one as a spreadsheet copies it. Cells are taken literally: plain text has
no markup.
"""

from __future__ import annotations

import re

from pressroom.document.inline import Text
from pressroom.document.model import Cell, Table
from pressroom.readers.common import clean_inline

_PIPE_ROW = re.compile(r"\|.*\|")
_PIPE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+(?:\s*:?-{3,}:?\s*)?")


def is_table_row(line: str) -> bool:
    """A line that may be a table row (never joined with its neighbours as wrapped text)."""
    return _PIPE_ROW.fullmatch(line) is not None or "\t" in line


def with_tables(lines: list[str]) -> list[str | Table]:
    """The non-blank lines, with each run of pipe-table rows (under a header and a dashes
    line) or of tab-separated rows replaced by its table."""
    result: list[str | Table] = []
    index = 0
    while index < len(lines):
        end = index
        if _PIPE_ROW.fullmatch(lines[index]) and index + 1 < len(lines) and _PIPE_RULE.fullmatch(lines[index + 1]):
            while end < len(lines) and _PIPE_ROW.fullmatch(lines[end]):
                end += 1
            rows = [_pipe_cells(line) for i, line in enumerate(lines[index:end]) if i != 1]
            result.append(_table(rows, _pipe_align(lines[index + 1])))
        elif "\t" in lines[index]:
            while end < len(lines) and "\t" in lines[end]:
                end += 1
            if end - index >= 2:
                result.append(_table([[cell.strip() for cell in line.split("\t")] for line in lines[index:end]], ()))
            else:
                end = index
        if end == index:
            if lines[index]:
                result.append(lines[index])
            end = index + 1
        index = end
    return result


def _pipe_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip()[1:-1].split("|")]


def _pipe_align(rule: str) -> tuple[str, ...]:
    """Column alignment from the dashes line: ':--' left, '--:' right, ':-:' centre."""
    aligns = []
    for cell in rule.strip().strip("|").split("|"):
        cell = cell.strip()
        left, right = cell.startswith(":"), cell.endswith(":")
        aligns.append("center" if left and right else "right" if right else "left" if left else "")
    return tuple(aligns)


def _table(rows: list[list[str]], align: tuple[str, ...]) -> Table:
    """A table from rows of cell texts; short rows are padded, so every row spans the grid.
    The first row is the header row."""
    width = max(len(row) for row in rows)
    cells = tuple(tuple(Cell(Text(clean_inline(text))) for text in row + [""] * (width - len(row))) for row in rows)
    return Table(cells, header_rows=1, align=align)
