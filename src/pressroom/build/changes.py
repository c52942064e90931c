"""What changed since the last build, per release and edition (the second level of
:mod:`pressroom.build.incremental`).

A release whose inputs (:func:`release_inputs`: its content as read, the engines of its
translations, the build context) are those its published editions were built from, and whose
files are as they were written, keeps its editions as they are: nothing is translated, checked
or rendered for it (:func:`sort_releases`). The others are translated (the memory answers what
it knows); then each edition whose fingerprint (:func:`edition_fingerprint`: its content, what
the checks read of it, its siblings, the context) is unchanged keeps its files and findings,
and only the rest is checked and rendered (:func:`compare_editions`). Every fingerprint is
taken over the JSON the publish state stores, so it follows the document model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pressroom.build.fingerprint import BuildContext, digest, files_signature, source_key
from pressroom.build.plan import EditionPlan
from pressroom.build.state import Built, edition_record, release_record
from pressroom.build.types import BuildOptions
from pressroom.document.model import Edition
from pressroom.qa.checks import EditionRecord, Finding
from pressroom.qa.report import record_from_json, record_to_json
from pressroom.writers.links import edition_files


def release_inputs(plan: EditionPlan, context: BuildContext) -> str:
    """What the editions of ``plan`` are built from (see the module docstring)."""
    return digest(
        {
            "release": release_record(plan.release),
            "original": plan.publish_original,
            "routes": {target: [engine.identity for engine in route] for target, route in plan.routes.items()},
            "shaping": context.shaping,
            "approvals": context.approvals,
        }
    )


def edition_fingerprint(
    edition: Edition, checked: Mapping[str, Any] | None, siblings: Iterable[Edition], context: BuildContext
) -> str:
    """What ``edition`` is: its stored record (not its ``updated`` time, which follows from
    it), what the quality checks read of it, its release's editions as its page links them
    (their languages, and the original's title, which a translation's notice names), and the
    context that shapes it."""
    record = edition_record(edition)
    record.pop("updated")
    return digest(
        {
            "edition": record,
            "checked": checked["record"] if checked else None,
            "siblings": sorted([other.lang, "" if other.machine_translated else other.title] for other in siblings),
            "shaping": context.shaping,
        }
    )



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
