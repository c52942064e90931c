"""Korean without the English step: a multilingual model (NLLB-200 shape) translates de→ko directly,
chosen by default over the pivot route or by ``[models]`` in the settings; the memory keys on the
model, so switching Korean's model retranslates Korean only. Real CTranslate2 on tiny synthetic
models (an Argos de→en and en→ko pair, and an NLLB-shaped folder added with ``models add``)."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import ctranslate2
import pytest
from typer.testing import CliRunner

from pressroom.build.pipeline import build
from pressroom.build.types import BuildError, BuildOptions, BuildResult
from pressroom.cli.app import app
from pressroom.config import Settings
from pressroom.install import install_file
from pressroom.translate import ctranslate
from pressroom.translate.installed import add_model
from pressroom.translate.routing import ModelEngines

NOW = datetime(2025, 9, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
RELEASE = (
    "---\ntitle: Neue Haltestelle am Rathaus\ndate: 2025-08-04\n---\n"
    "Die Haltestelle wird am Montag eröffnet. Die Bahnen fahren ab fünf Uhr morgens.\n"
)


class Recorder:
    """The real ctranslate2.Translator, recording what each model folder was sent."""

    sent: dict[str, list[list[str]]] = {}

    def __init__(self, model_path: str, **kwargs: Any) -> None:
        self.inner = ctranslate2.Translator(model_path, **kwargs)
        folder = Path(model_path)
        folder = folder.parent if folder.name == "model" else folder  # an Argos package's model/
        self.inputs = Recorder.sent.setdefault(folder.name, [])

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        self.inputs.extend(tokens)
        return self.inner.translate_batch(tokens, **kwargs)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> type[Recorder]:
    Recorder.sent = {}
    monkeypatch.setattr(ctranslate, "Translator", Recorder)
    return Recorder


@pytest.fixture
def site(tmp_path: Path, synthetic_packages: dict[str, Path]) -> Path:
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "a.md").write_text(RELEASE, encoding="utf-8")
    for archive in synthetic_packages.values():
        install_file(archive, tmp_path / "models")
    return tmp_path


def _build(site: Path, settings: Settings | None = None) -> BuildResult:
    settings = settings or Settings()
    engines = ModelEngines(site / "models", settings.translation, settings.pivot_language, settings.models)
    options = BuildOptions(releases_dir=site / "releases", output_dir=site / "output", allow_demo=True)
    return build(settings, options, engines, now=NOW)


def _stats(result: BuildResult) -> dict[str, tuple[int, int]]:
    return {f"{s.source}-{s.target}": (s.translated, s.from_memory) for s in result.engines}


def test_korean_goes_direct_through_the_multilingual_model_with_no_english_step(
    site: Path, converted_models: dict[str, Path], recorder: type[Recorder]
) -> None:
    add_model(converted_models["nllb"], site / "models", name="nllb-200-distilled-600M")
    recorder.sent.clear()  # models add translated a test sentence
    result = _build(site)
    assert result.routes == {
        "en": "de→en direct, translate-de_en 1.0",  # a model made for the pair beats the multilingual one
        "ko": "de→ko direct, nllb-200-distilled-600M",
    }
    assert set(_stats(result)) == {"de-en", "de-ko"}  # no en→ko engine was asked anything
    assert set(recorder.sent) == {"translate-de_en-1_0", "nllb-200-distilled-600M"}  # en→ko never loaded
    korean = recorder.sent["nllb-200-distilled-600M"]
    assert korean and all(tokens[0] == "deu_Latn" and tokens[-1] == "</s>" for tokens in korean)  # German in
    assert len(korean) == _stats(result)["de-ko"][0] == _stats(result)["de-en"][0] == len(recorder.sent["translate-de_en-1_0"])


def test_the_setting_chooses_the_model_per_language(
    site: Path, converted_models: dict[str, Path], recorder: type[Recorder]
) -> None:
    add_model(converted_models["nllb"], site / "models", name="nllb")
    recorder.sent.clear()
    settings = Settings(models={"en": "nllb", "ko": "translate-en_ko"})
    result = _build(site, settings)
    assert result.routes == {"en": "de→en direct, nllb", "ko": "de→en→ko via en, nllb then translate-en_ko 1.0"}
    assert set(recorder.sent) == {"nllb", "translate-en_ko-1_0"}  # the Argos de→en model is not used
    assert {tokens[0] for tokens in recorder.sent["nllb"]} == {"deu_Latn"}


def test_switching_korean_to_a_direct_model_retranslates_only_korean(
    site: Path, converted_models: dict[str, Path], recorder: type[Recorder]
) -> None:
    first = _build(site)
    assert first.routes["ko"] == "de→en→ko via en, translate-de_en 1.0 then translate-en_ko 1.0"
    sentences = first.engines[0].translated
    assert _stats(first) == {"de-en": (sentences, 0), "en-ko": (sentences, 0)}

    add_model(converted_models["nllb"], site / "models", name="nllb")
    second = _build(site)
    assert second.routes["ko"] == "de→ko direct, nllb"
    assert _stats(second) == {"de-en": (0, sentences), "de-ko": (sentences, 0)}  # English untouched

    back = _build(site, Settings(models={"ko": "translate-en_ko"}))  # the pivot route's work is still there
    assert back.routes["ko"].startswith("de→en→ko via en")
    assert _stats(back) == {"de-en": (0, sentences), "en-ko": (0, sentences)}


def test_a_named_model_that_is_not_installed_stops_the_build(site: Path) -> None:
    with pytest.raises(BuildError, match="names the model 'nllb-200-distilled-600M' for 'ko'.*Nothing was built"):
        _build(site, Settings(models={"ko": "nllb-200-distilled-600M"}))
    assert not (site / "output" / "ko").exists()


def test_build_summary_and_doctor_name_the_route(
    site: Path, converted_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_model(converted_models["nllb"], site / "models", name="nllb-200-distilled-600M")
    monkeypatch.chdir(site)
    runner = CliRunner()
    args = ["build", "--demo", "--models-dir", "models", "--output", "out"]
    result = runner.invoke(app, [*args, "--json"])
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["routes"] == {"en": "de→en direct, translate-de_en 1.0", "ko": "de→ko direct, nllb-200-distilled-600M"}
    shutil.rmtree(site / "out")
    shown = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert "  ko: de→ko direct, nllb-200-distilled-600M" in shown.output.splitlines()
    unmarked = shutil.copytree(converted_models["nllb"], site / "incoming" / "nllb")
    (unmarked / "metadata.json").unlink()  # doctor looks at real models only: drop the DEMO mark
    add_model(unmarked, site / "real", name="nllb-200-distilled-600M")
    doctor = runner.invoke(app, ["doctor", "--models-dir", "real"], env={"COLUMNS": "300"})
    line = next(line for line in doctor.output.splitlines() if line.startswith("✓ ko:"))
    assert line.startswith("✓ ko: de→ko direct, nllb-200-distilled-600M (NLLB-200, ")
    assert line.endswith("licence CC-BY-NC-4.0 (non-commercial use only))")
    (site / "pressroom.toml").write_text('[models]\nko = "missing-model"\n', encoding="utf-8")
    doctor = runner.invoke(app, ["doctor", "--models-dir", "real"], env={"COLUMNS": "300"})
    assert any(line.startswith("✗ ko: pressroom.toml names the model 'missing-model'") for line in doctor.output.splitlines())
