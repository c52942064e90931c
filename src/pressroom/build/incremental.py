"""Incremental builds: a build costs what changed.

Two levels, cheapest first:

1. **The whole build** (:func:`build_unless_unchanged`). After a complete build without
   failures a record keeps a fingerprint of its inputs (taken before the build started, so an
   edit made while it ran is not mistaken for built), one of every file in the output folder,
   and the build's result. When both match the next time (and no embargo has come due), the
   output would come out the same: the previous result is reported again, marked
   ``up_to_date``, in milliseconds. ``--no-cache`` always builds. An engine provider takes part
   only when it can name its models (``fingerprint()``); others (test engines) always build.
2. **Per release and edition** (:func:`sort_releases`, :func:`compare_editions`), inside a
   build that runs. A release whose inputs (content as read, engines, settings, glossary,
   theme, code, approvals: :func:`~pressroom.build.fingerprint.release_inputs`) are those its
   published editions were built from, and whose files are as they were written, keeps its
   editions as they are: nothing is translated, checked or rendered for it. The others are
   translated (the memory answers what it knows); then each edition whose fingerprint (its
   content and what shapes it) is unchanged keeps its files and its quality findings, and only
   the rest is checked and rendered. Feeds, indexes and the quality report list every edition,
   the unchanged ones from the publish state.

What counts as an input is :mod:`pressroom.build.fingerprint`'s business: a build that reads a
new kind of input must add it there.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressroom.atomic import atomic_write_bytes
from pressroom.build.fingerprint import (
    BuildContext,
    edition_fingerprint,
    files_signature,
    inputs_fingerprint,
    release_inputs,
    source_key,
    tree_digest,
)
from pressroom.build.state import Built
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult, FileProblem
from pressroom.config import Settings
from pressroom.qa.checks import EditionRecord, Finding
from pressroom.qa.report import record_from_json, record_to_json
from pressroom.writers.links import edition_files

if TYPE_CHECKING:
    from pressroom.build.plan import EditionPlan
    from pressroom.document.model import Edition
    from pressroom.translate.routing import EngineProvider

RECORD_FILE = "last-build.json"
_NOT_OUTPUT = {"build.lock", RECORD_FILE}


# --- the whole build ------------------------------------------------------------------------------


@dataclass
class _Record:
    inputs: str
    outputs: str
    due: datetime | None  # when the earliest embargoed release may be published
    result: BuildResult


def build_unless_unchanged(
    settings: Settings,
    options: BuildOptions,
    engines: EngineProvider,
    now: datetime,
    run_build: Callable[[], BuildResult],
) -> BuildResult:
    """The last build's result when nothing changed since it; else ``run_build()``, recorded."""
    record_path = options.output_dir / STATE_DIR / RECORD_FILE
    inputs = inputs_fingerprint(settings, options, engines) if options.use_memory else None
    if inputs is None:
        return run_build()
    previous = _load(record_path)
    if (
        previous is not None
        and previous.inputs == inputs
        and (previous.due is None or now < previous.due)
        and previous.outputs == _outputs(options.output_dir)
    ):
        return dataclasses.replace(previous.result, engines=[], up_to_date=True)
    record_path.unlink(missing_ok=True)
    result = run_build()
    if result.failed:  # a failure may be passing (a disk error): never skip the next build
        return result
    record = _Record(inputs, _outputs(options.output_dir), result.due, result)
    atomic_write_bytes(record_path, json.dumps(_to_json(record), ensure_ascii=False).encode("utf-8"))
    return result


def _outputs(output_dir: Path) -> str:
    return tree_digest(output_dir, skip=_NOT_OUTPUT)


def _to_json(record: _Record) -> dict[str, object]:
    """The record as plain JSON data: a file in the output folder must never be able to run code."""
    result = record.result

    def problems(found: list[FileProblem]) -> list[list[str]]:
        return [[str(p.path), p.message] for p in found]

    return {
        "inputs": record.inputs,
        "outputs": record.outputs,
        "due": record.due.isoformat() if record.due else None,
        "result": {
            "published": result.published,
            "warnings": problems(result.warnings),
            "held_back": problems(result.held_back),
            "quality": list(result.quality),  # the findings themselves are in the quality report
            "releases_seen": result.releases_seen,
            "demo": result.demo,
            "strict": result.strict,
            "reviewed_segments": result.reviewed_segments,
        },
    }


def _from_json(data: dict[str, Any]) -> _Record:
    saved = data["result"]
    result = BuildResult(
        published=saved["published"],
        warnings=[FileProblem(Path(path), message) for path, message in saved["warnings"]],
        held_back=[FileProblem(Path(path), message) for path, message in saved["held_back"]],
        quality=(saved["quality"][0], saved["quality"][1]),
        releases_seen=saved["releases_seen"],
        demo=saved["demo"],
        strict=saved["strict"],
        reviewed_segments=saved["reviewed_segments"],
    )
    due = datetime.fromisoformat(data["due"]) if data["due"] else None
    return _Record(data["inputs"], data["outputs"], due, result)


