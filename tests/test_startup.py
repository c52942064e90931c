"""Start-up stays light: commands that translate nothing must not load the heavy libraries.

Each command runs in a fresh interpreter, because this test process has imported everything
already; the modules loaded are read from ``sys.modules`` when the CLI exits.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "ctranslate2.specs", "stanza", "spacy")
PAGES_ONLY = ("jinja2", "pagefind_bin")  # loaded when a build writes pages, not at start-up

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


def _modules_loaded(*args: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, timeout=120)
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["models", "list", "--models-dir", "{tmp}"]])
def test_light_commands_skip_heavy_libraries(args: list[str], tmp_path: Path) -> None:
    loaded = _modules_loaded(*(a.format(tmp=tmp_path) for a in args))
    assert not [name for name in HEAVY if name in loaded]
    assert not [name for name in PAGES_ONLY if name in loaded]
