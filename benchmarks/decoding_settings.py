"""What each decoding setting in ``[translation]`` costs: the numbers quoted in config.py.

    .venv/bin/python benchmarks/decoding_settings.py      # ~4 minutes on 2 cores
    .venv/bin/python benchmarks/decoding_settings.py default return_attention=False   # only these

Translates the distinct sentences of the benchmark's source releases de→en with pressroom's
own engine (``CTranslate2Engine``) on the base-size synthetic model, once per setting, over two
interleaved rounds (the faster round counts: on a shared machine a slow round is someone
else's load). Output lengths are pinned as in the main benchmark, so a setting's speed is
measured at equal output; the model has random weights, so quality cannot be measured here.

``return_attention=False`` is the engine as it was before it asked CTranslate2 for the
attention it turns into word alignments (no alignments, nothing to compute them from): the
difference to ``default`` is what alignments cost.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Sequence
from typing import Any

import pinned
from run_benchmark import RESULTS
from workload import build_models, release_texts, source_releases

from pressroom.config import Settings, TranslationSettings
from pressroom.packages import list_packages
from pressroom.segment import split_sentences
from pressroom.translate import ctranslate
from pressroom.translate.ctranslate import make_engine
from pressroom.translate.installed import from_package

VARIANTS: dict[str, dict[str, object]] = {
    "default": {},
    "beam_size=1": {"beam_size": 1},
    "beam_size=4": {"beam_size": 4},
    "compute_type=float32": {"compute_type": "float32"},
    "threads=1": {"threads": 1},
    "max_batch_tokens=256": {"max_batch_tokens": 256},
    "max_batch_tokens=1024": {"max_batch_tokens": 1024},
    "max_batch_tokens=16384": {"max_batch_tokens": 16384},
    "return_attention=False": {},
}


class WithoutAttention(pinned.PinnedTranslator):
    """The pinned translator, never asked for attention: the engine gets no alignments."""

    def translate_batch(self, source: Sequence[Sequence[str]], **kwargs: Any) -> list[Any]:
        kwargs.pop("return_attention", None)
        return super().translate_batch(source, **kwargs)


TRANSLATORS = {"return_attention=False": WithoutAttention}


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    work = RESULTS / "settings"
    models = work / "models"
    if not models.is_dir():
        work.mkdir(parents=True, exist_ok=True)
        build_models(models, work)
    package = next(p for p in list_packages(models)[0] if p.from_code == "de")
    texts = release_texts(source_releases(), Settings())
    sentences = list(dict.fromkeys(s for r in texts for t in r for s in split_sentences(t, "de")))
    chosen = {name: VARIANTS[name] for name in sys.argv[1:]} or VARIANTS
    best: dict[str, tuple[float, float]] = {}
    for _ in range(2):
        for name, changes in chosen.items():
            ctranslate.Translator = TRANSLATORS.get(name, pinned.PinnedTranslator)
            engine = make_engine(from_package(package), "de", "en", TranslationSettings(**changes))  # type: ignore[arg-type]
            engine.translate_batch(sentences[:4])  # load the model outside the clock
            wall, cpu = time.perf_counter(), _cpu_s()
            engine.translate_batch(sentences)
            measured = (time.perf_counter() - wall, _cpu_s() - cpu)
            best[name] = min(best.get(name, measured), measured)
            print(f"  {name:<24} {measured[0]:6.2f} s wall {measured[1]:6.2f} s CPU", flush=True)
    default = best.get("default", next(iter(best.values())))[0]
    print(f"\n{len(sentences)} distinct sentences de→en, base-size model, best of 2 rounds:\n")
    print("| setting | wall s | sentences/s | vs default | CPU s |\n|---|---|---|---|---|")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {wall:.1f} | {len(sentences) / wall:.1f} | {default / wall:.2f}x | {cpu:.1f} |")


if __name__ == "__main__":
    main()
