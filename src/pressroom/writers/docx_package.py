"""A Word file's package around its document: core properties for document management
systems, and every time in it the edition's own (python-docx stamps the clock's), so an
edition's DOCX is byte-identical whenever its content is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from docx.document import Document as DocumentObject

from pressroom.config import Settings
from pressroom.document.model import Edition
from pressroom.writers.labels import display_title, locale_tag, xml_safe

CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer core property values


def core_text(text: str) -> str:
    text = xml_safe(text)
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    return text[: CORE_PROPERTY_LIMIT - 1] + "…"


def edition_time(edition: Edition) -> datetime:
    """When the edition last changed: the time every stamp in its DOCX carries."""
    return edition.updated or edition.release.date


def restamped(data: bytes, moment: datetime) -> bytes:
    """The zip archive ``data`` with every entry dated ``moment`` (UTC; zip knows no earlier
    year than 1980), in the same order and compression."""
    when = max(utc(moment), datetime(1980, 1, 1, tzinfo=UTC)).timetuple()[:6]
    out = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(ZipInfo(entry.filename, date_time=when), source.read(entry), compress_type=entry.compress_type)
    return out.getvalue()


def utc(moment: datetime) -> datetime:
    """python-docx writes the clock time with a "Z" as is, so convert to UTC first."""
    return moment.astimezone(UTC)


def set_core_properties(doc: DocumentObject, edition: Edition, settings: Settings) -> None:
    """Metadata for search and document management, replacing python-docx's template values."""
    properties = doc.core_properties
    properties.title = core_text(display_title(edition))
    properties.author = core_text(settings.organisation)
    properties.last_modified_by = core_text(settings.organisation)
    properties.language = locale_tag(edition.lang)
    properties.subject = core_text(edition.summary)
    properties.keywords = core_text(", ".join(edition.release.tags))
    properties.comments = ""
    properties.revision = 1
    properties.created = utc(edition.release.date)
    properties.modified = utc(edition_time(edition))