def _load(path: Path) -> _Record | None:
    """The recorded build, or None when there is none or it cannot be read back.

    A record is only ever used by the code that wrote it: pressroom's own files are part of
    the inputs fingerprint, so a record from another version never matches.
    """
    try:
        return _from_json(json.loads(path.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: build in full
        return None


# --- per release and edition ----------------------------------------------------------------------


@dataclass
class Work:
    """What a build does per release: ``stale`` plans are translated; ``kept`` holds, by slug,
    the stored editions of releases that are taken as they are."""

    stale: list[EditionPlan]
    kept: dict[str, list[Built]]


def languages_of(plan: EditionPlan) -> list[str]:
    """The editions ``plan`` gets: its original (where published) and each translation."""
    return ([plan.release.lang] if plan.publish_original else []) + list(plan.routes)


def sort_releases(
    plans: Sequence[EditionPlan], previous: Mapping[tuple[str, str], Built], context: BuildContext, options: BuildOptions
) -> Work:
    """Which releases must be translated again, and which keep their stored editions.

    Kept: every edition the release gets was built from the same inputs, and its files are
    as they were written. ``--no-cache`` (no memory) keeps nothing.
    """
    work = Work([], {})
    for plan in plans:
        inputs = release_inputs(plan, context)
        stored = [previous.get((lang, plan.release.slug)) for lang in languages_of(plan)]
        if options.use_memory and all(b is not None and b.inputs == inputs and _files_intact(b, options) for b in stored):
            work.kept[plan.release.slug] = [b for b in stored if b is not None]
        else:
            work.stale.append(plan)
    return work


def _files_intact(built: Built, options: BuildOptions) -> bool:
    return built.files == files_signature(edition_files(options.output_dir, built.edition, options.bilingual))


@dataclass
class Made:
    """An edition of this build as it will be stored, whether it must be checked and rendered
    (``changed``) or keeps its files and findings, and whether the state already holds it as
    it is (``stored``: its release was taken as it was)."""

    built: Built
    changed: bool
    stored: bool = False


def compare_editions(
    editions: Sequence[Edition],
    records: Sequence[EditionRecord],
    plans: Sequence[EditionPlan],
    work: Work,
    previous: Mapping[tuple[str, str], Built],
    context: BuildContext,
    options: BuildOptions,
) -> list[Made]:
    """Every edition of ``plans`` in their order: the kept ones as stored, each translated or
    original one fingerprinted and compared with what was published before."""
    by_key = {(r.release, r.lang): r for r in records}
    fresh: dict[str, list[Edition]] = {}
    for edition in editions:
        fresh.setdefault(edition.slug, []).append(edition)
    made = []
    for plan in plans:
        slug = plan.release.slug
        if slug in work.kept:
            made += [Made(built, changed=False, stored=True) for built in work.kept[slug]]
            continue
        inputs = release_inputs(plan, context)
        for edition in fresh.get(slug, []):
            record = by_key.get((slug, edition.lang))
            checked = {"record": record_to_json(record), "findings": []} if record else None
            fingerprint = edition_fingerprint(edition, checked, fresh[slug], context)
            before = previous.get((edition.lang, slug))
            unchanged = (
                before is not None
                and options.use_memory
                and before.fingerprint == fingerprint
                and _files_intact(before, options)
            )
            built = Built(
                lang=edition.lang,
                slug=slug,
                source=source_key(edition.release.source_path, options),
                inputs=inputs,
                fingerprint=fingerprint,
                files=before.files if unchanged and before else "",
                edition=edition,
                checked=before.checked if unchanged and before else checked,
            )
            made.append(Made(built, changed=not unchanged))
    return made


def note_findings(made: Sequence[Made], findings: Sequence[Finding]) -> None:
    """Store each checked edition's findings with it, for the builds that keep it."""
    by_edition: dict[tuple[str, str], list[dict[str, object]]] = {}
    for finding in findings:
        by_edition.setdefault((finding.lang, finding.release), []).append(finding.to_json())
    for item in made:
        if item.changed and item.built.checked is not None:
            item.built.checked["findings"] = by_edition.get((item.built.lang, item.built.slug), [])


def checked_editions(published: Sequence[Built]) -> tuple[list[Finding], list[EditionRecord]]:
    """The findings and quality-check records of the ``published`` editions, as each stores them."""
    findings: list[Finding] = []
    records: list[EditionRecord] = []
    for built in published:
        if built.checked:
            records.append(record_from_json(built.checked["record"]))
            findings += [Finding(**finding) for finding in built.checked["findings"]]
    return findings, records
