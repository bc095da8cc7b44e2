"""Helpers for the needed-permissions tests: load a fixture application once, like a scan does."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.loader import CloudFormationLoader
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.serverless.loader import ServerlessLoader
from faasguard.model import Application

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "permissions"

Loaded = tuple[Application, ScanFS]


def load(root: Path, template: str) -> Loaded:
    """The one application of ``root/template``, and the confined file system it was read from."""
    fs = ScanFS(root)
    loader = ServerlessLoader() if template.startswith("serverless") else CloudFormationLoader()
    result = loader.load(template, fs, LoadOptions())
    assert result.issues == (), result.issues
    (app,) = result.applications
    return app, fs


@pytest.fixture
def fixture_app() -> Callable[[str], Loaded]:
    """Load a fixture folder of tests/fixtures/permissions (read only)."""

    def _load(name: str) -> Loaded:
        folder = FIXTURES / name
        template = next(
            p.name
            for p in sorted(folder.iterdir())
            if p.name in ("template.yaml", "serverless.yml")
        )
        return load(folder, template)

    return _load


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture folder to a temporary folder (for tests that write)."""

    def _copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return _copy
