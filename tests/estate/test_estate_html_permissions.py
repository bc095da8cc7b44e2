"""The dossier's role as granted versus needed: the rows, their evidence, escaping, the policy.

The reference case is docs/permissions.md's: ``table.get_item`` on ``!Ref OrdersTable`` by a
function with AmazonDynamoDBFullAccess attached (tests/fixtures/permissions/sam_orders). The
rows come from the scan's needed-permissions analysis (``ScanResult.permissions``); the page
is checked in a real headless Chromium (tests/estate/chromium.py).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from chromium import Chromium, Page

from faasguard.cli.main import main
from faasguard.config import Config
from faasguard.engine import ScanResult, scan
from faasguard.iam.actions import action_db
from faasguard.iam.managed import managed_policy
from faasguard.iam.needed.analyzer import NeededPermissionsAnalyzer
from faasguard.iam.needed.compare import (
    FunctionPermissions,
    GrantRef,
    JudgedNeed,
    NeedStatus,
    UnusedGrant,
)
from faasguard.iam.needed.interface import FunctionNeeds, Need, NeedSource
from faasguard.loaders.interface import LoadOptions
from faasguard.model import AppFormat, Application, Function, Location
from faasguard.report.html import render_html, report_data
from faasguard.report.permissions import permissions_json

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "permissions"
HOSTILE = "</script><img src=x onerror=alert(1)>"
READY = "document.body && document.body.getAttribute('data-ready') === '1'"
TABLE = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"


def _logs(function: str) -> str:
    return (
        f"arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/${{{function}}}:*"
    )


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    chromium = Chromium(tmp_path_factory.mktemp("chromium"))
    try:
        yield chromium
    finally:
        chromium.stop()


def _scan(folder: Path, *, detail: bool) -> ScanResult:
    return scan(
        folder,
        Config(),
        load_options=LoadOptions(),
        analyzers=[NeededPermissionsAnalyzer(detail=detail)],
    )


def _function(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A function of the page's data, its rows' unused actions looked up in ``action_sets``."""
    fn = next(f for f in data["functions"] if f["name"] == name)
    for row in fn["permissions"]["rows"] if fn["permissions"] else ():
        index = row.pop("actions_set")
        row["actions"] = [] if index is None else data["action_sets"][index]
    return fn


def _dossier(browser: Chromium, html: Path, function: str) -> Page:
    """Open the report and the dossier of ``function``."""
    page = browser.open(html.as_uri())
    page.wait_for(READY)
    page.evaluate(
        "Array.from(document.querySelectorAll('#functions tbody tr'))"
        f".find(r => r.children[1].textContent === {json.dumps(function)}).click()"
    )
    return page


def _cells(page: Page) -> list[list[str]]:
    """Status, action, resources, needed by, granted by: each row of the table as shown."""
    return list(
        page.evaluate(
            "Array.from(document.querySelectorAll('#perm-table tbody tr')).map(r =>"
            " Array.from(r.children).slice(0, 5).map(c => c.children.length && c.tagName === 'TD'"
            " && c.className === 'cell-list' ? Array.from(c.children).map(d => d.textContent)"
            ".join('|') : c.textContent))"
        )
    )


# --- the rows, as plain data ----------------------------------------------------------------


def _full_access_statement(index: int) -> tuple[list[str], list[str]]:
    """Statement ``index`` of AmazonDynamoDBFullAccess: its Action entries and what they grant."""
    policy = managed_policy("AmazonDynamoDBFullAccess")
    assert policy is not None
    stmt = policy.document.statements[index]
    entries = [a for a in stmt.actions if isinstance(a, str)]
    granted = {a for entry in entries for a in action_db().expand(entry)}
    return entries, sorted(granted)


