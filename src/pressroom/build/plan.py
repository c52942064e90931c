"""Planning a build: which releases are read, which are due, and which editions each gets.

Everything here happens before any model is loaded or any file written, so a build that cannot
run (a model missing for the source language) stops before it changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pressroom.build.fingerprint import pictures_digest, reading_key
from pressroom.build.state import PublishState
from pressroom.build.types import BuildError, BuildOptions, BuildResult, Reporter, note_problem
from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.document.model import Figure, Release
from pressroom.langid import detect_language
from pressroom.readers import ReaderError, find_releases, read_release
from pressroom.translate.base import Engine
from pressroom.translate.routing import EngineProvider, RouteError, describe_route


def read_releases(
    settings: Settings, folder: Path, result: BuildResult, reporter: Reporter, state: PublishState | None = None
) -> list[Release]:
    """Every release file the readers accept; a file that cannot be read is a problem of its own.

    With a publish ``state``, a file read before under the same key (content, time stamp,
    settings, code) is taken as it was read then, language and warnings included: parsing and
    language detection are the cost of reading, and an unchanged file needs neither. A release
    with pictures is read every time: the state keeps no picture bytes.
    """
    paths = find_releases(folder)
    result.releases_seen = len(paths)
    reporter.stage("Reading releases", len(paths))
    releases: list[Release] = []
    slugs: dict[str, Path] = {}
    fresh: list[tuple[str, str, Release]] = []
    pictures = pictures_digest(folder)
    for index, path in enumerate(paths, 1):
        key = reading_key(path, settings, pictures)
        release = state.read(path.as_posix(), key) if state else None
        if release is None:
            try:
                release = read_release(path, settings, folder)
            except ReaderError as exc:
                note_problem(result.failed, reporter, path, str(exc).removeprefix(f"{path}: "), True)
                continue
            except Exception as exc:  # noqa: BLE001 - the last guard (MemoryError and RecursionError too):
                # a reader's bug on one strange file must not stop the other releases
                note_problem(
                    result.failed, reporter, path,
                    f"could not be read ({type(exc).__name__}: {str(exc)[:200]}); this is a bug in "
                    "pressroom, not your mistake: please send the file to whoever looks after pressroom",
                    True,
                )  # fmt: skip
                continue
            finally:
                reporter.advance("Reading releases", index, len(paths))
            if not release.lang:
                release.lang = language_of(release, settings.source_language)
            if not any(isinstance(block, Figure) for block in release.blocks):
                fresh.append((path.as_posix(), key, release))
        if release.slug in slugs:
            note_problem(
                result.failed,
                reporter,
                path,
                f"uses the slug '{release.slug}', which {slugs[release.slug].name} already has; "
                "give one of them its own 'slug:' in the front matter",
                True,
            )
            continue
        slugs[release.slug] = path
        for warning in release.warnings:
            note_problem(result.warnings, reporter, path, warning, False)
        releases.append(release)
    reporter.advance("Reading releases", len(paths), len(paths))
    if state:
        state.remember_reads(fresh, [path.as_posix() for path in paths])
    return releases


# A release is taken to be in another language only when langdetect is this sure: short,
# name-heavy German texts come out as Romanian or Dutch with lower confidence.
FOREIGN_CONFIDENCE = 0.95


def language_of(release: Release, source_language: str) -> str:
    """The release's language by langdetect; uncertain answers keep the source language, noted."""
    body = " ".join([release.title, *(text.text for block in release.blocks for text in block.texts())])
    lang, probability = detect_language(body, source_language)
    if lang != source_language and probability < FOREIGN_CONFIDENCE:
        release.warnings.append(
            f"the language looks like '{lang}' (only {probability:.0%} sure), so it is treated as "
            f"'{source_language}'; set 'lang:' in the front matter if that is wrong"
        )
        return source_language
    return lang


def publishable(
    releases: list[Release], now: datetime, result: BuildResult, reporter: Reporter
) -> list[Release]:
    """Releases whose date has come; an embargoed one waits for a build after its date."""
    ready = []
    for release in releases:
        if release.date > now:
            result.due = min(result.due or release.date, release.date)
            note_problem(
                result.held_back,
                reporter,
                release.source_path,
                f"embargoed until {release.date:%Y-%m-%d %H:%M %Z}; it will be published by the "
                "first build after that time",
                False,
            )
        else:
            ready.append(release)
    return ready


