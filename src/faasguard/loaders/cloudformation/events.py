"""SAM function ``Events`` as model triggers.

Each event becomes one :class:`~faasguard.model.Trigger`. HTTP events (``Api``, ``HttpApi``)
take their auth, reachability and CORS from the API they attach to, creating SAM's implicit
``ServerlessRestApi``/``ServerlessHttpApi`` when the event names no API. Other events are
invoked by AWS services: their auth is NONE and they are not reachable from the internet.

``source`` is the logical id when the event names a template resource (``Queue: !GetAtt
MyQueue.Arn`` gives ``MyQueue``), else the value as resolved (an ARN, a name, or Unknown).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from faasguard.loaders.cloudformation.apis import implicit_api, route_auth
from faasguard.loaders.cloudformation.context import (
    ApiDraft,
    LoadContext,
    as_key,
    as_map,
    as_str,
)
from faasguard.loaders.cloudformation.intrinsics import ref_target
from faasguard.loaders.cloudformation.openapi import body_route, sam_request_validation
from faasguard.loaders.cloudformation.sam_globals import SamGlobals
from faasguard.loaders.interface import IssueKind
from faasguard.loaders.openapi.spec import Operation
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import AuthKind, Trigger, TriggerKind, Unknown

__all__ = ["EVENT_KINDS", "SOURCE_KEYS", "sam_event_triggers", "source_of"]

#: SAM event type -> trigger kind (HTTP events are handled separately).
EVENT_KINDS: Final = {
    "S3": TriggerKind.S3,
    "SNS": TriggerKind.SNS,
    "SQS": TriggerKind.SQS,
    "Kinesis": TriggerKind.KINESIS,
    "DynamoDB": TriggerKind.DYNAMODB_STREAM,
    "Schedule": TriggerKind.SCHEDULE,
    "ScheduleV2": TriggerKind.SCHEDULE,
    "CloudWatchEvent": TriggerKind.EVENTBRIDGE,
    "EventBridgeRule": TriggerKind.EVENTBRIDGE,
    "CloudWatchLogs": TriggerKind.CLOUDWATCH_LOGS,
    "Cognito": TriggerKind.COGNITO,
    "IoTRule": TriggerKind.IOT,
    "AlexaSkill": TriggerKind.ALEXA,
    "MSK": TriggerKind.KAFKA,
    "SelfManagedKafka": TriggerKind.KAFKA,
    "MQ": TriggerKind.MQ,
}
#: SAM event type -> the property naming its source.
SOURCE_KEYS: Final = {
    "S3": "Bucket",
    "SNS": "Topic",
    "SQS": "Queue",
    "Kinesis": "Stream",
    "DynamoDB": "Stream",
    "CloudWatchEvent": "EventBusName",
    "EventBridgeRule": "EventBusName",
    "CloudWatchLogs": "LogGroupName",
    "Cognito": "UserPool",
    "AlexaSkill": "SkillId",
    "MSK": "Stream",
    "MQ": "Broker",
    "DocumentDB": "Cluster",
}
_HTTP_KEYS: Final = ("Path", "Method", "RestApiId", "ApiId")


def source_of(ctx: LoadContext, raw: Any, resolved: Any) -> str | Unknown | None:
    """The source of an event: a template resource's logical id, else the resolved value."""
    target = ref_target(raw)
    if target is not None and ctx.resolver.is_resource(target):
        return target
    return as_str(resolved)


def _without(props: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key not in keys}


