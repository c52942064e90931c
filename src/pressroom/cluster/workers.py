"""What runs on a Dask worker: the engines of a build, each model loaded once and kept.

The driver registers a :class:`WorkerEngines` plugin that carries an :class:`EngineRecipe` per
engine; every worker of the cluster gets it, also one that joins later. A worker finds each
recipe's model in the models folder it can see, checks that its content identity is the
driver's (the identity holds a hash of the model files), and builds the engine with the same
factory and decoding settings as a local build (:func:`pressroom.translate.ctranslate.make_engine`),
one loaded model shared by the pairs of a multilingual model, as in a local build.
:func:`translate_chunk` is the task the driver submits: one chunk through one engine.

Which folder a worker reads: its own ``PRESSROOM_MODELS_DIR`` where that is set; otherwise the
driver's models folder, where the same path exists on the worker (a shared disk mounted alike
everywhere), else its own default (Argos Translate's package folder).
"""

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from pressroom import __version__
from pressroom.config import TranslationSettings
from pressroom.packages import MODELS_DIR_ENV, PackageError, default_models_dir
from pressroom.translate.base import Engine, Hypothesis
from pressroom.translate.ctranslate import LoadedModel, make_engine
from pressroom.translate.installed import InstalledModel, list_models


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt() parameters (malloc.h)


@dataclass(frozen=True)
class EngineRecipe:
    """How a worker makes the driver's engine: the model as the driver has it (its path
    absolute) with its content identity, the pair, the decoding settings, and the identity the
    worker's engine must have."""

    model: InstalledModel
    model_identity: str
    source: str
    target: str
    settings: TranslationSettings
    identity: str


class PackageMismatch(RuntimeError):
    """A worker lacks a model of the build, or has other files under its name."""


class WorkerEngines(WorkerPlugin):
    """The engines of one set of recipes on one worker, loaded on first use and kept.

    ``idempotent``: registering the same recipes again (the next build of ``--watch``, a
    second driver with the same models) keeps the plugin, and with it the loaded models.
    """

    idempotent = True

    def __init__(self, recipes: dict[str, EngineRecipe], name: str) -> None:
        self.recipes = recipes
        self.name = name
        self.version = __version__  # the driver's, compared with the worker's own

    def setup(self, worker: object) -> None:
        """On the worker (after unpickling): no engine yet, one lock for loading them."""
        restore_malloc_thresholds()
        self._engines: dict[str, Engine] = {}
        self._loaded: dict[Path, LoadedModel] = {}  # per model: shared by its pairs
        self._lock = threading.Lock()
        self._threads = get_nthreads(worker)

    def problems(self) -> list[str]:
        """Why this worker cannot translate as the driver would (empty when it can)."""
        if self.version != __version__:
            return [f"runs pressroom {__version__}, the build pressroom {self.version}"]
        found = []
        for recipe in self.recipes.values():
            try:
                _model_for(recipe)
            except PackageMismatch as exc:
                found.append(str(exc))
        return found

    def engine(self, identity: str) -> Engine:
        """The engine for ``identity``, built once per worker (tasks run in several threads)."""
        with self._lock:
            if identity not in self._engines:
                recipe = self.recipes[identity]
                # CTranslate2 workers: the driver's setting, else one per thread the Dask worker
                # has (its --nthreads); not part of the identity, the output is the same.
                settings = replace(recipe.settings, threads=recipe.settings.threads or self._threads)
                model = _model_for(recipe)
                loaded = self._loaded.setdefault(model.path, LoadedModel(model, settings))
                engine = make_engine(model, recipe.source, recipe.target, settings, loaded)
                if engine.identity != recipe.identity:
                    raise PackageMismatch(f"builds {engine.identity}, the driver {recipe.identity}")
                self._engines[identity] = engine
            return self._engines[identity]


def restore_malloc_thresholds() -> None:
    """Undo what Dask's nanny does to glibc's malloc in the worker, which makes CTranslate2
    slower (BENCHMARKS.md, issue 18: 101 s instead of 64 s for 300 sentences; 45 s restored).

    The nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536`` so that they give memory
    back sooner. Setting any threshold also stops glibc from raising its mmap threshold as a
    process allocates, so every buffer above 128 KiB the model allocates while decoding is
    mapped and unmapped afresh. The thresholds set here are where a plain process ends up
    (32 MiB mmap, the most glibc raises it to; trim at twice that).
    """
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):  # not glibc: the nanny's setting means nothing there
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 64 << 20)


def get_nthreads(worker: object) -> int:
    """How many tasks the Dask worker runs at once (``dask worker --nthreads``)."""
    return int(getattr(getattr(worker, "state", None), "nthreads", 0) or os.cpu_count() or 1)


def translate_chunk(plugin: str, identity: str, chunk: list[str]) -> list[Hypothesis]:
    """The task: one chunk through the engine ``identity`` of this worker's plugin ``plugin``."""
    engines = get_worker().plugins[plugin]
    assert isinstance(engines, WorkerEngines)
    return engines.engine(identity).translate_batch(chunk)


def check_worker(plugin: str, dask_worker: Any) -> list[str]:
    """Run on every worker (``Client.run``, which passes ``dask_worker``) before a build
    translates: what keeps this worker from translating it."""
    engines = dask_worker.plugins.get(plugin)
    if not isinstance(engines, WorkerEngines):
        return ["did not receive the build's engines (the plugin was not set up)"]
    return engines.problems()


def _model_for(recipe: EngineRecipe) -> InstalledModel:
    """The model on this worker whose content is the driver's, or why there is none."""
    wanted = recipe.model
    folders = _folders(wanted.path.parent)
    others = []
    for folder in folders:
        try:
            models, _ = list_models(folder)
        except OSError:
            continue
        for model in models:
            if model.name != wanted.name or model.kind != wanted.kind or model.demo != wanted.demo:
                continue
            try:
                identity = model.identity()
            except (OSError, PackageError):
                continue
            if identity == recipe.model_identity:
                return model
            others.append(f"{identity} in {model.path}")
    if others:
        raise PackageMismatch(
            f"has a different {wanted.name} model ({'; '.join(others)}); the build uses {recipe.model_identity}"
        )
    where = " or ".join(str(folder) for folder in folders)
    raise PackageMismatch(f"has no {wanted.name} model {recipe.model_identity} (looked in {where})")


def _folders(driver_folder: Path) -> list[Path]:
    """Where this worker looks for packages (see the module docstring)."""
    if os.environ.get(MODELS_DIR_ENV):
        return [Path(os.environ[MODELS_DIR_ENV])]
    if driver_folder.is_dir():
        return [driver_folder]
    return [default_models_dir()]
