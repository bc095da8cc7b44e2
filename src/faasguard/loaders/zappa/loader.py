"""The Zappa loader: ``zappa_settings.json`` / ``.yml``, one function per stage.

Zappa deploys a whole WSGI (or ASGI, or Django) application as one Lambda function per stage:
``app_function`` (``app.app`` by default, or ``django_settings``) is what runs behind Zappa's own
handler. What each stage deploys, with Zappa's defaults where the settings say nothing:

- an API Gateway REST API (``apigateway_enabled``, true by default; ``apigateway_version: v2``
  for an HTTP API) proxying every path (``/{proxy+}``, any method) to the function, guarded by
  ``iam_authorization`` (IAM), ``authorizer`` (a Lambda ``TOKEN``/``REQUEST`` or Cognito
  authorizer), ``api_key_required`` (an API key) or nothing; PRIVATE when
  ``endpoint_configuration`` says so; CORS from ``cors``;
- a function URL when ``function_url_enabled`` (``function_url_config.authorizer``, NONE by
  default), an ALB listener when ``alb_enabled``;
- ``events``: schedules (``expression``) and event sources (``event_source.arn``), plus the
  ``keep_warm`` schedule (on by default, ``rate(4 minutes)``);
- an execution role it manages (``manage_roles``, true by default) named
  ``<project>-<stage>-ZappaLambdaExecutionRole`` (or ``role_name``), holding Zappa's own
  default policy (generated table, :mod:`.default_policy`) or the ``attach_policy`` file instead,
  plus ``extra_permissions``; or ``role_arn``, an existing role whose permissions are not seen.

A stage may ``extends`` another (its own keys win). The settings are never run; a file that
does not parse is a finding naming the file and line.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from faasguard.errors import LoadError, ParseError
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.iam import statements_from_document
from faasguard.loaders.handlers import find_manifests, resolve_handler
from faasguard.loaders.interface import (
    IssueKind,
    LoadIssue,
    LoadOptions,
    LoadResult,
    issue_from_error,
)
from faasguard.loaders.yaml_safe import ParsedDocument, line_of, parse_json, parse_yaml
from faasguard.loaders.zappa.default_policy import ATTACH_POLICY, TRUSTED_SERVICES
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    Function,
    FunctionUrl,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

__all__ = ["ZappaLoader"]

_DEFAULT_APP: Final = "app.app"
_KEEP_WARM: Final = "rate(4 minutes)"
#: Service of an event source ARN -> trigger kind.
_ARN_KINDS: Final = {
    "s3": TriggerKind.S3,
    "sqs": TriggerKind.SQS,
    "sns": TriggerKind.SNS,
    "dynamodb": TriggerKind.DYNAMODB_STREAM,
    "kinesis": TriggerKind.KINESIS,
    "events": TriggerKind.EVENTBRIDGE,
}
_MAX_EXTENDS: Final = 32


class ZappaLoader:
    """Loads the stages of one ``zappa_settings`` file (see the module docstring)."""

    name = "zappa"

    def load(self, template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
        """Load the settings file at ``template`` (relative to the scan root)."""
        try:
            return _load(template, fs, options)
        except LoadError as exc:
            return LoadResult(issues=(issue_from_error(exc),))
        except RecursionError:
            return LoadResult(
                issues=(
                    LoadIssue(
                        IssueKind.PARSE_ERROR,
                        "the Zappa settings nest too deeply to be read",
                        Location(template),
                    ),
                )
            )


@dataclass(frozen=True, slots=True)
class _Stage:
    """One stage's merged settings; ``lines`` says where each key is written."""

    name: str
    line: int | None
    settings: Mapping[str, Any]
    lines: Mapping[str, int | None]


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _load(template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
    text = fs.read_text(template)
    if template.endswith(".toml"):
        document = _parse_toml(text, template)
    else:
        document = (
            parse_json(text, template) if template.endswith(".json") else parse_yaml(text, template)
        )
    issues = [
        LoadIssue(IssueKind.DUPLICATE_KEY, message, Location(template, line))
        for line, message in document.warnings
    ]
    data = document.data
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        issues.append(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                f"{template} is not Zappa settings: expected a mapping of stage names to settings",
                Location(template, line_of(data) or 1),
            )
        )
        return LoadResult(issues=tuple(issues))
    root = posixpath.dirname(template) or "."
    names = [options.stage] if options.stage and options.stage in data else list(data)
    stages = [_stage(template, data, name, issues) for name in names]
    project = next(
        (
            s.settings["project_name"]
            for s in stages
            if isinstance(s.settings.get("project_name"), str)
        ),
        posixpath.basename(root) if root != "." else fs.real_root.name,
    )
    functions, apis = [], []
    roles: dict[str, Role] = {}
    for stage in stages:
        fn, role, api = _function(fs, template, root, project, stage, issues)
        functions.append(fn)
        if api is not None:
            apis.append(api)
        shared = roles.get(role.id)  # stages naming the same role share it
        roles[role.id] = (
            role if shared is None else replace(shared, functions=(*shared.functions, fn.name))
        )
    app = Application(
        name=project,
        format=AppFormat.ZAPPA,
        file=template,
        root=root,
        stage=options.stage if options.stage in data else None,
        region=options.region or _region(stages),
        functions=tuple(functions),
        roles=tuple(roles.values()),
        apis=tuple(apis),
    )
    unique = dict.fromkeys(replace(issue, application=project) for issue in issues)
    return LoadResult(applications=(app,), issues=tuple(unique))


