"""Permission rules (FG1001-FG1012): each rule alone and the whole family on one role.

Roles are built from model objects. Tests that run the whole family (``run_family``) assert the
exact set of findings, which is how "one finding per statement" and "a typo is not a risk" are
checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders_permissions import FILE, Brief, brief, role, run_family, run_role, stmt

from faasguard.findings import Confidence, Severity
from faasguard.model import AppFormat, Role, Statement, Unknown
from faasguard.rules import _iam
from faasguard.rules.permissions import (
    RULES,
    AdminAccess,
    CredentialsExposure,
    DataExfiltration,
    InvalidPolicyStatement,
    PartialWildcardAction,
    PrivilegeEscalation,
    ResourceExposure,
    SharedRole,
    UnknownAction,
    UnknownManagedPolicy,
    WildcardAction,
    WildcardResource,
)

UNKNOWN = Unknown("!GetAtt Thing.Arn", "deploy-time attribute")
SHAPELESS = Unknown("${ssm:/app/arn}", "ssm parameter")
ROLE = "IamRoleLambdaExecution"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules" / "permissions.md"


def briefs(found: list[Any]) -> list[Brief]:
    return [brief(f) for f in found]


# --------------------------------------------------------------------------- the cases


def test_one_finding_per_statement_naming_both_wildcards() -> None:
    """`s3:*` on `*` used to be FG1001 and FG1003; now one finding says both."""
    r = role(stmt(["s3:*"], ["*"], line=21, sid="All"), functions=("api", "worker"))
    found = run_family(r)
    assert briefs(found) == [
        Brief("FG1001", None, ROLE, FILE, 21, Severity.HIGH),
        Brief("FG1006", None, ROLE, FILE, 12, Severity.HIGH),
        Brief("FG1009", None, ROLE, FILE, 21, Severity.HIGH),
        Brief("FG1010", None, ROLE, FILE, 21, Severity.HIGH),  # s3:GetDataAccess
        Brief("FG1011", None, ROLE, FILE, 21, Severity.HIGH),
    ]
    wildcard = found[0]
    assert "`s3:*` (every s3 action:" in wildcard.message
    assert (
        "on `*` (every resource in the account, including ones created later)" in wildcard.message
    )
    assert "Functions `api`, `worker` inherit it (2 functions)." in wildcard.message
    assert wildcard.evidence == "Allow s3:* on [*]"
    assert "and the wildcard resource with the ARNs it uses" in wildcard.remediation


def test_misspelled_action_is_its_own_low_finding_never_a_risk() -> None:
    found = run_family(role(stmt(["sts:GetCallerIdentify"], ["*"], line=30)))
    assert briefs(found) == [Brief("FG1007", "api", ROLE, FILE, 30, Severity.LOW)]
    [f] = found
    assert f.category == "permissions.unknown-action"
    assert f.message == (
        "Statement `provider.iam.role.statements@30` of role `IamRoleLambdaExecution` names "
        "`sts:GetCallerIdentify`, which matches no IAM action, so it grants nothing; a typo? "
        "Did you mean `sts:GetCallerIdentity`? Function `api` inherits it."
    )
    assert f.remediation.startswith("Fix the action name (`sts:GetCallerIdentity`)")


def test_actions_that_accept_only_star_are_not_wildcard_resource() -> None:
    r = role(stmt(["ses:VerifyEmailIdentity", "sts:GetCallerIdentity", "xray:PutTraceSegments"]))
    assert run_family(r) == []


def test_every_bucket_outranks_a_typo() -> None:
    r = role(
        stmt(["s3:GetObject", "s3:PutObject"], ["*"], line=20),
        stmt(["sts:GetCallerIdentify"], ["*"], line=30),
    )
    found = run_family(r)
    assert briefs(found) == [
        Brief("FG1003", "api", ROLE, FILE, 20, Severity.HIGH),
        Brief("FG1007", "api", ROLE, FILE, 30, Severity.LOW),
        Brief("FG1009", "api", ROLE, FILE, 20, Severity.HIGH),
    ]
    assert found[0].message == (
        "Statement `provider.iam.role.statements@20` of role `IamRoleLambdaExecution` allows "
        "s3:GetObject, s3:PutObject on `*`: every resource in the account, including ones "
        "created later. Function `api` inherits it."
    )


def test_ecs_role_is_judged_as_a_role_not_called_the_function() -> None:
    r = Role(
        id="TaskRole",
        location=role().location,
        statements=(stmt(["secretsmanager:GetSecretValue"], ["*"], line=44),),
        trusted_services=("ecs-tasks.amazonaws.com",),
    )
    found = run_family(r)
    assert briefs(found) == [
        Brief("FG1003", None, "TaskRole", FILE, 44, Severity.MEDIUM),
        Brief("FG1010", None, "TaskRole", FILE, 44, Severity.HIGH),
    ]
    for f in found:
        assert f.message.endswith(
            "No function in this template assumes the role; it is judged as a role (its trust "
            "policy lets `ecs-tasks.amazonaws.com` assume it)."
        )
        assert "the function" not in f.message
    assert "read or create credentials" in found[1].message
    assert "the role" in found[1].remediation


# --------------------------------------------------------------------------- FG1001


def test_wildcard_action_on_named_resource() -> None:
    r = role(stmt(["dynamodb:*"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/T"], sid="T"))
    [f] = run_role(WildcardAction, r)
    assert brief(f) == Brief("FG1001", "api", ROLE, FILE, 20, Severity.MEDIUM)
    assert "every dynamodb action:" in f.message
    assert "Sid `T`" in f.message
    assert "for example `dynamodb:GetItem`, `dynamodb:PutItem`, `dynamodb:Query`" in f.remediation


def test_wildcard_action_full_and_service_wildcards_on_a_named_resource() -> None:
    r = role(
        stmt(["*"], ["arn:aws:s3:::b"], line=20), stmt(["*:Get*"], ["arn:aws:s3:::b"], line=25)
    )
    found = run_role(WildcardAction, r)
    assert briefs(found) == [
        Brief("FG1001", "api", ROLE, FILE, 20, Severity.MEDIUM),
        Brief("FG1001", "api", ROLE, FILE, 25, Severity.MEDIUM),
    ]
    assert "`*` (every action of every service)" in found[0].message
    assert "`*:Get*` (the Get* actions of every service: 3310 today)" in found[1].message


def test_wildcard_action_not_action_with_allow_on_named_resources() -> None:
    r = role(stmt(not_actions=["iam:*"], resources=["arn:aws:s3:::b/*"], line=33))
    [f] = run_role(WildcardAction, r)
    assert brief(f) == Brief("FG1001", "api", ROLE, FILE, 33, Severity.HIGH)
    assert "except iam:* (NotAction with Allow: 21901 actions today)" in f.message
    assert f.evidence == "Allow NotAction [iam:*] on [arn:aws:s3:::b/*]"


def test_wildcard_action_condition_narrows_and_lowers_confidence() -> None:
    r = role(
        stmt(["sqs:*"], ["arn:aws:sqs:::q"], condition={"Bool": {"aws:SecureTransport": "true"}})
    )
    [f] = run_role(WildcardAction, r)
    assert f.confidence is Confidence.MEDIUM
    assert "(a Condition narrows it (aws:SecureTransport))" in f.message


@pytest.mark.parametrize(
    "r",
    [
        role(stmt(["s3:*"]), external=True),
        role(stmt([UNKNOWN])),
        role(stmt(["s3:*"], effect=Unknown("!If [C, Allow, Deny]", "condition"))),
        role(stmt(["s3:*"], ["*"], effect="Deny")),
        role(stmt(["s3:*"], ["*"]), stmt(["s3:*"], ["*"], effect="Deny", line=30)),  # denied
    ],
)
def test_wildcard_action_unknown_or_denied_says_nothing(r: Role) -> None:
    assert run_role(WildcardAction, r) == []


# --------------------------------------------------------------------------- FG1002


def test_partial_wildcard_lists_expansion_and_wide_resource() -> None:
    r = role(stmt(["dynamodb:*Item"], ["arn:aws:dynamodb:*:*:table/*"], line=40))
    [f] = run_role(PartialWildcardAction, r)
    assert brief(f) == Brief("FG1002", "api", ROLE, FILE, 40, Severity.HIGH)
    assert "`dynamodb:*Item`, 7 actions today (dynamodb:BatchGetItem" in f.message
    assert (
        "on `arn:aws:dynamodb:*:*:table/*` (every resource of its type in the account)" in f.message
    )
    assert run_role(WildcardResource, r) == []  # one finding per statement


def test_partial_wildcard_on_named_resource_is_low() -> None:
    r = role(stmt(["sqs:SendMessage*"], [UNKNOWN], line=41))
    [f] = run_role(PartialWildcardAction, r)
    assert brief(f) == Brief("FG1002", "api", ROLE, FILE, 41, Severity.LOW)
    assert "`sqs:SendMessage*`, 1 action today (sqs:SendMessage)" in f.message


# --------------------------------------------------------------------------- FG1003


def test_wildcard_resource_sam_template_with_pseudo_parameters() -> None:
    """SAM's DynamoDBCrudPolicy with `TableName: '*'` is CRUD on every table."""
    every_table = Unknown(
        "!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*",
        "deploy-time pseudo parameter",
    )
    r = role(
        stmt(
            ["dynamodb:GetItem", "dynamodb:PutItem"],
            [every_table],
            line=14,
            origin="SAM policy template DynamoDBCrudPolicy",
        ),
        rid="FnRole",
        functions=("Fn",),
    )
    found = run_family(r, fmt=AppFormat.SAM)
    assert briefs(found) == [
        Brief("FG1003", "Fn", "FnRole", FILE, 14, Severity.HIGH),
        Brief("FG1009", "Fn", "FnRole", FILE, 14, Severity.MEDIUM),
    ]
    assert (
        "on `!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*`: every resource of its type"
        in found[0].message
    )


