"""A press office's working folder: ``pressroom init`` and ``pressroom new``, and the settings' documentation.

The commented ``pressroom.toml`` that ``init`` writes, ``pressroom config`` and the README's
configuration reference are all generated from the ``doc`` of each setting in
:mod:`pressroom.config`, so the three can never say different things.

Files are created with exclusive creation (``open(..., "x")``): ``init`` and ``new`` never
overwrite anything a press officer wrote, even if the file appears between check and write.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from pressroom.config import CONFIG_FILE, Settings
from pressroom.qa.glossary import GLOSSARY_FILE
from pressroom.readers import ReaderError, find_releases, read_release
from pressroom.slug import slugify

RELEASES_DIR = "releases"

GLOSSARY_EXAMPLE = (
    "de\ten\tko\tnote\n"
    "Oberbürgermeister\tLord Mayor\t시장\tTitel des Stadtoberhaupts\n"
    "Gemeinderat\tmunicipal council\t시의회\t\n"
    "Stadtbahn\tStadtbahn (light rail)\t경전철\tEigenname im Englischen beibehalten\n"
)

GITIGNORE = "# pressroom: generated output and working state, rebuilt by 'pressroom build'\noutput/\ndemo-output/\n.pressroom/\n"

EXAMPLE_RELEASE = """\
---
title: Beispielmeldung – so ist eine Pressemitteilung für pressroom aufgebaut
date: {date}
slug: beispielmeldung
summary: >-
  Die Zusammenfassung in ein bis zwei Sätzen erscheint in den Feeds und auf den Übersichtsseiten.
tags: [Beispiel]
contact: |
  Pressestelle
  Telefon: +49 711 000-0
  E-Mail: presse@example.org
---

Der erste Absatz sagt, wer was wann und wo tut. Absätze werden durch eine Leerzeile getrennt.

## Zwischenüberschriften beginnen mit zwei Rautenzeichen

Diese Datei ist ein Beispiel. Ersetzen Sie sie durch Ihre erste Meldung oder löschen Sie sie vor der ersten Veröffentlichung.

> „Zitate beginnen mit einem spitzen Klammerzeichen“, sagt die Pressesprecherin.

- Aufzählungen beginnen mit einem Bindestrich.
- Jeder Punkt steht in einer eigenen Zeile.
"""

NEW_RELEASE_BODY = """
Erster Absatz: wer, was, wann, wo.

## Zwischenüberschrift

