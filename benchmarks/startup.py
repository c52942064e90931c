"""Start-up: how long a command takes before it does anything, as whole processes.

    bash benchmarks/setup                      # once: .venv-bench, the full install with torch
    .venv/bin/python benchmarks/startup.py     # about 2 minutes

``pressroom --help``, ``pressroom models list`` and ``pressroom build`` with nothing changed
(100 releases built once before, TINY synthetic models), each run ``--runs`` times in the lean
``.venv`` and in ``.venv-bench`` (argostranslate's full install: torch, stanza, spacy present),
the two interpreters taking turns. Prints the median and the fastest wall time of each and
whether the process loaded torch; writes ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from growth import run_build, tiny_models
from workload import REPO, write_releases

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
VENVS = {"lean .venv": REPO / ".venv" / "bin" / "python", "full .venv-bench": REPO / ".venv-bench" / "bin" / "python"}
# The CLI, then one line on stderr: whether torch was loaded.
_COMMAND = """
import sys
sys.argv = ["pressroom", *sys.argv[1:]]
from pressroom.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write(f"\\ntorch loaded: {'torch' in sys.modules}\\n")
"""


def timed(python: Path, args: list[str], cwd: Path) -> tuple[float, bool]:
    paths = [str(REPO / "tests" / "netguard"), os.environ.get("PYTHONPATH")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths)), "PRESSROOM_BLOCK_NETWORK": "1"}
    started = time.perf_counter()
    proc = subprocess.run([str(python), "-c", _COMMAND, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    return wall, "torch loaded: True" in proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    missing = [name for name, python in VENVS.items() if not python.exists()]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run 'bash scripts/setup' and 'bash benchmarks/setup'")
    work = RESULTS / "startup"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    models = tiny_models(work / "models", work)
    site = work / "site"
    write_releases(site / "releases", 100)
    run_build(site, models)  # the build the nothing-changed runs find
    commands = {
        "pressroom --help": ["--help"],
        "pressroom models list": ["models", "list", "--models-dir", str(models)],
        "pressroom build, nothing changed (100 releases)": ["build", "--models-dir", str(models)],
    }
    results: dict[str, dict[str, dict[str, object]]] = {}
    for label, command in commands.items():
        walls: dict[str, list[float]] = {name: [] for name in VENVS}
        torch: dict[str, bool] = {}
        for _ in range(args.runs):
            for name, python in VENVS.items():  # taking turns: a disturbance hits both
                wall, loaded = timed(python, command, site)
                walls[name].append(wall)
                torch[name] = torch.get(name, False) or loaded
        results[label] = {
            name: {"median_s": statistics.median(w), "min_s": min(w), "runs": w, "torch_loaded": torch[name]}
            for name, w in walls.items()
        }
    (RESULTS / "startup.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}; {args.runs} runs each, median (fastest)")
    print("| command | " + " | ".join(VENVS) + " |")
    print("|---|" + "---|" * len(VENVS))
    for label, by_venv in results.items():
        cells = [
            f"{row['median_s']:.2f} s ({row['min_s']:.2f} s){', torch loaded' if row['torch_loaded'] else ''}"
            for row in by_venv.values()
        ]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
