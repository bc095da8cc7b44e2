"""Role evaluation: NotAction, NotResource, Deny, Condition, boundary, managed policies, ARNs."""

from __future__ import annotations

from typing import Any

import pytest

from faasguard.iam.actions import action_db
from faasguard.iam.arns import Scope, resource_pattern
from faasguard.iam.grants import Verdict, evaluate_role, statement_actions
from faasguard.model import Location, Role, Statement, Unknown

WHERE = Location("serverless.yml", 12)
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"
BUCKET_OBJECT = "arn:aws:s3:::uploads/report.csv"


def st(
    actions: tuple[str | Unknown, ...] = (),
    resources: tuple[str | Unknown, ...] = ("*",),
    *,
    effect: str = "Allow",
    not_actions: tuple[str, ...] = (),
    not_resources: tuple[str, ...] = (),
    condition: dict[str, Any] | None = None,
    line: int = 20,
) -> Statement:
    return Statement(
        effect=effect,
        actions=actions,
        location=Location("serverless.yml", line),
        origin=f"statements@{line}",
        not_actions=not_actions,
        resources=() if not_resources else resources,
        not_resources=not_resources,
        condition=condition,
    )


def role(
    *statements: Statement, managed: tuple[str | Unknown, ...] = (), boundary: str | None = None
) -> Role:
    return Role(
        id="FnRole",
        location=WHERE,
        statements=statements,
        managed_policies=managed,
        functions=("fn",),
        permissions_boundary=boundary,
    )


def test_wildcards_expand_to_real_actions_with_the_statement_behind_each() -> None:
    s = st(("dynamodb:*Item", "sts:GetCallerIdentity"), (TABLE,))
    granted = evaluate_role(role(s)).granted_actions()
    assert sorted(granted) == [
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "sts:GetCallerIdentity",
    ]
    (grant,) = granted["dynamodb:DeleteItem"]
    assert grant.statement is s
    assert grant.policy is None and grant.source == "inline"
    assert grant.scope is Scope.SPECIFIC
    assert grant.location == Location("serverless.yml", 20)


def test_not_action_grants_everything_else() -> None:
    s = st(not_actions=("iam:*", "organizations:*"))
    grants = evaluate_role(role(s))
    granted = grants.granted_actions()
    db = action_db()
    assert len(granted) == len(db.all_actions()) - len(db.expand("iam:*")) - len(
        db.expand("organizations:*")
    )
    assert "iam:PassRole" not in granted
    assert granted["s3:GetObject"][0].via_not_action
    assert grants.allowed("s3:GetObject", BUCKET_OBJECT).verdict is Verdict.ALLOWED
    assert grants.allowed("iam:PassRole").verdict is Verdict.NOT_GRANTED


def test_not_resource_grants_every_resource_except_those_listed() -> None:
    s = st(("s3:GetObject",), not_resources=("arn:aws:s3:::secrets/*",))
    grants = evaluate_role(role(s))
    assert grants.allowed("s3:GetObject", BUCKET_OBJECT).verdict is Verdict.ALLOWED
    assert grants.allowed("s3:GetObject", "arn:aws:s3:::secrets/key").verdict is Verdict.NOT_GRANTED
    assert grants.granted_actions()["s3:GetObject"][0].scope is Scope.EVERYTHING


def test_explicit_deny_wins_and_removes_actions_denied_everywhere() -> None:
    allow = st(("s3:*",), ("*",))
    deny_all = st(("s3:DeleteBucket",), ("*",), effect="Deny", line=30)
    deny_one = st(("s3:GetObject",), ("arn:aws:s3:::secrets/*",), effect="Deny", line=40)
    grants = evaluate_role(role(allow, deny_all, deny_one))
    granted = grants.granted_actions()
    assert "s3:DeleteBucket" not in granted  # denied on every resource
    assert "s3:GetObject" in granted  # denied on some resources only
    decision = grants.allowed("s3:GetObject", "arn:aws:s3:::secrets/key")
    assert decision.verdict is Verdict.DENIED
    assert decision.denied_by == (deny_one,)
    assert grants.allowed("s3:GetObject", BUCKET_OBJECT).verdict is Verdict.ALLOWED
    assert grants.allowed("s3:deletebucket", "arn:aws:s3:::uploads").verdict is Verdict.DENIED


