"""The body of a Word release as blocks, read from python-docx's objects and their XML.

Word keeps what a press officer sees in its XML: runs with direct bold and italic,
``w:hyperlink`` elements (and HYPERLINK fields) with their targets, tables with grid columns
and merged cells (``w:gridSpan``, ``w:vMerge``) and a repeated header row (``w:tblHeader``),
inline pictures (``wp:inline``) with their description and size, caption paragraphs, list
levels (``w:ilvl`` or "List Bullet 2") and heading levels. Text is read as Word shows it:
tracked insertions count, tracked deletions do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from lxml.etree import _Element

from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import Block, Cell, Figure, Heading, ListItem, Paragraph, Quote, Table
from pressroom.readers.decode import remove_invisible
from pressroom.readers.pictures import PictureError, picture_from_bytes
from pressroom.readers.textbuilder import TextBuilder

EMU_PER_PIXEL = 9525  # English Metric Units per CSS pixel (914,400 per inch, 96 pixels per inch)
_OFF = ("0", "false", "off", "none")
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\l\s+)?"([^"]+)"')
# Containers whose runs Word shows: links, tracked insertions, smart tags, simple fields,
# content controls. Tracked deletions (w:del) and moved-away text (w:moveFrom) are not shown.
_CONTAINERS = {qn("w:ins"), qn("w:smartTag"), qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:moveTo")}


@dataclass
class WordBody:
    """What the body gives: the Title-style headline, the blocks, and what had to be left out."""

    title: str = ""
    title_at: int = 0  # how many blocks stand above the title
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    invisible: int = 0


def read_word_body(document: Document) -> WordBody:
    """Blocks of the document body in order; the first Title-style paragraph is the title."""
    reader = _Reader(document)
    for item in document.iter_inner_content():
        if isinstance(item, WordTable):
            table = reader.table(item)
            if table.rows:
                reader.body.blocks.append(table)
        else:
            reader.paragraph(item)
    return reader.body


class _Reader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.body = WordBody()
        self.field_target: str | None = None  # the target of an open HYPERLINK field
        self.in_field_result = False

    # --- paragraphs -----------------------------------------------------------------------

    def paragraph(self, paragraph: WordParagraph) -> None:
        style = _style_name(paragraph)
        for figure in self.pictures(paragraph):
            self.body.blocks.append(figure)
        text = self.text(paragraph._p)
        if not text:
            return
        blocks = self.body.blocks
        if style == "title" and not self.body.title:
            self.body.title = text.text
            self.body.title_at = len(blocks)
        elif style == "caption" and blocks and isinstance(blocks[-1], Figure) and not blocks[-1].caption:
            blocks[-1] = replace(blocks[-1], caption=text)
        else:
            blocks.append(self.block(paragraph, style, text))

    def block(self, paragraph: WordParagraph, style: str, text: Text) -> Block:
        """The block a paragraph is, by its style and Word's own list numbering."""
        if style == "title":
            return Heading(text, 1)
        if heading := re.fullmatch(r"heading (\d)", style):
            return Heading(text, int(heading[1]))
        if style in ("quote", "intense quote"):
            return Quote(text)
        if listed := re.fullmatch(r"list (bullet|number)(?: (\d))?", style):
            level = int(listed[2] or 1) + self._indent_level(paragraph)
            return ListItem(text, level, listed[1] == "number")
        num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        if num_pr is not None and num_pr.numId is not None and num_pr.numId.val != 0:
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return ListItem(text, level + 1, self._numbered(num_pr.numId.val, level))
        return Paragraph(text)

    def _indent_level(self, paragraph: WordParagraph) -> int:
        """Extra levels a list-style paragraph is indented by its own ``w:ilvl``."""
        num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        return num_pr.ilvl.val if num_pr is not None and num_pr.ilvl is not None else 0

    def _numbered(self, num_id: int, level: int) -> bool:
        """Whether Word numbers this list (1., a), i.) rather than showing bullets."""
        try:
            numbering = self.document.part.numbering_part.element
        except NotImplementedError:  # no numbering definitions in the file at all
            return False
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return False
        formats = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        return bool(formats) and formats[0] not in ("bullet", "none")

    # --- inline text ----------------------------------------------------------------------

    def text(self, element: _Element) -> Text:
        """A paragraph's text with bold, italic and links as marks; a manual line break is a
        new line, a tab a space."""
        builder = TextBuilder()
        self.field_target, self.in_field_result = None, False
        self._children(element, builder, "")
        return builder.build()

    def _children(self, element: _Element, builder: TextBuilder, link: str) -> None:
        for child in element:
            if child.tag == qn("w:r"):
                field_link = (self.field_target or "") if self.in_field_result else ""
                self._run(child, builder, link or field_link)
            elif child.tag == qn("w:hyperlink"):
                self._children(child, builder, link or self._hyperlink_target(child))
            elif child.tag == qn("w:fldSimple"):
                found = _HYPERLINK_FIELD.match(child.get(qn("w:instr"), ""))
                self._children(child, builder, link or (found[1] if found else ""))
            elif child.tag in _CONTAINERS:
                self._children(child, builder, link)

    def _hyperlink_target(self, element: _Element) -> str:
        """A link's address: its external relationship's target (a w:anchor is a bookmark in
        the document itself, no address a page can link to)."""
        relationship = element.get(qn("r:id"))
        if relationship and relationship in self.document.part.rels:
            rel = self.document.part.rels[relationship]
            return rel.target_ref if rel.is_external else ""
        return ""

    def _run(self, run: _Element, builder: TextBuilder, link: str) -> None:
        bold, italic = self._formatting(run)
        for child in run:
            if child.tag == qn("w:fldChar"):
                kind = child.get(qn("w:fldCharType"))
                self.in_field_result = kind == "separate" and self.field_target is not None
                if kind == "end":
                    self.field_target = None
            elif child.tag == qn("w:instrText"):
                found = _HYPERLINK_FIELD.match(child.text or "")
                self.field_target = found[1] if found else self.field_target
            elif child.tag == qn("w:t"):
                text, removed = remove_invisible(child.text or "")
                self.body.invisible += removed
                builder.add(text, bold=bold, italic=italic, link=link)
            elif child.tag in (qn("w:tab"), qn("w:ptab")):
                builder.add(" ", bold=bold, italic=italic, link=link)
            elif child.tag in (qn("w:br"), qn("w:cr")) and child.get(qn("w:type")) in (None, "textWrapping"):
                builder.line_break()
            elif child.tag == qn("w:noBreakHyphen"):
                builder.add("-", bold=bold, italic=italic, link=link)

    def _formatting(self, run: _Element) -> tuple[bool, bool]:
        """Direct bold and italic of a run, or from its character style ("Strong", "Emphasis")."""
        found = {"b": False, "i": False}
        properties = [run.find(qn("w:rPr"))]
        style_id = run.xpath("./w:rPr/w:rStyle/@w:val")
        if style_id:
            style = self.document.styles.element.get_by_id(style_id[0])
            properties.insert(0, style.find(qn("w:rPr")) if style is not None else None)
        for rpr in properties:
            for name in found:
                element = rpr.find(qn(f"w:{name}")) if rpr is not None else None
                if element is not None:
                    found[name] = element.get(qn("w:val"), "true").lower() not in _OFF
        return found["b"], found["i"]

    # --- pictures -------------------------------------------------------------------------

    def pictures(self, paragraph: WordParagraph) -> Iterator[Figure]:
        """Pictures placed in the paragraph (inline, or anchored to it), with description,
        title and the size they are shown at."""
        for drawing in paragraph._p.xpath(".//w:drawing/wp:inline | .//w:drawing/wp:anchor"):
            blips = drawing.xpath(".//a:blip/@r:embed")
            properties = drawing.find(qn("wp:docPr"))
            name = properties.get("name", "") if properties is not None else ""
            alt = properties.get("descr", "") if properties is not None else ""
            title = properties.get("title", "") if properties is not None else ""
            if not blips or blips[0] not in self.document.part.related_parts:
                self.body.warnings.append(f"the picture '{name or alt}' is linked, not embedded; it was left out")
                continue
            part = self.document.part.related_parts[blips[0]]
            try:
                image = picture_from_bytes(part.blob, part.partname.split("/")[-1])
            except PictureError as exc:
                self.body.warnings.append(f"{exc}; it was left out")
                continue
            extent = drawing.find(qn("wp:extent"))
            if extent is not None and extent.get("cx", "").isdigit() and extent.get("cy", "").isdigit():
                width, height = int(extent.get("cx")) // EMU_PER_PIXEL, int(extent.get("cy")) // EMU_PER_PIXEL
                image = replace(image, width=width or image.width, height=height or image.height)
            yield Figure(image, Text(), alt, title)

    # --- tables ---------------------------------------------------------------------------

    def table(self, table: WordTable) -> Table:
        """Rows of cells on the grid; a merged cell appears once with its spans, and the rows
        marked to repeat (or a bold first row) are header rows."""
        rows: list[list[Cell]] = []
        above: dict[int, tuple[int, int]] = {}  # grid column → (row, index) of the cell there
        for row in table._tbl.tr_lst:
            cells: list[Cell] = []
            column = 0
            for tc in row.tc_lst:
                span = tc.grid_span
                merge = tc.vMerge
                if merge == "continue" and column in above:
                    top_row, top_index = above[column]
                    top = rows[top_row][top_index]
                    rows[top_row][top_index] = replace(top, row_span=top.row_span + 1)
                else:
                    for covered in range(column, column + span):
                        above[covered] = (len(rows), len(cells))
                    cells.append(Cell(self._cell_text(tc), col_span=span))
                column += span
            rows.append(cells)
        return Table(tuple(tuple(row) for row in rows), _header_rows(table, rows))

    def _cell_text(self, cell: _Element) -> Text:
        """A cell's paragraphs, one line each."""
        texts = [self.text(p) for p in cell.xpath("./w:p | ./w:sdt/w:sdtContent/w:p")]
        return Text.join([text for text in texts if text], "\n")


def _header_rows(table: WordTable, rows: list[list[Cell]]) -> int:
    repeated = 0
    for row in table._tbl.tr_lst:
        if row.trPr is None or row.trPr.find(qn("w:tblHeader")) is None:
            break
        repeated += 1
    if repeated or len(rows) < 2:
        return repeated
    first = [cell.text for cell in rows[0] if cell.text]
    return int(bool(first) and all(_all_bold(text) for text in first))


def _all_bold(text: Text) -> bool:
    return any(m.kind is MarkKind.BOLD and (m.start, m.end) == (0, len(text.text)) for m in text.marks)


def _style_name(paragraph: WordParagraph) -> str:
    return (paragraph.style.name if paragraph.style is not None else "").lower()
