"""Translation on a real Dask cluster: ``LocalCluster(processes=True)`` on loopback, real worker
processes with the synthetic packages, against a local build of the same releases.

The corpus translator's chunk size is made small here (in the driver, for both builds alike) so
that the repository's three releases make enough chunks to spread over two workers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cloudpickle
import docx
import pytest
from distributed import Client, LocalCluster, WorkerPlugin, get_task_stream

from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult, SilentReporter
from pressroom.config import Settings
from pressroom.demo.synthetic import build_package
from pressroom.install import install_file
from pressroom.translate import corpus
from pressroom.translate.memory import TranslationMemory
from pressroom.translate.routing import ModelEngines

pytestmark = pytest.mark.slow

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
REPO = Path(__file__).parents[1]
CHUNK = 8  # sentences per chunk in these tests (1,024 in a real build)
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this file


def _cluster(n_workers: int = 2, models: str = "") -> LocalCluster:
    """Worker processes on loopback; ``models``: their own PRESSROOM_MODELS_DIR (else none, so
    they read the driver's models folder, as on a shared disk)."""
    return LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", env={"PRESSROOM_MODELS_DIR": models},
    )


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with _cluster() as running:
        yield running


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster, set_as_default=False) as connected:
        yield connected


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "CHUNK_SENTENCES", CHUNK)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "releases", root / "releases")
    return root


