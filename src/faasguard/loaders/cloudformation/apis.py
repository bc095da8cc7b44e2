"""API Gateway APIs: SAM ``Api``/``HttpApi`` (explicit and implicit) and plain CloudFormation.

An API carries what a route's trigger needs to be judged: its authorizers and default
authorizer (a route without its own ``Auth`` inherits them), its endpoint type (a PRIVATE REST
API is not reachable from the internet), its CORS settings and its stage throttling.

When an API's auth cannot be seen (``Auth`` is an unresolvable intrinsic, or routes may carry
``security`` from an OpenAPI ``DefinitionBody`` this loader does not interpret) a route without
its own authorizer gets :attr:`AuthKind.UNKNOWN`, never NONE: a guess in either direction would
be a false finding or a missed one. A body that is inline or a local file is read
(:mod:`.openapi`): its operations then say how each route authenticates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from faasguard.loaders.cloudformation.context import (
    ApiDraft,
    LoadContext,
    RawResource,
    as_bool,
    as_float,
    as_int,
    as_key,
    as_map,
    as_str,
    key_line,
)
from faasguard.loaders.cloudformation.intrinsics import ref_target, referenced_resources
from faasguard.loaders.cloudformation.openapi import body_cors, read_api_body
from faasguard.loaders.cloudformation.sam_globals import SamGlobals
from faasguard.model import Api, AuthKind, Cors, Location, Throttling, TriggerKind, Unknown

__all__ = [
    "IMPLICIT_HTTP_API",
    "IMPLICIT_REST_API",
    "build_cfn_apis",
    "build_sam_apis",
    "cors_from_config",
    "implicit_api",
    "route_auth",
]

IMPLICIT_REST_API: Final = "ServerlessRestApi"
IMPLICIT_HTTP_API: Final = "ServerlessHttpApi"
_SAM_TYPES: Final = {
    "AWS::Serverless::Api": ("Api", TriggerKind.REST_API),
    "AWS::Serverless::HttpApi": ("HttpApi", TriggerKind.HTTP_API),
}


def _unquote(value: Any) -> Any:
    """SAM REST CORS values are header literals in single quotes: ``"'*'"`` means ``*``."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value


def cors_from_config(value: Any, *, file: str, line: int | None, rest: bool = False) -> Cors | None:
    """Build CORS settings from a resolved SAM/CloudFormation/function URL CORS setting.

    Args:
        value: ``Cors`` (SAM REST: a quoted origin or ``{AllowOrigin, AllowCredentials}``),
            ``CorsConfiguration`` (HTTP APIs: ``true`` or ``{AllowOrigins: [...]}``) or a
            function URL's ``Cors``.
        file: the template, for the location.
        line: where the setting is written.
        rest: True for SAM REST ``Cors`` (single origin, values in quotes).
    """
    location = Location(file, line)
    if value is None or value is False:
        return None
    if isinstance(value, Unknown):
        return Cors(allow_origins=(value,), allow_credentials=value, location=location)
    if value is True:
        return Cors(allow_origins=("*",), location=location)
    if isinstance(value, str):
        return Cors(allow_origins=(_unquote(value),), location=location)
    config = as_map(value)
    origins_raw = config.get("AllowOrigin") if rest else config.get("AllowOrigins")
    origins: list[str | Unknown] = []
    for item in origins_raw if isinstance(origins_raw, list) else [origins_raw]:
        text = as_str(_unquote(item))
        if text is not None:
            origins.append(text)
    credentials = as_bool(_unquote(config.get("AllowCredentials")))
    return Cors(allow_origins=tuple(origins), allow_credentials=credentials, location=location)


def _authorizer_kind(config: Any) -> AuthKind:
    settings = as_map(config)
    if "UserPoolArn" in settings:
        return AuthKind.COGNITO
    if "JwtConfiguration" in settings:
        return AuthKind.JWT
    if "FunctionArn" in settings:
        return AuthKind.LAMBDA_AUTHORIZER
    return AuthKind.UNKNOWN


def _reachable(endpoint: Any) -> bool | None:
    """False for PRIVATE REST endpoints; None when the endpoint type is unresolvable."""
    if isinstance(endpoint, Unknown):
        return None
    kinds = endpoint.get("Type", endpoint.get("Types")) if isinstance(endpoint, dict) else endpoint
    if isinstance(kinds, Unknown):
        return None
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(isinstance(kind, Unknown) for kind in kinds):
        return None
    return "PRIVATE" not in kinds


