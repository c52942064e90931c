#!/usr/bin/env bash
# Re-make the README's pictures: docs/page.png (an HTML page) and docs/docx.png (page 1 of a DOCX).
#   bash docs/screenshots.sh
# The editions come from the test suite's deterministic tagging engine (tests/engines.py), which
# "translates" by prefixing each sentence with its language (<en>Satz.), so the pictures show the
# real layout of releases/ without needing a translation model. Needs chromium, LibreOffice
# (libreoffice-writer) and poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/pressroom-shots.XXXXXX)
PYTHONPATH=tests .venv/bin/python - "$WORK" <<'PY'
import sys
from pathlib import Path

from engines import StaticEngines, TaggingEngine

from pressroom.config import load_settings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions

engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
result = build(load_settings(), BuildOptions(Path("releases"), Path(sys.argv[1]) / "output", use_memory=False), engines)
assert result.exit_code == 0, result.failed
PY
SLUG=stuttgart-sejong-absichtserklaerung
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
    --window-size=900,1000 --screenshot="$WORK/page.png" "$WORK/output/en/$SLUG.html" 2>/dev/null
soffice --headless --convert-to pdf --outdir "$WORK" "$WORK/output/en/$SLUG.docx" >/dev/null
pdftoppm -r 60 -f 1 -l 1 -singlefile -png "$WORK/$SLUG.pdf" "$WORK/docx"
cp "$WORK/page.png" "$WORK/docx.png" docs/
ls -l docs/page.png docs/docx.png
