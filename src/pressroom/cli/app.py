"""The ``pressroom`` command: a thin layer over the library (:mod:`pressroom.build.pipeline`,
:mod:`pressroom.packages`, :mod:`pressroom.review`, ...). Each command module parses and prints;
the library decides. Commands import what they need when they run, so ``--help`` stays fast.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pressroom import __version__
from pressroom.cli.build import build_command, qa_command
from pressroom.cli.cluster import cluster_app
from pressroom.cli.common import console, errors, shown, ui
from pressroom.cli.models import models_app
from pressroom.cli.review import review_app
from pressroom.cli.site import config_command, doctor_command, init_command, new_command, serve_command, theme_app

# pyproject.toml leaves argostranslate out of the dependencies: pip would bring stanza and
# torch with it (several GB) for a splitter pressroom never uses. See README, "Lean install".
ARGOS_MISSING = (
    "argostranslate is not installed. Install it without its heavy extras: "
    "pip install --no-deps 'argostranslate>=1.11,<1.12'"
)

app = typer.Typer(
    help="Translate German press releases offline and publish DOCX editions and feeds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("build")(build_command)
app.command("qa")(qa_command)
app.add_typer(models_app, name="models")
app.command("init")(init_command)
app.command("new")(new_command)
app.command("doctor")(doctor_command)
app.command("serve")(serve_command)
app.command("config")(config_command)
app.add_typer(review_app, name="review")
app.add_typer(theme_app, name="theme")
app.add_typer(cluster_app, name="cluster")


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


def main() -> None:
    """Console-script entry point; ``--debug`` (or ``PRESSROOM_DEBUG=1``) shows tracebacks of unexpected errors."""
    try:
        app()
    except ModuleNotFoundError as exc:
        if exc.name != "argostranslate" or ui.debug or os.environ.get("PRESSROOM_DEBUG"):
            raise
        errors.print(f"[bold red]Error:[/] {shown(ARGOS_MISSING)}", highlight=False)
        raise SystemExit(2) from None
    except Exception as exc:  # noqa: BLE001 - user-facing tool: a plain message, not a traceback
        if ui.debug or os.environ.get("PRESSROOM_DEBUG"):
            raise
        errors.print(f"[bold red]Unexpected error:[/] {type(exc).__name__}: {shown(exc)}\nThis is a bug in pressroom, not your mistake. Run the same command as 'pressroom --debug …' and send the output to whoever looks after pressroom.", highlight=False)
        raise SystemExit(2) from None
