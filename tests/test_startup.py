"""Start-up stays light: commands that translate nothing must not load the heavy libraries.

Each command runs in a fresh interpreter, because this test process has imported everything
already; the modules loaded are read from ``sys.modules`` when the CLI exits. The heavy
libraries of a full Argos install (torch, stanza, spacy) are not in the lean test venv, so the
interpreter gets importable stand-ins for them: anything that tries to import one (as
``ctranslate2.specs`` tries torch) loads the stand-in and shows in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pressroom.demo.synthetic import build_package
from pressroom.install import install_file

# Never loaded by --help, models list or a build with nothing changed.
HEAVY = ("torch", "ctranslate2.specs", "stanza", "spacy")
# Not loaded by --help either: the libraries of reading, translating, checking and writing.
BUILD_LIBRARIES = ("ctranslate2", "sentencepiece", "docx", "langdetect", "translate", "jinja2", "pagefind_bin")

_WRAPPER = """
import json, sys
from pressroom.cli.app import app
sys.argv = ["pressroom", *sys.argv[1:]]
try:
    app()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with importable stand-ins for torch, stanza and spacy."""
    folder = tmp_path_factory.mktemp("stand-ins")
    for name in ("torch", "stanza", "spacy"):
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(f'"""Stand-in: importing {name} is what the test looks for."""\n')
    return folder


def _modules_loaded(stand_ins: Path, *args: str, cwd: Path | None = None) -> set[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(stand_ins), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd)
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


def test_the_stand_ins_are_found(stand_ins: Path) -> None:
    """The check below can fail: loading ctranslate2.specs does import the torch stand-in."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(stand_ins), os.environ.get("PYTHONPATH", "")])}
    code = "import sys, ctranslate2.specs; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip() == "True"


def test_help_loads_nothing_of_the_build(stand_ins: Path) -> None:
    loaded = _modules_loaded(stand_ins, "--help")
    assert [name for name in HEAVY + BUILD_LIBRARIES if name in loaded] == []


def test_models_list_skips_heavy_libraries(stand_ins: Path, tmp_path: Path) -> None:
    loaded = _modules_loaded(stand_ins, "models", "list", "--models-dir", str(tmp_path))
    assert [name for name in HEAVY + ("jinja2", "pagefind_bin") if name in loaded] == []


def test_a_build_with_nothing_changed_skips_the_libraries_of_building(stand_ins: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    for seed, (source, target) in enumerate((("de", "en"), ("en", "ko")), 1):
        archive = build_package(tmp_path / f"{source}_{target}.argosmodel", source, target, seed=seed, demo=False)
        install_file(archive, models)
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(
        "---\ntitle: Neue Haltestelle\ndate: 2025-08-04\n---\nDie Haltestelle wird eröffnet.\n", encoding="utf-8"
    )
    command = ["build", "--models-dir", str(models)]
    first = _modules_loaded(stand_ins, *command, cwd=tmp_path)
    assert {"ctranslate2", "docx", "langdetect"} <= first  # the first build does build
    again = _modules_loaded(stand_ins, *command, cwd=tmp_path)
    assert [name for name in HEAVY + ("ctranslate2", "sentencepiece", "docx", "langdetect", "jinja2", "pagefind_bin") if name in again] == []


def test_a_demo_build_with_its_packages_in_place_does_not_load_torch(stand_ins: Path, tmp_path: Path, models_dir: Path) -> None:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(
        "---\ntitle: Neue Haltestelle\ndate: 2025-08-04\n---\nDie Haltestelle wird eröffnet.\n", encoding="utf-8"
    )
    command = ["build", "--demo", "--models-dir", str(models_dir)]
    assert "ctranslate2" in _modules_loaded(stand_ins, *command, cwd=tmp_path)  # the first one translates
    again = _modules_loaded(stand_ins, *command, cwd=tmp_path)
    assert [name for name in HEAVY + ("ctranslate2", "docx") if name in again] == []
