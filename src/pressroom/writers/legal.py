"""Imprint and privacy notice written as Markdown in the working folder (``imprint.md``,
``privacy.md``), published as ``imprint.html`` and ``privacy.html`` in the site's theme.

A German public website must link both from every page (§ 5 DDG, GDPR). An office whose imprint
already lives elsewhere sets ``imprint_url`` / ``privacy_url`` instead. Raw HTML in the Markdown
is shown as text, like everything else that comes from a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pressroom.writers.pages import Site

LEGAL_PAGES = {"imprint": "imprint.md", "privacy": "privacy.md"}


def legal_sources(settings_urls: dict[str, str], folder: Path = Path(".")) -> dict[str, Path]:
    """The Markdown files that stand in for a missing ``imprint_url`` / ``privacy_url``."""
    return {
        key: folder / name
        for key, name in LEGAL_PAGES.items()
        if not settings_urls.get(key) and (folder / name).is_file()
    }


def write_legal_pages(output_dir: Path, site: Site, folder: Path = Path(".")) -> None:
    """Render each Markdown legal page, and link it from every page of ``site`` (this one too)."""
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"html": False})
    sources = legal_sources(dict(site.legal), folder)
    site.legal = {**site.legal, **{key: f"{key}.html" for key in sources}}
    lang = site.settings.source_language
    for key, source in sources.items():
        path = (f"{key}.html",)
        text = source.read_text(encoding="utf-8-sig")
        context = site.context(lang, path, title=_title(text) or key)
        context["body"] = markdown.render(text)  # escaped by markdown-it: html is off
        site.write(output_dir, path, "legal.html", context)


def _title(text: str) -> str:
    """The first heading of a Markdown text, for the page title."""
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""
