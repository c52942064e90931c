"""The quality report of a run, for press officers (HTML) and for scripts (JSON).

``output/qa-report.html`` lists, per release and language, each flagged segment with its
original, its translation and the reasons, worst first; escaped HTML without scripts, readable
from disk, rendered from the theme's ``qa-report.html`` template (marked DEMO in a demo build). ``output/qa-report.json`` holds the same findings: an object whose
``findings`` list has ``release``, ``lang``, ``segment``, ``code``, ``severity``, ``source``,
``target``, ``message`` and the segment's ``confidence`` per finding, and whose ``editions``
list gives each edition's ``confidence`` per segment (the model's mean log-probability per
token of the segment's least sure sentence; null where no model was asked or a person approved
the translation).

The build also stores what was checked (source and translation of every segment and sentence)
in ``output/.pressroom/qa-segments.json``, so ``pressroom qa`` can check the published editions
again, with the current glossary, without translating anything.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pressroom import __version__
from pressroom.atomic import atomic_write_text
from pressroom.config import Settings
from pressroom.document.inline import Text
from pressroom.qa.checks import CHECKS, ERROR, EditionRecord, Finding, Unit
from pressroom.writers.labels import DEMO_SITE_BANNER, xml_safe

REPORT_JSON = "qa-report.json"
REPORT_HTML = "qa-report.html"
RECORDS_FILE = "qa-segments.json"
RECORDS_VERSION = 1
SEGMENT_NAMES = {0: "Title", 1: "Kicker", 2: "Summary"}
PART_TEMPLATE = "qa-report-edition.html"

class RecordsError(ValueError):
    """The stored segments of the last build are missing or unreadable; the message says what to do."""


def counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """(errors, warnings) among ``findings``."""
    errors = sum(f.severity == ERROR for f in findings)
    return errors, len(findings) - errors


def segment_name(index: int) -> str:
    """How a press officer finds the segment in the document."""
    return SEGMENT_NAMES.get(index, f"Paragraph {index - 2}")


def write_report(
    findings: Sequence[Finding],
    records: Sequence[EditionRecord],
    output_dir: Path,
    *,
    settings: Settings | None = None,
    demo: bool = False,
    parts: ReportParts | None = None,
) -> None:
    """Write ``qa-report.json`` and ``qa-report.html`` into ``output_dir`` atomically.

    Neither holds the time of the run: a build that changes nothing leaves the files as they were.
    ``parts`` holds each edition's section of the HTML report as an earlier build rendered it.
    """
    errors, warnings = counts(findings)
    data = {
        "editions_checked": len(records),
        "errors": errors,
        "warnings": warnings,
        "demo": demo,
        "checks": {code: {"severity": c.severity, "explanation": c.explanation} for code, c in CHECKS.items()},
        "findings": [f.to_json() for f in findings],
        "editions": [
            {
                "release": r.release, "lang": r.lang, "review_status": r.review_status, "reviewed_segments": r.reviewed_segments,
                "confidence": [_rounded(u.confidence) for u in r.units],
            }
            for r in records
        ],
    }
    # One line: json's C encoder (an indented dump runs in Python, seconds for a large site).
    atomic_write_text(output_dir / REPORT_JSON, json.dumps(data, ensure_ascii=False) + "\n")
    atomic_write_text(output_dir / REPORT_HTML, _html(findings, records, settings or Settings(), demo, parts))


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 3)


class ReportParts:
    """Each edition's section of the HTML report, kept between builds (the publish state keeps
    them) so that an edit renders one section again and takes the others as they were.

    A section is keyed by the edition's fingerprint (``editions``: ``(lang, slug)`` to what the
    build knows the edition is, its checked record and the context of glossary and settings
    included, which decide its findings), the section template and pressroom's version. An
    edition without a fingerprint is rendered every time."""

    def __init__(self, stored: Mapping[str, str] | None = None, editions: Mapping[tuple[str, str], str] | None = None) -> None:
        self.stored = dict(stored or {})
        self.editions = dict(editions or {})
        self.used: dict[str, str] = {}

    def get(self, lang: str, slug: str, salt: str, render: Callable[[], str]) -> str:
        """The section of edition ``(lang, slug)``, rendered only when not stored."""
        fingerprint = self.editions.get((lang, slug))
        if fingerprint is None:
            return render()
        key = hashlib.sha256(f"{salt}\0{fingerprint}".encode()).hexdigest()
        if key not in self.used:
            self.used[key] = self.stored[key] if key in self.stored else render()
        return self.used[key]

    @property
    def new(self) -> dict[str, str]:
        """The sections rendered in this build."""
        return {key: html for key, html in self.used.items() if key not in self.stored}


def _html(
    findings: Sequence[Finding], records: Sequence[EditionRecord], settings: Settings, demo: bool, parts: ReportParts | None = None
) -> str:
    """The report through the theme: editions with errors first, then by release and language."""
    from markupsafe import Markup

    from pressroom.writers.theme import Theme

    errors, warnings = counts(findings)
    by_edition: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    has_error: set[tuple[str, str]] = set()
    for finding in findings:
        by_edition[(finding.release, finding.lang)].append(finding)
        if finding.severity == ERROR:
            has_error.add((finding.release, finding.lang))
    titles = {(r.release, r.lang): r.title for r in records}
    theme = Theme(settings)
    parts = parts if parts is not None else ReportParts()
    salt = __version__ + (theme.env.loader.get_source(theme.env, PART_TEMPLATE)[0] if theme.env.loader else "")

    def section(release: str, lang: str) -> str:
        group = _group(release, lang, titles.get((release, lang), release), by_edition[(release, lang)])
        return theme.render(PART_TEMPLATE, group=group)

    order = sorted(by_edition, key=lambda key: (key not in has_error, key))
    sections = [Markup(parts.get(lang, release, salt, partial(section, release, lang))) for release, lang in order]  # noqa: S704 - rendered with autoescape
    return theme.render(
        "qa-report.html",
        lang="en",
        errors=errors,
        warnings=warnings,
        checked=len(records),
        parts=sections,
        records=records,
        checks=list(CHECKS.values()),
        demo=demo,
        demo_banner=DEMO_SITE_BANNER,
    )


def _group(release: str, lang: str, title: str, findings: Sequence[Finding]) -> dict[str, Any]:
    """What the section of one edition shows: its flagged segments in order, errors first."""
    by_segment: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_segment[finding.segment].append(finding)
    rows = []
    for index in sorted(by_segment):
        items = sorted(by_segment[index], key=lambda f: f.severity != ERROR)
        rows.append(
            {
                "part": segment_name(index), "source": xml_safe(items[0].source), "target": xml_safe(items[0].target),
                "findings": items, "confidence": items[0].confidence,
            }
        )
    return {"title": xml_safe(title), "lang": lang, "release": release, "href": f"{lang}/{release}.html", "rows": rows}


def was_demo(output_dir: Path) -> bool:
    """Whether the report in ``output_dir`` is a demo build's (``pressroom qa`` keeps the mark)."""
    try:
        return bool(json.loads((output_dir / REPORT_JSON).read_text(encoding="utf-8")).get("demo"))
    except (OSError, ValueError, AttributeError):
        return False


