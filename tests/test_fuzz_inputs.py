"""Fuzzing: random and mutated release and review files never end in "Unexpected error".

Each reader (.md, .txt, .docx) and the review import (XLIFF, review DOCX) get random bytes and
mutations of valid files: bytes flipped, cut, repeated; inside a Word file the XML itself
mutated (so python-docx and lxml see it, not only the zip's checksum). A reader may return a
release or refuse the file with its own error, nothing else; a build with a fuzzed file
beside a good one publishes the good one.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from engines import StaticEngines, TaggingEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildOptions
from pressroom.config import Settings
from pressroom.review.exchange import ReviewError, read_review_docx, read_xliff
from pressroom.readers import ReaderError, read_release

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
GOOD = "---\ntitle: Gute Meldung\ndate: 2025-08-04T10:00:00+02:00\n---\nDie Haltestelle wird eröffnet.\n"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FUZZ_BUILD = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_counter = itertools.count()

MARKDOWN = (
    "---\ntitle: Straßenbahn für Möhringen\ndate: 2025-07-24 14:30\nslug: bahn\ntags: [Verkehr, SSB]\n"
    "summary: Die SSB baut.\ncontact: |\n  Presseamt\n  Tel. 0711 216-0\nlang: de\n---\n"
    "# Straßenbahn für Möhringen\n\nDie **SSB** baut am 24. Juli eine [Haltestelle](https://ssb.de).\n\n"
    "## Zeitplan\n\n- Start: `Montag`\n- Ende: _Freitag_\n\n1. eins\n2. zwei\n\n> „Wir freuen uns“, sagt Dr. A. Meier.\n"
)
TEXT = (
    "Pressemitteilung\nStraßenbahn für Möhringen\n24.07.2025 – 14:30\n\nDie SSB baut eine Haltestelle.\n"
    "Was ändert sich?\n• Mehr Bahnen\n• Neue Wege\n„Wir freuen uns“\n\nRückfragen bitte an:\nPresseamt\nTel. 0711 216-0\n"
)


def _word() -> bytes:
    document = docx.Document()
    document.add_paragraph("Straßenbahn für Möhringen", style="Title")
    document.add_paragraph("Stuttgart, 24. Juli 2025 – Die SSB baut eine Haltestelle.")
    document.add_paragraph("Zeitplan", style="Heading 1")
    document.add_paragraph("Mehr Bahnen", style="List Bullet")
    document.add_paragraph("„Wir freuen uns“", style="Quote")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "Linie", "U5"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


WORD = _word()


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few bytes changed, cut out, repeated or inserted."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "repeat", "insert", "truncate"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 50))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[at:]
    return bytes(data)


@st.composite
def mutated_word(draw: st.DrawFn, seed: bytes = WORD) -> bytes:
    """A Word file whose zip is sound but one XML part (or its list of parts) is mutated."""
    with zipfile.ZipFile(io.BytesIO(seed)) as source:
        names = source.namelist()
        target = draw(st.sampled_from([n for n in names if n.endswith((".xml", ".rels"))]))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
            for name in names:
                if name == target and draw(st.booleans()) and draw(st.booleans()):
                    continue  # a part missing altogether
                data = source.read(name)
                result.writestr(name, draw(mutated(data)) if name == target else data)
    return out.getvalue()


def _release_file(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"fuzz-{next(_counter)}{suffix}"
    path.write_bytes(data)
    return path


def _read(path: Path) -> None:
    try:
        release = read_release(path, Settings())
    except ReaderError as exc:
        assert str(exc).startswith(f"{path}: "), exc
        return
    assert release.title and release.slug


SEEDS = {".md": MARKDOWN.encode(), ".txt": TEXT.encode(), ".docx": WORD}


@pytest.mark.parametrize("suffix", SEEDS)
@FUZZ
@given(data=st.binary(max_size=3000))
def test_readers_take_random_bytes(tmp_path: Path, suffix: str, data: bytes) -> None:
    _read(_release_file(tmp_path, suffix, data))


@pytest.mark.parametrize("suffix", SEEDS)
@FUZZ
@given(data=st.data())
def test_readers_take_mutated_files(tmp_path: Path, suffix: str, data: st.DataObject) -> None:
    _read(_release_file(tmp_path, suffix, data.draw(mutated(SEEDS[suffix]))))


@FUZZ
@given(data=mutated_word())
def test_the_word_reader_takes_mutated_xml(tmp_path: Path, data: bytes) -> None:
    _read(_release_file(tmp_path, ".docx", data))


@FUZZ_BUILD
@given(
    suffix=st.sampled_from(sorted(SEEDS)),
    data=st.data(),
)
def test_a_build_publishes_the_good_release_beside_a_fuzzed_one(tmp_path: Path, suffix: str, data: st.DataObject) -> None:
    root = tmp_path / f"site-{next(_counter)}"
    (root / "releases").mkdir(parents=True)
    (root / "releases" / "gut.md").write_text(GOOD, encoding="utf-8")
    seed = SEEDS[suffix]
    fuzzed = data.draw(st.one_of(mutated(seed), mutated_word() if suffix == ".docx" else mutated(seed), st.binary(max_size=2000)))
    (root / "releases" / f"fuzz{suffix}").write_bytes(fuzzed)
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    result = build(Settings(), BuildOptions(root / "releases", root / "output"), engines, now=NOW)
    assert all("gute-meldung" in slugs for slugs in result.published.values()), (result.published, result.failed)
    assert result.exit_code in (0, 1)


# --- the review import ----------------------------------------------------------------------

XLIFF = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n'
    '<file original="bahn" source-language="de" datatype="plaintext" target-language="en"><body>\n'
    '<trans-unit id="0" approved="yes"><source>Straßenbahn</source><target state="final">Tram</target></trans-unit>\n'
    '<trans-unit id="2"><source>Die SSB baut.</source><target state="translated">SSB builds.</target>'
    '<note from="pressroom">warning</note></trans-unit>\n</body></file></xliff>\n'
).encode()


def _review_docx() -> bytes:
    from pressroom.document.inline import Text
    from pressroom.review.exchange import ReviewFile, ReviewUnit, write_review_docx

    units = [ReviewUnit(0, Text("Straßenbahn"), Text("Tram")), ReviewUnit(2, Text("Die SSB baut."), Text("SSB builds."), notes=["x"])]
    return write_review_docx(ReviewFile("bahn", "de", "en", units))


REVIEW_DOCX = _review_docx()


def _parse(reader: object, data: bytes) -> None:
    try:
        reader(data, "fuzz")  # type: ignore[operator]
    except ReviewError as exc:
        assert str(exc).startswith("fuzz: "), exc


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutated(XLIFF)))
def test_the_xliff_import_takes_random_and_mutated_files(data: bytes) -> None:
    _parse(read_xliff, data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutated(REVIEW_DOCX), mutated_word(REVIEW_DOCX)))
def test_the_review_docx_import_takes_random_and_mutated_files(data: bytes) -> None:
    _parse(read_review_docx, data)


def test_the_fuzzed_import_leaves_the_store_alone(tmp_path: Path) -> None:
    """A whole import of broken files: every file named, nothing stored, nothing raised."""
    from pressroom.review.workflow import import_reviews

    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "gut.md").write_text(GOOD, encoding="utf-8")
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    build(Settings(), BuildOptions(tmp_path / "releases", tmp_path / "output"), engines, now=NOW)
    files = []
    for number, data in enumerate([XLIFF[:200], XLIFF.replace(b'id="2"', b'id="x"'), b"\0" * 100, REVIEW_DOCX[:500]]):
        path = tmp_path / f"r{number}{'.docx' if data.startswith(b'PK') else '.xlf'}"
        path.write_bytes(data)
        files.append(path)
    outcomes, problems = import_reviews(tmp_path / "output" / STATE_DIR, files, "x")
    assert not outcomes and len(problems) == len(files)
