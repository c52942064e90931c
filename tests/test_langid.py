"""pressroom.langid gives langdetect's own answers, bit for bit, and the quality checks find
exactly what they found when every translated sentence went through langdetect whole.

"Before" is langdetect itself (``detect_langs`` with seed 0), the rule the checks used until
language detection stopped early; "after" is :func:`pressroom.langid.reads_as` and
:func:`pressroom.langid.detect_language`. The texts: hard cases written here (German left
untranslated, mixed sentences, short ones, names, addresses, Korean with German or English
left in it, gibberish made of German pieces as random-weight models write it) and, with
../shared, every sentence of the real corpus with such translations.
"""

from __future__ import annotations

import functools
import random

import pytest
from langdetect import DetectorFactory, LangDetectException, detect_langs
from shared_dir import CORPUS, RICH_CORPUS

from pressroom.config import Settings
from pressroom.langid import MIN_LETTERS, detect_language, reads_as
from pressroom.qa import checks
from pressroom.qa.checks import STILL_FOREIGN, EditionRecord, Unit, check_editions
from pressroom.qa.protect import Protector
from pressroom.readers import find_releases, read_release
from pressroom.segment import split_sentences

FOREIGN = {"en": frozenset({"de"}), "ko": frozenset({"de", "en"})}  # what the checks pass

GERMAN = [
    "Die Polizei sucht nach drei Männern, die am Montag eine Tankstelle in Berlin-Neukölln überfallen haben.",
    "Der Gemeinderat hat den Haushalt für das Jahr 2024 mit großer Mehrheit beschlossen.",
    "Wir freuen uns sehr über die Eröffnung des neuen Stadions.",
]
HARD = [
    *GERMAN,
    "The police are looking for three men who robbed a petrol station in Berlin-Neukölln on Monday.",
    "The city council approved the budget for 2024 with a large majority.",
    "The mayor said: Wir freuen uns sehr über die Eröffnung des Stadions.",  # mixed
    "Wir freuen uns sehr, said the mayor at the opening of the new stadium in Bad Cannstatt.",
    "Ola Källenius, Vorstandsvorsitzender der Mercedes-Benz Group AG, spoke in Stuttgart-Untertürkheim.",
    "Robert Bosch GmbH, Robert-Bosch-Platz 1, 70839 Gerlingen-Schillerhöhe",  # names and an address
    "Weitere Informationen unter https://www.stuttgart.de/presse und presse@stuttgart.de erhalten Sie.",
    "Danke schön.",  # short: under MIN_LETTERS
    "Vielen Dank für Ihre Aufmerksamkeit!",
    "Landespolizeipräsidium Baden-Württemberg",  # one long compound
    "경찰은 월요일 베를린 노이쾰른의 주유소를 턴 세 남성을 찾고 있다.",
    "경찰은 Die Polizei sucht nach drei Männern, die eine Tankstelle überfallen haben 찾고 있다.",
    "The police are looking for three men who robbed a petrol station 경찰은 찾고 있다.",
    "시의회는 2024년 예산을 Gemeinderat Stuttgart와 함께 승인했다.",
    "De politie zoekt drie mannen die maandag een tankstation hebben overvallen.",  # Dutch
    "VfB VfB VfB Stuttgart Stuttgart MHPArena MHPArena",
    "1. FC Köln – FC Bayern München 2:3 (1:1)",
]


def gibberish(text: str, seed: int) -> str:
    """Pieces of ``text``'s words strung together at random, as a random-weight model writes
    with a SentencePiece vocabulary trained on German: the hardest, borderline case."""
    rng = random.Random(seed)
    pieces = [word[i : i + rng.randint(1, 4)] for word in text.split() for i in range(0, len(word), 3)]
    return " ".join("".join(rng.choice(pieces) for _ in range(rng.randint(1, 3))) for _ in range(len(text.split())))


