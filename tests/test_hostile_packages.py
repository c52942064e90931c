"""Model installs trust nothing they download: bounded, checked, tried before they replace anything.

Each test is an attack or an accident that got through before: a junk model replacing a
working one, a sha256 nobody checked, ``file://`` links, endless and trickling downloads, an
endless or deeply nested index, zip bombs, huge metadata, markup in package names.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from indexserver import send_bytes, serve_routes
from typer.testing import CliRunner

from pressroom import download, install
from pressroom.cli.app import app
from pressroom.config import TranslationSettings
from pressroom.install import install_file, install_from_index
from pressroom.packages import PackageError, list_packages
from pressroom.translate.ctranslate import make_engine
from pressroom.translate.installed import from_package

TOP = "translate-de_en-1_0"


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def _rewrite(source: Path, target: Path, edit: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of an archive with members changed (``edit`` returns new bytes, or None: same)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, edit(info.filename, data) or data)
    return target


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def _entry(links: list[str], **extra: object) -> list[dict[str, object]]:
    return [{"type": "translate", "code": "translate-de_en", "from_code": "de", "to_code": "en", "package_version": "1.0", "links": links, **extra}]


def test_a_junk_model_never_replaces_a_working_one(tmp_path: Path, synthetic_packages: dict[str, Path]) -> None:
    """An 11-byte model.bin used to be installed ("installed"), and every later build failed."""
    models = tmp_path / "models"
    working = install_file(synthetic_packages["de_en"], models)
    before = _files(models)
    junk = _rewrite(synthetic_packages["de_en"], tmp_path / "junk.argosmodel", lambda name, _: b"junk-model!" if name.endswith("model.bin") else None)
    with pytest.raises(PackageError, match=r"junk\.argosmodel: CTranslate2 cannot translate with it.*nothing was installed"):
        install_file(junk, models)
    assert _files(models) == before and list_packages(models)[0] == [working]
    (output,) = make_engine(from_package(working), "de", "en", TranslationSettings()).translate_batch(["Die Stadt baut."])
    assert isinstance(output.text, str)


def test_the_index_sha256_and_size_are_checked(tmp_path: Path, synthetic_packages: dict[str, Path]) -> None:
    data = synthetic_packages["de_en"].read_bytes()
    right = hashlib.sha256(data).hexdigest()
    routes = {"p.argosmodel": send_bytes(data)}
    cases = [
        (_entry(["p.argosmodel"], sha256="0" * 64), "sha256 differs from the index"),
        (_entry(["p.argosmodel"], size=len(data) + 1), f"has {len(data):,} bytes, the index says {len(data) + 1:,}"),
        (_entry(["p.argosmodel"], size=len(data) - 1), f"it is too large .*the limit is 0.4 MB \\({len(data) - 1:,} bytes\\)"),
        (_entry(["p.argosmodel"], sha256="not-a-hash"), "invalid sha256"),
    ]
    with serve_routes(routes) as base:
        for index, expected in cases:
            routes["index.json"] = send_bytes(json.dumps(_index_links(index, base)).encode())
            with pytest.raises(PackageError, match=expected):
                install_from_index("de", "en", tmp_path / "models", index_url=base + "index.json")
            assert list_packages(tmp_path / "models")[0] == []
            assert not [p for p in (tmp_path / "models").glob(".*") if p.name != install.LOCK_FILE]
        routes["index.json"] = send_bytes(json.dumps(_index_links(_entry(["p.argosmodel"], sha256=right.upper(), size=len(data)), base)).encode())
        package = install_from_index("de", "en", tmp_path / "models", index_url=base + "index.json")
    assert package.from_code == "de" and list_packages(tmp_path / "models")[0] == [package]


def _index_links(entries: list[dict[str, object]], base: str) -> list[dict[str, object]]:
    return [{**entry, "links": [link if "://" in link else base + link for link in entry["links"]]} for entry in entries]  # type: ignore[union-attr]


def test_only_http_links_are_followed(tmp_path: Path, synthetic_packages: dict[str, Path]) -> None:
    """file:// links in an index were followed: /etc/passwd, /dev/zero, any local package."""
    local = synthetic_packages["de_en"].as_uri()
    routes: dict[str, object] = {}

    def to_file(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", local)
        handler.end_headers()

    routes["redirect.argosmodel"] = to_file
    with serve_routes(routes) as base:  # type: ignore[arg-type]
        index = _entry([local, "file:///dev/zero", "redirect.argosmodel"])
        routes["index.json"] = send_bytes(json.dumps(_index_links(index, base)).encode())
        with pytest.raises(PackageError) as caught:
            install_from_index("de", "en", tmp_path / "models", index_url=base + "index.json")
    message = str(caught.value)
    assert message.count("must be an http:// or https:// address") == 2 and "redirect.argosmodel" in message
    assert list_packages(tmp_path / "models")[0] == []
    with pytest.raises(PackageError, match="the package index must be an http:// or https:// address"):
        install_from_index("de", "en", tmp_path / "models", index_url=(tmp_path / "index.json").as_uri())


def _endless(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.end_headers()
    chunk = b"\0" * 65536
    for _ in range(10_000):  # 650 MB at most, if nothing stopped reading
        handler.wfile.write(chunk)


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    for _ in range(200):
        handler.wfile.write(b"P")
        handler.wfile.flush()
        time.sleep(0.1)


def test_endless_and_trickling_downloads_stop_and_leave_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An endless body filled the disk; one byte every two seconds never ended, and the kill
    left a .download-* file nothing removed."""
    monkeypatch.setattr(download, "MAX_PACKAGE_BYTES", 5_000_000)
    models = tmp_path / "models"
    routes = {"endless.argosmodel": _endless, "slow.argosmodel": _trickle}
    with serve_routes(routes) as base:
        routes["index.json"] = send_bytes(json.dumps(_index_links(_entry(["endless.argosmodel"]), base)).encode())
        with pytest.raises(PackageError, match=r"endless\.argosmodel \(it is larger than the limit of 5\.0 MB"):
            install_from_index("de", "en", models, index_url=base + "index.json")
        routes["index.json"] = send_bytes(json.dumps(_index_links(_entry(["slow.argosmodel"]), base)).encode())
        started = time.monotonic()
        with pytest.raises(PackageError, match=r"slow\.argosmodel \(not finished after 1 s"):
            install_from_index("de", "en", models, index_url=base + "index.json", deadline_s=1)
        assert time.monotonic() - started < 5
    assert [p.name for p in models.iterdir()] == []


def test_a_killed_install_leaves_staging_that_the_next_install_removes(tmp_path: Path, synthetic_packages: dict[str, Path]) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / ".download-x1y2z3.argosmodel").write_bytes(b"half a download")
    (models / ".installing-abc" / TOP).mkdir(parents=True)
    install_file(synthetic_packages["de_en"], models)
    assert sorted(p.name for p in models.iterdir()) == [TOP]


def test_an_endless_or_deeply_nested_index_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An endless index.json was read into memory (1.2 GB); nested JSON hit a recursion error."""
    monkeypatch.setattr(download, "MAX_INDEX_BYTES", 1_000_000)
    routes = {"endless.json": _endless, "deep.json": send_bytes(b"[" * 100_000 + b"]" * 100_000), "deep2.json": send_bytes(b"[" * 40 + b"]" * 40)}
    with serve_routes(routes) as base:
        with pytest.raises(PackageError, match=r"endless\.json: it is larger than the limit of 1\.0 MB"):
            install_from_index("de", "en", tmp_path / "m", index_url=base + "endless.json")
        for name in ("deep.json", "deep2.json"):
            with pytest.raises(PackageError, match="nested too deeply"):
                install_from_index("de", "en", tmp_path / "m", index_url=base + name)


def _zeros_member(source: Path, target: Path, size: int) -> Path:
    """``source`` with an extra member of ``size`` zero bytes (compresses to almost nothing)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with dst.open(f"{TOP}/model/padding.bin", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(block)
    return target


def test_zip_bombs_and_huge_metadata_are_refused_before_extraction(
    tmp_path: Path, synthetic_packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """3.3 MB inflating to 3 GiB was extracted unchecked, and a 300 MB metadata.json accepted."""
    models = tmp_path / "models"
    monkeypatch.setattr(install, "MAX_PACKAGE_INFLATED_BYTES", 64 << 20)
    bomb = _zeros_member(synthetic_packages["de_en"], tmp_path / "bomb.argosmodel", 80 << 20)
    assert bomb.stat().st_size < 2 << 20
    with pytest.raises(PackageError, match=r"bomb\.argosmodel: the package unpacked is too large"):
        install_file(bomb, models)
    metadata = _rewrite(
        synthetic_packages["de_en"], tmp_path / "meta.argosmodel",
        lambda name, data: data[:-1] + b', "pad": "' + b"x" * 2_000_000 + b'"}' if name.endswith("metadata.json") else None,
    )  # fmt: skip
    with pytest.raises(PackageError, match=r"meta\.argosmodel: metadata\.json is too large"):
        install_file(metadata, models)
    with zipfile.ZipFile(synthetic_packages["de_en"]) as src, zipfile.ZipFile(tmp_path / "many.argosmodel", "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        for number in range(1_001):
            dst.writestr(f"{TOP}/extra/{number}.txt", b"")
    with pytest.raises(PackageError, match=r"holds 1,0\d\d files; the limit is 1,000"):
        install_file(tmp_path / "many.argosmodel", models)
    assert not models.exists() or list(models.iterdir()) == []


def test_markup_and_controls_in_package_names_are_shown_as_text(tmp_path: Path, synthetic_packages: dict[str, Path]) -> None:
    """'[/bold]Deutsch' as a package name crashed models install and models list (MarkupError)."""

    def rename(name: str, data: bytes) -> bytes | None:
        if not name.endswith("metadata.json"):
            return None
        metadata = json.loads(data)
        metadata["from_name"] = "[/bold]Deutsch\u202e\x1b[31m"
        metadata["package_version"] = "[red]1.0\u202e"
        return json.dumps(metadata).encode()

    archive = _rewrite(synthetic_packages["de_en"], tmp_path / "marked.argosmodel", rename)
    runner = CliRunner()
    models = str(tmp_path / "models")
    installed = runner.invoke(app, ["models", "install", str(archive), "--models-dir", models], env={"COLUMNS": "300"})
    assert installed.exit_code == 0, installed.output
    assert "installed [/bold]Deutsch[31m → English [red]1.0" in installed.output  # ESC and U+202E removed
    listed = runner.invoke(app, ["models", "list", "--models-dir", models], env={"COLUMNS": "300"})
    assert listed.exit_code == 0, listed.output
    assert "translate-de_en [red]1.0" in listed.output and "\x1b" not in listed.output and "\u202e" not in listed.output
