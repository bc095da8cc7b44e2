"""Builders for the permission and data rule tests: roles, statements, env vars, resources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from faasguard.findings import Finding, Severity
from faasguard.model import (
    AppFormat,
    Application,
    EnvVar,
    Function,
    Location,
    Resource,
    Role,
    Statement,
    Unknown,
)
from faasguard.rules.interface import Rule, RuleContext, RuleOptions

APP = "shop"
FILE = "serverless.yml"
TODAY = date(2026, 11, 28)


def loc(line: int | None, file: str = FILE) -> Location:
    return Location(file, line)


def stmt(
    actions: Iterable[str | Unknown] = (),
    resources: Iterable[str | Unknown] = ("*",),
    *,
    line: int = 20,
    effect: str | Unknown = "Allow",
    not_actions: Iterable[str | Unknown] = (),
    not_resources: Iterable[str | Unknown] = (),
    condition: Mapping[str, Any] | Unknown | None = None,
    sid: str | None = None,
    origin: str | None = None,
) -> Statement:
    return Statement(
        effect=effect,
        actions=tuple(actions),
        location=loc(line),
        origin=origin or f"provider.iam.role.statements@{line}",
        not_actions=tuple(not_actions),
        resources=tuple(resources) if not not_resources else (),
        not_resources=tuple(not_resources),
        condition=condition,
        sid=sid,
    )


def role(
    *statements: Statement,
    rid: str = "IamRoleLambdaExecution",
    line: int = 12,
    functions: Iterable[str] = ("api",),
    managed: Iterable[str | Unknown] = (),
    external: bool = False,
    boundary: str | Unknown | None = None,
) -> Role:
    return Role(
        id=rid,
        location=loc(line),
        statements=statements,
        managed_policies=tuple(managed),
        functions=tuple(functions),
        external=external,
        permissions_boundary=boundary,
    )


def env(
    name: str,
    value: str | Unknown,
    *,
    line: int = 30,
    raw: str | None = None,
    origin: str = "function",
) -> EnvVar:
    return EnvVar(name=name, value=value, location=loc(line), origin=origin, raw=raw)


def fn(name: str = "api", *environment: EnvVar, line: int = 10) -> Function:
    return Function(
        name=name,
        application=APP,
        location=loc(line),
        resource_id=f"{name.capitalize()}LambdaFunction",
        environment=environment,
    )


def res(
    rid: str,
    rtype: str,
    properties: Mapping[str, Any] | None = None,
    *,
    line: int = 50,
    lines: Mapping[str, int] | None = None,
    file: str = FILE,
) -> Resource:
    return Resource(
        id=rid,
        type=rtype,
        location=loc(line, file),
        properties=dict(properties or {}),
        property_lines=dict(lines or {}),
    )


def app(
    *,
    roles: Iterable[Role] = (),
    functions: Iterable[Function] = (),
    resources: Iterable[Resource] = (),
    fmt: AppFormat = AppFormat.SERVERLESS,
) -> Application:
    return Application(
        name=APP,
        format=fmt,
        file=FILE,
        root=".",
        functions=tuple(functions),
        roles=tuple(roles),
        resources=tuple(resources),
    )


def ctx(
    application: Application | None = None, *, extra: Mapping[str, Mapping[str, Any]] | None = None
) -> RuleContext:
    return RuleContext(
        app=application if application is not None else app(),
        options=RuleOptions(today=TODAY, extra=dict(extra or {})),
    )


class Brief(NamedTuple):
    """The parts of a finding a test asserts exactly."""

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


def run_role(rule: type[Rule], r: Role, **kw: Any) -> list[Finding]:
    context = ctx(app(roles=[r], fmt=kw.pop("fmt", AppFormat.SERVERLESS)), **kw)
    return list(rule().check(r, context))  # type: ignore[attr-defined]


def run_resource(
    rule: type[Rule], r: Resource, application: Application | None = None
) -> list[Finding]:
    context = ctx(application if application is not None else app(resources=[r]))
    return list(rule().check(r, context))  # type: ignore[attr-defined]


def run_app(rule: type[Rule], application: Application) -> list[Finding]:
    return list(rule().check(application, ctx(application)))  # type: ignore[attr-defined]


def run_family(r: Role, **kw: Any) -> list[Finding]:
    """Run every permission rule on one role, in id order (the order of the family's RULES)."""
    from faasguard.rules.interface import RoleRule
    from faasguard.rules.permissions import RULES

    context = ctx(app(roles=[r], fmt=kw.pop("fmt", AppFormat.SERVERLESS)), **kw)
    found: list[Finding] = []
    for rule in sorted(RULES, key=lambda rule: rule.id):
        if issubclass(rule, RoleRule):  # FG1040 unused-grant comes from the code analyzer
            found.extend(rule().check(r, context))
    return found
