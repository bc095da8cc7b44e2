"""Roles: the shared default role, legacy keys, per-function roles, named and external roles."""

from __future__ import annotations

from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.model import Location, Role, Statement, Unknown

F = "serverless.yml"


def test_v3_statements_shared_by_three_functions(sls_app):
    app = sls_app("iam_shared_v3")
    assert [(fn.name, fn.resource_id, fn.role) for fn in app.functions] == [
        ("create-order", "CreateDashorderLambdaFunction", "IamRoleLambdaExecution"),
        ("get_order", "GetUnderscoreorderLambdaFunction", "IamRoleLambdaExecution"),
        ("listOrders", "ListOrdersLambdaFunction", "IamRoleLambdaExecution"),
    ]
    assert app.roles == (
        Role(
            id="IamRoleLambdaExecution",
            location=Location(F, 8),
            statements=(
                Statement(
                    effect="Allow",
                    actions=("dynamodb:GetItem", "dynamodb:PutItem"),
                    resources=(Unknown("!GetAtt OrdersTable.Arn", "deploy-time attribute"),),
                    location=Location(F, 9),
                    origin="provider.iam.role.statements[0]",
                ),
                Statement(
                    effect="Allow",
                    actions=("sqs:SendMessage",),
                    resources=(
                        Unknown(
                            "arn:aws:sqs:${aws:region}:${aws:accountId}:jobs",
                            "AWS account value, resolved at deploy time",
                        ),
                    ),
                    sid="QueueAccess",
                    location=Location(F, 14),
                    origin="provider.iam.role.statements[1]",
                ),
                Statement(
                    effect="Allow",
                    actions=(),
                    not_actions=("iam:*",),
                    resources=("*",),
                    condition={"StringEquals": {"aws:RequestedRegion": "eu-central-1"}},
                    location=Location(F, 19),
                    origin="provider.iam.role.statements[2]",
                ),
                Statement(
                    effect="Allow",
                    actions=("s3:GetObject",),
                    resources=("arn:aws:s3:::shop-assets/*",),
                    location=Location(F, 48),
                    origin="resources.Resources.ExtraPolicy.Properties.PolicyDocument.Statement[0]",
                ),
            ),
            managed_policies=(
                "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
                Unknown(
                    "!Sub arn:aws:iam::${AWS::AccountId}:policy/shop-extra",
                    "deploy-time pseudo parameter",
                ),
            ),
            functions=("create-order", "get_order", "listOrders"),
            permissions_boundary="arn:aws:iam::123456789012:policy/boundary",
            trusted_services=("lambda.amazonaws.com",),
        ),
    )


def test_legacy_iam_role_statements_and_managed_policies(sls_app):
    app = sls_app("iam_legacy")
    assert app.roles == (
        Role(
            id="IamRoleLambdaExecution",
            location=Location(F, 5),
            statements=(
                Statement(
                    effect="Allow",
                    actions=("s3:*",),
                    resources=("*",),
                    location=Location(F, 6),
                    origin="provider.iamRoleStatements[0]",
                ),
            ),
            managed_policies=("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",),
            functions=("worker",),
            permissions_boundary="arn:aws:iam::123456789012:policy/legacy-boundary",
            trusted_services=("lambda.amazonaws.com",),
        ),
    )


