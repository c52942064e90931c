"""Bytes of a .md or .txt release to clean text, whatever editor or mail program wrote them.

Press offices still produce Windows-1252 files (Notepad, old Word "save as text") and UTF-16
files (Word's "Unicode text"); copy-paste from web pages brings zero-width spaces and control
characters that would break the XML inside DOCX and feeds. Everything is turned into NFC text
with ``\\n`` line ends here, once, so the format readers only see clean text.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from pressroom.limits import MAX_RELEASE_BYTES, MAX_RELEASE_CHARS, LimitError, read_regular_file
from pressroom.readers.common import ReaderError
from pressroom.text import invisible_warning, remove_invisible

__all__ = ["MAX_RELEASE_BYTES", "decode_bytes", "invisible_warning", "read_text_file", "remove_invisible"]

# Word writes a manual line break as VT, a non-breaking hyphen as 0x1E and an optional hyphen as
# 0x1F into text it exports or copies: they stand for a space, a hyphen and nothing, so text
# from Word neither runs words together nor looks like binary data.
_WORD_CONTROLS = str.maketrans({"\x0b": " ", "\x1e": "-", "\x1f": "\u00ad"})
# Characters that turn up in German text decoded as Windows-1252, beyond ASCII.
_WESTERN = set("„“”‚‘’–—…€•§°²³µ«»·½¼¾©®™\u00a0") | {
    chr(c) for c in range(0xC0, 0x100) if chr(c) not in "×÷"
}
_MAGIC_HINTS = (
    (b"PK\x03\x04", "it looks like a Word .docx file or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "it looks like an old Word .doc file or another Office file"),
    (b"%PDF", "it looks like a PDF"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text_file(path: Path) -> tuple[str, list[str]]:
    """Read and decode ``path``; returns the clean text and the warnings to show the user."""
    try:
        data = read_regular_file(path, MAX_RELEASE_BYTES, purpose="for a press release")
    except LimitError as exc:
        raise ReaderError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ReaderError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return decode_bytes(data, path)


def decode_bytes(data: bytes, path: Path) -> tuple[str, list[str]]:
    """Decode release bytes to NFC text with ``\\n`` line ends and no invisible characters."""
    warnings: list[str] = []
    text = _decode(data, path, warnings)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_WORD_CONTROLS)
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\x0c")
    if controls > max(3, len(text) // 50):
        raise ReaderError(f"{path}: does not look like a text file (it contains binary data)")
    text, removed = remove_invisible(text)
    if removed:
        warnings.append(invisible_warning(removed))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if not text.strip():
        raise ReaderError(f"{path}: is empty")
    if len(text) > MAX_RELEASE_CHARS:
        raise ReaderError(
            f"{path}: has {len(text):,} characters of text; the limit for a press release is "
            f"{MAX_RELEASE_CHARS:,}"
        )
    return text, warnings


def _decode(data: bytes, path: Path, warnings: list[str]) -> str:
    if not data.strip():
        raise ReaderError(f"{path}: is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec, "surrogatepass")
            except UnicodeDecodeError:
                raise ReaderError(
                    f"{path}: starts like {codec.upper()} text but cannot be decoded "
                    "(the file may be cut off); save it again as UTF-8 text"
                ) from None
    for magic, hint in _MAGIC_HINTS:
        if data.startswith(magic):
            raise ReaderError(f"{path}: does not look like a text file ({hint})")
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise ReaderError(f"{path}: does not look like a text file (it contains binary data)")
        warnings.append(f"no byte order mark; read as {utf16[1]}")
        return utf16[0]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Valid UTF-8 apart from encoded lone surrogates: still UTF-8; the surrogates are
        # removed later with the other invisible characters.
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_western(text):
        warnings.append("not UTF-8; read as Windows-1252")
        return text
    import charset_normalizer  # rarely needed (neither UTF-8 nor Windows-1252), and slow to load

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ReaderError(f"{path}: does not look like a text file (unknown encoding)")
    warnings.append(f"not UTF-8; read as {best.encoding}")
    return str(best)


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """Text and codec name of UTF-16 saved without a byte order mark (some export tools and
    scripts write it), else None.

    German text is mostly ASCII, so in UTF-16 one byte of most characters is zero, always on
    the same side (the second in little-endian); binary data has no such pattern.
    """
    if len(data) % 2:
        return None
    pairs = len(data) // 2
    first, second = data[0::2].count(0), data[1::2].count(0)
    for zeros, others, codec in ((second, first, "UTF-16LE"), (first, second, "UTF-16BE")):
        if zeros >= pairs // 3 and others <= zeros // 20:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                return None
    return None


def _looks_western(text: str) -> bool:
    """True when the non-ASCII characters are those German text in Windows-1252 has."""
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    odd = sum(1 for ch in non_ascii if ch not in _WESTERN)
    return odd <= len(non_ascii) // 20