def _parse_toml(text: str, template: str) -> ParsedDocument:
    """``zappa_settings.toml``: TOML keeps no lines, so findings point at the file."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return ParsedDocument(tomllib.loads(text), ())
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        # The loader turns this LoadError into a parse-error issue naming the file and line.
        line = int(match.group(1)) if match else 1
        raise ParseError(template, line, f"invalid TOML: {exc}") from None


def _region(stages: list[_Stage]) -> str | None:
    regions = {
        region if isinstance(region := s.settings.get("aws_region"), str) else None for s in stages
    }
    if len(regions) == 1:
        (region,) = regions
        return region if isinstance(region, str) else None
    return None


def _stage(template: str, data: Mapping[str, Any], name: str, issues: list[LoadIssue]) -> _Stage:
    """A stage's settings with the chain of ``extends`` applied (its own keys win)."""
    chain = [name]
    current = _map(data[name])
    while isinstance(current.get("extends"), str):
        parent = current["extends"]
        if parent in chain or parent not in data or len(chain) > _MAX_EXTENDS:
            problem = "loops" if parent in chain else "names no stage of this file"
            issues.append(
                LoadIssue(
                    IssueKind.UNRESOLVED,
                    f"stage {chain[-1]!r} extends {parent!r}, which {problem}; the inherited "
                    "settings are not known",
                    Location(template, line_of(current, "extends")),
                )
            )
            break
        chain.append(parent)
        current = _map(data[parent])
    settings: dict[str, Any] = {}
    lines: dict[str, int | None] = {}
    for stage_name in reversed(chain):
        block = _map(data[stage_name])
        for key, value in block.items():
            settings[key] = value
            lines[key] = line_of(block, key)
    return _Stage(name, line_of(data, name), settings, lines)


