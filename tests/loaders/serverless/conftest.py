"""Shared helpers for the Serverless loader tests: load a named fixture service.

Each fixture folder under ``tests/fixtures/serverless/<case>/`` is its own scan root, so a
``${file(../...)}`` that leaves the folder is an escape from the scan root.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions, LoadResult
from faasguard.loaders.serverless import ServerlessLoader
from faasguard.model import Application

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "serverless"

SlsLoad = Callable[..., LoadResult]


@pytest.fixture
def sls_load() -> SlsLoad:
    """Load ``<case>/<template>`` with the case folder as scan root."""

    def run(case: str, template: str = "serverless.yml", **options: object) -> LoadResult:
        return ServerlessLoader().load(
            template,
            ScanFS(FIXTURES / case),
            LoadOptions(**options),  # type: ignore[arg-type]
        )

    return run


@pytest.fixture
def sls_app(sls_load: SlsLoad) -> Callable[..., Application]:
    """Load a fixture that must produce exactly one application and no issues."""

    def run(case: str, template: str = "serverless.yml", **options: object) -> Application:
        result = sls_load(case, template, **options)
        assert result.issues == ()
        (app,) = result.applications
        return app

    return run
