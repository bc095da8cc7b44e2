"""Small builders for model objects, so each rule test states only what matters to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from faasguard.findings import Finding, Severity
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    AuthKind,
    Function,
    FunctionUrl,
    Location,
    Resource,
    Trigger,
    TriggerKind,
    Unknown,
)
from faasguard.rules.interface import RuleContext, RuleOptions

APP = "shop"
FILE = "shop/serverless.yml"
TODAY = date(2026, 11, 28)


def loc(line: int | None, file: str = FILE) -> Location:
    return Location(file, line)


def function(name: str = "api", *, line: int = 10, **changes: Any) -> Function:
    """A zip function called ``name`` declared at ``line``; ``changes`` override any field."""
    base = Function(name=name, application=APP, location=loc(line), resource_id=f"{name}Fn")
    return dataclasses.replace(base, **changes)


def trigger(kind: TriggerKind, *, line: int = 20, **changes: Any) -> Trigger:
    return dataclasses.replace(Trigger(kind=kind, location=loc(line)), **changes)


def public_route(
    kind: TriggerKind = TriggerKind.HTTP_API,
    *,
    line: int = 20,
    auth: AuthKind = AuthKind.NONE,
    method: str | None = "GET",
    path: str | Unknown | None = "/orders",
    **changes: Any,
) -> Trigger:
    return trigger(
        kind,
        line=line,
        auth=auth,
        internet_reachable=True,
        method=method,
        path=path,
        api="HttpApi",
        **changes,
    )


def url(auth_type: Any = "NONE", *, line: int = 15, **changes: Any) -> FunctionUrl:
    return dataclasses.replace(FunctionUrl(auth_type=auth_type, location=loc(line)), **changes)


def resource(
    rid: str,
    rtype: str,
    *,
    line: int = 50,
    properties: Mapping[str, Any] | None = None,
    property_lines: Mapping[str, int] | None = None,
) -> Resource:
    return Resource(
        id=rid,
        type=rtype,
        location=loc(line),
        properties=dict(properties or {}),
        property_lines=dict(property_lines or {}),
    )


def api(
    aid: str = "HttpApi", kind: TriggerKind = TriggerKind.HTTP_API, *, line: int = 5, **changes: Any
) -> Api:
    return dataclasses.replace(Api(id=aid, kind=kind, location=loc(line)), **changes)


def application(
    functions: Iterable[Function] = (),
    *,
    fmt: AppFormat = AppFormat.SERVERLESS,
    resources: Iterable[Resource] = (),
    apis: Iterable[Api] = (),
) -> Application:
    return Application(
        name=APP,
        format=fmt,
        file=FILE,
        root="shop",
        functions=tuple(functions),
        resources=tuple(resources),
        apis=tuple(apis),
    )


def context(
    app: Application | None = None,
    *,
    today: date = TODAY,
    naming_pattern: str | None = None,
    deprecation_warning_days: int = 90,
    extra: Mapping[str, Mapping[str, Any]] | None = None,
    readme_dirs: Iterable[str] = (),
) -> RuleContext:
    return RuleContext(
        app=app if app is not None else application(),
        options=RuleOptions(
            today=today,
            naming_pattern=naming_pattern,
            deprecation_warning_days=deprecation_warning_days,
            extra=dict(extra or {}),
        ),
        readme_dirs=frozenset(readme_dirs),
    )


class Brief(NamedTuple):
    """The parts of a finding a rule test asserts exactly."""

    rule_id: str
    function: str | None
    resource: str | None
    file: str
    line: int | None
    severity: Severity


def brief(finding: Finding) -> Brief:
    return Brief(
        finding.rule_id,
        finding.function,
        finding.resource,
        finding.file,
        finding.line,
        finding.severity,
    )


def briefs(findings: Iterable[Finding]) -> list[Brief]:
    return [brief(f) for f in findings]
