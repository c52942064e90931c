"""Hostile and unlucky input: every file bounded, the trust boundaries of the file system held,
disguised text made visible, and the good releases beside a bad one always published.

Each test is an attack that got through before (issue 15), run through the real readers and
the real build with the deterministic tagging engines.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from engines import StaticEngines, TaggingEngine
from typer.testing import CliRunner

from pressroom import limits
from pressroom.build.pipeline import build
from pressroom.build.types import STATE_DIR, BuildError, BuildOptions, BuildResult
from pressroom.cli.app import app
from pressroom.config import ConfigError, Settings, load_settings
from pressroom.qa.glossary import load_glossary
from pressroom.readers import ReaderError, read_release
from pressroom.translate.base import Hypothesis

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
GOOD = "---\ntitle: Neue Haltestelle\ndate: 2025-08-04T10:00:00+02:00\n---\nDie Haltestelle wird eröffnet.\n"
GOOD_SLUG = "neue-haltestelle"


def _engines() -> StaticEngines:
    return StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))


def _build(root: Path, **options: object) -> BuildResult:
    values: dict[str, object] = {"releases_dir": root / "releases", "output_dir": root / "output", **options}
    return build(Settings(), BuildOptions(**values), _engines(), now=NOW)  # type: ignore[arg-type]


def _site(tmp_path: Path, name: str, data: bytes) -> Path:
    """releases/ with one good release and ``name`` holding ``data``."""
    (tmp_path / "releases").mkdir(exist_ok=True)
    (tmp_path / "releases" / "gut.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "releases" / name).write_bytes(data)
    return tmp_path


def _failed(result: BuildResult) -> dict[str, str]:
    return {problem.path.name: problem.message for problem in result.failed}


def _good_one_published(tmp_path: Path, result: BuildResult) -> None:
    assert all(GOOD_SLUG in slugs for slugs in result.published.values()), result.published
    assert (tmp_path / "output" / "en" / f"{GOOD_SLUG}.docx").is_file()
    assert GOOD_SLUG in (tmp_path / "output" / "en" / "rss.xml").read_text(encoding="utf-8")


# --- one small file must not exhaust memory or time ------------------------------------------

ALIAS_BOMB = (
    "---\ntitle: Lol\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n---\nText.\n"
)


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        (ALIAS_BOMB, "uses YAML anchors or aliases (& or *), which are not accepted on line 3"),
        ("---\ntitle: x\nt: " + "[" * 3000 + "]" * 3000 + "\n---\nText.\n", "is nested more than 20 levels deep on line 3"),
        ("---\ntitle: &t Titel\nsummary: *t\n---\nText.\n", "anchors or aliases"),
    ],
    ids=["billion-laughs", "deep-nesting", "one-alias"],
)
def test_front_matter_aliases_and_nesting_are_refused_and_the_rest_published(tmp_path: Path, front_matter: str, expected: str) -> None:
    """411 bytes of nested aliases grew to 2.7 GB and ended in MemoryError; nothing was published."""
    assert len(ALIAS_BOMB) < 600
    result = _build(_site(tmp_path, "bombe.md", front_matter.encode()))
    assert expected in _failed(result)["bombe.md"]
    _good_one_published(tmp_path, result)


def _docx_bytes(*paragraphs: str, padding: int = 0) -> bytes:
    document = docx.Document()
    document.add_heading("Titel der Meldung", level=0)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    if not padding:
        return buffer.getvalue()
    padded = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("word/media/padding.bin", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(padding >> 20):
                member.write(block)
    return padded.getvalue()


def test_a_word_file_that_inflates_to_gigabytes_is_refused(tmp_path: Path) -> None:
    """A 4.2 MB .docx that inflated to 4 GiB ended in MemoryError; nothing was published."""
    bomb = _docx_bytes("Text.", padding=limits.MAX_DOCX_INFLATED_BYTES + (8 << 20))
    assert len(bomb) < limits.MAX_DOCX_INFLATED_BYTES // 100
    result = _build(_site(tmp_path, "bombe.docx", bomb))
    assert "the Word file unpacked is too large" in _failed(result)["bombe.docx"]
    _good_one_published(tmp_path, result)


def test_a_word_file_with_more_text_than_a_text_file_may_have_is_refused(tmp_path: Path) -> None:
    """A .docx with 6.5 MB of text was read, although .md and .txt stop at 2 MB."""
    paragraph = "Die Stadt baut eine neue Brücke über den Neckar, und alle freuen sich darauf. " * 40
    big = _docx_bytes(*[paragraph] * (limits.MAX_RELEASE_CHARS // len(paragraph) + 10))
    result = _build(_site(tmp_path, "roman.docx", big))
    assert f"the limit for a press release is {limits.MAX_RELEASE_CHARS:,}" in _failed(result)["roman.docx"]
    _good_one_published(tmp_path, result)


def test_a_release_of_more_segments_than_the_bound_is_refused(tmp_path: Path) -> None:
    lines = "\n".join(f"Zeile {n} ist ein eigener Absatz." for n in range(limits.MAX_RELEASE_SEGMENTS + 1))
    path = tmp_path / "viele.txt"
    path.write_text(f"Titel der Meldung\n\n{lines}\n", encoding="utf-8")
    with pytest.raises(ReaderError, match=rf"paragraphs, headings and list items; the limit for a press release is {limits.MAX_RELEASE_SEGMENTS:,}"):
        read_release(path, Settings())


def test_a_release_file_that_is_a_pipe_is_refused_not_read(tmp_path: Path) -> None:
    path = tmp_path / "fifo.txt"
    os.mkfifo(path)
    with pytest.raises(ReaderError, match="is not a regular file"):
        read_release(path, Settings())


# --- trust boundaries of the file system ----------------------------------------------------


def test_links_out_of_the_releases_folder_are_refused_by_name(tmp_path: Path) -> None:
    """A link in releases/ to /etc/passwd was read and published in every language."""
    site = _site(tmp_path, "ok.md", GOOD.replace("Neue Haltestelle", "Zweite Meldung").encode())
    secret = tmp_path / "geheim.txt"
    secret.write_text("Geheim\n\nDas Passwort ist Frühling2025.\n", encoding="utf-8")
    (site / "releases" / "passwd.txt").symlink_to("/etc/passwd")
    (site / "releases" / "geheim.txt").symlink_to(secret)
    (site / "releases" / "weg.md").symlink_to(tmp_path / "gibt-es-nicht.md")
    (site / "releases" / "innen.md").symlink_to(site / "releases" / "ok.md")
    (site / "releases" / "ordner").symlink_to(tmp_path, target_is_directory=True)
    result = _build(site)
    failed = _failed(result)
    assert "outside the releases folder" in failed["passwd.txt"] and "/etc/passwd" in failed["passwd.txt"]
    assert "outside the releases folder" in failed["geheim.txt"]
    assert "outside the releases folder" in failed["weg.md"]
    assert "innen.md" not in failed and "innen.md already has" in failed["ok.md"]  # a link inside is read
    _good_one_published(tmp_path, result)
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "output").rglob("*") if p.suffix in (".html", ".xml"))
    assert "Frühling2025" not in pages and "root:" not in pages
    assert not [slug for slugs in result.published.values() for slug in slugs if "geheim" in slug or "passwd" in slug]


@pytest.mark.parametrize("where", ["root", "home", "working", "releases", "inside-releases", "around-releases"])
def test_an_output_folder_that_holds_other_things_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """--output / wrote into /; --output releases read its own DOCX back as releases (1, 3, 5 files)."""
    work = tmp_path / "work"
    (work / "releases").mkdir(parents=True)
    (work / "releases" / "gut.md").write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(work)
    output = {
        "root": Path("/"), "home": tmp_path / "home", "working": Path("."), "releases": Path("releases"),
        "inside-releases": Path("releases/output"), "around-releases": tmp_path,
    }[where]  # fmt: skip
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(BuildError, match=r"^The output folder .*; choose a folder of its own .*Nothing was written\.$"):
        build(Settings(), BuildOptions(releases_dir=Path("releases"), output_dir=output), _engines(), now=NOW)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_a_read_only_output_gets_a_plain_message(tmp_path: Path, models_dir: Path) -> None:
    """A read-only output folder gave 'Unexpected error: OSError … build.lock' and the bug notice."""
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "gut.md").write_text(GOOD, encoding="utf-8")
    state = tmp_path / "output" / STATE_DIR
    (state / "build.lock").mkdir(parents=True)  # the lock cannot be created, as on a read-only disk
    args = ["build", "--demo", "--models-dir", str(models_dir), "--releases", str(tmp_path / "releases"), "--output", str(tmp_path / "output")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    assert "Error: Cannot write to" in result.output and "Unexpected error" not in result.output
    if os.geteuid() != 0:  # root ignores permissions; elsewhere try the real thing too
        (state / "build.lock").rmdir()
        state.chmod(0o555)
        try:
            result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
        finally:
            state.chmod(0o755)
        assert result.exit_code == 2 and "Permission denied" in result.output and "Unexpected error" not in result.output


# --- slugs the site itself uses -------------------------------------------------------------


def test_a_slug_the_site_uses_itself_is_a_plain_error_and_the_rest_publish(tmp_path: Path) -> None:
    """'slug: index' ended in 'Unexpected error: ValueError'; the good release was not published."""
    site = _site(tmp_path, "index.md", b"---\ntitle: Startseite\nslug: index\ndate: 2025-08-01\n---\nText.\n")
    (site / "releases" / "tags.md").write_text("---\ntitle: Tags\ndate: 2025-08-02\n---\nText.\n", encoding="utf-8")
    result = _build(site)
    assert "'slug: index' is the name of a page the site writes itself" in _failed(result)["index.md"]
    assert "tags-release" in result.published["en"]  # a title that makes such a slug gets a suffix
    _good_one_published(tmp_path, result)
    assert "Startseite" not in (tmp_path / "output" / "en" / "index.html").read_text(encoding="utf-8")


# --- text that reaches readers disguised ----------------------------------------------------


def test_direction_controls_are_removed_reported_and_in_the_qa_report(tmp_path: Path) -> None:
    """Bidi controls stayed in titles in 26 pages, feeds, indexes and DOCX files: a title could
    show "…pdf.exe" that reads "…exe.fdp". The QA report carried raw C0 controls and U+FFFF."""
    title = "Anhang Rechnung\u202eexe.fdp"
    site = _site(tmp_path, "trick.md", f"---\ntitle: {title}\ndate: 2025-08-03\n---\nText \u2066mit\u2069 Steuerzeichen.\n".encode())
    result = _build(site)
    notes = {problem.path.name: problem.message for problem in result.warnings}
    assert "removed 3 text direction controls" in notes["trick.md"]
    written = [p for p in (tmp_path / "output").rglob("*") if p.is_file() and STATE_DIR not in p.parts]
    for path in written:
        data = path.read_bytes()
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        text = data.decode("utf-8", "replace")
        assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), path
    report = json.loads((tmp_path / "output" / "qa-report.json").read_text(encoding="utf-8"))
    codes = {(f["release"], f["lang"], f["code"]) for f in report["findings"]}
    assert {("anhang-rechnungexe-fdp", "en", "direction-controls"), ("anhang-rechnungexe-fdp", "ko", "direction-controls")} <= codes


class _ControlEngine(TaggingEngine):
    """An engine whose output carries controls and non-characters, as a broken model's may."""

    def translate_batch(self, sentences):  # type: ignore[no-untyped-def]
        return [Hypothesis(f"\x01\uffff\u202e{h.text}\x1b\ufdd0") for h in super().translate_batch(sentences)]


