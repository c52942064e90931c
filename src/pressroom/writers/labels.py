"""Words the writers put around a release, per language, and the text hygiene they all share.

One table, so a DOCX and the page of the same edition say the same thing in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from pressroom.config import LANGUAGE_NAMES, Settings
from pressroom.document.inline import Text
from pressroom.document.model import Block, Contact, Dateline, DatePrecision, Edition, Paragraph
from pressroom.segment import split_sentences

DEMO_BANNER = (
    "DEMO — NOT A TRANSLATION: produced by a placeholder model with random weights; "
    "the text is gibberish."
)
DEMO_ORIGINAL_BANNER = (
    "DEMO RUN: this original is real, but the translations published beside it come from "
    "placeholder models with random weights and are gibberish."
)
DEMO_PREFIX = "[DEMO] "
DEMO_SITE_BANNER = (
    "DEMO BUILD — NOT REAL TRANSLATIONS: the translations listed here come from placeholder "
    "models with random weights and are gibberish."
)


def demo_banner(edition: Edition) -> str:
    """The DEMO warning for an edition of a demo build: translations are gibberish, originals not."""
    return DEMO_BANNER if edition.machine_translated else DEMO_ORIGINAL_BANNER

# BCP 47 tags with region, as Word and spell checkers expect them (w:lang, dc:language).
LOCALES = {"de": "de-DE", "en": "en-US", "ko": "ko-KR"}

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "contact": "Pressekontakt",
        "mt_notice": "Dies ist eine maschinelle Übersetzung des {source} Originals",
        "partly_reviewed_notice": "Dies ist eine maschinelle, von der Pressestelle teilweise geprüfte Übersetzung des {source} Originals",
        "reviewed_notice": "Dies ist eine von der Pressestelle geprüfte Übersetzung des {source} Originals",
        "review_edition": "Prüffassung: Original und maschinelle Übersetzung nebeneinander",
        "download_docx": "Als Word-Dokument herunterladen (DOCX)",
        "releases": "Pressemitteilungen",
        "no_releases": "Noch keine Pressemitteilungen.",
        "subscribe": "Abonnieren",
        "other_languages": "Andere Sprachen",
        "all_languages": "Alle Sprachen",
        "choose_language": "Sprache wählen",
        "feed_description": "Pressemitteilungen von {organisation}",
        "date_format": "{d.day:02}.{d.month:02}.{d.year}",
        "skip_link": "Zum Inhalt springen",
        "main_nav": "Hauptnavigation",
        "languages": "Sprachen",
        "search": "Suche",
        "search_title": "Pressemitteilungen durchsuchen",
        "search_needs_script": "Die Suche braucht JavaScript; alle Pressemitteilungen stehen auch in der Liste und im Archiv.",
        "imprint": "Impressum",
        "privacy": "Datenschutz",
        "latest": "Neueste Pressemitteilungen",
        "archive": "Archiv",
        "archive_year": "Pressemitteilungen {year}",
        "page_of": "Seite {page} von {pages}",
        "pages": "Seiten",
        "newer": "Neuere",
        "older": "Ältere",
        "topics": "Themen",
        "topic": "Thema: {tag}",
        "month_format": "{month} {year}",
        "time_format": "{time} Uhr",
        "months": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
        "weekdays": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    },
    "en": {
        "contact": "Press contact",
        "mt_notice": "This is a machine translation of the {source} original",
        "partly_reviewed_notice": "This is a machine translation of the {source} original, partly reviewed by the press office",
        "reviewed_notice": "This translation of the {source} original was reviewed by the press office",
        "review_edition": "Review edition: original and machine translation side by side",
        "download_docx": "Download as Word document (DOCX)",
        "releases": "Press releases",
        "no_releases": "No press releases yet.",
        "subscribe": "Subscribe",
        "other_languages": "Other languages",
        "all_languages": "All languages",
        "choose_language": "Choose a language",
        "feed_description": "Press releases from {organisation}",
        "date_format": "{d.year}-{d.month:02}-{d.day:02}",
        "skip_link": "Skip to content",
        "main_nav": "Main navigation",
        "languages": "Languages",
        "search": "Search",
        "search_title": "Search the press releases",
        "search_needs_script": "Search needs JavaScript; every press release is also in the list and the archive.",
        "imprint": "Imprint",
        "privacy": "Privacy",
        "latest": "Latest press releases",
        "archive": "Archive",
        "archive_year": "Press releases {year}",
        "page_of": "Page {page} of {pages}",
        "pages": "Pages",
        "newer": "Newer",
        "older": "Older",
        "topics": "Topics",
        "topic": "Topic: {tag}",
        "month_format": "{month} {year}",
        "time_format": "{time}",
        "months": "January February March April May June July August September October November December",
        "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    },
    "ko": {
        "contact": "보도 문의",
        "mt_notice": "이 문서는 {source} 원문을 기계 번역한 것입니다",
        "partly_reviewed_notice": "이 문서는 {source} 원문을 기계 번역한 것으로, 일부를 보도실에서 검토했습니다",
        "reviewed_notice": "이 문서는 {source} 원문을 번역하고 보도실에서 검토한 것입니다",
        "review_edition": "검토용: 원문과 기계 번역 대조",
        "download_docx": "Word 문서로 내려받기 (DOCX)",
        "releases": "보도자료",
        "no_releases": "아직 보도자료가 없습니다.",
        "subscribe": "구독",
        "other_languages": "다른 언어",
        "all_languages": "모든 언어",
        "choose_language": "언어 선택",
        "feed_description": "{organisation} 보도자료",
        "date_format": "{d.year}년 {d.month}월 {d.day}일",
        "skip_link": "본문으로 건너뛰기",
        "main_nav": "주 메뉴",
        "languages": "언어",
        "search": "검색",
        "search_title": "보도자료 검색",
        "search_needs_script": "검색에는 자바스크립트가 필요합니다. 모든 보도자료는 목록과 보관함에서도 볼 수 있습니다.",
        "imprint": "법적 고지",
        "privacy": "개인정보 처리방침",
        "latest": "최신 보도자료",
        "archive": "보관함",
        "archive_year": "{year}년 보도자료",
        "page_of": "{pages}쪽 중 {page}쪽",
        "pages": "페이지",
        "newer": "최근 자료",
        "older": "이전 자료",
        "topics": "주제",
        "topic": "주제: {tag}",
        "month_format": "{year}년 {month}",
        "time_format": "{time}",
        "months": "1월 2월 3월 4월 5월 6월 7월 8월 9월 10월 11월 12월",
        "weekdays": "월요일 화요일 수요일 목요일 금요일 토요일 일요일",
    },
}

# The source language as the machine-translation notice of each language needs it grammatically
# ("des deutschen Originals"); a source language missing here gets the notice without its name.
NOTICE_SOURCES: dict[str, dict[str, str]] = {
    "de": {"de": "deutschen", "en": "englischen", "ko": "koreanischen"},
    "en": {"de": "German", "en": "English", "ko": "Korean"},
    "ko": {"de": "독일어", "en": "영어", "ko": "한국어"},
}
SUMMARY_LENGTH = 280  # characters of whole lead sentences a release without summary is shown by

# Everything XML 1.0 does not allow (C0 controls except tab/newline/CR, lone surrogates,
# U+FFFE/U+FFFF): lxml and python-docx refuse such text instead of writing it.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def label(lang: str, key: str) -> str:
    """The phrase ``key`` in ``lang``; English for a language without its own table."""
    return LABELS.get(lang, LABELS["en"])[key]


_NOTICE_KEYS = {"machine": "mt_notice", "partly reviewed": "partly_reviewed_notice", "reviewed": "reviewed_notice"}


def mt_notice(edition: Edition) -> str:
    """The notice a translation carries, in its language, naming the original's language.

    It says whether the text is machine translation or was reviewed by people (no
    machine-translation notice on a fully reviewed edition); a source language without a
    name in NOTICE_SOURCES is left unnamed.
    """
    source = NOTICE_SOURCES.get(edition.lang, NOTICE_SOURCES["en"]).get(edition.release.lang, "")
    text = label(edition.lang, _NOTICE_KEYS[edition.review_status]).format(source=source)
    return " ".join(text.split())


def feed_title(settings: Settings, lang: str) -> str:
    """The configured title of ``lang``'s feeds, else '<organisation> – <releases> (<language>)'."""
    if lang in settings.feed_titles:
        return settings.feed_titles[lang]
    name = LANGUAGE_NAMES.get(lang, lang)
    return f"{settings.organisation} – {label(lang, 'releases')} ({name})"