def publish_report(
    findings: Sequence[Finding],
    records: Sequence[EditionRecord],
    published: Mapping[str, Sequence[str]],
    output_dir: Path,
    state_dir: Path,
    *,
    settings: Settings | None = None,
    demo: bool = False,
    parts: ReportParts | None = None,
) -> list[Finding]:
    """Report on the editions that were published (``published``: slugs per language), store
    their segments for ``pressroom qa``, and return their findings. ``parts``: see
    :func:`write_report`."""
    shown = {(lang, slug) for lang, slugs in published.items() for slug in slugs}
    kept = [r for r in records if (r.lang, r.release) in shown]
    kept_findings = [f for f in findings if (f.lang, f.release) in shown]
    save_records(kept, state_dir)
    write_report(kept_findings, kept, output_dir, settings=settings, demo=demo, parts=parts)
    return kept_findings


def record_to_json(record: EditionRecord) -> dict[str, Any]:
    """What the checks saw of one edition, as JSON-ready values."""
    return {
        "release": record.release,
        "lang": record.lang,
        "source_lang": record.source_lang,
        "title": record.title,
        "reviewed_segments": record.reviewed_segments,
        "units": [
            {
                "source": u.source, "target": u.target, "sentences": u.sentences, "in_pieces": u.in_pieces,
                "scores": u.scores, "source_marks": u.rich_source.to_data()[1],
                "target_marks": u.rich_target.to_data()[1], "marks_not_placed": u.marks_not_placed,
            }  # fmt: skip
            for u in record.units
        ],
    }


def record_from_json(data: Mapping[str, Any]) -> EditionRecord:
    """The inverse of :func:`record_to_json` (sentence pairs come back as tuples)."""
    return EditionRecord(
        release=data["release"],
        lang=data["lang"],
        source_lang=data["source_lang"],
        title=data["title"],
        reviewed_segments=data.get("reviewed_segments", 0),
        units=[
            Unit(
                u["source"], u["target"], [(s, t) for s, t in u["sentences"]], list(u["in_pieces"]),
                list(u.get("scores", [])),
                Text.from_data([u["source"], u.get("source_marks", [])]).marks,
                Text.from_data([u["target"], u.get("target_marks", [])]).marks,
                list(u.get("marks_not_placed", [])),
            )  # fmt: skip
            for u in data["units"]
        ],
    )


def save_records(records: Sequence[EditionRecord], state_dir: Path) -> None:
    """Store what the checks saw, for ``pressroom qa``."""
    data = {"version": RECORDS_VERSION, "editions": [record_to_json(r) for r in records]}
    atomic_write_text(state_dir / RECORDS_FILE, json.dumps(data, ensure_ascii=False) + "\n")


def load_records(state_dir: Path) -> list[EditionRecord]:
    """The segments stored by the last build; RecordsError when there are none."""
    path = state_dir / RECORDS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != RECORDS_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        return [record_from_json(e) for e in data["editions"]]
    except FileNotFoundError:
        raise RecordsError(f"{path} does not exist: run 'pressroom build' first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RecordsError(f"{path} cannot be read ({exc}); run 'pressroom build' to write it again") from None
