"""Release text is data: markup, entities, CDATA terminators, control characters, emoji and pipes
are shown as the text they are in every DOCX, page and feed, never executed, never breaking the
XML, never cutting a sentence off.
"""

from __future__ import annotations

from datetime import datetime
import json
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
import pytest
from engines import EchoTranslator, StaticEngines, TaggingEngine
from lxml import etree

from pressroom.config import Settings, TranslationSettings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions, BuildResult
from pressroom.readers import read_release
from pressroom.translate import ctranslate
from pressroom.translate.routing import EngineProvider, ModelEngines

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
LANGUAGES = ("de", "en", "ko")
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "{http://www.w3.org/2005/Atom}"

TITLE = "<script>alert('Titel')</script> &amp; ]]> Test"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = f"""---
title: "{TITLE}"
date: 2025-08-01
lang: de
slug: feindlich
summary: "Fett <b>gedruckt</b> &lt; ]]>"
tags: ["<i>Kursiv</i>", "A&B"]
contact: |
  <img src=x onerror=alert(2)>
  Telefon ]]> &amp; 0711
---
Die Stadt meldet {SCRIPT} und &amp; &lt;tag&gt; &#x41; und ]]> als Text.

<![CDATA[ roh ]]> bleibt stehen, ebenso <!-- Kommentar --> und <?xml version="1.0"?>.
"""
LITERALS = (SCRIPT, "&amp; &lt;tag&gt; &#x41; und ]]>", "<![CDATA[ roh ]]>", "<!-- Kommentar -->")


def _build(root: Path, provider: EngineProvider, **options: object) -> BuildResult:
    opts = BuildOptions(releases_dir=root / "releases", output_dir=root / "output", **options)  # type: ignore[arg-type]
    return build(Settings(), opts, provider, now=NOW)


def _site(tmp_path: Path, text: str, name: str = "feindlich.md") -> Path:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / name).write_text(text, encoding="utf-8")
    return tmp_path / "output"


class _Page(HTMLParser):
    """Tags and text of a page as a browser sees them (character references resolved)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.events: list[str] = []
        self.data: list[str] = []  # JSON-LD blocks: data for search engines, never run
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_data = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        self.tags.append("script:ld+json" if self._in_data else tag)
        self.events += [name for name, _ in attrs if name.startswith("on")]

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        (self.data if self._in_data else self.text).append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!--")

    def handle_pi(self, data: str) -> None:
        self.tags.append("<?")

    def unknown_decl(self, data: str) -> None:
        self.tags.append("<![")


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_markup_entities_and_cdata_terminators_are_shown_as_text(tmp_path: Path) -> None:
    output = _site(tmp_path, HOSTILE)
    result = _build(tmp_path, StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko")))
    assert result.exit_code == 0, result.failed
    for lang in LANGUAGES:
        prefix = {"de": "", "en": "<en>", "ko": "<ko><en>"}[lang]

        page = _page((output / lang / "feindlich.html").read_text(encoding="utf-8"))
        assert {"script", "img", "b", "i", "<!--", "<?", "<!["}.isdisjoint(page.tags), lang
        assert page.events == []
        shown = "".join(page.text)
        assert prefix + TITLE in shown and "<img src=x onerror=alert(2)>" in shown
        assert all(literal in shown for literal in LITERALS), lang
        (jsonld,) = page.data  # the title is a string inside the JSON, whatever it says
        assert json.loads(jsonld)["headline"] == prefix + TITLE

        rss = etree.parse(str(output / lang / "rss.xml")).getroot()
        item = rss.find("channel/item")
        assert item.findtext("title") == prefix + TITLE
        assert _page(item.findtext("description")).tags == []  # RSS description is HTML: text only
        content = _page(item.findtext(f"{{{CONTENT}}}encoded"))  # the HTML a feed reader renders
        # paragraphs, and the press contact (heading, address, line breaks): nothing from the release
        assert set(content.tags) <= {"p", "h2", "address", "br"} and all(literal in "".join(content.text) for literal in LITERALS)
        assert [c.text for c in item.findall("category")] == ["<i>Kursiv</i>", "A&B"]

        atom = etree.parse(str(output / lang / "atom.xml")).getroot()
        entry = atom.find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == prefix + TITLE
        assert entry.find(f"{ATOM}title").get("type", "text") == "text"
        assert set(_page(entry.findtext(f"{ATOM}content")).tags) <= {"p", "h2", "address", "br"}

        for name in ("rss.xml", "atom.xml"):
            assert not feedparser.parse((output / lang / name).read_bytes()).bozo, (lang, name)

        document = docx.Document(str(output / lang / "feindlich.docx"))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        assert prefix + TITLE in text and all(literal in text for literal in LITERALS), lang
        assert document.core_properties.title == prefix + TITLE


class _Garbling(TaggingEngine):
    """A model gone wrong: its output is full of characters XML 1.0 cannot hold."""

    def tag(self, sentence: str) -> str:
        return f"\x00\x01{super().tag(sentence)}\x0b\ufffe]]>\uffff\x1f"


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path: Path) -> None:
    output = _site(tmp_path, "---\ntitle: Steuerzeichen\ndate: 2025-08-01\nlang: de\n---\nEin Satz.\n")
    result = _build(tmp_path, StaticEngines(_Garbling("de", "en"), _Garbling("en", "ko")))
    assert result.exit_code == 0, result.failed
    document = docx.Document(str(output / "ko" / "steuerzeichen.docx"))
    assert "<ko><en>Ein Satz.]]>]]>" in [paragraph.text for paragraph in document.paragraphs]
    for name in ("rss.xml", "atom.xml"):
        etree.parse(str(output / "ko" / name))
    assert "&lt;ko&gt;&lt;en&gt;Ein Satz.]]&gt;]]&gt;" in (output / "ko" / "steuerzeichen.html").read_text(encoding="utf-8")


EMOJI = (
    "Sommerfest 🎉 | Eintritt frei",
    "Das Team 👩\u200d💻 der Stadt | Digitales und 🇩🇪 Europa 🇪🇺 laden ein: a||b, x | y.",
    "Programm | Musik 🎶 | Spiele 🎲 | Essen 🍕 | Getränke 🥤 | Preise ab 5 € 💶 | Ende 22 Uhr.",
)


@pytest.fixture
def echo_units(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real engine with a model that gives back its input: tokenizing, splitting over-long
    sentences and rejoining must then reproduce every source character."""

    monkeypatch.setattr(ctranslate, "Translator", EchoTranslator)


