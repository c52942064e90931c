"""An engine route behind protected content (:mod:`pressroom.qa.protect`): sentences masked,
translated hop by hop, placeholders repaired after each hop (or the sentence translated in
pieces when one is lost), and restored for the target language.

Each translation also says where every protected span ended up (:class:`Anchor`) and which
source words became which target words (the engines' alignments, carried across masking,
placeholder repair, the pivot hop and restoring), so marks on the source can be placed
(:mod:`pressroom.translate.marks`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from pressroom.qa.protect import CANONICAL, Masked, Protector, placeholder_count, repair_with_edits, strip_placeholders
from pressroom.text import clean
from pressroom.translate.alignment import compose, from_moves, identity, moved_words
from pressroom.translate.base import Alignment, Engine
from pressroom.translate.corpus import CorpusTranslator, Progress


@dataclass(frozen=True)
class Anchor:
    """Where a protected span stands in the source sentence and where its value stands in the
    translation (character ranges): a mark on the span rides on it."""

    source: tuple[int, int]
    target: tuple[int, int]


@dataclass(frozen=True)
class Translation:
    """A sentence's translation along a route, restored for the route's target language.

    ``in_pieces``: the model lost a placeholder at some hop, so the text between protected
    spans was translated piece by piece; reviewers should read it. ``score``: the engines'
    confidence (mean log-probability per token) of the least sure hop, None where no model
    was asked (a sentence of names only) or the engines give no score. ``alignment`` links
    the words of the source sentence to those of ``text`` (None where an engine gave none or
    the sentence was translated in pieces); ``anchors`` place each protected span.
    """

    text: str
    in_pieces: bool = False
    score: float | None = None
    alignment: Alignment | None = None
    anchors: tuple[Anchor, ...] = ()


@dataclass
class _Hop:
    outputs: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    in_pieces: set[str] = field(default_factory=set)
    alignments: dict[str, Alignment | None] = field(default_factory=dict)


class ProtectedTranslator:
    """A :class:`CorpusTranslator` behind masking, placeholder repair and restoring."""

    def __init__(self, corpus: CorpusTranslator, protector: Protector) -> None:
        self.corpus = corpus
        self.protector = protector

    def translate(
        self,
        route: Sequence[Engine],
        sentences: Sequence[str],
        progress: Progress | None = None,
        *,
        aligned: Collection[str] = (),
    ) -> dict[str, Translation]:
        """Each sentence's translation through every engine of ``route``, spans restored.

        ``aligned``: the sentences whose word alignment is needed (see
        :meth:`CorpusTranslator.translate`); the others get one where it is at hand.
        """
        masks = {s: self.protector.mask(s, route[0].source) for s in dict.fromkeys(sentences)}
        current = {m.text: m.text for m in masks.values()}
        scores: dict[str, list[float]] = {m: [] for m in current}
        alignments: dict[str, Alignment | None] = {m: identity(len(m.split())) for m in current}
        needed = {masks[s].text for s in aligned if s in masks}
        in_pieces: set[str] = set()
        for engine in route:
            hop = self._hop(engine, list(dict.fromkeys(current.values())), progress, {current[m] for m in needed})
            in_pieces |= {m for m, text in current.items() if text in hop.in_pieces}
            for masked, text in current.items():
                if hop.scores.get(text) is not None:
                    scores[masked].append(hop.scores[text])
                so_far, step = alignments[masked], hop.alignments.get(text)
                alignments[masked] = compose(so_far, step) if so_far is not None and step is not None else None
            current = {m: hop.outputs[text] for m, text in current.items()}
        target = route[-1].target
        return {
            s: _translation(s, mask, current[mask.text], target, mask.text in in_pieces, scores[mask.text], alignments[mask.text])
            for s, mask in masks.items()
        }

    def _hop(self, engine: Engine, inputs: list[str], progress: Progress | None, aligned: Collection[str]) -> _Hop:
        """One engine step; outputs keep every placeholder, repaired or rebuilt from pieces."""
        # Only names, addresses and punctuation ("⟦1⟧", "⟦1⟧, ⟦2⟧"): nothing for a model to do.
        kept = [t for t in inputs if placeholder_count(t) and not _translatable(CANONICAL.sub("", t))]
        hop = _Hop({t: t for t in kept}, alignments={t: identity(len(t.split())) for t in kept})
        raw = self.corpus.translate([engine], [t for t in inputs if t not in hop.outputs], progress, aligned=aligned)
        for text, hypothesis in raw.items():
            repaired = repair_with_edits(hypothesis.text, text) if placeholder_count(text) else (hypothesis.text, ())
            if repaired is None:
                hop.in_pieces.add(text)
                continue
            fixed, edits = repaired
            hop.outputs[text] = fixed
            hop.scores[text] = hypothesis.score
            if hypothesis.alignment:
                moves = moved_words(hypothesis.text, fixed, edits)
                hop.alignments[text] = compose(hypothesis.alignment, from_moves(moves))
        if hop.in_pieces:
            parts = {text: _CANONICAL_SPLIT.split(text) for text in hop.in_pieces}
            pieces = [p.strip() for split in parts.values() for p in split[::2] if _translatable(p)]
            done = self.corpus.translate([engine], pieces, pieces=True)
            for text, split in parts.items():
                hop.outputs[text] = _reassemble(split, lambda piece: strip_placeholders(done[piece].text))
                piece_scores = [done[p.strip()].score for p in split[::2] if _translatable(p)]
                known = [score for score in piece_scores if score is not None]
                hop.scores[text] = sum(known) / len(known) if known else None
        return hop


_CANONICAL_SPLIT = re.compile(r"(⟦\d+⟧)")


def _translation(
    sentence: str,
    mask: Masked,
    output: str,
    lang: str,
    in_pieces: bool,
    scores: list[float],
    alignment: Alignment | None,
) -> Translation:
    """The restored translation of ``sentence``, with its alignment carried from the masked
    words to the sentence's own and from the placeholders to the restored values. Model output
    is text from outside too: controls and direction marks go before anything is placed."""
    output = clean(output)
    text, edits, places = mask.restored(output, lang)
    if alignment is not None:
        masking = from_moves(moved_words(sentence, mask.text, mask.edits))
        restoring = from_moves(moved_words(output, text, edits))
        alignment = compose(compose(masking, alignment), restoring)
    anchors = tuple(
        Anchor((edit.start, edit.end), places[number]) for number, edit in enumerate(mask.edits, 1) if number in places
    )
    return Translation(text, in_pieces, min(scores, default=None), None if in_pieces else alignment, anchors)


def _translatable(piece: str) -> bool:
    return any(ch.isalpha() for ch in piece)


def _reassemble(split: list[str], translated: Callable[[str], str]) -> str:
    """Pieces (even indices) translated, placeholders (odd) kept, the source's spacing kept."""
    out = []
    for index, part in enumerate(split):
        if index % 2 or not _translatable(part):
            out.append(part)
            continue
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        out.append(lead + translated(part.strip()) + trail)
    return "".join(out)
