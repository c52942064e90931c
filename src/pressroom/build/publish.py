"""Publishing: DOCX per edition, then pages and feeds per language, and the publish state.

A release whose file fails in this build keeps its last published edition in the lists (a
half-saved file must not unpublish it); see :func:`keep_last_published`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from pressroom.build.state import PublishState
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult, Reporter, note_problem
from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.writers.docx import write_bilingual_docx, write_docx
from pressroom.qa.glossary import Glossary
from pressroom.writers.links import edition_url, output_path
from pressroom.writers.media import write_media
from pressroom.writers.search import SearchIndexError
from pressroom.writers.site import publish_site
from pressroom.writers.theme import ThemeError


def write_editions(
    editions: Sequence[Edition],
    languages: list[str],
    settings: Settings,
    options: BuildOptions,
    now: datetime,
    result: BuildResult,
    reporter: Reporter,
    review: Mapping[tuple[str, str], Mapping[int, Sequence[str]]],
    glossary: Glossary | None = None,
) -> None:
    """DOCX per edition (and its review edition), then the website: pages, feeds, sitemap, search
    (tags named through ``glossary`` where pressroom.toml's tag table has no name).

    ``review`` holds quality-check messages per (language, slug) and segment, written into the
    DOCX as comments when ``settings.review_marks`` is on.
    """
    output_dir = options.output_dir
    state = PublishState(output_dir / STATE_DIR / "state.sqlite")
    written: dict[str, list[Edition]] = {lang: [] for lang in languages}
    docx_sizes: dict[str, dict[str, int]] = defaultdict(dict)
    broken: set[str] = set()
    reporter.stage("Writing editions", len(editions))
    try:
        for index, edition in enumerate(editions, 1):
            reporter.advance("Writing editions", index, len(editions))
            if edition.slug in broken:
                continue
            state.stamp(edition, now)
            original = edition_url(settings, edition.release.lang, edition.slug, "html")
            try:
                path = output_path(output_dir, edition.lang, edition.slug, "docx")
                write_media(edition.blocks, output_dir)
                write_docx(edition, path, settings, original_url=original, review_notes=review.get((edition.lang, edition.slug)))
                if options.bilingual and edition.machine_translated:
                    side_by_side = output_path(output_dir, edition.lang, edition.slug, "bilingual.docx")
                    write_bilingual_docx(edition, side_by_side, settings, original_url=original)
            except OSError as exc:
                raise BuildError(f"Cannot write {path}: {exc.strerror or exc}") from None
            except Exception as exc:  # noqa: BLE001 - one release's bad content must not stop the rest
                broken.add(edition.slug)
                note_problem(
                    result.failed,
                    reporter,
                    edition.release.source_path,
                    f"its {edition.lang} DOCX could not be written: {exc}",
                    True,
                )
                continue
            docx_sizes[edition.lang][edition.slug] = path.stat().st_size
            written[edition.lang].append(edition)
        for lang in written:
            written[lang] = [e for e in written[lang] if e.slug not in broken]
        state.remember(
            (source_key(e.release.source_path, options), e) for eds in written.values() for e in eds
        )
        listed = keep_last_published(state, written, docx_sizes, options, result, reporter)
    finally:
        state.close()
    if state.recovered:
        note_problem(result.warnings, reporter, state.path, state.recovered, False)
    in_feeds = None
    if options.require_review:  # unreviewed translations wait outside the feeds
        in_feeds = {lang: [e for e in eds if e.review_status in ("original", "reviewed")] for lang, eds in listed.items()}
    try:
        publish_site(listed, output_dir, settings, docx_sizes=docx_sizes, in_feeds=in_feeds, glossary=glossary)
    except OSError as exc:
        raise BuildError(f"Cannot write to {output_dir}: {exc.strerror or exc}") from None
    except ThemeError as exc:
        raise BuildError(f"The theme has a mistake: {exc}. Correct the template, or remove it to use the default.") from None
    except SearchIndexError as exc:
        raise BuildError(f"{exc}. The pages and feeds were written; search still shows the previous index.") from None
    result.published = {lang: [e.slug for e in eds] for lang, eds in written.items()}


def source_key(path: Path, options: BuildOptions) -> str:
    """A release file's name in the publish state: its path inside the releases folder."""
    try:
        return path.relative_to(options.releases_dir).as_posix()
    except ValueError:
        return path.as_posix()


def keep_last_published(
    state: PublishState,
    written: dict[str, list[Edition]],
    docx_sizes: dict[str, dict[str, int]],
    options: BuildOptions,
    result: BuildResult,
    reporter: Reporter,
) -> dict[str, list[Edition]]:
    """The editions to list in pages and feeds: this build's, plus the last published editions
    of files that failed in this build (a half-saved file must not unpublish its release).

    Their DOCX files are left as they are (nothing is ever deleted), so an edition is kept only
    while its DOCX is still there and no release of this build took its slug. A file that was
    removed from the releases folder is not failing; its release drops out of the lists.
    """
    listed = {lang: list(editions) for lang, editions in written.items()}
    taken = {(lang, edition.slug) for lang, editions in written.items() for edition in editions}
    for path in dict.fromkeys(problem.path for problem in result.failed):
        kept = []
        for edition in state.last_published(source_key(path, options)):
            docx = output_path(options.output_dir, edition.lang, edition.slug, "docx")
            if edition.lang not in listed or (edition.lang, edition.slug) in taken or not docx.is_file():
                continue
            listed[edition.lang].append(edition)
            docx_sizes[edition.lang][edition.slug] = docx.stat().st_size
            taken.add((edition.lang, edition.slug))
            kept.append(edition.lang)
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
