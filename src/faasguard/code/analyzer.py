"""The code analyzer: taint findings (FG2xxx) for every function whose code is in the project.

It runs after the rules on each application (see :class:`faasguard.engine.Analyzer`), reads
code only through the scan's shared :class:`~faasguard.code.codebase.CodeBase`, and reports the
code layer's problems (files that do not parse, caps reached) once per scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from faasguard.code.codebase import CodeBase, codebase_for
from faasguard.code.interface import FunctionCode
from faasguard.code.taint.engine import Hit, TaintEngine
from faasguard.code.taint.values import Taint, join_taint
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
        # Functions that share a handler, triggers and callers share the analysis: a
        # serverless.yml of 50,000 functions on one handler is interpreted once.
        self._results: dict[tuple[object, ...], tuple[list[Hit], list[str]] | Exception] = {}
        self._calls: dict[str, tuple[Any, ...]] = {}

    def analyze(self, app: Application, fs: ScanFS) -> Iterator[Finding | LoadIssue]:
        """Yield the code findings of every function of ``app``, then new code-layer issues."""
        cb = codebase_for(fs)
        for fn in app.functions:
            code = cb.function_code(app, fn)
            if code.handler is None or code.handler.tree is None:
                continue
            sent, sent_clean = self._sent_to(cb, app, fs, fn)
            result = self._run(cb, app, fn, code, sent=sent, sent_clean=sent_clean)
            if isinstance(result, Exception):
                yield _crash(app, fn, code.handler.path, result)
                continue
            hits, caps = result
            for hit in sorted(hits, key=lambda h: (h.file, h.line, h.category)):
                finding = _finding(app, fn, hit)
                if finding is not None:
                    yield finding
            for message in caps:
                cb.note(
                    LoadIssue(
                        IssueKind.BUDGET,
                        # Named after the handler: functions sharing it share one notice.
                        f"code analysis of `{code.entry}()` in {code.handler.path}: {message}",
                        Location(code.handler.path, None),
                        app.name,
                    )
                )
        for issue in cb.issues():
            key = (issue.location.file, issue.location.line, issue.message)
            if key not in self._reported:
                self._reported.add(key)
                yield issue

    def _sent_to(
        self, cb: CodeBase, app: Application, fs: ScanFS, fn: Function
    ) -> tuple[Taint | None, bool]:
        """What the functions invoking ``fn`` from their code send it (issue 7, section 9).

        For a function with no trigger that other functions invoke directly (``lambda.invoke``,
        a state machine's start): each caller is interpreted with the invoke call as a probe.
        Returns the callers' attacker data (its trace continues into ``fn``), or None and True
        when every call the callers' handlers reach sends only clean data, or None and False
        when unknown (then ``fn`` keeps the no-trigger assumption: tainted, medium confidence).
        """
        if fn.triggers or not any(ref.startswith("code:") for ref in fn.referenced_by):
            return None, False
        calls = [c for c in self._function_calls(app, fs) if c.callee == fn.name]
        calls = [c for c in calls if c.kind in ("lambda", "sfn")]
        if not calls:
            return None, False
        sent: Taint | None = None
        seen_all = True
        reached = False
        for call in calls:
            caller = app.function(call.caller)
            code = cb.function_code(app, caller) if caller is not None else None
            if caller is None or caller is fn or code is None or code.handler is None:
                seen_all = False
                continue
            probe = (call.file, call.line)
            engine = TaintEngine(
                cb,
                code,
                caller,
                cb.resolver_for(code, caller.code_root or ""),
                callers=_callers(app, caller),
                chalice=app.format is AppFormat.CHALICE,
                probes=frozenset({probe}),
            )
            try:
                engine.run()
            except Exception:  # the caller's own analysis reports its crash
                seen_all = False
                continue
            finally:
                engine.release()
            if probe not in engine.probed:
                # The call graph lists every invoke in the caller's files; one its handler never
                # reaches (another handler's code in the same module) sends nothing.
                continue
            reached = True
            data = engine.probed[probe]
            if data is not None:
                label = f"{data.origin.label} sent by function `{caller.name}`"
                data = replace(data, origin=replace(data.origin, label=label)).add(
                    call.file, call.line, f"sent to function `{fn.name}` ({call.kind} invoke)"
                )
                sent = join_taint(sent, data)
        return sent, (sent is None and seen_all and reached)

    def _function_calls(self, app: Application, fs: ScanFS) -> tuple[Any, ...]:
        found = self._calls.get(app.file)
        if found is None:
            try:
                from faasguard.code.edge.calls import function_calls
            except ImportError:  # pragma: no cover - the call graph ships with the scanner
                found = ()
            else:
                found = function_calls(app, fs)
            self._calls[app.file] = found
        return found

    def _run(
        self,
        cb: CodeBase,
        app: Application,
        fn: Function,
        code: FunctionCode,
        *,
        sent: Taint | None = None,
        sent_clean: bool = False,
    ) -> tuple[list[Hit], list[str]] | Exception:
        """The engine's hits and caps for one function, shared by functions alike."""
        assert code.handler is not None
        callers = _callers(app, fn)
        chalice = app.format is AppFormat.CHALICE
        key = (
            sent,
            sent_clean,
            code.handler.path,
            code.handler.line_offset,
            code.entry,
            fn.code_root,
            code.layer_roots,
            tuple(t.kind.value for t in fn.triggers),
            callers,
            chalice,
        )
        found = self._results.get(key)
        if found is not None:
            return found
        engine = TaintEngine(
            cb,
            code,
            fn,
            cb.resolver_for(code, fn.code_root or ""),
            callers=callers,
            chalice=chalice,
            sent=sent,
            sent_clean=sent_clean,
        )
        result: tuple[list[Hit], list[str]] | Exception
        try:
            engine.run()
            result = (list(engine.hits), list(engine.caps))
        except RecursionError:
            result = (
                list(engine.hits),
                [*engine.caps, "code nested too deeply for the analysis; it stopped here"],
            )
        except Exception as exc:  # one function's failure must not end the scan
            result = exc
        engine.release()
        self._results[key] = result
        return result


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
