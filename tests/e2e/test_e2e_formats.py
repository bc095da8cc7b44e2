"""Chalice and Zappa projects through the CLI: found in a folder, or named directly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.support import REPO, Run, where

Scan = Callable[..., Run]
CHALICE = REPO / "tests" / "fixtures" / "chalice" / "shop"
ZAPPA = REPO / "tests" / "fixtures" / "zappa" / "yaml_app"


@pytest.mark.parametrize("target", [CHALICE, CHALICE / ".chalice" / "config.json"])
def test_chalice_project_folder_or_config(scan: Scan, target: Path, report_validator) -> None:
    run = scan(target, "--fail-on", "never")
    assert run.code == 0
    report = run.json()
    report_validator.validate(report)
    [app] = report["applications"]
    assert (app["format"], app["file"], app["stage"]) == ("chalice", ".chalice/config.json", "dev")
    # an open route of the Chalice app, located in app.py
    assert ("FG6002", "app.py", 20, "api_handler") in [where(f) for f in report["findings"]]


def test_zappa_settings_named_directly(scan: Scan, report_validator) -> None:
    run = scan(ZAPPA / "zappa_settings.yml", "--fail-on", "never")
    report = run.json()
    report_validator.validate(report)
    [app] = report["applications"]
    assert (app["format"], app["file"], [fn["name"] for fn in app["functions"]]) == (
        "zappa",
        "zappa_settings.yml",
        ["staging"],
    )


def test_openapi_routes_reach_the_unauthenticated_route_rule(scan: Scan, report_validator) -> None:
    run = scan(REPO / "tests" / "fixtures" / "openapi" / "sam_rest_inline", "--fail-on", "never")
    report = run.json()
    report_validator.validate(report)
    [app] = report["applications"]
    [orders] = [fn for fn in app["functions"] if fn["name"] == "OrdersFunction"]
    assert orders["triggers"][0]["request_validation"] == {
        "body": True,
        "parameters": True,
        "validator": "all",
        "location": {"file": "template.yaml", "line": 48},
    }
    # the routes written only in the body that anyone may call are now judged
    open_routes = sorted(
        (f["line"], f["function"]) for f in report["findings"] if f["rule_id"] == "FG6002"
    )
    assert open_routes == [(56, "OrdersFunction"), (80, "OrdersFunction")]
