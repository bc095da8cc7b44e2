"""OpenAPI/Swagger API bodies in SAM and CloudFormation: routes, targets, auth and validators.

Each fixture under tests/fixtures/openapi/ is one API written a different way; the tests assert
the exact triggers the loader derives from the body (route, function, auth, location in the
body's own file, request validator) and the exact issues for bad bodies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation import CloudFormationLoader
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.loaders.openapi.spec import Operation, parse_spec
from faasguard.loaders.yaml_safe import parse_yaml
from faasguard.model import (
    Application,
    AuthKind,
    Cors,
    Location,
    RequestValidation,
    Trigger,
    TriggerKind,
    Unknown,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "openapi"


def load(template: str) -> LoadResult:
    return CloudFormationLoader().load(template, ScanFS(FIXTURES), LoadOptions())


def app_of(template: str) -> Application:
    result = load(template)
    (app,) = result.applications
    return app


def routes(app: Application, function: str) -> list[tuple[object, ...]]:
    fn = app.function(function)
    assert fn is not None
    return [
        (t.kind, t.method, t.path, t.auth, t.location, t.api, t.request_validation)
        for t in fn.triggers
    ]


# -- SAM REST API, inline OpenAPI 3 body --------------------------------------------------------

INLINE = "sam_rest_inline/template.yaml"
ALL = RequestValidation(True, True, "all", Location(INLINE, 48))


def at(line: int) -> Location:
    return Location(INLINE, line)


def test_inline_body_routes_become_triggers_with_their_auth() -> None:
    result = load(INLINE)
    assert result.issues == ()
    (app,) = result.applications
    rest = TriggerKind.REST_API
    assert routes(app, "OrdersFunction") == [
        # inherits the document-wide `security: [CognitoAuth]` (OpenAPI 3)
        (rest, "GET", "/orders", AuthKind.COGNITO, at(51), "ShopApi", ALL),
        # `security: []` removes the document default; its own validator
        (
            rest,
            "POST",
            "/orders",
            AuthKind.NONE,
            at(56),
            "ShopApi",
            RequestValidation(False, True, "params-only", at(56)),
        ),
        (rest, "POST", "/token", AuthKind.LAMBDA_AUTHORIZER, at(64), "ShopApi", ALL),
        (rest, "GET", "/keyed", AuthKind.API_KEY, at(72), "ShopApi", ALL),
        # `[{CognitoAuth: []}, {}]`: anonymous access is one of the alternatives
        (rest, "GET", "/either", AuthKind.NONE, at(80), "ShopApi", ALL),
    ]
    # the mock integration (/mock) names no function and adds nothing
    assert app.apis[0].functions == ("AdminFunction", "OrdersFunction")


def test_event_routes_take_the_body_operation_auth() -> None:
    app = app_of(INLINE)
    rest = TriggerKind.REST_API
    assert routes(app, "AdminFunction") == [
        # DELETE /admin is served by the body's x-amazon-apigateway-any-method (sigv4)
        (rest, "DELETE", "/admin", AuthKind.IAM, at(114), "ShopApi", ALL),
        # a route SAM adds to the body inherits its OpenAPI 3 document-wide security; the
        # event's RequestModel makes SAM add a body-only validator
        (
            rest,
            "POST",
            "/health",
            AuthKind.COGNITO,
            at(120),
            "ShopApi",
            RequestValidation(True, False, None, at(120)),
        ),
        # the body's ANY /admin route is a route of its own
        (rest, "ANY", "/admin", AuthKind.IAM, at(89), "ShopApi", ALL),
    ]


def test_body_trigger_records_the_body_file() -> None:
    fn = app_of(INLINE).function("OrdersFunction")
    assert fn is not None
    assert fn.triggers[0] == Trigger(
        kind=TriggerKind.REST_API,
        location=at(51),
        auth=AuthKind.COGNITO,
        internet_reachable=True,
        path="/orders",
        method="GET",
        api="ShopApi",
        properties={"Definition": INLINE},
        request_validation=ALL,
    )


# -- SAM HTTP API, body included with AWS::Include ----------------------------------------------

INCLUDED = "sam_http_include/openapi.yaml"


def test_included_body_is_read_with_its_own_file_and_lines() -> None:
    result = load("sam_http_include/template.yaml")
    assert result.issues == ()
    (app,) = result.applications
    http = TriggerKind.HTTP_API
    assert routes(app, "ItemsFunction") == [
        (http, "GET", "/items", AuthKind.JWT, Location(INCLUDED, 27), "HttpApi", None),
        (
            http,
            "POST",
            "/items",
            AuthKind.LAMBDA_AUTHORIZER,
            Location(INCLUDED, 35),
            "HttpApi",
            None,
        ),
        # a path item behind a local $ref, whose scheme is itself a $ref to the JWT scheme
        (http, "DELETE", "/items/{id}", AuthKind.JWT, Location(INCLUDED, 54), "HttpApi", None),
        (http, "GET", "/public", AuthKind.NONE, Location(INCLUDED, 46), "HttpApi", None),
    ]
    # an S3 include cannot be read: no routes are invented for it
    assert [(api.id, api.functions) for api in app.apis] == [
        ("HttpApi", ("ItemsFunction",)),
        ("RemoteApi", ()),
    ]


# -- DefinitionUri file with SAM Auth -----------------------------------------------------------

SWAGGER = "sam_definition_uri/api/swagger.json"


def test_definition_uri_file_with_sam_default_authorizer() -> None:
    result = load("sam_definition_uri/template.yaml")
    assert result.issues == ()
    (app,) = result.applications
    rest = TriggerKind.REST_API
    assert routes(app, "PetsFunction") == [
        # a literal ARN naming the function by its FunctionName; SAM's DefaultAuthorizer
        # applies to every operation that names no authorizer
        (rest, "GET", "/pets", AuthKind.COGNITO, Location(SWAGGER, 6), "PetsApi", None),
        # the NONE scheme is SAM's way to opt out of the default; the validator it names is
        # not defined in the body
        (
            rest,
            "POST",
            "/pets",
            AuthKind.NONE,
            Location(SWAGGER, 13),
            "PetsApi",
            Unknown("missing", "request validator not defined in the API body"),
        ),
    ]


def test_swagger2_document_security_is_ignored_like_api_gateway_does() -> None:
    app = app_of("swagger2_root/template.yaml")
    assert routes(app, "ReportsFunction") == [
        (
            TriggerKind.REST_API,
            "GET",
            "/reports",
            AuthKind.NONE,
            Location("swagger2_root/template.yaml", 20),
            "LegacyApi",
            None,
        )
    ]


def test_s3_body_leaves_event_routes_unknown() -> None:
    app = app_of("s3_body/template.yaml")
    assert routes(app, "S3Function") == [
        (
            TriggerKind.REST_API,
            "GET",
            "/thing",
            AuthKind.UNKNOWN,
            Location("s3_body/template.yaml", 16),
            "S3Api",
            None,
        )
    ]


# -- bad bodies ---------------------------------------------------------------------------------

LOOPS = "cfn_rest_body/template.yaml"


def test_ref_loops_and_dangling_refs_are_findings_and_the_rest_still_loads() -> None:
    result = load(LOOPS)
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "$ref loop in the API body (#/components/schemas/Thing -> "
            "#/components/schemas/Alias -> #/components/schemas/Thing); what it describes is "
            "not known",
            Location(LOOPS, 29),
            "cfn_rest_body",
        ),
        LoadIssue(
            IssueKind.UNRESOLVED,
            "$ref '#/components/pathItems/Gone' in the API body points at nothing; what it "
            "describes is not known",
            Location(LOOPS, 23),
            "cfn_rest_body",
        ),
    )
    (app,) = result.applications
    # a recursive schema (Tree) is legal and not reported; the route still loads
    assert routes(app, "ThingsFunction") == [
        (
            TriggerKind.REST_API,
            "POST",
            "/things",
            AuthKind.NONE,
            Location(LOOPS, 12),
            "RestApi",
            None,
        )
    ]


def test_a_body_that_is_not_a_mapping_is_reported() -> None:
    spec, issues = parse_spec(["not", "a", "body"], file="api.yaml")
    assert spec.operations == ()
    assert issues == [
        LoadIssue(
            IssueKind.PARSE_ERROR,
            "the API body is not a mapping; its routes are not known",
            Location("api.yaml", 1),
        )
    ]


@pytest.mark.parametrize(
    ("security", "expected"),
    [
        ("[]", AuthKind.NONE),
        ("[{}]", AuthKind.NONE),
        ("[{key: []}]", AuthKind.API_KEY),
        ("[{key: [], iam: []}]", AuthKind.IAM),  # AND: the authorizer identifies the caller
        ("[{iam: []}, {key: []}]", AuthKind.API_KEY),  # OR: a caller takes the weakest
        ("[{nowhere: []}]", AuthKind.UNKNOWN),  # a scheme the body does not define
        ("[{jwt: []}, {nowhere: []}]", AuthKind.UNKNOWN),
    ],
)
def test_security_requirements_combine(security: str, expected: AuthKind) -> None:
    text = f"""
