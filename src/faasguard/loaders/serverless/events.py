"""Function ``events:`` -> model :class:`~faasguard.model.Trigger`.

Who can reach a function, and whether they must authenticate, is the attack surface; every
event is translated with the rules Serverless itself applies when it compiles the event:

* ``http`` (REST API): ``authorizer: aws_iam`` or ``type: aws_iam`` is IAM;
  ``COGNITO_USER_POOLS`` or a ``cognito-idp`` ARN is Cognito; a function name, Lambda ARN,
  ``type: token|request`` or an ``authorizerId`` is a Lambda authorizer; ``private: true`` alone
  means an API key. Reachable from the internet unless ``provider.endpointType`` is PRIVATE.
* ``httpApi``: ``authorizer: {name}`` refers to ``provider.httpApi.authorizers.<name>``, whose
  ``type: request`` is a Lambda authorizer and anything else JWT; ``type: aws_iam`` is IAM.
* ``websocket``: only ``$connect`` carries an authorizer; the other routes of the API are
  reached through an authorised connection, so they take the ``$connect`` route's auth.
* ``alb``: ALB listeners may be internal, so reachability is unknown; ``authorizer`` names
  ``provider.alb.authorizers`` of type ``cognito`` (Cognito) or ``oidc`` (JWT).
* Everything else is invoked by an AWS service: not internet-reachable, no caller auth.

Unreadable parts never guess: an authorizer the loader cannot resolve is ``AuthKind.UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from faasguard.loaders.interface import IssueKind
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.naming import (
    HTTP_API_ID,
    REST_API_ID,
    WEBSOCKET_API_ID,
    api_gateway_authorizer_id,
    http_api_authorizer_id,
    websocket_authorizer_id,
)
from faasguard.loaders.serverless.values import (
    EMPTY,
    as_bool,
    as_items,
    as_map,
    as_text,
    plain,
)
from faasguard.model import AuthKind, Cors, Location, Trigger, TriggerKind, Unknown

__all__ = ["ApiSettings", "api_settings", "authorizer_references", "http_cors", "triggers_for"]

CONNECT_ROUTE: Final = "$connect"


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Service-wide settings that events of every function depend on.

    Attributes:
        rest_reachable: False for a PRIVATE REST endpoint, None when unknown.
        http_api_cors: CORS of the HTTP API (``provider.httpApi.cors``).
        http_api_authorizers: ``provider.httpApi.authorizers``.
        alb_authorizers: ``provider.alb.authorizers``.
        connect_auth: auth of the WebSocket ``$connect`` route (NONE when there is none).
    """

    rest_reachable: bool | None
    http_api_cors: Cors | None
    http_api_authorizers: Mapping[str, Any]
    alb_authorizers: Mapping[str, Any]
    connect_auth: AuthKind


def api_settings(ctx: Context, functions: list[tuple[str, Mapping[str, Any]]]) -> ApiSettings:
    """Read the settings shared by all events of the service."""
    provider = ctx.provider
    endpoint = ctx.text(provider.get("endpointType"))
    reachable = None if isinstance(endpoint, Unknown) else (endpoint or "").upper() != "PRIVATE"
    http_api = as_map(provider.get("httpApi"))
    return ApiSettings(
        rest_reachable=reachable,
        http_api_cors=http_cors(ctx, http_api, "cors", "allowedOrigins"),
        http_api_authorizers=as_map(http_api.get("authorizers")),
        alb_authorizers=as_map(as_map(provider.get("alb")).get("authorizers")),
        connect_auth=_connect_auth(functions),
    )


def _connect_auth(functions: list[tuple[str, Mapping[str, Any]]]) -> AuthKind:
    """The auth of the service's ``$connect`` route (NONE when no function declares it)."""
    for _, config in functions:
        for _, kind, spec in _events(config):
            if kind == "websocket" and _route(spec) == CONNECT_ROUTE:
                return _websocket_auth(as_map(spec).get("authorizer"))
    return AuthKind.NONE


