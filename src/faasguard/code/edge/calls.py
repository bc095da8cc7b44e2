"""Functions that call other functions of the same application.

A function with no trigger may still be invoked by another function's code
(``lambda_client.invoke(FunctionName=os.environ["WORKER"])``). The template cannot show it,
so :func:`function_calls` reads each function's own code for SDK calls that start a function
(Lambda ``Invoke``), a state machine, or publish to a topic, queue or bus, resolves their
target (a literal name or ARN, a module constant, or an environment variable whose value or
reference the template gives) and matches it to a function of the application.

:func:`with_code_callers` records each caller in the callee's ``referenced_by`` as
``code:<caller>`` before the rules run, so ``sprawl.unused-function`` no longer calls it unused;
the taint analysis reads the same records to treat an invoked function's event as coming from
its caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from faasguard.code.edge.outbound import _HOLE, _constants, _resolve
from faasguard.code.edge.tables import INVOKERS, Invoker
from faasguard.code.edge.values import CallFact, FileFacts, Val
from faasguard.code.interface import Language
from faasguard.model import Application, Function, TriggerKind, Unknown

if TYPE_CHECKING:
    from faasguard.fs import ScanFS

__all__ = [
    "CODE_REFERENCE",
    "CallGraphEnricher",
    "FunctionCall",
    "function_calls",
    "with_code_callers",
]

#: Prefix of a ``referenced_by`` entry added from code (resource ids never hold a colon).
CODE_REFERENCE: Final = "code:"
_REF: Final = re.compile(
    r"^!(?:Ref|GetAtt)\s+([A-Za-z0-9]+)|^\{\"(?:Ref|Fn::GetAtt)\":\s*\[?\"([A-Za-z0-9]+)"
)
_TRIGGER_KIND: Final = {"sqs": TriggerKind.SQS, "sns": TriggerKind.SNS}


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """One function's code starting another function of the application.

    Attributes:
        caller: the calling function's name.
        callee: the called function's name.
        kind: ``lambda`` (direct invoke), ``sfn`` (through a state machine that runs it),
            ``sns`` or ``sqs`` (through a topic or queue that triggers it).
        file: the file of the call.
        line: the call's line.
        via: how the target was named: ``literal``, ``env:NAME``, ``constant:NAME``.
    """

    caller: str
    callee: str
    kind: str
    file: str
    line: int
    via: str


_ROWS: Final[dict[tuple[str, str], Invoker]] = {(r.language, r.callee): r for r in INVOKERS}


def calls_in(app: Application, fn: Function, facts_list: list[FileFacts]) -> Iterator[FunctionCall]:
    """The calls from ``fn``'s code to other functions of ``app``."""
    constants = _constants(facts_list)
    for facts in facts_list:
        language = "python" if facts.language is Language.PYTHON else "javascript"
        for call in facts.calls:
            row = _ROWS.get((language, call.callee))
            if row is None:
                continue
            value = _target_value(row, call)
            if value is None:
                continue
            if row.kind == "eventbridge":
                for callee, how in _eventbridge(app, fn, value, constants):
                    if callee.name != fn.name:
                        yield FunctionCall(
                            fn.name, callee.name, row.kind, facts.path, call.line, how
                        )
                continue
            via: list[str] = []
            text = _resolve(value, fn, constants, via)
            refs = _referenced_ids(value, fn)
            for callee in _match(app, row.kind, text, refs):
                if callee.name != fn.name:
                    how = ", ".join(dict.fromkeys(via)) or "literal"
                    yield FunctionCall(fn.name, callee.name, row.kind, facts.path, call.line, how)


def _eventbridge(
    app: Application, fn: Function, entries: Val, constants: Mapping[str, Val]
) -> Iterator[tuple[Function, str]]:
    """Functions whose EventBridge rule matches one of the ``put_events`` entries.

    An entry matches a rule on the same bus (the default bus when neither names one) whose
    pattern lists the entry's ``Source`` and ``DetailType`` (a pattern without the key accepts
    any). An entry whose bus, source or detail type cannot be read matches nothing: unknown is
    neither a call nor its absence.
    """
    for entry in entries.parts if entries.kind == "array" else ():
        if entry.kind != "object":
            continue
        via: list[str] = []
        bus = entry.item("EventBusName")
        bus_text = "default" if bus is None else _resolve(bus, fn, constants, via)
        bus_refs = set() if bus is None else _referenced_ids(bus, fn)
        fields = {}
        for key in ("Source", "DetailType"):
            value = entry.item(key)
            fields[key] = None if value is None else _resolve(value, fn, constants, via)
        if any(v is not None and _HOLE in v for v in fields.values()):
            continue
        if _HOLE in bus_text and not bus_refs:
            continue
        bus_name = bus_text.rsplit("/", 1)[-1]
        for callee in app.functions:
            for trig in callee.triggers:
                if trig.kind is not TriggerKind.EVENTBRIDGE or not _same_bus(
                    trig.source, bus_name, bus_refs
                ):
                    continue
                pattern = (
                    trig.properties.get("Pattern") if isinstance(trig.properties, Mapping) else None
                )
                if isinstance(pattern, Mapping) and _pattern_accepts(pattern, fields):
                    yield callee, ", ".join(dict.fromkeys(via)) or "literal"
                    break