Weiterer Text.
"""


class ScaffoldError(Exception):
    """A file would be overwritten or a title is unusable; the message names the file."""


def init_folder(folder: Path, settings: Settings | None = None, now: datetime | None = None) -> list[Path]:
    """Create a ready working folder in ``folder`` and return the files written.

    Refuses (and writes nothing) when any of the files already exists. The example release
    is left out when ``releases/`` already holds releases, so it is never published by
    accident next to real ones.
    """
    settings = settings or Settings()
    now = now or datetime.now(settings.zone)
    releases = folder / RELEASES_DIR
    files = {
        folder / CONFIG_FILE: config_template(settings, header=True),
        folder / GLOSSARY_FILE: GLOSSARY_EXAMPLE,
        folder / ".gitignore": GITIGNORE,
    }
    if not (releases.is_dir() and find_releases(releases)):
        example = releases / release_file_name(now, "beispielmeldung")
        files[example] = EXAMPLE_RELEASE.format(date=_iso_minutes(now))
    existing = [path for path in files if path.exists()]
    if existing:
        names = ", ".join(str(path) for path in existing)
        raise ScaffoldError(
            f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was changed. "
            "Run 'pressroom init' in a new or empty folder, or move these files away first."
        )
    for path, text in files.items():
        _create(path, text)
    return list(files)


def new_release(
    title: str, releases_dir: Path, settings: Settings, now: datetime | None = None, slug: str | None = None
) -> Path:
    """Write a new Markdown release with its front matter filled in; return its path.

    The slug is written into the front matter so the release's address stays the same when
    its title is corrected later. A slug another release already uses is refused, because
    the build would reject the second release.
    """
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError("The title is empty; write it in quotes: pressroom new \"Titel der Meldung\"")
    slug = slugify(slug or title)
    now = now or datetime.now(settings.zone)
    taken = _slug_owner(releases_dir, settings, slug)
    if taken:
        raise ScaffoldError(
            f"{taken} already uses the slug '{slug}'. Choose another title, or give the new "
            "release its own with --slug."
        )
    meta = {"title": title, "date": _iso_minutes(now), "slug": slug}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) + "summary:\ntags: []\n"
    path = releases_dir / release_file_name(now, slug)
    _create(path, f"---\n{front}---\n{NEW_RELEASE_BODY}")
    return path


def release_file_name(when: datetime, slug: str) -> str:
    """``2025-07-24-slug.md``: date first, so the releases folder lists in publishing order."""
    return f"{when:%Y-%m-%d}-{slug}.md"


def _iso_minutes(when: datetime) -> str:
    return when.isoformat(timespec="minutes")


def _slug_owner(releases_dir: Path, settings: Settings, slug: str) -> Path | None:
    if not releases_dir.is_dir():
        return None
    for path in find_releases(releases_dir):
        try:
            if read_release(path, settings).slug == slug:
                return path
        except ReaderError:
            continue  # the build reports unreadable releases; they own no slug yet
    return None


def _create(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; nothing was overwritten") from None


# --- settings documentation -------------------------------------------------------------


def config_template(settings: Settings, *, header: bool = False) -> str:
    """``settings`` as a ``pressroom.toml`` with every setting present and its doc as a comment."""
    lines = []
    if header:
        lines += [
            "# pressroom settings. Every setting is listed with its default value and what it does;",
            "# change what you need. Lines starting with # are comments.",
            "",
        ]
    tables: list[tuple[str, Any, str, str]] = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, dict) or is_dataclass(value):
            tables.append((f.name, value, f.metadata.get("doc", ""), f.metadata.get("example", "")))
            continue
        lines += [*_comment(f.metadata["doc"]), f"{f.name} = {toml_value(value)}", ""]
    for name, value, doc, example in tables:
        lines.append(f"[{name}]")
        if is_dataclass(value):
            lines += _comment(_doc_of(value))
            for sub in fields(value):
                lines += [*_comment(sub.metadata["doc"]), f"{sub.name} = {toml_value(getattr(value, sub.name))}"]
        else:
            lines += _comment(doc)
            lines += [f"{toml_key(key)} = {toml_value(item)}" for key, item in value.items()]
            if not value:
                lines.append(example or f'# for example: {settings.languages[0] if settings.languages else "en"} = "…"')
        lines.append("")
    return "\n".join(lines)


def config_reference() -> str:
    """The README's configuration reference: one Markdown table per section of pressroom.toml."""
    settings = Settings()
    sections: list[tuple[str, str, Any]] = [("Top level", "", settings)]
    sections += [
        (f"`[{f.name}]`", _doc_of(getattr(settings, f.name)), getattr(settings, f.name))
        for f in fields(settings)
        if is_dataclass(getattr(settings, f.name))
    ]
    out = []
    for title, doc, target in sections:
        out += [f"#### {title}", ""]
        if doc:
            out += [doc, ""]
        out += ["| Setting | Default | What it does |", "| --- | --- | --- |"]
        for f in fields(target):
            value = getattr(target, f.name)
            if is_dataclass(value):
                continue
            default = toml_value(value).replace("|", "\\|")
            out.append(f"| `{f.name}` | `{default}` | {_cell(f.metadata['doc'])} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def toml_value(value: Any) -> str:
    """A setting's value in TOML syntax (strings, numbers, booleans, lists, tables of strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(key)} = {toml_value(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no TOML form for a setting of type {type(value).__name__}")


def toml_key(key: str) -> str:
    """A key as TOML needs it: bare when it can be ("en"), quoted otherwise ("Öffentlicher Verkehr")."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _doc_of(section: Any) -> str:
    return " ".join((type(section).__doc__ or "").split())


def _comment(text: str, width: int = 92) -> list[str]:
    lines: list[str] = []
    current = "#"
    for word in text.split():
        if len(current) + 1 + len(word) > width and current != "#":
            lines.append(current)
            current = "#"
        current += " " + word
    return [*lines, current]


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: '|' would end the cell, '<name>' would vanish as HTML."""
    return text.replace("|", "\\|").replace("<", "&lt;")