def authorizer_references(
    functions: list[tuple[str, Mapping[str, Any]]], settings: ApiSettings
) -> dict[str, set[str]]:
    """Which generated authorizer resources invoke which functions of the service.

    An authorizer function has no events of its own; without this it would look unused. The ids
    are the ``AWS::ApiGateway(V2)::Authorizer`` resources Serverless generates for it.
    """
    names = {name for name, _ in functions}
    found: dict[str, set[str]] = {}

    def add(function: Any, resource_id: str) -> None:
        if isinstance(function, str) and function in names:
            found.setdefault(function, set()).add(resource_id)

    for _, config in functions:
        for _, kind, spec in _events(config):
            authorizer = as_map(spec).get("authorizer")
            target = authorizer if isinstance(authorizer, str) else as_map(authorizer).get("name")
            if kind == "http" and as_map(authorizer).get("arn") is None:
                add(target, api_gateway_authorizer_id(str(target)))
            elif kind == "websocket" and as_map(authorizer).get("arn") is None:
                add(target, websocket_authorizer_id(str(target)))
    for name, config in settings.http_api_authorizers.items():
        add(as_map(config).get("functionName"), http_api_authorizer_id(str(name)))
    return found


def _events(config: Mapping[str, Any]) -> list[tuple[int, str, Any]]:
    events = config.get("events")
    found: list[tuple[int, str, Any]] = []
    for index, item in enumerate(events if isinstance(events, list) else []):
        if isinstance(item, dict):
            found.extend((index, str(kind), spec) for kind, spec in item.items())
    return found


def triggers_for(
    ctx: Context, settings: ApiSettings, name: str, config: Mapping[str, Any]
) -> list[Trigger]:
    """Return the triggers of one function, in the order its events are written."""
    events = config.get("events")
    if events is None:
        return []
    if not isinstance(events, list):
        reason = events.reason if isinstance(events, Unknown) else "not a list"
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"events of function {name!r} cannot be read ({reason}); its triggers are unknown",
            ctx.loc(config, "events"),
        )
        return []
    triggers: list[Trigger] = []
    for index, item in enumerate(events):
        location = ctx.loc(events, index)
        if not isinstance(item, dict):
            reason = item.reason if isinstance(item, Unknown) else "not a mapping"
            ctx.issue(
                IssueKind.UNRESOLVED,
                f"event {index} of function {name!r} cannot be read ({reason}); it is not scanned",
                location,
            )
            continue
        for kind, spec in item.items():
            handler = _HANDLERS.get(str(kind), _other)
            triggers.append(handler(ctx, settings, str(kind), spec, location))
    return triggers


# -- helpers ----------------------------------------------------------------------------------


def _rest(ctx: Context, spec: Mapping[str, Any], consumed: tuple[str, ...]) -> dict[str, Any]:
    """The event's remaining settings, resolved, for ``Trigger.properties``."""
    return {
        str(key): plain(ctx.resolve_cfn(value))
        for key, value in spec.items()
        if key not in consumed
    }


def _method(value: Any) -> str | Unknown | None:
    text = as_text(value)
    if not isinstance(text, str):
        return text
    upper = text.strip().upper()
    return "ANY" if upper in ("*", "ANY") else upper


def _rest_path(value: Any) -> str | Unknown | None:
    """REST paths as Serverless deploys them: one leading slash, no trailing one."""
    text = as_text(value)
    if not isinstance(text, str):
        return text
    return "/" + text.strip().strip("/")


def _split_route(text: str) -> tuple[str | None, str | None]:
    parts = text.split()
    return (parts[0] if parts else None), (parts[1] if len(parts) > 1 else None)


def http_cors(ctx: Context, owner: Mapping[str, Any], key: str, origins_key: str) -> Cors | None:
    """CORS written as ``true`` or a mapping; origins default to ``*`` as in Serverless.

    Args:
        ctx: the load context.
        owner: the mapping holding the CORS setting.
        key: the setting's key (``cors``).
        origins_key: the key listing origins (``origins`` / ``allowedOrigins``).
    """
    value = owner.get(key)
    location = ctx.loc(owner, key)
    if value is None or value is False:
        return None
    if value is True:
        return Cors(("*",), None, location)
    if isinstance(value, Unknown):
        return Cors((value,), value, location)
    if not isinstance(value, dict):
        flag = as_bool(value)
        return Cors(("*",), None, location) if flag is True else None
    origins = ctx.text_items(value.get(origins_key))
    if not origins and origins_key == "origins":
        origins = ctx.text_items(value.get("origin"))
    credentials = as_bool(ctx.resolve_cfn(value.get("allowCredentials")))
    return Cors(origins or ("*",), credentials, location)


