"""What the permission rules know about risky IAM actions: curated tables, each with its source.

The *semantics* (wildcards, NotAction, Deny, Conditions, boundaries, managed policy documents)
live in :mod:`faasguard.iam`; this module holds the judgement: which actions are privilege
escalation, which read data in bulk, which expose credentials, and which a function role is
expected to hold. Each table is data, one row per action or path, checked against the IAM
action database and the community list ``primeharbor/sensitive_iam_actions`` in the test suite
(``tests/iam/test_risk_tables.py``). Resource exposure needs no table: it is every grant of an
action whose access level is *Permissions management* outside IAM itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "BASELINE_ACTIONS",
    "CONVENTIONAL_STAR_ACTIONS",
    "CREDENTIAL_ACTIONS",
    "DATA_READ_ACTIONS",
    "ESCALATION_PATHS",
    "PLATFORM_MANAGED_POLICIES",
    "REVIEWED_SEED_ACTIONS",
    "EscalationPath",
    "passed_to_services",
    "passes_to",
]


@dataclass(frozen=True, slots=True)
class EscalationPath:
    """A known way to gain privileges the role was not given.

    Attributes:
        name: a short stable name (``passrole-lambda``), used in fingerprints.
        actions: every action the path needs, in AWS's spelling; the first is the one a finding
            points at (the action that does the damage).
        why: what an attacker does with it, in one clause.
        pass_to: the service principal ``iam:PassRole`` must reach, when the path passes a role
            (``lambda.amazonaws.com``); an ``iam:PassedToService`` condition that excludes it
            closes the path.
        takeover: True when the path gives administrator access outright (rewriting a policy),
            not only another role's permissions.
        only_on_everything: True when a grant on named resources is routine and safe.
    """

    name: str
    actions: tuple[str, ...]
    why: str
    pass_to: str | None = None
    takeover: bool = False
    only_on_everything: bool = False


def _pass(name: str, service: str, *actions: str, why: str) -> EscalationPath:
    return EscalationPath(name, (*actions, "iam:PassRole"), why, pass_to=service)


#: Privilege-escalation paths. Sources: Rhino Security Labs, "AWS IAM Privilege Escalation
#: Methods and Mitigations" (2018) and its aws_escalate.py; Bishop Fox ``iam-vulnerable``; the
#: ``PrivEsc`` tag of primeharbor/sensitive_iam_actions.
ESCALATION_PATHS: Final[tuple[EscalationPath, ...]] = (
    EscalationPath(
        "create-policy-version",
        ("iam:CreatePolicyVersion",),
        "rewrite a managed policy attached to it so that it allows everything",
        takeover=True,
    ),
    EscalationPath(
        "set-default-policy-version",
        ("iam:SetDefaultPolicyVersion",),
        "switch a managed policy to an older, more permissive version",
        takeover=True,
    ),
    EscalationPath(
        "attach-role-policy",
        ("iam:AttachRolePolicy",),
        "attach AdministratorAccess to a role, its own included",
        takeover=True,
    ),
    EscalationPath(
        "attach-user-policy",
        ("iam:AttachUserPolicy",),
        "attach AdministratorAccess to an IAM user",
        takeover=True,
    ),
    EscalationPath(
        "attach-group-policy",
        ("iam:AttachGroupPolicy",),
        "attach AdministratorAccess to a group",
        takeover=True,
    ),
    EscalationPath(
        "put-role-policy",
        ("iam:PutRolePolicy",),
        "write an inline allow-all policy onto a role, its own included",
        takeover=True,
    ),
    EscalationPath(
        "put-user-policy",
        ("iam:PutUserPolicy",),
        "write an inline allow-all policy onto an IAM user",
        takeover=True,
    ),
    EscalationPath(
        "put-group-policy",
        ("iam:PutGroupPolicy",),
        "write an inline allow-all policy onto a group",
        takeover=True,
    ),
    EscalationPath(
        "add-user-to-group",
        ("iam:AddUserToGroup",),
        "add a user it controls to a more privileged group",
        takeover=True,
    ),
    EscalationPath(
        "update-assume-role-policy",
        ("iam:UpdateAssumeRolePolicy",),
        "edit a more privileged role's trust policy so that it can assume that role",
        takeover=True,
    ),
    EscalationPath(
        "create-access-key",
        ("iam:CreateAccessKey",),
        "mint access keys for another IAM user and act as that user",
    ),
    EscalationPath(
        "create-login-profile",
        ("iam:CreateLoginProfile",),
        "set a console password for another IAM user and sign in as that user",
    ),
    EscalationPath(
        "update-login-profile",
        ("iam:UpdateLoginProfile",),
        "change another IAM user's console password",
    ),
    EscalationPath(
        "delete-role-boundary",
        ("iam:DeleteRolePermissionsBoundary",),
        "lift the permissions boundary that limits a role",
    ),
    EscalationPath(
        "put-role-boundary",
        ("iam:PutRolePermissionsBoundary",),
        "replace a role's permissions boundary with a looser one",
    ),
    EscalationPath(
        "delete-user-boundary",
        ("iam:DeleteUserPermissionsBoundary",),
        "lift the permissions boundary that limits a user",
    ),
    EscalationPath(
        "put-user-boundary",
        ("iam:PutUserPermissionsBoundary",),
        "replace a user's permissions boundary with a looser one",
    ),
    EscalationPath(
        "update-function-code",
        ("lambda:UpdateFunctionCode",),
        "replace another function's code and run it with that function's role",
    ),
    EscalationPath(
        "update-function-configuration",
        ("lambda:UpdateFunctionConfiguration",),
        "add a layer to, or change the handler of, another function and run code with its role",
    ),
    _pass(
        "passrole-lambda",
        "lambda.amazonaws.com",
        "lambda:CreateFunction",
        why="create a function that runs with a more privileged role",
    ),
    _pass(
        "passrole-ec2",
        "ec2.amazonaws.com",
        "ec2:RunInstances",
        why="start an instance with a more privileged instance profile",
    ),
    _pass(
        "passrole-cloudformation",
        "cloudformation.amazonaws.com",
        "cloudformation:CreateStack",
        why="deploy a stack with a more privileged service role",
    ),
    _pass(
        "passrole-glue",
        "glue.amazonaws.com",
        "glue:CreateDevEndpoint",
        why="create a Glue endpoint with a more privileged role and log in to it",
    ),
    EscalationPath(
        "glue-update-dev-endpoint",
        ("glue:UpdateDevEndpoint",),
        "add its SSH key to an existing Glue endpoint and use the endpoint's role",
    ),
    _pass(
        "passrole-datapipeline",
        "datapipeline.amazonaws.com",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
        why="run a pipeline with a more privileged role",
    ),
    _pass(
        "passrole-codebuild",
        "codebuild.amazonaws.com",
        "codebuild:CreateProject",
        "codebuild:StartBuild",
        why="run a build with a more privileged service role",
    ),
    _pass(
        "passrole-sagemaker",
        "sagemaker.amazonaws.com",
        "sagemaker:CreateNotebookInstance",
        why="start a notebook with a more privileged role",
    ),
    EscalationPath(
        "sagemaker-presigned-notebook",
        ("sagemaker:CreatePresignedNotebookInstanceUrl",),
        "open an existing notebook and use its role",
    ),
    _pass(
        "passrole-states",
        "states.amazonaws.com",
        "states:CreateStateMachine",
        "states:StartExecution",
        why="run a state machine that calls any AWS API with a more privileged role",
    ),
    _pass(
        "passrole-ecs",
        "ecs-tasks.amazonaws.com",
        "ecs:RegisterTaskDefinition",
        "ecs:RunTask",
        why="run a container task with a more privileged task role",
    ),
    EscalationPath(
        "ec2-instance-connect",
        ("ec2-instance-connect:SendSSHPublicKey",),
        "push its SSH key to an instance and use the instance's role",
    ),
    EscalationPath(
        "assume-any-role",
        ("sts:AssumeRole",),
        "assume any role whose trust policy lets the account in",
        only_on_everything=True,
    ),
)

#: Actions that read stored data; granted on every resource of their type they let a
#: compromised function read every bucket, table, queue or parameter in the account. Seeded
#: from the ``DataAccess`` tag of primeharbor/sensitive_iam_actions (CC0), limited to the data
#: stores serverless applications use, plus their bulk exports.
DATA_READ_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:GetObjectAttributes",
        "s3-object-lambda:GetObject",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:GetRecords",
        "dynamodb:PartiQLSelect",
        "dynamodb:ExportTableToPointInTime",
        "dax:GetItem",
        "dax:BatchGetItem",
        "dax:Query",
        "dax:Scan",
        "sqs:ReceiveMessage",
        "kinesis:GetRecords",
        "kinesis:SubscribeToShard",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "ssm:GetParameterHistory",
        "ssm:GetDocument",
        "logs:GetLogEvents",
        "logs:FilterLogEvents",
        "logs:GetLogRecord",
        "logs:GetQueryResults",
        "logs:Unmask",
        "rds:DownloadDBLogFilePortion",
        "rds:DownloadCompleteDBLogFile",
        "rds-data:ExecuteStatement",
        "rds-data:BatchExecuteStatement",
        "athena:GetQueryResults",
        "athena:GetQueryResultsStream",
        "athena:GetQueryExecution",
        "es:ESHttpGet",
        "es:ESHttpPost",
        "es:ESHttpHead",
        "es:ESHttpPatch",
        "es:ESHttpPut",
        "es:ESHttpDelete",
        "elasticfilesystem:ClientMount",
        "ebs:GetSnapshotBlock",
        "ec2:GetConsoleScreenshot",
        "lambda:GetLayerVersion",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "codecommit:GitPull",
        "codecommit:GetBlob",
        "codecommit:GetFile",
        "codecommit:GetFolder",
        "codecommit:GetCommit",
        "codecommit:GetDifferences",
        "codeartifact:ReadFromRepository",
        "codeartifact:GetPackageVersionAsset",
        "cognito-idp:AdminGetUser",
        "cognito-idp:ListUsers",
        "cognito-idp:AdminListGroupsForUser",
        "glue:GetTable",
        "glue:GetPartitions",
        "redshift-data:GetStatementResult",
        "timestream:Select",
        "states:GetExecutionHistory",
        "backup:GetRecoveryPointRestoreMetadata",
    }
)

#: Actions that mint or reveal credentials: keys, passwords, tokens, secrets, or a function's
#: environment variables (where secrets often end up). Seeded from the ``CredentialExposure``
#: tag of primeharbor/sensitive_iam_actions (CC0); actions that accept only ``*`` and that an
#: execution role cannot use (``sts:GetSessionToken`` needs an IAM user) are left out, see
#: the test that reviews every seed entry.
CREDENTIAL_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "iam:CreateAccessKey",
        "iam:UpdateAccessKey",
        "iam:CreateLoginProfile",
        "iam:CreateServiceSpecificCredential",
        "iam:ResetServiceSpecificCredential",
        "iam:UploadSSHPublicKey",
        "secretsmanager:GetSecretValue",
        "secretsmanager:BatchGetSecretValue",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "redshift:GetClusterCredentials",
        "redshift:GetClusterCredentialsWithIAM",
        "redshift-serverless:GetCredentials",
        "rds-db:connect",
        "ec2:GetPasswordData",
        "cognito-identity:GetCredentialsForIdentity",
        "cognito-identity:GetOpenIdToken",
        "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
        "cognito-idp:DescribeUserPoolClient",
        "cognito-idp:AdminInitiateAuth",
        "cognito-idp:AdminSetUserPassword",
        "cognito-idp:AdminResetUserPassword",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "s3:GetDataAccess",
        "athena:GetSession",
        "codeartifact:GetAuthorizationToken",
        "ecr:GetAuthorizationToken",
        "appsync:ListApiKeys",
        "chatbot:GetMicrosoftTeamsOauthParameters",
        "chatbot:GetSlackOauthParameters",
        "chime:CreateApiKey",
        "cloud9:CreateEnvironmentSSH",
        "cloud9:CreateEnvironmentToken",
        "codepipeline:PollForJobs",
        "cognito-idp:GetUserAttributeVerificationCode",
        "connect:GetFederationToken",
        "connect:ListSecurityKeys",
        "ec2-instance-connect:SendSSHPublicKey",
        "ecr-public:GetAuthorizationToken",
        "gamelift:GetComputeAuthToken",
        "gamelift:GetGameSessionLogUrl",
        "gamelift:GetInstanceAccess",
        "gamelift:RequestUploadCredentials",
        "lightsail:DownloadDefaultKeyPair",
        "lightsail:GetBucketAccessKeys",
        "lightsail:GetKeyPair",
        "lightsail:GetKeyPairs",
        "lightsail:GetRelationalDatabaseMasterUserPassword",
        "mediapackage:RotateChannelCredentials",
        "mediapackage:RotateIngestEndpointCredentials",
        "snowball:GetJobUnlockCode",
        "sso-directory:ListBearerTokens",
        "storagegateway:DescribeChapCredentials",
    }
)

#: Actions every function role is expected to hold (logs, traces, VPC networking). A role
#: shared by several functions that grants only these carries little risk today.
BASELINE_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    }
)

#: Actions that do support resource types but that AWS's own function policies grant on ``*``,
#: so asking for narrower resources is noise. Action -> why it is accepted.
CONVENTIONAL_STAR_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ec2:CreateNetworkInterface": (
            "Lambda creates the ENIs of a VPC function; AWSLambdaVPCAccessExecutionRole grants "
            "it on *"
        ),
        "ec2:DeleteNetworkInterface": "see ec2:CreateNetworkInterface",
        "ec2:AssignPrivateIpAddresses": "see ec2:CreateNetworkInterface",
        "ec2:UnassignPrivateIpAddresses": "see ec2:CreateNetworkInterface",
        "cloudwatch:PutMetricData": (
            "metrics are scoped by the cloudwatch:namespace condition key, not by resource"
        ),
        "xray:PutTraceSegments": "AWSXrayWriteOnlyAccess grants X-Ray writes on *",
        "xray:PutTelemetryRecords": "see xray:PutTraceSegments",
    }
)

#: AWS managed policies that SAM and the Serverless Framework attach on their own, for logs,
#: traces, VPC networking and polling event sources. Several grant reads on `*` (the SQS one,
#: `sqs:ReceiveMessage` on every queue): a real grant, reported, but at low severity, since the
#: template author did not write it and the fix is a role of one's own, not an edit.
PLATFORM_MANAGED_POLICIES: Final[frozenset[str]] = frozenset(
    {
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSXrayWriteOnlyAccess",
        "AWSXRayDaemonWriteAccess",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaKinesisExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaMSKExecutionRole",
    }
)

_PASSED_TO: Final = "iam:passedtoservice"


def passed_to_services(condition: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """The services an ``iam:PassedToService`` condition limits ``iam:PassRole`` to.

    Returns:
        The service principals (patterns for ``StringLike``), or None when the condition does
        not limit the services (no such key, or one that cannot be read).
    """
    if not isinstance(condition, Mapping):
        return None
    found: list[str] = []
    limited = False
    for operator, block in condition.items():
        if not isinstance(block, Mapping) or not isinstance(operator, str):
            continue
        if not operator.removeprefix("ForAnyValue:").startswith("String"):
            continue
        if "Not" in operator:
            continue
        for key, values in block.items():
            if isinstance(key, str) and key.lower() == _PASSED_TO:
                items = values if isinstance(values, list) else [values]
                if not all(isinstance(v, str) for v in items):
                    return None
                found.extend(items)
                limited = True
    return tuple(found) if limited else None


def passes_to(condition: Mapping[str, Any] | None, service: str) -> bool:
    """Whether a PassRole grant with ``condition`` can pass a role to ``service``."""
    services = passed_to_services(condition)
    if services is None:
        return True
    return any(_like(pattern, service) for pattern in services)


def _like(pattern: str, value: str) -> bool:
    from faasguard.iam.actions import wildcard_matcher  # StringLike: IAM's wildcards

    return wildcard_matcher(pattern)(value)


#: Entries of the seed list (primeharbor/sensitive_iam_actions, ``CredentialExposure`` and
#: ``PrivEsc`` tags) that the tables above leave out on purpose, each with why.
REVIEWED_SEED_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sts:GetFederationToken": "needs an IAM user's long-term keys; a role cannot call it",
        "sts:GetSessionToken": "needs an IAM user's long-term keys; a role cannot call it",
        "waf:GetChangeToken": "a concurrency token for WAF Classic edits, not a credential",
        "waf-regional:GetChangeToken": "a concurrency token for WAF Classic edits",
        "kms:CreateGrant": "a Permissions management action: resource-exposure reports it",
        "codestar:AssociateTeamMember": "AWS CodeStar was discontinued in July 2024",
        "codestar:CreateProject": "AWS CodeStar was discontinued in July 2024",
        "iam:CreateServiceLinkedRole": "creates only roles whose permissions AWS defines",
        "iam:CreateVirtualMFADevice": "MFA devices add a factor; they grant no permission",
        "iam:EnableMFADevice": "MFA devices add a factor; they grant no permission",
        "iam:ResyncMFADevice": "MFA devices add a factor; they grant no permission",
    }
)
