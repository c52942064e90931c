"""The build: releases in, editions translated, DOCX, pages and feeds out.

Stages, each in its own module: ``readers`` → ``langid`` → ``segment`` → ``translate`` →
``writers``. This module only orders them and keeps the promise that one bad release never
stops the others: every per-release problem becomes a :class:`FileProblem` and the build goes
on. Problems that make the whole build pointless (no releases folder, a model missing for the
source language or failing to translate, another build running) raise :class:`BuildError`
before anything is written; an output folder that cannot be written (read-only, disk full)
raises it as soon as that shows, and every file already there stays complete (``atomic``).
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from pressroom.atomic import remove_stale_temp_files
from pressroom.buildtypes import (  # re-exported: pressroom.pipeline keeps its public names
    STATE_DIR,
    BuildError,
    BuildOptions,
    BuildResult,
    FileProblem,
    Reporter,
    SilentReporter,
)
from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.langid import detect_language
from pressroom.model import Edition, Release
from pressroom.qa.checks import EditionRecord, Unit, check_editions, review_notes
from pressroom.qa.glossary import Glossary, GlossaryError, load_glossary
from pressroom.qa.protect import ProtectedTranslator, Protector, Translation
from pressroom.qa.report import publish_report
from pressroom.readers import ReaderError, find_releases, read_release
from pressroom.review.store import REVIEWS_FILE, Approvals
from pressroom.segment import split_sentences
from pressroom.state import PublishState
from pressroom.translate.base import Engine, TranslationError
from pressroom.translate.corpus import CorpusTranslator
from pressroom.translate.memory import TranslationMemory
from pressroom.translate.routing import EngineProvider
from pressroom.uptodate import build_unless_unchanged
from pressroom.writers.docx import write_bilingual_docx, write_docx
from pressroom.writers.feeds import write_feeds
from pressroom.writers.links import edition_url, output_path
from pressroom.writers.pages import write_pages

def build(
    settings: Settings,
    options: BuildOptions,
    engines: EngineProvider,
    reporter: Reporter | None = None,
    now: datetime | None = None,
) -> BuildResult:
    """Run the whole pipeline once; see the module docstring for what can fail how."""
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    now = now or datetime.now(settings.zone)
    if not options.releases_dir.is_dir():
        raise BuildError(
            f"The releases folder {options.releases_dir} does not exist. Run 'pressroom init' "
            "to set up a working folder, or create it and put the German press releases (.md, "
            ".txt or .docx) into it."
        )
    state_dir = options.output_dir / STATE_DIR
    created = [folder for folder in (options.output_dir, state_dir) if not folder.exists()]
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"Cannot create {state_dir}: {exc.strerror}") from None
    lock = FileLock(state_dir / "build.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BuildError(
            f"Another pressroom build is writing to {options.output_dir} right now "
            f"(lock file {lock.lock_file}). Wait for it to finish, then run again."
        ) from None
    try:
        remove_stale_temp_files(options.output_dir)  # left by a killed build; safe under the lock
        result = build_unless_unchanged(
            settings, options, engines, now, lambda: _build_locked(settings, options, engines, reporter, now)
        )
    except sqlite3.Error as exc:  # the memory or the publish state in STATE_DIR
        raise BuildError(
            f"Cannot update the build records in {state_dir} ({exc}). Check that the output "
            "folder is writable and the disk is not full, then run the build again."
        ) from None
    finally:
        _release(lock, created)
    result.seconds = time.perf_counter() - started
    return result


def _release(lock: FileLock, created: list[Path]) -> None:
    """Unlock and leave no trace: the lock file goes (removed while still held, so no other
    build can take it in between), and so do the folders this build created, if it wrote
    nothing into them (a build that stopped at once leaves the working folder as it was)."""
    Path(lock.lock_file).unlink(missing_ok=True)
    lock.release()
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:  # not empty: something was published
            break


def _build_locked(
    settings: Settings,
    options: BuildOptions,
    engines: EngineProvider,
    reporter: Reporter,
    now: datetime,
) -> BuildResult:
    result = BuildResult(strict=options.strict)
    try:
        glossary = load_glossary(options.glossary, settings.source_language) if options.glossary else Glossary()
    except GlossaryError as exc:
        raise BuildError(f"{exc}. Nothing was built.") from None
    targets = [t for t in (options.targets or settings.languages) if t != settings.source_language]
    languages = [settings.source_language, *targets]

    releases = _read_all(settings, options.releases_dir, result, reporter)
    releases = _publishable(releases, now, result, reporter)
    plans = _plan(releases, languages, settings, engines, result, reporter)
    result.demo = any(engine.demo for plan in plans for route in plan.routes.values() for engine in route)
    if result.demo and not options.allow_demo:
        raise BuildError(
            "The installed model packages are pressroom DEMO placeholders (random weights, "
            "the output is gibberish). They are only used by 'pressroom build --demo', which "
            "writes to a separate demo folder. Install real models with "
            "'pressroom models install de:en en:ko' or from .argosmodel files."
        )

    memory = None
    if options.use_memory:
        memory = TranslationMemory(options.memory_path or options.output_dir / STATE_DIR / "memory.sqlite")
    protector = Protector(glossary)
    try:
        translator = ProtectedTranslator(CorpusTranslator(memory), protector)
        editions, records = _translate(plans, translator, result, reporter)
    finally:
        if memory:
            memory.close()
    result.engines = list(translator.corpus.stats.values())
    editions, result.reviewed_segments = _apply_reviews(editions, records, options.output_dir / STATE_DIR)
    if result.demo:  # a demo build marks every output, the originals beside the gibberish too
        for edition in editions:
            edition.demo = True

    findings = check_editions(records, protector, settings.pivot_language)
    review = review_notes(findings) if settings.review_marks else {}
    _write(editions, languages, settings, options, now, result, reporter, review)
    try:
        result.findings = publish_report(
            findings, records, result.published, options.output_dir, options.output_dir / STATE_DIR
        )
    except OSError as exc:
        raise BuildError(f"Cannot write the quality report to {options.output_dir}: {exc.strerror or exc}") from None
    return result


def _problem(result_list: list[FileProblem], reporter: Reporter, path: Path, message: str, fatal: bool) -> None:
    problem = FileProblem(path, message)
    result_list.append(problem)
    reporter.problem(problem, fatal=fatal)


def _read_all(
    settings: Settings, folder: Path, result: BuildResult, reporter: Reporter
) -> list[Release]:
    paths = find_releases(folder)
    result.releases_seen = len(paths)
    reporter.stage("Reading releases", len(paths))
    releases: list[Release] = []
    slugs: dict[str, Path] = {}
    for index, path in enumerate(paths, 1):
        try:
            release = read_release(path, settings, folder)
        except ReaderError as exc:
            _problem(result.failed, reporter, path, str(exc).removeprefix(f"{path}: "), True)
            continue
        finally:
            reporter.advance("Reading releases", index, len(paths))
        if release.slug in slugs:
            _problem(
                result.failed,
                reporter,
                path,
                f"uses the slug '{release.slug}', which {slugs[release.slug].name} already has; "
                "give one of them its own 'slug:' in the front matter",
                True,
            )
            continue
        slugs[release.slug] = path
        if not release.lang:
            release.lang = _language_of(release, settings.source_language)
        for warning in release.warnings:
            _problem(result.warnings, reporter, path, warning, False)
        releases.append(release)
    return releases


# A release is taken to be in another language only when langdetect is this sure: short,
# name-heavy German texts come out as Romanian or Dutch with lower confidence.
FOREIGN_CONFIDENCE = 0.95


def _language_of(release: Release, source_language: str) -> str:
    """The release's language by langdetect; uncertain answers keep the source language, noted."""
    body = " ".join([release.title, *(b.text for b in release.blocks)])
    lang, probability = detect_language(body, source_language)
    if lang != source_language and probability < FOREIGN_CONFIDENCE:
        release.warnings.append(
            f"the language looks like '{lang}' (only {probability:.0%} sure), so it is treated as "
            f"'{source_language}'; set 'lang:' in the front matter if that is wrong"
        )
        return source_language
    return lang