def _method_throttling(settings: Any) -> Throttling | Unknown | None:
    """Stage-wide throttling from REST ``MethodSettings`` (the ``/*`` + ``*`` entry first)."""
    if isinstance(settings, Unknown):
        return settings
    entries = [as_map(item) for item in settings] if isinstance(settings, list) else []
    entries.sort(key=lambda e: not (e.get("ResourcePath") == "/*" and e.get("HttpMethod") == "*"))
    for entry in entries:
        throttling = _throttling(entry)
        if throttling is not None:
            return throttling
    return None


def _throttling(settings: Any) -> Throttling | Unknown | None:
    if isinstance(settings, Unknown):
        return settings
    config = as_map(settings)
    if "ThrottlingRateLimit" not in config and "ThrottlingBurstLimit" not in config:
        return None
    return Throttling(
        rate_limit=as_float(config.get("ThrottlingRateLimit")),
        burst_limit=as_int(config.get("ThrottlingBurstLimit")),
    )


def _sam_draft(
    ctx: LoadContext,
    api_id: str,
    kind: TriggerKind,
    props: Mapping[str, Any],
    raw: Mapping[str, Any],
    *,
    line: int | None,
    implicit: bool,
) -> ApiDraft:
    rest = kind is TriggerKind.REST_API
    if rest:
        throttling = _method_throttling(props.get("MethodSettings"))
        cors = cors_from_config(
            props.get("Cors"), file=ctx.file, line=key_line(raw, "Cors", line), rest=True
        )
        reachable = _reachable(props.get("EndpointConfiguration"))
    else:
        throttling = _throttling(props.get("DefaultRouteSettings"))
        cors = cors_from_config(
            props.get("CorsConfiguration"),
            file=ctx.file,
            line=key_line(raw, "CorsConfiguration", line),
        )
        reachable = True
    draft = ApiDraft(
        api=Api(
            id=api_id,
            kind=kind,
            location=ctx.location(line),
            throttling=throttling,
            implicit=implicit,
            properties=props,
        ),
        internet_reachable=reachable,
        cors=cors,
    )
    auth = props.get("Auth")
    has_body = "DefinitionBody" in props or "DefinitionUri" in props
    if has_body:
        draft.openapi = read_api_body(
            ctx, raw, body_key="DefinitionBody", uri_key="DefinitionUri", line=line
        )
    if isinstance(auth, Unknown):
        draft.auth_unknown = True
        return draft
    settings = as_map(auth)
    for name, config in as_map(settings.get("Authorizers")).items():
        draft.authorizers[name] = _authorizer_kind(config)
    default = settings.get("DefaultAuthorizer")
    draft.default_authorizer = default if isinstance(default, (str, Unknown)) else None
    api_key = as_bool(settings.get("ApiKeyRequired")) if rest else False
    draft.api_key_required = api_key if api_key is not None else False
    # A body that could be read says how each of its routes authenticates (events.py).
    draft.auth_unknown = has_body and draft.default_authorizer is None and draft.openapi is None
    if draft.cors is None:
        draft.cors = body_cors(draft.openapi)
    return draft


def build_sam_apis(ctx: LoadContext, globals_: SamGlobals) -> None:
    """Create drafts for the template's ``AWS::Serverless::Api`` and ``HttpApi`` resources."""
    for res in ctx.of_type(*_SAM_TYPES):
        section, kind = _SAM_TYPES[res.type]
        raw = globals_.merge(section, res.properties)
        props = ctx.resolver.resolve(raw)
        ctx.apis[res.id] = _sam_draft(
            ctx, res.id, kind, as_map(props), raw, line=res.line, implicit=False
        )


def implicit_api(
    ctx: LoadContext, globals_: SamGlobals, kind: TriggerKind, *, line: int | None
) -> ApiDraft:
    """Return SAM's implicit ``ServerlessRestApi``/``ServerlessHttpApi``, creating it once.

    Globals apply to implicit APIs too, so a ``Globals.Api.Auth.DefaultAuthorizer`` protects
    every route of the implicit REST API.
    """
    api_id = IMPLICIT_REST_API if kind is TriggerKind.REST_API else IMPLICIT_HTTP_API
    draft = ctx.apis.get(api_id)
    if draft is None:
        section = "Api" if kind is TriggerKind.REST_API else "HttpApi"
        raw = globals_.merge(section, {})
        props = as_map(ctx.resolver.resolve(raw))
        draft = _sam_draft(ctx, api_id, kind, props, raw, line=line, implicit=True)
        ctx.apis[api_id] = draft
    return draft


