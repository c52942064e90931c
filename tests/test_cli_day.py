"""The press officer's day through the real command: init, new, doctor, build --watch, serve.

init, new, doctor and config run in-process through typer's CliRunner (fast); serve and
build --watch run as child processes, because they keep running until stopped with Ctrl+C.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import fields
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from engines import StaticEngines, TaggingEngine
from typer.testing import CliRunner

from pressroom import doctor
from pressroom.cli import app as cli
from pressroom.config import Settings, TranslationSettings, load_settings
from pressroom.install import install_file
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions
from pressroom.qa.glossary import load_glossary
from pressroom.readers import read_release
from pressroom.scaffold import config_reference
from pressroom.translate.installed import list_models, size_text
from pressroom.demo.synthetic import build_package
from pressroom.watch import snapshot, watch
from pressroom.writers.links import DOCX_MIME

README = Path(__file__).parents[1] / "README.md"
PYTHON_LINE = "✓ Python {}.{}.{} (pressroom needs 3.11 or newer)".format(*sys.version_info[:3])

runner = CliRunner()


def run(*args: str | Path) -> object:
    """``pressroom ARGS`` in-process; the result has exit_code, stdout and stderr."""
    return runner.invoke(cli.app, [str(arg) for arg in args], catch_exceptions=False)


def words(text: str) -> str:
    """Text with line wrapping undone, for messages rich wrapped at 80 columns."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def real_packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Tiny random-weight packages not marked demo: what doctor and build take for real models."""
    out = tmp_path_factory.mktemp("real-packages")
    return [
        build_package(out / f"translate-{s}_{t}.argosmodel", s, t, seed=seed, demo=False)
        for seed, (s, t) in enumerate((("de", "en"), ("en", "ko")), 1)
    ]


