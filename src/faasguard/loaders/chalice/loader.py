"""The AWS Chalice loader: ``.chalice/config.json`` for one stage, plus ``app.py`` read statically.

A Chalice project is ``app.py`` (the application object and its decorators), ``chalicelib/``
and ``.chalice/config.json``. What Chalice deploys for a stage:

- one function, ``api_handler``, serving every ``@app.route`` through one REST API; one
  function per ``@app.authorizer``, ``@app.lambda_function`` and event handler
  (``@app.schedule``, ``@app.on_s3_event``...), and one per WebSocket handler;
- settings merged from the config's top level, then ``lambda_functions.<name>``, then the
  stage, then the stage's ``lambda_functions.<name>`` (most specific wins; environment
  variables and tags are merged key by key);
- an execution role: none managed when ``manage_iam_role`` is false (``iam_role_arn`` names
  the role), else the policy in ``iam_policy_file`` (``.chalice/policy-<stage>.json`` by
  default) when ``autogen_policy`` is false, else a policy generated from ``app.py``'s boto3
  client calls, each action granted on ``Resource: "*"``, plus CloudWatch Logs (and VPC and
  X-Ray actions when those are on). Functions with the same role settings share one role.

Routes take their auth from the decorator: ``authorizer=`` an ``@app.authorizer`` function or
a ``CustomAuthorizer`` (Lambda), a ``CognitoUserPoolAuthorizer`` (Cognito), an
``IAMAuthorizer`` (IAM); ``api_key_required=True`` alone is an API key. The project is never
run: a config that is not JSON, or an ``app.py`` that does not parse, is a finding naming the
file and line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.chalice.app_source import (
    AppSource,
    BlueprintUse,
    CallValue,
    Decorated,
    NameValue,
    read_app,
)
from faasguard.loaders.chalice.policy_table import ACTIONS, HIGH_LEVEL, METHODS, PREFIXES
from faasguard.loaders.cloudformation.iam import statements_from_document
from faasguard.loaders.handlers import find_manifests
from faasguard.loaders.interface import (
    IssueKind,
    LoadIssue,
    LoadOptions,
    LoadResult,
    issue_from_error,
)
from faasguard.loaders.yaml_safe import line_of, parse_json
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Cors,
    EnvVar,
    Function,
    Location,
    Role,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
    Vpc,
)

__all__ = ["API_HANDLER", "ChaliceLoader"]

#: The name Chalice gives the function that serves every route.
API_HANDLER: Final = "api_handler"
#: Chalice's default stage, and its default timeout (it sets one; Lambda's would be 3 s).
_DEFAULT_STAGE: Final = "dev"
_DEFAULT_TIMEOUT: Final = 60
_LOGS_ACTIONS: Final = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
_VPC_ACTIONS: Final = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DetachNetworkInterface",
    "ec2:DeleteNetworkInterface",
)
_XRAY_ACTIONS: Final = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
#: Authorizer classes of ``chalice`` and how they authenticate.
_AUTHORIZER_CLASSES: Final = {
    "CognitoUserPoolAuthorizer": AuthKind.COGNITO,
    "IAMAuthorizer": AuthKind.IAM,
    "CustomAuthorizer": AuthKind.LAMBDA_AUTHORIZER,
}
#: Event decorators -> (trigger kind, the argument naming the source).
_EVENTS: Final = {
    "schedule": (TriggerKind.SCHEDULE, "expression"),
    "on_s3_event": (TriggerKind.S3, "bucket"),
    "on_sqs_message": (TriggerKind.SQS, "queue"),
    "on_sns_message": (TriggerKind.SNS, "topic"),
    "on_cw_event": (TriggerKind.EVENTBRIDGE, "event_pattern"),
    "on_dynamodb_record": (TriggerKind.DYNAMODB_STREAM, "stream_arn"),
    "on_kinesis_record": (TriggerKind.KINESIS, "stream"),
}
_WEBSOCKET: Final = {
    "on_ws_connect": "websocket_connect",
    "on_ws_message": "websocket_message",
    "on_ws_disconnect": "websocket_disconnect",
}
#: Settings merged key by key rather than replaced.
_MERGED: Final = frozenset({"environment_variables", "tags"})


class ChaliceLoader:
    """Loads one Chalice project from its ``.chalice/config.json`` (see the module docstring)."""

    name = "chalice"

    def load(self, template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
        """Load the project whose config is at ``template`` (relative to the scan root)."""
        try:
            return _load(template, fs, options)
        except LoadError as exc:
            return LoadResult(issues=(issue_from_error(exc),))
        except RecursionError:
            return LoadResult(
                issues=(
                    LoadIssue(
                        IssueKind.PARSE_ERROR,
                        "the Chalice config nests too deeply to be read",
                        Location(template),
                    ),
                )
            )


@dataclass(frozen=True, slots=True)
class _Setting:
    """One setting's value and where it is written."""

    value: Any
    line: int | None


