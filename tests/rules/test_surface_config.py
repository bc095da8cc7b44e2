"""Surface rules on resources around functions: bucket policies and CORS, user pools, validators.

Each rule has a failing case and a passing twin, and an unknown value that gives no verdict.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from faasguard.findings import Severity
from faasguard.model import AppFormat, RequestValidation, TriggerKind, Unknown
from faasguard.rules._surface_config import (
    ApiBodyWithoutRequestValidator,
    BucketCorsAnyOrigin,
    PublicBucketPolicy,
    SelfSignUpWritesTrustedAttribute,
    UnverifiedEmailLogin,
    WeakPasswordPolicy,
)
from tests.rules.builders import (
    FILE,
    Brief,
    application,
    briefs,
    context,
    function,
    public_route,
    resource,
)


def _policy(statement: dict[str, Any]) -> Any:
    return resource(
        "ReportsPolicy",
        "AWS::S3::BucketPolicy",
        properties={
            "Bucket": Unknown("!Ref ReportsBucket", "resource reference"),
            "PolicyDocument": {"Statement": [statement]},
        },
        property_lines={"PolicyDocument": 61},
    )


def _check_resource(rule: Any, res: Any, fmt: AppFormat = AppFormat.SAM) -> list[Any]:
    return list(rule.check(res, context(application(fmt=fmt, resources=[res]))))


PUBLIC_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}


def test_public_read_policy_is_high_and_names_the_bucket() -> None:
    findings = _check_resource(PublicBucketPolicy(), _policy(PUBLIC_READ))
    assert briefs(findings) == [
        Brief("FG6010", None, "ReportsPolicy", FILE, 61, Severity.HIGH),
    ]
    assert findings[0].message == (
        "Bucket policy `ReportsPolicy` (bucket `ReportsBucket`) lets anyone on the internet read "
        "the bucket: statement 1 allows `Principal: *` with no condition."
    )
    assert "the `AWS::S3::BucketPolicy` `ReportsPolicy`" in findings[0].remediation


def test_public_wildcard_write_is_critical_and_terraform_remediation() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"]}
    findings = _check_resource(PublicBucketPolicy(), _policy(statement), AppFormat.TERRAFORM)
    assert [(f.severity, f.evidence) for f in findings] == [
        (Severity.CRITICAL, "Statement[0]: Principal *, write, read, list, no Condition")
    ]
    assert "`aws_s3_bucket_policy` `ReportsPolicy`" in findings[0].remediation


@pytest.mark.parametrize(
    "statement",
    [
        {**PUBLIC_READ, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}},
        {**PUBLIC_READ, "Principal": {"Service": "cloudfront.amazonaws.com"}},
        {**PUBLIC_READ, "Effect": "Deny"},
        {**PUBLIC_READ, "Action": "s3:GetBucketTagging"},
        {**PUBLIC_READ, "Principal": Unknown("!Ref Who", "parameter without a value")},
    ],
)
def test_scoped_or_unknown_bucket_policies_pass(statement: dict[str, Any]) -> None:
    assert _check_resource(PublicBucketPolicy(), _policy(statement)) == []


def _bucket(rules: Any) -> Any:
    return resource(
        "Uploads",
        "AWS::S3::Bucket",
        properties={"CorsConfiguration": {"CorsRules": rules}},
        property_lines={"CorsConfiguration": 70},
    )


def test_bucket_cors_any_origin_with_put_is_medium() -> None:
    bucket = _bucket([{"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PUT"]}])
    findings = _check_resource(BucketCorsAnyOrigin(), bucket)
    assert briefs(findings) == [Brief("FG6011", None, "Uploads", FILE, 70, Severity.MEDIUM)]
    assert findings[0].message == (
        "Bucket `Uploads` CORS rule 1 lets scripts on any web site use it (GET, PUT) from a "
        "visitor's browser."
    )


def test_bucket_cors_read_only_is_low_and_named_origin_passes() -> None:
    bucket = _bucket(
        [
            {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"]},
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
        ]
    )
    findings = _check_resource(BucketCorsAnyOrigin(), bucket)
    assert [(f.severity, f.evidence) for f in findings] == [
        (Severity.LOW, "CorsRules[1]: AllowedOrigins *, methods GET")
    ]


def _pool(**properties: Any) -> Any:
    return resource(
        "Users",
        "AWS::Cognito::UserPool",
        properties=properties,
        property_lines={"Policies": 80, "Schema": 84, "UsernameAttributes": 90},
    )


@pytest.mark.parametrize(
    ("policy", "evidence"),
    [
        ({"MinimumLength": 6}, "MinimumLength: 6; required: none"),
        ({"MinimumLength": "10"}, "MinimumLength: 10; required: none"),
    ],
)
def test_weak_password_policies(policy: dict[str, Any], evidence: str) -> None:
    findings = _check_resource(WeakPasswordPolicy(), _pool(Policies={"PasswordPolicy": policy}))
    assert briefs(findings) == [Brief("FG6012", None, "Users", FILE, 80, Severity.MEDIUM)]
    assert findings[0].evidence == evidence


@pytest.mark.parametrize(
    "properties",
    [
        {},  # Cognito's default policy is strong
        {"Policies": {"PasswordPolicy": {"MinimumLength": 12}}},
        {"Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireSymbols": "true"}}},
        {"Policies": {"PasswordPolicy": {"MinimumLength": Unknown("!Ref Len", "parameter")}}},
    ],
)
def test_strong_default_or_unknown_password_policies_pass(properties: dict[str, Any]) -> None:
    assert _check_resource(WeakPasswordPolicy(), _pool(**properties)) == []


ROLE_SCHEMA = [{"Name": "role", "AttributeDataType": "String", "Mutable": False}]


def test_self_signup_with_a_role_attribute_is_high() -> None:
    findings = _check_resource(SelfSignUpWritesTrustedAttribute(), _pool(Schema=ROLE_SCHEMA))
    assert briefs(findings) == [Brief("FG6013", None, "Users", FILE, 84, Severity.HIGH)]
    assert findings[0].message == (
        "User pool `Users` lets anyone sign up and set `custom:role` themselves: a function "
        "that trusts it for authorisation can be fooled by a new account."
    )


def test_admin_only_signup_or_restricted_clients_pass() -> None:
    admin_only = _pool(Schema=ROLE_SCHEMA, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    assert _check_resource(SelfSignUpWritesTrustedAttribute(), admin_only) == []
    pool = _pool(Schema=ROLE_SCHEMA)
    client = resource(
        "WebClient",
        "AWS::Cognito::UserPoolClient",
        properties={
            "UserPoolId": Unknown("!Ref Users", "resource reference"),
            "WriteAttributes": ["email", "name"],
        },
    )
    app = application(fmt=AppFormat.SAM, resources=[pool, client])
    assert list(SelfSignUpWritesTrustedAttribute().check(pool, context(app))) == []


def test_client_that_can_write_the_role_keeps_the_finding() -> None:
    pool = _pool(Schema=[*ROLE_SCHEMA, {"Name": "nickname", "AttributeDataType": "String"}])
    client = resource(
        "WebClient",
        "AWS::Cognito::UserPoolClient",
        properties={
            "UserPoolId": Unknown("!Ref Users", "resource reference"),
            "WriteAttributes": ["email", "custom:role"],
        },
    )
    app = application(fmt=AppFormat.SAM, resources=[pool, client])
    findings = list(SelfSignUpWritesTrustedAttribute().check(pool, context(app)))
    assert [f.evidence for f in findings] == ["self sign-up on; custom:role writable by users"]


def test_unverified_email_login_and_verified_twin() -> None:
    findings = _check_resource(UnverifiedEmailLogin(), _pool(UsernameAttributes=["email"]))
    assert briefs(findings) == [Brief("FG6014", None, "Users", FILE, 90, Severity.MEDIUM)]
    verified = _pool(UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])
    assert _check_resource(UnverifiedEmailLogin(), verified) == []
    unknown = _pool(UsernameAttributes=["email"], AutoVerifiedAttributes=Unknown("!Ref A", "p"))
    assert _check_resource(UnverifiedEmailLogin(), unknown) == []


def _route_findings(fmt: AppFormat, **changes: Any) -> list[Any]:
    route = dataclasses.replace(
        public_route(TriggerKind.REST_API, method="POST"), api="RestApi", **changes
    )
    fn = function("create", triggers=(route,))
    return list(ApiBodyWithoutRequestValidator().check(fn, context(application([fn], fmt=fmt))))


def test_public_post_without_validator_is_low() -> None:
    findings = _route_findings(AppFormat.SAM)
    assert briefs(findings) == [Brief("FG6015", "create", "RestApi", FILE, 20, Severity.LOW)]
    assert findings[0].message == (
        "Route `POST /orders` of function `create` is public and takes a body that API "
        "Gateway does not validate before invoking the function."
    )


@pytest.mark.parametrize(
    ("fmt", "validation"),
    [
        (AppFormat.SAM, RequestValidation(body=True, parameters=False)),
        (AppFormat.SAM, Unknown("!Ref Validator", "resource reference")),
        # Serverless `request.schemas` are not read yet: no verdict rather than a false one.
        (AppFormat.SERVERLESS, None),
    ],
)
def test_validated_unknown_or_unread_routes_pass(fmt: AppFormat, validation: Any) -> None:
    assert _route_findings(fmt, request_validation=validation) == []


def test_validator_checking_parameters_only_is_reported() -> None:
    validation = RequestValidation(body=False, parameters=True)
    findings = _route_findings(AppFormat.CLOUDFORMATION, request_validation=validation)
    assert [f.rule_id for f in findings] == ["FG6015"]
    assert "`RequestValidatorId` and `RequestModels`" in findings[0].remediation
