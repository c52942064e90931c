"""DOCX editions with real Word structure.

Styles instead of direct formatting (editors restyle the whole document in one go, screen
readers and the navigation pane see headings), language tags on every run (spell checking and
hyphenation in the right language, the right East Asian font for Korean), core properties for
document management systems, and page numbers as a field Word keeps up to date.

An edition's DOCX is byte-identical whenever its content is: every time in it (core
properties, review comments, the zip entries' time stamps) is the edition's own, never the
clock's, so a publish step that copies changed files copies only those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from pressroom.atomic import atomic_write_bytes
from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.document.model import Block, BlockKind, Edition
from pressroom.writers.labels import (
    contact_lines,
    demo_banner,
    display_title,
    format_date,
    label,
    locale_tag,
    mt_notice,
    xml_safe,
)

BLOCK_STYLES = {
    BlockKind.HEADING: "Heading 2",
    BlockKind.PARAGRAPH: "Normal",
    BlockKind.QUOTE: "Quote",
}
LIST_STYLES = {False: "List Bullet", True: "List Number"}
HYPERLINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
REVIEW_AUTHOR = "pressroom quality check"
CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core property values

PAGE_FIELD = f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'

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

    ``review_notes`` (quality-check messages per segment: 0 title, 1 summary, 2… blocks)
    become Word comments on the segments' paragraphs, for reviewers; None for the public edition.
    """
    document = _Builder.new(edition.lang, settings)
    document.front_matter(edition, original_url)
    segments = {0: next(p for p in document.doc.paragraphs if p.style.name == "Title")}
    if edition.summary:
        segments[1] = document.paragraph(edition.summary, "Subtitle")
    first_block = len(document.doc.paragraphs)
    document.blocks(edition.blocks)
    segments.update(enumerate(document.doc.paragraphs[first_block:], 2))
    for index, messages in sorted((review_notes or {}).items()):
        if index in segments and segments[index].runs:
            comment = document.doc.add_comment(segments[index].runs, xml_safe("\n".join(messages)), author=REVIEW_AUTHOR, initials="QA")
            comment._comment_elm.date = _utc(_edition_time(edition))  # python-docx stamps the clock
    document.contact(edition)
    return document.save(edition)


def write_bilingual_docx(
    edition: Edition, path: Path, settings: Settings, *, original_url: str | None = None
) -> None:
    """Write the review edition of a translated ``edition`` to ``path`` atomically."""
    atomic_write_bytes(path, render_bilingual_docx(edition, settings, original_url=original_url))


def render_bilingual_docx(
    edition: Edition, settings: Settings, *, original_url: str | None = None
) -> bytes:
    """Original and translation side by side, one table row per block, for proofreading.

    A reviewer compares each paragraph with its source without scrolling between two files;
    every cell is tagged with its own language, so Word checks each column's spelling in it.
    """
    release = edition.release
    document = _Builder.new(edition.lang, settings)
    source = document.in_language(release.lang)
    document.front_matter(edition, original_url)
    document.paragraph(label(edition.lang, "review_edition"), "Subtitle")
    table = document.doc.add_table(rows=1, cols=2)
    table.style = document.doc.styles["Table Grid"]
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(_on("w:tblHeader"))  # repeated on every page
    for builder, cell in zip((source, document), header.cells):
        builder.run(cell.paragraphs[0], LANGUAGE_NAMES.get(builder.lang, builder.lang)).bold = True
    rows = [("Heading 1", release.title, display_title(edition))]
    if release.summary or edition.summary:
        rows.append(("Subtitle", release.summary, edition.summary))
    for style, left, right in rows:
        cells = table.add_row().cells
        source.fill(cells[0].paragraphs[0], left, style)
        document.fill(cells[1].paragraphs[0], right, style)
    numbers = zip(source.list_numbers(release.blocks), document.list_numbers(edition.blocks))
    for left, right, (left_num, right_num) in zip(release.blocks, edition.blocks, numbers):
        cells = table.add_row().cells
        source.block(cells[0].paragraphs[0], left, left_num)
        document.block(cells[1].paragraphs[0], right, right_num)
    document.contact(edition)
    return document.save(edition)