@pytest.fixture(scope="module")
def local_output(site: Path, synthetic_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same releases built without a cluster: what every cluster build must publish."""
    models = tmp_path_factory.mktemp("local-models")
    for archive in synthetic_packages.values():
        install_file(archive, models)
    output = site / "local-output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(corpus, "CHUNK_SENTENCES", CHUNK)
        result = _build(site, models, output)
    assert not result.failed and sum(s.translated for s in result.engines) > 4 * CHUNK
    return output


def _build(site: Path, models: Path, output: Path, cluster: str | None = None, reporter: object = None) -> BuildResult:
    """A first build; the DOCX carry the checks' findings as comments, and review editions are
    written too, so that everything the workers render is compared."""
    settings = Settings(review_marks=True)
    options = BuildOptions(releases_dir=site / "releases", output_dir=output, allow_demo=True, cluster=cluster, bilingual=True)
    return build(settings, options, ModelEngines(models, settings.translation), reporter, now=NOW)  # type: ignore[arg-type]


def _published(output: Path) -> dict[str, object]:
    """Every published file's content: the text of each DOCX paragraph and table cell, JSON as
    data, every other file (pages, feeds, reports, search index) as it is."""
    found: dict[str, object] = {}
    for path in sorted(output.rglob("*")):
        if not path.is_file() or STATE_DIR in path.parts:
            continue
        name = path.relative_to(output).as_posix()
        if path.suffix == ".docx":
            document = docx.Document(str(path))
            cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
            comments = [comment.text for comment in document.comments]
            found[name] = [p.text for p in document.paragraphs] + cells + comments
        elif path.suffix == ".json":  # Pagefind writes its languages in any order, local builds too
            found[name] = json.loads(path.read_bytes())
        else:  # pages, feeds, reports, search index, media as they are
            found[name] = path.read_bytes()
    return found


def test_a_cluster_build_publishes_exactly_what_a_local_build_does(
    site: Path, models_dir: Path, local_output: Path, cluster: LocalCluster, client: Client, tmp_path: Path
) -> None:
    with get_task_stream(client) as stream:
        result = _build(site, models_dir, tmp_path / "output", cluster.scheduler_address)
    assert not result.failed
    for kind in ("pressroom-translate", "pressroom-check_record", "pressroom-render_edition"):
        workers = {task["worker"] for task in stream.data if str(task["key"]).startswith(kind)}
        assert len(workers) == 2, f"both workers ran {kind} tasks"
    assert sum(s.translated for s in result.engines) > 4 * CHUNK
    published, expected = _published(tmp_path / "output"), _published(local_output)
    assert sorted(published) == sorted(expected)
    assert any(name.endswith(".bilingual.docx") for name in published) and "en/rss.xml" in published
    assert json.loads((local_output / "qa-report.json").read_bytes()), "the checks found something to compare"
    assert any(published[name][-1] for name in published if name.endswith(".docx")), "findings as DOCX comments"
    for name in expected:
        assert published[name] == expected[name], name
    # the driver's memory has every translation: a second cluster build translates nothing
    (tmp_path / "output" / "index.html").unlink()
    again = _build(site, models_dir, tmp_path / "output", cluster.scheduler_address)
    assert sum(s.translated for s in again.engines) == 0 and all(s.from_memory for s in again.engines)


class _KillFirstWorker(WorkerPlugin):
    """SIGKILLs the worker process that first starts a task whose key begins with ``kind``,
    once per cluster."""

    def __init__(self, marker: str, kind: str) -> None:
        self.marker = marker
        self.kind = kind

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish == "executing" and str(key).startswith(self.kind):
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return
            os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(
    ("task", "doing"), [("pressroom-translate", "translated"), ("pressroom-render_edition-", "rendered a DOCX")]
)
def test_a_worker_killed_mid_task_leaves_a_complete_and_correct_build(
    site: Path, models_dir: Path, local_output: Path, cluster: LocalCluster, client: Client, tmp_path: Path,
    task: str, doing: str,
) -> None:
    """A worker SIGKILLed while it translates a chunk, or while it renders an edition, is
    replaced by Dask and its task runs again elsewhere: the build is complete and the same."""
    marker = tmp_path / "killed"
    pids = set(client.run(os.getpid).values())
    client.register_plugin(_KillFirstWorker(str(marker), task), name="kill-first")
    try:
        result = _build(site, models_dir, tmp_path / "output", cluster.scheduler_address)
    finally:
        client.unregister_worker_plugin("kill-first")
    assert marker.exists(), f"a worker was killed while it {doing}"
    assert not result.failed
    assert _published(tmp_path / "output") == _published(local_output)
    client.wait_for_workers(2, timeout=60)
    assert len(pids - set(client.run(os.getpid).values())) == 1, "the killed worker was replaced"


def _power(exponent: int, base: int) -> int:
    return base**exponent


def test_map_on_the_cluster_gives_every_item_once_however_many_wait(cluster: LocalCluster) -> None:
    from pressroom.cluster.driver import TASKS_PER_THREAD, ClusterChunks
    from pressroom.translate.corpus import LocalChunks

    runner = ClusterChunks(cluster.scheduler_address)
    try:
        items = list(range(TASKS_PER_THREAD * 2 * 3 + 1))  # three windows of two threads, and one
        done = list(runner.map(_power, 2, items))
    finally:
        runner.close()
    assert sorted(done) == list(LocalChunks().map(_power, 2, items)) == [(i, i * i) for i in items]


def test_ctrl_c_cancels_the_chunks_on_the_cluster_and_keeps_those_translated(
    site: Path, models_dir: Path, cluster: LocalCluster, client: Client, tmp_path: Path
) -> None:
    class Interrupting(SilentReporter):
        def advance(self, name: str, completed: int, total: int) -> None:
            if name.startswith("Translating") and completed:  # after the first chunk is stored
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _build(site, models_dir, tmp_path / "output", cluster.scheduler_address, Interrupting())

    def translate_tasks(dask_scheduler: object) -> list[str]:
        return [str(key) for key in dask_scheduler.tasks if str(key).startswith("pressroom-translate")]  # type: ignore[attr-defined]

    deadline = time.monotonic() + 10
    while client.run_on_scheduler(translate_tasks) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.run_on_scheduler(translate_tasks) == []
    memory = TranslationMemory(tmp_path / "output" / STATE_DIR / "memory.sqlite")
    try:
        stored = memory.count()
    finally:
        memory.close()
    assert stored >= CHUNK, "the chunk that came back before Ctrl+C is kept"
    assert not (tmp_path / "output" / "index.html").exists()


def test_a_worker_with_a_different_or_missing_model_is_refused_before_anything_is_written(
    site: Path, models_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "worker-models"
    install_file(build_package(tmp_path / "other.argosmodel", "de", "en", seed=7), other)  # no en→ko
    with _cluster(n_workers=1, models=str(other)) as odd:
        worker = next(iter(odd.scheduler_info["workers"]))
        with pytest.raises(BuildError) as refused:
            _build(site, models_dir, tmp_path / "output", odd.scheduler_address)
    said = str(refused.value)
    assert f"worker {worker} has a different translate-de_en model" in said
    assert f"worker {worker} has no translate-en_ko model" in said
    assert "Nothing was published" in said
    assert not [p for p in (tmp_path / "output").rglob("*") if p.is_file() and STATE_DIR not in p.parts]


def _cli(site: Path, *args: str, env: dict[str, str] | None = None, prelude: str = "") -> subprocess.CompletedProcess[str]:
    run = f"{prelude}from pressroom.cli.app import main; sys.argv[0] = 'pressroom'; main()"
    return subprocess.run(
        [sys.executable, "-c", f"import sys; {run}", *args], cwd=site, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )


def test_an_unreachable_scheduler_stops_the_build_with_a_plain_message(site: Path, models_dir: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    output = tmp_path / "output"
    config = tmp_path / "pressroom.toml"
    config.write_text(f'cluster = "{address}"\n', encoding="utf-8")  # the setting, as a press office writes it
    started = time.monotonic()
    result = _cli(
        site, "build", "--demo", "--models-dir", str(models_dir), "--output", str(output), "--config", str(config),
        env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )
    said = " ".join(result.stderr.split())
    assert result.returncode == 2, result.stderr
    assert f"Cannot reach the Dask scheduler at {address}" in said and "Nothing was published" in said
    assert "Traceback" not in result.stderr + result.stdout
    assert time.monotonic() - started < 60
    assert not output.exists()


def test_without_distributed_the_cli_says_how_to_install_it(site: Path, models_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    result = _cli(
        site, "build", "--demo", "--models-dir", str(models_dir), "--output", str(output), "--cluster", "tcp://127.0.0.1:1",
        prelude="sys.modules['distributed'] = None; ",
    )
    assert result.returncode == 2
    assert "pip install 'pressroom[cluster]'" in " ".join(result.stderr.split())
    assert not output.exists()


def test_pressroom_cluster_local_runs_a_cluster_that_pressroom_build_cluster_uses(site: Path, models_dir: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; from pressroom.cli.app import main; sys.argv[0] = 'pressroom'; main()"]
    started = subprocess.Popen([*command, "cluster", "local", "--workers", "1", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert started.stdout is not None
        first = started.stdout.readline()
        assert first.startswith("Dask cluster with 1 worker at tcp://127.0.0.1:"), first + (started.stderr.read() if started.poll() is not None else "")
        address = first.split(" at ")[1].strip()
        assert f"pressroom build --cluster {address}" in started.stdout.readline()
        output = tmp_path / "output"
        built = _cli(site, "build", "--json", "--demo", "--models-dir", str(models_dir), "--output", str(output), "--cluster", address)
        assert built.returncode == 0, built.stderr
        summary = json.loads(built.stdout)
        assert summary["published"]["en"] and all(engine["translated"] for engine in summary["engines"])
    finally:
        started.send_signal(signal.SIGINT)
        out, _ = started.communicate(timeout=60)
    assert started.returncode == 0 and "Stopped the cluster." in out
