"""The ``pressroom`` command: a thin layer over :mod:`pressroom.pipeline` and :mod:`pressroom.packages`.

Exit codes: 0 everything published; 1 some releases failed (the rest were published);
2 usage or configuration error, or a needed model is missing; 3 (only with ``--strict``)
everything was published, but a quality check found an error (see output/qa-report.html).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pressroom import demo
from pressroom.config import ConfigError, Settings, load_settings
from pressroom.packages import PackageError, default_models_dir, install_file, install_from_index, list_packages
from pressroom.pipeline import STATE_DIR, BuildError, BuildOptions, BuildResult, FileProblem, build
from pressroom.qa.checks import Finding, check_editions
from pressroom.qa.glossary import GLOSSARY_FILE, GlossaryError, load_glossary
from pressroom.qa.protect import Protector
from pressroom.qa.report import REPORT_HTML, REPORT_JSON, RecordsError, counts, load_records, write_report
from pressroom.translate.routing import PackageEngines, missing_pairs

app = typer.Typer(
    help="Translate German press releases offline and publish DOCX editions and feeds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Install and list Argos Translate model packages.", no_args_is_help=True)
app.add_typer(models_app, name="models")

console = Console()
errors = Console(stderr=True)

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
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
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
        f"Quality checks: [{colour}]{found_errors} error(s), {warnings} warning(s)[/] — see {escape(str(output / REPORT_HTML))}",
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
        self._progress.console.print(f"{label} {problem.path}: {problem.message}", highlight=False)


def _summary(result: BuildResult, output: Path, models_loaded: int) -> None:
    table = Table(title=f"Published to {output}/")
    table.add_column("Language")
    table.add_column("Editions", justify="right")
    for lang, slugs in result.published.items():
        table.add_row(lang, str(len(slugs)))
    console.print(table)
    for stats in result.engines:
        console.print(
            f"  {stats.source}→{stats.target}: {stats.translated} sentences translated, "
            f"{stats.from_memory} from the translation memory" + (" [yellow](demo model)[/]" if stats.demo else ""),
            highlight=False,
        )
    if result.engines and not models_loaded:
        console.print("  no model was loaded: every sentence came from the translation memory", highlight=False)
    if result.up_to_date:
        console.print("  nothing changed since the last build, so nothing was rebuilt", highlight=False)
    if result.demo:
        console.print("[bold yellow]DEMO: the translations are gibberish from placeholder models.[/]", highlight=False)
    _qa_summary(result.findings, output)
    verdict = "[green]all published[/]" if not result.failed else f"[red]{len(result.failed)} problem(s); the other releases were published[/]"
    waiting = f"{len(result.held_back)} embargoed (published by a build after their date), " if result.held_back else ""
    console.print(
        f"{result.releases_seen} release file(s), {waiting}{verdict} in {result.seconds:.1f} s",
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
    bilingual: Annotated[bool, typer.Option("--bilingual", help="Also write a review edition per translation, original and translation side by side: <lang>/<slug>.bilingual.docx (not in feeds or pages).")] = False,
    glossary: GlossaryOption = None,
    strict: StrictOption = False,
    review_marks: Annotated[bool, typer.Option("--review-marks", help="Mark segments flagged by the quality checks with Word comments in the DOCX editions (for reviewers, not for the public).")] = False,
) -> None:
    """Translate every release in the releases folder and publish DOCX, pages and feeds."""
    settings = _settings(config)
    settings.review_marks = settings.review_marks or review_marks
    targets = [t.strip() for t in to.split(",") if t.strip()] if to else None
    if demo_mode:
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
        bilingual=bilingual, glossary=_glossary_path(glossary), strict=strict,
    )
    with Progress(
        TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=False
    ) as progress:
        try:
            result = build(settings, options, engines, RichReporter(progress))
        except BuildError as exc:
            raise _fail(str(exc)) from None
    _summary(result, output, engines.loaded_models())
    raise typer.Exit(result.exit_code)


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
    console.print(f"Checked {len(records)} translated edition(s) in {escape(str(output))}/.", highlight=False)
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
            errors.print(f"[bold red]✗[/] {source}: {exc}", highlight=False)
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


def main() -> None:
    """Console-script entry point; ``PRESSROOM_DEBUG=1`` shows tracebacks of unexpected errors."""
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - user-facing tool: a plain message, not a traceback
        if os.environ.get("PRESSROOM_DEBUG"):
            raise
        errors.print(f"[bold red]Unexpected error:[/] {type(exc).__name__}: {exc}\nRun again with PRESSROOM_DEBUG=1 to see the details.", highlight=False)
        raise SystemExit(2) from None