def test_the_qa_report_never_carries_controls(tmp_path: Path) -> None:
    site = _site(tmp_path, "steuer.md", b"---\ntitle: Steuer\ndate: 2025-08-03\n---\nText\x01 mit \xef\xbf\xbf Zeichen.\n")
    engines = StaticEngines(_ControlEngine("de", "en"), _ControlEngine("en", "ko"))
    result = build(Settings(), BuildOptions(releases_dir=site / "releases", output_dir=site / "output"), engines, now=NOW)
    assert result.exit_code == 0
    for name in ("qa-report.html", "qa-report.json"):
        text = (site / "output" / name).read_text(encoding="utf-8")
        assert not [ch for ch in text if (ord(ch) < 0x20 and ch not in "\n\t") or ch in "\ufffe\uffff\ufdd0\u202e"], name


def test_glossary_terms_are_cleaned_too(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("de\ten\tko\tnote\nOber\u202ebürgermeister\tLord\x07 Mayor\t시장\t\n", encoding="utf-8")
    (term,) = load_glossary(path).terms
    assert (term.source, term.targets["en"]) == ("Oberbürgermeister", "Lord Mayor")


# --- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[translation]\nbeam_size = 1000000000", "line 2: 'beam_size' must be from 1 to 16 (found 1000000000)"),
        ("[translation]\nthreads = 100000", "line 2: 'threads' must be from 0 to the number of CPU cores × 4 (found 100000)"),
        ("[translation]\nlength_ratio = inf", "line 2: 'length_ratio' must be a number greater than 0 and at most 10 (found inf)"),
        ("[translation]\nlength_ratio = -1", "line 2: 'length_ratio' must be a number greater than 0 and at most 10 (found -1.0)"),
        ("[translation]\nmax_batch_tokens = 0", "line 2: 'max_batch_tokens' must be from 64 to 131,072 (found 0)"),
        ("[translation]\nmax_input_tokens = 100000", "line 2: 'max_input_tokens' must be from 16 to 1,024 (found 100000)"),
        ("max_feed_items = -5", "line 1: 'max_feed_items' must be from 1 to 10,000 (found -5)"),
        ('site_url = "javascript:alert(document.domain)//"', "line 1: 'site_url' must be an absolute http:// or https:// address"),
        ('site_url = ""', "line 1: 'site_url' must be an absolute http:// or https:// address"),
        ('languages = ["en", "../../etc"]', "line 1: 'languages' must be a list of language codes"),
        ('organisation = "Stadt\\u202e"', "line 1: 'organisation' must be text without control characters"),
    ],
)
def test_settings_out_of_range_are_named_with_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    """beam_size = 10**9 was blamed on 'a damaged model package'; length_ratio = inf gave OverflowError."""
    path = tmp_path / "pressroom.toml"
    path.write_text(f"{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}, {message}")


def test_a_bad_setting_stops_the_cli_with_a_plain_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "releases").mkdir()
    (tmp_path / "pressroom.toml").write_text("[translation]\nbeam_size = 1000000000\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--demo"], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "pressroom.toml, line 2: 'beam_size' must be from 1 to 16" in result.output
