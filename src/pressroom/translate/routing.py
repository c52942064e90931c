"""Which engines translate a language pair: a direct package, or two through the pivot language."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pressroom.config import TranslationSettings
from pressroom.packages import ModelPackage, find_route, list_packages
from pressroom.translate.argos import ArgosEngine
from pressroom.translate.base import Engine


class EngineProvider(Protocol):
    """Gives the chain of engines for a pair, or None when no installed model covers it."""

    def route(self, source: str, target: str) -> list[Engine] | None: ...


class PackageEngines:
    """Engines backed by the Argos packages installed in one models folder.

    One engine per package, shared by every route that uses it: the de→en engine of the
    English edition is the same object as the first step of the Korean route. Engines load
    their model only when they are first asked to translate.
    """

    def __init__(self, models_dir: Path, settings: TranslationSettings, pivot: str = "en") -> None:
        self.models_dir = models_dir
        self.packages, self.problems = list_packages(models_dir)
        self._settings = settings
        self._pivot = pivot
        self._engines: dict[Path, ArgosEngine] = {}

    def route(self, source: str, target: str) -> list[Engine] | None:
        packages = find_route(self.packages, source, target, self._pivot)
        if not packages:
            return None
        return [self._engine(package) for package in packages]

    def fingerprint(self) -> str:
        """Which models this provider translates with (content identities, pivot, problems).

        Lets a re-run with nothing changed be recognised (:mod:`pressroom.build.incremental`).
        """
        names = sorted(package.identity() for package in self.packages)
        return "|".join([self._pivot, *names, *sorted(map(str, self.problems))])

    def loaded_models(self) -> int:
        """How many models this run actually loaded (0 when the memory answered everything)."""
        return sum(engine.loaded for engine in self._engines.values())

    def _engine(self, package: ModelPackage) -> ArgosEngine:
        if package.path not in self._engines:
            self._engines[package.path] = ArgosEngine(package, self._settings)
        return self._engines[package.path]



def missing_pairs(
    packages: Sequence[ModelPackage], source: str, targets: Sequence[str], pivot: str
) -> list[tuple[str, str]]:
    """The packages to install so every target is reachable from ``source`` with real models.

    Demo placeholders do not count. A target that has neither a direct package nor a pivot
    route asks for the pivot route's missing legs (source→pivot, pivot→target).
    """
    real = [p for p in packages if not p.demo]
    have = {(p.from_code, p.to_code) for p in real}
    needed: list[tuple[str, str]] = []
    for target in targets:
        if target == source or find_route(real, source, target, pivot):
            continue
        legs = [(source, target)] if target == pivot else [(source, pivot), (pivot, target)]
        needed += [leg for leg in legs if leg not in have and leg not in needed]
    return needed