def _function(
    fs: ScanFS,
    template: str,
    root: str,
    project: str,
    stage: _Stage,
    issues: list[LoadIssue],
) -> tuple[Function, Role, Api | None]:
    s = stage.settings

    def at(key: str) -> Location:
        return Location(template, stage.lines.get(key) or stage.line)

    app_function = s.get("app_function")
    django = s.get("django_settings")
    handler = app_function if isinstance(app_function, str) else None
    if handler is None and not isinstance(django, str):
        handler = _DEFAULT_APP
    runtime = s.get("runtime") if isinstance(s.get("runtime"), str) else None
    handler_file, handler_function = (
        resolve_handler(fs, code_root=root, handler=handler, runtime=runtime or "python3")
        if handler
        else (None, None)
    )
    if handler is None and isinstance(django, str):
        # A Django project: Zappa's handler loads the settings module, which names the app.
        handler = django
        module = django.replace(".", "/") + ".py"
        path = module if root == "." else f"{root}/{module}"
        handler_file = path if fs.exists(path) else None
    lambda_name = re.sub(r"[^a-z0-9-]+", "-", f"{project}-{stage.name}".lower()).strip("-")
    triggers, api, url = _triggers(template, stage, at)
    role = _role(fs, template, root, stage, lambda_name, at, issues)
    vpc = _map(s.get("vpc_config"))
    fn = Function(
        name=stage.name,
        application=project,
        location=Location(template, stage.line),
        runtime=runtime,
        handler=handler,
        handler_file=handler_file,
        handler_function=handler_function,
        code_root=root,
        memory=_int(s.get("memory_size", 512)),
        timeout=_int(s.get("timeout_seconds", 30)),
        reserved_concurrency=_int(s.get("lambda_concurrency")),
        environment=_environment(template, stage),
        layers=_strings(s.get("layers")),
        url=url,
        tracing="Active" if s.get("xray_tracing") is True else None,
        dead_letter=dlq if isinstance(dlq := s.get("dead_letter_arn"), str) and dlq else None,
        vpc=Vpc(_strings(vpc.get("SubnetIds")), _strings(vpc.get("SecurityGroupIds")))
        if vpc
        else None,
        tags={str(k): str(v) for k, v in _map(s.get("tags")).items()},
        triggers=tuple(triggers),
        role=role.id,
        architectures=(s["architecture"],) if isinstance(s.get("architecture"), str) else (),
        dependency_manifests=find_manifests(fs, root),
    )
    if api is not None:
        api = replace(api, functions=(fn.name,))
    role = replace(role, functions=(fn.name,))
    return fn, role, api


def _int(value: Any) -> int | Unknown | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return Unknown(str(value)[:80], "not a number")


