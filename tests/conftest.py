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

import checkers
from shared_dir import SHARED, SKIP_REASON, corpus_present, shared_required

from pressroom.install import install_file
from pressroom.demo.synthetic import build_package


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``corpus`` tests without ../shared, so a fresh clone passes; CI fails them instead.
    The same for the ``vnu`` and ``browser`` tests without their checkers."""
    for kind in checkers.REASONS:
        wanting = [item for item in items if item.get_closest_marker(kind)]
        if wanting and not checkers.available(kind):
            if checkers.required():
                raise pytest.UsageError(f"PRESSROOM_REQUIRE_CHECKERS is set but the {kind} tests cannot run: {checkers.REASONS[kind]}")
            for item in wanting:
                item.add_marker(pytest.mark.skip(reason=checkers.REASONS[kind]))
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
    session.config.stash[_CHECKER_COUNTS] = {
        kind: sum(1 for item in session.items if item.get_closest_marker(kind)) for kind in checkers.REASONS
    }


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say plainly how many corpus tests ran or were not run, so a skip is never silent."""
    for kind, number in config.stash.get(_CHECKER_COUNTS, {}).items():
        if number and checkers.available(kind):
            terminalreporter.write_line(f"{kind}: {number} tests ran with the real checker")
        elif number:
            terminalreporter.write_line(f"{kind}: {number} tests not run: {checkers.REASONS[kind]}")
    count = config.stash.get(_CORPUS_COUNT, 0)
    if not count:
        return
    if corpus_present():
        terminalreporter.write_line(f"corpus: {count} tests ran over {SHARED}")
    else:
        terminalreporter.write_line(f"corpus: {count} tests not run: ../shared/corpus is not beside the repository")


_CORPUS_COUNT = pytest.StashKey[int]()
_CHECKER_COUNTS = pytest.StashKey[dict[str, int]]()


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


@pytest.fixture(scope="session")
def converted_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random-weight folders shaped as CTranslate2's converters leave them, one per family
    and variant (see ``pressroom.demo.converted``); copy one before changing it."""
    from pressroom.demo.converted import build_model_folder

    out = tmp_path_factory.mktemp("converted-models")
    variants = {
        "nllb": ("nllb", ("de", "en", "ko"), {}),
        "nllb-legacy": ("nllb", ("de", "en", "ko"), {"legacy": True}),
        "m2m100": ("m2m100", ("de", "en", "ko"), {}),
        "opus-mt-de-en": ("marian", ("de", "en"), {}),
        "opus-mt-en-mul": ("marian", ("en", "ko", "ja"), {}),
        "opus-mt-de-en-native": ("marian", ("de", "en"), {"opus_mt_converter": True}),
    }
    return {
        name: build_model_folder(out / name, kind, languages, seed=index, **options)
        for index, (name, (kind, languages, options)) in enumerate(variants.items())
    }
