"""What a press office's folder and machine throw at a build, and what the build promises.

Every good release is published, every bad one is reported with its file name and the problem,
and nothing published before is lost or half-written: bad inputs (encodings, Word files, empty,
binary, oversized, broken front matter, duplicate and hostile slugs), a release that breaks
after publication, builds killed with SIGKILL, a full or read-only disk, a broken database, two
builds at once and broken model packages.

Read-only output and a full disk are simulated in-process (the suite may run as root, which
ignores file permissions): ``tempfile.mkstemp`` raises EACCES, ``os.fsync`` raises ENOSPC, the
translation memory raises SQLite's "database or disk is full".
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import feedparser
import pytest
from engines import StaticEngines, TaggingEngine
from lxml import etree
from typer.testing import CliRunner

from pressroom import atomic
from pressroom.cli.app import app
from pressroom.config import Settings, TranslationSettings
from pressroom.packages import list_packages
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult
from pressroom.readers import MAX_RELEASE_BYTES, ReaderError, read_release
from pressroom.segment import Piece, join_pieces, split_at_safe_points
from pressroom.translate.ctranslate import CTranslate2Engine
from pressroom.translate.memory import TranslationMemory
from pressroom.translate.routing import ModelEngines
from pressroom.writers.links import SEARCH_DIR

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)
LANGUAGES = ("de", "en", "ko")
TESTS = Path(__file__).parent
PRESSROOM = Path(sys.executable).parent / "pressroom"  # the installed command

QUOTE = "„Größere Züge“, sagt Dr. Müller."
BODY = f"{QUOTE} Die Öffnungszeiten des Bürgerbüros ändern sich ab Montag für alle Bürger."


def _release(title: str, body: str = BODY, *, extra: str = "", date: str = "2025-08-01") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nlang: de\n{extra}---\n{body}\n"


def _text_release(title: str) -> str:
    """A plain-text release whose first line is the headline and which states its date."""
    return f"{title}\n\n01.08.2025 – 10:00\n\n{BODY}\n"


def _engines() -> StaticEngines:
    return StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))


def _build(root: Path, provider: object | None = None, now: datetime = NOW, **options: object) -> BuildResult:
    opts = BuildOptions(releases_dir=root / "releases", output_dir=root / "output", **options)  # type: ignore[arg-type]
    return build(Settings(), opts, provider or _engines(), now=now)  # type: ignore[arg-type]


def _word_release(path: Path) -> bytes:
    document = docx.Document()
    document.add_paragraph("Neue Radwege für Vaihingen", style="Title")
    document.add_paragraph("01.08.2025 – 10:00")
    document.add_paragraph(BODY)
    document.add_heading("Was sich ändert", level=1)
    document.add_paragraph("Breitere Wege am Bahnhof", style="List Bullet")
    document.add_paragraph("Neue Ampeln an der Hauptstraße", style="List Bullet")
    document.add_paragraph("Planung", style="List Number")
    document.add_paragraph("Bau", style="List Number")
    document.save(str(path))
    return path.read_bytes()


# --- inputs: a folder of real-world mess ---------------------------------------------------------

# name -> (file content, title, the warning the reader must give, or None)
GOOD: dict[str, tuple[bytes, str, str | None]] = {
    "utf8.md": (_release("Stadtbahn fährt wieder").encode(), "Stadtbahn fährt wieder", None),
    "utf8-bom.txt": (b"\xef\xbb\xbf" + _text_release("Bäder öffnen früher").encode(), "Bäder öffnen früher", None),
    "utf16.txt": (_text_release("Brücke über den Neckar").encode("utf-16"), "Brücke über den Neckar", None),
    "utf16-ohne-bom.txt": (
        _text_release("Gebühren für Müllabfuhr").encode("utf-16-le"),
        "Gebühren für Müllabfuhr",
        "no byte order mark; read as UTF-16LE",
    ),
    "windows1252.txt": (
        _text_release("Straßenfest in Möhringen").encode("cp1252"),
        "Straßenfest in Möhringen",
        "not UTF-8; read as Windows-1252",
    ),
    "latin1.txt": (  # Latin-1 has no „“: the quote is left out
        _text_release("Größere Spielplätze").replace(QUOTE, "Das sagt Dr. Müller.").replace("–", "-").encode("latin-1"),
        "Größere Spielplätze",
        "not UTF-8; read as Windows-1252",
    ),
    "crlf.md": (_release("Haushalt für Übermorgen").replace("\n", "\r\n").encode(), "Haushalt für Übermorgen", None),
    "word.docx": (b"", "Neue Radwege für Vaihingen", None),  # written by _word_release
    "steuerzeichen.md": (  # pasted from Word and the web: a line break, an optional hyphen, junk
        _release("Kopiert aus Word", BODY.replace(" Die", "\x0bDie\x01\u200b").replace("Montag", "Mon\x1ftag")).encode(),
        "Kopiert aus Word",
        "removed 3 invisible or control characters (such as zero-width spaces)",
    ),
    "emoji.md": (
        _release("Sommerfest 🎉 | Eintritt frei", f"{BODY} Programm: Musik 🎶 | Spiele | Essen 🍕.").encode(),
        "Sommerfest 🎉 | Eintritt frei",
        None,
    ),
    "pfad.md": (_release("Pfad nach oben", extra="slug: ../../etc/passwd\n").encode(), "Pfad nach oben", None),
    "umlaut-slug.md": (_release("Umlaute im Slug", extra="slug: Größe Über Straße\n").encode(), "Umlaute im Slug", None),
}
SLUGS = {
    "pfad.md": "etc-passwd",
    "umlaut-slug.md": "groesse-ueber-strasse",
}

# name -> (file content, what the message must say)
BAD: dict[str, tuple[bytes, str]] = {
    "leer.md": (b"", "is empty"),
    "nur-leerzeichen.txt": (b"  \r\n\t\n   \n", "is empty"),
    "muell.txt": (random.Random(6).randbytes(4096), "does not look like a text file"),
    "riesig.txt": (b"", "is too large for a press release (10.0 MB"),  # written sparse below
    "yaml-kaputt.md": (b"---\ndate: 2025-08-01\ntitle: Fehler: mit Doppelpunkt\n---\nText.\n", "is not valid YAML on line 3"),
    "datum-falsch.md": (_release("Falsches Datum", date="30.02.2025").encode(), "the date '30.02.2025' is not a valid date"),
    "kaputt.docx": (b"", "is damaged or not a Word .docx file; open it in Word and save it again"),
    "passwort.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "is password-protected"),
    "zweite-fassung.md": (_release("Stadtbahn fährt wieder").encode(), "uses the slug 'stadtbahn-faehrt-wieder', which utf8.md already has"),
}


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    releases = tmp_path / "releases"
    releases.mkdir()
    for name, (content, _, _) in GOOD.items():
        (releases / name).write_bytes(content)
    for name, (content, _) in BAD.items():
        (releases / name).write_bytes(content)
    word = _word_release(releases / "word.docx")
    (releases / "kaputt.docx").write_bytes(word[: len(word) // 2])
    with (releases / "riesig.txt").open("wb") as handle:
        handle.truncate(10_000_000)  # a 10 MB file; sparse, so the test writes nothing
    return tmp_path


def test_every_good_release_is_published_and_every_bad_one_named(messy: Path) -> None:
    result = _build(messy)

    assert result.exit_code == 1
    failed = {problem.path.name: problem.message for problem in result.failed}
    assert sorted(failed) == sorted(BAD)
    for name, (_, expected) in BAD.items():
        assert expected in failed[name], (name, failed[name])

    readers = {name: read_release(messy / "releases" / name, Settings()) for name in GOOD}
    for name, (_, title, warning) in GOOD.items():
        release = readers[name]
        assert release.title == title, name
        assert release.slug == SLUGS.get(name, release.slug)
        for lang in LANGUAGES:
            assert release.slug in result.published[lang], (name, lang)
        warnings = [p.message for p in result.warnings if p.path.name == name]
        assert warnings == ([warning] if warning else []), name
        german = docx.Document(str(messy / "output" / "de" / f"{release.slug}.docx"))
        text = "\n".join(paragraph.text for paragraph in german.paragraphs)
        assert (BODY if name != "latin1.txt" else BODY.replace(QUOTE, "Das sagt Dr. Müller.")) in text, name

    # Hostile slugs end up as plain file names inside output/, nothing is written elsewhere.
    assert sorted(p.name for p in messy.iterdir()) == ["output", "releases"]
    root = (messy / "output").resolve()
    assert all(path.resolve().is_relative_to(root) for path in root.rglob("*"))
    assert (root / "en" / "etc-passwd.docx").is_file()


def test_word_structure_survives_into_every_edition(messy: Path) -> None:
    _build(messy)
    for lang in LANGUAGES:
        document = docx.Document(str(messy / "output" / lang / "neue-radwege-fuer-vaihingen.docx"))
        styles = [p.style.name for p in document.paragraphs if p.text.strip()]
        assert styles.count("Heading 2") == 1 and styles.count("List Bullet") == 2, lang
        assert styles.count("List Number") == 2, lang


def test_a_10_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "riesig.txt"
    with path.open("wb") as handle:
        handle.truncate(10_000_000)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ReaderError, match=rf"limit is {MAX_RELEASE_BYTES / 1e6:.1f} MB"):
        read_release(path, Settings())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 0.5 and peak < 1_000_000, (seconds, peak)


# --- a 5,000-character sentence through the real engine ------------------------------------------

WORDS = "die Stadt baut neue Radwege am Bahnhof und 🎉 | in Möhringen für alle Bürger".split()


def test_a_5000_character_sentence_is_split_and_every_part_translated(
    tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = [WORDS[i % len(WORDS)] for i in range(1200)]
    sentence = " ".join(words)[:5000].rsplit(" ", 1)[0]
    assert len(sentence) > 4900 and not re.search(r"[.!?;:,]", sentence)
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "lang.md").write_text(_release("Ein sehr langer Satz", sentence, extra="summary: Ein Überblick\n"), encoding="utf-8")

    calls: list[tuple[list[list[str]], list[str]]] = []
    real = CTranslate2Engine._translate_units

    def recording(self: CTranslate2Engine, units: list[list[str]], texts: list[str]) -> list:  # the engine's private outputs
        outputs = real(self, units, texts)
        calls.append((units, outputs))
        return outputs

    monkeypatch.setattr(CTranslate2Engine, "_translate_units", recording)
    limit = 24
    provider = ModelEngines(models_dir, TranslationSettings(max_input_tokens=limit, beam_size=1))
    result = _build(tmp_path, provider, targets=["en"], allow_demo=True)
    assert result.exit_code == 0, result.failed

    engine = provider.route("de", "en")[0]  # type: ignore[index]
    tokenizer = engine.tokenizers()[0]  # type: ignore[attr-defined]
    pieces = split_at_safe_points(sentence, lambda text: len(tokenizer.encode(text)) <= limit)
    assert join_pieces(pieces) == sentence  # every source character is in exactly one part
    assert len(pieces) > 40

    units, outputs = calls[0]
    sent = [tokenizer.decode(unit) for unit in units]
    first = sent.index(pieces[0].text)
    assert sent[first : first + len(pieces)] == [piece.text for piece in pieces]
    assert all(len(unit) <= limit for unit in units)
    translated = join_pieces(Piece(out.text, p.joiner) for out, p in zip(outputs[first:], pieces))

    english = docx.Document(str(tmp_path / "output" / "en" / "ein-sehr-langer-satz.docx"))
    assert translated in [paragraph.text for paragraph in english.paragraphs]


# --- a release that was published and then breaks -------------------------------------------------


def _feed_titles(output: Path, lang: str) -> list[str]:
    return [entry.title for entry in feedparser.parse((output / lang / "atom.xml").read_bytes()).entries]


def test_a_release_that_breaks_after_publication_stays_published(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    (releases / "a.md").write_text(_release("Stadtbahn fährt wieder"), encoding="utf-8")
    good_b = _release("Gemeinderat beschließt Haushalt", date="2025-07-30")
    (releases / "b.md").write_text(good_b, encoding="utf-8")
    _build(tmp_path)
    output = tmp_path / "output"
    files = {p: p.read_bytes() for lang in LANGUAGES for p in (output / lang).glob("gemeinderat-*")}
    assert len(files) == 6
    feeds_before = {lang: _feed_titles(output, lang) for lang in LANGUAGES}
    atom_before = (output / "en" / "atom.xml").read_bytes()

    (releases / "b.md").write_bytes(good_b.encode()[:30])  # half-saved
    result = _build(tmp_path, now=datetime(2025, 9, 2, tzinfo=BERLIN))
    assert [p.path.name for p in result.failed] == ["b.md"]
    assert "no closing '---'" in result.failed[0].message
    assert [(p.path.name, p.message) for p in result.warnings] == [
        ("b.md", "its last published version stays listed in the de, en, ko pages and feeds until the file is fixed")
    ]
    assert result.published["en"] == ["stadtbahn-faehrt-wieder"]
    assert {p: p.read_bytes() for p in files} == files  # DOCX untouched, pages rewritten identically
    assert {lang: _feed_titles(output, lang) for lang in LANGUAGES} == feeds_before
    assert (output / "en" / "atom.xml").read_bytes() == atom_before
    assert "gemeinderat-beschliesst-haushalt.html" in (output / "ko" / "index.html").read_text(encoding="utf-8")

    (releases / "b.md").write_text(good_b.replace("Haushalt", "Doppelhaushalt"), encoding="utf-8")
    result = _build(tmp_path, now=datetime(2025, 9, 3, tzinfo=BERLIN))
    assert result.failed == [] and result.warnings == []
    assert "<en>Gemeinderat beschließt Doppelhaushalt" in _feed_titles(output, "en")
    assert not any(path.exists() for path in files)  # the new title gave it a new slug: the old files go
    assert len(list(output.glob("*/gemeinderat-beschliesst-doppelhaushalt.*"))) == 6

    (releases / "b.md").unlink()  # removing the file is how a release is taken off the lists
    _build(tmp_path, now=datetime(2025, 9, 4, tzinfo=BERLIN))
    assert _feed_titles(output, "en") == ["<en>Stadtbahn fährt wieder"]
    assert list(output.glob("*/gemeinderat-*")) == []  # and its files with it


# --- faults: killed builds ------------------------------------------------------------------------


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("html", "body"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("html", "body"):
            self.open.remove(tag)


def _content(path: Path) -> object:
    """The content of a published file, after checking that it is complete; raises if not."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, path
        return tuple(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)
    data = path.read_bytes()
    if path.suffix == ".xml":
        etree.fromstring(data)
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".html":
        parser = _Parsed()
        parser.feed(data.decode("utf-8"))
        assert data.endswith(b"</html>\n") and parser.open == [], path
    return data


