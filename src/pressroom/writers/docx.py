"""DOCX editions with real Word structure.

Styles instead of direct formatting (editors restyle the whole document in one go, screen
readers and the navigation pane see headings), language tags on every run (spell checking and
hyphenation in the right language, the right East Asian font for Korean), core properties for
document management systems (:mod:`pressroom.writers.docx_package`), and page numbers as a
field Word keeps up to date.

An edition's DOCX is byte-identical whenever its content is: every time in it (core
properties, review comments, the zip entries' time stamps) is the edition's own, never the
clock's, so a publish step that copies changed files copies only those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Mm
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from pressroom.atomic import atomic_write_bytes
from pressroom.config import Settings
from pressroom.document.inline import Text
from pressroom.document.model import (
    Block,
    Contact,
    Dateline,
    Edition,
    Figure,
    Heading,
    ListItem,
    Paragraph as ParagraphBlock,
    Quote,
    Table,
)
from pressroom.writers.docx_package import edition_time, restamped, set_core_properties, utc
from pressroom.writers.docx_runs import hyperlink, rich_runs
from pressroom.writers.labels import (
    above_title,
    body_blocks,
    dateline_text,
    demo_banner,
    display_title,
    format_date,
    label,
    locale_tag,
    mt_notice,
    xml_safe,
)

# python-docx's template has these list styles for levels 1-3; deeper items use level 3's.
LIST_STYLES = {False: ("List Bullet", "List Bullet 2", "List Bullet 3"), True: ("List Number", "List Number 2", "List Number 3")}
TABLE_STYLE = "Table Grid"
PICTURE_WIDTH = Mm(150)  # the text width of an A4 page with Word's default margins
ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
REVIEW_AUTHOR = "pressroom quality check"

PAGE_FIELD = f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'

Container = DocumentObject | _Cell  # where blocks go: the body, or a cell of the review edition

# Children of w:rPr that the schema puts after w:lang (python-docx has no accessor for w:lang).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")


def write_docx(
    edition: Edition,
    path: Path,
    settings: Settings,
    *,
    original_url: str | None = None,
    review_notes: Mapping[int, Sequence[str]] | None = None,
) -> None:
    """Write the edition's DOCX to ``path`` atomically (readers never see half a file)."""
    atomic_write_bytes(path, render_docx(edition, settings, original_url=original_url, review_notes=review_notes))


def render_docx(
    edition: Edition,
    settings: Settings,
    *,
    original_url: str | None = None,
    review_notes: Mapping[int, Sequence[str]] | None = None,
) -> bytes:
    """The edition as DOCX bytes; the machine-translation notice links to ``original_url``.

    ``review_notes`` (quality-check messages per segment: 0 title, 1 kicker, 2 summary,
    3… blocks) become Word comments on the segments' paragraphs, for reviewers; None for the
    public edition.
    """
    document = DocxBuilder.new(edition.lang, settings)
    segments = document.front_matter(edition, original_url)
    if edition.summary:
        segments[2] = document.paragraph(edition.summary, "Subtitle")
    document.blocks(document.doc, body_blocks(edition, settings), edition.release.lang)
    segments.update(enumerate(document.text_paragraphs, 3))
    for index, messages in sorted((review_notes or {}).items()):
        if index in segments and segments[index].runs:
            comment = document.doc.add_comment(segments[index].runs, xml_safe("\n".join(messages)), author=REVIEW_AUTHOR, initials="QA")
            comment._comment_elm.date = utc(edition_time(edition))  # python-docx stamps the clock
    return document.save(edition)


