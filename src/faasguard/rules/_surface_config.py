"""Surface rules on the resources around functions: bucket policies, bucket CORS, user pools, APIs.

They are listed in :mod:`faasguard.rules.surface` (the family module); they live here so that
module stays about triggers and invoke permissions. Each reads resource properties the loaders
keep in CloudFormation shape (Terraform resources are mapped to the same shape), says nothing
about a value it cannot resolve, and names the setting to change in the template's own syntax.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from faasguard.findings import Finding, Severity
from faasguard.iam.document import one_or_many
from faasguard.model import AppFormat, Function, Location, Resource, TriggerKind, Unknown
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import FunctionRule, ResourceRule, RuleContext

__all__ = [
    "ApiBodyWithoutRequestValidator",
    "BucketCorsAnyOrigin",
    "PublicBucketPolicy",
    "SelfSignUpWritesTrustedAttribute",
    "UnverifiedEmailLogin",
    "WeakPasswordPolicy",
]

_BUCKET_POLICY = "AWS::S3::BucketPolicy"
_BUCKET = "AWS::S3::Bucket"
_USER_POOL = "AWS::Cognito::UserPool"
_USER_POOL_CLIENT = "AWS::Cognito::UserPoolClient"

#: One representative action per kind of access a public statement can give.
_ACCESS = (
    ("write", ("s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy")),
    ("read", ("s3:GetObject",)),
    ("list", ("s3:ListBucket",)),
)


def _is_public_principal(principal: Any) -> bool:
    """``"*"``, or ``{"AWS": "*"}`` (a list holding ``"*"`` too): every principal anywhere."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any(item == "*" for item in one_or_many(principal.get("AWS")))
    return False


def _access(actions: list[Any]) -> list[str]:
    """The kinds of access (write, read, list) the statement's action patterns grant."""
    patterns = [a.lower() for a in actions if isinstance(a, str)]
    return [
        kind
        for kind, examples in _ACCESS
        if any(fnmatch.fnmatchcase(example.lower(), p) for example in examples for p in patterns)
    ]