def test_wildcard_resource_not_resource_and_star_only_split_advice() -> None:
    r = role(
        stmt(
            ["sqs:SendMessage", "sqs:ListQueues"],
            not_resources=["arn:aws:sqs:*:*:private"],
            line=50,
        )
    )
    [f] = run_role(WildcardResource, r)
    assert brief(f) == Brief("FG1003", "api", ROLE, FILE, 50, Severity.HIGH)
    assert "allows sqs:SendMessage on `NotResource arn:aws:sqs:*:*:private`" in f.message
    assert (
        "Keep `sqs:ListQueues` (which accept only `*`) in a statement of their own."
        in f.remediation
    )


def test_wildcard_resource_list_only_is_low_and_exemptions() -> None:
    r = role(
        stmt(["s3:ListBucket", "ec2:CreateNetworkInterface", "cloudwatch:PutMetricData"], ["*"])
    )
    [f] = run_role(WildcardResource, r)
    assert brief(f) == Brief("FG1003", "api", ROLE, FILE, 20, Severity.LOW)
    assert f.evidence == "Allow s3:ListBucket on [*]"
    assert (
        run_role(
            WildcardResource, r, extra={"wildcard-resource": {"exempt-actions": ["S3:ListBucket"]}}
        )
        == []
    )


@pytest.mark.parametrize(
    "statement",
    [
        stmt(["s3:GetObject"], ["arn:aws:s3:::b/*"]),
        stmt(["s3:GetObject"], [UNKNOWN]),  # one resource of the template
        stmt(["s3:GetObject"], [SHAPELESS]),  # nothing known of its shape
        stmt(["dynamodb:GetItem"], ["arn:aws:dynamodb:*:*:table/Orders"]),  # region/account only
    ],
)
def test_wildcard_resource_pass(statement: Statement) -> None:
    assert run_role(WildcardResource, role(statement)) == []


