"""Abstract values of the taint engine.

A :class:`V` stands for every value an expression may have at run time, as far as security
cares: whether it carries attacker data (:class:`Taint`, with the steps that brought it there
and the sink categories a sanitizer made it safe for), what it is statically (one of the
project's functions, classes or modules, or a part of the event), the qualified path of a
library object (``sqlite3.connect().cursor()``), its literal value, and known fields.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from faasguard.findings import TraceStep

if TYPE_CHECKING:
    from faasguard.code import ir

__all__ = ["NO_LIT", "EventPath", "Origin", "Taint", "V", "join", "join_taint", "meet"]

#: Steps kept per flow: the first ones (how data entered) and the last ones (how it arrived).
MAX_STEPS = 24


@dataclass(frozen=True, slots=True)
class Origin:
    """Where attacker data comes from.

    Attributes:
        trigger: the trigger kind value, ``unknown`` (no known trigger) or
            ``third-party-response``.
        field: the event field (``body``, ``Records[*].s3.object.key``) or other source.
        label: readable name ("request body").
        weak: True when the data is only assumed hostile (no known trigger): medium confidence.
        event: True for a field of the event; False for other sources (a framework's request
            object, an S3 object's content, a third party's response).
    """

    trigger: str
    field: str
    label: str
    weak: bool = False
    event: bool = True


@dataclass(frozen=True, slots=True)
class Taint:
    """Attacker data: where it came from, how it travelled, what it was made safe for."""

    origin: Origin
    steps: tuple[TraceStep, ...]
    cleared: frozenset[str] = frozenset()
    approx: bool = False

    def add(self, file: str, line: int, what: str, *, last: bool = False) -> Taint:
        """This taint with one more step.

        Consecutive steps on one line are merged (the first one is kept), except the ``last``
        step (the sink), which replaces a step on its own line.
        """
        steps = self.steps
        if steps and steps[-1].file == file and steps[-1].line == line:
            if not last or len(steps) == 1:
                if not last:
                    return self
            else:
                steps = steps[:-1]
        steps = (*steps, TraceStep(file, line, what))
        if len(steps) > MAX_STEPS:
            steps = steps[: MAX_STEPS // 2] + steps[-MAX_STEPS // 2 :]
        return replace(self, steps=steps)

    def clears(self, category: str) -> bool:
        """True when a sanitizer made this data safe for ``category``."""
        return "*" in self.cleared or category in self.cleared

    def clear(self, categories: frozenset[str] | tuple[str, ...]) -> Taint:
        """This taint, safe for ``categories`` too."""
        return replace(self, cleared=self.cleared | frozenset(categories))

    def approximate(self) -> Taint:
        """This taint, marked as having passed through something the engine approximated."""
        return self if self.approx else replace(self, approx=True)


def join_taint(a: Taint | None, b: Taint | None) -> Taint | None:
    """Either taint: the one less sanitised and more exact, cleared only for what both are."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    first = a if _rank(a) <= _rank(b) else b
    cleared = meet(a.cleared, b.cleared)
    if cleared != first.cleared:
        first = replace(first, cleared=cleared)
    return first


def meet(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """The categories both sets are safe for: "*" (safe for everything) meets a set as that set."""
    if "*" in a:
        return b
    if "*" in b:
        return a
    return a & b


def _rank(t: Taint) -> tuple[int, int, int, int]:
    return (len(t.cleared), int(t.approx), int(t.origin.weak), len(t.steps))


@dataclass(frozen=True, slots=True)
class EventPath:
    """A part of the handler's event: the keys read so far (``("Records", "*", "body")``)."""

    path: tuple[str, ...]


class NoLit:
    """Marker: the value is not a known literal."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_LIT"


NO_LIT: Any = NoLit()


class V:
    """An abstract value (see the module docstring).

    ``fields`` is shared and mutable for objects the code builds (dict literals, instances),
    so ``self.x = ...`` in ``__init__`` is seen by later method calls; constant values have no
    fields and are never mutated.
    """

    __slots__ = ("cleared", "elem", "fields", "flags", "lit", "path", "prefix", "ref", "taint")

    def __init__(
        self,
        taint: Taint | None = None,
        *,
        fields: dict[str, V] | None = None,
        elem: V | None = None,
        ref: object = None,
        path: str | None = None,
        lit: Any = NO_LIT,
        prefix: str | None = None,
        flags: frozenset[str] = frozenset(),
        cleared: frozenset[str] = frozenset(),
    ) -> None:
        self.taint = taint
        self.fields = fields
        self.elem = elem
        self.ref = ref
        self.path = path
        self.lit = lit
        self.prefix = prefix
        self.flags = flags
        self.cleared = cleared

    def copy(self, **changes: Any) -> V:
        """A shallow copy with some attributes changed (fields stay shared)."""
        new = V(
            self.taint,
            fields=self.fields,
            elem=self.elem,
            ref=self.ref,
            path=self.path,
            lit=self.lit,
            prefix=self.prefix,
            flags=self.flags,
            cleared=self.cleared,
        )
        for key, value in changes.items():
            setattr(new, key, value)
        return new

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return (
            f"V(taint={'yes' if self.taint else 'no'}, ref={self.ref!r}, path={self.path!r}, "
            f"lit={self.lit!r}, fields={list(self.fields) if self.fields else None})"
        )


def join(a: V, b: V) -> V:
    """A value standing for either ``a`` or ``b``."""
    if a is b:
        return a
    fields: dict[str, V] | None
    if a.fields is not None and b.fields is not None and a.fields is not b.fields:
        fields = dict(a.fields)
        for key, value in b.fields.items():
            fields[key] = join(fields[key], value) if key in fields else value
    else:
        fields = a.fields if a.fields is not None else b.fields
    elem = a.elem if b.elem is None else b.elem if a.elem is None else join(a.elem, b.elem)
    return V(
        join_taint(a.taint, b.taint),
        fields=fields,
        elem=elem,
        ref=a.ref if a.ref is not None else b.ref,
        path=a.path if a.path is not None else b.path,
        lit=a.lit if a.lit == b.lit else NO_LIT,
        prefix=a.prefix if a.prefix == b.prefix else None,
        flags=a.flags | b.flags,
        cleared=a.cleared & b.cleared,
    )


@dataclass(slots=True)
class FuncRef:
    """One of the project's functions, with the scope it closes over."""

    fn: ir.FunctionDef
    scope: Any
    module: Any
    self_value: V | None = None
    cls: Any = None


@dataclass(slots=True)
class ClassRef:
    """One of the project's classes."""

    cls: ir.ClassDef
    scope: Any
    module: Any
    bases: tuple[V, ...] = ()


@dataclass(slots=True)
class InstanceRef:
    """An instance of one of the project's classes."""

    cls: ClassRef


@dataclass(slots=True)
class ModuleRef:
    """One of the project's modules."""

    module: Any


@dataclass(slots=True)
class Wrapped:
    """A library wrapper around one of the project's functions (``middy(handler)``)."""

    func: FuncRef
    validated: bool = False
