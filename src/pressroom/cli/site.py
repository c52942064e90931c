"""The working folder's commands: ``init``, ``new``, ``doctor``, ``serve`` and ``config``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pressroom.cli.common import (
    ConfigOption,
    GlossaryOption,
    ModelsDir,
    OutputOption,
    ReleasesOption,
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
from pressroom.serve import DEFAULT_HOST, DEFAULT_PORT, PreviewServer


def init_command(
    folder: Annotated[Path, typer.Argument(help="Folder to set up; created if it does not exist.")] = Path("."),
) -> None:
    """Set up a working folder: releases/ with an example, pressroom.toml, glossary.tsv, .gitignore."""
    from pressroom.scaffold import ScaffoldError, init_folder

    try:
        created = init_folder(folder)
    except ScaffoldError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"Cannot create files in {folder}: {exc.strerror or exc}") from None
    for path in created:
        console.print(f"[green]✓[/] created {shown(path)}", highlight=False)
    go = f"cd {folder}, then " if folder != Path(".") else ""
    console.print(
        f"Next: {go}set site_url and organisation in pressroom.toml, write your first release "
        "with 'pressroom new \"Titel\"', check the setup with 'pressroom doctor' and run 'pressroom build'.",
        markup=False,
        highlight=False,
    )


def new_command(
    title: Annotated[str, typer.Argument(help='The headline, in quotes: "Straßenbahn für Möhringen".', show_default=False)],
    releases: ReleasesOption = Path("releases"),
    slug: Annotated[Optional[str], typer.Option("--slug", help="The release's address name [default: made from the title].", show_default=False)] = None,
    config: ConfigOption = None,
) -> None:
    """Start a new release: releases/<date>-<slug>.md with title, date and slug filled in."""
    from pressroom.scaffold import ScaffoldError, new_release

    settings = settings_or_exit(config)
    if not releases.is_dir():
        raise fail(
            f"There is no {releases}/ folder here. Run this in your pressroom folder, "
            "or set one up with 'pressroom init'."
        )
    try:
        path = new_release(title, releases, settings, slug=slug)
    except ScaffoldError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"Cannot write to {releases}: {exc.strerror or exc}") from None
    console.print(f"[green]✓[/] created {shown(path)}", highlight=False)
    console.print("Write the text into it, then run 'pressroom build'.", highlight=False)


def doctor_command(
    releases: ReleasesOption = Path("releases"),
    output: OutputOption = Path("output"),
    models_dir: ModelsDir = None,
    config: ConfigOption = None,
    glossary: GlossaryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check the setup and say how to fix each problem (exit code 1 when something needs fixing)."""
    from pressroom.doctor import Folders, run_checks

    folders = Folders(models=models_dir_or_default(models_dir), config=config, releases=releases, output=output, glossary=glossary_path(glossary))
    checks = run_checks(folders)
    healthy = all(check.ok for check in checks)
    if as_json:
        print_json({"ok": healthy, "checks": [check.as_dict() for check in checks]})
    else:
        for check in checks:
            style = "yellow" if check.warning else "green" if check.ok else "red"
            console.print(check.line(), style=style, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(0 if healthy else 1)


def serve_command(
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = DEFAULT_PORT,
    bind: Annotated[str, typer.Option("--bind", help="Address to listen on; the default is reachable from this computer only.")] = DEFAULT_HOST,
    output: OutputOption = Path("output"),
    config: ConfigOption = None,
) -> None:
    """Show output/ in your browser before publishing: pages, feeds and DOCX, with working links."""
    settings = settings_or_exit(config)
    if not (output / "index.html").is_file():
        raise fail(f"{output}/ has no index.html yet. Run 'pressroom build' first (or 'pressroom serve --output demo-output' after a demo build).")
    log = (lambda line: console.print(line, markup=False, highlight=False)) if ui.verbose else None
    try:
        server = PreviewServer(output, settings.base_url, bind, port, log=log)
    except OSError as exc:
        raise fail(
            f"Cannot listen on {bind} port {port}: {exc.strerror or exc}. Is another 'pressroom serve' "
            f"running? Stop it, or choose another port: pressroom serve --port {port + 1}"
        ) from None
    console.print(f"Serving {output}/ at {server.url}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"Links to {settings.base_url} lead here while you look. Press Ctrl+C to stop.", markup=False, highlight=False, soft_wrap=True)
    if bind not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"[yellow]! note[/] listening on {shown(bind)}: other computers on the network can see these unpublished pages.", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        server.server_close()


def config_command(
    config: ConfigOption = None,
    reference: Annotated[bool, typer.Option("--reference", help="Print the Markdown reference of every setting (as in the README).")] = False,
) -> None:
    """Show the settings in effect as a pressroom.toml, each with what it does."""
    from pressroom.scaffold import config_reference, config_template

    typer.echo(config_reference() if reference else config_template(settings_or_exit(config)), nl=False)


theme_app = typer.Typer(help="The look of the pages: copy the default theme to change it.", no_args_is_help=True)


@theme_app.command("copy")
def theme_copy(config: ConfigOption = None) -> None:
    """Copy the default theme into theme/ to edit (templates and static files; existing files are kept)."""
    from pressroom.writers.theme import copy_default_theme

    folder = Path(settings_or_exit(config).theme)
    copied, kept = copy_default_theme(folder)
    for path in copied:
        console.print(f"[green]✓[/] {shown(path)}", highlight=False)
    for path in kept:
        console.print(f"[yellow]![/] {shown(path)} exists; kept as it is", highlight=False)
    console.print(
        f"{plural(len(copied), 'file')} copied into {shown(folder)}/. Edit them, then 'pressroom build'; "
        "delete a file to go back to the default one.",
        highlight=False,
    )
