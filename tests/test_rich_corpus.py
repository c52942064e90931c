"""The readers on the rich corpus (../shared/corpus/de-rich-releases): every fact in the JSON
blocks of its EXPECTED.md (tables with shape, cells and merges, links, bold and italic spans,
list levels, pictures, contact rows and lines, dateline parts, date and precision, headline
and the must-nots) is checked against what the readers make of each file.

check.py in that folder checks the same facts against the files themselves; here they are
checked against the document model, which every edition is written from.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from datetime import datetime, timezone
from typing import Any

import pytest
from shared_dir import RICH_CORPUS

from pressroom.config import Settings
from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import (
    Block,
    Contact,
    Dateline,
    Figure,
    Heading,
    ListItem,
    Paragraph,
    Quote,
    Release,
    Table,
)
from pressroom.readers import read_release
from pressroom.readers.common import MTIME_WARNING

pytestmark = pytest.mark.corpus
MTIME = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)


def expectations() -> list[dict[str, Any]]:
    text = (RICH_CORPUS / "EXPECTED.md").read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"^```json\n(.*?)\n```$", text, re.S | re.M)]


EXPECTED = {fact["file"]: fact for fact in expectations()} if (RICH_CORPUS / "EXPECTED.md").is_file() else {}
NAMES = sorted(EXPECTED) or ["01-mercedes-benz-q2-2024.docx"]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Release]:
    """Every release read from a copy with a known modification time (pictures beside it)."""
    folder = tmp_path_factory.mktemp("rich")
    for path in RICH_CORPUS.iterdir():
        if path.suffix in (".md", ".txt", ".docx", ".jpg"):
            shutil.copyfile(path, folder / path.name)
            os.utime(folder / path.name, (MTIME.timestamp(), MTIME.timestamp()))
    return {name: read_release(folder / name, Settings()) for name in EXPECTED}


def all_texts(blocks: list[Block]) -> list[Text]:
    """Every text of the body in document order, contact lines and contact cells included."""
    texts: list[Text] = []
    for block in blocks:
        if isinstance(block, Contact):
            texts += list(block.lines) + ([cell.text for row in block.table.rows for cell in row] if block.table else [])
        else:
            texts += list(block.texts())
    return texts


def spans(texts: list[Text], kind: MarkKind) -> list[str]:
    return [text.text[m.start : m.end] for text in texts for m in text.marks if m.kind is kind]


def grid(table: Table) -> list[list[str]]:
    """The table as python-docx reports it: a merged cell's text in every grid position."""
    rows, columns = table.shape
    out: list[list[str | None]] = [[None] * columns for _ in range(rows)]
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while out[r][c] is not None:
                c += 1
            for dr in range(cell.row_span):
                for dc in range(cell.col_span):
                    out[r + dr][c + dc] = cell.text.text
            c += cell.col_span
    return [[text or "" for text in row] for row in out]


def body_tables(release: Release) -> list[Table]:
    return [b for b in release.blocks if isinstance(b, Table)]


def contact_of(release: Release) -> Contact:
    (contact,) = [b for b in release.blocks if isinstance(b, Contact)]
    return contact


