"""The benchmark's inputs: realistic German releases and base-size synthetic model packages.

Releases are the real ones in the shared corpus plus the repository's ``releases/``, cycled
into as many as asked for. Copy 0 of each source is the original; copy ``k`` > 0 is a variant
that a press office could really have sent: dates moved ``k`` weeks back, counts and amounts
changed, weekdays moved on, a headline marked as a follow-up. Those edits change every
sentence that holds a number or a weekday; the others (contact blocks, boilerplate, most
prose) stay as they were, just as a real office repeats itself. ``corpus_stats`` counts how
many distinct sentences the model really has to see, so the report can say it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from pressroom.config import Settings
from pressroom.install import install_file
from pressroom.readers import find_releases, read_release
from pressroom.segment import split_sentences
from pressroom.demo.synthetic import BASE, DEFAULT_TRAINING_TEXT, build_package

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus/de-press-releases")
if not CORPUS.is_dir():  # shared/ beside the checkout, as CI lays it out
    CORPUS = REPO.parent / "shared" / "corpus" / "de-press-releases"

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
FOLLOW_UPS = ("Nachtrag", "Aktualisierung", "Ergänzung", "Folgemeldung", "Korrektur")
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
# A count or amount: not part of a date, a time, a phone number or a year; not a "24. Juli".
_NUMBER = re.compile(r"(?<![\d.,:/(-])([1-9]\d{0,2})(?![\d.,:/]|\.\s*[A-ZÄÖÜ]|\s*Uhr)")
_WEEKDAY = re.compile("|".join(WEEKDAYS))
# Words a press officer could use for one another without changing the grammar around them
# (same part of speech, same inflection pattern): copy k uses alternative k of each.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "rund": ("etwa", "ungefähr", "circa"),
    "bereits": ("schon",),
    "zudem": ("außerdem", "darüber hinaus"),
    "jedoch": ("allerdings",),
    "sowie": ("und",),
    "auch": ("ebenfalls",),
    "sehr": ("besonders", "äußerst"),
    "dabei": ("hierbei",),
    "dazu": ("hierzu",),
    "derzeit": ("zurzeit", "aktuell"),
    "künftig": ("zukünftig", "in Zukunft"),
    "gemeinsam": ("zusammen",),
    "mehr als": ("über",),
    "sagt": ("erklärt", "betont"),
    "sagte": ("erklärte", "betonte"),
    "erhält": ("bekommt",),
    "erhalten": ("bekommen",),
    "startet": ("beginnt",),
    "beginnt": ("startet",),
    "viele": ("zahlreiche",),
    "vielen": ("zahlreichen",),
    "weitere": ("zusätzliche",),
    "weiteren": ("zusätzlichen",),
    "wichtige": ("bedeutende",),
    "wichtigen": ("bedeutenden",),
    "neue": ("moderne",),
    "neuen": ("modernen",),
    "Stadt": ("Kommune",),
    "vor allem": ("insbesondere", "besonders"),
    "unter anderem": ("beispielsweise",),
    "zunächst": ("anfangs", "erst"),
    "letztlich": ("schließlich",),
    "meist": ("meistens",),
    "am besten": ("vorzugsweise",),
    "einen eigenen": ("einen neuen",),
    "Hinweise": ("Angaben",),
    "Stuttgart": ("Karlsruhe", "Mannheim", "Freiburg"),
    "München": ("Nürnberg", "Augsburg"),
    "Berlin": ("Hamburg", "Bremen"),
    "Tübingen": ("Heidelberg", "Konstanz"),
}
_SYNONYM = re.compile(
    r"\b(" + "|".join(
        f"[{w[0]}{w[0].upper()}]{w[1:]}" for w in sorted(SYNONYMS, key=len, reverse=True)
    ) + r")\b"
)
_ORDINAL_DAY = re.compile(r"\b([1-9]|[12]\d|3[01])\.(?=\s*(?:bis\b|[A-ZÄÖÜ][a-zäöü]+\b))")


_PICTURES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def source_releases() -> list[Path]:
    """The real releases every benchmark copy is made from (corpus first, then releases/)."""
    corpus = sorted(CORPUS.glob("[0-9]*.txt"))
    if not corpus:
        raise SystemExit(f"benchmark corpus not found in {CORPUS}")
    return corpus + find_releases(REPO / "releases")


def variant(text: str, k: int) -> str:
    """Copy ``k`` of a release's text: dates k weeks back, numbers and weekdays changed."""
    if k == 0:
        return text

    def moved(year: str, month: str, day: str) -> dt.date | None:
        try:
            return dt.date(int(year), int(month), int(day)) - dt.timedelta(weeks=k)
        except ValueError:
            return None

    def german(match: re.Match[str]) -> str:
        date = moved(match[3], match[2], match[1])
        return f"{date.day:02d}.{date.month:02d}.{date.year}" if date else match[0]

    def iso(match: re.Match[str]) -> str:
        date = moved(match[1], match[2], match[3])
        return date.isoformat() if date else match[0]

    text = _ISO_DATE.sub(iso, _DATE.sub(german, text))
    text = _ORDINAL_DAY.sub(lambda m: f"{(int(m[1]) - 1 + k) % 28 + 1}.", text)  # „24. Juli“
    text = _NUMBER.sub(lambda m: str(int(m.group(1)) + 3 * k), text)
    seen = itertools.count(k)

    def synonym(match: re.Match[str]) -> str:  # copies differ in which words they swap
        word = match[1]
        key = word if word in SYNONYMS else word[0].lower() + word[1:]
        choice = (key, *SYNONYMS[key])[next(seen) % (len(SYNONYMS[key]) + 1)]
        return choice[0].upper() + choice[1:] if word[0].isupper() else choice

    text = _SYNONYM.sub(synonym, text)
    return _WEEKDAY.sub(lambda m: WEEKDAYS[(WEEKDAYS.index(m.group(0)) + k) % 7], text)


