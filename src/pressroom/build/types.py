"""The types a build is described by, shared by :mod:`pressroom.build.pipeline` and :mod:`pressroom.build.incremental`.

They live apart from the pipeline so that the up-to-date check (which the pipeline calls) can
use them without importing the pipeline back, and so that code that only needs to name a
build's options or result does not load the translation and writer stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pressroom.qa.checks import ERROR, Finding

if TYPE_CHECKING:
    from pressroom.translate.corpus import EngineStats

STATE_DIR = ".pressroom"


class BuildError(Exception):
    """The build cannot run at all; the message says why and what to do."""


@dataclass
class FileProblem:
    """A problem with one release file, in plain words."""

    path: Path
    message: str


class Reporter(Protocol):
    """Where the build reports progress and problems (the CLI shows them with rich)."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self, name: str, completed: int, total: int) -> None: ...

    def problem(self, problem: FileProblem, *, fatal: bool) -> None: ...


class SilentReporter:
    """A reporter that shows nothing (library use, tests)."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str, completed: int, total: int) -> None:
        pass

    def problem(self, problem: FileProblem, *, fatal: bool) -> None:
        pass


@dataclass
class BuildOptions:
    """What to build from where; ``targets`` None means the languages from the settings."""

    releases_dir: Path = Path("releases")
    output_dir: Path = Path("output")
    targets: list[str] | None = None
    use_memory: bool = True
    memory_path: Path | None = None
    allow_demo: bool = False
    bilingual: bool = False  # also write <slug>.bilingual.docx review editions (not published)
    require_review: bool = False  # feeds list only originals and fully reviewed translations
    glossary: Path | None = None  # glossary.tsv (do-not-translate.txt beside it); None: none
    strict: bool = False  # exit code 3 when a quality check finds an error
    cluster: str | None = None  # a Dask scheduler (tcp://HOST:8786) whose workers translate; None: here


@dataclass
class BuildResult:
    """What a build did: published editions per language, problems, translation counts."""

    published: dict[str, list[str]] = field(default_factory=dict)
    failed: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    held_back: list[FileProblem] = field(default_factory=list)
    engines: list[EngineStats] = field(default_factory=list)
    releases_seen: int = 0
    seconds: float = 0.0
    demo: bool = False
    findings: list[Finding] = field(default_factory=list)  # quality checks of published editions
    strict: bool = False
    up_to_date: bool = False  # nothing changed since the last build: nothing was rebuilt
    reviewed_segments: int = 0  # segments published with a human-approved translation
    routes: dict[str, str] = field(default_factory=dict)  # target language → the models it took

    @property
    def exit_code(self) -> int:
        """0 everything published, 1 some releases failed (the rest were published), 3 all
        published but ``strict`` and a quality check found an error (1 wins over 3)."""
        if self.failed:
            return 1
        return 3 if self.strict and any(f.severity == ERROR for f in self.findings) else 0


def note_problem(result_list: list[FileProblem], reporter: Reporter, path: Path, message: str, fatal: bool) -> None:
    """Record a problem with one file in ``result_list`` and tell the reporter at once."""
    problem = FileProblem(path, message)
    result_list.append(problem)
    reporter.problem(problem, fatal=fatal)
