"""The build: releases in, editions translated, DOCX, pages and feeds out.

One call per stage, in order: read and plan (:mod:`pressroom.build.plan`), decide what changed
(:mod:`pressroom.build.incremental`), translate and apply reviews
(:mod:`pressroom.build.stages`), check (:mod:`pressroom.qa`), publish
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
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from pressroom.atomic import remove_stale_temp_files
from pressroom.build.folders import output_folder_problem
from pressroom.build.incremental import build_unless_unchanged
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult, Reporter, SilentReporter, note_problem
from pressroom.config import Settings
from pressroom.qa.glossary import Glossary, GlossaryError, load_glossary
from pressroom.translate.routing import EngineProvider

if TYPE_CHECKING:
    from pressroom.build.plan import EditionPlan
    from pressroom.build.state import Built, PublishState
    from pressroom.translate.corpus import ChunkRunner


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
    from pressroom.build.stages import chunk_runner  # imported here: see _stages

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
    """One call per stage: read and plan, then translate and publish, then report."""
    # The stages load python-docx, lxml, Jinja2, feedgen and (through the engines) CTranslate2:
    # imported here, so that a build with nothing changed never loads them and starts at once.
    from pressroom.build import plan
    from pressroom.build.changes import checked_editions
    from pressroom.build.state import STATE_FILE, PublishState
    from pressroom.qa.report import ReportParts, counts, publish_report
    from pressroom.review.store import REVIEWS_FILE, back_up_reviews

    result = BuildResult(strict=options.strict)
    state_dir = options.output_dir / STATE_DIR
    glossary = _glossary(options, settings)
    state = PublishState(state_dir / STATE_FILE)
    try:
        releases = plan.read_releases(settings, options.releases_dir, result, reporter, state)
        releases = plan.publishable(releases, now, result, reporter)
        plans = plan.plan_editions(releases, _languages(settings, options), settings, engines, result, reporter)
        result.demo = plan.refuse_unwanted_demo(plans, options)
        published = publish_plans(plans, settings, options, glossary, state, result, reporter, now, runner)
        parts = ReportParts(state.report_parts(), {(built.lang, built.slug): built.fingerprint for built in published})
        try:
            findings, records = checked_editions(published)
            result.findings = publish_report(
                findings, records, result.published, options.output_dir, state_dir, settings=settings, demo=result.demo, parts=parts
            )
            result.quality = counts(result.findings)
        except OSError as exc:
            raise BuildError(f"Cannot write the quality report to {options.output_dir}: {exc.strerror or exc}") from None
        state.remember_report_parts(parts.new, parts.used)
    finally:
        state.close()
    if state.recovered:
        note_problem(result.warnings, reporter, state.path, state.recovered, False)
    note = back_up_reviews(state_dir)  # people's work: kept after every build
    if note:
        note_problem(result.warnings, reporter, state_dir / REVIEWS_FILE, note, False)
    return result


def publish_plans(
    plans: list[EditionPlan],
    settings: Settings,
    options: BuildOptions,
    glossary: Glossary,
    state: PublishState,
    result: BuildResult,
    reporter: Reporter,
    now: datetime,
    runner: ChunkRunner,
) -> list[Built]:
    """From planned editions to published files: what changed is translated (through the
    memory), reviewed, checked and written; the rest is listed from ``state``. Returns every
    edition now published."""
    from pressroom.build import changes, publish, stages
    from pressroom.build.fingerprint import BuildContext
    from pressroom.build.per_edition import CheckSettings, check_all
    from pressroom.qa.checks import removed_control_findings, review_notes
    from pressroom.qa.protect import Protector
    from pressroom.review.store import approvals_digest

    state_dir = options.output_dir / STATE_DIR
    protector = Protector(glossary)
    context = BuildContext.of(settings, options, approvals_digest(state_dir))
    previous = state.all_built()
    work = changes.sort_releases(plans, previous, context, options)
    editions, records = stages.translate_editions(work.stale, protector, options, result, reporter, runner)
    editions = stages.apply_reviews(editions, records, state_dir, result, reporter)
    made = changes.compare_editions(editions, records, plans, work, previous, context, options)
    changed = {(item.built.lang, item.built.slug) for item in made if item.changed}
    checked = [r for r in records if (r.lang, r.release) in changed]
    findings = check_all(checked, CheckSettings(protector, settings.pivot_language, settings.low_confidence), runner)
    findings += removed_control_findings(checked, {p.release.slug: p.release.bidi_removed for p in work.stale})
    changes.note_findings(made, findings)
    review = review_notes(findings) if settings.review_marks else {}
    languages = _languages(settings, options)
    return publish.write_editions(
        made, languages, settings, options, now, result, reporter, review, state, previous, glossary, runner, context.shaping
    )


def _languages(settings: Settings, options: BuildOptions) -> list[str]:
    """The source language, then the build's target languages."""
    targets = options.targets or settings.languages
    return [settings.source_language, *(t for t in targets if t != settings.source_language)]


def _glossary(options: BuildOptions, settings: Settings) -> Glossary:
    """The build's glossary (with its do-not-translate list); a bad file stops the build."""
    try:
        return load_glossary(options.glossary, settings.source_language) if options.glossary else Glossary()
    except GlossaryError as exc:
        raise BuildError(f"{exc}. Nothing was built.") from None
