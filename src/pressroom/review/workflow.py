"""Export the published editions for review, and take corrected review files back.

Both work on what the last build published: the segments it stored for the quality checks
(``output/.pressroom/qa-segments.json``) and the approvals store beside it. Import checks a
whole file before it changes anything: a file for another release or language, a German text
that no longer matches the release, or broken XML is rejected and nothing is stored.

Export puts the doubtful first, so a reviewer with little time reads what most needs it: the
units of a file by the model's confidence, least sure first, and the files by their least sure
segment. Segments without a confidence (approved by a person, or names only) come last, each
group in document order; the segment number stays with each unit, so the order never matters
on import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pressroom.atomic import atomic_write_bytes
from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.limits import MAX_REVIEW_FILE_BYTES, LimitError, read_regular_file
from pressroom.qa.checks import EditionRecord, Finding, Unit, review_notes
from pressroom.qa.report import REPORT_JSON, load_records
from pressroom.review.exchange import (
    ReviewError,
    ReviewFile,
    ReviewUnit,
    read_review_docx,
    read_xliff,
    write_review_docx,
    write_xliff,
)
from pressroom.review.store import REVIEWS_FILE, Approvals, Correction
from pressroom.translate.memory import normalise
from pressroom.writers.links import contained_path

XLIFF_SUFFIXES = (".xlf", ".xliff")
FINDING_FIELDS = tuple(Finding.__dataclass_fields__)


@dataclass
class ImportOutcome:
    """What one review file changed."""

    path: Path
    release: str
    lang: str
    approved: int


def _notes(output_dir: Path) -> dict[tuple[str, str], dict[int, list[str]]]:
    """QA findings of the last build per (lang, release) and segment, for reviewers' notes."""
    report = output_dir / REPORT_JSON
    if not report.exists():
        return {}
    findings = json.loads(report.read_text(encoding="utf-8")).get("findings", [])
    return review_notes(Finding(**{k: f[k] for k in FINDING_FIELDS if k in f}) for f in findings)


def _review_file(
    record: EditionRecord, approvals: Approvals, notes: dict[tuple[str, str], dict[int, list[str]]], document_order: bool
) -> ReviewFile:
    approved = approvals.lookup(record.source_lang, record.lang, [u.source for u in record.units])
    order = range(len(record.units)) if document_order else least_sure_first(record)
    units = [
        ReviewUnit(
            index,
            unit.rich_source,
            unit.rich_target,
            approved=unit.source in approved and normalise(approved[unit.source].target) == normalise(unit.target),
            notes=notes.get((record.lang, record.release), {}).get(index, []),
        )
        for index, unit in ((index, record.units[index]) for index in order)
        if unit.source.strip()
    ]
    return ReviewFile(record.release, record.source_lang, record.lang, units)


def least_sure_first(record: EditionRecord) -> list[int]:
    """The record's segment indices, least confident first, those without a confidence last."""
    return sorted(range(len(record.units)), key=lambda i: _confidence_key(record.units[i].confidence) + (i,))


def _confidence_key(confidence: float | None) -> tuple[bool, float]:
    return (confidence is None, confidence if confidence is not None else 0.0)


def export_reviews(
    output_dir: Path,
    state_dir: Path,
    dest: Path,
    *,
    release: str | None = None,
    langs: Sequence[str] | None = None,
    as_docx: bool = False,
    document_order: bool = False,
    note: Callable[[str], None] = lambda text: None,
) -> list[Path]:
    """Write ``dest/<lang>/<slug>.xlf`` (or ``.review.docx``) per published translated edition,
    least sure first (module docstring) unless ``document_order``; the paths in that order.
    ``note`` hears about a damaged reviews store that had to be restored (:mod:`pressroom.review.store`).
    """
    records = [
        r for r in load_records(state_dir) if (release is None or r.release == release) and (not langs or r.lang in langs)
    ]
    if not document_order:
        records.sort(key=lambda r: _confidence_key(min((u.confidence for u in r.units if u.confidence is not None), default=None)))
    if not records:
        wanted = f" of '{release}'" if release else ""
        raise ReviewError(f"No published translated edition{wanted} found in {output_dir}; run 'pressroom build' first")
    notes = _notes(output_dir)
    approvals = Approvals(state_dir / REVIEWS_FILE)
    written = []
    try:
        for record in records:
            review = _review_file(record, approvals, notes, document_order)
            if as_docx:
                path = contained_path(dest, record.lang, f"{record.release}.review.docx")
                atomic_write_bytes(path, write_review_docx(review))
            else:
                path = contained_path(dest, record.lang, f"{record.release}.xlf")
                atomic_write_bytes(path, write_xliff(review))
            written.append(path)
    finally:
        approvals.close()
    if approvals.recovered:
        note(f"{approvals.path}: {approvals.recovered}")
    return written


