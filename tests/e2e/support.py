"""Shared helpers for the end-to-end tests: paths, running the CLI, reading reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
ASSETS = REPO / "tests" / "assets"
HOSTILE = ASSETS / "hostile"
GOLDEN = ASSETS / "golden"
REPORT_SCHEMA = REPO / "src" / "faasguard" / "report" / "schema" / "report.schema.json"

#: Every scan is judged as of this date, so runtime deprecations never depend on the calendar.
TODAY = "2026-11-28"
#: The options every scan gets: a fixed date and no dependency analysis (another suite's area).
SCAN_DEFAULTS = ("--today", TODAY, "--no-deps")

#: Environment variables that would make a run depend on the machine or the developer.
UNSET_ENV = (
    "NO_COLOR",
    "FORCE_COLOR",
    "COLUMNS",
    "FAASGUARD_DEBUG",
    "FAASGUARD_DB",
)


@dataclass(frozen=True)
class Run:
    """The outcome of one CLI run."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Parse standard output as JSON."""
        return json.loads(self.out)


def where(finding: Mapping[str, Any]) -> tuple[Any, ...]:
    """The identity a test asserts on: rule id, file, line and function."""
    return (finding["rule_id"], finding["file"], finding["line"], finding["function"])


def tool_findings(report: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The tool findings (FG0xxx) of a JSON report as (rule id, file, line, message)."""
    return sorted(
        (f["rule_id"], f["file"], f["line"], f["message"])
        for f in report["findings"]
        if f["rule_id"].startswith("FG0")
    )


def by_rule(report: Mapping[str, Any], rule_id: str) -> list[tuple[Any, ...]]:
    """``where`` of every finding of one rule, in report order."""
    return [where(f) for f in report["findings"] if f["rule_id"] == rule_id]


def clean_env(extra: Mapping[str, str] | None = None, *, config_home: Path) -> dict[str, str]:
    """A copy of this environment without machine-dependent settings, for subprocesses."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV}
    env["XDG_CONFIG_HOME"] = str(config_home)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def run_module(
    args: Iterable[str],
    *,
    cwd: Path,
    config_home: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    python_args: Iterable[str] = ("-m", "faasguard"),
) -> Run:
    """Run ``python -m faasguard ARGS`` (or other ``python_args``) in a real process."""
    proc = subprocess.run(
        [sys.executable, *python_args, *args],
        cwd=cwd,
        env=clean_env(env, config_home=config_home),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``files`` (POSIX relative path -> text) under ``root`` and return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
