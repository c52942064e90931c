"""The build's side of a cluster build: connect, check the workers, send chunks, take results.

The corpus translator (:mod:`pressroom.translate.corpus`) keeps deciding what is translated
and in which chunks; :class:`ClusterChunks` only runs those chunks on the workers of a Dask
cluster instead of in this process. Each chunk is one Dask task; results come back
``as_completed`` and go into the translation memory at once, here, on the driver, which also
keeps the publish state and writes every output. After translation, :meth:`ClusterChunks.map`
runs the per-edition checks and rendering (:mod:`pressroom.build.per_edition`) on the workers
the same way, one task per edition. Dask itself does the rest: a worker that dies mid-task is
replaced (by its nanny) and the task runs again elsewhere; a new worker gets the engines'
plugin when it joins.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, TypeVar

from pressroom.translate.base import Engine, Hypothesis, TranslationError

if TYPE_CHECKING:
    from distributed import Client

    from pressroom.cluster.workers import EngineRecipe

INSTALL_HINT = "Cluster builds need Dask's distributed package: pip install 'pressroom[cluster]'"
STOPPED = "Nothing was published; what was published before is unchanged."
# Per-edition tasks (checks, rendering) on the cluster at once, per worker thread: enough to
# keep every thread busy while results travel back, few enough that the editions waiting to
# be sent stay on the driver instead of all being copied into the scheduler at once.
TASKS_PER_THREAD = 4

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")


class ClusterError(Exception):
    """The cluster cannot be used for this build; the message says why and what to do."""


class ClusterChunks:
    """Chunks translated on the workers of the Dask cluster at ``address`` (a
    :class:`pressroom.translate.corpus.ChunkRunner`)."""

    def __init__(self, address: str) -> None:
        """Connect to the scheduler; an unreachable one raises :class:`ClusterError` after
        Dask's connect timeout (``distributed.comm.timeouts.connect``, 30 s unless set)."""
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError(f"{INSTALL_HINT}. {STOPPED}") from None
        self.address = address
        self._plugin = ""
        try:
            self.client: Client = Client(address, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                f"Cannot reach the Dask scheduler at {address} ({_first_line(exc)}). Check the "
                "address (tcp://HOST:8786) and that 'dask scheduler' runs there and can be "
                f"reached from this computer, or build without a cluster. {STOPPED}"
            ) from None

    def prepare(self, engines: Sequence[Engine]) -> None:
        """Give every worker the engines' recipes and check that each can build them all with
        the driver's models; any that cannot stops the build, naming the worker and package."""
        from pressroom.cluster.workers import WorkerEngines, check_worker

        if not engines:
            return
        recipes = {engine.identity: _recipe(engine) for engine in engines}
        self._plugin = "pressroom-engines-" + hashlib.sha256(
            json.dumps(sorted(recipes), ensure_ascii=False).encode()
        ).hexdigest()[:16]
        workers = self._workers()
        self.client.register_plugin(WorkerEngines(recipes, self._plugin), name=self._plugin)
        problems = self.client.run(check_worker, self._plugin, workers=workers)
        refused = [f"worker {worker} {problem}" for worker, found in sorted(problems.items()) for problem in found]
        if refused:
            raise ClusterError(
                f"The cluster at {self.address} cannot translate this build: {'; '.join(refused)}. "
                "Give every worker the same models as this computer (the same models folder on a "
                "shared disk, or 'pressroom models install FILE.argosmodel' / 'pressroom models "
                f"add FOLDER' on each worker into its PRESSROOM_MODELS_DIR), then build again. {STOPPED}"
            )

    def run(self, engine: Engine, chunks: list[list[str]]) -> Generator[tuple[list[str], list[Hypothesis]], None, None]:
        """Submit every chunk at once, longest sentences first (they take longest, so the short
        ones fill the workers at the end), and yield each as it is done. Stopped early
        (Ctrl+C, an error), the chunks not yet done are cancelled on the cluster."""
        from distributed import as_completed

        from pressroom.cluster.workers import translate_chunk

        if not self._plugin:
            raise ClusterError("ClusterChunks.prepare() was not called with the build's engines")
        futures = {
            self.client.submit(
                translate_chunk,
                self._plugin,
                engine.identity,
                chunk,
                key=f"pressroom-translate-{_digest(engine.identity, chunk)}",
                priority=number,
                pure=False,
            ): chunk
            for number, chunk in enumerate(chunks)
        }
        pending = set(futures)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                pending.discard(future)
                try:
                    outputs = future.result()
                except TranslationError:  # the model's own failure, as in a local build
                    raise
                except Exception as exc:  # anything else, a KilledWorker after repeated deaths too
                    raise ClusterError(
                        f"A worker of the cluster at {self.address} failed on a chunk of "
                        f"{engine.source}→{engine.target} sentences: {_first_line(exc)}. {STOPPED}"
                    ) from exc
                yield futures[future], outputs
        finally:
            if pending:
                self.client.cancel(list(pending))

    def map(
        self, function: Callable[[Shared, Item], Result], shared: Shared, items: Sequence[Item]
    ) -> Generator[tuple[int, Result], None, None]:
        """One task per item on the workers, at most :data:`TASKS_PER_THREAD` per worker thread
        at a time, each yielded with its index as it is done. ``shared`` is sent once, as a
        task of its own (which Dask runs again should every worker holding it die), and copied
        to every worker. Stopped early, the tasks not yet done are cancelled."""
        from distributed import as_completed

        if not items:
            return
        self._workers()
        run = uuid.uuid4().hex[:12]
        name = getattr(function, "__name__", "task")
        common = self.client.submit(_value, shared, key=f"pressroom-{name}-shared-{run}", pure=False)
        self.client.replicate([common])  # on every worker: Dask sends a task where its inputs are
        window = TASKS_PER_THREAD * max(1, sum(self.client.nthreads().values()))
        indices: dict[object, int] = {}

        def submit(index: int) -> object:
            future = self.client.submit(
                function, common, items[index], key=f"pressroom-{name}-{run}-{index}", priority=-index, pure=False
            )
            indices[future] = index
            return future

        waiting = iter(range(len(items)))
        done = as_completed([submit(index) for _, index in zip(range(window), waiting)], loop=self.client.loop)
        try:
            for future in done:
                index = indices.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # a KilledWorker after repeated deaths, a bug in the task
                    raise ClusterError(
                        f"A worker of the cluster at {self.address} failed on {name}: {_first_line(exc)}. The build "
                        "stopped before the website and the publish state were updated; build again."
                    ) from exc
                following = next(waiting, None)
                if following is not None:
                    done.add(submit(following))
                yield index, result
        finally:
            if indices:
                self.client.cancel(list(indices))
            self.client.cancel([common])

    def close(self) -> None:
        """Disconnect; the workers keep their models for the next build."""
        self.client.close()

    def _workers(self) -> list[str]:
        """The workers now connected, waiting a moment for the first one."""
        from distributed import TimeoutError as DaskTimeout

        try:
            self.client.wait_for_workers(1, timeout=_connect_timeout())
        except (DaskTimeout, TimeoutError):
            raise ClusterError(
                f"The Dask scheduler at {self.address} has no workers. Start them with "
                f"'dask worker {self.address}' on each machine, then build again. {STOPPED}"
            ) from None
        return sorted(self.client.scheduler_info(n_workers=-1)["workers"])


def _recipe(engine: Engine) -> EngineRecipe:
    """What a worker needs to build ``engine`` as the driver did."""
    from pressroom.cluster.workers import EngineRecipe

    model = getattr(engine, "model", None)
    settings = getattr(engine, "settings", None)
    if model is None or settings is None:
        raise ClusterError(f"The engine {engine.identity} does not translate with an installed model, so it cannot run on a cluster")
    model = dataclasses.replace(model, path=model.path.resolve())
    return EngineRecipe(model, model.identity(), engine.source, engine.target, settings, engine.identity)


def _value(shared: Shared) -> Shared:
    """The task that holds what every task of a :meth:`ClusterChunks.map` shares."""
    return shared


def _digest(identity: str, chunk: list[str]) -> str:
    return hashlib.sha256("\0".join([identity, *chunk]).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _connect_timeout() -> float:
    """Dask's connect timeout in seconds (``distributed.comm.timeouts.connect``)."""
    import dask
    from dask.utils import parse_timedelta

    return float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect")))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
