"""Readers on the real sample, the real corpus and hand-made hard cases.

The corpus lives in the ``shared`` checkout beside the repository. Its tests carry the ``corpus``
marker: without it they are skipped with a count line in the summary (CI requires it). The same
hard cases are covered by the project's own fixtures in tests/test_reader_fixtures.py.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given
from hypothesis import strategies as st

from blocks import H, L, OL, P, Q, block, body, contact_text, kind_of, marked, plain, png
from shared_dir import CORPUS, REPO, SAMPLES

from pressroom.config import Settings
from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import Cell, Dateline, Figure, Heading, Paragraph, Release, Table
from pressroom.readers import (
    MAX_RELEASE_BYTES,
    SUPPORTED_SUFFIXES,
    ReaderError,
    find_releases,
    read_release,
)
from pressroom.readers.common import MTIME_WARNING, first_sentence
from pressroom.readers.datelines import find_dateline
from pressroom.slug import slugify

SAMPLE = SAMPLES / "stuttgart-sejong-2025.txt"
BERLIN = ZoneInfo("Europe/Berlin")
MTIME = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def settings() -> Settings:
    return Settings()


def shared_copy(source: Path, tmp_path: Path) -> Path:
    """Copy a shared file into tmp_path with a known modification time."""
    assert source.is_file(), f"{source} is missing from the shared corpus"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    os.utime(target, (MTIME.timestamp(), MTIME.timestamp()))
    return target


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


def shape(release: Release) -> Counter[object]:
    """How many blocks of each kind; ordered list items counted as OL."""
    return Counter(kind_of(b) for b in body(release))


def texts(release: Release, kind: str) -> list[str]:
    return [plain(b) for b in body(release) if b.kind == kind]


# --- plain text: the real sample and corpus ---------------------------------------------------


@pytest.mark.corpus
def test_sample_txt_has_no_headline_so_the_title_comes_from_the_first_sentence(
    tmp_path: Path, settings: Settings
) -> None:
    release = read_release(shared_copy(SAMPLE, tmp_path), settings)
    assert release.title.startswith("Zur Unterzeichnung der Erklärung begrüßte Oberbürgermeister")
    assert release.title.endswith("…") and len(release.title) <= 92
    assert any("title was made from the first sentence" in w for w in release.warnings)
    assert MTIME_WARNING in release.warnings
    assert release.date == MTIME.astimezone(BERLIN)
    assert release.date.tzinfo is not None
    assert texts(release, H) == [
        "Asien wichtiger Motor der Weltwirtschaft",
        "Enger Austausch mit asiatischen Städten",
    ]
    assert shape(release) == {P: 11, H: 2}
    assert release.summary == ""  # no copy of the first sentence
    assert release.lang == ""
    assert release.slug == slugify(release.title)


# name: (headings, paragraphs, bullet items, ordered items, quotes, datelines)
CORPUS_SHAPES = {
    "01-polizei-aalen-tagesmeldungen.txt": (8, 9, 0, 0, 0, 1),
    "02-polizei-berlin-raeubertrio-fahndung.txt": (0, 30, 0, 0, 0, 0),
    "03-polizei-muenchen-euro2024-bilanz.txt": (0, 4, 7, 0, 0, 1),
    "04-fsfe-offener-brief-bundestag.txt": (1, 8, 0, 4, 0, 0),
    "05-mercedes-benz-q2-2024.txt": (0, 2, 5, 0, 0, 0),
    "06-bosch-vorlaeufige-kennzahlen-2015.txt": (0, 2, 0, 0, 0, 0),
    "07-uni-tuebingen-wisskomm-preis.txt": (1, 3, 0, 0, 0, 0),
    "08-kit-jahresfeier-universum.txt": (0, 3, 0, 0, 0, 0),
    "09-vfb-stuttgart-stadioneroeffnung.txt": (0, 2, 0, 0, 0, 0),
    "10-stadt-stuttgart-gemeinderat-maerz-2023.txt": (4, 5, 0, 0, 0, 0),
    "11-kultusministerium-bw-neues-schuljahr.txt": (1, 3, 0, 0, 0, 0),
    "12-bund-nabu-presseeinladung-waldstrategie.txt": (1, 16, 0, 0, 0, 0),
}


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_SHAPES))
def test_corpus_structure(name: str, tmp_path: Path, settings: Settings) -> None:
    release = read_release(shared_copy(CORPUS / name, tmp_path), settings)
    headings, paragraphs, bullets, ordered, quotes, datelines = CORPUS_SHAPES[name]
    expected = Counter({H: headings, P: paragraphs, L: bullets, OL: ordered, Q: quotes, Dateline.kind: datelines})
    assert shape(release) == +expected
    assert release.title and release.date.tzinfo is not None
    assert all(plain(b) == plain(b).strip() and "  " not in plain(b) for b in body(release))


@pytest.mark.corpus
def test_corpus_01_dateline_subheadings_and_contact_block(tmp_path: Path, settings: Settings) -> None:
    release = read_release(shared_copy(CORPUS / "01-polizei-aalen-tagesmeldungen.txt", tmp_path), settings)
    assert release.date == datetime(2016, 2, 24, 15, 48, tzinfo=BERLIN)
    assert release.warnings == []
    assert release.title == "Polizeipräsidium Aalen"
    assert texts(release, H)[0] == "Korb: Vorfahrt missachtet"
    assert texts(release, H)[-1] == "Weinstadt-Beutelsbach: Diebstahl von Dachrinnen"
    assert contact_text(release).splitlines()[:3] == [
        "Polizeipräsidium Aalen",
        "Öffentlichkeitsarbeit",
        "Telefon: 07361 580-106",
    ]
    assert not any("Rückfragen" in plain(b) or "07361" in plain(b) for b in body(release))
    assert release.summary == ""


@pytest.mark.corpus
def test_corpus_02_question_headline_and_no_question_subheadings(
    tmp_path: Path, settings: Settings
) -> None:
    release = read_release(
        shared_copy(CORPUS / "02-polizei-berlin-raeubertrio-fahndung.txt", tmp_path), settings
    )
    assert release.title == "Jugendliches Räubertrio gesucht - Wer erkennt die Tatverdächtigen?"
    assert body(release)[0] == block(P, "Nr. 1750")
    assert release.summary == ""
    assert release.warnings == [MTIME_WARNING]


@pytest.mark.corpus
def test_corpus_03_toc_numbers_are_kept_and_date_line_is_not_a_list_item(
    tmp_path: Path, settings: Settings
) -> None:
    release = read_release(
        shared_copy(CORPUS / "03-polizei-muenchen-euro2024-bilanz.txt", tmp_path), settings
    )
    assert release.title == "Medieninformation der Polizei München vom 12.07.2024"
    assert release.date == datetime(2024, 7, 12, tzinfo=BERLIN)
    # Item numbers stay in the text and the items are not numbered again (issue 13: an
    # ordered list showed "1. 1081. …").
    ordered = [plain(b) for b in body(release) if kind_of(b) == L]
    assert ordered[0].startswith("1081. Pressekonferenz Vorläufige Abschlussbilanz")
    assert ordered[5] == "1086. Größerer Polizeieinsatz – Neubiberg"
    assert not any(plain(b).startswith("12.07.2024") for b in body(release))


@pytest.mark.corpus
def test_corpus_04_numbered_list_one_to_four_loses_its_markers(
    tmp_path: Path, settings: Settings
) -> None:
    release = read_release(shared_copy(CORPUS / "04-fsfe-offener-brief-bundestag.txt", tmp_path), settings)
    ordered = [plain(b) for b in body(release) if kind_of(b) == OL]
    assert ordered[0].startswith("Alle haben das Recht auf die freie Wahl von Betriebssystemen")
    assert ordered[3].startswith("Der Quellcode von Treibern")
    assert texts(release, H) == ["Über Upcycling Android"]


@pytest.mark.corpus
def test_corpus_05_bullets(tmp_path: Path, settings: Settings) -> None:
    release = read_release(shared_copy(CORPUS / "05-mercedes-benz-q2-2024.txt", tmp_path), settings)
    items = texts(release, L)
    assert [item.split(":")[0] for item in items] == [
        "Ergebnis", "Cash Generierung", "Transformation", "Update Aktienrückkauf", "Ausblick",
    ]  # fmt: skip
    assert not any(kind_of(b) == OL for b in body(release))


@pytest.mark.corpus
def test_corpus_12_hard_wrapped_mail_is_joined_into_paragraphs(
    tmp_path: Path, settings: Settings
) -> None:
    release = read_release(
        shared_copy(CORPUS / "12-bund-nabu-presseeinladung-waldstrategie.txt", tmp_path), settings
    )
    paragraphs = texts(release, P)
    assert (
        "der wirtschaftliche Nutzungsdruck auf den Wald steigt auch in Deutschland. Mit ihrem "
        "Entwurf zur „Waldstrategie 2020“ will die Bundesregierung diesem Druck offenbar "
        "nachgeben und den Wald zum Rohstofflager degradieren."
    ) in paragraphs
    # A short line ending a sentence ends the paragraph even without a blank line after it.
    assert any(p.endswith("zur Grundlage ihrer Politik zu machen.") for p in paragraphs)
    assert any(p.startswith("Auf dem Pressetermin stellen BUND und NABU") for p in paragraphs)
    # Salutation lines stay apart; a name split over two lines is joined.
    assert "Sehr geehrte Damen und Herren," in paragraphs
    assert "liebe Kolleginnen und Kollegen," in paragraphs
    assert "mit:Hubert Weiger, BUND-Vorsitzender und Olaf Tschimpke, NABU-Präsident" in paragraphs
    assert not any(p.endswith((" auch in", " will die", " und stellen")) for p in paragraphs)


@pytest.mark.corpus
def test_one_line_paragraphs_are_not_mistaken_for_hard_wrapping(
    tmp_path: Path, settings: Settings
) -> None:
    release = read_release(shared_copy(CORPUS / "08-kit-jahresfeier-universum.txt", tmp_path), settings)
    assert [p[:20] for p in texts(release, P)] == [
        "Die Masse der Neutri",
        "„Als die Forschungsu",
        "Angesichts wachsende",
    ]


# --- plain text: hand-made cases ------------------------------------------------------------


def test_txt_quotes_lists_and_subheadings(tmp_path: Path, settings: Settings) -> None:
    text = (
        "Pressemitteilung\n\n"
        "Neue Radwege in Vaihingen\n\n"
        "Stuttgart, 24. Juli 2025 – Die Stadt baut in Vaihingen drei neue Radwege. Die Arbeiten beginnen im August.\n"
        "„Sichere Radwege sind gut für alle.“\n"
        "„Wir bauen schnell“, sagte die Bürgermeisterin. „Und wir bauen gut.“\n"
        "Was ändert sich?\n"
        "Die Arbeiten dauern ca. sechs Wochen, z. B. an der Hauptstraße. Umleitungen sind ausgeschildert.\n"
        "- erster Abschnitt\n"
        "• zweiter Abschnitt\n"
        "* dritter Abschnitt\n"
        "1. Planung\n"
        "2. Bau\n"
        "24. Juli 2025 ist der Stichtag für alle Anträge, die bis dahin eingehen.\n"
        "1. FC Vaihingen unterstützt die Aktion mit einem Radtag am Sportplatz.\n"
    )
    release = read_release(write(tmp_path, "radwege.txt", text), settings)
    assert release.title == "Neue Radwege in Vaihingen"  # the label line above is skipped
    assert release.date == datetime(2025, 7, 24, tzinfo=BERLIN)
    assert release.warnings == []
    assert body(release) == [
        Dateline("Stuttgart, 24. Juli 2025", "Stuttgart", "", "2025-07-24", ""),  # the lead's dateline, in parts
        block(P, "Die Stadt baut in Vaihingen drei neue Radwege. Die Arbeiten beginnen im August."),
        block(Q, "„Sichere Radwege sind gut für alle.“"),
        block(P, "„Wir bauen schnell“, sagte die Bürgermeisterin. „Und wir bauen gut.“"),
        block(H, "Was ändert sich?"),
        block(P, "Die Arbeiten dauern ca. sechs Wochen, z. B. an der Hauptstraße. Umleitungen sind ausgeschildert."),
        block(L, "erster Abschnitt"),
        block(L, "zweiter Abschnitt"),
        block(L, "dritter Abschnitt"),
        block(L, "Planung", ordered=True),
        block(L, "Bau", ordered=True),
        block(P, "24. Juli 2025 ist der Stichtag für alle Anträge, die bis dahin eingehen."),
        block(P, "1. FC Vaihingen unterstützt die Aktion mit einem Radtag am Sportplatz."),
    ]  # fmt: skip
    assert release.summary == ""


def test_txt_long_first_sentence_title_is_cut_at_a_word(tmp_path: Path, settings: Settings) -> None:
    sentence = (
        "Die Landeshauptstadt Stuttgart hat am Donnerstag gemeinsam mit vielen Partnern aus "
        "Wirtschaft und Wissenschaft ein neues Programm vorgestellt."
    )
    release = read_release(write(tmp_path, "lang.txt", sentence + " Es startet im Herbst.\n"), settings)
    assert release.title.endswith(" …")
    words = release.title.removesuffix(" …").split()
    assert len(release.title) <= 92 and sentence.split()[: len(words)] == words


@pytest.mark.parametrize(
    ("line", "expected", "standalone"),
    [
        ("24.02.2016 – 15:48", datetime(2016, 2, 24, 15, 48), True),
        ("12.07.2024, Polizeipräsidium München", datetime(2024, 7, 12), True),
        ("Stuttgart, 24. Juli 2025", datetime(2025, 7, 24), True),
        ("Mittwoch, 6. August 2025, 14.30 Uhr", datetime(2025, 8, 6, 14, 30), True),
        ("Stuttgart, 12.08.2025 – Wer ein Dach begrünt, erhält mehr Geld.", datetime(2025, 8, 12), False),
        ("24.02.2016 fand in Aalen eine Versammlung statt.", None, False),
        ("Im Zeitraum von Freitag, 14.06.2024 – 14.07.2024 gilt das.", None, False),
        ("31.02.2025 – Landeshauptstadt Stuttgart", None, False),
    ],
)
def test_datelines(line: str, expected: datetime | None, standalone: bool) -> None:
    found = find_dateline(line)
    assert (found.moment if found else None) == expected
    assert (found is not None and not found.rest) is standalone


def test_first_sentence_knows_german_abbreviations_and_ordinals() -> None:
    text = (
        "Am 24. Juli trafen sich Dr. Frank Nopper, Prof. Dr. Anna Berg u. a. mit Gerd E. Mäuser "
        "bzw. den Vertretern der Stadt, z. B. im Rathaus. Danach ging es weiter."
    )
    assert first_sentence(text) == text.removesuffix(" Danach ging es weiter.")


# --- decoding -------------------------------------------------------------------------------

GERMAN = "Straßenbahn für Möhringen\n\n„Größere Züge“, sagt Dr. Müller. Öffnungszeiten ändern sich.\n"


@pytest.mark.parametrize(
    ("encoded", "warning"),
    [
        (codecs.BOM_UTF8 + GERMAN.encode("utf-8"), None),
        (GERMAN.encode("utf-16"), None),
        (codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), None),
        (GERMAN.encode("utf-32"), None),
        (GERMAN.encode("cp1252"), "not UTF-8; read as Windows-1252"),
        (GERMAN.replace("\n", "\r\n").encode("utf-8"), None),
        (GERMAN.replace("\n", "\r").encode("cp1252"), "not UTF-8; read as Windows-1252"),
    ],
    ids=["utf8-bom", "utf16-le-bom", "utf16-be-bom", "utf32", "cp1252", "crlf", "cr-cp1252"],
)
def test_encodings(encoded: bytes, warning: str | None, tmp_path: Path, settings: Settings) -> None:
    release = read_release(write(tmp_path, "enc.txt", encoded), settings)
    assert release.title == "Straßenbahn für Möhringen"
    assert body(release) == [
        block(P, "„Größere Züge“, sagt Dr. Müller. Öffnungszeiten ändern sich.")
    ]
    assert [w for w in release.warnings if w != MTIME_WARNING] == ([warning] if warning else [])


def test_cp1252_quote_bytes_are_read_as_german_quotes(tmp_path: Path, settings: Settings) -> None:
    raw = b"Titel der Meldung\n\n\x84Sch\xf6n\x93, sagt sie: Stra\xdfe und \x80 5 sind gesichert.\n"
    release = read_release(write(tmp_path, "cp.txt", raw), settings)
    assert plain(release.blocks[0]) == "„Schön“, sagt sie: Straße und € 5 sind gesichert."


def test_decomposed_umlauts_become_nfc(tmp_path: Path, settings: Settings) -> None:
    release = read_release(write(tmp_path, "nfd.txt", "Mo\u0308hringen feiert\n\nText.\n"), settings)
    assert release.title == "Möhringen feiert" and len(release.title) == 16


def test_control_and_invisible_characters_are_removed_with_a_count(
    tmp_path: Path, settings: Settings
) -> None:
    text = (
        "Titel\u200b der Meldung\n\n"
        "Ein Satz mit Glocke\x07 und Tab\tund Steuer\x0ezeichen. Auch \ufeffBOM und \ufffe.\n"
    )
    release = read_release(write(tmp_path, "ctl.txt", codecs.BOM_UTF8 + text.encode("utf-8")), settings)
    assert release.title == "Titel der Meldung"
    assert body(release) == [block(P, "Ein Satz mit Glocke und Tab und Steuerzeichen. Auch BOM und .")]
    assert "removed 5 invisible or control characters (such as zero-width spaces)" in release.warnings


@pytest.mark.parametrize(
    "raw",
    [
        "Titel\n\nText mit einsamer Hälfte \ud800 eines Paars.\n".encode("utf-8", "surrogatepass"),
        "Titel\n\nText mit einsamer Hälfte \ud800 eines Paars.\n".encode("utf-16", "surrogatepass"),
    ],
    ids=["utf8", "utf16"],
)
def test_unpaired_surrogates_are_removed(raw: bytes, tmp_path: Path, settings: Settings) -> None:
    release = read_release(write(tmp_path, "sur.txt", raw), settings)
    assert body(release) == [block(P, "Text mit einsamer Hälfte eines Paars.")]
    assert any(w.startswith("removed 1 invisible") for w in release.warnings)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
@pytest.mark.parametrize("raw", [b"", b"  \n\t\r\n  ", codecs.BOM_UTF8 + b"\n", "\n \n".encode("utf-16")])
def test_empty_files_are_rejected(raw: bytes, suffix: str, tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "leer" + suffix, raw)
    with pytest.raises(ReaderError, match=rf"^{re.escape(str(path))}: is empty$"):
        read_release(path, settings)


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        (b"Titel\n\nText\x00\x00\x01\x02 mehr", "binary data"),
        (bytes(range(1, 32)) * 20 + b"abc", "does not look like a text file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary data"),
        (b"PK\x03\x04" + b"word/document.xml", "Word .docx file or a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Word .doc file"),
        (b"%PDF-1.7\n", "PDF"),
    ],
    ids=["nul", "controls", "png", "zip", "ole2", "pdf"],
)
def test_binary_files_are_rejected(raw: bytes, hint: str, tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "bild.txt", raw)
    with pytest.raises(ReaderError, match="does not look like a text file") as caught:
        read_release(path, settings)
    assert str(caught.value).startswith(f"{path}: ") and hint in str(caught.value)


def test_oversize_file_is_rejected_with_size_and_limit(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "gross.md", b"# Titel\n\n" + b"a" * MAX_RELEASE_BYTES)
    with pytest.raises(ReaderError) as caught:
        read_release(path, settings)
    message = str(caught.value)
    assert message.startswith(f"{path}: is too large")
    assert f"{MAX_RELEASE_BYTES + 9:,} bytes" in message and f"{MAX_RELEASE_BYTES:,} bytes" in message


def test_file_just_under_the_limit_is_read(tmp_path: Path, settings: Settings) -> None:
    body = b"# Titel\n\n" + (b"Ein Satz. " * 200_000)[: MAX_RELEASE_BYTES - 9]
    release = read_release(write(tmp_path, "ok.md", body), settings)
    assert release.title == "Titel" and len(plain(release.blocks[0])) > 1_000_000


# --- Markdown -------------------------------------------------------------------------------


def test_sample_release_sejong(settings: Settings) -> None:
    release = read_release(REPO / "releases" / "2025-07-24-stuttgart-sejong.md", settings)
    assert release.title == "Stuttgart und Sejong unterzeichnen Absichtserklärung für engere Zusammenarbeit"
    assert release.date == datetime(2025, 7, 24, 14, 0, tzinfo=BERLIN)
    assert release.date.utcoffset().total_seconds() == 7200
    assert release.slug == "stuttgart-sejong-absichtserklaerung"
    assert release.lang == "de" and release.warnings == []
    assert shape(release) == {P: 10, H: 2, Q: 1}
    assert texts(release, H) == [
        "Asien wichtiger Motor der Weltwirtschaft",
        "Enger Austausch mit asiatischen Städten",
    ]
    (quote,) = texts(release, Q)
    assert quote.startswith("Sejong liegt in einem Land") and "Nopper" not in quote
    assert "presse@stuttgart.de" in contact_text(release) and "+49 711 216-0" in contact_text(release)
    assert "Sejong" in release.tags and release.summary


def test_all_sample_releases_read_cleanly(settings: Settings) -> None:
    paths = find_releases(REPO / "releases")
    assert len(paths) >= 3 and {p.suffix for p in paths} >= {".md", ".txt"}
    for path in paths:
        release = read_release(path, settings)
        assert release.warnings == [], path
        assert release.date.year == 2025 and contact_text(release)
        assert bool(release.summary) == path.name.endswith(".md"), path  # front matter only
        assert any(b.kind is L and not b.ordered for b in body(release)) or path.name.endswith("sejong.md")


def test_sample_construction_notice_structure(settings: Settings) -> None:
    path = REPO / "releases" / "2025-07-30-stadtbahn-gleiserneuerung-charlottenplatz.md"
    release = read_release(path, settings)
    assert shape(release) == {P: 6, H: 2, L: 4, OL: 3, Q: 1}
    assert release.tags == ["Verkehr", "Stadtbahn", "Baustellen", "Sommerferien"]
    assert release.date == datetime(2025, 7, 30, 10, 30, tzinfo=BERLIN)
    text = " ".join(plain(b) for b in body(release))
    assert "**" not in text and "3,6 Millionen Euro" in text
    # The link is a link now (issue 13), no longer its address spelled out in the sentence.
    assert "https://www.stuttgart.de/baustellen" in [t for b in body(release) for x in b.texts() for t in x.links()]
    assert "stuttgart.de/baustellen (https://" not in text
    assert "baustellen@stuttgart.de" in text and "<" not in text


def test_sample_txt_release_structure(settings: Settings) -> None:
    release = read_release(REPO / "releases" / "2025-08-12-gruene-daecher-foerderprogramm.txt", settings)
    assert release.date == datetime(2025, 8, 12, tzinfo=BERLIN)
    assert texts(release, H) == ["Was wird gefördert?", "So funktioniert der Antrag"]
    assert shape(release)[L] == 4 and shape(release)[OL] == 3 and shape(release)[Q] == 1
    assert contact_text(release).startswith("Landeshauptstadt Stuttgart\n")
    assert release.summary == ""


MARKDOWN_BODY = """\
---
title: Neue Radwege
date: 2025-07-24
tags: Verkehr, Rad , Verkehr
---

