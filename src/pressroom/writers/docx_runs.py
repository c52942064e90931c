"""Inline text as Word runs: bold, italic and code as run formatting, links as real Word
hyperlinks. Shared by the editions (:mod:`pressroom.writers.docx`) and the review DOCX
(:mod:`pressroom.review.exchange`).
"""

from __future__ import annotations

from collections.abc import Callable

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from pressroom.document.inline import Text
from pressroom.writers.labels import xml_safe

HYPERLINK_BLUE = RGBColor(0x05, 0x63, 0xC1)
CODE_FONT = "Consolas"  # verbatim text (the code mark)


def plain_run(paragraph: Paragraph, text: str) -> Run:
    """A run with nothing but its text (XML-safe)."""
    return paragraph.add_run(xml_safe(text))


def hyperlink(paragraph: Paragraph, url: str, text: str, add_run: Callable[[Paragraph, str], Run] = plain_run) -> Run:
    """A real Word hyperlink (w:hyperlink with an external relationship) around one run."""
    url = xml_safe(url)
    link = OxmlElement("w:hyperlink")
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link.set(qn("r:id"), r_id)
    run = add_run(paragraph, text)
    run.font.underline = True
    run.font.color.rgb = HYPERLINK_BLUE
    link.append(run._r)  # moves the run from the paragraph into the link
    paragraph._p.append(link)
    return run


def rich_runs(
    paragraph: Paragraph, text: Text, add_run: Callable[[Paragraph, str], Run] = plain_run, *, bold: bool = False
) -> None:
    """Inline text as runs made by ``add_run``: bold, italic and code as run formatting, links
    as hyperlinks."""
    for piece in text.runs():
        run = hyperlink(paragraph, piece.link, piece.text, add_run) if piece.link else add_run(paragraph, piece.text)
        if piece.bold or bold:
            run.bold = True
        if piece.italic:
            run.italic = True
        if piece.code:
            run.font.name = CODE_FONT
