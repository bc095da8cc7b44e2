"""Attack-surface rules (FG6xxx): who on the internet, or in AWS, can make a function run.

Each rule looks at one kind of entry point: function URLs, HTTP event sources, resource-based
policies (``AWS::Lambda::Permission``, ``AWS::Lambda::LayerVersionPermission``) and CORS.
A value faasguard cannot resolve (an authorizer chosen by a parameter, a principal built with
``!Sub``) never produces a finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from faasguard.findings import Finding, Severity
from faasguard.model import (
    AppFormat,
    Application,
    AuthKind,
    Cors,
    Function,
    Location,
    Resource,
    Trigger,
    TriggerKind,
    Unknown,
)
from faasguard.rules._surface_config import (
    ApiBodyWithoutRequestValidator,
    BucketCorsAnyOrigin,
    PublicBucketPolicy,
    SelfSignUpWritesTrustedAttribute,
    UnverifiedEmailLogin,
    WeakPasswordPolicy,
)
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import (
    ApplicationRule,
    FunctionRule,
    ResourceRule,
    Rule,
    RuleContext,
    ToolRule,
)

__all__ = [
    "RULES",
    "CorsAllowsAnyOrigin",
    "FunctionUrlWithoutAuth",
    "HttpTriggerWithoutAuth",
    "NoInputValidation",
    "PublicInvokePermission",
    "PublicLayerPermission",
    "ServiceInvokePermissionWithoutSource",
]

_PERMISSION = "AWS::Lambda::Permission"
_LAYER_PERMISSION = "AWS::Lambda::LayerVersionPermission"
# Principals that stand for "any AWS service resource of this kind, in any account".
_ALEXA_PRINCIPALS = frozenset({"alexa-appkit.amazon.com", "alexa-connectedhome.amazon.com"})
# Conditions that tie a permission to one account, organization or source resource.
_SCOPING_KEYS = ("SourceArn", "SourceAccount", "PrincipalOrgID")


def _is_none_auth(value: str | Unknown | None) -> bool:
    return isinstance(value, str) and value.strip().upper() == "NONE"


def _text(value: Any) -> str | None:
    """Return a resolved, non-empty string property, else None (unset, Unknown, other types)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class FunctionUrlWithoutAuth(FunctionRule):
    """A function URL anyone on the internet can call (AuthType NONE).

    ## What it does
    Reports a function whose function URL has `AuthType: NONE`. It says nothing for `AWS_IAM`
    and when the auth type cannot be resolved.

    A permissive CORS setting on the same URL does not raise the severity: CORS only decides
    which web pages may *read* responses in a browser, while a URL without auth is already
    callable by any client; `cors-allows-any-origin` (FG6006) reports CORS on its own.

    ## Why is this bad?
    A URL with `AuthType: NONE` is a public HTTPS endpoint with no API Gateway in front of it:
    no authorizer, no throttling, no WAF, no usage plan. Anyone who finds the URL can invoke the
    function as often as Lambda's concurrency allows, reaching whatever its role can touch and
    running up the bill (denial of wallet). URLs leak through logs, browser history and
    front-end bundles, so obscurity is no protection.

    ## Example
    ```yaml
    # template.yaml (SAM)
    MyFunction:
      Type: AWS::Serverless::Function
      Properties:
        FunctionUrlConfig:
          AuthType: NONE
    ```

    ## Use instead
    ```yaml
    MyFunction:
      Type: AWS::Serverless::Function
      Properties:
        FunctionUrlConfig:
          AuthType: AWS_IAM
    ```
    If the endpoint must be public, put it behind API Gateway or CloudFront with an authorizer,
    throttling and WAF, and verify callers in the function itself.

    ## References
    - Control access to Lambda function URLs:
      https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    - OWASP API Security Top 10 2023, API2: Broken Authentication
    - CWE-306: Missing Authentication for Critical Function
    """

    id = "FG6001"
    name = "function-url-without-auth"
    category = "surface.public-function-url"
    severity = Severity.HIGH
    cwe = "CWE-306"
    title = "Function URL without authentication"

    _key = TemplateKey(
        serverless="`url: {authorizer: aws_iam}` on the function",
        sam="`FunctionUrlConfig.AuthType: AWS_IAM` on the function",
        cloudformation="`AuthType: AWS_IAM` on the `AWS::Lambda::Url`",
        terraform='`authorization_type = "AWS_IAM"` on the `aws_lambda_function_url`',
        cdk="`authType: lambda.FunctionUrlAuthType.AWS_IAM` in `addFunctionUrl`",
        zappa='`"function_url_config": {"authorizer": "AWS_IAM"}` in the stage',
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function's URL has AuthType NONE."""
        if fn.url is None or not _is_none_auth(fn.url.auth_type):
            return
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` has a function URL with AuthType NONE: anyone on the "
                "internet can invoke it, with no authorizer or throttling in front."
            ),
            location=fn.url.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence="function url auth_type: NONE",
            remediation=(
                f"Require IAM auth: set {self._key.for_format(ctx.app.format)}, and sign "
                "callers' requests with SigV4. If the endpoint must be public, front it with "
                "API Gateway or CloudFront with an authorizer, throttling and WAF instead."
            ),
        )


_ROUTE_AUTH_KEYS: Mapping[TriggerKind, TemplateKey] = {
    TriggerKind.REST_API: TemplateKey(
        serverless="`authorizer:` on the `http` event (`aws_iam`, a Cognito pool or a function)",
        sam="`Auth.Authorizer` on the `Api` event (or `Auth.DefaultAuthorizer` on the API)",
        cloudformation="`AuthorizationType` (and `AuthorizerId`) on the `AWS::ApiGateway::Method`",
        terraform="`authorization` (and `authorizer_id`) on the `aws_api_gateway_method`",
        cdk="`authorizer` / `authorizationType` in the method options",
        chalice="`authorizer=` on the `@app.route` (an `IAMAuthorizer()`, a "
        "`CognitoUserPoolAuthorizer(...)` or an `@app.authorizer` function)",
        zappa='`"iam_authorization": true` or an `"authorizer": {...}` in the stage',
    ),
    TriggerKind.HTTP_API: TemplateKey(
        serverless="`authorizer:` on the `httpApi` event (declared in "
        "`provider.httpApi.authorizers`)",
        sam="`Auth.Authorizer` on the `HttpApi` event (or `Auth.DefaultAuthorizer` on the API)",
        cloudformation="`AuthorizationType` (and `AuthorizerId`) on the `AWS::ApiGatewayV2::Route`",
        terraform="`authorization_type` (and `authorizer_id`) on the `aws_apigatewayv2_route`",
        cdk="`authorizer` in the route options (or `defaultAuthorizer` on the HttpApi)",
        zappa='`"iam_authorization": true` or an `"authorizer": {...}` in the stage',
    ),
    TriggerKind.WEBSOCKET: TemplateKey(
        serverless="`authorizer:` on the `websocket` event whose `route` is `$connect`",
        sam="`AuthorizationType` on the `$connect` `AWS::ApiGatewayV2::Route`",
        cloudformation="`AuthorizationType` on the `$connect` `AWS::ApiGatewayV2::Route`",
        terraform="`authorization_type` on the `$connect` `aws_apigatewayv2_route`",
        cdk="`authorizer` in the `connectRouteOptions` of the WebSocketApi",
    ),
    TriggerKind.ALB: TemplateKey(
        serverless="`authorizer:` on the `alb` event (Cognito or OIDC, declared in "
        "`provider.alb.authorizers`)",
        sam="an `authenticate-cognito` or `authenticate-oidc` action on the "
        "`AWS::ElasticLoadBalancingV2::ListenerRule`",
        cloudformation="an `authenticate-cognito` or `authenticate-oidc` action on the "
        "`AWS::ElasticLoadBalancingV2::ListenerRule`",
        terraform="an `authenticate_cognito` or `authenticate_oidc` action on the "
        "`aws_lb_listener_rule`",
        cdk="`ListenerAction.authenticateOidc` (or a Cognito action) on the listener rule",
    ),
}


class HttpTriggerWithoutAuth(FunctionRule):
    """An internet-facing HTTP route invokes a function without any authentication.

    ## What it does
    Reports each HTTP event source (API Gateway REST or HTTP API route, WebSocket `$connect`
    route, ALB target) that is reachable from the internet and has no authorizer, one finding
    per route at the route's location. It says nothing when:

    - the route is private (a private REST API, an internal load balancer) or its reachability is
      unknown: faasguard does not guess that an endpoint is public;
    - the authorizer cannot be resolved (auth is *unknown*, not *none*);
    - the method is `OPTIONS`: CORS preflight requests must not require credentials;
    - it is a WebSocket route other than `$connect` (API Gateway authorizes WebSocket clients
      once, on connect), or the route key is unknown;
    - it is a function URL: `function-url-without-auth` (FG6001) reports those.

    API keys count as authentication here; they identify a client rather than authenticate a
    user, so do not rely on them alone.

    ## Why is this bad?
    Anyone who finds the route can call the function with any input, as often as the API allows.
    Every action the function's role can perform becomes available to anonymous callers, and
    every request costs money.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      deleteUser:
        handler: users.delete
        events:
          - http:
              path: users/{id}
              method: delete
    ```

    ## Use instead
    ```yaml
    functions:
      deleteUser:
        handler: users.delete
        events:
          - http:
              path: users/{id}
              method: delete
              authorizer: aws_iam
    ```

    ## References
    - Controlling and managing access to a REST API in API Gateway:
      https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html
    - Controlling access to HTTP APIs with authorizers:
      https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html
    - OWASP API Security Top 10 2023, API2: Broken Authentication
    - CWE-306: Missing Authentication for Critical Function
    """

    id = "FG6002"
    name = "http-trigger-without-auth"
    category = "surface.unauthenticated-trigger"
    severity = Severity.HIGH
    cwe = "CWE-306"
    title = "Internet-facing route without authentication"

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per public HTTP trigger of ``fn`` that has no authorizer."""
        for trigger in fn.triggers:
            if not self._applies(trigger):
                continue
            route = _describe_route(trigger)
            yield self.finding(
                ctx,
                message=(
                    f"Function `{fn.name}` is invoked by the internet-facing {route} with no "
                    "authentication: anyone can call it."
                ),
                location=trigger.location,
                function=fn.name,
                resource=trigger.api,
                evidence=f"{trigger.kind.value} {route} auth: none",
                remediation=(
                    "Add an authorizer (IAM, JWT/Cognito or a Lambda authorizer): set "
                    f"{_ROUTE_AUTH_KEYS[trigger.kind].for_format(ctx.app.format)}. If the route "
                    "is meant to be public, suppress this finding with the reason."
                ),
            )

    @staticmethod
    def _applies(trigger: Trigger) -> bool:
        if trigger.kind not in _ROUTE_AUTH_KEYS:  # non-HTTP sources and function URLs
            return False
        if trigger.auth is not AuthKind.NONE or trigger.internet_reachable is not True:
            return False
        if isinstance(trigger.method, str) and trigger.method.strip().upper() == "OPTIONS":
            return False
        if trigger.kind is TriggerKind.WEBSOCKET:
            return _websocket_route(trigger) == "$connect"
        return True


def _websocket_route(trigger: Trigger) -> str | None:
    """Return the WebSocket route key (``$connect``...), or None when unknown."""
    route = trigger.path if trigger.path is not None else trigger.properties.get("route")
    return route.strip() if isinstance(route, str) else None


_ENDPOINT_KINDS: Mapping[TriggerKind, str] = {
    TriggerKind.REST_API: "REST API",
    TriggerKind.HTTP_API: "HTTP API",
    TriggerKind.WEBSOCKET: "WebSocket API",
    TriggerKind.ALB: "load balancer",
    TriggerKind.FUNCTION_URL: "function URL",
}


def _describe_route(trigger: Trigger) -> str:
    if trigger.kind is TriggerKind.ALB:
        kind = "load balancer target"
    elif trigger.kind is TriggerKind.FUNCTION_URL:
        kind = "function URL"
    else:
        kind = f"{_ENDPOINT_KINDS.get(trigger.kind, trigger.kind.value)} route"
    parts = [
        str(value)
        for value in (trigger.method, trigger.path)
        if value is not None and not isinstance(value, Unknown)
    ]
    return f"{kind} `{' '.join(parts)}`" if parts else kind


_PERMISSION_KEYS = TemplateKey(
    serverless="`resources.Resources.{id}.Properties`",
    sam="the `AWS::Lambda::Permission` `{id}`",
    cloudformation="the `AWS::Lambda::Permission` `{id}`",
    terraform="the `aws_lambda_permission` `{id}` (`source_arn`, `source_account`)",
    cdk="the `addPermission` call for `{id}` (`sourceArn`, `sourceAccount`)",
)


class PublicInvokePermission(ResourceRule):
    """A Lambda permission lets anyone, in any AWS account, invoke the function.

    ## What it does
    Reports an `AWS::Lambda::Permission` whose `Principal` is `*` and that is not scoped by
    `SourceArn`, `SourceAccount` or `PrincipalOrgID`. This includes the permission that makes a
    function URL public (`Action: lambda:InvokeFunctionUrl` with `FunctionUrlAuthType: NONE`).
    It says nothing when the principal cannot be resolved; a scoping condition whose value
    cannot be resolved still counts as scoping.

    ## Why is this bad?
    The function's resource policy is the last gate before it runs. With `Principal: "*"` any
    IAM user or role in any AWS account can call `lambda:InvokeFunction` (or the function URL)
    directly, bypassing every API Gateway authorizer, WAF rule and throttle in front of it.

    ## Example
    ```yaml
    PublicInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !Ref MyFunction
        Principal: "*"
    ```

    ## Use instead
    ```yaml
    ApiInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !Ref MyFunction
        Principal: apigateway.amazonaws.com
        SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*
    ```

    ## References
    - Using resource-based policies for Lambda:
      https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
    - AWS::Lambda::Permission:
      https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html
    - CWE-284: Improper Access Control
    """

    id = "FG6003"
    name = "public-invoke-permission"
    category = "surface.public-resource-policy"
    severity = Severity.CRITICAL
    cwe = "CWE-284"
    title = "Anyone may invoke the function"
    resource_types = frozenset({_PERMISSION})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the permission's principal is ``*`` and it is not scoped."""
        props = resource.properties
        if _text(props.get("Principal")) != "*" or _is_scoped(props):
            return
        fn = _target_function(resource, ctx.app)
        target = f"`{fn.name}`" if fn else _function_name(props)
        public_url = _is_none_auth(_text(props.get("FunctionUrlAuthType")))
        what = "call its function URL without signing" if public_url else "invoke it"
        where = _PERMISSION_KEYS.for_format(ctx.app.format).format(id=resource.id)
        yield self.finding(
            ctx,
            message=(
                f"Permission `{resource.id}` lets any principal in any AWS account {what}"
                f"{f' (function {target})' if target else ''}."
            ),
            location=Location(resource.location.file, resource.line_of("Principal")),
            function=fn.name if fn else None,
            resource=resource.id,
            evidence=(
                f"Principal: * Action: {_text(props.get('Action')) or '?'}"
                f"{' FunctionUrlAuthType: NONE' if public_url else ''}"
            ),
            remediation=(
                f'In {where}, replace `principal = "*"` with the one service or account that '
                "must invoke the function, and add `source_arn` (and `source_account`) naming "
                "the resource that calls it; to share within your organization use "
                "`principal_org_id`. For a function URL, switch to "
                '`function_url_auth_type = "AWS_IAM"`.'
                if ctx.app.format is AppFormat.TERRAFORM
                else f"In {where}, replace `Principal: '*'` with the one service or account that "
                "must invoke the function, and add `SourceArn` (and `SourceAccount`) naming the "
                "resource that calls it; to share within your organization use "
                "`PrincipalOrgID`. For a function URL, switch to `FunctionUrlAuthType: AWS_IAM`."
            ),
        )


class ServiceInvokePermissionWithoutSource(ResourceRule):
    """A service may invoke the function on behalf of any account's resource (confused deputy).

    ## What it does
    Reports an `AWS::Lambda::Permission` whose `Principal` is an AWS service
    (`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`,
    `apigateway.amazonaws.com`, ...) with neither `SourceArn` nor `SourceAccount` (nor
    `PrincipalOrgID`), and an Alexa principal without `EventSourceToken`. It says nothing when
    the principal cannot be resolved; a scoping value that cannot be resolved counts as set.

    ## Why is this bad?
    A service principal alone means "this service, acting for *any* customer". Another AWS
    account can point its own bucket notification, SNS subscription, EventBridge rule or API at
    your function's ARN and the service will invoke it: the service becomes a confused deputy
    that carries the attacker's events, with attacker-chosen content, into your function.

    ## Example
    ```yaml
    BucketInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !Ref ResizeFunction
        Principal: s3.amazonaws.com
    ```

    ## Use instead
    ```yaml
    BucketInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !Ref ResizeFunction
        Principal: s3.amazonaws.com
        SourceArn: !GetAtt UploadsBucket.Arn
        SourceAccount: !Ref AWS::AccountId
    ```

    ## References
    - The confused deputy problem:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    - Granting function access to AWS services:
      https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
    - CWE-441: Unintended Proxy or Intermediary ('Confused Deputy')
    """

    id = "FG6004"
    name = "service-invoke-permission-without-source"
    category = "surface.public-resource-policy"
    severity = Severity.MEDIUM
    cwe = "CWE-441"
    title = "Service permission without a source condition"
    resource_types = frozenset({_PERMISSION})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when a service principal is not tied to a source resource."""
        props = resource.properties
        principal = _text(props.get("Principal"))
        if principal is None:
            return
        where = _PERMISSION_KEYS.for_format(ctx.app.format).format(id=resource.id)
        if principal.lower() in _ALEXA_PRINCIPALS:
            if "EventSourceToken" in props:
                return
            fix = f"In {where}, set `EventSourceToken` to your skill id."
        elif principal.lower().endswith(".amazonaws.com"):
            if _is_scoped(props):
                return
            fix = (
                f"In {where}, add `source_arn` with the ARN of the one resource (bucket, topic, "
                "rule, API) that invokes the function, and `source_account = "
                "data.aws_caller_identity.current.account_id` (required for S3, whose ARNs "
                "carry no account)."
                if ctx.app.format is AppFormat.TERRAFORM
                else f"In {where}, add `SourceArn` with the ARN of the one resource (bucket, "
                "topic, rule, API) that invokes the function, and `SourceAccount: !Ref "
                "AWS::AccountId` (required for S3, whose ARNs carry no account)."
            )
        else:
            return
        fn = _target_function(resource, ctx.app)
        target = f"`{fn.name}`" if fn else _function_name(props)
        yield self.finding(
            ctx,
            message=(
                f"Permission `{resource.id}` lets `{principal}` invoke "
                f"{f'function {target}' if target else 'the function'} for any account's "
                "resource, not just yours: another account can route its events to it."
            ),
            location=Location(resource.location.file, resource.line_of("Principal")),
            function=fn.name if fn else None,
            resource=resource.id,
            evidence=f"Principal: {principal} without source condition",
            remediation=fix,
        )


class PublicLayerPermission(ResourceRule):
    """A Lambda layer version is shared with every AWS account.

    ## What it does
    Reports an `AWS::Lambda::LayerVersionPermission` whose `Principal` is `*` without an
    `OrganizationId`. It says nothing when the principal cannot be resolved.

    ## Why is this bad?
    Anyone can download a public layer's content (`lambda:GetLayerVersion` returns a download
    link). Layers are built from the project's own code and dependencies and often carry
    configuration, internal endpoints or, by mistake, credentials; a public layer publishes all
    of it.

    ## Example
    ```yaml
    SharedLayerPermission:
      Type: AWS::Lambda::LayerVersionPermission
      Properties:
        Action: lambda:GetLayerVersion
        LayerVersionArn: !Ref SharedLayer
        Principal: "*"
    ```

    ## Use instead
    ```yaml
    SharedLayerPermission:
      Type: AWS::Lambda::LayerVersionPermission
      Properties:
        Action: lambda:GetLayerVersion
        LayerVersionArn: !Ref SharedLayer
        Principal: "*"
        OrganizationId: o-exampleorgid
    ```

    ## References
    - Granting layer access to other accounts:
      https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html
    - CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
    """

    id = "FG6005"
    name = "public-layer-permission"
    category = "surface.public-resource-policy"
    severity = Severity.HIGH
    cwe = "CWE-200"
    title = "Layer shared with every AWS account"
    resource_types = frozenset({_LAYER_PERMISSION})

    _key = TemplateKey(
        serverless="`resources.Resources.{id}.Properties`",
        sam="the `AWS::Lambda::LayerVersionPermission` `{id}`",
        cloudformation="the `AWS::Lambda::LayerVersionPermission` `{id}`",
        terraform="the `aws_lambda_layer_version_permission` `{id}` (`organization_id`)",
        cdk="the layer's `addPermission` call (`organizationId`)",
    )

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the layer permission's principal is ``*`` for everyone."""
        props = resource.properties
        if _text(props.get("Principal")) != "*" or props.get("OrganizationId") is not None:
            return
        where = self._key.for_format(ctx.app.format).format(id=resource.id)
        yield self.finding(
            ctx,
            message=(
                f"Layer permission `{resource.id}` shares the layer with every AWS account: "
                "anyone can download its code."
            ),
            location=Location(resource.location.file, resource.line_of("Principal")),
            function=None,
            resource=resource.id,
            evidence="LayerVersionPermission Principal: *",
            remediation=(
                f"In {where}, set `Principal` to the account ids that need the layer, or keep "
                "`*` and add `OrganizationId` to share only within your organization."
            ),
        )


