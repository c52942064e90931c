"""Inline text with marks: what a paragraph, a heading or a table cell holds.

Text is kept as one plain string with marks over character ranges (bold, italic, code, a
link with its target), as ProseMirror and the W3C annotation model do, rather than as a list
of runs: segmentation and translation work on the plain string, and a mark is carried over
to a translation by its character range. Writers ask for :meth:`Text.runs`, the stretches of
text that share the same marks, which map one to one onto Word runs and HTML elements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum
from urllib.parse import urlsplit

# Link targets a published page may carry. Anything else (javascript:, data:, file:, vbscript:)
# could run code or read files in a reader's browser; such a link is dropped, its text kept.
LINK_SCHEMES = ("http", "https", "mailto", "tel")


class MarkKind(str, Enum):
    """What a mark does to the text it covers."""

    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"  # verbatim: an identifier, a file name, never translated
    LINK = "link"


@dataclass(frozen=True, order=True)
class Mark:
    """A mark over ``text[start:end]``; ``target`` is a link's address (empty for others)."""

    start: int
    end: int
    kind: MarkKind
    target: str = ""

    def shifted(self, offset: int) -> Mark:
        return replace(self, start=self.start + offset, end=self.end + offset)


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of marks: one Word run, one nest of HTML elements."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str = ""


@dataclass(frozen=True)
class Text:
    """Plain text with marks; marks are kept sorted, non-empty and inside the text."""

    text: str = ""
    marks: tuple[Mark, ...] = ()

    def __post_init__(self) -> None:
        kept = sorted(
            m for m in self.marks
            if 0 <= m.start < m.end <= len(self.text) and (m.kind is not MarkKind.LINK or is_safe_link(m.target))
        )  # fmt: skip
        object.__setattr__(self, "marks", tuple(kept))

    def __bool__(self) -> bool:
        return bool(self.text)

    @classmethod
    def join(cls, parts: Iterable[Text], separator: str = "") -> Text:
        """The parts one after another, each part's marks moved to where its text now is."""
        text: list[str] = []
        marks: list[Mark] = []
        offset = 0
        for index, part in enumerate(parts):
            if index and separator:
                text.append(separator)
                offset += len(separator)
            text.append(part.text)
            marks += [mark.shifted(offset) for mark in part.marks]
            offset += len(part.text)
        return cls("".join(text), tuple(marks))

    def slice(self, start: int, end: int) -> Text:
        """``text[start:end]`` with the marks clipped to it (a sentence of a paragraph)."""
        clipped = (
            replace(mark, start=max(mark.start, start) - start, end=min(mark.end, end) - start)
            for mark in self.marks
            if mark.start < end and mark.end > start
        )
        return Text(self.text[start:end], tuple(clipped))

    def strip(self) -> Text:
        """Without leading and trailing white space (marks follow their characters)."""
        start = len(self.text) - len(self.text.lstrip())
        return self.slice(start, len(self.text.rstrip()))

    def with_text(self, text: str) -> Text:
        """Other words without marks: a translation whose marks are placed separately."""
        return Text(text)

    def links(self) -> list[str]:
        """Every link target, in order of appearance."""
        return [mark.target for mark in self.marks if mark.kind is MarkKind.LINK]

    def runs(self) -> list[Run]:
        """The text cut wherever a mark starts or ends, each piece with the marks over it."""
        cuts = sorted({0, len(self.text), *(m.start for m in self.marks), *(m.end for m in self.marks)})
        runs = []
        for start, end in zip(cuts, cuts[1:]):
            over = [m for m in self.marks if m.start <= start and end <= m.end]
            kinds = {m.kind for m in over}
            link = next((m.target for m in over if m.kind is MarkKind.LINK), "")
            runs.append(
                Run(
                    self.text[start:end],
                    bold=MarkKind.BOLD in kinds,
                    italic=MarkKind.ITALIC in kinds,
                    code=MarkKind.CODE in kinds,
                    link=link,
                )
            )
        return runs

    def to_data(self) -> list[object]:
        """JSON-ready: ``[text, [[start, end, kind, target], ...]]``."""
        return [self.text, [[m.start, m.end, m.kind.value, m.target] for m in self.marks]]

    @classmethod
    def from_data(cls, data: list[object]) -> Text:
        text, marks = data
        assert isinstance(text, str) and isinstance(marks, list)
        return cls(text, tuple(Mark(start, end, MarkKind(kind), target) for start, end, kind, target in marks))


def is_safe_link(target: str) -> bool:
    """Whether ``target`` is an absolute address with a scheme from LINK_SCHEMES."""
    try:
        parts = urlsplit(target.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in LINK_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme.lower() in ("http", "https") else bool(parts.path)
