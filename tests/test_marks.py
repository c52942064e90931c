"""Marks through translation: placed by the engines' word alignment, on protected spans by their
placeholders, through a pivot, from the memory, and reported where they cannot be placed."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engines import ScriptedEngine, TaggingEngine

from pressroom.build.plan import EditionPlan
from pressroom.build.stages import apply_reviews, translate_editions
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult, SilentReporter
from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.document.model import Cell, Edition, Figure, Image, Paragraph, Release, Table
from pressroom.qa.checks import EditionRecord, check_editions
from pressroom.qa.protect import Protector
from pressroom.qa.report import save_records
from pressroom.review.store import REVIEWS_FILE, Approvals, Correction
from pressroom.review.workflow import export_reviews, import_reviews
from pressroom.translate.base import Engine

BOLD, ITALIC, LINK = MarkKind.BOLD, MarkKind.ITALIC, MarkKind.LINK
PARK = "https://www.stuttgart.de/park"

# A German verb-final clause: "eröffnet" ends the sentence, "opened" is the third word.
VERB_FINAL = "Die Stadt hat am Montag den neuen Park eröffnet."
VERB_FINAL_EN = (
    "The city opened the new park on Monday.",
    ((0, 0), (1, 1), (2, 2), (3, 6), (4, 7), (5, 3), (6, 4), (7, 5), (8, 2)),
)


def marked(text: str, *marks: tuple[str, MarkKind] | tuple[str, MarkKind, str]) -> Text:
    """``text`` with a mark on the first occurrence of each given stretch."""
    found = []
    for stretch, kind, *target in marks:
        start = text.index(stretch)
        found.append(Mark(start, start + len(stretch), kind, *target))
    return Text(text, tuple(found))


def on(text: Text, kind: MarkKind) -> list[str]:
    """The stretches of ``text`` under marks of ``kind`` (with their targets for links)."""
    return [text.text[m.start : m.end] + (f" → {m.target}" if m.target else "") for m in text.marks if m.kind is kind]


def release(*paragraphs: Text, blocks: list | None = None) -> Release:
    return Release(
        slug="park",
        title="Neuer Park",
        date=datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        blocks=[Paragraph(p) for p in paragraphs] + (blocks or []),
        source_path=Path("releases/park.md"),
    )


BODY = len(release().translatable_texts())  # the first paragraph's segment (title, kicker, summary before it)


def translate(
    rich: Release, routes: dict[str, list[Engine]], tmp_path: Path, *, memory: bool = False
) -> tuple[list[Edition], list[EditionRecord]]:
    options = BuildOptions(output_dir=tmp_path / "output", use_memory=memory)
    plans = [EditionPlan(rich, True, routes)]
    editions, records = translate_editions(plans, Protector(), options, BuildResult(), SilentReporter())
    return [e for e in editions if e.machine_translated], records


def body(edition: Edition, index: int = 0) -> Text:
    block = edition.blocks[index]
    assert isinstance(block, Paragraph)
    return block.text


def test_marks_follow_their_words_when_the_verb_moves_to_the_front(tmp_path: Path) -> None:
    source = marked(VERB_FINAL, ("eröffnet", BOLD), ("Montag", ITALIC), ("den neuen Park", LINK, PARK))
    engine = ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})
    (english,), records = translate(release(source), {"en": [engine]}, tmp_path)
    text = body(english)
    assert text.text == "The city opened the new park on Monday."
    assert on(text, BOLD) == ["opened"]
    assert on(text, ITALIC) == ["Monday"]  # without the full stop the source mark left out
    assert on(text, LINK) == [f"the new park → {PARK}"]
    assert records[0].units[BODY].marks_not_placed == []


def test_nested_marks_stay_nested(tmp_path: Path) -> None:
    source = Text(VERB_FINAL, (Mark(24, 38, BOLD), Mark(34, 38, LINK, PARK)))  # bold "den neuen Park", link "Park"
    assert on(source, BOLD) == ["den neuen Park"] and on(source, LINK) == [f"Park → {PARK}"]
    (english,), _ = translate(release(source), {"en": [ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})]}, tmp_path)
    text = body(english)
    assert on(text, BOLD) == ["the new park"] and on(text, LINK) == [f"park → {PARK}"]
    runs = [(run.text, run.bold, run.link) for run in text.runs() if run.bold]
    assert runs == [("the new ", True, ""), ("park", True, PARK)]


def test_a_mark_that_cannot_be_placed_drops_emphasis_keeps_links_and_is_reported(tmp_path: Path) -> None:
    # Articles that attend to the far end of the sentence: "Der Bürgermeister" aligns to "The"
    # and to "the mayor", with "project is praised by" in between (scattered).
    sentence = "Der Bürgermeister lobt das Projekt."
    script = {sentence: ("The project is praised by the mayor.", ((0, 0), (0, 5), (1, 6), (2, 2), (2, 3), (3, 0), (4, 1)))}
    source = marked(sentence, ("Der Bürgermeister", BOLD), ("Projekt", LINK, PARK))
    (english,), records = translate(release(source), {"en": [ScriptedEngine("de", "en", script)]}, tmp_path)
    text = body(english)
    assert on(text, BOLD) == []  # scattered: left out, not put on the wrong words
    assert on(text, LINK) == [f"project → {PARK}"]
    # An engine without any alignment: the bold goes, the link covers the whole sentence.
    (untagged,), records = translate(release(source), {"en": [TaggingEngine("de", "en", aligned=False)]}, tmp_path)
    text = body(untagged)
    assert text.text == "<en>" + sentence  # no text added for the link
    assert on(text, BOLD) == [] and on(text, LINK) == [f"<en>Der Bürgermeister lobt das Projekt. → {PARK}"]
    findings = [f for f in check_editions(records, Protector()) if f.code == "mark-not-placed"]
    assert [(f.segment, f.severity) for f in findings] == [(BODY, "warning"), (BODY, "warning")]
    assert "„Der Bürgermeister“" in findings[0].message and "left out" in findings[0].message
    assert PARK in findings[1].message and "whole sentence" in findings[1].message


def test_a_link_on_a_protected_span_rides_on_its_placeholder(tmp_path: Path) -> None:
    sentence = "Informationen gibt es unter www.stuttgart.de/park und bei presse@stuttgart.de."
    source = marked(
        sentence,
        ("www.stuttgart.de/park", LINK, PARK),
        ("presse@stuttgart.de", LINK, "mailto:presse@stuttgart.de"),
        ("Informationen", BOLD),
    )
    # The engine loses the second placeholder, so the sentence is translated in pieces: no
    # alignment, but the placeholders are back in place and the links with them.
    masked = "Informationen gibt es unter ⟦1⟧ und bei ⟦2⟧."
    engine = ScriptedEngine("de", "en", {masked: ("Information at ⟦1⟧ and from.", ())})
    (english,), records = translate(release(source), {"en": [engine]}, tmp_path)
    text = body(english)
    assert on(text, LINK) == [f"www.stuttgart.de/park → {PARK}", "presse@stuttgart.de → mailto:presse@stuttgart.de"]
    assert on(text, BOLD) == []
    unit = records[0].units[BODY]
    assert unit.in_pieces == [0] and len(unit.marks_not_placed) == 1 and "Bold" in unit.marks_not_placed[0]


def test_marks_are_carried_through_the_pivot(tmp_path: Path) -> None:
    sentence = "Die Stadt eröffnet den Park."
    de_en = ScriptedEngine("de", "en", {sentence: ("The city opens the park.", tuple((i, i) for i in range(5)))})
    en_ko = ScriptedEngine("en", "ko", {"The city opens the park.": ("시는 공원을 개장한다.", ((0, 0), (1, 0), (2, 2), (3, 1), (4, 1)))})
    source = marked(sentence, ("Park", LINK, PARK), ("eröffnet", BOLD))
    (korean,), _ = translate(release(source), {"ko": [de_en, en_ko]}, tmp_path)
    text = body(korean)
    assert on(text, LINK) == [f"공원을 → {PARK}"] and on(text, BOLD) == ["개장한다"]


def test_a_mark_over_whole_sentences_covers_their_whole_translation(tmp_path: Path) -> None:
    source = Text("Achtung. Die Straße ist gesperrt.", (Mark(0, 33, BOLD),))
    (english,), _ = translate(release(source), {"en": [TaggingEngine("de", "en", aligned=False)]}, tmp_path)
    assert on(body(english), BOLD) == ["<en>Achtung. <en>Die Straße ist gesperrt."]  # one mark across both sentences


def test_the_memory_keeps_alignments_so_marks_are_placed_again_without_the_model(tmp_path: Path) -> None:
    source = marked(VERB_FINAL, ("eröffnet", BOLD))
    first = ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})
    (english,), _ = translate(release(source), {"en": [first]}, tmp_path, memory=True)
    again = ScriptedEngine("de", "en", {})
    (repeated,), _ = translate(release(source), {"en": [again]}, tmp_path, memory=True)
    assert again.seen == [] and on(body(repeated), BOLD) == ["opened"] == on(body(english), BOLD)


def test_an_old_memory_entry_is_a_miss_only_for_the_sentence_whose_marks_need_its_alignment(tmp_path: Path) -> None:
    plain, bold = "Der Park ist groß.", marked(VERB_FINAL, ("eröffnet", BOLD))
    engine = ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})
    translate(release(Text(plain), bold), {"en": [engine]}, tmp_path, memory=True)
    with sqlite3.connect(tmp_path / "output" / STATE_DIR / "memory.sqlite") as db:
        db.execute("UPDATE translations SET alignment = '', aligned = 0")  # as written before alignments
    again = ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})
    (english,), _ = translate(release(Text(plain), bold), {"en": [again]}, tmp_path, memory=True)
    assert again.seen == [VERB_FINAL] and on(body(english, 1), BOLD) == ["opened"]


def test_figures_stay_out_of_the_model_captions_and_alt_texts_go_in(tmp_path: Path) -> None:
    table = Table(
        ((Cell(Text("Kennzahl")), Cell(Text("2024"))), (Cell(Text("Umsatz")), Cell(Text("4,0 Mrd. €", (Mark(0, 3, BOLD),))))),
        header_rows=1,
    )
    figure = Figure(Image(b"\x89PNG", "image/png", "park.png"), Text("Der neue Park."), "Luftbild des Parks")
    engine = TaggingEngine("de", "en")
    (english,), records = translate(release(blocks=[table, figure]), {"en": [engine]}, tmp_path)
    assert set(engine.seen) == {"Neuer Park", "Kennzahl", "Umsatz", "Der neue Park.", "Luftbild des Parks"}
    cells = [cell.text for row in english.blocks[0].rows for cell in row]
    assert cells == [Text("<en>Kennzahl"), Text("2024"), Text("<en>Umsatz"), Text("4,0 Mrd. €", (Mark(0, 3, BOLD),))]
    assert (english.blocks[1].caption.text, english.blocks[1].alt) == ("<en>Der neue Park.", "<en>Luftbild des Parks")
    assert not [f for f in check_editions(records, Protector()) if f.code == "untranslated"]


@pytest.mark.parametrize("stored_marks", [True, False])
def test_approved_translations_keep_their_marks_and_every_link(tmp_path: Path, stored_marks: bool) -> None:
    source = marked(VERB_FINAL, ("eröffnet", BOLD), ("Park", LINK, PARK))
    editions, records = translate(release(source), {"en": [ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})]}, tmp_path)
    approved = "On Monday the city opened the new park."
    state = tmp_path / "output" / STATE_DIR
    approvals = Approvals(state / REVIEWS_FILE)
    approvals.approve([Correction("de", "en", records[0].units[BODY].source, approved, (Mark(14, 18, ITALIC),))], "Ana", "park.xlf")
    approvals.close()
    if not stored_marks:  # an approval from before reviews kept marks
        with sqlite3.connect(state / REVIEWS_FILE) as db:
            db.execute("UPDATE approved SET marks = NULL")
    (english,), count = apply_reviews(editions, records, state)
    text = body(english)
    assert count == 1 and text.text == approved
    # The reviewer's italic is kept; the link the reviewer's file did not carry covers the
    # whole segment rather than being lost.
    assert on(text, ITALIC) == (["city"] if stored_marks else [])
    assert on(text, LINK) == [f"{approved} → {PARK}"]
    assert len(records[0].units[BODY].marks_not_placed) == (1 if stored_marks else 2)


def test_marks_moved_in_a_cat_tool_are_published(tmp_path: Path) -> None:
    source = marked(VERB_FINAL, ("eröffnet", BOLD), ("den neuen Park", LINK, PARK))
    editions, records = translate(release(source), {"en": [ScriptedEngine("de", "en", {VERB_FINAL: VERB_FINAL_EN})]}, tmp_path)
    output = tmp_path / "output"
    save_records(records, output / STATE_DIR)
    (path,) = export_reviews(output, output / STATE_DIR, tmp_path / "review")
    exported = path.read_text(encoding="utf-8")
    # Numbered in the source's order: the link on "den neuen Park" is 1, the bold "eröffnet" 2.
    assert '<g id="2" ctype="bold">opened</g>' in exported and '<g id="1" ctype="link">the new park</g>' in exported
    # The reviewer rewrites the sentence and moves the tags with the words (OmegaT keeps ids,
    # and may drop the ctype); the link's address is not in the file to be changed.
    corrected = re.sub(
        rf'(<trans-unit[^>]*id="{BODY}".*?<target[^>]*>).*?(</target>)',
        r'\1On Monday, <g id="1">the new park</g> was <g id="2">opened</g> by the city.\2',
        exported,
        flags=re.DOTALL,
    )
    path.write_text(corrected, encoding="utf-8")
    outcomes, problems = import_reviews(output / STATE_DIR, [path], "Ana")
    assert not problems and outcomes[0].approved == 1
    (english,), _ = apply_reviews(editions, records, output / STATE_DIR)
    text = body(english)
    assert text.text == "On Monday, the new park was opened by the city."
    assert on(text, BOLD) == ["opened"] and on(text, LINK) == [f"the new park → {PARK}"]
    assert records[0].units[BODY].marks_not_placed == []


def test_text_marked_as_code_is_kept_as_written_with_its_mark(tmp_path: Path) -> None:
    source = marked("Die Datei pressroom.toml liegt im Ordner presse.", ("pressroom.toml", MarkKind.CODE))
    engine = ScriptedEngine("de", "en", {"Die Datei ⟦1⟧ liegt im Ordner presse.": ("The file ⟦1⟧ is in the folder presse.", ())})
    (english,), records = translate(release(source, Text("pressroom build", (Mark(0, 15, MarkKind.CODE),))), {"en": [engine]}, tmp_path)
    assert "Die Datei ⟦1⟧ liegt im Ordner presse." in engine.seen  # the model never sees it
    assert "pressroom build" not in " ".join(engine.seen)  # a paragraph of code only: no model at all
    assert on(body(english), MarkKind.CODE) == ["pressroom.toml"] and body(english, 1) == Text("pressroom build", (Mark(0, 15, MarkKind.CODE),))
    assert [f.code for f in check_editions(records, Protector())] == []
