"""Events -> triggers, authorizers, function URLs and the implicit APIs."""

from __future__ import annotations

from faasguard.model import (
    Api,
    AuthKind,
    Cors,
    FunctionUrl,
    Location,
    Throttling,
    Trigger,
    TriggerKind,
)

F = "serverless.yml"


def _at(line: int) -> Location:
    return Location(F, line)


def test_every_internal_event_source(sls_app):
    (fn,) = sls_app("events_all").functions
    assert fn.triggers == (
        Trigger(
            TriggerKind.S3,
            _at(9),
            source="uploads",
            properties={"event": "s3:ObjectCreated:*", "rules": [{"prefix": "incoming/"}]},
        ),
        Trigger(TriggerKind.S3, _at(14), source="photos"),
        Trigger(TriggerKind.SQS, _at(15), source="arn:aws:sqs:us-east-1:123456789012:jobs"),
        Trigger(TriggerKind.SQS, _at(16), source="JobsQueue", properties={"batchSize": 5}),
        Trigger(TriggerKind.SNS, _at(19), source="alerts"),
        Trigger(
            TriggerKind.SNS,
            _at(20),
            source="arn:aws:sns:us-east-1:123456789012:billing",
            properties={"filterPolicy": {"kind": ["invoice"]}},
        ),
        Trigger(
            TriggerKind.DYNAMODB_STREAM,
            _at(24),
            source="arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/"
            "2024-01-01T00:00:00.000",
        ),
        Trigger(TriggerKind.KINESIS, _at(25), source="ClicksStream"),
        Trigger(TriggerKind.DYNAMODB_STREAM, _at(28), source="OrdersTable"),
        Trigger(TriggerKind.SCHEDULE, _at(30), properties={"rate": "rate(5 minutes)"}),
        Trigger(
            TriggerKind.SCHEDULE,
            _at(31),
            properties={"rate": "cron(0 12 * * ? *)", "enabled": False},
        ),
        Trigger(
            TriggerKind.EVENTBRIDGE,
            _at(34),
            source="arn:aws:events:us-east-1:123456789012:event-bus/orders",
            properties={"pattern": {"source": ["orders"]}},
        ),
        Trigger(TriggerKind.EVENTBRIDGE, _at(38), properties={"event": {"source": ["aws.ec2"]}}),
        Trigger(TriggerKind.COGNITO, _at(41), source="users", properties={"trigger": "PreSignUp"}),
        Trigger(TriggerKind.IOT, _at(44), properties={"sql": "SELECT * FROM 'sensors/#'"}),
        Trigger(TriggerKind.CLOUDWATCH_LOGS, _at(46), source="/aws/lambda/other"),
        Trigger(TriggerKind.ALEXA, _at(47), source="amzn1.ask.skill.1234"),
        Trigger(
            TriggerKind.KAFKA,
            _at(48),
            source="arn:aws:kafka:us-east-1:123456789012:cluster/main/abc",
            properties={"topic": "orders"},
        ),
        Trigger(
            TriggerKind.KAFKA,
            _at(51),
            source="b-1.kafka.internal:9092,b-2.kafka.internal:9092",
            properties={"topic": "payments"},
        ),
        Trigger(
            TriggerKind.MQ,
            _at(56),
            source="arn:aws:mq:us-east-1:123456789012:broker:main:b-1",
            properties={"queue": "orders"},
        ),
        Trigger(
            TriggerKind.MQ,
            _at(59),
            source="arn:aws:mq:us-east-1:123456789012:broker:rabbit:b-2",
            properties={"queue": "jobs"},
        ),
        Trigger(
            TriggerKind.OTHER,
            _at(62),
            internet_reachable=None,
            properties={"event": "cloudFront", "config": {"eventType": "viewer-request"}},
        ),
    )
    assert all(t.auth is AuthKind.NONE for t in fn.triggers)


def _routes(fn):
    return [(t.location.line, t.auth, t.path, t.method) for t in fn.triggers]


