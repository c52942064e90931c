"""Issue 18: a local build against the same build on a ``LocalCluster`` with 2 workers, side by side.

    .venv/bin/python benchmarks/cluster.py [--releases 100] [--chunks 1024,256]

Needs the cluster extra (``bash scripts/setup --cluster``) and the shared corpus. Everything
runs on this machine: the local build translates with CTranslate2's 2 inter-threads (one per
core of the development machine); the cluster build on 2 worker processes of 1 thread each,
the same cores. Both use the base-size synthetic packages of ``workload.build_models`` and
the pinned output lengths of ``pinned.py`` (also inside the workers), a fresh translation
memory each (a first build), and the same chunks, so they publish the same files (checked).

``--malloc`` measures instead what Dask's nanny does to CTranslate2 in a worker (its
``MALLOC_TRIM_THRESHOLD_``) and what :func:`pressroom.cluster.workers.restore_malloc_thresholds`
gives back: the same 300 sentences through one engine in three fresh processes.

Besides the two wall times it measures what stays on the driver, by timing the build's own
functions in this process: per release reading, checking (quality checks and applying
reviews) and writing (DOCX, pages, feeds, report); per sentence the memory (look-up and
store) and masking. Prints a Markdown table and writes ``results/cluster.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pinned
from distributed import Client, LocalCluster, WorkerPlugin
from workload import build_models, corpus_stats, release_texts, write_releases

from pressroom.build import pipeline
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.config import Settings
from pressroom.qa.protect import Protector
from pressroom.translate import corpus, ctranslate
from pressroom.translate.memory import TranslationMemory
from pressroom.translate.routing import ModelEngines

HERE = Path(__file__).resolve().parent
NOW = datetime(2027, 1, 15, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # one build time (after every release's date): comparable feeds
RESULTS = HERE / "results"


class PinOutputLengths(WorkerPlugin):
    """In each worker, as in this process: every sentence decodes to its pinned length."""

    def setup(self, worker: object) -> None:
        import pinned as worker_pinned

        from pressroom.translate import ctranslate as worker_ctranslate

        worker_ctranslate.Translator = worker_pinned.PinnedTranslator


class Timers:
    """Seconds spent in named functions of this process, patched in place while a build runs."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, attribute: str, name: str, count: Callable[..., int] | None = None) -> None:
        original = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += count(*args, **kwargs) if count else 1

        setattr(owner, attribute, timed)
        self._undo.append((owner, attribute, original))

    def restore(self) -> None:
        for owner, attribute, original in reversed(self._undo):
            setattr(owner, attribute, original)
        self._undo.clear()


def cpu_seconds() -> float:
    """CPU seconds of this process so far (in a worker: of that worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def workers_cpu(client: Client) -> float:
    return sum(client.run(cpu_seconds).values())


def timed_build(work: Path, output: str, cluster: str | None, client: Client) -> dict[str, Any]:
    """One first build (fresh memory) with the driver's stages timed, and the CPU seconds it
    took here (the driver, and in a LocalCluster the scheduler too) and in the workers."""
    timers = Timers()
    for function, name in (
        ("read_releases", "read"), ("translate_editions", "translate stage"), ("apply_reviews", "check"),
        ("check_editions", "check"), ("write_editions", "write"), ("publish_report", "write"),
    ):
        timers.wrap(pipeline, function, name)
    timers.wrap(TranslationMemory, "lookup", "memory", lambda self, engine, sentences: len(list(sentences)))
    timers.wrap(TranslationMemory, "store", "memory", lambda self, engine, pairs: len(pairs))
    timers.wrap(Protector, "mask", "masking")
    shutil.rmtree(work / output, ignore_errors=True)  # a first build: no memory, nothing published
    settings = Settings()
    options = BuildOptions(releases_dir=work / "releases", output_dir=work / output, allow_demo=True, cluster=cluster)
    cpu_before, workers_before = cpu_seconds(), workers_cpu(client)
    started = time.perf_counter()
    try:
        result = build(settings, options, ModelEngines(work / "models", settings.translation), now=NOW)
    finally:
        timers.restore()
    wall = time.perf_counter() - started
    driver_cpu, worker_cpu = cpu_seconds() - cpu_before, workers_cpu(client) - workers_before
    if result.failed:
        raise SystemExit(f"build failed: {result.failed}")
    translated = sum(s.translated + s.pieces for s in result.engines)
    # the translation stage less the driver's own work in it: waiting for the model(s)
    model_s = timers.seconds["translate stage"] - timers.seconds["memory"] - timers.seconds["masking"]
    return {
        "wall_s": wall,
        "cpu_s": driver_cpu + worker_cpu,
        "driver_cpu_s": driver_cpu,
        "model_s": model_s,
        "sentences_translated": translated,
        "seconds": dict(timers.seconds),
        "calls": dict(timers.calls),
    }


def published(output: Path) -> dict[str, bytes]:
    """Pages and feeds as published (the DOCX zips hold their write times)."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.suffix in (".html", ".xml") and ".pressroom" not in path.parts
    }


MALLOC_CASES = {
    "plain process": ({}, False),
    "MALLOC_TRIM_THRESHOLD_=65536 (as in a Dask worker)": ({"MALLOC_TRIM_THRESHOLD_": "65536"}, False),
    "the same, thresholds restored": ({"MALLOC_TRIM_THRESHOLD_": "65536"}, True),
}


