"""What a Chalice ``app.py`` declares, read with :mod:`ast` and never run.

Chalice builds its functions from decorators on the application object: ``@app.route`` (one
REST API, served by a single ``api_handler`` function), ``@app.authorizer`` (a Lambda
authorizer), ``@app.lambda_function``, ``@app.schedule``, ``@app.on_s3_event``,
``@app.on_sqs_message``, ``@app.on_sns_message``, ``@app.on_cw_event``,
``@app.on_dynamodb_record``, ``@app.on_kinesis_record`` and the ``@app.on_ws_*`` WebSocket
handlers. Their arguments are read when they are literals, names of module-level objects
(``auth = CognitoUserPoolAuthorizer(...)``) or constructor calls; anything else stays an
:class:`~faasguard.model.Unknown`.

Chalice's ``autogen_policy`` grants the actions of the boto3 client calls it finds in
``app.py``; :attr:`AppSource.client_calls` records the same calls (``x = boto3.client("s3")``
then ``x.get_object(...)``, or ``boto3.client("s3").get_object(...)``).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.model import Location, Unknown

__all__ = ["AppSource", "BlueprintUse", "CallValue", "Decorated", "NameValue", "read_app"]

#: Objects whose decorators declare functions.
_APP_CLASSES: Final = frozenset({"Chalice", "Blueprint"})
#: boto3 client methods that are not API calls (no IAM action).
_NOT_API: Final = frozenset(
    {
        "can_paginate",
        "close",
        "generate_presigned_post",
        "generate_presigned_url",
        "get_paginator",
        "get_waiter",
    }
)


@dataclass(frozen=True, slots=True)
class NameValue:
    """An argument that is a bare name (``authorizer=auth``)."""

    name: str


@dataclass(frozen=True, slots=True)
class CallValue:
    """An argument that is a constructor call (``cors=CORSConfig(allow_origin="*")``)."""

    callee: str
    kwargs: Mapping[str, Any]
    args: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Decorated:
    """One function and one of its Chalice decorators.

    Attributes:
        decorator: ``route``, ``schedule``, ``on_s3_event``...
        function: the Python function's name.
        line: the decorator's line.
        args: positional arguments (literals, :class:`NameValue`, :class:`CallValue` or Unknown).
        kwargs: keyword arguments, same values.
        owner: the name of the ``Chalice``/``Blueprint`` object the decorator is on.
        file: the file the function is written in.
    """

    decorator: str
    function: str
    line: int
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    owner: str = ""
    file: str = ""


@dataclass(frozen=True, slots=True)
class BlueprintUse:
    """``app.register_blueprint(bp, url_prefix=..., name_prefix=...)`` of an imported blueprint.

    Attributes:
        module: the module the blueprint is imported from (``chalicelib.orders``).
        attr: its name in that module.
        url_prefix: prepended to its routes.
        name_prefix: prepended to its functions' names.
        line: the line of the call.
    """

    module: str
    attr: str
    url_prefix: str = ""
    name_prefix: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class AppSource:
    """What ``app.py`` declares.

    Attributes:
        file: the file read.
        app_name: the literal ``Chalice(app_name=...)``, when given.
        decorated: every decorated function, in source order.
        objects: module-level names bound to calls (``auth = IAMAuthorizer()``).
        client_calls: boto3 client name -> method -> first line it is called on.
        blueprints: the imported blueprints the application registers.
        module: the dotted module name of the file (``app``, ``chalicelib.orders``).
    """

    file: str
    app_name: str | None = None
    decorated: tuple[Decorated, ...] = ()
    objects: Mapping[str, CallValue] = field(default_factory=dict)
    client_calls: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    blueprints: tuple[BlueprintUse, ...] = ()
    module: str = "app"


def read_app(fs: ScanFS, path: str) -> tuple[AppSource | None, list[LoadIssue]]:
    """Parse ``path`` and return what it declares, or None with the reason as an issue."""
    try:
        text = fs.read_text(path)
    except LoadError as exc:
        return None, [issue_from_error(exc)]
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        return None, [
            LoadIssue(
                IssueKind.PARSE_ERROR,
                f"invalid Python: {exc.msg}; the Chalice app's functions are not known",
                Location(path, exc.lineno or 1),
            )
        ]
    except (RecursionError, MemoryError, ValueError):
        return None, [
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "app.py nests too deeply to be read; the Chalice app's functions are not known",
                Location(path, 1),
            )
        ]
    try:
        return _Reader(path).read(tree), []
    except (RecursionError, MemoryError):
        return None, [
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "app.py nests too deeply to be read; the Chalice app's functions are not known",
                Location(path, 1),
            )
        ]


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.objects: dict[str, CallValue] = {}
        self.apps: set[str] = set()
        self.app_name: str | None = None
        self.clients: dict[str, str] = {}
        self.calls: dict[str, dict[str, int]] = {}
        self.imports: dict[str, tuple[str, str]] = {}

    def read(self, tree: ast.Module) -> AppSource:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                call = _call(node.value)
                for target in node.targets:
                    if isinstance(target, ast.Name) and call is not None:
                        self.objects[target.id] = call
                        if call.callee in _APP_CLASSES:
                            self.apps.add(target.id)
                            if call.callee == "Chalice":
                                self._name(call)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module, alias.name)
        decorated = [
            item
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for item in self._decorators(node)
        ]
        self._clients(tree)
        return AppSource(
            file=self.path,
            app_name=self.app_name,
            decorated=tuple(decorated),
            objects=self.objects,
            client_calls=self.calls,
            blueprints=tuple(self._blueprints(tree)),
        )

    def _blueprints(self, tree: ast.Module) -> list[BlueprintUse]:
        """``app.register_blueprint(bp, ...)`` of a blueprint imported with ``from m import bp``."""
        uses = []
        for node in tree.body:
            call = node.value if isinstance(node, ast.Expr) else None
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "register_blueprint"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id in self.apps
                and call.args
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id in self.imports
            ):
                continue
            module, attr = self.imports[call.args[0].id]
            options = {kw.arg: _value(kw.value) for kw in call.keywords if kw.arg}
            url = options.get("url_prefix")
            name = options.get("name_prefix")
            uses.append(
                BlueprintUse(
                    module,
                    attr,
                    url if isinstance(url, str) else "",
                    name if isinstance(name, str) else "",
                    call.lineno,
                )
            )
        return uses

    def _name(self, call: CallValue) -> None:
        name = call.kwargs.get("app_name", call.args[0] if call.args else None)
        self.app_name = name if isinstance(name, str) else None

    def _decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Decorated]:
        found = []
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if not (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in self.apps
            ):
                continue
            call = _call(deco) if isinstance(deco, ast.Call) else None
            found.append(
                Decorated(
                    decorator=target.attr,
                    function=node.name,
                    line=deco.lineno,
                    args=call.args if call else (),
                    kwargs=call.kwargs if call else {},
                    owner=target.value.id,
                    file=self.path,
                )
            )
        return found

    def _clients(self, tree: ast.Module) -> None:
        """boto3 clients bound to names, then the methods called on them (anywhere)."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                service = _client_service(node.value)
                for target in node.targets:
                    if service and isinstance(target, (ast.Name, ast.Attribute)):
                        self.clients[ast.unparse(target)] = service
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            service = (
                _client_service(receiver)
                if isinstance(receiver, ast.Call)
                else self.clients.get(ast.unparse(receiver))
            )
            method = node.func.attr
            if service and method not in _NOT_API and not method.startswith("_"):
                lines = self.calls.setdefault(service, {})
                lines[method] = min(lines.get(method, node.lineno), node.lineno)


def _client_service(call: ast.Call) -> str | None:
    """``boto3.client("s3")`` (or ``session.client(...)``) -> ``"s3"``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "client"):
        return None
    first = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "service_name":
            first = keyword.value
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def _call(node: ast.Call) -> CallValue | None:
    callee = node.func.attr if isinstance(node.func, ast.Attribute) else None
    if isinstance(node.func, ast.Name):
        callee = node.func.id
    if callee is None:
        return None
    kwargs = {kw.arg: _value(kw.value) for kw in node.keywords if kw.arg is not None}
    return CallValue(callee, kwargs, tuple(_value(arg) for arg in node.args))


def _value(node: ast.expr) -> Any:
    """A literal, a name, a constructor call, or Unknown."""
    if isinstance(node, ast.Name):
        return NameValue(node.id)
    if isinstance(node, ast.Call):
        call = _call(node)
        if call is not None:
            return call
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return Unknown(ast.unparse(node)[:80], "not a literal in app.py")
