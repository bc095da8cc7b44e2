"""The API Gateway APIs Serverless creates implicitly from function events.

All ``http`` events of a service share one REST API (``ApiGatewayRestApi``), all ``httpApi``
events one HTTP API (``HttpApi``) and all ``websocket`` events one WebSocket API
(``WebsocketsApi``). Each is modelled once, with the functions it routes to, so API-level rules
(throttling, resource policies) report once per API rather than once per route.

Throttling comes from the REST API's usage plan (``provider.apiGateway.usagePlan.throttle``, or
the legacy ``provider.usagePlan``). A usage plan only throttles callers that present an API
key; rules that want stage-level throttling must read it as such. HTTP and WebSocket APIs have
no throttling settings in ``serverless.yml``, so theirs is None (not configured).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.naming import HTTP_API_ID, REST_API_ID, WEBSOCKET_API_ID
from faasguard.loaders.serverless.values import as_int, as_map, plain, render_value
from faasguard.model import Api, Function, Throttling, TriggerKind, Unknown

__all__ = ["build_apis"]

_REST_PROPERTIES: Final = (
    "endpointType",
    "apiName",
    "tracing",
    "logs",
)
_REST_GATEWAY_PROPERTIES: Final = (
    "restApiId",
    "resourcePolicy",
    "apiKeys",
    "apiKeySourceType",
    "disableDefaultEndpoint",
    "minimumCompressionSize",
)
_HTTP_PROPERTIES: Final = ("id", "disableDefaultEndpoint", "metrics", "payload", "cors")


def build_apis(ctx: Context, functions: Iterable[Function]) -> tuple[Api, ...]:
    """Return the implicit APIs that the functions' HTTP events create, REST first."""
    functions = list(functions)
    provider = ctx.provider
    gateway = as_map(provider.get("apiGateway"))
    apis: list[Api] = []
    for kind, api_id in (
        (TriggerKind.REST_API, REST_API_ID),
        (TriggerKind.HTTP_API, HTTP_API_ID),
        (TriggerKind.WEBSOCKET, WEBSOCKET_API_ID),
    ):
        routes = [(fn, t) for fn in functions for t in fn.triggers if t.kind is kind]
        if not routes:
            continue
        if kind is TriggerKind.REST_API:
            properties = _pick(provider, _REST_PROPERTIES) | _pick(
                gateway, _REST_GATEWAY_PROPERTIES
            )
            if "usagePlan" in gateway or "usagePlan" in provider:
                properties["usagePlan"] = plain(gateway.get("usagePlan", provider.get("usagePlan")))
            external = "restApiId" in properties
            throttling = _usage_plan_throttling(gateway.get("usagePlan", provider.get("usagePlan")))
        elif kind is TriggerKind.HTTP_API:
            properties = _pick(as_map(provider.get("httpApi")), _HTTP_PROPERTIES)
            external = "id" in properties
            throttling = None
        else:
            properties = _pick(provider, ("websocketsApiName", "websocketApiId"))
            external = "websocketApiId" in properties
            throttling = None
        apis.append(
            Api(
                id=api_id,
                kind=kind,
                location=routes[0][1].location,
                throttling=throttling,
                functions=tuple(dict.fromkeys(fn.name for fn, _ in routes)),
                implicit=not external,
                properties=properties,
            )
        )
    return tuple(apis)


def _pick(block: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: plain(block[key]) for key in keys if block.get(key) is not None}


def _usage_plan_throttling(plan: Any) -> Throttling | Unknown | None:
    """Throttling of the usage plan; several named plans have no single answer."""
    if plan is None:
        return None
    if isinstance(plan, Unknown):
        return plan
    if isinstance(plan, list):
        if len(plan) != 1 or not isinstance(plan[0], dict) or len(plan[0]) != 1:
            return Unknown(render_value(plan), "several usage plans")
        plan = next(iter(plan[0].values()))
    throttle = as_map(plan).get("throttle")
    if throttle is None:
        return None
    if isinstance(throttle, Unknown):
        return throttle
    throttle = as_map(throttle)
    return Throttling(
        rate_limit=_as_float(throttle.get("rateLimit")),
        burst_limit=as_int(throttle.get("burstLimit")),
    )


def _as_float(value: Any) -> float | Unknown | None:
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return Unknown(render_value(value), "expected a number")
