"""Model parity: rule families judge Chalice and Zappa apps through the same model.

Each expected finding is exact (rule id, file, line, function) and located in the framework's
own files (``app.py``, ``.chalice/config.json``, ``zappa_settings.json``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

CASES = {
    "chalice/shop": {
        ("FG1001", ".chalice/policy-worker.json", 4, "worker"),  # permissions: dynamodb:*
        ("FG1003", "app.py", 42, None),  # autogen_policy grants s3 calls on "*"
        ("FG6002", "app.py", 20, "api_handler"),  # surface: `/` has no authorizer
        ("FG6006", "app.py", 25, "api_handler"),  # surface: cors=True
        ("FG7002", "app.py", 20, "api_handler"),  # availability: Chalice's 60 s > API's 29 s
        ("FG8003", "app.py", 46, "hourly"),  # platform: no log retention
        ("FG9001", "app.py", 61, "worker"),  # sprawl: nothing invokes it
    },
    "parity/zappa_app": {
        ("FG1001", "zappa_settings.json", 2, "prod"),  # Zappa's default policy: s3:*, sqs:*...
        ("FG4001", "zappa_settings.json", 7, "prod"),  # data: live Stripe key in the environment
        ("FG6001", "zappa_settings.json", 9, "prod"),  # surface: function URL without auth
        ("FG6002", "zappa_settings.json", 2, "prod"),  # surface: the API proxies every path
        ("FG7002", "zappa_settings.json", 2, "prod"),  # availability: Zappa's 30 s > 29 s
        ("FG8001", "zappa_settings.json", 2, "prod"),  # platform: python3.7
        ("FG9002", "zappa_settings.json", 2, "prod"),  # sprawl: undocumented
    },
}


@pytest.mark.parametrize("project", sorted(CASES))
def test_every_family_judges_framework_apps(project: str) -> None:
    result = scan(
        FIXTURES / project,
        Config(),
        load_options=LoadOptions(),
        today=dt.date(2026, 11, 28),
    )
    found = {(f.rule_id, f.file, f.line, f.function) for f in result.findings}
    assert CASES[project] <= found, sorted(CASES[project] - found)
    assert not [f for f in result.findings if f.rule_id == "FG0003"]  # no rule crashed


@pytest.mark.parametrize(
    ("project", "rule", "spelling"),
    [
        ("parity/zappa_app", "FG7002", '`"timeout_seconds": 29` in the stage'),
        ("parity/zappa_app", "FG6001", '`"function_url_config": {"authorizer": "AWS_IAM"}`'),
        ("parity/zappa_app", "FG8001", '`"runtime": "python3.14"` in the stage'),
        ("chalice/shop", "FG7002", '`"lambda_timeout": 29` in `.chalice/config.json`'),
        ("chalice/shop", "FG6002", "`authorizer=` on the `@app.route`"),
        ("chalice/shop", "FG6006", '`cors=CORSConfig(allow_origin="https://app.example.com")`'),
    ],
)
def test_remediation_is_written_in_the_frameworks_own_syntax(
    project: str, rule: str, spelling: str
) -> None:
    result = scan(
        FIXTURES / project, Config(), load_options=LoadOptions(), today=dt.date(2026, 11, 28)
    )
    remediations = [f.remediation for f in result.findings if f.rule_id == rule]
    assert remediations and all(spelling in text for text in remediations), remediations
