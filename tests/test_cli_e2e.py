"""End to end through the real ``pressroom`` command, as a press officer runs it.

Every command runs as a child process in its own working folder (a copy of the repository's
sample releases) with HOME and the XDG folders inside the test's temporary folder. Commands
that must work offline run under an audit hook that ends the process as soon as anything
creates a socket or looks up a host name, loopback included: that proves a build, a demo
build and the model checks never touch the network. Only ``models install PAIR`` may.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
import feedparser
import pytest
from blocks import OL, H, L, P, Q, body, kind_of
from indexserver import closed_port_url, serve_index

from pressroom.config import Settings
from pressroom.demo.synthetic import build_package
from pressroom.document.model import Block, Dateline, Figure, Heading, ListItem, Release, Table
from pressroom.packages import list_packages
from pressroom.readers import find_releases, read_release
from pressroom.writers.labels import DEMO_BANNER, DEMO_ORIGINAL_BANNER, DEMO_PREFIX, label

RELEASES = Path(__file__).parents[1] / "releases"
LANGUAGES = ("de", "en", "ko")
SOCKET_BANNED = 97
# Runs `python -m pressroom ARGS` after installing a hook that kills the process, with a
# message on stderr, when anything creates a socket or resolves a name.
OFFLINE_MAIN = f"""
import os, sys
def _no_network(event, args):
    if event in ("socket.__new__", "socket.getaddrinfo", "socket.gethostbyname"):
        sys.stderr.write("NETWORK USED: " + event + "\\n")
        sys.stderr.flush()
        os._exit({SOCKET_BANNED})
sys.addaudithook(_no_network)
import runpy
runpy.run_module("pressroom", run_name="__main__", alter_sys=True)
"""


@cache
def samples() -> list[Release]:
    """The repository's sample releases as the readers see them: the expected structure."""
    releases = [read_release(path, Settings()) for path in find_releases(RELEASES)]
    assert len(releases) == 4
    kinds = {kind_of(b) for release in releases for b in body(release)}
    assert kinds == {H, P, Q, L, OL, Dateline.kind, Table.kind, Figure.kind}
    return releases


@dataclass
class Site:
    """A press office's working folder with its own HOME, and the command run inside it."""

    root: Path
    env: dict[str, str]

    @property
    def models(self) -> Path:
        return self.root / "models"

    def launch(self, *args: str | Path, network: bool) -> subprocess.CompletedProcess[str]:
        """``pressroom ARGS``; without ``network`` the process dies if it opens any socket."""
        launcher = ["-m", "pressroom"] if network else ["-c", OFFLINE_MAIN]
        return subprocess.run(
            [sys.executable, *launcher, *map(str, args)],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    def run(self, *args: str | Path, network: bool = False) -> subprocess.CompletedProcess[str]:
        """``pressroom ARGS``, failing the test if an offline command opened a socket."""
        result = self.launch(*args, network=network)
        assert result.returncode != SOCKET_BANNED, result.stderr
        return result


def make_site(root: Path, **env: str) -> Site:
    """A fresh working folder with the sample releases, HOME and XDG folders inside it."""
    shutil.copytree(RELEASES, root / "releases")
    home = root / "home"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PRESSROOM_MODELS_DIR", "ARGOS_PACKAGE_INDEX", "PRESSROOM_DEBUG")
        and not key.startswith("XDG_")
    }
    environment.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        COLUMNS="250",  # one message per line, so the assertions see it whole
        no_proxy="127.0.0.1,localhost",
        **env,
    )
    return Site(root, environment)


def plain(result: subprocess.CompletedProcess[str]) -> str:
    """stdout and stderr together, for messages that may go to either."""
    return result.stdout + result.stderr


def assert_plain_failure(result: subprocess.CompletedProcess[str], code: int = 2) -> None:
    assert result.returncode == code, plain(result)
    assert "Traceback" not in plain(result) and "Unexpected error" not in plain(result)


