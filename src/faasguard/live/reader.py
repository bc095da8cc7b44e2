"""Read one region of an AWS account with boto3, read-only.

Every call is one of :data:`API_ACTIONS` (the read-only IAM policy in
``docs/policies/faasguard-live-readonly.json`` grants exactly those; a test keeps them equal).
Lists are read through boto3's paginators. Throttling (and a 5xx or a dropped connection) is
retried by botocore's ``legacy`` retry mode, exponential backoff with jitter, up to
:data:`MAX_ATTEMPTS` attempts per call. The two newer modes lose calls on a large account
(``bench/bench_live.py --throttle-every 10``, every tenth request throttled):

- ``adaptive``: its client-side rate limiter cuts the send rate at every throttle and, when
  throttles keep coming whatever the rate, sinks to its floor (100 functions: 99 s, not 8 s);
- ``standard``: its retry quota (500 tokens per client, 5 per throttled retry) is paid back
  only by a 2xx answer, and most per-function calls end in an expected 404 (no URL config, no
  resource policy), so the quota drains and later throttles are given up at once (3,000
  functions: 68 calls lost, 32 functions missing; 10,000 functions: 578 calls, 236 functions).

``legacy`` has no quota: every call gets all its attempts.

A call that is denied, or fails for any other AWS reason, becomes a notice naming the API and
what it was about, and the scan keeps what it could read; only a region that cannot be reached
at all (no endpoint, no credentials) is an error, raised as :class:`RegionUnreachable`.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import unquote

from faasguard.live.stores import StoresRead, read_stores

__all__ = [
    "API_ACTIONS",
    "INVOCATION_LOOKBACK_DAYS",
    "MAX_ATTEMPTS",
    "PARALLEL_CALLS",
    "RegionSnapshot",
    "RegionUnreachable",
    "RoleData",
    "read_region",
]

#: Attempts per call (first try included) before a throttled call is given up as a notice.
MAX_ATTEMPTS: Final = 10
#: Per-function and per-role calls in flight at once in one region (each backs off on its
#: own when AWS throttles it).
PARALLEL_CALLS: Final = 8

#: Every AWS operation the reader calls -> the IAM action that allows it.
API_ACTIONS: Final = {
    "lambda.ListFunctions": "lambda:ListFunctions",
    "lambda.GetFunction": "lambda:GetFunction",
    "lambda.GetFunctionUrlConfig": "lambda:GetFunctionUrlConfig",
    "lambda.GetPolicy": "lambda:GetPolicy",
    "lambda.ListEventSourceMappings": "lambda:ListEventSourceMappings",
    # Only with --fetch-code: where each layer version's package is (faasguard.live.package).
    "lambda.GetLayerVersion": "lambda:GetLayerVersion",
    "iam.GetRole": "iam:GetRole",
    "iam.ListRolePolicies": "iam:ListRolePolicies",
    "iam.GetRolePolicy": "iam:GetRolePolicy",
    "iam.ListAttachedRolePolicies": "iam:ListAttachedRolePolicies",
    "iam.GetPolicy": "iam:GetPolicy",
    "iam.GetPolicyVersion": "iam:GetPolicyVersion",
    "apigateway.GetRestApis": "apigateway:GET",
    "apigateway.GetResources": "apigateway:GET",
    "apigateway.GetStages": "apigateway:GET",
    "apigateway.GetAuthorizers": "apigateway:GET",
    "apigatewayv2.GetApis": "apigateway:GET",
    "apigatewayv2.GetRoutes": "apigateway:GET",
    "apigatewayv2.GetIntegrations": "apigateway:GET",
    "apigatewayv2.GetStages": "apigateway:GET",
    "s3.ListBuckets": "s3:ListAllMyBuckets",
    "s3.GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "s3.GetBucketLocation": "s3:GetBucketLocation",
    "sns.ListSubscriptions": "sns:ListSubscriptions",
    "events.ListRules": "events:ListRules",
    "events.ListTargetsByRule": "events:ListTargetsByRule",
    "logs.DescribeLogGroups": "logs:DescribeLogGroups",
    "cloudwatch.DescribeAlarms": "cloudwatch:DescribeAlarms",
    "cloudwatch.GetMetricData": "cloudwatch:GetMetricData",
    "iam.ListRoles": "iam:ListRoles",
    "sqs.GetQueueUrl": "sqs:GetQueueUrl",
    "sqs.GetQueueAttributes": "sqs:GetQueueAttributes",
    # The data stores the functions use (faasguard.live.stores).
    "dynamodb.ListTables": "dynamodb:ListTables",
    "dynamodb.DescribeTable": "dynamodb:DescribeTable",
    "dynamodb.DescribeTimeToLive": "dynamodb:DescribeTimeToLive",
    "s3.GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3.GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3.GetBucketAcl": "s3:GetBucketAcl",
    "s3.GetBucketPolicy": "s3:GetBucketPolicy",
    "s3.GetBucketCors": "s3:GetBucketCORS",
    "sns.ListTopics": "sns:ListTopics",
    "sns.GetTopicAttributes": "sns:GetTopicAttributes",
    "sqs.ListQueues": "sqs:ListQueues",
    "kinesis.ListStreams": "kinesis:ListStreams",
    "kinesis.DescribeStreamSummary": "kinesis:DescribeStreamSummary",
    "elasticache.DescribeReplicationGroups": "elasticache:DescribeReplicationGroups",
    "elasticache.DescribeCacheClusters": "elasticache:DescribeCacheClusters",
    "dax.DescribeClusters": "dax:DescribeClusters",
}

#: How far back the last invocation is looked for: CloudWatch keeps daily data 455 days.
INVOCATION_LOOKBACK_DAYS: Final = 455
_METRIC_QUERIES_PER_CALL: Final = 200

_DENIED: Final = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "AuthorizationError",
        "Forbidden",
    }
)
_MISSING: Final = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NotFoundException",
        "NoSuchBucket",
        "NoSuchConfiguration",
        # A bucket without this configuration (faasguard.live.stores: absent, not unreadable).
        "ServerSideEncryptionConfigurationNotFoundError",
        "NoSuchPublicAccessBlockConfiguration",
        "NoSuchBucketPolicy",
        "NoSuchCORSConfiguration",
    }
)
_FUNCTION_ARN: Final = re.compile(r"arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+")


class RegionUnreachable(Exception):  # noqa: N818 - named for what happened, like botocore's
    """The region cannot be read at all (no endpoint, no credentials, unknown profile)."""


@dataclass(slots=True)
class RoleData:
    """An execution role as read: trust policy, inline and attached policies."""

    arn: str
    name: str
    trust: dict[str, Any] | None = None
    boundary: str | None = None
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (policy ARN, policy name, its default version's document or None when unreadable).
    attached: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)


@dataclass(slots=True)
class RegionSnapshot:
    """Everything read from one region, as AWS returned it."""

    region: str
    functions: list[dict[str, Any]] = field(default_factory=list)
    url_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    mappings: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, RoleData] = field(default_factory=dict)
    rest_apis: list[dict[str, Any]] = field(default_factory=list)
    http_apis: list[dict[str, Any]] = field(default_factory=list)
    bucket_notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    #: Log group name -> retention in days (None: never expires); None when unreadable.
    log_retention: dict[str, int | None] | None = None
    alarms: list[dict[str, Any]] = field(default_factory=list)
    #: Queue ARN -> its attributes, for each SQS queue that triggers a function or that a
    #: function uses otherwise (faasguard.live.stores).
    queues: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Bucket name -> its region, for every bucket whose location could be read.
    bucket_regions: dict[str, str] = field(default_factory=dict)
    #: The tables, buckets, topics and streams the region's functions use.
    stores: StoresRead = field(default_factory=StoresRead)
    #: Function name -> the last day with an invocation (None: none in the lookback); the
    #: whole mapping is None when CloudWatch could not be read.
    last_invoked: dict[str, _dt.datetime | None] | None = None
    #: ARN -> name of every IAM role (global) whose trust policy lets Lambda assume it; None
    #: when the roles could not be listed.
    lambda_roles: dict[str, str] | None = None
    #: Layer version ARN -> its GetLayerVersion answer (package location, CodeSha256); read
    #: only for a scan that fetches code.
    layer_versions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: When the region was read (the end of the invocation lookback).
    read_at: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc))
    notices: list[str] = field(default_factory=list)
    calls: int = 0


def function_arn(text: str) -> str | None:
    """The unqualified function ARN inside ``text`` (an integration URI, a target ARN)."""
    match = _FUNCTION_ARN.search(unquote(text))
    return match.group(0) if match else None


def read_region(
    session: Any,
    region: str,
    *,
    progress: Callable[[str], None] | None = None,
    layers: bool = False,
) -> RegionSnapshot:
    """Read every function of ``region`` and what triggers it.

    Args:
        session: a ``boto3.Session`` (credentials, profile, endpoint from the environment).
        region: the region code.
        progress: called with a short description of each stage.
        layers: also read each layer version the functions use (for ``--fetch-code``).

    Raises:
        RegionUnreachable: the region cannot be reached or the credentials are missing.
    """
    return _Reader(session, region, progress, layers=layers).read()


class _Reader:
    def __init__(
        self,
        session: Any,
        region: str,
        progress: Callable[[str], None] | None,
        *,
        layers: bool = False,
    ) -> None:
        from botocore.config import Config

        self.session = session
        self.region = region
        self.progress = progress
        self.config = Config(
            region_name=region,
            retries={"mode": "legacy", "max_attempts": MAX_ATTEMPTS},
            connect_timeout=10,
            read_timeout=60,
        )
        self.snap = RegionSnapshot(region=region)
        self._clients: dict[str, Any] = {}
        self.with_layers = layers

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, config=self.config)
        return self._clients[service]

    # -- calls ------------------------------------------------------------------------------

    def call(self, op: str, what: str, *, absent: Any = None, **kwargs: Any) -> Any:
        """One API call; None (and a notice when denied or failed) instead of raising.

        ``absent`` is returned instead when AWS answers that the thing does not exist (no such
        bucket policy...), so a caller can tell "not configured" from "could not be read".
        """
        from botocore.exceptions import BotoCoreError, ClientError

        service, name = op.split(".", 1)
        method = getattr(self.client(service), _snake(name))
        self.snap.calls += 1
        try:
            return method(**kwargs)
        except ClientError as exc:
            self._client_error(op, what, exc)
            return absent if exc.response.get("Error", {}).get("Code") in _MISSING else None
        except (BotoCoreError, ValueError) as exc:
            # ValueError: an answer botocore cannot parse (a proxy's HTML page, a cut body).
            self._transport_error(op, what, exc)
            return None

    def pages(self, op: str, what: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list; a failure part-way keeps the items read."""
        from botocore.exceptions import BotoCoreError, ClientError

        service, name = op.split(".", 1)
        paginator = self.client(service).get_paginator(_snake(name))
        try:
            for page in paginator.paginate(**kwargs):
                self.snap.calls += 1
                yield from page.get(key, [])
        except ClientError as exc:
            self._client_error(op, what, exc)
        except (BotoCoreError, ValueError) as exc:
            self._transport_error(op, what, exc)

    def _transport_error(self, op: str, what: str, exc: Exception) -> None:
        """A call that failed after the region answered (a timeout, a dropped connection).

        A notice, and the scan keeps what it read: the probe already showed the region is up.
        """
        self.snap.notices.append(
            f"aws://{self.region}: {API_ACTIONS.get(op, op)} failed ({what}): "
            f"{type(exc).__name__}: {exc}"
        )

    def _client_error(self, op: str, what: str, exc: Any) -> None:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        if code in _MISSING:
            return
        action = API_ACTIONS.get(op, op)
        message = " ".join(str(error.get("Message", "")).split())[:200]
        if code in _DENIED or "denied" in code.lower() or "not authorized" in message.lower():
            self.snap.notices.append(
                f"aws://{self.region}: {action} denied ({what}): what it would show is missing "
                "from the scan; grant it (docs/policies/faasguard-live-readonly.json)"
            )
        else:
            self.snap.notices.append(
                f"aws://{self.region}: {action} failed ({what}): {code}: {message}"
            )

    def _unreachable(self, op: str, exc: Exception) -> None:
        raise RegionUnreachable(
            f"aws://{self.region}: cannot be read ({API_ACTIONS.get(op, op)}): "
            f"{type(exc).__name__}: {exc}"
        ) from exc

    def stage(self, text: str) -> None:
        if self.progress is not None:
            self.progress(f"aws://{self.region}: {text}")

    # -- reading ----------------------------------------------------------------------------

    def probe(self) -> None:
        """One quick call, retried little, so an unreachable region fails in seconds."""
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        quick = self.config.merge(
            Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5)
        )
        self.snap.calls += 1
        try:
            self.session.client("lambda", config=quick).list_functions(MaxItems=1)
        except ClientError:
            return  # reachable; the real calls report what is denied
        except BotoCoreError as exc:
            self._unreachable("lambda.ListFunctions", exc)

    def read(self) -> RegionSnapshot:
        self.probe()
        self.stage("functions")
        names = [
            f["FunctionName"] for f in self.pages("lambda.ListFunctions", "functions", "Functions")
        ]
        # Three calls per function: in parallel threads (boto3 clients are thread-safe), each
        # function's answers kept in list order so the model does not depend on timing.
        with ThreadPoolExecutor(max_workers=PARALLEL_CALLS) as pool:
            for got, url, policy in pool.map(self._function, names):
                if got is None:
                    continue
                name = got["Configuration"]["FunctionName"]
                self.snap.functions.append(got)
                if url is not None:
                    self.snap.url_configs[name] = url
                if policy is not None:
                    self.snap.policies[name] = policy
        if self.with_layers:
            self.stage("layers")
            self._layer_versions()
        self.stage("event source mappings")
        self.snap.mappings = list(
            self.pages(
                "lambda.ListEventSourceMappings", "event source mappings", "EventSourceMappings"
            )
        )
        self.stage("queues")
        self._queues()
        self.stage("roles")
        arns = list(
            dict.fromkeys(
                str(fn["Configuration"]["Role"])
                for fn in self.snap.functions
                if fn.get("Configuration", {}).get("Role")
            )
        )
        with ThreadPoolExecutor(max_workers=PARALLEL_CALLS) as pool:
            for role in pool.map(self._role, arns):
                self.snap.roles[role.arn] = role
        if not self.snap.functions:
            return self.snap  # nothing to attach triggers to: spare the other services
        self.stage("invocations")
        self._invocations()
        self.stage("roles for Lambda")
        self._lambda_roles()
        self.stage("logs and alarms")
        self._logs()
        self.snap.alarms = list(
            self.pages("cloudwatch.DescribeAlarms", "CloudWatch alarms", "MetricAlarms")
        )
        self.stage("API Gateway")
        self._rest_apis()
        self._http_apis()
        self.stage("S3, SNS, EventBridge")
        self._buckets()
        self.snap.subscriptions = [
            s
            for s in self.pages("sns.ListSubscriptions", "SNS subscriptions", "Subscriptions")
            if s.get("Protocol") == "lambda"
        ]
        self._rules()
        self.stage("data stores")
        read_stores(self)
        return self.snap

    def _function(
        self, name: str
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
        got = self.call("lambda.GetFunction", f"function {name}", FunctionName=name)
        if got is None:
            return None, None, None
        got.pop("ResponseMetadata", None)
        url = self.call("lambda.GetFunctionUrlConfig", f"function {name}", FunctionName=name)
        if url is not None:
            url.pop("ResponseMetadata", None)
        answer = self.call("lambda.GetPolicy", f"function {name}", FunctionName=name)
        policy = None
        if answer is not None and isinstance(answer.get("Policy"), str):
            policy = _document(answer["Policy"])
            if policy is None:
                self.snap.notices.append(
                    f"aws://{self.region}: function {name}: its resource policy is not JSON"
                )
        return got, url, policy

    def _layer_versions(self) -> None:
        """Each layer version the functions use: where its package is, and its CodeSha256."""
        arns = sorted(
            {
                str(layer.get("Arn"))
                for fn in self.snap.functions
                for layer in fn.get("Configuration", {}).get("Layers") or ()
                if str(layer.get("Arn", "")).count(":") == 7
            }
        )

        def one(arn: str) -> tuple[str, dict[str, Any] | None]:
            name, version = arn.rsplit(":", 1)
            got = self.call(
                "lambda.GetLayerVersion",
                f"layer {arn}",
                LayerName=name,
                VersionNumber=int(version) if version.isdigit() else 0,
            )
            if got is not None:
                got.pop("ResponseMetadata", None)
            return arn, got

        with ThreadPoolExecutor(max_workers=PARALLEL_CALLS) as pool:
            for arn, got in pool.map(one, arns):
                if got is not None:
                    self.snap.layer_versions[arn] = got

    def _role(self, arn: str) -> RoleData:
        name = arn.rsplit("/", 1)[-1]
        data = RoleData(arn=arn, name=name)
        role = self.call("iam.GetRole", f"role {name}", RoleName=name)
        if role is not None:
            body = role.get("Role", {})
            data.trust = _document(body.get("AssumeRolePolicyDocument"))
            data.boundary = (body.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        for policy_name in self.pages(
            "iam.ListRolePolicies", f"role {name}", "PolicyNames", RoleName=name
        ):
            got = self.call(
                "iam.GetRolePolicy", f"role {name}", RoleName=name, PolicyName=policy_name
            )
            if got is not None:
                data.inline[str(policy_name)] = _document(got.get("PolicyDocument")) or {}
        for attached in self.pages(
            "iam.ListAttachedRolePolicies", f"role {name}", "AttachedPolicies", RoleName=name
        ):
            policy_arn = attached["PolicyArn"]
            data.attached.append(
                (policy_arn, attached.get("PolicyName", ""), self._managed(policy_arn))
            )
        return data

    def _managed(self, arn: str) -> dict[str, Any] | None:
        policy = self.call("iam.GetPolicy", f"policy {arn}", PolicyArn=arn)
        version = (policy or {}).get("Policy", {}).get("DefaultVersionId")
        if not version:
            return None
        got = self.call("iam.GetPolicyVersion", f"policy {arn}", PolicyArn=arn, VersionId=version)
        return _document((got or {}).get("PolicyVersion", {}).get("Document"))

    def _queues(self) -> None:
        """The attributes of each SQS queue a mapping reads (visibility timeout, FIFO, DLQ)."""
        arns = sorted(
            {
                str(m["EventSourceArn"])
                for m in self.snap.mappings
                if str(m.get("EventSourceArn", "")).startswith("arn:aws")
                and ":sqs:" in m["EventSourceArn"]
            }
        )
        for arn in arns:
            name, account = arn.rsplit(":", 1)[-1], arn.split(":")[4]
            found = self.call(
                "sqs.GetQueueUrl", f"queue {name}", QueueName=name, QueueOwnerAWSAccountId=account
            )
            if found is None:
                continue
            got = self.call(
                "sqs.GetQueueAttributes",
                f"queue {name}",
                QueueUrl=found["QueueUrl"],
                AttributeNames=["All"],
            )
            if got is not None:
                self.snap.queues[arn] = dict(got.get("Attributes", {}))

    def _invocations(self) -> None:
        """Each function's last day with ``Invocations`` > 0 (CloudWatch, daily sums)."""
        names = [str(f["Configuration"]["FunctionName"]) for f in self.snap.functions]
        end = self.snap.read_at
        # Daily buckets aligned on UTC midnight, so a bucket's timestamp is the day it covers.
        start = (end - _dt.timedelta(days=INVOCATION_LOOKBACK_DAYS)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        found: dict[str, _dt.datetime | None] = dict.fromkeys(names)
        for first in range(0, len(names), _METRIC_QUERIES_PER_CALL):
            batch = names[first : first + _METRIC_QUERIES_PER_CALL]
            queries = [
                {
                    "Id": f"f{i}",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/Lambda",
                            "MetricName": "Invocations",
                            "Dimensions": [{"Name": "FunctionName", "Value": name}],
                        },
                        "Period": 86400,
                        "Stat": "Sum",
                    },
                    "ReturnData": True,
                }
                for i, name in enumerate(batch)
            ]
            before = len(self.snap.notices)
            results = list(
                self.pages(
                    "cloudwatch.GetMetricData",
                    "Lambda invocations",
                    "MetricDataResults",
                    MetricDataQueries=queries,
                    StartTime=start,
                    EndTime=end,
                )
            )
            if len(self.snap.notices) != before:
                return  # unreadable: disuse stays unknown (last_invoked None)
            for result in results:
                name = batch[int(str(result["Id"])[1:])]
                days = [
                    t
                    for t, v in zip(
                        result.get("Timestamps", []), result.get("Values", []), strict=False
                    )
                    if v and v > 0
                ]
                if days:
                    latest = max(days)
                    current = found[name]
                    found[name] = latest if current is None or latest > current else current
        self.snap.last_invoked = found

    def _lambda_roles(self) -> None:
        before = len(self.snap.notices)
        found: dict[str, str] = {}
        for listed in self.pages("iam.ListRoles", "roles", "Roles"):
            trust = _document(listed.get("AssumeRolePolicyDocument")) or {}
            statements = trust.get("Statement")
            for stmt in statements if isinstance(statements, list) else [statements]:
                if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
                    continue
                principal = stmt.get("Principal")
                services = principal.get("Service") if isinstance(principal, dict) else None
                services = services if isinstance(services, list) else [services]
                if "lambda.amazonaws.com" in services:
                    found[str(listed["Arn"])] = str(listed.get("RoleName", ""))
        self.snap.lambda_roles = found if len(self.snap.notices) == before else None

    def _logs(self) -> None:
        before = len(self.snap.notices)
        groups = {
            str(g["logGroupName"]): g.get("retentionInDays")
            for g in self.pages(
                "logs.DescribeLogGroups",
                "log groups",
                "logGroups",
                logGroupNamePrefix="/aws/lambda/",
            )
        }
        # A denied or failed listing leaves retention unknown, rather than "never expires".
        self.snap.log_retention = groups if len(self.snap.notices) == before else None

    def _rest_apis(self) -> None:
        for api in self.pages("apigateway.GetRestApis", "REST APIs", "items"):
            api_id = api["id"]
            what = f"REST API {api_id}"
            api["_resources"] = list(
                self.pages(
                    "apigateway.GetResources", what, "items", restApiId=api_id, embed=["methods"]
                )
            )
            stages = self.call("apigateway.GetStages", what, restApiId=api_id)
            api["_stages"] = (stages or {}).get("item", [])
            authorizers = self.call("apigateway.GetAuthorizers", what, restApiId=api_id)
            api["_authorizers"] = (authorizers or {}).get("items", [])
            self.snap.rest_apis.append(api)

    def _http_apis(self) -> None:
        for api in self.pages("apigatewayv2.GetApis", "HTTP and WebSocket APIs", "Items"):
            api_id = api["ApiId"]
            what = f"API {api_id}"
            api["_routes"] = list(self.pages("apigatewayv2.GetRoutes", what, "Items", ApiId=api_id))
            api["_integrations"] = list(
                self.pages("apigatewayv2.GetIntegrations", what, "Items", ApiId=api_id)
            )
            stages = self.call("apigatewayv2.GetStages", what, ApiId=api_id)
            api["_stages"] = (stages or {}).get("Items", [])
            self.snap.http_apis.append(api)

    def _buckets(self) -> None:
        listed = self.call("s3.ListBuckets", "buckets")
        for bucket in (listed or {}).get("Buckets", []):
            name = bucket["Name"]
            where = self.call("s3.GetBucketLocation", f"bucket {name}", Bucket=name)
            location = (where or {}).get("LocationConstraint") or "us-east-1"
            location = "eu-west-1" if location == "EU" else location  # buckets made before 2016
            if where is not None:
                self.snap.bucket_regions[name] = location
            if where is not None and location != self.region:
                continue  # another region's bucket: that region's reader sees it
            got = self.call("s3.GetBucketNotificationConfiguration", f"bucket {name}", Bucket=name)
            if got and got.get("LambdaFunctionConfigurations"):
                self.snap.bucket_notifications[name] = got

    def _rules(self) -> None:
        for rule in self.pages("events.ListRules", "EventBridge rules", "Rules"):
            what = f"EventBridge rule {rule.get('Name')}"
            rule["_targets"] = [
                t
                for t in self.pages(
                    "events.ListTargetsByRule",
                    what,
                    "Targets",
                    Rule=rule["Name"],
                    EventBusName=rule.get("EventBusName", "default"),
                )
                if function_arn(str(t.get("Arn", "")))
            ]
            if rule["_targets"]:
                self.snap.rules.append(rule)


def _document(value: Any) -> dict[str, Any] | None:
    """A policy document as AWS returns it: a dict, or URL-encoded JSON text."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(unquote(value))
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
