"""API Gateway v1 (``aws_api_gateway_*``) and v2 (``aws_apigatewayv2_*``) into APIs and routes.

A REST route is spread over four resources (API, resource path tree, method, integration); the
method says how callers authenticate, the integration which function answers. They are joined by
reference, and the path is rebuilt from the ``parent_id`` chain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from faasguard.errors import ParseError
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.openapi import parse_spec
from faasguard.loaders.terraform.convert import first, strings, text
from faasguard.loaders.terraform.values import (
    R_ATTRIBUTE,
    Encoded,
    JsonText,
    Partial,
    Ref,
    direct_ref,
)
from faasguard.loaders.yaml_safe import parse_yaml
from faasguard.model import (
    Api,
    AuthKind,
    Cors,
    Location,
    RequestValidation,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
)

if TYPE_CHECKING:
    from faasguard.loaders.terraform.draft import Draft
    from faasguard.loaders.terraform.modules import Item

__all__ = ["build_apis"]

_V1_AUTH = {
    "NONE": AuthKind.NONE,
    "AWS_IAM": AuthKind.IAM,
    "CUSTOM": AuthKind.LAMBDA_AUTHORIZER,
    "COGNITO_USER_POOLS": AuthKind.COGNITO,
}
_V2_AUTH = {
    "NONE": AuthKind.NONE,
    "AWS_IAM": AuthKind.IAM,
    "CUSTOM": AuthKind.LAMBDA_AUTHORIZER,
    "JWT": AuthKind.JWT,
}


def build_apis(draft: Draft) -> None:
    """Add every API, and a trigger per route on the function behind it."""
    _rest_apis(draft)
    _http_apis(draft)


def _ref_address(value: Any) -> str | None:
    ref = direct_ref(value)
    return ref[0] if ref else None


def _reachable(item: Item) -> bool:
    types = strings(first(item.values.get("endpoint_configuration")).get("types"))
    return "PRIVATE" not in [t.upper() for t in types if isinstance(t, str)]


def _path(draft: Draft, resource: Any) -> str | Unknown:
    parts: list[str] = []
    seen: set[str] = set()
    current = _ref_address(resource)
    while current is not None and current not in seen:
        seen.add(current)
        item = draft.items.get(current)
        if item is None:
            return Unknown(str(resource), "path not known")
        if item.type == "aws_api_gateway_rest_api":
            break
        part = item.values.get("path_part")
        if not isinstance(part, str):
            return Unknown(getattr(part, "expression", str(part)), "path not known")
        parts.append(part)
        current = _ref_address(item.values.get("parent_id"))
    return "/" + "/".join(reversed(parts))


def _throttling(settings: Any) -> Throttling | None:
    block = first(settings)
    rate, burst = block.get("throttling_rate_limit"), block.get("throttling_burst_limit")
    if rate is None and burst is None:
        return None
    return Throttling(rate, burst)


def _add_api_function(draft: Draft, api_id: str | None, fn_name: str) -> None:
    if api_id is None or api_id not in draft.apis:
        return
    api = draft.apis[api_id]
    if fn_name not in api.functions:
        draft.apis[api_id] = replace(api, functions=(*api.functions, fn_name))


def _rest_apis(draft: Draft) -> None:
    reachable: dict[str, bool] = {}
    for item in draft.of_type("aws_api_gateway_rest_api"):
        draft.apis[item.address] = Api(item.address, TriggerKind.REST_API, item.location)
        reachable[item.address] = _reachable(item)
        _body_routes(draft, item, TriggerKind.REST_API, reachable=reachable[item.address])
    for item in draft.of_type("aws_api_gateway_method_settings"):
        api = _ref_address(item.values.get("rest_api_id"))
        throttling = _throttling(item.values.get("settings"))
        if api in draft.apis and throttling is not None:
            draft.apis[api] = replace(draft.apis[api], throttling=throttling)
    methods = draft.of_type("aws_api_gateway_method")
    for integration in draft.of_type("aws_api_gateway_integration"):
        v = integration.values
        key = draft.function_for(v.get("uri"))
        if key is None:
            continue
        method = _method_for(draft, methods, integration)
        mv = method.values if method else v
        auth_kind = text(mv.get("authorization"))
        auth = (
            _V1_AUTH.get(auth_kind.upper(), AuthKind.UNKNOWN)
            if isinstance(auth_kind, str)
            else AuthKind.UNKNOWN
        )
        if method is None:
            auth = AuthKind.UNKNOWN
        if auth in (AuthKind.LAMBDA_AUTHORIZER, AuthKind.COGNITO):
            auth = _authorizer_kind(draft, mv.get("authorizer_id"), auth, v2=False)
        if auth is AuthKind.NONE and mv.get("api_key_required") is True:
            auth = AuthKind.API_KEY
        api_id = _ref_address(v.get("rest_api_id"))
        verb = text(mv.get("http_method"))
        validation = _validation(draft, method) if method is not None else None
        draft.referenced(key, integration.address)
        draft.add_trigger(
            key,
            Trigger(
                TriggerKind.REST_API,
                method.location if method else integration.location,
                auth=auth,
                internet_reachable=reachable.get(api_id or ""),
                path=_path(draft, v.get("resource_id")),
                method=verb.upper() if isinstance(verb, str) else verb,
                api=api_id if api_id in draft.apis else None,
                request_validation=validation,
            ),
        )
        _add_api_function(draft, api_id, draft.functions[key].name)


def _validation(draft: Draft, method: Item) -> RequestValidation | Unknown | None:
    """The ``aws_api_gateway_request_validator`` a method names, as the model's validation."""
    value = method.values.get("request_validator_id")
    if value is None:
        return None
    validator = draft.items.get(_ref_address(value) or "")
    if validator is None or validator.type != "aws_api_gateway_request_validator":
        return Unknown(getattr(value, "expression", str(value)), "request validator not known")
    v = validator.values
    body, parameters = (
        v.get("validate_request_body", False),
        v.get("validate_request_parameters", False),
    )
    return RequestValidation(
        body if isinstance(body, (bool, Unknown)) else Unknown(str(body), "not a boolean"),
        parameters
        if isinstance(parameters, (bool, Unknown))
        else Unknown(str(parameters), "not a boolean"),
        validator.address,
        draft.location(method, "request_validator_id"),
    )