_SENTENCE_END = ".!?\"“”»«'’"


def summary_text(edition: Edition) -> str:
    """The edition's summary; without one, the lead's first whole sentences, else the title.

    Feed readers list items by a short text, and a search engine shows the page's description:
    both need something even when the release has no summary of its own. Only whole sentences
    are taken, as many as fit in SUMMARY_LENGTH characters, because a text cut off with "…"
    reads as broken; when not even the first sentence fits, the title stands in.
    """
    if edition.summary.strip():
        return edition.summary
    # The lead is the first paragraph that reads as a sentence: a line like "Ludwigsburg (ots)"
    # or "Nr. 0412" above it is a dateline or a reference, not what the release says.
    paragraphs = [b.text.text.strip() for b in edition.blocks if isinstance(b, Paragraph) and b.text.text.strip()]
    lead = next((text for text in paragraphs if text[-1] in _SENTENCE_END), paragraphs[0] if paragraphs else "")
    taken: list[str] = []
    length = -1
    for sentence in split_sentences(lead, edition.lang):
        length += 1 + len(sentence)
        if length > SUMMARY_LENGTH:
            break
        taken.append(sentence)
    return " ".join(taken) or " ".join(edition.title.split())


def locale_tag(lang: str) -> str:
    """Language code with region (``ko`` → ``ko-KR``) where known, else the code itself."""
    return LOCALES.get(lang, lang)


