"""Data rules (FG4xxx): secrets written into templates, stores kept unencrypted, data kept forever.

* FG4001-FG4002 find hard-coded secrets in function environments and resource properties, with
  the pure detector of :mod:`faasguard.rules.secrets`. Evidence is always redacted.
* FG4010-FG4017 check that caches, queues, topics, buckets, tables and streams are encrypted.
* FG4018 checks that a bucket's policy refuses plain-HTTP requests (encryption in transit).
* FG4020 checks that tables holding sessions, tokens or cache entries expire them (TTL).

A property that cannot be resolved (:class:`~faasguard.model.Unknown`) never produces a finding;
an absent property does, when the service's default is unsafe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import AppFormat, Application, EnvVar, Function, Location, Resource, Unknown
from faasguard.rules._transit import S3BucketAllowsPlainHttp
from faasguard.rules.interface import ApplicationRule, ResourceRule, Rule, RuleContext, ToolRule
from faasguard.rules.secrets import (
    KNOWN_FORMATS,
    SecretMatch,
    detect_secret,
    literal_secret,
    name_tokens,
)

__all__ = [
    "RULES",
    "DaxWithoutEncryption",
    "DynamoDbTableAwsOwnedKey",
    "ElastiCacheWithoutEncryption",
    "HardcodedSecretInCode",
    "HardcodedSecretInEnvironment",
    "HardcodedSecretInTemplate",
    "KinesisStreamWithoutEncryption",
    "S3BucketAllowsPlainHttp",
    "S3BucketPublicAccess",
    "S3BucketWithoutEncryptionConfig",
    "SessionTableWithoutTtl",
    "SnsTopicWithoutEncryption",
    "SqsQueueWithoutEncryption",
]

_FUNCTION_TYPES = frozenset({"AWS::Lambda::Function", "AWS::Serverless::Function"})
_ANY_INDEX = re.compile(r"\[\d+\]")
_AWS_KEY_ID = next(f.pattern for f in KNOWN_FORMATS if f.kind == "AWS access key id")


# --------------------------------------------------------------------------- helpers


class _Unresolved:
    """A property that is set but not usable as the expected type (Unknown or malformed)."""


_UNRESOLVED = _Unresolved()


def _flag(props: Mapping[str, Any], key: str) -> bool | _Unresolved | None:
    """Read a boolean property: None when absent, :data:`_UNRESOLVED` when not decidable."""
    if key not in props or props[key] is None:
        return None
    value = props[key]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return _UNRESOLVED


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _render(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _at(resource: Resource, prop: str) -> Location:
    return Location(resource.location.file, resource.line_of(prop))


def _severity(match: SecretMatch) -> tuple[Severity, Confidence]:
    if match.known_format:
        return (
            (Severity.HIGH, Confidence.HIGH) if match.weak else (Severity.CRITICAL, Confidence.HIGH)
        )
    return Severity.HIGH, Confidence.MEDIUM


def _secret_remediation(match: SecretMatch, name: str, *, terraform: bool = False) -> str:
    # The reference is written in the application's own syntax.
    example = (
        f"{name}_SECRET_ARN = aws_secretsmanager_secret.my_secret.arn"
        if terraform
        else f"{name}_SECRET_ARN: !Ref MySecret"
    )
    steps = [
        "Rotate the credential now: it is in the repository history",
        "store it in AWS Secrets Manager (or SSM Parameter Store as a SecureString)",
        f"pass only its name or ARN (e.g. `{example}`) and read it at "
        "run time with the AWS Parameters and Secrets Lambda Extension or Powertools "
        "`get_secret`, so the value never appears in the function configuration",
    ]
    if match.kind.startswith("AWS "):
        steps = [
            "Deactivate and delete this access key now",
            "grant the permissions the function needs to its execution role instead: "
            "functions never need long-term access keys",
        ]
    return "; ".join(steps) + "."


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# --------------------------------------------------------------------------- secrets


class HardcodedSecretInEnvironment(ApplicationRule):
    """A function environment variable holds a literal secret (token, key, password).

    ## What it does
    Looks at every environment variable of every function. A value is reported when it holds a
    known credential format (AWS access key id and, next to one, the secret key; GitHub,
    GitLab, Slack, Stripe, Google, SendGrid, Twilio, npm, OpenAI and Anthropic keys; private-key
    PEM blocks; JWTs; URLs with a password such as `postgres://user:pass@host`), whatever the
    variable is called, or when the variable's name says it is a secret (`password`, `secret`,
    `token`, `api_key`, `private_key`, `credentials`, `auth`...) and the value is at least 8
    characters of high entropy (3.0 bits per character) that do not look like a path, a
    handler, an ARN, a URL, an identifier or a placeholder.

    References are never reported: `${ssm:...}`, `${env:...}`, `${param:...}`,
    `{{resolve:secretsmanager:...}}`, `!Ref`, `!GetAtt`, and any value faasguard cannot resolve.
    `${self:...}` and `${file(...)}` are not references: they copy a literal written elsewhere
    in the project, which is reported. A variable set once for many functions (`provider` or
    `Globals`) is reported once, naming them all. The evidence is redacted
    (`AKIA************WXYZ`); the secret is never printed.

    Known formats are critical (JWTs and Stripe test keys, which may be public or test-only,
    are high); entropy findings are high with medium confidence.

    ## Why is this bad?
    Environment variables are part of the template, so the secret sits in the repository, its
    history, every clone and CI log, and in the function configuration, readable by anyone
    with `lambda:GetFunctionConfiguration`. It cannot be rotated without a deployment.

    ## Example
    ```yaml
    functions:
      charge:
        environment:
          STRIPE_KEY: sk_live_51H8cXbGz0MexampleKEYvalue00
    ```

    ## Use instead
    ```yaml
    functions:
      charge:
        environment:
          STRIPE_KEY_SECRET_ARN: !Ref StripeKeySecret   # read at run time
    ```

    ## References
    - Use AWS Secrets Manager secrets in Lambda functions:
      https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
    - OWASP Serverless Top 10, SAS-7: Insecure application secrets storage
    - CWE-798: Use of Hard-coded Credentials
    """

    id = "FG4001"
    name = "hardcoded-secret-in-environment"
    category = "data.hardcoded-secret"
    severity = Severity.CRITICAL
    cwe = "CWE-798"
    title = "Hard-coded secret in a function environment variable"

    def check(self, app: Application, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per secret-holding variable (shared variables once)."""
        groups: dict[tuple[str, int | None, str], list[tuple[Function, EnvVar, SecretMatch]]]
        groups = {}
        for fn in app.functions:
            near_key_id = any(
                isinstance(v.value, str) and not v.raw and _AWS_KEY_ID.search(v.value) is not None
                for v in fn.environment
            )
            for var in fn.environment:
                match = self._detect(var, near_key_id=near_key_id)
                if match is not None:
                    key = (var.location.file, var.location.line, var.name)
                    groups.setdefault(key, []).append((fn, var, match))
        for entries in groups.values():
            fn, var, match = entries[0]
            names = [f.name for f, _, _ in entries]
            severity, confidence = _severity(match)
            if len(names) == 1:
                who, function = f"of function `{fn.name}`", fn.name
            else:
                listed = ", ".join(f"`{n}`" for n in names)
                who, function = f"(set in `{var.origin}`, inherited by {listed})", None
            yield self.finding(
                ctx,
                message=(
                    f"Environment variable `{var.name}` {who} holds a hard-coded {match.kind}. "
                    "Anyone who can read the repository or the function configuration can use it."
                ),
                location=var.location,
                function=function,
                resource=fn.resource_id if function else None,
                evidence=f"{var.name}={match.evidence} ({match.kind})",
                remediation=_secret_remediation(
                    match, var.name, terraform=ctx.app.format is AppFormat.TERRAFORM
                ),
                severity=severity,
                confidence=confidence,
            )

    @staticmethod
    def _detect(var: EnvVar, *, near_key_id: bool) -> SecretMatch | None:
        if isinstance(var.value, Unknown):
            return detect_secret(var.name, None, raw=var.raw or var.value.expression)
        return detect_secret(var.name, var.value, raw=var.raw, near_aws_key_id=near_key_id)


