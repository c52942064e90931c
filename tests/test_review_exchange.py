"""Review files and the approval store: round trips, what counts as approved, malformed files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from lxml import etree
from translate.storage import xliff

from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.review.exchange import (
    ReviewError,
    ReviewFile,
    ReviewUnit,
    read_review_docx,
    read_xliff,
    write_review_docx,
    write_xliff,
)
from pressroom.review.store import Approvals, Correction

REVIEW = ReviewFile(
    "stuttgart-sejong",
    "de",
    "ko",
    [
        ReviewUnit(0, Text("Stuttgart & Sejong <unterzeichnen>"), Text("슈투트가르트와 세종"), False, ["error (number-missing): 2025 fehlt"]),
        ReviewUnit(1, Text(""), Text(""), False),
        ReviewUnit(2, Text("„Wir öffnen heute eine Tür.“"), Text("„우리는 오늘 문을 엽니다.“"), True),
    ],
)


def test_xliff_is_version_1_2_and_reads_back_with_translate_toolkit() -> None:
    data = write_xliff(REVIEW)
    assert b'version="1.2"' in data and b"urn:oasis:names:tc:xliff:document:1.2" in data
    store = xliff.xlifffile.parsestring(data)
    units = list(store.unit_iter())
    assert [u.source for u in units] == [u.source.text for u in REVIEW.units]
    assert [u.target for u in units] == [u.target.text for u in REVIEW.units]
    assert "2025 fehlt" in units[0].getnotes()
    assert [u.isapproved() for u in units] == [False, False, True]
    assert read_xliff(data, "x.xlf") == ReviewFile(
        REVIEW.release, "de", "ko", [ReviewUnit(u.index, u.source, u.target, u.approved) for u in REVIEW.units]
    )


def test_units_marked_final_in_a_cat_tool_count_as_approved() -> None:
    store = xliff.xlifffile.parsestring(write_xliff(REVIEW))
    first = next(iter(store.unit_iter()))
    first.set_state_n(first.statemap["signed-off"])
    assert read_xliff(bytes(store), "x.xlf").units[0].approved


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<xliff><file", "not a readable XLIFF"),
        (write_xliff(REVIEW).replace(b'id="2"', b'id="zwei"'), "not a segment number"),
    ],
)
def test_broken_xliff_is_rejected_with_the_file_name(data: bytes, message: str) -> None:
    with pytest.raises(ReviewError, match=f"review.xlf: .*{message}"):
        read_xliff(data, "review.xlf")


def test_review_docx_round_trip_and_edits_in_word() -> None:
    data = write_review_docx(REVIEW)
    assert read_review_docx(data, "r.docx") == ReviewFile(
        REVIEW.release, "de", "ko", [ReviewUnit(u.index, u.source, u.target, u.approved) for u in REVIEW.units]
    )
    document = docx.Document(io.BytesIO(data))
    rows = document.tables[0].rows
    rows[1].cells[2].text = "슈투트가르트와 세종이 서명하다"
    rows[2].cells[3].paragraphs[0].text = "OK"
    buffer = io.BytesIO()
    document.save(buffer)
    edited = read_review_docx(buffer.getvalue(), "r.docx")
    assert edited.units[0].target == Text("슈투트가르트와 세종이 서명하다")
    assert edited.units[1].approved


# A segment with nested and overlapping marks: bold "Neuer Park" holding the link on "Park",
# and italic from "Park" to "öffnet" crossing bold's end.
RICH_SOURCE = Text(
    "Neuer Park öffnet heute, mehr auf stuttgart.de.",
    (
        Mark(0, 10, MarkKind.BOLD),
        Mark(6, 10, MarkKind.LINK, "https://www.stuttgart.de/park"),
        Mark(6, 17, MarkKind.ITALIC),
        Mark(34, 46, MarkKind.LINK, "https://www.stuttgart.de/"),
    ),
)
RICH_TARGET = Text(
    "New park opens today, more at stuttgart.de.",
    (
        Mark(0, 8, MarkKind.BOLD),
        Mark(4, 8, MarkKind.LINK, "https://www.stuttgart.de/park"),
        Mark(4, 14, MarkKind.ITALIC),
        Mark(30, 42, MarkKind.LINK, "https://www.stuttgart.de/"),
    ),
)
RICH = ReviewFile("park", "de", "en", [ReviewUnit(2, RICH_SOURCE, RICH_TARGET)])


def test_xliff_carries_marks_as_g_elements_that_nest_and_come_back() -> None:
    data = write_xliff(RICH)
    unit = next(iter(xliff.xlifffile.parsestring(data).unit_iter()))
    source = etree.tostring(unit.source_dom, encoding="unicode")
    # Properly nested XML: italic crosses bold's end, so it is cut in two pieces (3 and 3-2).
    assert '<g id="1" ctype="bold">Neuer <g id="3" ctype="italic"><g id="2" ctype="link">Park</g></g></g>' in source
    assert '<g id="3-2" ctype="italic"> öffnet</g>' in source
    assert '<g id="4" ctype="link">stuttgart.de</g>' in source
    assert "https://" not in source  # link addresses stay out of the file
    back = read_xliff(data, "park.xlf").units[0]
    assert back.source.text == RICH_SOURCE.text and back.target.text == RICH_TARGET.text
    assert back.target.marks == tuple(m for m in RICH_TARGET.marks if m.kind is not MarkKind.LINK)
    # Links come back as the numbers of the source marks whose addresses they carry.
    assert back.links == ((4, 8, 2), (30, 42, 4))


def test_tags_moved_in_a_cat_tool_move_the_marks() -> None:
    data = write_xliff(RICH).decode()
    edited = re.sub(
        r"(<target[^>]*>).*?(</target>)",
        r'\1<g id="1">Opening</g> today: the new <g id="2">park</g>, more at <g id="4">stuttgart.de</g>.\2',
        data,
        flags=re.DOTALL,
    )
    back = read_xliff(edited.encode(), "park.xlf").units[0]
    assert back.target.text == "Opening today: the new park, more at stuttgart.de."
    # No ctype on the moved tags: the kind comes from the source mark with the same id.
    assert back.target.marks == (Mark(0, 7, MarkKind.BOLD),)
    assert back.links == ((23, 27, 2), (37, 49, 4))


def test_review_docx_shows_marks_and_reads_back_what_word_changed() -> None:
    data = write_review_docx(RICH)
    document = docx.Document(io.BytesIO(data))
    cell = document.tables[0].rows[1].cells[2]
    assert [h.url for h in cell.paragraphs[0].hyperlinks] == ["https://www.stuttgart.de/park", "https://www.stuttgart.de/"]
    assert read_review_docx(data, "r.docx").units[0].target == RICH_TARGET
    runs = cell.paragraphs[0].runs
    runs[-1].italic = True  # the reviewer makes the final "." italic in Word
    buffer = io.BytesIO()
    document.save(buffer)
    assert Mark(42, 43, MarkKind.ITALIC) in read_review_docx(buffer.getvalue(), "r.docx").units[0].target.marks


def test_a_word_file_that_is_not_a_review_is_rejected(tmp_path: Path) -> None:
    other = docx.Document()
    other.add_paragraph("Eine ganz normale Pressemitteilung.")
    buffer = io.BytesIO()
    other.save(buffer)
    with pytest.raises(ReviewError, match="not a pressroom review document"):
        read_review_docx(buffer.getvalue(), "brief.docx")
    with pytest.raises(ReviewError, match="not a readable Word"):
        read_review_docx(b"PK\x03\x04 broken", "kaputt.docx")


def test_approvals_key_on_language_pair_and_normalised_source(tmp_path: Path) -> None:
    store = Approvals(tmp_path / "reviews.sqlite")
    store.approve([Correction("de", "ko", "Guten  Tag.", "안녕하세요.")], "Min-ji", "a.xlf")
    assert store.lookup("de", "ko", ["Guten Tag.", "Gute Nacht."])["Guten Tag."].target == "안녕하세요."
    assert store.lookup("de", "en", ["Guten Tag."]) == {}
    store.close()
    reopened = Approvals(tmp_path / "reviews.sqlite")
    approval = reopened.lookup("de", "ko", ["Guten Tag."])["Guten Tag."]
    assert approval.reviewer == "Min-ji" and approval.approved_at
    reopened.close()


def test_review_docx_counts_a_reviewers_tracked_insertions_and_not_the_deletions() -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document(io.BytesIO(write_review_docx(REVIEW)))
    paragraph = document.tables[0].rows[1].cells[2].paragraphs[0]
    for run in paragraph.runs:  # Word with Track Changes on: the old words deleted, new ones inserted
        run._r.getparent().remove(run._r)
    paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="R"><w:r><w:delText>슈투트가르트와 세종</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="R"><w:r><w:rPr><w:b/></w:rPr><w:t>슈투트가르트</w:t></w:r></w:ins>'))
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_review_docx(buffer.getvalue(), "r.docx").units[0].target == Text("슈투트가르트", (Mark(0, 6, MarkKind.BOLD),))
