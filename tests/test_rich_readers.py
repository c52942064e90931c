"""Readers and the rich document model: the project's own rich fixture per format, read block by
block, and the hard cases of issue 13 (datelines, contact blocks, kickers, metadata lines,
tables, pictures, links and marks that must survive, and everything a release must not do).

The Word fixture and the pictures are made by tests/richdocs.py; the Markdown and text
fixtures are in tests/fixtures/rich/.
"""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import lxml.html
import pytest
from blocks import body, contact_text, marked, plain, png
from richdocs import FIXTURE_PHOTO, PARK_URL, SAMPLE_PHOTO, build_rich_docx, park_picture

from pressroom.config import Settings
from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import (
    Block,
    Cell,
    Contact,
    Dateline,
    Edition,
    Figure,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Release,
    Table,
)
from pressroom.readers import ReaderError, read_release
from pressroom.readers import pictures
from pressroom.readers.common import MTIME_WARNING
from pressroom.writers.docx import render_docx
from pressroom.writers.pages import write_pages

RICH = Path(__file__).parent / "fixtures" / "rich"
BERLIN = ZoneInfo("Europe/Berlin")
MTIME = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)
TITLE = "Neckarpark öffnet am Samstag mit einem Fest für alle"
DATELINE = Dateline("Stuttgart, Freitag, 05.09.2025, 10:30 Uhr", "Stuttgart", "Freitag", "2025-09-05", "10:30")
LEAD = (
    "Die Landeshauptstadt öffnet am Samstag den neuen Neckarpark in Bad Cannstatt. Auf 4,2 Hektar "
    "gibt es Wiesen, Spielplätze und einen Uferweg; alle Pläne stehen unter {link}."
)
ALT = "Zeichnung: Wiese, Bäume und Sonne über dem Neckarpark"
CAPTION = "Der Neckarpark, wie ihn die Planer zeichnen (Illustration, kein Foto)."
NESTED_LIST = [
    ListItem(Text("Wiesen und Liegeflächen"), 1),
    ListItem(Text("eine Liegewiese mit 120 Bänken"), 2),
    ListItem(Text("eine Blumenwiese für Insekten"), 2),
    ListItem(Text("zwei Spielplätze"), 1),
]
QUOTE = Quote(Text("„Der Park gibt Bad Cannstatt das Neckarufer zurück.“"))