@dataclass(slots=True)
class _Build:
    """One load: the config, the stage, ``app.py`` and what has been built so far."""

    fs: ScanFS
    file: str
    project: str
    config: Mapping[str, Any]
    stage: str
    app_name: str
    source: AppSource | None
    issues: list[LoadIssue] = field(default_factory=list)

    def location(self, line: int | None) -> Location:
        return Location(self.file, line)

    def settings(self, function: str) -> dict[str, _Setting]:
        """Merged settings of one function (top, per-function, stage, stage per-function)."""
        stage = _map(_map(self.config.get("stages")).get(self.stage))
        layers = [
            self.config,
            _map(_map(self.config.get("lambda_functions")).get(function)),
            stage,
            _map(_map(stage.get("lambda_functions")).get(function)),
        ]
        merged: dict[str, _Setting] = {}
        for layer in layers:
            for key, value in layer.items():
                if key in ("stages", "lambda_functions"):
                    continue
                if key in _MERGED and isinstance(value, dict):
                    previous = merged.get(key)
                    combined = dict(previous.value) if previous else {}
                    combined.update({k: (v, line_of(value, k)) for k, v in value.items()})
                    merged[key] = _Setting(combined, line_of(layer, key))
                else:
                    merged[key] = _Setting(value, line_of(layer, key))
        return merged


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _load(template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
    issues: list[LoadIssue] = []
    config: Any
    if fs.exists(template):
        document = parse_json(fs.read_text(template), template)
        issues.extend(
            LoadIssue(IssueKind.DUPLICATE_KEY, message, Location(template, line))
            for line, message in document.warnings
        )
        config = document.data
    else:
        config = {}  # discovery names config.json even when the project has none
        issues.append(
            LoadIssue(
                IssueKind.MISSING_CONFIG,
                f"{template} does not exist (Chalice needs it to deploy); Chalice's defaults "
                "were assumed for every setting",
                Location(template),
            )
        )
    if posixpath.basename(template) != "config.json" and fs.exists(template):
        issues.append(
            LoadIssue(
                IssueKind.MISSING_CONFIG,
                f"the project has no .chalice/config.json; its settings were read from "
                f"{posixpath.basename(template)} instead",
                Location(template, 1),
            )
        )
    if not isinstance(config, dict):
        issues.append(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                f"{template} is not a Chalice config: the document is not a JSON object",
                Location(template, line_of(config) or 1),
            )
        )
        return LoadResult(issues=tuple(issues))
    project = posixpath.dirname(posixpath.dirname(template)) or "."
    app_py = "app.py" if project == "." else f"{project}/app.py"
    source, source_issues = read_app(fs, app_py)
    issues.extend(source_issues)
    if source is not None and source.blueprints:
        source = _with_blueprints(fs, project, source, issues)
    stages = _map(config.get("stages"))
    stage = options.stage if options.stage in stages else None
    if stage is None:
        stage = _DEFAULT_STAGE if _DEFAULT_STAGE in stages or not stages else next(iter(stages))
    name = config.get("app_name")
    if not isinstance(name, str):
        folder = fs.real_root.name if project == "." else posixpath.basename(project)
        name = (source.app_name if source else None) or folder or "chalice"
    build = _Build(fs, template, project, config, stage, name, source, issues)
    app = _application(build, options)
    unique = dict.fromkeys(replace(issue, application=app.name) for issue in build.issues)
    return LoadResult(applications=(app,), issues=tuple(unique))