def _is_scoped(props: Mapping[str, Any]) -> bool:
    return any(props.get(key) is not None for key in _SCOPING_KEYS)


def _target_function(resource: Resource, app: Application) -> Function | None:
    """The function a permission opens up, when the model can tell.

    ``FunctionName: !Ref ReportFunction`` is unresolved (Unknown) in the properties, but the
    loaders record the reference in the function's ``referenced_by``; a literal name or ARN
    ending in the function's name matches too.
    """
    raw = resource.properties.get("FunctionName")
    name = None if isinstance(raw, Unknown) else _text(raw)
    for fn in app.functions:
        if resource.id in fn.referenced_by:
            return fn
        if name and name.split(":")[-1] in (
            fn.name,
            fn.resource_id,
        ):
            return fn
    return None


def _function_name(props: Mapping[str, Any]) -> str | None:
    name = _text(props.get("FunctionName"))
    return f"`{name}`" if name else None


@dataclass(frozen=True, slots=True)
class _CorsSite:
    """One CORS setting and the endpoints that share it."""

    cors: Cors
    location: Location
    endpoint_kind: str
    route: str
    key: TemplateKey
    resource: str | None


_CORS_KEYS: Mapping[TriggerKind, TemplateKey] = {
    TriggerKind.REST_API: TemplateKey(
        serverless="`cors.origin` on the `http` event",
        sam="`Cors.AllowOrigin` on the `AWS::Serverless::Api` (a quoted string: "
        "\"'https://app.example.com'\")",
        cloudformation="the `Access-Control-Allow-Origin` value of the OPTIONS method's "
        "integration response",
        terraform="the `Access-Control-Allow-Origin` value in the OPTIONS "
        "`aws_api_gateway_integration_response`",
        cdk="`defaultCorsPreflightOptions.allowOrigins` on the RestApi",
        chalice='`cors=CORSConfig(allow_origin="https://app.example.com")` on the `@app.route`',
        zappa='`"cors": {"allowed_origin": "https://app.example.com"}` in the stage',
    ),
    TriggerKind.HTTP_API: TemplateKey(
        serverless="`provider.httpApi.cors.allowedOrigins`",
        sam="`CorsConfiguration.AllowOrigins` on the `AWS::Serverless::HttpApi`",
        cloudformation="`CorsConfiguration.AllowOrigins` on the `AWS::ApiGatewayV2::Api`",
        terraform="`cors_configuration { allow_origins }` on the `aws_apigatewayv2_api`",
        cdk="`corsPreflight.allowOrigins` on the HttpApi",
        zappa='`"cors": {"allowed_origins": ["https://app.example.com"]}` in the stage',
    ),
    TriggerKind.FUNCTION_URL: TemplateKey(
        serverless="`url.cors.allowedOrigins` on the function",
        sam="`FunctionUrlConfig.Cors.AllowOrigins` on the function",
        cloudformation="`Cors.AllowOrigins` on the `AWS::Lambda::Url`",
        terraform="`cors { allow_origins }` on the `aws_lambda_function_url`",
        cdk="`cors.allowedOrigins` in `addFunctionUrl`",
    ),
}
_GENERIC_CORS_KEY = TemplateKey(
    serverless="the endpoint's `cors` origins",
    sam="the endpoint's CORS allowed origins",
    cloudformation="the endpoint's CORS allowed origins",
    terraform="the endpoint's `allow_origins`",
    cdk="the endpoint's `allowOrigins`",
)