def display_title(edition: Edition) -> str:
    """The title as every writer shows it: demo editions are marked where readers look first."""
    return DEMO_PREFIX + edition.title if edition.demo else edition.title


def body_blocks(edition: Edition, settings: Settings) -> list[Block]:
    """The blocks every writer shows: the edition's own, and the configured default press
    contact after them when the release names none."""
    if settings.contact.strip() and not any(isinstance(block, Contact) for block in edition.blocks):
        lines = tuple(Text(line) for line in settings.contact.strip().splitlines())
        return [*edition.blocks, Contact("", lines)]
    return list(edition.blocks)


def above_title(blocks: Sequence[Block]) -> tuple[list[Dateline], list[Block]]:
    """The datelines a release shows above its headline, and the rest of its blocks: a page
    and a Word file put the first above the title, as the release does."""
    above = [block for block in blocks if isinstance(block, Dateline) and block.above_title]
    return above, [block for block in blocks if not (isinstance(block, Dateline) and block.above_title)]


def format_date(moment: datetime, lang: str, precision: DatePrecision = "day") -> str:
    """A date as readers of ``lang`` write it, as precise as the release states it (a release
    of "März 2023" is not shown as 1 March), without relying on the process locale."""
    if precision == "year":
        return str(moment.year)
    if precision == "month":
        month = label(lang, "months").split()[moment.month - 1]
        return label(lang, "month_format").format(month=month, year=moment.year)
    day = label(lang, "date_format").format(d=moment)
    if precision == "minute":
        return f"{day}, {label(lang, 'time_format').format(time=f'{moment:%H:%M}')}"
    return day


_GERMAN_WEEKDAYS = LABELS["de"]["weekdays"].lower().split()


def machine_date(moment: datetime, precision: DatePrecision = "minute") -> str:
    """A date for ``<time datetime>`` and machines, as precise as the release states it:
    ``2023``, ``2023-03``, ``2023-03-14``, or the time in whole seconds with its offset."""
    if precision in ("year", "month", "day"):
        return {"year": f"{moment:%Y}", "month": f"{moment:%Y-%m}", "day": f"{moment:%Y-%m-%d}"}[precision]
    return whole_seconds(moment).isoformat()


def dateline_text(dateline: Dateline, lang: str, source_lang: str) -> str:
    """The dateline as the edition in ``lang`` shows it: as written in the original's language,
    else from its parts (place as written, weekday, date and time in ``lang``'s words)."""
    if lang == source_lang or not (dateline.weekday or dateline.date or dateline.time):
        return dateline.line
    parts = [dateline.place] if dateline.place else []
    if dateline.weekday.lower() in _GERMAN_WEEKDAYS:
        parts.append(label(lang, "weekdays").split()[_GERMAN_WEEKDAYS.index(dateline.weekday.lower())])
    elif dateline.weekday:
        parts.append(dateline.weekday)
    if dateline.date:
        precision: DatePrecision = {4: "year", 7: "month"}.get(len(dateline.date), "day")  # type: ignore[assignment]
        padded = dateline.date + "-01" * ((10 - len(dateline.date)) // 3)
        parts.append(format_date(datetime.fromisoformat(padded), lang, precision))
    if dateline.time:
        parts.append(label(lang, "time_format").format(time=dateline.time))
    return ", ".join(parts)


def whole_seconds(moment: datetime) -> datetime:
    """A time as pages and feeds show it: whole seconds with its offset (a date taken from a
    file's modification time carries microseconds, which the HTML checker rejects)."""
    return moment.replace(microsecond=0)


def xml_safe(text: str) -> str:
    """``text`` without characters XML cannot hold, so bad input never crashes a writer."""
    return _XML_ILLEGAL.sub("", text)