def test_a_condition_narrows_a_grant_and_says_so() -> None:
    s = st(
        ("s3:GetObject",),
        ("*",),
        condition={"StringEquals": {"aws:ResourceAccount": "123456789012"}},
    )
    grants = evaluate_role(role(s))
    (grant,) = grants.granted_actions()["s3:GetObject"]
    assert grant.conditional
    decision = grants.allowed("s3:GetObject", BUCKET_OBJECT)
    assert decision.verdict is Verdict.CONDITIONAL
    assert decision.allowed_by == (grant,)
    assert "every statement that allows it has a Condition" in decision.notes


def test_a_conditional_deny_does_not_remove_the_grant() -> None:
    allow = st(("s3:GetObject",), ("*",))
    deny = st(
        ("s3:*",),
        ("*",),
        effect="Deny",
        condition={"Bool": {"aws:SecureTransport": "false"}},
        line=30,
    )
    grants = evaluate_role(role(allow, deny))
    assert "s3:GetObject" in grants.granted_actions()
    decision = grants.allowed("s3:GetObject", BUCKET_OBJECT)
    assert decision.verdict is Verdict.ALLOWED
    assert decision.denied_by == (deny,)
    assert decision.notes == ("a Deny with a Condition may apply (statements@30)",)


def test_a_readable_boundary_limits_grants() -> None:
    s = st(("s3:*", "dynamodb:GetItem"), ("*",))
    grants = evaluate_role(role(s, boundary="arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"))
    granted = grants.granted_actions()
    assert "dynamodb:GetItem" in granted
    assert not any(a.startswith("s3:") for a in granted)
    decision = grants.allowed("s3:GetObject", BUCKET_OBJECT)
    assert decision.verdict is Verdict.NOT_GRANTED
    assert decision.notes == (
        "the permissions boundary AmazonDynamoDBReadOnlyAccess does not allow it",
    )
    assert grants.allowed("dynamodb:GetItem", TABLE).verdict is Verdict.ALLOWED


def test_an_unreadable_boundary_leaves_grants_but_makes_them_uncertain() -> None:
    s = st(("s3:GetObject",), ("*",))
    grants = evaluate_role(role(s, boundary="arn:aws:iam::123456789012:policy/boundary"))
    assert grants.boundary_unknown
    assert "s3:GetObject" in grants.granted_actions()
    decision = grants.allowed("s3:GetObject", BUCKET_OBJECT)
    assert decision.verdict is Verdict.UNKNOWN
    assert "the role's permissions boundary cannot be read and may narrow this" in decision.notes
    assert not grants.complete


def test_managed_policy_documents_are_expanded_like_inline_ones() -> None:
    grants = evaluate_role(role(managed=("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",)))
    granted = grants.granted_actions()
    db = action_db()
    assert db.expand("dynamodb:*") <= set(granted)
    assert db.expand("dax:*") <= set(granted)
    (grant,) = granted["dynamodb:Scan"]
    assert grant.policy == "AmazonDynamoDBFullAccess"
    assert grant.source == "managed policy AmazonDynamoDBFullAccess"
    assert grant.scope is Scope.EVERYTHING
    assert grant.location == WHERE  # a managed policy's grants point at the role
    # iam:PassRole only to the services its Condition names
    (pass_role,) = granted["iam:PassRole"]
    assert pass_role.conditional
    assert "s3:GetObject" not in granted
    assert grants.complete


def test_unknown_managed_policies_are_listed_not_treated_as_empty() -> None:
    unresolved = Unknown("!ImportValue shared-policy", "import")
    grants = evaluate_role(
        role(
            managed=(
                "arn:aws:iam::123456789012:policy/app",
                unresolved,
                "arn:aws:iam::aws:policy/NoSuchThing",
            )
        )
    )
    assert grants.unknown_policies == (
        "arn:aws:iam::123456789012:policy/app",
        unresolved,
        "arn:aws:iam::aws:policy/NoSuchThing",
    )
    assert not grants.complete
    assert grants.allowed("s3:GetObject", BUCKET_OBJECT).verdict is Verdict.UNKNOWN


def test_sub_managed_policy_arn_with_partition_is_known() -> None:
    arn = Unknown("!Sub arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess", "pseudo")
    grants = evaluate_role(role(managed=(arn,)))
    assert grants.unknown_policies == ()
    assert "s3:GetObject" in grants.granted_actions()