def _body_routes(
    draft: Draft, item: Item, kind: TriggerKind, *, reachable: bool, cors: Cors | None = None
) -> None:
    """Routes of an OpenAPI ``body`` (``jsonencode({...})`` or a known JSON/YAML text)."""
    if "body" not in item.values:
        return
    document = _body_document(draft, item)
    if document is None:
        return
    spec, issues = parse_spec(document, file=item.location.file)
    draft.issues.extend(issues)
    for op in spec.operations:
        key = draft.function_for(op.integration)
        if key is None:
            continue
        line = op.line if op.line is not None else item.location.line
        draft.referenced(key, item.address)
        draft.add_trigger(
            key,
            Trigger(
                kind,
                Location(item.location.file, line),
                auth=spec.auth(op),
                internet_reachable=reachable,
                path=op.path,
                method=op.method,
                cors=cors,
                api=item.address,
                request_validation=spec.validation(op) if kind is TriggerKind.REST_API else None,
            ),
        )
        _add_api_function(draft, item.address, draft.functions[key].name)


def _body_document(draft: Draft, item: Item) -> Any:
    """The body's structure, or None when it cannot be seen.

    ``jsonencode()`` keeps it, with the ``.tf`` lines; a text (``file()``) is parsed without
    lines, since they would be the text's, not the ``.tf`` file's.
    """
    body = item.values.get("body")
    if isinstance(body, (Encoded, JsonText)):
        return body.value
    holes: dict[str, Any] = {}
    if isinstance(body, Partial):
        # A rendered template with unknown parts (an ARN): parse it with a placeholder in
        # each hole, then put the unknown values back where the placeholders landed.
        texts = []
        for index, piece in enumerate(body.pieces):
            if isinstance(piece, str):
                texts.append(piece)
            else:
                holes[f"faasguard-hole-{index}"] = piece
                texts.append(f"faasguard-hole-{index}")
        body = "".join(texts)
    if not isinstance(body, str):
        return None
    try:
        document = _plain(parse_yaml(body, item.location.file).data)
    except ParseError as exc:
        draft.issues.append(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                f"{item.address}: the API body is not JSON or YAML ({exc.detail})",
                draft.location(item, "body"),
            )
        )
        return None
    return _fill(document, holes) if holes else document


def _fill(document: Any, holes: Mapping[str, Any]) -> Any:
    """Replace each placeholder string by its unknown value (a reference keeps its address)."""
    pattern = re.compile("|".join(re.escape(hole) for hole in holes))
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        entries = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in entries:
            if isinstance(value, (dict, list)):
                stack.append(value)
            elif isinstance(value, str) and pattern.search(value):
                found = pattern.findall(value)
                if value in holes:
                    node[key] = holes[value]
                else:
                    refs = tuple(r for hole in found for r in getattr(holes[hole], "refs", ()))
                    text = pattern.sub(lambda m: holes[m.group(0)].expression, value)
                    node[key] = Ref(text, R_ATTRIBUTE, refs) if refs else Unknown(text, "template")
    if isinstance(document, str) and document in holes:
        return holes[document]
    return document


