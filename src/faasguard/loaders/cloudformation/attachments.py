"""Plain CloudFormation resources that attach to a function defined elsewhere in the template.

``AWS::Lambda::Url``, ``EventSourceMapping``, ``EventInvokeConfig`` and ``Permission``, API
Gateway methods and routes, and log groups each name a function (``FunctionName: !Ref Fn``,
an integration URI containing ``${Fn.Arn}``...). They stay in the model as resources, and
their effect is folded into the function they name: a trigger, a URL, an on-failure
destination, a log retention. Resources naming a function outside the template change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from faasguard.loaders.cloudformation.context import (
    ApiDraft,
    LoadContext,
    RawResource,
    as_bool,
    as_int,
    as_map,
    as_str,
)
from faasguard.loaders.cloudformation.events import source_of
from faasguard.loaders.cloudformation.intrinsics import ref_target, referenced_resources
from faasguard.loaders.cloudformation.lambda_ import function_url
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import AuthKind, RequestValidation, Trigger, TriggerKind, Unknown

__all__ = ["attach_all"]

#: Resource types an event source mapping may read from.
_STREAM_TYPES: Final = {
    "AWS::SQS::Queue": TriggerKind.SQS,
    "AWS::DynamoDB::Table": TriggerKind.DYNAMODB_STREAM,
    "AWS::DynamoDB::GlobalTable": TriggerKind.DYNAMODB_STREAM,
    "AWS::Serverless::SimpleTable": TriggerKind.DYNAMODB_STREAM,
    "AWS::Kinesis::Stream": TriggerKind.KINESIS,
    "AWS::Kinesis::StreamConsumer": TriggerKind.KINESIS,
    "AWS::MSK::Cluster": TriggerKind.KAFKA,
    "AWS::MSK::ServerlessCluster": TriggerKind.KAFKA,
    "AWS::AmazonMQ::Broker": TriggerKind.MQ,
}
_ARN_SERVICES: Final = {
    "sqs": TriggerKind.SQS,
    "dynamodb": TriggerKind.DYNAMODB_STREAM,
    "kinesis": TriggerKind.KINESIS,
    "kafka": TriggerKind.KAFKA,
    "mq": TriggerKind.MQ,
}
#: Service principals whose permission means "this service invokes the function".
_PRINCIPALS: Final = {
    "apigateway.amazonaws.com": TriggerKind.REST_API,
    "s3.amazonaws.com": TriggerKind.S3,
    "sns.amazonaws.com": TriggerKind.SNS,
    "events.amazonaws.com": TriggerKind.EVENTBRIDGE,
    "logs.amazonaws.com": TriggerKind.CLOUDWATCH_LOGS,
    "iot.amazonaws.com": TriggerKind.IOT,
    "cognito-idp.amazonaws.com": TriggerKind.COGNITO,
    "alexa-appkit.amazon.com": TriggerKind.ALEXA,
    "alexa-connectedhome.amazon.com": TriggerKind.ALEXA,
    "elasticloadbalancing.amazonaws.com": TriggerKind.ALB,
}
_AUTHORIZATION: Final = {
    "NONE": AuthKind.NONE,
    "AWS_IAM": AuthKind.IAM,
    "COGNITO_USER_POOLS": AuthKind.COGNITO,
    "JWT": AuthKind.JWT,
    "CUSTOM": AuthKind.LAMBDA_AUTHORIZER,
}
_HTTP_KINDS: Final = (TriggerKind.REST_API, TriggerKind.HTTP_API, TriggerKind.WEBSOCKET)
_LOG_GROUP_TYPES: Final = ("AWS::Logs::LogGroup", "Custom::LogRetention")
#: API Gateway resources nest at most this deep before we stop following ParentId.
_MAX_PATH_DEPTH: Final = 64


def attach_all(ctx: LoadContext) -> None:
    """Fold every attaching resource of the template into the functions it names."""
    _urls(ctx)
    _event_source_mappings(ctx)
    _event_invoke_configs(ctx)
    _rest_methods(ctx)
    _http_routes(ctx)
    _permissions(ctx)
    _log_groups(ctx)


def _add_trigger(ctx: LoadContext, fn: str, trigger: Trigger) -> None:
    ctx.update_function(fn, triggers=(*ctx.functions[fn].triggers, trigger))


def _rest(props: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key not in keys}


def _urls(ctx: LoadContext) -> None:
    for res in ctx.of_type("AWS::Lambda::Url"):
        fn = ctx.function_for(res.properties.get("TargetFunctionArn"))
        if fn is None:
            continue
        url, trigger = function_url(ctx, ctx.resolved(res), line=res.line)
        ctx.update_function(fn, url=url)
        _add_trigger(ctx, fn, trigger)


def _stream_kind(ctx: LoadContext, target: str | None, arn: Any) -> TriggerKind:
    kind = _STREAM_TYPES.get(ctx.type_of(target) or "")
    if kind is not None:
        return kind
    if isinstance(arn, str) and arn.count(":") >= 5:
        return _ARN_SERVICES.get(arn.split(":")[2], TriggerKind.OTHER)
    return TriggerKind.OTHER


def _event_source_mappings(ctx: LoadContext) -> None:
    for res in ctx.of_type("AWS::Lambda::EventSourceMapping"):
        fn = ctx.function_for(res.properties.get("FunctionName"))
        if fn is None:
            continue
        props = ctx.resolved(res)
        raw_arn = res.properties.get("EventSourceArn")
        if "SelfManagedEventSource" in props:
            kind = TriggerKind.KAFKA
            source: str | Unknown | None = None
        else:
            target = ref_target(raw_arn)
            kind = _stream_kind(ctx, target, props.get("EventSourceArn"))
            source = source_of(ctx, raw_arn, props.get("EventSourceArn"))
        _add_trigger(
            ctx,
            fn,
            Trigger(
                kind=kind,
                location=ctx.location(res.line),
                source=source,
                properties=_rest(props, "FunctionName", "EventSourceArn"),
            ),
        )


def _event_invoke_configs(ctx: LoadContext) -> None:
    for res in ctx.of_type("AWS::Lambda::EventInvokeConfig"):
        fn = ctx.function_for(res.properties.get("FunctionName"))
        if fn is None:
            continue
        config = as_map(ctx.resolved(res).get("DestinationConfig"))
        destination = as_str(as_map(config.get("OnFailure")).get("Destination"))
        if destination is not None:
            ctx.update_function(fn, on_failure=destination)


# -- API Gateway --------------------------------------------------------------------------------


def _api_draft(ctx: LoadContext, raw: Any) -> tuple[str | None, ApiDraft | None]:
    target = ref_target(raw)
    return target, ctx.apis.get(target) if target else None


def _rest_path(ctx: LoadContext, raw_resource_id: Any) -> str | Unknown:
    """Rebuild a REST path from the chain of ``AWS::ApiGateway::Resource`` PathParts."""
    parts: list[str] = []
    current = raw_resource_id
    for _ in range(_MAX_PATH_DEPTH):
        value = ctx.resolver.resolve(current)
        if isinstance(value, Unknown) and value.expression.endswith(".RootResourceId"):
            return "/" + "/".join(reversed(parts))
        target = ref_target(current)
        res = ctx.resources.get(target) if target else None
        if res is None or res.type != "AWS::ApiGateway::Resource":
            break
        part = ctx.resolved(res).get("PathPart")
        if not isinstance(part, str):
            break
        parts.append(part)
        current = res.properties.get("ParentId")
    return Unknown("/" + "/".join(reversed(parts)), "path not resolvable")


def _authorizer_kind(ctx: LoadContext, raw_authorizer: Any, declared: AuthKind) -> AuthKind:
    """A CUSTOM authorizer may really be Cognito: the authorizer resource's Type says."""
    target = ref_target(raw_authorizer)
    res = ctx.resources.get(target) if target else None
    if res is None or res.type not in (
        "AWS::ApiGateway::Authorizer",
        "AWS::ApiGatewayV2::Authorizer",
    ):
        return declared
    kind = ctx.resolved(res).get("Type", ctx.resolved(res).get("AuthorizerType"))
    return {
        "COGNITO_USER_POOLS": AuthKind.COGNITO,
        "TOKEN": AuthKind.LAMBDA_AUTHORIZER,
        "REQUEST": AuthKind.LAMBDA_AUTHORIZER,
        "JWT": AuthKind.JWT,
    }.get(kind if isinstance(kind, str) else "", declared)


