"""The press office's terminology: a glossary (TSV) and a do-not-translate list.

``glossary.tsv`` is a file press officers edit in a spreadsheet or text editor, so reading it
is strict and every problem names the file and line: UTF-8, a header row whose first column is
the source language (``de``) and whose other columns are target language codes and an optional
``note``. A row gives the approved translation of a German term per language; an empty cell
means the German term stays unchanged in that language, and a row with every target empty is a
name that is never translated.

``do-not-translate.txt`` beside the glossary lists further names, brands and events, one per
line (``#`` starts a comment). Both files are optional.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pressroom.limits import MAX_GLOSSARY_BYTES, MAX_GLOSSARY_ROWS, LimitError, read_regular_file
from pressroom.text import clean

GLOSSARY_FILE = "glossary.tsv"
DNT_FILE = "do-not-translate.txt"
NOTE_COLUMN = "note"
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


class GlossaryError(ValueError):
    """The glossary or do-not-translate file is unusable; the message names file and line."""


@dataclass(frozen=True)
class Term:
    """One glossary row (or do-not-translate entry).

    ``targets`` holds the approved translation per language; a language whose cell is empty or
    missing keeps the source term. ``where`` (file and line) points the press officer back to
    the entry.
    """

    source: str
    targets: dict[str, str] = field(default_factory=dict)
    note: str = ""
    where: str = ""

    @property
    def keep_everywhere(self) -> bool:
        """A name: no language translates it, so it is protected in releases of any language."""
        return not any(self.targets.values())

    def value(self, lang: str) -> str:
        """What this term becomes in ``lang``: the approved term, else the source unchanged."""
        return self.targets.get(lang) or self.source


@dataclass
class Glossary:
    """Terms from the glossary and the do-not-translate list, with where they came from."""

    source_lang: str = "de"
    languages: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _read_lines(path: Path) -> list[str]:
    """The file's lines as NFC text without control or direction characters (a term with a
    hidden U+202E would show reversed in every edition)."""
    try:
        data = read_regular_file(path, MAX_GLOSSARY_BYTES)
    except LimitError as exc:
        raise GlossaryError(f"{path}: {exc}") from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(
            f"{path}, line {line}: not UTF-8 text. Save the file as 'UTF-8' (in Excel: "
            "'Unicode Text' or 'CSV UTF-8', in LibreOffice: character set 'Unicode (UTF-8)')."
        ) from None
    return [clean(unicodedata.normalize("NFC", line)) for line in text.split("\n")]


def _header(path: Path, line: str, source_lang: str) -> list[str]:
    columns = [c.strip().lower() for c in line.split("\t")]
    expected = f"{source_lang}<TAB>en<TAB>ko<TAB>{NOTE_COLUMN}"
    if columns[0] != source_lang:
        raise GlossaryError(
            f"{path}, line 1: the header row must start with '{source_lang}' (the language of the "
            f"releases), like '{expected}'; found '{line.strip()}'. Columns are separated by tabs."
        )
    for column in columns[1:]:
        if column != NOTE_COLUMN and not _LANGUAGE_CODE.fullmatch(column):
            raise GlossaryError(
                f"{path}, line 1: '{column}' in the header is neither a language code (en, ko, …) "
                f"nor '{NOTE_COLUMN}'; the header should look like '{expected}'"
            )
    duplicates = {c for c in columns if columns.count(c) > 1}
    if duplicates:
        raise GlossaryError(f"{path}, line 1: column '{sorted(duplicates)[0]}' appears twice")
    return columns


def _read_glossary(path: Path, source_lang: str, seen: dict[str, str]) -> tuple[list[str], list[Term]]:
    lines = _read_lines(path)
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None)
    if start is None:
        return [], []
    columns = _header(path, lines[start], source_lang)
    terms = []
    for number, line in enumerate(lines[start + 1 :], start + 2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) > len(columns):
            raise GlossaryError(
                f"{path}, line {number}: {len(cells)} columns, but the header has "
                f"{len(columns)}; columns must be separated by single tabs"
            )
        row = dict(zip(columns, cells))
        term = Term(
            source=" ".join(row[source_lang].split()),
            targets={c: row.get(c, "") for c in columns[1:] if c != NOTE_COLUMN},
            note=row.get(NOTE_COLUMN, ""),
            where=f"{path}, line {number}",
        )
        _add(term, terms, seen, path, number)
    return [c for c in columns[1:] if c != NOTE_COLUMN], terms


def _add(term: Term, terms: list[Term], seen: dict[str, str], path: Path, number: int) -> None:
    if len(seen) >= MAX_GLOSSARY_ROWS:
        raise GlossaryError(
            f"{path}, line {number}: more than {MAX_GLOSSARY_ROWS:,} terms in the glossary and the "
            "do-not-translate list together; split off what this office does not need"
        )
    if not term.source:
        raise GlossaryError(f"{path}, line {number}: the term in the first column is empty")
    key = _key(term.source)
    if key in seen:
        raise GlossaryError(
            f"{path}, line {number}: '{term.source}' is listed twice (also at {seen[key]}); "
            "keep one entry"
        )
    seen[key] = f"{path.name}, line {number}"
    terms.append(term)


def _read_dnt(path: Path, seen: dict[str, str]) -> list[Term]:
    terms: list[Term] = []
    for number, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" in line:
            raise GlossaryError(
                f"{path}, line {number}: one name per line, without tabs; translations belong "
                f"in {GLOSSARY_FILE}"
            )
        _add(Term(" ".join(line.split()), where=f"{path}, line {number}"), terms, seen, path, number)
    return terms


def load_glossary(path: Path, source_lang: str = "de") -> Glossary:
    """Read the glossary at ``path`` and the ``do-not-translate.txt`` beside it; either may be absent.

    Callers that were given a glossary explicitly check that it exists (a typo in
    ``--glossary`` must not silently mean "no glossary").
    """
    glossary = Glossary(source_lang=source_lang)
    seen: dict[str, str] = {}
    if path.is_file():
        glossary.languages, glossary.terms = _read_glossary(path, source_lang, seen)
        glossary.files.append(path)
    dnt_path = path.parent / DNT_FILE
    if dnt_path.is_file():
        glossary.terms += _read_dnt(dnt_path, seen)
        glossary.files.append(dnt_path)
    return glossary
