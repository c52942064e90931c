"""Settings with documented defaults, read from an optional ``pressroom.toml``.

Everything works without the file. Each setting's ``doc`` is the one place it is explained:
the README's configuration reference is generated from it.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CONFIG_FILE = "pressroom.toml"

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "ko": "한국어"}


class ConfigError(ValueError):
    """A setting in pressroom.toml is wrong; the message names the file and the setting."""


class Allowed:
    """What values a setting takes, declared next to it: checked when pressroom.toml is read,
    and shown in the setting's documentation ("Allowed: 1 to 16")."""

    def __init__(self, describe: str, test: Callable[[Any], bool], *, documented: bool = False) -> None:
        self.describe = describe
        self.test = test
        self.documented = documented  # a range the setting's own text does not already give

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is refused, or None."""
        if self.test(value):
            return None
        found = repr(value)
        return f"must be {self.describe} (found {found if len(found) <= 80 else found[:77] + '…'})"


def between(low: int, high: int | Callable[[], int], unit: str = "") -> Allowed:
    """A number from ``low`` to ``high`` (a callable for a bound that depends on the machine)."""
    top = high if callable(high) else (lambda: high)
    shown = "the number of CPU cores × 4" if callable(high) else f"{high:,}"
    return Allowed(
        f"from {low:,} to {shown}{unit}",
        lambda value: isinstance(value, int | float) and math.isfinite(value) and low <= value <= top(),
        documented=True,
    )


def above(low: float, high: float) -> Allowed:
    """A finite number greater than ``low`` and at most ``high``."""
    return Allowed(
        f"a number greater than {low:g} and at most {high:g}",
        lambda value: isinstance(value, int | float) and math.isfinite(value) and low < value <= high,
        documented=True,
    )


def _web_address(value: Any) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(ch.isspace() or ord(ch) < 0x20 or ch in "<>\"'`" for ch in value)
    )


def _plain(value: Any) -> bool:
    """Text without control characters (line breaks allowed) or direction controls."""
    return isinstance(value, str) and not any(
        (ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) < 0xA0 or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for ch in value
    )


_CODE = re.compile(r"[a-z]{2,3}")
WEB_ADDRESS = Allowed("an absolute http:// or https:// address, like \"https://presse.example.org/\"", _web_address)
LANGUAGE = Allowed("a language code like \"en\" (two or three small letters)", lambda v: bool(_CODE.fullmatch(v)))
LANGUAGES = Allowed(
    "a list of language codes like [\"en\", \"ko\"]", lambda v: all(isinstance(c, str) and _CODE.fullmatch(c) for c in v)
)
PLAIN_TEXT = Allowed("text without control characters", _plain)
WEB_ADDRESS_OR_EMPTY = Allowed(
    'empty, or an absolute http:// or https:// address, like "https://www.example.org/impressum"',
    lambda v: v == "" or _web_address(v),
)
FEED_TITLES = Allowed(
    'a table of language codes and titles, like { en = "Press releases" }',
    lambda v: all(_CODE.fullmatch(k) and isinstance(t, str) and _plain(t) for k, t in v.items()),
)
COMPUTE_TYPES = Allowed(
    "one of " + ", ".join(f'"{t}"' for t in ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")),
    lambda v: v in ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32"),
)
DEVICES = Allowed('"cpu", "cuda" or "auto"', lambda v: v in ("cpu", "cuda", "auto"))


def _cores() -> int:
    return (os.cpu_count() or 1) * 4


def _doc(text: str, example: str = "", allowed: Allowed | None = None, **kwargs: Any) -> Any:
    """A setting with its documentation (and, for a table, an example line for pressroom init)
    and, if given, the values it allows (checked on reading, shown in the documentation)."""
    shown = f"{text} Allowed: {allowed.describe}." if allowed and allowed.documented else text
    return field(metadata={"doc": shown, "example": example, "allowed": allowed}, **kwargs)


@dataclass
class TranslationSettings:
    """How CTranslate2 decodes. Each setting is part of the translation memory's key."""

    beam_size: int = _doc(
        "Beam width. Measured (base-size model, 2 cores, equal output length): 1 (greedy) "
        "translates 1.4x as fast as 2, 4 takes 1.5x as long as 2. Greedy is usually a little "
        "worse and 4 rarely better than 2 (not measurable offline: no real model); Argos "
        "Translate itself uses 4.",
        allowed=between(1, 16), default=2,
    )
    compute_type: str = _doc(
        "CTranslate2 compute type. Measured on 2 cores: int8 is 2.6x as fast as float32. "
        "Quality: CTranslate2's own benchmark (WMT14 En-De) gives int8 BLEU 26.78 against "
        "26.77 for float32, and 27.65 against 27.92 on an OPUS-MT model. 'auto' lets "
        "CTranslate2 choose for the device.",
        allowed=COMPUTE_TYPES, default="int8",
    )
    device: str = _doc(
        "'cpu', 'cuda' or 'auto' (a GPU when CTranslate2 sees one). On a GPU one worker "
        "translates batches of 4 times max_batch_tokens; threads applies to the CPU only.",
        allowed=DEVICES, default="cpu",
    )
    threads: int = _doc(
        "Parallel single-threaded translation workers (CTranslate2 inter_threads) on the CPU; "
        "0 = one per CPU core. Measured on 2 cores: two 1-thread workers translate about 1.9x "
        "as fast as one 2-thread worker, and 1.9x as fast as threads = 1. Output is the same.",
        allowed=between(0, _cores), default=0,
    )
    max_batch_tokens: int = _doc(
        "Token budget of one batch (source tokens) on the CPU; a GPU takes 4 times as many. "
        "Measured on the CPU: 256 takes 1.4x as long as 4096, 1024 1.1x, 16384 the same; "
        "larger batches need more memory.",
        allowed=between(64, 131_072), default=4096,
    )
    max_input_tokens: int = _doc(
        "A sentence longer than this many tokens is split at safe points (clause marks, then "
        "spaces) and the parts rejoined, instead of being truncated by the model. The parts "
        "translate a little less fluently than a whole sentence would (the longest sentence "
        "of the benchmark corpus has 114 tokens).",
        allowed=between(16, 1_024), default=200,
    )
    length_ratio: float = _doc(
        "Maximum output length as a multiple of the input length (plus 10 tokens): stops "
        "runaway repetition without cutting real translations short. Decoding time grows with "
        "output length, so a sentence that never ends costs up to this many times a normal one.",
        allowed=above(0, 10), default=2.0,
    )

    def cache_key(self) -> str:
        """The decoding settings that change what the model outputs, as a stable string."""
        return (
            f"beam={self.beam_size};ratio={self.length_ratio};"
            f"max_in={self.max_input_tokens};ct={self.compute_type}"
        )