@pytest.fixture(scope="module")
def real_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random-weight packages that are not marked demo, as real downloads would be."""
    out = tmp_path_factory.mktemp("real-packages")
    return {
        pair: build_package(out / f"translate-{pair}.argosmodel", *pair.split("_"), seed=seed, demo=False)
        for seed, pair in enumerate(("de_en", "en_ko"), 1)
    }


@dataclass
class BuiltSite:
    """A site after installing both packages through the CLI and building twice."""

    site: Site
    install: subprocess.CompletedProcess[str]
    listing: subprocess.CompletedProcess[str]
    check: subprocess.CompletedProcess[str]
    first: subprocess.CompletedProcess[str]
    first_ids: dict[str, list[str]]
    second: subprocess.CompletedProcess[str]


def feed_ids(output: Path) -> dict[str, list[str]]:
    """Every entry id (RSS guid, Atom id) of every feed, per feed file."""
    return {
        f"{lang}/{name}": [entry.id for entry in feedparser.parse(output / lang / name).entries]
        for lang in LANGUAGES
        for name in ("rss.xml", "atom.xml")
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, real_packages: dict[str, Path]) -> BuiltSite:
    site = make_site(tmp_path_factory.mktemp("built"))
    models = ("--models-dir", site.models)
    install = site.run("models", "install", real_packages["de_en"], real_packages["en_ko"], *models)
    listing = site.run("models", "list", *models)
    check = site.run("models", "check", *models)
    first = site.run("build", *models)
    first_ids = feed_ids(site.root / "output")
    # A file gone from the output folder: the second build runs in full (from the memory)
    # instead of being skipped as unchanged (pressroom.build.incremental).
    (site.root / "output" / "index.html").unlink()
    second = site.run("build", *models)
    return BuiltSite(site, install, listing, check, first, first_ids, second)


# --- 1. models install / list / check -----------------------------------------------------------


def test_models_install_list_and_check(built: BuiltSite) -> None:
    assert built.install.returncode == 0, plain(built.install)
    assert built.install.stdout.count("✓ installed") == 2
    installed, problems = list_packages(built.site.models)
    assert sorted((p.from_code, p.to_code, p.demo) for p in installed) == [("de", "en", False), ("en", "ko", False)]
    assert problems == []
    assert built.listing.returncode == 0, plain(built.listing)
    for pair in ("de→en", "en→ko"):
        assert pair in built.listing.stdout
    assert "DEMO" not in built.listing.stdout
    assert built.check.returncode == 0, plain(built.check)


def test_with_a_models_dir_nothing_is_written_outside_the_working_folder(built: BuiltSite) -> None:
    """Not even the Argos settings folders under HOME: only models/ and output/ appear."""
    assert sorted(p.name for p in built.site.root.iterdir()) == ["models", "output", "releases"]


def test_the_offline_guard_catches_a_command_that_uses_the_network(tmp_path: Path) -> None:
    """The proof behind every offline command here: opening a socket ends the process."""
    site = make_site(tmp_path, ARGOS_PACKAGE_INDEX=closed_port_url().removesuffix("index.json"))
    result = site.launch("models", "install", "de:en", "--models-dir", site.models, network=False)
    assert result.returncode == SOCKET_BANNED
    assert "NETWORK USED: socket." in result.stderr


# --- 2. build: every output, twice ----------------------------------------------------------------

STYLE_OF = {H: "Heading 2", P: "Normal", Q: "Quote", L: "List Bullet", OL: "List Number", Dateline.kind: "Normal"}


def styles_of(block: Block) -> list[str]:
    """The paragraph styles a body block becomes in a DOCX edition (a table's cells are not
    body paragraphs; a picture is one paragraph and its caption another)."""
    if isinstance(block, Table):
        return []
    if isinstance(block, Figure):
        return ["Normal", "Caption"]
    if isinstance(block, Heading):
        return [f"Heading {max(block.level, 2)}"]
    if isinstance(block, ListItem) and block.level > 1:
        return [f"{STYLE_OF[kind_of(block)]} {block.level}"]
    return [STYLE_OF[kind_of(block)]]


def split_styles(document: docx.document.Document, lang: str, blocks: int) -> tuple[list[str], list[str]]:
    """Paragraph styles before the body (banner, notice, title, date, summary), and of the body:
    the last ``blocks`` paragraphs before the press contact."""
    styles = [p.style.name for p in document.paragraphs]
    end = len(styles)
    if end >= 2 and document.paragraphs[-2].text == label(lang, "contact"):
        end -= 2
    return styles[: end - blocks], styles[end - blocks : end]


def check_docx_editions(output: Path, *, demo: bool) -> None:
    """Each release has a DOCX per language with the source's blocks, kind by kind, in order."""
    for release in samples():
        expected = [style for b in body(release) for style in styles_of(b)]
        for lang in LANGUAGES:
            document = docx.Document(str(output / lang / f"{release.slug}.docx"))
            front, styles = split_styles(document, lang, len(expected))
            assert styles == expected, (lang, release.slug)
            assert "Title" in front and not set(front) & set(STYLE_OF.values()) - {"Normal"}, (lang, front)
            banner = any(paragraph.text == DEMO_BANNER for paragraph in document.paragraphs)
            marked = (banner, document.core_properties.title.startswith(DEMO_PREFIX))
            if demo and lang != "de":
                assert marked == (True, True), (lang, release.slug)
            elif not demo:
                assert marked == (False, False), (lang, release.slug)


