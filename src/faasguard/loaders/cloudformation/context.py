"""Shared state of one template load, and the small value converters every module needs.

The model is frozen, but a function's triggers, URL and role come from several resources
(``AWS::Lambda::Url``, ``AWS::Lambda::Permission``, an IAM policy attached to its role...). The
loader therefore keeps functions as model objects updated with :func:`dataclasses.replace`, and
roles and APIs as small mutable drafts frozen once at the end.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.intrinsics import (
    Resolver,
    ref_target,
    referenced_resources,
    render,
)
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, issue_from_error
from faasguard.loaders.openapi.spec import ApiSpec
from faasguard.loaders.yaml_safe import YamlMap, line_of
from faasguard.model import (
    Api,
    AuthKind,
    Cors,
    Function,
    Location,
    Role,
    Statement,
    TriggerKind,
    Unknown,
)

__all__ = [
    "ApiDraft",
    "LoadContext",
    "RawResource",
    "RoleDraft",
    "as_bool",
    "as_float",
    "as_int",
    "as_key",
    "as_map",
    "as_str",
    "as_str_tuple",
    "key_line",
]

R_NOT_A_NUMBER = "not a number"


@dataclass(frozen=True, slots=True)
class RawResource:
    """One well-formed entry of ``Resources``, before resolution.

    Attributes:
        id: the logical id.
        type: the resource type.
        line: the line of the logical id.
        properties: the raw ``Properties`` mapping (empty when absent).
        metadata: the raw ``Metadata`` mapping (CDK paths and assets live here).
        ignore_globals: the SAM ``IgnoreGlobals`` attribute, as written.
    """

    id: str
    type: str
    line: int | None
    properties: Mapping[str, Any]
    metadata: Mapping[str, Any]
    ignore_globals: Any = None


@dataclass(slots=True)
class RoleDraft:
    """A role being assembled from the role itself and every policy that attaches to it."""

    id: str
    location: Location
    statements: list[Statement] = field(default_factory=list)
    managed_policies: list[str | Unknown] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    external: bool = False
    permissions_boundary: str | Unknown | None = None
    attached: set[str] = field(default_factory=set)
    trusted_services: tuple[str, ...] = ()

    def add_managed(self, arn: str | Unknown) -> None:
        """Attach a managed policy once (SAM de-duplicates the same way)."""
        if arn not in self.managed_policies:
            self.managed_policies.append(arn)

    def freeze(self) -> Role:
        """Return the frozen model role."""
        return Role(
            id=self.id,
            location=self.location,
            statements=tuple(self.statements),
            managed_policies=tuple(self.managed_policies),
            functions=tuple(self.functions),
            external=self.external,
            permissions_boundary=self.permissions_boundary,
            trusted_services=self.trusted_services,
        )


@dataclass(slots=True)
class ApiDraft:
    """An API plus what events need to know to authenticate their routes.

    Attributes:
        api: the model API, without its functions yet.
        authorizers: authorizer name -> kind (``AWS_IAM`` is always known).
        default_authorizer: the API's default authorizer name, as written.
        api_key_required: the API-wide ``ApiKeyRequired``.
        auth_unknown: True when the API's auth settings could not be resolved, or routes may
            carry security from an OpenAPI body we do not read.
        internet_reachable: False for PRIVATE endpoints, None when unresolvable.
        cors: the API's CORS settings.
        functions: the functions routed to, in order.
        openapi: the API's OpenAPI body, when it is inline or a local file.
    """

    api: Api
    authorizers: dict[str, AuthKind] = field(default_factory=dict)
    default_authorizer: str | Unknown | None = None
    api_key_required: bool | Unknown = False
    auth_unknown: bool = False
    internet_reachable: bool | None = True
    cors: Cors | None = None
    functions: list[str] = field(default_factory=list)
    openapi: ApiSpec | None = None

    @property
    def kind(self) -> TriggerKind:
        """The API's kind (REST, HTTP or WebSocket)."""
        return self.api.kind

    def add_function(self, name: str) -> None:
        """Record that ``name`` is routed to by this API."""
        if name not in self.functions:
            self.functions.append(name)

    def freeze(self) -> Api:
        """Return the frozen model API."""
        return replace(self.api, functions=tuple(self.functions))