def malloc_case(models: Path, restore: bool) -> float:
    """Seconds for 300 sentences de→en through one engine (best of 2), in this process."""
    from pressroom.cluster.workers import restore_malloc_thresholds

    if restore:
        restore_malloc_thresholds()
    engine = ModelEngines(models, Settings().translation).route("de", "en")[0]  # type: ignore[index]
    sentences = [f"Die Stadt baut {i} neue Haltestellen im Jahr {2000 + i} am Marktplatz." for i in range(300)]
    engine.translate_batch(sentences[:2])
    times = []
    for _ in range(2):
        started = time.perf_counter()
        engine.translate_batch(sentences)
        times.append(time.perf_counter() - started)
    return min(times)


def malloc(work: Path) -> None:
    import subprocess

    rows = ["| process | s for 300 sentences |", "|---|---|"]
    for name, (env, restore) in MALLOC_CASES.items():
        code = f"import cluster; print(cluster.malloc_case(cluster.Path({str(work / 'models')!r}), {restore}))"
        out = subprocess.run([sys.executable, "-c", code], cwd=HERE, env={**os.environ, **env}, capture_output=True, text=True, check=True)
        rows.append(f"| {name} | {float(out.stdout.split()[-1]):.2f} |")
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--malloc", action="store_true", help="only the malloc measurement (needs the models of a run)")
    parser.add_argument("--releases", type=int, default=100)
    parser.add_argument("--chunks", default="1024,128", help="CHUNK_SENTENCES values to compare")
    parser.add_argument("--work", type=Path, default=RESULTS / "cluster-work")
    args = parser.parse_args()
    work: Path = args.work
    if args.malloc:
        malloc(work)
        return
    (work / "scratch").mkdir(parents=True, exist_ok=True)
    if not (work / "models").is_dir():
        build_models(work / "models", work / "scratch")
    paths = write_releases(work / "releases", args.releases)
    stats = corpus_stats(release_texts(paths, Settings()))
    ctranslate.Translator = pinned.PinnedTranslator  # this process: the local build
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    report: dict[str, Any] = {"corpus": vars(stats), "cores": os.cpu_count(), "runs": []}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        with Client(cluster, set_as_default=False) as client:
            client.register_plugin(PinOutputLengths(), name="pin-output-lengths")
            for number, chunk in enumerate(int(c) for c in args.chunks.split(",")):
                corpus.CHUNK_SENTENCES = chunk
                order = [None, cluster.scheduler_address][:: 1 if number % 2 == 0 else -1]
                runs = {}
                for where in order:
                    name = "cluster" if where else "local"
                    runs[name] = timed_build(work, f"out-{name}-{chunk}", where, client)
                    print(f"chunk {chunk}, {name}: {runs[name]['wall_s']:.1f} s, {runs[name]['cpu_s']:.1f} CPU s", file=sys.stderr)
                if published(work / f"out-local-{chunk}") != published(work / f"out-cluster-{chunk}"):
                    raise SystemExit(f"chunk {chunk}: the cluster build published other pages or feeds")
                report["runs"].append({"chunk": chunk, **runs})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cluster.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    corpus_ = report["corpus"]
    lines = [
        f"{corpus_['releases']} releases, {corpus_['sentences']:,} sentences ({corpus_['distinct']:,} distinct), "
        f"{report['cores']} cores.",
        "",
        "| chunk | build | wall s | cluster/local wall | CPU s (driver) | cluster/local CPU | translating s | sentences/s per worker |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in report["runs"]:
        local = run["local"]
        for name, workers in (("local", 1), ("cluster", 2)):
            r = run[name]
            rate = r["sentences_translated"] / r["model_s"] / workers
            lines.append(
                f"| {run['chunk']} | {name} | {r['wall_s']:.1f} | {r['wall_s'] / local['wall_s']:.2f} | "
                f"{r['cpu_s']:.1f} ({r['driver_cpu_s']:.1f}) | {r['cpu_s'] / local['cpu_s']:.2f} | "
                f"{r['model_s']:.1f} | {rate:.1f} |"
            )
    lines += ["", f"Sentences translated per build (both hops, pieces included): {report['runs'][0]['local']['sentences_translated']:,}."]
    local = report["runs"][0]["local"]
    releases = corpus_["releases"]
    seconds, calls = local["seconds"], local["calls"]
    lines += [
        "",
        "Driver's cost (local build, first chunk size):",
        "",
        "| step | total s | per |",
        "|---|---|---|",
        f"| read | {seconds['read']:.2f} | {1000 * seconds['read'] / releases:.1f} ms per release |",
        f"| check (quality checks, reviews) | {seconds['check']:.2f} | {1000 * seconds['check'] / releases:.1f} ms per release |",
        f"| write (DOCX, pages, feeds, report) | {seconds['write']:.2f} | {1000 * seconds['write'] / releases:.1f} ms per release |",
        f"| memory (look-up and store) | {seconds['memory']:.2f} | {1e6 * seconds['memory'] / calls['memory']:.0f} µs per sentence ({calls['memory']:,}) |",
        f"| masking | {seconds['masking']:.2f} | {1e6 * seconds['masking'] / calls['masking']:.0f} µs per sentence ({calls['masking']:,}) |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
