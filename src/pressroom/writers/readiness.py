"""Is the website ready to go public? What ``doctor`` warns about and a build mentions once:
the placeholder ``site_url`` (it ends up in every feed and DOCX), a missing imprint or privacy
notice (a German public website must link both from every page), and brand colours that text
cannot be read on (WCAG 2 contrast below 4.5:1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pressroom.config import Settings
from pressroom.writers.legal import legal_sources

MIN_CONTRAST = 4.5  # WCAG 2.x level AA for normal text
WHITE = "#ffffff"


@dataclass(frozen=True)
class SiteWarning:
    """Something to fix before publishing, and how."""

    text: str
    fix: str


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def site_warnings(settings: Settings, folder: Path = Path(".")) -> list[SiteWarning]:
    """What stands between this site and a public one, each with its fix."""
    warnings = []
    if settings.site_url == Settings().site_url:
        warnings.append(
            SiteWarning(
                f"site_url is still the placeholder {settings.site_url}; it ends up in every feed, page and DOCX",
                'set site_url = "https://…/" in pressroom.toml to the address where output/ is published',
            )
        )
    markdown = legal_sources({"imprint": settings.imprint_url, "privacy": settings.privacy_url}, folder)
    for key, what in (("imprint", "an imprint (Impressum, § 5 DDG)"), ("privacy", "a privacy notice")):
        if not getattr(settings, f"{key}_url") and key not in markdown:
            warnings.append(
                SiteWarning(
                    f"no {key}_url and no {key}.md, so no page links {what}",
                    f"set {key}_url in pressroom.toml, or write {key}.md in the working folder",
                )
            )
    for key, against, where in (("brand_colour", WHITE, "white header text on it"), ("link_colour", WHITE, "the white page")):
        ratio = contrast_ratio(getattr(settings, key), against)
        if ratio < MIN_CONTRAST:
            warnings.append(
                SiteWarning(
                    f"{key} {getattr(settings, key)} has a contrast of only {ratio:.1f}:1 against {where}",
                    f"choose a darker colour (at least {MIN_CONTRAST}:1), so everyone can read it",
                )
            )
    return warnings
