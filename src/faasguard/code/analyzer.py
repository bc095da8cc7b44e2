"""The code analyzer: taint findings (FG2xxx) for every function whose code is in the project.

It runs after the rules on each application (see :class:`faasguard.engine.Analyzer`), reads
code only through the scan's shared :class:`~faasguard.code.codebase.CodeBase`, and reports the
code layer's problems (files that do not parse, caps reached) once per scan.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.code.codebase import codebase_for
from faasguard.code.taint.engine import Hit, TaintEngine
from faasguard.findings import Confidence, Finding, Severity, TaintSource
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.model import AppFormat, Application, Function, Location
from faasguard.rules.code import CodeRule, rule_for_category
from faasguard.rules.interface import Rule
from faasguard.rules.registry import find_rule, rule_by_name

__all__ = ["CodeAnalyzer"]

_UNVALIDATED = "third-party.unvalidated-response"


class CodeAnalyzer:
    """Follows event data through each function's own code to dangerous calls.

    One instance serves a whole scan; it remembers which code-layer issues it reported.
    """

    def __init__(self) -> None:
        self._reported: set[tuple[str, int | None, str]] = set()

    def analyze(self, app: Application, fs: ScanFS) -> Iterator[Finding | LoadIssue]:
        """Yield the code findings of every function of ``app``, then new code-layer issues."""
        cb = codebase_for(fs)
        for fn in app.functions:
            code = cb.function_code(app, fn)
            if code.handler is None or code.handler.tree is None:
                continue
            engine = TaintEngine(
                cb,
                code,
                fn,
                cb.resolver(fn.code_root or "", code.layer_roots),
                callers=_callers(app, fn),
                chalice=app.format is AppFormat.CHALICE,
            )
            try:
                engine.run()
            except RecursionError:
                engine.caps.append("code nested too deeply for the analysis; it stopped here")
            except Exception as exc:  # one function's failure must not end the scan
                engine.release()
                yield _crash(app, fn, code.handler.path, exc)
                continue
            engine.release()
            for hit in sorted(engine.hits, key=lambda h: (h.file, h.line, h.category)):
                finding = _finding(app, fn, hit)
                if finding is not None:
                    yield finding
            for message in engine.caps:
                cb.note(
                    LoadIssue(
                        IssueKind.BUDGET,
                        f"code analysis of function {fn.name}: {message}",
                        Location(code.handler.path, None),
                        app.name,
                    )
                )
        for issue in cb.issues():
            key = (issue.location.file, issue.location.line, issue.message)
            if key not in self._reported:
                self._reported.add(key)
                yield issue


def _finding(app: Application, fn: Function, hit: Hit) -> Finding | None:
    rule: type[CodeRule] | None = rule_for_category(hit.category)
    remediation: str
    if rule is not None:
        meta: type[Rule] = rule
        remediation = rule.remediation
    else:
        found = find_rule("unvalidated-response") if hit.category == _UNVALIDATED else None
        if found is None:
            return None
        meta = found
        remediation = (
            "Check a third party's response before using it (status, schema validation with "
            "a model or JSON schema, allowlists) and never pass it unchecked to a query, a "
            "shell, a file path or back to your own callers."
        )
    taint = hit.taint
    origin = taint.origin
    exact = hit.exact and not taint.approx and not origin.weak
    severity: Severity = meta.severity
    if hit.fixed_host and hit.category == "code.ssrf":
        severity = Severity.MEDIUM  # the host is fixed: input only chooses a path on it
    where = f"`{hit.code_function}()`" if hit.code_function != "<module>" else "the module"
    source = (
        f"{origin.label} (event field `{origin.field}`, {origin.trigger} trigger)"
        if origin.event
        else f"{origin.label} ({origin.trigger})"
    )
    if origin.trigger == "unknown":
        callers = [ref.removeprefix("code:") for ref in fn.referenced_by if ref.startswith("code:")]
        if callers:
            named = ", ".join(f"`{name}`" for name in callers)
            source = f"event field `{origin.field}` (sent by the code of function {named})"
        else:
            source = (
                f"event field `{origin.field}` (function has no known trigger: its callers' data)"
            )
    message = f"{source} reaches {hit.what} (`{_short(hit.callee)}`) in {where}."
    return Finding.create(
        rule_id=meta.id,
        rule_name=meta.name,
        category=meta.category,
        severity=severity,
        confidence=Confidence.HIGH if exact else Confidence.MEDIUM,
        title=meta.title,
        message=message,
        file=hit.file,
        line=hit.line,
        function=fn.name,
        application=app.name,
        resource=None,
        evidence=f"{hit.callee} <- {origin.trigger}:{origin.field}",
        remediation=remediation,
        cwe=meta.cwe,
        source=TaintSource(origin.trigger, origin.field, origin.label),
        trace=taint.steps,
    )


def _callers(app: Application, fn: Function) -> frozenset[str]:
    """Who invokes a function that has no trigger, from the resources referencing it.

    CloudFormation invokes custom-resource handlers with the template's own values; S3 invokes
    an Object Lambda with the caller's request (and a presigned URL of its own).
    """
    kinds = set()
    for ref in fn.referenced_by:
        res = app.resource(ref)
        if res is None:
            continue
        if res.type.startswith("Custom::") or res.type == "AWS::CloudFormation::CustomResource":
            kinds.add("cloudformation")
        elif res.type == "AWS::S3ObjectLambda::AccessPoint":
            kinds.add("s3-object-lambda")
    # Another function of the application calling this one makes its event that caller's data.
    if any(ref.startswith("code:") for ref in fn.referenced_by):
        kinds.discard("cloudformation")
    return frozenset(kinds)


def _short(callee: str) -> str:
    return callee.replace("?.", "").replace("return", "response")


def _crash(app: Application, fn: Function, file: str, exc: Exception) -> Finding:
    crash = rule_by_name("rule-crashed")
    message = (
        f"the code analysis failed on function {fn.name}: {type(exc).__name__}: {exc}; its code "
        "findings are missing"
    )
    return Finding.create(
        rule_id=crash.id,
        rule_name=crash.name,
        category=crash.category,
        severity=crash.severity,
        confidence=crash.confidence,
        title=crash.title,
        message=message,
        file=file,
        line=None,
        function=fn.name,
        application=app.name,
        resource=None,
        evidence=f"code-analysis {type(exc).__name__}",
        remediation="Report this to the faasguard maintainers with the handler; other "
        "analyses still ran.",
        cwe=crash.cwe,
    )
