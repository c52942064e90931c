"""The ``pressroom`` command: a thin layer over :mod:`pressroom.pipeline` and :mod:`pressroom.packages`.

Exit codes: 0 everything published; 1 some releases failed (the rest were published);
2 usage or configuration error, or a needed model is missing; 3 (only with ``--strict``)
everything was published, but a quality check found an error (see output/qa-report.html).
"""

from __future__ import annotations

import getpass
import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pressroom import __version__
from pressroom.config import CONFIG_FILE, ConfigError, Settings, load_settings
from pressroom.doctor import Folders, run_checks
from pressroom.packages import PackageError, default_models_dir, install_file, install_from_index, list_packages
from pressroom.pipeline import STATE_DIR, BuildError, BuildOptions, BuildResult, FileProblem, build
from pressroom.qa.checks import Finding, check_editions
from pressroom.qa.glossary import DNT_FILE, GLOSSARY_FILE, GlossaryError, load_glossary
from pressroom.qa.protect import Protector
from pressroom.qa.report import REPORT_HTML, REPORT_JSON, RecordsError, counts, load_records, write_report
from pressroom.review.exchange import ReviewError
from pressroom.review.workflow import export_reviews, import_reviews
from pressroom.scaffold import ScaffoldError, config_reference, config_template, init_folder, new_release
from pressroom.serve import DEFAULT_HOST, DEFAULT_PORT, PreviewServer
from pressroom.translate.routing import PackageEngines, missing_pairs
from pressroom.watch import snapshot, watch
from pressroom.writers.readiness import site_warnings

