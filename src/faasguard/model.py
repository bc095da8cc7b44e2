"""The function-centric model of a serverless application.

Every analysis asks the same questions of a function: what triggers it, what code runs, what role
it holds, what stores it touches, what libraries it ships. Loaders translate each template format
into these frozen types once, so rules never see a file format.

A value a loader cannot resolve (``${ssm:...}``, a ``!Ref`` to a resource attribute only known at
deploy time, an ``Fn::If`` on an undecidable condition) is an explicit :class:`Unknown`, never a
guess: a rule must be able to tell "not set" (``None``) from "set to something we cannot see".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

__all__ = [
    "Api",
    "AppFormat",
    "Application",
    "AuthKind",
    "Cors",
    "EnvVar",
    "Function",
    "FunctionUrl",
    "InlineCode",
    "Location",
    "RequestValidation",
    "Resource",
    "Role",
    "Statement",
    "Throttling",
    "Trigger",
    "TriggerKind",
    "Unknown",
    "Vpc",
    "is_known",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that exists in the template but cannot be resolved statically.

    Attributes:
        expression: the unresolved source text or intrinsic, e.g. ``${ssm:/db/password}``, or a
            CloudFormation intrinsic in short-tag form (``!GetAtt Queue.Arn``,
            ``!Sub arn:aws:s3:::${Bucket}/*``) as both loaders render it.
        reason: why it could not be resolved (``ssm parameter``, ``deploy-time attribute``...).
    """

    expression: str
    reason: str

    def __str__(self) -> str:
        return f"<unknown: {self.expression}>"


def is_known(value: T | Unknown | None) -> bool:
    """Return True when ``value`` is set and resolved (neither None nor :class:`Unknown`)."""
    return value is not None and not isinstance(value, Unknown)


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is written: a POSIX path relative to the scan root and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class AppFormat(str, Enum):
    """The template family an application was loaded from."""

    SERVERLESS = "serverless"
    SAM = "sam"
    CLOUDFORMATION = "cloudformation"
    CDK = "cdk"
    TERRAFORM = "terraform"
    CHALICE = "chalice"
    ZAPPA = "zappa"


class TriggerKind(str, Enum):
    """What invokes a function. Values are the stable names used in reports."""

    REST_API = "rest-api"
    HTTP_API = "http-api"
    FUNCTION_URL = "function-url"
    WEBSOCKET = "websocket"
    ALB = "alb"
    S3 = "s3"
    SQS = "sqs"
    SNS = "sns"
    DYNAMODB_STREAM = "dynamodb-stream"
    KINESIS = "kinesis"
    SCHEDULE = "schedule"
    EVENTBRIDGE = "eventbridge"
    COGNITO = "cognito"
    IOT = "iot"
    CLOUDWATCH_LOGS = "cloudwatch-logs"
    KAFKA = "kafka"
    MQ = "mq"
    ALEXA = "alexa"
    APPSYNC = "appsync"
    OTHER = "other"

    @property
    def is_http(self) -> bool:
        """True for triggers that carry an HTTP request from a client."""
        return self in _HTTP_KINDS

    @property
    def is_async(self) -> bool:
        """True for triggers that invoke the function asynchronously (retries, then drop).

        Why it matters: an asynchronous invocation that fails all its retries is lost unless the
        function has a dead-letter queue or an on-failure destination.
        """
        return self in _ASYNC_KINDS


_HTTP_KINDS = frozenset(
    {
        TriggerKind.REST_API,
        TriggerKind.HTTP_API,
        TriggerKind.FUNCTION_URL,
        TriggerKind.WEBSOCKET,
        TriggerKind.ALB,
    }
)
_ASYNC_KINDS = frozenset(
    {
        TriggerKind.S3,
        TriggerKind.SNS,
        TriggerKind.SCHEDULE,
        TriggerKind.EVENTBRIDGE,
        TriggerKind.IOT,
        TriggerKind.CLOUDWATCH_LOGS,
    }
)


