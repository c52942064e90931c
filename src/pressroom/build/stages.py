"""The translation stages: every planned edition translated corpus-wide, then human review applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pressroom.build.plan import EditionPlan
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult, Reporter, SilentReporter, note_problem
from pressroom.document.inline import MarkKind, Text
from pressroom.document.model import Edition
from pressroom.qa.checks import EditionRecord, Unit
from pressroom.qa.glossary import Term
from pressroom.qa.numbers import figures_only
from pressroom.qa.protect import Protector
from pressroom.translate.protected import ProtectedTranslator, Translation
from pressroom.review.store import REVIEWS_FILE, Approval, Approvals
from pressroom.segment import split_sentences
from pressroom.translate.base import Engine, TranslationError
from pressroom.translate.corpus import ChunkRunner, CorpusTranslator, LocalChunks
from pressroom.translate.marks import (
    joined,
    keep_links,
    needs_alignment,
    place_marks,
    sentence_texts,
    squeezed,
    unplaced_message,
)
from pressroom.translate.memory import TranslationMemory, normalise


@dataclass(frozen=True)
class Segment:
    """One translatable text of a release (white space normalised, marks kept) and the
    sentences of it that go to the models, each with its own marks. ``kept``: figures only
    (a table cell of amounts or dates), published as written without any model."""

    text: Text
    sentences: tuple[Text, ...]
    kept: bool = False


def segments(texts: list[Text], lang: str) -> list[Segment]:
    """The segments of a release's translatable texts (:meth:`Release.translatable_texts`)."""
    return [
        Segment(squeezed(text), (), kept=True)
        if figures_only(text.text)
        else Segment(squeezed(text), tuple(sentence_texts(text, split_sentences(text.text, lang))))
        for text in texts
    ]


@contextmanager
def chunk_runner(cluster: str | None) -> Iterator[ChunkRunner]:
    """Where the build's chunks are translated: here, or on the Dask cluster at ``cluster``,
    connected now (before the releases are read, so a wrong address fails at once) and closed
    after the build. A cluster that cannot be used stops the build with a :class:`BuildError`."""
    if not cluster:
        yield LocalChunks()
        return
    from pressroom.cluster.driver import ClusterChunks, ClusterError

    try:
        runner = ClusterChunks(cluster)
    except ClusterError as exc:
        raise BuildError(str(exc)) from None
    try:
        yield runner
    except ClusterError as exc:
        raise BuildError(str(exc)) from None
    finally:
        runner.close()


def translate_editions(
    plans: list[EditionPlan],
    protector: Protector,
    options: BuildOptions,
    result: BuildResult,
    reporter: Reporter,
    runner: ChunkRunner | None = None,
) -> tuple[list[Edition], list[EditionRecord]]:
    """Translate every planned edition, corpus-wide per route, through the translation memory
    (unless ``options`` turn it off), and assemble the editions with the segment pairs the
    quality checks read. ``runner`` translates the chunks (default: here, in order). What each
    engine did goes to ``result.engines``; in a demo build (``result.demo``) every edition is
    marked, the originals too."""
    protector = with_verbatim(protector, plans)
    runner = runner or LocalChunks()
    runner.prepare(list({e.identity: e for plan in plans for route in plan.routes.values() for e in route}.values()))
    memory = None
    if options.use_memory:
        memory = TranslationMemory(options.memory_path or options.output_dir / STATE_DIR / "memory.sqlite")
    translator = ProtectedTranslator(CorpusTranslator(memory, runner), protector)
    try:
        translations, segments_of = _translate_routes(plans, translator, reporter)
    finally:
        if memory:
            memory.close()
    if memory and memory.recovered:
        note_problem(result.warnings, reporter, memory.path, memory.recovered, False)
    result.engines = list(translator.corpus.stats.values())
    editions, records = _assemble(plans, translations, segments_of)
    if result.demo:  # a demo build marks every output, the originals beside the gibberish too
        for edition in editions:
            edition.demo = True
    return editions, records


def with_verbatim(protector: Protector, plans: list[EditionPlan]) -> Protector:
    """``protector`` that also keeps every text marked as code (verbatim: a file name, an
    identifier) as written, like a do-not-translate name, in every release of the build."""
    known = {term.source for term in protector.glossary.terms}
    verbatim = {
        text.text[m.start : m.end].strip()
        for plan in plans
        for text in plan.release.translatable_texts()
        for m in text.marks
        if m.kind is MarkKind.CODE
    } - known - {""}
    if not verbatim:
        return protector
    terms = [*protector.glossary.terms, *(Term(v, where="text marked as code") for v in sorted(verbatim))]
    return Protector(replace(protector.glossary, terms=terms))


