"""Turn one region's snapshot into the model the rules read.

The application is the region (``aws://us-east-1``); its format is CloudFormation, because the
deployed configuration uses CloudFormation's property names (``ReservedConcurrentExecutions``,
``AuthType``), so remediations name the right setting. Locations are ARNs: a live resource has
no file and line. Resource policies become ``AWS::Lambda::Permission`` resources, exactly as a
template declares them, so the surface rules read both the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

from faasguard.iam.document import one_or_many
from faasguard.live.build_stores import store_resources
from faasguard.live.reader import RegionSnapshot, RoleData, function_arn
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    Function,
    FunctionUrl,
    Location,
    Resource,
    Role,
    Statement,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

__all__ = ["build_application"]

_AWS_MANAGED: Final = "arn:aws:iam::aws:policy/"
_ESM_KINDS: Final = {
    "sqs": TriggerKind.SQS,
    "kinesis": TriggerKind.KINESIS,
    "dynamodb": TriggerKind.DYNAMODB_STREAM,
    "kafka": TriggerKind.KAFKA,
    "mq": TriggerKind.MQ,
}
#: Event source mapping settings kept on the trigger (as SAM/CloudFormation name them).
_ESM_KEYS: Final = frozenset(
    {
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
        "StartingPosition",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
        "BisectBatchOnFunctionError",
        "ParallelizationFactor",
        "DestinationConfig",
        "FilterCriteria",
        "FunctionResponseTypes",
        "ScalingConfig",
        "State",
        "UUID",
    }
)
_REST_AUTH: Final = {
    "NONE": AuthKind.NONE,
    "AWS_IAM": AuthKind.IAM,
    "CUSTOM": AuthKind.LAMBDA_AUTHORIZER,
    "COGNITO_USER_POOLS": AuthKind.COGNITO,
}
_HTTP_AUTH: Final = {
    "NONE": AuthKind.NONE,
    "AWS_IAM": AuthKind.IAM,
    "CUSTOM": AuthKind.LAMBDA_AUTHORIZER,
    "JWT": AuthKind.JWT,
}


def build_application(snap: RegionSnapshot) -> Application:
    """The region as one application."""
    region = snap.region
    name = f"aws://{region}"
    by_arn: dict[str, str] = {}
    functions: dict[str, Function] = {}
    for got in snap.functions:
        fn = _function(got, snap, name)
        functions[fn.name] = fn
        by_arn[str(fn.resource_id)] = fn.name
    triggers: dict[str, list[Trigger]] = {n: list(f.triggers) for n, f in functions.items()}

    def attach(target: str, trigger: Trigger) -> None:
        arn = function_arn(target)
        if arn is not None and arn in by_arn:
            triggers[by_arn[arn]].append(trigger)

    for mapping in snap.mappings:
        source = str(mapping.get("EventSourceArn", ""))
        service = source.split(":")[2] if source.count(":") >= 2 else ""
        props = _plain({k: v for k, v in mapping.items() if k in _ESM_KEYS})
        attach(
            str(mapping.get("FunctionArn", "")),
            Trigger(
                kind=_ESM_KINDS.get(service, TriggerKind.OTHER),
                location=Location(str(mapping.get("UUID", source))),
                source=source or None,
                properties=props,
            ),
        )
    apis = [*_rest_apis(snap, attach), *_http_apis(snap, attach)]
    for bucket, config in snap.bucket_notifications.items():
        for entry in config.get("LambdaFunctionConfigurations", []):
            attach(
                str(entry.get("LambdaFunctionArn", "")),
                Trigger(
                    kind=TriggerKind.S3,
                    location=Location(f"arn:aws:s3:::{bucket}"),
                    source=bucket,
                    properties={k: v for k, v in entry.items() if k in ("Events", "Filter", "Id")},
                ),
            )
    for sub in snap.subscriptions:
        attach(
            str(sub.get("Endpoint", "")),
            Trigger(
                kind=TriggerKind.SNS,
                location=Location(str(sub.get("SubscriptionArn", sub.get("TopicArn", "")))),
                source=sub.get("TopicArn"),
            ),
        )
    for rule in snap.rules:
        schedule = rule.get("ScheduleExpression")
        for target in rule.get("_targets", []):
            attach(
                str(target.get("Arn", "")),
                Trigger(
                    kind=TriggerKind.SCHEDULE if schedule else TriggerKind.EVENTBRIDGE,
                    location=Location(str(rule.get("Arn", rule.get("Name", "")))),
                    source=rule.get("Arn"),
                    properties={
                        k: v for k, v in rule.items() if k in ("EventPattern", "ScheduleExpression")
                    },
                ),
            )
    by_role: dict[str, list[str]] = {}
    for fn_name, fn in functions.items():
        if isinstance(fn.role, str):
            by_role.setdefault(fn.role, []).append(fn_name)
    roles = [_role(data, by_role.get(arn, [])) for arn, data in snap.roles.items()]
    final = tuple(
        _with_triggers(fn, triggers[fn.name])
        for fn in sorted(functions.values(), key=lambda f: f.name)
    )
    return Application(
        name=name,
        format=AppFormat.CLOUDFORMATION,
        file=name,
        root=".",
        region=region,
        functions=final,
        roles=tuple(sorted(roles, key=lambda r: r.id)),
        apis=tuple(apis),
        resources=(
            *_permissions(snap, functions),
            *_alarms(snap),
            *_queues(snap),
            *store_resources(snap.stores),
        ),
    )


def _queues(snap: RegionSnapshot) -> Iterable[Resource]:
    """Each SQS queue the functions use (trigger or not), in CloudFormation's property names."""
    for arn, attributes in sorted(snap.queues.items()):
        props: dict[str, Any] = {"QueueName": arn.rsplit(":", 1)[-1]}
        for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds"):
            if str(attributes.get(key, "")).isdigit():
                props[key] = int(attributes[key])
        if attributes.get("FifoQueue") == "true":
            props["FifoQueue"] = True
        if attributes.get("KmsMasterKeyId"):
            props["KmsMasterKeyId"] = attributes["KmsMasterKeyId"]
        if "SqsManagedSseEnabled" in attributes:
            props["SqsManagedSseEnabled"] = attributes["SqsManagedSseEnabled"] == "true"
        if attributes.get("RedrivePolicy"):
            try:
                props["RedrivePolicy"] = json.loads(attributes["RedrivePolicy"])
            except ValueError:
                props["RedrivePolicy"] = attributes["RedrivePolicy"]
        yield Resource(id=arn, type="AWS::SQS::Queue", location=Location(arn), properties=props)


