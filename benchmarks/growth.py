"""Issue 14's cost-growth table: what a build costs at 10, 100 and 1,000 releases.

    .venv/bin/python benchmarks/growth.py                    # 10, 100, 1000 (about 15 minutes)
    .venv/bin/python benchmarks/growth.py --sizes 10 100     # quicker

For each size, in a fresh working folder (releases from ``workload.write_releases``), four
``pressroom build`` runs, each a whole process as a press office starts it: the first build,
D (nothing changed), E (one sentence appended to one release) and R (one release file removed).
Each row gives the process's wall time, the time per release, its CPU time (user and system:
less disturbed than wall time when other work shares the machine, whose load average is shown)
and its peak resident memory (VmHWM, read by the process itself when it exits). The models are synthetic packages of the
``TINY`` shape (2+2 layers, d_model 64, random weights, SentencePiece trained on the corpus):
the 1,000-release first build would take most of an hour on two cores with base-size models,
and D, E and R translate nothing or one sentence, so for them the shape only changes the model
load time of E (about 0.1 s for two base-size models, see BENCHMARKS.md). Random weights make
gibberish, so the quality checks flag most segments: the report is far larger than with real
models, which makes every row that writes it pessimistic. Results go to
``benchmarks/results/growth.json``; the Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from workload import REPO, release_texts, source_releases, write_releases

from pressroom.config import Settings
from pressroom.demo.synthetic import DEFAULT_TRAINING_TEXT, TINY, build_package
from pressroom.install import install_file
from pressroom.segment import split_sentences

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PRESSROOM = REPO / ".venv" / "bin" / "python"
EDIT = " Nach Angaben der Ermittler meldeten sich bis zum Abend mehrere Zeuginnen."
# Runs the CLI and reports the process's peak memory when it exits, to the file named by
# PRESSROOM_PEAK_FILE (stdout belongs to the CLI).
_MEASURED = """
import atexit, os, sys
def _peak():
    status = open("/proc/self/status", encoding="ascii").read()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    open(os.environ["PRESSROOM_PEAK_FILE"], "w").write(kb)
atexit.register(_peak)
sys.argv = ["pressroom", *sys.argv[1:]]
from pressroom.cli.app import main
main()
"""


def tiny_models(models_dir: Path, scratch: Path) -> Path:
    """Non-demo synthetic de→en and en→ko packages of the TINY shape, tokenizers trained on the corpus."""
    settings = Settings()
    text = [s for r in release_texts(source_releases(), settings) for t in r for s in split_sentences(t, "de")]
    for seed, (source, target) in enumerate((("de", "en"), ("en", "ko")), 1):
        archive = build_package(
            scratch / f"growth-{source}_{target}.argosmodel", source, target,
            shape=TINY, seed=seed, training_text=[*text, *DEFAULT_TRAINING_TEXT], demo=False,
        )  # fmt: skip
        install_file(archive, models_dir)
        archive.unlink()
    return models_dir


def run_build(site: Path, models: Path, python: Path = PRESSROOM) -> dict[str, Any]:
    """One ``pressroom build`` in ``site`` as a fresh process: wall seconds, peak MB, its summary."""
    peak_file = site / ".peak"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "tests" / "netguard"), os.environ.get("PYTHONPATH")])),
        "PRESSROOM_BLOCK_NETWORK": "1",
        "PRESSROOM_PEAK_FILE": str(peak_file),
    }
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        [str(python), "-c", _MEASURED, "build", "--json", "--models-dir", str(models)],
        cwd=site, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    if proc.returncode not in (0, 3) or not summary:
        raise SystemExit(f"build in {site} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak_mb = int(peak_file.read_text()) / 1024
    peak_file.unlink()
    return {"wall_s": wall, "cpu_s": cpu, "load": load, "build_s": summary["seconds"], "peak_rss_mb": peak_mb, "summary": summary}


def _release_files(folder: Path) -> list[Path]:
    """The release files (not the pictures beside them), in the order they were written."""
    return sorted(path for path in folder.iterdir() if path.suffix in (".md", ".txt", ".docx"))


def append_sentence(folder: Path) -> Path:
    """E: one sentence appended to the first long paragraph of the second release."""
    target = _release_files(folder)[1]
    lines = target.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[index] = lines[index].rstrip() + EDIT
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def measure(size: int, work: Path, models: Path) -> dict[str, Any]:
    site = work / f"site-{size}"
    shutil.rmtree(site, ignore_errors=True)
    write_releases(site / "releases", size)
    rows: dict[str, Any] = {}
    for name, change in (
        ("first build", lambda: None),
        ("D nothing changed", lambda: None),
        ("E one edit", lambda: append_sentence(site / "releases")),
        ("R one release removed", lambda: _release_files(site / "releases")[-1].unlink()),
    ):
        change()
        rows[name] = run_build(site, models)
        summary = rows[name]["summary"]
        translated = [e["translated"] for e in summary["engines"]]
        row = rows[name]
        print(f"  {size:>5} {name:<22} {row['wall_s']:8.2f} s  CPU {row['cpu_s']:7.2f} s  {row['peak_rss_mb']:6.0f} MB  "
              f"load {row['load']:.1f}  translated {translated}", flush=True)  # fmt: skip
    return rows


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"{report['machine']}; TINY synthetic models; each row one whole `pressroom build` process.",
        "",
        "| releases | run | wall s | s per release | CPU s | peak RSS MB | editions written | sentences translated | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, rows in report["sizes"].items():
        for name, row in rows.items():
            summary = row["summary"]
            rendered = sum(len(slugs) for slugs in summary.get("rebuilt", {}).values())
            translated = sum(e["translated"] for e in summary["engines"])
            lines.append(
                f"| {int(size):,} | {name} | {row['wall_s']:.2f} | {row['wall_s'] / int(size):.4f} | {row['cpu_s']:.2f} "
                f"| {row['peak_rss_mb']:.0f} | {rendered:,} | {translated:,} | {row['load']:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()
    work = RESULTS / "growth"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    models = tiny_models(work / "models", work)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "sizes": {},
    }
    for size in args.sizes:
        report["sizes"][str(size)] = measure(size, work, models)
    (RESULTS / "growth.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    table = markdown(report)
    (RESULTS / "growth.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    sys.exit(main())
