"""Slugs: the file and URL name of a release, made from its title or its front matter.

A slug ends up in file names (``output/en/<slug>.docx``) and feed links, so it must be safe on
every file system and readable: German umlauts are spelled out the German way (ä → ae) rather
than dropped, which is what a German reader expects to see in an address.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_LENGTH = 80
FALLBACK_SLUG = "release"
RESERVED_SLUGS = frozenset(
    {"index", "search", "sitemap", "rss", "atom", "feed", "feeds", "media", "tags", "qa-report", "404"}
)
"""Names of pages, feeds and folders the site writes itself, which a release must not take."""

# German spelling first (NFKD would turn "ä" into a plain "a"); then a few letters that NFKD
# does not decompose.
_SPELLED_OUT = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
    }
)  # fmt: skip

# Names Windows refuses as file names whatever the suffix ("con.docx" cannot be created).
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{name}{n}" for name in ("com", "lpt") for n in range(1, 10)
}


def slugify(text: str) -> str:
    """'Straßenbahn für Möhringen' -> 'strassenbahn-fuer-moehringen'.

    Only ``[a-z0-9-]`` survives, so the result is safe as a file name and in a URL whatever the
    input (``../../etc/passwd`` becomes ``etc-passwd``); never empty (falls back to 'release').
    """
    text = unicodedata.normalize("NFC", text).translate(_SPELLED_OUT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[: MAX_SLUG_LENGTH + 1]
        hyphen = cut.rfind("-")
        slug = (cut[:hyphen] if hyphen > 0 else slug[:MAX_SLUG_LENGTH]).strip("-")
        # "…-ab-1-september" cut to "…-ab-1" reads like a duplicate-name suffix: a day or an
        # ordinal belongs to the word after it, so a cut never leaves one at the end. A year
        # ("…-august-2025") belongs to the words before it and stays.
        words = slug.split("-")
        while len(words) > 1 and words[-1].isdigit() and len(words[-1]) < 4:
            words.pop()
        slug = "-".join(words)
    if not slug:
        return FALLBACK_SLUG
    if slug in _WINDOWS_RESERVED:
        return f"{slug}-{FALLBACK_SLUG}"
    return slug
