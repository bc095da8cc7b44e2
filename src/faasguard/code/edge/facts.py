"""One walk per file per scan: the facts of each parsed file, cached beside the code layer.

The call-graph enrichment runs before the rules and the analyzer after them; both read the same
files, so both go through :func:`edge_index`, which keeps one :class:`EdgeIndex` per
:class:`~faasguard.fs.ScanFS` (as :func:`~faasguard.code.codebase.codebase_for` keeps one code
base). A file's facts are computed on first use and kept for the scan.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from faasguard.code.edge.values import FileFacts
from faasguard.code.interface import FunctionCode, Language, SourceFile

if TYPE_CHECKING:
    from faasguard.fs import ScanFS
    from faasguard.model import Application, Function

__all__ = ["EdgeIndex", "edge_index", "facts_of"]


def facts_of(source: SourceFile) -> FileFacts | None:
    """Walk one parsed file (None when the code layer could not parse it)."""
    if source.tree is None:
        return None
    if source.language is Language.PYTHON:
        from faasguard.code.edge.py_facts import python_facts

        return python_facts(source.path, source.tree, line_offset=source.line_offset)
    from faasguard.code.edge.js_facts import javascript_facts

    return javascript_facts(
        source.path, source.tree, language=source.language, line_offset=source.line_offset
    )


class EdgeIndex:
    """The facts of every file read in one scan, and each function's own code.

    Args:
        fs: the scan's file system; files are read and parsed only by the code layer.
    """

    def __init__(self, fs: ScanFS) -> None:
        self._fs = fs
        self._facts: dict[tuple[str, int], FileFacts | None] = {}
        self._code: dict[tuple[str, str], FunctionCode | None] = {}
        #: Results derived once per scan from many files (the call graph of an application).
        self.derived: dict[tuple[str, str], Any] = {}

    def code(self, app: Application, fn: Function) -> FunctionCode | None:
        """The function's own code, from the shared code layer (None without code)."""
        key = (app.file, fn.name)
        if key not in self._code:
            from faasguard.code.codebase import codebase_for

            code = codebase_for(self._fs).function_code(app, fn)
            self._code[key] = code if code.files else None
        return self._code[key]

    def facts(self, source: SourceFile) -> FileFacts | None:
        """The facts of one file, walked once per scan."""
        key = (source.path, source.line_offset)
        if key not in self._facts:
            self._facts[key] = facts_of(source)
        return self._facts[key]

    def function_facts(self, app: Application, fn: Function) -> list[FileFacts]:
        """The facts of every file of the function's own code, handler first.

        Vendored files the closure reaches (a layer's ``python/`` folder) are left out.
        """
        code = self.code(app, fn)
        if code is None:
            return []
        from faasguard.code.edge.secrets import is_vendored

        # Library code a layer or a bundle ships is not the function's own: its TLS options,
        # URLs and strings are the library's (and reading it was most of the time).
        own = [
            s
            for i, s in enumerate(code.files)
            if i == 0 or not is_vendored(s.path, code.layer_roots)
        ]
        return [f for f in (self.facts(s) for s in own) if f is not None]


_INDEXES: weakref.WeakKeyDictionary[ScanFS, EdgeIndex] = weakref.WeakKeyDictionary()


def edge_index(fs: ScanFS) -> EdgeIndex:
    """The scan-wide :class:`EdgeIndex` for ``fs`` (created on first use)."""
    index = _INDEXES.get(fs)
    if index is None:
        index = _INDEXES[fs] = EdgeIndex(fs)
    return index