def check_feeds(output: Path, *, demo: bool) -> None:
    """RSS and Atom per language: well formed, one item per release, the right language."""
    for lang in LANGUAGES:
        for name in ("rss.xml", "atom.xml"):
            feed = feedparser.parse(output / lang / name)
            assert feed.bozo == 0, (lang, name, feed.get("bozo_exception"))
            assert len(feed.entries) == len(samples()), (lang, name)
            assert feed.feed.language == lang, (lang, name)
            titles = [feed.feed.title, *(entry.title for entry in feed.entries)]
            if demo and lang != "de":
                assert all(title.startswith(DEMO_PREFIX) for title in titles), (lang, name)
            elif not demo:
                assert not any(DEMO_PREFIX.strip() in title for title in titles), (lang, name)
            assert len({entry.id for entry in feed.entries}) == len(samples())


def check_pages(output: Path) -> list[str]:
    """A page per release and language whose relative links (DOCX, other pages) all resolve."""
    pages = [output / "index.html"]
    for lang in LANGUAGES:
        pages += [output / lang / "index.html"]
        pages += [output / lang / f"{release.slug}.html" for release in samples()]
    texts = []
    for page in pages:
        texts.append(page.read_text(encoding="utf-8"))
        for href in re.findall(r'href="([^"#:]+)"', texts[-1]):
            assert (page.parent / href).resolve().is_file(), (page, href)
    assert sum(".docx" in href for text in texts for href in re.findall(r'href="([^"]+)"', text)) >= 9
    return texts


def test_build_publishes_every_edition_with_the_source_structure(built: BuiltSite) -> None:
    assert built.first.returncode == 0, plain(built.first)
    output = built.site.root / "output"
    check_docx_editions(output, demo=False)
    check_feeds(output, demo=False)
    pages = check_pages(output)
    assert not any(DEMO_BANNER in page for page in pages)
    assert "all published" in built.first.stdout


def test_second_build_keeps_guids_and_uses_only_the_memory(built: BuiltSite) -> None:
    assert built.second.returncode == 0, plain(built.second)
    assert feed_ids(built.site.root / "output") == built.first_ids
    assert all(len(ids) == len(samples()) for ids in built.first_ids.values())
    for run, translated_first in ((built.first, True), (built.second, False)):
        counts = re.findall(r"(de→en|en→ko): (\d+) sentences? translated, (\d+) from the translation memory", run.stdout)
        assert sorted(pair for pair, _, _ in counts) == ["de→en", "en→ko"], run.stdout
        for _, translated, remembered in counts:
            assert (int(translated) > 0, int(remembered) > 0) == (translated_first, not translated_first)
    assert "no model was loaded" in built.second.stdout
    assert "no model was loaded" not in built.first.stdout


# --- 3. models install PAIR from a package index ------------------------------------------------


def test_install_pair_from_the_package_index(tmp_path: Path, real_packages: dict[str, Path]) -> None:
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(real_packages["de_en"], www / "translate-de_en-1_0.argosmodel")
    entry = {"type": "translate", "code": "translate-de_en", "from_code": "de", "to_code": "en",
             "package_version": "1.0", "links": ["translate-de_en-1_0.argosmodel"]}  # fmt: skip
    with serve_index(www, [entry]) as base:
        site = make_site(tmp_path / "site", ARGOS_PACKAGE_INDEX=base)
        result = site.run("models", "install", "de:en", "--models-dir", site.models, network=True)
    assert result.returncode == 0, plain(result)
    assert "installed" in result.stdout
    installed, _ = list_packages(site.models)
    assert [(p.from_code, p.to_code, p.demo) for p in installed] == [("de", "en", False)]