def _route_auth(ctx: LoadContext, props: Mapping[str, Any], raw: Mapping[str, Any]) -> AuthKind:
    kind = props.get("AuthorizationType", "NONE")
    auth = (
        _AUTHORIZATION.get(kind, AuthKind.UNKNOWN) if isinstance(kind, str) else (AuthKind.UNKNOWN)
    )
    if auth in (AuthKind.LAMBDA_AUTHORIZER, AuthKind.COGNITO, AuthKind.JWT):
        auth = _authorizer_kind(ctx, raw.get("AuthorizerId"), auth)
    api_key = as_bool(props.get("ApiKeyRequired"))
    if auth is AuthKind.NONE and api_key is True:
        return AuthKind.API_KEY
    return auth


def _rest_methods(ctx: LoadContext) -> None:
    for res in ctx.of_type("AWS::ApiGateway::Method"):
        props = ctx.resolved(res)
        uri = as_map(res.properties.get("Integration")).get("Uri")
        functions = sorted(referenced_resources(uri, ctx.functions))
        if not functions:
            continue
        api_id, draft = _api_draft(ctx, res.properties.get("RestApiId"))
        method = as_str(props.get("HttpMethod"))
        trigger = Trigger(
            kind=TriggerKind.REST_API,
            location=ctx.location(res.line),
            auth=_route_auth(ctx, props, res.properties),
            internet_reachable=draft.internet_reachable if draft else None,
            path=_rest_path(ctx, res.properties.get("ResourceId")),
            method=method.upper() if isinstance(method, str) else method,
            api=api_id,
            properties=_rest(props, "HttpMethod", "ResourceId", "RestApiId", "Integration"),
            request_validation=_request_validator(ctx, res),
        )
        for fn in functions:
            _add_trigger(ctx, fn, trigger)
            if draft:
                draft.add_function(fn)


