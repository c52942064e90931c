"""The review edition: original and translation side by side in one Word table, for
proofreading (``pressroom build --bilingual``).
"""

from __future__ import annotations

from pathlib import Path

from pressroom.atomic import atomic_write_bytes
from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.document.model import Edition
from pressroom.writers.docx import DocxBuilder, switched_on
from pressroom.writers.labels import body_blocks, display_title, label


def write_bilingual_docx(
    edition: Edition, path: Path, settings: Settings, *, original_url: str | None = None
) -> None:
    """Write the review edition of a translated ``edition`` to ``path`` atomically."""
    atomic_write_bytes(path, render_bilingual_docx(edition, settings, original_url=original_url))


def render_bilingual_docx(
    edition: Edition, settings: Settings, *, original_url: str | None = None
) -> bytes:
    """Original and translation side by side, one table row per translated block, for proofreading.

    A reviewer compares each paragraph with its source without scrolling between two files;
    every cell is tagged with its own language, so Word checks each column's spelling in it.
    """
    release = edition.release
    document = DocxBuilder.new(edition.lang, settings)
    source = document.in_language(release.lang)
    document.front_matter(edition, original_url)
    document.paragraph(label(edition.lang, "review_edition"), "Subtitle")
    table = document.doc.add_table(rows=1, cols=2)
    table.style = document.doc.styles["Table Grid"]
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(switched_on("w:tblHeader"))  # repeated on every page
    for builder, cell in zip((source, document), header.cells):
        builder.run(cell.paragraphs[0], LANGUAGE_NAMES.get(builder.lang, builder.lang)).bold = True
    rows = [("Heading 1", release.title, display_title(edition))]
    if release.kicker or edition.kicker:
        rows.insert(0, ("Normal", release.kicker, edition.kicker))
    if release.summary or edition.summary:
        rows.append(("Subtitle", release.summary, edition.summary))
    for style, left, right in rows:
        cells = table.add_row().cells
        source.fill(cells[0].paragraphs[0], left, style)
        document.fill(cells[1].paragraphs[0], right, style)
    # A row per block with something to translate; the rest (contact, dateline) below.
    pairs = [(left, right) for left, right in zip(release.blocks, edition.blocks) if left.texts()]
    lefts, rights = [left for left, _ in pairs], [right for _, right in pairs]
    for left, right, left_num, right_num in zip(lefts, rights, source.list_numbers(lefts), document.list_numbers(rights)):
        cells = table.add_row().cells
        source.block(cells[0], left, left_num, release.lang)
        document.block(cells[1], right, right_num, release.lang)
    untranslated = [b for b in body_blocks(edition, settings) if not b.texts()]
    document.blocks(document.doc, untranslated, release.lang)
    return document.save(edition)
