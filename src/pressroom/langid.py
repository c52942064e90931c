"""Language detection with langdetect, made deterministic and quicker, with the same answers.

langdetect samples randomly; without a fixed seed the same release can be detected as German
on one run and Dutch on the next. A fixed seed makes every build give the same answer.

langdetect's own loop multiplies 55 language probabilities one by one in Python for every
sampled n-gram, hundreds of times per sentence; it was most of the quality checks' time.
:func:`_trials` runs the same steps (langdetect's detector prepares the text and its n-grams,
its seeded random generator draws the same samples in the same order) on NumPy vectors, with
the same floating-point operations in the same order, so every probability is bit for bit
langdetect's (``tests/test_langid.py`` compares them over the corpus and hard cases).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from typing import Any

# Short texts are unreliable; below this many letters the caller's default language is kept.
MIN_LETTERS = 20
SEED = 0
# A sum this far below a bound stays below it whatever the rounding of langdetect's sums.
_MARGIN = 1e-9
# langdetect's init_factory publishes its factory before the profiles are loaded into it: a
# second thread (a cluster worker checks editions in several) would see a factory of one or two
# languages. One thread loads, the others wait.
_LOADING = threading.Lock()


@functools.lru_cache(maxsize=100_000)
def detect_language(text: str, default: str) -> tuple[str, float]:
    """The most probable language code of ``text`` and its probability.

    Returns ``(default, 0.0)`` when the text is too short or langdetect finds no features
    (or no language above its 10 % floor). Chinese and Korean codes are normalised to two
    letters (``zh-cn`` → ``zh``). The answer depends on the text alone (fixed seed), so a text
    seen before in this process is not detected again: boilerplate repeats across releases.
    """
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return default, 0.0
    detector, ngrams = _features(text)
    if not ngrams:
        return default, 0.0
    langs = detector.langlist
    totals = _trials(detector, ngrams, range(len(langs)), 0.0)
    # langdetect's ranking: above its floor, most probable first, ties in profile order.
    ranked = sorted((p, -i) for i, p in enumerate(totals) if p > detector.PROB_THRESHOLD)
    if not ranked:
        return default, 0.0
    probability, index = ranked[-1]
    return langs[-index].split("-")[0], probability


@functools.lru_cache(maxsize=100_000)
def reads_as(text: str, languages: frozenset[str], least: float) -> str | None:
    """The language of ``languages`` that :func:`detect_language` names for ``text`` with a
    probability of at least ``least``, or None: the same answer, for less work.

    langdetect averages seven random trials, each a probability per language summing to 1.
    The trials stop as soon as none of ``languages`` can reach ``least`` even if every
    remaining trial gave it everything: a text in the target language usually settles after
    the first. Only a text that does read as one of ``languages`` needs all seven.
    """
    if not 0.5 < least <= 1.0:
        raise ValueError(f"least must be over one half (the most probable language), not {least}")
    if not languages or sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    detector, ngrams = _features(text)
    if not ngrams:
        return None
    watched = [(i, code.split("-")[0]) for i, code in enumerate(detector.langlist) if code.split("-")[0] in languages]
    totals = _trials(detector, ngrams, [i for i, _ in watched], least)
    # Over one half, a language is the most probable one, which is what detect_language names.
    return next((lang for (_, lang), total in zip(watched, totals) if total >= least), None)


def _features(text: str) -> tuple[Any, list[str]]:
    """langdetect's detector for ``text`` and the text's n-grams it knows (its own first steps:
    addresses removed, Latin letters dropped from mostly non-Latin text, n-grams of 1-3)."""
    # langdetect loads its 55 language profiles on first use; imported here so that commands
    # and builds that detect nothing (a build with nothing changed) never pay for it.
    from langdetect import detector_factory

    with _LOADING:
        detector_factory.init_factory()
    factory = detector_factory._factory
    factory.seed = SEED
    detector = factory.create()
    detector.append(text)
    detector.cleaning_text()
    return detector, detector._extract_ngrams()


@functools.lru_cache(maxsize=20_000)
def _profile_row(gram: str) -> Any:
    """An n-gram's probability in each language profile, as a NumPy vector (made once)."""
    import numpy as np
    from langdetect import detector_factory

    return np.array(detector_factory._factory.word_lang_prob_map[gram], dtype=np.float64)


def _trials(detector: Any, ngrams: list[str], watched: Iterable[int], least: float) -> list[float]:
    """The probability of each ``watched`` language (indices into the profile list), summed
    over the trials exactly as ``Detector._detect_block`` sums it. Stops early, leaving partial
    sums, once none of them can reach ``least`` (0: never)."""
    import numpy as np

    indices = list(watched)
    rows: dict[str, int] = {}
    for gram in ngrams:
        rows.setdefault(gram, len(rows))
    table = np.stack([_profile_row(gram) for gram in rows])
    samples = [rows[gram] for gram in ngrams]
    totals = np.zeros(len(indices))
    trials, rng, choose = detector.n_trial, detector.random, detector.random.choice
    start = np.array(detector._init_probability(), dtype=np.float64)
    rng.seed(detector.seed)
    for trial in range(trials):
        prob = np.array(start)
        alpha = detector.alpha + rng.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        factors = alpha / detector.BASE_FREQ + table  # langdetect's ``weight + lang_prob_map[i]``
        last, block = 0, 1  # langdetect normalises after its first sample, then after every fifth
        while True:
            for _ in range(block):
                prob *= factors[choose(samples)]
            total = sum(prob.tolist())  # Python's left-to-right sum, as langdetect's
            prob /= total
            if prob.max() > detector.CONV_THRESHOLD or last >= detector.ITERATION_LIMIT:
                break
            last, block = last + 5, 5
        totals += prob[indices] / trials
        left = (trials - 1 - trial) / trials  # the most the remaining trials can add
        if (totals + left < least - _MARGIN).all():
            break
    return totals.tolist()
