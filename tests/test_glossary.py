"""The press office's glossary and do-not-translate list: reading them strictly, matching German forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.qa.glossary import DNT_FILE, GlossaryError, load_glossary
from pressroom.qa.protect import Protector

REPO = Path(__file__).parents[1]

GLOSSARY = (
    "de\ten\tko\tnote\n"
    "Oberbürgermeister\tLord Mayor\t시장\tAmtsbezeichnung\n"
    "Landeshauptstadt Stuttgart\tState Capital Stuttgart\t주도 슈투트가르트\t\n"
    "Gemeinderat\tMunicipal Council\t시의회\t\n"
    "Haltestelle\tstop\t정류장\t\n"
    "Messe\ttrade fair\t박람회\t\n"
    "Stadtbahn\tStadtbahn\t\tkept in English, Korean keeps the German word too\n"
    "SSB\t\t\tnever translated\n"
)


def _glossary(tmp_path: Path, text: str = GLOSSARY, dnt: str | None = None, encoding: str = "utf-8") -> Path:
    path = tmp_path / "glossary.tsv"
    path.write_bytes(text.encode(encoding))
    if dnt is not None:
        (tmp_path / DNT_FILE).write_text(dnt, encoding="utf-8")
    return path


def _masked(tmp_path: Path, sentence: str, lang: str = "de") -> tuple[str, list[str]]:
    masked = Protector(load_glossary(_glossary(tmp_path), "de")).mask(sentence, lang)
    return masked.text, [span.text for span in masked.spans]


def test_rows_give_approved_terms_per_language_and_empty_cells_keep_the_german_term(tmp_path: Path) -> None:
    glossary = load_glossary(_glossary(tmp_path, dnt="# comment\nFrank Nopper\n\nClaus Kleber\n"))
    terms = {term.source: term for term in glossary.terms}
    assert glossary.languages == ["en", "ko"]
    assert terms["Oberbürgermeister"].value("ko") == "시장"
    assert terms["Oberbürgermeister"].note == "Amtsbezeichnung"
    assert terms["Stadtbahn"].value("en") == "Stadtbahn" and terms["Stadtbahn"].value("ko") == "Stadtbahn"
    assert terms["Stadtbahn"].keep_everywhere is False
    assert terms["SSB"].keep_everywhere and terms["Claus Kleber"].keep_everywhere
    assert terms["Claus Kleber"].where.endswith(f"{DNT_FILE}, line 4")
    assert terms["Gemeinderat"].value("fr") == "Gemeinderat"  # no column: unchanged


def test_extra_language_columns_a_bom_and_no_note_column_are_fine(tmp_path: Path) -> None:
    path = _glossary(tmp_path, "\ufeffde\tko\tfr\nGemeinderat\t시의회\tconseil municipal\n")
    glossary = load_glossary(path)
    assert glossary.languages == ["ko", "fr"]
    assert glossary.terms[0].value("fr") == "conseil municipal"


def test_missing_files_mean_an_empty_glossary(tmp_path: Path) -> None:
    glossary = load_glossary(tmp_path / "glossary.tsv")
    assert glossary.terms == [] and glossary.files == []


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("en\tde\tko\nMayor\tBürgermeister\t시장\n", "utf-8", r"line 1: the header row must start with 'de'"),
        ("de en ko\nGemeinderat\n", "utf-8", r"line 1: .*must start with 'de'"),
        ("de\tenglish\tko\n", "utf-8", r"line 1: 'english' in the header is neither a language code"),
        ("de\ten\ten\n", "utf-8", r"line 1: column 'en' appears twice"),
        ("de\ten\tko\nGemeinderat\tcouncil\t시의회\n\ngemeinderat\tcity council\t시의회\n", "utf-8", r"line 4: 'gemeinderat' is listed twice \(also at glossary.tsv, line 2\)"),
        ("de\ten\tko\nGemeinderat\tcouncil\t시의회\textra\n", "utf-8", r"line 2: 4 columns, but the header has 3"),
        ("de\ten\tko\n\tcouncil\t시의회\n", "utf-8", r"line 2: the term in the first column is empty"),
        ("de\ten\nGemeinderat\tcouncil\nOberbürgermeister\tLord Mayor\n", "cp1252", r"line 3: not UTF-8 text"),
    ],
)
def test_a_bad_glossary_names_the_file_and_line(tmp_path: Path, text: str, encoding: str, expected: str) -> None:
    with pytest.raises(GlossaryError, match=expected) as error:
        load_glossary(_glossary(tmp_path, text, encoding=encoding))
    assert str(error.value).startswith(str(tmp_path / "glossary.tsv"))


def test_a_name_listed_in_both_files_or_a_tab_in_the_list_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match=r"do-not-translate.txt, line 2: 'SSB' is listed twice \(also at glossary.tsv, line 8\)"):
        load_glossary(_glossary(tmp_path, dnt="Frank Nopper\nSSB\n"))
    with pytest.raises(GlossaryError, match=r"do-not-translate.txt, line 1: one name per line, without tabs"):
        load_glossary(_glossary(tmp_path, dnt="Frank Nopper\tFrank\n"))


@pytest.mark.parametrize(
    ("sentence", "masked", "spans"),
    [
        ("Der Oberbürgermeister begrüßt die Gäste.", "Der ⟦1⟧ begrüßt die Gäste.", ["Oberbürgermeister"]),
        ("Die Rede des Oberbürgermeisters war kurz.", "Die Rede des ⟦1⟧ war kurz.", ["Oberbürgermeisters"]),
        ("Die Oberbürgermeisterin eröffnet die Messen.", "Die ⟦1⟧ eröffnet die ⟦2⟧.", ["Oberbürgermeisterin", "Messen"]),
        ("Die Bürgerinnen der Landeshauptstadt Stuttgarts", "Die Bürgerinnen der ⟦1⟧", ["Landeshauptstadt Stuttgarts"]),
        ("Die Gemeinderatssitzung beginnt.", "Die ⟦1⟧-Sitzung beginnt.", ["Gemeinderats"]),
        ("Die Gemeinderatsmitglieder stimmen ab.", "Die ⟦1⟧-Mitglieder stimmen ab.", ["Gemeinderats"]),
        ("Die Stadtbahnhaltestelle wird gebaut.", "Die Stadtbahn-⟦1⟧ wird gebaut.", ["haltestelle"]),
        ("Die Stadtbahn-Haltestelle wird gebaut.", "Die ⟦1⟧-⟦2⟧ wird gebaut.", ["Stadtbahn", "Haltestelle"]),
        ("Alt-Oberbürgermeister Kuhn kam.", "Alt-⟦1⟧ Kuhn kam.", ["Oberbürgermeister"]),
        ("Der Stadtbahnhaltestellen-Umbau", "Der Stadtbahn-⟦1⟧-Umbau", ["haltestellen"]),
        ("Die Stadtbahnen fahren ab 5 Uhr.", "Die ⟦1⟧ fahren ab 5 Uhr.", ["Stadtbahnen"]),
        ("Die SSB-Busse fahren, die SSBs nicht.", "Die ⟦1⟧-Busse fahren, die SSBs nicht.", ["SSB"]),
        ("Vermessen wurde die Messehalle.", "Vermessen wurde die ⟦1⟧-Halle.", ["Messe"]),
        ("Das wurde gemessen, nicht die messe.", "Das wurde gemessen, nicht die messe.", []),
    ],
)
def test_terms_match_inflected_and_compound_forms(tmp_path: Path, sentence: str, masked: str, spans: list[str]) -> None:
    assert _masked(tmp_path, sentence) == (masked, spans)


def test_glossary_terms_apply_to_german_sources_only_names_to_every_language(tmp_path: Path) -> None:
    assert _masked(tmp_path, "The Gemeinderat met the SSB.", "en") == ("The Gemeinderat met the ⟦1⟧.", ["SSB"])


def test_the_repository_glossary_and_list_are_valid_and_protect_the_sample_names() -> None:
    glossary = load_glossary(REPO / "glossary.tsv")
    assert [path.name for path in glossary.files] == ["glossary.tsv", DNT_FILE]
    masked = Protector(glossary).mask("Oberbürgermeister Dr. Frank Nopper begrüßt den Gemeinderat der Landeshauptstadt Stuttgart.", "de")
    assert masked.text == "⟦1⟧ Dr. ⟦2⟧ begrüßt den ⟦3⟧ der ⟦4⟧."
    assert masked.restore(masked.text, "en") == "Lord Mayor Dr. Frank Nopper begrüßt den Municipal Council der State Capital Stuttgart."
