"""Issue 3's benchmark: Argos Translate's own path against pressroom, and pressroom against the
bare CTranslate2 limit, on the same releases and the same base-size models, in one run.

    bash benchmarks/setup                                # once: .venv-bench with full argostranslate
    .venv/bin/python benchmarks/run_benchmark.py         # ~10 minutes on 2 cores

A (argostranslate.translate per release), B (pressroom build --no-cache) and C (B's token
sequences in one bare CTranslate2 call per model) run one after the other in fresh processes,
round after round, so a disturbance on a shared machine shows as a spread between rounds
instead of hiding in one number. Then D (a re-run with nothing changed, memory on) and E (a
re-run after editing one release). Every system decodes every sentence to the same pinned
length (see ``pinned.py``). Results go to ``benchmarks/results/`` (not versioned) and a
Markdown summary is printed for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from workload import REPO, build_models, corpus_stats, release_texts, write_releases

from pressroom.config import Settings
from pressroom.readers import find_releases
from pressroom.segment import split_sentences

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
LEAN_PYTHON = REPO / ".venv" / "bin" / "python"
BENCH_PYTHON = REPO / ".venv-bench" / "bin" / "python"
# Appended to one paragraph of one release for E: a sentence no release has.
EDIT = (
    " Nach Angaben der Ermittler meldeten sich bis zum Abend mehrere Zeuginnen, die den Vorfall "
    "aus einem vorbeifahrenden Bus beobachtet hatten."
)


def run(system: str, work: Path, python: Path | None = None) -> dict[str, Any]:
    """Run one system in a fresh process; its JSON plus the process's own wall time.

    ``python``: the interpreter to run it with (another checkout's ``.venv``, to measure that
    checkout's pressroom); by default the one this system needs here.
    """
    settings = Settings().translation
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "tests" / "netguard"), str(HERE)]),
        "PRESSROOM_BLOCK_NETWORK": "1",  # proves that no system reaches the network
        "ARGOS_PACKAGES_DIR": str(work / "models"),
        "ARGOS_BEAM_SIZE": str(settings.beam_size),  # translate() asks for one hypothesis
        **{f"XDG_{kind}_HOME": str(work / "argos-home") for kind in ("DATA", "CONFIG", "CACHE")},
    }
    python = python or (BENCH_PYTHON if system == "argos" else LEAN_PYTHON)
    started = time.perf_counter()
    proc = subprocess.run(
        [str(python), str(HERE / "systems.py"), system, str(work)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"{system} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    print(f"  {system:<12} {result['wall_s']:8.2f} s  peak RSS {result['peak_rss_mb']:6.0f} MB", flush=True)
    return result


def edit_one_release(folder: Path) -> tuple[Path, int]:
    """Add a sentence to the first long paragraph of the second release; return the file and
    how many of its sentences the memory has never seen."""
    settings = Settings()
    paths = find_releases(folder)
    before = {s for texts in release_texts(paths, settings) for t in texts for s in split_sentences(t, "de")}
    target = paths[1]
    lines = target.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[index] = lines[index].rstrip() + EDIT
    target.write_text("\n".join(lines), encoding="utf-8")
    (after,) = release_texts([target], settings)
    new = {s for t in after for s in split_sentences(t, "de")} - before
    return target, len(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=20, help="releases for A, B and C")
    parser.add_argument("--memory-releases", type=int, default=100, help="releases for D and E")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of A, B, C")
    args = parser.parse_args()
    if not BENCH_PYTHON.exists():
        raise SystemExit("Run 'bash benchmarks/setup' first: A needs the full argostranslate install.")
    work = RESULTS / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    build_models(work / "models", work)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "settings": vars(Settings().translation),
        "models_s": time.perf_counter() - started,
        "corpus": {},
        "rounds": [],
    }
    settings = Settings()
    for name, count in (("releases", args.releases), ("releases-memory", args.memory_releases)):
        paths = write_releases(work / name, count)
        report["corpus"][name] = vars(corpus_stats(release_texts(paths, settings)))
    print(f"corpus: {report['corpus']}", flush=True)

    for number in range(1, args.rounds + 1):
        print(f"round {number}", flush=True)
        report["rounds"].append({system: run(system, work) for system in ("argos", "pressroom", "ctranslate2")})

    print("memory", flush=True)
    report["fill"] = run("memory", work)
    report["rerun"] = run("memory", work)
    edited, new_sentences = edit_one_release(work / "releases-memory")
    report["edit"] = run("memory", work)
    report["edit"].update(file=edited.name, new_sentences=new_sentences)
    report["total_s"] = time.perf_counter() - started
    (RESULTS / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    summary = markdown(report)
    (RESULTS / "summary.md").write_text(summary, encoding="utf-8")
    print(summary)


def markdown(report: dict[str, Any]) -> str:
    """The tables BENCHMARKS.md quotes: medians over the rounds, every round's wall time."""
    corpus = report["corpus"]["releases"]
    requested = corpus["sentences"] * 2  # each source sentence into en and into ko
    names = {"argos": "A argostranslate", "pressroom": "B pressroom --no-cache", "ctranslate2": "C bare CTranslate2"}
    median = {
        system: {key: statistics.median(r[system][key] for r in report["rounds"])
                 for key in ("wall_s", "process_s", "peak_rss_mb")}
        for system in names
    }  # fmt: skip
    lines = [
        f"{corpus['releases']} releases, {corpus['sentences']} sentences ({corpus['distinct']} distinct), "
        f"{corpus['words']} words; {report['machine']}; {len(report['rounds'])} round(s), median shown.",
        "",
        "| system | wall s (each round) | sentences/s | model inputs | tokens decoded | peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for system, name in names.items():
        first = report["rounds"][0][system]
        rounds = ", ".join(f"{r[system]['wall_s']:.1f}" for r in report["rounds"])
        lines.append(
            f"| {name} | {median[system]['wall_s']:.1f} ({rounds}) | {requested / median[system]['wall_s']:.1f} "
            f"| {first['model_inputs']} | {first['tokens_decoded']} | {median[system]['peak_rss_mb']:.0f} |"
        )
    wall = {system: median[system]["wall_s"] for system in names}
    lines += [
        "",
        f"B/A = {wall['pressroom'] / wall['argos']:.3f}, B/C = {wall['pressroom'] / wall['ctranslate2']:.3f}",
    ]
    memory = report["corpus"]["releases-memory"]
    fill, rerun, edit = report["fill"], report["rerun"], report["edit"]
    lines += [
        "",
        f"Memory on, {memory['releases']} releases ({memory['distinct']} distinct of {memory['sentences']} sentences):",
        "",
        "| run | build s | process s | models loaded | translated (de→en, en→ko) | from memory |",
        "|---|---|---|---|---|---|",
    ]
    for label, run_result in (("first build (fills the memory)", fill), ("D: re-run, nothing changed", rerun),
                              (f"E: re-run after editing {edit['file']}", edit)):  # fmt: skip
        engines = run_result["engines"]
        translated = ", ".join(str(e["translated"]) for e in engines.values()) or "nothing rebuilt (up to date)"
        remembered = sum(e["from_memory"] for e in engines.values())
        lines.append(
            f"| {label} | {run_result['build_s']:.2f} | {run_result['process_s']:.2f} "
            f"| {run_result['loaded_models']} | {translated} | {remembered} |"
        )
    lines += ["", f"E: the edit added {edit['new_sentences']} sentence(s) the memory had never seen.",
              f"Whole run: {report['total_s'] / 60:.1f} min."]  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