#: Properties that only ever hold a secret: any literal in them is a hard-coded credential.
#: Paths use ``[]`` for "any list item".
_SECRET_PROPERTIES: Mapping[str, frozenset[str]] = {
    "AWS::RDS::DBInstance": frozenset({"MasterUserPassword"}),
    "AWS::RDS::DBCluster": frozenset({"MasterUserPassword"}),
    "AWS::DocDB::DBCluster": frozenset({"MasterUserPassword"}),
    "AWS::Neptune::DBCluster": frozenset(),
    "AWS::Redshift::Cluster": frozenset({"MasterUserPassword"}),
    "AWS::RedshiftServerless::Namespace": frozenset({"AdminUserPassword"}),
    "AWS::ElastiCache::ReplicationGroup": frozenset({"AuthToken"}),
    "AWS::ElastiCache::User": frozenset({"Passwords[]"}),
    "AWS::MemoryDB::User": frozenset({"AuthenticationMode.Passwords[]"}),
    "AWS::MQ::Broker": frozenset({"Users[].Password"}),
    "AWS::OpenSearchService::Domain": frozenset(
        {"AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword"}
    ),
    "AWS::Elasticsearch::Domain": frozenset(
        {"AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword"}
    ),
    "AWS::DMS::Endpoint": frozenset({"Password"}),
    "AWS::IAM::User": frozenset({"LoginProfile.Password"}),
    "AWS::DirectoryService::MicrosoftAD": frozenset({"Password"}),
    "AWS::DirectoryService::SimpleAD": frozenset({"Password"}),
    "AWS::SecretsManager::Secret": frozenset({"SecretString"}),
    "AWS::ApiGateway::ApiKey": frozenset({"Value"}),
    "AWS::Events::Connection": frozenset(
        {
            "AuthParameters.ApiKeyAuthParameters.ApiKeyValue",
            "AuthParameters.BasicAuthParameters.Password",
            "AuthParameters.OAuthParameters.ClientParameters.ClientSecret",
        }
    ),
    "AWS::Amplify::App": frozenset({"AccessToken", "OauthToken", "BasicAuthConfig.Password"}),
    "AWS::CodePipeline::Webhook": frozenset({"AuthenticationConfiguration.SecretToken"}),
    "AWS::CodeBuild::SourceCredential": frozenset({"Token"}),
}