openapi: "3.0.1"
components:
  securitySchemes:
    key: {{type: apiKey, name: x-api-key, in: header}}
    iam: {{type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}}
    jwt:
      type: oauth2
      x-amazon-apigateway-authorizer: {{type: jwt}}
paths:
  /x:
    get:
      security: {security}
"""
    spec, issues = parse_spec(parse_yaml(text, "api.yaml").data, file="api.yaml")
    assert issues == []
    (op,) = spec.operations
    assert op == Operation("/x", "GET", 12, security=op.security)
    assert spec.auth(op) is expected


def test_ref_walk_is_bounded_on_a_huge_body() -> None:
    body = {"paths": {}, "x-big": [{"$ref": "#/x-big/0"} for _ in range(300_000)]}
    spec, issues = parse_spec(body, file="api.yaml")
    # the first self-referencing entry is reported once; the walk stops at its budget
    assert len(issues) == 1 and issues[0].message.startswith("$ref loop in the API body")
    assert spec.operations == ()


# -- plain CloudFormation methods ---------------------------------------------------------------

METHODS = "cfn_methods/template.yaml"


def test_cfn_method_request_validator_id() -> None:
    app = app_of(METHODS)
    fn = app.function("OrdersFunction")
    assert fn is not None
    assert [(t.method, t.location, t.request_validation) for t in fn.triggers] == [
        (
            "POST",
            Location(METHODS, 19),
            RequestValidation(True, False, "BodyValidator", Location(METHODS, 26)),
        ),
        # an id of a validator made elsewhere: it exists, but what it checks is unknown
        (
            "PUT",
            Location(METHODS, 31),
            Unknown("abc123", "request validator not defined in the template"),
        ),
        ("GET", Location(METHODS, 43), None),
    ]


HTTP_BODY = "cfn_http_body/template.yaml"


def test_cfn_http_api_body_routes_auth_and_cors() -> None:
    result = load(HTTP_BODY)
    assert result.issues == ()
    (app,) = result.applications
    cors = Cors(("*",), allow_credentials=True, location=Location(HTTP_BODY, 9))
    http = TriggerKind.HTTP_API
    fn = app.function("ProfileFunction")
    assert fn is not None
    assert [(t.kind, t.method, t.path, t.auth, t.location, t.cors) for t in fn.triggers] == [
        (http, "GET", "/profile", AuthKind.JWT, Location(HTTP_BODY, 21), cors),
        (http, "PUT", "/profile", AuthKind.NONE, Location(HTTP_BODY, 28), cors),
    ]


def test_a_long_ref_chain_is_cut_and_reported_in_bounded_time() -> None:
    import time

    links = 20_000
    schemas = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(links)}
    schemas[f"S{links}"] = {"type": "object"}
    body = {
        "openapi": "3.0.1",
        "components": {"schemas": schemas},
        "paths": {"/x": {"$ref": "#/components/schemas/S0"}},
    }
    start = time.perf_counter()
    spec, issues = parse_spec(body, file="api.yaml")
    assert time.perf_counter() - start < 5.0  # each distinct $ref followed at most 64 hops
    assert spec.operations == ()
    assert issues[0] == LoadIssue(
        IssueKind.UNRESOLVED,
        "$ref chain from '#/components/schemas/S0' is longer than 64 references; what it "
        "describes is not known",
        Location("api.yaml", 1),
    )