# --------------------------------------------------------------------------- FG1004


def test_admin_statement_is_reported_by_admin_access_alone() -> None:
    found = run_family(role(stmt(["*"], ["*"], line=22)))
    assert briefs(found) == [Brief("FG1004", "api", ROLE, FILE, 22, Severity.CRITICAL)]
    assert "allows every action on every resource" in found[0].message


@pytest.mark.parametrize(
    ("policy", "severity", "what"),
    [
        (
            "arn:aws:iam::aws:policy/AdministratorAccess",
            Severity.CRITICAL,
            "every action on every resource",
        ),
        (
            "arn:aws:iam::aws:policy/PowerUserAccess",
            Severity.HIGH,
            "of the 22091 IAM actions on every resource (all but iam:*, organizations:*, account:*)",
        ),
    ],
)
def test_admin_managed_policies_by_their_documents(
    policy: str, severity: Severity, what: str
) -> None:
    found = run_role(AdminAccess, role(managed=[policy]))
    assert briefs(found) == [Brief("FG1004", "api", ROLE, FILE, 12, severity)]
    assert what in found[0].message
    assert found[0].remediation.startswith("Detach `")


def test_admin_managed_policy_is_not_also_escalation_or_exfiltration() -> None:
    found = run_family(role(managed=["arn:aws:iam::aws:policy/AdministratorAccess"]))
    assert briefs(found) == [Brief("FG1004", "api", ROLE, FILE, 12, Severity.CRITICAL)]