def _with_blueprints(
    fs: ScanFS, project: str, source: AppSource, issues: list[LoadIssue]
) -> AppSource:
    """Blueprints ``app.py`` registers from the project's modules join the app's decorators.

    Routes get the ``url_prefix``; other functions the ``name_prefix``. A blueprint module that
    is not in the project is reported: its routes and functions are not known.
    """
    decorated = list(source.decorated)
    objects = dict(source.objects)
    base = "" if project == "." else f"{project}/"
    for use in source.blueprints:
        rel = use.module.replace(".", "/")
        candidates = (f"{base}{rel}.py", f"{base}{rel}/__init__.py")
        path = next((c for c in candidates if fs.exists(c)), None)
        if path is None:
            issues.append(
                LoadIssue(
                    IssueKind.UNRESOLVED,
                    f"blueprint {use.attr} is imported from {use.module}, which is not a module "
                    "of the project; its routes and functions are not known",
                    Location(source.file, use.line),
                )
            )
            continue
        module, module_issues = read_app(fs, path)
        issues.extend(module_issues)
        if module is None:
            continue
        for name, value in module.objects.items():
            objects.setdefault(name, value)
        decorated.extend(
            _prefixed(item, use) for item in module.decorated if item.owner == use.attr
        )
    return replace(source, decorated=tuple(decorated), objects=objects)


def _prefixed(item: Decorated, use: BlueprintUse) -> Decorated:
    if item.decorator == "route":
        path = item.args[0] if item.args else item.kwargs.get("path")
        if not isinstance(path, str) or not use.url_prefix:
            return item
        prefix = use.url_prefix.rstrip("/")
        full = prefix if path == "/" and prefix else prefix + path
        if item.args:
            return replace(item, args=(full, *item.args[1:]))
        return replace(item, kwargs={**item.kwargs, "path": full})
    if not use.name_prefix:
        return item
    return replace(item, kwargs={**item.kwargs, "name": use.name_prefix + _declared_name(item)})


def _application(build: _Build, options: LoadOptions) -> Application:
    functions = _functions(build)
    roles = _roles(build, functions)
    by_role = {fn: role.id for role in roles for fn in role.functions}
    functions = [replace(fn, role=by_role.get(fn.name)) for fn in functions]
    apis = []
    routed = [fn for fn in functions if fn.name == API_HANDLER]
    if routed:
        apis.append(
            Api(
                "RestAPI",
                TriggerKind.REST_API,
                routed[0].location,
                functions=(API_HANDLER,),
                implicit=True,
            )
        )
    websocket = tuple(fn.name for fn in functions if fn.name in _WEBSOCKET.values())
    if websocket:
        first = next(fn for fn in functions if fn.name in websocket)
        apis.append(Api("WebsocketAPI", TriggerKind.WEBSOCKET, first.location, functions=websocket))
    return Application(
        name=build.app_name,
        format=AppFormat.CHALICE,
        file=build.file,
        root=build.project,
        stage=build.stage,
        region=options.region,
        functions=tuple(functions),
        roles=tuple(roles),
        apis=tuple(apis),
    )


# -- functions ----------------------------------------------------------------------------------


