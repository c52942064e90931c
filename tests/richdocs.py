"""The project's rich fixtures that are made rather than written, the same bytes on every run:
a press picture (drawn here: a park under a sun, no real photo) and a Word release built with
python-docx, with a table with merged cells, links, bold and italic runs, a nested list, the
picture with its caption, a dateline and a contact table.

    .venv/bin/python tests/richdocs.py

writes the committed pictures again (tests/fixtures/rich/pressefoto.png and the picture of
the sample release in releases/); tests/test_rich_readers.py checks they are what this makes.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import zlib
from datetime import datetime
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_PHOTO = ROOT / "tests" / "fixtures" / "rich" / "pressefoto.png"
SAMPLE_PHOTO = ROOT / "releases" / "2025-09-05-neckarpark-illustration.png"
PARK_URL = "https://www.stuttgart.de/neckarpark"


def park_picture(width: int = 480, height: int = 270) -> bytes:
    """A PNG drawing of a park: sky fading to the horizon, a sun, two green hills, round trees."""
    sun = (0.78 * width, 0.25 * height, 0.09 * height)
    trees = [(0.18, 0.62), (0.3, 0.66), (0.55, 0.7), (0.67, 0.64)]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            hill = min(0.62 + 0.08 * math.cos(x / width * 5.0), 0.72 + 0.05 * math.sin(x / width * 3.0 + 1))
            if (x - sun[0]) ** 2 + (y - sun[1]) ** 2 < sun[2] ** 2:
                pixel = (250, 210, 70)
            elif any((x - tx * width) ** 2 + (y - ty * height) ** 2 < (0.07 * height) ** 2 for tx, ty in trees):
                pixel = (40, 110, 55)
            elif y > hill * height:
                shade = int(40 * (y / height - hill))
                pixel = (90 - shade, 170 - shade, 80 - shade)
            else:
                fade = y / height
                pixel = (int(110 + 110 * fade), int(170 + 60 * fade), 235)
            rows += bytes(pixel)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def _hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """A real Word hyperlink: a w:hyperlink with an external relationship around a run."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _repeat_header(row: object) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # type: ignore[attr-defined]


def build_rich_docx(path: Path, picture: bytes) -> Path:
    """The Word fixture: what a press officer writes in Word, with every kind of rich content."""
    document = docx.Document()
    document.core_properties.created = datetime(2020, 1, 1, 8, 0)  # file metadata, never the release date
    document.core_properties.title = "Neckarpark öffnet"
    document.add_paragraph("Neckarpark öffnet am Samstag mit einem Fest für alle", style="Title")
    document.add_paragraph("Stuttgart, Freitag, 05.09.2025, 10:30 Uhr")
    lead = document.add_paragraph("Die Landeshauptstadt öffnet am Samstag den ")
    lead.add_run("neuen Neckarpark").bold = True
    lead.add_run(" in Bad Cannstatt. Auf ")
    lead.add_run("4,2 Hektar").italic = True
    lead.add_run(" gibt es Wiesen, Spielplätze und einen Uferweg; alle Pläne stehen unter ")
    _hyperlink(lead, "stuttgart.de/neckarpark", PARK_URL)
    lead.add_run(".")
    document.add_heading("Was der Park bietet", level=2)
    document.add_paragraph("Wiesen und Liegeflächen", style="List Bullet")
    document.add_paragraph("eine Liegewiese mit 120 Bänken", style="List Bullet 2")
    document.add_paragraph("eine Blumenwiese für Insekten", style="List Bullet 2")
    document.add_paragraph("zwei Spielplätze", style="List Bullet")
    document.add_heading("Zahlen im Überblick", level=2)
    table = document.add_table(rows=4, cols=3)
    table.style = document.styles["Table Grid"]
    cells = [
        ("Bereich", "Fläche", "Eröffnung"),
        ("Wiesen", "2,6 ha", "6. September 2025"),
        ("Spielplätze", "0,4 ha", ""),
        ("Uferweg (1,8 km)", "", "Frühjahr 2026"),
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            if text:
                run = table.cell(r, c).paragraphs[0].add_run(text)
                run.bold = r == 0
    table.cell(1, 2).merge(table.cell(2, 2))  # one opening day for both: merged down
    table.cell(3, 0).merge(table.cell(3, 1))  # the path has no area of its own: merged across
    _repeat_header(table.rows[0])
    picture_paragraph = document.add_paragraph()
    picture_paragraph.add_run().add_picture(io.BytesIO(picture), width=Mm(120))
    properties = picture_paragraph._p.find(".//" + qn("wp:docPr"))
    properties.set("descr", "Zeichnung: Wiese, Bäume und Sonne über dem Neckarpark")
    properties.set("title", "Neckarpark (Illustration)")
    document.add_paragraph("Der Neckarpark, wie ihn die Planer zeichnen (Illustration, kein Foto).", style="Caption")
    document.add_paragraph("„Der Park gibt Bad Cannstatt das Neckarufer zurück.“", style="Quote")
    document.add_heading("Pressekontakt", level=2)
    contact = document.add_table(rows=3, cols=2)
    for r, (key, value) in enumerate([("Stelle", "Landeshauptstadt Stuttgart, Abteilung Kommunikation"), ("Telefon", "+49 711 216-0"), ("E-Mail", "")]):
        contact.cell(r, 0).text = key
        if value:
            contact.cell(r, 1).text = value
    _hyperlink(contact.cell(2, 1).paragraphs[0], "presse@stuttgart.de", "mailto:presse@stuttgart.de")
    document.save(str(path))
    return path


if __name__ == "__main__":
    picture = park_picture()
    for target in (FIXTURE_PHOTO, SAMPLE_PHOTO):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(picture)
        print(f"{target.relative_to(ROOT)}: {len(picture):,} bytes", file=sys.stderr)