def _request_validator(ctx: LoadContext, res: RawResource) -> RequestValidation | Unknown | None:
    """The ``AWS::ApiGateway::RequestValidator`` a method names in ``RequestValidatorId``."""
    raw = res.properties.get("RequestValidatorId")
    if raw is None:
        return None
    line = line_of(res.properties, "RequestValidatorId") or res.line
    target = ref_target(raw)
    validator = ctx.resources.get(target) if target else None
    if validator is None or validator.type != "AWS::ApiGateway::RequestValidator":
        resolved = ctx.resolver.resolve(raw)
        expression = resolved.expression if isinstance(resolved, Unknown) else str(resolved)
        return Unknown(expression[:80], "request validator not defined in the template")
    props = ctx.resolved(validator)
    body = as_bool(props.get("ValidateRequestBody"))
    parameters = as_bool(props.get("ValidateRequestParameters"))
    return RequestValidation(
        body if body is not None else False,
        parameters if parameters is not None else False,
        validator.id,
        ctx.location(line),
    )


def _route_key(value: Any) -> tuple[str | Unknown | None, str | Unknown | None]:
    if isinstance(value, Unknown):
        return value, value
    if not isinstance(value, str):
        return None, None
    if value.startswith("$"):  # $default, $connect, $disconnect...
        return value, "ANY" if value == "$default" else None
    method, _, path = value.partition(" ")
    return (path, method.upper()) if path else (value, None)


def _integration_functions(ctx: LoadContext, raw_target: Any) -> list[str]:
    """Functions behind a route ``Target`` (``integrations/${Integration}``)."""
    functions: set[str] = set()
    for integration in referenced_resources(raw_target, ctx.resources):
        res = ctx.resources[integration]
        if res.type == "AWS::ApiGatewayV2::Integration":
            functions |= referenced_resources(res.properties.get("IntegrationUri"), ctx.functions)
    return sorted(functions)


def _http_routes(ctx: LoadContext) -> None:
    for res in ctx.of_type("AWS::ApiGatewayV2::Route"):
        props = ctx.resolved(res)
        functions = _integration_functions(ctx, res.properties.get("Target"))
        api_id, draft = _api_draft(ctx, res.properties.get("ApiId"))
        path, method = _route_key(props.get("RouteKey"))
        trigger = Trigger(
            kind=draft.kind if draft else TriggerKind.HTTP_API,
            location=ctx.location(res.line),
            auth=_route_auth(ctx, props, res.properties),
            internet_reachable=draft.internet_reachable if draft else None,
            path=path,
            method=method,
            cors=draft.cors if draft else None,
            api=api_id,
            properties=_rest(props, "ApiId", "RouteKey", "Target"),
        )
        for fn in functions:
            _add_trigger(ctx, fn, trigger)
            if draft:
                draft.add_function(fn)
    for api in ctx.of_type("AWS::ApiGatewayV2::Api"):  # quick create: Target on the API itself
        quick = ctx.apis[api.id]
        for fn in sorted(referenced_resources(api.properties.get("Target"), ctx.functions)):
            quick.add_function(fn)
            route, verb = _route_key(quick.api.properties.get("RouteKey", "$default"))
            _add_trigger(
                ctx,
                fn,
                Trigger(
                    kind=quick.kind,
                    location=ctx.location(api.line),
                    auth=AuthKind.NONE,  # a quick-create route has no authorizer
                    internet_reachable=True,
                    path=route,
                    method=verb,
                    cors=quick.cors,
                    api=api.id,
                ),
            )


