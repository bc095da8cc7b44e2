"""Shared helpers for the cloudformation loader tests: load a named fixture template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation import CloudFormationLoader
from faasguard.loaders.interface import LoadOptions, LoadResult
from faasguard.model import Application

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cloudformation"

Load = Callable[..., LoadResult]


@pytest.fixture
def load() -> Load:
    """Load ``template`` (relative to the fixtures root) with the given options."""

    def run(template: str, **options: object) -> LoadResult:
        return CloudFormationLoader().load(
            template,
            ScanFS(FIXTURES),
            LoadOptions(**options),  # type: ignore[arg-type]
        )

    return run


@pytest.fixture
def load_app(load: Load) -> Callable[..., Application]:
    """Load a fixture that must produce exactly one application and no issues."""

    def run(template: str, **options: object) -> Application:
        result = load(template, **options)
        assert result.issues == ()
        (app,) = result.applications
        return app

    return run
