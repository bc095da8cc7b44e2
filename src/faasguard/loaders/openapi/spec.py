"""An OpenAPI 3 or Swagger 2 API body, read for what API Gateway deploys from it.

API Gateway builds a REST or HTTP API from an OpenAPI document plus its ``x-amazon-apigateway-*``
extensions. What a security rule needs from it, per operation:

- the route (path and method; ``x-amazon-apigateway-any-method`` is ``ANY``);
- the integration target (``x-amazon-apigateway-integration.uri``), which names the function;
- who may call it: the operation's ``security``, else the document's (OpenAPI 3 only: API
  Gateway ignores a document-wide ``security`` in Swagger 2.0), each requirement naming
  security schemes (Cognito user pools, Lambda ``token``/``request`` authorizers, JWT, IAM
  ``awsSigv4``, API keys). ``security: []`` on an operation removes the document default;
- the request validator (``x-amazon-apigateway-request-validators`` and the document-wide or
  per-operation ``x-amazon-apigateway-request-validator``).

The document is format knowledge only: it does not know CloudFormation. Values are kept as
written (an integration URI may be an intrinsic); the caller resolves them. Local ``$ref`` chains
are followed; a chain that loops, or points at nothing, becomes a :class:`LoadIssue` naming the
file and line, and the part behind it is treated as absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import AuthKind, Location, RequestValidation, Unknown

__all__ = ["ApiSpec", "Operation", "parse_spec"]

_METHODS: Final = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
}
#: Most values a walk for ``$ref`` loops visits: a hostile body cannot make it unbounded.
_MAX_NODES: Final = 200_000
#: Longest ``$ref`` chain followed (``A -> B -> ...``); real bodies need a handful.
_MAX_HOPS: Final = 64
#: When a requirement combines schemes (AND), the one that authenticates the caller counts.
_STRENGTH: Final = (
    AuthKind.IAM,
    AuthKind.COGNITO,
    AuthKind.JWT,
    AuthKind.LAMBDA_AUTHORIZER,
)
#: When requirements are alternatives (OR), a caller takes the weakest.
_WEAKEST: Final = (AuthKind.NONE, AuthKind.UNKNOWN, AuthKind.API_KEY)

#: A ``security`` value: alternatives, each the scheme names it requires together.
Security = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """One route of the body.

    Attributes:
        path: the path as written (``/orders/{id}``).
        method: upper-case HTTP method, ``ANY`` for ``x-amazon-apigateway-any-method``.
        line: where the operation is written.
        security: the operation's own ``security``; None when it inherits the document's.
        integration: the integration ``uri`` as written (None without an integration).
        integration_type: ``aws_proxy``, ``aws``, ``http_proxy``, ``mock``... (lower case).
        validator: the operation's own ``x-amazon-apigateway-request-validator``.
    """

    path: str
    method: str
    line: int | None
    security: Security | None = None
    integration: Any = None
    integration_type: str | None = None
    validator: str | None = None


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """What API Gateway deploys from one body (see the module docstring).

    Attributes:
        file: the file the body is written in (the template, or an included file).
        operations: every operation, in document order.
        schemes: security scheme name -> how it authenticates.
        security: the document-wide ``security``; None when absent.
        validators: validator name -> (validates body, validates parameters).
        validator: the document-wide default validator name.
        validator_line: where the default validator is chosen.
        cors: the HTTP API's ``x-amazon-apigateway-cors`` settings, as written.
        cors_line: where they are written.
    """

    file: str
    operations: tuple[Operation, ...] = ()
    schemes: Mapping[str, AuthKind] = field(default_factory=dict)
    security: Security | None = None
    validators: Mapping[str, tuple[bool | Unknown, bool | Unknown]] = field(default_factory=dict)
    validator: str | None = None
    validator_line: int | None = None
    cors: Mapping[str, Any] | None = None
    cors_line: int | None = None

    def find(self, path: Any, method: Any) -> Operation | None:
        """The operation serving ``method`` on ``path``: the exact method first, then ``ANY``."""
        if not isinstance(path, str) or not isinstance(method, str):
            return None
        verb = method.upper()
        fallback = None
        for op in self.operations:
            if op.path != path:
                continue
            if op.method == verb:
                return op
            if op.method == "ANY":
                fallback = op
        return fallback

    def auth(
        self,
        op: Operation,
        *,
        authorizers: Mapping[str, AuthKind] | None = None,
        default: AuthKind | None = None,
    ) -> AuthKind:
        """How callers of ``op`` authenticate.

        Args:
            op: an operation of this body.
            authorizers: scheme names known outside the body (SAM ``Auth.Authorizers``,
                ``AWS_IAM``); they win over the body's own definitions of the same name.
            default: an authorizer the framework adds to every operation that names none
                (SAM ``DefaultAuthorizer``), unless the operation names the ``NONE`` scheme.
        """
        security = op.security if op.security is not None else self.security
        known = {**self.schemes, **(authorizers or {})}
        alternatives = security or ()
        names = {name for alternative in alternatives for name in alternative}
        auth = _combine(
            [_requirement([known.get(n, AuthKind.UNKNOWN) for n in alt]) for alt in alternatives]
        )
        if (
            default is not None
            and "NONE" not in names
            and auth in (AuthKind.NONE, AuthKind.API_KEY)
        ):
            return default  # SAM adds it beside any API key; the authorizer is what identifies
        return auth

    def validation(self, op: Operation) -> RequestValidation | Unknown | None:
        """The request validator API Gateway applies to ``op``, if any."""
        name = op.validator or self.validator
        if name is None:
            return None
        line = op.line if op.validator else self.validator_line
        if name not in self.validators:
            return Unknown(name, "request validator not defined in the API body")
        body, parameters = self.validators[name]
        return RequestValidation(body, parameters, name, Location(self.file, line))


def _requirement(kinds: list[AuthKind]) -> AuthKind:
    """All schemes of one requirement apply together: the strongest identifies the caller."""
    if not kinds:
        return AuthKind.NONE  # ``{}``: anonymous access is one of the alternatives
    if AuthKind.UNKNOWN in kinds:
        return AuthKind.UNKNOWN
    for kind in _STRENGTH:
        if kind in kinds:
            return kind
    return AuthKind.API_KEY if AuthKind.API_KEY in kinds else AuthKind.NONE


def _combine(alternatives: list[AuthKind]) -> AuthKind:
    """Alternatives (OR): a caller may use the weakest; no requirement at all is NONE."""
    if not alternatives:
        return AuthKind.NONE
    for kind in _WEAKEST:
        if kind in alternatives:
            return kind
    return alternatives[0]


def parse_spec(body: Any, *, file: str) -> tuple[ApiSpec, list[LoadIssue]]:
    """Read an OpenAPI 3 / Swagger 2 body (already parsed, with lines) into an :class:`ApiSpec`.

    Args:
        body: the parsed document (mappings from :mod:`~faasguard.loaders.yaml_safe`).
        file: the file it is written in, for locations.

    Returns:
        The spec and the problems met (``$ref`` loops, dangling references, bad shapes).
    """
    reader = _Reader(body if isinstance(body, dict) else {}, file)
    if not isinstance(body, dict):
        reader.issue(
            IssueKind.PARSE_ERROR, "the API body is not a mapping; its routes are not known", body
        )
        return ApiSpec(file), reader.issues
    reader.check_ref_loops()
    schemes = reader.schemes()
    validators = reader.validators()
    default_validator = body.get("x-amazon-apigateway-request-validator")
    spec = ApiSpec(
        file=file,
        operations=tuple(reader.operations()),
        schemes=schemes,
        # API Gateway applies a document-wide ``security`` from OpenAPI 3 only; in a Swagger
        # 2.0 body it is accepted and ignored, so those operations are open.
        security=_security(body["security"]) if "security" in body and "openapi" in body else None,
        validators=validators,
        validator=default_validator if isinstance(default_validator, str) else None,
        validator_line=line_of(body, "x-amazon-apigateway-request-validator"),
        cors=cors if isinstance(cors := body.get("x-amazon-apigateway-cors"), dict) else None,
        cors_line=line_of(body, "x-amazon-apigateway-cors"),
    )
    return spec, reader.issues


def _security(value: Any) -> Security:
    """``[{"auth": []}, {}]`` as alternatives of scheme names; bad shapes are no requirement."""
    if not isinstance(value, list):
        return ()
    return tuple(tuple(str(name) for name in item) for item in value if isinstance(item, dict))


class _Reader:
    """Walks one document, following local ``$ref`` chains and recording what goes wrong."""

    def __init__(self, root: Mapping[str, Any], file: str) -> None:
        self.root = root
        self.file = file
        self.issues: list[LoadIssue] = []
        self._reported: set[str] = set()
        self._checked: set[str] = set()
        #: reference -> ("ok", target) | ("missing", the dangling $ref node) | ("broken", None)
        self._memo: dict[str, tuple[str, Any]] = {}

    def issue(self, kind: IssueKind, message: str, where: Any, key: Any = None) -> None:
        line = line_of(where, key) if key is not None else line_of(where)
        self.issues.append(LoadIssue(kind, message, Location(self.file, line or 1)))

    def deref(self, node: Any, *, report_missing: bool = True) -> Any:
        """Follow ``$ref`` until real content; a loop or a dangling reference gives None.

        A dangling reference is reported only where the body's routes or auth depend on it:
        schemas may name API Gateway's built-in models (``#/components/schemas/Empty``), which
        the document need not define. Every reference's outcome is remembered, so each is
        followed once per body however many chains pass through it.
        """
        chain: list[str] = []
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                # another document: API Gateway import refuses it, so do we
                return self._settle(chain, ("broken", None))
            known = self._memo.get(ref)
            if known is not None:
                if known[0] == "missing" and report_missing:
                    self._report_missing(known[1])
                return self._settle(chain, known)
            if ref in chain:
                self._loop(chain[chain.index(ref) :], node)
                return self._settle(chain, ("broken", None))
            if len(chain) >= _MAX_HOPS:
                self._too_long(chain[0], node)
                return self._settle(chain, ("broken", None))
            chain.append(ref)
            target = self._pointer(ref)
            if target is None:
                if report_missing:
                    self._report_missing(node)
                return self._settle(chain, ("missing", node))
            node = target
        return self._settle(chain, ("ok", node))

    def _settle(self, chain: list[str], outcome: tuple[str, Any]) -> Any:
        for ref in chain:
            self._memo[ref] = outcome
        return outcome[1] if outcome[0] == "ok" else None

    def _report_missing(self, node: Any) -> None:
        ref = node["$ref"]
        if ref in self._reported:
            return
        self._reported.add(ref)
        self.issue(
            IssueKind.UNRESOLVED,
            f"$ref {ref!r} in the API body points at nothing; what it describes is not known",
            node,
            "$ref",
        )

    def _too_long(self, first: str, node: Any) -> None:
        if first in self._reported:
            return
        self._reported.add(first)
        self.issue(
            IssueKind.UNRESOLVED,
            f"$ref chain from {first!r} is longer than {_MAX_HOPS} references; what it "
            "describes is not known",
            node,
            "$ref",
        )

    def _loop(self, loop: list[str], node: Any) -> None:
        key = " -> ".join(sorted(loop))
        if key in self._reported:
            return
        self._reported.add(key)
        self.issue(
            IssueKind.UNRESOLVED,
            f"$ref loop in the API body ({' -> '.join([*loop, loop[0]])}); what it describes is "
            "not known",
            node,
            "$ref",
        )

    def _pointer(self, ref: str) -> Any:
        node: Any = self.root
        for raw in ref[2:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def check_ref_loops(self) -> None:
        """Report every ``$ref`` chain that loops, wherever it is (bounded walk)."""
        stack: list[Any] = [self.root]
        seen = 0
        while stack and seen < _MAX_NODES:
            node = stack.pop()
            seen += 1
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref not in self._checked:
                    self._checked.add(ref)  # one chain per distinct reference: bounded cost
                    self.deref(node, report_missing=False)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)

    def schemes(self) -> dict[str, AuthKind]:
        found = self.root.get("securityDefinitions")
        if not isinstance(found, dict):
            found = _map(_map(self.root.get("components")).get("securitySchemes"))
        return {str(name): _scheme_kind(self.deref(scheme)) for name, scheme in found.items()}

    def validators(self) -> dict[str, tuple[bool | Unknown, bool | Unknown]]:
        found = _map(self.root.get("x-amazon-apigateway-request-validators"))
        result = {}
        for name, settings in found.items():
            config = _map(settings)
            result[str(name)] = (
                _flag(config.get("validateRequestBody")),
                _flag(config.get("validateRequestParameters")),
            )
        return result

    def operations(self) -> Iterator[Operation]:
        paths = _map(self.root.get("paths"))
        for path, raw_item in paths.items():
            item = _map(self.deref(raw_item))
            for key, raw_op in item.items():
                method = _METHODS.get(str(key).lower())
                if method is None:
                    continue
                op = _map(self.deref(raw_op))
                integration = _map(self.deref(op.get("x-amazon-apigateway-integration")))
                kind = integration.get("type")
                validator = op.get("x-amazon-apigateway-request-validator")
                yield Operation(
                    path=str(path),
                    method=method,
                    line=line_of(item, key),
                    security=_security(op["security"]) if "security" in op else None,
                    integration=integration.get("uri", integration.get("integrationUri")),
                    integration_type=kind.lower() if isinstance(kind, str) else None,
                    validator=validator if isinstance(validator, str) else None,
                )


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _flag(value: Any) -> bool | Unknown:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value is None:
        return False
    return Unknown(str(value)[:80], "not a boolean")


def _scheme_kind(scheme: Any) -> AuthKind:
    """How one security scheme authenticates, from API Gateway's extensions first."""
    config = _map(scheme)
    authtype = config.get("x-amazon-apigateway-authtype")
    authorizer = _map(config.get("x-amazon-apigateway-authorizer"))
    low = authtype.lower() if isinstance(authtype, str) else ""
    if low == "cognito_user_pools":
        return AuthKind.COGNITO
    if low in ("awssigv4", "aws_iam"):
        return AuthKind.IAM
    kind = authorizer.get("type")
    kind = kind.lower() if isinstance(kind, str) else ""
    if kind == "cognito_user_pools":
        return AuthKind.COGNITO
    if kind in ("token", "request"):
        return AuthKind.LAMBDA_AUTHORIZER
    if kind == "jwt":
        return AuthKind.JWT
    if low == "custom":
        return AuthKind.LAMBDA_AUTHORIZER
    if config.get("type") == "apiKey" and not authorizer:
        return AuthKind.API_KEY
    return AuthKind.UNKNOWN
