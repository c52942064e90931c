"""Each quality check fires on the fault it is for, and a clean translation raises nothing.

The fault-injecting engine translates a fixed release correctly (a small dictionary of masked
German sentences) and then breaks its output in one known way, the way real models fail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engines import StaticEngines

from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.qa.checks import CHECKS, ERROR, WARNING, Unit, CheckContext, check_unit, longest_loop
from pressroom.qa.glossary import DNT_FILE, Glossary, Term
from pressroom.qa.numbers import compare_numbers
from pressroom.qa.protect import Protector
from pressroom.translate.base import Hypothesis

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SLUG = "gleiserneuerung-am-charlottenplatz"
RELEASE = """---
title: Gleiserneuerung am Charlottenplatz
date: 2025-07-30T10:00:00+02:00
summary: Die Stadt erneuert Gleise und Weichen.
---
Die Stadt investiert rund 3,6 Millionen Euro in die Gleise am Charlottenplatz. Die Arbeiten dauern vom 4. bis 18. August 2025.

Oberbürgermeister Frank Nopper sagt: „Die Bahnen fahren danach wieder pünktlich (wie geplant).“

Informationen gibt es unter www.ssb-ag.de.
"""
# Segment index: title 0, kicker 1 (none here), summary 2, the three paragraphs 3, 4, 5.
CLEAN = {
    "Gleiserneuerung am ⟦1⟧": "Track renewal at ⟦1⟧",
    "Die Stadt erneuert Gleise und Weichen.": "The city is renewing tracks and switches.",
    "Die Stadt investiert rund 3,6 Millionen Euro in die Gleise am ⟦1⟧.": "The city is investing around 3.6 million euros in the tracks at ⟦1⟧.",
    "Die Arbeiten dauern vom 4. bis 18. August 2025.": "The work lasts from 4 to 18 August 2025.",
    "⟦1⟧ ⟦2⟧ sagt: „Die Bahnen fahren danach wieder pünktlich (wie geplant).“": "⟦1⟧ ⟦2⟧ says: “The trains will then run on time again (as planned).”",
    "Informationen gibt es unter ⟦1⟧.": "Information is available at ⟦1⟧.",
}
PIECES = {  # what the text between the placeholders translates to, for the retry in pieces
    "Gleiserneuerung am": "Track renewal at",
    "Die Stadt investiert rund 3,6 Millionen Euro in die Gleise am": "The city is investing around 3.6 million euros in the tracks at",
    "sagt: „Die Bahnen fahren danach wieder pünktlich (wie geplant).“": "says: “The trains will then run on time again (as planned).”",
    "Informationen gibt es unter": "Information is available at",
}


def _fault(fault: str, source: str, clean: str) -> str:
    if fault == "drop-number":
        return re.sub(r"(?<![⟦\d])\d+(?:[.,]\d+)?(?![\d⟧])\s?", "", clean, count=1)
    if fault == "repeat-word":
        return re.sub(r"\bthe\b", "the the the the", clean, count=1)
    if fault == "echo-source":
        return source
    if fault == "mangle-placeholder":  # the last placeholder loses its brackets: "⟦2⟧" → "2"
        return re.sub(r"⟦(\d+)⟧(?!.*⟦)", r"\1", clean)
    if fault == "truncate":
        return " ".join(clean.split()[:3])
    if fault == "empty":
        return ""
    if fault == "unbalance":
        return clean.replace(")", "").replace("”", "")
    return clean


class FaultEngine:
    """de→en by dictionary, then broken in one way (``fault``); pieces are always clean."""

    def __init__(self, fault: str = "") -> None:
        self.source, self.target, self.demo = "de", "en", False
        self.identity = f"fault-{fault}"
        self.name = f"fault {fault}"
        self.fault = fault

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        return [Hypothesis(PIECES[s] if s in PIECES else _fault(self.fault, s, CLEAN[s])) for s in sentences]


def _build(tmp_path: Path, fault: str, **options: object):  # noqa: ANN202 - a BuildResult
    (tmp_path / "releases").mkdir(exist_ok=True)
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "glossary.tsv").write_text("de\ten\tko\nOberbürgermeister\tLord Mayor\t시장\n", encoding="utf-8")
    (tmp_path / DNT_FILE).write_text("Frank Nopper\nCharlottenplatz\n", encoding="utf-8")
    build_options = BuildOptions(
        releases_dir=tmp_path / "releases", output_dir=tmp_path / "output", targets=["en"], glossary=tmp_path / "glossary.tsv", **options
    )
    return build(Settings(), build_options, StaticEngines(FaultEngine(fault)), now=NOW)


def test_a_clean_translation_raises_nothing(tmp_path: Path) -> None:
    result = _build(tmp_path, "", strict=True)
    assert result.findings == []
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("fault", "code", "segments"),
    [
        ("drop-number", "number-mismatch", {3}),
        ("repeat-word", "repeated-words", {3}),
        ("echo-source", "untranslated", {0, 2, 3, 4, 5}),
        ("mangle-placeholder", "translated-in-pieces", {0, 3, 4, 5}),
        # Output that lost a placeholder is retranslated in (clean) pieces: the title and the
        # first sentence recover; "⟦1⟧ ⟦2⟧ says:" kept both placeholders and stays truncated.
        ("truncate", "truncated", {2, 3, 4}),
        ("empty", "empty", {2, 3}),
        ("unbalance", "unbalanced-marks", {4}),
    ],
)
def test_each_fault_is_found_in_the_segments_it_broke(tmp_path: Path, fault: str, code: str, segments: set[int]) -> None:
    result = _build(tmp_path, fault, strict=True)
    flagged = {f.segment for f in result.findings if f.code == code}
    assert flagged == segments
    finding = next(f for f in result.findings if f.code == code)
    assert (finding.release, finding.lang, finding.severity) == (SLUG, "en", CHECKS[code].severity)
    assert finding.message and finding.source and finding.target is not None
    assert result.exit_code == (3 if CHECKS[code].severity == ERROR else 0)


def test_a_mangled_placeholder_is_still_published_with_every_protected_span(tmp_path: Path) -> None:
    result = _build(tmp_path, "mangle-placeholder")
    quote = next(f for f in result.findings if f.segment == 4)
    assert quote.target == "Lord Mayor Frank Nopper says: “The trains will then run on time again (as planned).”"
    assert {f.code for f in result.findings} == {"translated-in-pieces"}
    assert all(f.severity == WARNING for f in result.findings)


def _check(source: str, target: str, lang: str = "en", glossary: Glossary | None = None) -> list[tuple[str, str]]:
    unit = Unit(source, target, [(source, target)])
    return check_unit(unit, CheckContext("de", lang, Protector(glossary), frozenset({"de", "en"} - {lang})))


def test_a_missing_protected_span_is_an_error_naming_it() -> None:
    problems = _check("Fragen an presse@stuttgart.de oder +49 711 216-0.", "Questions to press@stuttgart.de or +49 711 216-0.")
    assert problems == [("protected-missing", "The e-mail address 'presse@stuttgart.de' is missing or changed in the translation.")]


@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        ("Im Durchschnitt erhielten Eigentümer 1.234,56 € pro Antrag.", "On average, owners received €1,234.56 per application.", "en"),
        ("Der Vertrag wurde am 24. Juli 2025 unterzeichnet.", "The contract was signed on July 24, 2025.", "en"),
        ("Der Vertrag wurde am 24. Juli 2025 unterzeichnet.", "계약은 2025년 7월 24일에 체결되었다.", "ko"),
        ("Stuttgart, 12.08.2025 – die Sitzung beginnt um 10.30 Uhr.", "Stuttgart, 12 August 2025 – the meeting starts at 10:30 a.m.", "en"),
        ("Die Bahnen fahren ab 15 Uhr wieder.", "Trains run again from 3 p.m.", "en"),
        ("Die Bahnen fahren ab 15 Uhr wieder.", "열차는 오후 3시부터 다시 운행한다.", "ko"),
        ("Die Stadt investiert 3,6 Millionen Euro.", "The city is investing 3.6 million euros.", "en"),
        ("Die Stadt investiert 3,6 Millionen Euro.", "시는 360만 유로를 투자한다.", "ko"),
        ("Die Zuschüsse steigen von 35 auf 50 Prozent, höchstens 25.000 Euro.", "Grants rise from 35 to 50 percent, at most 25,000 euros.", "en"),
        ("Es gibt zwei Termine, Version 2.1.3 und die Linie U5.", "There are 2 dates, version 2.1.3 and the U5 line.", "en"),
    ],
)
def test_numbers_may_be_formatted_for_the_target_language(source: str, target: str, lang: str) -> None:
    assert compare_numbers(source, "de", target, lang) == ([], [])


@pytest.mark.parametrize(
    ("source", "target", "missing", "extra"),
    [
        ("Die Stadt investiert 3,6 Millionen Euro.", "The city is investing 3.6 euros.", ["3,6"], ["3.6"]),
        ("Seit 2019 gingen 1.480 Anträge ein.", "Since 2019, 1,840 applications came in.", ["1.480"], ["1,840"]),
        ("Am 24. Juli 2025 ist es so weit.", "On June 24, 2025 it is time.", ["Juli"], ["June"]),
        ("Version 2.1.3 ist da.", "Version 2.13 is here.", ["2.1.3"], ["2.13"]),
        ("Die Linie fährt alle 10 Minuten, 10 Bahnen.", "The line runs every 10 minutes, trains.", ["10"], []),
    ],
)
def test_changed_or_dropped_numbers_are_named(source: str, target: str, missing: list[str], extra: list[str]) -> None:
    found_missing, found_extra = compare_numbers(source, "de", target, "en")
    assert ([n.text for n in found_missing], [n.text for n in found_extra]) == (missing, extra)


def test_untranslated_text_is_found_by_language_and_by_equality_but_names_alone_are_fine() -> None:
    assert _check("Die Bahnen fahren ab Montag wieder nach Plan.", "Die Bahnen fahren ab Montag wieder nach Plan.")[0][0] == "untranslated"
    still_german = _check("Die Bahnen fahren ab Montag wieder nach Plan.", "The Bahnen fahren ab Montag wieder nach dem Plan.")
    assert [code for code, _ in still_german] == ["untranslated"]
    english_in_korean = _check("Die Bahnen fahren ab Montag wieder nach Plan.", "The trains run again according to plan from Monday.", "ko")
    assert "untranslated" in [code for code, _ in english_in_korean]
    assert _check("Mercedes-Benz Museum", "Mercedes-Benz Museum", glossary=Glossary(terms=[Term("Mercedes-Benz Museum")])) == []


def test_loops_count_words_and_phrases_not_repeated_in_the_source() -> None:
    assert longest_loop("the city council city council city council meets") == (3, "city council")
    assert _check("Er sagte: sehr, sehr, sehr gut.", "He said: very, very, very good.") == []
    assert _check("Die Stadt plant.", "The city city city city plans.")[0] == ("repeated-words", "'city' repeats 4 times in a row.")


def test_quotes_and_brackets_are_compared_with_the_original() -> None:
    assert _check("Er sagt: „Gut (sehr gut).“", "He says: “Good (very good).”") == []
    assert _check("Er sagt: „Gut.“", 'He says: "Good."') == []
    assert [code for code, _ in _check("Er sagt: „Gut (sehr gut).“", "He says: Good (very good.")] == ["unbalanced-marks", "unbalanced-marks"]


def test_lengths_are_judged_per_sentence_against_the_language_pair() -> None:
    source = "Die Stadt eröffnet am Montag das neue Bürgerbüro am Marktplatz."
    assert _check(source, "시는 월요일에 마켓 광장에 새로운 시민 사무소를 엽니다.", "ko") == []
    assert [c for c, _ in _check(source, "The city opens.")] == ["truncated"]
    assert [c for c, _ in _check(source, "The city opens the new office. " * 5)] == ["too-long"]


def test_every_check_has_a_severity_and_a_plain_explanation() -> None:
    assert all(check.severity in (ERROR, WARNING) and check.explanation.endswith(".") for check in CHECKS.values())
