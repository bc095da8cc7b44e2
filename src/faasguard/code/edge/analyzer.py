"""The code-edge analyzer: egress inventories and the findings of the edge analyses.

It runs after the rules on each application, like the dependency analyzer
(:class:`faasguard.engine.Analyzer`), reads each function's own code from the shared code layer,
and yields one :class:`~faasguard.code.edge.outbound.FunctionEgress` per function, then the
findings of FG4021 (secrets in code), FG5001/FG5002 (TLS off, plain HTTP) and FG6007 (no input
validation). A file shared by several functions yields one finding naming all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faasguard.code.edge.entry import entry_facts
from faasguard.code.edge.facts import edge_index
from faasguard.code.edge.outbound import (
    FunctionEgress,
    egress_of,
    plaintext_env,
    plaintext_http,
    tls_disabled,
)
from faasguard.code.edge.secrets import secrets_in
from faasguard.code.edge.validation import UnvalidatedInput, unvalidated_input
from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import Application, Function, Location
from faasguard.rules.registry import rule_by_name
from faasguard.rules.secrets import SecretMatch

if TYPE_CHECKING:
    from faasguard.deps.inventory import FunctionDependencies
    from faasguard.fs import ScanFS
    from faasguard.loaders.interface import LoadIssue

__all__ = ["CodeEdgeAnalyzer"]


@dataclass(slots=True)
class _Group:
    """One finding-to-be, and every function whose code holds it."""

    rule: str
    location: Location
    evidence: str
    message: str
    remediation: str
    severity: Severity | None = None
    confidence: Confidence | None = None
    functions: list[Function] = field(default_factory=list)


class CodeEdgeAnalyzer:
    """Egress inventory and edge findings for every function; one instance serves a scan."""

    def __init__(self) -> None:
        self._validators: tuple[str, ...] | None = None

    def analyze(
        self, app: Application, fs: ScanFS
    ) -> Iterator[Finding | LoadIssue | FunctionDependencies | FunctionEgress]:
        """Yield each function's egress inventory, then the findings, for one application."""
        index = edge_index(fs)
        if self._validators is None:
            self._validators = _engine_validators()
        validators = self._validators
        groups: dict[tuple[str, str, int | None, str], _Group] = {}

        def add(group: _Group, fn: Function) -> None:
            key = (group.rule, group.location.file, group.location.line, group.evidence)
            kept = groups.setdefault(key, group)
            if all(f.name != fn.name for f in kept.functions):
                kept.functions.append(fn)

        for fn in app.functions:
            code = index.code(app, fn)
            facts = index.function_facts(app, fn)
            entry = code.entry if code is not None else None
            runs = entry_facts(facts, entry)
            hosts = egress_of(runs, fn)
            # A handler that does not parse (reported as FG0001 by the code layer) says nothing
            # about egress: unknown, not "none".
            readable = (
                code is not None and code.handler is not None and code.handler.tree is not None
            )
            yield FunctionEgress(app.name, fn.name, hosts, readable)
            if code is None:
                continue
            for off in tls_disabled(runs):
                add(_tls_group(off.file, off.line, off.how), fn)
            reported_env: set[str] = set()
            for plain in plaintext_http(runs, fn):
                add(_plain_group(plain.file, plain.line, plain.url, plain.via), fn)
                reported_env.update(v[4:] for v in plain.via.split(", ") if v.startswith("env:"))
            for name, where, url in plaintext_env(fn, runs):
                if name not in reported_env:
                    add(_plain_env_group(name, where, url), fn)
            for secret in secrets_in(facts, code.layer_roots):
                add(_secret_group(secret.file, secret.line, secret.name, secret.match), fn)
            found = unvalidated_input(fn, code.entry, facts, extra_validators=validators)
            if found is not None:
                add(_validation_group(fn, found), fn)
        for group in groups.values():
            yield _finding(app, group)


def _engine_validators() -> tuple[str, ...]:
    """Validator callees from the taint engine's tables, when they are installed."""
    from faasguard.code.models.registry import models_for

    names: list[str] = []
    for language in ("python", "javascript"):
        try:
            names.extend(models_for(language).validators)
        except ImportError:
            continue
    return tuple(n for n in names if n)


