"""DOCX editions: Word structure, metadata, language tags, notices.

Also home of the sample releases the feed and page tests import (``from test_writers_docx
import ...``), so all three writers are tested against the same realistic, hostile content.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from blocks import OL, H, L, P, Q, block, kind_of, plain
from lxml import etree

from pressroom.config import Settings
from pressroom.document.inline import Text
from pressroom.document.model import Contact, Edition, Release
from pressroom.writers.docx import render_docx, write_docx
from pressroom.writers.docx_review import render_bilingual_docx

BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = "<script>alert(1)</script> ]]> &amp; Ende"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
ORIGINAL_URL = "https://presse.example.org/de/solarpark.html"

BLOCKS = [
    block(P, "Die Stadtwerke Müllheim eröffnen den größten Solarpark."),
    block(H, "Strom für 12.000 Haushalte"),
    block(Q, "„Das ist ein großer Tag für die Energiewende“, sagte Frau Jürgens."),
    block(L, "Leistung: 25 Megawatt"),
    block(L, "Fläche: 30 Hektar"),
    block(H, "Technik"),
    block(P, f"Technische Notiz: {HOSTILE}"),
    block(L, "Antrag stellen", ordered=True),
    block(L, "Förderung erhalten", ordered=True),
]
EN_TEXTS = [
    "Largest solar park in the region opens",
    "The municipal utility opens a 25 megawatt solar park.",
    "The Müllheim municipal utility opens the largest solar park on Friday.",
    "Electricity for 12,000 households",
    "“This is a great day for the energy transition,” said Ms Jürgens.",
    "Output: 25 megawatts",
    "Area: 30 hectares",
    "Technology",
    f"Technical note: {HOSTILE}",
    "Apply",
    "Receive funding",
]
KO_TEXTS = [
    "지역 최대 태양광 발전소 개장",
    "시영 전력회사가 25메가와트 태양광 발전소를 개장합니다.",
    "뮐하임 시영 전력회사가 금요일에 최대 태양광 발전소를 개장합니다.",
    "12,000 가구를 위한 전기",
    "„에너지 전환을 위한 위대한 날입니다“라고 위르겐스 씨가 말했습니다.",
    "출력: 25메가와트",
    "면적: 30헥타르",
    "기술",
    f"기술 메모: {HOSTILE}",
    "신청하기",
    "지원금 받기",
]
CONTACT = "Anna Müller\nTelefon +49 30 1234567\npresse@example.org"


def make_release(
    slug: str = "solarpark",
    date: datetime = datetime(2025, 3, 14, 9, 30, tzinfo=BERLIN),
    *,
    contact: str = CONTACT,
) -> Release:
    """A German release with every block kind, quotes, umlauts and hostile markup."""
    return Release(
        slug=slug,
        title=f"Größter Solarpark der Region eröffnet ({slug})",
        date=date,
        blocks=[*BLOCKS, *_contact(contact)],
        source_path=Path(f"releases/{slug}.md"),
        summary="Die Stadtwerke eröffnen einen Solarpark mit 25 Megawatt.",
        tags=["Energie", "Solar"],
    )


def _contact(lines: str) -> list[Contact]:
    return [Contact("Pressekontakt", tuple(Text(line) for line in lines.split("\n")))] if lines else []


def translated(texts: list[str]) -> list[Text]:
    """Title, summary and block texts in Release.translatable_texts() order: the release has
    no kicker, so its (empty) translation goes after the title."""
    title, *rest = texts
    return [Text(title), Text(""), *(Text(t) for t in rest)]


def make_editions(release: Release, *, demo: bool = False) -> dict[str, Edition]:
    """The German original plus machine-translated English and Korean editions."""
    return {
        "de": Edition.original(release),
        "en": Edition.from_texts(release, "en", translated(EN_TEXTS), engine="test"),
        "ko": Edition.from_texts(release, "ko", translated(KO_TEXTS), demo=demo, engine="test"),
    }


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def _styles(document: docx.document.Document) -> list[str]:
    return [paragraph.style.name for paragraph in document.paragraphs]


EXPECTED_STYLE = {  # written out here, not imported, so a wrong mapping in the writer fails
    H: "Heading 2",
    P: "Normal",
    Q: "Quote",
    L: "List Bullet",
    OL: "List Number",
}


def test_block_styles_follow_source_blocks() -> None:
    edition = make_editions(make_release())["en"]
    document = _open(render_docx(edition, Settings(), original_url=ORIGINAL_URL))
    block_styles = [EXPECTED_STYLE[kind_of(block)] for block in BLOCKS]
    # notice, title, date, summary, the blocks, contact heading, contact text
    assert _styles(document) == [
        "Normal", "Title", "Normal", "Subtitle", *block_styles, "Heading 2", "Normal"
    ]
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[1] == EN_TEXTS[0]
    assert texts[2] == "2025-03-14, 09:30"  # the release's own date and time, written the English way
    assert texts[3] == EN_TEXTS[1]
    assert texts[4 : 4 + len(BLOCKS)] == EN_TEXTS[2:]
    assert texts[-2] == "Press contact"
    assert texts[-1] == CONTACT  # line breaks kept (python-docx reads w:br back as "\n")


def test_each_numbered_list_restarts() -> None:
    blocks = [
        block(L, "eins", ordered=True),
        block(L, "zwei", ordered=True),
        block(P, "dazwischen"),
        block(L, "noch eins", ordered=True),
    ]
    release = make_release()
    release.blocks = blocks
    data = render_docx(Edition.original(release), Settings())
    body = _part(data, "word/document.xml")
    num_ids = [
        p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
        for p in body.iter(f"{W}p")
        if p.find(f"{W}pPr/{W}numPr") is not None
    ]
    assert len(num_ids) == 3
    assert num_ids[0] == num_ids[1] != num_ids[2]
    numbering = _part(data, "word/numbering.xml")
    abstracts = set()
    for num_id in set(num_ids):
        num = numbering.find(f"{W}num[@{W}numId='{num_id}']")
        assert num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val") == "1"
        abstracts.add(num.find(f"{W}abstractNumId").get(f"{W}val"))
    # a definition of its own per list: LibreOffice counts on across lists sharing one
    assert len(abstracts) == 2
    definitions = [a.get(f"{W}abstractNumId") for a in numbering.iter(f"{W}abstractNum")]
    assert abstracts <= set(definitions) and len(definitions) == len(set(definitions))
    children = [child.tag for child in numbering]
    assert children.index(f"{W}num") > max(i for i, t in enumerate(children) if t == f"{W}abstractNum")


def test_core_properties() -> None:
    edition = make_editions(make_release())["en"]
    edition.updated = datetime(2025, 3, 15, 8, 0, tzinfo=UTC)
    settings = Settings(organisation="Stadtwerke Müllheim")
    properties = _open(render_docx(edition, settings)).core_properties
    assert properties.title == EN_TEXTS[0]
    assert properties.author == "Stadtwerke Müllheim"
    assert properties.language == "en-US"
    assert properties.subject == EN_TEXTS[1]
    assert properties.keywords == "Energie, Solar"
    assert properties.created == datetime(2025, 3, 14, 8, 30, tzinfo=UTC)  # 09:30 CET
    assert properties.modified == datetime(2025, 3, 15, 8, 0, tzinfo=UTC)


def test_modified_falls_back_to_release_date() -> None:
    edition = make_editions(make_release())["de"]
    properties = _open(render_docx(edition, Settings())).core_properties
    assert properties.modified == properties.created == datetime(2025, 3, 14, 8, 30, tzinfo=UTC)
    assert properties.language == "de-DE"


def test_long_summary_fits_core_property_limit() -> None:
    release = make_release()
    release.summary = "Sehr lang. " * 60
    properties = _open(render_docx(Edition.original(release), Settings())).core_properties
    assert 0 < len(properties.subject) <= 255


def test_footer_has_organisation_and_page_field() -> None:
    settings = Settings(organisation="Pressestelle X")
    data = render_docx(make_editions(make_release())["de"], settings)
    footer = _part(data, "word/footer1.xml")
    simple = [f.get(f"{W}instr").strip() for f in footer.iter(f"{W}fldSimple")]
    complex_ = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert "PAGE" in simple + complex_
    assert "Pressestelle X" in "".join(t.text for t in footer.iter(f"{W}t"))


def test_korean_edition_has_east_asian_font_and_language() -> None:
    settings = Settings(korean_font="Noto Sans KR")
    data = render_docx(make_editions(make_release())["ko"], settings, original_url=ORIGINAL_URL)
    styles = _part(data, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "Noto Sans KR"
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "ko-KR"
    # a theme font would override the explicit one in Word
    assert not [f for f in styles.iter(f"{W}rFonts") if f.get(f"{W}eastAsiaTheme")]
    runs = list(_part(data, "word/document.xml").iter(f"{W}r"))
    assert runs
    for run in runs:
        assert run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "Noto Sans KR"
        lang = run.find(f"{W}rPr/{W}lang")
        assert (lang.get(f"{W}val"), lang.get(f"{W}eastAsia")) == ("ko-KR", "ko-KR")
    assert _open(data).core_properties.language == "ko-KR"


def test_german_edition_is_tagged_german_without_korean_font() -> None:
    data = render_docx(make_editions(make_release())["de"], Settings())
    for run in _part(data, "word/document.xml").iter(f"{W}r"):
        assert run.find(f"{W}rPr/{W}lang").get(f"{W}val") == "de-DE"
    styles = _part(data, "word/styles.xml")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "de-DE"
    assert b"Malgun Gothic" not in etree.tostring(styles)


def test_machine_translation_notice_links_to_original() -> None:
    editions = make_editions(make_release())
    english = _open(render_docx(editions["en"], Settings(), original_url=ORIGINAL_URL))
    notice = english.paragraphs[0]
    assert notice.text == (
        f"This is a machine translation of the German original: {ORIGINAL_URL}"
    )
    assert [link.url for link in notice.hyperlinks] == [ORIGINAL_URL]
    korean = _open(render_docx(editions["ko"], Settings(), original_url=ORIGINAL_URL))
    assert korean.paragraphs[0].text.startswith("이 문서는 독일어 원문을 기계 번역한 것입니다")
    german = _open(render_docx(editions["de"], Settings(), original_url=ORIGINAL_URL))
    assert german.paragraphs[0].style.name == "Title"
    assert "machine" not in "\n".join(p.text for p in german.paragraphs).lower()


def test_demo_banner_and_title_prefix() -> None:
    edition = make_editions(make_release(), demo=True)["ko"]
    document = _open(render_docx(edition, Settings(), original_url=ORIGINAL_URL))
    banner = document.paragraphs[0]
    assert banner.text == (
        "DEMO — NOT A TRANSLATION: produced by a placeholder model with random weights; "
        "the text is gibberish."
    )
    assert banner.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == "[DEMO] " + KO_TEXTS[0]
    assert document.core_properties.title.startswith("[DEMO] ")
    not_demo = _open(render_docx(make_editions(make_release())["ko"], Settings()))
    assert "DEMO" not in not_demo.paragraphs[0].text


def test_contact_falls_back_to_settings_and_may_be_absent() -> None:
    release = make_release(contact="")
    settings = Settings(contact="Zentrale\n030 1")
    with_default = _open(render_docx(Edition.original(release), settings))
    assert [p.text for p in with_default.paragraphs[-2:]] == ["Pressekontakt", "Zentrale\n030 1"]
    without = _open(render_docx(Edition.original(release), Settings()))
    assert "Pressekontakt" not in [p.text for p in without.paragraphs]


def test_xml_illegal_characters_are_stripped() -> None:
    release = make_release()
    release.title = "Titel\x01 mit\x1f Steuerzeichen\ufffe"
    release.blocks = [block(P, "Text\x08 hier\ud800"), *_contact("Kontakt\x00 Name\x0b")]
    document = _open(render_docx(Edition.original(release), Settings()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Titel mit Steuerzeichen"
    assert "Text hier" in texts
    assert texts[-1] == "Kontakt Name"


def test_write_docx_writes_a_complete_file(tmp_path: Path) -> None:
    path = tmp_path / "en" / "solarpark.docx"
    write_docx(make_editions(make_release())["en"], path, Settings(), original_url=ORIGINAL_URL)
    assert _styles(docx.Document(str(path)))[1] == "Title"
    assert [p.name for p in path.parent.iterdir()] == ["solarpark.docx"]  # no temp file left


@pytest.mark.parametrize("lang", ["de", "en", "ko"])
def test_every_block_text_survives(lang: str) -> None:
    edition = make_editions(make_release())[lang]
    text = "\n".join(p.text for p in _open(render_docx(edition, Settings())).paragraphs)
    for found in edition.blocks:
        assert plain(found) in text


@pytest.mark.parametrize(
    ("source", "target", "notice"),
    [
        ("en", "de", "Dies ist eine maschinelle Übersetzung des englischen Originals"),
        ("en", "ko", "이 문서는 영어 원문을 기계 번역한 것입니다"),
        ("de", "en", "This is a machine translation of the German original"),
        ("fr", "en", "This is a machine translation of the original"),  # no name for 'fr' known
    ],
)
def test_notice_names_the_language_of_the_original(source: str, target: str, notice: str) -> None:
    release = make_release()
    release.lang = source
    edition = Edition.from_texts(release, target, translated(EN_TEXTS))
    document = _open(render_docx(edition, Settings(), original_url=ORIGINAL_URL))
    assert document.paragraphs[0].text == f"{notice}: {ORIGINAL_URL}"


def _cells(table: etree._Element) -> list[list[etree._Element]]:
    return [row.findall(f"{W}tc") for row in table.findall(f"{W}tr")]


def _cell_text(cell: etree._Element) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{W}t"))


def test_bilingual_review_edition_puts_original_and_translation_side_by_side() -> None:
    settings = Settings(korean_font="Noto Sans KR")
    edition = make_editions(make_release())["ko"]
    data = render_bilingual_docx(edition, settings, original_url=ORIGINAL_URL)
    document = _open(data)
    assert document.paragraphs[0].text.startswith("이 문서는 독일어 원문을")
    assert document.paragraphs[1].style.name == "Title"
    (table,) = _part(data, "word/document.xml").iter(f"{W}tbl")
    rows = _cells(table)
    assert all(len(row) == 2 for row in rows)
    assert [_cell_text(cell) for cell in rows[0]] == ["Deutsch", "한국어"]
    assert table.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None  # repeated on each page
    release = edition.release
    assert [_cell_text(row[0]) for row in rows[1:]] == [t.text for t in release.translatable_texts() if t.text]  # no kicker row
    assert [_cell_text(row[1]) for row in rows[1:]] == KO_TEXTS
    styles = {s.style_id: s.name for s in document.styles}
    styles[""] = "Normal"  # the default style is not named on the paragraph
    for row, block in zip(rows[3:], BLOCKS):
        names = [styles[cell.xpath("string(w:p/w:pPr/w:pStyle/@w:val)", namespaces=NS)] for cell in row]
        assert names == [EXPECTED_STYLE[kind_of(block)]] * 2
    for column, (tag, font) in enumerate([("de-DE", None), ("ko-KR", "Noto Sans KR")]):
        for row in rows:
            for run in row[column].iter(f"{W}r"):
                assert run.find(f"{W}rPr/{W}lang").get(f"{W}val") == tag
                fonts = run.find(f"{W}rPr/{W}rFonts")
                assert (fonts.get(f"{W}eastAsia") if fonts is not None else None) == font
    numbered = [
        [cell.find(f"{W}p/{W}pPr/{W}numPr/{W}numId").get(f"{W}val") for cell in row]
        for row, block in zip(rows[3:], BLOCKS)
        if kind_of(block) == OL
    ]
    (left, right), (left_next, right_next) = numbered
    assert left == left_next != right == right_next  # one list per column, each counting 1, 2
    assert "보도 문의" in [p.text for p in document.paragraphs]
    assert document.core_properties.language == "ko-KR"


@pytest.mark.parametrize("header_rows", [0, 1])
def test_tables_have_a_style_and_a_repeated_header_row_only_where_the_release_has_one(header_rows: int) -> None:
    from pressroom.document.model import Cell, Table

    table = Table(((Cell(Text("Jahr")), Cell(Text("Umsatz"))), (Cell(Text("2024")), Cell(Text("4,0 Mrd. €")))), header_rows)
    release = make_release()
    release.blocks = [table]
    document = _open(render_docx(Edition.original(release), Settings()))
    word = document.tables[0]
    assert word.style.name == "Table Grid"
    look = word._tbl.tblPr.find(f"{W}tblLook")
    assert (look.get(f"{W}firstRow"), look.get(f"{W}firstColumn")) == (str(header_rows), "0")
    repeated = [row._tr.trPr is not None and row._tr.trPr.find(f"{W}tblHeader") is not None for row in word.rows]
    assert repeated == [bool(header_rows), False]
    assert [run.bold for run in word.rows[0].cells[0].paragraphs[0].runs] == [True if header_rows else None]