@dataclass
class Settings:
    """Site, organisation and language settings of one pressroom working folder."""

    site_url: str = _doc(
        "Public address where output/ is published; feed and page links start with it.",
        allowed=WEB_ADDRESS, default="http://localhost:8000/",
    )
    organisation: str = _doc(
        "Publisher name: feed author, DOCX author, page footer.",
        allowed=PLAIN_TEXT, default="Pressestelle",
    )
    contact: str = _doc(
        "Default press contact block, used for releases that name none.", allowed=PLAIN_TEXT, default=""
    )
    source_language: str = _doc("Language the releases are written in.", allowed=LANGUAGE, default="de")
    languages: list[str] = _doc(
        "Target languages, each gets DOCX editions and feeds.",
        allowed=LANGUAGES, default_factory=lambda: ["en", "ko"],
    )
    pivot_language: str = _doc(
        "Language used as a bridge when no direct model exists (de→en→ko).", allowed=LANGUAGE, default="en"
    )
    timezone: str = _doc(
        "Time zone of release dates written without one.", default="Europe/Berlin"
    )
    feed_titles: dict[str, str] = _doc(
        "Feed title per language code; default '<organisation> – Press releases (<language>)', "
        "with 'Press releases' in the feed's language.",
        allowed=FEED_TITLES, default_factory=dict,
    )
    max_feed_items: int = _doc("Newest releases kept in each feed.", allowed=between(1, 10_000), default=50)
    korean_font: str = _doc(
        "East Asian font named in Korean DOCX editions (w:eastAsia).", allowed=PLAIN_TEXT, default="Malgun Gothic"
    )
    review_marks: bool = _doc(
        "Mark segments flagged by the quality checks with Word comments in the DOCX editions, "
        "for reviewers. Off for the public edition; 'pressroom build --review-marks' turns it on "
        "for one build (best into its own --output folder).",
        default=False,
    )
    low_confidence: float = _doc(
        "A sentence the model was less sure of than this gets a 'low-confidence' warning in the "
        "quality report, and review exports put it first. The confidence is the model's mean "
        "log-probability per token: 0 is certain; at -1.0 the word pieces it chose had an average "
        "probability of e^-1 = 37 %, so it was torn between continuations at most steps. Raise it "
        "(towards 0) to flag more, lower it to flag less; README 'Confidence' says how to set it "
        "from your own reviewed builds.",
        allowed=between(-100, 0), default=-1.0,
    )
    models: dict[str, str] = _doc(
        "The model per target language, by the name 'pressroom models list' shows "
        '(ko = "nllb-200-distilled-600M"); a language not named here gets a direct model if '
        "one is installed, else the route through pivot_language.",
        default_factory=dict,
    )
    organisation_address: str = _doc(
        "Postal address of the organisation, shown in every page footer and as the publisher's "
        'address in the pages\' schema.org data; several lines in triple quotes ("""…""").',
        allowed=PLAIN_TEXT, default="",
    )
    imprint_url: str = _doc(
        "Address of the imprint (Impressum, required on German public websites), linked from every "
        "page footer. Empty: an imprint.md in the working folder becomes imprint.html, else no link "
        "(doctor and build warn).",
        allowed=WEB_ADDRESS_OR_EMPTY, default="",
    )
    privacy_url: str = _doc(
        "Address of the privacy notice (Datenschutzerklärung), linked from every page footer. "
        "Empty: a privacy.md in the working folder becomes privacy.html, else no link (doctor and "
        "build warn).",
        allowed=WEB_ADDRESS_OR_EMPTY, default="",
    )
    logo: str = _doc(
        "Picture file (SVG, PNG, JPEG or WebP) in the working folder shown in every page header "
        "instead of the organisation's name; empty: the name as text.",
        default="",
    )
    brand_colour: str = _doc(
        "Colour of the page header bar (white text on it), as #rrggbb; needs a contrast of 4.5:1 "
        "against white (doctor checks).",
        default="#1d4f91",
    )
    link_colour: str = _doc(
        "Colour of links and the keyboard focus outline, as #rrggbb; needs a contrast of 4.5:1 "
        "against the white page (doctor checks).",
        default="#1a5fb4",
    )
    items_per_page: int = _doc(
        "Releases per page of the front page, the language indexes, archives and tag pages.",
        default=20,
    )
    theme: str = _doc(
        "Folder in the working folder whose templates/ and static/ files replace the default "
        "theme's files of the same name, one by one ('pressroom theme copy' fills it).",
        default="theme",
    )
    tags: dict[str, dict[str, str]] = _doc(
        "Tag names per language, for tags from the releases' front matter: a tag not listed here "
        "is translated by the glossary, else shown as written.",
        example='# for example: Energie = { en = "Energy", ko = "에너지" }',
        default_factory=dict,
    )
    cluster: str = _doc(
        "Address of a Dask scheduler (tcp://HOST:8786) whose workers translate; empty: this "
        "computer translates. Needs pip install 'pressroom[cluster]'; 'pressroom build "
        "--cluster ADDRESS' does the same for one build. The output is the same either way.",
        default="",
    )
    translation: TranslationSettings = field(default_factory=TranslationSettings)

    @property
    def address_lines(self) -> list[str]:
        """The postal address line by line, blank lines left out."""
        return [line.strip() for line in self.organisation_address.splitlines() if line.strip()]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_url(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"


_KINDS = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: 'text in double quotes, like "Stadt Stuttgart"',
    list: 'a list, like ["en", "ko"]',
    dict: 'a table, like { en = "Press releases" }',
}


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line that sets ``key`` (inside ``[table]`` when given), so a message can name it."""
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]", line)
        if header and table is None and header[1] == key:
            return number  # the key is a table of its own: [key]
        if header:
            current = header[1]
        elif current == table and re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return None


def _at(path: Path, text: str, table: str | None, key: str) -> str:
    """``pressroom.toml, line 3`` where the line is known, else the file (and table)."""
    line = _line_of(text, table, key) or (_line_of(text, None, table) if table else None)
    return f"{path}, line {line}" if line else f"{path}" + (f" [{table}]" if table else "")


def _apply(target: Any, values: dict[str, Any], path: Path, text: str, table: str | None = None) -> None:
    known = {f.name: f for f in fields(target)}
    for key, value in values.items():
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{_at(path, text, table, key)}: unknown setting '{key}'{hint}")
        current = getattr(target, key)
        if isinstance(current, TranslationSettings):
            if not isinstance(value, dict):
                raise ConfigError(f"{_at(path, text, table, key)}: '{key}' must be a [{key}] table")
            _apply(current, value, path, text, key)
            continue
        expected = type(current)
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{_at(path, text, table, key)}: '{key}' must be {_KINDS[expected]}")
        if known[key].type == "dict[str, str]" and not all(isinstance(item, str) for item in value.values()):
            raise ConfigError(f"{_at(path, text, table, key)}: every value in '{key}' must be {_KINDS[str]}")
        allowed = known[key].metadata.get("allowed")
        problem = allowed.problem(value) if allowed else None
        if problem:
            raise ConfigError(f"{_at(path, text, table, key)}: '{key}' {problem}")
        setattr(target, key, value)


def load_settings(path: Path | None = None) -> Settings:
    """Read ``pressroom.toml`` (or ``path``); a missing default file means all defaults."""
    settings = Settings()
    config_path = path or Path(CONFIG_FILE)
    if not config_path.exists():
        if path is not None:
            raise ConfigError(f"{path}: config file not found")
        return settings
    try:
        text = config_path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\s*\(at line (\d+), column \d+\)$", str(exc))
        where = f"{config_path}, line {found[1]}" if found else str(config_path)
        problem = str(exc)[: found.start()] if found else str(exc)
        raise ConfigError(
            f"{where}: {problem} (text values need double quotes: organisation = \"Stadt Stuttgart\")"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{config_path}: not UTF-8 text; save it as UTF-8") from None
    _apply(settings, data, config_path, text)
    _check_site_settings(settings, config_path, text)
    try:
        settings.zone
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{_at(config_path, text, None, 'timezone')}: unknown timezone '{settings.timezone}' "
            "(write it like \"Europe/Berlin\")"
        ) from None
    return settings


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _check_site_settings(settings: Settings, path: Path, text: str) -> None:
    """The settings that end up inside pages' markup and CSS: colours, page size, tag table."""
    for key in ("brand_colour", "link_colour"):
        if not _COLOUR.fullmatch(getattr(settings, key)):
            raise ConfigError(f"{_at(path, text, None, key)}: '{key}' must be a colour like \"#1d4f91\"")
    if settings.items_per_page < 1:
        raise ConfigError(f"{_at(path, text, None, 'items_per_page')}: 'items_per_page' must be 1 or more")
    for tag, names in settings.tags.items():
        if not isinstance(names, dict) or not all(isinstance(name, str) for name in names.values()):
            raise ConfigError(
                f"{_at(path, text, 'tags', tag)}: tag '{tag}' needs its names per language, "
                'like Energie = { en = "Energy", ko = "에너지" }'
            )