def _functions(build: _Build) -> list[Function]:
    source = build.source
    if source is None:
        return []
    routes = [item for item in source.decorated if item.decorator == "route"]
    functions: list[Function] = []
    if routes:
        triggers = [t for item in routes for t in _route_triggers(build, item)]
        first = Decorated("route", "app", routes[0].line, file=source.file)  # app.app serves them
        functions.append(_function(build, API_HANDLER, first, tuple(triggers)))
    for item in source.decorated:
        name = _declared_name(item)
        if item.decorator in ("authorizer", "lambda_function"):
            functions.append(_function(build, name, item, ()))
        elif item.decorator in _EVENTS:
            trigger = _event_trigger(build, item)
            functions.append(_function(build, name, item, (trigger,)))
        elif item.decorator in _WEBSOCKET:
            trigger = Trigger(
                TriggerKind.WEBSOCKET,
                Location(item.file or source.file, item.line),
                auth=AuthKind.NONE,
                internet_reachable=True,
                path=item.decorator[len("on_ws_") :],
                api="WebsocketAPI",
            )
            functions.append(_function(build, _WEBSOCKET[item.decorator], item, (trigger,)))
    return functions


def _module_of(build: _Build, file: str) -> str:
    """``shop/chalicelib/orders.py`` -> ``chalicelib.orders`` (the handler's module)."""
    rel = file if build.project == "." else file[len(build.project) + 1 :]
    rel = rel.removesuffix(".py").removesuffix("/__init__")
    return rel.replace("/", ".")


def _declared_name(item: Decorated) -> str:
    name = item.kwargs.get("name")
    return name if isinstance(name, str) else item.function


def _function(build: _Build, name: str, item: Decorated, triggers: tuple[Trigger, ...]) -> Function:
    settings = build.settings(name)
    app_file = item.file or (build.source.file if build.source else f"{build.project}/app.py")
    handler, line = item.function, item.line

    def number(key: str, default: int | None = None) -> int | Unknown | None:
        setting = settings.get(key)
        if setting is None:
            return default
        value = setting.value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return Unknown(str(value)[:80], f"{key} is not a number")

    subnets = _strings(settings.get("subnet_ids"))
    groups = _strings(settings.get("security_group_ids"))
    xray = settings.get("xray")
    return Function(
        name=name,
        application=build.app_name,
        location=Location(app_file, line),
        handler=f"{_module_of(build, app_file)}.{handler}",
        handler_file=app_file,
        handler_function=handler,
        code_root=build.project,
        memory=number("lambda_memory_size"),
        timeout=number("lambda_timeout", _DEFAULT_TIMEOUT),
        reserved_concurrency=number("reserved_concurrency"),
        environment=_environment(build, settings.get("environment_variables")),
        layers=_strings(settings.get("layers")),
        tracing="Active" if xray is not None and xray.value is True else None,
        vpc=Vpc(subnets, groups) if subnets or groups else None,
        tags={str(k): str(v) for k, (v, _) in _map(_value(settings.get("tags"))).items()},
        triggers=triggers,
        dependency_manifests=find_manifests(build.fs, build.project),
    )


def _value(setting: _Setting | None) -> Any:
    return setting.value if setting is not None else None


def _strings(setting: _Setting | None) -> tuple[str | Unknown, ...]:
    value = _value(setting)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(i if isinstance(i, str) else Unknown(str(i)[:80], "not a string") for i in items)


def _environment(build: _Build, setting: _Setting | None) -> tuple[EnvVar, ...]:
    variables = _map(_value(setting))
    return tuple(
        EnvVar(
            str(key),
            value if isinstance(value, str) else str(value),
            build.location(line),
            "config",
        )
        for key, (value, line) in variables.items()
    )


def _route_triggers(build: _Build, item: Decorated) -> list[Trigger]:
    assert build.source is not None
    path = item.args[0] if item.args else item.kwargs.get("path")
    methods = item.kwargs.get("methods", ["GET"])
    if not isinstance(methods, list):
        methods = [methods]
    auth = _route_auth(build.source, item)
    private = _value(build.settings(API_HANDLER).get("api_gateway_endpoint_type")) == "PRIVATE"
    where = Location(item.file or build.source.file, item.line)
    cors = _cors(build.source, item.kwargs.get("cors"), where)
    return [
        Trigger(
            kind=TriggerKind.REST_API,
            location=where,
            auth=auth,
            internet_reachable=not private,
            path=path if isinstance(path, (str, Unknown)) else Unknown(str(path), "not a path"),
            method=method.upper() if isinstance(method, str) else Unknown(str(method), "method"),
            cors=cors,
            api="RestAPI",
            properties={"view": item.function},
        )
        for method in methods
    ]


