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

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

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
) -> None:
    """Write ``qa-report.json`` and ``qa-report.html`` into ``output_dir`` atomically.

    Neither holds the time of the run: a build that changes nothing leaves the files as they were.
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
    atomic_write_text(output_dir / REPORT_JSON, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(output_dir / REPORT_HTML, _html(findings, records, settings or Settings(), demo))


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 3)


def _html(findings: Sequence[Finding], records: Sequence[EditionRecord], settings: Settings, demo: bool) -> str:
    """The report through the theme: editions with errors first, then by release and language."""
    from pressroom.writers.theme import Theme

    errors, warnings = counts(findings)
    by_edition: dict[tuple[str, str], dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        by_edition[(finding.release, finding.lang)][finding.segment].append(finding)
    titles = {(r.release, r.lang): r.title for r in records}
    order = sorted(by_edition, key=lambda key: (not any(f.severity == ERROR for s in by_edition[key].values() for f in s), key))
    groups = []
    for release, lang in order:
        rows = []
        for index in sorted(by_edition[(release, lang)]):
            items = sorted(by_edition[(release, lang)][index], key=lambda f: f.severity != ERROR)
            rows.append(
                {
                    "part": segment_name(index), "source": xml_safe(items[0].source), "target": xml_safe(items[0].target),
                    "findings": items, "confidence": items[0].confidence,
                }
            )
        groups.append(
            {"title": xml_safe(titles.get((release, lang), release)), "lang": lang, "release": release, "href": f"{lang}/{release}.html", "rows": rows}
        )
    return Theme(settings).render(
        "qa-report.html",
        lang="en",
        errors=errors,
        warnings=warnings,
        checked=len(records),
        groups=groups,
        records=records,
        checks=list(CHECKS.values()),
        demo=demo,
        demo_banner=DEMO_SITE_BANNER,
    )


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
) -> list[Finding]:
    """Report on the editions that were published (``published``: slugs per language), store
    their segments for ``pressroom qa``, and return their findings."""
    shown = {(lang, slug) for lang, slugs in published.items() for slug in slugs}
    kept = [r for r in records if (r.lang, r.release) in shown]
    kept_findings = [f for f in findings if (f.lang, f.release) in shown]
    save_records(kept, state_dir)
    write_report(kept_findings, kept, output_dir, settings=settings, demo=demo)
    return kept_findings


def save_records(records: Sequence[EditionRecord], state_dir: Path) -> None:
    """Store what the checks saw, for ``pressroom qa``."""
    data = {
        "version": RECORDS_VERSION,
        "editions": [
            {
                "release": r.release,
                "lang": r.lang,
                "source_lang": r.source_lang,
                "title": r.title,
                "reviewed_segments": r.reviewed_segments,
                "units": [
                    {
                        "source": u.source, "target": u.target, "sentences": u.sentences, "in_pieces": u.in_pieces,
                        "scores": u.scores, "source_marks": u.rich_source.to_data()[1],
                        "target_marks": u.rich_target.to_data()[1], "marks_not_placed": u.marks_not_placed,
                    }  # fmt: skip
                    for u in r.units
                ],
            }
            for r in records
        ],
    }
    atomic_write_text(state_dir / RECORDS_FILE, json.dumps(data, ensure_ascii=False) + "\n")


def load_records(state_dir: Path) -> list[EditionRecord]:
    """The segments stored by the last build; RecordsError when there are none."""
    path = state_dir / RECORDS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != RECORDS_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        return [
            EditionRecord(
                release=e["release"],
                lang=e["lang"],
                source_lang=e["source_lang"],
                title=e["title"],
                reviewed_segments=e.get("reviewed_segments", 0),
                units=[
                    Unit(
                        u["source"], u["target"], [(s, t) for s, t in u["sentences"]], list(u["in_pieces"]),
                        list(u.get("scores", [])),
                        Text.from_data([u["source"], u.get("source_marks", [])]).marks,
                        Text.from_data([u["target"], u.get("target_marks", [])]).marks,
                        list(u.get("marks_not_placed", [])),
                    )  # fmt: skip
                    for u in e["units"]
                ],
            )
            for e in data["editions"]
        ]
    except FileNotFoundError:
        raise RecordsError(f"{path} does not exist: run 'pressroom build' first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RecordsError(f"{path} cannot be read ({exc}); run 'pressroom build' to write it again") from None