def _flag(value: Any) -> bool | None:
    """A CloudFormation boolean (``true``, ``"true"``), None when unset or unresolved."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, (bool, Unknown)):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ref_id(value: Any) -> str | None:
    """The logical id a ``!Ref``/``!GetAtt`` points at, as the loaders render it."""
    if isinstance(value, Unknown):
        text = value.expression
        for prefix in ("!Ref ", "!GetAtt "):
            if text.startswith(prefix):
                return text[len(prefix) :].split(".", 1)[0].strip()
        return None
    return value if isinstance(value, str) else None


_BUCKET_POLICY_KEYS = TemplateKey(
    serverless="the `AWS::S3::BucketPolicy` `{id}` under `resources.Resources`",
    sam="the `AWS::S3::BucketPolicy` `{id}`",
    cloudformation="the `AWS::S3::BucketPolicy` `{id}`",
    terraform="the `aws_s3_bucket_policy` `{id}` (its `policy` document)",
    cdk="`bucket.addToResourcePolicy(...)` (or `grantPublicAccess`) for `{id}`",
)


class PublicBucketPolicy(ResourceRule):
    """A bucket policy lets anyone on the internet read, list or write the bucket.

    ## What it does
    Reports each statement of an `AWS::S3::BucketPolicy` (Terraform `aws_s3_bucket_policy`)
    that allows `Principal: "*"` (or `{"AWS": "*"}`) to read objects, list the bucket or write
    to it, with no `Condition` to narrow it (a source VPC endpoint, an organisation id, a
    CloudFront distribution). Writing (`s3:PutObject`, `s3:DeleteObject`, policy changes) is
    critical; reading or listing is high. Statements with a condition, a `Deny` effect or a
    principal that cannot be resolved are not reported.

    ## Why is this bad?
    Functions keep what they produce in buckets: uploads, exports, reports, session data. A
    public policy publishes all of it, and a public write lets anyone replace the objects the
    functions read next (and trigger them). S3 Block Public Access stops such policies only
    when it is on for the bucket or the account.

    ## Example
    ```yaml
    ReportsPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: !Ref ReportsBucket
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: "*"
              Action: s3:GetObject
              Resource: !Sub ${ReportsBucket.Arn}/*
    ```

    ## Use instead
    Serve public content through CloudFront with origin access control, and grant the
    distribution alone:
    ```yaml
            - Effect: Allow
              Principal: {Service: cloudfront.amazonaws.com}
              Action: s3:GetObject
              Resource: !Sub ${ReportsBucket.Arn}/*
              Condition:
                StringEquals:
                  AWS:SourceArn: !Sub arn:aws:cloudfront::${AWS::AccountId}:distribution/${Cdn}
    ```

    ## References
    - Blocking public access to your Amazon S3 storage:
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    - CWE-732: Incorrect Permission Assignment for Critical Resource
    """

    id = "FG6010"
    name = "public-bucket-policy"
    category = "surface.public-resource-policy"
    severity = Severity.HIGH
    cwe = "CWE-732"
    title = "Bucket policy grants access to anyone"
    resource_types = frozenset({_BUCKET_POLICY})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per public statement without a narrowing condition."""
        document = resource.properties.get("PolicyDocument")
        if not isinstance(document, Mapping):
            return
        bucket = _ref_id(resource.properties.get("Bucket")) or "?"
        where = _BUCKET_POLICY_KEYS.for_format(ctx.app.format).format(id=resource.id)
        for index, statement in enumerate(one_or_many(document.get("Statement"))):
            if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
                continue
            if not _is_public_principal(statement.get("Principal")) or statement.get("Condition"):
                continue
            access = _access(one_or_many(statement.get("Action")))
            if not access:
                continue
            severity = Severity.CRITICAL if "write" in access else Severity.HIGH
            yield self.finding(
                ctx,
                message=(
                    f"Bucket policy `{resource.id}` (bucket `{bucket}`) lets anyone on the "
                    f"internet {' and '.join(access)} the bucket: statement {index + 1} allows "
                    "`Principal: *` with no condition."
                ),
                location=Location(resource.location.file, resource.line_of("PolicyDocument")),
                function=None,
                resource=resource.id,
                evidence=f"Statement[{index}]: Principal *, {', '.join(access)}, no Condition",
                remediation=(
                    f"In {where}, replace `Principal: '*'` with the service or account that needs "
                    "the bucket (for public content, a CloudFront distribution with origin access "
                    "control and an `AWS:SourceArn` condition), and turn on S3 Block Public Access."
                ),
                severity=severity,
                fingerprint_extra=str(index),
            )


_BUCKET_CORS_KEYS = TemplateKey(
    serverless="`CorsConfiguration.CorsRules[].AllowedOrigins` of the bucket `{id}` under "
    "`resources.Resources`",
    sam="`CorsConfiguration.CorsRules[].AllowedOrigins` of the bucket `{id}`",
    cloudformation="`CorsConfiguration.CorsRules[].AllowedOrigins` of the bucket `{id}`",
    terraform="`allowed_origins` in the `aws_s3_bucket_cors_configuration` of `{id}`",
    cdk="`cors: [{ allowedOrigins: [...] }]` on the bucket `{id}`",
)
_WRITE_METHODS = frozenset({"PUT", "POST", "DELETE"})


