"""The build: releases in, editions translated, DOCX, pages and feeds out.

One call per stage, in order: read and plan (:mod:`pressroom.build.plan`), translate and apply
reviews (:mod:`pressroom.build.stages`), check (:mod:`pressroom.qa`), publish
(:mod:`pressroom.build.publish`). This module only orders them and keeps the promise that one
bad release never stops the others: every per-release problem becomes a :class:`FileProblem`
and the build goes on. Problems that make the whole build pointless (no releases folder, a
model missing for the source language or failing to translate, another build running) raise
:class:`BuildError` before anything is written; an output folder that cannot be written
(read-only, disk full) raises it as soon as that shows, and every file already there stays
complete (``atomic``).
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from pressroom.atomic import remove_stale_temp_files
from pressroom.build.folders import output_folder_problem
from pressroom.build.incremental import build_unless_unchanged
from pressroom.build.plan import plan_editions, publishable, read_releases, refuse_unwanted_demo
from pressroom.build.publish import write_editions
from pressroom.build.stages import apply_reviews, chunk_runner, translate_editions
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult, Reporter, SilentReporter, note_problem
from pressroom.config import Settings
from pressroom.qa.checks import check_editions, removed_control_findings, review_notes
from pressroom.qa.glossary import Glossary, GlossaryError, load_glossary
from pressroom.qa.protect import Protector
from pressroom.qa.report import publish_report
from pressroom.review.store import REVIEWS_FILE, back_up_reviews
from pressroom.translate.corpus import ChunkRunner
from pressroom.translate.routing import EngineProvider


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
    problem = output_folder_problem(options.output_dir, options.releases_dir)
    if problem:
        raise BuildError(f"{problem}. Nothing was written.")
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
    except OSError as exc:  # a read-only folder, or something in the lock file's place
        raise BuildError(
            f"Cannot write to {options.output_dir}: {exc.strerror or exc} ({lock.lock_file}). "
            "Make the output folder writable, or choose another with --output. Nothing was written."
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
    """The build itself, under the lock: where it translates (a named cluster is reached
    first, before anything is read), then one call per stage."""
    with chunk_runner(options.cluster) as runner:
        return _stages(settings, options, engines, reporter, now, runner)


def _stages(
    settings: Settings,
    options: BuildOptions,
    engines: EngineProvider,
    reporter: Reporter,
    now: datetime,
    runner: ChunkRunner,
) -> BuildResult:
    """One call per stage."""
    result = BuildResult(strict=options.strict)
    glossary = _glossary(options, settings)
    protector = Protector(glossary)
    languages = [settings.source_language, *(t for t in options.targets or settings.languages if t != settings.source_language)]
    releases = read_releases(settings, options.releases_dir, result, reporter)
    releases = publishable(releases, now, result, reporter)
    plans = plan_editions(releases, languages, settings, engines, result, reporter)
    result.demo = refuse_unwanted_demo(plans, options)
    editions, records = translate_editions(plans, protector, options, result, reporter, runner)
    editions, result.reviewed_segments = apply_reviews(editions, records, options.output_dir / STATE_DIR, result, reporter)
    findings = check_editions(records, protector, settings.pivot_language, settings.low_confidence)
    findings += removed_control_findings(records, {r.slug: r.bidi_removed for r in releases if r.bidi_removed})
    review = review_notes(findings) if settings.review_marks else {}
    write_editions(editions, languages, settings, options, now, result, reporter, review, glossary)
    try:
        result.findings = publish_report(
            findings, records, result.published, options.output_dir, options.output_dir / STATE_DIR,
            settings=settings, demo=result.demo,
        )
    except OSError as exc:
        raise BuildError(f"Cannot write the quality report to {options.output_dir}: {exc.strerror or exc}") from None
    note = back_up_reviews(options.output_dir / STATE_DIR)  # people's work: kept after every build
    if note:
        note_problem(result.warnings, reporter, options.output_dir / STATE_DIR / REVIEWS_FILE, note, False)
    return result


def _glossary(options: BuildOptions, settings: Settings) -> Glossary:
    """The build's glossary (with its do-not-translate list); a bad file stops the build."""
    try:
        return load_glossary(options.glossary, settings.source_language) if options.glossary else Glossary()
    except GlossaryError as exc:
        raise BuildError(f"{exc}. Nothing was built.") from None