def _alarms(snap: RegionSnapshot) -> Iterable[Resource]:
    for alarm in snap.alarms:
        arn = str(alarm.get("AlarmArn", alarm.get("AlarmName", "")))
        yield Resource(
            id=str(alarm.get("AlarmName", arn)),
            type="AWS::CloudWatch::Alarm",
            location=Location(arn),
            properties=_plain(
                {k: alarm.get(k) for k in ("Namespace", "MetricName", "Threshold") if k in alarm}
            ),
        )


def _with_triggers(fn: Function, triggers: list[Trigger]) -> Function:
    from dataclasses import replace

    return replace(fn, triggers=tuple(triggers))


def _function(got: Mapping[str, Any], snap: RegionSnapshot, app: str) -> Function:
    conf = got.get("Configuration", {})
    name = str(conf.get("FunctionName"))
    arn = str(conf.get("FunctionArn", name))
    where = Location(arn)
    env = (conf.get("Environment") or {}).get("Variables") or {}
    url = snap.url_configs.get(name)
    url_model = None
    url_triggers: list[Trigger] = []
    if url is not None:
        cors = _cors(url.get("Cors"), Location(str(url.get("FunctionUrl", arn))))
        url_where = Location(str(url.get("FunctionUrl", arn)))
        auth_type = str(url.get("AuthType", ""))
        url_model = FunctionUrl(
            auth_type=auth_type, location=url_where, cors=cors, invoke_mode=url.get("InvokeMode")
        )
        url_triggers.append(
            Trigger(
                TriggerKind.FUNCTION_URL,
                url_where,
                auth=AuthKind.IAM
                if auth_type == "AWS_IAM"
                else AuthKind.NONE
                if auth_type == "NONE"
                else AuthKind.UNKNOWN,
                internet_reachable=True,
                cors=cors,
            )
        )
    vpc = conf.get("VpcConfig") or {}
    group = str((conf.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}")
    concurrency = (got.get("Concurrency") or {}).get("ReservedConcurrentExecutions")
    tags = got.get("Tags") or {}
    return Function(
        name=name,
        application=app,
        location=where,
        resource_id=arn,
        runtime=conf.get("Runtime"),
        handler=conf.get("Handler"),
        package_type=str(conf.get("PackageType") or "Zip"),
        image_uri=(got.get("Code") or {}).get("ImageUri"),
        memory=conf.get("MemorySize"),
        timeout=conf.get("Timeout"),
        reserved_concurrency=concurrency if isinstance(concurrency, int) else None,
        environment=tuple(
            EnvVar(name=str(k), value=str(v), location=where, origin="function")
            for k, v in sorted(env.items())
        ),
        layers=tuple(str(layer.get("Arn")) for layer in conf.get("Layers") or ()),
        url=url_model,
        tracing=(conf.get("TracingConfig") or {}).get("Mode"),
        log_group=group,
        log_retention_days=_retention(snap, group),
        dead_letter=(conf.get("DeadLetterConfig") or {}).get("TargetArn"),
        vpc=Vpc(
            subnet_ids=tuple(vpc.get("SubnetIds") or ()),
            security_group_ids=tuple(vpc.get("SecurityGroupIds") or ()),
        )
        if vpc.get("SubnetIds")
        else None,
        tags={str(k): str(v) for k, v in tags.items()},
        description=conf.get("Description") or None,
        triggers=tuple(url_triggers),
        role=conf.get("Role"),
        architectures=tuple(conf.get("Architectures") or ("x86_64",)),
        kms_key_arn=conf.get("KMSKeyArn"),
    )


def _retention(snap: RegionSnapshot, group: str) -> int | Unknown | None:
    """Days the function's logs are kept; None = never expire; Unknown when not readable."""
    if snap.log_retention is None:
        return Unknown(group, "logs:DescribeLogGroups could not be read")
    days = snap.log_retention.get(group)
    return days if isinstance(days, int) else None


def _cors(value: Any, where: Location) -> Cors | None:
    if not isinstance(value, Mapping):
        return None
    return Cors(
        allow_origins=tuple(str(o) for o in value.get("AllowOrigins") or ()),
        allow_credentials=value.get("AllowCredentials"),
        location=where,
    )


def _role(data: RoleData, functions: list[str]) -> Role:
    statements: list[Statement] = []
    for policy, document in sorted(data.inline.items()):
        statements += _statements(document, Location(data.arn), f"inline policy {policy}")
    managed: list[str] = []
    for arn, name, managed_document in data.attached:
        if arn.startswith(_AWS_MANAGED) or managed_document is None:
            managed.append(arn)  # AWS managed: known offline (faasguard.iam.managed)
        else:
            statements += _statements(managed_document, Location(arn), f"managed policy {name}")
    trusted = []
    for stmt in one_or_many((data.trust or {}).get("Statement")):
        principal = stmt.get("Principal") if isinstance(stmt, Mapping) else None
        if isinstance(principal, Mapping):
            trusted += [str(s) for s in one_or_many(principal.get("Service"))]
    return Role(
        id=data.arn,
        location=Location(data.arn),
        statements=tuple(statements),
        managed_policies=tuple(managed),
        functions=tuple(sorted(functions)),
        permissions_boundary=data.boundary,
        trusted_services=tuple(trusted),
    )


def _statements(document: Mapping[str, Any], where: Location, origin: str) -> list[Statement]:
    found = []
    for index, stmt in enumerate(one_or_many(document.get("Statement"))):
        if not isinstance(stmt, Mapping):
            continue
        found.append(
            Statement(
                effect=str(stmt.get("Effect", "")),
                actions=tuple(str(a) for a in one_or_many(stmt.get("Action"))),
                not_actions=tuple(str(a) for a in one_or_many(stmt.get("NotAction"))),
                resources=tuple(str(r) for r in one_or_many(stmt.get("Resource"))),
                not_resources=tuple(str(r) for r in one_or_many(stmt.get("NotResource"))),
                condition=stmt.get("Condition"),
                sid=stmt.get("Sid"),
                location=where,
                origin=f"{origin} statement {index}",
            )
        )
    return found


def _plain(value: Any) -> Any:
    """JSON-safe copy (AWS returns datetimes): what reports can serialise as they are."""
    return json.loads(json.dumps(value, default=str))


def _permissions(snap: RegionSnapshot, functions: Mapping[str, Function]) -> Iterable[Resource]:
    for name, policy in sorted(snap.policies.items()):
        fn = functions.get(name)
        for index, stmt in enumerate(one_or_many(policy.get("Statement"))):
            if not isinstance(stmt, Mapping):
                continue
            principal = stmt.get("Principal")
            if isinstance(principal, Mapping):
                principal = principal.get("Service") or principal.get("AWS")
            condition = stmt.get("Condition") or {}
            props: dict[str, Any] = {
                "Action": stmt.get("Action"),
                "FunctionName": name,
                "Principal": principal,
            }
            for test in condition.values() if isinstance(condition, Mapping) else ():
                if isinstance(test, Mapping):
                    for key, value in test.items():
                        if key.lower() == "aws:sourcearn":
                            props["SourceArn"] = value
                        elif key.lower() == "aws:sourceaccount":
                            props["SourceAccount"] = value
                        elif key.lower() == "lambda:functionurlauthtype":
                            props["FunctionUrlAuthType"] = value
            sid = str(stmt.get("Sid") or index)
            yield Resource(
                id=f"{name}:{sid}",
                type="AWS::Lambda::Permission",
                location=fn.location if fn else Location(name),
                properties=props,
            )


def _rest_apis(snap: RegionSnapshot, attach: Any) -> Iterable[Api]:
    for api in snap.rest_apis:
        api_id = str(api["id"])
        where = Location(f"arn:aws:apigateway:{snap.region}::/restapis/{api_id}")
        types = (api.get("endpointConfiguration") or {}).get("types") or []
        private = "PRIVATE" in types
        names: list[str] = []
        for resource in api.get("_resources", []):
            path = resource.get("path")
            for method, body in (resource.get("resourceMethods") or {}).items():
                uri = str((body.get("methodIntegration") or {}).get("uri", ""))
                arn = function_arn(uri)
                if arn is None:
                    continue
                names.append(arn)
                auth = _REST_AUTH.get(str(body.get("authorizationType", "NONE")), AuthKind.UNKNOWN)
                if auth is AuthKind.NONE and body.get("apiKeyRequired"):
                    auth = AuthKind.API_KEY
                attach(
                    arn,
                    Trigger(
                        kind=TriggerKind.REST_API,
                        location=where,
                        auth=auth,
                        internet_reachable=not private,
                        path=path,
                        method=str(method).upper(),
                        api=api_id,
                    ),
                )
        yield Api(
            id=api_id,
            kind=TriggerKind.REST_API,
            location=where,
            throttling=_stage_throttle(
                (s.get("methodSettings") or {}).get("*/*", {}).get("throttlingRateLimit")
                for s in api.get("_stages", [])
            ),
            functions=tuple(sorted({a.rsplit(":", 1)[-1] for a in names})),
            properties={"Name": api.get("name"), "EndpointTypes": list(types)},
        )


def _http_apis(snap: RegionSnapshot, attach: Any) -> Iterable[Api]:
    for api in snap.http_apis:
        api_id = str(api["ApiId"])
        websocket = api.get("ProtocolType") == "WEBSOCKET"
        kind = TriggerKind.WEBSOCKET if websocket else TriggerKind.HTTP_API
        where = Location(f"arn:aws:apigateway:{snap.region}::/apis/{api_id}")
        integrations = {
            str(i.get("IntegrationId")): function_arn(str(i.get("IntegrationUri", "")))
            for i in api.get("_integrations", [])
        }
        names: list[str] = []
        for route in api.get("_routes", []):
            target = str(route.get("Target", ""))
            arn = integrations.get(target.removeprefix("integrations/"))
            if arn is None:
                continue
            names.append(arn)
            key = str(route.get("RouteKey", ""))
            method, _, path = key.partition(" ")
            if not path:
                method, path = "ANY", key
            attach(
                arn,
                Trigger(
                    kind=kind,
                    location=where,
                    auth=_HTTP_AUTH.get(
                        str(route.get("AuthorizationType", "NONE")), AuthKind.UNKNOWN
                    ),
                    internet_reachable=True,
                    path=path,
                    method=method.upper(),
                    api=api_id,
                ),
            )
        yield Api(
            id=api_id,
            kind=kind,
            location=where,
            throttling=_stage_throttle(
                (s.get("DefaultRouteSettings") or {}).get("ThrottlingRateLimit")
                for s in api.get("_stages", [])
            ),
            functions=tuple(sorted({a.rsplit(":", 1)[-1] for a in names})),
            properties={"Name": api.get("Name")},
        )


def _stage_throttle(limits: Iterable[Any]) -> Throttling | None:
    """The loosest stage throttle (the one an attacker would use); None when a stage has none."""
    values = list(limits)
    if not values or any(not isinstance(v, int | float) or v <= 0 for v in values):
        return None
    return Throttling(rate_limit=max(float(v) for v in values))
