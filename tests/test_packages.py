"""Installing, listing and downloading model packages (routing: test_routing.py)."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from indexserver import closed_port_url, serve_index

from pressroom import packages
from pressroom.install import install_file, install_from_index
from pressroom.packages import (
    PackageError,
    default_models_dir,
    list_packages,
)
from pressroom.demo.synthetic import build_package


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != packages.HASH_CACHE_FILE
    }


def _rewrite(
    source: Path, target: Path, edit: Callable[[str, bytes], tuple[str, bytes] | None]
) -> Path:
    """Copy an archive member by member; ``edit`` renames, changes or (None) drops members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            changed = edit(info.filename, src.read(info))
            if changed is not None:
                dst.writestr(changed[0], changed[1])
    return target


# --- install_file -----------------------------------------------------------------------------


def test_install_file_installs_a_package(tmp_path: Path, synthetic_packages: dict[str, Path]) -> None:
    models = tmp_path / "models"
    package = install_file(synthetic_packages["de_en"], models)
    assert package.path == models / "translate-de_en-1_0"
    assert (package.code, package.from_code, package.to_code) == ("translate-de_en", "de", "en")
    assert (package.version, package.name, package.demo) == ("1.0", "German → English", True)
    assert (package.path / "model" / "model.bin").is_file()
    assert package.tokenizer_path == package.path / "sentencepiece.model"
    listed, errors = list_packages(models)
    assert listed == [package] and errors == []
    assert [p.name for p in models.iterdir()] == ["translate-de_en-1_0"]  # no leftovers


def test_reinstall_replaces_the_package(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_file(build_package(tmp_path / "a.argosmodel", "de", "en", seed=1), models)
    newer = build_package(tmp_path / "b.argosmodel", "de", "en", seed=2)
    package = install_file(newer, models)
    with zipfile.ZipFile(newer) as zf:
        expected = zf.read("translate-de_en-1_0/model/model.bin")
    assert (package.path / "model" / "model.bin").read_bytes() == expected
    assert len(list_packages(models)[0]) == 1


def test_newer_version_replaces_older_one_with_another_directory_name(tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_file(build_package(tmp_path / "a.argosmodel", "de", "en", version="1.0"), models)
    install_file(build_package(tmp_path / "b.argosmodel", "en", "ko", version="1.0"), models)
    install_file(build_package(tmp_path / "c.argosmodel", "de", "en", version="1.1"), models)
    installed, _ = list_packages(models)
    assert sorted((p.code, p.version) for p in installed) == [
        ("translate-de_en", "1.1"),
        ("translate-en_ko", "1.0"),
    ]
    assert not (models / "translate-de_en-1_0").exists()


def test_demo_package_does_not_replace_a_real_one(tmp_path: Path) -> None:
    models = tmp_path / "models"
    real = install_file(build_package(tmp_path / "r.argosmodel", "de", "en", demo=False), models)
    demo = install_file(build_package(tmp_path / "d.argosmodel", "de", "en", demo=True), models)
    assert real.path != demo.path
    installed, _ = list_packages(models)
    assert sorted(p.demo for p in installed) == [False, True]


def _not_a_zip(good: Path, bad: Path) -> Path:
    bad.write_text("<html>404 Not Found</html>")
    return bad


def _truncated(good: Path, bad: Path) -> Path:
    data = good.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    return bad


def _corrupted_data(good: Path, bad: Path) -> Path:
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("translate-de_en-1_0/model/model.bin")
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    data[offset] ^= 0xFF  # model.bin is stored uncompressed: its CRC no longer matches
    bad.write_bytes(bytes(data))
    return bad


def _drop(member: str) -> Callable[[Path, Path], Path]:
    return lambda good, bad: _rewrite(good, bad, lambda n, d: None if n.endswith(member) else (n, d))


def _add(name: str, data: bytes) -> Callable[[Path, Path], Path]:
    def make(good: Path, bad: Path) -> Path:
        _rewrite(good, bad, lambda n, d: (n, d))
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr(name, data)
        return bad

    return make


def _metadata(text: str) -> Callable[[Path, Path], Path]:
    return lambda good, bad: _rewrite(
        good, bad, lambda n, d: (n, text.encode() if n.endswith("metadata.json") else d)
    )


BAD_ARCHIVES = {
    "not a zip": (_not_a_zip, "not a zip"),
    "truncated": (_truncated, "not a zip"),
    "corrupted data": (_corrupted_data, "damaged"),
    "no metadata": (_drop("metadata.json"), "metadata.json"),
    "no model.bin": (_drop("model/model.bin"), "model.bin"),
    "no tokenizer": (_drop("sentencepiece.model"), "sentencepiece.model or bpe.model"),
    "zip slip": (_add("../x", b"evil"), "unsafe member path '../x'"),
    "zip slip inside": (_add("translate-de_en-1_0/../../x", b"evil"), "unsafe member path"),
    "absolute path": (_add("/tmp/x", b"evil"), "unsafe member path"),
    "two top dirs": (_add("other/metadata.json", b"{}"), "exactly one top-level directory"),
    "invalid metadata": (_metadata("{not json"), "not valid JSON"),
    "no to_code": (_metadata('{"from_code": "de"}'), "'to_code'"),
}


@pytest.mark.parametrize("case", list(BAD_ARCHIVES))
def test_bad_archive_is_rejected_and_leaves_installed_packages_intact(
    case: str, tmp_path: Path, synthetic_packages: dict[str, Path]
) -> None:
    models = tmp_path / "models"
    installed = install_file(synthetic_packages["de_en"], models)
    before = _snapshot(models)
    make, message = BAD_ARCHIVES[case]
    bad = make(synthetic_packages["de_en"], tmp_path / "bad-package.argosmodel")
    with pytest.raises(PackageError) as error:
        install_file(bad, models)
    assert "bad-package.argosmodel" in str(error.value)
    assert message in str(error.value)
    assert _snapshot(models) == before
    assert [p.name for p in models.iterdir()] == [installed.path.name]  # no staging left over
    assert not (tmp_path / "x").exists()


def test_bad_archive_does_not_create_the_models_directory(tmp_path: Path) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"PK nonsense")
    with pytest.raises(PackageError, match="bad.argosmodel"):
        install_file(bad, tmp_path / "models")
    assert not (tmp_path / "models").exists()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="nothing.argosmodel: file not found"):
        install_file(tmp_path / "nothing.argosmodel", tmp_path / "models")


