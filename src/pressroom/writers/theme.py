"""Themes: Jinja2 templates and static files, the default one shipped in the package.

A ``theme/`` folder in the working folder (the ``theme`` setting) overrides the default theme
file by file, the way a Pelican theme does: ``theme/templates/base.html`` replaces the default
``base.html`` and nothing else; ``theme/static/style.css`` replaces the default stylesheet.
Autoescaping is on for every template, so text from a release is always text.

Jinja2 is imported when a :class:`Theme` is made (only builds write pages), so commands such as
``pressroom --help`` start without it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.writers.labels import dateline_text, format_date, label, machine_date, whole_seconds, xml_safe
from pressroom.writers.links import STATIC_DIR, contained_path
from pressroom.writers.memo import OutputMemo, write_file

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"
TEMPLATES = "templates"
STATIC = "static"


class ThemeError(ValueError):
    """A template of the theme cannot be used; the message names the file and line."""


class Theme:
    """The templates and static files of one build: the working folder's theme over the default."""

    def __init__(self, settings: Settings, override: Path | None = None) -> None:
        import jinja2  # only builds render pages; keep it out of start-up

        self.settings = settings
        self.override = override if override is not None else Path(settings.theme)
        folders = [self.override / TEMPLATES, DEFAULT_THEME / TEMPLATES]
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder) for folder in folders if folder.is_dir()]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            finalize=_xml_safe,
        )
        self.env.filters["isotime"] = lambda moment: whole_seconds(moment).isoformat()
        self.env.globals["language_name"] = lambda lang: LANGUAGE_NAMES.get(lang, lang)
        self.env.globals["format_date"] = format_date
        self.env.globals["machine_date"] = machine_date
        self.env.globals["dateline_text"] = dateline_text
        self.env.globals["label"] = label
        self._errors = (jinja2.TemplateError, OSError)

    def render(self, template: str, **context: Any) -> str:
        """``template`` rendered with ``context`` plus the site-wide values every page uses."""
        lang = context.get("lang", self.settings.source_language)
        context.setdefault("_", _translator(lang))
        context.setdefault("settings", self.settings)
        try:
            return self.env.get_template(template).render(**context)
        except self._errors as exc:
            where = getattr(exc, "filename", None) or template
            line = getattr(exc, "lineno", None)
            raise ThemeError(f"{where}{f', line {line}' if line else ''}: {exc}") from None

    def static_files(self) -> dict[str, Path]:
        """Each static file by its name, the working folder's version where it has one."""
        files: dict[str, Path] = {}
        for folder in (DEFAULT_THEME / STATIC, self.override / STATIC):
            if folder.is_dir():
                files.update({p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()})
        return files

    def copy_static(self, output_dir: Path, memo: OutputMemo | None = None) -> None:
        """Copy the static files to ``output/theme/``, and the logo beside them (each atomically;
        with a ``memo``, only those whose bytes changed)."""
        copies = {contained_path(output_dir, STATIC_DIR, *name.split("/")): source for name, source in self.static_files().items()}
        logo = self.logo_file()
        if logo:
            copies[contained_path(output_dir, STATIC_DIR, logo_name(self.settings))] = logo
        for target, source in copies.items():
            data = source.read_bytes()
            write_file(memo, target, lambda: data, lambda: data)  # noqa: B023 - called at once

    def logo_file(self) -> Path | None:
        """The configured logo file, when it exists."""
        path = Path(self.settings.logo) if self.settings.logo else None
        return path if path and path.is_file() else None


def _xml_safe(value: Any) -> Any:
    """Every value a template prints, without characters XML and HTML cannot hold (a NUL or
    escape character in a release must not break a page or a feed)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return Markup(xml_safe(value))
    return xml_safe(value) if isinstance(value, str) else value


def logo_name(settings: Settings) -> str:
    """File name of the logo in ``output/theme/`` (its suffix kept, so browsers know the type)."""
    return "logo" + Path(settings.logo).suffix.lower()


def _translator(lang: str) -> Callable[..., str]:
    """``_("key", year=2025)``: the phrase in the page's language, with values filled in."""

    def translate(key: str, **values: object) -> str:
        text = label(lang, key)
        return text.format(**values) if values else text

    return translate


def copy_default_theme(destination: Path) -> tuple[list[Path], list[Path]]:
    """Copy the default theme into ``destination`` (``theme/``) to edit; existing files are kept.

    Returns (copied, kept): a file already there is never overwritten.
    """
    copied, kept = [], []
    for source in sorted(DEFAULT_THEME.rglob("*")):
        if not source.is_file():
            continue
        target = destination / source.relative_to(DEFAULT_THEME)
        if target.exists():
            kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    return copied, kept


def iso(moment: datetime) -> str:
    """A time in ISO 8601 with whole seconds and its offset, as pages, feeds and sitemaps write it."""
    return whole_seconds(moment).isoformat()
