"""Where the real checkers are: the Nu Html Checker (vnu.jar from npm, run with Java) and
Debian's Chromium with its chromedriver, for the browser tests.

``scripts/setup`` fetches vnu-jar into ``.tools/`` when npm is there; ``.ci/run`` installs
chromium and sets PRESSROOM_REQUIRE_CHECKERS=1, which turns a missing checker from a skip into
an error, as PRESSROOM_REQUIRE_SHARED does for the corpus.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VNU_JAR = Path(os.environ.get("PRESSROOM_VNU_JAR") or REPO / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
REASONS = {
    "vnu": "needs Java and .tools/…/vnu.jar (bash scripts/setup fetches it with npm)",
    "browser": "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
}


def java() -> str | None:
    return shutil.which("java")


def chromium() -> tuple[str, str] | None:
    """(browser, chromedriver) when both are installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def available(kind: str) -> bool:
    if kind == "vnu":
        return bool(java()) and VNU_JAR.is_file()
    return chromium() is not None


def required() -> bool:
    """CI sets PRESSROOM_REQUIRE_CHECKERS=1: there a missing checker is an error, not a skip."""
    return os.environ.get("PRESSROOM_REQUIRE_CHECKERS", "") not in ("", "0")