def _translate_routes(
    plans: list[EditionPlan], translator: ProtectedTranslator, reporter: Reporter
) -> tuple[dict[tuple[str, ...], dict[str, Translation]], dict[str, list[Segment]]]:
    """Every sentence of every plan through each route once; also each release's segments."""
    segments_of = {plan.release.slug: segments(plan.release.translatable_texts(), plan.release.lang) for plan in plans}
    # Sentences with a mark that only the model's word alignment can place.
    aligned = {
        sentence.text
        for plan in plans
        for segment in segments_of[plan.release.slug]
        for sentence in segment.sentences
        if sentence.marks and needs_alignment(sentence, translator.protector.mask(sentence.text, plan.release.lang))
    }
    jobs: dict[tuple[str, ...], list[EditionPlan]] = defaultdict(list)
    route_of: dict[tuple[str, ...], list[Engine]] = {}
    for plan in plans:
        for route in plan.routes.values():
            key = tuple(engine.identity for engine in route)
            jobs[key].append(plan)
            route_of[key] = route

    def progress(engine: Engine, done: int, total: int) -> None:
        name = f"Translating {engine.source}→{engine.target}"
        if done == 0:
            reporter.stage(name, total)
        reporter.advance(name, done, total)

    translations: dict[tuple[str, ...], dict[str, Translation]] = {}
    # Shorter routes first: de→en runs before de→en→ko, which then reuses its output.
    for key in sorted(jobs, key=len):
        sentences = [s.text for plan in jobs[key] for segment in segments_of[plan.release.slug] for s in segment.sentences]
        try:
            translations[key] = translator.translate(route_of[key], sentences, progress, aligned=aligned)
        except TranslationError as exc:
            # A model fault, not a release's: stop before writing, so the feeds and indexes
            # keep every release instead of being rebuilt without the untranslated ones.
            pairs = " ".join(f"{engine.source}:{engine.target}" for engine in route_of[key])
            raise BuildError(
                f"Translation failed: {exc}. The model package may be damaged: reinstall it "
                f"from its .argosmodel file ('pressroom models install FILE.argosmodel') or "
                f"from the package index ('pressroom models install {pairs}'), or add a converted "
                "model again with 'pressroom models add FOLDER', then run the build again. "
                "Nothing was published; what was published before is unchanged."
            ) from None
    return translations, segments_of


def _unit(segment: Segment, table: dict[str, Translation]) -> Unit:
    """A segment's translation with its marks placed, as the checks and the edition need it."""
    if segment.kept:
        return Unit(segment.text.text, segment.text.text, source_marks=segment.text.marks, target_marks=segment.text.marks)
    unit = Unit.from_sentences([s.text for s in segment.sentences], table)
    placements = [place_marks(sentence, table[sentence.text]) for sentence in segment.sentences]
    target = joined([placement.text for placement in placements])
    return replace(
        unit,
        source_marks=segment.text.marks,
        target_marks=target.marks,
        marks_not_placed=[message for placement in placements for message in placement.unplaced],
    )


def _assemble(
    plans: list[EditionPlan],
    translations: dict[tuple[str, ...], dict[str, Translation]],
    segments_of: dict[str, list[Segment]],
) -> tuple[list[Edition], list[EditionRecord]]:
    """The editions of every plan from the translated sentences, with their QA records."""
    editions = []
    records = []
    for plan in plans:
        release = plan.release
        if plan.publish_original:
            editions.append(Edition.original(release))
        for target, route in plan.routes.items():
            table = translations[tuple(engine.identity for engine in route)]
            units = [_unit(segment, table) for segment in segments_of[release.slug]]
            records.append(EditionRecord(release.slug, target, release.lang, units[0].target, units))
            editions.append(
                Edition.from_texts(
                    release,
                    target,
                    [unit.rich_target for unit in units],
                    demo=any(engine.demo for engine in route),
                    engine=" → ".join(engine.identity for engine in route),
                )
            )
    return editions, records


def apply_reviews(
    editions: list[Edition],
    records: list[EditionRecord],
    state_dir: Path,
    result: BuildResult | None = None,
    reporter: Reporter | None = None,
) -> list[Edition]:
    """Put human-approved translations in place of machine output, segment by segment.

    Approvals are keyed by language pair and source text only (:mod:`pressroom.review.store`):
    they win over any model, and a segment whose German text changed has none. The records
    the quality checks and review exports read get the approved text too. Returns the
    editions, translations with their review counts.
    """
    counts: dict[tuple[str, str], tuple[EditionRecord, int]] = {}
    approvals = Approvals(state_dir / REVIEWS_FILE)
    try:
        for record in records:
            approved = approvals.lookup(record.source_lang, record.lang, [u.source for u in record.units if u.source.strip()])
            reviewed = sum(1 for u in record.units if u.source in approved)
            record.units = [_approved(u, approved[u.source]) if u.source in approved else u for u in record.units]
            record.title = record.units[0].target
            record.reviewed_segments = reviewed
            counts[(record.release, record.lang)] = (record, reviewed)
    finally:
        approvals.close()
    if approvals.recovered and result is not None:  # a damaged store was restored: say so
        note_problem(result.warnings, reporter or SilentReporter(), approvals.path, approvals.recovered, False)
    revised = []
    for edition in editions:
        if (edition.slug, edition.lang) in counts and edition.machine_translated:
            record, reviewed = counts[(edition.slug, edition.lang)]
            if reviewed:
                edition = Edition.from_texts(
                    edition.release, edition.lang, [u.rich_target for u in record.units], demo=edition.demo, engine=edition.engine
                )
            edition.segments = sum(1 for u in record.units if u.source.strip())
            edition.reviewed_segments = reviewed
        revised.append(edition)
    return revised


def _approved(unit: Unit, approval: Approval) -> Unit:
    """The segment with its human-approved translation and the reviewer's marks. An approval
    stored before reviews kept marks takes the machine translation's marks where the text is
    the machine's, and no emphasis otherwise; either way every link of the original stays."""
    source = unit.rich_source
    if approval.marks is not None:
        target = Text(approval.target, approval.marks)
        lost: tuple[str, ...] = ()
    elif normalise(approval.target) == normalise(unit.target):
        target = Text(approval.target, unit.target_marks)
        lost = ()
    else:
        target = Text(approval.target)
        lost = tuple(unplaced_message(source.text, m) for m in source.marks if m.kind is not MarkKind.LINK)
    target, unlinked = keep_links(source, target)
    return Unit(unit.source, target.text, source_marks=unit.source_marks, target_marks=target.marks, marks_not_placed=[*lost, *unlinked])
