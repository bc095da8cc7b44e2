"""The facts one walk of a source file yields, in a form shared by Python and JavaScript.

Every analysis in :mod:`faasguard.code.edge` asks the same small questions of a file: which
calls does it make and with what arguments, which string literals does it hold and under what
name, which environment variables does it read, which event fields does its handler use.
Answering them from one walk of the tree the code layer parsed, into these frozen records, lets
each analysis stay a short pure function and keeps the walk to one per file per scan.

A value is approximated by :class:`Val`: a literal, an environment variable, a concatenation
(f-strings, template literals, ``+``), an object literal, the result of a call, or ``other``.
It is an abstraction for reading constants, never an evaluator: nothing is executed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from faasguard.code.interface import Language

__all__ = [
    "OTHER",
    "AssignFact",
    "CallFact",
    "EventField",
    "FileFacts",
    "HandlerFacts",
    "StringFact",
    "Val",
]


@dataclass(frozen=True, slots=True)
class Val:
    """An abstract value read from code.

    Attributes:
        kind: ``str``, ``bool``, ``num``, ``none``, ``env`` (an environment variable, ``text`` is
            its name, ``parts`` its default), ``concat`` (``parts`` in order), ``object``
            (``items``), ``call`` (``text`` is the callee's qualified name), ``name`` (an
            identifier not resolved in its file; ``text`` is its qualified name), ``event``
            (data read from the handler's event; ``text`` is the field path), ``array`` (a list
            literal; ``parts`` are its first items), ``other``.
        text: the literal text, variable name, callee or field path, by kind.
        parts: the parts of a concatenation, or the default of an environment variable.
        items: the string-keyed entries of an object or dict literal.
        line: where the value is written (1-based, file lines).
    """

    kind: str
    text: str = ""
    parts: tuple[Val, ...] = ()
    items: tuple[tuple[str, Val], ...] = ()
    line: int = 0

    def item(self, key: str) -> Val | None:
        """Return the entry ``key`` of an object literal (None when absent or not an object)."""
        for name, value in self.items:
            if name == key:
                return value
        return None

    def literal(self) -> str | None:
        """Return the text of a string literal, or None."""
        return self.text if self.kind == "str" else None

    def leaves(self) -> Iterator[Val]:
        """Yield the parts of a concatenation (itself for any other kind), flattened."""
        if self.kind == "concat":
            for part in self.parts:
                yield from part.leaves()
        else:
            yield self

    def is_false(self) -> bool:
        """True for a literal ``False``/``false``, ``0`` or ``"0"``."""
        if self.kind == "bool":
            return self.text == "false"
        return self.kind in ("num", "str") and self.text.strip() == "0"


#: A value nothing is known about.
OTHER: Final = Val("other")


@dataclass(frozen=True, slots=True)
class CallFact:
    """One call (or ``new``) in a file.

    Attributes:
        callee: the callee's qualified name, with imports resolved: ``requests.get``,
            ``requests.Session().get``, ``boto3.client(lambda).invoke``,
            ``@aws-sdk/client-lambda.InvokeCommand``, ``axios.create().get``. A call's first
            string argument is kept in parentheses when it says what was built
            (``boto3.client(lambda)``).
        line: the call's line.
        args: positional arguments.
        kwargs: keyword arguments (Python).
        scope: the top-level function it is written in, or None at module level.
    """

    callee: str
    line: int
    args: tuple[Val, ...] = ()
    kwargs: tuple[tuple[str, Val], ...] = ()
    scope: str | None = None

    def kwarg(self, name: str) -> Val | None:
        """Return the keyword argument ``name``, if given."""
        for key, value in self.kwargs:
            if key == name:
                return value
        return None

    @property
    def method(self) -> str:
        """The last part of the callee (``get`` for ``requests.Session().get``)."""
        return self.callee.rsplit(".", 1)[-1]


@dataclass(frozen=True, slots=True)
class StringFact:
    """A string literal and the name it is stored under (variable, key, keyword), if any."""

    value: str
    line: int
    name: str | None = None


@dataclass(frozen=True, slots=True)
class AssignFact:
    """An assignment to an attribute or member (``ctx.check_hostname = False``)."""

    target: str
    value: Val
    line: int
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class EventField:
    """A field of the handler's event that the handler reads (``pathParameters.id``)."""

    path: str
    line: int


@dataclass(frozen=True, slots=True)
class HandlerFacts:
    """What a top-level function does with its first parameter (the event, for a handler).

    Attributes:
        name: the function's name (for JavaScript, the exported name: ``handler``).
        line: where it is defined.
        decorators: qualified names of its decorators (and, in JavaScript, of the calls the
            exported value is wrapped in, such as ``@middy/core``).
        event_fields: event fields it reads, in order, deduplicated.
        scope: the scope name its body's calls carry (:attr:`CallFact.scope`): its own name,
            or in JavaScript the name of the function a wrapper (``middy(base)``) runs.
    """

    name: str
    line: int
    decorators: tuple[str, ...] = ()
    event_fields: tuple[EventField, ...] = ()
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything the edge analyses need from one file.

    Attributes:
        path: the file (for inline code, the template).
        language: its language.
        calls: every call and ``new``, in source order.
        strings: every string literal of at least two characters, with its name.
        assigns: assignments to attributes or members.
        constants: module-level names bound once, with their values.
        references: qualified names of interest read anywhere (``ssl.CERT_NONE``).
        imports: qualified names of every module imported or required.
        handlers: top-level functions, by name.
    """

    path: str
    language: Language
    calls: tuple[CallFact, ...] = ()
    strings: tuple[StringFact, ...] = ()
    assigns: tuple[AssignFact, ...] = ()
    constants: Mapping[str, Val] = field(default_factory=dict)
    references: tuple[tuple[str, int], ...] = ()
    imports: frozenset[str] = frozenset()
    handlers: Mapping[str, HandlerFacts] = field(default_factory=dict)
