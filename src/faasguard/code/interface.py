"""The code layer's seam: parsed source files and the own code of one function.

Every analysis of application code receives these types from :mod:`faasguard.code.codebase`;
none of them reads or parses a file itself (house style: parse once, analyse many times).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from faasguard.loaders.interface import LoadIssue

__all__ = ["FunctionCode", "Language", "SourceFile"]


class Language(str, Enum):
    """The languages whose code faasguard reads."""

    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One source file, read and parsed once per scan.

    Attributes:
        path: POSIX path relative to the scan root (for inline code: the template's path).
        language: the language it is written in.
        text: the decoded text ("" when the file could not be read).
        tree: ``ast.Module`` for Python, ``tree_sitter.Tree`` for JavaScript/TypeScript, or None
            when the file is unusable (unreadable, over a cap, minified, Python that does not
            parse). Tree-sitter's partial trees of broken JavaScript are kept.
        issues: problems met reading it: a parse error (FG0001, with file and line), a cap hit,
            a minified or generated file skipped.
        inline: True for CloudFormation ``Code.ZipFile`` / SAM ``InlineCode``.
        line_offset: added to a tree line to get the file line (the template line of inline code).
    """

    path: str
    language: Language
    text: str
    tree: Any
    issues: tuple[LoadIssue, ...] = ()
    inline: bool = False
    line_offset: int = 0


@dataclass(frozen=True, slots=True)
class FunctionCode:
    """A function's own code: its handler and everything it imports inside the project.

    Attributes:
        function: the function's logical name (``Function.name``).
        handler: the handler file, or None when it is not in the project.
        entry: the handler function's name inside the handler file.
        files: the handler first, then its import closure inside the code root and the
            function's layers (own code only: ``node_modules``, ``site-packages`` and other
            vendored folders are never part of it).
        third_party: top-level names of third-party modules imported (Python module names and
            npm package names together; see the two fields below to tell them apart).
        python_modules: the third-party Python top-level module names imported.
        npm_packages: the npm package names required or imported.
        layer_roots: the local folders of the function's layers (``/opt`` at run time).
    """

    function: str
    handler: SourceFile | None
    entry: str | None
    files: tuple[SourceFile, ...]
    third_party: frozenset[str]
    python_modules: frozenset[str] = frozenset()
    npm_packages: frozenset[str] = frozenset()
    layer_roots: tuple[str, ...] = ()