def route_auth(draft: ApiDraft | None, event_auth: Any, *, kind: TriggerKind) -> AuthKind:
    """Return how a SAM route authenticates its callers.

    Args:
        draft: the API the route belongs to; None when it is outside the template.
        event_auth: the resolved ``Auth`` of the event.
        kind: REST_API or HTTP_API.

    The event's ``Authorizer`` wins over the API's ``DefaultAuthorizer``; ``NONE`` turns auth
    off for the route; ``AWS_IAM`` is IAM. An API key alone (``ApiKeyRequired``) is API_KEY.
    """
    if isinstance(event_auth, Unknown):
        return AuthKind.UNKNOWN
    settings = as_map(event_auth)
    own = "Authorizer" in settings
    if draft is None:
        name: Any = settings.get("Authorizer")
        unknown_default = True
    else:
        name = settings["Authorizer"] if own else draft.default_authorizer
        unknown_default = draft.auth_unknown
    if isinstance(name, Unknown):
        auth = AuthKind.UNKNOWN
    elif name is None or name == "NONE":
        auth = AuthKind.UNKNOWN if unknown_default and not own else AuthKind.NONE
    elif name == "AWS_IAM":
        auth = AuthKind.IAM
    else:
        auth = draft.authorizers.get(as_key(name), AuthKind.UNKNOWN) if draft else AuthKind.UNKNOWN
    api_key: bool | Unknown = False
    if kind is TriggerKind.REST_API:
        default_key = draft.api_key_required if draft else False
        given = as_bool(settings.get("ApiKeyRequired"))
        api_key = given if given is not None else default_key
    if auth is AuthKind.NONE and api_key is True:
        auth = AuthKind.API_KEY
    elif auth is AuthKind.NONE and isinstance(api_key, Unknown):
        auth = AuthKind.UNKNOWN
    return auth


# -- plain CloudFormation -----------------------------------------------------------------------


def build_cfn_apis(ctx: LoadContext) -> None:
    """Create drafts for ``AWS::ApiGateway::RestApi`` and ``AWS::ApiGatewayV2::Api``."""
    for res in ctx.of_type("AWS::ApiGateway::RestApi"):
        props = ctx.resolved(res)
        ctx.apis[res.id] = ApiDraft(
            api=Api(res.id, TriggerKind.REST_API, ctx.location(res.line), properties=props),
            internet_reachable=_reachable(props.get("EndpointConfiguration")),
            auth_unknown=True,
            openapi=read_api_body(
                ctx, res.properties, body_key="Body", uri_key="BodyS3Location", line=res.line
            ),
        )
    for res in ctx.of_type("AWS::ApiGatewayV2::Api"):
        props = ctx.resolved(res)
        kind = (
            TriggerKind.WEBSOCKET
            if props.get("ProtocolType") == "WEBSOCKET"
            else TriggerKind.HTTP_API
        )
        ctx.apis[res.id] = ApiDraft(
            api=Api(res.id, kind, ctx.location(res.line), properties=props),
            cors=cors_from_config(
                props.get("CorsConfiguration"),
                file=ctx.file,
                line=key_line(res.properties, "CorsConfiguration", res.line),
            ),
            auth_unknown=True,
            openapi=read_api_body(
                ctx, res.properties, body_key="Body", uri_key="BodyS3Location", line=res.line
            ),
        )
        draft = ctx.apis[res.id]
        if draft.cors is None:
            draft.cors = body_cors(draft.openapi)
    _stage_throttling(ctx)


def _api_of(ctx: LoadContext, res: RawResource, key: str) -> ApiDraft | None:
    target = ref_target(res.properties.get(key))
    if target is None:
        refs = referenced_resources(res.properties.get(key), ctx.apis)
        target = next(iter(refs)) if len(refs) == 1 else None
    return ctx.apis.get(target) if target else None


def _stage_throttling(ctx: LoadContext) -> None:
    for res in ctx.of_type(
        "AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment", "AWS::ApiGatewayV2::Stage"
    ):
        draft = _api_of(
            ctx, res, "ApiId" if res.type.startswith("AWS::ApiGatewayV2") else "RestApiId"
        )
        if draft is None or draft.api.throttling is not None:
            continue
        props = ctx.resolved(res)
        if res.type == "AWS::ApiGatewayV2::Stage":
            throttling = _throttling(props.get("DefaultRouteSettings"))
        elif res.type == "AWS::ApiGateway::Stage":
            throttling = _method_throttling(props.get("MethodSettings"))
        else:
            description = props.get("StageDescription")
            throttling = _throttling(description) or _method_throttling(
                as_map(description).get("MethodSettings")
            )
        if throttling is not None:
            draft.api = replace(draft.api, throttling=throttling)
