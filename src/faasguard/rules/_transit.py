"""Encryption in transit of the stores functions use: FG4018, listed in ``data.RULES``.

Its own module because judging a bucket policy (which statements refuse plain HTTP, for whom,
on what) is a small policy evaluator of its own, apart from the at-rest checks of ``data``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from faasguard.findings import Finding, Severity
from faasguard.iam.document import one_or_many
from faasguard.model import AppFormat, Resource, Unknown
from faasguard.rules.interface import ResourceRule, RuleContext

__all__ = ["S3BucketAllowsPlainHttp"]


class _Undecidable:
    """A policy part that is set but cannot be judged (an Unknown value, a malformed shape)."""


_UNDECIDABLE = _Undecidable()


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


_BUCKET_POLICY = "AWS::S3::BucketPolicy"
#: Condition operators that test `aws:SecureTransport` (a Deny when it is false refuses HTTP).
_SECURE_TRANSPORT_OPERATORS = frozenset({"bool", "boolifexists"})
#: A ``*`` object ARN with nothing but the bucket before ``/*``: a literal ARN, a CloudFormation
#: ``${Bucket.Arn}``, or a Terraform ``${aws_s3_bucket.x.arn}``. ``bucket/uploads/*`` covers a
#: prefix only and does not match.
_ALL_OBJECTS = re.compile(
    r"^(?:arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):s3:::[^/*]+|\$\{[^}]+\})/\*$"
)
#: A key or prefix inside one bucket (``.../logs/*``, ``.../report.csv``): not every object.
_IN_BUCKET = re.compile(r"^(?:arn:[^/]+|\$\{[^}]+\})/.")


def _expression(value: Any) -> str | None:
    """The text of a policy value: the string, or an unresolved value's source expression."""
    if isinstance(value, Unknown):
        text = value.expression.strip().strip('"')
        for tag in ("!Sub ", "!Join "):
            if text.startswith(tag):
                text = text[len(tag) :].strip()
        return text
    return value if isinstance(value, str) else None


