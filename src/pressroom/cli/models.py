"""``pressroom models``: install, check and list translation model packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pressroom.cli.common import ConfigOption, ModelsDir, console, errors, fail, models_dir_or_default, settings_or_exit, shown
from pressroom.config import Settings

models_app = typer.Typer(help="Install and list Argos Translate model packages.", no_args_is_help=True)


def _missing(settings: Settings, folder: Path) -> list[tuple[str, str]]:
    from pressroom.packages import list_packages
    from pressroom.translate.routing import missing_pairs

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
    from pressroom.install import install_file, install_from_index
    from pressroom.packages import PackageError

    target_dir = models_dir_or_default(models_dir)
    sources = list(sources or [])
    if needed:
        sources += [f"{s}:{t}" for s, t in _missing(settings_or_exit(config), target_dir)]
    if not sources:
        raise fail("Name .argosmodel files or pairs like de:en, or use --needed.")
    failures = 0
    for source in sources:
        try:
            if Path(source).suffix == ".argosmodel" or Path(source).exists():
                package = install_file(Path(source), target_dir)
            elif ":" in source:
                from_code, _, to_code = source.partition(":")
                with console.status(f"Downloading {shown(from_code)}→{shown(to_code)} from the Argos package index…"):
                    package = install_from_index(from_code, to_code, target_dir, index)
            else:
                raise PackageError(f"'{source}' is neither an .argosmodel file nor a pair like de:en")
        except PackageError as exc:
            failures += 1
            errors.print(f"[bold red]✗[/] {shown(source)}: {shown(str(exc).removeprefix(f'{source}: '))}", highlight=False)
            continue
        label = " [yellow](DEMO placeholder)[/]" if package.demo else ""
        described = f"{package.name} {package.version} ({package.from_code}→{package.to_code}) in {package.path}"
        console.print(f"[green]✓[/] installed {shown(described)}{label}", highlight=False)
    if failures:
        raise typer.Exit(2)


@models_app.command("check")
def models_check(models_dir: ModelsDir = None, config: ConfigOption = None) -> None:
    """Exit 0 when real models cover every configured language, else name the missing pairs (exit 2)."""
    settings = settings_or_exit(config)
    folder = models_dir_or_default(models_dir)
    missing = _missing(settings, folder)
    if missing:
        pairs = " ".join(f"{s}:{t}" for s, t in missing)
        raise fail(f"Models missing in {folder}: {pairs}. Install them with 'pressroom models install {pairs}' or from .argosmodel files.")
    console.print(f"[green]✓[/] models for {settings.source_language}→{', '.join(settings.languages)} are installed in {shown(folder)}", highlight=False)


@models_app.command("list")
def models_list(models_dir: ModelsDir = None) -> None:
    """Show the installed model packages and any broken ones."""
    from pressroom.packages import list_packages

    folder = models_dir_or_default(models_dir)
    packages, problems = list_packages(folder)
    table = Table(title=shown(f"Model packages in {folder}"))
    for column in ("Pair", "Package", "Version", "Kind"):
        table.add_column(column)
    for package in packages:
        table.add_row(
            shown(f"{package.from_code}→{package.to_code}"), shown(package.name), shown(package.version),
            "DEMO placeholder" if package.demo else "model",
        )
    console.print(table)
    for problem in problems:
        errors.print(f"[bold red]✗[/] {shown(problem)}", highlight=False)
    if not packages:
        console.print("No model packages installed. Run 'pressroom models install de:en en:ko' or 'pressroom models install FILE.argosmodel'.")
