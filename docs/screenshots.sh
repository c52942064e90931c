#!/usr/bin/env bash
# Re-make the README's pictures: docs/front.png (the front page), docs/page.png (the whole
# release page) and docs/docx.png, docs/docx-2.png (pages 1 and 2 of its DOCX).
#   bash docs/screenshots.sh
# The editions come from the test suite's deterministic tagging engine (tests/engines.py), which
# "translates" by prefixing each sentence with its language (<en>Satz.), so the pictures show the
# real layout of releases/ without needing a translation model. Needs chromium; the DOCX picture
# also LibreOffice (libreoffice-writer) and poppler-utils (skipped without them).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/pressroom-shots.XXXXXX)
PYTHONPATH=tests .venv/bin/python - "$WORK" <<'PY'
import sys
from pathlib import Path

from engines import StaticEngines, TaggingEngine

from pressroom.config import Settings
from pressroom.build.pipeline import build
from pressroom.build.types import BuildOptions

settings = Settings(
    site_url="https://presse.example.org/",
    organisation="Landeshauptstadt Stuttgart – Pressestelle",
    organisation_address="Marktplatz 1\n70173 Stuttgart",
    imprint_url="https://presse.example.org/impressum.html",
    privacy_url="https://presse.example.org/datenschutz.html",
    tags={"Partnerschaft": {"en": "Partnership", "ko": "파트너십"}},
)
engines = StaticEngines(TaggingEngine("de", "en"), TaggingEngine("en", "ko"))
result = build(settings, BuildOptions(Path("releases"), Path(sys.argv[1]) / "output", use_memory=False), engines)
assert result.exit_code == 0, result.failed
PY
SLUG=neckarpark-eroeffnung
FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars --user-data-dir=$WORK/profile"
chromium $FLAGS --window-size=1000,900 --screenshot="$WORK/front.png" "file://$WORK/output/index.html" 2>/dev/null
chromium $FLAGS --window-size=900,2300 --screenshot="$WORK/page.png" "file://$WORK/output/en/$SLUG.html" 2>/dev/null
cp "$WORK/front.png" "$WORK/page.png" docs/
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
    soffice --headless --convert-to pdf --outdir "$WORK" "$WORK/output/en/$SLUG.docx" >/dev/null
    pdftoppm -r 60 -f 1 -l 1 -singlefile -png "$WORK/$SLUG.pdf" "$WORK/docx"
    pdftoppm -r 60 -f 2 -l 2 -singlefile -png "$WORK/$SLUG.pdf" "$WORK/docx-2"
    cp "$WORK/docx.png" "$WORK/docx-2.png" docs/
fi
ls -l docs/*.png