# -- permissions and logs -----------------------------------------------------------------------


def _permission_trigger(
    ctx: LoadContext, res: RawResource, kind: TriggerKind, fn: str
) -> Trigger | None:
    props = ctx.resolved(res)
    raw_source = res.properties.get("SourceArn")
    source = source_of(ctx, raw_source, props.get("SourceArn"))
    existing = ctx.functions[fn].triggers
    properties: dict[str, Any] = {"Permission": res.id}
    if kind is TriggerKind.REST_API:
        if any(t.kind in _HTTP_KINDS for t in existing):
            return None  # the methods/routes already describe these invocations precisely
        apis = referenced_resources(props.get("SourceArn"), ctx.apis) | referenced_resources(
            raw_source, ctx.apis
        )
        draft = ctx.apis[next(iter(apis))] if len(apis) == 1 else None
        if draft is not None:
            draft.add_function(fn)
        return Trigger(
            kind=draft.kind if draft else kind,
            location=ctx.location(res.line),
            auth=AuthKind.UNKNOWN,
            internet_reachable=draft.internet_reachable if draft else None,
            source=as_str(props.get("SourceArn")),
            api=draft.api.id if draft else None,
            properties=properties,
        )
    if any(t.kind is kind and t.source == source for t in existing):
        return None
    rule: RawResource | None = ctx.resources.get(source) if isinstance(source, str) else None
    if kind is TriggerKind.EVENTBRIDGE and rule is not None and rule.type == "AWS::Events::Rule":
        rule_props = ctx.resolved(rule)
        if rule_props.get("ScheduleExpression") is not None:
            kind = TriggerKind.SCHEDULE
            properties["ScheduleExpression"] = rule_props["ScheduleExpression"]
        elif rule_props.get("EventPattern") is not None:
            properties["EventPattern"] = rule_props["EventPattern"]
    return Trigger(
        kind=kind,
        location=ctx.location(res.line),
        auth=AuthKind.UNKNOWN if kind is TriggerKind.ALB else AuthKind.NONE,
        internet_reachable=None if kind is TriggerKind.ALB else False,
        source=source,
        properties=properties,
    )


def _permissions(ctx: LoadContext) -> None:
    for res in ctx.of_type("AWS::Lambda::Permission"):
        principal = ctx.resolved(res).get("Principal")
        kind = _PRINCIPALS.get(principal) if isinstance(principal, str) else None
        fn = ctx.function_for(res.properties.get("FunctionName")) if kind else None
        if kind is None or fn is None:
            continue
        trigger = _permission_trigger(ctx, res, kind, fn)
        if trigger is not None:
            _add_trigger(ctx, fn, trigger)


def _named_like(ctx: LoadContext, group: Unknown) -> set[str]:
    """Functions whose unresolved ``FunctionName`` the group's unresolved name repeats.

    ``FunctionName: !Sub ${AWS::StackName}-orders`` and ``LogGroupName: !Sub
    /aws/lambda/${AWS::StackName}-orders`` name the same thing though neither resolves.
    """
    return {
        fn
        for fn, given in ctx.function_names.items()
        if isinstance(given, Unknown)
        and given.expression.startswith("!Sub ")
        and group.expression == "!Sub /aws/lambda/" + given.expression[len("!Sub ") :]
    }


def _log_groups(ctx: LoadContext) -> None:
    """Log retention from the group a function writes to (default or ``LoggingConfig``)."""
    for res in ctx.of_type(*_LOG_GROUP_TYPES):
        props = ctx.resolved(res)
        name = props.get("LogGroupName")
        retention = as_int(props.get("RetentionInDays"))
        targets: set[str] = set()
        if isinstance(name, str) and name.startswith("/aws/lambda/"):
            deployed = name[len("/aws/lambda/") :]
            targets |= {fn for fn, given in ctx.function_names.items() if given == deployed}
        elif isinstance(name, Unknown) and "/aws/lambda/" in name.expression:
            refs = referenced_resources(name, ctx.functions)
            targets |= refs if len(refs) == 1 else set()
            targets |= _named_like(ctx, name)
        for fn, raw in ctx.log_group_refs.items():
            if raw is not None and res.id in referenced_resources(raw, ctx.resources):
                targets.add(fn)
                if ctx.functions[fn].log_group is None:
                    ctx.update_function(fn, log_group=name if isinstance(name, str) else res.id)
        for fn in sorted(targets):
            ctx.update_function(fn, log_retention_days=retention)