def test_reference_case_rows_are_exact() -> None:
    result = _scan(FIXTURES / "sam_orders", detail=True)
    data = report_data(result)
    perms = _function(data, "ReaderFullAccessFunction")["permissions"]
    basic = {
        "statement": "managed policy AWSLambdaBasicExecutionRole Statement[0]",
        "policy": "AWSLambdaBasicExecutionRole",
        "location": {"file": "template.yaml", "line": 23},
        "conditional": False,
    }
    full = {
        "statement": "managed policy AmazonDynamoDBFullAccess Statement[0]",
        "policy": "AmazonDynamoDBFullAccess",
        "location": {"file": "template.yaml", "line": 23},
        "conditional": False,
    }
    assert (perms["role"], perms["complete"], perms["shared_count"]) == (
        "ReaderFullAccessFunctionRole",
        True,
        0,
    )
    needed = [r for r in perms["rows"] if r["source"] is not None]
    assert needed == [
        {
            "status": "granted",
            "action": "dynamodb:GetItem",
            "actions": [],
            "resources": [TABLE],
            "source": "code",
            "evidence": "src/reader.py:11 table.get_item (boto3 resource)",
            "granted_by": [full],
            "note": None,
        },
        *(
            {
                "status": "granted",
                "action": action,
                "actions": [],
                "resources": [_logs("ReaderFullAccessFunction")],
                "source": "platform",
                "evidence": "template.yaml:23 CloudWatch Logs",
                "granted_by": [basic],
                "note": None,
            }
            for action in ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
        ),
    ]
    unneeded = [r for r in perms["rows"] if r["source"] is None]
    expected = []
    for index, resource in enumerate(
        ["*", "arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*", "*", "*"]
    ):
        entries, granted = _full_access_statement(index)
        unused = [a for a in granted if a != "dynamodb:GetItem"]
        keep = "; keep dynamodb:GetItem" if index == 0 else ""
        expected.append(
            {
                "status": "unneeded",
                "action": ", ".join(entries),
                "actions": unused,
                "resources": [resource],
                "source": None,
                "evidence": None,
                "granted_by": [
                    {
                        **full,
                        "statement": f"managed policy AmazonDynamoDBFullAccess Statement[{index}]",
                        "conditional": index >= 2,  # iam:PassRole, CreateServiceLinkedRole
                    }
                ],
                "note": f"{len(unused)} action(s) granted for nothing{keep}",
            }
        )
    assert unneeded == expected
    assert "policy" not in perms  # the page carries the policy once, as the text it copies
    assert json.loads(perms["policy_text"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [TABLE]},
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [_logs("ReaderFullAccessFunction")],
            },
        ],
    }


def test_missing_framework_and_unknown_rows() -> None:
    data = report_data(_scan(FIXTURES / "sam_js", detail=True))
    rows = _function(data, "V2Function")["permissions"]["rows"]
    assert [(r["status"], r["action"], r["resources"], r["evidence"], r["note"]) for r in rows] == [
        (
            "missing",
            "s3:GetObject",
            ["arn:aws:s3:::${FilesBucket}/*"],
            "src/v2.js:7 s3.getObject (aws-sdk v2)",
            None,
        ),
        (
            "missing",
            "dynamodb:PutItem",
            ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${ItemsTable}"],
            "src/v2.js:8 docs.put (aws-sdk v2 DocumentClient)",
            None,
        ),
        (
            "granted",
            "logs:CreateLogGroup",
            [_logs("V2Function")],
            "template.yaml:11 CloudWatch Logs",
            None,
        ),
        (
            "granted",
            "logs:CreateLogStream",
            [_logs("V2Function")],
            "template.yaml:11 CloudWatch Logs",
            None,
        ),
        (
            "granted",
            "logs:PutLogEvents",
            [_logs("V2Function")],
            "template.yaml:11 CloudWatch Logs",
            None,
        ),
    ]
    # Serverless: the logs grants come from the role the framework creates; a handler that
    # cannot be found is an unknown need, and the unused grants are then not judged.
    shop = report_data(_scan(REPO / "examples" / "shop-serverless", detail=True))
    legacy = _function(shop, "legacyCleanup")["permissions"]
    assert legacy["complete"] is False
    assert [(r["status"], r["action"], r["note"]) for r in legacy["rows"]] == [
        *(
            (
                "framework",
                action,
                "Serverless grants it to the role it creates (not written in the template)",
            )
            for action in ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
        ),
        (
            "unjudged",
            "dynamodb:*",
            "79 action(s) no known need uses; not judged: some needs of the function are unknown",
        ),
        (
            "unjudged",
            "s3:GetObject, s3:PutObject",
            "2 action(s) no known need uses; not judged: some needs of the function are unknown",
        ),
        (
            "unjudged",
            "iam:PassRole",
            "1 action(s) no known need uses; not judged: some needs of the function are unknown",
        ),
        ("unknown", None, "serverless.yml:78 handler code not found (src/admin.cleanup)"),
    ]
    # The page writes each list of unused actions once: the six functions share one role.
    assert [len(actions) for actions in shop["action_sets"]] == [79, 2, 1, 78]
    assert shop["action_sets"][2] == ["iam:PassRole"]
    assert legacy["shared_with"] == [
        "getOrder",
        "createOrder",
        "resizeReceipt",
        "adminExport",
        "notifyPartner",
    ]


