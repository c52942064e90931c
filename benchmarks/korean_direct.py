"""Issue 17's benchmark: Korean directly through an NLLB-200-distilled-600M-shaped model against
Korean through English (two base-size Argos models), on the same releases, side by side.

    .venv/bin/python benchmarks/korean_direct.py            # about 12 minutes on 2 cores

Both systems run ``pressroom build`` into en and ko with the memory off (``korean-pivot`` and
``korean-direct`` in ``systems.py``), one after the other in fresh processes, round after round;
every sentence is decoded to the same pinned length (``pinned.py``). English takes the Argos
de→en model in both, so the difference is Korean's own cost: the en→ko step against the de→ko
step through the much larger model. Needs only the lean ``.venv``. Results go to
``benchmarks/results/korean-direct.json`` (not versioned) and a table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from run_benchmark import RESULTS, run
from workload import build_models, corpus_stats, release_texts, source_releases, write_releases

from pressroom.config import Settings
from pressroom.demo.converted import NLLB_600M, build_model_folder
from pressroom.segment import split_sentences
from pressroom.translate.installed import add_model, size_text

SYSTEMS = ("korean-pivot", "korean-direct")


def prepare(work: Path, releases: int) -> dict[str, Any]:
    """Models for both systems and the releases; what was made."""
    build_models(work / "models-pivot", work)
    shutil.copytree(work / "models-pivot", work / "models-direct")
    settings = Settings()
    text = [s for r in release_texts(source_releases(), settings) for t in r for s in split_sentences(t, "de")]
    started = time.perf_counter()
    folder = build_model_folder(work / "nllb-600m", "nllb", ("de", "en", "ko"), shape=NLLB_600M, seed=7, training_text=text)
    model = add_model(folder, work / "models-direct", name="nllb-200-distilled-600M")
    shutil.rmtree(folder)
    paths = write_releases(work / "releases-korean", releases)
    return {
        "nllb_build_s": time.perf_counter() - started,
        "nllb_size": size_text(model.size),
        "corpus": vars(corpus_stats(release_texts(paths, settings))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=4, help="releases built in each run (default 4; see BENCHMARKS.md)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = RESULTS / "korean-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        **prepare(work, args.releases),
        "rounds": [],
    }
    print(f"corpus: {report['corpus']}", flush=True)
    for number in range(1, args.rounds + 1):
        print(f"round {number}", flush=True)
        report["rounds"].append({system: run(system, work) for system in SYSTEMS})
    report["total_s"] = time.perf_counter() - started
    (RESULTS / "korean-direct.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(markdown(report))


def _korean_s(result: dict[str, Any]) -> float:
    """Seconds of Korean's own translation step: en→ko on the pivot route, de→ko direct."""
    stages = result["stages_s"]
    return stages.get("Translating en→ko", 0.0) + stages.get("Translating de→ko", 0.0)


def markdown(report: dict[str, Any]) -> str:
    corpus = report["corpus"]
    rows = []
    for system in SYSTEMS:
        runs = [r[system] for r in report["rounds"]]
        first = runs[0]
        each = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
        rows.append(
            f"| {first['routes']['ko']} | {statistics.median(r['wall_s'] for r in runs):.1f} "
            f"({each}) | {statistics.median(map(_korean_s, runs)):.1f} "
            f"| {statistics.median(r['cpu_s'] for r in runs):.0f} | {first['loaded_models']} | {first['tokens_decoded']:,} "
            f"| {statistics.median(r['peak_rss_mb'] for r in runs):.0f} |"
        )
    pivot, direct = (statistics.median(r[s]["wall_s"] for r in report["rounds"]) for s in SYSTEMS)
    korean = [statistics.median(_korean_s(r[s]) for r in report["rounds"]) for s in SYSTEMS]
    cpu = [statistics.median(r[s]["cpu_s"] for r in report["rounds"]) for s in SYSTEMS]
    return "\n".join([
        f"{corpus['releases']} releases, {corpus['sentences']} sentences ({corpus['distinct']} distinct), into en and ko; "
        f"{report['machine']}; NLLB-shaped model {report['nllb_size']}; median of {len(report['rounds'])} round(s).",
        "",
        "| Korean route | build wall s (each round) | Korean step s | CPU s | models loaded | tokens decoded | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"direct/pivot: build {direct / pivot:.2f}x, Korean step {korean[1] / korean[0]:.2f}x, CPU {cpu[1] / cpu[0]:.2f}x. "
        f"Whole run {report['total_s'] / 60:.1f} min.",
    ]) + "\n"


if __name__ == "__main__":
    sys.exit(main())