def switched_on(tag: str) -> BaseOxmlElement:
    """A switched-on Word property element such as ``<w:tblHeader w:val="true"/>``."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


class DocxBuilder:
    """Appends language-tagged paragraphs to one document; holds what every run needs to know."""

    def __init__(self, doc: DocumentObject, lang: str, settings: Settings) -> None:
        self.doc = doc
        self.lang = lang
        self.settings = settings
        self.tag = locale_tag(lang)
        self.korean = lang == "ko"
        # The paragraph of each translatable text, in Release.translatable_texts() order after
        # title and summary: where review comments on a segment go.
        self.text_paragraphs: list[Paragraph] = []
        self._style_ids: dict[str, str | None] = {}

    @classmethod
    def new(cls, lang: str, settings: Settings) -> DocxBuilder:
        """A fresh A4 document in ``lang``: styles tagged, footer with page numbers."""
        builder = cls(Document(), lang, settings)
        builder._tag_styles()
        builder.page_setup()
        return builder

    def in_language(self, lang: str) -> DocxBuilder:
        """A builder for runs in another language in the same document (the review edition)."""
        return DocxBuilder(self.doc, lang, self.settings)

    def _tag_styles(self) -> None:
        """Language (and for Korean the East Asian font) on the defaults every style inherits."""
        styles = self.doc.styles.element
        for lang in styles.iter(qn("w:lang")):
            lang.set(qn("w:val"), self.tag)
            if self.korean:
                lang.set(qn("w:eastAsia"), self.tag)
        if self.korean:
            # A theme font attribute wins over an explicit one, so it has to go.
            for fonts in styles.iter(qn("w:rFonts")):
                fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
                fonts.set(qn("w:eastAsia"), self.settings.korean_font)

    def front_matter(self, edition: Edition, original_url: str | None) -> dict[int, Paragraph]:
        """Demo banner, machine-translation notice, kicker, title and date: what a reader must
        see first. Returns the paragraphs of the title (segment 0) and the kicker (segment 1)."""
        if edition.demo:
            self.banner(demo_banner(edition))
        if edition.machine_translated:
            self.notice(mt_notice(edition), original_url)
        for dateline in above_title(edition.blocks)[0]:
            self.dateline(self.doc, dateline, edition.release.lang)
        segments = {}
        if edition.kicker:
            segments[1] = self.paragraph(edition.kicker, "Normal")
            segments[1].runs[0].bold = True
        segments[0] = self.paragraph(display_title(edition), "Title")
        release = edition.release
        self.paragraph(format_date(release.date, edition.lang, release.date_precision), "Normal")
        return segments

    def dateline(self, container: Container, dateline: Dateline, source_lang: str) -> None:
        """The dateline as the edition's language writes it, in italics."""
        self.run(self.new_paragraph(container, "Normal"), dateline_text(dateline, self.lang, source_lang)).italic = True

    def save(self, edition: Edition) -> bytes:
        """Core properties set, the document as DOCX bytes, every zip entry stamped with the
        edition's time (python-docx stamps the clock's)."""
        set_core_properties(self.doc, edition, self.settings)
        buffer = BytesIO()
        self.doc.save(buffer)
        return restamped(buffer.getvalue(), edition_time(edition))

    def run(self, paragraph: Paragraph, text: str) -> Run:
        """A run tagged with the edition's language (and East Asian font), not only via style."""
        run = paragraph.add_run(xml_safe(text))
        properties = run._r.get_or_add_rPr()
        if self.korean:
            properties.get_or_add_rFonts().set(qn("w:eastAsia"), self.settings.korean_font)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), self.tag)
        if self.korean:
            lang.set(qn("w:eastAsia"), self.tag)
        properties.insert_element_before(lang, *_AFTER_LANG)
        return run

    def paragraph(self, text: str, style: str) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        self.fill(paragraph, text, style)
        return paragraph

    def fill(self, paragraph: Paragraph, text: str, style: str) -> None:
        """Give an empty paragraph (new, or a table cell's own) its style and text."""
        self.style(paragraph, style)
        self.run(paragraph, text)

    def style(self, paragraph: Paragraph, style: str) -> None:
        """What ``paragraph.style = style`` does, with the name looked up once per builder:
        python-docx searches every style on each assignment, a third of the DOCX time."""
        if style not in self._style_ids:
            self._style_ids[style] = self.doc.part.get_style_id(self.doc.styles[style], WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = self._style_ids[style]

    def new_paragraph(self, container: Container, style: str) -> Paragraph:
        """A paragraph at the end of ``container``; a table cell's first, empty paragraph is
        used instead of adding one below it."""
        paragraphs = container.paragraphs
        if isinstance(container, _Cell) and len(paragraphs) == 1 and not paragraphs[0].runs and not container.tables:
            paragraph = paragraphs[0]
        else:
            paragraph = container.add_paragraph()
        self.style(paragraph, style)
        return paragraph

    def banner(self, text: str) -> None:
        """Bold on yellow at the very top: nobody should mistake demo output for a translation."""
        run = self.run(self.doc.add_paragraph(style="Normal"), text)
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def notice(self, text: str, url: str | None) -> None:
        """The machine-translation notice, with the original's URL as a clickable link."""
        paragraph = self.doc.add_paragraph(style="Normal")
        lead = self.run(paragraph, f"{text}: " if url else f"{text}.")
        lead.bold = True
        lead.italic = True
        if url:
            self._hyperlink(paragraph, url, url)

    def _hyperlink(self, paragraph: Paragraph, url: str, text: str) -> Run:
        return hyperlink(paragraph, url, text, self.run)

    def rich(self, paragraph: Paragraph, text: Text, *, bold: bool = False) -> None:
        rich_runs(paragraph, text, self.run, bold=bold)

    def blocks(self, container: Container, blocks: Sequence[Block], source_lang: str) -> None:
        """Every block at the end of ``container`` (the document body or a table cell)."""
        for block, num_id in zip(blocks, self.list_numbers(blocks)):
            self.block(container, block, num_id, source_lang)

    def block(self, container: Container, block: Block, num_id: int | None, source_lang: str) -> None:
        """One block; a numbered list item joins the list ``num_id``."""
        match block:
            case Heading(text=text, level=level):
                self._text_paragraph(container, text, f"Heading {min(max(level, 2), 9)}")
            case ParagraphBlock(text=text):
                self._text_paragraph(container, text, "Normal")
            case Quote(text=text):
                self._text_paragraph(container, text, "Quote")
            case ListItem(text=text, level=level, ordered=ordered):
                styles = LIST_STYLES[ordered]
                paragraph = self._text_paragraph(container, text, styles[min(level, len(styles)) - 1])
                if num_id is not None:
                    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = num_id
            case Table():
                self.table(container, block, record=True)
            case Figure():
                self.figure(container, block)
            case Dateline(above_title=False):
                self.dateline(container, block, source_lang)
            case Dateline():  # shown above the title (front_matter)
                pass
            case Contact(lines=lines, table=table):
                self.run(self.new_paragraph(container, "Heading 2"), label(self.lang, "contact"))
                if lines:
                    self.rich(self.new_paragraph(container, "Normal"), Text.join(lines, "\n"))
                if table:
                    self.table(container, table, record=False)

    def _text_paragraph(self, container: Container, text: Text, style: str) -> Paragraph:
        paragraph = self.new_paragraph(container, style)
        self.rich(paragraph, text)
        self.text_paragraphs.append(paragraph)
        return paragraph

    def table(self, container: Container, table: Table, *, record: bool) -> None:
        """A Word table of the table's grid: merged cells merged, header rows bold and repeated
        on every page. ``record``: its cells are translatable texts (not a contact table's)."""
        rows, columns = table.shape
        if not rows or not columns:
            return
        word = container.add_table(rows=rows, cols=columns)
        word.style = self.doc.styles[TABLE_STYLE]
        taken: set[tuple[int, int]] = set()
        for number, row in enumerate(table.rows):
            column = 0
            for cell in row:
                while (number, column) in taken:
                    column += 1
                if column >= columns:
                    break
                last_row = min(number + cell.row_span, rows) - 1
                last_column = min(column + cell.col_span, columns) - 1
                target = word.cell(number, column)
                if (last_row, last_column) != (number, column):
                    target = target.merge(word.cell(last_row, last_column))
                taken |= {(r, c) for r in range(number, last_row + 1) for c in range(column, last_column + 1)}
                paragraph = target.paragraphs[0]
                if column < len(table.align) and table.align[column] in ALIGNMENTS:
                    paragraph.alignment = ALIGNMENTS[table.align[column]]
                self.rich(paragraph, cell.text, bold=number < table.header_rows)
                if record:
                    self.text_paragraphs.append(paragraph)
                column = last_column + 1
        for header in word.rows[: table.header_rows]:
            header._tr.get_or_add_trPr().append(switched_on("w:tblHeader"))
        # Which parts of the style apply: python-docx claims a header row and a header column
        # for every table; a table has a header row only where the release has one.
        look = word._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "1" if table.header_rows else "0")
            look.set(qn("w:firstColumn"), "0")
            look.set(qn("w:val"), "0420" if table.header_rows else "0400")

    def figure(self, container: Container, figure: Figure) -> None:
        """The picture inline in its own paragraph, with its alt text and title in the drawing's
        properties (what screen readers read), and the caption below in Word's Caption style."""
        image = figure.image
        paragraph = self.new_paragraph(container, "Normal")
        try:
            width = PICTURE_WIDTH if not image.width or Mm(image.width * 25.4 / 96) > PICTURE_WIDTH else None
            paragraph.add_run().add_picture(BytesIO(image.data), width=width)
        except (UnrecognizedImageError, ValueError, ZeroDivisionError):
            self.run(paragraph, figure.alt or image.name)  # a picture Word cannot show: its description
        else:
            properties = paragraph._p.find(".//" + qn("wp:docPr"))
            properties.set("descr", xml_safe(figure.alt))
            properties.set("title", xml_safe(figure.title))
        caption = self.new_paragraph(container, "Caption")
        self.rich(caption, figure.caption)
        self.text_paragraphs += [caption, caption]  # the caption and the alt text

    def list_numbers(self, blocks: Sequence[Block]) -> list[int | None]:
        """Per block, the numbered list it belongs to (None for anything else).

        Each run of numbered items gets its own list, so every list starts at 1 instead of
        continuing the count of the one before.
        """
        numbers: list[int | None] = []
        current: int | None = None
        for block in blocks:
            if isinstance(block, ListItem) and block.ordered and block.level == 1:
                if current is None:
                    current = self._new_numbering()
            else:
                current = None
            numbers.append(current)
        return numbers

    def _new_numbering(self) -> int:
        """A new list with its own copy of the "List Number" definition, starting at 1.

        A w:num of its own would do for Word, but LibreOffice counts on across all lists of
        one definition when their items interleave (the two columns of the review edition).
        """
        numbering = self.doc.part.numbering_part.element
        style_num_id = self.doc.styles["List Number"].element.pPr.numPr.numId.val
        template_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        abstracts = numbering.findall(qn("w:abstractNum"))
        template = next(a for a in abstracts if a.get(qn("w:abstractNumId")) == str(template_id))
        abstract_id = 1 + max(int(a.get(qn("w:abstractNumId"))) for a in abstracts)
        abstract = deepcopy(template)
        abstract.set(qn("w:abstractNumId"), str(abstract_id))
        abstract.find(qn("w:nsid")).set(qn("w:val"), f"{0x50520000 + abstract_id:08X}")
        for link in abstract.iter(qn("w:pStyle")):  # the style stays linked to the original only
            link.getparent().remove(link)
        abstracts[-1].addnext(abstract)  # the schema wants every w:abstractNum before any w:num
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def page_setup(self) -> None:
        """A4 (the template is US Letter), and a footer with the organisation and a PAGE field,
        which Word fills in with the number of each page."""
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(paragraph, f"{self.settings.organisation} · ")
        paragraph._p.append(parse_xml(PAGE_FIELD))
