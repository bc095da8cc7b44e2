"""`faasguard permissions`: the JSON shape of the issue, text, --cloudtrail, --fix --dry-run, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from faasguard.cli.main import main
from tests.iam.needed.conftest import FIXTURES
from tests.iam.needed.test_needed_cloudtrail import record


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_issue_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["permissions", str(FIXTURES / "sam_orders"), "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    reader = next(f for f in data["functions"] if f["name"] == "ReaderFullAccessFunction")
    assert set(reader) >= {
        "name",
        "application",
        "role",
        "granted",
        "needed",
        "unused",
        "unknown",
        "policy",
    }
    assert (reader["application"], reader["role"]) == ("sam_orders", "ReaderFullAccessFunctionRole")
    assert reader["needed"][0] == {
        "action": "dynamodb:GetItem",
        "resources": ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"],
        "source": "code",
        "evidence": "src/reader.py:11 table.get_item (boto3 resource)",
        "status": "granted",
        "granted_by": [
            {
                "statement": "managed policy AmazonDynamoDBFullAccess Statement[0]",
                "policy": "AmazonDynamoDBFullAccess",
                "location": "template.yaml:23",
                "conditional": False,
            }
        ],
    }
    assert {u["policy"] for u in reader["unused"]} == {"AmazonDynamoDBFullAccess"}
    dynamodb = next(u for u in reader["unused"] if u["entry"] == "dynamodb:*")
    assert (
        dynamodb["used"] == ["dynamodb:GetItem"] and "dynamodb:DeleteTable" in dynamodb["actions"]
    )
    assert reader["unknown"] == []
    assert reader["policy"]["Statement"][0] == {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"],
    }
    granted = next(g for g in reader["granted"] if g["policy"] == "AmazonDynamoDBFullAccess")
    assert granted["location"] == "template.yaml:23" and granted["granted_actions"] > 100


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["permissions", str(FIXTURES / "serverless_shop")], capsys)
    assert code == 0
    assert out.startswith(
        "getOrder (shop, serverless.yml:29; role IamRoleLambdaExecution, shared with createOrder)\n"
        "  granted:\n"
        "    serverless.yml:19 provider.iam.role.statements[0]: dynamodb:* on * (79 action(s))\n"
    )
    assert (
        "  needed:\n"
        "    dynamodb:GetItem on arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/"
        "${self:custom.tableName} <- code: src/orders.py:11 TABLE.get_item (boto3 resource)\n"
        "      granted by serverless.yml:19 provider.iam.role.statements[0]\n"
        "    logs:CreateLogGroup on arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
        "/aws/lambda/${self:service}-${sls:stage}-getOrder:* <- platform: serverless.yml:29 "
        "CloudWatch Logs\n"
        "      granted by the framework: Serverless grants it to the role it creates (not "
        "written in the template)\n"
    ) in out
    assert "  least-privilege policy:\n    {\n" in out


def test_cloudtrail_observed_needs_join_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trail = tmp_path / "trail.json"
    trail.write_text(
        json.dumps(
            {
                "Records": [
                    record(
                        "shop-dev-getOrder",
                        "sqs.amazonaws.com",
                        "SendMessage",
                        "2026-11-02T10:00:00Z",
                        params={
                            "queueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/audit"
                        },
                    ),
                    record(
                        "shop-dev-getOrder",
                        "sqs.amazonaws.com",
                        "SendMessage",
                        "2026-10-01T10:00:00Z",
                    ),
                ]
            }
        )
    )
    code, out, err = _run(
        [
            "permissions",
            str(FIXTURES / "serverless_shop"),
            "-f",
            "json",
            "--cloudtrail",
            str(trail),
            "--since",
            "2026-11-01",
        ],
        capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    get_order = next(f for f in data["functions"] if f["name"] == "getOrder")
    observed = [n for n in get_order["needed"] if n["source"] == "observed"]
    assert observed == [
        {
            "action": "sqs:SendMessage",
            "resources": ["arn:aws:sqs:eu-west-1:123456789012:audit"],
            "source": "observed",
            "evidence": f"CloudTrail {trail} record 0: sqs:SendMessage at 2026-11-02T10:00:00Z",
            # The role written in the template does not grant what CloudTrail saw it do.
            "status": "missing",
            "granted_by": [],
        }
    ]
    assert data["notices"] == ["CloudTrail: 1 event(s) read, 1 attributed to functions"]


def test_fix_dry_run_prints_a_diff_and_writes_nothing(
    fixture_copy: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = fixture_copy("cfn_plain")
    before = (root / "template.yaml").read_text()
    code, out, err = _run(["permissions", str(root), "--fix", "--dry-run"], capsys)
    assert code == 0, err
    assert out.startswith("--- a/template.yaml\n+++ b/template.yaml\n")
    assert "+  NotifyFunctionLeastPrivilegeRole:\n" in out
    assert (root / "template.yaml").read_text() == before
    code, out, err = _run(["permissions", str(root), "--fix"], capsys)
    assert code == 0 and out == ""
    assert err == "template.yaml: least-privilege role for NotifyFunction, DrainFunction\n"
    assert (root / "template.yaml").read_text() != before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--since", "2026-01-01"], "faasguard: error: --since/--until need --cloudtrail\n"),
        (["--dry-run"], "faasguard: error: --dry-run only makes sense with --fix\n"),
    ],
)
def test_usage_errors(extra: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["permissions", str(FIXTURES / "sam_orders"), *extra], capsys)
    assert (code, out, err) == (2, "", message)


def test_bad_cloudtrail_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    code, out, err = _run(
        ["permissions", str(FIXTURES / "sam_orders"), "--cloudtrail", str(bad)], capsys
    )
    assert (code, out) == (2, "")
    assert err.startswith(f"faasguard: error: {bad}:1: not JSON: ")


def test_fix_goes_on_after_a_template_it_cannot_rewrite_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    shutil.copytree(FIXTURES / "sam_orders", tmp_path / "a")
    shutil.copytree(FIXTURES / "serverless_shop", tmp_path / "b")
    bad = tmp_path / "a" / "template.yaml"
    bad.write_text(bad.read_text() + "  DoneQueue:\n    Type: AWS::SQS::Queue\n")
    before = bad.read_text()
    code, out, err = _run(["permissions", str(tmp_path), "--fix"], capsys)
    assert (code, out) == (2, "")
    assert (
        f"faasguard: error: a/template.yaml:{len(before.splitlines()) - 1}: cannot be parsed round-trip"
        in err
    )
    assert err.endswith("b/serverless.yml: least-privilege role for getOrder, createOrder\n")
    assert bad.read_text() == before
    assert "role: GetOrderLeastPrivilegeRole" in (tmp_path / "b" / "serverless.yml").read_text()


def test_example_app_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/example.md "Least privilege": createOrder needs exactly PutItem on the orders table."""
    example = Path(__file__).resolve().parents[3] / "examples" / "shop-serverless"
    code, out, err = _run(["permissions", str(example), "-f", "json"], capsys)
    assert code == 0, err
    functions = {f["name"]: f for f in json.loads(out)["functions"]}
    create = functions["createOrder"]
    assert [
        (n["action"], n["resources"], n["source"])
        for n in create["needed"]
        if n["source"] == "code"
    ] == [
        (
            "dynamodb:PutItem",
            ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${self:custom.tableName}"],
            "code",
        )
    ]
    dynamodb = next(u for u in create["unused"] if u["entry"] == "dynamodb:*")
    assert dynamodb["used"] == ["dynamodb:PutItem"]
    assert create["policy"]["Statement"][0] == {
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem"],
        "Resource": [
            "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${self:custom.tableName}"
        ],
    }
    assert functions["legacyCleanup"]["unused"] == [] and functions["legacyCleanup"]["unknown"]


def test_fix_keeps_what_cloudtrail_saw_the_function_do(
    fixture_copy: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = fixture_copy("sam_orders")
    trail = tmp_path / "trail.json"
    topic = "arn:aws:sns:eu-west-1:123456789012:alerts"
    trail.write_text(
        json.dumps(
            {
                "Records": [
                    record(
                        "orders-ReaderFunction-Ab12Cd34",
                        "sns.amazonaws.com",
                        "Publish",
                        "2026-11-02T10:00:00Z",
                        params={"topicArn": topic},
                    )
                ]
            }
        )
    )
    code, out, err = _run(
        ["permissions", str(root), "--fix", "--dry-run", "--cloudtrail", str(trail)], capsys
    )
    assert code == 0, err
    reader = out.split("   ReaderFullAccessFunction:")[0]
    assert (
        "+            - Effect: Allow\n"
        "+              Action:\n"
        "+                - sns:Publish\n"
        "+              Resource:\n"
        f"+                - {topic}\n"
    ) in reader