def _leaves(
    value: Any, path: tuple[str | int, ...], parent: Mapping[str, Any] | None
) -> Iterator[tuple[tuple[str | int, ...], str, Mapping[str, Any] | None]]:
    """Yield every string leaf of a property tree with its path and enclosing mapping."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)), value)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index), parent)
    elif isinstance(value, str):
        yield path, value, parent


def _leaf_name(path: tuple[str | int, ...], parent: Mapping[str, Any] | None) -> str:
    """The name a value goes by: its key, or the sibling ``Name`` of ``{Name, Value}`` pairs."""
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if key == "Value" and parent is not None and isinstance(parent.get("Name"), str):
        return str(parent["Name"])
    return key


class HardcodedSecretInTemplate(ApplicationRule):
    """A resource property in the template holds a literal secret (password, token, key).

    ## What it does
    Looks at the properties of every resource other than the functions themselves (whose
    environment is `hardcoded-secret-in-environment`, FG4001):

    * properties that only ever hold a secret: any literal is reported, whatever its entropy
      (`MasterUserPassword` of RDS, DocumentDB and Redshift, `AuthToken` of an ElastiCache
      replication group, Amazon MQ user passwords, OpenSearch master passwords,
      `SecretString` of a Secrets Manager secret, EventBridge connection credentials, IAM user
      login passwords, API Gateway API key values...);
    * any string holding a known credential format, anywhere;
    * values of secret-like keys (or `{Name, Value}` pairs such as ECS or CodeBuild
      environments) with high entropy, as in FG4001.

    Dynamic references (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`) and
    values faasguard cannot resolve are never reported. A parameter's `Default` that the loader
    resolved into the property is reported: it is written in the template. Evidence is
    redacted.

    ## Why is this bad?
    The password is in the repository and its history, in every copy of the template, and in
    the CloudFormation console for anyone with `cloudformation:GetTemplate`. It cannot be
    rotated without editing the template.

    ## Example
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        MasterUsername: admin
        MasterUserPassword: Tr0ub4dor&3
    ```

    ## Use instead
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        MasterUsername: admin
        ManageMasterUserPassword: true   # RDS keeps it in Secrets Manager and rotates it
    ```

    ## References
    - CloudFormation dynamic references:
      https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
    - RDS password management with Secrets Manager:
      https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
    - CWE-798: Use of Hard-coded Credentials
    """

    id = "FG4002"
    name = "hardcoded-secret-in-template"
    category = "data.hardcoded-secret"
    severity = Severity.HIGH
    cwe = "CWE-798"
    title = "Hard-coded secret in a resource property"

    def check(self, app: Application, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per secret-holding property value."""
        for resource in app.resources:
            secret_paths = _SECRET_PROPERTIES.get(resource.type, frozenset())
            for path, value, parent in _leaves(resource.properties, (), None):
                if resource.type in _FUNCTION_TYPES and path[:1] == ("Environment",):
                    continue
                dotted = _dotted(path)
                if _ANY_INDEX.sub("[]", dotted) in secret_paths:
                    match = literal_secret(value)
                    if match is None:
                        continue
                    # Any literal in a password-only property is a password: high confidence.
                    severity, confidence = (
                        _severity(match) if match.known_format else (Severity.HIGH, Confidence.HIGH)
                    )
                else:
                    match = detect_secret(_leaf_name(path, parent), value)
                    if match is None:
                        continue
                    severity, confidence = _severity(match)
                yield self.finding(
                    ctx,
                    message=(
                        f"Property `{dotted}` of {resource.type} `{resource.id}` holds a "
                        f"hard-coded {match.kind}."
                    ),
                    location=_at(resource, str(path[0])),
                    function=None,
                    resource=resource.id,
                    evidence=f"{dotted}={match.evidence} ({match.kind})",
                    remediation=self._remediation(resource, dotted, match),
                    severity=severity,
                    confidence=confidence,
                )

    @staticmethod
    def _remediation(resource: Resource, dotted: str, match: SecretMatch) -> str:
        if resource.type in {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster"}:
            return (
                "Remove `MasterUserPassword` and set `ManageMasterUserPassword: true` so RDS "
                "keeps the password in Secrets Manager and rotates it; change the current "
                "password, it is in the repository history."
            )
        if match.kind.startswith("AWS "):
            return _secret_remediation(match, dotted)
        return (
            f"Replace the literal with a dynamic reference, e.g. `{dotted}: "
            "'{{resolve:secretsmanager:my-app/credentials:SecretString:password}}'` (or a "
            "`GenerateSecretString` secret), and rotate the value: it is in the repository "
            "history."
        )


# --------------------------------------------------------------------------- encryption


@dataclass(frozen=True, slots=True)
class _Problem:
    prop: str
    text: str
    value: Any
    serious: bool = True


def _store_finding(
    rule: Rule,
    ctx: RuleContext,
    resource: Resource,
    problems: Sequence[_Problem],
    *,
    what: str,
    remediation: str,
    severity: Severity | None = None,
    terraform: str | None = None,
) -> Finding:
    # ``terraform``: the same fix in Terraform syntax, for applications loaded from .tf files.
    if terraform is not None and ctx.app.format is AppFormat.TERRAFORM:
        remediation = terraform
    first = next((p for p in problems if p.prop in resource.properties), problems[0])
    return rule.finding(
        ctx,
        message=f"{what} `{resource.id}`: " + "; ".join(p.text for p in problems) + ".",
        location=_at(resource, first.prop),
        function=None,
        resource=resource.id,
        evidence="; ".join(f"{p.prop}={_render(p.value)}" for p in problems),
        remediation=remediation,
        severity=severity,
    )


