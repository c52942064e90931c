"""How large the Pagefind search index is, and how long the website takes, for the benchmark's
100 releases in three languages (BENCHMARKS.md, "Issue 16").

The pages are written from the releases as the readers read them; each translation is stood in
for by its original's text (same words and length, no model needed), so the figures are those of
3 × 100 release pages of real press-release German. Run: .venv/bin/python benchmarks/search_index.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import write_releases  # noqa: E402

from pressroom.config import Settings  # noqa: E402
from pressroom.document.model import Edition  # noqa: E402
from pressroom.readers import read_release  # noqa: E402
from pressroom.writers.site import publish_site  # noqa: E402


def main(count: int = 100) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        settings = Settings(site_url="https://presse.example.org/")
        releases = [read_release(path, settings) for path in write_releases(work / "releases", count)]
        for release in releases:
            release.lang = release.lang or "de"  # what the build's language detection says
        by_lang = {"de": [Edition.original(r) for r in releases]}
        for lang in ("en", "ko"):
            by_lang[lang] = [Edition.from_texts(r, lang, r.translatable_texts()) for r in releases]
        sizes = {lang: {e.slug: 1000 for e in editions} for lang, editions in by_lang.items()}
        started = time.perf_counter()
        index = publish_site(by_lang, work / "output", settings, docx_sizes=sizes)
        site_seconds = time.perf_counter() - started
        assert index is not None  # a first build indexes every shard
        files = [p for p in (work / "output" / "pagefind").rglob("*") if p.is_file()]
        pages = [p for p in (work / "output").rglob("*.html")]
        page_bytes = sum(p.stat().st_size for p in pages)
        fragments = [p for p in files if "fragment" in p.parts]
        program = sum(p.stat().st_size for p in files if p.name.startswith(("pagefind", "wasm.")))  # UI, JS, WebAssembly
        print(f"releases: {count}, editions: {sum(len(e) for e in by_lang.values())}, pages indexed: {index.pages}")
        print(f"search index: {index.size / 1024:.0f} KiB in {len(files)} files "
              f"({len(fragments)} result fragments), of which {program / 1024:.0f} KiB Pagefind's own program "
              f"(the same for any site) and {(index.size - program) / 1024:.0f} KiB index data; HTML pages: {len(pages)} files, {page_bytes / 1024:.0f} KiB")
        shards = len(list((work / "output" / "pagefind").iterdir()))
        print(f"whole website (pages, feeds, sitemap, index in {shards} monthly shards): {site_seconds:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