@pytest.mark.parametrize("name", NAMES)
def test_headline_kicker_date_and_dateline(name: str, releases: dict[str, Release]) -> None:
    fact, release = EXPECTED[name], releases[name]
    assert release.title == fact["headline"]["text"]
    kicker = next((o["text"] for o in fact["other"] if o["what"].startswith("kicker")), "")
    assert release.kicker == kicker  # never the title
    date = fact["date"]
    if date["value"] is None:  # nothing stated: nothing invented (not 31.12.2015, not the file's dates)
        assert MTIME_WARNING in release.warnings and release.date == MTIME.astimezone(release.date.tzinfo)
    else:
        value = date["value"]
        assert release.date_precision == date["precision"]
        assert release.date.isoformat().startswith(value[:10]) if len(value) >= 10 else release.date.isoformat().startswith(value)
        if "T" in value:
            assert release.date == datetime.fromisoformat(value)
    datelines = [b for b in release.blocks if isinstance(b, Dateline)]
    expected = fact["dateline"]
    if expected is None:
        assert datelines == []
        return
    (dateline,) = datelines
    # Where it stands: first after the front matter, or under the subline; never moved down.
    before = release.blocks[: release.blocks.index(dateline)]
    assert len(before) <= 1 and all(isinstance(b, Paragraph) for b in before)
    assert bool(before) == ("under the subline" in expected["note"])
    assert (dateline.line, dateline.weekday, dateline.date, dateline.time) == (
        expected["line"], expected["weekday"] or "", expected["date"], (expected["time"] or "")
    )
    place_words = re.findall(r"\w+", expected["place"] or "")
    assert set(place_words) <= set(re.findall(r"\w+", dateline.place)) and bool(place_words) == bool(dateline.place)


@pytest.mark.parametrize("name", NAMES)
def test_headings_lists_quotes_and_other_facts(name: str, releases: dict[str, Release]) -> None:
    fact, release = EXPECTED[name], releases[name]
    headings = [{"level": b.level, "text": b.text.text} for b in release.blocks if isinstance(b, Heading)]
    contact = contact_of(release)
    expected_headings = [{"level": h["level"], "text": h["text"]} for h in fact["headings"] if h["level"] > 1]
    if expected_headings and expected_headings[-1]["text"] == contact.label:  # the contact heading heads the contact block
        headings.append({"level": 2, "text": contact.label})
    assert headings == expected_headings
    lists = [{"level": b.level, "text": b.text.text} for b in release.blocks if isinstance(b, ListItem)]
    toc = next((o for o in fact["other"] if o["what"] == "table of contents"), None)
    if toc:  # item numbers kept as written, and not numbered again
        items = [b for b in release.blocks if isinstance(b, ListItem)]
        assert [b.text.text[:5] for b in items] == [f"{n}." for n in range(1081, 1087)]
        assert not any(b.ordered for b in items)
    else:
        assert lists == [{"level": li["level"], "text": li["text"]} for li in fact["lists"]]
    assert [b.text.text for b in release.blocks if isinstance(b, Quote)] == fact["blockquotes"]
    everything = " ".join([release.kicker, release.title, *(t.text for t in all_texts(release.blocks))]
                          + [b.line for b in release.blocks if isinstance(b, Dateline)])
    for other in fact["other"]:
        if other["literal"] and other["what"] != "autolink":  # markup: checked as a link
            assert other["text"] in everything, other
    for placeholder in fact["placeholders"]:
        assert placeholder in everything, placeholder


@pytest.mark.parametrize("name", NAMES)
def test_tables_keep_shape_cells_merges_header_and_alignment(name: str, releases: dict[str, Release]) -> None:
    fact, release = EXPECTED[name], releases[name]
    contact = contact_of(release)
    tables = body_tables(release) + ([contact.table] if contact.table else [])
    assert len(tables) == len(fact["tables"])
    for table, expected in zip(tables, fact["tables"]):
        assert table.shape == (expected["rows"], expected["cols"]), expected["name"]
        assert grid(table) == expected["cells"], expected["name"]
        assert (table.header_rows > 0) == expected["header_row"], expected["name"]
        if "align" in expected:
            assert [a or "none" for a in table.align] == expected["align"]
        merged = []
        for r, row in enumerate(table.rows):
            for cell in row:
                if cell.row_span > 1 or cell.col_span > 1:
                    merged.append((cell.text.text, cell.row_span, cell.col_span))
        assert merged == [
            (m["text"], m["to"][0] - m["from"][0] + 1, m["to"][1] - m["from"][1] + 1) for m in expected.get("merged", [])
        ]


