"""Fixtures for the end-to-end tests: an isolated environment and ways to run the CLI."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema.validators import validator_for

from faasguard.cli.main import main
from tests.e2e.support import REPO, REPORT_SCHEMA, SCAN_DEFAULTS, UNSET_ENV, Run, run_module


@pytest.fixture
def config_home(tmp_path: Path) -> Path:
    """An empty ``XDG_CONFIG_HOME``: a developer's own faasguard config must not leak in."""
    home = tmp_path / "xdg-config"
    home.mkdir()
    return home


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, config_home: Path) -> None:
    for name in UNSET_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    # main() also looks at sys.argv for --debug; pytest's own argv must not count.
    monkeypatch.setattr(sys, "argv", ["faasguard"])


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``faasguard ARGS`` in this process and return its exit code and output."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def scan(cli: Callable[..., Run]) -> Callable[..., Run]:
    """Run ``faasguard scan PATH --format FMT --today ... --no-deps EXTRA...`` in process."""

    def run(path: Path | str, *extra: str, fmt: str = "json") -> Run:
        return cli("scan", str(path), "--format", fmt, *SCAN_DEFAULTS, *extra)

    return run


@pytest.fixture
def subproc(config_home: Path) -> Callable[..., Run]:
    """Run ``python -m faasguard ARGS`` in a real process (cwd: the repository by default)."""

    def run(*args: str, cwd: Path = REPO, **kwargs: Any) -> Run:
        return run_module(args, cwd=cwd, config_home=config_home, **kwargs)

    return run


@pytest.fixture(scope="session")
def report_validator() -> jsonschema.protocols.Validator:
    """The validator of faasguard's published JSON report schema (draft 2020-12)."""
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.protocols.Validator:
    """The validator of the official SARIF 2.1.0 schema (fetched by scripts/setup-dev.sh)."""
    configured = os.environ.get("FAASGUARD_SARIF_SCHEMA")
    path = Path(configured) if configured else REPO / ".cache" / "sarif" / "sarif-schema-2.1.0.json"
    if not path.is_file():
        message = (
            f"the SARIF 2.1.0 schema is missing at {path}: run scripts/setup-dev.sh "
            "(or set FAASGUARD_SARIF_SCHEMA)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the schema declares draft-04
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)