def cells(*rows: tuple[str, ...]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(tuple(Cell(Text(text)) for text in row) for row in rows)


PARK_TABLE = cells(
    ("Bereich", "Fläche", "Eröffnung"),
    ("Wiesen", "2,6 ha", "6. September 2025"),
    ("Spielplätze", "0,4 ha", "6. September 2025"),
    ("Uferweg (1,8 km)", "", "Frühjahr 2026"),
)


def read(path: Path, tmp_path: Path, *extra: Path) -> Release:
    """Read a copy of ``path`` (with ``extra`` files beside it) with a known modification time."""
    for source in (path, *extra):
        shutil.copyfile(source, tmp_path / source.name)
    target = tmp_path / path.name
    os.utime(target, (MTIME.timestamp(), MTIME.timestamp()))
    return read_release(target, Settings())


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


def without_picture_bytes(blocks: list[Block]) -> list[Block]:
    """Blocks to compare: a figure's picture stands in by its type and size."""
    return [replace(b, image=replace(b.image, data=b"")) if isinstance(b, Figure) else b for b in blocks]


# --- the three fixtures, block by block --------------------------------------------------------


def test_markdown_fixture_block_by_block(tmp_path: Path) -> None:
    release = read(RICH / "neckarpark.md", tmp_path, FIXTURE_PHOTO)
    assert (release.title, release.kicker, release.summary, release.warnings) == (TITLE, "", "", [])
    assert (release.date, release.date_precision) == (datetime(2025, 9, 5, 10, 30, tzinfo=BERLIN), "minute")
    lead = LEAD.format(link="stuttgart.de/neckarpark")
    figure = release.blocks[2]
    assert isinstance(figure, Figure) and figure.image.data == FIXTURE_PHOTO.read_bytes()
    assert (figure.image.media_type, figure.image.width, figure.image.height) == ("image/png", 480, 270)
    assert without_picture_bytes(release.blocks) == [
        replace(DATELINE, above_title=True),  # the file puts it above its headline
        Paragraph(marked(
            lead, ("neuen Neckarpark", MarkKind.BOLD), ("4,2 Hektar", MarkKind.ITALIC),
            ("stuttgart.de/neckarpark", MarkKind.LINK, PARK_URL),
        )),
        Figure(replace(figure.image, data=b""), marked(CAPTION, (CAPTION, MarkKind.ITALIC)), ALT, "Neckarpark (Illustration)"),
        Heading(Text("Was der Park bietet"), 2),
        *NESTED_LIST,
        Heading(Text("Zahlen im Überblick"), 2),
        Table(PARK_TABLE, header_rows=1, align=("left", "right", "center")),
        QUOTE,
        Contact("Pressekontakt:", (
            Text("Landeshauptstadt Stuttgart, Abteilung Kommunikation"),
            Text("Telefon: +49 711 216-0"),
            marked("E-Mail: presse@stuttgart.de", ("presse@stuttgart.de", MarkKind.LINK, "mailto:presse@stuttgart.de")),
        )),
    ]  # fmt: skip


def test_word_fixture_block_by_block(tmp_path: Path) -> None:
    path = build_rich_docx(tmp_path / "neckarpark.docx", park_picture())
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    release = read_release(path, Settings())
    assert (release.title, release.summary, release.warnings) == (TITLE, "", [])
    # The dateline dates the release; the file's creation date (2020) never does.
    assert (release.date, release.date_precision) == (datetime(2025, 9, 5, 10, 30, tzinfo=BERLIN), "minute")
    figure = release.blocks[9]
    assert isinstance(figure, Figure) and figure.image.data == park_picture()
    assert figure.image.media_type == "image/png"
    assert (figure.image.width, figure.image.height) == (453, 255)  # as placed: 120 mm wide at 96 dpi
    header = tuple(Cell(marked(text, (text, MarkKind.BOLD))) for text in ("Bereich", "Fläche", "Eröffnung"))
    mail = marked("presse@stuttgart.de", ("presse@stuttgart.de", MarkKind.LINK, "mailto:presse@stuttgart.de"))
    assert without_picture_bytes(release.blocks) == [
        DATELINE,
        Paragraph(marked(
            LEAD.format(link="stuttgart.de/neckarpark"), ("neuen Neckarpark", MarkKind.BOLD),
            ("4,2 Hektar", MarkKind.ITALIC), ("stuttgart.de/neckarpark", MarkKind.LINK, PARK_URL),
        )),
        Heading(Text("Was der Park bietet"), 2),
        *NESTED_LIST,
        Heading(Text("Zahlen im Überblick"), 2),
        Table((
            header,
            (Cell(Text("Wiesen")), Cell(Text("2,6 ha")), Cell(Text("6. September 2025"), row_span=2)),
            (Cell(Text("Spielplätze")), Cell(Text("0,4 ha"))),
            (Cell(Text("Uferweg (1,8 km)"), col_span=2), Cell(Text("Frühjahr 2026"))),
        ), header_rows=1),
        Figure(replace(figure.image, data=b""), Text(CAPTION), ALT, "Neckarpark (Illustration)"),
        QUOTE,
        Contact("Pressekontakt", (), Table((
            (Cell(Text("Stelle")), Cell(Text("Landeshauptstadt Stuttgart, Abteilung Kommunikation"))),
            (Cell(Text("Telefon")), Cell(Text("+49 711 216-0"))),
            (Cell(Text("E-Mail")), Cell(mail)),
        ))),
    ]  # fmt: skip


def test_text_fixture_block_by_block(tmp_path: Path) -> None:
    """Plain text has no bold, italic or pictures; everything else it can say is read."""
    release = read(RICH / "neckarpark.txt", tmp_path)
    assert (release.kicker, release.title, release.warnings) == ("Stadtgrün", TITLE, [])
    assert (release.date, release.date_precision) == (datetime(2025, 9, 5, 10, 30, tzinfo=BERLIN), "minute")
    lead = LEAD.format(link="www.stuttgart.de/neckarpark")
    assert release.blocks == [
        DATELINE,
        Paragraph(marked(lead, ("www.stuttgart.de/neckarpark", MarkKind.LINK, "https://www.stuttgart.de/neckarpark"))),
        Heading(Text("Was der Park bietet"), 2),  # "+ + + Was der Park bietet + + +"
        *NESTED_LIST,  # the second level indented
        Heading(Text("Zahlen im Überblick"), 2),
        Table(PARK_TABLE, header_rows=1, align=("left", "right", "center")),
        Paragraph(Text("Die Spielplätze im Überblick:")),
        Table(cells(
            ("Spielplatz", "Alter", "Besonderheit"),
            ("Wasserspielplatz", "3 bis 12 Jahre", "Pumpen und Rinnen"),
            ("Kletterwald", "ab 8 Jahren", "Seilbahn über 40 Meter"),
        ), header_rows=1),
        ListItem(Text("1081. Anmeldung für Führungen")),  # item numbers kept, not numbered again
        ListItem(Text("1082. Fest am Eröffnungstag")),
        Contact("Firmenkontakt und Herausgeber der Meldung:", (
            Text("Landeshauptstadt Stuttgart"),
            Text("Marktplatz 1, 70173 Stuttgart"),
            Text(""),
            Text("Pressekontakt:"),
            Text("Abteilung Kommunikation"),
            Text("Telefon: +49 711 216-0"),
            marked("E-Mail: presse@stuttgart.de", ("presse@stuttgart.de", MarkKind.LINK, "mailto:presse@stuttgart.de")),
            Text(""),
            Text("V.i.S.d.P.: Erika Beispiel, Landeshauptstadt Stuttgart"),
        )),
    ]  # fmt: skip


def test_committed_pictures_are_what_the_generator_makes() -> None:
    """tests/richdocs.py made them; a changed picture must come from a changed generator."""
    assert FIXTURE_PHOTO.read_bytes() == park_picture()
    assert SAMPLE_PHOTO.read_bytes() == park_picture()


# --- pictures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("https://example.org/foto.jpg", "is an address, not a file"),
        ("//example.org/foto.jpg", "is an address, not a file"),
        ("../geheim.png", "is outside the release's folder"),
        ("/etc/hostname", "is outside the release's folder"),
        ("fehlt.png", "was not found beside the release"),
        ("notiz.png", "is not a JPEG, PNG or GIF file"),
        ("bilder", "is not a file"),
    ],
)
def test_a_picture_that_cannot_be_published_is_refused_by_name(reference: str, problem: str, tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    (folder / "bilder").mkdir(parents=True)
    (tmp_path / "geheim.png").write_bytes(png())
    (folder / "notiz.png").write_text("Das ist kein Bild.")
    path = write(folder, "foto.md", f"# Titel\n\nText.\n\n![Foto]({reference})\n")
    with pytest.raises(ReaderError) as caught:
        read_release(path, Settings())
    assert str(caught.value) == f"{path}: the picture '{reference}' {problem}" + (
        "; save the picture beside the release and name the file" if "address" in problem
        else "; put it beside the release" if "outside" in problem else ""
    )


def test_a_picture_over_the_size_limit_is_refused_with_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pictures, "MAX_PICTURE_BYTES", 100)
    (tmp_path / "gross.png").write_bytes(png(40, 40) + bytes(200))
    path = write(tmp_path, "gross.md", "# Titel\n\n![Foto](gross.png)\n")
    with pytest.raises(ReaderError, match=r"the picture 'gross.png' is too large \(0.0 MB\); the limit is 0 MB"):
        read_release(path, Settings())


