"""Sentence segmentation on real German press-release text, and splitting of over-long input.

The sentences are copied from /work/shared/corpus/de-press-releases and the Stuttgart–Sejong
sample, so the tests do not depend on files outside the repository.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.segment import Piece, join_pieces, split_at_safe_points, split_sentences

# --- split_sentences: real corpus paragraphs -------------------------------------------------

CORPUS_CASES = [
    pytest.param(
        "(openPR) Die Universität Tübingen verleiht den Preis für Wissenschaftskommunikation an "
        "Professor Dr. Tobias Hauser und den Nachwuchspreis an Dr. Michael Kienzle. Tobias Hauser "
        "erhält die Auszeichnung für seine Aufklärungskampagne zu psychischen Zwangsstörungen.",
        [
            "(openPR) Die Universität Tübingen verleiht den Preis für Wissenschaftskommunikation "
            "an Professor Dr. Tobias Hauser und den Nachwuchspreis an Dr. Michael Kienzle.",
            "Tobias Hauser erhält die Auszeichnung für seine Aufklärungskampagne zu psychischen "
            "Zwangsstörungen.",
        ],
        id="dr-titles",
    ),
    pytest.param(
        "„Im Namen aller Universitätsangehörigen gratuliere ich Herrn Professor Dr. Tobias Hauser "
        "und Herrn Dr. Michael Kienzle zu ihrer Auszeichnung“, sagt Professorin Dr. Dr. h.c. "
        "(Dōshisha) Karla Pollmann, Rektorin der Universität Tübingen. „Zugleich danke ich den "
        "beiden Forschern, wodurch Verständnis entsteht. Dies bildet die unverzichtbare Grundlage "
        "für Vertrauen unserer Gesellschaft in die Forschung.“",
        [
            "„Im Namen aller Universitätsangehörigen gratuliere ich Herrn Professor Dr. Tobias "
            "Hauser und Herrn Dr. Michael Kienzle zu ihrer Auszeichnung“, sagt Professorin Dr. Dr. "
            "h.c. (Dōshisha) Karla Pollmann, Rektorin der Universität Tübingen.",
            "„Zugleich danke ich den beiden Forschern, wodurch Verständnis entsteht.",
            "Dies bildet die unverzichtbare Grundlage für Vertrauen unserer Gesellschaft in die "
            "Forschung.“",
        ],
        id="dr-dr-hc-and-quote",
    ),
    pytest.param(
        "Bei seinem ersten Pflichttermin als neuer VfB-Präsident betonte Gerd E. Mäuser mit einem "
        "Lächeln, dass es wohl eindeutig schwierigere Termine gäbe. Zudem präsentierte Gerd E. "
        'Mäuser die Aktion "VfB-Fanstein". "Viele unserer Fans wollen ihre Identifikation mit '
        'unserem Verein auch zeigen. Diese Aktion des VfB-Fansteins wird im Laufe der Hinrunde '
        'beginnen", so der VfB-Präsident.',
        [
            "Bei seinem ersten Pflichttermin als neuer VfB-Präsident betonte Gerd E. Mäuser mit "
            "einem Lächeln, dass es wohl eindeutig schwierigere Termine gäbe.",
            'Zudem präsentierte Gerd E. Mäuser die Aktion "VfB-Fanstein".',
            '"Viele unserer Fans wollen ihre Identifikation mit unserem Verein auch zeigen.',
            'Diese Aktion des VfB-Fansteins wird im Laufe der Hinrunde beginnen", so der '
            "VfB-Präsident.",
        ],
        id="initial-and-straight-quotes",
    ),
    pytest.param(
        "Im Verlauf der letzten Woche entwendete ein bisher unbekannter Dieb einmal zehn und "
        "einmal elf Meter Dachrinne. Es entstand ein Sachschaden von jeweils ca. 200 Euro. "
        "Hinweise auf den Dieb bzw. von ihm benutztes Fahrzeug nimmt der Polizeiposten Weinstadt "
        "unter der Telefonnummer 07151/ 65061 entgegen.",
        [
            "Im Verlauf der letzten Woche entwendete ein bisher unbekannter Dieb einmal zehn und "
            "einmal elf Meter Dachrinne.",
            "Es entstand ein Sachschaden von jeweils ca. 200 Euro.",
            "Hinweise auf den Dieb bzw. von ihm benutztes Fahrzeug nimmt der Polizeiposten "
            "Weinstadt unter der Telefonnummer 07151/ 65061 entgegen.",
        ],
        id="ca-bzw",
    ),
    pytest.param(
        "Ein 20 Jahre alter VW-Fahrer wollte am Mittwochvormittag gegen 10.15 Uhr vom Ligusterweg "
        "in die Bühlstraße abbiegen. Durch den folgenden Zusammenstoß entstand Sachschaden von "
        "rund 5000 Euro.",
        [
            "Ein 20 Jahre alter VW-Fahrer wollte am Mittwochvormittag gegen 10.15 Uhr vom "
            "Ligusterweg in die Bühlstraße abbiegen.",
            "Durch den folgenden Zusammenstoß entstand Sachschaden von rund 5000 Euro.",
        ],
        id="time-10.15",
    ),
    pytest.param(
        "Im Zeitraum von Freitag, 14.06.2024 bis Sonntag, 14.07.2024 findet die 17. UEFA "
        "Fußballeuropameisterschaft der Herren in Deutschland statt. Bis auf das Endspiel in "
        "Berlin am 14.07.2024 wurden alle Spiele bereits ausgetragen.",
        [
            "Im Zeitraum von Freitag, 14.06.2024 bis Sonntag, 14.07.2024 findet die 17. UEFA "
            "Fußballeuropameisterschaft der Herren in Deutschland statt.",
            "Bis auf das Endspiel in Berlin am 14.07.2024 wurden alle Spiele bereits ausgetragen.",
        ],
        id="17-uefa-and-dates",
    ),
    pytest.param(
        "Die weiteren Spiele der Gruppenphase waren die Begegnungen am 17.06. (Rumänien – "
        "Ukraine), 20.06. (Slowenien – Niederlande) und 25.06. (Dänemark – Serbien). Dazu kamen "
        "ein Spiel im Achtelfinale am 02.07. (Rumänien – Niederlande) sowie das erste Halbfinale "
        "am 09.07. (Spanien – Frankreich).",
        [
            "Die weiteren Spiele der Gruppenphase waren die Begegnungen am 17.06. (Rumänien – "
            "Ukraine), 20.06. (Slowenien – Niederlande) und 25.06. (Dänemark – Serbien).",
            "Dazu kamen ein Spiel im Achtelfinale am 02.07. (Rumänien – Niederlande) sowie das "
            "erste Halbfinale am 09.07. (Spanien – Frankreich).",
        ],
        id="day-month-before-bracket",
    ),
    pytest.param(
        "Das Polizeipräsidium München zieht ein sehr positives Fazit - „Unser Ziel, einen sicheren "
        "Rahmen zu geben, haben wir erreicht.“, so der Einsatzleiter Michael Dibowski. An allen "
        "Spieltagen waren jeweils bis zu 2.000 Polizeibeamtinnen und -beamte im Einsatz.",
        [
            "Das Polizeipräsidium München zieht ein sehr positives Fazit - „Unser Ziel, einen "
            "sicheren Rahmen zu geben, haben wir erreicht.“, so der Einsatzleiter Michael "
            "Dibowski.",
            "An allen Spieltagen waren jeweils bis zu 2.000 Polizeibeamtinnen und -beamte im "
            "Einsatz.",
        ],
        id="quote-then-comma-and-2.000",
    ),
    pytest.param(
        "Sie stehen im Verdacht, am Samstag, den 21. Dezember 2024, gegen 3:20 Uhr in Kreuzberg "
        "einen 32-Jährigen bedroht zu haben. Mittels körperlicher Gewalt erlangten sie schließlich "
        "eine Packung Halsbonbons.",
        [
            "Sie stehen im Verdacht, am Samstag, den 21. Dezember 2024, gegen 3:20 Uhr in "
            "Kreuzberg einen 32-Jährigen bedroht zu haben.",
            "Mittels körperlicher Gewalt erlangten sie schließlich eine Packung Halsbonbons.",
        ],
        id="21-dezember-2024",
    ),
    pytest.param(
        "Hinweise nimmt das Brennpunktkommissariat unter der Rufnummer (030) 4664-574200 entgegen. "
        "Auch per E-Mail an dir5k42@polizei.berlin.de können Hinweise gegeben werden. "
        "Selbstverständlich können sich Zeuginnen und Zeugen auch an jede andere "
        "Polizeidienststelle wenden.",
        [
            "Hinweise nimmt das Brennpunktkommissariat unter der Rufnummer (030) 4664-574200 "
            "entgegen.",
            "Auch per E-Mail an dir5k42@polizei.berlin.de können Hinweise gegeben werden.",
            "Selbstverständlich können sich Zeuginnen und Zeugen auch an jede andere "
            "Polizeidienststelle wenden.",
        ],
        id="email-inside",
    ),
    pytest.param(
        "• Update Aktienrückkauf: Nachhaltige Cash-Generierung fortgesetzt, Aktienrückkaufvolumen "
        "in Q2 bei 2,8 Mrd. €. Seit Beginn der Programme im März 2023 hat das Unternehmen bis zum "
        "30. Juni 2024 Aktien im Wert von 5,1 Mrd. € zurückgekauft.",
        [
            "• Update Aktienrückkauf: Nachhaltige Cash-Generierung fortgesetzt, "
            "Aktienrückkaufvolumen in Q2 bei 2,8 Mrd. €.",
            "Seit Beginn der Programme im März 2023 hat das Unternehmen bis zum 30. Juni 2024 "
            "Aktien im Wert von 5,1 Mrd. € zurückgekauft.",
        ],
        id="mrd-euro-30-juni",
    ),
    pytest.param(
        "Operative Effizienz führte zu einem Ergebnis vor Zinsen und Steuern (EBIT) von 4,0 Mrd. € "
        "(Q2 2023: 5,0 Mrd. €). Der Konzernumsatz erreichte im zweiten Quartal 36,7 Mrd. € "
        "(Q2 2023: 38,2 Mrd. €).",
        [
            "Operative Effizienz führte zu einem Ergebnis vor Zinsen und Steuern (EBIT) von "
            "4,0 Mrd. € (Q2 2023: 5,0 Mrd. €).",
            "Der Konzernumsatz erreichte im zweiten Quartal 36,7 Mrd. € (Q2 2023: 38,2 Mrd. €).",
        ],
        id="closing-bracket-before-dot",
    ),
    pytest.param(
        "Wer erkennt die Abgebildeten und weiß, wo sie wohnen oder sich aufhalten? Wer hat "
        "Beobachtungen gemacht, die im Zusammenhang mit der Tat stehen könnten?",
        [
            "Wer erkennt die Abgebildeten und weiß, wo sie wohnen oder sich aufhalten?",
            "Wer hat Beobachtungen gemacht, die im Zusammenhang mit der Tat stehen könnten?",
        ],
        id="questions",
    ),
    pytest.param(
        "Oberbürgermeister Nopper sagte bei der Unterzeichnung: \"Sejong liegt in einem Land, das "
        "mit Hyundai eine Weltmarke hervorgebracht hat – ein Unternehmen, das den gleichen "
        "Anspruch verfolgt wie unsere baden-württembergischen Ikonen: Qualität, Leistung, "
        "Fortschritt. Zudem ist Sejong der Inbegriff moderner Stadtentwicklung. Wir öffnen heute "
        'eine Tür – für Wissenstransfer, für technologische Zusammenarbeit."',
        [
            'Oberbürgermeister Nopper sagte bei der Unterzeichnung: "Sejong liegt in einem Land, '
            "das mit Hyundai eine Weltmarke hervorgebracht hat – ein Unternehmen, das den gleichen "
            "Anspruch verfolgt wie unsere baden-württembergischen Ikonen: Qualität, Leistung, "
            "Fortschritt.",
            "Zudem ist Sejong der Inbegriff moderner Stadtentwicklung.",
            'Wir öffnen heute eine Tür – für Wissenstransfer, für technologische Zusammenarbeit."',
        ],
        id="sejong-quote",
    ),
    pytest.param(
        "Zur Unterzeichnung der Erklärung begrüßte Oberbürgermeister Dr. Frank Nopper seinen "
        "Amtskollegen aus Sejong Min-ho Choi im Stuttgarter Rathaus. Seitdem hat sich der "
        "Austausch intensiviert, nicht zuletzt durch den InnovationsCampus der Universität "
        "Stuttgart (mit dem KIT Karlsruhe), die am 24. Juli in Stuttgart eine "
        "Kooperationsvereinbarung unterschrieben haben.",
        [
            "Zur Unterzeichnung der Erklärung begrüßte Oberbürgermeister Dr. Frank Nopper seinen "
            "Amtskollegen aus Sejong Min-ho Choi im Stuttgarter Rathaus.",
            "Seitdem hat sich der Austausch intensiviert, nicht zuletzt durch den "
            "InnovationsCampus der Universität Stuttgart (mit dem KIT Karlsruhe), die am 24. Juli "
            "in Stuttgart eine Kooperationsvereinbarung unterschrieben haben.",
        ],
        id="sejong-24-juli",
    ),
    pytest.param(
        "1. Alle haben das Recht auf die freie Wahl von Betriebssystemen und Software, die auf "
        "ihren Geräten ausgeführt wird.\n2. Alle haben das Recht auf die freie Wahl von "
        "Online-Diensteanbietern für all ihre Geräte.\n3. Geräte sind interoperabel und mit "
        "offenen Standards kompatibel.",
        [
            "1. Alle haben das Recht auf die freie Wahl von Betriebssystemen und Software, die "
            "auf ihren Geräten ausgeführt wird.",
            "2. Alle haben das Recht auf die freie Wahl von Online-Diensteanbietern für all ihre "
            "Geräte.",
            "3. Geräte sind interoperabel und mit offenen Standards kompatibel.",
        ],
        id="numbered-list",
    ),
    pytest.param(
        "1081.    Pressekonferenz Vorläufige Abschlussbilanz des Polizeipräsidiums München "
        "anlässlich der UEFA EURO 2024",
        [
            "1081. Pressekonferenz Vorläufige Abschlussbilanz des Polizeipräsidiums München "
            "anlässlich der UEFA EURO 2024"
        ],
        id="numbered-heading",
    ),
    pytest.param(
        "Karin Deckenbach, NABU-Pressesprecherin, Tel. 030-284 984 1510, pre...@nabu.de",
        ["Karin Deckenbach, NABU-Pressesprecherin, Tel. 030-284 984 1510, pre...@nabu.de"],
        id="tel-and-obfuscated-mail",
    ),
    pytest.param(
        "Termin  Freitag, 11. März 2011, 10.30 Uhr",
        ["Termin Freitag, 11. März 2011, 10.30 Uhr"],
        id="11-maerz-no-end-punctuation",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CORPUS_CASES)
def test_corpus_paragraphs_split_exactly(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- split_sentences: rules one by one --------------------------------------------------------

# The abbreviations the brief names, written out here so that dropping one from the module's
# data makes this test fail.
NAMED_ABBREVIATIONS = [
    "Dr.", "Prof.", "Hr.", "Fr.", "Nr.", "Str.", "bzw.", "ca.", "z. B.", "z.B.", "u. a.", "u.a.",
    "d. h.", "i. d. R.", "usw.", "etc.", "evtl.", "ggf.", "inkl.", "zzgl.", "bspw.", "vgl.",
    "s. o.", "o. ä.", "Mio.", "Mrd.", "Tel.", "Abs.", "St.", "Jh.", "Jhd.", "Dipl.-Ing.",
    "h.c.", "e. V.", "e.V.", "Co.", "Min.", "Std.", "gem.", "lt.", "sog.", "Bd.", "Hrsg.",
    "Kap.", "Okt.", "Sept.", "Jan.", "Feb.", "Aug.", "Dez.", "Nov.", "So.", "Mo.", "Di.", "Mi.",
    "Do.", "Sa.",
]  # fmt: skip


@pytest.mark.parametrize("abbreviation", NAMED_ABBREVIATIONS)
def test_no_split_after_abbreviation_before_capital(abbreviation: str) -> None:
    text = f"Gemeint ist {abbreviation} Stuttgart im Bericht. Dann folgt der Rest."
    assert split_sentences(text) == [
        f"Gemeint ist {abbreviation} Stuttgart im Bericht.",
        "Dann folgt der Rest.",
    ]


@pytest.mark.parametrize("abbreviation", ["Nr.", "Art.", "ca.", "Abs.", "Tel."])
def test_no_split_after_abbreviation_before_number(abbreviation: str) -> None:
    assert split_sentences(f"Siehe {abbreviation} 12 im Text. Er gilt.") == [
        f"Siehe {abbreviation} 12 im Text.",
        "Er gilt.",
    ]


def test_capitalised_lowercase_abbreviation_at_sentence_start() -> None:
    assert split_sentences("Es kamen viele. Ca. 200 Gäste feierten. Vgl. Anhang A.") == [
        "Es kamen viele.",
        "Ca. 200 Gäste feierten.",
        "Vgl. Anhang A.",
    ]


def test_multi_word_titles() -> None:
    text = "Es sprachen Dr. rer. nat. Anna Weber und Dr. med. Hans Ott. Dann folgte der Festakt."
    assert split_sentences(text) == [
        "Es sprachen Dr. rer. nat. Anna Weber und Dr. med. Hans Ott.",
        "Dann folgte der Festakt.",
    ]


def test_lowercase_so_is_a_word_not_the_weekday() -> None:
    assert split_sentences("Das war schon immer so. Die Stadt bleibt dabei.") == [
        "Das war schon immer so.",
        "Die Stadt bleibt dabei.",
    ]


def test_art_is_a_noun_unless_a_number_follows() -> None:
    assert split_sentences("Es gibt Veranstaltungen dieser Art. Die Stadt lädt ein.") == [
        "Es gibt Veranstaltungen dieser Art.",
        "Die Stadt lädt ein.",
    ]
    assert split_sentences("Das regelt Art. 5 GG. Die Stadt lädt ein.") == [
        "Das regelt Art. 5 GG.",
        "Die Stadt lädt ein.",
    ]


def test_usw_ends_a_sentence_only_before_a_sentence_starter() -> None:
    assert split_sentences("Es gab Äpfel, Birnen usw. Die Stadt zahlte.") == [
        "Es gab Äpfel, Birnen usw.",
        "Die Stadt zahlte.",
    ]
    assert split_sentences("Es gab Äpfel, Birnen usw. Bananen kamen später.") == [
        "Es gab Äpfel, Birnen usw. Bananen kamen später."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Der 1. FC Köln spielt künftig in der 3. Liga.",
        "Die 17. UEFA Fußballeuropameisterschaft beginnt am 14. Juni.",
        "Am 24. Juli unterschrieben beide Seiten die Vereinbarung.",
        "Die Frist endet am 21. Dezember 2024 um Mitternacht.",
        "Die Medieninformation vom 12.07.2024 nennt 2.000 Einsatzkräfte.",
        "Der Unfall geschah gegen 10.15 Uhr an der Kreuzung.",
        "Der Gewinn lag bei 4,0 Mrd. € im zweiten Quartal.",
        "Der 2. Weltkrieg endete 1945 in Europa.",
        "Die Spiele am 3. 4. und 5. Mai sind ausverkauft.",
    ],
)
def test_ordinals_dates_and_numbers_do_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


# --- issue 13: church and legal abbreviations, ordinal ranges, bullet lines ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sie besucht eine kath. Schule in Degerloch. Der Unterricht beginnt um acht.",
            ["Sie besucht eine kath. Schule in Degerloch.", "Der Unterricht beginnt um acht."],
        ),
        (
            "Die evang. Gesamtkirchengemeinde und die ev. Akademie laden ein. Alle sind willkommen.",
            [
                "Die evang. Gesamtkirchengemeinde und die ev. Akademie laden ein.",
                "Alle sind willkommen.",
            ],
        ),
        (
            "Die Kelter wurde im 19. Jh. gebaut. Sie steht unter Denkmalschutz.",
            ["Die Kelter wurde im 19. Jh. gebaut.", "Sie steht unter Denkmalschutz."],
        ),
        (
            "Die Pflicht folgt aus § 5 Abs. 2 DDG. Das Impressum nennt sie.",
            ["Die Pflicht folgt aus § 5 Abs. 2 DDG.", "Das Impressum nennt sie."],
        ),
        (
            "Gebührenfrei sind ggf. auch Anträge inkl. Anlagen, ca. 30 Seiten bzw. zwei Ordner.",
            ["Gebührenfrei sind ggf. auch Anträge inkl. Anlagen, ca. 30 Seiten bzw. zwei Ordner."],
        ),
        (
            "Geehrt werden u. a. Prof. Weber aus St. Georgen und Anwohner der Neckarstr. Sie erhalten Urkunden.",
            [
                "Geehrt werden u. a. Prof. Weber aus St. Georgen und Anwohner der Neckarstr.",
                "Sie erhalten Urkunden.",
            ],
        ),
        (
            "Gezeigt werden Funde aus dem 1. -3. Jahrhundert. Der Eintritt ist frei.",
            ["Gezeigt werden Funde aus dem 1. -3. Jahrhundert.", "Der Eintritt ist frei."],
        ),
        (
            "Das Angebot gilt für die 1.–3. Klasse der Grundschulen.",
            ["Das Angebot gilt für die 1.–3. Klasse der Grundschulen."],
        ),
        (
            "Die Ausstellung ist vom 1. bis 3. März geöffnet. Führungen gibt es täglich.",
            ["Die Ausstellung ist vom 1. bis 3. März geöffnet.", "Führungen gibt es täglich."],
        ),
        (
            "Das Gebäude stammt aus dem 19. Jh. Die Stadt saniert es.",
            ["Das Gebäude stammt aus dem 19. Jh.", "Die Stadt saniert es."],
        ),
        (
            "Die Werte fielen auf -3. Die Stadt streut Salz.",
            ["Die Werte fielen auf -3.", "Die Stadt streut Salz."],
        ),
        (
            "Was bringt die Sitzung vom 12. Juni? Das erklärt der OB. Mehr dazu in Nr. 4 des Amtsblatts.",
            [
                "Was bringt die Sitzung vom 12. Juni?",
                "Das erklärt der OB.",
                "Mehr dazu in Nr. 4 des Amtsblatts.",
            ],
        ),
    ],
)  # fmt: skip
def test_abbreviations_and_ordinal_ranges(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_each_bullet_line_is_its_own_segment() -> None:
    text = (
        "Das Programm im Überblick:\n"
        "• Führung durch das Rathaus\n"
        "• Konzert im Innenhof ab 19 Uhr\n"
        "- Lesung in der Stadtbibliothek\n"
        "  – Kinderprogramm im Park\n"
        "* Abschluss mit Feuerwerk\n"
        "Der Eintritt ist frei."
    )
    assert split_sentences(text) == [
        "Das Programm im Überblick:",
        "• Führung durch das Rathaus",
        "• Konzert im Innenhof ab 19 Uhr",
        "- Lesung in der Stadtbibliothek",
        "– Kinderprogramm im Park",
        "* Abschluss mit Feuerwerk",
        "Der Eintritt ist frei.",
    ]


def test_bullet_line_ends_its_segment_and_its_sentences_still_split() -> None:
    text = "• Neu: der Radweg. Er ist 3 km lang\n• Neu: die Brücke\nDie Stadt zahlt."
    assert split_sentences(text) == [
        "• Neu: der Radweg.",
        "Er ist 3 km lang",
        "• Neu: die Brücke",
        "Die Stadt zahlt.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Die Temperatur lag bei\n-3 Grad in der Nacht.",  # a sign, not a bullet
        "Das war *sehr* wichtig und\n*wirklich* neu.",  # emphasis, not a bullet
        "Im Text steht ein Strich - mitten in der Zeile.",
    ],
)
def test_dash_or_star_without_following_space_or_mid_line_is_no_bullet(text: str) -> None:
    assert split_sentences(text) == [" ".join(text.split())]


def test_year_before_sentence_starter_splits() -> None:
    assert split_sentences("Die Brücke wurde im Jahr 2024. Die Stadt zahlte.") == [
        "Die Brücke wurde im Jahr 2024.",
        "Die Stadt zahlte.",
    ]


def test_four_digit_year_splits_before_any_capital() -> None:
    text = "Die Partnerschaft mit Mumbai besteht seit 1968. Mumbai liegt am Meer."
    assert split_sentences(text) == [
        "Die Partnerschaft mit Mumbai besteht seit 1968.",
        "Mumbai liegt am Meer.",
    ]


@pytest.mark.parametrize("starter", ["Die", "Im", "Er", "Zudem", "Dort", "Mit", "Am"])
def test_short_number_splits_before_sentence_starter(starter: str) -> None:
    assert split_sentences(f"Der VfB wurde in dieser Saison 3. {starter} Pokal feierten alle.") == [
        "Der VfB wurde in dieser Saison 3.",
        f"{starter} Pokal feierten alle.",
    ]


def test_short_number_before_other_capital_is_an_ordinal() -> None:
    assert split_sentences("Der VfB wurde in dieser Saison 3. Sieger im Pokal.") == [
        "Der VfB wurde in dieser Saison 3. Sieger im Pokal."
    ]


def test_numbered_list_item_starting_with_sentence_starter_is_kept() -> None:
    assert split_sentences("1. Die Stadt investiert. 2. Der Rat stimmt zu.") == [
        "1. Die Stadt investiert.",
        "2. Der Rat stimmt zu.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Weitere Informationen unter www.stuttgart.de/presse. Die Stadt lädt ein.",
            ["Weitere Informationen unter www.stuttgart.de/presse.", "Die Stadt lädt ein."],
        ),
        (
            "Hinweise bitte an dir5k42@polizei.berlin.de. Die Polizei bittet um Mithilfe.",
            ["Hinweise bitte an dir5k42@polizei.berlin.de.", "Die Polizei bittet um Mithilfe."],
        ),
        (
            "Der vollständige Bericht.pdf steht unter https://www.kit.edu/presse/bericht.pdf "
            "bereit. Er umfasst 40 Seiten.",
            [
                "Der vollständige Bericht.pdf steht unter https://www.kit.edu/presse/bericht.pdf "
                "bereit.",
                "Er umfasst 40 Seiten.",
            ],
        ),
        (
            "E-Mail: aalen.pp.stab.oe@polizei.bwl.de http://www.polizei-bw.de/",
            ["E-Mail: aalen.pp.stab.oe@polizei.bwl.de http://www.polizei-bw.de/"],
        ),
    ],
)
def test_urls_mails_and_file_names(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wer war das? fragte er leise.", ["Wer war das? fragte er leise."]),
        ("Achtung! rief der Beamte.", ["Achtung! rief der Beamte."]),
        ("„Wer?“ fragte sie. Niemand antwortete.", ["„Wer?“ fragte sie.", "Niemand antwortete."]),
        ("Er zögerte ... und ging dann.", ["Er zögerte ... und ging dann."]),
        ("Er zögerte … und ging dann.", ["Er zögerte … und ging dann."]),
        ("Es war still … Dann kam der Knall.", ["Es war still …", "Dann kam der Knall."]),
        ("Es war still... Dann kam der Knall.", ["Es war still...", "Dann kam der Knall."]),
        ("Wirklich?! Ja.", ["Wirklich?!", "Ja."]),
        ("Es gilt: x. y. z. Ende", ["Es gilt: x. y. z. Ende"]),
    ],
)
def test_question_exclamation_and_ellipsis(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_full_stop_inside_closing_quote_ends_sentence_even_after_a_letter() -> None:
    assert split_sentences("Sie nannten es „Plan B.“ Dann ging es los.") == [
        "Sie nannten es „Plan B.“",
        "Dann ging es los.",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "unsere Ikonen: Qualität, Leistung, Fortschritt.“ Dann sprach Choi. „Er sagte: Ja.“"
    assert split_sentences(text) == [
        "unsere Ikonen: Qualität, Leistung, Fortschritt.“",
        "Dann sprach Choi.",
        "„Er sagte: Ja.“",
    ]


@pytest.mark.parametrize(
    ("opener", "closer"), [("„", "“"), ("»", "«"), ('"', '"'), ("‚", "‘"), ("(", ")")]
)
def test_quoted_passage_keeps_marks_on_first_and_last_sentence(opener: str, closer: str) -> None:
    text = f"Sie sagte: {opener}Wir bauen Brücken. Wir bleiben dran.{closer} Dann ging sie."
    assert split_sentences(text) == [
        f"Sie sagte: {opener}Wir bauen Brücken.",
        f"Wir bleiben dran.{closer}",
        "Dann ging sie.",
    ]


def test_sentence_may_start_with_opening_quote_or_bracket_or_digit() -> None:
    text = "Erster Satz. „Zitat folgt.“ Zweiter Satz. (Klammer folgt.) 3 Personen kamen."
    assert split_sentences(text) == [
        "Erster Satz.",
        "„Zitat folgt.“",
        "Zweiter Satz.",
        "(Klammer folgt.)",
        "3 Personen kamen.",
    ]


def test_no_split_before_lowercase_or_symbol() -> None:
    assert split_sentences("Das Ende. aber nicht ganz. – Oder doch. € 5 bleiben.") == [
        "Das Ende. aber nicht ganz. – Oder doch. € 5 bleiben."
    ]


def test_text_without_punctuation_is_one_sentence() -> None:
    text = "Asien wichtiger Motor der Weltwirtschaft\nEnger Austausch mit asiatischen Städten"
    assert split_sentences(text) == [" ".join(text.split())]


@pytest.mark.parametrize("text", ["", " ", "\n\t  \u00a0"])
def test_empty_or_blank_text_gives_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_whitespace_is_normalised_and_stripped() -> None:
    text = (
        "  Der Gemeinderat hat dafür\n14 Millionen Euro freigegeben.\n\n"
        "  Eine weitere Million\tEuro wurde eingestellt.  "
    )
    assert split_sentences(text) == [
        "Der Gemeinderat hat dafür 14 Millionen Euro freigegeben.",
        "Eine weitere Million Euro wurde eingestellt.",
    ]


def test_english_generic_rules() -> None:
    text = "Mr. Smith met Dr. Lee at 5 p.m. on Friday. They talked about e.g. trains. It went well."
    assert split_sentences(text, lang="en") == [
        "Mr. Smith met Dr. Lee at 5 p.m. on Friday.",
        "They talked about e.g. trains.",
        "It went well.",
    ]
    # German-only abbreviations do not apply: "So." ends an English sentence.
    assert split_sentences("I think So. Then we left.", "en") == ["I think So.", "Then we left."]


def test_english_etc_and_numbers() -> None:
    text = "Apples, pears etc. The rest was sold in 2024. 30 people came."
    assert split_sentences(text, lang="en") == [
        "Apples, pears etc.",
        "The rest was sold in 2024.",
        "30 people came.",
    ]


def test_korean_sentences_and_dates() -> None:
    text = "세종시는 2025. 7. 24. 협약을 체결했다. 이어 슈투트가르트를 방문했다! 모두 환영했다."
    assert split_sentences(text, lang="ko") == [
        "세종시는 2025. 7. 24. 협약을 체결했다.",
        "이어 슈투트가르트를 방문했다!",
        "모두 환영했다.",
    ]


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _check_invariant(text: str, sentences: list[str]) -> None:
    assert " ".join(sentences) == _normalised(text)
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)


@settings(max_examples=400)
@given(st.text(), st.sampled_from(["de", "en", "ko"]))
def test_invariant_on_arbitrary_text(text: str, lang: str) -> None:
    _check_invariant(text, split_sentences(text, lang))


# An alphabet dense in the characters the rules look at, so hypothesis hits every branch.
_TRICKY = st.lists(
    st.sampled_from([*"aAzBdhE1270. .!?…„“\"'»«()[]\n\t-–,@/", "Dr. ", "z. B. ", "24. ", "Die "]),
    max_size=80,
).map("".join)


@settings(max_examples=600)
@given(_TRICKY, st.sampled_from(["de", "en"]))
def test_invariant_on_punctuation_heavy_text(text: str, lang: str) -> None:
    _check_invariant(text, split_sentences(text, lang))


_SIMPLE_SENTENCES = [
    "Die Stadt zahlt.",
    "Dr. Nopper kam am 24. Juli.",
    "„Wir öffnen heute eine Tür.“",
    "Wer erkennt die Tatverdächtigen?",
    "Es entstand ein Schaden von ca. 200 Euro.",
    "1. Die Stadt investiert.",
    "Infos unter www.stuttgart.de/presse.",
]


@given(st.lists(st.sampled_from(_SIMPLE_SENTENCES), min_size=1, max_size=8))
def test_joined_simple_sentences_come_back_apart(sentences: list[str]) -> None:
    assert split_sentences(" ".join(sentences)) == sentences


# --- split_sentences: speed ------------------------------------------------------------------


def _elapsed(function: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def test_long_sentence_without_punctuation_is_fast() -> None:
    text = " ".join(["Wort"] * 1000)[:5000]
    assert _elapsed(split_sentences, text) < 0.5
    assert split_sentences(text) == [text]


def test_one_megabyte_of_press_text_is_fast() -> None:
    paragraph = (
        "Zur Unterzeichnung begrüßte Oberbürgermeister Dr. Frank Nopper am 24. Juli seinen "
        "Amtskollegen Min-ho Choi, vgl. www.stuttgart.de/presse. Es entstand ein Schaden von ca. "
        "200 Euro! „Wir öffnen heute eine Tür.“ Die 17. UEFA EURO 2024 kostete 4,0 Mrd. € usw. "
    )
    repeats = 1_000_000 // len(paragraph)
    text = paragraph * repeats
    assert _elapsed(split_sentences, text) < 1.0
    assert len(split_sentences(text)) == 4 * repeats  # ". Es", "! „Wir", ".“ Die", "usw. Zur"


@pytest.mark.parametrize(
    "text",
    [
        "!" * 200_000 + " A",
        "." * 200_000,
        "a." * 200_000,
        "A. " * 100_000,
        "x" * 1_000_000,
        ".“" * 100_000 + " A",
        "\n- " * 200_000,
        "\n" + " " * 500_000 + "-",
        "\n• A." * 100_000,
    ],
    ids=[
        "exclamations", "dots", "dotted-word", "initials", "one-word", "dot-quote",
        "empty-bullets", "indent-without-bullet", "bullet-lines",
    ],  # fmt: skip
)
def test_pathological_inputs_stay_linear(text: str) -> None:
    assert _elapsed(split_sentences, text) < 1.0


# --- split_at_safe_points ---------------------------------------------------------------------

SEJONG = (
    "Wenn Sejong City und Stuttgart gemeinsam an der Verwirklichung dieser Zukunftsvision "
    "arbeiten – der Verbindung von technologischem Fortschritt und ökologischem Gleichgewicht –, "
    "könnte unsere Partnerschaft als inspirierendes Vorbild dienen, nicht nur für Korea und "
    "Deutschland, sondern für die gesamte Welt."
)
MERCEDES = (
    "• Ergebnis: Bereinigte Umsatzrendite (RoS) von 10,2% bei Mercedes-Benz Cars und 17,5% bei "
    "Mercedes-Benz Vans; bereinigte Eigenkapitalrendite (RoE) von Mercedes-Benz Mobility bei "
    "8,4%; Group-EBIT Q2 bei 4,0 Mrd. €, damit 5% über Q1 2024."
)


def _max_len(n: int) -> Callable[[str], bool]:
    return lambda text: len(text) <= n


def _check_pieces(sentence: str, pieces: list[Piece], limit: int) -> None:
    assert join_pieces(pieces) == _normalised(sentence)
    assert all(piece.text and len(piece.text) <= limit for piece in pieces)
    assert all(piece.text == piece.text.strip() for piece in pieces)
    assert pieces[-1].joiner == ""
    assert all(piece.joiner in (" ", "") for piece in pieces)


@pytest.mark.parametrize("limit", [1, 5, 12, 20, 40, 60, 80, 120, 400])
@pytest.mark.parametrize("sentence", [SEJONG, MERCEDES], ids=["sejong", "mercedes"])
def test_every_piece_fits_and_rejoins(sentence: str, limit: int) -> None:
    _check_pieces(sentence, split_at_safe_points(sentence, _max_len(limit)), limit)


def test_fitting_sentence_is_one_piece() -> None:
    assert split_at_safe_points("  Kurzer   Satz. ", _max_len(100)) == [Piece("Kurzer Satz.", "")]


def test_empty_sentence_gives_no_pieces() -> None:
    assert split_at_safe_points(" \n ", _max_len(10)) == []


def test_prefers_clause_marks() -> None:
    assert split_at_safe_points(SEJONG, _max_len(100)) == [
        Piece("Wenn Sejong City und Stuttgart gemeinsam an der Verwirklichung dieser "
              "Zukunftsvision arbeiten –", " "),
        Piece("der Verbindung von technologischem Fortschritt und ökologischem Gleichgewicht –,",
              " "),
        Piece("könnte unsere Partnerschaft als inspirierendes Vorbild dienen, nicht nur für "
              "Korea und Deutschland,", " "),
        Piece("sondern für die gesamte Welt.", ""),
    ]  # fmt: skip


def test_strong_clause_marks_beat_later_commas() -> None:
    pieces = split_at_safe_points(MERCEDES, _max_len(110))
    assert [piece.text[-1] for piece in pieces[:-1]] == [";", ";"]
    _check_pieces(MERCEDES, pieces, 110)


def test_clause_mark_too_early_is_not_preferred() -> None:
    sentence = "Ja, " + " ".join(["Wort"] * 30)
    pieces = split_at_safe_points(sentence, _max_len(50))
    assert pieces[0] == Piece("Ja, " + " ".join(["Wort"] * 9), " ")


def test_greedy_without_clause_marks() -> None:
    sentence = " ".join(f"Wort{i}" for i in range(200))
    for limit in (10, 33, 77):
        pieces = split_at_safe_points(sentence, _max_len(limit))
        _check_pieces(sentence, pieces, limit)
        for piece, following in zip(pieces, pieces[1:]):
            next_word = following.text.split(" ")[0]
            assert len(piece.text + " " + next_word) > limit  # could not have been longer


def test_standalone_hyphen_is_a_clause_mark_but_word_hyphen_is_not() -> None:
    sentence = "Am Mittwochmorgen - nach dem Unfall - blieb die Kreuzung gesperrt"
    assert split_at_safe_points(sentence, _max_len(40))[0] == Piece(
        "Am Mittwochmorgen - nach dem Unfall -", " "
    )
    sentence = "Schüler haben Kurs- und Prüfungsfächerwahl in der Oberstufe"
    assert split_at_safe_points(sentence, _max_len(40))[0] == Piece("Schüler haben Kurs- und", " ")


def test_hard_cut_inside_a_long_word_concatenates_exactly() -> None:
    word = "Hilfeleistungslöschfahrzeug" * 200  # 5,400 characters, no whitespace
    pieces = split_at_safe_points(word, _max_len(100))
    assert all(piece.joiner == "" for piece in pieces)
    assert "".join(piece.text for piece in pieces) == word
    assert [len(piece.text) for piece in pieces] == [100] * 54


def test_long_word_between_short_ones() -> None:
    sentence = "kurz " + "x" * 250 + " Ende"
    pieces = split_at_safe_points(sentence, _max_len(100))
    assert pieces == [
        Piece("kurz", " "),
        Piece("x" * 100, ""),
        Piece("x" * 100, ""),
        Piece("x" * 50 + " Ende", ""),
    ]


def test_never_truncates_even_if_nothing_fits() -> None:
    pieces = split_at_safe_points("ab c", lambda text: False)
    assert pieces == [Piece("a", ""), Piece("b", " "), Piece("c", "")]


def test_every_piece_satisfies_a_non_monotonic_fits() -> None:
    def fits(text: str) -> bool:  # a tokenizer may count a trailing comma oddly
        return len(text) <= 32 and not (len(text) > 10 and text.endswith(","))

    sentence = "eins zwei drei vier fünf, sechs sieben acht neun zehn elf zwölf"
    pieces = split_at_safe_points(sentence, fits)
    assert pieces == [
        Piece("eins zwei drei vier fünf, sechs", " "),  # the comma cut was rejected by fits
        Piece("sieben acht neun zehn elf zwölf", ""),
    ]


def test_rejoining_translations_keeps_joiners() -> None:
    pieces = split_at_safe_points("eins, zwei, drei", _max_len(6))
    translated = [Piece(piece.text.upper(), piece.joiner) for piece in pieces]
    assert join_pieces(translated) == "EINS, ZWEI, DREI"


def test_punctuation_less_5000_chars_is_fast_and_uses_few_fits_calls() -> None:
    sentence = " ".join(["Zukunftsfeld"] * 400)[:5000]
    calls = 0

    def fits(text: str) -> bool:
        nonlocal calls
        calls += 1
        return len(text) <= 200

    started = time.perf_counter()
    pieces = split_at_safe_points(sentence, fits)
    assert time.perf_counter() - started < 0.5
    _check_pieces(sentence, pieces, 200)
    assert len(pieces) == 26  # 5,000 characters in parts of at most 194 (whole words)
    assert calls < 20 * len(pieces)  # binary search, not word by word


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab ,;:–-)\n.")), max_size=120), st.integers(1, 30))
def test_pieces_property(sentence: str, limit: int) -> None:
    pieces = split_at_safe_points(sentence, _max_len(limit))
    assert join_pieces(pieces) == _normalised(sentence)
    assert all(piece.text and len(piece.text) <= limit for piece in pieces)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Die röm.-kath. Kirchengemeinde und die ev.-luth. Gemeinde laden ein. Alle kommen.",
            ["Die röm.-kath. Kirchengemeinde und die ev.-luth. Gemeinde laden ein.", "Alle kommen."],
        ),
        ("Vom 1.–3. Oktober ist geschlossen. Danach wieder offen.", ["Vom 1.–3. Oktober ist geschlossen.", "Danach wieder offen."]),
        ("Die Kelter stammt aus dem 18. u. 19. Jh. und wurde saniert.", ["Die Kelter stammt aus dem 18. u. 19. Jh. und wurde saniert."]),
        (
            "Termine:\n▪ Führung durch den Park\n◦ ab 10 Uhr\n· Konzert um 19 Uhr\nDie Stadt lädt ein.",
            ["Termine:", "▪ Führung durch den Park", "◦ ab 10 Uhr", "· Konzert um 19 Uhr", "Die Stadt lädt ein."],
        ),
    ],
)
def test_joined_abbreviations_ranges_and_every_bullet_glyph(text: str, expected: list[str]) -> None:
    """Issue 13's segmentation classes beyond the golden-rule set: abbreviations joined by a
    hyphen, ranges of days, and the bullet glyphs that text pasted from Word brings."""
    assert split_sentences(text) == expected