# --- list_packages ------------------------------------------------------------------------


def test_broken_package_dirs_are_reported_without_hiding_good_ones(models_dir: Path) -> None:
    good = models_dir / "translate-de_en-1_0"
    (models_dir / "no-metadata").mkdir()
    shutil.copytree(good, models_dir / "bad-json")
    (models_dir / "bad-json" / "metadata.json").write_text("{")
    shutil.copytree(good, models_dir / "no-model")
    (models_dir / "no-model" / "model" / "model.bin").unlink()
    shutil.copytree(good, models_dir / "no-tokenizer")
    (models_dir / "no-tokenizer" / "sentencepiece.model").unlink()
    shutil.copytree(good, models_dir / "not-an-object")
    (models_dir / "not-an-object" / "metadata.json").write_text("[]")
    (models_dir / ".installing-abc").mkdir()  # an install in progress is no package
    (models_dir / "stray-file.txt").write_text("x")
    sbd = models_dir / "sbd-package"
    sbd.mkdir()
    (sbd / "metadata.json").write_text('{"type": "sbd", "package_version": "1.0"}')

    found, errors = list_packages(models_dir)

    assert sorted((p.from_code, p.to_code) for p in found) == [("de", "en"), ("en", "ko")]
    messages = sorted(str(e) for e in errors)
    assert len(messages) == 5
    for name, problem in [
        ("bad-json", "not valid JSON"),
        ("no-metadata", "no metadata.json"),
        ("no-model", "no model/model.bin"),
        ("no-tokenizer", "no sentencepiece.model or bpe.model"),
        ("not-an-object", "JSON object"),
    ]:
        assert any(name in m and problem in m for m in messages), (name, messages)
    assert all("reinstall" in m for m in messages)


def test_missing_models_dir_lists_nothing(tmp_path: Path) -> None:
    assert list_packages(tmp_path / "absent") == ([], [])


def test_default_models_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRESSROOM_MODELS_DIR", str(tmp_path / "m"))
    assert default_models_dir() == tmp_path / "m"


# --- identity -----------------------------------------------------------------------------


def _age(directory: Path, seconds: float = 10) -> None:
    old = time.time() - seconds
    for path in directory.rglob("*"):
        os.utime(path, (old, old))


def test_identity_names_code_version_and_content(models_dir: Path) -> None:
    package = next(p for p in list_packages(models_dir)[0] if p.from_code == "de")
    code, rest = package.identity().split("@")
    version, digest = rest.split("#")
    assert (code, version) == ("translate-de_en", "1.0")
    assert len(digest) == 16 and int(digest, 16) >= 0


