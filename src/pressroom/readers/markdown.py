"""Markdown ``.md`` releases with YAML front matter: the format with exact metadata.

The front matter gives title, date, slug, summary, tags, contact and language; the body is
read by markdown-it-py (:mod:`pressroom.readers.mdbody`) into rich blocks: headings with
levels, paragraphs with bold, italic, code and links, quotes, nested lists, tables, pictures
with captions, datelines and contact blocks.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from pressroom.config import Settings
from pressroom.document.model import Block, DatePrecision, Dateline, Heading, Release
from pressroom.limits import MAX_FRONT_MATTER_DEPTH
from pressroom.readers.common import (
    ReaderError,
    build_release,
    clean_inline,
    stated_date,
    with_body_heading_levels,
)
from pressroom.readers.contacts import contact_from_text, gather_contacts
from pressroom.readers.datelines import above_title, parse_date, place_datelines
from pressroom.readers.decode import read_text_file
from pressroom.readers.mdbody import markdown_line, read_markdown_body
from pressroom.readers.pictures import PictureError

KNOWN_KEYS = ("title", "date", "slug", "summary", "tags", "contact", "lang")

_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


class _Refused(yaml.YAMLError):
    """Front matter YAML that is valid but not accepted (aliases, deep nesting)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _DatesAsText(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so every date goes through one parser and an
    impossible date ('2025-02-30') gets the same plain message as any other bad date.

    Anchors and aliases (``&a``, ``*a``) are refused: front matter never needs them, and a few
    hundred bytes of nested aliases expand to gigabytes. Nesting is bounded too, because the
    composer recurses once per level.
    """

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("uses YAML anchors or aliases (& or *), which are not accepted", event.start_mark)
        if self._depth >= MAX_FRONT_MATTER_DEPTH:
            raise _Refused(f"is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Handler(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_DatesAsText)  # noqa: S506 - a SafeLoader subclass


def read_markdown_release(path: Path, settings: Settings) -> Release:
    """Read a Markdown release; metadata from front matter, structure from the body."""
    text, warnings = read_text_file(path)
    meta, body = _front_matter(text, path)
    unknown = [str(key) for key in meta if key not in KNOWN_KEYS]
    if unknown:
        warnings.append(
            f"front matter key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} ignored "
            f"(known keys: {', '.join(KNOWN_KEYS)})"
        )
    try:
        blocks = read_markdown_body(body, path)
    except PictureError as exc:
        raise ReaderError(f"{path}: {exc}") from None
    blocks, stated = place_datelines(blocks)
    title, blocks = _title(markdown_line(_text(meta.get("title"))), blocks)
    if not title:
        raise ReaderError(
            f"{path}: has no title; add a 'title:' line to the front matter "
            "or start the text with a '# ' headline"
        )
    precision: DatePrecision | None = None
    if _text(meta.get("date")):
        date = parse_date(meta["date"], settings.zone, path)
    else:
        date, precision = stated_date(stated, path, settings.zone, warnings)
    return build_release(
        path,
        title=title,
        date=date,
        date_precision=precision,
        blocks=gather_contacts(with_body_heading_levels(blocks)),
        warnings=warnings,
        slug=_text(meta.get("slug")),
        summary=markdown_line(_text(meta.get("summary"))),
        tags=_tags(meta.get("tags")),
        contact=contact_from_text("", _text(meta.get("contact"))),
        lang=_lang(meta.get("lang"), path),
    )


def _title(given: str, blocks: list[Block]) -> tuple[str, list[Block]]:
    """The title, and the body without a level-one headline that states it.

    A body that starts (after its dateline) with a '# ' headline has its title there; the
    headline is dropped when it is the title, so the title is not shown twice.
    """
    first = next((i for i, block in enumerate(blocks) if not isinstance(block, Dateline)), None)
    if first is None:
        return given, blocks
    headline = blocks[first]
    if not isinstance(headline, Heading) or headline.level != 1:
        return given, blocks
    text = clean_inline(headline.text.text)
    if given and text.casefold() != given.casefold():
        return given, blocks
    return given or text, above_title(blocks[:first], first) + blocks[first + 1 :]


def _front_matter(text: str, path: Path) -> tuple[dict[Any, Any], str]:
    """Metadata and body; YAML problems are reported with the line number in the file."""
    handler = _Handler()
    start = text.lstrip("\n")
    if not handler.detect(start):
        return {}, text
    blank_lines = len(text) - len(start)  # only newlines were stripped
    assert handler.FM_BOUNDARY is not None
    bounds = list(itertools.islice(handler.FM_BOUNDARY.finditer(start), 2))
    if len(bounds) < 2:
        raise ReaderError(
            f"{path}: the front matter starts with '---' but has no closing '---' line"
        )
    try:
        meta = handler.load(start[bounds[0].end() : bounds[1].start()])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = ""
        if mark is not None:
            line = blank_lines + start.count("\n", 0, bounds[0].end()) + mark.line + 1
            where = f" on line {line}"
        if isinstance(exc, _Refused):
            raise ReaderError(
                f"{path}: the front matter (between the '---' lines) {problem}{where}; "
                "write each value out in full"
            ) from None
        raise ReaderError(
            f"{path}: the front matter (between the '---' lines) is not valid YAML{where}: "
            f"{problem}. Check for a missing space after a colon, a stray quote mark, or a "
            "value with a colon that needs quotes"
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ReaderError(
            f"{path}: the front matter (between the '---' lines) must be 'key: value' lines "
            "such as 'title: ...'"
        )
    return meta, start[bounds[1].end() :]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _tags(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    tags = [clean_inline(str(item)) for item in items if item is not None]
    return list(dict.fromkeys(tag for tag in tags if tag))


def _lang(value: Any, path: Path) -> str:
    lang = _text(value).lower()
    if lang and not _LANG.fullmatch(lang):
        raise ReaderError(
            f"{path}: 'lang: {value}' in the front matter is not a language code; "
            "write a code such as de, en or ko, or leave the line out"
        )
    return lang
