"""``pressroom models add``: a converted model folder is recognised, checked, copied whole or not
at all, and listed with its kind, languages, size and licence; a broken or unknown folder gets a
plain error naming what is missing."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pressroom.cli.app import app
from pressroom.install import install_file
from pressroom.packages import PackageError
from pressroom.translate import families as registry
from pressroom.translate.families import Coverage, Family, FamilyError
from pressroom.translate.families.marian import MarianFamily
from pressroom.translate.installed import MODEL_TYPE, add_model, list_models


def _copy(converted_models: dict[str, Path], name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    return Path(shutil.copytree(converted_models[name], tmp_path / "incoming" / (as_name or name)))


def _visible(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def test_add_copies_the_folder_with_its_metadata(tmp_path: Path, converted_models: dict[str, Path]) -> None:
    models = tmp_path / "models"
    source = converted_models["nllb"]
    model = add_model(source, models, name="nllb-200-distilled-600M")
    assert model.path == models / "nllb-200-distilled-600M" and _visible(models) == ["nllb-200-distilled-600M"]
    metadata = json.loads((model.path / "metadata.json").read_text())
    assert metadata["type"] == MODEL_TYPE and metadata["kind"] == "nllb" and metadata["name"] == "nllb-200-distilled-600M"
    assert metadata["coverage"]["sources"] == {"de": "deu_Latn", "en": "eng_Latn", "ko": "kor_Hang"}
    assert metadata["licence"] == "CC-BY-NC-4.0"  # every NLLB-200 checkpoint's
    copied = {p.name: p.read_bytes() for p in source.iterdir() if p.name != "metadata.json"}
    assert {name: (model.path / name).read_bytes() for name in copied} == copied
    assert metadata["files"] == {name: len(data) for name, data in copied.items()}
    assert metadata["size"] == sum(map(len, copied.values())) == model.size
    (listed,), problems = list_models(models)
    assert problems == [] and listed == model and listed.non_commercial


def test_the_name_and_licence_come_from_the_options_the_folder_or_the_family(
    tmp_path: Path, converted_models: dict[str, Path]
) -> None:
    models = tmp_path / "models"
    assert add_model(converted_models["m2m100"], models).licence == "MIT"  # the family's
    assert add_model(converted_models["opus-mt-de-en"], models).licence == ""  # OPUS-MT models differ
    card = _copy(converted_models, "opus-mt-de-en", tmp_path, "opus-mt-tc-big-de-en")
    (card / "README.md").write_text("---\nlicense: cc-by-4.0\nlanguage: [de, en]\n---\n# Model card\n")
    assert add_model(card, models).licence == "CC-BY-4.0"  # from the model card the converter copied
    chosen = add_model(card, models, name="mine", licence="CC-BY-NC-SA-4.0")
    assert chosen.name == "mine" and chosen.licence_text() == "CC-BY-NC-SA-4.0 (non-commercial use only)"


def test_adding_again_replaces_the_model_in_place(tmp_path: Path, converted_models: dict[str, Path]) -> None:
    models = tmp_path / "models"
    first = add_model(converted_models["nllb"], models, name="ko-model")
    second = add_model(converted_models["m2m100"], models, name="ko-model")
    assert _visible(models) == ["ko-model"] and second.kind == "m2m100"
    assert first.identity() != second.identity()
    assert [m.kind for m in list_models(models)[0]] == ["m2m100"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: (f / "model.bin").unlink(), "no model.bin, so it is not a converted CTranslate2 model"),
        (lambda f: [(f / n).unlink() for n in ("tokenizer_config.json", "special_tokens_map.json", "sentencepiece.bpe.model")],
         "cannot tell which kind of model this is: no tokenizer_config.json, special_tokens_map.json, "
         "source.spm and target.spm, or sentencepiece.bpe.model"),
        (lambda f: (f / "sentencepiece.bpe.model").unlink(), "no sentencepiece.bpe.model; convert the model with --copy_files"),
        (lambda f: (f / "shared_vocabulary.json").unlink(), "no vocabulary (shared_vocabulary.json"),
        (lambda f: (f / "model.bin").write_bytes(b"\0" * 1000), "CTranslate2 cannot translate with it"),
        (lambda f: (f / "tokenizer_config.json").write_text("{ broken"), "tokenizer_config.json: not valid JSON"),
    ],
    ids=["no-model", "unknown-kind", "no-tokenizer", "no-vocabulary", "broken-weights", "broken-json"],
)  # fmt: skip
def test_a_broken_folder_is_refused_naming_what_is_missing(
    tmp_path: Path, converted_models: dict[str, Path], change, message: str  # noqa: ANN001
) -> None:
    folder = _copy(converted_models, "nllb", tmp_path)
    change(folder)
    models = tmp_path / "models"
    with pytest.raises(PackageError, match=str(folder)) as error:
        add_model(folder, models)
    assert message in str(error.value)
    assert _visible(models) == []  # nothing half-added, no staging folder left


def test_marian_without_its_target_tokenizer_or_languages(tmp_path: Path, converted_models: dict[str, Path]) -> None:
    folder = _copy(converted_models, "opus-mt-de-en", tmp_path, "marian-model")
    (folder / "target.spm").unlink()
    with pytest.raises(PackageError, match="no target.spm; copy source.spm and target.spm from the OPUS-MT model"):
        add_model(folder, tmp_path / "models", kind="marian")
    native = _copy(converted_models, "opus-mt-de-en-native", tmp_path, "converted")
    with pytest.raises(PackageError, match="cannot tell which languages this model translates"):
        add_model(native, tmp_path / "models")
    assert add_model(native, tmp_path / "models", name="opus-mt-de-en").coverage == Coverage({"de": ""}, {"en": ""})


def test_other_refusals(tmp_path: Path, converted_models: dict[str, Path], synthetic_packages: dict[str, Path]) -> None:
    models = tmp_path / "models"
    with pytest.raises(PackageError, match="no such folder"):
        add_model(tmp_path / "absent", models)
    with pytest.raises(PackageError, match="unknown model kind 'opennmt'; known kinds: argos, m2m100, marian, nllb"):
        add_model(converted_models["nllb"], models, kind="opennmt")
    with pytest.raises(PackageError, match="'../x' cannot be a model name"):
        add_model(converted_models["nllb"], models, name="../x")
    package = install_file(synthetic_packages["de_en"], tmp_path / "argos")
    with pytest.raises(PackageError, match="an Argos Translate package folder; install its .argosmodel"):
        add_model(package.path, models)
    install_file(synthetic_packages["de_en"], models)
    with pytest.raises(PackageError, match="already exists and is not a model added with 'models add'"):
        add_model(converted_models["nllb"], models, name=package.path.name)


def test_a_damaged_copy_is_named_and_not_used(tmp_path: Path, converted_models: dict[str, Path]) -> None:
    models = tmp_path / "models"
    model = add_model(converted_models["nllb"], models)
    weights = model.path / "model.bin"
    size = weights.stat().st_size
    weights.write_bytes(weights.read_bytes()[:5000])  # an interrupted copy
    listed, problems = list_models(models)
    assert listed == []
    assert [str(p) for p in problems] == [
        f"{model.path}: model.bin has 5000 bytes, {size} when it was added: the copy is damaged; "
        "add it again with 'pressroom models add FOLDER'"
    ]


def test_cli_add_and_list_show_kind_languages_size_and_licence(
    tmp_path: Path, converted_models: dict[str, Path], synthetic_packages: dict[str, Path]
) -> None:
    models = tmp_path / "models"
    install_file(synthetic_packages["de_en"], models)
    runner = CliRunner()
    added = runner.invoke(
        app, ["models", "add", str(converted_models["nllb"]), "--name", "nllb-200-distilled-600M", "--models-dir", str(models)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "✓ added nllb-200-distilled-600M (NLLB-200, 3 languages, any pair (de, en, ko)" in added.output
    assert "licence CC-BY-NC-4.0 (non-commercial use only)" in added.output
    assert "Its licence allows non-commercial use only." in added.output
    assert 'ko = "nllb-200-distilled-600M"' in added.output
    listed = runner.invoke(app, ["models", "list", "--models-dir", str(models)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    rows = [line for line in listed.output.splitlines() if "│" in line]
    nllb = next(row for row in rows if "nllb-200" in row)
    argos = next(row for row in rows if "translate-de_en" in row)
    assert "NLLB-200 (DEMO placeholder)" in nllb and "3 languages, any pair (de, en, ko)" in nllb
    assert "KB" in nllb and "CC-BY-NC-4.0 (non-commercial use only)" in nllb
    assert "Argos Translate package" in argos and "de→en" in argos and "not stated" in argos
    failed = runner.invoke(app, ["models", "add", str(tmp_path / "nothing"), "--models-dir", str(models)], env={"COLUMNS": "300"})
    assert failed.exit_code == 2 and "Error:" in failed.output and "no such folder" in failed.output


class _Echo(Family):
    """A third party's family: one folder marker file, German to English."""

    kind = "echo"
    title = "Echo test family"

    def recognise(self, folder: Path) -> bool:
        return (folder / "echo.marker").is_file()

    def coverage(self, folder: Path, name: str) -> Coverage:
        return Coverage({"de": ""}, {"en": ""})

    def tokenizers(self, folder, source, target):  # noqa: ANN001, ANN201
        return MarianFamily().tokenizers(folder, source, target)

    def conventions(self, folder, coverage, source, target):  # noqa: ANN001, ANN201
        return MarianFamily().conventions(folder, coverage, source, target)