def _on(tag: str) -> BaseOxmlElement:
    """A switched-on Word property element such as ``<w:tblHeader w:val="true"/>``."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


class _Builder:
    """Appends language-tagged paragraphs to one document; holds what every run needs to know."""

    def __init__(self, doc: DocumentObject, lang: str, settings: Settings) -> None:
        self.doc = doc
        self.lang = lang
        self.settings = settings
        self.tag = locale_tag(lang)
        self.korean = lang == "ko"
        self._style_ids: dict[str, str | None] = {}

    @classmethod
    def new(cls, lang: str, settings: Settings) -> _Builder:
        """A fresh A4 document in ``lang``: styles tagged, footer with page numbers."""
        builder = cls(Document(), lang, settings)
        builder._tag_styles()
        builder.page_setup()
        return builder

    def in_language(self, lang: str) -> _Builder:
        """A builder for runs in another language in the same document (the review edition)."""
        return _Builder(self.doc, lang, self.settings)

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

    def front_matter(self, edition: Edition, original_url: str | None) -> None:
        """Demo banner, machine-translation notice, title and date: what a reader must see first."""
        if edition.demo:
            self.banner(demo_banner(edition))
        if edition.machine_translated:
            self.notice(mt_notice(edition), original_url)
        self.paragraph(display_title(edition), "Title")
        self.paragraph(format_date(edition.release.date, edition.lang), "Normal")

    def contact(self, edition: Edition) -> None:
        """The press contact block under its heading, line breaks kept."""
        lines = contact_lines(edition, self.settings)
        if lines:
            self.paragraph(label(edition.lang, "contact"), "Heading 2")
            self.paragraph("\n".join(lines), "Normal")  # python-docx turns "\n" into w:br

    def save(self, edition: Edition) -> bytes:
        """Core properties set, the document as DOCX bytes, every zip entry stamped with the
        edition's time (python-docx stamps the clock's)."""
        _set_core_properties(self.doc, edition, self.settings)
        buffer = BytesIO()
        self.doc.save(buffer)
        return _restamped(buffer.getvalue(), _edition_time(edition))

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
        # What ``paragraph.style = name`` does, with the name looked up once per document:
        # python-docx searches every style on each assignment, a third of the DOCX time.
        if style not in self._style_ids:
            self._style_ids[style] = self.doc.part.get_style_id(self.doc.styles[style], WD_STYLE_TYPE.PARAGRAPH)
        paragraph._p.style = self._style_ids[style]
        self.run(paragraph, text)

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
            self._hyperlink(paragraph, url)

    def _hyperlink(self, paragraph: Paragraph, url: str) -> None:
        url = xml_safe(url)
        link = OxmlElement("w:hyperlink")
        r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), r_id)
        run = self.run(paragraph, url)
        run.font.underline = True
        run.font.color.rgb = HYPERLINK_BLUE
        link.append(run._r)  # moves the run from the paragraph into the link
        paragraph._p.append(link)

    def blocks(self, blocks: Sequence[Block]) -> None:
        """Block kinds to styles, one paragraph each."""
        for block, num_id in zip(blocks, self.list_numbers(blocks)):
            self.block(self.doc.add_paragraph(), block, num_id)

    def block(self, paragraph: Paragraph, block: Block, num_id: int | None) -> None:
        """One block in ``paragraph``; a numbered list item joins the list ``num_id``."""
        self.fill(paragraph, block.text, _style(block))
        if num_id is not None:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id

    def list_numbers(self, blocks: Sequence[Block]) -> list[int | None]:
        """Per block, the numbered list it belongs to (None for anything else).

        Each run of numbered items gets its own list, so every list starts at 1 instead of
        continuing the count of the one before.
        """
        numbers: list[int | None] = []
        current: int | None = None
        for block in blocks:
            if block.kind is BlockKind.LIST_ITEM and block.ordered:
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


def _style(block: Block) -> str:
    if block.kind is BlockKind.LIST_ITEM:
        return LIST_STYLES[block.ordered]
    return BLOCK_STYLES[block.kind]


def _core_text(text: str) -> str:
    text = xml_safe(text)
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    return text[: CORE_PROPERTY_LIMIT - 1] + "…"


def _edition_time(edition: Edition) -> datetime:
    """When the edition last changed: the time every stamp in its DOCX carries."""
    return edition.updated or edition.release.date


def _restamped(data: bytes, moment: datetime) -> bytes:
    """The zip archive ``data`` with every entry dated ``moment`` (UTC; zip knows no earlier
    year than 1980), in the same order and compression."""
    when = max(_utc(moment), datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    out = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(ZipInfo(entry.filename, date_time=when), source.read(entry), compress_type=entry.compress_type)
    return out.getvalue()


def _utc(moment: datetime) -> datetime:
    """python-docx writes the clock time with a "Z" as is, so convert to UTC first."""
    return moment.astimezone(UTC)


def _set_core_properties(doc: DocumentObject, edition: Edition, settings: Settings) -> None:
    """Metadata for search and document management, replacing python-docx's template values."""
    properties = doc.core_properties
    properties.title = _core_text(display_title(edition))
    properties.author = _core_text(settings.organisation)
    properties.last_modified_by = _core_text(settings.organisation)
    properties.language = locale_tag(edition.lang)
    properties.subject = _core_text(edition.summary)
    properties.keywords = _core_text(", ".join(edition.release.tags))
    properties.comments = ""
    properties.revision = 1
    properties.created = _utc(edition.release.date)
    properties.modified = _utc(_edition_time(edition))