def _same_bus(source: str | Unknown | None, bus_name: str, refs: set[str]) -> bool:
    if source is None:
        return bus_name == "default"
    text = source.expression if isinstance(source, Unknown) else source
    tail = text.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return (
        tail == bus_name
        or text in refs
        or any(re.search(rf"\b{re.escape(r)}\b", text) for r in refs)
    )


def _pattern_accepts(pattern: Mapping[str, object], fields: Mapping[str, str | None]) -> bool:
    for key, field in (("source", "Source"), ("detail-type", "DetailType")):
        allowed = pattern.get(key)
        if allowed is None:
            continue
        value = fields.get(field)
        if value is None or not isinstance(allowed, (list, tuple)) or value not in allowed:
            return False
    return True


def _target_value(row: Invoker, call: CallFact) -> Val | None:
    value = call.kwarg(row.target)
    if value is None and call.args and call.args[0].kind == "object":
        value = call.args[0].item(row.target)
    return value


def _referenced_ids(value: Val, fn: Function) -> set[str]:
    """Logical ids an environment variable refers to (``!Ref Worker``, ``!GetAtt Worker.Arn``)."""
    found: set[str] = set()
    for leaf in value.leaves():
        if leaf.kind != "env":
            continue
        var = fn.env(leaf.text)
        if var is None:
            continue
        texts = [var.raw or ""]
        if isinstance(var.value, Unknown):
            texts.append(var.value.expression)
        for text in texts:
            match = _REF.match(text.strip())
            if match:
                found.add(match.group(1) or match.group(2))
    return found


def _names(app: Application, fn: Function) -> set[str]:
    """The names a function is deployed or referred to under."""
    names = {fn.name}
    if fn.resource_id:
        names.add(fn.resource_id)
    if app.stage:
        names.add(f"{app.name}-{app.stage}-{fn.name}")
    return names


def _match(app: Application, kind: str, text: str, refs: set[str]) -> Iterator[Function]:
    resolved = _HOLE not in text and bool(text)
    if kind == "lambda":
        name = text.split(":function:", 1)[-1].split(":", 1)[0] if resolved else None
        for fn in app.functions:
            names = _names(app, fn)
            if (name and name in names) or refs & names:
                yield fn
        return
    if kind == "sfn":
        machine = text.rsplit(":", 1)[-1] if resolved else None
        ids = set(refs)
        for res in app.resources:
            given = res.properties.get("StateMachineName") or res.properties.get("Name")
            if res.type.endswith("StateMachine") and (
                res.id in ids or (machine and machine in (res.id, given))
            ):
                ids.add(res.id)
        for fn in app.functions:
            if ids & set(fn.referenced_by):
                yield fn
        return
    trigger = _TRIGGER_KIND.get(kind)
    if trigger is None:
        return
    target = text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] if resolved else None
    ids = set(refs)
    for res in app.resources:
        given = res.properties.get("QueueName") or res.properties.get("TopicName")
        if target and target in (res.id, given):
            ids.add(res.id)
    for fn in app.functions:
        for trig in fn.triggers:
            if trig.kind is not trigger or trig.source is None:
                continue
            source = trig.source.expression if isinstance(trig.source, Unknown) else trig.source
            tail = source.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
            if (target and tail == target) or any(
                re.search(rf"\b{re.escape(i)}\b", source) for i in ids
            ):
                yield fn
                break


def function_calls(app: Application, fs: ScanFS) -> tuple[FunctionCall, ...]:
    """Every function-to-function call in ``app``'s code, in function then source order.

    Computed once per application and scan (the files' facts are shared with the analyzer).
    """
    from faasguard.code.edge.facts import edge_index

    index = edge_index(fs)
    key = ("calls", app.file)
    cached = index.derived.get(key)
    if cached is None:
        found: list[FunctionCall] = []
        for fn in app.functions:
            found.extend(calls_in(app, fn, index.function_facts(app, fn)))
        cached = index.derived[key] = tuple(dict.fromkeys(found))
    return cached


def with_code_callers(app: Application, calls: Iterable[FunctionCall]) -> Application:
    """``app`` with each callee's ``referenced_by`` naming its callers as ``code:<caller>``."""
    callers: dict[str, list[str]] = {}
    for call in calls:
        entry = CODE_REFERENCE + call.caller
        bucket = callers.setdefault(call.callee, [])
        if entry not in bucket:
            bucket.append(entry)
    if not callers:
        return app
    functions = tuple(
        replace(
            fn,
            referenced_by=(
                *fn.referenced_by,
                *(c for c in callers[fn.name] if c not in fn.referenced_by),
            ),
        )
        if fn.name in callers
        else fn
        for fn in app.functions
    )
    return replace(app, functions=functions)


class CallGraphEnricher:
    """The engine hook (:class:`faasguard.engine.Enricher`) recording code callers."""

    def enrich(self, app: Application, fs: ScanFS) -> Application:
        """Return ``app`` with ``code:<caller>`` in each invoked function's ``referenced_by``."""
        if not app.functions:
            return app
        return with_code_callers(app, function_calls(app, fs))
