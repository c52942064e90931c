"""Review files and the approval store: round trips, what counts as approved, malformed files."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from translate.storage import xliff

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
        ReviewUnit(0, "Stuttgart & Sejong <unterzeichnen>", "슈투트가르트와 세종", False, ["error (number-missing): 2025 fehlt"]),
        ReviewUnit(1, "", "", False),
        ReviewUnit(2, "„Wir öffnen heute eine Tür.“", "„우리는 오늘 문을 엽니다.“", True),
    ],
)


def test_xliff_is_version_1_2_and_reads_back_with_translate_toolkit() -> None:
    data = write_xliff(REVIEW)
    assert b'version="1.2"' in data and b"urn:oasis:names:tc:xliff:document:1.2" in data
    store = xliff.xlifffile.parsestring(data)
    units = list(store.unit_iter())
    assert [u.source for u in units] == [u.source for u in REVIEW.units]
    assert [u.target for u in units] == [u.target for u in REVIEW.units]
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
    assert edited.units[0].target == "슈투트가르트와 세종이 서명하다"
    assert edited.units[1].approved


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
