"""``pressroom models``: install Argos packages, add other CTranslate2 models, check and list them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pressroom.cli.common import ConfigOption, ModelsDir, console, errors, fail, models_dir_or_default, settings_or_exit, shown
from pressroom.config import Settings

models_app = typer.Typer(help="Install, add and list translation models (Argos packages, OPUS-MT, M2M100, NLLB).", no_args_is_help=True)


def _missing(settings: Settings, folder: Path) -> list[tuple[str, str]]:
    from pressroom.translate.installed import list_models
    from pressroom.translate.routing import missing_pairs

    models, _ = list_models(folder)
    return missing_pairs(models, settings.source_language, settings.languages, settings.pivot_language)


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


@models_app.command("add")
def models_add(
    folder: Annotated[Path, typer.Argument(help="A folder written by ct2-transformers-converter or ct2-opus-mt-converter, with its tokenizer files.", show_default=False)],
    name: Annotated[Optional[str], typer.Option("--name", help="The model's name, for [models] in pressroom.toml [default: the folder's name].", show_default=False)] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="marian, m2m100 or nllb (or a plug-in's kind) [default: recognised from the files].", show_default=False)] = None,
    licence: Annotated[Optional[str], typer.Option("--licence", help="The model's licence, like CC-BY-4.0 [default: from its README.md, or the family's].", show_default=False)] = None,
    models_dir: ModelsDir = None,
) -> None:
    """Copy a converted CTranslate2 model (OPUS-MT, M2M100, NLLB-200) into the models folder, after a test translation."""
    from pressroom.packages import PackageError
    from pressroom.translate.installed import add_model, size_text

    target_dir = models_dir_or_default(models_dir)
    try:
        with console.status(f"Checking and copying {shown(folder)}…"):
            model = add_model(folder, target_dir, name=name, kind=kind, licence=licence)
    except PackageError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"[green]✓[/] added {shown(model.name)} ({shown(model.family.title)}, {shown(model.languages_text())}, "
        f"{size_text(model.size)}, licence {shown(model.licence_text())}) in {shown(model.path)}",
        highlight=False,
    )
    if model.non_commercial:
        console.print("[yellow]! Its licence allows non-commercial use only.[/]", highlight=False)
    console.print(f"Use it for a language with [models] in pressroom.toml, e.g. ko = \"{shown(model.name)}\".", highlight=False)


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
def models_list(models_dir: ModelsDir = None, config: ConfigOption = None) -> None:
    """Show the installed models (kind, languages, size, licence) and any broken ones."""
    from pressroom.translate.installed import list_models, size_text

    folder = models_dir_or_default(models_dir)
    settings = settings_or_exit(config)
    models, problems = list_models(folder)
    table = Table(title=shown(f"Models in {folder}"))
    for column in ("Name", "Kind", "Languages", "Size", "Licence"):
        table.add_column(column)
    for model in models:
        kind = model.family.title + (" [yellow](DEMO placeholder)[/]" if model.demo else "")
        licence = model.licence_text()
        table.add_row(
            shown(model.label), kind, shown(model.languages_text([settings.source_language, *settings.languages])),
            size_text(model.size), f"[yellow]{shown(licence)}[/]" if model.non_commercial else shown(licence),
        )
    console.print(table)
    for problem in problems:
        errors.print(f"[bold red]✗[/] {shown(problem)}", highlight=False)
    if not models:
        console.print(
            "No models installed. Run 'pressroom models install de:en en:ko', 'pressroom models install FILE.argosmodel' "
            "or 'pressroom models add FOLDER' (a converted OPUS-MT, M2M100 or NLLB model)."
        )
