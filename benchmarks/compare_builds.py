"""B (``pressroom build --no-cache``) of this checkout against B of another checkout, side by side.

    git worktree add ../before COMMIT && bash ../before/scripts/setup       # once
    .venv/bin/python benchmarks/compare_builds.py ../before --rounds 3      # ~4 minutes on 2 cores

Both builds run the same releases on the same base-size models with the same pinned output
lengths (``pinned.py``), each in a fresh process with its own checkout's ``.venv`` (so its own
``pressroom``), in alternating order round after round: a disturbance on a shared machine then
shows as a spread between rounds instead of favouring one side. The benchmark's own scripts
(``systems.py``, ``pinned.py``) come from this checkout for both. Reports wall and CPU seconds
per round, their medians and the ratio this/before.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

from run_benchmark import RESULTS, run
from workload import build_models, corpus_stats, release_texts, write_releases

from pressroom.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="the other checkout (with its .venv from scripts/setup)")
    parser.add_argument("--releases", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    before_python = args.before.resolve() / ".venv" / "bin" / "python"
    if not before_python.exists():
        raise SystemExit(f"{before_python} is missing: run 'bash {args.before}/scripts/setup' first")
    work = RESULTS / "compare"
    if not (work / "models").is_dir():
        work.mkdir(parents=True, exist_ok=True)
        build_models(work / "models", work)
    corpus = corpus_stats(release_texts(write_releases(work / "releases", args.releases), Settings()))
    print(f"corpus: {vars(corpus)}", flush=True)
    rounds: list[dict[str, dict[str, float]]] = []
    for number in range(args.rounds):
        sides = [("before", before_python), ("this", None)]
        measured = {}
        for side, python in sides if number % 2 == 0 else sides[::-1]:
            shutil.rmtree(work / "out-b", ignore_errors=True)  # each build starts from an empty output
            result = run("pressroom", work, python)
            measured[side] = {key: result[key] for key in ("wall_s", "cpu_s", "translating_s", "peak_rss_mb")}
        rounds.append(measured)
    (RESULTS / "compare.json").write_text(json.dumps({"corpus": vars(corpus), "rounds": rounds}, indent=2), encoding="utf-8")
    print(f"\n{corpus.releases} releases, {corpus.sentences} sentences into en and ko, {args.rounds} rounds, median:\n")
    print("| build | wall s (each round) | CPU s (each round) | translating s | peak RSS MB |\n|---|---|---|---|---|")
    median: dict[str, dict[str, float]] = {}
    for side in ("before", "this"):
        median[side] = {key: statistics.median(r[side][key] for r in rounds) for key in rounds[0][side]}
        walls = ", ".join(f"{r[side]['wall_s']:.1f}" for r in rounds)
        cpus = ", ".join(f"{r[side]['cpu_s']:.1f}" for r in rounds)
        print(
            f"| {side} | {median[side]['wall_s']:.1f} ({walls}) | {median[side]['cpu_s']:.1f} ({cpus}) "
            f"| {median[side]['translating_s']:.1f} | {median[side]['peak_rss_mb']:.0f} |"
        )
    print(
        f"\nthis/before: wall {median['this']['wall_s'] / median['before']['wall_s']:.3f}, "
        f"CPU {median['this']['cpu_s'] / median['before']['cpu_s']:.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
