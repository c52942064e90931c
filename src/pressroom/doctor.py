"""``pressroom doctor``: check a working folder and the machine, and say how to fix what is wrong.

Each check gives one line, ✓ or ✗; a ✗ line ends with what to do. The checks only read (the
write check creates and removes one empty temporary file), so doctor is safe to run at any time,
also while a build is running.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pressroom.config import CONFIG_FILE, ConfigError, Settings, load_settings
from pressroom.qa.glossary import GLOSSARY_FILE, GlossaryError, load_glossary
from pressroom.readers import ReaderError, find_releases, read_release
from pressroom.translate.families import load_problems
from pressroom.translate.installed import list_models, size_text
from pressroom.translate.routing import Hop, RouteError, choose_route, describe_route, missing_pairs
from pressroom.writers.readiness import site_warnings

MIN_PYTHON = (3, 11)
MIN_FREE_BYTES = 500 * 1024**2  # a model package is about 100 MB; a build needs far less
_CONFIG_FIX = "correct it; every setting is explained in the README, section 'Configuration reference'"


@dataclass(frozen=True)
class Check:
    """One finding: ``ok`` or not, what was found (naming the file), and the fix for a ✗."""

    ok: bool
    text: str
    fix: str = ""
    warning: bool = False  # worth fixing before publishing, but builds work: doctor still exits 0

    def line(self) -> str:
        """``✓ text``, ``! text → fix`` or ``✗ text → fix``: the line doctor prints."""
        if self.warning:
            return f"! {self.text} → {self.fix}"
        return f"✓ {self.text}" if self.ok else f"✗ {self.text}" + (f" → {self.fix}" if self.fix else "")

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Folders:
    """Where the working folder's parts are (the same defaults as ``pressroom build``)."""

    models: Path
    config: Path | None = None
    releases: Path = Path("releases")
    output: Path = Path("output")
    glossary: Path = Path(GLOSSARY_FILE)
    site: Path = Path(".")  # where imprint.md and privacy.md may be


def run_checks(folders: Folders) -> list[Check]:
    """Every check, in the order a press officer would fix things."""
    checks = [check_python(sys.version_info[:3])]
    settings, config_check = check_config(folders.config)
    checks.append(config_check)
    checks += [Check(True, w.text, w.fix, warning=True) for w in site_warnings(settings, folders.site)]
    checks += check_releases(folders.releases, settings)
    checks += check_glossary(folders.glossary, settings)
    checks += check_models(folders.models, settings)
    checks.append(check_disk(folders.output))
    checks.append(check_output_writable(folders.output))
    checks += check_korean_fonts(settings)
    return checks


def check_python(version: Sequence[int]) -> Check:
    """pressroom needs Python 3.11 (tomllib, typing); an older one cannot run it at all."""
    shown = ".".join(str(part) for part in version)
    needed = ".".join(str(part) for part in MIN_PYTHON)
    if tuple(version[:2]) >= MIN_PYTHON:
        return Check(True, f"Python {shown} (pressroom needs {needed} or newer)")
    return Check(False, f"Python {shown} is too old", f"install Python {needed} or newer, then run 'bash scripts/setup'")


def check_config(path: Path | None) -> tuple[Settings, Check]:
    """The settings file parses; on an error the other checks go on with the defaults."""
    shown = path or Path(CONFIG_FILE)
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        return Settings(), Check(False, f"{exc} (the checks below use the defaults)", _CONFIG_FIX)
    languages = ", ".join(settings.languages)
    if not shown.exists():
        return settings, Check(True, f"no {shown}: the default settings are used (languages {languages})")
    return settings, Check(True, f"{shown} is valid (languages {languages})")


def check_releases(folder: Path, settings: Settings) -> list[Check]:
    """Every release file can be read; each unreadable one is named with its problem."""
    if not folder.is_dir():
        return [
            Check(
                False,
                f"the releases folder {folder}/ does not exist",
                "create it and save the German releases there, or run 'pressroom init'",
            )
        ]
    problems = []
    paths = find_releases(folder)
    for path in paths:
        try:
            read_release(path, settings)
        except ReaderError as exc:
            problems.append(Check(False, str(exc)))
    if problems:
        return problems
    return [Check(True, f"{folder}/: {len(paths)} release file(s), all readable")]


def check_glossary(path: Path, settings: Settings) -> list[Check]:
    """The glossary (and do-not-translate list) read exactly as the build reads them."""
    try:
        glossary = load_glossary(path, settings.source_language)
    except GlossaryError as exc:
        return [Check(False, str(exc), "correct that line; the build stops until the glossary can be read")]
    if not glossary.files:
        return [Check(True, f"no {path} (optional: terms that must always be translated the same way)")]
    names = " and ".join(str(file) for file in glossary.files)
    languages = ", ".join(glossary.languages)
    return [Check(True, f"{names}: {len(glossary.terms)} term(s)" + (f" ({languages})" if languages else ""))]