def test_a_plug_in_family_is_found_through_its_entry_point(
    tmp_path: Path, converted_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = registry.entry_points
    plugin = EntryPoint("echo", f"{__name__}:_Echo", registry.GROUP)
    broken = EntryPoint("broken", "no_such_module:Family", registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [*real(group=group), plugin, broken])
    monkeypatch.setattr(registry, "_problems", [])
    registry.families.cache_clear()
    try:
        assert list(registry.families()) == ["argos", "m2m100", "marian", "nllb", "echo"]
        assert [str(p) for p in registry.load_problems()] == [
            "model family 'broken' (no_such_module:Family) cannot be loaded: No module named 'no_such_module'"
        ]
        folder = _copy(converted_models, "opus-mt-de-en", tmp_path, "plugin-model")
        (folder / "tokenizer_config.json").unlink()
        (folder / "source.spm").rename(folder / "source.model")  # no longer Marian-shaped …
        (folder / "echo.marker").touch()  # … but the plug-in's
        with pytest.raises(PackageError, match="no source.spm"):  # it feeds it like Marian
            add_model(folder, tmp_path / "models")
        (folder / "source.model").rename(folder / "source.spm")
        with pytest.raises(PackageError, match="looks like Marian / OPUS-MT and like Echo test family"):
            add_model(folder, tmp_path / "models")
        assert add_model(folder, tmp_path / "models", kind="echo").family.title == "Echo test family"
    finally:
        monkeypatch.undo()
        registry.families.cache_clear()
    with pytest.raises(FamilyError, match="unknown model kind 'echo'"):
        registry.family("echo")  # only while its entry point is there
