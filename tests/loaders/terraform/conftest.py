"""Shared helpers for the Terraform loader tests: load a named fixture folder or plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions, LoadResult
from faasguard.loaders.terraform import TerraformLoader
from faasguard.model import Application

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"

Load = Callable[[str], LoadResult]


@pytest.fixture
def load() -> Load:
    """Load the root module folder (or plan file) ``path`` under the fixtures root."""

    def run(path: str) -> LoadResult:
        return TerraformLoader().load(path, ScanFS(FIXTURES), LoadOptions())

    return run


@pytest.fixture
def load_app(load: Load) -> Callable[[str], Application]:
    """Load a fixture that must give exactly one application and no issues."""

    def run(path: str) -> Application:
        result = load(path)
        assert result.issues == ()
        assert len(result.applications) == 1
        return result.applications[0]

    return run
