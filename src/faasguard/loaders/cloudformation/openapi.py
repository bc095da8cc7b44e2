"""OpenAPI bodies of SAM and CloudFormation APIs: where to find them, and what they add.

An API's routes and auth may live in an OpenAPI/Swagger body rather than in function events:
``DefinitionBody`` (inline, or ``Fn::Transform`` ``AWS::Include`` of a local file) and a local
``DefinitionUri`` for SAM; ``Body`` for ``AWS::ApiGateway::RestApi`` and ``AWS::ApiGatewayV2::Api``.
A body in S3 (``s3://...``, ``BodyS3Location``) cannot be read: the API's auth stays unknown.

What a body adds, read by :mod:`faasguard.loaders.openapi.spec`:

- to a SAM event route, the auth and request validator of its operation when the event names
  no authorizer of its own;
- for an operation whose integration names a function of the template but no event does
  (routes written only in the body), a trigger on that function with the operation's auth.

SAM semantics are kept: authorizers declared in ``Auth.Authorizers`` (and ``AWS_IAM``) are
schemes the body may name, ``DefaultAuthorizer`` applies to every operation that names no
authorizer unless it names ``NONE``, and ``ApiKeyRequired`` makes an otherwise open route an
API-key route.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.loaders.cloudformation.context import ApiDraft, LoadContext, as_map
from faasguard.loaders.cloudformation.intrinsics import referenced_resources
from faasguard.loaders.interface import LoadIssue, issue_from_error
from faasguard.loaders.openapi.spec import ApiSpec, Operation, parse_spec
from faasguard.loaders.yaml_safe import line_of, parse_json, parse_yaml
from faasguard.model import (
    AuthKind,
    Cors,
    Location,
    RequestValidation,
    Trigger,
    TriggerKind,
    Unknown,
)

__all__ = [
    "attach_openapi_routes",
    "body_cors",
    "body_route",
    "read_api_body",
    "sam_request_validation",
]

_INCLUDE: Final = "AWS::Include"


def read_api_body(
    ctx: LoadContext, raw: Mapping[str, Any], *, body_key: str, uri_key: str, line: int | None
) -> ApiSpec | None:
    """Read the API's OpenAPI body when it is inline or a local file; None otherwise.

    Args:
        ctx: the load context.
        raw: the API's raw (unresolved) properties.
        body_key: ``DefinitionBody`` (SAM) or ``Body`` (CloudFormation).
        uri_key: ``DefinitionUri`` (SAM) or ``BodyS3Location`` (CloudFormation).
        line: the API's line, for messages.
    """
    body = raw.get(body_key)
    if isinstance(body, dict):
        include = as_map(body.get("Fn::Transform"))
        if include:
            return _include(ctx, include, line=line_of(body, "Fn::Transform") or line)
        spec, issues = parse_spec(body, file=ctx.file)
        _report(ctx, issues)
        return spec
    uri = raw.get(uri_key)
    if isinstance(uri, str) and not uri.startswith("s3://"):
        return _read_file(ctx, uri, line=line_of(raw, uri_key) or line)
    return None


def _include(ctx: LoadContext, include: Mapping[str, Any], *, line: int | None) -> ApiSpec | None:
    """``Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./api.yaml}}``."""
    location = as_map(include.get("Parameters")).get("Location")
    if include.get("Name") != _INCLUDE or not isinstance(location, str):
        return None
    if location.startswith("s3://"):
        return None
    return _read_file(ctx, location, line=line)


def _read_file(ctx: LoadContext, ref: str, *, line: int | None) -> ApiSpec | None:
    path = ctx.join(ref, line=line)
    if path is None or ctx.fs is None:
        return None
    try:
        text = ctx.fs.read_text(path)
        document = (
            parse_json(text, path)
            if path.endswith(".json") or text.lstrip().startswith("{")
            else parse_yaml(text, path)
        )
    except LoadError as exc:
        ctx.issues.append(issue_from_error(exc, application=ctx.application or None))
        return None
    spec, issues = parse_spec(document.data, file=path)
    _report(ctx, issues)
    return spec


def _report(ctx: LoadContext, issues: list[LoadIssue]) -> None:
    ctx.issues.extend(
        LoadIssue(issue.kind, issue.message, issue.location, ctx.application or None)
        for issue in issues
    )


def body_cors(spec: ApiSpec | None) -> Cors | None:
    """CORS of an HTTP API from its body's ``x-amazon-apigateway-cors`` (origins, credentials)."""
    if spec is None or spec.cors is None:
        return None
    origins = spec.cors.get("allowOrigins")
    credentials = spec.cors.get("allowCredentials")
    return Cors(
        tuple(
            o if isinstance(o, str) else Unknown(str(o)[:80], "not a string")
            for o in (origins if isinstance(origins, list) else [])
        ),
        allow_credentials=credentials if isinstance(credentials, bool) else None,
        location=Location(spec.file, spec.cors_line),
    )


