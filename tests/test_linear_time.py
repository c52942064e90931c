"""Every text pattern runs in linear time on hostile input of growing size.

One release can carry anything: a reference number of 48 digits, 200,000 one-letter
sentences, a line of 100,000 ``**``. For each pattern (and for the functions that run them on
release text) the input grows until one run takes long enough to time, then 4 times more:
the time may grow at most 6 times (linear is 4, quadratic 16, exponential never ends). Each
time is the best of three runs, and a ratio over the bound is measured again (up to five
times) before the test fails, so a busy machine does not fail it; quadratic growth never passes.

``pytest -s tests/test_linear_time.py`` prints every measurement.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pressroom.config import Settings
from pressroom.qa.checks import longest_loop
from pressroom.qa.glossary import Glossary, Term
from pressroom.qa.numbers import compare_numbers, extract_numbers
from pressroom.qa.protect import Protector, repair_placeholders, strip_placeholders
from pressroom.readers import read_release
from pressroom.readers.common import first_sentence, title_from_text
from pressroom.readers.datelines import find_dateline
from pressroom.readers.text import classify, is_hard_wrapped
from pressroom.segment import split_at_safe_points, split_sentences

GROWTH, BOUND = 4, 6.0
MIN_SECONDS = 0.015  # grow the input until one run takes this long, so timer noise is small


def _best_of_three(function: Callable[[str], object], text: str) -> float:
    """The best of three runs, with the garbage collector off while timing (as timeit does):
    its passes depend on everything else alive in the test process, not on the input."""
    best = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            function(text)
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    return best


def assert_linear(function: Callable[[str], object], build: Callable[[int], str], start: int = 64) -> None:
    """``function(build(4n))`` takes at most 6 times ``function(build(n))``."""
    size = start
    while (small := _best_of_three(function, build(size))) < MIN_SECONDS and len(build(size)) < 1_000_000:
        size *= 2
    ratios = []
    for _ in range(5):  # a ratio over the bound is measured again: another process may have run
        large = _best_of_three(function, build(GROWTH * size))
        ratios.append(large / small)
        print(f"  {len(build(size)):>9,} chars {small * 1000:8.2f} ms → ×{GROWTH}: {large * 1000:8.2f} ms (×{large / small:.1f})")
        if large <= BOUND * small:
            return
        small = _best_of_three(function, build(size))
    pytest.fail(f"time grew ×{min(ratios):.1f} for ×{GROWTH} the input ({len(build(size)):,} characters)")


def _mask(text: str) -> object:
    return Protector().mask(text, "de")


# (name, function run on the text, input of size n): each a known way to make a pattern of
# that kind backtrack, and the attacks that hung or slowed the build before.
CASES: list[tuple[str, Callable[[str], object], Callable[[int], str]]] = [
    # protected spans: addresses, numbers, tags, files (AUTO_PATTERNS)
    ("phone: a long reference number, then a letter", _mask, lambda n: "0" + "1" * n + "a"),
    ("phone: digit groups, then a letter", _mask, lambda n: "+49 " + "12 " * n + "x"),
    ("phone: slashes and dashes", _mask, lambda n: "0711/" + "12-" * n + "a"),
    ("e-mail: dotted domain without an ending", _mask, lambda n: "a@" + "b." * n + "1"),
    ("e-mail: local part without @", _mask, lambda n: "a." * n + "x"),
    ("e-mail: many @", _mask, lambda n: "a@" * n),
    ("web: www. repeated", _mask, lambda n: "www." * n + "."),
    ("web: a path of punctuation", _mask, lambda n: "http://a/" + ".)" * n),
    ("web: labels without a top-level domain", _mask, lambda n: "a." * n + "xyz"),
    ("hashtags and handles", _mask, lambda n: "#a@b" * n),
    ("file name without an ending", _mask, lambda n: "a-b." * n + "pdfx"),
    ("every pattern on random punctuation", _mask, lambda n: _noise(n, "0a@.-/ #_+()")),
    ("placeholder repair", lambda t: repair_placeholders(t, "⟦1⟧ ⟦2⟧"), lambda n: "⟦ 1 [[2 " * n),
    ("placeholder stripping", strip_placeholders, lambda n: "⟦1" * n + "1⟧" * n),
    # sentence segmentation
    ("sentences: 'A. A. A.'", split_sentences, lambda n: "A. " * n),
    ("sentences: abbreviations", split_sentences, lambda n: "Dr. med. z. B. " * n + "Ende."),
    ("sentences: ordinals", split_sentences, lambda n: "am 24. Juli 1. FC " * n),
    ("sentences: runs of marks", split_sentences, lambda n: "!" * n + " A" + "." * n + "“" * n + " B"),
    ("sentences: bullet lines", split_sentences, lambda n: "• a.\n- b. C\n" * n),
    ("sentences: spaces", split_sentences, lambda n: "a." + " " * n + "B"),
    ("cut at safe points", lambda t: split_at_safe_points(t, lambda part: len(part) < 80), lambda n: "wort, " * n),
    # numbers in the quality checks
    ("numbers: dotted digits", lambda t: extract_numbers(t, "de"), lambda n: "1.1." * n),
    ("numbers: commas", lambda t: extract_numbers(t, "de"), lambda n: "1," * n + "x"),
    ("numbers: dates", lambda t: extract_numbers(t, "de"), lambda n: "24.07." * n),
    ("numbers: versions", lambda t: extract_numbers(t, "de"), lambda n: "v1.2.3." * n),
    ("numbers: scale words", lambda t: extract_numbers(t, "de"), lambda n: "3 Millionen 4 Mio. " * n),
    ("numbers: afternoon hours", lambda t: extract_numbers(t, "ko"), lambda n: "오후 3시 " * n),
    ("numbers: months and number words", lambda t: extract_numbers(t, "en"), lambda n: "July 24 two May " * n),
    ("numbers: matching equal numbers", lambda t: compare_numbers(t, "de", t.replace("1.500", "1.5"), "en"), lambda n: "1.500 " * n),
    ("numbers: matching distinct numbers", lambda t: compare_numbers(t, "de", t[::-1], "en"), lambda n: " ".join(map(str, range(n)))),
    ("repeated words", longest_loop, lambda n: "ein Wort " * n),
    # readers: the title and summary helpers, datelines, structure of plain text
    ("first sentence of 'A. A. A.'", first_sentence, lambda n: "A. " * n),
    ("title from a text of initials", title_from_text, lambda n: "Dr. A. " * n),
    ("dateline: place words", find_dateline, lambda n: "A/" * n + " " + "B." * n + " " + "C" * n),
    ("dateline: separators", find_dateline, lambda n: "Stuttgart, – · | " * n + "24.07.2025"),
    ("plain text structure", lambda t: classify(t.split("\n")), lambda n: "Kontakt:\n1. a\n„x“\nTitel\n" * n),
    ("hard-wrapped text", lambda t: is_hard_wrapped(t.split("\n")), lambda n: "wort wort wort\n" * n),
]


def _noise(size: int, alphabet: str) -> str:
    return "".join(random.Random(size).choice(alphabet) for _ in range(size))


@pytest.mark.parametrize(("name", "function", "build"), CASES, ids=[case[0] for case in CASES])
def test_text_patterns_take_linear_time(name: str, function: Callable[[str], object], build: Callable[[int], str]) -> None:
    assert_linear(function, build)


# Markdown and plain-text releases read whole, through read_release: the inline patterns
# (emphasis, code, links, images), headings and the title helper on one long line or many.
MARKDOWN_BODIES: dict[str, Callable[[int], str]] = {
    "emphasis never closed": lambda n: "**a " * n,
    "underscores": lambda n: "_a " * n,
    "single stars": lambda n: "*a " * n,
    "backticks": lambda n: "`" * n + "a",
    "brackets": lambda n: "[[" * n + "](x",
    "images": lambda n: "![a](" * n,
    "autolinks": lambda n: "<a." * n,
    "heading with spaces": lambda n: "# a" + " " * n + "b",
    "heading with hashes": lambda n: "# a" + " #" * n + "b",
    "link titles": lambda n: '[a](b "' * n,
}


@pytest.mark.parametrize("kind", MARKDOWN_BODIES)
def test_markdown_reader_takes_linear_time(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "r.md"

    def read(body: str) -> object:
        path.write_text(f"---\ntitle: Titel\ndate: 2025-07-24\n---\n{body}\n", encoding="utf-8")
        return read_release(path, Settings())

    assert_linear(read, MARKDOWN_BODIES[kind])


@pytest.mark.parametrize(
    "build",
    [
        lambda n: "A. " * n, lambda n: "A.\n" * n, lambda n: "Dr. A. B. " * n,
        lambda n: "Titel\n\n" + "| a " * n, lambda n: "Titel\n\n| a | b |\n" + "|---" * n + "x\n",
        lambda n: "Titel\n\nStand: " + "1. " * n, lambda n: "Titel\n\n" + "www.a@b://" * n,
    ],
    ids=["one-letter sentences", "one-letter lines", "initials", "table row never closed", "table rule never ended", "stand line", "addresses"],
)  # fmt: skip
def test_text_reader_takes_linear_time_on_many_tiny_sentences(tmp_path: Path, build: Callable[[int], str]) -> None:
    """A release of 200,000 "A." sentences was still being read after a minute (the title helper)."""
    path = tmp_path / "r.txt"

    def read(body: str) -> object:
        path.write_text(body, encoding="utf-8")
        return read_release(path, Settings())

    assert_linear(read, build)


def _glossary(rows: int) -> Glossary:
    """``rows`` distinct terms that look like German words, half translated, half names."""
    pick = random.Random(rows)
    terms, seen = [], set()
    while len(terms) < rows:
        word = "".join(pick.choice("bcdfghklmnprstz") + pick.choice("aeiouäöü") for _ in range(pick.randint(3, 6)))
        source = word.capitalize() + ("amt" if len(terms) % 3 else "")
        if source.casefold() not in seen:
            seen.add(source.casefold())
            terms.append(Term(source, {"en": f"t{len(terms)}"} if len(terms) % 2 else {}))
    return Glossary(languages=["en"], terms=terms)


SENTENCE = "Der Oberbürgermeister eröffnet am 24. Juli die neue Stadtbahnhaltestelle im Gemeinderat. "


def test_glossary_matching_costs_the_same_whatever_the_number_of_terms() -> None:
    """A glossary of 100,000 rows cost about 20 s for four sentences: one regex per term per
    sentence. Now one automaton finds every term: four times the rows, the same time."""
    small, large = Protector(_glossary(25_000)), Protector(_glossary(100_000))
    text = SENTENCE * 4
    small.mask(text, "de"), large.mask(text, "de")  # the automaton is built once per glossary
    ratios = []
    for _ in range(3):
        small_time = _best_of_three(lambda t: [small.mask(t, "de") for _ in range(50)], text)
        large_time = _best_of_three(lambda t: [large.mask(t, "de") for _ in range(50)], text)
        ratios.append(large_time / small_time)
        print(f"  25,000 rows {small_time * 1000:.2f} ms → 100,000 rows {large_time * 1000:.2f} ms (×{large_time / small_time:.1f})")
        if large_time <= BOUND * small_time:
            return
    pytest.fail(f"masking with 4× the terms took ×{min(ratios):.1f} the time")


def test_glossary_matching_is_linear_in_the_text() -> None:
    """A text full of terms (every word one, inflected): one look per occurrence."""
    glossary = _glossary(20_000)
    protector = Protector(glossary)
    words = [term.source for term in glossary.terms[:200]]
    assert_linear(lambda t: protector.mask(t, "de"), lambda n: " ".join(words[i % 200] + "s" for i in range(n)))


def test_glossary_matching_is_linear_on_hostile_compounds() -> None:
    """Compound matching looks back to the start of a hyphenated word: a word of 100,000
    letters holding a term everywhere is still one look per word."""
    protector = Protector(Glossary(terms=[Term("Messe", {"en": "fair"}), Term("Aaaaa", {"en": "x"})]))
    assert_linear(lambda t: protector.mask(t, "de"), lambda n: "A" + "a" * n)
    assert_linear(lambda t: protector.mask(t, "de"), lambda n: "Messe-" * n + "x")
    assert_linear(lambda t: protector.mask(t, "de"), lambda n: "Messen " * n)