@pytest.fixture
def real_models(tmp_path: Path, real_packages: list[Path]) -> Path:
    directory = tmp_path / "models"
    for archive in real_packages:
        install_file(archive, directory)
    return directory


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder made by ``pressroom init``, as the current directory."""
    monkeypatch.chdir(tmp_path)
    result = run("init", "office")
    assert result.exit_code == 0, result.stderr
    monkeypatch.chdir(tmp_path / "office")
    return tmp_path / "office"


# --- init ---------------------------------------------------------------------------------------


def test_init_makes_a_ready_folder_with_every_setting_documented(office: Path) -> None:
    names = sorted(str(p.relative_to(office)) for p in office.rglob("*"))
    example = next(name for name in names if name.startswith("releases/"))
    assert names == [".gitignore", "glossary.tsv", "pressroom.toml", "releases", example]

    text = (office / "pressroom.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert set(data) == {f.name for f in fields(Settings)}
    assert set(data["translation"]) == {f.name for f in fields(TranslationSettings)}
    assert load_settings(office / "pressroom.toml") == Settings()
    for f in (*fields(Settings), *fields(TranslationSettings)):
        if "doc" in f.metadata:  # each setting's explanation stands above it as a comment
            first_words = " ".join(f.metadata["doc"].split()[:4])
            assert first_words in words(text.replace("#", "")), f.name

    glossary = load_glossary(office / "glossary.tsv")
    assert glossary.languages == ["en", "ko"] and len(glossary.terms) == 3
    assert (office / "glossary.tsv").read_text(encoding="utf-8").startswith("de\ten\tko\tnote\n")
    assert {"output/", "demo-output/", ".pressroom/"} <= set((office / ".gitignore").read_text().split())

    release = read_release(office / example, Settings())
    assert release.title.startswith("Beispielmeldung") and not release.warnings
    assert release.date <= datetime.now(ZoneInfo("Europe/Berlin"))


def test_init_refuses_to_overwrite_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pressroom.toml").write_text('organisation = "Stadt Ulm"\n', encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    result = run("init", tmp_path)
    assert result.exit_code == 2
    message = words(result.stderr)
    assert f"{tmp_path}/pressroom.toml, {tmp_path}/.gitignore already exist; nothing was changed" in message
    assert "Traceback" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "pressroom.toml"]
    assert (tmp_path / "pressroom.toml").read_text(encoding="utf-8") == 'organisation = "Stadt Ulm"\n'


def test_init_next_to_existing_releases_adds_no_example(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    mine = releases / "meldung.txt"
    mine.write_text("Haushalt beschlossen\n\nDer Gemeinderat hat den Haushalt beschlossen.\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run("--quiet", "init", tmp_path)
    assert result.exit_code == 0 and result.stdout == ""
    assert [p.name for p in releases.iterdir()] == ["meldung.txt"]
    assert (tmp_path / "pressroom.toml").is_file() and (tmp_path / "notes.txt").read_text() == "mine\n"


# --- new ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Straßenbahn für Möhringen", "strassenbahn-fuer-moehringen"),
        ("Öffnungszeiten im „Bürgerbüro“: Änderung #2", "oeffnungszeiten-im-buergerbuero-aenderung-2"),
    ],
)
def test_new_writes_a_release_with_front_matter_filled_in(office: Path, title: str, slug: str) -> None:
    (office / "pressroom.toml").write_text('timezone = "Asia/Seoul"\n', encoding="utf-8")
    before = datetime.now(ZoneInfo("Asia/Seoul"))
    result = run("new", title)
    assert result.exit_code == 0, result.stderr
    path = office / "releases" / f"{before:%Y-%m-%d}-{slug}.md"
    assert f"created releases/{path.name}" in result.stdout
    assert "date: " + before.strftime("%Y-%m-%dT") in path.read_text(encoding="utf-8")
    assert "+09:00" in path.read_text(encoding="utf-8")  # now, in the configured time zone
    release = read_release(path, Settings(timezone="Asia/Seoul"))
    assert (release.title, release.slug, release.warnings) == (title, slug, [])
    assert before - timedelta(minutes=1) <= release.date <= datetime.now(ZoneInfo("Asia/Seoul"))


def test_new_refuses_a_slug_that_is_taken_and_accepts_its_own(office: Path) -> None:
    assert run("new", "Straßenbahn für Möhringen").exit_code == 0
    again = run("new", "Straßenbahn  für  Möhringen")
    assert again.exit_code == 2
    assert "already uses the slug 'strassenbahn-fuer-moehringen'" in words(again.stderr)
    own = run("new", "Straßenbahn für Möhringen", "--slug", "Möhringen zweite Meldung")
    assert own.exit_code == 0
    assert len(list((office / "releases").glob("*moehringen*.md"))) == 2


def test_new_outside_a_pressroom_folder_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "Titel")
    assert result.exit_code == 2
    assert "There is no releases/ folder here" in words(result.stderr)
    assert "pressroom init" in result.stderr and not list(tmp_path.iterdir())


# --- doctor -------------------------------------------------------------------------------------


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The machine doctor looks at, fixed: 10 GB free, no LibreOffice (tests change it)."""
    probes: dict[str, object] = {"free": 10 * 1024**3, "office": None, "fonts": []}
    monkeypatch.setattr(doctor, "free_bytes", lambda path: probes["free"])
    monkeypatch.setattr(doctor, "office_path", lambda: probes["office"])
    monkeypatch.setattr(doctor, "korean_fonts", lambda: probes["fonts"])
    return probes