class CorsAllowsAnyOrigin(ApplicationRule):
    """CORS on an HTTP endpoint allows every origin (`*`).

    ## What it does
    Reports each CORS setting (on an API route, an API, or a function URL) whose allowed origins
    include `*`: **medium**, or **high** when credentials are allowed too. A setting shared by
    several routes or functions (an API-level CORS block) is reported once, at the setting.
    It says nothing when no origin is a literal `*` (unresolved origins are not guessed), and
    does not raise the severity when `AllowCredentials` cannot be resolved.

    ## Why is this bad?
    `Access-Control-Allow-Origin: *` lets JavaScript on any website read the endpoint's
    responses from a visitor's browser, including responses that depend on where the browser
    is (intranet addresses, IP allow-lists). Combined with credentials it is worse: browsers
    refuse `*` with credentials, so servers and frameworks that want both echo the caller's
    `Origin` back, which lets any site make requests with the user's cookies or tokens and read
    the answers.

    ## Example
    ```yaml
    # template.yaml (SAM)
    MyFunction:
      Type: AWS::Serverless::Function
      Properties:
        FunctionUrlConfig:
          AuthType: AWS_IAM
          Cors:
            AllowOrigins: ["*"]
            AllowCredentials: true
    ```

    ## Use instead
    ```yaml
          Cors:
            AllowOrigins: ["https://app.example.com"]
            AllowCredentials: true
    ```

    ## References
    - OWASP Web Security Testing Guide, Testing Cross Origin Resource Sharing:
      https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/11-Client-side_Testing/07-Testing_Cross_Origin_Resource_Sharing
    - Configuring CORS for an HTTP API:
      https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
    - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    """

    id = "FG6006"
    name = "cors-allows-any-origin"
    category = "surface.cors-wildcard"
    severity = Severity.MEDIUM
    cwe = "CWE-942"
    title = "CORS allows any origin"

    def check(self, app: Application, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per distinct wildcard CORS setting in the application."""
        # One setting written once (an API-level CORS block) reaches many routes and functions:
        # group by where it is written so it is reported once, where it must be changed.
        shared: dict[tuple[str, int | None, str], list[tuple[_CorsSite, str]]] = {}
        for fn in app.functions:
            for site in _cors_sites(fn):
                if _allows_any_origin(site.cors):
                    key = (site.location.file, site.location.line, site.endpoint_kind)
                    shared.setdefault(key, []).append((site, fn.name))
        for group in shared.values():
            yield self._finding(group, ctx)

    def _finding(self, group: list[tuple[_CorsSite, str]], ctx: RuleContext) -> Finding:
        site = group[0][0]
        users = list(dict.fromkeys(name for _, name in group))
        routes = list(dict.fromkeys(s.route for s, _ in group))
        endpoint = routes[0] if len(routes) == 1 else f"{site.endpoint_kind} routes"
        credentials = any(s.cors.allow_credentials is True for s, _ in group)
        names = ", ".join(f"`{name}`" for name in users)
        message = f"CORS on the {endpoint} of {names} allows any origin (`*`)" + (
            " together with credentials: any website can send the user's credentials and "
            "read the responses."
            if credentials
            else ": any website can read its responses from a visitor's browser."
        )
        return self.finding(
            ctx,
            message=message,
            location=site.location,
            function=users[0] if len(users) == 1 else None,
            resource=site.resource,
            evidence=f"cors allow_origins: * allow_credentials: {credentials}",
            remediation=(
                "List the exact origins that need access instead of `*`: set "
                f"{site.key.for_format(ctx.app.format)}."
                + (" Keep credentials only for those origins." if credentials else "")
            ),
            severity=Severity.HIGH if credentials else None,
        )


def _cors_sites(fn: Function) -> Iterator[_CorsSite]:
    for trigger in fn.triggers:
        if trigger.cors is None:
            continue
        yield _CorsSite(
            cors=trigger.cors,
            location=trigger.cors.location or trigger.location,
            endpoint_kind=_ENDPOINT_KINDS.get(trigger.kind, trigger.kind.value),
            route=_describe_route(trigger),
            key=_CORS_KEYS.get(trigger.kind, _GENERIC_CORS_KEY),
            resource=trigger.api,
        )
    if fn.url is not None and fn.url.cors is not None:
        yield _CorsSite(
            cors=fn.url.cors,
            location=fn.url.cors.location or fn.url.location,
            endpoint_kind="function URL",
            route="function URL",
            key=_CORS_KEYS[TriggerKind.FUNCTION_URL],
            resource=fn.resource_id,
        )


def _allows_any_origin(cors: Cors) -> bool:
    # SAM's REST API Cors takes quoted header values ("'*'"): strip the quotes defensively.
    return any(
        isinstance(origin, str) and origin.strip().strip("'\"") == "*"
        for origin in cors.allow_origins
    )


class NoInputValidation(ToolRule):
    """A function reachable from an untrusted trigger uses event fields without validating them.

    ## What it does
    For each function triggered by an HTTP API, function URL, load balancer, WebSocket, queue,
    topic, bucket, stream, event bus, Cognito or IoT rule (the triggers whose event an attacker
    can shape), reads which event fields the handler uses (`pathParameters.id`, `body`,
    `Records[].s3.object.key`...) and looks for a validator anywhere on the function's code
    path: Powertools `@validator`/`validate`/`@event_parser`/`parse`, pydantic models,
    jsonschema, marshmallow, the `faasguard_runtime.validate` decorator, Middy's validator
    middleware, ajv, zod, joi or yup, or an API Gateway request validator on every route. When
    none is found, the finding names the fields used. AWS request metadata (`requestContext`,
    `httpMethod`, `eventName`...) does not count. The findings come from the code-edge
    analyzer: medium for internet-reachable HTTP triggers, low otherwise.

    ## Why is this bad?
    Every injection finding starts with input nobody checked. A schema at the entry point
    rejects malformed and oversized input before it reaches a query, a path or a shell, and
    documents what the function accepts; without one, each use of a field has to be safe on
    its own.

    ## Example
    ```python
    def handler(event, context):
        order = json.loads(event["body"])
        return save(order["id"], order["qty"])
    ```

    ## Use instead
    ```python
    from aws_lambda_powertools.utilities.parser import event_parser, BaseModel

    class Order(BaseModel):
        id: UUID
        qty: conint(gt=0, le=100)

    @event_parser(model=Order, envelope=envelopes.ApiGatewayEnvelope)
    def handler(order: Order, context):
        return save(order.id, order.qty)
    ```

    ## References
    - Powertools for AWS Lambda, Parser:
      https://docs.powertools.aws.dev/lambda/python/latest/utilities/parser/
    - OWASP Serverless Top 10, SAS-1: Function event-data injection
    - CWE-20: Improper Input Validation
    """

    id = "FG6007"
    name = "no-input-validation"
    category = "surface.no-input-validation"
    severity = Severity.MEDIUM
    cwe = "CWE-20"
    title = "Event data used without input validation"


RULES: tuple[type[Rule], ...] = (
    FunctionUrlWithoutAuth,
    HttpTriggerWithoutAuth,
    PublicInvokePermission,
    ServiceInvokePermissionWithoutSource,
    PublicLayerPermission,
    CorsAllowsAnyOrigin,
    NoInputValidation,
    PublicBucketPolicy,
    BucketCorsAnyOrigin,
    WeakPasswordPolicy,
    SelfSignUpWritesTrustedAttribute,
    UnverifiedEmailLogin,
    ApiBodyWithoutRequestValidator,
)
