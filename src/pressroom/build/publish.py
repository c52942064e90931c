"""Publishing: DOCX and pages of the editions that changed, the website's lists, feeds, sitemap
and search listing every edition, the publish state, and the removal of what is no longer
published.

The order keeps every file complete and the next build correct wherever a build is killed
(each file is written atomically): the changed editions' DOCX first; then the files of editions
no longer published are deleted (so the search index, which reads the pages on disk, never
finds them); then the website (changed release pages, the search shards and lists, feeds and
sitemap whose content changed: :mod:`pressroom.writers.memo`, whose keys the state records
next); then the publish state records the changed editions and forgets the removed ones. A
build killed before that renders the changed editions again and deletes the removed ones again.

A release whose file fails in this build keeps its last published editions in the lists (a
half-saved file must not unpublish it); see :func:`keep_last_published`. A release whose file
was removed, or that is embargoed again, disappears from every list, and its files go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pressroom.atomic import atomic_write_bytes
from pressroom.build import per_edition
from pressroom.build.fingerprint import files_signature, source_key
from pressroom.build.changes import Made
from pressroom.build.state import Built, PublishState
from pressroom.build.types import BuildError, BuildOptions, BuildResult, Reporter, note_problem
from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.qa.glossary import Glossary
from pressroom.translate.corpus import ChunkRunner, LocalChunks
from pressroom.writers.links import EDITION_EXTENSIONS, edition_files, edition_url, output_path
from pressroom.writers.media import media_path, pictures, write_media
from pressroom.writers.memo import OutputMemo
from pressroom.writers.search import SearchIndexError
from pressroom.writers.site import publish_site
from pressroom.writers.theme import ThemeError


def write_editions(
    made: Sequence[Made],
    languages: list[str],
    settings: Settings,
    options: BuildOptions,
    now: datetime,
    result: BuildResult,
    reporter: Reporter,
    review: Mapping[tuple[str, str], Mapping[int, Sequence[str]]],
    state: PublishState,
    previous: Mapping[tuple[str, str], Built],
    glossary: Glossary | None = None,
    runner: ChunkRunner | None = None,
    shaping: str = "",
) -> list[Built]:
    """Publish this build's editions; returns those it published (in ``made``'s order).

    ``previous`` is what the state held before this build. ``review`` holds quality-check
    messages per (language, slug) and segment, written into the DOCX as comments when
    ``settings.review_marks`` is on. Tags are named through ``glossary`` where pressroom.toml's
    tag table has no name. ``runner`` renders the DOCX files (here unless a cluster's is given).
    ``shaping`` (the build context's) salts the keys of list pages and feeds, so a changed
    template or setting writes them all again.
    """
    output_dir = options.output_dir
    for item in made:
        if item.built.edition.updated is None:  # a stored edition keeps its time
            state.stamp(item.built.edition, now)
    changed = [item.built for item in made if item.changed]
    broken = _write_docx_files(changed, settings, options, result, reporter, review, runner or LocalChunks())
    published = [item for item in made if item.built.slug not in broken]
    listed: dict[str, list[Edition]] = {lang: [] for lang in languages}
    for item in published:
        listed[item.built.lang].append(item.built.edition)
    listed = keep_last_published(state, listed, options, result, reporter)
    pages = {(b.lang, b.slug) for b in changed if b.slug not in broken}
    in_feeds = None
    if options.require_review:  # unreviewed translations wait outside the feeds
        in_feeds = {lang: [e for e in eds if e.review_status in ("original", "reviewed")] for lang, eds in listed.items()}
    try:
        gone = _remove_unlisted(state, listed, previous, options)
        sizes = {lang: {e.slug: edition_files(output_dir, e, False)[0].stat().st_size for e in eds} for lang, eds in listed.items()}  # [0]: the DOCX
        fingerprints = {key: built.fingerprint for key, built in previous.items()}
        fingerprints.update({(item.built.lang, item.built.slug): item.built.fingerprint for item in published})
        memo = OutputMemo(output_dir, state.outputs(), shaping, fingerprints)
        others: dict[str, list[Edition]] = {}  # languages this build does not make stay searchable
        for built in previous.values():
            if built.lang not in listed:
                others.setdefault(built.lang, []).append(built.edition)
        publish_site(
            listed, output_dir, settings, docx_sizes=sizes, in_feeds=in_feeds, glossary=glossary,
            pages=pages, memo=memo, also_searched=others,
        )  # fmt: skip
        state.remember_outputs(memo.written, memo.removed)
        for item in published:
            if item.changed:
                item.built.files = files_signature(edition_files(output_dir, item.built.edition, options.bilingual))
        state.remember(item.built for item in published if not item.stored)
        state.forget(gone)
    except OSError as exc:
        raise BuildError(f"Cannot write to {output_dir}: {exc.strerror or exc}") from None
    except ThemeError as exc:
        raise BuildError(f"The theme has a mistake: {exc}. Correct the template, or remove it to use the default.") from None
    except SearchIndexError as exc:
        raise BuildError(f"{exc}. The pages and feeds were written; search still shows the previous index.") from None
    result.published = {lang: [] for lang in languages}
    for item in published:
        result.published[item.built.lang].append(item.built.slug)
    result.rebuilt = {lang: [b.slug for b in changed if b.lang == lang and b.slug not in broken] for lang in languages}
    result.reviewed_segments = sum(item.built.edition.reviewed_segments for item in published)
    return [item.built for item in published]


def _write_docx_files(
    changed: Sequence[Built],
    settings: Settings,
    options: BuildOptions,
    result: BuildResult,
    reporter: Reporter,
    review: Mapping[tuple[str, str], Mapping[int, Sequence[str]]],
    runner: ChunkRunner,
) -> set[str]:
    """The DOCX (and review edition) of each changed edition, rendered where ``runner`` runs
    its tasks and written here as each comes back; returns the slugs of releases whose content
    could not be rendered (all their editions are then left out)."""
    broken: set[str] = set()
    jobs = [
        per_edition.RenderJob(
            built.edition,
            edition_url(settings, built.edition.release.lang, built.edition.slug, "html"),
            review.get((built.lang, built.slug)),
            options.bilingual,
        )
        for built in changed
    ]
    reporter.stage("Writing editions", len(jobs))
    for count, (index, rendered) in enumerate(runner.map(per_edition.render_edition, settings, jobs), 1):
        reporter.advance("Writing editions", count, len(jobs))
        edition = jobs[index].edition
        if edition.slug in broken:  # another edition of its release failed: one problem is enough
            continue
        if rendered.problem:
            broken.add(edition.slug)
            note_problem(result.failed, reporter, edition.release.source_path, rendered.problem, True)
            continue
        path = output_path(options.output_dir, edition.lang, edition.slug, "docx")
        try:
            write_media(edition.blocks, options.output_dir)
            atomic_write_bytes(path, rendered.docx)
            if rendered.bilingual is not None:
                atomic_write_bytes(output_path(options.output_dir, edition.lang, edition.slug, "bilingual.docx"), rendered.bilingual)
        except OSError as exc:
            raise BuildError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return broken


def keep_last_published(
    state: PublishState,
    listed: dict[str, list[Edition]],
    options: BuildOptions,
    result: BuildResult,
    reporter: Reporter,
) -> dict[str, list[Edition]]:
    """The editions to list in pages and feeds: this build's, plus the last published editions
    of files that failed in this build (a half-saved file must not unpublish its release).

    Their files are left as they are, so an edition is kept only while its DOCX is still there
    and no release of this build took its slug. A file that was removed from the releases
    folder is not failing; its release drops out of the lists.
    """
    listed = {lang: list(editions) for lang, editions in listed.items()}
    taken = {(lang, edition.slug) for lang, editions in listed.items() for edition in editions}
    for path in dict.fromkeys(problem.path for problem in result.failed):
        kept = []
        for built in state.last_published(source_key(path, options)):
            docx = output_path(options.output_dir, built.lang, built.slug, "docx")
            if built.lang not in listed or (built.lang, built.slug) in taken or not docx.is_file():
                continue
            listed[built.lang].append(built.edition)
            taken.add((built.lang, built.slug))
            kept.append(built.lang)
        if kept:
            note_problem(
                result.warnings,
                reporter,
                path,
                f"its last published version stays listed in the {', '.join(kept)} pages and "
                "feeds until the file is fixed",
                False,
            )
    return listed


def _remove_unlisted(
    state: PublishState, listed: Mapping[str, Sequence[Edition]], previous: Mapping[tuple[str, str], Built], options: BuildOptions
) -> list[tuple[str, str]]:
    """Delete the files of every edition published before in this build's languages and not
    listed now (its release was removed, renamed to another slug or embargoed again), and the
    pictures no edition shows any more; return those editions, for the state to forget once the
    website no longer lists them. Languages this build does not make (``--to``) are left alone."""
    shown = {(lang, edition.slug) for lang, editions in listed.items() for edition in editions}
    gone = [key for key in state.all_keys() if key[0] in listed and key not in shown]
    for lang, slug in gone:
        for ext in EDITION_EXTENSIONS:
            output_path(options.output_dir, lang, slug, ext).unlink(missing_ok=True)
    # Pictures that an edition showed before this build and none shows now.
    unused = {name for built in previous.values() for name in pictures(built.edition.blocks)}
    unused -= {name for editions in listed.values() for edition in editions for name in pictures(edition.blocks)}
    if unused:
        unused -= {name for key, built in state.all_built().items() if key not in gone for name in pictures(built.edition.blocks)}
    for name in unused:
        media_path(options.output_dir, name).unlink(missing_ok=True)
    return gone