app = typer.Typer(
    help="Translate German press releases offline and publish DOCX editions and feeds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
models_app = typer.Typer(help="Install and list Argos Translate model packages.", no_args_is_help=True)
app.add_typer(models_app, name="models")

# pyproject.toml leaves argostranslate out of the dependencies: pip would bring stanza and
# torch with it (several GB) for a splitter pressroom never uses. See README, "Lean install".
ARGOS_MISSING = (
    "argostranslate is not installed. Install it without its heavy extras: "
    "pip install --no-deps 'argostranslate>=1.11,<1.12'"
)

console = Console()
errors = Console(stderr=True)


@dataclass
class _Ui:
    """Global options of this run (set by :func:`_global_options`)."""

    debug: bool = False
    verbose: bool = False


ui = _Ui()


def _print_version(wanted: bool) -> None:
    if wanted:
        console.print(f"pressroom {__version__}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option("--version", help="Print pressroom's version and exit.", callback=_print_version, is_eager=True)] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the Python traceback of unexpected errors (for bug reports).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors: no progress, no summary.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print more: every file published, every page served.")] = False,
) -> None:
    """Translate German press releases offline and publish DOCX editions and feeds."""
    ui.debug = debug
    ui.verbose = verbose and not quiet
    console.quiet = quiet

ModelsDir = Annotated[
    Optional[Path],
    typer.Option(
        "--models-dir",
        help="Folder of installed model packages (default: $PRESSROOM_MODELS_DIR, else Argos Translate's own).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Optional[Path], typer.Option("--config", help="Settings file (default: ./pressroom.toml if present).")
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _models_dir(explicit: Path | None) -> Path:
    return explicit or default_models_dir()


GlossaryOption = Annotated[
    Optional[Path],
    typer.Option("--glossary", help=f"Glossary file (tab-separated; do-not-translate.txt beside it is read too) [default: ./{GLOSSARY_FILE} if present].", show_default=False),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Exit with code 3 when a quality check finds an error (everything is still published).")
]


def _glossary_path(explicit: Path | None) -> Path:
    """The glossary to use: a named one must exist, the default one may be absent."""
    if explicit is not None and not explicit.is_file():
        raise _fail(f"{explicit}: glossary file not found")
    return explicit or Path(GLOSSARY_FILE)


def _qa_summary(findings: list[Finding], output: Path) -> None:
    """One line: how many errors and warnings the quality checks found, and where to read them."""
    found_errors, warnings = counts(findings)
    colour = "red" if found_errors else "yellow" if warnings else "green"
    console.print(
        f"Quality checks: [{colour}]{plural(found_errors, 'error')}, {plural(warnings, 'warning')}[/] — see {escape(str(output / REPORT_HTML))}",
        highlight=False,
    )


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
        self._progress.console.print(f"{label} {escape(f'{problem.path}: {problem.message}')}", highlight=False)


def plural(count: int, noun: str) -> str:
    """'1 sentence', '2 sentences': counts read as sentences, not as '1 sentences'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _summary(result: BuildResult, output: Path, models_loaded: int) -> None:
    table = Table(title=f"Published to {output}/")
    table.add_column("Language")
    table.add_column("Editions", justify="right")
    for lang, slugs in result.published.items():
        table.add_row(lang, str(len(slugs)))
    console.print(table)
    for stats in result.engines:
        pieces = f", {plural(stats.pieces, 'piece')} of sentences sent again (a placeholder was lost)" if stats.pieces else ""
        console.print(
            f"  {stats.source}→{stats.target}: {plural(stats.translated, 'sentence')} translated, "
            f"{stats.from_memory} from the translation memory{pieces}" + (" [yellow](demo model)[/]" if stats.demo else ""),
            highlight=False,
        )
    if result.reviewed_segments:
        console.print(f"  {plural(result.reviewed_segments, 'segment')} published with a human-approved translation", highlight=False)
    if result.engines and not models_loaded:
        console.print("  no model was loaded: every sentence came from the translation memory", highlight=False)
    if result.up_to_date:
        console.print("  nothing changed since the last build, so nothing was rebuilt", highlight=False)
    if result.demo:
        console.print("[bold yellow]DEMO: the translations are gibberish from placeholder models.[/]", highlight=False)
    _qa_summary(result.findings, output)
    verdict = "[green]all published[/]" if not result.failed else f"[red]{plural(len(result.failed), 'problem')}; the other releases were published[/]"
    waiting = f"{len(result.held_back)} embargoed (published by a build after their date), " if result.held_back else ""
    console.print(
        f"{plural(result.releases_seen, 'release file')}, {waiting}{verdict} in {result.seconds:.1f} s",
        highlight=False,
    )


@app.command("build")
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
) -> None:
    """Translate every release in the releases folder and publish DOCX, pages and feeds."""
    if as_json:
        console.quiet = True  # stdout carries the JSON summary only

    def current_settings() -> Settings:
        """pressroom.toml with this command's flags applied (read again by each watch build)."""
        fresh = _settings(config)
        fresh.review_marks = fresh.review_marks or review_marks
        return fresh

    settings = current_settings()
    targets = [t.strip() for t in to.split(",") if t.strip()] if to else None
    if not releases.is_dir():
        raise _fail(
            f"The releases folder {releases} does not exist. Run 'pressroom init' to set up a "
            "working folder with an example release, or name the folder with --releases."
        )
    if demo_mode:
        from pressroom import demo  # loads ctranslate2.specs (and torch, if installed): demo builds only

        output = output or Path(demo.DEMO_OUTPUT)
        models = models_dir or Path(demo.DEMO_MODELS)
        console.print(
            "[bold yellow]DEMO MODE[/]: no real translation model is used. Placeholder packages "
            f"with random weights in {models}/ produce gibberish; every output in {output}/ is "
            "marked as a demo.",
            highlight=False,
        )
        with console.status("Preparing demo model packages…"):
            demo.ensure_demo_packages(models, settings)
    else:
        output = output or Path("output")
        models = _models_dir(models_dir)
    engines = PackageEngines(models, settings.translation, pivot=settings.pivot_language)
    for problem in engines.problems:
        errors.print(f"[yellow]! note[/] {problem}", highlight=False)
    options = BuildOptions(
        releases_dir=releases, output_dir=output, targets=targets, use_memory=not no_cache, allow_demo=demo_mode,
        bilingual=bilingual, glossary=_glossary_path(glossary), strict=strict, require_review=require_review,
    )
    if watch_mode:
        _watch_and_build(current_settings, config, options, engines, as_json)
        raise typer.Exit(0)
    raise typer.Exit(_build_once(settings, options, engines, as_json))


def _build_once(settings: Settings, options: BuildOptions, engines: PackageEngines, as_json: bool) -> int:
    """One build with progress and a summary (or the JSON summary); returns the exit code."""
    with Progress(
        TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=False
    ) as progress:
        try:
            result = build(settings, options, engines, RichReporter(progress))
        except BuildError as exc:
            if as_json:
                _print_json({"exit_code": 2, "error": str(exc)})
            errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
            return 2
    if as_json:
        _print_json(_json_summary(result, options.output_dir))
    else:
        _summary(result, options.output_dir, engines.loaded_models())
        unready = [] if result.demo else site_warnings(settings)
        if unready:
            console.print(
                f"[yellow]! before publishing:[/] {escape('; '.join(w.text for w in unready))} ('pressroom doctor' says how to fix each)",
                highlight=False,
                soft_wrap=True,
            )
        if ui.verbose:
            for lang, slugs in result.published.items():
                for slug in slugs:
                    console.print(f"  {options.output_dir / lang / slug}.html and .docx", markup=False, highlight=False)
    return result.exit_code


def _json_summary(result: BuildResult, output: Path) -> dict[str, object]:
    """What scripts need from a build: editions per language, problems by file, counts, time."""

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
        "quality": dict(zip(("errors", "warnings"), counts(result.findings))) | {"report": str(output / REPORT_JSON)},
    }


def _print_json(data: object) -> None:
    """One JSON document on one line of stdout (a watch prints one line per build)."""
    print(json.dumps(data, ensure_ascii=False), flush=True)


def _watch_and_build(
    current_settings: Callable[[], Settings], config: Path | None, options: BuildOptions, engines: PackageEngines, as_json: bool
) -> None:
    """Build now, then again after every change, until Ctrl+C. A broken settings file or a
    failed build is reported and the watch goes on, so the officer can fix it and save again."""
    watched = [config or Path(CONFIG_FILE)]
    if options.glossary:
        watched += [options.glossary, options.glossary.parent / DNT_FILE]
    settings = current_settings()

    def rebuild(changed: list[Path]) -> None:
        nonlocal settings, engines
        console.print(f"Changed: {', '.join(str(path) for path in changed)}; building again", markup=False, highlight=False)
        try:
            fresh = current_settings()
        except typer.Exit:  # the error is printed; wait for the next save
            return
        if (fresh.translation, fresh.pivot_language) != (settings.translation, settings.pivot_language):
            engines = PackageEngines(engines.models_dir, fresh.translation, pivot=fresh.pivot_language)
        settings = fresh
        _build_once(settings, options, engines, as_json)

    _build_once(settings, options, engines, as_json)
    names = ", ".join([f"{options.releases_dir}/", *(str(path) for path in watched)])
    console.print(f"Watching {names} for changes. Press Ctrl+C to stop.", highlight=False)
    try:
        watch(lambda: snapshot(options.releases_dir, watched), rebuild, threading.Event())
    except KeyboardInterrupt:
        console.print("Stopped watching.")


@app.command("qa")
def qa_command(
    output: Annotated[Path, typer.Option("--output", help="Output folder of the last build.")] = Path("output"),
    glossary: GlossaryOption = None,
    strict: StrictOption = False,
    config: ConfigOption = None,
) -> None:
    """Check the published translations again (current glossary, no translating) and rewrite the quality report."""
    settings = _settings(config)
    try:
        terms = load_glossary(_glossary_path(glossary), settings.source_language)
        records = load_records(output / STATE_DIR)
    except (GlossaryError, RecordsError) as exc:
        raise _fail(str(exc)) from None
    findings = check_editions(records, Protector(terms), settings.pivot_language)
    try:
        write_report(findings, records, output)
    except OSError as exc:
        raise _fail(f"Cannot write the quality report to {output}: {exc.strerror or exc}") from None
    console.print(f"Checked {plural(len(records), 'translated edition')} in {escape(str(output))}/.", highlight=False)
    _qa_summary(findings, output)
    raise typer.Exit(3 if strict and counts(findings)[0] else 0)


def _missing(settings: Settings, folder: Path) -> list[tuple[str, str]]:
    packages, _ = list_packages(folder) if folder.exists() else ([], [])
    return missing_pairs(packages, settings.source_language, settings.languages, settings.pivot_language)


@models_app.command("install")
def models_install(
    sources: Annotated[Optional[list[str]], typer.Argument(help="An .argosmodel file, or a language pair like de:en from the Argos package index.", show_default=False)] = None,
    needed: Annotated[bool, typer.Option("--needed", help="Download every pair the configured languages still need.")] = False,
    models_dir: ModelsDir = None,
    index: Annotated[Optional[str], typer.Option("--index", help="Package index URL [default: $ARGOS_PACKAGE_INDEX, else Argos Translate's].", show_default=False)] = None,
    config: ConfigOption = None,
) -> None:
    """Install model packages from files or from the Argos package index (needs internet)."""
    target_dir = _models_dir(models_dir)
    sources = list(sources or [])
    if needed:
        sources += [f"{s}:{t}" for s, t in _missing(_settings(config), target_dir)]
    if not sources:
        raise _fail("Name .argosmodel files or pairs like de:en, or use --needed.")
    failures = 0
    for source in sources:
        try:
            if Path(source).suffix == ".argosmodel" or Path(source).exists():
                package = install_file(Path(source), target_dir)
            elif ":" in source:
                from_code, _, to_code = source.partition(":")
                with console.status(f"Downloading {from_code}→{to_code} from the Argos package index…"):
                    package = install_from_index(from_code, to_code, target_dir, index)
            else:
                raise PackageError(f"'{source}' is neither an .argosmodel file nor a pair like de:en")
        except PackageError as exc:
            failures += 1
            errors.print(f"[bold red]✗[/] {escape(source)}: {escape(str(exc).removeprefix(f'{source}: '))}", highlight=False)
            continue
        label = " [yellow](DEMO placeholder)[/]" if package.demo else ""
        console.print(f"[green]✓[/] installed {package.name} {package.version} ({package.from_code}→{package.to_code}) in {package.path}{label}", highlight=False)
    if failures:
        raise typer.Exit(2)


@models_app.command("check")
def models_check(models_dir: ModelsDir = None, config: ConfigOption = None) -> None:
    """Exit 0 when real models cover every configured language, else name the missing pairs (exit 2)."""
    settings = _settings(config)
    folder = _models_dir(models_dir)
    missing = _missing(settings, folder)
    if missing:
        pairs = " ".join(f"{s}:{t}" for s, t in missing)
        raise _fail(f"Models missing in {folder}: {pairs}. Install them with 'pressroom models install {pairs}' or from .argosmodel files.")
    console.print(f"[green]✓[/] models for {settings.source_language}→{', '.join(settings.languages)} are installed in {folder}", highlight=False)


@models_app.command("list")
def models_list(models_dir: ModelsDir = None) -> None:
    """Show the installed model packages and any broken ones."""
    folder = _models_dir(models_dir)
    packages, problems = list_packages(folder)
    table = Table(title=f"Model packages in {folder}")
    for column in ("Pair", "Package", "Version", "Kind"):
        table.add_column(column)
    for package in packages:
        table.add_row(f"{package.from_code}→{package.to_code}", package.name, package.version, "DEMO placeholder" if package.demo else "model")
    console.print(table)
    for problem in problems:
        errors.print(f"[bold red]✗[/] {problem}", highlight=False)
    if not packages:
        console.print("No model packages installed. Run 'pressroom models install de:en en:ko' or 'pressroom models install FILE.argosmodel'.")


ReleasesOption = Annotated[Path, typer.Option("--releases", help="Folder with the German releases.")]
OutputOption = Annotated[Path, typer.Option("--output", help="Output folder.")]


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="Folder to set up; created if it does not exist.")] = Path("."),
) -> None:
    """Set up a working folder: releases/ with an example, pressroom.toml, glossary.tsv, .gitignore."""
    try:
        created = init_folder(folder)
    except ScaffoldError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"Cannot create files in {folder}: {exc.strerror or exc}") from None
    for path in created:
        console.print(f"[green]✓[/] created {path}", highlight=False)
    go = f"cd {folder}, then " if folder != Path(".") else ""
    console.print(
        f"Next: {go}set site_url and organisation in pressroom.toml, write your first release "
        "with 'pressroom new \"Titel\"', check the setup with 'pressroom doctor' and run 'pressroom build'.",
        highlight=False,
    )