def _publishable(
    releases: list[Release], now: datetime, result: BuildResult, reporter: Reporter
) -> list[Release]:
    """Releases whose date has come; an embargoed one waits for a build after its date."""
    ready = []
    for release in releases:
        if release.date > now:
            _problem(
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
class _Plan:
    release: Release
    publish_original: bool
    routes: dict[str, list[Engine]]


def _plan(
    releases: list[Release],
    languages: list[str],
    settings: Settings,
    engines: EngineProvider,
    result: BuildResult,
    reporter: Reporter,
) -> list[_Plan]:
    """Decide per release which editions it gets, before any translation starts.

    A missing model for the source language stops the build (exit 2, nothing written); a
    release in another language gets what its own language allows.
    """
    missing: set[tuple[str, str]] = set()
    plans = []
    for release in releases:
        routes: dict[str, list[Engine]] = {}
        skipped = []
        for target in languages:
            if target == release.lang:
                continue
            route = engines.route(release.lang, target)
            if route:
                routes[target] = route
            elif release.lang == settings.source_language:
                missing.add((release.lang, target))
            elif target != settings.source_language:
                skipped.append(target)
        publish_original = release.lang in languages
        if not publish_original and not routes:
            _problem(
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
            _problem(
                result.warnings,
                reporter,
                release.source_path,
                f"is written in '{release.lang}'; no model for {release.lang}→"
                f"{'/'.join(skipped)}, so those editions are left out",
                False,
            )
        plans.append(_Plan(release, publish_original, routes))
    if missing:
        pairs = ", ".join(f"{s}→{t}" for s, t in sorted(missing))
        sources = " ".join(f"{s}:{t}" for s, t in _missing_legs(sorted(missing), engines, settings.pivot_language))
        raise BuildError(
            f"No translation model installed for {pairs}. Install it with "
            f"'pressroom models install {sources}' (needs internet), or copy the .argosmodel "
            "files here and run 'pressroom models install FILE.argosmodel'. To try pressroom "
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


def _translate(
    plans: list[_Plan], translator: ProtectedTranslator, result: BuildResult, reporter: Reporter
) -> tuple[list[Edition], list[EditionRecord]]:
    """Translate every planned edition, corpus-wide per route, and assemble the editions
    (with the segment pairs the quality checks read)."""
    sentences_of: dict[str, list[list[str]]] = {
        plan.release.slug: [
            split_sentences(text, plan.release.lang) for text in plan.release.translatable_texts()
        ]
        for plan in plans
    }
    jobs: dict[tuple[str, ...], list[_Plan]] = defaultdict(list)
    route_of: dict[tuple[str, ...], list[Engine]] = {}
    for plan in plans:
        for route in plan.routes.values():
            key = tuple(engine.identity for engine in route)
            jobs[key].append(plan)
            route_of[key] = route

    def progress(engine: Engine, done: int, total: int) -> None:
        name = f"Translating {engine.source}→{engine.target}"
        if done == 0:
            reporter.stage(name, total)
        reporter.advance(name, done, total)

    translations: dict[tuple[str, ...], dict[str, Translation]] = {}
    # Shorter routes first: de→en runs before de→en→ko, which then reuses its output.
    for key in sorted(jobs, key=len):
        sentences = [s for plan in jobs[key] for text in sentences_of[plan.release.slug] for s in text]
        try:
            translations[key] = translator.translate(route_of[key], sentences, progress)
        except TranslationError as exc:
            # A model fault, not a release's: stop before writing, so the feeds and indexes
            # keep every release instead of being rebuilt without the untranslated ones.
            pairs = " ".join(f"{engine.source}:{engine.target}" for engine in route_of[key])
            raise BuildError(
                f"Translation failed: {exc}. The model package may be damaged: reinstall it "
                f"from its .argosmodel file ('pressroom models install FILE.argosmodel') or "
                f"from the package index ('pressroom models install {pairs}'), then run the "
                "build again. Nothing was published; what was published before is unchanged."
            ) from None

    editions = []
    records = []
    for plan in plans:
        release = plan.release
        if plan.publish_original:
            editions.append(Edition.original(release))
        for target, route in plan.routes.items():
            table = translations[tuple(engine.identity for engine in route)]
            units = [Unit.from_sentences(text, table) for text in sentences_of[release.slug]]
            records.append(EditionRecord(release.slug, target, release.lang, units[0].target, units))
            editions.append(
                Edition.from_texts(
                    release,
                    target,
                    [unit.target for unit in units],
                    demo=any(engine.demo for engine in route),
                    engine=" → ".join(engine.identity for engine in route),
                )
            )
    return editions, records


def _apply_reviews(
    editions: list[Edition], records: list[EditionRecord], state_dir: Path
) -> tuple[list[Edition], int]:
    """Put human-approved translations in place of machine output, segment by segment.

    Approvals are keyed by language pair and source text only (:mod:`pressroom.review.store`):
    they win over any model, and a segment whose German text changed has none. The records
    the quality checks and review exports read get the approved text too. Returns the
    editions (translations with their review counts) and how many segments were replaced.
    """
    counts: dict[tuple[str, str], tuple[EditionRecord, int]] = {}
    approvals = Approvals(state_dir / REVIEWS_FILE)
    try:
        for record in records:
            approved = approvals.lookup(record.source_lang, record.lang, [u.source for u in record.units if u.source.strip()])
            reviewed = sum(1 for u in record.units if u.source in approved)
            record.units = [Unit(u.source, approved[u.source].target) if u.source in approved else u for u in record.units]
            record.title = record.units[0].target
            record.reviewed_segments = reviewed
            counts[(record.release, record.lang)] = (record, reviewed)
    finally:
        approvals.close()
    revised = []
    for edition in editions:
        if (edition.slug, edition.lang) in counts and edition.machine_translated:
            record, reviewed = counts[(edition.slug, edition.lang)]
            if reviewed:
                edition = Edition.from_texts(
                    edition.release, edition.lang, [u.target for u in record.units], demo=edition.demo, engine=edition.engine
                )
            edition.segments = sum(1 for u in record.units if u.source.strip())
            edition.reviewed_segments = reviewed
        revised.append(edition)
    return revised, sum(reviewed for _, reviewed in counts.values())


def _write(
    editions: Sequence[Edition],
    languages: list[str],
    settings: Settings,
    options: BuildOptions,
    now: datetime,
    result: BuildResult,
    reporter: Reporter,
    review: Mapping[tuple[str, str], Mapping[int, Sequence[str]]],
) -> None:
    """DOCX per edition (and its review edition), then pages and feeds per language.

    ``review`` holds quality-check messages per (language, slug) and segment, written into the
    DOCX as comments when ``settings.review_marks`` is on.
    """
    output_dir = options.output_dir
    state = PublishState(output_dir / STATE_DIR / "state.sqlite")
    written: dict[str, list[Edition]] = {lang: [] for lang in languages}
    docx_sizes: dict[str, dict[str, int]] = defaultdict(dict)
    broken: set[str] = set()
    reporter.stage("Writing editions", len(editions))
    try:
        for index, edition in enumerate(editions, 1):
            reporter.advance("Writing editions", index, len(editions))
            if edition.slug in broken:
                continue
            state.stamp(edition, now)
            original = edition_url(settings, edition.release.lang, edition.slug, "html")
            try:
                path = output_path(output_dir, edition.lang, edition.slug, "docx")
                write_docx(edition, path, settings, original_url=original, review_notes=review.get((edition.lang, edition.slug)))
                if options.bilingual and edition.machine_translated:
                    side_by_side = output_path(output_dir, edition.lang, edition.slug, "bilingual.docx")
                    write_bilingual_docx(edition, side_by_side, settings, original_url=original)
            except OSError as exc:
                raise BuildError(f"Cannot write {path}: {exc.strerror or exc}") from None
            except Exception as exc:  # noqa: BLE001 - one release's bad content must not stop the rest
                broken.add(edition.slug)
                _problem(
                    result.failed,
                    reporter,
                    edition.release.source_path,
                    f"its {edition.lang} DOCX could not be written: {exc}",
                    True,
                )
                continue
            docx_sizes[edition.lang][edition.slug] = path.stat().st_size
            written[edition.lang].append(edition)
        for lang in written:
            written[lang] = [e for e in written[lang] if e.slug not in broken]
        state.remember(
            (_source_key(e.release.source_path, options), e) for eds in written.values() for e in eds
        )
        listed = _keep_last_published(state, written, docx_sizes, options, result, reporter)
    finally:
        state.close()
    try:
        write_pages(listed, output_dir, settings)
        for lang, lang_editions in listed.items():
            if options.require_review:  # unreviewed translations wait outside the feed
                lang_editions = [e for e in lang_editions if e.review_status in ("original", "reviewed")]
            write_feeds(lang_editions, lang, output_dir / lang, settings, docx_sizes=docx_sizes[lang])
    except OSError as exc:
        raise BuildError(f"Cannot write to {output_dir}: {exc.strerror or exc}") from None
    result.published = {lang: [e.slug for e in eds] for lang, eds in written.items()}


def _source_key(path: Path, options: BuildOptions) -> str:
    """A release file's name in the publish state: its path inside the releases folder."""
    try:
        return path.relative_to(options.releases_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _keep_last_published(
    state: PublishState,
    written: dict[str, list[Edition]],
    docx_sizes: dict[str, dict[str, int]],
    options: BuildOptions,
    result: BuildResult,
    reporter: Reporter,
) -> dict[str, list[Edition]]:
    """The editions to list in pages and feeds: this build's, plus the last published editions
    of files that failed in this build (a half-saved file must not unpublish its release).

    Their DOCX files are left as they are (nothing is ever deleted), so an edition is kept only
    while its DOCX is still there and no release of this build took its slug. A file that was
    removed from the releases folder is not failing; its release drops out of the lists.
    """
    listed = {lang: list(editions) for lang, editions in written.items()}
    taken = {(lang, edition.slug) for lang, editions in written.items() for edition in editions}
    for path in dict.fromkeys(problem.path for problem in result.failed):
        kept = []
        for edition in state.last_published(_source_key(path, options)):
            docx = output_path(options.output_dir, edition.lang, edition.slug, "docx")
            if edition.lang not in listed or (edition.lang, edition.slug) in taken or not docx.is_file():
                continue
            listed[edition.lang].append(edition)
            docx_sizes[edition.lang][edition.slug] = docx.stat().st_size
            taken.add((edition.lang, edition.slug))
            kept.append(edition.lang)
        if kept:
            _problem(
                result.warnings,
                reporter,
                path,
                f"its last published version stays listed in the {', '.join(kept)} pages and "
                "feeds until the file is fixed",
                False,
            )
    return listed