def test_identity_is_cached_and_follows_changes(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = next(p for p in list_packages(models_dir)[0] if p.from_code == "de")
    hashed: list[str] = []
    real_sha256 = packages._file_sha256
    monkeypatch.setattr(packages, "_file_sha256", lambda p: hashed.append(p.name) or real_sha256(p))
    _age(package.path)

    first = package.identity()
    assert sorted(hashed) == sorted(
        ["config.json", "metadata.json", "model.bin", "sentencepiece.model", "shared_vocabulary.json"]
    )
    hashed.clear()
    assert package.identity() == first and hashed == []  # in-process cache
    packages._hash_memo.clear()
    assert package.identity() == first and hashed == []  # cache file in the package

    model = package.path / "model" / "model.bin"
    data = bytearray(model.read_bytes())
    data[-1] ^= 0xFF  # same size
    model.write_bytes(bytes(data))
    changed = package.identity()
    assert changed != first and hashed == ["model.bin"]  # only the changed file is hashed again
    hashed.clear()
    assert package.identity() == changed and hashed == ["model.bin"]  # just written: not cached
    settled = time.time() - 5
    os.utime(model, (settled, settled))
    hashed.clear()
    assert package.identity() == changed and hashed == ["model.bin"]  # new mtime: hashed once
    hashed.clear()
    assert package.identity() == changed and hashed == []  # and cached again


def test_identity_differs_between_packages(models_dir: Path) -> None:
    de_en, en_ko = sorted(list_packages(models_dir)[0], key=lambda p: p.from_code)
    assert de_en.identity().split("#")[1] != en_ko.identity().split("#")[1]


# --- install_from_index ---------------------------------------------------------------------


@pytest.fixture
def package_server(
    tmp_path: Path, synthetic_packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A loopback HTTP server with index.json and the de→en package; yields its base URL."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(synthetic_packages["de_en"], root / "translate-de_en-1_0.argosmodel")
    index = [
        {"type": "translate", "code": "translate-de_en", "from_code": "de", "to_code": "en",
         "package_version": "1.0", "links": ["missing.argosmodel", "translate-de_en-1_0.argosmodel"]},
        {"type": "translate", "code": "translate-en_ko", "from_code": "en", "to_code": "ko",
         "package_version": "1.0", "links": ["missing.argosmodel"]},
        {"type": "sbd", "code": "sbd-xx", "from_code": "xx", "to_code": "yy", "links": []},
    ]  # fmt: skip
    with serve_index(root, index) as base:
        yield base


def test_install_from_index_downloads_and_installs(package_server: str, tmp_path: Path) -> None:
    models = tmp_path / "models"
    package = install_from_index("de", "en", models, index_url=package_server + "index.json")
    assert (package.from_code, package.to_code, package.version) == ("de", "en", "1.0")
    assert list_packages(models)[0] == [package]
    assert [p.name for p in models.iterdir()] == [package.path.name]  # download removed


def test_install_from_index_reads_argos_package_index_env(
    package_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_server)  # a base URL, as for Argos
    package = install_from_index("de", "en", tmp_path / "models")
    assert package.to_code == "en"


def test_unknown_pair_lists_the_available_ones(package_server: str, tmp_path: Path) -> None:
    with pytest.raises(PackageError) as error:
        install_from_index("fr", "de", tmp_path / "models", index_url=package_server + "index.json")
    message = str(error.value)
    assert "fr→de" in message and "Available pairs: de→en, en→ko" in message
    assert "xx" not in message


def test_failed_download_names_the_links_and_the_manual_fix(package_server: str, tmp_path: Path) -> None:
    with pytest.raises(PackageError) as error:
        install_from_index("en", "ko", tmp_path / "models", index_url=package_server + "index.json")
    message = str(error.value)
    assert package_server + "missing.argosmodel" in message and "404" in message
    assert "pressroom models install FILE" in message
    assert list_packages(tmp_path / "models") == ([], [])
    assert list((tmp_path / "models").iterdir()) == []


def test_offline_index_error_names_the_url_and_the_fix(tmp_path: Path) -> None:
    url = closed_port_url()
    with pytest.raises(PackageError) as error:
        install_from_index("de", "en", tmp_path / "models", index_url=url)
    message = str(error.value)
    assert f"could not reach the Argos package index at {url}" in message
    assert "pressroom models install FILE" in message
    assert not (tmp_path / "models").exists()


def test_index_that_is_not_json(package_server: str, tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="not a JSON list of packages"):
        install_from_index("de", "en", tmp_path / "m", index_url=package_server + "translate-de_en-1_0.argosmodel")