def _route_auth(source: AppSource, item: Decorated) -> AuthKind:
    authorizer = item.kwargs.get("authorizer")
    api_key = item.kwargs.get("api_key_required")
    if authorizer is None:
        if isinstance(api_key, Unknown):
            return AuthKind.UNKNOWN
        return AuthKind.API_KEY if api_key is True else AuthKind.NONE
    if isinstance(authorizer, NameValue):
        if any(
            d.decorator == "authorizer" and d.function == authorizer.name for d in source.decorated
        ):
            return AuthKind.LAMBDA_AUTHORIZER  # a built-in authorizer of this app
        authorizer = source.objects.get(authorizer.name)
    if isinstance(authorizer, CallValue):
        return _AUTHORIZER_CLASSES.get(authorizer.callee, AuthKind.UNKNOWN)
    return AuthKind.UNKNOWN


def _cors(source: AppSource, value: Any, location: Location) -> Cors | None:
    if value is None or value is False:
        return None
    if value is True:
        return Cors(("*",), location=location)
    if isinstance(value, NameValue):
        value = source.objects.get(value.name)
    if isinstance(value, CallValue) and value.callee == "CORSConfig":
        origin = value.kwargs.get("allow_origin", "*")
        credentials = value.kwargs.get("allow_credentials")
        return Cors(
            (origin if isinstance(origin, (str, Unknown)) else Unknown(str(origin), "origin"),),
            allow_credentials=credentials if isinstance(credentials, (bool, Unknown)) else None,
            location=location,
        )
    unknown = Unknown(str(value)[:80], "CORS settings not readable statically")
    return Cors((unknown,), allow_credentials=unknown, location=location)


def _event_trigger(build: _Build, item: Decorated) -> Trigger:
    assert build.source is not None
    kind, key = _EVENTS[item.decorator]
    source = item.args[0] if item.args else item.kwargs.get(key)
    if kind is TriggerKind.SQS and source is None:
        source = item.kwargs.get("queue_arn")
    properties = {k: v for k, v in item.kwargs.items() if k not in (key, "name")}
    text = source if isinstance(source, (str, Unknown)) else None
    if kind in (TriggerKind.SCHEDULE, TriggerKind.EVENTBRIDGE):
        properties[key] = source if not isinstance(source, (NameValue, CallValue)) else None
        text = None
    return Trigger(
        kind=kind,
        location=Location(item.file or build.source.file, item.line),
        source=text,
        properties=properties,
    )


# -- roles --------------------------------------------------------------------------------------


def _role_key(settings: Mapping[str, _Setting], stage: str) -> tuple[Any, ...]:
    manage = _value(settings.get("manage_iam_role"))
    autogen = _value(settings.get("autogen_policy"))
    policy = _value(settings.get("iam_policy_file")) or f"policy-{stage}.json"
    if manage is False:
        return ("external", _value(settings.get("iam_role_arn")))
    if autogen is False:
        return ("file", policy)
    vpc = bool(settings.get("subnet_ids")) and bool(settings.get("security_group_ids"))
    return ("autogen", vpc, _value(settings.get("xray")) is True)


