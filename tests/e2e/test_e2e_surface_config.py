"""The resource surface rules (FG6010-FG6015) on a real SAM template, end to end."""

from __future__ import annotations

from collections.abc import Callable

from tests.e2e.support import REPO, Run

FIXTURE = REPO / "tests" / "fixtures" / "surface_config"


def test_bucket_policy_cors_user_pool_and_validator_findings(scan: Callable[..., Run]) -> None:
    run = scan(FIXTURE, "--fail-on", "never")
    assert run.code == 0, run.err
    found = sorted(
        (f["rule_id"], f["file"], f["line"], f["severity"], f["resource"])
        for f in run.json()["findings"]
        if f["rule_id"] in {"FG6010", "FG6011", "FG6012", "FG6013", "FG6014", "FG6015"}
    )
    assert found == [
        ("FG6010", "template.yaml", 25, "high", "ReportsPolicy"),
        ("FG6011", "template.yaml", 17, "medium", "ReportsBucket"),
        ("FG6012", "template.yaml", 35, "medium", "Users"),
        ("FG6013", "template.yaml", 37, "high", "Users"),
        ("FG6014", "template.yaml", 34, "medium", "Users"),
        ("FG6015", "template.yaml", 11, "low", "ServerlessRestApi"),
    ]