class AuthKind(str, Enum):
    """How a trigger authenticates its caller."""

    NONE = "none"
    IAM = "iam"
    JWT = "jwt"
    LAMBDA_AUTHORIZER = "lambda-authorizer"
    COGNITO = "cognito"
    API_KEY = "api-key"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Cors:
    """Cross-origin settings of an HTTP endpoint (only what security rules need)."""

    allow_origins: tuple[str | Unknown, ...]
    allow_credentials: bool | Unknown | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class RequestValidation:
    """The API Gateway request validator that checks a REST route before the function runs.

    Attributes:
        body: True when the request body is validated against the route's model.
        parameters: True when required parameters (query string, headers, path) are checked.
        validator: the validator's name as written (OpenAPI) or its logical id, when named.
        location: where the validator is chosen for the route.
    """

    body: bool | Unknown
    parameters: bool | Unknown
    validator: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Trigger:
    """One event source of a function.

    Attributes:
        kind: what invokes the function.
        location: where the event is declared.
        auth: how callers authenticate; NONE for internal sources whose callers are AWS services.
        internet_reachable: True when anyone on the internet can send the event (public HTTP
            endpoints); False for private APIs and internal sources; None when unknown.
        source: the source resource (logical id, ARN, queue or bucket name), as written.
        path: HTTP path, when there is one.
        method: HTTP method, when there is one (``ANY`` for any).
        cors: CORS settings of the HTTP endpoint.
        api: logical id of the API the route belongs to, when known.
        properties: the event's remaining settings (batch size, schedule, filter...), resolved.
        request_validation: the request validator of a REST route; None when no validator
            applies (or the format has none), Unknown when it cannot be told statically.
    """

    kind: TriggerKind
    location: Location
    auth: AuthKind = AuthKind.NONE
    internet_reachable: bool | None = False
    source: str | Unknown | None = None
    path: str | Unknown | None = None
    method: str | Unknown | None = None
    cors: Cors | None = None
    api: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    request_validation: RequestValidation | Unknown | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """One IAM policy statement, with where it came from.

    Actions and resources keep :class:`Unknown` entries when an intrinsic cannot be resolved, so a
    rule can tell ``Resource: "*"`` from ``Resource: !GetAtt Table.Arn``.

    Attributes:
        effect: ``Allow`` or ``Deny`` (or Unknown).
        actions: the ``Action`` list (empty when the statement uses ``NotAction``).
        not_actions: the ``NotAction`` list.
        resources: the ``Resource`` list.
        not_resources: the ``NotResource`` list.
        condition: the ``Condition`` block, resolved, or None.
        sid: the statement id, if any.
        location: where the statement is written.
        origin: human-readable provenance, e.g. ``provider.iam.role.statements[2]`` or
            ``SAM policy template DynamoDBCrudPolicy``.
    """

    effect: str | Unknown
    actions: tuple[str | Unknown, ...]
    location: Location
    origin: str
    not_actions: tuple[str | Unknown, ...] = ()
    resources: tuple[str | Unknown, ...] = ()
    not_resources: tuple[str | Unknown, ...] = ()
    condition: Mapping[str, Any] | Unknown | None = None
    sid: str | None = None