def _strings(value: Any) -> tuple[str | Unknown, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(i if isinstance(i, str) else Unknown(str(i)[:80], "not a string") for i in items)


def _environment(template: str, stage: _Stage) -> tuple[EnvVar, ...]:
    result = []
    for key in ("environment_variables", "aws_environment_variables"):
        block = _map(stage.settings.get(key))
        for name, value in block.items():
            result.append(
                EnvVar(
                    str(name),
                    value if isinstance(value, str) else str(value),
                    Location(template, line_of(block, name)),
                    key,
                )
            )
    return tuple(result)


def _http_auth(s: Mapping[str, Any]) -> AuthKind:
    authorizer = s.get("authorizer")
    if s.get("iam_authorization") is True:
        return AuthKind.IAM
    if isinstance(authorizer, dict) and authorizer:
        kind = str(authorizer.get("type", "TOKEN")).upper()
        return AuthKind.COGNITO if kind == "COGNITO_USER_POOLS" else AuthKind.LAMBDA_AUTHORIZER
    if s.get("api_key_required") is True:
        return AuthKind.API_KEY
    return AuthKind.NONE


def _cors(value: Any, location: Location, *, v2: bool) -> Cors | None:
    if not value:
        return None
    if value is True:
        return Cors(("*",), location=location)
    options = _map(value)
    if v2:
        origins = options.get("allowed_origins", ["*"])
        credentials = options.get("allow_credentials")
        return Cors(
            _strings(origins),
            allow_credentials=credentials if isinstance(credentials, bool) else None,
            location=location,
        )
    return Cors(_strings(options.get("allowed_origin", "*")), location=location)


def _triggers(
    template: str, stage: _Stage, at: Any
) -> tuple[list[Trigger], Api | None, FunctionUrl | None]:
    s = stage.settings
    triggers: list[Trigger] = []
    api: Api | None = None
    url: FunctionUrl | None = None
    if s.get("apigateway_enabled", True) is not False:
        v2 = s.get("apigateway_version") == "v2"
        kind = TriggerKind.HTTP_API if v2 else TriggerKind.REST_API
        endpoint = s.get("endpoint_configuration") or []
        private = "PRIVATE" in (endpoint if isinstance(endpoint, list) else [endpoint])
        api_id = f"{stage.name}-api"
        location = at("apigateway_enabled")
        api = Api(api_id, kind, location, implicit=True)
        triggers.append(
            Trigger(
                kind=kind,
                location=location,
                auth=_http_auth(s),
                internet_reachable=not private,
                path="/{proxy+}",
                method="ANY",
                cors=_cors(s.get("cors"), at("cors"), v2=v2),
                api=api_id,
            )
        )
    if s.get("function_url_enabled") is True:
        config = _map(s.get("function_url_config"))
        auth_type = config.get("authorizer", "NONE")
        url = FunctionUrl(
            auth_type if isinstance(auth_type, str) else Unknown(str(auth_type), "auth type"),
            at("function_url_enabled"),
            cors=_cors(config.get("cors"), at("function_url_config"), v2=True),
        )
        triggers.append(
            Trigger(
                TriggerKind.FUNCTION_URL,
                at("function_url_enabled"),
                auth=AuthKind.IAM if auth_type == "AWS_IAM" else AuthKind.NONE,
                internet_reachable=True,
                cors=url.cors,
            )
        )
    if s.get("alb_enabled") is True:
        triggers.append(
            Trigger(TriggerKind.ALB, at("alb_enabled"), AuthKind.UNKNOWN, internet_reachable=None)
        )
    events = s.get("events")
    for index, event in enumerate(events if isinstance(events, list) else []):
        triggers.append(_event(template, events, index, _map(event)))
    if s.get("keep_warm", True) is not False:
        expression = s.get("keep_warm_expression", _KEEP_WARM)
        triggers.append(
            Trigger(
                TriggerKind.SCHEDULE,
                at("keep_warm"),
                properties={"keep_warm": True, "expression": expression},
            )
        )
    return triggers, api, url


def _event(template: str, events: Any, index: int, event: Mapping[str, Any]) -> Trigger:
    location = Location(template, line_of(events, index))
    properties = {k: v for k, v in event.items() if k != "event_source"}
    if "expression" in event or "expressions" in event:
        return Trigger(TriggerKind.SCHEDULE, location, properties=properties)
    source = _map(event.get("event_source"))
    arn = source.get("arn")
    service = arn.split(":")[2] if isinstance(arn, str) and arn.count(":") >= 2 else ""
    properties.update({k: v for k, v in source.items() if k != "arn"})
    return Trigger(
        _ARN_KINDS.get(service, TriggerKind.OTHER),
        location,
        source=arn if isinstance(arn, str) else None,
        properties=properties,
    )


def _role(
    fs: ScanFS,
    template: str,
    root: str,
    stage: _Stage,
    lambda_name: str,
    at: Any,
    issues: list[LoadIssue],
) -> Role:
    s = stage.settings
    arn = s.get("role_arn")
    name = s.get("role_name")
    if isinstance(arn, str):
        return Role(id=arn, location=at("role_arn"), external=True)
    role_id = name if isinstance(name, str) else f"{lambda_name}-ZappaLambdaExecutionRole"
    if s.get("manage_roles", True) is False:
        return Role(id=role_id, location=at("manage_roles"), external=True)
    policy = s.get("attach_policy")
    if isinstance(policy, str):
        statements = _policy_file(fs, template, root, policy, at("attach_policy"), issues)
    else:
        statements = statements_from_document(
            ATTACH_POLICY,
            file=template,
            origin="Zappa default policy (zappa-permissions)",
            line=stage.line,
        )
    extra = s.get("extra_permissions")
    if extra is not None:
        statements += statements_from_document(
            {"Statement": extra},
            file=template,
            origin="Zappa extra_permissions",
            line=stage.lines.get("extra_permissions"),
        )
    return Role(
        id=role_id,
        location=at("role_name") if isinstance(name, str) else Location(template, stage.line),
        statements=tuple(statements),
        trusted_services=TRUSTED_SERVICES,
    )


def _policy_file(
    fs: ScanFS, template: str, root: str, ref: str, where: Location, issues: list[LoadIssue]
) -> list[Statement]:
    origin = f"Zappa attach_policy {ref}"
    try:
        path = fs.join(root, ref, referrer=template, line=where.line)
        text = fs.read_text(path)
        document = parse_json(text, path) if path.endswith(".json") else parse_yaml(text, path)
    except LoadError as exc:
        issues.append(issue_from_error(exc))
        unknown = Unknown(ref, "the attach_policy file could not be read")
        return [Statement(unknown, (unknown,), where, origin, resources=(unknown,))]
    return statements_from_document(document.data, file=path, origin=origin, line=1)