def test_a_picture_in_a_subfolder_is_read_and_one_word_cannot_show_is_left_out_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "bilder").mkdir()
    (tmp_path / "bilder" / "foto mit leerzeichen.png").write_bytes(png())
    markdown = read_release(write(tmp_path, "m.md", "# Titel\n\n![Foto](<bilder/foto mit leerzeichen.png>)\n"), Settings())
    assert [type(b) for b in markdown.blocks] == [Figure]
    document = docx.Document()
    document.add_paragraph("Titel", style="Title")
    document.add_paragraph().add_run().add_picture(io.BytesIO(png()))
    part = document.part.related_parts[document.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed]
    part._blob = b"BM" + bytes(60)  # a BMP: Word shows it, a browser may not
    document.save(str(tmp_path / "bmp.docx"))
    release = read_release(tmp_path / "bmp.docx", Settings())
    assert not any(isinstance(b, Figure) for b in release.blocks)
    assert any(w.startswith("the picture 'image1.png' is not a JPEG, PNG or GIF file; it was left out") for w in release.warnings)


# --- datelines and dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_lines", "dateline", "date", "precision"),
    [
        ("Montag, 12.03.2024, 14:30 Uhr", Dateline("Montag, 12.03.2024, 14:30 Uhr", "", "Montag", "2024-03-12", "14:30"), datetime(2024, 3, 12, 14, 30), "minute"),
        ("12.07.2024, Polizeipräsidium München", Dateline("12.07.2024, Polizeipräsidium München", "Polizeipräsidium München", "", "2024-07-12", ""), datetime(2024, 7, 12), "day"),
        ("Landeshauptstadt Stuttgart · Aktuelle Meldungen · März 2023", Dateline("Landeshauptstadt Stuttgart · Aktuelle Meldungen · März 2023", "Landeshauptstadt Stuttgart", "", "2023-03", ""), datetime(2023, 3, 1), "month"),
        ("2011 | Nr. 282661 | Aktuell", None, datetime(2011, 1, 1), "year"),
        ("Die Stadt baut.\n\nStand: März 2024", None, datetime(2024, 3, 1), "month"),
        ("Die Stadt baut.\n\nStand: 04.03.2024", None, datetime(2024, 3, 4), "day"),
    ],
)
def test_datelines_keep_their_parts_and_date_the_release(
    first_lines: str, dateline: Dateline | None, date: datetime, precision: str, tmp_path: Path
) -> None:
    for name, text in (("d.txt", f"Titel der Meldung\n\n{first_lines}\n\nDer Text.\n"), ("d.md", f"# Titel\n\n{first_lines}\n\nDer Text.\n")):
        release = read_release(write(tmp_path, name, text), Settings())
        assert (release.date, release.date_precision) == (date.replace(tzinfo=BERLIN), precision), name
        assert MTIME_WARNING not in release.warnings, name
        if dateline:
            assert release.blocks[0] == dateline, name
        else:  # a metadata or "Stand:" line stays text, every number of it
            assert first_lines.split("\n")[-1] in [plain(b) for b in release.blocks], name