def test_admin_boundary_lowers_confidence() -> None:
    r = role(stmt(["*"], ["*"]), boundary="arn:aws:iam::123456789012:policy/boundary")
    [f] = run_role(AdminAccess, r)
    assert f.confidence is Confidence.MEDIUM
    assert "permissions boundary" in f.message


def test_admin_removed_by_a_readable_boundary() -> None:
    r = role(stmt(["*"], ["*"]), boundary="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert run_role(AdminAccess, r) == []


# --------------------------------------------------------------------------- FG1005


@pytest.mark.parametrize("path", _iam.ESCALATION_PATHS, ids=lambda p: p.name)
def test_each_escalation_path_on_every_resource(path: _iam.EscalationPath) -> None:
    [f] = run_role(PrivilegeEscalation, role(stmt(list(path.actions), ["*"], line=60)))
    expected = Severity.CRITICAL if path.takeover else Severity.HIGH
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 60, expected)
    assert f.evidence == f"paths: {path.name}; actions: {', '.join(sorted(path.actions))}"
    assert path.why in f.message


def test_escalation_on_named_resources_is_medium_and_assume_role_is_routine() -> None:
    r = role(
        stmt(
            ["lambda:UpdateFunctionCode"],
            ["arn:aws:lambda:eu-west-1:123456789012:function:other"],
            line=61,
        ),
        stmt(["sts:AssumeRole"], ["arn:aws:iam::123456789012:role/reader"], line=62),
    )
    found = run_role(PrivilegeEscalation, r)
    assert briefs(found) == [Brief("FG1005", "api", ROLE, FILE, 61, Severity.MEDIUM)]


def test_pass_role_combination_names_both_statements() -> None:
    r = role(
        stmt(["lambda:CreateFunction"], ["*"], line=63),
        stmt(["iam:PassRole"], ["arn:aws:iam::123456789012:role/*"], line=64),
    )
    [f] = run_role(PrivilegeEscalation, r)
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 63, Severity.HIGH)
    assert (
        "`lambda:CreateFunction` (statement `provider.iam.role.statements@63`) + `iam:PassRole` "
        "(statement `provider.iam.role.statements@64`) let it create a function that runs with a "
        "more privileged role"
    ) in f.message


def test_pass_role_on_named_roles_is_low() -> None:
    r = role(
        stmt(["lambda:CreateFunction"], ["*"], line=65),
        stmt(["iam:PassRole"], ["arn:aws:iam::123456789012:role/worker"], line=66),
    )
    [f] = run_role(PrivilegeEscalation, r)
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 65, Severity.LOW)


def test_actions_on_another_service_s_resources_reach_nothing() -> None:
    """`lambda:CreateFunction` on a role ARN cannot create anything."""
    r = role(
        stmt(
            ["lambda:CreateFunction", "iam:PassRole"], ["arn:aws:iam::123456789012:role/*"], line=67
        )
    )
    assert run_role(PrivilegeEscalation, r) == []


