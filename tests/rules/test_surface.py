from __future__ import annotations

from typing import Any

import pytest
from builders import (
    FILE,
    Brief,
    application,
    briefs,
    context,
    function,
    loc,
    public_route,
    resource,
    trigger,
    url,
)

from faasguard.findings import Severity
from faasguard.model import AppFormat, AuthKind, Cors, TriggerKind, Unknown
from faasguard.rules.surface import (
    CorsAllowsAnyOrigin,
    FunctionUrlWithoutAuth,
    HttpTriggerWithoutAuth,
    PublicInvokePermission,
    PublicLayerPermission,
    ServiceInvokePermissionWithoutSource,
)

# --- FG6001 function-url-without-auth ------------------------------------------------------


@pytest.mark.parametrize("auth_type", ["NONE", "none"])
def test_function_url_without_auth_fails(auth_type: str) -> None:
    fn = function("api", url=url(auth_type, line=15))
    findings = list(FunctionUrlWithoutAuth().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG6001", "api", "apiFn", FILE, 15, Severity.HIGH)]
    assert "anyone on the internet" in findings[0].message
    assert "`url: {authorizer: aws_iam}`" in findings[0].remediation


def test_function_url_without_auth_remediation_for_sam() -> None:
    fn = function("api", url=url("NONE"))
    (finding,) = FunctionUrlWithoutAuth().check(fn, context(application([fn], fmt=AppFormat.SAM)))
    assert "`FunctionUrlConfig.AuthType: AWS_IAM`" in finding.remediation


def test_function_url_with_wildcard_cors_is_not_escalated() -> None:
    fn = function("api", url=url("NONE", cors=Cors(("*",), allow_credentials=True)))
    (finding,) = FunctionUrlWithoutAuth().check(fn, context(application([fn])))
    assert finding.severity is Severity.HIGH


@pytest.mark.parametrize("auth_type", ["AWS_IAM", Unknown("!Ref UrlAuth", "parameter")])
def test_function_url_with_iam_or_unknown_auth_passes(auth_type: Any) -> None:
    fn = function("api", url=url(auth_type))
    assert list(FunctionUrlWithoutAuth().check(fn, context(application([fn])))) == []


def test_function_without_url_passes() -> None:
    fn = function("api")
    assert list(FunctionUrlWithoutAuth().check(fn, context(application([fn])))) == []


# --- FG6002 http-trigger-without-auth ------------------------------------------------------


def test_unauthenticated_routes_one_finding_per_route_at_the_route() -> None:
    fn = function(
        "orders",
        triggers=(
            public_route(TriggerKind.HTTP_API, line=21, method="GET", path="/orders"),
            public_route(TriggerKind.REST_API, line=25, method="DELETE", path="/orders/{id}"),
            public_route(TriggerKind.HTTP_API, line=29, auth=AuthKind.JWT),
        ),
    )
    findings = list(HttpTriggerWithoutAuth().check(fn, context(application([fn]))))
    assert briefs(findings) == [
        Brief("FG6002", "orders", "HttpApi", FILE, 21, Severity.HIGH),
        Brief("FG6002", "orders", "HttpApi", FILE, 25, Severity.HIGH),
    ]
    assert "HTTP API route `GET /orders`" in findings[0].message
    assert "REST API route `DELETE /orders/{id}`" in findings[1].message
    assert "`provider.httpApi.authorizers`" in findings[0].remediation
    assert "`authorizer:` on the `http` event" in findings[1].remediation
    assert findings[0].fingerprint != findings[1].fingerprint


def test_unauthenticated_alb_target_fails() -> None:
    fn = function("web", triggers=(public_route(TriggerKind.ALB, line=30, method=None),))
    findings = list(HttpTriggerWithoutAuth().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG6002", "web", "HttpApi", FILE, 30, Severity.HIGH)]
    assert "`authorizer:` on the `alb` event" in findings[0].remediation


@pytest.mark.parametrize(
    "auth",
    [AuthKind.IAM, AuthKind.JWT, AuthKind.COGNITO, AuthKind.LAMBDA_AUTHORIZER, AuthKind.API_KEY],
)
def test_authenticated_route_passes(auth: AuthKind) -> None:
    fn = function("orders", triggers=(public_route(auth=auth),))
    assert list(HttpTriggerWithoutAuth().check(fn, context(application([fn])))) == []


def test_unknown_auth_is_silent() -> None:
    fn = function("orders", triggers=(public_route(auth=AuthKind.UNKNOWN),))
    assert list(HttpTriggerWithoutAuth().check(fn, context(application([fn])))) == []


@pytest.mark.parametrize("reachable", [False, None])
def test_private_or_unknown_reachability_is_silent(reachable: bool | None) -> None:
    route = trigger(TriggerKind.REST_API, auth=AuthKind.NONE, internet_reachable=reachable)
    fn = function("orders", triggers=(route,))
    assert list(HttpTriggerWithoutAuth().check(fn, context(application([fn])))) == []


def test_cors_preflight_route_is_not_reported() -> None:
    fn = function("orders", triggers=(public_route(method="OPTIONS"),))
    assert list(HttpTriggerWithoutAuth().check(fn, context(application([fn])))) == []


def test_function_url_triggers_are_left_to_fg6001() -> None:
    fn = function("orders", triggers=(public_route(TriggerKind.FUNCTION_URL),))
    assert list(HttpTriggerWithoutAuth().check(fn, context(application([fn])))) == []


def test_non_http_triggers_are_ignored() -> None:
    fn = function("orders", triggers=(trigger(TriggerKind.SQS, internet_reachable=True),))
    assert list(HttpTriggerWithoutAuth().check(fn, context(application([fn])))) == []


def test_websocket_only_connect_route_matters() -> None:
    connect = public_route(TriggerKind.WEBSOCKET, line=40, method=None, path="$connect")
    message = public_route(TriggerKind.WEBSOCKET, line=44, method=None, path="sendMessage")
    by_property = public_route(
        TriggerKind.WEBSOCKET, line=48, method=None, path=None, properties={"route": "$connect"}
    )
    unknown = public_route(
        TriggerKind.WEBSOCKET, line=52, method=None, path=Unknown("${self:custom.route}", "var")
    )
    fn = function("ws", triggers=(connect, message, by_property, unknown))
    findings = list(HttpTriggerWithoutAuth().check(fn, context(application([fn]))))
    assert briefs(findings) == [
        Brief("FG6002", "ws", "HttpApi", FILE, 40, Severity.HIGH),
        Brief("FG6002", "ws", "HttpApi", FILE, 48, Severity.HIGH),
    ]
    assert "$connect" in findings[0].remediation


# --- FG6003 public-invoke-permission -------------------------------------------------------

PERMISSION = "AWS::Lambda::Permission"


def _permission(line: int = 50, **props: Any) -> Any:
    base = {"Action": "lambda:InvokeFunction", "FunctionName": "apiFn"}
    return resource(
        "ApiPermission",
        PERMISSION,
        line=line,
        properties={**base, **props},
        property_lines={"Principal": line + 4},
    )


def test_public_invoke_permission_fails_at_the_principal_line() -> None:
    res = _permission(Principal="*")
    findings = list(PublicInvokePermission().check(res, context(application())))
    assert briefs(findings) == [Brief("FG6003", None, "ApiPermission", FILE, 54, Severity.CRITICAL)]
    assert "any principal in any AWS account" in findings[0].message
    assert "SourceArn" in findings[0].remediation


def test_public_function_url_permission_fails() -> None:
    res = _permission(Principal="*", Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
    findings = list(PublicInvokePermission().check(res, context(application())))
    assert briefs(findings) == [Brief("FG6003", None, "ApiPermission", FILE, 54, Severity.CRITICAL)]
    assert "function URL" in findings[0].message
    assert "FunctionUrlAuthType: NONE" in findings[0].evidence


@pytest.mark.parametrize(
    "scope",
    [
        {"SourceArn": "arn:aws:execute-api:eu-west-1:123456789012:abc/*"},
        {"SourceAccount": "123456789012"},
        {"PrincipalOrgID": "o-abc123"},
        {"SourceArn": Unknown("!GetAtt Api.Arn", "deploy-time")},
    ],
)
def test_scoped_public_permission_passes(scope: dict[str, Any]) -> None:
    res = _permission(Principal="*", **scope)
    assert list(PublicInvokePermission().check(res, context(application()))) == []


@pytest.mark.parametrize(
    "principal",
    ["apigateway.amazonaws.com", "123456789012", Unknown("!Ref Caller", "parameter"), None],
)
def test_non_public_or_unknown_principal_passes(principal: Any) -> None:
    res = _permission(Principal=principal)
    assert list(PublicInvokePermission().check(res, context(application()))) == []


# --- FG6004 service-invoke-permission-without-source ---------------------------------------


@pytest.mark.parametrize(
    "principal",
    [
        "s3.amazonaws.com",
        "sns.amazonaws.com",
        "events.amazonaws.com",
        "apigateway.amazonaws.com",
    ],
)
def test_service_permission_without_source_fails(principal: str) -> None:
    res = _permission(Principal=principal)
    findings = list(ServiceInvokePermissionWithoutSource().check(res, context(application())))
    assert briefs(findings) == [Brief("FG6004", None, "ApiPermission", FILE, 54, Severity.MEDIUM)]
    assert principal in findings[0].message
    assert "any account" in findings[0].message
    assert "`SourceArn`" in findings[0].remediation
    assert "`SourceAccount" in findings[0].remediation


@pytest.mark.parametrize(
    "scope",
    [
        {"SourceArn": Unknown('{"Fn::GetAtt": ["Uploads", "Arn"]}', "deploy-time")},
        {"SourceAccount": "123456789012"},
        {"SourceArn": "arn:aws:sns:eu-west-1:123456789012:topic"},
    ],
)
def test_service_permission_with_source_passes(scope: dict[str, Any]) -> None:
    res = _permission(Principal="s3.amazonaws.com", **scope)
    assert list(ServiceInvokePermissionWithoutSource().check(res, context(application()))) == []


def test_alexa_permission_without_skill_token_fails_and_with_it_passes() -> None:
    rule = ServiceInvokePermissionWithoutSource()
    bare = _permission(Principal="alexa-appkit.amazon.com")
    (finding,) = rule.check(bare, context(application()))
    assert finding.severity is Severity.MEDIUM
    assert "EventSourceToken" in finding.remediation
    scoped = _permission(Principal="alexa-appkit.amazon.com", EventSourceToken="amzn1.ask.x")
    assert list(rule.check(scoped, context(application()))) == []


@pytest.mark.parametrize("principal", ["*", "123456789012", Unknown("!Ref P", "parameter")])
def test_service_rule_ignores_non_service_principals(principal: Any) -> None:
    res = _permission(Principal=principal)
    assert list(ServiceInvokePermissionWithoutSource().check(res, context(application()))) == []


def test_permission_remediation_for_terraform() -> None:
    res = _permission(Principal="sns.amazonaws.com")
    ctx = context(application(fmt=AppFormat.TERRAFORM))
    (finding,) = ServiceInvokePermissionWithoutSource().check(res, ctx)
    assert "aws_lambda_permission" in finding.remediation


# --- FG6005 public-layer-permission --------------------------------------------------------


def _layer_permission(**props: Any) -> Any:
    return resource(
        "LayerShare",
        "AWS::Lambda::LayerVersionPermission",
        line=70,
        properties={"Action": "lambda:GetLayerVersion", "LayerVersionArn": "arn", **props},
        property_lines={"Principal": 73},
    )


def test_public_layer_permission_fails() -> None:
    findings = list(
        PublicLayerPermission().check(_layer_permission(Principal="*"), context(application()))
    )
    assert briefs(findings) == [Brief("FG6005", None, "LayerShare", FILE, 73, Severity.HIGH)]
    assert "every AWS account" in findings[0].message
    assert "OrganizationId" in findings[0].remediation


@pytest.mark.parametrize(
    "props",
    [
        {"Principal": "*", "OrganizationId": "o-abc123"},
        {"Principal": "123456789012"},
        {"Principal": Unknown("!Ref Account", "parameter")},
    ],
)
def test_scoped_or_unknown_layer_permission_passes(props: dict[str, Any]) -> None:
    res = _layer_permission(**props)
    assert list(PublicLayerPermission().check(res, context(application()))) == []


def test_resource_rules_declare_their_types() -> None:
    assert PublicInvokePermission.resource_types == frozenset({PERMISSION})
    assert ServiceInvokePermissionWithoutSource.resource_types == frozenset({PERMISSION})
    assert PublicLayerPermission.resource_types == frozenset(
        {"AWS::Lambda::LayerVersionPermission"}
    )


# --- FG6006 cors-allows-any-origin ---------------------------------------------------------


def test_cors_wildcard_on_a_function_url() -> None:
    fn = function("api", url=url("AWS_IAM", cors=Cors(("*",), location=loc(17))))
    app = application([fn], fmt=AppFormat.SAM)
    findings = list(CorsAllowsAnyOrigin().check(app, context(app)))
    assert briefs(findings) == [Brief("FG6006", "api", "apiFn", FILE, 17, Severity.MEDIUM)]
    assert "any origin" in findings[0].message
    assert "`FunctionUrlConfig.Cors.AllowOrigins`" in findings[0].remediation


def test_cors_wildcard_with_credentials_is_high() -> None:
    cors = Cors(("https://app.example.com", "*"), allow_credentials=True, location=loc(22))
    fn = function("api", triggers=(public_route(auth=AuthKind.JWT, cors=cors),))
    app = application([fn])
    findings = list(CorsAllowsAnyOrigin().check(app, context(app)))
    assert briefs(findings) == [Brief("FG6006", "api", "HttpApi", FILE, 22, Severity.HIGH)]
    assert "credentials" in findings[0].message
    assert "`provider.httpApi.cors.allowedOrigins`" in findings[0].remediation


def test_cors_shared_by_an_api_is_reported_once_at_the_setting() -> None:
    cors = Cors(("*",), location=loc(4))
    a = function("list", triggers=(public_route(path="/a", line=21, cors=cors),))
    b = function(
        "get",
        triggers=(
            public_route(path="/b", line=31, cors=cors),
            public_route(path="/c", line=35, cors=cors),
        ),
    )
    app = application([a, b])
    findings = list(CorsAllowsAnyOrigin().check(app, context(app)))
    assert briefs(findings) == [Brief("FG6006", None, "HttpApi", FILE, 4, Severity.MEDIUM)]
    assert "`list`, `get`" in findings[0].message
    assert "HTTP API routes" in findings[0].message


def test_cors_without_location_falls_back_to_each_route() -> None:
    fn = function(
        "api",
        triggers=(
            public_route(TriggerKind.REST_API, line=21, cors=Cors(("'*'",))),
            public_route(TriggerKind.REST_API, line=25, path="/x", cors=Cors(("*",))),
        ),
    )
    app = application([fn])
    findings = list(CorsAllowsAnyOrigin().check(app, context(app)))
    assert briefs(findings) == [
        Brief("FG6006", "api", "HttpApi", FILE, 21, Severity.MEDIUM),
        Brief("FG6006", "api", "HttpApi", FILE, 25, Severity.MEDIUM),
    ]
    assert "`cors.origin` on the `http` event" in findings[0].remediation


@pytest.mark.parametrize(
    "cors",
    [
        Cors(("https://app.example.com",), allow_credentials=True),
        Cors((Unknown("${param:origin}", "parameter"),), allow_credentials=True),
        Cors(()),
    ],
)
def test_cors_explicit_or_unknown_origins_pass(cors: Cors) -> None:
    fn = function("api", url=url("AWS_IAM", cors=cors), triggers=(public_route(cors=cors),))
    app = application([fn])
    assert list(CorsAllowsAnyOrigin().check(app, context(app))) == []


def test_cors_unknown_credentials_are_not_escalated() -> None:
    cors = Cors(("*",), allow_credentials=Unknown("!Ref Creds", "parameter"), location=loc(9))
    fn = function("api", url=url("AWS_IAM", cors=cors))
    app = application([fn])
    (finding,) = CorsAllowsAnyOrigin().check(app, context(app))
    assert finding.severity is Severity.MEDIUM
