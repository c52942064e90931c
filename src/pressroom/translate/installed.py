"""The models folder with every family in it: Argos packages and models added with ``pressroom models add``.

Argos packages are listed by :mod:`pressroom.packages`. A model of another family (a folder a
CTranslate2 converter wrote: Marian/OPUS-MT, M2M100, NLLB-200) is copied into the models folder
beside them by :func:`add_model`, with a ``metadata.json`` of pressroom's own::

    {"type": "pressroom-model", "name": "nllb-200-distilled-600M", "kind": "nllb",
     "coverage": {"sources": {"de": "deu_Latn", …}, "targets": {…}}, "licence": "CC-BY-NC-4.0",
     "size": 623862354, "sha256": "…", "files": {"model.bin": 623…, …}, "added": "2026-…"}

Its ``type`` is not ``translate``, so Argos Translate and :func:`pressroom.packages.list_packages`
pass such a folder by. ``files`` records each file's size when it was added: a copy that lost
or truncated a file is named as damaged instead of being used.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pressroom.atomic import atomic_write_text
from pressroom.limits import MAX_METADATA_BYTES, load_json, read_regular_file
from pressroom.packages import HASH_CACHE_FILE, ModelPackage, PackageError, content_hash, list_packages
from pressroom.translate.families import Coverage, Family, FamilyError, family, recognise

MODEL_TYPE = "pressroom-model"
METADATA = "metadata.json"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_NON_COMMERCIAL = re.compile(r"(^|[-_ ])nc([-_ ]|$)|non-?commercial", re.IGNORECASE)
_ADD_AGAIN = "add it again with 'pressroom models add FOLDER'"
_TEST_SENTENCES = {"de": "Guten Morgen.", "en": "Good morning."}


@dataclass(frozen=True)
class InstalledModel:
    """One model in the models folder, of any family: what it is, what it covers, what it may be used for."""

    path: Path
    name: str
    kind: str
    coverage: Coverage
    version: str = ""
    licence: str = ""
    size: int = 0
    demo: bool = False
    package: ModelPackage | None = field(default=None, compare=False)  # an Argos package's own description

    @property
    def family(self) -> Family:
        return family(self.kind)

    @property
    def label(self) -> str:
        """The name as people see it: ``nllb-200-distilled-600M``, ``translate-de_en 1.0``."""
        return f"{self.name} {self.version}".strip()

    def covers(self, source: str, target: str) -> bool:
        return self.coverage.covers(source, target)

    def identity(self) -> str:
        """Names exactly which model files translate (the translation memory keys on it).

        An Argos package keeps its own identity (``code@version#hash``), so a memory filled
        before this family support existed stays valid; other models are ``name@kind#hash``.
        """
        if self.package is not None:
            return self.package.identity()
        return f"{self.name}@{self.kind}#{content_hash(self.path, _model_files(self.path))[:16]}"

    @property
    def non_commercial(self) -> bool:
        return bool(_NON_COMMERCIAL.search(self.licence))

    def licence_text(self) -> str:
        """``CC-BY-NC-4.0 (non-commercial use only)``, ``MIT``, or ``not stated``."""
        if not self.licence:
            return "not stated"
        return f"{self.licence} (non-commercial use only)" if self.non_commercial else self.licence

    def languages_text(self, wanted: Sequence[str] = ()) -> str:
        """``de→en``; ``en→ko, ja`` for a multi-target model; ``202 languages, any pair (de, en, ko …)``."""
        sources, targets = self.coverage.sources, self.coverage.targets
        if self.coverage.single_pair:
            return f"{next(iter(sources))}→{next(iter(targets))}"
        if sources.keys() == targets.keys():
            shown = [code for code in wanted if code in sources] or sorted(sources)[:3]
            more = " …" if len(sources) > len(shown) else ""
            return f"{len(sources)} languages, any pair ({', '.join(shown)}{more})"
        return f"{', '.join(sorted(sources))}→{', '.join(sorted(targets))}"


def size_text(size: int) -> str:
    """``2.4 GB``, ``94 MB``, ``450 KB``."""
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.0f} MB" if size >= 1024**2 else f"{max(1, round(size / 1024))} KB"


def list_models(models_dir: Path) -> tuple[list[InstalledModel], list[PackageError]]:
    """Every usable model in ``models_dir`` and, separately, the folders that are broken."""
    packages, problems = list_packages(models_dir)
    models = [from_package(package) for package in packages]
    if models_dir.is_dir():
        for entry in sorted(models_dir.iterdir()):
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            metadata = _read_metadata(entry)
            if isinstance(metadata, dict) and metadata.get("type") == MODEL_TYPE:
                try:
                    models.append(_load_added(entry, metadata))
                except PackageError as exc:
                    problems.append(exc)
    return models, problems


def add_model(
    folder: Path, models_dir: Path, *, name: str | None = None, kind: str | None = None, licence: str | None = None
) -> InstalledModel:
    """Copy a converted CTranslate2 model folder into ``models_dir`` and return it.

    The folder is recognised (or taken as ``kind``), its languages read, and it is copied into a
    hidden temporary folder inside ``models_dir`` with its metadata; only after CTranslate2 has
    loaded the copy and translated one sentence is it renamed into place (replacing a model
    added before under the same name). Every problem is a PackageError naming the folder.
    """
    folder = Path(folder)
    chosen = _family_of(folder, kind)
    name = name or folder.name
    if not NAME.fullmatch(name):
        raise PackageError(f"'{name}' cannot be a model name: use letters, digits, '.', '_' and '-' (--name)")
    try:
        coverage = chosen.coverage(folder, name)
    except FamilyError as exc:
        raise PackageError(str(exc)) from None
    target = models_dir / name
    if target.exists() and (_read_metadata(target) or {}).get("type") != MODEL_TYPE:
        raise PackageError(f"{target} already exists and is not a model added with 'models add'; choose another --name")
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".adding-", dir=models_dir))
    except OSError as exc:
        raise PackageError(f"{models_dir}: cannot add models there ({exc})") from None
    try:
        copy = staging / name
        try:
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(METADATA, HASH_CACHE_FILE))
        except (OSError, shutil.Error) as exc:
            raise PackageError(f"{folder}: could not copy it into {models_dir} ({exc})") from None
        files = {path.relative_to(copy).as_posix(): path.stat().st_size for path in _model_files(copy)}
        metadata = {
            "type": MODEL_TYPE,
            "name": name,
            "kind": chosen.kind,
            "coverage": coverage.to_json(),
            "licence": licence or _model_card_licence(folder) or chosen.licence,
            "size": sum(files.values()),
            "sha256": content_hash(copy, _model_files(copy)),
            "files": files,
            "added": datetime.now(UTC).isoformat(timespec="seconds"),
            "pressroom_demo": (_read_metadata(folder) or {}).get("pressroom_demo") is True,
        }
        atomic_write_text(copy / METADATA, json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
        model = _load_added(copy, metadata)
        translate_once(model, folder)
        retired = staging / ".replaced"
        if target.exists():
            os.replace(target, retired)
        try:
            os.replace(copy, target)
        except OSError as exc:
            if retired.exists():
                os.replace(retired, target)
            raise PackageError(f"{folder}: could not move the copy into {target} ({exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return replace(model, path=target)


def _family_of(folder: Path, kind: str | None) -> Family:
    """The family ``folder`` belongs to (``kind`` if given); PackageError saying what it lacks."""
    if not folder.is_dir():
        raise PackageError(f"{folder}: no such folder; name the folder the CTranslate2 converter wrote (it holds model.bin)")
    if (folder / METADATA).is_file() and (folder / "model" / "model.bin").is_file():
        raise PackageError(
            f"{folder}: an Argos Translate package folder; install its .argosmodel file with "
            "'pressroom models install FILE.argosmodel', or copy the folder into the models folder as it is"
        )
    if not (folder / "model.bin").is_file():
        raise PackageError(
            f"{folder}: no model.bin, so it is not a converted CTranslate2 model; convert it first with "
            "ct2-transformers-converter or ct2-opus-mt-converter (README, 'Other models')"
        )
    try:
        return family(kind) if kind else recognise(folder)
    except FamilyError as exc:
        raise PackageError(str(exc)) from None


def translate_once(model: InstalledModel, folder: Path) -> None:
    """Load the copy with CTranslate2 and translate one sentence, so a broken model is refused now."""
    from pressroom.config import TranslationSettings
    from pressroom.translate.base import TranslationError
    from pressroom.translate.ctranslate import make_engine

    sources = model.coverage.sources
    source = "de" if "de" in sources else next(iter(sources))
    target = next(code for code in model.coverage.targets if code != source)
    engine = make_engine(model, source, target, TranslationSettings(threads=1))
    try:
        (output,) = engine.translate_batch([_TEST_SENTENCES.get(source, "1, 2, 3.")])
    except TranslationError as exc:
        raise PackageError(f"{folder}: CTranslate2 cannot translate with it: {exc}") from None
    if not output.text.strip():
        raise PackageError(f"{folder}: the model translated a test sentence ({source}→{target}) to nothing")


def from_package(package: ModelPackage) -> InstalledModel:
    """An Argos package as an installed model of the ``argos`` family."""
    metadata = _read_metadata(package.path) or {}
    licence = metadata.get("license") or metadata.get("licence") or ""
    return InstalledModel(
        path=package.path,
        name=package.code,
        kind="argos",
        coverage=Coverage({package.from_code: ""}, {package.to_code: package.target_prefix}),
        version=package.version,
        licence=licence if isinstance(licence, str) else "",
        size=sum(path.stat().st_size for path in package.path.rglob("*") if path.is_file() and path.name != HASH_CACHE_FILE),
        demo=package.demo,
        package=package,
    )


def _load_added(path: Path, metadata: dict[str, Any]) -> InstalledModel:
    """An added model from its metadata; PackageError naming what is wrong with the folder."""
    try:
        coverage = Coverage.from_json(metadata.get("coverage"))
        files = metadata["files"]
        if not isinstance(files, dict) or not isinstance(metadata.get("name"), str):
            raise ValueError("'name' and 'files' are missing")
        family(str(metadata.get("kind")))
    except FamilyError as exc:
        raise PackageError(f"{path}: {exc} (a plug-in that is no longer installed?)") from None
    except (ValueError, KeyError) as exc:
        raise PackageError(f"{path / METADATA}: {exc}; {_ADD_AGAIN}") from None
    for relative, size in sorted(files.items()):
        try:
            actual = (path / relative).stat().st_size
        except OSError:
            raise PackageError(f"{path}: {relative} is missing; {_ADD_AGAIN}") from None
        if actual != size:
            raise PackageError(f"{path}: {relative} has {actual} bytes, {size} when it was added: the copy is damaged; {_ADD_AGAIN}")
    return InstalledModel(
        path=path,
        name=metadata["name"],
        kind=metadata["kind"],
        coverage=coverage,
        licence=str(metadata.get("licence") or ""),
        size=int(metadata.get("size") or 0),
        demo=metadata.get("pressroom_demo") is True,
    )


def _model_files(folder: Path) -> list[Path]:
    """The files that make up an added model: everything but pressroom's own metadata and hash cache."""
    return sorted(
        path for path in folder.rglob("*") if path.is_file() and path.name not in (METADATA, HASH_CACHE_FILE)
    )


def _read_metadata(folder: Path) -> dict[str, Any] | None:
    try:  # bounded: a 300 MB or deeply nested metadata.json is no model's (pressroom.limits)
        data = load_json(read_regular_file(folder / METADATA, MAX_METADATA_BYTES), METADATA)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _model_card_licence(folder: Path) -> str:
    """``license`` from the front matter of a Hugging Face model card (README.md), if copied along."""
    readme = folder / "README.md"
    if not readme.is_file():
        return ""
    import frontmatter

    try:
        value = frontmatter.load(readme).metadata.get("license")
    except Exception:  # noqa: BLE001 - a model card's YAML may be anything; the licence is then unknown
        return ""
    return value.upper() if isinstance(value, str) else ""