def check_models(folder: Path, settings: Settings) -> list[Check]:
    """A real model route for every configured language (the one a build takes, named with its
    models, kinds and licences), and no broken model folders."""
    models, broken = list_models(folder)
    real = [m for m in models if not m.demo]
    source = settings.source_language
    checks = []
    for target in settings.languages:
        if target == source:
            continue
        pair = f"{source}→{target}"
        try:
            hops = choose_route(real, source, target, settings.pivot_language, settings.models)
        except RouteError as exc:
            checks.append(Check(False, f"{target}: {exc}"))
            continue
        if hops:
            checks.append(Check(True, f"{target}: {_route_text(hops)}"))
            continue
        needed = missing_pairs(real, source, [target], settings.pivot_language)
        pairs = " ".join(f"{a}:{b}" for a, b in needed)
        checks.append(
            Check(
                False,
                f"no model for {pair} in {folder}",
                f"run 'pressroom models install {pairs}' (needs internet), or copy the .argosmodel "
                "files onto this computer and run 'pressroom models install FILE.argosmodel', or add "
                "a converted model with 'pressroom models add FOLDER'",
            )
        )
    checks += [Check(False, str(problem)) for problem in broken]
    checks += [Check(False, str(problem)) for problem in load_problems()]
    demo = sorted({m.languages_text() for m in models if m.demo})
    if demo:
        checks.append(
            Check(
                False,
                f"DEMO placeholder models in {folder} ({', '.join(demo)}) produce gibberish and are "
                "used only by 'pressroom build --demo'",
                "remove them from this folder; 'pressroom build --demo' keeps its own",
            )
        )
    return checks


def _route_text(hops: list[Hop]) -> str:
    """``de→ko direct, nllb-200-distilled-600M (NLLB-200, 2.4 GB, licence CC-BY-NC-4.0 (non-commercial use only))``."""
    details = [
        f"{hop.model.family.title}, {size_text(hop.model.size)}, licence {hop.model.licence_text()}" for hop in hops
    ]
    if len(hops) > 1:
        details = [f"{hop.model.label}: {detail}" for hop, detail in zip(hops, details)]
    return f"{describe_route(hops)} ({'; '.join(details)})"


def free_bytes(path: Path) -> int:
    """Free space on the disk that holds ``path`` (or the nearest folder above it that exists)."""
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    return shutil.disk_usage(existing).free


def check_disk(output: Path) -> Check:
    """Enough free space for builds and for installing a model package."""
    free = free_bytes(output)
    shown = f"{free / 1024**3:.1f} GB free on the disk of {output}/"
    if free >= MIN_FREE_BYTES:
        return Check(True, shown)
    return Check(
        False,
        f"only {shown}",
        f"free at least {MIN_FREE_BYTES // 1024**2} MB: a model package needs about 100 MB, a build a few MB",
    )


def check_output_writable(output: Path) -> Check:
    """The build can write into the output folder (or create it)."""
    if output.exists() and not output.is_dir():
        return Check(False, f"{output} is a file, not a folder", f"rename or remove the file {output}")
    folder = output if output.is_dir() else output.absolute().parent
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".pressroom-doctor-"):
            pass
    except OSError as exc:
        return Check(
            False,
            f"cannot write to {folder}/: {exc.strerror or exc}",
            "ask your IT to give you write access there, or build elsewhere with --output",
        )
    if output.is_dir():
        return Check(True, f"{output}/ is writable")
    return Check(True, f"{output}/ does not exist yet; the first build creates it")


def office_path() -> str | None:
    """LibreOffice's program, if installed: the one office suite whose fonts doctor can check."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def korean_fonts() -> list[str] | None:
    """Font families with Korean coverage per fontconfig; None when fc-list is not available."""
    if not shutil.which("fc-list"):
        return None
    try:
        done = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return sorted({line.split(",")[0].strip() for line in done.stdout.splitlines() if line.strip()})


def check_korean_fonts(settings: Settings) -> list[Check]:
    """LibreOffice shows Korean DOCX editions as empty boxes without a Korean font (Word brings its own)."""
    if "ko" not in settings.languages or office_path() is None:
        return []
    fonts = korean_fonts()
    install = "install a Korean font, e.g. 'sudo apt-get install fonts-noto-cjk' (Linux)"
    if fonts is None:
        return [Check(False, "LibreOffice is installed, but fc-list is missing, so Korean fonts cannot be checked", install)]
    if not fonts:
        return [Check(False, "LibreOffice is installed, but no font with Korean letters was found", install)]
    return [Check(True, f"Korean font for LibreOffice: {fonts[0]}" + (f" and {len(fonts) - 1} more" if len(fonts) > 1 else ""))]
