"""``pressroom build`` (once or watching) and ``pressroom qa``: run the library, print what it did.

Exit codes: 0 everything published; 1 some releases failed (the rest were published);
2 usage or configuration error, or a needed model is missing; 3 (only with ``--strict``)
everything was published, but a quality check found an error (see output/qa-report.html).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pressroom.cli.common import (
    ConfigOption,
    GlossaryOption,
    ModelsDir,
    StrictOption,
    console,
    errors,
    fail,
    glossary_path,
    models_dir_or_default,
    plural,
    print_json,
    settings_or_exit,
    shown,
    ui,
)
from pressroom.config import CONFIG_FILE, Settings

if TYPE_CHECKING:
    from pressroom.build.types import BuildOptions, BuildResult, FileProblem
    from pressroom.translate.routing import ModelEngines


def build_command(
    releases: Annotated[Path, typer.Option("--releases", help="Folder with the German releases.")] = Path("releases"),
    output: Annotated[Optional[Path], typer.Option("--output", help="Output folder [default: output, or demo-output with --demo].", show_default=False)] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Target languages, comma-separated [default: from pressroom.toml, else en,ko].", show_default=False)] = None,
    models_dir: ModelsDir = None,
    config: ConfigOption = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore the translation memory: translate every sentence again.")] = False,
    demo_mode: Annotated[bool, typer.Option("--demo", help="Use placeholder demo models (gibberish output, clearly labelled) and write to demo-output/.")] = False,
    watch_mode: Annotated[bool, typer.Option("--watch", help="Keep running and build again whenever a release, the glossary or pressroom.toml changes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON summary instead of progress and tables.")] = False,
    bilingual: Annotated[bool, typer.Option("--bilingual", help="Also write a review edition per translation, original and translation side by side: <lang>/<slug>.bilingual.docx (not in feeds or pages).")] = False,
    glossary: GlossaryOption = None,
    strict: StrictOption = False,
    review_marks: Annotated[bool, typer.Option("--review-marks", help="Mark segments flagged by the quality checks with Word comments in the DOCX editions (for reviewers, not for the public).")] = False,
    require_review: Annotated[bool, typer.Option("--require-review", help="Keep translations out of the feeds until every segment is reviewed (pressroom review import).")] = False,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="Translate on the workers of the Dask scheduler at this address (tcp://HOST:8786) [default: cluster in pressroom.toml, else this computer]. Needs pip install 'pressroom[cluster]'.", show_default=False)] = None,
) -> None:
    """Translate every release in the releases folder and publish DOCX, pages and feeds."""
    from pressroom.build.types import BuildOptions
    from pressroom.translate.routing import ModelEngines

    if as_json:
        console.quiet = True  # stdout carries the JSON summary only

    def current_settings() -> Settings:
        """pressroom.toml with this command's flags applied (read again by each watch build)."""
        fresh = settings_or_exit(config)
        fresh.review_marks = fresh.review_marks or review_marks
        return fresh

    settings = current_settings()
    targets = [t.strip() for t in to.split(",") if t.strip()] if to else None
    if not releases.is_dir():
        raise fail(
            f"The releases folder {releases} does not exist. Run 'pressroom init' to set up a "
            "working folder with an example release, or name the folder with --releases."
        )
    if demo_mode:
        from pressroom.demo import packages as demo  # ctranslate2.specs (and torch) only to build missing packages

        output = output or Path(demo.DEMO_OUTPUT)
        models = models_dir or Path(demo.DEMO_MODELS)
        console.print(
            "[bold yellow]DEMO MODE[/]: no real translation model is used. Placeholder packages "
            f"with random weights in {shown(models)}/ produce gibberish; every output in {shown(output)}/ is "
            "marked as a demo.",
            highlight=False,
        )
        with console.status("Preparing demo model packages…"):
            demo.ensure_demo_packages(models, settings)
    else:
        output = output or Path("output")
        models = models_dir_or_default(models_dir)
    engines = ModelEngines(models, settings.translation, pivot=settings.pivot_language, named=settings.models)
    for problem in engines.problems:
        errors.print(f"[yellow]! note[/] {shown(problem)}", highlight=False)
    options = BuildOptions(
        releases_dir=releases, output_dir=output, targets=targets, use_memory=not no_cache, allow_demo=demo_mode,
        bilingual=bilingual, glossary=glossary_path(glossary), strict=strict, require_review=require_review,
        cluster=cluster or settings.cluster or None,
    )
    if options.cluster:
        console.print(f"Translating on the Dask cluster at {shown(options.cluster)}", highlight=False)
    if watch_mode:
        _watch_and_build(current_settings, config, options, engines, as_json)
        raise typer.Exit(0)
    raise typer.Exit(_build_once(settings, options, engines, as_json))


