"""The reporters end to end: schemas, golden reports, exact findings of the example apps.

Golden files live in tests/assets/golden/; regenerate them with
``FAASGUARD_UPDATE_GOLDEN=1 pytest tests/e2e`` and review the diff (see tests/e2e/README.md).
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path

import pytest

from faasguard.rules.registry import find_rule
from tests.e2e.support import EXAMPLES, GOLDEN, HOSTILE, REPO, where, write_tree

SHOP = "examples/shop-serverless"
SAM = "examples/shop-sam"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scan from the repository root with relative paths, so reports name no machine path."""
    monkeypatch.chdir(REPO)


def _golden(name: str, actual: str) -> str:
    """Return the golden text, writing ``actual`` first when FAASGUARD_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if os.environ.get("FAASGUARD_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    if not path.is_file():
        pytest.fail(f"{path} is missing: run FAASGUARD_UPDATE_GOLDEN=1 pytest tests/e2e")
    return path.read_text(encoding="utf-8")


# --- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [SHOP, SAM, "examples"])
def test_json_report_matches_the_published_schema(in_repo, scan, report_validator, target):
    run = scan(target)
    assert run.code == 1
    report_validator.validate(run.json())


def test_json_golden_shop_serverless(in_repo, scan):
    run = scan(SHOP)
    assert (run.code, run.err) == (1, "")
    report = run.json()
    report["root"] = SHOP  # normalised: the path as given on the command line
    actual = json.dumps(report, indent=2, sort_keys=True) + "\n"
    assert str(REPO) not in actual
    expected = _golden("shop-serverless.json", actual)
    assert report == json.loads(expected), (
        "JSON report changed: if intended, FAASGUARD_UPDATE_GOLDEN=1 pytest tests/e2e"
    )
    assert actual == expected  # same text: key order and indentation are part of the format


# --- text ---------------------------------------------------------------------------------------


def test_text_golden_shop_serverless(in_repo, scan, tmp_path):
    output = tmp_path / "report.txt"  # -o fixes the width at 120 columns, whatever the terminal
    run = scan(SHOP, "--color", "never", "-o", str(output), fmt="text")
    assert (run.code, run.out, run.err) == (1, "", "")
    actual = output.read_text(encoding="utf-8")
    assert "\x1b" not in actual
    assert str(REPO) not in actual
    assert actual == _golden("shop-serverless.txt", actual), (
        "text report changed: if intended, FAASGUARD_UPDATE_GOLDEN=1 pytest tests/e2e"
    )


def _text_report(scan, target: str, tmp_path: Path, *extra: str) -> tuple[int, str]:
    """Exit code and text report, written with -o so the width is 120 on any terminal."""
    output = tmp_path / "report.txt"
    run = scan(target, *extra, "-o", str(output), fmt="text")
    assert (run.out, run.err) == ("", "")
    return run.code, output.read_text(encoding="utf-8")


MARKUP = "tests/assets/hostile/rich-markup"
EVIL = "[bold]x[/]</script><img src=x onerror=alert(1)>"


def test_text_report_prints_markup_and_html_literally(in_repo, scan, tmp_path):
    code, text = _text_report(scan, MARKUP, tmp_path, "--color", "never")
    assert code == 1  # "[/]" would crash an unescaped rich print (exit 3)
    lines = text.splitlines()
    assert lines[0] == (
        f"faasguard scanned {MARKUP}: 1 application(s), 2 function(s), 1 template(s)"
    )
    assert f"HIGH     FG6001 function-url-without-auth  serverless.yml:9 function {EVIL}" in lines
    assert "HIGH     FG6001 function-url-without-auth  serverless.yml:12 function [/]" in lines
    assert (
        f"         Function `{EVIL}` has a function URL with AuthType NONE: anyone on the "
        "internet can invoke it, with no authorizer or throttling in front."
    ) in lines
    assert "│ [red]markup[/] │ [bold]x[/]</script>… │ python3.12 │" in text  # table cells too
    assert "│ [red]markup[/] │ [/]                  │ python3.12 │" in text


def test_text_report_in_colour_keeps_markup_literal(in_repo, scan, tmp_path):
    code, text = _text_report(scan, MARKUP, tmp_path, "--color", "always")
    assert code == 1
    assert "\x1b[1;31mHIGH    \x1b[0m FG6001" in text  # colour is on
    assert f" serverless.yml:9 function {EVIL}\n" in text


def test_text_report_strips_terminal_control_sequences(scan, tmp_path):
    code, text = _text_report(scan, HOSTILE / "terminal-escape", tmp_path, "--color", "never")
    assert code == 1
    assert "function evil ]0;owned name [2J" in text  # the finding lines are cleaned
    assert "\x1b" not in text


# --- SARIF --------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [SHOP, SAM, "examples"])
def test_sarif_matches_the_official_schema(in_repo, scan, sarif_validator, target):
    run = scan(target, fmt="sarif")
    assert run.code == 1
    sarif = run.json()
    sarif_validator.validate(sarif)
    [sarif_run] = sarif["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    for result in sarif_run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    fingerprints = [
        r["partialFingerprints"]["faasguardFingerprint/v1"] for r in sarif_run["results"]
    ]
    assert fingerprints == [f["fingerprint"] for f in scan(target).json()["findings"]]


def test_sarif_result_has_the_function_as_logical_location(in_repo, scan):
    sarif = scan(SHOP, fmt="sarif").json()
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "FG6001"]
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "serverless.yml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 76},
            },
            "logicalLocations": [
                {
                    "name": "adminExport",
                    "fullyQualifiedName": "shop-api/adminExport",
                    "kind": "function",
                }
            ],
        }
    ]
    assert result["level"] == "error"
    assert result["properties"]["security-severity"] == "8.0"


def test_sarif_rule_help_is_dedented_markdown(in_repo, scan):
    sarif = scan(SHOP, fmt="sarif").json()
    [descriptor] = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "FG6001"]
    doc = inspect.cleandoc(find_rule("FG6001").__doc__)
    # Indented lines would render as a code block in GitHub code scanning.
    assert descriptor["help"] == {"text": doc, "markdown": doc}
    assert descriptor["fullDescription"] == {
        "text": "A function URL anyone on the internet can call (AuthType NONE)."
    }
    assert descriptor["properties"]["security-severity"] == "8.0"


def test_sarif_uri_is_percent_encoded(tmp_path, scan, sarif_validator):
    webhook = (EXAMPLES / "shop-serverless" / "serverless.yml").read_text()
    root = write_tree(tmp_path / "mono", {"my service/serverless.yml": webhook})
    sarif = scan(root, fmt="sarif").json()
    sarif_validator.validate(sarif)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"my%20service/serverless.yml"}


# --- exact findings of the example apps, checked against the templates by hand ----------------

#: Each entry was verified by reading examples/shop-serverless/serverless.yml.
SHOP_FINDINGS = [
    # STRIPE_API_KEY: sk_live_... literal in provider.environment
    ("FG4001", "serverless.yml", 27, None),
    # dynamodb:* on "*" (statement at line 31): one wildcard finding naming both facts, and the
    # data-exfiltration (Scan, GetItem...) and resource-exposure (PutResourcePolicy) it grants
    ("FG1001", "serverless.yml", 31, None),
    ("FG1009", "serverless.yml", 31, None),
    ("FG1011", "serverless.yml", 31, None),
    # iam:PassRole on "*" (line 40): a wide grant; no escalation path, as nothing in the role
    # can start a compute service with a passed role
    ("FG1003", "serverless.yml", 40, None),
    # python3.8 (deprecated 2024-10-14) for getOrder, nodejs14.x (2023-12-04) for legacyCleanup
    ("FG8001", "serverless.yml", 46, "getOrder"),
    ("FG8001", "serverless.yml", 78, "legacyCleanup"),
    # GET /orders/{id} has no authorizer; createOrder's POST uses aws_iam and is not reported
    ("FG6002", "serverless.yml", 50, "getOrder"),
    # adminExport: `url: true` is a function URL with AuthType NONE
    ("FG6001", "serverless.yml", 76, "adminExport"),
    # cors: true on the getOrder route allows any origin
    ("FG6006", "serverless.yml", 53, "getOrder"),
    # createOrder: timeout 60 s behind a REST API that gives up after 29 s
    ("FG7002", "serverless.yml", 55, "createOrder"),
    # resizeReceipt: S3 invokes it asynchronously, no onError/destinations
    ("FG7004", "serverless.yml", 66, "resizeReceipt"),
    # legacyCleanup: no events, no url, nothing references it
    ("FG9001", "serverless.yml", 78, "legacyCleanup"),
    # SessionCache: AtRestEncryptionEnabled/TransitEncryptionEnabled false
    ("FG4010", "serverless.yml", 112, None),
    # OrdersQueue: SqsManagedSseEnabled false
    ("FG4012", "serverless.yml", 117, None),
    # SessionsTable: a session store without TimeToLiveSpecification
    ("FG4020", "serverless.yml", 94, None),
    # unused grants, per function: createOrder needs only dynamodb:PutItem of dynamodb:* (line 31);
    # no function's code passes a role (iam:PassRole, line 40)
    ("FG1040", "serverless.yml", 31, "createOrder"),
    ("FG1040", "serverless.yml", 40, "getOrder"),
]

#: Each entry was verified by reading examples/shop-sam/template.yaml.
SAM_FINDINGS = [
    # GITHUB_TOKEN: ghp_... literal in ReportFunction's environment
    ("FG4001", "template.yaml", 58, "ReportFunction"),
    # ReportsBucket: AccessControl PublicRead
    ("FG4015", "template.yaml", 128, None),
    # python3.9 from Globals (deprecated 2025-12-15), reported on each function
    ("FG8001", "template.yaml", 23, "ProcessOrderFunction"),
    ("FG8001", "template.yaml", 45, "ReportFunction"),
    ("FG8001", "template.yaml", 60, "ReportApiFunction"),
    # FunctionUrlConfig AuthType NONE, with Cors AllowOrigins "*"
    ("FG6001", "template.yaml", 51, "ReportFunction"),
    ("FG6006", "template.yaml", 53, "ReportFunction"),
    # GET /reports on the implicit API without Auth
    ("FG6002", "template.yaml", 71, "ReportApiFunction"),
    # SharedRole: s3:* on "*" (line 94: wildcard, data exfiltration, credentials through
    # s3:GetDataAccess, resource exposure) and lambda:UpdateFunctionCode on "*" (line 97)
    ("FG1001", "template.yaml", 94, None),
    ("FG1009", "template.yaml", 94, None),
    ("FG1010", "template.yaml", 94, None),
    ("FG1011", "template.yaml", 94, None),
    ("FG1003", "template.yaml", 97, None),
    ("FG1005", "template.yaml", 97, None),
    # SharedRole serves ReportFunction and ReportApiFunction
    ("FG1006", "template.yaml", 77, None),
    # OrdersQueue VisibilityTimeout 30 < ProcessOrderFunction Timeout 60 (SQS event at line 39)
    ("FG7003", "template.yaml", 39, "ProcessOrderFunction"),
    # Globals Timeout 30 > the REST API's 29 s
    ("FG7002", "template.yaml", 60, "ReportApiFunction"),
    # ReportFunction: no Description, and src/reports has no README
    ("FG9002", "template.yaml", 45, "ReportFunction"),
    # unused grants: the report code calls no AWS API (SharedRole's s3:* at line 94), and the
    # order processor never touches OrdersTable (DynamoDBCrudPolicy at line 34)
    ("FG1040", "template.yaml", 94, "ReportFunction"),
    ("FG1040", "template.yaml", 34, "ProcessOrderFunction"),
]


@pytest.mark.parametrize(
    ("target", "expected"), [(SHOP, SHOP_FINDINGS), (SAM, SAM_FINDINGS)], ids=["serverless", "sam"]
)
def test_example_app_exact_findings(in_repo, scan, target, expected):
    found = [where(f) for f in scan(target).json()["findings"]]
    missing = [f for f in expected if f not in found]
    assert missing == []


def test_shop_serverless_resources_named_on_findings(in_repo, scan):
    findings = scan(SHOP).json()["findings"]
    named = {(f["rule_id"], f["line"]): f["resource"] for f in findings if f["function"] is None}
    assert named[("FG4010", 112)] == "SessionCache"
    assert named[("FG4012", 117)] == "OrdersQueue"
    assert named[("FG1001", 31)] == "IamRoleLambdaExecution"
    assert named[("FG7005", 50)] == "ApiGatewayRestApi"


def test_sam_secret_is_redacted_everywhere_but_the_model(in_repo, scan):
    token = "ghp_Zx8Kq2LmN4pR7sT1vW3yB5dF6gH9jK0aCeXY"
    report = scan(SAM).json()
    [secret] = [f for f in report["findings"] if f["rule_id"] == "FG4001"]
    assert token not in json.dumps(report["findings"])
    assert secret["evidence"].startswith("GITHUB_TOKEN=ghp_")
    assert "*" in secret["evidence"]
    assert token not in scan(SAM, "--color", "never", fmt="text").out
    assert token not in scan(SAM, fmt="sarif").out


def test_sam_public_invoke_permission_names_its_function(in_repo, scan):
    [finding] = [f for f in scan(SAM).json()["findings"] if f["rule_id"] == "FG6003"]
    assert where(finding) == ("FG6003", "template.yaml", 107, "ReportFunction")
    assert "ReportFunction" in finding["message"]


def test_golden_files_hold_no_machine_paths():
    for path in sorted(Path(GOLDEN).iterdir()):
        text = path.read_text(encoding="utf-8")
        assert str(REPO) not in text, path
        assert "/tmp/" not in text, path


def test_sarif_carries_notices_as_tool_notifications(in_repo, cli, tmp_path, sarif_validator):
    missing = tmp_path / "no-store.sqlite3"
    run = cli("scan", SHOP, "--format", "sarif", "--today", "2026-11-28", "--osv-db", str(missing))
    sarif = run.json()
    sarif_validator.validate(sarif)
    [invocation] = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "warning",
            "message": {
                "text": f"No vulnerability data in {missing}: dependencies were NOT checked for "
                "known vulnerabilities. Run `faasguard db update`, or `faasguard db import "
                "PyPI-all.zip` offline, or scan with `--online`."
            },
        }
    ]


#: Every finding at high or above of the example apps, exactly: each is a flaw docs/example.md
#: maps (anything new at high or above must be a deliberate flaw, or a false positive to fix).
SHOP_SERIOUS = {
    ("FG4001", "serverless.yml", 27, None),
    ("FG1006", "serverless.yml", 30, None),
    ("FG1001", "serverless.yml", 31, None),
    ("FG1009", "serverless.yml", 31, None),
    ("FG1011", "serverless.yml", 31, None),
    ("FG1003", "serverless.yml", 40, None),
    ("FG8001", "serverless.yml", 46, "getOrder"),
    ("FG6002", "serverless.yml", 50, "getOrder"),
    ("FG8001", "serverless.yml", 55, "createOrder"),
    ("FG8001", "serverless.yml", 66, "resizeReceipt"),
    ("FG8001", "serverless.yml", 74, "adminExport"),
    ("FG6001", "serverless.yml", 76, "adminExport"),
    ("FG8001", "serverless.yml", 78, "legacyCleanup"),
    ("FG4010", "serverless.yml", 112, None),
    ("FG4012", "serverless.yml", 117, None),
    ("FG2009", "src/admin.py", 8, "adminExport"),
    ("FG5001", "src/admin.py", 8, "adminExport"),
    ("FG4021", "src/notify.js", 5, "notifyPartner"),
    ("FG5001", "src/notify.js", 6, "notifyPartner"),
    ("FG2001", "src/notify.js", 11, "notifyPartner"),
    ("FG4021", "src/orders.py", 11, None),
    ("FG2002", "src/orders.py", 17, "getOrder"),
    ("FG2008", "src/orders.py", 22, "createOrder"),
    ("FG2001", "src/receipts.py", 8, "resizeReceipt"),
}
SAM_SERIOUS = {
    ("FG8001", "template.yaml", 23, "ProcessOrderFunction"),
    ("FG8001", "template.yaml", 45, "ReportFunction"),
    ("FG6001", "template.yaml", 51, "ReportFunction"),
    ("FG4001", "template.yaml", 58, "ReportFunction"),
    ("FG8001", "template.yaml", 60, "ReportApiFunction"),
    ("FG6002", "template.yaml", 71, "ReportApiFunction"),
    ("FG1006", "template.yaml", 77, None),
    ("FG1001", "template.yaml", 94, None),
    ("FG1009", "template.yaml", 94, None),
    ("FG1010", "template.yaml", 94, None),
    ("FG1011", "template.yaml", 94, None),
    ("FG1003", "template.yaml", 97, None),
    ("FG1005", "template.yaml", 97, None),
    ("FG6003", "template.yaml", 107, "ReportFunction"),
    ("FG4015", "template.yaml", 128, None),
    ("FG2008", "src/orders/app.py", 15, "ProcessOrderFunction"),
    ("FG2006", "src/reports/app.py", 10, "ReportFunction"),
    ("FG4021", "src/shipping/quote.mjs", 5, "ShippingQuoteFunction"),
    ("FG2001", "src/shipping/quote.mjs", 12, "ShippingQuoteFunction"),
}


@pytest.mark.parametrize(
    ("target", "expected"), [(SHOP, SHOP_SERIOUS), (SAM, SAM_SERIOUS)], ids=["serverless", "sam"]
)
def test_example_app_findings_at_high_or_above_are_exactly_the_flaws(
    in_repo, scan, target, expected
):
    findings = scan(target).json()["findings"]
    serious = [where(f) for f in findings if f["severity"] in ("critical", "high")]
    assert len(serious) == len(set(serious))
    assert set(serious) == expected