@app.command("new")
def new_command(
    title: Annotated[str, typer.Argument(help='The headline, in quotes: "Straßenbahn für Möhringen".', show_default=False)],
    releases: ReleasesOption = Path("releases"),
    slug: Annotated[Optional[str], typer.Option("--slug", help="The release's address name [default: made from the title].", show_default=False)] = None,
    config: ConfigOption = None,
) -> None:
    """Start a new release: releases/<date>-<slug>.md with title, date and slug filled in."""
    settings = _settings(config)
    if not releases.is_dir():
        raise _fail(
            f"There is no {releases}/ folder here. Run this in your pressroom folder, "
            "or set one up with 'pressroom init'."
        )
    try:
        path = new_release(title, releases, settings, slug=slug)
    except ScaffoldError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"Cannot write to {releases}: {exc.strerror or exc}") from None
    console.print(f"[green]✓[/] created {path}", highlight=False)
    console.print("Write the text into it, then run 'pressroom build'.", highlight=False)


@app.command("doctor")
def doctor_command(
    releases: ReleasesOption = Path("releases"),
    output: OutputOption = Path("output"),
    models_dir: ModelsDir = None,
    config: ConfigOption = None,
    glossary: GlossaryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check the setup and say how to fix each problem (exit code 1 when something needs fixing)."""
    folders = Folders(models=_models_dir(models_dir), config=config, releases=releases, output=output, glossary=_glossary_path(glossary))
    checks = run_checks(folders)
    healthy = all(check.ok for check in checks)
    if as_json:
        _print_json({"ok": healthy, "checks": [check.as_dict() for check in checks]})
    else:
        for check in checks:
            style = "yellow" if check.warning else "green" if check.ok else "red"
            console.print(check.line(), style=style, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if healthy else 1)


@app.command("serve")
def serve_command(
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = DEFAULT_PORT,
    bind: Annotated[str, typer.Option("--bind", help="Address to listen on; the default is reachable from this computer only.")] = DEFAULT_HOST,
    output: OutputOption = Path("output"),
    config: ConfigOption = None,
) -> None:
    """Show output/ in your browser before publishing: pages, feeds and DOCX, with working links."""
    settings = _settings(config)
    if not (output / "index.html").is_file():
        raise _fail(f"{output}/ has no index.html yet. Run 'pressroom build' first (or 'pressroom serve --output demo-output' after a demo build).")
    log = (lambda line: console.print(line, markup=False, highlight=False)) if ui.verbose else None
    try:
        server = PreviewServer(output, settings.base_url, bind, port, log=log)
    except OSError as exc:
        raise _fail(
            f"Cannot listen on {bind} port {port}: {exc.strerror or exc}. Is another 'pressroom serve' "
            f"running? Stop it, or choose another port: pressroom serve --port {port + 1}"
        ) from None
    console.print(f"Serving {output}/ at {server.url}", highlight=False, soft_wrap=True)
    console.print(f"Links to {settings.base_url} lead here while you look. Press Ctrl+C to stop.", highlight=False, soft_wrap=True)
    if bind not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"[yellow]! note[/] listening on {bind}: other computers on the network can see these unpublished pages.", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        server.server_close()


@app.command("config")
def config_command(
    config: ConfigOption = None,
    reference: Annotated[bool, typer.Option("--reference", help="Print the Markdown reference of every setting (as in the README).")] = False,
) -> None:
    """Show the settings in effect as a pressroom.toml, each with what it does."""
    typer.echo(config_reference() if reference else config_template(_settings(config)), nl=False)


review_app = typer.Typer(help="Export translations for human review and import the corrections.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("export")
def review_export(
    output: Annotated[Path, typer.Option("--output", help="Output folder of the build to review.")] = Path("output"),
    release: Annotated[Optional[str], typer.Option("--release", help="Only this release (its slug).", show_default=False)] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Only these languages, comma-separated.", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Where the review files go.")] = Path("review"),
    as_docx: Annotated[bool, typer.Option("--docx", help="Write review DOCX tables (for Word) instead of XLIFF.")] = False,
) -> None:
    """Write one XLIFF 1.2 file (or review DOCX) per published translation: review/<lang>/<slug>.xlf."""
    langs = [t.strip() for t in to.split(",") if t.strip()] if to else None
    try:
        paths = export_reviews(output, output / STATE_DIR, out, release=release, langs=langs, as_docx=as_docx)
    except (ReviewError, RecordsError) as exc:
        raise _fail(str(exc)) from None
    for path in paths:
        console.print(f"[green]✓[/] {path}", highlight=False)
    console.print(f"{plural(len(paths), 'review file')}. Edit the translations, then run: pressroom review import FILE...", highlight=False)


@review_app.command("import")
def review_import(
    files: Annotated[list[Path], typer.Argument(help="Corrected .xlf/.xliff or review .docx files.")],
    output: Annotated[Path, typer.Option("--output", help="Output folder the files were exported from.")] = Path("output"),
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who approved the corrections [default: your user name].", show_default=False)] = "",
) -> None:
    """Store corrected translations as human-approved; every later build uses them."""
    try:
        outcomes, problems = import_reviews(output / STATE_DIR, files, reviewer or getpass.getuser())
    except RecordsError as exc:
        raise _fail(str(exc)) from None
    for outcome in outcomes:
        console.print(f"[green]✓[/] {outcome.path}: {plural(outcome.approved, 'segment')} of {outcome.release} ({outcome.lang}) approved", highlight=False)
    for problem in problems:
        errors.print(f"[bold red]✗[/] {problem} — nothing from this file was stored.", highlight=False)
    if outcomes:
        console.print("Run 'pressroom build' to publish the corrections.")
    if problems:
        raise typer.Exit(1)


theme_app = typer.Typer(help="The look of the pages: copy the default theme to change it.", no_args_is_help=True)
app.add_typer(theme_app, name="theme")


@theme_app.command("copy")
def theme_copy(config: ConfigOption = None) -> None:
    """Copy the default theme into theme/ to edit (templates and static files; existing files are kept)."""
    from pressroom.writers.theme import copy_default_theme

    folder = Path(_settings(config).theme)
    copied, kept = copy_default_theme(folder)
    for path in copied:
        console.print(f"[green]✓[/] {escape(str(path))}", highlight=False)
    for path in kept:
        console.print(f"[yellow]![/] {escape(str(path))} exists; kept as it is", highlight=False)
    console.print(
        f"{plural(len(copied), 'file')} copied into {escape(str(folder))}/. Edit them, then 'pressroom build'; "
        "delete a file to go back to the default one.",
        highlight=False,
    )


def main() -> None:
    """Console-script entry point; ``--debug`` (or ``PRESSROOM_DEBUG=1``) shows tracebacks of unexpected errors."""
    try:
        app()
    except ModuleNotFoundError as exc:
        if exc.name != "argostranslate" or ui.debug or os.environ.get("PRESSROOM_DEBUG"):
            raise
        errors.print(f"[bold red]Error:[/] {escape(ARGOS_MISSING)}", highlight=False)
        raise SystemExit(2) from None
    except Exception as exc:  # noqa: BLE001 - user-facing tool: a plain message, not a traceback
        if ui.debug or os.environ.get("PRESSROOM_DEBUG"):
            raise
        errors.print(f"[bold red]Unexpected error:[/] {type(exc).__name__}: {escape(str(exc))}\nThis is a bug in pressroom, not your mistake. Run the same command as 'pressroom --debug …' and send the output to whoever looks after pressroom.", highlight=False)
        raise SystemExit(2) from None