class RichReporter:
    """Progress bars per stage and one line per problem, naming the file."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, int] = {}

    def stage(self, name: str, total: int) -> None:
        if name not in self._tasks:
            self._tasks[name] = self._progress.add_task(name, total=total)

    def advance(self, name: str, completed: int, total: int) -> None:
        self.stage(name, total)
        self._progress.update(self._tasks[name], completed=completed, total=total)

    def problem(self, problem: FileProblem, *, fatal: bool) -> None:
        label = "[bold red]✗ error[/]" if fatal else "[yellow]! note[/]"
        self._progress.console.print(f"{label} {shown(f'{problem.path}: {problem.message}')}", highlight=False)


def _build_once(settings: Settings, options: BuildOptions, engines: ModelEngines, as_json: bool) -> int:
    """One build with progress and a summary (or the JSON summary); returns the exit code."""
    from pressroom.build.pipeline import build
    from pressroom.build.types import BuildError

    with Progress(
        TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=False
    ) as progress:
        try:
            result = build(settings, options, engines, RichReporter(progress))
        except BuildError as exc:
            if as_json:
                print_json({"exit_code": 2, "error": str(exc)})
            errors.print(f"[bold red]Error:[/] {shown(exc)}", highlight=False)
            return 2
    if as_json:
        print_json(json_summary(result, options.output_dir))
    else:
        print_summary(result, options.output_dir, engines.loaded_models())
        _site_warnings(settings, result)
        if ui.verbose:
            for lang, slugs in result.published.items():
                for slug in slugs:
                    console.print(f"  {options.output_dir / lang / slug}.html and .docx", markup=False, highlight=False)
    return result.exit_code


def _site_warnings(settings: Settings, result: BuildResult) -> None:
    """Once per build, what stands between the site and a public one (doctor says how to fix)."""
    from pressroom.writers.readiness import site_warnings

    unready = [] if result.demo else site_warnings(settings)
    if unready:
        console.print(
            f"[yellow]! before publishing:[/] {shown('; '.join(w.text for w in unready))} ('pressroom doctor' says how to fix each)",
            highlight=False,
            soft_wrap=True,
        )


def print_summary(result: BuildResult, output: Path, models_loaded: int) -> None:
    """What a build did, for a person: editions per language, engines, review, quality, verdict."""
    table = Table(title=f"Published to {shown(output)}/")
    table.add_column("Language")
    table.add_column("Editions", justify="right")
    for lang, slugs in result.published.items():
        table.add_row(lang, str(len(slugs)))
    console.print(table)
    for lang, route in result.routes.items():
        console.print(f"  {shown(lang)}: {shown(route)}", highlight=False)
    for stats in result.engines:
        pieces = f", {plural(stats.pieces, 'piece')} of sentences sent again (a placeholder was lost)" if stats.pieces else ""
        console.print(
            f"  {stats.source}→{stats.target}: {plural(stats.translated, 'sentence')} translated, "
            f"{stats.from_memory} from the translation memory{pieces}" + (" [yellow](demo model)[/]" if stats.demo else ""),
            highlight=False,
        )
    if result.reviewed_segments:
        console.print(f"  {plural(result.reviewed_segments, 'segment')} published with a human-approved translation", highlight=False)
    if result.engines and not models_loaded and not any(s.translated or s.pieces for s in result.engines):  # (a cluster's workers load them)
        console.print("  no model was loaded: every sentence came from the translation memory", highlight=False)
    if result.up_to_date:
        console.print("  nothing changed since the last build, so nothing was rebuilt", highlight=False)
    else:
        rendered = sum(len(slugs) for slugs in result.rebuilt.values())
        unchanged = sum(len(slugs) for slugs in result.published.values()) - rendered
        console.print(f"  {plural(rendered, 'edition')} written, {unchanged} unchanged", highlight=False)
    if result.demo:
        console.print("[bold yellow]DEMO: the translations are gibberish from placeholder models.[/]", highlight=False)
    _qa_summary(result.quality, output)
    verdict = "[green]all published[/]" if not result.failed else f"[red]{plural(len(result.failed), 'problem')}; the other releases were published[/]"
    waiting = f"{len(result.held_back)} embargoed (published by a build after their date), " if result.held_back else ""
    console.print(
        f"{plural(result.releases_seen, 'release file')}, {waiting}{verdict} in {result.seconds:.1f} s",
        highlight=False,
    )


def json_summary(result: BuildResult, output: Path) -> dict[str, object]:
    """What scripts need from a build: editions per language, problems by file, counts, time."""
    from pressroom.qa.report import REPORT_JSON

    def problems(found: list[FileProblem]) -> list[dict[str, str]]:
        return [{"file": str(p.path), "message": p.message} for p in found]

    return {
        "exit_code": result.exit_code,
        "output": str(output),
        "published": result.published,
        "failed": problems(result.failed),
        "warnings": problems(result.warnings),
        "embargoed": problems(result.held_back),
        "engines": [asdict(stats) for stats in result.engines],
        "releases_seen": result.releases_seen,
        "seconds": round(result.seconds, 3),
        "demo": result.demo,
        "reviewed_segments": result.reviewed_segments,
        "routes": result.routes,
        "up_to_date": result.up_to_date,
        "rebuilt": result.rebuilt,
        "quality": dict(zip(("errors", "warnings"), result.quality)) | {"report": str(output / REPORT_JSON)},
    }


def _qa_summary(quality: tuple[int, int], output: Path) -> None:
    """One line: how many errors and warnings the quality checks found, and where to read them."""
    from pressroom.qa.report import REPORT_HTML

    found_errors, warnings = quality
    colour = "red" if found_errors else "yellow" if warnings else "green"
    console.print(
        f"Quality checks: [{colour}]{plural(found_errors, 'error')}, {plural(warnings, 'warning')}[/] — see {shown(output / REPORT_HTML)}",
        highlight=False,
    )


def _watch_and_build(
    current_settings: Callable[[], Settings], config: Path | None, options: BuildOptions, engines: ModelEngines, as_json: bool
) -> None:
    """Build now, then again after every change, until Ctrl+C. A broken settings file or a
    failed build is reported and the watch goes on, so the officer can fix it and save again."""
    from pressroom.qa.glossary import DNT_FILE
    from pressroom.translate.routing import ModelEngines
    from pressroom.watch import snapshot, watch

    watched = [config or Path(CONFIG_FILE)]
    if options.glossary:
        watched += [options.glossary, options.glossary.parent / DNT_FILE]
    settings = current_settings()

    def rebuild(changed: list[Path]) -> None:
        nonlocal settings, engines
        console.print(f"Changed: {', '.join(shown(path) for path in changed)}; building again", highlight=False)
        try:
            fresh = current_settings()
        except typer.Exit:  # the error is printed; wait for the next save
            return
        if (fresh.translation, fresh.pivot_language, fresh.models) != (settings.translation, settings.pivot_language, settings.models):
            engines = ModelEngines(engines.models_dir, fresh.translation, pivot=fresh.pivot_language, named=fresh.models)
        settings = fresh
        _build_once(settings, options, engines, as_json)

    _build_once(settings, options, engines, as_json)
    names = ", ".join([f"{options.releases_dir}/", *(str(path) for path in watched)])
    console.print(f"Watching {names} for changes. Press Ctrl+C to stop.", markup=False, highlight=False)
    try:
        watch(lambda: snapshot(options.releases_dir, watched), rebuild, threading.Event())
    except KeyboardInterrupt:
        console.print("Stopped watching.")


def qa_command(
    output: Annotated[Path, typer.Option("--output", help="Output folder of the last build.")] = Path("output"),
    glossary: GlossaryOption = None,
    strict: StrictOption = False,
    config: ConfigOption = None,
) -> None:
    """Check the published translations again (current glossary, no translating) and rewrite the quality report."""
    from pressroom.build.types import STATE_DIR
    from pressroom.qa.checks import check_editions
    from pressroom.qa.glossary import GlossaryError, load_glossary
    from pressroom.qa.protect import Protector
    from pressroom.qa.report import RecordsError, counts, load_records, was_demo, write_report

    settings = settings_or_exit(config)
    try:
        terms = load_glossary(glossary_path(glossary), settings.source_language)
        records = load_records(output / STATE_DIR)
    except (GlossaryError, RecordsError) as exc:
        raise fail(str(exc)) from None
    findings = check_editions(records, Protector(terms), settings.pivot_language, settings.low_confidence)
    try:
        write_report(findings, records, output, settings=settings, demo=was_demo(output))
    except OSError as exc:
        raise fail(f"Cannot write the quality report to {output}: {exc.strerror or exc}") from None
    console.print(f"Checked {plural(len(records), 'translated edition')} in {shown(output)}/.", highlight=False)
    _qa_summary(counts(findings), output)
    raise typer.Exit(3 if strict and counts(findings)[0] else 0)