def _published(output: Path) -> dict[str, object]:
    """Every published file (not the state folder, not temporary files) and its content.

    The search index is left out: its files are named by their content, so it is checked as a
    whole (``_search_index_complete``)."""
    assert _search_index_complete(output)
    return {
        str(path.relative_to(output)): _content(path)
        for path in sorted(output.rglob("*"))
        if path.is_file()
        and STATE_DIR not in path.parts
        and SEARCH_DIR not in path.parts
        and not any(part.startswith(".") for part in path.relative_to(output).parts)  # temporary: a file or a folder being made
    }


def _search_index_complete(output: Path) -> bool:
    """Every shard of the index has an entry file naming index files that are all there, or
    (a shard being made for the first time) no entry file and no search page naming it yet."""
    search_pages = " ".join(p.read_text(encoding="utf-8") for p in output.glob("*/search.html"))
    for shard in (output / SEARCH_DIR).iterdir() if (output / SEARCH_DIR).is_dir() else []:
        entry = shard / "pagefind-entry.json"
        if not entry.exists():
            if f"{SEARCH_DIR}/{shard.name}/" in search_pages:
                return False
            continue
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"].values()
        if not all((shard / f"pagefind.{lang['hash']}.pf_meta").is_file() for lang in languages):
            return False
    return True


