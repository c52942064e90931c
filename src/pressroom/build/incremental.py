"""Incremental builds: a build costs what changed.

Two levels, cheapest first:

1. **The whole build** (:func:`build_unless_unchanged`, here). After a complete build without
   failures a record keeps a fingerprint of its inputs (taken before the build started, so an
   edit made while it ran is not mistaken for built), one of every file in the output folder,
   and the build's result. When both match the next time (and no embargo has come due), the
   output would come out the same: the previous result is reported again, marked
   ``up_to_date``, in milliseconds. ``--no-cache`` always builds. An engine provider takes part
   only when it can name its models (``fingerprint()``); others (test engines) always build.
2. **Per release and edition** (:mod:`pressroom.build.changes`), inside a build that runs. A release whose inputs (content as read, engines, settings, glossary,
   theme, code, approvals: :func:`~pressroom.build.fingerprint.release_inputs`) are those its
   published editions were built from, and whose files are as they were written, keeps its
   editions as they are: nothing is translated, checked or rendered for it. The others are
   translated (the memory answers what it knows); then each edition whose fingerprint (its
   content and what shapes it) is unchanged keeps its files and its quality findings, and only
   the rest is checked and rendered. Feeds, indexes and the quality report list every edition,
   the unchanged ones from the publish state.

What counts as an input is :mod:`pressroom.build.fingerprint`'s business: a build that reads a
new kind of input must add it there. This module imports nothing of the build's stages: a build
with nothing changed ends here, before python-docx, Jinja2 or CTranslate2 are loaded.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressroom.atomic import atomic_write_bytes
from pressroom.build.fingerprint import inputs_fingerprint, tree_digest
from pressroom.build.types import STATE_DIR, BuildOptions, BuildResult, FileProblem
from pressroom.config import Settings

if TYPE_CHECKING:
    from pressroom.translate.routing import EngineProvider

RECORD_FILE = "last-build.json"
_NOT_OUTPUT = {"build.lock", RECORD_FILE}



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
