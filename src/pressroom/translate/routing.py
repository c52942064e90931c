"""Which models translate a language pair: the one named in the settings, a direct model, or two
through the pivot language.

Choice, per target language:

1. ``[models]`` in ``pressroom.toml`` names a model for the target (``ko = "nllb-200-distilled-600M"``):
   that model, directly when it covers source→target, else after a source→pivot step.
2. Otherwise the best direct model, and only without one the route through the pivot
   (de→en→ko). A route of real models beats one with demo placeholders.

The source→pivot step of a route is the model the pivot language itself uses (named or best),
so the Korean route reuses the English edition's translations.

"Best" among the models for one pair: a real one before a demo one, a model made for that one
pair before a multilingual one, then the highest version, then the name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pressroom.config import TranslationSettings
from pressroom.packages import version_key
from pressroom.translate.base import Engine
from pressroom.translate.installed import InstalledModel, list_models


class RouteError(ValueError):
    """The settings name a model that cannot serve; the message says which and what to do."""


class EngineProvider(Protocol):
    """Gives the chain of engines for a pair, or None when no installed model covers it.

    May raise :class:`RouteError` when the settings name a model that is not there.
    """

    def route(self, source: str, target: str) -> list[Engine] | None: ...


@dataclass(frozen=True)
class Hop:
    """One step of a route: ``model`` translating ``source`` → ``target``."""

    model: InstalledModel
    source: str
    target: str

    @property
    def name(self) -> str:
        return self.model.label


class _Step(Protocol):
    source: str
    target: str
    name: str


def choose_route(
    models: Sequence[InstalledModel],
    source: str,
    target: str,
    pivot: str = "en",
    named: Mapping[str, str] | None = None,
) -> list[Hop] | None:
    """The hops that translate ``source`` → ``target``; [] when they are the same language,
    None when no installed model covers the pair, RouteError for a named model that cannot."""
    if source == target:
        return []
    name = (named or {}).get(target)
    if name:
        return _named_route(models, source, target, pivot, name, named or {})
    routes: list[list[Hop]] = []
    direct = best_model(models, source, target)
    if direct is not None:
        routes.append([Hop(direct, source, target)])
    if pivot not in (source, target):
        first, second = _pivot_leg(models, source, pivot, named), best_model(models, pivot, target)
        if first is not None and second is not None:
            routes.append([Hop(first, source, pivot), Hop(second, pivot, target)])
    real = [route for route in routes if not any(hop.model.demo for hop in route)]
    return (real or routes or [None])[0]


def best_model(models: Sequence[InstalledModel], source: str, target: str) -> InstalledModel | None:
    """The model to use for one pair (see the module docstring), or None."""
    candidates = [m for m in models if m.covers(source, target)]
    return max(
        candidates,
        key=lambda m: (not m.demo, m.coverage.single_pair, version_key(m.version), m.name),
        default=None,
    )


def _pivot_leg(
    models: Sequence[InstalledModel], source: str, pivot: str, named: Mapping[str, str] | None
) -> InstalledModel | None:
    """The source→pivot model: the one named for the pivot language where it covers the pair
    (so the step is the pivot edition's own and its work is reused), else the best."""
    chosen = [m for m in models if m.name == (named or {}).get(pivot) and m.covers(source, pivot)]
    return chosen[0] if chosen else best_model(models, source, pivot)


def _named_route(
    models: Sequence[InstalledModel], source: str, target: str, pivot: str, name: str, named: Mapping[str, str]
) -> list[Hop]:
    chosen = [m for m in models if m.name == name]
    if not chosen:
        installed = ", ".join(sorted({m.name for m in models})) or "none"
        raise RouteError(
            f"pressroom.toml names the model '{name}' for '{target}' ([models]), but no installed model "
            f"has that name (installed: {installed}). Add it with 'pressroom models add FOLDER --name "
            f"{name}', or change the setting ('pressroom models list' shows the names)"
        )
    model = max(chosen, key=lambda m: (not m.demo, version_key(m.version)))
    if model.covers(source, target):
        return [Hop(model, source, target)]
    first = _pivot_leg(models, source, pivot, named) if pivot not in (source, target) else None
    if model.covers(pivot, target) and first is not None:
        return [Hop(first, source, pivot), Hop(model, pivot, target)]
    raise RouteError(
        f"pressroom.toml names the model '{name}' for '{target}' ([models]), but it translates "
        f"{model.languages_text()}, not {source}→{target}"
        + (f" (nor {pivot}→{target} with a {source}→{pivot} model installed)" if pivot not in (source, target) else "")
    )


def describe_route(route: Sequence[_Step]) -> str:
    """``de→ko direct, nllb-200-distilled-600M`` or ``de→en→ko via en, A then B``: what the
    build summary and doctor say a language took (``route``: engines or hops)."""
    if not route:
        return "no translation (the source language)"
    names = " then ".join(step.name for step in route)
    if len(route) == 1:
        return f"{route[0].source}→{route[0].target} direct, {names}"
    chain = "→".join([route[0].source, *(engine.target for engine in route)])
    return f"{chain} via {', '.join(engine.target for engine in route[:-1])}, {names}"


class ModelEngines:
    """Engines backed by the models installed in one models folder (every family).

    One engine per model and pair, shared by every route that uses it: the de→en engine of the
    English edition is the same object as the first step of the Korean route. A multilingual
    model is loaded once for all its pairs, and only when first asked to translate.
    """

    def __init__(
        self,
        models_dir: Path,
        settings: TranslationSettings,
        pivot: str = "en",
        named: Mapping[str, str] | None = None,
    ) -> None:
        from pressroom.translate.ctranslate import LoadedModel

        self.models_dir = models_dir
        self.models, self.problems = list_models(models_dir)
        self._settings = settings
        self._pivot = pivot
        self._named = dict(named or {})
        self._loaded = {model.path: LoadedModel(model, settings) for model in self.models}
        self._engines: dict[tuple[Path, str, str], Engine] = {}

    def route(self, source: str, target: str) -> list[Engine] | None:
        hops = choose_route(self.models, source, target, self._pivot, self._named)
        if hops is None:
            return None
        return [self._engine(hop) for hop in hops]

    def fingerprint(self) -> str:
        """Which models this provider translates with (content identities, pivot, choices, problems).

        Lets a re-run with nothing changed be recognised (:mod:`pressroom.build.incremental`).
        """
        names = sorted(model.identity() for model in self.models)
        choices = sorted(f"{lang}={name}" for lang, name in self._named.items())
        return "|".join([self._pivot, *names, *choices, *sorted(map(str, self.problems))])

    def loaded_models(self) -> int:
        """How many models this run actually loaded (0 when the memory answered everything)."""
        return sum(loaded.loaded for loaded in self._loaded.values())

    def _engine(self, hop: Hop) -> Engine:
        from pressroom.translate.ctranslate import make_engine

        key = (hop.model.path, hop.source, hop.target)
        if key not in self._engines:
            self._engines[key] = make_engine(hop.model, hop.source, hop.target, self._settings, self._loaded[hop.model.path])
        return self._engines[key]


def missing_pairs(
    models: Sequence[InstalledModel], source: str, targets: Sequence[str], pivot: str
) -> list[tuple[str, str]]:
    """The Argos packages to install so every target is reachable from ``source`` with real models.

    Demo placeholders do not count. A target that has neither a direct model nor a pivot
    route asks for the pivot route's missing legs (source→pivot, pivot→target).
    """
    real = [m for m in models if not m.demo]
    needed: list[tuple[str, str]] = []
    for target in targets:
        if target == source or choose_route(real, source, target, pivot):
            continue
        legs = [(source, target)] if target == pivot else [(source, pivot), (pivot, target)]
        needed += [leg for leg in legs if best_model(real, *leg) is None and leg not in needed]
    return needed
