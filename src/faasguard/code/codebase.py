"""The scan-wide code base: each source file read and parsed at most once.

Analyses ask it for a function's :class:`~faasguard.code.interface.FunctionCode` (the handler
and its own-code import closure) or for one file. Results are cached for the whole scan, keyed
by path, so the taint analysis, the SDK-call extraction and the dependency reachability share
one parse of each file.
"""

from __future__ import annotations

import posixpath
import weakref
from collections import deque
from typing import Any

from faasguard.code.imports import Resolver, js_specifiers_of, npm_package_of, python_imports_of
from faasguard.code.interface import FunctionCode, Language, SourceFile
from faasguard.code.layers import layer_roots
from faasguard.code.parse import language_of, parse_python, parse_script, skip_reason
from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.model import Application, Function, Location

__all__ = ["MAX_CLOSURE_FILES", "CodeBase", "codebase_for"]

#: Own-code files followed from one handler at most (a hostile repo must not make this explode).
MAX_CLOSURE_FILES = 2000


class CodeBase:
    """One per scan (per :class:`ScanFS`). Each file is read and parsed at most once.

    Args:
        fs: the confined file system of the scan.
    """

    def __init__(self, fs: ScanFS) -> None:
        self.fs = fs
        self._files: dict[str, SourceFile | None] = {}
        self._inline: dict[tuple[str, str], SourceFile | None] = {}
        self._functions: dict[tuple[str, str], FunctionCode] = {}
        self._resolvers: dict[tuple[str, tuple[str, ...]], Resolver] = {}
        self._issues: dict[tuple[str, int | None, str], LoadIssue] = {}
        self._edges: dict[tuple[str, tuple[str, ...], str], _Edges] = {}
        #: Free slot for analyses that derive something per file once per scan (the taint
        #: engine keeps its lowered program model here), keyed by (analysis, path).
        self.derived: dict[tuple[str, str], Any] = {}

    # -- files ---------------------------------------------------------------------------------

    def file(self, path: str) -> SourceFile | None:
        """The parsed file at ``path``, or None when it is missing or not a source file.

        A file that exists but cannot be used (unreadable, over a cap, minified, not parsing)
        is returned with ``tree=None`` and its issue.
        """
        if path in self._files:
            return self._files[path]
        language = language_of(path)
        result: SourceFile | None = None
        if language is not None and self.fs.exists(path):
            result = self._load(path, language)
        self._files[path] = result
        return result

    def _load(self, path: str, language: Language) -> SourceFile:
        try:
            text = self.fs.read_text(path)
        except LoadError as exc:
            issue = issue_from_error(exc)
            return self._record(SourceFile(path, language, "", None, (issue,)))
        return self._record(self._parse(path, language, text, 0, inline=False))

    def _parse(
        self, path: str, language: Language, text: str, offset: int, *, inline: bool
    ) -> SourceFile:
        skipped = skip_reason(path, text)
        if skipped is not None:
            return SourceFile(path, language, text, None, (skipped,), inline, offset)
        if language is Language.PYTHON:
            tree, issue = parse_python(path, text, line_offset=offset)
        else:
            parser_path = path
            if inline:
                parser_path = "inline.js"
            tree, issue = parse_script(path, text, line_offset=offset, parser_path=parser_path)
        issues = (issue,) if issue is not None else ()
        return SourceFile(path, language, text, tree, issues, inline, offset)

    def _record(self, source: SourceFile) -> SourceFile:
        for issue in source.issues:
            self.note(issue)
        return source

    def note(self, issue: LoadIssue) -> None:
        """Record an issue met while analysing code (deduplicated by place and message)."""
        key = (issue.location.file, issue.location.line, issue.message)
        self._issues.setdefault(key, issue)

    def issues(self) -> tuple[LoadIssue, ...]:
        """All parse and cap issues met so far, deduplicated, in the order met."""
        return tuple(self._issues.values())

    def inline(self, fn: Function) -> SourceFile | None:
        """The function's inline template code as a source file at its template lines."""
        code = fn.inline_code
        if code is None:
            return None
        key = (code.location.file, fn.name)
        if key in self._inline:
            return self._inline[key]
        runtime = fn.runtime if isinstance(fn.runtime, str) else ""
        language = Language.JAVASCRIPT if runtime.startswith("nodejs") else Language.PYTHON
        if not runtime.startswith(("nodejs", "python")):
            self._inline[key] = None
            return None
        offset = (code.location.line or 1) - 1
        source = self._record(
            self._parse(code.location.file, language, code.text, offset, inline=True)
        )
        self._inline[key] = source
        return source

    # -- functions -----------------------------------------------------------------------------

    def resolver(self, code_root: str, layers: tuple[str, ...]) -> Resolver:
        """The import resolver for a code root and its layers (shared by functions alike)."""
        key = (code_root, layers)
        found = self._resolvers.get(key)
        if found is None:
            found = self._resolvers[key] = Resolver(self.fs, code_root, layers)
        return found

    def resolver_for(self, code: FunctionCode, code_root: str) -> Resolver:
        """The resolver a function's code was collected with."""
        return self.resolver(code_root, code.layer_roots)

    def function_code(self, app: Application, fn: Function) -> FunctionCode:
        """The handler of ``fn`` and its own-code import closure (cached per function)."""
        key = (app.file, fn.name)
        found = self._functions.get(key)
        if found is None:
            found = self._functions[key] = self._collect(app, fn)
        return found

    def _collect(self, app: Application, fn: Function) -> FunctionCode:
        layers = layer_roots(self.fs, app, fn)
        handler = self.inline(fn) if fn.inline_code is not None else None
        if handler is None and fn.handler_file:
            handler = self.file(fn.handler_file)
        if handler is None:
            return FunctionCode(
                fn.name, None, fn.handler_function, (), frozenset(), layer_roots=layers
            )
        resolver = self.resolver(fn.code_root or "", layers)
        files = [handler]
        seen = {handler.path}
        python: set[str] = set()
        npm: set[str] = set()
        queue = deque([handler])
        while queue:
            source = queue.popleft()
            edges = self._edges_of(source, resolver)
            python.update(edges.python)
            npm.update(edges.npm)
            for path in edges.local:
                if path in seen:
                    continue
                seen.add(path)
                if len(files) >= MAX_CLOSURE_FILES:
                    self.note(
                        LoadIssue(
                            IssueKind.BUDGET,
                            f"the import closure of function {fn.name} has more than "
                            f"{MAX_CLOSURE_FILES} own-code files; the rest were not analysed",
                            Location(handler.path, None),
                            app.name,
                        )
                    )
                    queue.clear()
                    break
                nxt = self.file(path)
                if nxt is not None:
                    files.append(nxt)
                    queue.append(nxt)
        return FunctionCode(
            function=fn.name,
            handler=handler,
            entry=fn.handler_function,
            files=tuple(files),
            third_party=frozenset(python | npm),
            python_modules=frozenset(python),
            npm_packages=frozenset(npm),
            layer_roots=layers,
        )

    def _edges_of(self, source: SourceFile, resolver: Resolver) -> _Edges:
        key = (resolver.code_root, resolver.layer_roots, source.path)
        if not source.inline and key in self._edges:
            return self._edges[key]
        edges = _Edges()
        if source.tree is not None:
            if source.language is Language.PYTHON:
                for module, level, member in python_imports_of(source.tree):
                    target = resolver.python(source.path, module, level)
                    if target is not None:
                        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
                        parts = module.split(".")
                        for cut in range(1, len(parts)):
                            parent = resolver.python(source.path, ".".join(parts[:cut]), level)
                            if parent is not None and parent.endswith("__init__.py"):
                                edges.local.append(parent)
                        edges.local.append(target)
                    elif not level and not member:
                        top = Resolver.is_third_party_python(module)
                        if top and not resolver.is_namespace(source.path, module):
                            edges.python.add(top)
            else:
                for spec in js_specifiers_of(source.tree):
                    target = resolver.javascript(source.path, spec)
                    if target is not None:
                        edges.local.append(target)
                    else:
                        name = npm_package_of(spec)
                        if name:
                            edges.npm.add(name)
        if not source.inline:
            self._edges[key] = edges
        return edges


class _Edges:
    """What one file imports: own-code files, third-party Python modules, npm packages."""

    __slots__ = ("local", "npm", "python")

    def __init__(self) -> None:
        self.local: list[str] = []
        self.python: set[str] = set()
        self.npm: set[str] = set()


_BASES: weakref.WeakKeyDictionary[ScanFS, CodeBase] = weakref.WeakKeyDictionary()


def codebase_for(fs: ScanFS) -> CodeBase:
    """The scan-wide shared :class:`CodeBase` for this :class:`ScanFS` (created on first use)."""
    found = _BASES.get(fs)
    if found is None:
        found = _BASES[fs] = CodeBase(fs)
    return found


def module_name(path: str) -> str:
    """A readable module name for a file path (``svc/lib/db.py`` -> ``svc/lib/db``)."""
    return posixpath.splitext(path)[0]