def test_passed_to_service_condition_closes_other_paths() -> None:
    only_states = {"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}}
    r = role(
        stmt(["lambda:CreateFunction"], ["*"], line=66),
        stmt(["iam:PassRole"], ["*"], line=67, condition=only_states),
    )
    assert run_role(PrivilegeEscalation, r) == []
    r2 = role(
        stmt(["states:CreateStateMachine", "states:StartExecution"], ["*"], line=66),
        stmt(["iam:PassRole"], ["*"], line=67, condition=only_states),
    )
    [f] = run_role(PrivilegeEscalation, r2)
    assert f.evidence.startswith("paths: passrole-states;")
    assert f.confidence is Confidence.MEDIUM


def test_unconditional_deny_and_boundary_remove_escalation() -> None:
    allow = stmt(["iam:PutRolePolicy"], ["*"], line=70)
    assert (
        run_role(PrivilegeEscalation, role(allow, stmt(["iam:*"], ["*"], effect="Deny", line=71)))
        == []
    )
    readonly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert run_role(PrivilegeEscalation, role(allow, boundary=readonly)) == []


def test_escalation_through_managed_policies_points_at_the_role() -> None:
    found = run_role(PrivilegeEscalation, role(managed=["arn:aws:iam::aws:policy/IAMFullAccess"]))
    assert briefs(found) == [Brief("FG1005", "api", ROLE, FILE, 12, Severity.CRITICAL)]
    assert "through managed policy `IAMFullAccess`" in found[0].message
    assert found[0].remediation.startswith("Detach `IAMFullAccess`")
    lam = run_role(
        PrivilegeEscalation, role(managed=["arn:aws:iam::aws:policy/AWSLambda_FullAccess"])
    )
    assert briefs(lam) == [Brief("FG1005", "api", ROLE, FILE, 12, Severity.HIGH)]
    assert lam[0].evidence == (
        "paths: update-function-code, update-function-configuration, passrole-lambda; actions: "
        "iam:PassRole, lambda:CreateFunction, lambda:UpdateFunctionCode, "
        "lambda:UpdateFunctionConfiguration"
    )


def test_not_action_grants_escalation() -> None:
    [f] = run_role(
        PrivilegeEscalation,
        role(stmt(not_actions=["s3:*"], resources=["arn:aws:iam::123456789012:user/x"], line=72)),
    )
    assert brief(f) == Brief("FG1005", "api", ROLE, FILE, 72, Severity.MEDIUM)


# --------------------------------------------------------------------------- FG1006


def test_shared_role_lists_grants_per_source() -> None:
    r = role(
        stmt(["dynamodb:GetItem"], ["arn:aws:dynamodb:eu-west-1:1:table/T"]),
        managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        functions=("api", "report"),
    )
    [f] = run_role(SharedRole, r)
    assert brief(f) == Brief("FG1006", None, ROLE, FILE, 12, Severity.MEDIUM)
    assert f.message == (
        "2 functions share role `IamRoleLambdaExecution` (`api`, `report`); each inherits all it "
        "grants, 4 actions: 3 from AWSLambdaBasicExecutionRole (logs:CreateLogGroup, "
        "logs:CreateLogStream, logs:PutLogEvents); 1 from inline statements (dynamodb:GetItem)."
    )
    assert "serverless-iam-roles-per-function" in f.remediation
    assert "`IamRoleLambdaExecution` is shared by every function" in f.remediation


def test_shared_role_baseline_only_is_low_and_wide_writes_high() -> None:
    base = role(
        managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        functions=("a", "b"),
    )
    [f] = run_role(SharedRole, base)
    assert f.severity is Severity.LOW
    wide = role(stmt(["sqs:SendMessage"], ["*"]), functions=("a", "b"))
    [g] = run_role(SharedRole, wide)
    assert g.severity is Severity.HIGH
    assert g.message.endswith(
        "each inherits all it grants, 1 action: 1 from inline statements (sqs:SendMessage). "
        "Among them, writes or permission changes on every resource of their type "
        "(sqs:SendMessage) reach every function, the most exposed one included."
    )


def test_shared_role_names_unknown_policies_and_skips_single_or_external() -> None:
    r = role(managed=["arn:aws:iam::123456789012:policy/app"], functions=("a", "b"))
    [f] = run_role(SharedRole, r)
    assert "whatever arn:aws:iam::123456789012:policy/app grant (unknown)" in f.message
    assert run_role(SharedRole, role(stmt(["s3:*"]))) == []
    assert run_role(SharedRole, role(functions=("a", "b"), external=True)) == []


# --------------------------------------------------------------------------- FG1007, FG1008


def test_unknown_action_in_not_action_means_the_exclusion_fails() -> None:
    r = role(
        stmt(["s3:GetObject"], ["arn:aws:s3:::b/*"]),
        stmt(["iam:PasRole", "iam:CreatUser"], ["*"], effect="Deny", line=31),
    )
    [f] = run_role(UnknownAction, r)
    assert brief(f) == Brief("FG1007", "api", ROLE, FILE, 31, Severity.LOW)
    assert "so the exclusion it was meant to make does not happen" in f.message
    assert (
        "Did you mean `iam:PassRole` (for `iam:PasRole`), `iam:CreateUser` (for `iam:CreatUser`)?"
        in f.message
    )


def test_unknown_action_ignores_managed_policies() -> None:
    assert run_role(UnknownAction, role(managed=["arn:aws:iam::aws:policy/ReadOnlyAccess"])) == []


def test_invalid_policy_statement() -> None:
    bad = Unknown("5", "malformed policy: Action entry 5 is a number, not a string")
    r = role(
        stmt(["s3:GetObject"], ["*"], effect="Alow", line=80),
        stmt([bad], ["*"], line=81),
        stmt(["s3:GetObject"], ["arn:aws:s3:::b/*"], line=82),
    )
    found = run_role(InvalidPolicyStatement, r)
    assert briefs(found) == [
        Brief("FG1008", "api", ROLE, FILE, 80, Severity.MEDIUM),
        Brief("FG1008", "api", ROLE, FILE, 81, Severity.MEDIUM),
    ]
    assert found[0].evidence == "Effect is 'Alow'; IAM accepts only 'Allow' or 'Deny'"
    assert found[1].evidence == "Action entry 5 is a number, not a string"
    # nothing else judges them
    assert [f.rule_id for f in run_family(r)] == ["FG1008", "FG1008"]


# --------------------------------------------------------------------------- FG1009-FG1011


def test_data_exfiltration_through_managed_policy() -> None:
    found = run_role(
        DataExfiltration, role(managed=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    )
    assert briefs(found) == [Brief("FG1009", "api", ROLE, FILE, 12, Severity.HIGH)]
    assert found[0].message.startswith(
        "Role `IamRoleLambdaExecution` allows s3-object-lambda:GetObject, s3:GetObject, "
        "s3:GetObjectAttributes, s3:GetObjectVersion on `*`"
    )
    assert "through managed policy `AmazonS3ReadOnlyAccess`" in found[0].message


def test_data_exfiltration_on_named_resources_is_not_reported() -> None:
    assert run_role(DataExfiltration, role(stmt(["s3:GetObject"], ["arn:aws:s3:::b/*"]))) == []


def test_credentials_exposure() -> None:
    r = role(
        stmt(
            ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ecr:GetAuthorizationToken"],
            ["*"],
            line=90,
        )
    )
    [f] = run_role(CredentialsExposure, r)
    assert brief(f) == Brief("FG1010", "api", ROLE, FILE, 90, Severity.HIGH)
    assert "allows secretsmanager:GetSecretValue, ssm:GetParameter on `*`" in f.message


def test_resource_exposure_and_conditions() -> None:
    r = role(
        stmt(
            ["s3:PutBucketPolicy", "lambda:AddPermission", "iam:PutRolePolicy"],
            ["arn:aws:s3:::*"],
            line=91,
            condition={"StringEquals": {"aws:ResourceTag/app": "shop"}},
        )
    )
    [f] = run_role(ResourceExposure, r)
    assert brief(f) == Brief("FG1011", "api", ROLE, FILE, 91, Severity.MEDIUM)
    assert f.confidence is Confidence.MEDIUM
    assert "allows s3:PutBucketPolicy on `arn:aws:s3:::*`" in f.message
    assert "(a Condition narrows it (aws:ResourceTag/app))" in f.message


def test_dynamodb_full_access_findings() -> None:
    found = run_family(role(managed=["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]))
    assert briefs(found) == [
        Brief("FG1009", "api", ROLE, FILE, 12, Severity.HIGH),
        Brief("FG1010", "api", ROLE, FILE, 12, Severity.HIGH),
        Brief("FG1011", "api", ROLE, FILE, 12, Severity.HIGH),
    ]
    assert all("through managed policy `AmazonDynamoDBFullAccess`" in f.message for f in found)


# --------------------------------------------------------------------------- FG1012


def test_unknown_managed_policies() -> None:
    r = role(
        managed=[
            "arn:aws:iam::123456789012:policy/app",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcess",
            Unknown("!ImportValue shared", "import"),
        ]
    )
    found = run_role(UnknownManagedPolicy, r)
    assert briefs(found) == [
        Brief("FG1012", "api", ROLE, FILE, 12, Severity.INFO),
        Brief("FG1012", "api", ROLE, FILE, 12, Severity.LOW),
        Brief("FG1012", "api", ROLE, FILE, 12, Severity.INFO),
    ]
    assert "customer managed policy" in found[0].message
    assert (
        "`AmazonS3ReadOnlyAcess` is not an AWS managed policy faasguard knows" in found[1].message
    )
    assert "(import)" in found[2].message


# --------------------------------------------------------------------------- the family


def test_rules_tuple_lists_every_rule_in_id_order() -> None:
    assert [r.id for r in RULES] == sorted(r.id for r in RULES)
    assert [r.name for r in RULES] == [
        "wildcard-action",
        "partial-wildcard-action",
        "wildcard-resource",
        "admin-access",
        "privilege-escalation",
        "shared-role",
        "unknown-action",
        "invalid-policy-statement",
        "data-exfiltration",
        "credentials-exposure",
        "resource-exposure",
        "unknown-managed-policy",
        "unused-grant",  # FG1040, produced by the needed-permissions analyzer
    ]


def test_family_doc_lists_every_rule() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| {rule.id} | `{rule.name}` | `{rule.category}` |" in text


def test_names_aws_wrote_are_not_the_author_s_typos() -> None:
    """SAM's own SQSPollerPolicy lists `sqs:DeleteMessageBatch`, which IAM does not have."""
    r = role(
        stmt(
            ["sqs:DeleteMessageBatch", "sqs:ReceiveMessage"],
            [UNKNOWN],
            origin="SAM policy template SQSPollerPolicy",
        )
    )
    assert run_role(UnknownAction, r) == []


def test_platform_policies_sam_attaches_are_not_risks() -> None:
    """AWSLambdaSQSQueueExecutionRole (sqs:ReceiveMessage on `*`) is what an SQS event needs."""
    r = role(managed=["arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"])
    assert run_family(r) == []


def test_shared_role_conventional_star_writes_are_not_wide_changes() -> None:
    r = role(
        stmt(["cloudwatch:PutMetricData", "xray:PutTraceSegments"], ["*"]),
        stmt(["dynamodb:PutItem"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/T"], line=25),
        functions=("a", "b"),
    )
    [f] = run_role(SharedRole, r)
    assert f.severity is Severity.MEDIUM


def test_wildcard_resource_on_log_writes_alone_is_low() -> None:
    r = role(stmt(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], ["*"]))
    [f] = run_role(WildcardResource, r)
    assert brief(f) == Brief("FG1003", "api", ROLE, FILE, 20, Severity.LOW)
    r2 = role(stmt(["logs:PutLogEvents", "sqs:SendMessage"], ["*"]))
    [g] = run_role(WildcardResource, r2)
    assert g.severity is Severity.HIGH


def test_remediations_use_terraform_spellings_on_terraform_apps() -> None:
    r = role(
        stmt(["dynamodb:GetItem", "secretsmanager:GetSecretValue"], ["*"]), rid="aws_iam_role.fn"
    )
    [wide] = run_role(WildcardResource, r, fmt=AppFormat.TERRAFORM)
    assert "dynamodb: `aws_dynamodb_table.my_table.arn`" in wide.remediation
    assert "!GetAtt" not in wide.remediation and "${AWS::" not in wide.remediation
    [creds] = run_role(CredentialsExposure, r, fmt=AppFormat.TERRAFORM)
    assert creds.remediation.endswith("`aws_secretsmanager_secret.db.arn`).")
    [data] = run_role(DataExfiltration, r, fmt=AppFormat.TERRAFORM)
    assert data.remediation.endswith("`dynamodb:GetItem` on `aws_dynamodb_table.orders.arn`.")
    [cfn] = run_role(DataExfiltration, r, fmt=AppFormat.SAM)
    assert cfn.remediation.endswith("`dynamodb:GetItem` on `!GetAtt Orders.Arn`.")
