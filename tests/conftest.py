"""Suite-wide set-up: the network guard, and tiny synthetic Argos packages built once per session."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

# Block the network for this process and, through PYTHONPATH, for every Python child process
# (the CLI tests run `pressroom` as a subprocess). Loopback stays open for the index tests.
_GUARD_DIR = Path(__file__).parent / "netguard"
os.environ["PRESSROOM_BLOCK_NETWORK"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_GUARD_DIR), os.environ.get("PYTHONPATH")]))
_spec = importlib.util.spec_from_file_location("pressroom_netguard", _GUARD_DIR / "sitecustomize.py")
assert _spec and _spec.loader
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)
_guard.install()

from shared_dir import SHARED, SKIP_REASON, corpus_present, shared_required

from pressroom.install import install_file
from pressroom.demo.synthetic import build_package


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``corpus`` tests without ../shared, so a fresh clone passes; CI fails them instead."""
    corpus_items = [item for item in items if item.get_closest_marker("corpus")]
    if corpus_present() or not corpus_items:
        return
    if shared_required():
        raise pytest.UsageError(f"PRESSROOM_REQUIRE_SHARED is set but {SHARED} has no corpus/ ({SKIP_REASON})")
    for item in corpus_items:
        item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Count the corpus tests left after deselection (-k, -m), for the summary line."""
    session.config.stash[_CORPUS_COUNT] = sum(1 for item in session.items if item.get_closest_marker("corpus"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say plainly how many corpus tests ran or were not run, so a skip is never silent."""
    count = config.stash.get(_CORPUS_COUNT, 0)
    if not count:
        return
    if corpus_present():
        terminalreporter.write_line(f"corpus: {count} tests ran over {SHARED}")
    else:
        terminalreporter.write_line(f"corpus: {count} tests not run: ../shared/corpus is not beside the repository")


_CORPUS_COUNT = pytest.StashKey[int]()


@pytest.fixture(scope="session")
def synthetic_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random-weight ``.argosmodel`` files: ``"de_en"`` and ``"en_ko"`` (demo packages)."""
    out = tmp_path_factory.mktemp("synthetic-packages")
    return {
        "de_en": build_package(out / "translate-de_en.argosmodel", "de", "en", seed=1),
        "en_ko": build_package(out / "translate-en_ko.argosmodel", "en", "ko", seed=2),
    }


@pytest.fixture
def models_dir(tmp_path: Path, synthetic_packages: dict[str, Path]) -> Path:
    """A fresh models directory with both synthetic packages installed."""
    directory = tmp_path / "models"
    for archive in synthetic_packages.values():
        install_file(archive, directory)
    return directory
