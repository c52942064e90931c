"""Where the real corpus lives: ``../shared`` beside the repository, or ``$PRESSROOM_SHARED_DIR``.

Kept in one place so the corpus tests and the conftest hook that skips them agree on the path.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSROOM_SHARED_DIR") or REPO.parent / "shared")
CORPUS = SHARED / "corpus" / "de-press-releases"
RICH_CORPUS = SHARED / "corpus" / "de-rich-releases"
SAMPLES = SHARED / "samples"
SKIP_REASON = "needs ../shared/corpus beside the repository"


def corpus_present() -> bool:
    """True when the corpus folder is there (a dangling symlink counts as absent)."""
    return CORPUS.is_dir()


def shared_required() -> bool:
    """CI sets PRESSROOM_REQUIRE_SHARED=1: there a missing corpus is an error, not a skip."""
    return os.environ.get("PRESSROOM_REQUIRE_SHARED", "") not in ("", "0")