def test_install_pair_without_a_reachable_index_says_how_to_install_a_file(tmp_path: Path) -> None:
    url = closed_port_url()
    site = make_site(tmp_path, ARGOS_PACKAGE_INDEX=url.removesuffix("index.json"))
    result = site.run("models", "install", "de:en", "--models-dir", site.models, network=True)
    assert_plain_failure(result)
    assert url in result.stderr
    assert "pressroom models install FILE" in result.stderr
    assert list_packages(site.models) == ([], [])


# --- 4. a needed model is missing -----------------------------------------------------------------


def test_build_without_the_korean_leg_names_it_and_writes_nothing(tmp_path: Path, real_packages: dict[str, Path]) -> None:
    site = make_site(tmp_path)
    models = ("--models-dir", site.models)
    assert site.run("models", "install", real_packages["de_en"], *models).returncode == 0
    check = site.run("models", "check", *models)
    assert_plain_failure(check)
    assert "en:ko" in check.stderr
    result = site.run("build", *models)
    assert_plain_failure(result)
    assert "de→ko" in result.stderr
    assert "pressroom models install en:ko" in result.stderr
    assert not list(site.root.glob("output/*/*.docx"))


# --- 5. one bad release among good ones ---------------------------------------------------------


def test_bad_releases_fail_alone(tmp_path: Path, built: BuiltSite) -> None:
    site = make_site(tmp_path)
    releases = site.root / "releases"
    (releases / "kaputt.md").write_text("---\ntitle: [nicht geschlossen\ndate: 2025-08-01\n---\nText.\n", encoding="utf-8")
    (releases / "bild.txt").write_bytes(bytes(range(256)) * 8)
    memory = Path("output") / ".pressroom" / "memory.sqlite"  # saves translating the samples again
    (site.root / memory).parent.mkdir(parents=True)
    shutil.copy(built.site.root / memory, site.root / memory)
    result = site.run("build", "--models-dir", built.site.models)
    assert_plain_failure(result, code=1)
    problems = [line for line in plain(result).splitlines() if "error" in line]
    assert any("kaputt.md" in line and "not valid YAML" in line for line in problems), problems
    assert any("bild.txt" in line and "does not look like a text file" in line for line in problems), problems
    output = site.root / "output"
    check_docx_editions(output, demo=False)
    check_feeds(output, demo=False)
    assert "2 problems" in result.stdout


# --- 6. demo mode -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, subprocess.CompletedProcess[str]]:
    site = make_site(tmp_path_factory.mktemp("demo"))
    return site, site.run("build", "--demo")


def test_demo_build_writes_only_marked_output_to_demo_output(demo_site: tuple[Site, subprocess.CompletedProcess[str]]) -> None:
    site, result = demo_site
    assert result.returncode == 0, plain(result)
    assert "DEMO MODE" in result.stdout
    assert not (site.root / "output").exists()
    output = site.root / "demo-output"
    check_docx_editions(output, demo=True)
    check_feeds(output, demo=True)
    pages = check_pages(output)
    assert sum(DEMO_BANNER in page for page in pages) == 2 * len(samples())  # every en and ko page
    assert sum(DEMO_ORIGINAL_BANNER in page for page in pages) == len(samples())  # the German originals: real, but a demo run
    for path in (output / "de").glob("*.docx"):
        assert DEMO_ORIGINAL_BANNER in "\n".join(p.text for p in docx.Document(path).paragraphs)


def test_demo_packages_are_kept_and_listed_as_demo(demo_site: tuple[Site, subprocess.CompletedProcess[str]]) -> None:
    site, _ = demo_site
    installed, _ = list_packages(site.root / ".pressroom" / "demo-models")
    assert sorted((p.from_code, p.to_code, p.demo) for p in installed) == [("de", "en", True), ("en", "ko", True)]
    listing = site.run("models", "list", "--models-dir", ".pressroom/demo-models")
    assert listing.returncode == 0
    assert listing.stdout.count("DEMO") == 2


# --- 7. demo packages in a normal build ---------------------------------------------------------


def test_normal_build_refuses_demo_packages(tmp_path: Path, demo_site: tuple[Site, subprocess.CompletedProcess[str]]) -> None:
    demo, _ = demo_site
    site = make_site(tmp_path)
    result = site.run("build", "--models-dir", demo.root / ".pressroom" / "demo-models")
    assert_plain_failure(result)
    assert "DEMO placeholders" in result.stderr and "gibberish" in result.stderr
    assert not list(site.root.glob("output/*/*.docx"))
    check = site.run("models", "check", "--models-dir", demo.root / ".pressroom" / "demo-models")
    assert_plain_failure(check)  # placeholders never count as installed models
    assert "de:en en:ko" in check.stderr