def _policy_target(value: Any) -> str | None:
    """What a bucket policy's ``Bucket`` names: a logical id (``!Ref``), an address or a name."""
    if isinstance(value, Unknown):
        text = value.expression.strip()
        return text[len("!Ref ") :].strip() if text.startswith("!Ref ") else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _all_principals(principal: Any) -> bool | None:
    """``"*"``, ``{"AWS": "*"}`` or Terraform's ``{"*": ["*"]}``: every caller (None: unknown)."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        values = [v for key in ("AWS", "*") for v in one_or_many(principal.get(key))]
        if "*" in values:
            return True
        return None if any(isinstance(v, Unknown) for v in values) else False
    return None if isinstance(principal, Unknown) else False


def _any_of(values: list[Any], accept: Any) -> bool | None:
    """True when one value is accepted, None when none is but some cannot be resolved."""
    if any(accept(v) for v in values):
        return True
    return None if any(isinstance(v, Unknown) and not _names_one(v) for v in values) else False


def _names_one(value: Unknown) -> bool:
    """An unresolved value whose shape shows it cannot be every object of the bucket.

    ``!GetAtt Uploads.Arn`` or Terraform's ``aws_s3_bucket.x.arn`` is the bucket itself and
    ``${Uploads.Arn}/logs/*`` a prefix; ``!Ref Pattern`` or ``var.resources`` might be ``*``.
    """
    text = value.expression.strip()
    if text.startswith("!GetAtt ") or text.endswith((".arn", ".id", ".bucket")):
        return True
    return _IN_BUCKET.match(_expression(value) or "") is not None


def _tls_condition(condition: Any) -> str | _Undecidable | None:
    """Which test the condition makes: ``secure-transport``, ``tls-version``, or None.

    Only a condition made of that single test counts: a second operator or key would narrow
    the Deny (every test must hold for it to apply).
    """
    if isinstance(condition, Unknown):
        return _UNDECIDABLE
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return None
    [(operator, tests)] = condition.items()
    if not isinstance(tests, Mapping) or len(tests) != 1:
        return None
    [(key, value)] = tests.items()
    operator, key = str(operator).lower(), str(key).lower()
    values = one_or_many(value)
    if any(isinstance(v, Unknown) for v in values):
        return _UNDECIDABLE
    if key == "aws:securetransport" and operator in _SECURE_TRANSPORT_OPERATORS:
        falsy = any(v is False or (isinstance(v, str) and v.lower() == "false") for v in values)
        return "secure-transport" if falsy else None
    if key == "s3:tlsversion" and operator in {"numericlessthan", "numericlessthanifexists"}:
        # Plain HTTP carries no TLS version: only the IfExists form applies to it.
        return "tls-version" if operator.endswith("ifexists") else "tls-version-only"
    return None


@dataclass(frozen=True, slots=True)
class _Verdict:
    """Whether one bucket policy refuses plain HTTP: True, False, or None (cannot tell)."""

    refuses: bool | None
    #: What the policy lacks, for the message (when ``refuses`` is False).
    why: str = ""


def _judge_policy(document: Any) -> _Verdict:
    """Does the policy deny every principal every S3 action on every object without TLS?"""
    if not isinstance(document, Mapping):
        return _Verdict(None)
    unknown = False
    tls_only = False
    for statement in one_or_many(document.get("Statement")):
        if not isinstance(statement, Mapping):
            unknown = unknown or isinstance(statement, Unknown)
            continue
        effect = statement.get("Effect")
        if isinstance(effect, Unknown):
            unknown = True
            continue
        if effect != "Deny" or "NotAction" in statement or "NotResource" in statement:
            continue
        test = _tls_condition(statement.get("Condition"))
        if test is None:
            continue
        parts = (
            _all_principals(statement.get("Principal")),
            _any_of(
                one_or_many(statement.get("Action")),
                lambda a: isinstance(a, str) and a.lower() in {"*", "s3:*"},
            ),
            _any_of(
                one_or_many(statement.get("Resource")),
                lambda r: (
                    _expression(r) in {"*", "arn:aws:s3:::*"}
                    or _ALL_OBJECTS.match(_expression(r) or "") is not None
                ),
            ),
        )
        if False in parts:
            continue
        if test == "tls-version-only":
            tls_only = tls_only or None not in parts
            continue
        if test is _UNDECIDABLE or None in parts:
            unknown = True
            continue
        return _Verdict(True)
    if unknown:
        return _Verdict(None)
    if tls_only:
        return _Verdict(
            False,
            "its only TLS statement tests `s3:TlsVersion` with `NumericLessThan`, which does not "
            "apply to plain HTTP (there is no TLS version)",
        )
    return _Verdict(False, "no statement denies requests where `aws:SecureTransport` is false")


def _tls_statement(fmt: AppFormat, bucket: Resource) -> str:
    """The Deny statement to paste, in the application's syntax."""
    if fmt is AppFormat.TERRAFORM:
        arn = f"{bucket.id}.arn"
        return (
            '{ Sid = "DenyPlainHttp", Effect = "Deny", Principal = "*", Action = "s3:*", '
            f'Resource = [{arn}, "${{{arn}}}/*"], '
            'Condition = { Bool = { "aws:SecureTransport" = "false" } } }'
        )
    if fmt is AppFormat.CDK:
        return "enforceSSL: true"
    if bucket.id.startswith("arn:"):  # a live account: the bucket's own ARN
        return (
            '{"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*", '
            f'"Resource": ["{bucket.id}", "{bucket.id}/*"], '
            '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}'
        )
    return (
        "{Sid: DenyPlainHttp, Effect: Deny, Principal: '*', Action: 's3:*', "
        f"Resource: [!GetAtt {bucket.id}.Arn, !Sub '${{{bucket.id}.Arn}}/*'], "
        "Condition: {Bool: {'aws:SecureTransport': false}}}"
    )


def _tls_remediation(fmt: AppFormat, bucket: Resource, policy: Resource | None) -> str:
    statement = _tls_statement(fmt, bucket)
    if fmt is AppFormat.CDK:
        return f"Set `{statement}` on the `Bucket` construct of `{bucket.id}`."
    if bucket.id.startswith("arn:"):
        where = "Add to the bucket's policy (`aws s3api put-bucket-policy`) the statement"
    elif fmt is AppFormat.TERRAFORM:
        where = (
            f"Add to the `policy` of `{policy.id}` the statement"
            if policy is not None
            else f"Add an `aws_s3_bucket_policy` for `{bucket.id}` whose `policy = jsonencode("
            '{ Version = "2012-10-17", Statement = [...] })` holds the statement'
        )
    elif policy is not None:
        where = (
            f"Add to the `PolicyDocument` of the `AWS::S3::BucketPolicy` `{policy.id}` the "
            "statement"
        )
    else:
        under = " under `resources.Resources`" if fmt is AppFormat.SERVERLESS else ""
        where = (
            f"Add an `AWS::S3::BucketPolicy`{under} with `Bucket: !Ref {bucket.id}` whose "
            "`PolicyDocument.Statement` holds"
        )
    return (
        f"{where} `{statement}`, so S3 refuses every request that does not use TLS "
        "(keep any statement that already grants access)."
    )


class S3BucketAllowsPlainHttp(ResourceRule):
    """An S3 bucket's policy does not refuse requests made over plain HTTP.

    ## What it does
    Reports an `AWS::S3::Bucket` (Terraform `aws_s3_bucket`, a live account's bucket) when no
    bucket policy for it holds a statement that refuses unencrypted requests, that is one with:

    * `Effect: Deny` and `Principal: "*"` (or `{"AWS": "*"}`);
    * `Action` including `s3:*` or `*` (no `NotAction`);
    * `Resource` including the bucket's objects: `arn:aws:s3:::NAME/*`, `${Bucket.Arn}/*`,
      `"${aws_s3_bucket.x.arn}/*"`, `*` (no `NotResource`; a prefix such as `NAME/logs/*` does
      not count);
    * a `Condition` made of that single test: `Bool` or `BoolIfExists` with
      `aws:SecureTransport` false (`false` or `"false"`), or `NumericLessThanIfExists` with
      `s3:TlsVersion`. A plain `NumericLessThan` on `s3:TlsVersion` is not enough: a plain
      HTTP request has no TLS version, so the condition is false and the Deny does not apply.
      Another operator or key in the same condition narrows the Deny and does not count.

    A bucket policy belongs to the bucket when its `Bucket` is a `!Ref` to the bucket's logical
    id (the Terraform `aws_s3_bucket` it references), or a literal equal to the bucket's
    `BucketName`. Nothing is reported when a value that decides the verdict cannot be resolved:
    a policy document, a statement's principal, action, resource or condition, or the target of
    any bucket policy of the application (it might be this bucket). Buckets Serverless creates
    implicitly for `s3` events are not in the model and are not checked.

    ## Why is this bad?
    S3 answers plain-HTTP requests as well as HTTPS ones. Data sent or fetched over HTTP, by a
    misconfigured client, an old SDK or a hand-written URL, crosses the network readable and
    alterable by anyone on the path, with its SigV4 headers. Only a bucket policy makes S3
    refuse such requests (AWS Foundational Security Best Practices S3.5).

    ## Example
    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
    ```

    ## Use instead
    ```yaml
    UploadsPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: !Ref Uploads
        PolicyDocument:
          Statement:
            - Sid: DenyPlainHttp
              Effect: Deny
              Principal: "*"
              Action: "s3:*"
              Resource: [!GetAtt Uploads.Arn, !Sub "${Uploads.Arn}/*"]
              Condition:
                Bool:
                  aws:SecureTransport: false
    ```

    ## References
    - AWS Security Hub S3.5, S3 buckets should require requests to use SSL:
      https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5
    - Amazon S3 security best practices, enforce encryption of data in transit:
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
    - CWE-319: Cleartext Transmission of Sensitive Information
    """

    id = "FG4018"
    name = "s3-bucket-allows-plain-http"
    category = "data.plaintext-transit"
    severity = Severity.MEDIUM
    cwe = "CWE-319"
    title = "S3 bucket accepts plain-HTTP requests"
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when no bucket policy for the bucket refuses plain HTTP."""
        name = _text(resource.properties.get("BucketName"))
        policies: list[Resource] = []
        for other in ctx.app.resources:
            if other.type != _BUCKET_POLICY:
                continue
            target = _policy_target(other.properties.get("Bucket"))
            if target is None:
                return  # a policy whose bucket is unknown may be this bucket's
            if target == resource.id or (name is not None and target == name):
                policies.append(other)
        verdicts = [
            (policy, _judge_policy(policy.properties.get("PolicyDocument"))) for policy in policies
        ]
        if any(v.refuses is not False for _, v in verdicts):
            return
        policy = verdicts[0][0] if verdicts else None
        if policy is None:
            problem, evidence = "no bucket policy refuses plain-HTTP requests", "no bucket policy"
        else:
            why = verdicts[0][1].why
            problem = f"its bucket policy `{policy.id}` does not refuse plain-HTTP requests: {why}"
            evidence = f"{_BUCKET_POLICY} {policy.id}: {why}"
        yield self.finding(
            ctx,
            message=(
                f"S3 bucket `{resource.id}`: {problem}, so clients can read and write it "
                "unencrypted."
            ),
            location=resource.location,
            function=None,
            resource=resource.id,
            evidence=evidence,
            remediation=_tls_remediation(ctx.app.format, resource, policy),
        )
