"""Protected spans come out exactly as approved, whatever the model does with the placeholders."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from engines import StaticEngines, TaggingEngine

from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.qa.glossary import DNT_FILE, Glossary, Term, load_glossary
from pressroom.qa.protect import AUTO_PATTERNS, Protector, repair_placeholders
from pressroom.translate.protected import ProtectedTranslator
from pressroom.translate.corpus import CorpusTranslator
from pressroom.translate.routing import ModelEngines
from pressroom.translate.base import Hypothesis

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
GLOSSARY = Glossary(
    languages=["en", "ko"],
    terms=[
        Term("Oberbürgermeister", {"en": "Lord Mayor", "ko": "시장"}),
        Term("Claus Kleber"),
        Term("Frank Nopper"),
    ],
)


class ScriptEngine:
    """An engine whose output per sentence is ``script(sentence)``; remembers what it saw."""

    def __init__(self, source: str, target: str, script: Callable[[str], str]) -> None:
        self.source, self.target, self.demo = source, target, False
        self.identity = f"script-{source}_{target}-{id(self)}"
        self.name = "script"
        self.script = script
        self.seen: list[str] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[Hypothesis]:
        self.seen += sentences
        return [Hypothesis(self.script(s)) for s in sentences]


def _translate(sentence: str, *engines: ScriptEngine):  # noqa: ANN202 - a Translation
    translator = ProtectedTranslator(CorpusTranslator(), Protector(GLOSSARY))
    return translator.translate(list(engines), [sentence])[sentence]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("web address", "https://www.stuttgart.de/presse/2025_07_mitteilung.html"),
        ("web address", "www.ssb-ag.de/fahrplan"),
        ("web address", "stuttgart.de"),
        ("e-mail address", "presse_team@stuttgart.de"),
        ("phone number", "+49 711 216-0"),
        ("phone number", "0711/216-60000"),
        ("phone number", "(0711) 216 600"),
        ("hashtag", "#StuttgartLiebe"),
        ("handle", "@stadtstuttgart"),
        ("file name", "Antrag_Dachbegruenung-2025.pdf"),
        ("file name", "Lageplan.JPG"),
    ],
)
def test_addresses_numbers_tags_and_files_are_found(kind: str, text: str) -> None:
    spans = Protector().spans(f"Mehr dazu ({text}), sagt die Stadt.", "de")
    assert [(span.kind, span.text) for span in spans] == [(kind, text)]
    assert AUTO_PATTERNS[kind]


@pytest.mark.parametrize(
    "sentence",
    [
        "Am 24.07.2025 um 10.30 Uhr kostet es 1.234,56 € (ca. 62 %).",
        "Die Linie U5 fährt z.B. alle 10 Minuten, Tel. folgt.",
        "Seit 2019 gingen 1.480 Anträge ein, 2025 und 2026 kommen 3,6 Mio. Euro dazu.",
    ],
)
def test_dates_amounts_and_abbreviations_are_not_protected(sentence: str) -> None:
    assert Protector().spans(sentence, "de") == []


def test_placeholders_are_repaired_when_altered_and_refused_when_lost() -> None:
    source = "⟦1⟧ und ⟦2⟧ [3] treffen sich."
    assert repair_placeholders("⟦ 1 ⟧ and [2] [3] meet.", source) == "⟦1⟧ and ⟦2⟧ [3] meet."
    assert repair_placeholders("⟦1 and 2⟧ meet.", source) == "⟦1⟧ and ⟦2⟧ meet."
    assert repair_placeholders("[1] and [3] meet.", "⟦1⟧ und [3]") == "⟦1⟧ and [3] meet."
    assert repair_placeholders("⟦1⟧ and 2 meet.", source) is None  # dropped (a bare number is no proof)
    assert repair_placeholders("⟦1⟧ and ⟦1⟧ ⟦2⟧ meet.", source) is None  # doubled
    assert repair_placeholders("⟦1⟧ and ⟦2⟧ and ⟦3⟧ meet.", source) is None  # invented


def test_an_intact_placeholder_is_restored_with_the_approved_term_and_the_name() -> None:
    engine = ScriptEngine("de", "en", lambda s: s.replace("begrüßt", "welcomes").replace("die Gäste", "the guests"))
    result = _translate("Oberbürgermeister Frank Nopper begrüßt die Gäste.", engine)
    assert engine.seen == ["⟦1⟧ ⟦2⟧ begrüßt die Gäste."]  # the model never sees the name
    assert (result.text, result.in_pieces) == ("Lord Mayor Frank Nopper welcomes the guests.", False)


def test_a_lost_placeholder_makes_the_sentence_go_in_pieces_with_every_span_in_source_order() -> None:
    words = {"moderiert, und": "moderates, and", "spricht.": "speaks."}
    engine = ScriptEngine("de", "en", lambda s: words.get(s, "claus adhesive moderates, and the mayor speaks."))
    result = _translate("Claus Kleber moderiert, und Oberbürgermeister Frank Nopper spricht.", engine)
    assert result.in_pieces
    assert result.text == "Claus Kleber moderates, and Lord Mayor Frank Nopper speaks."
    assert sorted(engine.seen[1:]) == ["moderiert, und", "spricht."]  # only the text between the spans


def test_a_sentence_of_names_and_addresses_only_never_reaches_the_model() -> None:
    engine = ScriptEngine("de", "en", lambda s: "gibberish")
    result = _translate("Frank Nopper, presse@stuttgart.de", engine)
    assert (result.text, result.in_pieces, engine.seen) == ("Frank Nopper, presse@stuttgart.de", False, [])


def test_a_stray_placeholder_in_a_piece_cannot_duplicate_a_span() -> None:
    engine = ScriptEngine("de", "en", lambda s: "⟦1⟧ " + s if "⟦" not in s else "lost")
    result = _translate("Frank Nopper spricht.", engine)
    assert result.text == "Frank Nopper spricht." and result.in_pieces


def test_the_pivot_route_keeps_placeholders_across_both_hops_and_korean_gets_the_korean_term() -> None:
    de_en = ScriptEngine("de", "en", lambda s: s.replace("spricht", "speaks"))
    en_ko = ScriptEngine("en", "ko", lambda s: s.replace("speaks", "연설한다"))
    result = _translate("Oberbürgermeister Frank Nopper spricht.", de_en, en_ko)
    assert en_ko.seen == ["⟦1⟧ ⟦2⟧ speaks."]
    assert (result.text, result.in_pieces) == ("시장 Frank Nopper 연설한다.", False)


def test_a_placeholder_lost_on_the_second_hop_is_rebuilt_for_that_hop_only() -> None:
    de_en = ScriptEngine("de", "en", lambda s: s.replace("spricht", "speaks"))
    en_ko = ScriptEngine("en", "ko", lambda s: "연설한다." if s == "speaks." else "시장님이 연설한다.")
    translator = ProtectedTranslator(CorpusTranslator(), Protector(GLOSSARY))
    sentence = "Oberbürgermeister Frank Nopper spricht."
    english = translator.translate([de_en], [sentence])[sentence]
    korean = translator.translate([de_en, en_ko], [sentence])[sentence]
    assert (english.text, english.in_pieces) == ("Lord Mayor Frank Nopper speaks.", False)
    assert (korean.text, korean.in_pieces) == ("시장 Frank Nopper 연설한다.", True)
    assert de_en.seen == ["⟦1⟧ ⟦2⟧ spricht."]  # the Korean route reused the English hop


RELEASE = """---
title: Oberbürgermeister Frank Nopper eröffnet die Haltestelle
date: 2025-08-04T10:00:00+02:00
---
Oberbürgermeister Frank Nopper eröffnet die Haltestelle. Die Bahnen fahren ab 5 Uhr.