def test_unknown_actions_with_suggestions() -> None:
    s = st(("sts:GetCallerIdentify", "s3:GetObject", "dynamo:GetItem", "s3:Gett*"))
    items = evaluate_role(role(s)).unknown_actions()
    assert [(i.entry, i.suggestion, i.policy) for i in items] == [
        ("sts:GetCallerIdentify", "sts:GetCallerIdentity", None),
        ("dynamo:GetItem", None, None),
        ("s3:Gett*", None, None),
    ]


def test_unresolved_action_makes_the_answer_unknown() -> None:
    s = st((Unknown("${self:custom.action}", "variable"),), ("*",))
    grants = evaluate_role(role(s))
    assert grants.granted_actions() == {}
    assert grants.allowed("s3:GetObject", BUCKET_OBJECT).verdict is Verdict.UNKNOWN
    assert statement_actions(s) == (frozenset(), False, False)


def test_invalid_effect_grants_nothing() -> None:
    s = st(("s3:GetObject",), ("*",), effect="Alow")
    assert evaluate_role(role(s)).granted_actions() == {}


# --------------------------------------------------------------------------- ARN shapes


@pytest.mark.parametrize(
    ("value", "pattern", "scope", "exact"),
    [
        ("*", "*", Scope.EVERYTHING, True),
        ("arn:aws:s3:::uploads/*", "arn:aws:s3:::uploads/*", Scope.SPECIFIC, True),
        ("arn:aws:s3:::*/*", "arn:aws:s3:::*/*", Scope.ALL_OF_TYPE, True),
        ("arn:aws:dynamodb:*:*:table/*", "arn:aws:dynamodb:*:*:table/*", Scope.ALL_OF_TYPE, True),
        ("arn:*:*:*:*:*", "arn:*:*:*:*:*", Scope.EVERYTHING, True),
        (
            Unknown("!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*", "pseudo"),
            "arn:aws:dynamodb:*:*:table/*",
            Scope.ALL_OF_TYPE,
            True,
        ),
        (
            Unknown(
                "!Sub arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}",
                "param",
            ),
            "arn:*:dynamodb:*:*:table/${TableName}",
            Scope.SPECIFIC,
            False,
        ),
        (
            Unknown("!GetAtt Orders.Arn", "deploy-time attribute"),
            "${!GetAtt Orders.Arn}",
            Scope.SPECIFIC,
            False,
        ),
        (
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::home/${aws:username}/*",
            Scope.SPECIFIC,
            False,
        ),
    ],
)
def test_resource_shapes(value: str | Unknown, pattern: str, scope: Scope, exact: bool) -> None:
    shape = resource_pattern(value)
    assert shape is not None
    assert (shape.pattern, shape.scope, shape.exact) == (pattern, scope, exact)


def test_resource_without_shape_is_none() -> None:
    assert resource_pattern(Unknown("${ssm:/app/bucket-arn}", "ssm parameter")) is None


def test_arn_matching_with_wildcards_pseudo_parameters_and_unknown_names() -> None:
    every_table = resource_pattern(
        Unknown("!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*", "x")
    )
    assert every_table is not None
    assert every_table.matches(TABLE) is True
    assert every_table.matches("arn:aws:s3:::uploads") is False
    named = resource_pattern(
        Unknown("!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}", "x")
    )
    assert named is not None
    assert named.matches(TABLE) is None  # the table's name is not known
    assert named.matches("arn:aws:s3:::uploads") is False
    exact = resource_pattern("arn:aws:s3:::uploads/*")
    assert exact is not None
    assert exact.matches(BUCKET_OBJECT) is True
    assert exact.matches("arn:aws:s3:::UPLOADS/report.csv") is False  # ARNs are case-sensitive
    assert exact.matches("*") is False
    star = resource_pattern("*")
    assert star is not None and star.matches("*") is True


def test_dynamodb_crud_policy_on_every_table_is_crud_on_every_table() -> None:
    """What SAM's DynamoDBCrudPolicy with TableName '*' expands to."""
    s = st(
        ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"),
        (
            Unknown("!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*", "pseudo"),
            Unknown(
                "!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*/index/*", "pseudo"
            ),
        ),
    )
    grants = evaluate_role(role(s))
    assert grants.allowed("dynamodb:DeleteItem", TABLE).verdict is Verdict.ALLOWED
    assert (
        grants.allowed(
            "dynamodb:DeleteItem", "arn:aws:dynamodb:us-east-1:999999999999:table/Other"
        ).verdict
        is Verdict.ALLOWED
    )
    assert grants.granted_actions()["dynamodb:PutItem"][0].scope is Scope.ALL_OF_TYPE


def test_an_unresolved_deny_makes_the_answer_unknown() -> None:
    allow = st(("s3:GetObject",), ("*",))
    deny = st((Unknown("${self:custom.denied}", "variable"),), ("*",), effect="Deny", line=30)
    decision = evaluate_role(role(allow, deny)).allowed("s3:GetObject", BUCKET_OBJECT)
    assert decision.verdict is Verdict.UNKNOWN
    assert decision.notes == ("an unresolved Deny may apply (statements@30)",)


def test_deny_with_not_resource_denies_everything_but_the_listed_resources() -> None:
    allow = st(("s3:GetObject",), ("*",))
    deny = st(("s3:*",), effect="Deny", not_resources=("arn:aws:s3:::uploads/*",), line=30)
    grants = evaluate_role(role(allow, deny))
    assert "s3:GetObject" in grants.granted_actions()  # not denied on every resource
    assert grants.allowed("s3:GetObject", BUCKET_OBJECT).verdict is Verdict.ALLOWED
    other = grants.allowed("s3:GetObject", "arn:aws:s3:::payroll/2026.csv")
    assert other.verdict is Verdict.DENIED
    assert other.denied_by == (deny,)


def test_granted_actions_of_a_thousand_identical_statements_are_grouped() -> None:
    """Linear in distinct statements: 1,000 copies of `*` are one group, lookups capped."""
    from faasguard.iam.grants import MAX_GRANTS_PER_ACTION

    copies = [st(("*",), ("*",), line=100 + i) for i in range(1000)]
    granted = evaluate_role(role(*copies)).granted_actions()
    assert len(granted) == len(action_db().all_actions())
    grants = granted["s3:GetObject"]
    assert [g.statement for g in grants] == copies[:MAX_GRANTS_PER_ACTION]


def test_granted_actions_and_allowed_agree_on_random_policies() -> None:
    """The per-action index and the request evaluator are two views of one semantics."""
    import random

    rng = random.Random(3)
    patterns = [
        "s3:Get*",
        "s3:*",
        "s3:PutObject",
        "dynamodb:*Item",
        "dynamodb:Query",
        "iam:Pass*",
        "sqs:*",
    ]
    for _ in range(60):
        statements = []
        for index in range(rng.randrange(1, 5)):
            chosen = tuple(rng.sample(patterns, rng.randrange(1, 3)))
            if rng.random() < 0.2:
                statements.append(st(not_actions=chosen, line=index))
            else:
                effect = "Deny" if rng.random() < 0.3 else "Allow"
                statements.append(st(chosen, ("*",), effect=effect, line=index))
        grants = evaluate_role(role(*statements))
        granted = grants.granted_actions()
        for action in [
            "s3:GetObject",
            "s3:PutObject",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "iam:PassRole",
            "sqs:SendMessage",
            "lambda:InvokeFunction",
        ]:
            verdict = grants.allowed(action, "*").verdict
            if action in granted:
                assert verdict is Verdict.ALLOWED, (action, statements)
            else:
                assert verdict in (Verdict.NOT_GRANTED, Verdict.DENIED), (action, statements)


def test_policies_of_the_template_folded_into_the_role_are_not_unknown() -> None:
    cfn = st(("s3:GetObject",), ("*",))
    cfn = Statement(
        cfn.effect,
        cfn.actions,
        cfn.location,
        "AWS::IAM::ManagedPolicy AppPolicy",
        resources=cfn.resources,
    )
    tf = Statement(
        "Allow", ("sqs:SendMessage",), WHERE, "aws_iam_policy.jobs.Statement[0]", resources=("*",)
    )
    grants = evaluate_role(
        role(
            cfn,
            tf,
            managed=(
                Unknown("!Ref AppPolicy", "resource reference"),
                Unknown("aws_iam_policy.jobs.arn", "deploy-time attribute"),
                Unknown("aws_iam_policy.other.arn", "deploy-time attribute"),
            ),
        )
    )
    assert grants.unknown_policies == (
        Unknown("aws_iam_policy.other.arn", "deploy-time attribute"),
    )