def variants(sentence: str, index: int) -> list[str]:
    """Translations a check meets: the German left as it is, gibberish, words reversed, half German."""
    words = sentence.split()
    return [
        sentence,
        gibberish(sentence, index),
        " ".join(reversed(words)),
        " ".join(words[: len(words) // 2]) + " and the rest of the sentence was translated into English.",
    ]


@functools.lru_cache(maxsize=None)
def langdetect_answer(text: str, default: str) -> tuple[str, float]:
    """The detection before: langdetect on the whole text, seed 0 (detect_language's old body)."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return default, 0.0
    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return default, 0.0
    return best.lang.split("-")[0], best.prob


def langdetect_rule(text: str, languages: frozenset[str], least: float) -> str | None:
    """The checks' rule before: the most probable language, if foreign and at least ``least`` sure."""
    lang, probability = langdetect_answer(text, "xx")
    return lang if lang in languages and probability >= least else None


def assert_same_answers(texts: list[str]) -> dict[str | None, int]:
    """Compare every text both ways (detect_language as the reader asks it, reads_as as the
    checks ask it); returns how often each answer for a Korean edition was given."""
    answers: dict[str | None, int] = {}
    for text in texts:
        assert detect_language(text, "xx") == langdetect_answer(text, "xx"), text
        for languages in FOREIGN.values():
            assert reads_as(text, languages, STILL_FOREIGN) == langdetect_rule(text, languages, STILL_FOREIGN), text
        answer = reads_as(text, FOREIGN["ko"], STILL_FOREIGN)
        answers[answer] = answers.get(answer, 0) + 1
    return answers


def records_of(sentences: list[str]) -> list[EditionRecord]:
    """English and Korean editions whose segments pair each sentence with its variants."""
    records = []
    for lang in FOREIGN:
        units = [
            Unit(source, target, [(source, target)])
            for index, source in enumerate(sentences)
            for target in variants(source, index)[1:]
        ]
        records.append(EditionRecord("release", lang, "de", sentences[0], units))
    return records


def assert_same_findings(records: list[EditionRecord], monkeypatch: pytest.MonkeyPatch) -> int:
    """The checks' findings with early-stopping detection equal those with langdetect whole."""
    after = [f.to_json() for f in check_editions(records, Protector())]
    with monkeypatch.context() as patched:
        patched.setattr(checks, "reads_as", langdetect_rule)
        before = [f.to_json() for f in check_editions(records, Protector())]
    assert after == before
    return sum(1 for f in after if "still reads as" in str(f["message"]))


def test_detection_gives_langdetects_answers_on_hard_cases() -> None:
    texts = HARD + [gibberish(text, seed) for seed, text in enumerate(HARD)]
    answers = assert_same_answers(texts)
    # Both outcomes occur, so a wrong early stop would show: German and English are found,
    # and Korean and the rest are not.
    assert answers.get("de", 0) >= 3 and answers.get("en", 0) >= 2 and answers.get(None, 0) >= 5, answers


def test_detection_probabilities_are_langdetects_to_the_last_bit() -> None:
    for text in HARD[:6]:
        lang, probability = detect_language(text, "xx")
        assert probability == langdetect_answer(text, "xx")[1] and 0 < probability <= 1


def test_findings_are_the_same_on_hard_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    assert assert_same_findings(records_of(GERMAN + HARD[3:8]), monkeypatch) > 0


def test_reads_as_wants_a_majority() -> None:
    with pytest.raises(ValueError):
        reads_as(GERMAN[0], frozenset({"de"}), 0.4)


def _corpus_sentences() -> list[str]:
    paths = [*find_releases(CORPUS), *find_releases(RICH_CORPUS)]
    settings = Settings()
    return [s for path in paths for text in read_release(path, settings).translatable_texts() for s in split_sentences(text.text, "de")]


@pytest.mark.corpus
def test_detection_gives_langdetects_answers_over_the_corpus() -> None:
    """The German sentences themselves (as the reader detects a release's language) and gibberish;
    the other translations go through the checks in the next test."""
    sentences = sorted(set(_corpus_sentences()))
    answers = assert_same_answers(sentences + [gibberish(sentence, index) for index, sentence in enumerate(sentences)])
    assert answers.get("de", 0) > 100 and answers.get(None, 0) > 100, answers


@pytest.mark.corpus
def test_findings_are_the_same_over_the_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = _corpus_sentences()
    assert len(sentences) > 300
    assert assert_same_findings(records_of(sentences), monkeypatch) > 100



def test_a_translation_that_cannot_read_as_german_takes_one_trial(monkeypatch: pytest.MonkeyPatch) -> None:
    """The saving itself: English and Korean settle after langdetect's first of seven trials;
    German left in the translation still takes all seven (each trial draws one gauss)."""
    trials: list[int] = []
    gauss = random.Random.gauss
    monkeypatch.setattr(random.Random, "gauss", lambda self, *args: (trials.append(1), gauss(self, *args))[1])
    for text, lang, expected, count in ((HARD[3], "en", None, 1), (HARD[13], "ko", None, 1), (GERMAN[0], "en", "de", 7)):
        trials.clear()
        reads_as.cache_clear()
        assert reads_as(text, FOREIGN[lang], STILL_FOREIGN) == expected
        assert len(trials) == count, text


THREADED = """
from concurrent.futures import ThreadPoolExecutor
from pressroom.langid import reads_as
texts = [f"Die Stadt eröffnet am Montag den neuen Park Nummer {n} in Bad Cannstatt." for n in range(8)]
with ThreadPoolExecutor(8) as pool:
    answers = list(pool.map(lambda text: reads_as(text, frozenset({"de"}), 0.9), texts))
assert answers == ["de"] * 8, answers
"""


def test_threads_detecting_at_once_in_a_fresh_process_all_see_every_language() -> None:
    """A Dask worker checks editions in several threads: the first detections of a process
    must not see langdetect's factory half loaded (it is published before its profiles)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", THREADED], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