def _follow_up(title: str, k: int) -> str:
    return f"{FOLLOW_UPS[(k - 1) % len(FOLLOW_UPS)]} {k}: {title}"


def write_releases(out_dir: Path, count: int) -> list[Path]:
    """Write ``count`` releases into ``out_dir`` (emptied first), cycling over the sources."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        old.unlink()
    sources = source_releases()
    written = []
    for index in range(count):
        source = sources[index % len(sources)]
        k = index // len(sources)
        target = out_dir / f"{index:03d}-{source.stem}{source.suffix}"
        text = source.read_text(encoding="utf-8-sig")
        _copy_pictures(source, text, k, out_dir)
        if source.suffix == ".md":
            post = frontmatter.loads(variant(text, k))
            if k:
                post["title"] = _follow_up(str(post["title"]), k)
                post["slug"] = f"{post.get('slug') or source.stem}-{k}"
            target.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")
            for picture in source.parent.glob("*.png"):  # the pictures it shows, their dates moved as in its text
                if picture.name in text:
                    shutil.copyfile(picture, out_dir / variant(picture.name, k))
        else:
            lines = variant(text, k).split("\n")
            if k:  # the headline is the first line that is not a dateline
                first = next(i for i, line in enumerate(lines) if line.strip() and not _DATE.match(line))
                lines[first] = _follow_up(lines[first], k)
            target.write_text("\n".join(lines), encoding="utf-8")
        written.append(target)
    return written


def _copy_pictures(source: Path, text: str, k: int, out_dir: Path) -> None:
    """The pictures ``text`` names, copied beside copy ``k`` of it under the names that copy
    gives them (a release's pictures lie beside it; a date in a picture's name moves too)."""
    for picture in source.parent.iterdir():
        if picture.suffix.lower() in _PICTURES and picture.name in text:
            shutil.copyfile(picture, out_dir / variant(picture.name, k))


@dataclass
class CorpusStats:
    """How much text a set of releases holds, and how much of it is distinct."""

    releases: int
    sentences: int
    distinct: int
    words: int


def release_texts(paths: list[Path], settings: Settings) -> list[list[str]]:
    """Each release's translatable texts as pressroom reads them (title, summary, blocks), as
    plain strings: what is segmented and sent to the models."""
    return [[text.text for text in read_release(path, settings).translatable_texts()] for path in paths]


def corpus_stats(texts: list[list[str]]) -> CorpusStats:
    sentences = [s for release in texts for text in release for s in split_sentences(text, "de")]
    return CorpusStats(
        releases=len(texts),
        sentences=len(sentences),
        distinct=len(set(sentences)),
        words=sum(len(s.split()) for s in sentences),
    )


def build_models(models_dir: Path, scratch: Path) -> Path:
    """Install base-size (6+6 layers, d_model 512, 32k vocabulary) de→en and en→ko packages.

    Their SentencePiece models are trained on the corpus sentences, so German splits into
    pieces about as finely as the corpus allows (about 2 pieces per word; a real Argos model
    with a 32k vocabulary cuts German into about 1.3-1.5).
    """
    settings = Settings()
    text = [s for r in release_texts(source_releases(), settings) for t in r for s in split_sentences(t, "de")]
    text += DEFAULT_TRAINING_TEXT
    for seed, (source, target) in enumerate((("de", "en"), ("en", "ko")), 1):
        archive = build_package(
            scratch / f"bench-{source}_{target}.argosmodel", source, target,
            shape=BASE, seed=seed, training_text=text,
        )  # fmt: skip
        install_file(archive, models_dir)
        archive.unlink()
    return models_dir