@dataclass(slots=True)
class LoadContext:
    """Everything one template load shares between the modules of this package.

    ``fs`` is None when only resources are converted (:func:`.resources.convert_resources`):
    then code folders are not located.
    """

    fs: ScanFS | None
    file: str
    template_dir: str
    options: LoadOptions
    resolver: Resolver
    application: str
    resources: dict[str, RawResource]
    issues: list[LoadIssue] = field(default_factory=list)
    functions: dict[str, Function] = field(default_factory=dict)
    function_names: dict[str, str | Unknown | None] = field(default_factory=dict)
    roles: dict[str, RoleDraft] = field(default_factory=dict)
    apis: dict[str, ApiDraft] = field(default_factory=dict)
    manifests: dict[str, tuple[str, ...]] = field(default_factory=dict)
    log_group_refs: dict[str, Any] = field(default_factory=dict)
    _resolved: dict[str, Any] = field(default_factory=dict)
    _locations: dict[int | None, Location] = field(default_factory=dict)

    def location(self, line: int | None) -> Location:
        """A location in this template (one shared, immutable instance per line).

        Shared rather than created per call (0.6 us each): the SAM benchmark asks for 7,000.
        """
        found = self._locations.get(line)
        if found is None:
            found = self._locations[line] = Location(self.file, line)
        return found

    def issue(self, kind: IssueKind, message: str, line: int | None) -> None:
        """Record a problem that does not stop the load."""
        self.issues.append(LoadIssue(kind, message, self.location(line), self.application or None))

    def type_of(self, logical_id: str | None) -> str | None:
        """Return the type of a resource in this template, or None."""
        res = self.resources.get(logical_id) if logical_id else None
        return res.type if res else None

    def of_type(self, *types: str) -> Iterator[RawResource]:
        """Yield the resources of the given types, in template order."""
        for res in self.resources.values():
            if res.type in types:
                yield res

    def resolved(self, res: RawResource) -> YamlMap:
        """Return the resolved ``Properties`` of a resource (cached)."""
        cached = self._resolved.get(res.id)
        if cached is None:
            value = self.resolver.resolve(res.properties)
            if not isinstance(value, YamlMap):
                self.issue(
                    IssueKind.UNRESOLVED,
                    f"the Properties of {res.id} cannot be resolved statically "
                    f"({render(res.properties)[:80]}); they are treated as empty",
                    res.line,
                )
                value = YamlMap(res.line)
            self._resolved[res.id] = cached = value
        return cached

    def update_function(self, name: str, **changes: Any) -> None:
        """Replace fields of a loaded function."""
        self.functions[name] = replace(self.functions[name], **changes)

    def function_for(self, value: Any) -> str | None:
        """Return the function a ``FunctionName``/``TargetFunctionArn`` value designates.

        Accepts ``!Ref Fn``, ``!GetAtt Fn.Arn``, ``!Sub ${Fn.Arn}``, a function name given in
        ``FunctionName`` or an ARN ending in ``:function:<name>[:qualifier]``.
        """
        target = ref_target(value)
        if target in self.functions:
            return target
        resolved = self.resolver.resolve(value)
        if isinstance(resolved, Unknown):
            target = ref_target(resolved)
            if target in self.functions:
                return target
            refs = referenced_resources(resolved, self.functions)
            return next(iter(refs)) if len(refs) == 1 else None
        if not isinstance(resolved, str):
            return None
        name = resolved
        if ":function:" in name:
            name = name.split(":function:", 1)[1].split(":", 1)[0]
        for fn, given in self.function_names.items():
            if given == name:
                return fn
        return name if name in self.functions else None

    def join(self, ref: str, *, line: int | None) -> str | None:
        """Resolve a path written in the template against its folder, inside the scan root.

        Returns None (and records an issue) for paths outside the root.
        """
        if self.fs is None:
            return None
        try:
            return self.fs.join(self.template_dir, ref, referrer=self.file, line=line)
        except LoadError as exc:
            self.issues.append(issue_from_error(exc, application=self.application or None))
            return None


# -- value converters ---------------------------------------------------------------------------


def as_key(value: Any) -> str:
    """A value used to look something up by name: a string, else ``""`` (lists are unhashable)."""
    return value if isinstance(value, str) else ""


def as_map(value: Any) -> Mapping[str, Any]:
    """Return ``value`` when it is a mapping, else an empty one (bad shapes are not data)."""
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str | Unknown | None:
    """A resolved scalar as a string; Unknown stays Unknown; lists and maps become Unknown."""
    if value is None or isinstance(value, (str, Unknown)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return Unknown(render(value), "not a string")


def as_int(value: Any) -> int | Unknown | None:
    """A resolved number (CloudFormation passes ``!Ref`` numbers as strings) as an int."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return Unknown(render(value), R_NOT_A_NUMBER)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    return Unknown(render(value), R_NOT_A_NUMBER)


def as_float(value: Any) -> float | Unknown | None:
    """A resolved number as a float."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    return Unknown(render(value), R_NOT_A_NUMBER)


def as_bool(value: Any) -> bool | Unknown | None:
    """A resolved boolean; CloudFormation also accepts the strings ``true``/``false``."""
    if value is None or isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(render(value), "not a boolean")


def as_str_tuple(value: Any) -> tuple[str | Unknown, ...]:
    """A resolved string or list of strings as a tuple; Unknown entries are kept."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    result: list[str | Unknown] = []
    for item in items:
        text = as_str(item)
        if text is not None:
            result.append(text)
    return tuple(result)


def key_line(container: Any, key: str, fallback: int | None) -> int | None:
    """The line of ``container[key]``, else ``fallback``."""
    line = line_of(container, key) if isinstance(container, dict) and key in container else None
    return line if line is not None else fallback
