"""The per-edition work after translation: quality checks and DOCX rendering.

Each is a function of one edition (or its record) and its translations only, so it runs
wherever the build's chunk runner runs it (:meth:`pressroom.translate.corpus.ChunkRunner.map`):
in this process one edition after another, or on the workers of a Dask cluster, where it is
most of what the driver would otherwise do per release (BENCHMARKS.md, issue 18). The driver
keeps everything with a side effect: it writes the bytes that come back (atomically), the
pictures, the publish state and the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.qa import checks
from pressroom.qa.checks import EditionRecord, Finding
from pressroom.qa.protect import Protector
from pressroom.translate.corpus import ChunkRunner
from pressroom.writers.docx import render_docx
from pressroom.writers.docx_review import render_bilingual_docx


@dataclass(frozen=True)
class CheckSettings:
    """What every edition's checks share: the glossary's protector and the settings they read."""

    protector: Protector
    pivot: str
    low_confidence: float


def check_record(shared: CheckSettings, record: EditionRecord) -> list[Finding]:
    """The task: every finding of one edition, in segment order."""
    return checks.check_editions([record], shared.protector, shared.pivot, shared.low_confidence)


def check_all(records: Sequence[EditionRecord], shared: CheckSettings, runner: ChunkRunner) -> list[Finding]:
    """Every finding of ``records`` in record order (as :func:`pressroom.qa.checks.check_editions`
    gives them), the records checked where ``runner`` runs its tasks."""
    found: dict[int, list[Finding]] = dict(runner.map(check_record, shared, records))
    return [finding for index in range(len(records)) for finding in found[index]]


@dataclass(frozen=True)
class RenderJob:
    """One edition to render: its original's address for the machine-translation notice, the
    quality messages for reviewers (None: none wanted), and whether to add the review edition."""

    edition: Edition
    original_url: str
    review_notes: Mapping[int, Sequence[str]] | None = None
    bilingual: bool = False


@dataclass(frozen=True)
class Rendered:
    """An edition's DOCX bytes (and its review edition's, where asked), or why it could not be
    made (its content: one release's problem, not the build's)."""

    docx: bytes = b""
    bilingual: bytes | None = None
    problem: str = ""


def render_edition(settings: Settings, job: RenderJob) -> Rendered:
    """The task: one edition as DOCX bytes."""
    edition = job.edition
    try:
        docx = render_docx(edition, settings, original_url=job.original_url, review_notes=job.review_notes)
        bilingual = None
        if job.bilingual and edition.machine_translated:
            bilingual = render_bilingual_docx(edition, settings, original_url=job.original_url)
    except Exception as exc:  # noqa: BLE001 - one release's bad content must not stop the rest
        return Rendered(problem=f"its {edition.lang} DOCX could not be written: {exc}")
    return Rendered(docx, bilingual)