CONDITIONS = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  CondFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.handler
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: arn:aws:s3:::reports-bucket/*
              Condition:
                Bool:
                  aws:SecureTransport: "true"
            - Effect: Allow
              Action: s3:PutObject
              Resource: arn:aws:s3:::other-bucket/*
  SharedRoleFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/shared-lambda
  CustomPolicyFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.handler
      Policies:
        - arn:aws:iam::123456789012:policy/team-s3
"""
HANDLER = """\
import boto3

s3 = boto3.client("s3")


def handler(event, context):
    s3.put_object(Bucket="reports-bucket", Key="out", Body=b"x")
    return s3.get_object(Bucket="reports-bucket", Key=event["key"])["Body"].read()
"""


def test_conditional_partly_granted_and_external_role_rows(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(CONDITIONS, encoding="utf-8")
    (tmp_path / "src" / "app.py").write_text(HANDLER, encoding="utf-8")
    data = report_data(_scan(tmp_path, detail=True))
    put = (
        "s3:PutObject",
        ["arn:aws:s3:::reports-bucket/*"],
        "src/app.py:7 s3.put_object (boto3 client)",
    )
    get = (
        "s3:GetObject",
        ["arn:aws:s3:::reports-bucket/*"],
        "src/app.py:8 s3.get_object (boto3 client)",
    )
    rows = _function(data, "CondFunction")["permissions"]["rows"]
    assert [
        (r["status"], r["action"], r["resources"], r["evidence"], r["granted_by"], r["note"])
        for r in rows[:2]
    ] == [
        ("missing", *put, [], "granted on other resources only"),
        (
            "conditional",
            *get,
            [
                {
                    "statement": "CondFunction Policies[0]",
                    "policy": None,
                    "location": {"file": "template.yaml", "line": 12},
                    "conditional": True,
                }
            ],
            "every statement that allows it has a Condition",
        ),
    ]
    external = "role arn:aws:iam::123456789012:role/shared-lambda is defined outside the template: its grants are unknown"
    shared = _function(data, "SharedRoleFunction")["permissions"]["rows"]
    assert [(r["status"], r["action"], r["note"]) for r in shared] == [
        ("undecided", "s3:PutObject", external),
        ("undecided", "s3:GetObject", external),
        *(
            ("undecided", action, external)
            for action in ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
        ),
        ("unknown", None, external),
    ]
    custom = _function(data, "CustomPolicyFunction")["permissions"]["rows"]
    unsure = "unless a managed policy faasguard cannot read grants it"
    assert [(r["status"], r["action"], r["note"]) for r in custom if r["source"] == "code"] == [
        ("missing", "s3:PutObject", unsure),
        ("missing", "s3:GetObject", unsure),
    ]
    assert [r["note"] for r in custom if r["status"] == "unknown"] == [
        "managed policy arn:aws:iam::123456789012:policy/team-s3 cannot be read: its grants are "
        "unknown"
    ]


def test_the_detail_is_computed_only_when_asked_and_changes_no_finding() -> None:
    plain = _scan(FIXTURES / "sam_orders", detail=False)
    detailed = _scan(FIXTURES / "sam_orders", detail=True)
    assert plain.permissions == ()
    assert [p.function.name for p in detailed.permissions] == [
        "ReaderFunction",
        "ReaderFullAccessFunction",
        "ExportFunction",
    ]
    assert [f.fingerprint for f in plain.findings] == [f.fingerprint for f in detailed.findings]
    assert report_data(plain)["functions"][0]["permissions"] is None


def test_json_report_carries_the_same_block_and_matches_the_schema(tmp_path: Path) -> None:
    schema = json.loads(
        (REPO / "src/faasguard/report/schema/report.schema.json").read_text(encoding="utf-8")
    )
    result = _scan(FIXTURES / "sam_orders", detail=True)
    reports = {}
    for extra in ([], ["--with-permissions"]):
        out = tmp_path / "r.json"
        args = ["scan", str(FIXTURES / "sam_orders"), "--no-deps", "-f", "json", *extra]
        main([*args, "-o", str(out)])
        report = json.loads(out.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(report)
        [app] = report["applications"]
        reports[bool(extra)] = {f["name"]: f["permissions"] for f in app["functions"]}
        assert [f["rule_id"] for f in report["findings"] if f["rule_id"] == "FG1040"] == [
            "FG1040"
        ] * 3
    assert reports[True] == {p.function.name: permissions_json(p) for p in result.permissions}
    # Without the option the table is not made (the analysis reports its findings alone).
    assert reports[False] == dict.fromkeys(reports[True])


# --- the page, in Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def orders_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    html = tmp_path_factory.mktemp("orders") / "report.html"
    main(["scan", str(FIXTURES / "sam_orders"), "--no-deps", "-f", "html", "-o", str(html)])
    return html


def test_dossier_shows_the_reference_case_rows(browser: Chromium, orders_html: Path) -> None:
    page = _dossier(browser, orders_html, "ReaderFullAccessFunction")
    full = "managed policy AmazonDynamoDBFullAccess Statement[{}] (template.yaml:23)"
    basic = "managed policy AWSLambdaBasicExecutionRole Statement[0] (template.yaml:23)"
    logs = _logs("ReaderFullAccessFunction")
    entries, _ = _full_access_statement(0)
    assert _cells(page) == [
        [
            "needed, granted",
            "dynamodb:GetItem",
            TABLE,
            "src/reader.py:11 table.get_item (boto3 resource)",
            full.format(0),
        ],
        ["needed, granted", "logs:CreateLogGroup", logs, "template.yaml:23 CloudWatch Logs", basic],
        [
            "needed, granted",
            "logs:CreateLogStream",
            logs,
            "template.yaml:23 CloudWatch Logs",
            basic,
        ],
        ["needed, granted", "logs:PutLogEvents", logs, "template.yaml:23 CloudWatch Logs", basic],
        [
            "granted, not needed",
            ", ".join(entries[:6]) + f" and {len(entries) - 6} more",
            "*",
            "",
            full.format(0),
        ],
        [
            "granted, not needed",
            "cloudwatch:GetInsightRuleReport",
            "arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*",
            "",
            full.format(1),
        ],
        ["granted, not needed", "iam:PassRole", "*", "", full.format(2) + " [with a Condition]"],
        [
            "granted, not needed",
            "iam:CreateServiceLinkedRole",
            "*",
            "",
            full.format(3) + " [with a Condition]",
        ],
    ]
    assert page.evaluate("document.getElementById('perm-summary').textContent") == (
        "Role ReaderFullAccessFunctionRole: granted, not needed: 4; needed, granted: 4"
    )
    # The long entry list is whole on hover, the unused actions behind a disclosure.
    assert page.evaluate(
        "document.querySelector('#perm-table tbody tr:nth-child(5) td:nth-child(2)').title"
    ) == ", ".join(entries)
    unused = page.evaluate(
        "document.querySelector('#perm-table tbody tr:nth-child(5) details .action-list')"
        ".textContent"
    ).split(", ")
    assert "dynamodb:DeleteTable" in unused and "dynamodb:GetItem" not in unused
    page.close()


def test_dossier_shows_needed_but_not_granted(browser: Chromium, tmp_path: Path) -> None:
    html = tmp_path / "js.html"
    main(["scan", str(FIXTURES / "sam_js"), "--no-deps", "-f", "html", "-o", str(html)])
    page = _dossier(browser, html, "V2Function")
    page.evaluate(
        "(() => { const s = document.getElementById('perm-status'); s.value = 'missing';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    assert _cells(page) == [
        [
            "needed, not granted",
            "s3:GetObject",
            "arn:aws:s3:::${FilesBucket}/*",
            "src/v2.js:7 s3.getObject (aws-sdk v2)",
            "",
        ],
        [
            "needed, not granted",
            "dynamodb:PutItem",
            "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${ItemsTable}",
            "src/v2.js:8 docs.put (aws-sdk v2 DocumentClient)",
            "",
        ],
    ]
    assert page.evaluate("document.getElementById('perm-shown').textContent") == "2 of 5 rows"
    page.close()


def test_permission_table_filters_sorts_and_copies_the_policy(
    browser: Chromium, orders_html: Path
) -> None:
    page = _dossier(browser, orders_html, "ExportFunction")
    type_in = (
        "(() => { const i = document.getElementById('perm-filter'); i.value = %s;"
        " i.dispatchEvent(new Event('input')); })()"
    )
    page.evaluate(type_in % json.dumps("src/export.py"))
    assert [c[1] for c in _cells(page)] == ["s3:PutObject", "sqs:SendMessage"]
    page.evaluate(type_in % '""')
    page.evaluate("document.querySelector('#perm-table th[data-key=action]').click()")
    page.evaluate("document.querySelector('#perm-table th[data-key=action]').click()")  # descending
    assert [c[1] for c in _cells(page)] == [
        "sqs:SendMessage",
        "s3:PutObject",
        "s3:GetObject, s3:ListBucket, s3:GetBucketLocation, s3:GetObjectVersion, "
        "s3:PutObjectAcl, s3:GetLifecycleConfiguration and 2 more",
        "logs:PutLogEvents",
        "logs:CreateLogStream",
        "logs:CreateLogGroup",
    ]
    page.evaluate("document.querySelector('#perm-table th[data-key=status]').click()")
    assert [c[0] for c in _cells(page)] == ["granted, not needed"] + ["needed, granted"] * 5
    # The policy: collapsed, shown as generated, copied as it is.
    assert page.evaluate("document.getElementById('policy').open") is False
    text = page.evaluate("document.getElementById('policy-json').textContent")
    assert json.loads(text) == {
        "Version": "2012-10-17",
        "Statement": [  # one per set of resources, in the order of the resources
            {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["${DoneQueue.Arn}"]},
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [_logs("ExportFunction")],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": ["arn:aws:s3:::${ExportBucket}/*"],
            },
        ],
    }
    assert text.startswith('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect"')
    page.send(
        "Browser.grantPermissions", permissions=["clipboardReadWrite", "clipboardSanitizedWrite"]
    )
    page.send("Emulation.setFocusEmulationEnabled", enabled=True)
    page.evaluate("document.getElementById('copy-policy').click()")
    page.wait_for("document.getElementById('policy-copied').textContent !== ''")
    assert page.evaluate("document.getElementById('policy-copied').textContent") == " copied"
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.close()


def _hostile_result() -> ScanResult:
    fn = Function(name="fn", application="app", location=Location("serverless.yml", 3))
    app = Application(
        name="app", format=AppFormat.SERVERLESS, file="serverless.yml", root=".", functions=(fn,)
    )
    need = Need(HOSTILE, (HOSTILE,), NeedSource.CODE, f"src/{HOSTILE}.py:4 {HOSTILE}", HOSTILE)
    where = Location(f"{HOSTILE}.yml", 9)
    perm = FunctionPermissions(
        function=fn,
        application="app",
        role=HOSTILE,
        role_external=False,
        granted=(),
        needs=FunctionNeeds("fn", "app", (need,)),
        unused=(UnusedGrant(HOSTILE, (HOSTILE,), (), HOSTILE, None, where, (HOSTILE,)),),
        missing=(need,),
        unknown=(),
        policy={"Version": "2012-10-17", "Statement": [{"Action": [HOSTILE]}]},
        judged=(
            JudgedNeed(need, NeedStatus.MISSING, (), HOSTILE),
            JudgedNeed(need, NeedStatus.GRANTED, (GrantRef(HOSTILE, HOSTILE, where),)),
        ),
    )
    return ScanResult(root="hostile", applications=(app,), findings=(), permissions=(perm,))


def test_hostile_permission_strings_render_as_text(browser: Chromium, tmp_path: Path) -> None:
    html = render_html(_hostile_result())
    assert "<img" not in html and html.count("</script>") == 2
    (tmp_path / "hostile.html").write_text(html, encoding="utf-8")
    page = _dossier(browser, tmp_path / "hostile.html", "fn")
    page.evaluate("document.getElementById('policy').open = true")
    page.evaluate(
        "document.querySelectorAll('#perm-table details').forEach(d => { d.open = true; })"
    )
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    where = f"{HOSTILE} ({HOSTILE}.yml:9)"
    assert _cells(page) == [
        ["needed, not granted", HOSTILE, HOSTILE, f"src/{HOSTILE}.py:4 {HOSTILE}", ""],
        ["needed, granted", HOSTILE, HOSTILE, f"src/{HOSTILE}.py:4 {HOSTILE}", where],
        ["granted, not needed", HOSTILE, HOSTILE, "", where],
    ]
    assert HOSTILE in page.evaluate("document.getElementById('policy-json').textContent")
    assert page.evaluate("document.getElementById('perm-summary').textContent").startswith(
        f"Role {HOSTILE}: "
    )
    page.send("Runtime.evaluate", expression="1")  # drain pending events
    assert [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"] == []
    page.close()


def test_a_function_without_the_analysis_says_so(browser: Chromium, tmp_path: Path) -> None:
    result = dataclasses.replace(_hostile_result(), permissions=())
    (tmp_path / "none.html").write_text(render_html(result), encoding="utf-8")
    page = _dossier(browser, tmp_path / "none.html", "fn")
    assert page.evaluate("document.getElementById('perm-table')") is None
    assert "Granted versus needed" in page.evaluate(
        "document.getElementById('dossier').textContent"
    )
    assert "Not analysed in this scan" in page.evaluate(
        "document.getElementById('dossier').textContent"
    )
    page.close()
