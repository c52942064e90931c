"""Shared fixtures about model packages: tiny synthetic Argos packages, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.packages import install_file
from pressroom.synthetic import build_package


@pytest.fixture(scope="session")
def synthetic_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny random-weight ``.argosmodel`` files: ``"de_en"`` and ``"en_ko"`` (demo packages)."""
    out = tmp_path_factory.mktemp("synthetic-packages")
    return {
        "de_en": build_package(out / "translate-de_en.argosmodel", "de", "en", seed=1),
        "en_ko": build_package(out / "translate-en_ko.argosmodel", "en", "ko", seed=2),
    }


@pytest.fixture
def models_dir(tmp_path: Path, synthetic_packages: dict[str, Path]) -> Path:
    """A fresh models directory with both synthetic packages installed."""
    directory = tmp_path / "models"
    for archive in synthetic_packages.values():
        install_file(archive, directory)
    return directory