# Neue Radwege

Die Stadt **baut** drei *neue* Radwege
in Vaihingen, `Möhringen` und Degerloch.

## Zeitplan

> „Wir bauen schnell.“
> Sagt die Bürgermeisterin.
>
> Zweiter Absatz im Zitat.

- erster Abschnitt
* zweiter Abschnitt
  mit Fortsetzung
• dritter Abschnitt

1. Planung
2. Bau

### Mehr erfahren

Infos unter [stuttgart.de/rad](https://www.stuttgart.de/rad) und <https://www.stuttgart.de>,
Fragen an [rad@stuttgart.de](mailto:rad@stuttgart.de). Bürger*innen sind eingeladen.

24\\. Juli 2025 ist Stichtag.

---

![Foto vom Radweg](bild.png)
"""


def test_markdown_structure_and_inline_marks(tmp_path: Path, settings: Settings) -> None:
    """Old behaviour changed on purpose (issue 13): marks and links are kept, not dropped or
    spelled out; '### ' is a third-level heading; the picture is a figure."""
    (tmp_path / "bild.png").write_bytes(png(8, 6))
    release = read_release(write(tmp_path, "rad.md", MARKDOWN_BODY), settings)
    assert release.title == "Neue Radwege"  # the duplicate '# Neue Radwege' is dropped
    assert release.date == datetime(2025, 7, 24, tzinfo=BERLIN)
    assert release.tags == ["Verkehr", "Rad"]
    links = "Infos unter stuttgart.de/rad und https://www.stuttgart.de, Fragen an rad@stuttgart.de. Bürger*innen sind eingeladen."
    *text_blocks, figure = body(release)
    assert text_blocks == [
        Paragraph(marked(
            "Die Stadt baut drei neue Radwege in Vaihingen, Möhringen und Degerloch.",
            ("baut", MarkKind.BOLD), ("neue", MarkKind.ITALIC), ("Möhringen", MarkKind.CODE),
        )),
        block(H, "Zeitplan"),
        block(Q, "„Wir bauen schnell.“ Sagt die Bürgermeisterin."),
        block(Q, "Zweiter Absatz im Zitat."),
        block(L, "erster Abschnitt"),
        block(L, "zweiter Abschnitt mit Fortsetzung"),
        block(L, "dritter Abschnitt"),  # a pasted "•" bullet is a list item too
        block(L, "Planung", ordered=True),
        block(L, "Bau", ordered=True),
        Heading(Text("Mehr erfahren"), 3),
        Paragraph(marked(
            links,
            ("stuttgart.de/rad", MarkKind.LINK, "https://www.stuttgart.de/rad"),
            ("https://www.stuttgart.de", MarkKind.LINK, "https://www.stuttgart.de"),
            ("rad@stuttgart.de", MarkKind.LINK, "mailto:rad@stuttgart.de"),
        )),
        block(P, "24. Juli 2025 ist Stichtag."),
    ]  # fmt: skip
    assert isinstance(figure, Figure) and figure.alt == "Foto vom Radweg" and figure.image.data == png(8, 6)
    assert (figure.image.media_type, figure.image.width, figure.image.height) == ("image/png", 8, 6)
    assert release.summary == ""
    assert release.lang == ""


def test_markdown_leading_heading_becomes_the_title(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "t.md", "# **Neue** Radwege\n\nText folgt hier.\n\n# Zweiter Teil\n\nMehr.\n")
    release = read_release(path, settings)
    assert release.title == "Neue Radwege"
    assert body(release)[0] == block(P, "Text folgt hier.")
    assert block(H, "Zweiter Teil") in body(release)
    assert MTIME_WARNING in release.warnings and release.date == MTIME.astimezone(BERLIN)


def test_markdown_other_leading_heading_stays_when_front_matter_has_a_title(
    tmp_path: Path, settings: Settings
) -> None:
    path = write(tmp_path, "t.md", "---\ntitle: Titel\n---\n# Überblick\n\nText.\n")
    assert body(read_release(path, settings))[0] == block(H, "Überblick")


def test_markdown_without_title_is_an_error(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "ohne.md", "---\ndate: 2025-07-24\n---\nNur Text ohne Überschrift.\n")
    with pytest.raises(ReaderError, match=rf"^{re.escape(str(path))}: has no title"):
        read_release(path, settings)


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: Titel\ndate: 2025-07-24\ntags: [Verkehr, Rad\n", 5),
        ("title: Titel: mit Doppelpunkt\n", 2),
        ('title: "offenes Zitat\nslug: x\n', 4),
    ],
)
def test_malformed_yaml_names_file_and_line(
    front: str, line: int, tmp_path: Path, settings: Settings
) -> None:
    path = write(tmp_path, "kaputt.md", f"---\n{front}---\nText.\n")
    with pytest.raises(ReaderError) as caught:
        read_release(path, settings)
    message = str(caught.value)
    assert message.startswith(f"{path}: the front matter")
    assert "not valid YAML" in message and f"on line {line}:" in message


def test_unclosed_front_matter(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "offen.md", "---\ntitle: Titel\n\nText ohne Ende der Kopfzeilen.\n")
    with pytest.raises(ReaderError, match="no closing '---' line"):
        read_release(path, settings)


def test_front_matter_that_is_not_key_value(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "liste.md", "---\n- title\n- date\n---\nText.\n")
    with pytest.raises(ReaderError, match="must be 'key: value' lines"):
        read_release(path, settings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-07-24", datetime(2025, 7, 24, tzinfo=BERLIN)),
        ("2025-07-24T14:00:00+02:00", datetime(2025, 7, 24, 12, tzinfo=timezone.utc)),
        ("2025-07-24 14:00", datetime(2025, 7, 24, 14, tzinfo=BERLIN)),
        ("2025-07-24T12:00:00Z", datetime(2025, 7, 24, 12, tzinfo=timezone.utc)),
        ("2025-07-24 12:00:00 +02:00", datetime(2025, 7, 24, 10, tzinfo=timezone.utc)),
        ("24.07.2025", datetime(2025, 7, 24, tzinfo=BERLIN)),
        ("'24.07.2025 14:30'", datetime(2025, 7, 24, 14, 30, tzinfo=BERLIN)),
        ("24.7.2025, 9.15 Uhr", datetime(2025, 7, 24, 9, 15, tzinfo=BERLIN)),
        ("24. Juli 2025", datetime(2025, 7, 24, tzinfo=BERLIN)),
        ("2025-12-24", datetime(2025, 12, 24, tzinfo=BERLIN)),
    ],
)
def test_front_matter_dates(value: str, expected: datetime, tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "d.md", f"---\ntitle: T\ndate: {value}\n---\nText.\n")
    release = read_release(path, settings)
    assert release.date == expected and release.date.tzinfo is not None
    assert release.warnings == []


def test_front_matter_date_uses_the_configured_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "d.md", "---\ntitle: T\ndate: 24.07.2025 14:30\n---\nText.\n")
    release = read_release(path, Settings(timezone="Asia/Seoul"))
    assert release.date.utcoffset().total_seconds() == 9 * 3600


@pytest.mark.parametrize("value", ["31.02.2025", "2025-02-30", "morgen", "2025", "24.07.25"])
def test_invalid_date_names_the_value(value: str, tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "d.md", f"---\ntitle: T\ndate: {value}\n---\nText.\n")
    with pytest.raises(ReaderError) as caught:
        read_release(path, settings)
    assert str(caught.value).startswith(f"{path}: the date '{value}' is not a valid date")


def test_front_matter_fields(tmp_path: Path, settings: Settings) -> None:
    front = (
        "title: Titel\n"
        "slug: ../../etc/passwd\n"
        "summary: |\n  Eine **kurze**\n  Zusammenfassung.\n"
        "tags: [Verkehr, 2025, Verkehr]\n"
        "contact: |\n  Presseamt   \n  Telefon 0711 216-0\n"
        "lang: DE\n"
        "titel: Tippfehler\n"
    )
    release = read_release(write(tmp_path, "f.md", f"---\n{front}---\nText.\n"), settings)
    assert release.slug == "etc-passwd"
    assert release.summary == "Eine kurze Zusammenfassung."
    assert release.tags == ["Verkehr", "2025"]
    assert contact_text(release) == "Presseamt\nTelefon 0711 216-0"
    assert release.lang == "de"
    assert release.warnings == [
        "front matter key titel ignored (known keys: title, date, slug, summary, tags, contact, lang)",
        MTIME_WARNING,
    ]


def test_invalid_lang_is_an_error(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "l.md", "---\ntitle: T\nlang: Deutsch!\n---\nText.\n")
    with pytest.raises(ReaderError, match="is not a language code"):
        read_release(path, settings)


def test_release_without_summary_gets_none_derived_from_its_body(
    tmp_path: Path, settings: Settings
) -> None:
    """A summary made from the body would repeat its first sentence above it, often cut short."""
    long_sentence = "Die Stadt " + "baut sehr viele neue und schöne Radwege " * 10 + "heute."
    for name, text in [
        ("long.md", f"# Titel\n\n{long_sentence} Zweiter Satz.\n"),
        ("short.md", "# Titel\n\nDie Stadt baut. Alle freuen sich.\n"),
        ("dateline.txt", "Titel\n\nStuttgart, 12.08.2025 – Die Stadt baut neue Radwege in Vaihingen.\n"),
    ]:
        assert read_release(write(tmp_path, name, text), settings).summary == "", name


def test_explicit_front_matter_summary_is_kept_even_if_short(tmp_path: Path, settings: Settings) -> None:
    text = "---\ntitle: Titel\nsummary: Neue Radwege.\n---\n\nDie Stadt baut neue Radwege in Vaihingen.\n"
    assert read_release(write(tmp_path, "s.md", text), settings).summary == "Neue Radwege."


def test_summary_repeated_by_the_lead_moves_out_of_the_body(tmp_path: Path, settings: Settings) -> None:
    """Pages and DOCX show the summary above the body: the same sentence must not follow it."""
    front = "---\ntitle: Titel\nsummary: Die Stadt baut neue Radwege.\n---\n\n"
    cases = {
        "whole.md": ("Die Stadt baut neue Radwege.\n\nZweiter Absatz.\n", ["Zweiter Absatz."]),
        "prefix.md": ("Die Stadt baut neue Radwege. Sie sind breit.\n", ["Sie sind breit."]),
        "partial.md": ("Die Stadt baut neue Radwege.de und mehr.\n", ["Die Stadt baut neue Radwege.de und mehr."]),
        "heading.md": ("## Die Stadt baut neue Radwege.\n", ["Die Stadt baut neue Radwege."]),
    }  # fmt: skip
    for name, (text, expected) in cases.items():
        release = read_release(write(tmp_path, name, front + text), settings)
        assert release.summary == "Die Stadt baut neue Radwege.", name
        assert [plain(b) for b in body(release)] == expected, name


@pytest.mark.parametrize("path", find_releases(REPO / "releases"), ids=lambda p: p.name)
def test_no_sample_summary_repeats_or_cuts_the_body(path: Path, settings: Settings) -> None:
    release = read_release(path, settings)
    summary = release.summary
    for found in body(release):
        assert not (summary and plain(found).startswith(summary)), plain(found)
    assert not summary.endswith("…")


# --- slugs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Straßenbahn für Möhringen", "strassenbahn-fuer-moehringen"),
        ("ÄRGER ÜBER ÖFFNUNGSZEITEN", "aerger-ueber-oeffnungszeiten"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "release"),
        (".", "release"),
        ("", "release"),
        ("세종시와 협력", "release"),
        ("  viele   Leerzeichen\tund\nZeilen  ", "viele-leerzeichen-und-zeilen"),
        ("Café Crème à la Dōshisha", "cafe-creme-a-la-doshisha"),
        ("Łódź und Ørsted", "lodz-und-orsted"),
        ("A\u0308rger", "aerger"),
        ("CON", "con-release"),
        ("1.234,56 € für 3,6 % mehr", "1-234-56-fuer-3-6-mehr"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_cuts_long_titles_at_a_hyphen() -> None:
    title = "Gleiserneuerung am Charlottenplatz: Stadtbahnen fahren vom 4. bis 18. August 2025 Umleitungen"
    slug = slugify(title)
    assert slug == "gleiserneuerung-am-charlottenplatz-stadtbahnen-fahren-vom-4-bis-18-august-2025"
    assert len(slug) <= 80
    assert slugify("x" * 200) == "x" * 80


@given(st.text())
def test_slugify_is_always_a_safe_file_name(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
    assert len(slug) <= 80 and slug not in {".", ".."}


# --- Word -----------------------------------------------------------------------------------


def _add_hyperlink(paragraph, text: str, url: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _number(paragraph, style_name: str, document) -> None:
    """Give a Normal paragraph the Word numbering a list style uses (numPr)."""
    num_id = document.styles[style_name].element.pPr.numPr.numId.val
    num_pr = paragraph._p.get_or_add_pPr()._add_numPr()
    num_pr._add_ilvl().val = 0
    num_pr._add_numId().val = num_id


def build_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.created = datetime(2020, 1, 1, 8, 0)
    document.add_paragraph("Neue Radwege in Vaihingen", style="Title")
    document.add_paragraph("24.07.2025 – 14:00")
    intro = document.add_paragraph("Die Stadt baut neue Radwege. Infos unter ")
    _add_hyperlink(intro, "stuttgart.de/rad", "https://www.stuttgart.de/rad")
    intro.add_run(".")
    document.add_heading("Was sich ändert", level=1)
    document.add_heading("Im Detail", level=3)
    document.add_paragraph("Erster\u200b Abschnitt", style="List Bullet")
    document.add_paragraph("Zweiter Abschnitt", style="List Bullet")
    document.add_paragraph("Planung", style="List Number")
    document.add_paragraph("Bau", style="List Number")
    _number(document.add_paragraph("Word-nummeriert"), "List Number", document)
    _number(document.add_paragraph("Word-Aufzählungspunkt"), "List Bullet", document)
    document.add_paragraph("„Das ist gut für alle.“", style="Quote")
    document.add_paragraph("Ein wichtiger Satz.", style="Intense Quote")
    document.add_paragraph("   ")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Termin", "Freitag, 1. August 2025"
    table.cell(1, 0).text, table.cell(1, 1).text = "Ort", "Rathaus"
    tracked = document.add_paragraph("Alt")
    tracked._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText> gelöscht</w:delText></w:r></w:del>')
    )
    tracked._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> und neu</w:t></w:r></w:ins>')
    )
    document.add_paragraph("Pressekontakt:")
    document.add_paragraph("Landeshauptstadt Stuttgart")
    document.add_paragraph("Telefon: +49 711 216-0")
    document.save(str(path))
    return path


def test_docx_structure(tmp_path: Path, settings: Settings) -> None:
    """Changed on purpose (issue 13): the dateline is a block, the link a link (its address no
    longer spelled out), heading levels are kept, the table is a table."""
    release = read_release(build_docx(tmp_path / "radwege.docx"), settings)
    assert release.title == "Neue Radwege in Vaihingen"
    assert release.date == datetime(2025, 7, 24, 14, 0, tzinfo=BERLIN)  # the dateline, never the file's dates
    intro = "Die Stadt baut neue Radwege. Infos unter stuttgart.de/rad."
    assert body(release) == [
        Dateline("24.07.2025 – 14:00", "", "", "2025-07-24", "14:00"),
        Paragraph(marked(intro, ("stuttgart.de/rad", MarkKind.LINK, "https://www.stuttgart.de/rad"))),
        Heading(Text("Was sich ändert"), 2),
        Heading(Text("Im Detail"), 4),
        block(L, "Erster Abschnitt"),
        block(L, "Zweiter Abschnitt"),
        block(L, "Planung", ordered=True),
        block(L, "Bau", ordered=True),
        block(L, "Word-nummeriert", ordered=True),
        block(L, "Word-Aufzählungspunkt"),
        block(Q, "„Das ist gut für alle.“"),
        block(Q, "Ein wichtiger Satz."),
        Table(((Cell(Text("Termin")), Cell(Text("Freitag, 1. August 2025"))), (Cell(Text("Ort")), Cell(Text("Rathaus"))))),
        block(P, "Alt und neu"),
    ]  # fmt: skip
    assert contact_text(release) == "Landeshauptstadt Stuttgart\nTelefon: +49 711 216-0"
    assert release.warnings == ["removed 1 invisible or control character (such as zero-width spaces)"]
    assert release.slug == "neue-radwege-in-vaihingen" and release.lang == ""
    assert release.summary == ""


def test_docx_without_title_style_uses_first_paragraph_and_never_the_file_dates(
    tmp_path: Path, settings: Settings
) -> None:
    """Changed on purpose (issue 13): the creation date in the file's properties says when the
    file was made, not when the release was issued; without a date in the text the file's
    modification time stands in, with the same warning as for the other formats."""
    document = docx.Document()
    document.core_properties.created = datetime(2025, 7, 24, 12, 0, tzinfo=timezone.utc)
    document.add_paragraph("Neue Radwege in Vaihingen")
    document.add_paragraph("Die Stadt baut neue Radwege.")
    document.save(str(tmp_path / "ohne-titel.docx"))
    path = write(tmp_path, "ohne-titel.docx", (tmp_path / "ohne-titel.docx").read_bytes())
    release = read_release(path, settings)
    assert release.title == "Neue Radwege in Vaihingen"
    assert body(release) == [block(P, "Die Stadt baut neue Radwege.")]
    assert release.date == MTIME.astimezone(BERLIN)
    assert release.warnings == [MTIME_WARNING]


def test_docx_prose_start_falls_back_to_the_title_property(tmp_path: Path, settings: Settings) -> None:
    document = docx.Document()
    document.core_properties.title = "Radwege für Vaihingen"
    document.add_paragraph("Die Stadt baut in Vaihingen drei neue Radwege, die im Herbst fertig sind.")
    path = tmp_path / "eigenschaft.docx"
    document.save(str(path))
    release = read_release(path, settings)
    assert release.title == "Radwege für Vaihingen"
    assert body(release) == [block(P, "Die Stadt baut in Vaihingen drei neue Radwege, die im Herbst fertig sind.")]


def test_truncated_docx_is_reported_as_damaged(tmp_path: Path, settings: Settings) -> None:
    whole = build_docx(tmp_path / "ganz.docx").read_bytes()
    path = write(tmp_path, "kaputt.docx", whole[: len(whole) // 2])
    with pytest.raises(ReaderError, match="is damaged or not a Word .docx file") as caught:
        read_release(path, settings)
    assert str(caught.value).startswith(f"{path}: ")


def test_zip_without_word_content_is_reported_as_damaged(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "kein-word.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hallo.txt", "kein Word")
    with pytest.raises(ReaderError, match="is damaged or not a Word .docx file"):
        read_release(path, settings)


def test_text_named_docx_is_reported_as_damaged(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "text.docx", "Das ist eigentlich Text.\n")
    with pytest.raises(ReaderError, match="is damaged or not a Word .docx file"):
        read_release(path, settings)


def test_encrypted_docx_is_reported_plainly(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path, "geheim.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(ReaderError) as caught:
        read_release(path, settings)
    assert str(caught.value) == (
        f"{path}: is password-protected or not a Word .docx file; "
        "save it again as .docx without a password"
    )


def test_empty_docx(tmp_path: Path, settings: Settings) -> None:
    empty = write(tmp_path, "leer.docx", b"")
    with pytest.raises(ReaderError, match="is empty"):
        read_release(empty, settings)
    blank = tmp_path / "blank.docx"
    docx.Document().save(str(blank))
    with pytest.raises(ReaderError, match="is empty"):
        read_release(blank, settings)


# --- finding and dispatching ----------------------------------------------------------------


def test_find_releases_skips_temporary_hidden_and_other_files(tmp_path: Path) -> None:
    names = [
        "b.txt", "a.md", "c.docx", "Grossbuchstaben.TXT", "sub/d.md",
        "~$c.docx", ".#a.md", "#a.md#", ".hidden.md", ".git/e.md", "~tmp/f.md",
        "notes.pdf", "alt.doc", "a.md~", "bild.png",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "ordner.md").mkdir()
    found = [p.relative_to(tmp_path).as_posix() for p in find_releases(tmp_path)]
    assert found == ["Grossbuchstaben.TXT", "a.md", "b.txt", "c.docx", "sub/d.md"]


def test_find_releases_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="folder not found"):
        find_releases(tmp_path / "fehlt")


def test_read_release_dispatches_by_suffix(tmp_path: Path, settings: Settings) -> None:
    assert SUPPORTED_SUFFIXES == (".md", ".txt", ".docx")
    content = "# Titel\n\nText.\n"
    as_md = read_release(write(tmp_path, "a.MD", content), settings)
    as_txt = read_release(write(tmp_path, "a.txt", content), settings)
    assert as_md.title == "Titel" and body(as_md) == [block(P, "Text.")]
    assert as_txt.title == "# Titel"  # plain text: no Markdown meaning
    with pytest.raises(ReaderError, match=r"save it as \.docx"):
        read_release(write(tmp_path, "alt.doc", b"\xd0\xcf\x11\xe0"), settings)
    with pytest.raises(ReaderError, match=r"is not a release file pressroom can read"):
        read_release(write(tmp_path, "x.pdf", b"%PDF"), settings)
    with pytest.raises(ReaderError, match="cannot be read"):
        read_release(tmp_path / "fehlt.md", settings)