def test_doctor_on_a_healthy_setup(office: Path, real_models: Path, machine: dict[str, object]) -> None:
    machine.update(office="/usr/bin/soffice", fonts=["Noto Sans CJK KR", "UnDotum"])
    config = office / "pressroom.toml"
    text = config.read_text(encoding="utf-8").replace('site_url = "http://localhost:8000/"', 'site_url = "https://presse.example.org/"')
    config.write_text(text.replace('imprint_url = ""', 'imprint_url = "https://example.org/impressum"'), encoding="utf-8")
    (office / "privacy.md").write_text("# Datenschutz\n", encoding="utf-8")
    result = run("doctor", "--models-dir", real_models)
    de_en, en_ko = (size_text(m.size) for m in sorted(list_models(real_models)[0], key=lambda m: m.name))
    assert result.stdout.splitlines() == [
        PYTHON_LINE,
        "✓ pressroom.toml is valid (languages en, ko)",
        "✓ releases/: 1 release file(s), all readable",
        "✓ glossary.tsv: 3 term(s) (en, ko)",
        f"✓ en: de→en direct, translate-de_en 1.0 (Argos Translate package, {de_en}, licence not stated)",
        f"✓ ko: de→en→ko via en, translate-de_en 1.0 then translate-en_ko 1.0 (translate-de_en 1.0: Argos "
        f"Translate package, {de_en}, licence not stated; translate-en_ko 1.0: Argos Translate package, {en_ko}, licence not stated)",
        "✓ 10.0 GB free on the disk of output/",
        "✓ output/ does not exist yet; the first build creates it",
        "✓ Korean font for LibreOffice: Noto Sans CJK KR and 1 more",
    ]
    assert result.exit_code == 0


def test_doctor_on_a_broken_setup_names_each_problem_and_its_fix(
    office: Path, tmp_path: Path, synthetic_packages: dict[str, Path], machine: dict[str, object]
) -> None:
    machine.update(free=100 * 1024**2, office="/usr/bin/soffice", fonts=[])
    (office / "pressroom.toml").write_text('organisation = "Stadt"\n\nlangauges = ["en", "ko"]\n', encoding="utf-8")
    (office / "releases" / "ohne-titel.md").write_text("---\ndate: 2025-07-24\n---\nNur Text.\n", encoding="utf-8")
    with (office / "glossary.tsv").open("a", encoding="utf-8") as glossary:
        glossary.write("Gemeinderat\tcity council\t\t\n")
    models = tmp_path / "models"
    install_file(synthetic_packages["en_ko"], models)  # a demo placeholder only
    (models / "half-copied").mkdir()
    (office / "output").write_text("not a folder", encoding="utf-8")

    result = run("doctor", "--models-dir", models)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        PYTHON_LINE,
        "✗ pressroom.toml, line 3: unknown setting 'langauges' (did you mean 'languages'?) (the checks "
        "below use the defaults) → correct it; every setting is explained in the README, section "
        "'Configuration reference'",
        "! site_url is still the placeholder http://localhost:8000/; it ends up in every feed, page and DOCX "
        '→ set site_url = "https://…/" in pressroom.toml to the address where output/ is published',
        "! no imprint_url and no imprint.md, so no page links an imprint (Impressum, § 5 DDG) → set "
        "imprint_url in pressroom.toml, or write imprint.md in the working folder",
        "! no privacy_url and no privacy.md, so no page links a privacy notice → set privacy_url in "
        "pressroom.toml, or write privacy.md in the working folder",
        "✗ releases/ohne-titel.md: has no title; add a 'title:' line to the front matter or start the text "
        "with a '# ' headline",
        "✗ glossary.tsv, line 5: 'Gemeinderat' is listed twice (also at glossary.tsv, line 3); keep one "
        "entry → correct that line; the build stops until the glossary can be read",
        f"✗ no model for de→en in {models} → run 'pressroom models install de:en' (needs internet), or "
        "copy the .argosmodel files onto this computer and run 'pressroom models install FILE.argosmodel', "
        "or add a converted model with 'pressroom models add FOLDER'",
        f"✗ no model for de→ko in {models} → run 'pressroom models install de:en en:ko' (needs internet), "
        "or copy the .argosmodel files onto this computer and run 'pressroom models install FILE.argosmodel', "
        "or add a converted model with 'pressroom models add FOLDER'",
        f"✗ {models}/half-copied: no metadata.json; remove the directory or reinstall the package",
        f"✗ DEMO placeholder models in {models} (en→ko) produce gibberish and are used only by 'pressroom "
        "build --demo' → remove them from this folder; 'pressroom build --demo' keeps its own",
        "✗ only 0.1 GB free on the disk of output/ → free at least 500 MB: a model package needs about "
        "100 MB, a build a few MB",
        "✗ output is a file, not a folder → rename or remove the file output",
        "✗ LibreOffice is installed, but no font with Korean letters was found → install a Korean font, "
        "e.g. 'sudo apt-get install fonts-noto-cjk' (Linux)",
    ]
    as_json = json.loads(run("doctor", "--models-dir", models, "--json").stdout)
    assert as_json["ok"] is False
    assert [check["ok"] for check in as_json["checks"]] == [True, False, True, True, True] + [False] * 9
    assert [check["warning"] for check in as_json["checks"]][2:5] == [True] * 3


