"""Inline text with marks, built piece by piece as a reader walks a document.

Markdown tokens and Word runs both arrive as small pieces of text with formatting switched on
and off between them. :class:`TextBuilder` joins them into one :class:`Text`, tidying white
space the way a reader sees it (runs of spaces and soft line breaks are one space, a hard line
break stays ``"\\n"``) while keeping every mark on the characters it covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkify_it import LinkifyIt

from pressroom.document.inline import Mark, MarkKind, Text

_LINKIFY = LinkifyIt()
# Starts only where a word starts: tried from every character of a long word without spaces
# ("|---|---|…"), the pattern would scan to its end each time (quadratic).
_ADDRESS_WORD = re.compile(r"(?<![^\s<>\"„“])[^\s<>\"„“]*(?:@|://|www\.)[^\s<>\"„“]*", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break space: it keeps "z. B." together


@dataclass
class _Open:
    kind: MarkKind
    target: str
    start: int


class TextBuilder:
    """Appends text and marks in document order; :meth:`build` returns the finished Text."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._length = 0
        self._last = "\n"  # the last character written; a line start swallows spaces
        self._marks: list[Mark] = []
        self._open: list[_Open] = []

    @property
    def empty(self) -> bool:
        """True until some visible text was appended."""
        return not "".join(self._pieces).strip()

    def append(self, text: str) -> None:
        """Text as it reads: white space runs collapse to one space."""
        text = _SPACE.sub(" ", text)
        if text.startswith(" ") and self._last in " \n":
            text = text[1:]
        self._write(text)

    def append_verbatim(self, text: str) -> None:
        """Text kept exactly (inline code): only line breaks become spaces."""
        self._write(text.replace("\n", " "))

    def line_break(self) -> None:
        """A hard line break: the line ends here, without trailing space."""
        self._drop_trailing_space()
        if self._length:
            self._write("\n")

    def start(self, kind: MarkKind, target: str = "") -> None:
        """Switch a mark on from here until the matching :meth:`end`."""
        self._open.append(_Open(kind, target, self._length))

    def end(self, kind: MarkKind) -> None:
        """Switch the innermost open mark of ``kind`` off."""
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].kind is kind:
                opened = self._open.pop(index)
                self._marks.append(Mark(opened.start, self._length, kind, opened.target))
                return

    def add(self, text: str, *, bold: bool = False, italic: bool = False, link: str = "") -> None:
        """One run of text with its formatting (a Word run)."""
        kinds = [kind for kind, on in ((MarkKind.BOLD, bold), (MarkKind.ITALIC, italic)) if on]
        if link:
            self.start(MarkKind.LINK, link)
        for kind in kinds:
            self.start(kind)
        self.append(text)
        for kind in reversed(kinds):
            self.end(kind)
        if link:
            self.end(MarkKind.LINK)

    def build(self) -> Text:
        """The text without white space at either end; marks trimmed to the words they cover
        and neighbouring marks of the same kind and target joined into one."""
        self._drop_trailing_space()
        while self._open:
            self.end(self._open[-1].kind)
        text = "".join(self._pieces)
        marks: list[Mark] = []
        for mark in sorted(self._marks, key=lambda m: (m.kind.value, m.target, m.start)):
            start, end = mark.start, min(mark.end, len(text))
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            previous = marks[-1] if marks else None
            if (
                previous is not None
                and (previous.kind, previous.target) == (mark.kind, mark.target)
                and not text[previous.end : start].strip()
            ):
                marks[-1] = Mark(previous.start, max(previous.end, end), mark.kind, mark.target)
            else:
                marks.append(Mark(start, end, mark.kind, mark.target))
        return Text(text, tuple(marks)).strip()

    def _write(self, text: str) -> None:
        if text:
            self._pieces.append(text)
            self._length += len(text)
            self._last = text[-1]

    def _drop_trailing_space(self) -> None:
        while self._pieces and self._pieces[-1].endswith(" "):
            self._pieces[-1] = self._pieces[-1][:-1]
            self._length -= 1
            if not self._pieces[-1]:
                self._pieces.pop()
        self._last = self._pieces[-1][-1] if self._pieces else "\n"


def with_links(text: Text) -> Text:
    """``text`` with a link on each web and e-mail address written out in it: how a plain-text
    release links (linkify-it-py finds them; "www.…" is taken as https).

    Only the words that could be an address are given to linkify-it-py, one by one, so a long
    text costs linear time (its matcher rescans the rest of the text after every find).
    """
    marks = []
    for word in _ADDRESS_WORD.finditer(text.text):
        for match in _LINKIFY.match(word.group()) or []:
            target = match.url if match.schema else "https://" + match.url.split("//", 1)[-1]
            marks.append(Mark(word.start() + match.index, word.start() + match.last_index, MarkKind.LINK, target))
    return Text(text.text, text.marks + tuple(marks)) if marks else text