def test_a_dateline_is_never_completed_and_a_front_matter_date_wins(tmp_path: Path) -> None:
    text = "---\ntitle: Titel\ndate: 2024-07-13T09:00:00+02:00\n---\n12.07.2024, Polizeipräsidium München\n\nText.\n"
    release = read_release(write(tmp_path, "m.md", text), Settings())
    assert release.date == datetime(2024, 7, 13, 9, tzinfo=BERLIN) and release.date_precision == "minute"
    assert release.blocks[0] == Dateline("12.07.2024, Polizeipräsidium München", "Polizeipräsidium München", "", "2024-07-12", "")


# --- contact blocks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Verantwortlich:", "Firmenkontakt und Herausgeber der Meldung:", "Pressekontakt:", "Ansprechpartner:",
        "Ansprechpartnerin:", "Kontakt:", "Rückfragen bitte an:", "Rückfragen bitte an", "Für Rückfragen:",
        "Medienkontakt:", "Herausgeber:",
    ],
)
def test_contact_blocks_under_every_usual_heading_are_kept_verbatim(heading: str, tmp_path: Path) -> None:
    text = f"Titel der Meldung\n\nDie Stadt baut neue Radwege.\n\n{heading}\nErika Beispiel\nHauptstraße 4, 70173 Stuttgart\nTel. 0711 216-0\n"
    release = read_release(write(tmp_path, "k.txt", text), Settings())
    assert [plain(b) for b in body(release)] == ["Die Stadt baut neue Radwege."]
    (contact,) = [b for b in release.blocks if isinstance(b, Contact)]
    assert contact.label == heading
    assert contact_text(release) == "Erika Beispiel\nHauptstraße 4, 70173 Stuttgart\nTel. 0711 216-0"
    assert contact.texts() == ()  # never sent to a model


def test_a_responsible_line_alone_is_a_contact_block(tmp_path: Path) -> None:
    text = "Titel der Meldung\n\nDie Stadt baut neue Radwege.\n\nV.i.S.d.P. Erika Beispiel, Amt für Kommunikation\n"
    release = read_release(write(tmp_path, "v.txt", text), Settings())
    assert [plain(b) for b in body(release)] == ["Die Stadt baut neue Radwege."]
    assert contact_text(release) == "V.i.S.d.P. Erika Beispiel, Amt für Kommunikation"


def test_markdown_contact_heading_with_lines_and_a_responsible_line(tmp_path: Path) -> None:
    text = (
        "# Titel\n\nText.\n\n## Kontakt\n\nErika Beispiel\\\nTelefon: 0711 216-0\n\n"
        "V.i.S.d.P.: Max Beispiel\n"
    )
    release = read_release(write(tmp_path, "k.md", text), Settings())
    assert release.blocks[1:] == [
        Contact("Kontakt", (Text("Erika Beispiel"), Text("Telefon: 0711 216-0"), Text("V.i.S.d.P.: Max Beispiel")))
    ]


# --- plain-text structure -----------------------------------------------------------------------


def test_kicker_and_metadata_line_are_not_the_title(tmp_path: Path) -> None:
    text = "Mercedes-Benz Arena\nFestakt zur Stadioneröffnung\n2011 | Nr. 282661 | Aktuell\n\nRund 300 Gäste kamen zur Feier.\n"
    release = read_release(write(tmp_path, "k.txt", text), Settings())
    assert (release.kicker, release.title) == ("Mercedes-Benz Arena", "Festakt zur Stadioneröffnung")
    assert [plain(b) for b in release.blocks] == ["2011 | Nr. 282661 | Aktuell", "Rund 300 Gäste kamen zur Feier."]
    assert (release.date.year, release.date_precision) == (2011, "year")