def test_rest_api_authorizers_private_and_cors(sls_app):
    app = sls_app("http_auth")
    rest = app.function("rest")
    assert _routes(rest) == [
        (37, AuthKind.NONE, "/public", "GET"),
        (41, AuthKind.NONE, "/items/{id}", "POST"),
        (42, AuthKind.IAM, "/iam", "ANY"),
        (46, AuthKind.IAM, "/iam-object", "GET"),
        (51, AuthKind.LAMBDA_AUTHORIZER, "/lambda", "GET"),
        (55, AuthKind.LAMBDA_AUTHORIZER, "/lambda-arn", "GET"),
        (61, AuthKind.COGNITO, "/cognito", "GET"),
        (66, AuthKind.COGNITO, "/cognito-ref", "GET"),
        (72, AuthKind.LAMBDA_AUTHORIZER, "/request", "GET"),
        (78, AuthKind.API_KEY, "/partner", "POST"),
    ]
    assert rest.triggers[0] == Trigger(
        kind=TriggerKind.REST_API,
        location=_at(37),
        auth=AuthKind.NONE,
        internet_reachable=True,
        path="/public",
        method="GET",
        cors=Cors(("*",), None, _at(40)),
        api="ApiGatewayRestApi",
    )
    assert rest.triggers[-1] == Trigger(
        kind=TriggerKind.REST_API,
        location=_at(78),
        auth=AuthKind.API_KEY,
        internet_reachable=True,
        path="/partner",
        method="POST",
        cors=Cors(("https://partner.example.com",), True, _at(82)),
        api="ApiGatewayRestApi",
        properties={"private": True},
    )


def test_http_api_jwt_request_and_iam_authorizers(sls_app):
    api = sls_app("http_auth").function("api")
    cors = Cors(("*",), None, _at(13))  # provider.httpApi.cors: true
    assert api.triggers == (
        Trigger(
            TriggerKind.HTTP_API,
            _at(89),
            AuthKind.NONE,
            True,
            path="/open",
            method="GET",
            cors=cors,
            api="HttpApi",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            _at(90),
            AuthKind.JWT,
            True,
            path="/secure",
            method="POST",
            cors=cors,
            api="HttpApi",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            _at(96),
            AuthKind.LAMBDA_AUTHORIZER,
            True,
            path="/custom",
            method="ANY",
            cors=cors,
            api="HttpApi",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            _at(100),
            AuthKind.IAM,
            True,
            path="/iam",
            method="GET",
            cors=cors,
            api="HttpApi",
        ),
        Trigger(
            TriggerKind.HTTP_API,
            _at(105),
            AuthKind.NONE,
            True,
            path="*",
            method="ANY",
            cors=cors,
            api="HttpApi",
        ),
    )


def test_websocket_routes_take_the_connect_authorizer(sls_app):
    sockets = sls_app("http_auth").function("sockets")
    assert sockets.triggers == (
        Trigger(
            TriggerKind.WEBSOCKET,
            _at(109),
            AuthKind.LAMBDA_AUTHORIZER,
            True,
            path="$connect",
            api="WebsocketsApi",
        ),
        Trigger(
            TriggerKind.WEBSOCKET,
            _at(114),
            AuthKind.LAMBDA_AUTHORIZER,
            True,
            path="$default",
            api="WebsocketsApi",
        ),
    )


def test_alb_reachability_is_unknown_and_auth_comes_from_named_authorizers(sls_app):
    internal = sls_app("http_auth").function("internal")
    listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app"
    assert internal.triggers == (
        Trigger(
            TriggerKind.ALB,
            _at(118),
            AuthKind.COGNITO,
            None,
            source=f"{listener}/internal/abc/def",
            path="/admin",
            method="GET",
            properties={"priority": 1, "conditions": {"path": "/admin", "method": ["GET", "POST"]}},
        ),
        Trigger(
            TriggerKind.ALB,
            _at(125),
            AuthKind.NONE,
            None,
            source=f"{listener}/public/abc/def",
            path="/health",
            properties={"priority": 2, "conditions": {"path": "/health"}},
        ),
    )


def test_authorizer_function_is_referenced_by_the_generated_authorizers(sls_app):
    app = sls_app("http_auth")
    assert app.function("authorizer").triggers == ()
    assert app.function("authorizer").referenced_by == (
        "AuthorizerApiGatewayAuthorizer",
        "AuthorizerWebsocketsAuthorizer",
        "HttpApiAuthorizerCustomAuth",
    )


def test_implicit_apis_with_usage_plan_throttling(sls_app):
    app = sls_app("http_auth")
    assert app.apis == (
        Api(
            id="ApiGatewayRestApi",
            kind=TriggerKind.REST_API,
            location=_at(37),
            throttling=Throttling(rate_limit=100.0, burst_limit=200),
            functions=("rest",),
            implicit=True,
            properties={
                "apiKeys": ["partner-key"],
                "usagePlan": {"throttle": {"rateLimit": 100, "burstLimit": 200}},
            },
        ),
        Api("HttpApi", TriggerKind.HTTP_API, _at(89), None, ("api",), True, {"cors": True}),
        Api("WebsocketsApi", TriggerKind.WEBSOCKET, _at(109), None, ("sockets",), True),
    )