@dataclass(frozen=True, slots=True)
class Role:
    """An execution role and everything it grants.

    Attributes:
        id: logical id of the role resource, or the ARN/name of an existing role, or a
            synthetic id (``<function>Role``) for an implicit role created by SAM or Serverless.
        location: where the role (or the statements that make it) is declared.
        statements: inline statements from every source that attaches to this role.
        managed_policies: managed policy ARNs attached (Unknown where unresolved).
        functions: logical names of the functions that assume this role.
        external: True when the role is defined outside the template (an ARN or name): its
            permissions cannot be seen and rules must treat them as unknown.
        permissions_boundary: the boundary ARN, if any.
        trusted_services: the service principals its trust policy lets assume it
            (``lambda.amazonaws.com``, ``ecs-tasks.amazonaws.com``), as written; empty when the
            template does not say (implicit roles, external roles). Rules use it to name what a
            role no function assumes is for, instead of calling it a function's role.
    """

    id: str
    location: Location
    statements: tuple[Statement, ...] = ()
    managed_policies: tuple[str | Unknown, ...] = ()
    functions: tuple[str, ...] = ()
    external: bool = False
    permissions_boundary: str | Unknown | None = None
    trusted_services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One environment variable of a function, with its provenance.

    Attributes:
        name: the variable name.
        value: the resolved value as a string, or Unknown for references resolved at deploy time.
        raw: the value as written before resolution (``${ssm:/x}``, ``{"Ref": "P"}``), or None when
            it was a plain literal; secret rules use it to tell a literal from a reference.
        location: where the variable is written.
        origin: which block defined it: ``provider``, ``function``, ``globals``.
    """

    name: str
    value: str | Unknown
    location: Location
    origin: str
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionUrl:
    """A Lambda function URL."""

    auth_type: str | Unknown
    location: Location
    cors: Cors | None = None
    invoke_mode: str | Unknown | None = None


@dataclass(frozen=True, slots=True)
class InlineCode:
    """Handler code written in the template itself (``Code.ZipFile``, SAM ``InlineCode``).

    Attributes:
        text: the code, as deployed.
        location: the template file and the line the code's first line is on, so code
            findings point at template lines.
    """

    text: str
    location: Location


@dataclass(frozen=True, slots=True)
class Vpc:
    """VPC attachment of a function."""

    subnet_ids: tuple[str | Unknown, ...] = ()
    security_group_ids: tuple[str | Unknown, ...] = ()


@dataclass(frozen=True, slots=True)
class Function:
    """One Lambda function and everything a security rule needs to know about it.

    ``None`` always means "not set in the template" (the platform default applies); an
    :class:`Unknown` means "set, but not resolvable statically".
    """

    name: str
    application: str
    location: Location
    resource_id: str | None = None
    runtime: str | Unknown | None = None
    handler: str | Unknown | None = None
    handler_file: str | None = None
    handler_function: str | None = None
    code_root: str | None = None
    package_type: str = "Zip"
    image_uri: str | Unknown | None = None
    memory: int | Unknown | None = None
    timeout: int | Unknown | None = None
    reserved_concurrency: int | Unknown | None = None
    environment: tuple[EnvVar, ...] = ()
    layers: tuple[str | Unknown, ...] = ()
    url: FunctionUrl | None = None
    tracing: str | Unknown | None = None
    log_retention_days: int | Unknown | None = None
    log_group: str | None = None
    dead_letter: str | Unknown | None = None
    on_failure: str | Unknown | None = None
    vpc: Vpc | None = None
    tags: Mapping[str, str | Unknown] = field(default_factory=dict)
    description: str | Unknown | None = None
    triggers: tuple[Trigger, ...] = ()
    role: str | None = None
    architectures: tuple[str, ...] = ()
    dependency_manifests: tuple[str, ...] = ()
    package_patterns: tuple[str, ...] = ()
    referenced_by: tuple[str, ...] = ()
    #: A local deployment package (a zip) the template names as the function's code
    #: (``CodeUri: build/fn.zip``): read as the function's artifact, with the archive caps.
    package_artifact: str | None = None
    inline_code: InlineCode | None = None
    #: The customer-managed KMS key that encrypts the environment (``KmsKeyArn``, Serverless
    #: ``kmsKeyArn``): the role then needs ``kms:Decrypt`` on it. None = AWS's own key.
    kms_key_arn: str | Unknown | None = None

    def env(self, name: str) -> EnvVar | None:
        """Return the environment variable called ``name``, if the function has it."""
        for var in self.environment:
            if var.name == name:
                return var
        return None


@dataclass(frozen=True, slots=True)
class Throttling:
    """Request throttling on an API stage or route."""

    rate_limit: float | Unknown | None = None
    burst_limit: int | Unknown | None = None


@dataclass(frozen=True, slots=True)
class Api:
    """An API Gateway API (REST, HTTP or WebSocket) that fronts functions.

    Attributes:
        id: logical id (or a synthetic id such as ``ApiGatewayRestApi`` for Serverless).
        kind: REST_API, HTTP_API or WEBSOCKET.
        location: where it is declared (or where its first route is, for implicit APIs).
        throttling: stage-level throttling, None when not configured.
        functions: names of the functions it routes to.
        implicit: True for APIs that SAM or Serverless create from function events.
    """

    id: str
    kind: TriggerKind
    location: Location
    throttling: Throttling | Unknown | None = None
    functions: tuple[str, ...] = ()
    implicit: bool = False
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Resource:
    """Any other resource in the template (data stores, queues, topics, buckets, permissions).

    ``properties`` are resolved where possible; unresolvable values are :class:`Unknown`.
    """

    id: str
    type: str
    location: Location
    properties: Mapping[str, Any] = field(default_factory=dict)
    property_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, prop: str) -> int | None:
        """Return the line of a top-level property, falling back to the resource's own line."""
        return self.property_lines.get(prop, self.location.line)


@dataclass(frozen=True, slots=True)
class Application:
    """One deployable application: a template and everything it defines.

    Attributes:
        name: the service or stack name (Serverless ``service``, else the template's folder).
        format: the template family.
        file: POSIX path of the template, relative to the scan root.
        root: POSIX path of the application's folder, relative to the scan root.
        provider: cloud provider (``aws``).
        stage: the stage the template was resolved for, when the format has stages.
        region: the region, when known.
        functions: every function the application defines.
        roles: every execution role, with the functions sharing it.
        apis: every API that fronts functions.
        resources: all other resources.
    """

    name: str
    format: AppFormat
    file: str
    root: str
    provider: str = "aws"
    stage: str | None = None
    region: str | Unknown | None = None
    functions: tuple[Function, ...] = ()
    roles: tuple[Role, ...] = ()
    apis: tuple[Api, ...] = ()
    resources: tuple[Resource, ...] = ()

    def function(self, name: str) -> Function | None:
        """Return the function with logical name ``name``."""
        for fn in self.functions:
            if fn.name == name:
                return fn
        return None

    def role(self, role_id: str | None) -> Role | None:
        """Return the role with id ``role_id``."""
        for role in self.roles:
            if role.id == role_id:
                return role
        return None

    def resource(self, resource_id: str) -> Resource | None:
        """Return the resource with logical id ``resource_id``."""
        for res in self.resources:
            if res.id == resource_id:
                return res
        return None
