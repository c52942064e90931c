"""Language detection with langdetect, made deterministic.

langdetect samples randomly; without a fixed seed the same release can be detected as German
on one run and Dutch on the next. A fixed seed makes every build give the same answer.
"""

from __future__ import annotations

import functools

# Short texts are unreliable; below this many letters the caller's default language is kept.
MIN_LETTERS = 20


@functools.lru_cache(maxsize=100_000)
def detect_language(text: str, default: str) -> tuple[str, float]:
    """The most probable language code of ``text`` and its probability.

    Returns ``(default, 0.0)`` when the text is too short or langdetect finds no features.
    Chinese and Korean codes are normalised to two letters (``zh-cn`` → ``zh``). The answer
    depends on the text alone (fixed seed), so a text seen before in this process is not
    detected again: boilerplate repeats across releases and languages.
    """
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return default, 0.0
    # langdetect loads its 55 language profiles on first use; imported here so that commands
    # and builds that detect nothing (a build with nothing changed) never pay for it.
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return default, 0.0
    return best.lang.split("-")[0], best.prob