# -- HTTP events ------------------------------------------------------------------------------


def _http(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    if isinstance(spec, str):
        method, path = _split_route(spec)
        config: Mapping[str, Any] = EMPTY
    elif isinstance(spec, dict):
        config = spec
        method, path = config.get("method"), config.get("path")
    else:
        return _unknown_http(TriggerKind.REST_API, spec, loc, st.rest_reachable, REST_API_ID)
    auth = _rest_auth(config.get("authorizer"))
    if auth is AuthKind.NONE and as_bool(config.get("private")) is True:
        auth = AuthKind.API_KEY
    return Trigger(
        kind=TriggerKind.REST_API,
        location=loc,
        auth=auth,
        internet_reachable=st.rest_reachable,
        path=_rest_path(path),
        method=_method(method),
        cors=http_cors(ctx, config, "cors", "origins"),
        api=REST_API_ID,
        properties=_rest(ctx, config, ("path", "method", "cors", "authorizer")),
    )


def _rest_auth(authorizer: Any) -> AuthKind:
    """How Serverless types a REST authorizer (``getAuthorizer`` and the compile step)."""
    if authorizer is None:
        return AuthKind.NONE
    if isinstance(authorizer, str):
        if authorizer.upper() == "AWS_IAM":
            return AuthKind.IAM
        return AuthKind.COGNITO if "cognito-idp" in authorizer else AuthKind.LAMBDA_AUTHORIZER
    if not isinstance(authorizer, dict):
        return AuthKind.UNKNOWN
    kind = authorizer.get("type")
    if isinstance(kind, str):
        return {
            "AWS_IAM": AuthKind.IAM,
            "COGNITO_USER_POOLS": AuthKind.COGNITO,
            "TOKEN": AuthKind.LAMBDA_AUTHORIZER,
            "REQUEST": AuthKind.LAMBDA_AUTHORIZER,
            "CUSTOM": AuthKind.LAMBDA_AUTHORIZER,
        }.get(kind.upper(), AuthKind.UNKNOWN)
    if kind is not None:
        return AuthKind.UNKNOWN
    arn = authorizer.get("arn")
    if isinstance(arn, str) and "cognito-idp" in arn:
        return AuthKind.COGNITO
    if isinstance(arn, Unknown):
        return AuthKind.UNKNOWN
    if arn is not None or authorizer.get("name") is not None:
        return AuthKind.LAMBDA_AUTHORIZER
    if authorizer.get("authorizerId") is not None:
        return AuthKind.LAMBDA_AUTHORIZER  # Serverless's default type for it is CUSTOM
    return AuthKind.UNKNOWN


def _http_api(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    if isinstance(spec, str):
        config: Mapping[str, Any] = EMPTY
        method, path = ("ANY", "*") if spec.strip() == "*" else _split_route(spec)
    elif isinstance(spec, dict):
        config = spec
        method, path = config.get("method", "*"), config.get("path")
    else:
        return _unknown_http(TriggerKind.HTTP_API, spec, loc, True, HTTP_API_ID)
    return Trigger(
        kind=TriggerKind.HTTP_API,
        location=loc,
        auth=_http_api_auth(st, config.get("authorizer")),
        internet_reachable=True,
        path=as_text(path),
        method=_method(method),
        cors=st.http_api_cors,
        api=HTTP_API_ID,
        properties=_rest(ctx, config, ("path", "method", "authorizer")),
    )


def _http_api_auth(st: ApiSettings, authorizer: Any) -> AuthKind:
    if authorizer is None:
        return AuthKind.NONE
    if isinstance(authorizer, str):
        return _named_http_api_auth(st, authorizer)
    if not isinstance(authorizer, dict):
        return AuthKind.UNKNOWN
    kind = authorizer.get("type")
    if kind is not None:
        return (
            _HTTP_API_TYPES.get(kind, AuthKind.UNKNOWN)
            if isinstance(kind, str)
            else (AuthKind.UNKNOWN)
        )
    name = authorizer.get("name")
    if isinstance(name, str):
        return _named_http_api_auth(st, name)
    if authorizer.get("id") is not None and name is None:
        return AuthKind.JWT  # an external authorizer id without a type compiles to JWT
    return AuthKind.UNKNOWN


_HTTP_API_TYPES: Final = {
    "aws_iam": AuthKind.IAM,
    "request": AuthKind.LAMBDA_AUTHORIZER,
    "jwt": AuthKind.JWT,
}


def _named_http_api_auth(st: ApiSettings, name: str) -> AuthKind:
    config = st.http_api_authorizers.get(name)
    if not isinstance(config, dict):
        return AuthKind.UNKNOWN
    kind = config.get("type")
    if kind is None:
        return AuthKind.JWT
    if not isinstance(kind, str):
        return AuthKind.UNKNOWN
    return {"request": AuthKind.LAMBDA_AUTHORIZER, "jwt": AuthKind.JWT}.get(kind, AuthKind.UNKNOWN)


def _route(spec: Any) -> Any:
    return spec if not isinstance(spec, dict) else spec.get("route")


def _websocket_auth(authorizer: Any) -> AuthKind:
    if authorizer is None:
        return AuthKind.NONE
    if isinstance(authorizer, (str, dict)):
        return AuthKind.LAMBDA_AUTHORIZER
    return AuthKind.UNKNOWN


def _websocket(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    config = as_map(spec)
    route = as_text(_route(spec))
    if route == CONNECT_ROUTE:
        auth = _websocket_auth(config.get("authorizer"))
    elif isinstance(spec, (str, dict)):
        auth = st.connect_auth
    else:
        auth = AuthKind.UNKNOWN
    return Trigger(
        kind=TriggerKind.WEBSOCKET,
        location=loc,
        auth=auth,
        internet_reachable=True,
        path=route,
        api=WEBSOCKET_API_ID,
        properties=_rest(ctx, config, ("route", "authorizer")),
    )


def _alb(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    config = as_map(spec)
    conditions = as_map(config.get("conditions"))
    paths = ctx.text_items(conditions.get("path"))
    methods = ctx.text_items(conditions.get("method"))
    return Trigger(
        kind=TriggerKind.ALB,
        location=loc,
        auth=_alb_auth(st, config.get("authorizer")) if config else AuthKind.UNKNOWN,
        internet_reachable=None,
        source=ctx.source(config.get("listenerArn")),
        path=paths[0] if paths else None,
        method=_method(methods[0]) if methods else None,
        properties=_rest(ctx, config, ("listenerArn", "authorizer")),
    )


def _alb_auth(st: ApiSettings, authorizer: Any) -> AuthKind:
    names = as_items(authorizer)
    if isinstance(names, Unknown):
        return AuthKind.UNKNOWN
    kinds = []
    for name in names:
        config = st.alb_authorizers.get(name) if isinstance(name, str) else None
        kind = as_map(config).get("type")
        kinds.append(
            {"cognito": AuthKind.COGNITO, "oidc": AuthKind.JWT}.get(kind, AuthKind.UNKNOWN)
            if isinstance(kind, str)
            else AuthKind.UNKNOWN
        )
    known = [kind for kind in kinds if kind is not AuthKind.UNKNOWN]
    if known:
        return known[0]
    return AuthKind.UNKNOWN if kinds else AuthKind.NONE


def _unknown_http(
    kind: TriggerKind, spec: Any, loc: Location, reachable: bool | None, api: str
) -> Trigger:
    unknown = spec if isinstance(spec, Unknown) else Unknown(str(spec), "invalid event")
    return Trigger(
        kind=kind,
        location=loc,
        auth=AuthKind.UNKNOWN,
        internet_reachable=reachable,
        path=unknown,
        api=api,
    )


# -- internal sources -------------------------------------------------------------------------


def _internal(
    trigger_kind: TriggerKind, source_key: str | None, string_key: str | None = None
) -> Callable[[Context, ApiSettings, str, Any, Location], Trigger]:
    """A handler for an event an AWS service sends (string form = its source)."""

    def handle(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
        if isinstance(spec, dict):
            source = ctx.source(spec.get(source_key)) if source_key else None
            consumed = (source_key,) if source_key else ()
            return Trigger(trigger_kind, loc, source=source, properties=_rest(ctx, spec, consumed))
        if string_key is not None and spec is not None and not isinstance(spec, Unknown):
            return Trigger(trigger_kind, loc, properties={string_key: plain(spec)})
        return Trigger(trigger_kind, loc, source=ctx.source(spec) if spec is not None else None)

    return handle


def _sns(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    if isinstance(spec, dict):
        key = "arn" if spec.get("arn") is not None else "topicName"
        return Trigger(
            TriggerKind.SNS,
            loc,
            source=ctx.source(spec.get(key)),
            properties=_rest(ctx, spec, (key,)),
        )
    return Trigger(TriggerKind.SNS, loc, source=ctx.source(spec))


def _stream(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    config = as_map(spec)
    arn = config.get("arn") if isinstance(spec, dict) else spec
    declared = as_text(config.get("type"))
    trigger_kind = TriggerKind.KINESIS if kind == "kinesis" else _stream_kind(declared, arn)
    return Trigger(
        trigger_kind,
        loc,
        source=ctx.source(arn),
        properties=_rest(ctx, config, ("arn", "type")),
    )


def _stream_kind(declared: Any, arn: Any) -> TriggerKind:
    service = declared.lower() if isinstance(declared, str) else None
    if service is None and isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        service = parts[2] if len(parts) > 2 else None
    if service is None and isinstance(arn, dict):
        getatt = arn.get("Fn::GetAtt")
        attribute = getatt[1] if isinstance(getatt, list) and len(getatt) == 2 else None
        if isinstance(getatt, str):
            attribute = getatt.partition(".")[2]
        service = "dynamodb" if attribute == "StreamArn" else None
    return {"dynamodb": TriggerKind.DYNAMODB_STREAM, "kinesis": TriggerKind.KINESIS}.get(
        service or "", TriggerKind.OTHER
    )


def _kafka(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    config = as_map(spec)
    servers = ctx.text_items(config.get("bootstrapServers"))
    unknown = next((item for item in servers if isinstance(item, Unknown)), None)
    source: str | Unknown | None = unknown or (
        ",".join(item for item in servers if isinstance(item, str)) or None
    )
    return Trigger(
        TriggerKind.KAFKA, loc, source=source, properties=_rest(ctx, config, ("bootstrapServers",))
    )


def _other(ctx: Context, st: ApiSettings, kind: str, spec: Any, loc: Location) -> Trigger:
    return Trigger(
        TriggerKind.OTHER,
        loc,
        internet_reachable=None,
        properties={"event": kind, "config": plain(ctx.resolve_cfn(spec))},
    )


_Handler = Callable[[Context, ApiSettings, str, Any, Location], Trigger]

_HANDLERS: Final[Mapping[str, _Handler]] = {
    "http": _http,
    "httpApi": _http_api,
    "websocket": _websocket,
    "alb": _alb,
    "s3": _internal(TriggerKind.S3, "bucket"),
    "sqs": _internal(TriggerKind.SQS, "arn"),
    "sns": _sns,
    "stream": _stream,
    "kinesis": _stream,
    "schedule": _internal(TriggerKind.SCHEDULE, None, "rate"),
    "eventBridge": _internal(TriggerKind.EVENTBRIDGE, "eventBus"),
    "cloudwatchEvent": _internal(TriggerKind.EVENTBRIDGE, None, "event"),
    "cognitoUserPool": _internal(TriggerKind.COGNITO, "pool"),
    "iot": _internal(TriggerKind.IOT, None, "sql"),
    "iotFleetProvisioning": _internal(TriggerKind.IOT, None),
    "cloudwatchLog": _internal(TriggerKind.CLOUDWATCH_LOGS, "logGroup"),
    "alexaSkill": _internal(TriggerKind.ALEXA, "appId"),
    "alexaSmartHome": _internal(TriggerKind.ALEXA, "appId"),
    "msk": _internal(TriggerKind.KAFKA, "arn"),
    "kafka": _kafka,
    "activemq": _internal(TriggerKind.MQ, "arn"),
    "rabbitmq": _internal(TriggerKind.MQ, "arn"),
}