def sam_event_triggers(
    ctx: LoadContext, globals_: SamGlobals, fn: str, events: Any, *, line: int | None
) -> list[Trigger]:
    """Return the triggers of a SAM function's raw ``Events`` mapping, in order.

    Args:
        ctx: the load context.
        globals_: the template's Globals (for implicit APIs).
        fn: the function's logical id.
        events: the raw ``Events`` value.
        line: the line of the ``Events`` key, for messages about it.
    """
    if events is None:
        return []
    resolved = ctx.resolver.resolve(events)
    if not isinstance(resolved, dict):
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"{fn}: Events cannot be resolved statically; its triggers are not known",
            line,
        )
        return []
    triggers: list[Trigger] = []
    for name, event in resolved.items():
        line = line_of(events, name)
        raw_event = as_map(as_map(events).get(name))
        if isinstance(event, Unknown):
            triggers.append(
                Trigger(TriggerKind.OTHER, ctx.location(line), AuthKind.UNKNOWN, None, source=event)
            )
            continue
        event_type = as_map(event).get("Type")
        props = as_map(as_map(event).get("Properties"))
        raw_props = as_map(raw_event.get("Properties"))
        if event_type in ("Api", "HttpApi"):
            kind = TriggerKind.REST_API if event_type == "Api" else TriggerKind.HTTP_API
            triggers.append(_http_trigger(ctx, globals_, fn, kind, props, raw_props, line))
            continue
        source_key = SOURCE_KEYS.get(as_key(event_type))
        source = (
            source_of(ctx, raw_props.get(source_key), props.get(source_key)) if source_key else None
        )
        triggers.append(
            Trigger(
                kind=EVENT_KINDS.get(as_key(event_type), TriggerKind.OTHER),
                location=ctx.location(line),
                source=source,
                properties=_without(props, source_key) if source_key else dict(props),
            )
        )
    return triggers


def _http_trigger(
    ctx: LoadContext,
    globals_: SamGlobals,
    fn: str,
    kind: TriggerKind,
    props: Mapping[str, Any],
    raw_props: Mapping[str, Any],
    line: int | None,
) -> Trigger:
    api_key = "RestApiId" if kind is TriggerKind.REST_API else "ApiId"
    raw_api = raw_props.get(api_key)
    draft: ApiDraft | None
    api_id: str | None
    if raw_api is None:
        draft = implicit_api(ctx, globals_, kind, line=line)
        api_id = draft.api.id
    else:
        api_id = ref_target(raw_api)
        draft = ctx.apis.get(api_id) if api_id else None
        if draft is None and api_id is None:
            value = props.get(api_key)
            api_id = value if isinstance(value, str) else None
    if draft is not None:
        draft.add_function(fn)
    auth = route_auth(draft, props.get("Auth"), kind=kind)
    path = as_str(props.get("Path"))
    method = as_str(props.get("Method"))
    if kind is TriggerKind.HTTP_API and path is None and method is None:
        path = "$default"  # SAM's catch-all route for an HttpApi event without a route
    if isinstance(method, str):
        method = method.upper()
    elif method is None and kind is TriggerKind.HTTP_API:
        method = "ANY"
    rest = kind is TriggerKind.REST_API
    validation = sam_request_validation(props, ctx.location(line)) if rest else None
    if draft is not None and draft.openapi is not None:
        # SAM merges the event's route into the API's OpenAPI body (adding the operation when
        # the body lacks it): without an authorizer of its own, the route authenticates as
        # that operation, or the body's document-wide settings, say (openapi.py).
        operation = draft.openapi.find(path, method) or Operation(
            path if isinstance(path, str) else "",
            method if isinstance(method, str) else "ANY",
            line,
        )
        body_auth, body_validation = body_route(draft, operation)
        event_auth = props.get("Auth")
        if not isinstance(event_auth, Unknown) and "Authorizer" not in as_map(event_auth):
            auth = body_auth if body_auth is not AuthKind.NONE else auth
        if rest and validation is None:
            validation = body_validation
    return Trigger(
        kind=kind,
        location=ctx.location(line),
        auth=auth,
        internet_reachable=draft.internet_reachable if draft else None,
        path=path,
        method=method,
        cors=draft.cors if draft else None,
        api=api_id,
        properties=_without(props, *_HTTP_KEYS),
        request_validation=validation,
    )
