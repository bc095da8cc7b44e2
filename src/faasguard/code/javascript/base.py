"""Shared state and vocabulary of the JavaScript/TypeScript lowering.

The lowering is split by the part of the language it reads: statements, functions and classes
(:mod:`.lower`), expressions and assignment targets (:mod:`.expressions`), imports and exports
(:mod:`.modules`). Each part is a mixin of one lowering object per file; this base holds what
they share (the depth budget, statements produced inside expressions, the enclosing function's
name) and declares the methods the parts call across each other.
"""

from __future__ import annotations

from typing import Any

from faasguard.code import ir
from faasguard.code.javascript.nodes import string_value, text

__all__ = [
    "CLASSES",
    "DECLARATIONS",
    "FUNCTIONS",
    "FUNCTION_DECLARATIONS",
    "MAX_DEPTH",
    "REQUIRE_PREFIX",
    "LoweringBase",
    "name_of",
]

#: Deepest syntax nesting lowered; deeper code is cut and the module marked truncated. Each
#: level costs a few Python frames here and in the engine, so this stays well under the
#: interpreter's recursion limit.
MAX_DEPTH = 80

#: Prefix of the synthetic local name bound to a module loaded inside an expression
#: (``require("knex")(config)``): ``require:knex``. It cannot clash with a JS identifier.
REQUIRE_PREFIX = "require:"

FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
CLASSES = frozenset({"class_declaration", "abstract_class_declaration"})
FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})


class LoweringBase:
    """One file's lowering: the depth budget and statements that expressions give rise to."""

    def __init__(self) -> None:
        self.depth = 0
        self.truncated = False
        # Statements produced while lowering an expression (an assignment or a class inside
        # it, a module loaded inline); flushed before the statement that contains them.
        self.pending: list[ir.Stmt] = []
        # Names of the named functions being lowered, innermost last: an anonymous callback is
        # called after the function it is written in (findings name the code a user can find).
        self.enclosing: list[str] = []

    def flush(self) -> list[ir.Stmt]:
        """The statements produced inside expressions so far (and forget them)."""
        pending, self.pending = self.pending, []
        return pending

    # -- implemented by the parts (declared here so that each part can call the others) -----

    def statement(self, node: Any) -> list[ir.Stmt]:
        """Lower one statement (see :mod:`.lower`)."""
        raise NotImplementedError

    def expression_statement(self, node: Any) -> list[ir.Stmt]:
        """Lower an expression evaluated for its effect (see :mod:`.lower`)."""
        raise NotImplementedError

    def assignment(self, node: Any) -> list[ir.Stmt]:
        """Lower ``left = right`` (see :mod:`.lower`)."""
        raise NotImplementedError

    def function(self, node: Any, *, name: str | None = None) -> ir.FunctionDef:
        """Lower a function or method (see :mod:`.lower`)."""
        raise NotImplementedError

    def class_def(self, node: Any, *, name: str | None = None) -> ir.ClassDef:
        """Lower a class (see :mod:`.lower`)."""
        raise NotImplementedError

    def expr(self, node: Any) -> ir.Expr:
        """Lower an expression (see :mod:`.expressions`)."""
        raise NotImplementedError

    def named_value(self, node: Any, name: str) -> ir.Expr:
        """Lower a value, naming an anonymous function (see :mod:`.expressions`)."""
        raise NotImplementedError

    def target(self, node: Any) -> ir.Target | None:
        """Lower an assignment target (see :mod:`.expressions`)."""
        raise NotImplementedError

    def pattern_binding(self, element: Any) -> tuple[str | int, ir.Target] | None:
        """Lower one ``key: target`` of an object pattern (see :mod:`.expressions`)."""
        raise NotImplementedError


def name_of(node: Any) -> str:
    """An identifier-like node's name; string-named imports/exports lose their quotes."""
    if node.type == "string":
        return string_value(node)
    return text(node)
