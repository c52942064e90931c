"""Marks (bold, italic, code, links) carried from a source sentence onto its translation.

The model never sees markup: it translates the plain (masked) sentence, and each mark of the
source is placed on the translation afterwards, by these rules in this order:

1. A mark over the whole sentence covers the whole translation.
2. A mark only on protected spans (a URL shown as link text, a name, an e-mail address)
   rides on their placeholders: it covers exactly the values restored in their place.
3. Any other mark covers the target words aligned to its source words
   (:mod:`pressroom.translate.alignment`), provided they form one stretch; target words
   aligned to nothing may lie inside it ("the" in "opened **the park**").
4. Otherwise the mark cannot be placed with confidence (no alignment, the sentence was
   translated in pieces, its words scattered over the translation): bold, italic and code
   are left out of that sentence, a link goes on the whole sentence (as much of it as no
   other link holds), so a link is never lost and no text is ever added. Each such mark is
   reported (QA check ``mark-not-placed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pressroom.document.inline import Mark, MarkKind, Text
from pressroom.qa.protect import Masked
from pressroom.translate.protected import Anchor, Translation
from pressroom.translate.alignment import word_spans

KIND_NAMES = {MarkKind.BOLD: "Bold", MarkKind.ITALIC: "Italic", MarkKind.CODE: "Code", MarkKind.LINK: "The link"}


@dataclass(frozen=True)
class Placement:
    """A translated sentence with its marks, and a message per mark that was not placed where it was."""

    text: Text
    unplaced: tuple[str, ...] = ()


def squeezed(text: Text) -> Text:
    """``text`` with white space normalised as the segmenter does (``" ".join(text.split())``),
    each mark moved with its characters."""
    spans = word_spans(text.text)
    offsets = []
    position = 0
    for start, end in spans:
        offsets.append(position)
        position += end - start + 1
    plain = " ".join(text.text[s:e] for s, e in spans)

    def moved(point: int, end: bool) -> int:
        for (start, stop), offset in zip(spans, offsets):
            if point < start:  # in the white space before this word
                return offset - 1 if end and offset else offset
            if point <= stop:
                return offset + point - start
        return len(plain)

    marks = tuple(replace(m, start=moved(m.start, False), end=moved(m.end, True)) for m in text.marks)
    return Text(plain, marks)


def sentence_texts(text: Text, sentences: Sequence[str]) -> list[Text]:
    """The sentences of ``text`` (as :func:`pressroom.segment.split_sentences` gave them) with
    their marks; a mark across a sentence end is cut in two."""
    whole = squeezed(text)
    parts = []
    offset = 0
    for sentence in sentences:
        part = whole.slice(offset, offset + len(sentence))
        parts.append(part if part.text == sentence else Text(sentence))  # never other words than the segmenter's
        offset += len(sentence) + 1
    return parts


def joined(sentences: Sequence[Text]) -> Text:
    """Translated sentences joined by spaces; a mark cut at a sentence end is made whole again."""
    return merged(Text.join(sentences, " "))


def merged(text: Text) -> Text:
    """``text`` with marks of the same kind and target that touch or overlap (or have only
    white space between them) made one."""
    result: list[Mark] = []
    for mark in sorted(text.marks, key=lambda m: (m.kind.value, m.target, m.start)):
        last = result[-1] if result else None
        if (
            last is not None
            and (last.kind, last.target) == (mark.kind, mark.target)
            and not text.text[last.end : mark.start].strip()
        ):
            result[-1] = replace(last, end=max(last.end, mark.end))
        else:
            result.append(mark)
    return Text(text.text, tuple(result))


def needs_alignment(sentence: Text, masked: Masked) -> bool:
    """Whether placing the marks of ``sentence`` needs a word alignment (rule 3), given its
    masked form: not when every mark covers the whole sentence or only protected spans."""
    protected = [(edit.start, edit.end) for edit in masked.edits]
    return any(
        _visible(sentence.text, m) and not _whole(sentence.text, m) and not _protected_only(sentence.text, m, protected)
        for m in sentence.marks
    )


def place_marks(source: Text, translation: Translation) -> Placement:
    """The marks of the source sentence ``source`` placed on ``translation`` (module rules)."""
    target = translation.text
    if not source.marks:
        return Placement(Text(target))
    placed: list[Mark] = []
    failed: list[Mark] = []
    for mark in source.marks:
        if not _visible(source.text, mark):
            continue
        spans = _spans(source.text, mark, translation)
        clash = mark.kind is MarkKind.LINK and any(
            m.kind is MarkKind.LINK and m.target != mark.target and m.start < end and start < m.end
            for m in placed
            for start, end in spans
        )  # two links on the same words: one would hide the other
        if spans and not clash:
            placed += [replace(mark, start=start, end=end) for start, end in spans]
        else:
            failed.append(mark)
    links = [mark for mark in failed if mark.kind is MarkKind.LINK]
    placed += _shared_links(target, links, [m for m in placed if m.kind is MarkKind.LINK])
    unplaced = tuple(unplaced_message(source.text, mark) for mark in failed)
    return Placement(_with_every_link(Text(target, tuple(placed)), source), unplaced)


def keep_links(source: Text, target: Text) -> tuple[Text, tuple[str, ...]]:
    """``target`` (a reviewer's text) with only the source's link targets, and every one of them:
    a link the reviewer left out goes on the whole text, as in rule 4."""
    wanted = source.links()
    kept = tuple(m for m in target.marks if m.kind is not MarkKind.LINK or m.target in wanted)
    present = {m.target for m in kept if m.kind is MarkKind.LINK}
    missing = [m for m in source.marks if m.kind is MarkKind.LINK and m.target not in present]
    extra = _shared_links(target.text, missing, [m for m in kept if m.kind is MarkKind.LINK])
    messages = tuple(unplaced_message(source.text, m) for m in missing)
    return _with_every_link(Text(target.text, kept + tuple(extra)), source), messages


def _spans(source: str, mark: Mark, translation: Translation) -> list[tuple[int, int]]:
    """Where rules 1-3 put ``mark`` in the translation; [] where they cannot (rule 4)."""
    target = translation.text
    if _whole(source, mark):
        left, right = _trimmed(source, mark.start, mark.end)
        whole = _trim(replace(mark, start=0, end=len(target)), target, left, right)
        return [(whole.start, whole.end)] if whole.start < whole.end else []
    if _protected_only(source, mark, [anchor.source for anchor in translation.anchors]):
        return [_on_anchor(source, target, mark, anchor) for anchor in translation.anchors if _overlaps(mark, anchor.source)]
    span = _aligned_span(source, mark, translation)
    return [span] if span else []


def _on_anchor(source: str, target: str, mark: Mark, anchor: Anchor) -> tuple[int, int]:
    """A mark's place on a protected span's value: the same characters where the value is the
    span as written (an address, a name), else the whole value (an approved term)."""
    (source_start, source_end), (target_start, target_end) = anchor.source, anchor.target
    if source[source_start:source_end] != target[target_start:target_end]:
        return anchor.target
    shift = target_start - source_start
    return max(mark.start, source_start) + shift, min(mark.end, source_end) + shift


def _with_every_link(text: Text, source: Text) -> Text:
    """``text`` merged, or, should two links still share words (more links than room), with
    the source's links shared out over the whole text, so that each stays a live link."""
    text = merged(text)
    links = [m for m in text.marks if m.kind is MarkKind.LINK]
    apart = all(a.end <= b.start for a, b in zip(links, links[1:]))  # sorted by start
    if apart and {m.target for m in links} >= set(source.links()):
        return text
    others = tuple(m for m in text.marks if m.kind is not MarkKind.LINK)
    shared = _shared_links(text.text, [m for m in source.marks if m.kind is MarkKind.LINK], [])
    return merged(Text(text.text, others + tuple(shared)))


def unplaced_message(text: str, mark: Mark) -> str:
    """What the quality report says about a mark that could not be placed (rule 4)."""
    quoted = f"„{text[mark.start : mark.end].strip()}“"
    if mark.kind is MarkKind.LINK:
        return (
            f"{KIND_NAMES[mark.kind]} on {quoted} ({mark.target}) could not be placed on the words "
            "that translate it; it now covers the whole sentence."
        )
    return f"{KIND_NAMES[mark.kind]} on {quoted} could not be placed on the words that translate it and was left out."


def _visible(text: str, mark: Mark) -> bool:
    """Links always are; bold or italic white space or punctuation is nothing a reader would miss."""
    return mark.kind is MarkKind.LINK or bool(_content(text, mark.start, mark.end))


def _content(text: str, start: int, end: int) -> list[int]:
    """The positions of letters and digits in ``text[start:end]``."""
    return [i for i in range(start, end) if text[i].isalnum()]


def _whole(text: str, mark: Mark) -> bool:
    """Whether the mark covers every letter and digit of the sentence."""
    content = _content(text, 0, len(text))
    return not content or (mark.start <= content[0] and mark.end > content[-1])


def _overlaps(mark: Mark, span: tuple[int, int]) -> bool:
    return mark.start < span[1] and span[0] < mark.end


def _protected_only(text: str, mark: Mark, protected: Sequence[tuple[int, int]]) -> bool:
    """Whether every letter and digit under the mark belongs to a protected span."""
    inside = [(start, end) for start, end in protected if _overlaps(mark, (start, end))]
    return bool(inside) and all(any(s <= i < e for s, e in inside) for i in _content(text, mark.start, mark.end))


def _aligned_span(source: str, mark: Mark, translation: Translation) -> tuple[int, int] | None:
    """The target stretch of the words aligned to the mark's words, or None (rule 4)."""
    if translation.alignment is None:
        return None
    target = translation.text
    target_words = word_spans(target)
    anchors = [a for a in translation.anchors if _overlaps(mark, a.source)]
    chosen = {i for a in anchors for i, (s, e) in enumerate(target_words) if s < a.target[1] and e > a.target[0]}
    marked = {
        i
        for i, (start, end) in enumerate(word_spans(source))
        if _content(source, max(start, mark.start), min(end, mark.end))
        and not any(_within((start, end), a.source) for a in anchors)
    }
    linked = {t for _, t in translation.alignment}
    chosen |= {t for s, t in translation.alignment if s in marked}
    if not chosen:
        return None
    first, last = min(chosen), max(chosen)
    if any(i not in chosen and i in linked for i in range(first, last + 1)):
        return None  # scattered: words that translate other words lie between
    covered = source[mark.start : mark.end]
    stretch = replace(mark, start=target_words[first][0], end=target_words[last][1])
    span = _trim(stretch, target, covered[:1].isalnum(), covered[-1:].isalnum())
    return (span.start, span.end) if span.start < span.end else None


def _trimmed(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether a mark over ``text[start:end]`` leaves out punctuation at the sentence's start
    (or end): its translation then leaves out the translation's punctuation there too."""
    return bool(text[:start].strip()), bool(text[end:].strip())


def _trim(mark: Mark, text: str, left: bool, right: bool) -> Mark:
    """``mark`` without the non-alphanumeric characters at its start (``left``) and end (``right``)."""
    start, end = mark.start, mark.end
    while left and start < end and not text[start].isalnum():
        start += 1
    while right and end > start and not text[end - 1].isalnum():
        end -= 1
    return replace(mark, start=start, end=end)


def _within(word: tuple[int, int], span: tuple[int, int]) -> bool:
    return span[0] <= word[0] and word[1] <= span[1]


def _shared_links(target: str, links: Sequence[Mark], taken: Sequence[Mark]) -> list[Mark]:
    """Rule 4 for links: they go on what no other link of the sentence holds (the whole
    sentence where there is none), shared out in order word by word, or character by
    character where there are fewer words than links."""
    if not links:
        return []
    free = [(s, e) for s, e in word_spans(target) if not any(m.start < e and s < m.end for m in taken)]
    if len(free) < len(links):
        free = [
            (i, i + 1)
            for i, ch in enumerate(target)
            if not ch.isspace() and not any(m.start <= i < m.end for m in taken)
        ]
    placed = []
    for number, link in enumerate(links):
        first, last = len(free) * number // len(links), len(free) * (number + 1) // len(links)
        placed += [replace(link, start=s, end=e) for s, e in free[first:last]]
    return placed