def test_per_function_roles_plugin(sls_app):
    app = sls_app("iam_per_function")
    provider_xray = Statement(
        effect="Allow",
        actions=("xray:PutTraceSegments",),
        resources=("*",),
        location=Location(F, 12),
        origin="provider.iam.role.statements[0]",
    )
    assert [(fn.name, fn.role) for fn in app.functions] == [
        ("reader", "ReaderIamRoleLambdaExecution"),
        ("isolated", "IsolatedIamRoleLambdaExecution"),
        ("plain", "IamRoleLambdaExecution"),
    ]
    assert app.roles == (
        Role(
            id="ReaderIamRoleLambdaExecution",
            location=Location(F, 18),
            statements=(  # defaultInherit: the provider's statements come along
                provider_xray,
                Statement(
                    effect="Allow",
                    actions=("dynamodb:GetItem",),
                    resources=("arn:aws:dynamodb:eu-west-1:123456789012:table/items",),
                    location=Location(F, 19),
                    origin="functions.reader.iamRoleStatements[0]",
                ),
            ),
            functions=("reader",),
            trusted_services=("lambda.amazonaws.com",),
        ),
        Role(
            id="IsolatedIamRoleLambdaExecution",
            location=Location(F, 26),
            statements=(  # iamRoleStatementsInherit: false wins over defaultInherit
                Statement(
                    effect="Allow",
                    actions=("sns:Publish",),
                    resources=("arn:aws:sns:eu-west-1:123456789012:alerts",),
                    location=Location(F, 27),
                    origin="functions.isolated.iamRoleStatements[0]",
                ),
            ),
            functions=("isolated",),
            permissions_boundary="arn:aws:iam::123456789012:policy/fn-boundary",
            trusted_services=("lambda.amazonaws.com",),
        ),
        Role(
            id="IamRoleLambdaExecution",
            location=Location(F, 11),
            statements=(provider_xray,),
            functions=("plain",),
            trusted_services=("lambda.amazonaws.com",),
        ),
    )


def test_function_statements_without_the_plugin_use_the_shared_role(tmp_path):
    from faasguard.fs import ScanFS
    from faasguard.loaders.interface import LoadOptions
    from faasguard.loaders.serverless import ServerlessLoader

    (tmp_path / F).write_text(
        "service: s\nprovider:\n  name: aws\nfunctions:\n  fn:\n    handler: h.main\n"
        "    iamRoleStatements:\n      - {Effect: Allow, Action: '*', Resource: '*'}\n"
    )
    result = ServerlessLoader().load(F, ScanFS(tmp_path), LoadOptions())
    assert result.applications[0].functions[0].role == "IamRoleLambdaExecution"
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "function 'fn' has iamRoleStatements but serverless-iam-roles-per-function is not "
            "in plugins: Serverless ignores them and the function uses the shared role",
            Location(F, 7),
            "s",
        ),
    )


def test_function_level_named_and_external_roles(sls_load):
    result = sls_load("iam_function_role")
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "role 'UndefinedRole' is not defined in resources.Resources; its permissions are "
            "unknown",
            Location(F, 20),
            "roles",
        ),
    )
    app = result.applications[0]
    assert [(fn.name, fn.role) for fn in app.functions] == [
        ("custom", "CustomRole"),
        ("getatt", "CustomRole"),
        ("byArn", "arn:aws:iam::123456789012:role/other"),
        ("inherited", "arn:aws:iam::123456789012:role/shared-execution"),
        ("missing", "UndefinedRole"),
    ]
    assert app.roles == (
        Role(
            id="CustomRole",
            location=Location(F, 23),
            statements=(
                Statement(
                    effect="Allow",
                    actions=("dynamodb:Query",),
                    resources=(
                        Unknown(
                            "!Sub arn:aws:dynamodb:us-east-1:${AWS::AccountId}:table/orders",
                            "deploy-time pseudo parameter",
                        ),
                    ),
                    location=Location(F, 38),
                    origin="resources.Resources.CustomRole.Properties.Policies[0]"
                    ".PolicyDocument.Statement[0]",
                ),
            ),
            managed_policies=("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",),
            functions=("custom", "getatt"),
            trusted_services=("lambda.amazonaws.com",),
        ),
        Role(
            id="arn:aws:iam::123456789012:role/other",
            location=Location(F, 15),
            functions=("byArn",),
            external=True,
        ),
        Role(
            id="arn:aws:iam::123456789012:role/shared-execution",
            location=Location(F, 5),
            functions=("inherited",),
            external=True,
        ),
        Role(
            id="UndefinedRole",
            location=Location(F, 20),
            functions=("missing",),
            external=True,
        ),
    )
    assert app.resource("CustomRole") is not None  # still a Resource for resource rules
