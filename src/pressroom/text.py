"""Text from outside made safe to show: the one place that cleans what pressroom takes in.

Release files, glossary rows, review files, model output and package metadata can carry
characters that are invisible but not harmless:

* bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) make text
  display in another order than it is stored: a title ending in "‮fdp.exe" reads "exe.pdf"
  ("Trojan Source"). They are removed, counted and reported (a note on the release, a finding
  in the QA report).
* C0 and C1 controls, non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and their twins in every
  plane) and lone surrogates: invalid in XML (DOCX, feeds) or meaningless anywhere; removed.
* zero-width spaces, the BOM, word joiners and soft hyphens: invisible, and they split words
  for the translation model; removed. A zero-width joiner inside an emoji ("👩‍💻") stays.

Tab and line feed stay; readers turn CR and CRLF into line feeds before this runs.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import TypeVar

from pressroom.document.inline import Text

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_INVISIBLE = re.compile(
    rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}\u200b\u200c\u2060\ufeff\u00ad]"
    r"|(?<![^\w\s])\u200d"
)
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_EITHER = re.compile(f"{_INVISIBLE.pattern}|{_BIDI.pattern}")
T = TypeVar("T")


def remove_invisible(text: str) -> tuple[str, int]:
    """``text`` without controls, non-characters and invisible characters; and how many went."""
    return _INVISIBLE.subn("", text)


def remove_bidi(text: str) -> tuple[str, int]:
    """``text`` without bidirectional controls; and how many went."""
    return _BIDI.subn("", text)


def clean(text: str) -> str:
    """``text`` without anything :func:`remove_invisible` or :func:`remove_bidi` removes."""
    return _BIDI.sub("", _INVISIBLE.sub("", text))


@dataclass
class Hygiene:
    """Cleans the texts of one release and counts what it removed, for the notes."""

    bidi: int = 0
    invisible: int = 0

    def clean(self, text: str) -> str:
        """``text`` as :func:`clean` leaves it; the removed characters are counted."""
        return self.clean_marked(Text(text)).text

    def clean_marked(self, value: Text) -> Text:
        """``value`` cleaned, each mark (bold, link …) moved with the characters it covers."""
        kept, moved = self.clean_mapped(value.text)
        if kept is value.text:
            return value
        return Text(kept, tuple(replace(mark, start=moved(mark.start), end=moved(mark.end)) for mark in value.marks))

    def clean_mapped(self, text: str) -> tuple[str, Callable[[int], int]]:
        """``text`` cleaned, and where each position of ``text`` is in the result (for marks and
        tags kept as character ranges beside the text)."""
        removed = [match.start() for match in _EITHER.finditer(text)]
        if not removed:
            return text, lambda position: position
        bidi = sum(1 for position in removed if text[position] in BIDI_CONTROLS)
        self.bidi += bidi
        self.invisible += len(removed) - bidi
        return _EITHER.sub("", text), lambda position: position - bisect_left(removed, position)

    def clean_value(self, value: T) -> T:
        """``value`` with every text in it cleaned: a string, a :class:`Text`, a tuple of them,
        or a block of the document model (its fields, tables and captions too), so a new kind
        of block is cleaned without being named here. Unchanged values are returned as they are."""
        if isinstance(value, str):
            return self.clean(value)  # type: ignore[return-value]
        if isinstance(value, Text):
            return self.clean_marked(value)  # type: ignore[return-value]
        if isinstance(value, tuple):
            items = tuple(self.clean_value(item) for item in value)
            return value if all(a is b for a, b in zip(items, value)) else items  # type: ignore[return-value]
        if is_dataclass(value) and not isinstance(value, type):
            changed = {}
            for item in fields(value):
                if item.init:
                    before = getattr(value, item.name)
                    after = self.clean_value(before)
                    if after is not before and after != before:
                        changed[item.name] = after
            return replace(value, **changed) if changed else value
        return value

    def warnings(self) -> list[str]:
        """The notes for the release: what was removed, how much."""
        notes = [bidi_warning(self.bidi)] if self.bidi else []
        return notes + ([invisible_warning(self.invisible)] if self.invisible else [])


def invisible_warning(count: int) -> str:
    """The note for removed invisible characters: says how many, so the author can look."""
    plural = "s" if count > 1 else ""
    return f"removed {count} invisible or control character{plural} (such as zero-width spaces)"


def bidi_warning(count: int) -> str:
    """The note for removed direction controls: what they do, so nobody puts them back."""
    plural = "s" if count > 1 else ""
    return (
        f"removed {count} text direction control{plural} (U+202E and the like), which can make "
        "text display in another order than it is written (a name ending in 'fdp.exe' shown as "
        "'exe.pdf')"
    )