class ElastiCacheWithoutEncryption(ResourceRule):
    """An ElastiCache cache stores or carries data unencrypted, or accepts clients without AUTH.

    ## What it does
    * `AWS::ElastiCache::ReplicationGroup`: reports `AtRestEncryptionEnabled` or
      `TransitEncryptionEnabled` not `true` (both default to false), and, with TLS on,
      `TransitEncryptionMode: preferred` (clients may still connect in clear) or no
      `AuthToken` and no RBAC `UserGroupIds` (medium when these are the only problems).
    * `AWS::ElastiCache::CacheCluster`: a Redis OSS or Valkey cache cluster can encrypt
      neither at rest nor in transit, so it is always reported; a Memcached cluster (or one whose
      engine is not resolved) is reported when `TransitEncryptionEnabled` is not `true`
      (Memcached keeps nothing at rest).
    * `AWS::ElastiCache::ServerlessCache` is always encrypted and never reported.

    ## Why is this bad?
    Caches in front of Lambda functions hold sessions, tokens and copies of database rows.
    Without TLS anything on the VPC path can read or alter them; without at-rest encryption,
    snapshots and swap hold them in clear; without AUTH any workload that reaches the port
    can read and write every key.

    ## Example
    ```yaml
    Cache:
      Type: AWS::ElastiCache::ReplicationGroup
      Properties:
        Engine: redis
        CacheNodeType: cache.t4g.micro
    ```

    ## Use instead
    ```yaml
    Cache:
      Type: AWS::ElastiCache::ReplicationGroup
      Properties:
        Engine: redis
        CacheNodeType: cache.t4g.micro
        AtRestEncryptionEnabled: true
        TransitEncryptionEnabled: true
        AuthToken: '{{resolve:secretsmanager:cache-auth:SecretString:token}}'
    ```

    ## References
    - ElastiCache in-transit encryption (TLS):
      https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
    - ElastiCache at-rest encryption:
      https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4010"
    name = "elasticache-without-encryption"
    category = "data.unencrypted-store"
    severity = Severity.HIGH
    cwe = "CWE-311"
    title = "ElastiCache without encryption"
    resource_types = frozenset(
        {"AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"}
    )

    _remediation = (
        "Set `AtRestEncryptionEnabled: true` and `TransitEncryptionEnabled: true` (with "
        "`TransitEncryptionMode: required`) and `AuthToken` from Secrets Manager "
        "(`'{{resolve:secretsmanager:cache-auth:SecretString:token}}'`) or RBAC "
        "`UserGroupIds`; at-rest encryption can only be chosen when the group is created, so "
        "plan a replacement."
    )

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding listing the cache's missing protections."""
        if resource.type == "AWS::ElastiCache::CacheCluster":
            yield from self._cache_cluster(resource, ctx)
            return
        props = resource.properties
        problems: list[_Problem] = []
        at_rest = _flag(props, "AtRestEncryptionEnabled")
        if at_rest is None or at_rest is False:
            problems.append(
                _Problem("AtRestEncryptionEnabled", "data at rest is not encrypted", at_rest)
            )
        transit = _flag(props, "TransitEncryptionEnabled")
        if transit is None or transit is False:
            problems.append(
                _Problem(
                    "TransitEncryptionEnabled", "connections are not encrypted (no TLS)", transit
                )
            )
        elif transit is True:
            mode = _text(props.get("TransitEncryptionMode"))
            if mode is not None and mode.lower() == "preferred":
                problems.append(
                    _Problem(
                        "TransitEncryptionMode",
                        "TLS is optional (`preferred`): clients may still connect in clear",
                        mode,
                        serious=False,
                    )
                )
            if "AuthToken" not in props and "UserGroupIds" not in props:
                problems.append(
                    _Problem(
                        "AuthToken",
                        "no AUTH token or RBAC user group: any client that reaches the port "
                        "can read and write every key",
                        None,
                        serious=False,
                    )
                )
        if problems:
            yield _store_finding(
                self,
                ctx,
                resource,
                problems,
                what="ElastiCache replication group",
                remediation=self._remediation,
                terraform=(
                    "On the `aws_elasticache_replication_group`, set "
                    "`at_rest_encryption_enabled = true`, `transit_encryption_enabled = true` "
                    '(with `transit_encryption_mode = "required"`) and `auth_token` from a '
                    "`aws_secretsmanager_secret_version` (or RBAC `user_group_ids`); at-rest "
                    "encryption can only be chosen when the group is created, so plan a "
                    "replacement."
                ),
                severity=None if any(p.serious for p in problems) else Severity.MEDIUM,
            )

    def _cache_cluster(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        props = resource.properties
        engine = _text(props.get("Engine"))
        if engine is not None and engine.lower() in {"redis", "valkey"}:
            yield _store_finding(
                self,
                ctx,
                resource,
                [
                    _Problem(
                        "Engine",
                        f"an {engine} `AWS::ElastiCache::CacheCluster` cannot encrypt data at "
                        "rest or in transit",
                        engine,
                    )
                ],
                what="ElastiCache cache cluster",
                remediation=(
                    "Replace the cache cluster with an `AWS::ElastiCache::ServerlessCache` "
                    "(always encrypted) or an `AWS::ElastiCache::ReplicationGroup` with "
                    "`AtRestEncryptionEnabled: true`, `TransitEncryptionEnabled: true` and "
                    "`AuthToken` from Secrets Manager."
                ),
                terraform=(
                    "Replace the `aws_elasticache_cluster` with an "
                    "`aws_elasticache_serverless_cache` (always encrypted) or an "
                    "`aws_elasticache_replication_group` with `at_rest_encryption_enabled = true`, "
                    "`transit_encryption_enabled = true` and an `auth_token` from Secrets Manager."
                ),
            )
            return
        if isinstance(props.get("Engine"), Unknown):
            return
        transit = _flag(props, "TransitEncryptionEnabled")
        if transit is None or transit is False:
            yield _store_finding(
                self,
                ctx,
                resource,
                [
                    _Problem(
                        "TransitEncryptionEnabled",
                        "connections are not encrypted (no TLS)",
                        transit,
                    )
                ],
                what="ElastiCache Memcached cluster",
                remediation=(
                    "Set `TransitEncryptionEnabled: true` (Memcached 1.6.12 or later, in a "
                    "VPC), or use an `AWS::ElastiCache::ServerlessCache`, which is always "
                    "encrypted."
                ),
                terraform=(
                    "Set `transit_encryption_enabled = true` on the `aws_elasticache_cluster` "
                    "(Memcached 1.6.12 or later, in a VPC), or use an "
                    "`aws_elasticache_serverless_cache`, which is always encrypted."
                ),
            )


class DaxWithoutEncryption(ResourceRule):
    """A DynamoDB Accelerator (DAX) cluster without encryption at rest or TLS.

    ## What it does
    Reports an `AWS::DAX::Cluster` whose `SSESpecification.SSEEnabled` is not `true` (data at
    rest in clear) or whose `ClusterEndpointEncryptionType` is not `TLS` (the default is
    `NONE`). Both can only be chosen when the cluster is created.

    ## Why is this bad?
    DAX caches table items, so it holds the same data as the table, but outside the table's
    own encryption. Without TLS the items cross the VPC in clear between functions and the
    cluster.

    ## Example
    ```yaml
    Dax:
      Type: AWS::DAX::Cluster
      Properties:
        NodeType: dax.t3.small
        ReplicationFactor: 3
        IAMRoleARN: !GetAtt DaxRole.Arn
    ```

    ## Use instead
    ```yaml
        SSESpecification:
          SSEEnabled: true
        ClusterEndpointEncryptionType: TLS
    ```

    ## References
    - DAX encryption at rest:
      https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionAtRest.html
    - DAX encryption in transit:
      https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionInTransit.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4011"
    name = "dax-without-encryption"
    category = "data.unencrypted-store"
    severity = Severity.HIGH
    cwe = "CWE-311"
    title = "DAX cluster without encryption"
    resource_types = frozenset({"AWS::DAX::Cluster"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding listing the cluster's missing encryption."""
        props = resource.properties
        problems: list[_Problem] = []
        sse = props.get("SSESpecification")
        if sse is None or isinstance(sse, Mapping):
            enabled = None if sse is None else _flag(sse, "SSEEnabled")
            if enabled is None or enabled is False:
                problems.append(
                    _Problem("SSESpecification", "data at rest is not encrypted", enabled)
                )
        endpoint = props.get("ClusterEndpointEncryptionType")
        if endpoint is None or (isinstance(endpoint, str) and endpoint.strip().upper() != "TLS"):
            problems.append(
                _Problem(
                    "ClusterEndpointEncryptionType",
                    "the cluster endpoint does not use TLS",
                    endpoint,
                )
            )
        if problems:
            yield _store_finding(
                self,
                ctx,
                resource,
                problems,
                what="DAX cluster",
                remediation=(
                    "Set `SSESpecification: {SSEEnabled: true}` and "
                    "`ClusterEndpointEncryptionType: TLS`; both need a new cluster, so create "
                    "one and switch the functions' endpoint to it."
                ),
            )


class SqsQueueWithoutEncryption(ResourceRule):
    """An SQS queue with server-side encryption turned off, or not stated.

    ## What it does
    Reports an `AWS::SQS::Queue` without `KmsMasterKeyId`:

    * `SqsManagedSseEnabled: false` turns encryption off: high;
    * neither property set: low. SQS-managed encryption (SSE-SQS) is the default for queues
      created since October 2022, so a new queue is encrypted, but a queue created earlier by
      the same stack is not, and the template does not say which.

    ## Why is this bad?
    Queue messages carry the events functions process: orders, user records, tokens. Stored
    unencrypted, they are readable in the service's storage and their protection depends on
    an account default rather than on the template.

    ## Example
    ```yaml
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        SqsManagedSseEnabled: false
    ```

    ## Use instead
    ```yaml
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        KmsMasterKeyId: alias/aws/sqs      # or SqsManagedSseEnabled: true
    ```

    ## References
    - Encryption at rest in Amazon SQS:
      https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4012"
    name = "sqs-queue-without-encryption"
    category = "data.unencrypted-store"
    severity = Severity.HIGH
    cwe = "CWE-311"
    title = "SQS queue without encryption"
    resource_types = frozenset({"AWS::SQS::Queue"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when the queue is (or may be) unencrypted."""
        props = resource.properties
        if props.get("KmsMasterKeyId") is not None:
            return
        managed = _flag(props, "SqsManagedSseEnabled")
        remediation = (
            "Set `SqsManagedSseEnabled: true`, or `KmsMasterKeyId` (e.g. `alias/aws/sqs` or a "
            "customer managed key) to control and audit access to the key."
        )
        terraform = (
            "Set `sqs_managed_sse_enabled = true` on the `aws_sqs_queue`, or `kms_master_key_id` "
            '(e.g. `"alias/aws/sqs"` or a customer managed key) to control and audit access to '
            "the key."
        )
        if managed is False:
            yield _store_finding(
                self,
                ctx,
                resource,
                [
                    _Problem(
                        "SqsManagedSseEnabled",
                        "server-side encryption is turned off and no KMS key is set",
                        managed,
                    )
                ],
                what="SQS queue",
                remediation=remediation,
                terraform=terraform,
            )
        elif managed is None:
            yield _store_finding(
                self,
                ctx,
                resource,
                [
                    _Problem(
                        "SqsManagedSseEnabled",
                        "encryption is not stated; SQS-managed encryption is on by default "
                        "only for queues created since October 2022",
                        managed,
                    )
                ],
                what="SQS queue",
                remediation=remediation,
                severity=Severity.LOW,
                terraform=terraform,
            )


class SnsTopicWithoutEncryption(ResourceRule):
    """An SNS topic without server-side encryption (`KmsMasterKeyId`).

    ## What it does
    Reports an `AWS::SNS::Topic` without `KmsMasterKeyId`. SNS has no default encryption:
    without a key, messages are stored unencrypted until delivered.

    ## Why is this bad?
    Topics fan events out to functions, queues, e-mail and HTTP subscribers; the messages are
    kept in SNS storage, unencrypted, until every subscriber has received them (and longer
    with retries). Sensitive payloads should be encrypted with a key whose use is logged.

    ## Example
    ```yaml
    Events:
      Type: AWS::SNS::Topic
    ```

    ## Use instead
    ```yaml
    Events:
      Type: AWS::SNS::Topic
      Properties:
        KmsMasterKeyId: alias/aws/sns
    ```

    ## References
    - Encryption at rest in Amazon SNS:
      https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4013"
    name = "sns-topic-without-encryption"
    category = "data.unencrypted-store"
    severity = Severity.MEDIUM
    cwe = "CWE-311"
    title = "SNS topic without encryption"
    resource_types = frozenset({"AWS::SNS::Topic"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when the topic has no KMS key."""
        if resource.properties.get("KmsMasterKeyId") is not None:
            return
        yield _store_finding(
            self,
            ctx,
            resource,
            [_Problem("KmsMasterKeyId", "messages are stored unencrypted (no KMS key)", None)],
            what="SNS topic",
            remediation=(
                "Set `KmsMasterKeyId: alias/aws/sns`, or a customer managed key whose policy "
                "lets the publishing services use it."
            ),
            terraform=(
                'Set `kms_master_key_id = "alias/aws/sns"` on the `aws_sns_topic`, or a '
                "customer managed key whose policy lets the publishing services use it."
            ),
        )


class S3BucketWithoutEncryptionConfig(ResourceRule):
    """An S3 bucket with no `BucketEncryption`, relying on the account default.

    ## What it does
    Reports an `AWS::S3::Bucket` without `BucketEncryption`, at low severity: since January
    2023 S3 encrypts new objects with S3-managed keys (SSE-S3) by default, so the data is
    encrypted, but the template neither says so nor uses a KMS key whose use is logged and
    restricted.

    ## Why is this bad?
    With SSE-S3 anyone allowed `s3:GetObject` reads the data; with SSE-KMS, reading also
    needs `kms:Decrypt` on the key, which is a second, audited gate. Stating the encryption in
    the template also documents it for reviewers and auditors.

    ## Example
    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
    ```

    ## Use instead
    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
      Properties:
        BucketEncryption:
          ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault:
                SSEAlgorithm: aws:kms
                KMSMasterKeyID: !Ref UploadsKey
              BucketKeyEnabled: true
    ```

    ## References
    - Default encryption for S3 buckets:
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4014"
    name = "s3-bucket-without-encryption-config"
    category = "data.unencrypted-store"
    severity = Severity.LOW
    cwe = "CWE-311"
    title = "S3 bucket without an encryption configuration"
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when the bucket states no encryption."""
        if resource.properties.get("BucketEncryption") is not None:
            return
        yield _store_finding(
            self,
            ctx,
            resource,
            [
                _Problem(
                    "BucketEncryption",
                    "no encryption configuration; objects get the SSE-S3 default, with no KMS "
                    "key to restrict and log reads",
                    None,
                )
            ],
            what="S3 bucket",
            remediation=(
                "Add `BucketEncryption` with `SSEAlgorithm: aws:kms`, a `KMSMasterKeyID` and "
                "`BucketKeyEnabled: true` (or at least `SSEAlgorithm: AES256` to state it)."
            ),
            terraform=(
                "Add an `aws_s3_bucket_server_side_encryption_configuration` for the bucket with "
                '`sse_algorithm = "aws:kms"`, a `kms_master_key_id` and `bucket_key_enabled = '
                'true` (or at least `sse_algorithm = "AES256"` to state it).'
            ),
        )


_PUBLIC_ACCESS_FLAGS = (
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
)
_PUBLIC_ACLS = {
    "publicread": Severity.CRITICAL,
    "publicreadwrite": Severity.CRITICAL,
    "authenticatedread": Severity.HIGH,
}


class S3BucketPublicAccess(ResourceRule):
    """An S3 bucket is, or may be made, public (public ACL, Block Public Access turned off).

    ## What it does
    Reports an `AWS::S3::Bucket` with:

    * `AccessControl: PublicRead` or `PublicReadWrite` (critical) or `AuthenticatedRead`
      (high: any AWS account);
    * a `PublicAccessBlockConfiguration` where any of `BlockPublicAcls`, `BlockPublicPolicy`,
      `IgnorePublicAcls`, `RestrictPublicBuckets` is false or left out (left out means false
      once the block is given): high;
    * no `PublicAccessBlockConfiguration` at all: low. Since April 2023 new buckets get all four
      settings on by default, so the bucket is protected today, but a bucket created earlier
      by the same stack is not, and nothing in the template stops a later change.

    Public bucket policies (`AWS::S3::BucketPolicy` with `Principal: "*"`) are not checked
    here.

    ## Why is this bad?
    Public buckets are the most common source of cloud data leaks: every object, including
    uploads and exports written by functions, can be listed or read by anyone, and with
    `PublicReadWrite` overwritten.

    ## Example
    ```yaml
    Exports:
      Type: AWS::S3::Bucket
      Properties:
        AccessControl: PublicRead
    ```

    ## Use instead
    ```yaml
    Exports:
      Type: AWS::S3::Bucket
      Properties:
        PublicAccessBlockConfiguration:
          BlockPublicAcls: true
          BlockPublicPolicy: true
          IgnorePublicAcls: true
          RestrictPublicBuckets: true
    ```
    Share single objects with presigned URLs, or serve a website through CloudFront with
    origin access control.

    ## References
    - Blocking public access to your Amazon S3 storage:
      https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    - CWE-732: Incorrect Permission Assignment for Critical Resource
    """

    id = "FG4015"
    name = "s3-bucket-public-access"
    category = "data.unencrypted-store"
    severity = Severity.HIGH
    cwe = "CWE-732"
    title = "S3 bucket open to public access"
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding listing what makes the bucket public or unprotected."""
        props = resource.properties
        problems: list[_Problem] = []
        severities: list[Severity] = []
        acl = _text(props.get("AccessControl"))
        if acl is not None and acl.lower() in _PUBLIC_ACLS:
            severities.append(_PUBLIC_ACLS[acl.lower()])
            reach = "any AWS account" if acl.lower() == "authenticatedread" else "anyone"
            problems.append(
                _Problem("AccessControl", f"the bucket ACL `{acl}` grants access to {reach}", acl)
            )
        block = props.get("PublicAccessBlockConfiguration")
        if block is None:
            severities.append(Severity.LOW)
            problems.append(
                _Problem(
                    "PublicAccessBlockConfiguration",
                    "Block Public Access is not set; the bucket relies on the default applied "
                    "to buckets created since April 2023",
                    None,
                )
            )
        elif isinstance(block, Mapping):
            off = [
                name
                for name in _PUBLIC_ACCESS_FLAGS
                if _flag(block, name) is None or _flag(block, name) is False
            ]
            if off:
                severities.append(Severity.HIGH)
                problems.append(
                    _Problem(
                        "PublicAccessBlockConfiguration",
                        f"Block Public Access is off for {', '.join(off)}",
                        ", ".join(f"{n}=false" for n in off),
                    )
                )
        if problems:
            yield _store_finding(
                self,
                ctx,
                resource,
                problems,
                what="S3 bucket",
                remediation=(
                    "Remove `AccessControl` (use presigned URLs or CloudFront with origin access "
                    "control to share objects) and set `PublicAccessBlockConfiguration` with "
                    "`BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls` and "
                    "`RestrictPublicBuckets` all `true`."
                ),
                terraform=(
                    "Remove the public `aws_s3_bucket_acl` (use presigned URLs or CloudFront with "
                    "origin access control to share objects) and add an "
                    "`aws_s3_bucket_public_access_block` for the bucket with "
                    "`block_public_acls`, `block_public_policy`, `ignore_public_acls` and "
                    "`restrict_public_buckets` all `true`."
                ),
                severity=max(severities, key=lambda s: s.rank),
            )


class DynamoDbTableAwsOwnedKey(ResourceRule):
    """A DynamoDB table encrypted only with an AWS-owned key (no `SSESpecification`).

    ## What it does
    Reports, for information, an `AWS::DynamoDB::Table`, `AWS::DynamoDB::GlobalTable` or
    `AWS::Serverless::SimpleTable` without `SSESpecification.SSEEnabled: true`. DynamoDB
    always encrypts data at rest; without the setting it uses a key AWS owns, which you can
    neither restrict nor audit.

    ## Why is this bad?
    It is not unencrypted, hence the info severity. But with a KMS key (the AWS managed
    `aws/dynamodb` or your own) every use of the key is logged in CloudTrail and reading the
    table also needs `kms:Decrypt`, so a leaked table-read permission alone is not enough.
    Compliance regimes often require that control.

    ## Example
    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
    ```

    ## Use instead
    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        SSESpecification:
          SSEEnabled: true
          SSEType: KMS
          KMSMasterKeyId: !Ref OrdersKey
    ```

    ## References
    - DynamoDB encryption at rest:
      https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4016"
    name = "dynamodb-table-aws-owned-key"
    category = "data.unencrypted-store"
    severity = Severity.INFO
    cwe = "CWE-311"
    title = "DynamoDB table encrypted with an AWS-owned key"
    resource_types = frozenset(
        {"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"}
    )

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when the table does not use a KMS key."""
        sse = resource.properties.get("SSESpecification")
        if sse is not None and not isinstance(sse, Mapping):
            return
        enabled = None if sse is None else _flag(sse, "SSEEnabled")
        if isinstance(enabled, _Unresolved) or enabled is True:
            return
        yield _store_finding(
            self,
            ctx,
            resource,
            [
                _Problem(
                    "SSESpecification",
                    "data is encrypted with an AWS-owned key that you cannot restrict or audit",
                    enabled,
                )
            ],
            what="DynamoDB table",
            remediation=(
                "Set `SSESpecification: {SSEEnabled: true, SSEType: KMS}` (the AWS managed "
                "`aws/dynamodb` key), with `KMSMasterKeyId` for a customer managed key."
            ),
            terraform=(
                "Add `server_side_encryption { enabled = true }` to the `aws_dynamodb_table` "
                "(the AWS managed `aws/dynamodb` key), with `kms_key_arn` for a customer "
                "managed key."
            ),
        )


class KinesisStreamWithoutEncryption(ResourceRule):
    """A Kinesis data stream without server-side encryption (`StreamEncryption`).

    ## What it does
    Reports an `AWS::Kinesis::Stream` without `StreamEncryption`. Kinesis Data Streams does
    not encrypt records unless asked.

    ## Why is this bad?
    Records stay in the stream for its whole retention period (24 hours to 365 days),
    unencrypted; streams feeding functions often carry clickstreams, logs or change events
    with personal data.

    ## Example
    ```yaml
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties:
        ShardCount: 1
    ```

    ## Use instead
    ```yaml
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties:
        ShardCount: 1
        StreamEncryption:
          EncryptionType: KMS
          KeyId: alias/aws/kinesis
    ```

    ## References
    - Data protection in Amazon Kinesis Data Streams:
      https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html
    - CWE-311: Missing Encryption of Sensitive Data
    """

    id = "FG4017"
    name = "kinesis-stream-without-encryption"
    category = "data.unencrypted-store"
    severity = Severity.MEDIUM
    cwe = "CWE-311"
    title = "Kinesis stream without encryption"
    resource_types = frozenset({"AWS::Kinesis::Stream"})

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when the stream has no StreamEncryption."""
        if resource.properties.get("StreamEncryption") is not None:
            return
        yield _store_finding(
            self,
            ctx,
            resource,
            [_Problem("StreamEncryption", "records are stored unencrypted", None)],
            what="Kinesis stream",
            remediation=(
                "Set `StreamEncryption: {EncryptionType: KMS, KeyId: alias/aws/kinesis}` (or a "
                "customer managed key)."
            ),
            terraform=(
                'Set `encryption_type = "KMS"` and `kms_key_id = "alias/aws/kinesis"` (or a '
                "customer managed key) on the `aws_kinesis_stream`."
            ),
        )


# --------------------------------------------------------------------------- TTL

# Words that mark short-lived data, with whether the data is a credential (medium) or not (low).
_EPHEMERAL_WORDS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(r"^sessions?$"), True),
    (re.compile(r"^tokens?$"), True),
    (re.compile(r"^otps?$"), True),
    (re.compile(r"^nonces?$"), True),
    (re.compile(r"^cach(?:e|es|ing)$"), False),
    (re.compile(r"^idempot"), False),
    (re.compile(r"^locks?$"), False),
)


