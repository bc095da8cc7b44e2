"""Drift (faasguard.live.drift) on small models: the template-only direction and unknowns."""

from __future__ import annotations

from faasguard.live.drift import drift_findings
from faasguard.model import (
    AppFormat,
    Application,
    Function,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)
from faasguard.rules.interface import RuleOptions

ARN = "arn:aws:lambda:us-east-1:123456789012:function:shop-dev-orders"


def _statement(*actions: str | Unknown, line: int = 20) -> Statement:
    return Statement(
        effect="Allow",
        actions=actions,
        resources=("*",),
        location=Location("sls.yml", line),
        origin="x",
    )


def _template(
    *triggers: Trigger, actions: tuple[str | Unknown, ...] = ("sqs:SendMessage",)
) -> Application:
    fn = Function(
        name="orders",
        application="shop",
        location=Location("sls.yml", 10),
        resource_id="OrdersLambdaFunction",
        role="IamRoleLambdaExecution",
        triggers=triggers,
    )
    unused = Function(name="cleanup", application="shop", location=Location("sls.yml", 30))
    role = Role(
        id="IamRoleLambdaExecution",
        location=Location("sls.yml", 18),
        statements=(_statement(*actions),),
    )
    return Application(
        name="shop",
        format=AppFormat.SERVERLESS,
        file="sls.yml",
        root=".",
        stage="dev",
        functions=(fn, unused),
        roles=(role,),
    )


def _account(*triggers: Trigger) -> Application:
    role_arn = "arn:aws:iam::123456789012:role/shop-dev-lambdaRole"
    fn = Function(
        name="shop-dev-orders",
        application="aws://us-east-1",
        location=Location(ARN),
        resource_id=ARN,
        role=role_arn,
        triggers=triggers,
    )
    role = Role(
        id=role_arn, location=Location(role_arn), statements=(_statement("sqs:SendMessage"),)
    )
    return Application(
        name="aws://us-east-1",
        format=AppFormat.CLOUDFORMATION,
        file="aws://us-east-1",
        root=".",
        functions=(fn,),
        roles=(role,),
    )


def _messages(template: Application, account: Application) -> list[str]:
    return [f.message for f in drift_findings([template], [account], options=RuleOptions())]


def test_serverless_name_matches_and_template_only_items_are_named() -> None:
    route = Trigger(TriggerKind.HTTP_API, Location("sls.yml", 12), method="GET", path="/orders/")
    template = _template(route, actions=("sqs:SendMessage", "dynamodb:Query"))
    live_route = Trigger(TriggerKind.HTTP_API, Location("arn:api"), method="GET", path="/orders")
    assert _messages(template, _account(live_route)) == [
        "Function `orders`: sls.yml:10 grants `dynamodb:query`, which its deployed role in "
        "aws://us-east-1 (arn:aws:iam::123456789012:role/shop-dev-lambdaRole) does not allow.",
        "Function `cleanup` is declared in sls.yml:30 but is not deployed in aws://us-east-1.",
    ]
    assert _messages(_template(route), _account()) == [
        "Function `orders`: http-api route `GET /orders` declared at sls.yml:12 is not deployed in "
        "aws://us-east-1 (function `shop-dev-orders`).",
        "Function `cleanup` is declared in sls.yml:30 but is not deployed in aws://us-east-1.",
    ]


def test_unresolved_template_values_are_never_called_missing() -> None:
    unknown_route = Trigger(
        TriggerKind.REST_API,
        Location("sls.yml", 12),
        method="GET",
        path=Unknown("${self:custom.p}", "variable"),
    )
    template = _template(unknown_route, actions=("sqs:SendMessage", Unknown("${ssm:/a}", "ssm")))
    extra = Statement(
        effect="Allow", actions=("s3:*",), resources=("*",), location=Location(ARN), origin="inline"
    )
    account = _account()
    role = account.roles[0]
    account = Application(
        name=account.name,
        format=account.format,
        file=account.file,
        root=".",
        functions=account.functions,
        roles=(Role(id=role.id, location=role.location, statements=(*role.statements, extra)),),
    )
    # s3:* may be what the unresolved action is: not reported; the unresolved route neither.
    assert _messages(template, account) == [
        "Function `cleanup` is declared in sls.yml:30 but is not deployed in aws://us-east-1.",
    ]