@dataclass
class EditionPlan:
    release: Release
    publish_original: bool
    routes: dict[str, list[Engine]]


def plan_editions(
    releases: list[Release],
    languages: list[str],
    settings: Settings,
    engines: EngineProvider,
    result: BuildResult,
    reporter: Reporter,
) -> list[EditionPlan]:
    """Decide per release which editions it gets, before any translation starts.

    A missing model for the source language, or a model named in the settings that cannot
    serve, stops the build (exit 2, nothing written); a release in another language gets what
    its own language allows. The route each target language takes from the source language
    goes to ``result.routes`` for the summary.
    """
    missing: set[tuple[str, str]] = set()
    plans = []
    for release in releases:
        routes: dict[str, list[Engine]] = {}
        skipped = []
        for target in languages:
            if target == release.lang:
                continue
            try:
                route = engines.route(release.lang, target)
            except RouteError as exc:
                raise BuildError(f"{exc}. Nothing was built.") from None
            if route:
                routes[target] = route
                if release.lang == settings.source_language:
                    result.routes[target] = describe_route(route)
            elif release.lang == settings.source_language:
                missing.add((release.lang, target))
            elif target != settings.source_language:
                skipped.append(target)
        publish_original = release.lang in languages
        if not publish_original and not routes:
            note_problem(
                result.failed,
                reporter,
                release.source_path,
                f"is written in {LANGUAGE_NAMES.get(release.lang, release.lang)!s} "
                f"('{release.lang}'), and no installed model translates it into "
                f"{', '.join(languages)}. Write it in German, or set 'lang:' in its front "
                "matter if the language was detected wrongly.",
                True,
            )
            continue
        if skipped:
            note_problem(
                result.warnings,
                reporter,
                release.source_path,
                f"is written in '{release.lang}'; no model for {release.lang}→"
                f"{'/'.join(skipped)}, so those editions are left out",
                False,
            )
        plans.append(EditionPlan(release, publish_original, routes))
    if missing:
        pairs = ", ".join(f"{s}→{t}" for s, t in sorted(missing))
        sources = " ".join(f"{s}:{t}" for s, t in _missing_legs(sorted(missing), engines, settings.pivot_language))
        raise BuildError(
            f"No translation model installed for {pairs}. Install it with "
            f"'pressroom models install {sources}' (needs internet), or copy the .argosmodel "
            "files here and run 'pressroom models install FILE.argosmodel', or add a converted "
            "OPUS-MT, M2M100 or NLLB model with 'pressroom models add FOLDER'. To try pressroom "
            "without any model, 'pressroom build --demo' runs on placeholder models (gibberish, "
            "marked DEMO) into demo-output/."
        )
    return plans


def _missing_legs(
    missing: list[tuple[str, str]], engines: EngineProvider, pivot: str
) -> list[tuple[str, str]]:
    """The packages to install for ``missing``: the absent legs of each route via ``pivot``.

    Argos publishes packages to and from English, so for de→ko the fix is en:ko, not de:ko.
    """
    legs: list[tuple[str, str]] = []
    for source, target in missing:
        route = [(source, target)] if pivot in (source, target) else [(source, pivot), (pivot, target)]
        legs += [leg for leg in route if leg not in legs and not engines.route(*leg)]
    return legs


def refuse_unwanted_demo(plans: list[EditionPlan], options: BuildOptions) -> bool:
    """Whether the build runs on demo placeholder packages; without ``--demo`` that stops it."""
    demo = any(engine.demo for plan in plans for route in plan.routes.values() for engine in route)
    if demo and not options.allow_demo:
        raise BuildError(
            "The installed model packages are pressroom DEMO placeholders (random weights, "
            "the output is gibberish). They are only used by 'pressroom build --demo', which "
            "writes to a separate demo folder. Install real models with "
            "'pressroom models install de:en en:ko' or from .argosmodel files."
        )
    return demo
