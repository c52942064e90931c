"""The translation stages: every planned edition translated corpus-wide, then human review applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pressroom.build.plan import EditionPlan
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult, Reporter, note_problem
from pressroom.document.inline import Text
from pressroom.document.model import Edition
from pressroom.qa.checks import EditionRecord, Unit
from pressroom.qa.protect import ProtectedTranslator, Protector, Translation
from pressroom.review.store import REVIEWS_FILE, Approvals
from pressroom.segment import split_sentences
from pressroom.translate.base import Engine, TranslationError
from pressroom.translate.corpus import ChunkRunner, CorpusTranslator, LocalChunks
from pressroom.translate.memory import TranslationMemory


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
    runner = runner or LocalChunks()
    runner.prepare(list({e.identity: e for plan in plans for route in plan.routes.values() for e in route}.values()))
    memory = None
    if options.use_memory:
        memory = TranslationMemory(options.memory_path or options.output_dir / STATE_DIR / "memory.sqlite")
    translator = ProtectedTranslator(CorpusTranslator(memory, runner), protector)
    try:
        translations, sentences_of = _translate_routes(plans, translator, reporter)
    finally:
        if memory:
            memory.close()
    if memory and memory.recovered:
        note_problem(result.warnings, reporter, memory.path, memory.recovered, False)
    result.engines = list(translator.corpus.stats.values())
    editions, records = _assemble(plans, translations, sentences_of)
    if result.demo:  # a demo build marks every output, the originals beside the gibberish too
        for edition in editions:
            edition.demo = True
    return editions, records


def _translate_routes(
    plans: list[EditionPlan], translator: ProtectedTranslator, reporter: Reporter
) -> tuple[dict[tuple[str, ...], dict[str, Translation]], dict[str, list[list[str]]]]:
    """Every sentence of every plan through each route once; also each release's sentences."""
    sentences_of: dict[str, list[list[str]]] = {
        plan.release.slug: [
            split_sentences(text.text, plan.release.lang) for text in plan.release.translatable_texts()
        ]
        for plan in plans
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
        sentences = [s for plan in jobs[key] for text in sentences_of[plan.release.slug] for s in text]
        try:
            translations[key] = translator.translate(route_of[key], sentences, progress)
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
    return translations, sentences_of


def _assemble(
    plans: list[EditionPlan],
    translations: dict[tuple[str, ...], dict[str, Translation]],
    sentences_of: dict[str, list[list[str]]],
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
            units = [Unit.from_sentences(text, table) for text in sentences_of[release.slug]]
            records.append(EditionRecord(release.slug, target, release.lang, units[0].target, units))
            editions.append(
                Edition.from_texts(
                    release,
                    target,
                    [Text(unit.target) for unit in units],
                    demo=any(engine.demo for engine in route),
                    engine=" → ".join(engine.identity for engine in route),
                )
            )
    return editions, records


def apply_reviews(
    editions: list[Edition], records: list[EditionRecord], state_dir: Path, result: BuildResult, reporter: Reporter
) -> tuple[list[Edition], int]:
    """Put human-approved translations in place of machine output, segment by segment.

    Approvals are keyed by language pair and source text only (:mod:`pressroom.review.store`):
    they win over any model, and a segment whose German text changed has none. The records
    the quality checks and review exports read get the approved text too. Returns the
    editions (translations with their review counts) and how many segments were replaced.
    """
    counts: dict[tuple[str, str], tuple[EditionRecord, int]] = {}
    approvals = Approvals(state_dir / REVIEWS_FILE)
    try:
        for record in records:
            approved = approvals.lookup(record.source_lang, record.lang, [u.source for u in record.units if u.source.strip()])
            reviewed = sum(1 for u in record.units if u.source in approved)
            record.units = [Unit(u.source, approved[u.source].target) if u.source in approved else u for u in record.units]
            record.title = record.units[0].target
            record.reviewed_segments = reviewed
            counts[(record.release, record.lang)] = (record, reviewed)
    finally:
        approvals.close()
    if approvals.recovered:
        note_problem(result.warnings, reporter, approvals.path, approvals.recovered, False)
    revised = []
    for edition in editions:
        if (edition.slug, edition.lang) in counts and edition.machine_translated:
            record, reviewed = counts[(edition.slug, edition.lang)]
            if reviewed:
                edition = Edition.from_texts(
                    edition.release, edition.lang, [Text(u.target) for u in record.units], demo=edition.demo, engine=edition.engine
                )
            edition.segments = sum(1 for u in record.units if u.source.strip())
            edition.reviewed_segments = reviewed
        revised.append(edition)
    return revised, sum(reviewed for _, reviewed in counts.values())