class BucketCorsAnyOrigin(ResourceRule):
    """A bucket's CORS rule lets any web site's scripts use it from a visitor's browser.

    ## What it does
    Reports an `AWS::S3::Bucket` whose `CorsConfiguration` has a rule with `AllowedOrigins`
    containing `*`. Medium when the rule allows `PUT`, `POST` or `DELETE` (browser uploads to
    presigned URLs from any site), low for read methods only.

    ## Why is this bad?
    CORS decides which web origins may read responses in a browser. With `*`, a page on any
    site can read objects its visitors can reach (presigned links, buckets behind a network
    condition) and send uploads from their browsers, which turns presigned URLs handed to your
    front end into an upload channel for anyone's page.

    ## Example
    ```yaml
    UploadsBucket:
      Type: AWS::S3::Bucket
      Properties:
        CorsConfiguration:
          CorsRules:
            - AllowedOrigins: ["*"]
              AllowedMethods: [GET, PUT]
    ```

    ## Use instead
    ```yaml
            - AllowedOrigins: ["https://app.example.com"]
              AllowedMethods: [GET, PUT]
    ```

    ## References
    - Using cross-origin resource sharing (CORS) with S3:
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
    - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    """

    id = "FG6011"
    name = "bucket-cors-any-origin"
    category = "surface.cors-wildcard"
    severity = Severity.MEDIUM
    cwe = "CWE-942"
    title = "Bucket CORS allows any origin"
    resource_types = frozenset({_BUCKET})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per CORS rule allowing any origin."""
        cors = resource.properties.get("CorsConfiguration")
        if not isinstance(cors, Mapping):
            return
        where = _BUCKET_CORS_KEYS.for_format(ctx.app.format).format(id=resource.id)
        for index, rule in enumerate(one_or_many(cors.get("CorsRules"))):
            if not isinstance(rule, Mapping) or "*" not in one_or_many(rule.get("AllowedOrigins")):
                continue
            methods = sorted(
                {m.upper() for m in one_or_many(rule.get("AllowedMethods")) if isinstance(m, str)}
            )
            writes = _WRITE_METHODS.intersection(methods)
            yield self.finding(
                ctx,
                message=(
                    f"Bucket `{resource.id}` CORS rule {index + 1} lets scripts on any web site "
                    f"use it ({', '.join(methods) or 'no methods'}) from a visitor's browser."
                ),
                location=Location(resource.location.file, resource.line_of("CorsConfiguration")),
                function=None,
                resource=resource.id,
                evidence=f"CorsRules[{index}]: AllowedOrigins *, methods {', '.join(methods)}",
                remediation=(
                    f"List your own front-end origins in {where} instead of `*`, and allow only "
                    "the methods the front end uses."
                ),
                severity=Severity.MEDIUM if writes else Severity.LOW,
                fingerprint_extra=str(index),
            )


_PASSWORD_KEYS = TemplateKey(
    serverless="`Policies.PasswordPolicy` of the user pool `{id}` under `resources.Resources`",
    sam="`Policies.PasswordPolicy` of the user pool `{id}`",
    cloudformation="`Policies.PasswordPolicy` of the user pool `{id}`",
    terraform="the `password_policy` block of `aws_cognito_user_pool` `{id}`",
    cdk="`passwordPolicy` on the `UserPool` `{id}`",
)
#: Shorter than this is weak whatever else the policy asks (NIST SP 800-63B's minimum).
_MIN_LENGTH = 8
#: Under this length, a policy must ask for at least one character class.
_LONG_ENOUGH = 12
_CLASSES = ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")


class WeakPasswordPolicy(ResourceRule):
    """A Cognito user pool accepts short or simple passwords.

    ## What it does
    Reports an `AWS::Cognito::UserPool` whose `Policies.PasswordPolicy` sets `MinimumLength`
    under 8, or under 12 while requiring no character class (lower case, upper case, numbers,
    symbols). A pool without a password policy gets Cognito's default (8 characters and every
    class) and is not reported.

    ## Why is this bad?
    The pool is the login of the functions behind its authorizer. Short, simple passwords fall
    to credential stuffing and guessing; every API route the pool protects falls with them.

    ## Example
    ```yaml
    Users:
      Type: AWS::Cognito::UserPool
      Properties:
        Policies:
          PasswordPolicy: {MinimumLength: 6}
    ```

    ## Use instead
    ```yaml
        Policies:
          PasswordPolicy:
            MinimumLength: 12
            RequireLowercase: true
            RequireUppercase: true
            RequireNumbers: true
            RequireSymbols: true
    ```

    ## References
    - Cognito user pool password policies:
      https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
    - NIST SP 800-63B, 5.1.1 Memorized Secrets
    - CWE-521: Weak Password Requirements
    """

    id = "FG6012"
    name = "weak-password-policy"
    category = "surface.weak-authentication"
    severity = Severity.MEDIUM
    cwe = "CWE-521"
    title = "User pool accepts weak passwords"
    resource_types = frozenset({_USER_POOL})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when the pool's explicit password policy is weak."""
        policies = resource.properties.get("Policies")
        policy = policies.get("PasswordPolicy") if isinstance(policies, Mapping) else None
        if not isinstance(policy, Mapping):
            return
        length = _int(policy.get("MinimumLength", _MIN_LENGTH))
        if length is None:
            return
        flags = [_flag(policy.get(name)) for name in _CLASSES]
        if any(flag is None and name in policy for flag, name in zip(flags, _CLASSES, strict=True)):
            return  # a class requirement that cannot be resolved: no verdict
        required = [name for flag, name in zip(flags, _CLASSES, strict=True) if flag]
        if length >= _MIN_LENGTH and (length >= _LONG_ENOUGH or required):
            return
        why = (
            f"a minimum length of {length}"
            if length < _MIN_LENGTH
            else f"{length} characters with no character class required"
        )
        where = _PASSWORD_KEYS.for_format(ctx.app.format).format(id=resource.id)
        yield self.finding(
            ctx,
            message=f"User pool `{resource.id}` accepts weak passwords: {why}.",
            location=Location(resource.location.file, resource.line_of("Policies")),
            function=None,
            resource=resource.id,
            evidence=f"MinimumLength: {length}; required: {', '.join(required) or 'none'}",
            remediation=(
                f"Set {where} to `MinimumLength: 12` or more and require lower case, upper case, "
                "numbers and symbols (or remove the policy to get Cognito's default)."
            ),
        )