@pytest.mark.parametrize("name", NAMES)
def test_links_and_emphasis_survive(name: str, releases: dict[str, Release]) -> None:
    fact, release = EXPECTED[name], releases[name]
    texts = all_texts(release.blocks)
    links = [{"text": t.text[m.start : m.end], "target": m.target} for t in texts for m in t.marks if m.kind is MarkKind.LINK]
    if fact["format"] == "txt":  # plain text links the addresses it writes out, nothing else
        written_out = [link for link in links if link not in fact["links"]]
        assert written_out and all(link["text"] in link["target"] for link in written_out), written_out
        links = [link for link in links if link in fact["links"]]
    assert links == fact["links"]
    # Table cells are not in the lists (a header row is bold by its table); captions are.
    outside_tables = all_texts([b for b in release.blocks if not isinstance(b, Table | Contact)])
    assert spans(outside_tables, MarkKind.BOLD) == fact["bold"]
    assert spans(outside_tables, MarkKind.ITALIC) == fact["italic"]


@pytest.mark.parametrize("name", NAMES)
def test_pictures_with_alt_title_caption_and_their_bytes(name: str, releases: dict[str, Release]) -> None:
    fact, release = EXPECTED[name], releases[name]
    figures = [b for b in release.blocks if isinstance(b, Figure)]
    assert len(figures) == len(fact["images"])
    for figure, expected in zip(figures, fact["images"]):
        data = (RICH_CORPUS / expected["file"]).read_bytes()
        assert hashlib.sha256(figure.image.data).hexdigest() == hashlib.sha256(data).hexdigest()
        assert figure.image.media_type == "image/jpeg"
        assert (figure.alt, figure.title, figure.caption.text) == (expected["alt"], expected["title"], expected["caption"])
        if fact["format"] == "md":  # Markdown states no size: the picture's own
            assert (figure.image.width, figure.image.height) == (expected["width_px"], expected["height_px"])


@pytest.mark.parametrize("name", NAMES)
def test_contact_block_kept_verbatim(name: str, releases: dict[str, Release]) -> None:
    fact, release = EXPECTED[name], releases[name]
    contact = contact_of(release)
    expected = fact["contact"]
    assert contact.label == expected["label"]
    if "rows" in expected:
        assert contact.table is not None and grid(contact.table) == expected["rows"]
    else:
        lines = [line.text for line in contact.lines]
        assert lines[: len(expected["lines"])] == expected["lines"]
    assert release.blocks[-1] is contact
    body = " ".join(t.text for b in release.blocks if not isinstance(b, Contact) for t in b.texts())
    for line in expected.get("lines", []):
        if not any(line in p.text.text for p in release.blocks if isinstance(p, Paragraph)):
            assert line not in body  # contact data never goes to the model as body text


def test_must_nots(releases: dict[str, Release]) -> None:
    """The 'must not' lists of EXPECTED.md, each as the check it asks for."""
    mercedes, bosch, berlin, stuttgart, munich, vfb = (releases[name] for name in NAMES)
    assert mercedes.date.year == 2024 and {b.level for b in mercedes.blocks if isinstance(b, ListItem)} == {1, 2}
    assert sum(cell == "k. A." for row in grid(body_tables(mercedes)[0]) for cell in row) == 4
    assert MTIME_WARNING in bosch.warnings and bosch.date.year != 2015
    assert "Nr. 1750" in [b.text.text for b in berlin.blocks if isinstance(b, Paragraph)]
    assert len([b for b in berlin.blocks if isinstance(b, ListItem)]) == 22
    assert stuttgart.date_precision == "month" and stuttgart.date.day == 1
    assert [cell.text.text for row in body_tables(munich)[0].rows[1:] for cell in row[:1]][1:] == [
        "17.06.", "20.06.", "25.06.", "02.07.", "09.07.",
    ]  # fmt: skip
    (dateline,) = [b for b in munich.blocks if isinstance(b, Dateline)]
    assert (dateline.weekday, dateline.time) == ("", "")
    assert vfb.date_precision == "year" and vfb.title != vfb.kicker and body_tables(vfb)[0].shape == (4, 3)