# --- 8. usage and configuration errors ----------------------------------------------------------


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = make_site(tmp_path).run("build", "--tranlsate-everything")
    assert_plain_failure(result)
    assert "--tranlsate-everything" in result.stderr


def test_missing_releases_folder_is_named(tmp_path: Path, built: BuiltSite) -> None:
    site = make_site(tmp_path)
    result = site.run("build", "--releases", "pressemitteilungen", "--models-dir", built.site.models)
    assert_plain_failure(result)
    assert "pressemitteilungen does not exist" in result.stderr
    assert not (site.root / "output").exists()


def test_broken_config_file_is_named(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site.root / "pressroom.toml").write_text('languages = ["en", "ko"\n', encoding="utf-8")
    for args in (("build",), ("models", "check", "--models-dir", site.models)):
        result = site.run(*args)
        assert_plain_failure(result)
        assert "pressroom.toml" in result.stderr
    assert not (site.root / "output").exists()


# --- 9. what scripts/quickstart decides on --------------------------------------------------------


def test_quickstart_decisions_offline(tmp_path: Path) -> None:
    """No models and no index: check fails, --needed fails plainly, so quickstart runs the demo."""
    site = make_site(tmp_path, ARGOS_PACKAGE_INDEX=closed_port_url().removesuffix("index.json"))
    check = site.run("models", "check", "--models-dir", site.models)
    assert_plain_failure(check)
    assert "de:en en:ko" in check.stderr
    needed = site.run("models", "install", "--needed", "--models-dir", site.models, network=True)
    assert_plain_failure(needed)
    assert needed.stderr.count("could not reach the Argos package index") == 2
    assert list_packages(site.models) == ([], [])


# --- 8. a newcomer's first hour -----------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    result = make_site(tmp_path).run("--version")
    assert result.returncode == 0, plain(result)
    assert result.stdout.strip() == "pressroom 0.1.0"


def test_build_without_models_points_to_the_demo_and_leaves_nothing_behind(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = site.run("build", "--models-dir", site.models)
    assert_plain_failure(result)
    assert "No translation model installed" in result.stderr
    assert "pressroom build --demo" in result.stderr
    assert not (site.root / "output").exists()  # no output folder, no stale build.lock


def test_build_without_releases_folder_points_to_init(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    shutil.rmtree(site.root / "releases")
    for args in (("build",), ("build", "--demo")):
        result = site.run(*args)
        assert_plain_failure(result)
        assert "pressroom init" in result.stderr, args
    assert not [p.name for p in site.root.iterdir() if p.name != "home"]  # no .pressroom/demo-models, no output


def test_demo_build_says_so_in_json(demo_site: tuple[Site, subprocess.CompletedProcess[str]]) -> None:
    site, _ = demo_site
    summary = json.loads(site.run("build", "--demo", "--json").stdout)
    assert summary["exit_code"] == 0 and summary["demo"] is True


def test_build_help_reads_plainly(tmp_path: Path) -> None:
    text = " ".join(make_site(tmp_path).run("build", "--help").stdout.split())
    assert "<bool>" not in text and not re.search(r"\s\.(\s|$)", text)  # no "Output folder ."
    assert "--demo Use placeholder" in text  # a flag takes no value
    assert "[default: output, or demo-output with --demo]" in text
    assert "[default: from pressroom.toml, else en,ko]" in text


def test_quickstart_without_any_model_falls_back_to_the_demo_without_an_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, PRESSROOM_SKIP_SETUP="1", PRESSROOM=str(Path(sys.executable).parent / "pressroom"))
    shutil.copytree(Path(__file__).parents[1] / "scripts", site.root / "scripts")
    site.env.update(PRESSROOM_MODELS_DIR=str(site.models), ARGOS_PACKAGE_INDEX=closed_port_url())
    result = subprocess.run(
        ["bash", "scripts/quickstart"], cwd=site.root, env=site.env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, plain(result)
    assert "Error" not in plain(result)
    assert "No real translation model is available" in result.stdout
    assert (site.root / "demo-output" / "index.html").is_file() and not (site.root / "output").exists()
