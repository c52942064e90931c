"""What every command shares: the consoles, plain error exits, common options and small helpers.

Nothing here imports the build, the models or the writers, so ``pressroom --help`` stays fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from pressroom.config import ConfigError, Settings, load_settings
from pressroom.qa.glossary import GLOSSARY_FILE
from pressroom.text import clean

console = Console()
errors = Console(stderr=True)


@dataclass
class Ui:
    """Global options of this run (set by the app's callback)."""

    debug: bool = False
    verbose: bool = False


ui = Ui()

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
GlossaryOption = Annotated[
    Optional[Path],
    typer.Option("--glossary", help=f"Glossary file (tab-separated; do-not-translate.txt beside it is read too) [default: ./{GLOSSARY_FILE} if present].", show_default=False),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Exit with code 3 when a quality check finds an error (everything is still published).")
]
ReleasesOption = Annotated[Path, typer.Option("--releases", help="Folder with the German releases.")]
OutputOption = Annotated[Path, typer.Option("--output", help="Output folder.")]


def shown(value: object) -> str:
    """Any text from outside (a file name, a package name, a message quoting a file) as rich
    may print it: markup escaped, control and direction characters removed (pressroom.text)."""
    return escape(clean(str(value)))


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``Error: message`` (markup escaped) and return the exit to raise."""
    errors.print(f"[bold red]Error:[/] {shown(message)}", highlight=False)
    return typer.Exit(code)


def note(message: str) -> None:
    """Print ``! note message`` on stderr: something was recovered or guessed."""
    errors.print(f"[yellow]! note[/] {shown(message)}", highlight=False)


def settings_or_exit(config: Path | None) -> Settings:
    """The settings in effect; a broken settings file is a plain error (exit 2)."""
    try:
        return load_settings(config)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def models_dir_or_default(explicit: Path | None) -> Path:
    """The models folder named on the command line, else the default one."""
    from pressroom.packages import default_models_dir

    return explicit or default_models_dir()


def glossary_path(explicit: Path | None) -> Path:
    """The glossary to use: a named one must exist, the default one may be absent."""
    if explicit is not None and not explicit.is_file():
        raise fail(f"{explicit}: glossary file not found")
    return explicit or Path(GLOSSARY_FILE)


def plural(count: int, noun: str) -> str:
    """'1 sentence', '2 sentences': counts read as sentences, not as '1 sentences'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def print_json(data: object) -> None:
    """One JSON document on one line of stdout (a watch prints one line per build)."""
    print(json.dumps(data, ensure_ascii=False), flush=True)