def test_function_urls(sls_app):
    app = sls_app("function_url")
    assert [(fn.name, fn.url) for fn in app.functions] == [
        ("open", FunctionUrl("NONE", _at(8))),
        (
            "iam",
            FunctionUrl(
                "AWS_IAM",
                _at(11),
                cors=Cors(("https://app.example.com",), True, _at(14)),
                invoke_mode="RESPONSE_STREAM",
            ),
        ),
        ("corsAll", FunctionUrl("NONE", _at(20), cors=Cors(("*",), None, _at(21)))),
        ("noUrl", None),
    ]
    assert app.function("open").triggers == (
        Trigger(TriggerKind.FUNCTION_URL, _at(8), AuthKind.NONE, True),
    )
    assert app.function("iam").triggers == (
        Trigger(
            TriggerKind.FUNCTION_URL,
            _at(11),
            AuthKind.IAM,
            True,
            cors=Cors(("https://app.example.com",), True, _at(14)),
        ),
    )
    assert app.function("noUrl").triggers == ()
    assert app.apis == ()


def _load_text(tmp_path, text: str):
    from faasguard.fs import ScanFS
    from faasguard.loaders.interface import LoadOptions
    from faasguard.loaders.serverless import ServerlessLoader

    (tmp_path / F).write_text(text)
    return ServerlessLoader().load(F, ScanFS(tmp_path), LoadOptions())


def test_private_endpoint_external_api_and_several_usage_plans(tmp_path):
    from faasguard.model import Unknown

    result = _load_text(
        tmp_path,
        "service: s\n"
        "provider:\n"
        "  name: aws\n"
        "  endpointType: PRIVATE\n"
        "  apiGateway:\n"
        "    restApiId: abc123\n"
        "    usagePlan:\n"
        "      - free: {throttle: {rateLimit: 1}}\n"
        "      - paid: {throttle: {rateLimit: 100}}\n"
        "functions:\n"
        "  fn:\n"
        "    handler: h.main\n"
        "    events:\n"
        "      - http:\n"
        "          path: /x\n"
        "          method: get\n"
        "          authorizer: ${ssm:/authorizer-arn}\n",
    )
    assert result.issues == ()
    (trigger,) = result.applications[0].functions[0].triggers
    assert (trigger.internet_reachable, trigger.auth) == (False, AuthKind.UNKNOWN)
    (api,) = result.applications[0].apis
    assert (api.id, api.implicit, api.properties["restApiId"]) == (
        "ApiGatewayRestApi",
        False,
        "abc123",
    )
    assert api.properties["endpointType"] == "PRIVATE"
    assert api.throttling == Unknown(
        '[{"free": {"throttle": {"rateLimit": 1}}}, {"paid": {"throttle": {"rateLimit": 100}}}]',
        "several usage plans",
    )


def test_env_resolution_is_opt_in_at_load_time(tmp_path):
    from faasguard.fs import ScanFS
    from faasguard.loaders.interface import LoadOptions
    from faasguard.loaders.serverless import ServerlessLoader
    from faasguard.model import EnvVar, Unknown

    (tmp_path / F).write_text(
        "service: s\nprovider:\n  name: aws\nfunctions:\n  fn:\n    handler: h.main\n"
        "    environment:\n      API_KEY: ${env:API_KEY}\n"
    )
    load = ServerlessLoader().load
    off = load(F, ScanFS(tmp_path), LoadOptions(env={"API_KEY": "s3cr3t"}))
    on = load(F, ScanFS(tmp_path), LoadOptions(resolve_env=True, env={"API_KEY": "s3cr3t"}))
    expected = EnvVar(
        "API_KEY",
        Unknown("${env:API_KEY}", "env not resolved; pass --resolve-env"),
        _at(8),
        "function",
        raw="${env:API_KEY}",
    )
    assert off.applications[0].functions[0].environment == (expected,)
    assert "s3cr3t" not in repr(off)
    assert on.applications[0].functions[0].environment == (
        EnvVar("API_KEY", "s3cr3t", _at(8), "function", raw="${env:API_KEY}"),
    )