def _words(name: str) -> list[str]:
    return name_tokens(name)  # the same split; it is the faster of two former copies


def _ephemeral(name: str) -> tuple[str, bool] | None:
    """Return the word marking ``name`` as short-lived data and whether it is a credential."""
    for word in _words(name):
        for pattern, credential in _EPHEMERAL_WORDS:
            if pattern.match(word):
                return word, credential
    return None


def _mentions(text: str, token: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])", text) is not None


class SessionTableWithoutTtl(ResourceRule):
    """A DynamoDB table used for sessions, tokens or cache entries never expires its items.

    ## What it does
    Reports a DynamoDB table without `TimeToLiveSpecification.Enabled: true` when it looks like
    a store of short-lived data, at medium confidence because the use is inferred from names:

    * its logical id or `TableName` contains one of the words session, token, otp, nonce
      (credentials: medium severity) or cache, idempotency, lock (low severity), compared
      word by word (`SessionsTable`, `user-otp-codes`, `IdempotencyStore`), so `Clocks` or
      `Footprints` do not match; or
    * a function has an environment variable whose name contains one of those words and whose
      value references the table (`SESSION_TABLE: !Ref AppTable`, matched on the logical id
      in the variable's raw text, or on the resolved table name).

    An `AWS::Serverless::SimpleTable` cannot set a TTL at all and is reported the same way. A
    TTL setting that cannot be resolved is not reported.

    ## Why is this bad?
    Expired sessions, one-time passwords and reset tokens that are never deleted accumulate
    forever: a leak of the table (a backup, an export, an over-broad read permission) exposes
    every credential ever issued, and the table keeps growing in size and cost. DynamoDB TTL
    deletes expired items for free.

    ## Example
    ```yaml
    SessionsTable:
      Type: AWS::DynamoDB::Table
      Properties:
        KeySchema: [{AttributeName: id, KeyType: HASH}]
    ```

    ## Use instead
    ```yaml
    SessionsTable:
      Type: AWS::DynamoDB::Table
      Properties:
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        TimeToLiveSpecification:
          AttributeName: expiresAt
          Enabled: true
    ```
    Write `expiresAt` (epoch seconds) on every item, and still check expiry when reading:
    TTL deletion can lag by a day or more.

    ## References
    - Using time to live (TTL) in DynamoDB:
      https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
    - OWASP Session Management Cheat Sheet:
      https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
    - CWE-613: Insufficient Session Expiration
    """

    id = "FG4020"
    name = "session-table-without-ttl"
    category = "data.no-ttl"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = "CWE-613"
    title = "Session or cache table without TTL"
    resource_types = frozenset(
        {"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"}
    )

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield a finding when a short-lived-data table has no TTL."""
        simple = resource.type == "AWS::Serverless::SimpleTable"
        if not simple and not self._ttl_missing(resource):
            return
        why = self._why(resource, ctx.app)
        if why is None:
            return
        reason, credential = why
        if simple:
            problem = "an `AWS::Serverless::SimpleTable` cannot expire items (no TTL support)"
            fix = (
                "Replace the `AWS::Serverless::SimpleTable` with an `AWS::DynamoDB::Table` that "
                "sets `TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}`"
            )
        else:
            problem = "items never expire (no `TimeToLiveSpecification` enabled)"
            fix = "Set `TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}`"
        yield self.finding(
            ctx,
            message=f"DynamoDB table `{resource.id}` {reason}, but {problem}.",
            location=_at(resource, "TimeToLiveSpecification"),
            function=None,
            resource=resource.id,
            evidence=f"{reason}; TimeToLiveSpecification="
            f"{_render(resource.properties.get('TimeToLiveSpecification'))}",
            remediation=(
                f"{fix}, write `expiresAt` (epoch seconds) on every item, and keep checking "
                "expiry on read (TTL deletion can lag)."
            ),
            severity=Severity.MEDIUM if credential else Severity.LOW,
        )

    @staticmethod
    def _ttl_missing(resource: Resource) -> bool:
        spec = resource.properties.get("TimeToLiveSpecification")
        if spec is None:
            return True
        if not isinstance(spec, Mapping):
            return False
        return _flag(spec, "Enabled") in (None, False)

    @staticmethod
    def _why(resource: Resource, app: Application) -> tuple[str, bool] | None:
        table_name = _text(resource.properties.get("TableName"))
        for label, name in (("logical id", resource.id), ("TableName", table_name)):
            if name is None:
                continue
            hit = _ephemeral(name)
            if hit is not None:
                return f"looks like a {hit[0]} store (its {label} is `{name}`)", hit[1]
        for fn in app.functions:
            for var in fn.environment:
                hit = _ephemeral(var.name)
                if hit is None:
                    continue
                texts = [var.raw or ""]
                if isinstance(var.value, Unknown):
                    texts.append(var.value.expression)
                refers = any(_mentions(t, resource.id) for t in texts if t) or (
                    table_name is not None
                    and isinstance(var.value, str)
                    and var.value.strip() == table_name
                )
                if refers:
                    return (
                        f"is used as a {hit[0]} store (function `{fn.name}` reads it "
                        f"from `{var.name}`)",
                        hit[1],
                    )
        return None


class HardcodedSecretInCode(ToolRule):
    """A function's own code holds a literal secret (token, key, password).

    ## What it does
    Searches every string literal of the function's handler and of the project modules it
    imports (its layers' own code included) with the detector of FG4001: known credential
    formats whatever the variable is called (AWS access keys, GitHub, GitLab, Slack, Stripe,
    Google, SendGrid, Twilio, npm, OpenAI and Anthropic keys, private-key PEM blocks, JWTs,
    URLs with a password), and high-entropy values stored under a secret-like name (the
    variable, attribute, dict or object key, or keyword argument: `JWT_SECRET`, `apiKey`,
    `signing_key`, `password=`). Vendored libraries (`node_modules`, `site-packages`, a layer's
    `python/` and `nodejs/` folders), tests and fixtures are not searched, so the example keys
    libraries document are not reported. The evidence is redacted; the secret is never printed.
    The findings come from the code-edge analyzer; severity is as for FG4001.

    ## Why is this bad?
    Code is copied everywhere: the repository and its history, every clone, CI caches, the
    deployment package anyone with `lambda:GetFunction` can download. A secret in it cannot be
    rotated without a release and is shared by every stage.

    ## Example
    ```python
    stripe.api_key = "sk_live_51H8cXbGz0MexampleKEYvalue00"
    ```

    ## Use instead
    ```python
    from aws_lambda_powertools.utilities.parameters import get_secret

    stripe.api_key = get_secret(os.environ["STRIPE_SECRET_NAME"])
    ```

    ## References
    - Use AWS Secrets Manager secrets in Lambda functions:
      https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
    - OWASP Serverless Top 10, SAS-7: Insecure application secrets storage
    - CWE-798: Use of Hard-coded Credentials
    """

    id = "FG4021"
    name = "hardcoded-secret-in-code"
    category = "data.hardcoded-secret"
    severity = Severity.CRITICAL
    cwe = "CWE-798"
    title = "Hard-coded secret in function code"


#: The data rules, in id order.
RULES: tuple[type[Rule], ...] = (
    HardcodedSecretInEnvironment,
    HardcodedSecretInTemplate,
    ElastiCacheWithoutEncryption,
    DaxWithoutEncryption,
    SqsQueueWithoutEncryption,
    SnsTopicWithoutEncryption,
    S3BucketWithoutEncryptionConfig,
    S3BucketPublicAccess,
    DynamoDbTableAwsOwnedKey,
    KinesisStreamWithoutEncryption,
    S3BucketAllowsPlainHttp,
    SessionTableWithoutTtl,
    HardcodedSecretInCode,
)
