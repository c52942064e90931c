"""DOCX editions with real Word structure.

Styles instead of direct formatting (editors restyle the whole document in one go, screen
readers and the navigation pane see headings), language tags on every run (spell checking and
hyphenation in the right language, the right East Asian font for Korean), core properties for
document management systems, and page numbers as a field Word keeps up to date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from pressroom.atomic import atomic_write_bytes
from pressroom.config import Settings
from pressroom.model import Block, BlockKind, Edition
from pressroom.writers.labels import (
    DEMO_BANNER,
    contact_lines,
    display_title,
    label,
    locale_tag,
    xml_safe,
)

BLOCK_STYLES = {
    BlockKind.HEADING: "Heading 2",
    BlockKind.PARAGRAPH: "Normal",
    BlockKind.QUOTE: "Quote",
}
LIST_STYLES = {False: "List Bullet", True: "List Number"}
HYPERLINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core property values

PAGE_FIELD = f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'

# Children of w:rPr that the schema puts after w:lang (python-docx has no accessor for w:lang).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")


def write_docx(
    edition: Edition, path: Path, settings: Settings, *, original_url: str | None = None
) -> None:
    """Write the edition's DOCX to ``path`` atomically (readers never see half a file)."""
    atomic_write_bytes(path, render_docx(edition, settings, original_url=original_url))


def render_docx(
    edition: Edition, settings: Settings, *, original_url: str | None = None
) -> bytes:
    """The edition as DOCX bytes; the machine-translation notice links to ``original_url``."""
    document = _Builder(Document(), edition.lang, settings)
    if edition.demo:
        document.banner(DEMO_BANNER)
    if edition.machine_translated:
        document.notice(label(edition.lang, "mt_notice"), original_url)
    document.paragraph(display_title(edition), "Title")
    if edition.summary:
        document.paragraph(edition.summary, "Subtitle")
    document.blocks(edition.blocks)
    contact = contact_lines(edition, settings)
    if contact:
        document.paragraph(label(edition.lang, "contact"), "Heading 2")
        document.paragraph("\n".join(contact), "Normal")  # python-docx turns "\n" into w:br
    document.page_setup(settings.organisation)
    _set_core_properties(document.doc, edition, settings)
    buffer = BytesIO()
    document.doc.save(buffer)
    return buffer.getvalue()


class _Builder:
    """Appends language-tagged paragraphs to one document; holds what every run needs to know."""

    def __init__(self, doc: DocumentObject, lang: str, settings: Settings) -> None:
        self.doc = doc
        self.tag = locale_tag(lang)
        self.korean = lang == "ko"
        self.east_asian_font = settings.korean_font
        self._tag_styles()

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
                fonts.set(qn("w:eastAsia"), self.east_asian_font)

    def run(self, paragraph: Paragraph, text: str) -> Run:
        """A run tagged with the edition's language (and East Asian font), not only via style."""
        run = paragraph.add_run(xml_safe(text))
        properties = run._r.get_or_add_rPr()
        if self.korean:
            properties.get_or_add_rFonts().set(qn("w:eastAsia"), self.east_asian_font)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), self.tag)
        if self.korean:
            lang.set(qn("w:eastAsia"), self.tag)
        properties.insert_element_before(lang, *_AFTER_LANG)
        return run

    def paragraph(self, text: str, style: str) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        self.run(paragraph, text)
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
        """Block kinds to styles; each numbered list restarts at 1 instead of continuing."""
        num_id: int | None = None  # the numbered list the next ordered item continues
        for block in blocks:
            paragraph = self.paragraph(block.text, _style(block))
            if block.kind is not BlockKind.LIST_ITEM or not block.ordered:
                num_id = None
                continue
            if num_id is None:
                num_id = self._new_numbering()
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id

    def _new_numbering(self) -> int:
        """A fresh w:num on the "List Number" definition, starting again at 1."""
        numbering = self.doc.part.numbering_part.element
        style_num_id = self.doc.styles["List Number"].element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def page_setup(self, organisation: str) -> None:
        """A4 (the template is US Letter), and a footer with the organisation and a PAGE field,
        which Word fills in with the number of each page."""
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(paragraph, f"{organisation} · ")
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
    properties.modified = _utc(edition.updated or edition.release.date)
