"""Compare the templates with the deployed account: functions, permissions, triggers (FG9004).

Pure: two lists of applications in, findings out. A function of the account is matched to a
template function by the ``aws:cloudformation:logical-id`` tag CloudFormation puts on what it
deploys (SAM and the Serverless Framework deploy through CloudFormation), else by name: the
logical name itself, CloudFormation's generated ``stack-LogicalId-SUFFIX``, or Serverless's
``service-stage-function``. Only what both sides state is compared: a template permission or
trigger that cannot be resolved statically is not called missing from the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from faasguard.findings import Finding
from faasguard.model import Application, Function, Location, Role, Trigger, TriggerKind, Unknown
from faasguard.rules._drift import DeploymentDrift
from faasguard.rules.interface import RuleContext, RuleOptions

__all__ = ["LOGICAL_ID_TAG", "drift_findings"]

LOGICAL_ID_TAG: Final = "aws:cloudformation:logical-id"
_HTTP: Final = frozenset({TriggerKind.REST_API, TriggerKind.HTTP_API, TriggerKind.WEBSOCKET})
_NAME_KEYS: Final = ("QueueName", "TopicName", "BucketName", "Name", "StreamName", "TableName")
_RULE: Final = DeploymentDrift()


@dataclass(frozen=True, slots=True)
class _Side:
    app: Application
    fn: Function


def drift_findings(
    templates: Sequence[Application], account: Sequence[Application], *, options: RuleOptions
) -> list[Finding]:
    """Every difference between ``templates`` and ``account`` (the regions read)."""
    declared = [_Side(app, fn) for app in templates for fn in app.functions]
    deployed = [_Side(app, fn) for app in account for fn in app.functions]
    regions = ", ".join(app.name for app in account) or "the account"
    files = ", ".join(sorted({app.file for app in templates})) or "the templates"
    findings: list[Finding] = []
    matched: set[int] = set()
    for live in deployed:
        index = _match(live, declared, matched)
        if index is None:
            findings.append(
                _finding(
                    live.app,
                    options,
                    live.fn.name,
                    live.fn.location,
                    f"Function `{live.fn.name}` runs in {live.app.name} ({live.fn.location.file}) "
                    f"but no scanned template declares it ({files}).",
                    f"function {live.fn.name}: account only",
                )
            )
            continue
        matched.add(index)
        template = declared[index]
        findings += _permission_drift(template, live, options)
        findings += _trigger_drift(template, live, options)
    for index, template in enumerate(declared):
        if index not in matched:
            findings.append(
                _finding(
                    template.app,
                    options,
                    template.fn.name,
                    template.fn.location,
                    f"Function `{template.fn.name}` is declared in {template.fn.location} but "
                    f"is not deployed in {regions}.",
                    f"function {template.fn.name}: template only",
                )
            )
    return findings


def _match(live: _Side, declared: Sequence[_Side], taken: set[int]) -> int | None:
    logical = live.fn.tags.get(LOGICAL_ID_TAG)
    name = live.fn.name
    for tagged in (True, False):
        for index, side in enumerate(declared):
            if index in taken:
                continue
            ids = {side.fn.name, side.fn.resource_id or side.fn.name}
            if tagged:
                if isinstance(logical, str) and logical in ids:
                    return index
                continue
            stage = side.app.stage or "dev"
            if name in ids or name == f"{side.app.name}-{stage}-{side.fn.name}":
                return index
            if any(_generated_from(name, i) for i in ids):
                return index
    return None


# -- permissions ------------------------------------------------------------------------------


def _grants(role: Role | None) -> tuple[set[str], bool]:
    """Allowed actions (lower case) and managed policy ARNs; False when not fully known."""
    if role is None or role.external:
        return set(), False
    found: set[str] = set()
    complete = True
    for stmt in role.statements:
        if stmt.effect != "Allow":
            complete = complete and isinstance(stmt.effect, str)
            continue
        for action in stmt.actions:
            if isinstance(action, str):
                found.add(action.lower())
            else:
                complete = False
        if stmt.not_actions:
            complete = False
    for policy in role.managed_policies:
        if isinstance(policy, str):
            found.add(f"managed policy {policy}")
        else:
            complete = False
    return found, complete


def _permission_drift(template: _Side, live: _Side, options: RuleOptions) -> Iterable[Finding]:
    declared, complete = _grants(template.app.role(template.fn.role))
    deployed, readable = _grants(live.app.role(live.fn.role))
    if not readable or (not declared and not complete):
        return
    role_where = live.fn.role or "its role"
    if complete:
        for action in sorted(deployed - declared):
            yield _finding(
                live.app,
                options,
                live.fn.name,
                live.fn.location,
                f"Function `{live.fn.name}`: its role in {live.app.name} ({role_where}) allows "
                f"`{action}`, which its template ({template.fn.location}, function "
                f"`{template.fn.name}`) does not grant.",
                f"permission {action}: account only",
            )
    for action in sorted(declared - deployed):
        yield _finding(
            template.app,
            options,
            template.fn.name,
            template.fn.location,
            f"Function `{template.fn.name}`: {template.fn.location} grants `{action}`, which its "
            f"deployed role in {live.app.name} ({role_where}) does not allow.",
            f"permission {action}: template only",
        )


# -- triggers ---------------------------------------------------------------------------------


def _trigger_drift(template: _Side, live: _Side, options: RuleOptions) -> Iterable[Finding]:
    wanted = list(template.fn.triggers)
    for trigger in live.fn.triggers:
        index = next(
            (i for i, t in enumerate(wanted) if _same_trigger(t, template.app, trigger)), None
        )
        if index is not None:
            wanted.pop(index)
            continue
        yield _finding(
            live.app,
            options,
            live.fn.name,
            trigger.location,
            f"Function `{live.fn.name}`: {_describe(trigger)} in {live.app.name} has no "
            f"counterpart in its template ({template.fn.location}, function "
            f"`{template.fn.name}`).",
            f"trigger {_describe(trigger)}: account only",
        )
    for trigger in wanted:
        if _unresolved(trigger):
            continue
        yield _finding(
            template.app,
            options,
            template.fn.name,
            trigger.location,
            f"Function `{template.fn.name}`: {_describe(trigger)} declared at {trigger.location} "
            f"is not deployed in {live.app.name} (function `{live.fn.name}`).",
            f"trigger {_describe(trigger)}: template only",
        )


def _same_trigger(declared: Trigger, app: Application, deployed: Trigger) -> bool:
    if declared.kind is not deployed.kind:
        return False
    if declared.kind in _HTTP:
        return _route(declared) == _route(deployed) or _unresolved(declared)
    if declared.kind is TriggerKind.FUNCTION_URL:
        return True
    names = _template_names(declared, app)
    if not names:
        return True  # the template does not name its source (SAM's implicit schedule rules)
    tail = _tail(deployed.source)
    return tail in names or any(_generated_from(tail, n) for n in names)


def _generated_from(name: str, logical: str) -> bool:
    """Whether ``name`` is CloudFormation's ``<stack>-<logical>-<suffix>`` for ``logical``.

    String tests rather than a regular expression built per pair: drift matching compares
    every deployed name with every declared one, and hundreds of distinct patterns overflow
    ``re``'s cache so each would be compiled again.
    """
    head, _, suffix = name.rpartition("-")
    return (
        suffix.isascii()
        and suffix.isalnum()
        and head.endswith("-" + logical)
        and len(head) > len(logical) + 1
        and "\n" not in head
    )


def _route(trigger: Trigger) -> tuple[str, str]:
    method = trigger.method if isinstance(trigger.method, str) else ""
    path = trigger.path if isinstance(trigger.path, str) else ""
    return method.upper(), (path.rstrip("/") or "/")


def _unresolved(trigger: Trigger) -> bool:
    return any(isinstance(v, Unknown) for v in (trigger.source, trigger.path, trigger.method))


def _template_names(trigger: Trigger, app: Application) -> set[str]:
    source = trigger.source
    if source is None or isinstance(source, Unknown):
        text = source.expression if isinstance(source, Unknown) else ""
        refs = set(re.findall(r"(?:!Ref|!GetAtt)\s+([A-Za-z0-9]+)", text))
    else:
        refs = {source}
    names: set[str] = set()
    for ref in refs:
        names.add(_tail(ref))
        res = app.resource(ref)
        if res is not None:
            for key in _NAME_KEYS:
                value = res.properties.get(key)
                if isinstance(value, str):
                    names.add(value)
    return {n for n in names if n}


def _tail(source: str | Unknown | None) -> str:
    if not isinstance(source, str):
        return ""
    if source.startswith("arn:") and ":s3:::" in source:
        return source.split(":::", 1)[1].split("/", 1)[0]
    return source.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def _describe(trigger: Trigger) -> str:
    if trigger.kind in _HTTP:
        method, path = _route(trigger)
        return f"{trigger.kind.value} route `{method} {path}`"
    if trigger.kind is TriggerKind.FUNCTION_URL:
        return "function URL"
    source = trigger.source.expression if isinstance(trigger.source, Unknown) else trigger.source
    return f"{trigger.kind.value} trigger `{source}`" if source else f"{trigger.kind.value} trigger"


def _finding(
    app: Application,
    options: RuleOptions,
    function: str,
    location: Location,
    message: str,
    evidence: str,
) -> Finding:
    return _RULE.finding(
        RuleContext(app=app, options=options),
        message=message,
        location=location,
        function=function,
        resource=None,
        evidence=evidence,
        remediation=(
            "Make the template the whole truth: declare what the account runs (and deploy), or "
            "remove from the account what no template declares."
        ),
        fingerprint_extra=evidence,
    )
