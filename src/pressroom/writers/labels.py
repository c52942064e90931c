"""Words the writers put around a release, per language, and the text hygiene they all share.

One table, so a DOCX and the page of the same edition say the same thing in the same words.
"""

from __future__ import annotations

import re
from datetime import datetime

from pressroom.config import Settings
from pressroom.model import Edition

DEMO_BANNER = (
    "DEMO — NOT A TRANSLATION: produced by a placeholder model with random weights; "
    "the text is gibberish."
)
DEMO_PREFIX = "[DEMO] "

# BCP 47 tags with region, as Word and spell checkers expect them (w:lang, dc:language).
LOCALES = {"de": "de-DE", "en": "en-US", "ko": "ko-KR"}

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "contact": "Pressekontakt",
        "mt_notice": "Dies ist eine maschinelle Übersetzung des deutschen Originals",
        "download_docx": "Als Word-Dokument herunterladen (DOCX)",
        "releases": "Pressemitteilungen",
        "no_releases": "Noch keine Pressemitteilungen.",
        "subscribe": "Abonnieren",
        "other_languages": "Andere Sprachen",
        "all_languages": "Alle Sprachen",
        "feed_description": "Pressemitteilungen von {organisation}",
        "date_format": "{d.day:02}.{d.month:02}.{d.year}",
    },
    "en": {
        "contact": "Press contact",
        "mt_notice": "This is a machine translation of the German original",
        "download_docx": "Download as Word document (DOCX)",
        "releases": "Press releases",
        "no_releases": "No press releases yet.",
        "subscribe": "Subscribe",
        "other_languages": "Other languages",
        "all_languages": "All languages",
        "feed_description": "Press releases from {organisation}",
        "date_format": "{d.year}-{d.month:02}-{d.day:02}",
    },
    "ko": {
        "contact": "보도 문의",
        "mt_notice": "이 문서는 독일어 원문을 기계 번역한 것입니다",
        "download_docx": "Word 문서로 내려받기 (DOCX)",
        "releases": "보도자료",
        "no_releases": "아직 보도자료가 없습니다.",
        "subscribe": "구독",
        "other_languages": "다른 언어",
        "all_languages": "모든 언어",
        "feed_description": "{organisation} 보도자료",
        "date_format": "{d.year}년 {d.month}월 {d.day}일",
    },
}

# Everything XML 1.0 does not allow (C0 controls except tab/newline/CR, lone surrogates,
# U+FFFE/U+FFFF): lxml and python-docx refuse such text instead of writing it.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def label(lang: str, key: str) -> str:
    """The phrase ``key`` in ``lang``; English for a language without its own table."""
    return LABELS.get(lang, LABELS["en"])[key]


def locale_tag(lang: str) -> str:
    """Language code with region (``ko`` → ``ko-KR``) where known, else the code itself."""
    return LOCALES.get(lang, lang)


def display_title(edition: Edition) -> str:
    """The title as every writer shows it: demo editions are marked where readers look first."""
    return DEMO_PREFIX + edition.title if edition.demo else edition.title


def contact_lines(edition: Edition, settings: Settings) -> list[str]:
    """The press contact block line by line: the release's own, else the configured default."""
    return (edition.release.contact or settings.contact).strip().splitlines()


def format_date(moment: datetime, lang: str) -> str:
    """A date as readers of ``lang`` write it, without relying on the process locale."""
    return label(lang, "date_format").format(d=moment)


def xml_safe(text: str) -> str:
    """``text`` without characters XML cannot hold, so bad input never crashes a writer."""
    return _XML_ILLEGAL.sub("", text)