def _read(path: Path) -> ReviewFile:
    try:
        data = read_regular_file(path, MAX_REVIEW_FILE_BYTES)
    except LimitError as exc:
        raise ReviewError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ReviewError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if path.suffix.lower() in XLIFF_SUFFIXES:
        return read_xliff(data, str(path))
    if path.suffix.lower() == ".docx":
        return read_review_docx(data, str(path))
    raise ReviewError(f"{path}: not a review file (expected .xlf, .xliff or .docx)")


def _corrections(path: Path, review: ReviewFile, records: dict[tuple[str, str], EditionRecord]) -> list[Correction]:
    """Validate ``review`` against the published edition; the approvals it carries."""
    record = records.get((review.release, review.target_lang))
    if record is None:
        raise ReviewError(
            f"{path}: there is no published '{review.target_lang}' edition of '{review.release}'; "
            "export the review file again from this output folder"
        )
    if review.source_lang != record.source_lang:
        raise ReviewError(f"{path}: source language '{review.source_lang}' does not match the release ('{record.source_lang}')")
    corrections = []
    for unit in review.units:
        if unit.index >= len(record.units) or normalise(unit.source.text) != normalise(record.units[unit.index].source):
            raise ReviewError(
                f"{path}: segment {unit.index} has a German text that differs from the current release "
                "(edited in the review file, or the release changed since the export). Only the "
                "translation may be edited; export a fresh review file and make the corrections there"
            )
        current = record.units[unit.index]
        target = _with_links(unit, current).strip()
        changed = normalise(target.text) != normalise(current.target) or target.marks != current.rich_target.strip().marks
        if target.text and (unit.approved or changed):
            corrections.append(Correction(record.source_lang, record.lang, current.source, target.text, target.marks))
    return corrections


def _with_links(unit: ReviewUnit, current: Unit) -> Text:
    """The reviewed target with its XLIFF link tags given the addresses of the published
    source's links they stand for; a tag that stands for no link of the source is dropped."""
    links = []
    for start, end, number in unit.links:
        if 0 < number <= len(current.source_marks) and current.source_marks[number - 1].kind is MarkKind.LINK:
            links.append(Mark(start, end, MarkKind.LINK, current.source_marks[number - 1].target))
    return Text(unit.target.text, unit.target.marks + tuple(links))


def import_reviews(
    state_dir: Path, paths: Sequence[Path], reviewer: str, note: Callable[[str], None] = lambda text: None
) -> tuple[list[ImportOutcome], list[ReviewError]]:
    """Store the approvals of every valid file; an invalid file is reported and changes nothing.

    The store is backed up afterwards, so the approvals are safe before the next build; ``note``
    hears about a damaged store that had to be restored.
    """
    records = {(r.release, r.lang): r for r in load_records(state_dir)}
    approvals = Approvals(state_dir / REVIEWS_FILE)
    outcomes, problems = [], []
    try:
        for path in paths:
            try:
                review = _read(path)
                corrections = _corrections(path, review, records)
            except ReviewError as exc:
                problems.append(exc)
                continue
            approvals.approve(corrections, reviewer, path.name)
            outcomes.append(ImportOutcome(path, review.release, review.target_lang, len(corrections)))
        if outcomes:
            approvals.back_up()
    finally:
        approvals.close()
    if approvals.recovered:
        note(f"{approvals.path}: {approvals.recovered}")
    return outcomes, problems
