"""Issue 18, item 4: the driver's CPU per release in a cluster build, with the per-edition
work (quality checks, DOCX rendering) on the driver, as before, and on the workers.

The cluster runs in a process of its own (``pressroom cluster local --workers 2``), so what
this process spends is the driver's alone (the build's stages and Dask's client thread), not
the scheduler's. Both builds are first builds (fresh memory) of the same releases with the
tiny synthetic packages (translation is not what is measured here) against the same cluster;
"on the driver" runs ``ClusterChunks.map`` as ``LocalChunks.map`` does, in the driver's process.
The two builds must publish the same bytes (the benchmark stops if they do not). Before each
build the language detection cache (``pressroom.langid``) is emptied here and on the workers,
as in a first build of new releases.

    .venv/bin/python benchmarks/driver.py --releases 100 [--rounds 2]

Prints a table and writes benchmarks/results/driver.json (not versioned).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from distributed import Client
from workload import write_releases

from pressroom.build import per_edition, plan, publish, stages
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.cluster.driver import ClusterChunks
from pressroom.config import Settings
from pressroom.demo.synthetic import build_package
from pressroom.install import install_file
from pressroom.langid import detect_language
from pressroom.qa import report
from pressroom.translate.corpus import LocalChunks
from pressroom.translate.routing import ModelEngines

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
HERE = Path(__file__).resolve().parent
STAGES = (  # (module, function, name): the driver's stages, timed in CPU seconds of this process
    (plan, "read_releases", "read"),
    (stages, "translate_editions", "translate (masking, memory, waiting)"),
    (per_edition, "check_all", "check"),
    (publish, "_write_docx_files", "DOCX (render, write)"),
    (publish, "publish_site", "site (pages, lists, feeds, search)"),
    (report, "publish_report", "report"),
)


def cpu_seconds() -> float:
    """This process's CPU seconds, all its threads, and its finished child processes' (Pagefind)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def timed_stages(seconds: dict[str, float]) -> Iterator[None]:
    """Each stage's CPU seconds (this process, all its threads) added to ``seconds``."""
    originals = []
    for owner, attribute, name in STAGES:
        real = getattr(owner, attribute)

        def timed(*args: Any, _real: Callable[..., Any] = real, _name: str = name, **kwargs: Any) -> Any:
            before = cpu_seconds()
            try:
                return _real(*args, **kwargs)
            finally:
                seconds[_name] += cpu_seconds() - before

        originals.append((owner, attribute, real))
        setattr(owner, attribute, timed)
    try:
        yield
    finally:
        for owner, attribute, real in originals:
            setattr(owner, attribute, real)


@contextmanager
def on_the_driver(yes: bool) -> Iterator[None]:
    """The per-edition tasks in this process, as before issue 18 item 4."""
    real = ClusterChunks.map
    if yes:
        ClusterChunks.map = LocalChunks.map  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        ClusterChunks.map = real  # type: ignore[method-assign]


def one_build(work: Path, output: Path, address: str, driver: bool) -> dict[str, Any]:
    shutil.rmtree(output, ignore_errors=True)
    settings = Settings()
    options = BuildOptions(releases_dir=work / "releases", output_dir=output, allow_demo=True, cluster=address)
    seconds: dict[str, float] = defaultdict(float)
    # a first build of new releases: no language detected before, here or on the workers
    detect_language.cache_clear()
    with Client(address, set_as_default=False) as client:
        client.run(detect_language.cache_clear)
    with timed_stages(seconds), on_the_driver(driver):
        cpu, wall = cpu_seconds(), time.perf_counter()
        result = build(settings, options, ModelEngines(work / "models", settings.translation), now=NOW)
        cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
    return {"cpu_s": cpu, "wall_s": wall, "stages": dict(seconds), "failed": [f"{p.path.name}: {p.message}" for p in result.failed]}


def published(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and ".pressroom" not in p.parts and p.suffix != ".json"  # Pagefind's JSON: any order
    }


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    command = [sys.executable, "-m", "pressroom", "cluster", "local", "--workers", str(workers), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if " at " not in first:
            raise SystemExit(f"the cluster did not start: {first}")
        yield first.split(" at ")[1].strip()
    finally:
        process.send_signal(2)  # SIGINT: 'pressroom cluster local' stops its workers
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="builds of each kind, alternating; the least CPU counts")
    parser.add_argument("--work", type=Path, default=Path("/tmp/pressroom-driver-bench"))
    args = parser.parse_args()
    work = args.work
    if not (work / "models").is_dir():
        for seed, (source, target) in enumerate((("de", "en"), ("en", "ko")), 1):
            install_file(build_package(work / f"{source}_{target}.argosmodel", source, target, seed=seed), work / "models")
    write_releases(work / "releases", args.releases)
    runs: dict[str, list[dict[str, Any]]] = {"on the driver": [], "on the workers": []}
    with local_cluster(2) as address:
        one_build(work, work / "warm-up", address, True)  # imports and language profiles loaded, not counted
        for _ in range(args.rounds):
            for name in runs:
                runs[name].append(one_build(work, work / name.replace(" ", "-"), address, name == "on the driver"))
    if published(work / "on-the-driver") != published(work / "on-the-workers"):
        raise SystemExit("the two builds published different files")
    best = {name: min(found, key=lambda run: run["cpu_s"]) for name, found in runs.items()}
    measured = {"releases": args.releases, "best": best, "runs": runs}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "driver.json").write_text(json.dumps(measured, indent=2), encoding="utf-8")
    n = args.releases
    print("failed in both builds:", *best["on the driver"]["failed"], sep="\n  ")
    print(f"{n} releases ({len(best['on the driver']['failed'])} failed in both), driver CPU ms per release, least of {args.rounds}:")
    print("| stage | per-edition work on the driver | on the workers |\n|---|---|---|")
    for _, _, stage in STAGES:
        print(f"| {stage} | {1000 * best['on the driver']['stages'].get(stage, 0) / n:.0f} | {1000 * best['on the workers']['stages'].get(stage, 0) / n:.0f} |")
    print(f"| **whole build** | **{1000 * best['on the driver']['cpu_s'] / n:.0f}** | **{1000 * best['on the workers']['cpu_s'] / n:.0f}** |")
    print(f"| wall s | {best['on the driver']['wall_s']:.1f} | {best['on the workers']['wall_s']:.1f} |")


if __name__ == "__main__":
    main()
