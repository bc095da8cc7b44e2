"""Dispatch by file name, the public API, and the root-confined reader."""

import dataclasses
import os
import re
from pathlib import Path

import pytest

import faasguard.deps.manifests as manifests
from faasguard.deps.manifests import (
    MANIFEST_FILENAMES,
    READERS,
    Dependency,
    ManifestParseError,
    UnsupportedManifestError,
    is_manifest,
    parse_manifest,
    reader_for,
    root_reader,
)


def test_exported_members() -> None:
    assert manifests.__all__ == [
        "MANIFEST_FILENAMES",
        "MANIFEST_PATTERNS",
        "READERS",
        "Dependency",
        "Ecosystem",
        "ManifestParseError",
        "ManifestReader",
        "ManifestResult",
        "ManifestSource",
        "ParseWarning",
        "ReadFn",
        "SourceKind",
        "UnsupportedManifestError",
        "is_manifest",
        "parse_manifest",
        "reader_for",
        "root_reader",
    ]
    assert all(hasattr(manifests, name) for name in manifests.__all__)


def test_manifest_filenames() -> None:
    assert sorted(MANIFEST_FILENAMES) == [
        "Pipfile.lock",
        "npm-shrinkwrap.json",
        "package-lock.json",
        "package.json",
        "pdm.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pylock.toml",
        "pyproject.toml",
        "requirements.txt",
        "uv.lock",
        "yarn.lock",
    ]


def test_reader_kinds_are_unique() -> None:
    kinds = [reader.kind for reader in READERS]
    assert len(kinds) == len(set(kinds))
    assert all(reader.filenames or reader.patterns for reader in READERS)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("requirements.txt", "requirements.txt"),
        ("services/orders/requirements-dev.txt", "requirements.txt"),
        ("requirements_lambda.txt", "requirements.txt"),
        ("dev-requirements.txt", "requirements.txt"),
        ("Requirements.TXT", "requirements.txt"),
        ("requirements.in", "requirements.txt"),
        ("a\\b\\poetry.lock", "poetry.lock"),
        ("pylock.toml", "pylock.toml"),
        ("pylock.lambda.toml", "pylock.toml"),
        ("frontend/node_modules/x/package.json", "package.json"),
        ("yarn.lock", "yarn.lock"),
        ("npm-shrinkwrap.json", "npm-shrinkwrap.json"),
        ("setup.py", None),
        ("setup.cfg", None),
        ("Pipfile", None),
        ("requirements.txt.bak", None),
        ("constraints.txt", None),
        ("Package.json", None),
    ],
)
def test_dispatch_by_basename(name: str, kind: str | None) -> None:
    reader = reader_for(name)
    assert (reader.kind if reader else None) == kind
    assert is_manifest(name) is (kind is not None)


def test_setup_py_is_not_parsed() -> None:
    def read(path: str) -> str:
        raise AssertionError(f"must not read {path}")

    with pytest.raises(UnsupportedManifestError) as caught:
        parse_manifest("setup.py", root=Path("/nonexistent-scan-root"), read=read)
    assert str(caught.value) == "setup.py: not a supported manifest format"
    assert (caught.value.file, caught.value.line) == ("setup.py", None)


@pytest.mark.parametrize(
    "path", ["../requirements.txt", "/etc/requirements.txt", "a/../../requirements.txt", ""]
)
def test_manifest_path_must_stay_in_root(path: str) -> None:
    with pytest.raises(ManifestParseError) as caught:
        parse_manifest(path, root=Path("/nonexistent-scan-root"), read=lambda _: "")
    assert "relative to the scan root" in str(caught.value)


def test_unreadable_manifest_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestParseError) as caught:
        parse_manifest("poetry.lock", root=tmp_path, read=root_reader(tmp_path))
    assert re.match(r"^poetry\.lock: cannot read: ", str(caught.value))


def test_dependency_is_frozen() -> None:
    dependency = Dependency("six", "1.16.0", "PyPI", "requirements.txt", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        dependency.name = "other"  # type: ignore[misc]
    assert not hasattr(dependency, "__dict__")


class TestRootReader:
    def test_reads_inside_root_and_drops_bom(self, tmp_path: Path) -> None:
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "requirements.txt").write_bytes(b"\xef\xbb\xbfsix==1.16.0\n")
        assert root_reader(tmp_path)("sub/requirements.txt") == "six==1.16.0\n"

    @pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../x", "a\\..\\x", ""])
    def test_refuses_paths_outside(self, tmp_path: Path, path: str) -> None:
        with pytest.raises(ValueError, match="not a path inside the scan root"):
            root_reader(tmp_path)(path)

    def test_refuses_symlink_escape(self, tmp_path: Path) -> None:
        root = tmp_path / "root"
        root.mkdir()
        (tmp_path / "secret").write_text("x")
        (root / "link").symlink_to(tmp_path / "secret")
        with pytest.raises(ValueError, match="resolves outside the scan root"):
            root_reader(root)("link")

    def test_refuses_non_regular_files(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "fifo")
        (tmp_path / "dir").mkdir()
        for name in ("fifo", "dir", "missing"):
            with pytest.raises(FileNotFoundError):
                root_reader(tmp_path)(name)

    def test_refuses_large_files_and_bad_encoding(self, tmp_path: Path) -> None:
        (tmp_path / "big").write_text("x" * 11)
        (tmp_path / "latin1").write_bytes(b"caf\xe9")
        with pytest.raises(ValueError, match="larger than 10 bytes"):
            root_reader(tmp_path, max_bytes=10)("big")
        with pytest.raises(UnicodeDecodeError):
            root_reader(tmp_path)("latin1")