def _schemes(draft: ApiDraft) -> dict[str, AuthKind]:
    return {**draft.authorizers, "AWS_IAM": AuthKind.IAM, "NONE": AuthKind.NONE}


def _default(draft: ApiDraft) -> AuthKind | None:
    name = draft.default_authorizer
    if name is None or name == "NONE":
        return None
    if isinstance(name, Unknown):
        return AuthKind.UNKNOWN
    return AuthKind.IAM if name == "AWS_IAM" else draft.authorizers.get(name, AuthKind.UNKNOWN)


def body_route(
    draft: ApiDraft, op: Operation
) -> tuple[AuthKind, RequestValidation | Unknown | None]:
    """The auth and request validator of one operation of the draft's body."""
    assert draft.openapi is not None
    auth = draft.openapi.auth(op, authorizers=_schemes(draft), default=_default(draft))
    if auth is AuthKind.NONE and draft.api_key_required is True:
        auth = AuthKind.API_KEY
    elif auth is AuthKind.NONE and isinstance(draft.api_key_required, Unknown):
        auth = AuthKind.UNKNOWN
    return auth, draft.openapi.validation(op)


def sam_request_validation(
    event_props: Mapping[str, Any], location: Location
) -> RequestValidation | Unknown | None:
    """The validator SAM creates from an ``Api`` event's ``RequestModel``.

    SAM adds one only when ``ValidateBody`` or ``ValidateParameters`` is given; the other then
    defaults to false. Strings and intrinsics are refused by SAM, so they are Unknown here.
    """
    model = event_props.get("RequestModel")
    if isinstance(model, Unknown):
        return model
    settings = as_map(model)
    body, parameters = settings.get("ValidateBody"), settings.get("ValidateParameters")
    if body is None and parameters is None:
        return None
    flags: list[bool | Unknown] = []
    for value in (body, parameters):
        if value is None or isinstance(value, bool):
            flags.append(bool(value))
        else:
            flags.append(Unknown(str(value)[:80], "not a boolean"))
    return RequestValidation(flags[0], flags[1], None, location)


def _functions(ctx: LoadContext, uri: Any) -> list[str]:
    """Functions of the template an integration URI designates."""
    found = referenced_resources(uri, ctx.functions)
    if found:
        return sorted(found)
    if isinstance(uri, str) and ":function:" in uri:
        name = uri.split(":function:", 1)[1].split("/", 1)[0].split(":", 1)[0]
        return sorted(
            fn
            for fn, given in ctx.function_names.items()
            if given == name or (given is None and fn == name)
        )
    return []


def attach_openapi_routes(ctx: LoadContext) -> None:
    """Add a trigger for each body operation whose integration names a template function.

    Operations an event already describes (same API, path and method) are left to the event.
    """
    for api_id, draft in ctx.apis.items():
        spec = draft.openapi
        if spec is None:
            continue
        for op in spec.operations:
            if op.integration_type not in (None, "aws_proxy", "aws"):
                continue
            for fn in _functions(ctx, op.integration):
                function = ctx.functions[fn]
                if any(
                    t.api == api_id and t.path == op.path and t.method in (op.method, "ANY")
                    for t in function.triggers
                ):
                    continue
                auth, validation = body_route(draft, op)
                trigger = Trigger(
                    kind=draft.kind,
                    location=Location(spec.file, op.line),
                    auth=auth,
                    internet_reachable=draft.internet_reachable,
                    path=op.path,
                    method=op.method,
                    cors=draft.cors,
                    api=api_id,
                    properties={"Definition": spec.file},
                    request_validation=validation if draft.kind is TriggerKind.REST_API else None,
                )
                ctx.update_function(fn, triggers=(*function.triggers, trigger))
                draft.add_function(fn)