#: Custom attribute names an application typically trusts for authorisation.
_TRUSTED_WORDS = ("role", "admin", "group", "tenant", "permission", "scope", "plan", "tier")
_SIGNUP_KEYS = TemplateKey(
    serverless="`AdminCreateUserConfig.AllowAdminCreateUserOnly: true` on `{id}`, or "
    "`WriteAttributes` on its `AWS::Cognito::UserPoolClient` (under `resources.Resources`)",
    sam="`AdminCreateUserConfig.AllowAdminCreateUserOnly: true` on `{id}`, or `WriteAttributes` "
    "on its `AWS::Cognito::UserPoolClient`",
    cloudformation="`AdminCreateUserConfig.AllowAdminCreateUserOnly: true` on `{id}`, or "
    "`WriteAttributes` on its `AWS::Cognito::UserPoolClient`",
    # Braces doubled: the text goes through str.format(id=...).
    terraform="`admin_create_user_config {{ allow_admin_create_user_only = true }}` on `{id}`, or "
    "`write_attributes` on its `aws_cognito_user_pool_client`",
    cdk="`selfSignUpEnabled: false` on `{id}`, or `writeAttributes` on its `UserPoolClient`",
)


class SelfSignUpWritesTrustedAttribute(ResourceRule):
    """Anyone can sign up to the user pool and set an attribute the application trusts.

    ## What it does
    Reports an `AWS::Cognito::UserPool` that allows self sign-up (`AllowAdminCreateUserOnly` is
    not true) and defines a custom attribute whose name reads as authorisation data
    (`custom:role`, `custom:isAdmin`, `custom:tenant`, `custom:plan`...) that users can write:
    no `AWS::Cognito::UserPoolClient` of the pool restricts `WriteAttributes` to leave it out.
    `Mutable: false` does not help: users set immutable attributes at sign-up.

    ## Why is this bad?
    The attribute lands in the ID token, and functions behind the pool's authorizer read it
    from the claims (`event.requestContext.authorizer.claims["custom:role"]`). A stranger signs
    up with `custom:role=admin` and is an administrator: a privilege escalation that needs no
    flaw in the code.

    ## Example
    ```yaml
    Users:
      Type: AWS::Cognito::UserPool
      Properties:
        Schema:
          - Name: role
            AttributeDataType: String
    ```

    ## Use instead
    ```yaml
    WebClient:
      Type: AWS::Cognito::UserPoolClient
      Properties:
        UserPoolId: !Ref Users
        WriteAttributes: [email, name]   # custom:role is set by an admin flow only
    ```

    ## References
    - Cognito attribute permissions:
      https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes
    - CWE-269: Improper Privilege Management
    """

    id = "FG6013"
    name = "self-signup-writes-trusted-attribute"
    category = "surface.weak-authentication"
    severity = Severity.HIGH
    cwe = "CWE-269"
    title = "Self sign-up users can set an authorisation attribute"
    resource_types = frozenset({_USER_POOL})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per trusted-looking custom attribute users can write."""
        config = resource.properties.get("AdminCreateUserConfig")
        if config is None:
            only: bool | None = False  # Cognito's default: anyone may sign up
        elif isinstance(config, Mapping):
            only = _flag(config.get("AllowAdminCreateUserOnly", False))
        else:
            only = None
        if only is not False:
            return  # self sign-up off, or cannot tell
        restricted = _client_write_attributes(resource.id, ctx)
        where = _SIGNUP_KEYS.for_format(ctx.app.format).format(id=resource.id)
        for attribute in one_or_many(resource.properties.get("Schema")):
            if not isinstance(attribute, Mapping) or not isinstance(attribute.get("Name"), str):
                continue
            name = attribute["Name"]
            if not any(word in name.lower() for word in _TRUSTED_WORDS):
                continue
            full = name if name.startswith("custom:") else f"custom:{name}"
            if restricted is not None and full not in restricted:
                continue
            yield self.finding(
                ctx,
                message=(
                    f"User pool `{resource.id}` lets anyone sign up and set `{full}` themselves: "
                    "a function that trusts it for authorisation can be fooled by a new account."
                ),
                location=Location(resource.location.file, resource.line_of("Schema")),
                function=None,
                resource=resource.id,
                evidence=f"self sign-up on; {full} writable by users",
                remediation=(
                    f"Turn off self sign-up ({where}), or leave `{full}` out of every client's "
                    "`WriteAttributes` and set it from an admin flow or a pre-token trigger."
                ),
                fingerprint_extra=full,
            )


def _client_write_attributes(pool: str, ctx: RuleContext) -> frozenset[str] | None:
    """Attributes users may write through any client of ``pool``; None when unrestricted.

    A client without ``WriteAttributes`` lets users write every writable attribute, so one such
    client (or one that cannot be resolved) makes the pool unrestricted.
    """
    clients = [
        res
        for res in ctx.app.resources
        if res.type == _USER_POOL_CLIENT and _ref_id(res.properties.get("UserPoolId")) == pool
    ]
    if not clients:
        return None
    allowed: set[str] = set()
    for client in clients:
        attributes = client.properties.get("WriteAttributes")
        if not isinstance(attributes, (list, tuple)):
            return None
        allowed.update(a for a in attributes if isinstance(a, str))
    return frozenset(allowed)


_VERIFY_KEYS = TemplateKey(
    serverless="`AutoVerifiedAttributes: [email]` on the user pool `{id}` under "
    "`resources.Resources`",
    sam="`AutoVerifiedAttributes: [email]` on the user pool `{id}`",
    cloudformation="`AutoVerifiedAttributes: [email]` on the user pool `{id}`",
    terraform='`auto_verified_attributes = ["email"]` on `aws_cognito_user_pool` `{id}`',
    cdk="`autoVerify: { email: true }` on the `UserPool` `{id}`",
)


class UnverifiedEmailLogin(ResourceRule):
    """Users log in with an e-mail address the pool never verifies.

    ## What it does
    Reports an `AWS::Cognito::UserPool` whose `UsernameAttributes` or `AliasAttributes`
    include `email` while `AutoVerifiedAttributes` does not: the address users sign in with is
    whatever they typed.

    ## Why is this bad?
    Functions that key accounts, invitations or tenant membership on the e-mail claim trust an
    address nobody proved to own. A user can register (or change their address to) someone
    else's e-mail and be matched to that person's data, or block the real owner from signing up.

    ## Example
    ```yaml
    Users:
      Type: AWS::Cognito::UserPool
      Properties:
        UsernameAttributes: [email]
    ```

    ## Use instead
    ```yaml
        UsernameAttributes: [email]
        AutoVerifiedAttributes: [email]
        UserAttributeUpdateSettings:
          AttributesRequireVerificationBeforeUpdate: [email]
    ```

    ## References
    - Verifying e-mail addresses in Cognito:
      https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
    - CWE-287: Improper Authentication
    """

    id = "FG6014"
    name = "unverified-email-login"
    category = "surface.weak-authentication"
    severity = Severity.MEDIUM
    cwe = "CWE-287"
    title = "Login e-mail address is not verified"
    resource_types = frozenset({_USER_POOL})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when e-mail is a login identifier but is not verified."""
        props = resource.properties
        login = {
            a.lower()
            for key in ("UsernameAttributes", "AliasAttributes")
            for a in one_or_many(props.get(key))
            if isinstance(a, str)
        }
        verified = props.get("AutoVerifiedAttributes")
        if "email" not in login or isinstance(verified, Unknown):
            return
        if any(isinstance(a, str) and a.lower() == "email" for a in one_or_many(verified)):
            return
        key = "UsernameAttributes" if "UsernameAttributes" in props else "AliasAttributes"
        where = _VERIFY_KEYS.for_format(ctx.app.format).format(id=resource.id)
        yield self.finding(
            ctx,
            message=(
                f"User pool `{resource.id}` lets users sign in with an e-mail address it never "
                "verifies."
            ),
            location=Location(resource.location.file, resource.line_of(key)),
            function=None,
            resource=resource.id,
            evidence=f"{key} includes email; AutoVerifiedAttributes does not",
            remediation=f"Set {where}, and require verification before an e-mail change.",
        )


