"""The measured systems, one per process: ``python benchmarks/systems.py SYSTEM WORK_DIR``.

Each run prints one JSON line: wall seconds (timed from after the imports and after reading
the inputs it is given, up to the last output), what went through the model, and the
process's peak resident memory. ``run_benchmark.py`` starts them side by side.

* ``argos`` (A): ``argostranslate.translate.translate`` per release, to en and to ko (Argos
  goes de→en→ko itself), in the full ``.venv-bench``. Only its sentence splitter is replaced:
  Argos' MiniSBD/stanza splitters download models at run time, so ours stands in.
* ``pressroom`` (B): ``pressroom.build.pipeline.build`` with the memory off (``--no-cache``), through
  the library API (the pinning patch has to live in the build's process).
* ``ctranslate2`` (C): the token sequences B sent, replayed into bare CTranslate2, all of one
  model in one call, with B's beam size, compute type and threads.
* ``memory`` (D, E): a build with the translation memory on, run to fill the memory, then
  again with nothing changed (D), then after one release was edited (E).
* ``korean-pivot``, ``korean-direct`` (issue 17, ``korean_direct.py``): a build into en and ko
  with the memory off, Korean through English (two base-size Argos models) or directly through
  an NLLB-200-distilled-600M-shaped model named for ``ko`` in ``[models]``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import types
from pathlib import Path
from typing import Any

import pinned
from workload import release_texts

from pressroom.config import Settings
from pressroom.readers import find_releases
from pressroom.segment import split_sentences


def _usage() -> dict[str, float]:
    """Peak resident memory, and CPU seconds (less disturbed than wall time on a busy machine).

    The peak is VmHWM from /proc: ``ru_maxrss`` survives exec on Linux, so a child would
    report its parent's peak (the benchmark's own, after building the models) as its own.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status = Path("/proc/self/status").read_text(encoding="ascii")
    peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    return {"peak_rss_mb": peak_kb / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}


class StageClock:
    """A build reporter that notes when each stage starts and ends (seconds from creation)."""

    def __init__(self) -> None:
        self.origin = time.perf_counter()
        self.spans: dict[str, list[float]] = {}

    def stage(self, name: str, total: int) -> None:
        now = time.perf_counter() - self.origin
        self.spans.setdefault(name, [now, now])

    def advance(self, name: str, completed: int, total: int) -> None:
        self.stage(name, total)
        self.spans[name][1] = time.perf_counter() - self.origin

    def problem(self, problem: Any, *, fatal: bool) -> None:
        pass

    def translating_s(self) -> float:
        """From the first translation stage's start to the last one's end."""
        spans = [span for name, span in self.spans.items() if name.startswith("Translating")]
        return max(end for _, end in spans) - min(start for start, _ in spans) if spans else 0.0


def _model_stats() -> dict[str, Any]:
    return {
        "model_calls": sum(t.calls for t in pinned.INSTANCES),
        "model_inputs": sum(len(t.sequences) for t in pinned.INSTANCES),
        "tokens_decoded": sum(t.decoded for t in pinned.INSTANCES),
        "models_loaded": len(pinned.INSTANCES),
    }


def argos(work: Path) -> dict[str, Any]:
    """A: Argos Translate's own path, per release, to en and to ko."""
    import argostranslate.sbd
    import argostranslate.translate as argos_translate

    class OfflineSentencizer(argostranslate.sbd.ISentenceBoundaryDetectionModel):
        def __init__(self, pkg: Any) -> None:
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text, self.pkg.from_code)

    argos_translate.MiniSBDSentencizer = OfflineSentencizer
    argos_translate.StanzaSentencizer = OfflineSentencizer
    argos_translate.ctranslate2 = types.SimpleNamespace(Translator=pinned.PinnedTranslator)
    texts = release_texts(find_releases(work / "releases"), Settings())
    started = time.perf_counter()
    for release in texts:
        text = "\n".join(release)
        for target in ("en", "ko"):
            argos_translate.translate(text, "de", target)
    return {"wall_s": time.perf_counter() - started, **_model_stats()}


def _build(
    work: Path, releases: str, output: str, use_memory: bool, models: str = "models", named: dict[str, str] | None = None
) -> dict[str, Any]:
    from pressroom.build.pipeline import build
    from pressroom.build.types import BuildOptions
    from pressroom.translate import ctranslate
    from pressroom.translate.routing import ModelEngines

    ctranslate.Translator = pinned.PinnedTranslator
    settings = Settings(models=named or {})
    started = time.perf_counter()
    engines = ModelEngines(work / models, settings.translation, pivot=settings.pivot_language, named=settings.models)
    options = BuildOptions(
        releases_dir=work / releases, output_dir=work / output, use_memory=use_memory,
        allow_demo=True,  # the synthetic packages are marked demo: random weights
    )
    clock = StageClock()
    result = build(settings, options, engines, clock)
    wall = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"build failed: {result.failed}")
    return {
        "wall_s": wall,
        "build_s": result.seconds,
        "translating_s": clock.translating_s(),
        "stages_s": {name: round(end - start, 3) for name, (start, end) in clock.spans.items()},
        "loaded_models": engines.loaded_models(),
        "up_to_date": result.up_to_date,
        "engines": {
            f"{s.source}-{s.target}": {"translated": s.translated, "from_memory": s.from_memory}
            for s in result.engines
        },
        "published": {lang: len(slugs) for lang, slugs in result.published.items()},
        "routes": result.routes,
        **_model_stats(),
    }


def pressroom(work: Path) -> dict[str, Any]:
    """B: a whole ``pressroom build --no-cache`` (read, translate, write DOCX, pages, feeds)."""
    result = _build(work, "releases", "out-b", use_memory=False)
    sent = {t.model_path: t.sequences for t in pinned.INSTANCES}
    (work / "b-sequences.json").write_text(json.dumps(sent), encoding="utf-8")
    return result


def ctranslate2(work: Path) -> dict[str, Any]:
    """C: B's token sequences straight into CTranslate2, one call per model."""
    from pressroom.translate.ctranslate import LENGTH_PENALTY

    sent: dict[str, list[list[str]]] = json.loads((work / "b-sequences.json").read_text())
    settings = Settings().translation
    started = time.perf_counter()
    load_s = 0.0
    for model_path, sequences in sent.items():
        before = time.perf_counter()
        translator = pinned.PinnedTranslator(
            model_path,
            device=settings.device,
            compute_type=settings.compute_type,
            inter_threads=settings.threads or os.cpu_count() or 1,
            intra_threads=1,
        )
        load_s += time.perf_counter() - before
        results = translator.translate_batch(
            sequences,
            beam_size=settings.beam_size,
            max_batch_size=settings.max_batch_tokens,
            batch_type="tokens",
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            asynchronous=True,
        )
        for result in results:
            result.result()
    return {"wall_s": time.perf_counter() - started, "load_s": load_s, **_model_stats()}


SYSTEMS = {
    "argos": argos,
    "pressroom": pressroom,
    "ctranslate2": ctranslate2,
    "memory": lambda work: _build(work, "releases-memory", "out-memory", use_memory=True),
    "korean-pivot": lambda work: _build(work, "releases-korean", "out-pivot", use_memory=False, models="models-pivot"),
    "korean-direct": lambda work: _build(
        work, "releases-korean", "out-direct", use_memory=False, models="models-direct", named={"ko": "nllb-200-distilled-600M"}
    ),
}


def main() -> None:
    system, work = sys.argv[1], Path(sys.argv[2])
    result = SYSTEMS[system](work)
    result.update(system=system, **_usage())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