def test_a_headline_with_a_blank_line_under_it_has_no_kicker(tmp_path: Path) -> None:
    text = "Festakt zur Stadioneröffnung\n\nMercedes-Benz Arena feiert\nRund 300 Gäste kamen zur Feier.\n"
    release = read_release(write(tmp_path, "k.txt", text), Settings())
    assert (release.kicker, release.title) == ("", "Festakt zur Stadioneröffnung")


def test_a_one_sentence_first_line_made_title_is_not_repeated_in_the_body(tmp_path: Path) -> None:
    text = "Die Stadt baut drei neue Radwege.\n\nDie Arbeiten beginnen im August, sagt die Stadt.\n"
    release = read_release(write(tmp_path, "t.txt", text), Settings())
    assert release.title == "Die Stadt baut drei neue Radwege"
    assert [plain(b) for b in release.blocks] == ["Die Arbeiten beginnen im August, sagt die Stadt."]


def test_kicker_is_translated_after_the_title_and_shown_above_it(tmp_path: Path) -> None:
    release = read(RICH / "neckarpark.txt", tmp_path)
    texts = release.translatable_texts()
    assert [t.text for t in texts[:3]] == [TITLE, "Stadtgrün", ""]
    english = Edition.from_texts(release, "en", [Text(f"[en] {t.text}" if t.text else "") for t in texts])
    assert english.kicker == "[en] Stadtgrün"
    document = docx.Document(io.BytesIO(render_docx(english, Settings())))
    texts_in_order = [p.text for p in document.paragraphs]
    assert texts_in_order.index("[en] Stadtgrün") == texts_in_order.index(f"[en] {TITLE}") - 1
    write_pages({"en": [english]}, tmp_path / "out", Settings())
    page = lxml.html.parse(str(tmp_path / "out" / "en" / f"{release.slug}.html")).getroot()
    article = page.find(".//article")
    assert [article[0].get("class"), article[0].text, article[1].tag] == ["kicker", "[en] Stadtgrün", "h1"]


# --- summaries ----------------------------------------------------------------------------------


def test_a_summary_the_marked_lead_repeats_gives_way_to_the_lead(tmp_path: Path) -> None:
    """Moving the sentence out of the lead would lose its link and bold: the lead stays whole
    and the summary goes (the feed's description falls back to the lead's sentences)."""
    text = (
        "---\ntitle: Titel\nsummary: Die Polizei sucht drei Tatverdächtige.\n---\n"
        "Die [Polizei](https://www.berlin.de/polizei/) sucht **drei Tatverdächtige**. Sie sind jung.\n"
    )
    release = read_release(write(tmp_path, "s.md", text), Settings())
    assert release.summary == ""
    assert release.blocks == [Paragraph(marked(
        "Die Polizei sucht drei Tatverdächtige. Sie sind jung.",
        ("Polizei", MarkKind.LINK, "https://www.berlin.de/polizei/"), ("drei Tatverdächtige", MarkKind.BOLD),
    ))]  # fmt: skip


# --- text from a release is data ----------------------------------------------------------------


def test_markup_and_unsafe_links_in_a_release_stay_text(tmp_path: Path) -> None:
    text = (
        "# Titel\n\n<script>alert(1)</script> und [klick](javascript:alert(1)) und "
        "<b onclick=x>fett</b>.\n\n<div>Block</div>\n"
    )
    release = read_release(write(tmp_path, "x.md", text), Settings())
    assert [b.text for b in release.blocks if isinstance(b, Paragraph)] == [
        Text("<script>alert(1)</script> und [klick](javascript:alert(1)) und <b onclick=x>fett</b>."),
        Text("<div>Block</div>"),
    ]
    document = docx.Document()
    document.add_paragraph("Titel", style="Title")
    paragraph = document.add_paragraph("Siehe ")
    link = docx.oxml.OxmlElement("w:hyperlink")
    link.set(docx.oxml.ns.qn("r:id"), paragraph.part.relate_to("javascript:alert(1)", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = docx.oxml.OxmlElement("w:r")
    run.append(docx.oxml.OxmlElement("w:t"))
    run[0].text = "hier"
    link.append(run)
    paragraph._p.append(link)
    document.save(str(tmp_path / "x.docx"))
    assert read_release(tmp_path / "x.docx", Settings()).blocks == [Paragraph(Text("Siehe hier"))]
