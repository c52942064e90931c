"""``pressroom review``: export translations for people to correct, import their corrections."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Optional

import typer

from pressroom.cli.common import console, errors, fail, note, plural, shown

review_app = typer.Typer(help="Export translations for human review and import the corrections.", no_args_is_help=True)


@review_app.command("export")
def review_export(
    output: Annotated[Path, typer.Option("--output", help="Output folder of the build to review.")] = Path("output"),
    release: Annotated[Optional[str], typer.Option("--release", help="Only this release (its slug).", show_default=False)] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Only these languages, comma-separated.", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Where the review files go.")] = Path("review"),
    as_docx: Annotated[bool, typer.Option("--docx", help="Write review DOCX tables (for Word) instead of XLIFF.")] = False,
    document_order: Annotated[bool, typer.Option("--document-order", help="Keep the segments in document order instead of least sure first.")] = False,
) -> None:
    """Write one XLIFF 1.2 file (or review DOCX) per published translation: review/<lang>/<slug>.xlf.

    The segments the model was least sure of come first, and so do the files that hold them.
    """
    from pressroom.build.types import STATE_DIR
    from pressroom.qa.report import RecordsError
    from pressroom.review.exchange import ReviewError
    from pressroom.review.workflow import export_reviews

    langs = [t.strip() for t in to.split(",") if t.strip()] if to else None
    try:
        paths = export_reviews(
            output, output / STATE_DIR, out, release=release, langs=langs, as_docx=as_docx, document_order=document_order,
            note=note,
        )
    except (ReviewError, RecordsError) as exc:
        raise fail(str(exc)) from None
    for path in paths:
        console.print(f"[green]✓[/] {shown(path)}", highlight=False)
    console.print(f"{plural(len(paths), 'review file')}. Edit the translations, then run: pressroom review import FILE...", highlight=False)


@review_app.command("import")
def review_import(
    files: Annotated[list[Path], typer.Argument(help="Corrected .xlf/.xliff or review .docx files.")],
    output: Annotated[Path, typer.Option("--output", help="Output folder the files were exported from.")] = Path("output"),
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who approved the corrections [default: your user name].", show_default=False)] = "",
) -> None:
    """Store corrected translations as human-approved; every later build uses them."""
    from pressroom.build.types import STATE_DIR
    from pressroom.qa.report import RecordsError
    from pressroom.review.workflow import import_reviews

    try:
        outcomes, problems = import_reviews(output / STATE_DIR, files, reviewer or getpass.getuser(), note=note)
    except RecordsError as exc:
        raise fail(str(exc)) from None
    for outcome in outcomes:
        approved = f"{outcome.path}: {plural(outcome.approved, 'segment')} of {outcome.release} ({outcome.lang}) approved"
        console.print(f"[green]✓[/] {shown(approved)}", highlight=False)
    for problem in problems:
        errors.print(f"[bold red]✗[/] {shown(problem)} — nothing from this file was stored.", highlight=False)
    if outcomes:
        console.print("Run 'pressroom build' to publish the corrections.")
    if problems:
        raise typer.Exit(1)