def test_emoji_and_pipes_never_cut_text_off(tmp_path: Path, models_dir: Path, echo_units: None) -> None:
    title, *paragraphs = EMOJI
    output = _site(tmp_path, f"---\ntitle: {title}\ndate: 2025-08-01\nlang: de\n---\n" + "\n\n".join(paragraphs))
    provider = ModelEngines(models_dir, TranslationSettings(max_input_tokens=8))
    result = _build(tmp_path, provider, allow_demo=True)
    assert result.exit_code == 0, result.failed
    assert read_release(tmp_path / "releases" / "feindlich.md", Settings()).blocks[0].text.text == paragraphs[0]
    for lang in LANGUAGES:
        document = docx.Document(str(output / lang / "sommerfest-eintritt-frei.docx"))
        texts = [paragraph.text for paragraph in document.paragraphs]
        assert all(text in texts for text in paragraphs), lang
        feed = feedparser.parse((output / lang / "atom.xml").read_bytes())
        assert feed.entries[0].title.endswith(title), lang


class _Silent(TaggingEngine):
    """A model that returns nothing at all."""

    def tag(self, sentence: str) -> str:
        return ""


def test_a_model_that_returns_nothing_does_not_stop_the_feeds(tmp_path: Path) -> None:
    output = _site(tmp_path, "---\ntitle: Leere Antwort\ndate: 2025-08-01\nlang: de\n---\nEin Satz.\n")
    result = _build(tmp_path, StaticEngines(_Silent("de", "en"), _Silent("en", "ko")))
    assert result.exit_code == 0, result.failed
    for lang in ("en", "ko"):
        feed = feedparser.parse((output / lang / "atom.xml").read_bytes())
        assert not feed.bozo and [entry.title for entry in feed.entries] == ["leere-antwort"]


def test_text_copied_from_word_keeps_its_words_apart(tmp_path: Path) -> None:
    path = tmp_path / "aus-word.txt"
    path.write_text(
        "Titel der Meldung\n\n01.08.2025\n\nFür Rückfragen:\x0bMax Mustermann, E\x1eMail-Adresse, "
        "Bürger\x1fmeister\x0bund das Team 👩\u200d💻 mit Null\u200dBreite.\n",
        encoding="utf-8",
    )
    release = read_release(path, Settings())
    assert [text.text for block in release.blocks for text in block.texts()] == [
        "Für Rückfragen: Max Mustermann, E-Mail-Adresse, Bürgermeister und das Team 👩\u200d💻 mit NullBreite."
    ]
    assert release.warnings == ["removed 2 invisible or control characters (such as zero-width spaces)"]
