"""Word alignments: read from a model's attention, carried across text edits, composed through a pivot.

An alignment links the whitespace-separated words of a source sentence to those of its
translation (:data:`pressroom.translate.base.Alignment`, Pharaoh "i-j" pairs). Marks on the
source (bold, a link) are placed on the target words aligned to their source words
(:mod:`pressroom.translate.marks`), the way Firefox Translations and TransIns carry markup
through a model that never sees it.

* :func:`attention_alignment` turns CTranslate2's attention (``return_attention=True``: per
  target token, the weights over the source tokens) into a word alignment: each target token
  is linked to the source token it attends to most, and tokens are grouped into words by
  SentencePiece's word-start mark "▁".
* Between the model and the published text the words change: protected spans are replaced by
  placeholders and restored, placeholders the model bent are repaired, an over-long sentence
  is translated in parts. :class:`Edit` records such a change, and :func:`carry` moves an
  alignment's words to the edited text.
* :func:`compose` chains two alignments (de→en, en→ko gives de→ko).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pressroom.translate.base import Alignment

WORD_START = "▁"  # SentencePiece's mark for a piece that begins a word
# CTranslate2 4.x: under beam search, the attention of the first decoding step of a padded
# sentence in a batch leaks onto the padding (its row sums to less than 1 over the real
# source tokens, and its maximum can be wrong). Rows with less mass than this are skipped.
MIN_ATTENTION_MASS = 0.99
_WORD = re.compile(r"\S+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated word of ``text``."""
    return [match.span() for match in _WORD.finditer(text)]


def piece_words(pieces: Sequence[str]) -> list[int]:
    """The word each SentencePiece piece belongs to: a piece starting with "▁" starts a word."""
    words = []
    word = -1
    for piece in pieces:
        if piece.startswith(WORD_START) or word < 0:
            word += 1
        words.append(word)
    return words


def attention_alignment(
    source: Sequence[str],
    target: Sequence[str],
    attention: Sequence[Sequence[float]],
    *,
    source_text: str,
    target_text: str,
    source_offset: int = 0,
    target_offset: int = 0,
) -> Alignment:
    """The word alignment of one translation from its attention matrix.

    ``source`` and ``target`` are the sentence's own pieces, without what the model family
    adds around them; ``source_offset`` is the column of the first source piece (language
    tokens come before it), ``target_offset`` the row of the first target piece (the rows of
    a target prefix come before it). A target piece whose strongest attention falls outside
    the sentence (on ``</s>``, a language token) is left unaligned. Returns () when the pieces
    do not group into the words of ``source_text`` and ``target_text`` (a tokenizer without
    "▁" word starts, say): no alignment rather than a wrong one.
    """
    source_words, target_words = piece_words(source), piece_words(target)
    if (
        (source_words[-1] + 1 if source_words else 0) != len(source_text.split())
        or (target_words[-1] + 1 if target_words else 0) != len(target_text.split())
        or len(attention) < target_offset + len(target)
    ):
        return ()
    pairs = set()
    end = source_offset + len(source)
    for row, word in zip(attention[target_offset : target_offset + len(target)], target_words):
        if not row or sum(row) < MIN_ATTENTION_MASS:
            continue
        best = row.index(max(row))
        if source_offset <= best < end:
            pairs.add((source_words[best - source_offset], word))
    return tuple(sorted(pairs))


@dataclass(frozen=True)
class Edit:
    """``old[start:end]`` was replaced by ``length`` characters (a placeholder, a restored name)."""

    start: int
    end: int
    length: int


def substitute(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], text: str) -> tuple[str, tuple[Edit, ...]]:
    """``pattern.sub(replace, text)`` and the edits it made, for :func:`carry`."""
    parts: list[str] = []
    edits: list[Edit] = []
    position = 0
    for match in pattern.finditer(text):
        replacement = replace(match)
        parts += [text[position : match.start()], replacement]
        position = match.end()
        if replacement != match.group():
            edits.append(Edit(match.start(), match.end(), len(replacement)))
    parts.append(text[position:])
    return "".join(parts), tuple(edits)