def test_doctor_checks_writing_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "output").mkdir()
    found = {check.text: check.ok for check in doctor.run_checks(doctor.Folders(models=tmp_path / "models"))}
    assert found["output/ is writable"] is True
    assert found["the releases folder releases/ does not exist"] is False
    assert not list((tmp_path / "output").iterdir())  # the probe file is gone


# --- config reference, global options -----------------------------------------------------------


def test_readme_configuration_reference_is_generated_from_the_settings() -> None:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"<!-- config-reference:start -->\n(.*?)<!-- config-reference:end -->", text, re.S)
    assert section, "README lacks the generated configuration reference"
    assert section[1].strip() == config_reference().strip(), "run: pressroom config --reference"
    assert run("config", "--reference").stdout == config_reference()


def test_config_shows_the_settings_in_effect(office: Path) -> None:
    (office / "pressroom.toml").write_text('organisation = "Stadt Ulm"\n[translation]\nbeam_size = 4\n', encoding="utf-8")
    shown = run("config").stdout
    assert 'organisation = "Stadt Ulm"' in shown and "beam_size = 4" in shown
    assert tomllib.loads(shown)["languages"] == ["en", "ko"]


def test_debug_shows_the_traceback_that_is_otherwise_hidden(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(folders: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(doctor, "run_checks", broken)
    monkeypatch.setattr(sys, "argv", ["pressroom", "doctor"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 2
    assert "Unexpected error: RuntimeError: disk on fire" in words(capsys.readouterr().err)
    monkeypatch.setattr(sys, "argv", ["pressroom", "--debug", "doctor"])
    with pytest.raises(RuntimeError, match="disk on fire"):
        cli.main()


def test_build_json_summary_for_scripts(office: Path, real_models: Path) -> None:
    (office / "releases" / "leer.md").write_text("---\ntitle: Leer\ndate: 2025-13-01\n---\nText.\n", encoding="utf-8")
    result = run("build", "--json", "--models-dir", real_models)
    summary = json.loads(result.stdout)
    assert result.exit_code == summary["exit_code"] == 1
    assert {lang: len(slugs) for lang, slugs in summary["published"].items()} == {"de": 1, "en": 1, "ko": 1}
    assert summary["failed"] == [
        {"file": "releases/leer.md", "message": summary["failed"][0]["message"]}
    ] and "2025-13-01" in summary["failed"][0]["message"]
    assert [(e["source"], e["target"], e["demo"]) for e in summary["engines"]] == [("de", "en", False), ("en", "ko", False)]
    assert all(e["translated"] > 0 for e in summary["engines"]) and summary["seconds"] > 0


# --- serve --------------------------------------------------------------------------------------


def _child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PRESSROOM_MODELS_DIR", "PRESSROOM_DEBUG")}
    return env | {"HOME": str(home), "COLUMNS": "250", "PYTHONUNBUFFERED": "1", "no_proxy": "127.0.0.1,localhost"}


class Child:
    """``pressroom ARGS`` running in the background; its stdout lines arrive in a queue."""

    def __init__(self, cwd: Path, *args: str | Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pressroom", *map(str, args)],
            cwd=cwd,
            env=_child_env(cwd / "home"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        self.process.kill()
        raise AssertionError(f"no line like {pattern!r}; got {self.seen}, stderr {self.process.stderr.read() if self.process.stderr else ''}")

    def interrupt(self) -> tuple[int, str]:
        """Ctrl+C, as the officer stops it; the exit code and what was left on stdout."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=20)
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, "\n".join(rest)


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serve_answers_on_loopback_with_the_right_types_and_local_links(tmp_path: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(
        "---\ntitle: Neue Haltestelle\ndate: 2025-08-04T10:00:00+02:00\n---\nDie Haltestelle wird eröffnet.\n",
        encoding="utf-8",
    )
    (tmp_path / "pressroom.toml").write_text('site_url = "https://presse.example.org/"\n', encoding="utf-8")
    settings = load_settings(tmp_path / "pressroom.toml")
    engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
    out = tmp_path / "output"
    assert build(settings, BuildOptions(tmp_path / "releases", out), engines).exit_code == 0

    child = Child(tmp_path, "serve", "--port", "0")
    base = child.wait_for(r"Serving output/ at (http://127\.0\.0\.1:\d+/)$")[1]
    expected = {
        "": "text/html; charset=utf-8",
        "en/neue-haltestelle.html": "text/html; charset=utf-8",
        "en/rss.xml": "application/rss+xml; charset=utf-8",
        "ko/atom.xml": "application/atom+xml; charset=utf-8",
        "en/neue-haltestelle.docx": DOCX_MIME,
    }
    for path, content_type in expected.items():
        status, headers, body = get(base + path)
        assert (status, headers["Content-Type"]) == (200, content_type), path
        assert b"https://presse.example.org/" not in body, path
    feed = get(base + "en/rss.xml")[2].decode()
    assert f"{base}en/neue-haltestelle.docx" in feed and f"<link>{base}en/index.html</link>" in feed
    assert (out / "en" / "rss.xml").read_text().count("https://presse.example.org/") > 3  # disk unchanged
    assert get(base + "en/neue-haltestelle.docx")[2] == (out / "en" / "neue-haltestelle.docx").read_bytes()
    assert get(base + ".pressroom/state.sqlite")[0] == 404
    assert get(base + "nothing.html")[0] == 404
    code, rest = child.interrupt()
    assert code == 0 and "Stopped." in rest


def test_serve_before_any_build_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("serve")
    assert result.exit_code == 2
    assert "output/ has no index.html yet. Run 'pressroom build' first" in words(result.stderr)


# --- build --watch ------------------------------------------------------------------------------


def test_build_watch_publishes_a_new_release_within_seconds(office: Path, real_models: Path) -> None:
    child = Child(office, "build", "--watch", "--models-dir", real_models)
    child.wait_for(r"^Watching releases/, pressroom\.toml, glossary\.tsv, do-not-translate\.txt for changes")
    assert run("new", "Neue Brücke über den Neckar").exit_code == 0
    started = time.monotonic()
    child.wait_for(r"^Changed: releases/.*neue-bruecke-ueber-den-neckar\.md; building again")
    child.wait_for(r"release files?, all published")
    elapsed = time.monotonic() - started
    assert (office / "output" / "ko" / "neue-bruecke-ueber-den-neckar.docx").is_file()
    assert elapsed < 15, elapsed
    code, _ = child.interrupt()
    assert code == 0


def test_watch_waits_until_saving_has_finished(tmp_path: Path) -> None:
    """Several quick writes (as Word saves) give one rebuild; Word's lock file gives none."""
    releases = tmp_path / "releases"
    releases.mkdir()
    rebuilds: list[list[Path]] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(lambda: snapshot(releases, [tmp_path / "glossary.tsv"]), rebuilds.append, stop),
        kwargs={"poll_s": 0.02, "quiet_s": 0.4},
    )
    thread.start()
    try:
        time.sleep(0.1)
        (releases / "~$meldung.docx").write_bytes(b"lock")
        time.sleep(0.6)
        assert rebuilds == []
        for part in range(4):
            with (releases / "meldung.md").open("a", encoding="utf-8") as handle:
                handle.write(f"Teil {part}\n")
            time.sleep(0.05)
        deadline = time.monotonic() + 5
        while not rebuilds and time.monotonic() < deadline:
            time.sleep(0.02)
        (tmp_path / "glossary.tsv").write_text("de\ten\n", encoding="utf-8")
        while len(rebuilds) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert rebuilds == [[releases / "meldung.md"], [tmp_path / "glossary.tsv"]]