Claus Kleber moderiert. Fragen an presse@stuttgart.de oder +49 711 216-0, Infos unter https://www.stuttgart.de/presse und #Stadtbahn, Plan: plan_2025.pdf.
"""
SPANS = ["Frank Nopper", "Claus Kleber", "presse@stuttgart.de", "+49 711 216-0", "https://www.stuttgart.de/presse", "#Stadtbahn", "plan_2025.pdf"]


def _workdir(tmp_path: Path, glossary: str, dnt: str) -> BuildOptions:
    (tmp_path / "releases").mkdir(exist_ok=True)
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "glossary.tsv").write_text(glossary, encoding="utf-8")
    (tmp_path / DNT_FILE).write_text(dnt, encoding="utf-8")
    return BuildOptions(releases_dir=tmp_path / "releases", output_dir=tmp_path / "output", glossary=tmp_path / "glossary.tsv")


def _docx_text(options: BuildOptions, lang: str) -> str:
    document = docx.Document(str(options.output_dir / lang / "oberbuergermeister-frank-nopper-eroeffnet-die-haltestelle.docx"))
    return "\n".join(p.text for p in document.paragraphs)


def test_the_memory_keeps_masked_sentences_so_a_changed_approved_term_needs_no_retranslation(tmp_path: Path) -> None:
    options = _workdir(tmp_path, "de\ten\tko\nOberbürgermeister\tLord Mayor\t시장\n", "Frank Nopper\n")
    build(Settings(), options, StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko")), now=NOW)
    assert "<en>Lord Mayor Frank Nopper eröffnet die Haltestelle." in _docx_text(options, "en")

    (tmp_path / "glossary.tsv").write_text("de\ten\tko\nOberbürgermeister\tMayor\t시장님\n", encoding="utf-8")
    de_en, en_ko = TaggingEngine("de", "en"), TaggingEngine("en", "ko")
    build(Settings(), options, StaticEngines(de_en, en_ko), now=NOW)
    assert de_en.seen == [] and en_ko.seen == []
    assert "<en>Mayor Frank Nopper eröffnet die Haltestelle." in _docx_text(options, "en")
    assert "<ko><en>시장님 Frank Nopper eröffnet die Haltestelle." in _docx_text(options, "ko")

    (tmp_path / DNT_FILE).write_text("Frank Nopper\nHaltestelle\n", encoding="utf-8")  # a new name: its sentences change
    de_en = TaggingEngine("de", "en")
    build(Settings(), options, StaticEngines(de_en, TaggingEngine("en", "ko")), now=NOW)
    assert de_en.seen == ["⟦1⟧ ⟦2⟧ eröffnet die ⟦3⟧", "⟦1⟧ ⟦2⟧ eröffnet die ⟦3⟧."]


def test_protected_spans_survive_the_real_engine_path_with_random_models(tmp_path: Path, models_dir: Path) -> None:
    """Synthetic models mangle everything; restoring must not depend on the model copying anything."""
    options = _workdir(tmp_path, "de\ten\tko\nOberbürgermeister\tLord Mayor\t시장\n", "Frank Nopper\nClaus Kleber\n")
    options.allow_demo = True
    settings = Settings()
    engines = ModelEngines(models_dir, settings.translation, pivot="en")
    result = build(settings, options, engines, now=NOW)
    assert result.exit_code == 0, result.failed
    for lang, term in (("en", "Lord Mayor"), ("ko", "시장")):
        text = _docx_text(options, lang)
        for span in [*SPANS, term]:
            assert span in text, (lang, span)
        assert "Oberbürgermeister" not in text and not re.search(r"[⟦⟧]", text)
    codes = {f.code for f in result.findings}
    assert "translated-in-pieces" in codes  # random models do not copy placeholders
    assert not codes & {"protected-missing", "glossary-term-missing"}


def test_the_protector_reads_the_glossary_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "glossary.tsv").write_text("de\ten\nGemeinderat\tMunicipal Council\n", encoding="utf-8")
    masked = Protector(load_glossary(tmp_path / "glossary.tsv")).mask("Der Gemeinderat tagt.", "de")
    assert masked.restore(masked.text.replace("tagt", "meets"), "en") == "Der Municipal Council meets."


def test_pieces_sent_again_are_counted_apart_from_sentences_and_not_in_the_progress() -> None:
    de_en = ScriptEngine("de", "en", lambda s: "Speaks." if "⟦" in s else s.replace("spricht", "speaks"))
    corpus = CorpusTranslator()
    translator = ProtectedTranslator(corpus, Protector(GLOSSARY))
    totals: list[int] = []
    sentences = ["Oberbürgermeister Frank Nopper spricht.", "Der Rat tagt."]
    translator.translate([de_en], sentences, lambda engine, done, total: totals.append(total))
    (stats,) = corpus.stats.values()
    assert (stats.translated, stats.pieces) == (2, 1)  # two sentences; "spricht." again on its own
    assert set(totals) == {2}  # the progress bar counts the sentences the summary counts