def moved_words(old: str, new: str, edits: Sequence[Edit]) -> list[tuple[int, ...]]:
    """For each word of ``old``, the words of ``new`` it became after ``edits`` (sorted, not
    overlapping): an untouched word becomes the word at its moved place; an edited stretch
    becomes whatever replaced it, so a word partly or wholly replaced maps to the
    replacement's words too."""
    if not edits:
        return [(i,) for i in range(len(old.split()))]
    new_words = word_spans(new)
    new_starts = [start for start, _ in new_words]

    def moved(position: int, end: bool) -> int:
        shift = 0
        for edit in edits:
            if position <= edit.start if end else position < edit.start:
                break
            if position <= edit.end if end else position < edit.end:
                return edit.start + shift + (edit.length if end else 0)
            shift += edit.length - (edit.end - edit.start)
        return position + shift

    result = []
    for start, end in word_spans(old):
        first, last = moved(start, False), moved(end, True)
        # The new words overlapping [first, last): from the last one starting at or before first.
        index = max(bisect_right(new_starts, first) - 1, 0)
        found = []
        while index < len(new_words) and new_words[index][0] < last:
            if new_words[index][1] > first:
                found.append(index)
            index += 1
        result.append(tuple(found))
    return result


def carry(alignment: Alignment, moves: list[tuple[int, ...]], *, side: str) -> Alignment:
    """``alignment`` with the words of one ``side`` ("source" or "target") moved by ``moves``
    (from :func:`moved_words`)."""
    pairs = set()
    for source, target in alignment:
        if side == "source":
            pairs |= {(new, target) for new in (moves[source] if source < len(moves) else ())}
        else:
            pairs |= {(source, new) for new in (moves[target] if target < len(moves) else ())}
    return tuple(sorted(pairs))


def identity(words: int) -> Alignment:
    """Each word to itself: a text passed on unchanged."""
    return tuple((i, i) for i in range(words))


def from_moves(moves: list[tuple[int, ...]]) -> Alignment:
    """The alignment between a text and its edited form."""
    return tuple(sorted({(old, new) for old, news in enumerate(moves) for new in news}))


def compose(first: Alignment, second: Alignment) -> Alignment:
    """``first`` (a→b) followed by ``second`` (b→c): a→c, as through a pivot language."""
    onward: dict[int, list[int]] = {}
    for middle, end in second:
        onward.setdefault(middle, []).append(end)
    return tuple(sorted({(start, end) for start, middle in first for end in onward.get(middle, ())}))


def concatenate(parts: Sequence[tuple[Alignment, str, str]], source: str, target: str) -> Alignment:
    """The alignment of a sentence translated in parts (``(alignment, source part, target
    part)`` in order) whose joined texts are ``source`` and ``target``. Each part's words are
    found in the joined texts by position; a part whose text cannot be found gives ()."""
    pairs = set()
    source_at = target_at = 0
    source_words, target_words = word_spans(source), word_spans(target)
    for alignment, source_part, target_part in parts:
        source_start = source.find(source_part, source_at)
        target_start = target.find(target_part, target_at)
        if source_start < 0 or target_start < 0:
            return ()
        source_at, target_at = source_start + len(source_part), target_start + len(target_part)
        source_index = _words_at(source_words, source_start, word_spans(source_part))
        target_index = _words_at(target_words, target_start, word_spans(target_part))
        pairs |= {(source_index[s], target_index[t]) for s, t in alignment if s < len(source_index) and t < len(target_index)}
    return tuple(sorted(pairs))


def _words_at(words: list[tuple[int, int]], offset: int, part_words: list[tuple[int, int]]) -> list[int]:
    """For each word of a part placed at ``offset``, the index of the joined text's word holding it."""
    found = []
    for start, _ in part_words:
        position = offset + start
        found.append(next(i for i, (s, e) in enumerate(words) if s <= position < e))
    return found