def _temp_files(output: Path) -> list[Path]:
    return [p for p in output.rglob(f".*{atomic.TEMP_SUFFIX}") if STATE_DIR not in p.parts]


def _integrity(database: Path) -> str:
    with contextlib.closing(sqlite3.connect(database)) as db:  # closed at once: a checkpoint at
        return db.execute("PRAGMA integrity_check").fetchone()[0]  # garbage collection would change it


def _cli(root: Path, models: Path) -> list[str]:
    return [
        str(PRESSROOM), "build", "--demo", "--models-dir", str(models),
        "--releases", str(root / "releases"), "--output", str(root / "output"),
    ]  # fmt: skip


def _many_releases(root: Path, place: str) -> None:
    releases = root / "releases"
    releases.mkdir(exist_ok=True)
    for n in range(1, 7):
        body = (
            f"Die Stadt eröffnet am Montag das Bürgerbüro Nummer {n} am {place}.\n\n## Termine\n\n"
            f"Der Oberbürgermeister begrüßt die Gäste um {n} Uhr.\n\n- Punkt eins\n- Punkt {n}\n"
        )
        (releases / f"r{n:02d}.md").write_text(_release(f"Bürgerbüro Nummer {n}", body), encoding="utf-8")


@pytest.mark.slow
def test_builds_killed_at_random_points_leave_old_or_new_complete_files(tmp_path: Path, models_dir: Path) -> None:
    _many_releases(tmp_path, "Marktplatz")
    env = {**os.environ, "COLUMNS": "200"}
    started = time.perf_counter()
    first = subprocess.run(_cli(tmp_path, models_dir), capture_output=True, text=True, env=env, timeout=120)
    full = time.perf_counter() - started
    assert first.returncode == 0, first.stdout + first.stderr
    output = tmp_path / "output"
    old = _published(output)
    _many_releases(tmp_path, "Schlossplatz")  # every DOCX, page and feed changes

    snapshots = []
    for delay in sorted(random.Random(2025).uniform(0.3, full) for _ in range(4)):
        process = subprocess.Popen(_cli(tmp_path, models_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        snapshots.append(_published(output))  # every file parses: none is half-written
        for database in ("memory.sqlite", "state.sqlite"):
            if (output / STATE_DIR / database).exists():
                assert _integrity(output / STATE_DIR / database) == "ok"

    last = subprocess.run(_cli(tmp_path, models_dir), capture_output=True, text=True, env=env, timeout=120)
    assert last.returncode == 0, last.stdout + last.stderr
    assert "6 release files" in last.stdout and "all published" in last.stdout
    assert _temp_files(output) == []
    new = _published(output)
    assert set(new) == set(old)
    for snapshot in snapshots:
        assert set(snapshot) == set(old)  # nothing published before went missing
        for name, content in snapshot.items():
            assert content in (old[name], new[name]), name


def _slugs_listed(output: Path, lang: str) -> list[str]:
    """The slugs a language's index page and both feeds list; the three must agree."""
    index = (output / lang / "index.html").read_text(encoding="utf-8")
    from_index = sorted(set(re.findall(r'href="[^"]*?(buergerbuero-nummer-\d+)\.html"', index)))
    for feed in ("rss.xml", "atom.xml"):
        entries = feedparser.parse((output / lang / feed).read_bytes()).entries
        assert sorted(e.link.rsplit("/", 1)[1].removesuffix(".html") for e in entries) == from_index, (lang, feed)
    return from_index


@pytest.mark.slow
def test_incremental_builds_killed_at_random_points_leave_complete_files_and_the_next_build_correct(
    tmp_path: Path, models_dir: Path
) -> None:
    _many_releases(tmp_path, "Marktplatz")
    env = {**os.environ, "COLUMNS": "200"}
    first = subprocess.run(_cli(tmp_path, models_dir), capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    output = tmp_path / "output"
    old = _published(output)
    edited, removed = tmp_path / "releases" / "r02.md", tmp_path / "releases" / "r05.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Marktplatz", "Schlossplatz"), encoding="utf-8")
    removed.unlink()
    # How long the incremental build takes, measured on a copy of the output folder.
    scratch = tmp_path / "scratch-output"
    shutil.copytree(output, scratch)
    started = time.perf_counter()
    trial = subprocess.run([*_cli(tmp_path, models_dir)[:-1], str(scratch)], capture_output=True, text=True, env=env, timeout=120)
    incremental = time.perf_counter() - started
    assert trial.returncode == 0, trial.stdout + trial.stderr
    shutil.rmtree(scratch)

    snapshots = []
    for delay in sorted(random.Random(14).uniform(0.2, incremental) for _ in range(5)):
        process = subprocess.Popen(_cli(tmp_path, models_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        snapshots.append(_published(output))  # every file parses: none is half-written
        assert _integrity(output / STATE_DIR / "state.sqlite") == "ok"

    last = subprocess.run(_cli(tmp_path, models_dir), capture_output=True, text=True, env=env, timeout=120)
    assert last.returncode == 0, last.stdout + last.stderr
    assert "5 release files" in last.stdout and "all published" in last.stdout
    assert _temp_files(output) == []
    new = _published(output)
    for snapshot in snapshots:
        for name, content in snapshot.items():
            assert content in (old.get(name), new.get(name)), name
    slugs = sorted(f"buergerbuero-nummer-{n}" for n in (1, 2, 3, 4, 6))
    assert all(_slugs_listed(output, lang) == slugs for lang in LANGUAGES)
    assert not list(output.glob("*/buergerbuero-nummer-5.*"))  # the removed release's files are gone
    assert any("Schlossplatz" in paragraph for paragraph in new["de/buergerbuero-nummer-2.docx"])
    # The same files as a build from scratch, and the same German editions (translations may
    # differ in detail: a random-weight model's output depends on what shares its batch; the
    # edited release's page says when it was modified, which a build from scratch cannot know).
    fresh = subprocess.run([*_cli(tmp_path, models_dir)[:-1], str(tmp_path / "fresh")], capture_output=True, text=True, env=env, timeout=120)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    from_scratch = _published(tmp_path / "fresh")
    assert set(new) == set(from_scratch)
    german = [name for name in new if re.fullmatch(r"de/buergerbuero-nummer-\d\.docx|de/buergerbuero-nummer-[^2]\.html", name)]
    assert len(german) == 9
    assert [new[name] for name in german] == [from_scratch[name] for name in german]
    again = subprocess.run(_cli(tmp_path, models_dir), capture_output=True, text=True, env=env, timeout=120)
    assert "nothing changed since the last build" in again.stdout


def test_temporary_files_of_a_killed_build_are_removed_by_the_next(tmp_path: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(_release("Stadtbahn fährt wieder"), encoding="utf-8")
    _build(tmp_path)
    output = tmp_path / "output"
    leftovers = [output / "en" / ".rss.xml.k3x_9a0q.tmp", output / ".index.html.abcdefgh.tmp"]
    unrelated = [output / "en" / ".notes.tmp", output / "en" / "draft.tmp", output / "en" / ".x.docx.tmp"]
    for path in leftovers + unrelated:
        path.write_bytes(b"<half")
    _build(tmp_path)
    assert [path.exists() for path in leftovers] == [False, False]
    assert [path.exists() for path in unrelated] == [True, True, True]


# --- faults: disk full, read-only, broken database ------------------------------------------------


def _changed_build(tmp_path: Path) -> tuple[dict[str, object], dict[str, bytes], int]:
    """Publish a.md and b.md, then change both: what was published, as content and as bytes,
    and how many files the changed build writes (each atomic write syncs its file once),
    counted in a build whose output is then put back as it was (times included, so the
    output memo still knows every unchanged list)."""
    releases = tmp_path / "releases"
    releases.mkdir(exist_ok=True)
    for name, title in (("a.md", "Stadtbahn fährt wieder"), ("b.md", "Gemeinderat beschließt Haushalt")):
        (releases / name).write_text(_release(title), encoding="utf-8")
    syncs = 0
    real = os.fsync

    def counting(fd: int) -> None:
        nonlocal syncs
        syncs += 1
        real(fd)

    _build(tmp_path)
    output = tmp_path / "output"
    before = _published(output)
    raw = {name: (output / name).read_bytes() for name in before}
    for name in ("a.md", "b.md"):
        path = releases / name
        path.write_text(path.read_text(encoding="utf-8").replace("Montag", "Dienstag"), encoding="utf-8")
    kept = tmp_path / "kept-output"
    shutil.copytree(output, kept, symlinks=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", counting)
        _build(tmp_path)
    shutil.rmtree(output)
    kept.rename(output)
    return before, raw, syncs


def _fail_on_call(number: int, error: OSError) -> Callable[[int], None]:
    calls = 0
    real = os.fsync

    def fsync(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls > number:
            raise error
        real(fd)

    return fsync


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0], ids=["first-docx", "mid-docx", "last-file"])
def test_disk_full_stops_the_build_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    before, raw, writes = _changed_build(tmp_path)
    output = tmp_path / "output"
    assert len(before) > 20 and writes > 20  # a list that shows neither release is not written again
    fail_after = int(share * (writes - 1))  # "last-file": every write but the last succeeds
    monkeypatch.setattr(os, "fsync", _fail_on_call(fail_after, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    with pytest.raises(BuildError, match=r"^Cannot write .*: No space left on device$"):
        _build(tmp_path)
    after = _published(output)  # every file complete
    assert set(after) == set(before) and _temp_files(output) == []
    replaced = [name for name in after if (output / name).read_bytes() != raw[name]]
    assert len(replaced) <= fail_after and (replaced or not fail_after)
    monkeypatch.undo()  # space freed: the next build completes
    assert _build(tmp_path).exit_code == 0
    assert all((output / name).read_bytes() != raw[name] for name in before if name.endswith(".docx"))


def test_read_only_output_stops_the_build_with_a_plain_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, raw, _ = _changed_build(tmp_path)

    def refuse(*args: object, dir: str, **kwargs: object) -> None:  # noqa: A002
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), dir)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(BuildError, match=r"^Cannot write .*\.docx: Permission denied$"):
        _build(tmp_path)
    assert {name: (tmp_path / "output" / name).read_bytes() for name in raw} == raw


def test_a_full_translation_memory_is_a_plain_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, raw, _ = _changed_build(tmp_path)

    def full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(TranslationMemory, "store", full)
    with pytest.raises(BuildError, match=r"Cannot update the build records in .*database or disk is full"):
        _build(tmp_path)
    assert {name: (tmp_path / "output" / name).read_bytes() for name in raw} == raw


def test_the_cli_reports_an_unwritable_output_with_exit_code_2(
    tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(_release("Stadtbahn fährt wieder", "Kurz."), encoding="utf-8")
    monkeypatch.setattr(os, "fsync", _fail_on_call(0, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    args = ["build", "--demo", "--models-dir", str(models_dir), "--releases", str(tmp_path / "releases"), "--output", str(tmp_path / "output")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    assert re.search(r"Error: Cannot write .*stadtbahn-faehrt-wieder\.docx: No space left on device", result.output)


# --- faults: two builds at once -----------------------------------------------------------------

GATED_BUILD = """
import sys, time
from pathlib import Path
from engines import StaticEngines, TaggingEngine
from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions

root, started, go = (Path(arg) for arg in sys.argv[1:])

class Gated(TaggingEngine):
    def translate_batch(self, sentences):
        started.touch()  # the lock is held and translation has begun
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return super().translate_batch(sentences)

options = BuildOptions(releases_dir=root / "releases", output_dir=root / "output")
result = build(Settings(), options, StaticEngines(Gated("de", "en"), Gated("en", "ko")))
sys.exit(result.exit_code)
"""


def test_a_second_build_at_the_same_time_stops_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(_release("Stadtbahn fährt wieder"), encoding="utf-8")
    started, go = tmp_path / "started", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ["PYTHONPATH"]]), "COLUMNS": "300"}
    first = subprocess.Popen(
        [sys.executable, "-c", GATED_BUILD, str(tmp_path), str(started), str(go)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert first.poll() is None and time.monotonic() < deadline, first.stdout.read()  # type: ignore[union-attr]
            time.sleep(0.02)
        second = subprocess.run(
            [str(PRESSROOM), "build", "--releases", str(tmp_path / "releases"),
             "--output", str(tmp_path / "output")],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        go.touch()
    assert second.returncode == 2
    assert "Another pressroom build is writing to" in second.stderr and "Wait for it to finish" in second.stderr
    assert first.wait(timeout=60) == 0, first.stdout.read()  # type: ignore[union-attr]
    published = _published(tmp_path / "output")
    assert all(f"{lang}/stadtbahn-faehrt-wieder.docx" in published for lang in LANGUAGES)


# --- faults: broken model packages ----------------------------------------------------------------


@pytest.mark.parametrize("damaged", ["model/model.bin", "sentencepiece.model"])
def test_a_damaged_model_stops_the_build_naming_the_package_and_the_fix(
    tmp_path: Path, models_dir: Path, damaged: str
) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(_release("Stadtbahn fährt wieder"), encoding="utf-8")
    _build(tmp_path)
    output = tmp_path / "output"
    raw = {path: path.read_bytes() for path in output.rglob("*") if path.is_file() and STATE_DIR not in path.parts}
    package = next(p for p in list_packages(models_dir)[0] if p.from_code == "de")
    target = package.path / damaged
    target.write_bytes(target.read_bytes()[:1000])  # truncated, as by an interrupted copy

    provider = ModelEngines(models_dir, TranslationSettings())
    with pytest.raises(BuildError) as error:
        _build(tmp_path, provider, allow_demo=True, use_memory=False)
    message = str(error.value)
    assert str(package.path) in message
    assert "reinstall it" in message and "'pressroom models install de:en'" in message
    assert message.endswith("Nothing was published; what was published before is unchanged.")
    assert {path: path.read_bytes() for path in raw} == raw


def _rewrite_metadata(archive: Path, target: Path, **changes: object) -> Path:
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), **changes}).encode()
            copy.writestr(info, data)
    return target


def test_installing_a_bad_package_file_keeps_the_installed_models(
    tmp_path: Path, models_dir: Path, synthetic_packages: dict[str, Path]
) -> None:
    before = [(p.path, p.identity()) for p in list_packages(models_dir)[0]]
    truncated = tmp_path / "translate-de_en-abgebrochen.argosmodel"
    truncated.write_bytes(synthetic_packages["de_en"].read_bytes()[:20_000])
    wrong = _rewrite_metadata(synthetic_packages["de_en"], tmp_path / "translate-falsch.argosmodel", from_code=None)
    result = CliRunner().invoke(
        app, ["models", "install", str(truncated), str(wrong), "--models-dir", str(models_dir)], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("✗")]
    assert len(lines) == 2
    assert lines[0].startswith(f"✗ {truncated}: ") and lines[1].startswith(f"✗ {wrong}: ")
    assert [(p.path, p.identity()) for p in list_packages(models_dir)[0]] == before
    assert sorted(p.name for p in models_dir.iterdir() if not p.name.startswith(".")) == sorted(p.name for p, _ in before)


def test_a_package_with_broken_metadata_is_named_when_building(tmp_path: Path, models_dir: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(_release("Stadtbahn fährt wieder"), encoding="utf-8")
    package = next(p for p in list_packages(models_dir)[0] if p.from_code == "de")
    (package.path / "metadata.json").write_text("{ kaputt", encoding="utf-8")
    args = ["build", "--models-dir", str(models_dir), "--releases", str(tmp_path / "releases"), "--output", str(tmp_path / "output")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert f"! note {package.path}" in result.output
    assert "No translation model installed for de→en" in result.output and "pressroom models install" in result.output
    assert not list((tmp_path / "output").glob("*/*.docx"))

