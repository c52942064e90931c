"""Markdown ``.md`` releases with YAML front matter: the format with exact metadata.

The body is read as the small subset of Markdown press officers use (headings, paragraphs,
quotes, bullet and numbered lists) and turned into plain text: translation and the writers work
on plain text, so emphasis marks are dropped and links are spelled out as "label (url)".
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from pressroom.config import Settings
from pressroom.document.model import Release
from pressroom.limits import MAX_FRONT_MATTER_DEPTH
from pressroom.readers.common import (
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    Pending,
    ReaderError,
    build_release,
    clean_inline,
    contact_text,
    finish_blocks,
    mtime_date,
    parse_date,
)
from pressroom.readers.decode import read_text_file
from pressroom.readers.text import NUMBERED

KNOWN_KEYS = ("title", "date", "slug", "summary", "tags", "contact", "lang")

_HEADING = re.compile(r"(?P<hashes>#{1,6})\s+(?P<text>.*)")
_BULLET = re.compile(r"[-*+•]\s+(?P<text>\S.*)")
_BREAK = re.compile(r"([-*_])(?:\s*\1){2,}")
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
# Every inline pattern runs in linear time on any line: a bracket, a quote or an emphasis
# mark cannot contain its own delimiter, and runs of backticks are taken whole (possessive),
# so a line of 100,000 "**a " or "[[[" is scanned a bounded number of times.
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")  # nothing to translate; dropped
_AUTOLINK = re.compile(r"<(?:mailto:)?([^<>\s]*+)>")  # <https://…>, <a@b.de>
_INLINE = (
    (re.compile(r"(?<!`)`++([^`]++)`++"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),
    # not "Bürger*innen" nor "max_muster": a mark between letters is part of the word
    (re.compile(r"(?<![\w*])\*(?=\S)((?:[^*]|(?<=\w)\*(?=\w))+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)((?:[^_]|(?<=\w)_(?=\w))+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])"), r"\1"),
)
# The address may hold one level of brackets ("…/Stuttgart_(Begriffsklärung)").
_LINK = re.compile(r"\[([^\[\]]+)\]\(\s*<?((?:[^()\s>]|\([^()\s>]*\))++)>?(?:\s+\"[^\"]*\")?\s*\)")


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
    title = plain_text(_text(meta.get("title")))
    pending, level_one_first = parse_body(body)
    if level_one_first and (
        not title or clean_inline(pending[0].text).casefold() == title.casefold()
    ):
        title = title or pending[0].text
        pending = pending[1:]
    if not title:
        raise ReaderError(
            f"{path}: has no title; add a 'title:' line to the front matter "
            "or start the text with a '# ' headline"
        )
    if _text(meta.get("date")):
        date = parse_date(meta["date"], settings.zone, path)
    else:
        date = mtime_date(path, settings.zone, warnings)
    return build_release(
        path,
        title=title,
        date=date,
        blocks=finish_blocks(pending),
        warnings=warnings,
        slug=_text(meta.get("slug")),
        summary=plain_text(_text(meta.get("summary"))),
        tags=_tags(meta.get("tags")),
        contact=contact_text(_text(meta.get("contact")).split("\n")),
        lang=_lang(meta.get("lang"), path),
    )


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


def parse_body(body: str) -> tuple[list[Pending], bool]:
    """Blocks of the Markdown body, and whether it starts with a level-one '# ' heading."""
    pending: list[Pending] = []
    lines: list[str] = []
    current: Pending | None = None
    level_one_first = False

    def close() -> None:
        nonlocal current, lines
        if current is not None and lines:
            current.text = plain_text(" ".join(lines))
            pending.append(current)
        current, lines = None, []

    for raw in body.split("\n"):
        line = raw.strip()
        if not line or _BREAK.fullmatch(line):
            close()
        elif heading := _HEADING.fullmatch(line):
            close()
            level_one_first = level_one_first or (not pending and len(heading["hashes"]) == 1)
            current, lines = Pending(HEADING, ""), [_without_closing_hashes(heading["text"])]
            close()
        elif line.startswith(">"):
            quoted = line[1:].strip()
            if current is None or current.kind != QUOTE or not quoted:
                close()
                current = Pending(QUOTE, "")
            if quoted:
                lines.append(quoted)
        elif bullet := _BULLET.fullmatch(line):
            close()
            current, lines = Pending(LIST_ITEM, ""), [bullet["text"]]
        elif numbered := NUMBERED.fullmatch(line):
            close()
            current = Pending(
                LIST_ITEM, "", True, int(numbered["number"]), numbered["marker"]
            )
            lines = [numbered["text"]]
        else:
            if current is None:
                current = Pending(PARAGRAPH, "")
            lines.append(line)  # continues the open paragraph, quote or list item
    close()
    return pending, level_one_first


def _without_closing_hashes(text: str) -> str:
    """A heading's text without the optional closing hashes ("## Titel ##"); "C#" keeps its."""
    stripped = text.rstrip("#")
    return stripped.rstrip() if stripped != text and stripped[-1:].isspace() else text


def plain_text(text: str) -> str:
    """Markdown inline syntax to plain text: emphasis dropped, links as 'label (url)'."""
    text = _LINK.sub(_link, _IMAGE.sub("", text))
    text = _AUTOLINK.sub(_autolink, text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return clean_inline(text)


def _autolink(match: re.Match[str]) -> str:
    """<https://…> or <a@b.de> as the bare address; anything else in <> stays as written."""
    inner = match[1]
    return inner if any(mark in inner[1:-1] for mark in "@.") else match[0]


def _link(match: re.Match[str]) -> str:
    label, url = match[1].strip(), match[2]
    shown = url.removeprefix("mailto:")
    return label if shown in label else f"{label} ({shown})"


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