def _finding(app: Application, group: _Group) -> Finding:
    rule = rule_by_name(group.rule)
    fns = group.functions
    if len(fns) == 1:
        function: str | None = fns[0].name
        resource = fns[0].resource_id
        message = group.message.replace("{who}", f"function `{fns[0].name}`")
    else:
        function, resource = None, None
        listed = ", ".join(f"`{f.name}`" for f in fns)
        message = group.message.replace("{who}", f"functions {listed} (shared code)")
    return Finding.create(
        rule_id=rule.id,
        rule_name=rule.name,
        category=rule.category,
        severity=group.severity or rule.severity,
        confidence=group.confidence or rule.confidence,
        title=rule.title,
        message=message,
        file=group.location.file,
        line=group.location.line,
        function=function,
        application=app.name,
        resource=resource,
        evidence=group.evidence,
        remediation=group.remediation,
        cwe=rule.cwe,
    )


def _tls_group(file: str, line: int, how: str) -> _Group:
    return _Group(
        rule="tls-verify-disabled",
        location=Location(file, line),
        evidence=how,
        message=f"The code of {{who}} turns off TLS certificate verification: {how}.",
        remediation=(
            "Remove the override so certificates are verified (the default). For a private "
            "certificate authority, ship its certificate and point the client at it "
            "(`verify='/var/task/ca.pem'`, `ca:` in Node.js, or NODE_EXTRA_CA_CERTS)."
        ),
    )


def _plain_group(file: str, line: int, url: str, via: str) -> _Group:
    source = "" if via == "literal" else f" (from {via})"
    return _Group(
        rule="plaintext-http",
        location=Location(file, line),
        evidence=f"{url}{source}",
        message=(
            f"The code of {{who}} sends requests over plain HTTP to `{url}`{source}: anyone on "
            "the network path can read and change them."
        ),
        remediation="Use the service's https:// endpoint (and keep certificate verification on).",
    )


def _plain_env_group(name: str, where: Location, url: str) -> _Group:
    return _Group(
        rule="plaintext-http",
        location=where,
        evidence=f"{name}={url}",
        message=(
            f"Environment variable `{name}` of {{who}} is a plain-HTTP URL (`{url}`) that the "
            "code uses to send requests."
        ),
        remediation=f"Set `{name}` to the service's https:// endpoint.",
    )


def _secret_group(file: str, line: int, name: str | None, match: SecretMatch) -> _Group:
    if match.known_format and not match.weak:
        severity, confidence = Severity.CRITICAL, Confidence.HIGH
    elif match.known_format:
        severity, confidence = Severity.HIGH, Confidence.HIGH
    else:
        severity, confidence = Severity.HIGH, Confidence.MEDIUM
    label = f"`{name}`" if name else "a string literal"
    remediation = (
        "Remove the secret from the code and rotate it (it is in the repository history); "
        "store it in AWS Secrets Manager or SSM Parameter Store (SecureString), pass only its "
        "name or ARN in an environment variable, and read it at run time (Powertools "
        "`get_secret`, or the Parameters and Secrets Lambda Extension)."
    )
    if match.kind.startswith("AWS "):
        remediation = (
            "Deactivate and delete this access key now, and give the function's execution role "
            "the permissions it needs instead: functions never need long-term access keys."
        )
    return _Group(
        rule="hardcoded-secret-in-code",
        location=Location(file, line),
        evidence=f"{name + '=' if name else ''}{match.evidence} ({match.kind})",
        message=(
            f"The code of {{who}} holds a hard-coded {match.kind} in {label}. Anyone who can "
            "read the repository or download the deployment package can use it."
        ),
        remediation=remediation,
        severity=severity,
        confidence=confidence,
    )


def _validation_group(fn: Function, found: UnvalidatedInput) -> _Group:
    fields = ", ".join(f"`{f.path}` (line {f.line})" for f in found.fields)
    triggers = ", ".join(t.value for t in found.triggers)
    internet = fn.url is not None or any(
        t.kind.is_http and t.internet_reachable for t in fn.triggers
    )
    return _Group(
        rule="no-input-validation",
        location=Location(found.file, found.line),
        evidence=f"{found.entry}: " + ", ".join(f.path for f in found.fields),
        message=(
            f"Handler `{found.entry}` of {{who}} ({triggers}) reads event fields {fields} and no "
            "validator was found on its code path."
        ),
        remediation=(
            "Validate the event at the entry point against a schema: Powertools `@event_parser` "
            "or `@validator`, a pydantic model, or `faasguard_runtime.validate` in Python; "
            "Middy's validator, zod, ajv or joi in Node.js. For REST APIs, an API Gateway "
            "request validator on the route also counts."
        ),
        severity=Severity.MEDIUM if internet else Severity.LOW,
        confidence=Confidence.MEDIUM,
    )
