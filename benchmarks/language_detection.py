"""The quality checks' language detection: langdetect on every sentence (before) against
``pressroom.langid.reads_as`` (after), on the translations of the benchmark's B build.

Run after ``run_benchmark.py`` (it reads ``results/work/out-b``)::

    .venv/bin/python benchmarks/language_detection.py

Collects the texts the checks of B's 30 translated editions detect, then times both ways over
the same texts, best of 3 rounds, and says whether every answer is the same.
"""

from __future__ import annotations

import time
from pathlib import Path

from langdetect import DetectorFactory, LangDetectException, detect_langs

from pressroom import langid
from pressroom.qa import checks
from pressroom.qa.checks import STILL_FOREIGN
from pressroom.qa.protect import Protector
from pressroom.qa.report import load_records
from pressroom.build.types import STATE_DIR

OUT_B = Path(__file__).resolve().parent / "results" / "work" / "out-b"


def langdetect_rule(text: str, languages: frozenset[str], least: float) -> str | None:
    """The checks' rule before: langdetect's most probable language, if foreign and sure enough."""
    if sum(ch.isalpha() for ch in text) < langid.MIN_LETTERS:
        return None
    DetectorFactory.seed = langid.SEED
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None
    lang = best.lang.split("-")[0]
    return lang if lang in languages and best.prob >= least else None


def main() -> None:
    records = load_records(OUT_B / STATE_DIR)
    asked: list[tuple[str, frozenset[str]]] = []
    real = checks.reads_as
    checks.reads_as = lambda text, languages, least: (asked.append((text, languages)), real(text, languages, least))[1]
    checks.check_editions(records, Protector())
    checks.reads_as = real
    texts = sorted(set(asked))
    timings: dict[str, list[float]] = {"langdetect": [], "reads_as": []}
    for _ in range(3):
        langid.reads_as.cache_clear()
        langid._profile_row.cache_clear()
        started = time.perf_counter()
        before = [langdetect_rule(text, languages, STILL_FOREIGN) for text, languages in texts]
        timings["langdetect"].append(time.perf_counter() - started)
        started = time.perf_counter()
        after = [langid.reads_as(text, languages, STILL_FOREIGN) for text, languages in texts]
        timings["reads_as"].append(time.perf_counter() - started)
        assert before == after, "different answers"
    found = sum(answer is not None for answer in after)
    print(f"{len(records)} editions, {len(texts)} distinct texts detected, {found} still read as the original")
    for name, seconds in timings.items():
        print(f"{name:<11} best {min(seconds):.2f} s  (rounds {', '.join(f'{s:.2f}' for s in seconds)})")
    print("same answers: yes")


if __name__ == "__main__":
    main()