def _roles(build: _Build, functions: Iterable[Function]) -> list[Role]:
    groups: dict[tuple[Any, ...], list[str]] = {}
    where: dict[tuple[Any, ...], Mapping[str, _Setting]] = {}
    for fn in functions:
        own = build.settings(fn.name)
        key = _role_key(own, build.stage)
        groups.setdefault(key, []).append(fn.name)
        where.setdefault(key, own)
    roles = []
    default = f"{build.app_name}-{build.stage}"
    for index, (key, names) in enumerate(groups.items()):
        settings = where[key]
        role_id = default if index == 0 else f"{default}-{names[0]}"
        if key[0] == "external":
            arn = key[1]
            roles.append(
                Role(
                    id=arn if isinstance(arn, str) else f"{default}-external",
                    location=build.location(_line(settings, "iam_role_arn", "manage_iam_role")),
                    functions=tuple(names),
                    external=True,
                )
            )
            continue
        if key[0] == "file":
            statements = _policy_file(build, key[1], settings)
        else:
            statements = _autogen(build, settings, vpc=key[1], xray=key[2])
        roles.append(
            Role(
                id=role_id,
                location=build.location(_line(settings, "iam_policy_file", "autogen_policy")),
                statements=tuple(statements),
                functions=tuple(names),
                trusted_services=("lambda.amazonaws.com",),
            )
        )
    return roles


def _line(settings: Mapping[str, _Setting], *keys: str) -> int:
    for key in keys:
        setting = settings.get(key)
        if setting is not None and setting.line:
            return setting.line
    return 1


def _policy_file(build: _Build, name: Any, settings: Mapping[str, _Setting]) -> list[Statement]:
    line = _line(settings, "iam_policy_file", "autogen_policy")
    origin = f"Chalice iam_policy_file {name}"
    if not isinstance(name, str):
        unknown = Unknown(str(name)[:80], "iam_policy_file is not a file name")
        return [Statement(unknown, (unknown,), build.location(line), origin, resources=(unknown,))]
    folder = posixpath.dirname(build.file) or "."
    try:
        path = build.fs.join(folder, name, referrer=build.file, line=line)
        document = parse_json(build.fs.read_text(path), path)
    except LoadError as exc:
        build.issues.append(issue_from_error(exc))
        unknown = Unknown(name, "the policy file could not be read")
        return [Statement(unknown, (unknown,), build.location(line), origin, resources=(unknown,))]
    return statements_from_document(document.data, file=path, origin=origin, line=1)


def _autogen(
    build: _Build, settings: Mapping[str, _Setting], *, vpc: bool, xray: bool
) -> list[Statement]:
    """The policy Chalice generates: boto3 client calls of app.py on ``*``, then logs."""
    statements = []
    source = build.source
    calls = source.client_calls if source else {}
    for service in sorted(calls):
        actions = _actions(service, calls[service])
        if not actions or source is None:
            continue
        statements.append(
            Statement(
                effect="Allow",
                actions=tuple(actions),
                resources=("*",),
                location=Location(source.file, min(calls[service].values())),
                origin=f"Chalice autogen_policy ({service} client calls in app.py)",
            )
        )
    location = build.location(_line(settings, "autogen_policy"))
    extra: list[tuple[str, tuple[str, ...], str]] = [
        ("CloudWatch Logs", _LOGS_ACTIONS, "arn:*:logs:*:*:*")
    ]
    if vpc:
        extra.append(("VPC", _VPC_ACTIONS, "*"))
    if xray:
        extra.append(("X-Ray", _XRAY_ACTIONS, "*"))
    statements.extend(
        Statement(
            "Allow",
            actions,
            location,
            f"Chalice autogen_policy ({label})",
            resources=(resource,),
        )
        for label, actions, resource in extra
    )
    return statements


def _actions(service: str, methods: Mapping[str, int]) -> list[str]:
    """IAM actions of boto3 client calls, as Chalice's policy generator maps them."""
    prefix = PREFIXES.get(service)
    if prefix is None:
        return []  # Chalice prints "Unsupported service" and grants nothing for it
    found: set[str] = set()
    for method in methods:
        high = HIGH_LEVEL.get(service, {}).get(method)
        if high:
            found.update(high)
            continue
        api = METHODS.get(service, {}).get(method) or "".join(
            part[:1].upper() + part[1:] for part in method.split("_")
        )
        found.add(ACTIONS.get(service, {}).get(api, f"{prefix}:{api}"))
    return sorted(found)
