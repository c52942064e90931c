"""The rich document model: inline marks, blocks that keep their shape through translation,
the JSON codec the publish state uses, and what every writer makes of each block."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import lxml.html
from blocks import png

from pressroom.config import Settings
from pressroom.document.codec import block_from_data, block_to_data
from pressroom.document.inline import Mark, MarkKind, Run, Text
from pressroom.document.model import (
    Cell,
    Contact,
    Dateline,
    Edition,
    Figure,
    Heading,
    Image,
    ListItem,
    Paragraph,
    Release,
    Table,
)
from pressroom.writers.docx import render_docx
from pressroom.writers.pages import blocks_html

LINK = "https://www.stuttgart.de/"


def rich_release() -> Release:
    sentence = Text(
        "Die Stadt eröffnet am Montag den Park. Mehr unter stuttgart.de.",
        (Mark(10, 18, MarkKind.BOLD), Mark(22, 28, MarkKind.ITALIC), Mark(50, 62, MarkKind.LINK, LINK)),
    )
    table = Table(
        (
            (Cell(Text("Kennzahl")), Cell(Text("2024")), Cell(Text("2023"))),
            (Cell(Text("Umsatz"), row_span=2), Cell(Text("4,0 Mrd. €")), Cell(Text("5,0 Mrd. €"))),
            (Cell(Text("7 %")), Cell(Text("k. A."))),
            (Cell(Text("Mitarbeiter"), col_span=2), Cell(Text("375 000"))),
        ),
        header_rows=1,
        align=("left", "right", "right"),
    )
    figure = Figure(Image(png(), "image/png", "foto.png", 4, 3), Text("Der neue Park."), "Luftbild des Parks", "Park")
    return Release(
        slug="park",
        title="Neuer Park",
        date=datetime(2024, 3, 12, 14, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        blocks=[
            Dateline("Stuttgart, Montag, 12.03.2024, 14:30 Uhr", "Stuttgart", "Montag", "2024-03-12", "14:30"),
            Paragraph(sentence),
            Heading(Text("Zahlen")),
            table,
            ListItem(Text("Ebene eins")),
            ListItem(Text("Ebene zwei"), level=2),
            figure,
            Contact("Pressekontakt:", (Text("Erika Mustermann"), Text("presse@example.org", (Mark(0, 18, MarkKind.LINK, "mailto:presse@example.org"),)))),
        ],
        source_path=Path("releases/park.md"),
    )


def test_runs_split_where_marks_start_and_end() -> None:
    text = Text("ab cd ef", (Mark(0, 5, MarkKind.BOLD), Mark(3, 8, MarkKind.LINK, LINK)))
    assert text.runs() == [Run("ab ", bold=True), Run("cd", bold=True, link=LINK), Run(" ef", link=LINK)]
    assert text.slice(3, 8) == Text("cd ef", (Mark(0, 2, MarkKind.BOLD), Mark(0, 5, MarkKind.LINK, LINK)))
    assert Text.join([text.slice(0, 2), Text("!")], " ") == Text("ab !", (Mark(0, 2, MarkKind.BOLD),))


def test_links_that_could_run_code_are_dropped_with_their_text_kept() -> None:
    for target in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil.example", "http:///x"):
        assert Text("klick", (Mark(0, 5, MarkKind.LINK, target),)).links() == [], target
    assert Text("mail", (Mark(0, 4, MarkKind.LINK, "mailto:a@b.de"),)).links() == ["mailto:a@b.de"]


def test_translation_keeps_every_block_in_place_and_leaves_contact_and_dateline_alone() -> None:
    release = rich_release()
    texts = release.translatable_texts()
    assert [t.text for t in texts[:3]] == ["Neuer Park", "", ""]  # title, kicker, summary
    assert len(texts) == 3 + 1 + 1 + 10 + 2 + 2  # paragraph, heading, 10 cells, 2 items, caption + alt
    edition = Edition.from_texts(release, "en", [Text(f"[en] {t.text}") for t in texts])
    assert [type(b) for b in edition.blocks] == [type(b) for b in release.blocks]
    table = edition.blocks[3]
    assert isinstance(table, Table) and table.shape == (4, 3)
    assert table.rows[1][0] == Cell(Text("[en] Umsatz"), row_span=2)
    figure = edition.blocks[6]
    assert isinstance(figure, Figure) and figure.alt == "[en] Luftbild des Parks" and figure.image.data == png()
    assert edition.blocks[0] == release.blocks[0] and edition.blocks[7] == release.blocks[7]


def test_blocks_survive_the_codec_except_picture_bytes() -> None:
    for block in rich_release().blocks:
        again = block_from_data(block_to_data(block))
        if isinstance(block, Figure):
            assert again.image.file_name == block.image.file_name and again.image.data == b""
            assert (again.caption, again.alt, again.title) == (block.caption, block.alt, block.title)
        else:
            assert again == block


def test_page_html_shows_marks_tables_pictures_lists_dateline_and_contact() -> None:
    english = Edition.from_texts(rich_release(), "en", rich_release().translatable_texts())
    html = blocks_html(english.blocks, "en", "de", "../media/")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert root.findtext("p[@class='dateline']") == "Stuttgart, Monday, 2024-03-12, 14:30"  # the weekday as stated, in English
    assert [a.get("href") for a in root.iter("a")] == [LINK, "mailto:presse@example.org"]
    assert root.find(".//strong").text == "eröffnet" and root.find(".//em").text == "Montag"
    table = root.find("table")
    assert [th.get("scope") for th in table.iter("th")] == ["col"] * 3
    assert table.find("tbody/tr/td").get("rowspan") == "2"
    assert table.xpath("tbody/tr[3]/td[1]/@colspan") == ["2"]
    img = root.find("figure/img")
    assert img.get("src") == "../media/" + rich_release().blocks[6].image.file_name and img.get("alt") == "Luftbild des Parks"
    assert root.find("figure/figcaption").text == "Der neue Park."
    assert root.find("ul/li/ul/li").text.strip() == "Ebene zwei"  # the second level nests in the first
    assert root.find("address").text_content() == "Erika Mustermann\npresse@example.org"
    assert root.xpath("h2[last()]/text()") == ["Press contact"]


def test_docx_has_hyperlinks_runs_merged_table_cells_and_the_picture() -> None:
    data = render_docx(Edition.original(rich_release()), Settings())
    document = docx.Document(io.BytesIO(data))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Die Stadt"))
    assert [r.text for r in paragraph.runs if r.bold] == ["eröffnet"]
    assert [r.text for r in paragraph.runs if r.italic] == ["Montag"]
    assert [(link.url, link.text) for link in paragraph.hyperlinks] == [(LINK, "stuttgart.de")]
    table = document.tables[0]
    assert (len(table.rows), len(table.columns)) == (4, 3)
    assert table.cell(1, 0)._tc is table.cell(2, 0)._tc  # merged down
    assert table.cell(3, 0)._tc is table.cell(3, 1)._tc  # merged across
    assert table.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "Luftbild des Parks"
    assert "Der neue Park." in [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Stuttgart, Montag, 12.03.2024, 14:30 Uhr" in [p.text for p in document.paragraphs]
    assert document.paragraphs[-1].text == "Erika Mustermann\npresse@example.org"
