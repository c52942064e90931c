"""The quality report of a run, for press officers (HTML) and for scripts (JSON).

``output/qa-report.html`` lists, per release and language, each flagged segment with its
original, its translation and the reasons, worst first; plain escaped HTML without scripts,
readable from disk. ``output/qa-report.json`` holds the same findings: an object whose
``findings`` list has ``release``, ``lang``, ``segment``, ``code``, ``severity``, ``source``,
``target`` and ``message`` per finding.

The build also stores what was checked (source and translation of every segment and sentence)
in ``output/.pressroom/qa-segments.json``, so ``pressroom qa`` can check the published editions
again, with the current glossary, without translating anything.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pressroom.atomic import atomic_write_text
from pressroom.config import LANGUAGE_NAMES
from pressroom.qa.checks import CHECKS, ERROR, EditionRecord, Finding, Unit

REPORT_JSON = "qa-report.json"
REPORT_HTML = "qa-report.html"
RECORDS_FILE = "qa-segments.json"
RECORDS_VERSION = 1
SEGMENT_NAMES = {0: "Title", 1: "Summary"}

CSS = (
    "body{max-width:60rem;margin:2rem auto;padding:0 1rem;font:1rem/1.5 system-ui,sans-serif;color:#222}"
    "table{border-collapse:collapse;width:100%;margin-bottom:2rem}"
    "th,td{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}"
    "th{background:#f3f3f3}.error{color:#a00;font-weight:bold}.warning{color:#8a5a00;font-weight:bold}"
    ".ok{color:#070}ul{margin:0;padding-left:1.2rem}"
)


class RecordsError(ValueError):
    """The stored segments of the last build are missing or unreadable; the message says what to do."""


def counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """(errors, warnings) among ``findings``."""
    errors = sum(f.severity == ERROR for f in findings)
    return errors, len(findings) - errors


def segment_name(index: int) -> str:
    """How a press officer finds the segment in the document."""
    return SEGMENT_NAMES.get(index, f"Paragraph {index - 1}")


def write_report(findings: Sequence[Finding], records: Sequence[EditionRecord], output_dir: Path) -> None:
    """Write ``qa-report.json`` and ``qa-report.html`` into ``output_dir`` atomically.

    Neither holds the time of the run: a build that changes nothing leaves the files as they were.
    """
    errors, warnings = counts(findings)
    data = {
        "editions_checked": len(records),
        "errors": errors,
        "warnings": warnings,
        "checks": {code: {"severity": c.severity, "explanation": c.explanation} for code, c in CHECKS.items()},
        "findings": [f.to_json() for f in findings],
        "editions": [
            {"release": r.release, "lang": r.lang, "review_status": r.review_status, "reviewed_segments": r.reviewed_segments}
            for r in records
        ],
    }
    atomic_write_text(output_dir / REPORT_JSON, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(output_dir / REPORT_HTML, _html(findings, records))


def _e(text: object) -> str:
    return html.escape(str(text))


def _html(findings: Sequence[Finding], records: Sequence[EditionRecord]) -> str:
    errors, warnings = counts(findings)
    by_edition: dict[tuple[str, str], dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        by_edition[(finding.release, finding.lang)][finding.segment].append(finding)
    titles = {(r.release, r.lang): r.title for r in records}
    verdict = (
        f'<p class="ok">No problems found in {len(records)} translated edition(s).</p>'
        if not findings
        else f'<p><span class="error">{errors} error(s)</span>, <span class="warning">{warnings} '
        f"warning(s)</span> in {len(by_edition)} of {len(records)} translated edition(s). Errors mean "
        "the translation is wrong or incomplete: correct it before it goes out. Warnings are worth a look.</p>"
    )
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Translation quality report</title><style>{CSS}</style></head><body>",
        "<h1>Translation quality report</h1>",
        verdict,
    ]
    # Editions with errors first, then by release and language.
    order = sorted(by_edition, key=lambda key: (not any(f.severity == ERROR for s in by_edition[key].values() for f in s), key))
    for release, lang in order:
        segments = by_edition[(release, lang)]
        title = titles.get((release, lang), release)
        parts.append(
            f'<h2>{_e(title)} — {_e(LANGUAGE_NAMES.get(lang, lang))}</h2><p>Release <code>{_e(release)}</code>, '
            f'<a href="{_e(lang)}/{_e(release)}.html">published page</a></p>'
            "<table><tr><th>Part</th><th>Original</th><th>Translation</th><th>Problems</th></tr>"
        )
        for index in sorted(segments):
            items = sorted(segments[index], key=lambda f: f.severity != ERROR)
            reasons = "".join(
                f'<li><span class="{_e(f.severity)}">{_e(f.severity)}</span> <code>{_e(f.code)}</code>: {_e(f.message)}</li>'
                for f in items
            )
            parts.append(
                f"<tr><td>{_e(segment_name(index))}</td><td>{_e(items[0].source)}</td>"
                f"<td>{_e(items[0].target)}</td><td><ul>{reasons}</ul></td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Review status</h2><table><tr><th>Release</th><th>Language</th><th>Status</th></tr>")
    parts += [
        f"<tr><td><code>{_e(r.release)}</code></td><td>{_e(LANGUAGE_NAMES.get(r.lang, r.lang))}</td><td>{_e(r.review_status)}</td></tr>"
        for r in records
    ]
    parts.append("</table>")
    parts.append("<h2>What the checks mean</h2><table><tr><th>Code</th><th>Severity</th><th>Meaning</th></tr>")
    parts += [f"<tr><td><code>{_e(c.code)}</code></td><td>{_e(c.severity)}</td><td>{_e(c.explanation)}</td></tr>" for c in CHECKS.values()]
    parts.append("</table></body></html>\n")
    return "".join(parts)


def publish_report(
    findings: Sequence[Finding],
    records: Sequence[EditionRecord],
    published: Mapping[str, Sequence[str]],
    output_dir: Path,
    state_dir: Path,
) -> list[Finding]:
    """Report on the editions that were published (``published``: slugs per language), store
    their segments for ``pressroom qa``, and return their findings."""
    shown = {(lang, slug) for lang, slugs in published.items() for slug in slugs}
    kept = [r for r in records if (r.lang, r.release) in shown]
    kept_findings = [f for f in findings if (f.lang, f.release) in shown]
    save_records(kept, state_dir)
    write_report(kept_findings, kept, output_dir)
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
            {"source": u.source, "target": u.target, "sentences": u.sentences, "in_pieces": u.in_pieces}
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
            Unit(u["source"], u["target"], [(s, t) for s, t in u["sentences"]], list(u["in_pieces"]))
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