#: Formats whose loaders record API Gateway request validators on REST routes (model
#: ``Trigger.request_validation``); elsewhere "no validator" cannot be told from "not read".
_VALIDATION_FORMATS = frozenset(
    {AppFormat.SAM, AppFormat.CLOUDFORMATION, AppFormat.CDK, AppFormat.TERRAFORM}
)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "ANY"})
_VALIDATOR_KEYS = TemplateKey(
    serverless="`request.schemas` on the `http` event",
    sam="`RequestModel: {Model: ..., ValidateBody: true}` on the `Api` event (or "
    "`x-amazon-apigateway-request-validator` in the API's OpenAPI body)",
    cloudformation="`RequestValidatorId` and `RequestModels` on the `AWS::ApiGateway::Method`",
    terraform="`request_validator_id` and `request_models` on the `aws_api_gateway_method`",
    cdk="`requestValidator` and `requestModels` on `resource.addMethod(...)`",
)


class ApiBodyWithoutRequestValidator(FunctionRule):
    """An internet-facing REST route takes a request body that API Gateway never validates.

    ## What it does
    Reports each public REST API route (`POST`, `PUT`, `PATCH` or `ANY`) of a function whose
    API has no request validator checking the body against a model: no
    `x-amazon-apigateway-request-validator`, no `RequestModel` with `ValidateBody`, no
    `RequestValidatorId`. Reported where the loader reads validators (SAM, CloudFormation, CDK
    output, Terraform); low, because the function may validate the body itself (the code
    analysis reports that separately as `surface.no-input-validation`).

    ## Why is this bad?
    A request validator rejects malformed and oversized bodies before the function is invoked
    and billed. Without one every byte an attacker sends reaches the code, which must then get
    every check right on its own.

    ## Example
    ```yaml
    Events:
      Create:
        Type: Api
        Properties: {Path: /orders, Method: post}
    ```

    ## Use instead
    ```yaml
    Events:
      Create:
        Type: Api
        Properties:
          Path: /orders
          Method: post
          RequestModel: {Model: Order, Required: true, ValidateBody: true}
    ```

    ## References
    - Request validation in API Gateway:
      https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
    - CWE-20: Improper Input Validation
    """

    id = "FG6015"
    name = "api-body-without-request-validator"
    category = "surface.no-input-validation"
    severity = Severity.LOW
    cwe = "CWE-20"
    title = "Public REST route takes an unvalidated body"

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per public body-taking REST route with no body validator."""
        if ctx.app.format not in _VALIDATION_FORMATS:
            return
        where = _VALIDATOR_KEYS.for_format(ctx.app.format)
        for trigger in fn.triggers:
            if trigger.kind is not TriggerKind.REST_API or trigger.internet_reachable is not True:
                continue
            method = trigger.method.upper() if isinstance(trigger.method, str) else None
            if method not in _BODY_METHODS:
                continue
            validation = trigger.request_validation
            if isinstance(validation, Unknown):
                continue
            if validation is not None and validation.body is not False:
                continue
            path = trigger.path if isinstance(trigger.path, str) else "?"
            yield self.finding(
                ctx,
                message=(
                    f"Route `{method} {path}` of function `{fn.name}` is public and takes a "
                    "body that API Gateway does not validate before invoking the function."
                ),
                location=trigger.location,
                function=fn.name,
                resource=trigger.api,
                evidence=f"{method} {path}: no request validator for the body",
                remediation=f"Validate the body at the API: set {where}.",
                fingerprint_extra=f"{method} {path}",
            )