def _plain(value: Any) -> Any:
    """A parsed document without line numbers (plain dicts and lists), built iteratively."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        node, parent, key = stack.pop()
        if isinstance(node, dict):
            copy: Any = {}
            stack.extend((v, copy, k) for k, v in node.items())
        elif isinstance(node, list):
            copy = [None] * len(node)
            stack.extend((v, copy, i) for i, v in enumerate(node))
        else:
            copy = node
        parent[key] = copy
    return root[0]


def _method_for(draft: Draft, methods: list[Item], integration: Item) -> Item | None:
    v = integration.values
    by_ref = _ref_address(v.get("http_method"))
    if by_ref is not None and by_ref in draft.items:
        return draft.items[by_ref]
    resource = _ref_address(v.get("resource_id"))
    for method in methods:
        if (
            _ref_address(method.values.get("resource_id")) == resource
            and method.values.get("http_method") == v.get("http_method")
            and _ref_address(method.values.get("rest_api_id")) == _ref_address(v.get("rest_api_id"))
        ):
            return method
    return None


def _authorizer_kind(draft: Draft, value: Any, declared: AuthKind, *, v2: bool) -> AuthKind:
    item = draft.items.get(_ref_address(value) or "")
    if item is None:
        return declared
    kind = item.values.get("authorizer_type" if v2 else "type")
    if not isinstance(kind, str):
        return declared
    kind = kind.upper()
    if kind == "JWT":
        return AuthKind.JWT
    if kind == "COGNITO_USER_POOLS":
        return AuthKind.COGNITO
    if kind in ("TOKEN", "REQUEST"):
        return AuthKind.LAMBDA_AUTHORIZER
    return declared


def _http_apis(draft: Draft) -> None:
    for item in draft.of_type("aws_apigatewayv2_api"):
        protocol = item.values.get("protocol_type")
        kind = TriggerKind.WEBSOCKET if protocol == "WEBSOCKET" else TriggerKind.HTTP_API
        cors_block = first(item.values.get("cors_configuration"))
        cors = (
            Cors(
                strings(cors_block.get("allow_origins")),
                cors_block.get("allow_credentials")
                if isinstance(cors_block.get("allow_credentials"), bool)
                else None,
                Location(item.location.file, getattr(cors_block, "line", None)),
            )
            if cors_block
            else None
        )
        draft.apis[item.address] = Api(
            item.address, kind, item.location, properties={"cors": cors} if cors else {}
        )
        if kind is TriggerKind.HTTP_API:
            _body_routes(draft, item, kind, reachable=True, cors=cors)
        quick = draft.function_for(item.values.get("target"))
        if quick is not None:
            draft.add_trigger(
                quick,
                Trigger(
                    kind,
                    item.location,
                    auth=AuthKind.NONE,
                    internet_reachable=True,
                    path=text(item.values.get("route_key", "$default")),
                    method="ANY",
                    cors=cors,
                    api=item.address,
                ),
            )
            _add_api_function(draft, item.address, draft.functions[quick].name)
    for item in draft.of_type("aws_apigatewayv2_stage"):
        staged = _ref_address(item.values.get("api_id"))
        throttling = _throttling(item.values.get("default_route_settings"))
        if staged in draft.apis and throttling is not None:
            draft.apis[staged] = replace(draft.apis[staged], throttling=throttling)
    for route in draft.of_type("aws_apigatewayv2_route"):
        v = route.values
        target = v.get("target")
        refs = getattr(target, "refs", ())
        integration = next((draft.items[r] for r in refs if r in draft.items), None)
        if integration is None or integration.type != "aws_apigatewayv2_integration":
            continue
        key = draft.function_for(integration.values.get("integration_uri"))
        if key is None:
            continue
        api_id = _ref_address(v.get("api_id"))
        api = draft.apis.get(api_id or "")
        declared = text(v.get("authorization_type", "NONE"))
        auth = (
            _V2_AUTH.get(declared.upper(), AuthKind.UNKNOWN)
            if isinstance(declared, str)
            else AuthKind.UNKNOWN
        )
        if auth in (AuthKind.LAMBDA_AUTHORIZER, AuthKind.JWT):
            auth = _authorizer_kind(draft, v.get("authorizer_id"), auth, v2=True)
        if auth is AuthKind.NONE and v.get("api_key_required") is True:
            auth = AuthKind.API_KEY
        route_key = v.get("route_key")
        path: Any = route_key
        verb: Any = None
        if isinstance(route_key, str):
            if route_key.startswith("$"):
                verb = "ANY" if route_key == "$default" else None
            else:
                verb, _, rest = route_key.partition(" ")
                path, verb = (rest, verb.upper()) if rest else (route_key, None)
        draft.referenced(key, route.address)
        draft.add_trigger(
            key,
            Trigger(
                api.kind if api else TriggerKind.HTTP_API,
                route.location,
                auth=auth,
                internet_reachable=True if api else None,
                path=text(path),
                method=verb,
                cors=api.properties.get("cors") if api else None,
                api=api_id if api else None,
            ),
        )
        _add_api_function(draft, api_id, draft.functions[key].name)
