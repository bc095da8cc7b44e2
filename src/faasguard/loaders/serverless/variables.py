"""Static, bounded resolution of Serverless Framework variables.

Serverless resolves ``${...}`` variables before it compiles anything, so every other part of the
loader reads the *resolved* document this module produces. What resolves and what stays
:class:`~faasguard.model.Unknown`:

* ``self:`` (dotted paths into the document), ``sls:stage``, ``opt:stage``/``opt:region`` (from
  :class:`~faasguard.loaders.interface.LoadOptions`), ``param:`` (from the template's own
  ``params:`` block), ``strToBool()``, ``file()`` of YAML/JSON/text inside the scan root, and
  ``env:`` only when the user opted in (``--resolve-env``): a scan of an untrusted pull request
  must not copy the runner's secrets into a report.
* Everything only known at deploy time (``ssm:``, ``cf:``, ``s3:``, ``aws:``, ``sls:instanceId``,
  unknown sources, ``file()`` of JavaScript, which is never executed) is an Unknown keeping the
  expression as written.

Semantics follow Serverless v3: a string that is exactly one variable takes the variable's value
and type (a number, a mapping); variables embedded in text are interpolated, and one Unknown part
makes the whole string Unknown. A missing value (``null`` included) falls through to the next
fallback. ``file()`` paths are relative to the service directory, whichever file they are in.

Resolution is lazy and memoised per document path: a ``${self:...}`` is resolved once however
often it is referenced, and walking a path only resolves the nodes on it, so the cost is linear
in the size of the document. The document is hostile, so everything is bounded: nesting depth
(with cycle detection that reports the chain), the number of evaluations, the expanded size of
the result (references can share a subtree many times), the length of interpolated strings, and
the number of included files; ``file()`` never leaves the scan root.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.interface import (
    IssueKind,
    LoadIssue,
    LoadOptions,
    issue_from_error,
)
from faasguard.loaders.serverless.includes import Includes
from faasguard.loaders.serverless.syntax import (
    Literal,
    Nested,
    Source,
    Variable,
    VariableSyntaxError,
    find_variables,
)
from faasguard.loaders.yaml_safe import YamlMap, YamlSeq, line_of
from faasguard.model import Location, Unknown

__all__ = [
    "DEFAULT_STAGE",
    "MAX_DEPTH",
    "MAX_EVALUATIONS",
    "MAX_ISSUES",
    "MAX_RESOLVED_NODES",
    "MAX_STRING_CHARS",
    "R_ENV",
    "Resolver",
    "js_string",
]

#: Serverless's stage when neither ``--stage`` nor ``provider.stage`` is given.
DEFAULT_STAGE: Final = "dev"
#: Serverless's region when neither ``--region`` nor ``provider.region`` is given.
DEFAULT_REGION: Final = "us-east-1"
#: Nesting budget, counted in the Python frames resolution uses: a mapping level costs 2, a
#: ``${self:...}`` hop 8. Real templates stay far below; the bound keeps the resolver (and the
#: walks over its result) clear of Python's default limit of 1,000 frames.
MAX_DEPTH: Final = 600
#: Variables evaluated per template; a legitimate 1,000-function service needs a few thousand.
MAX_EVALUATIONS: Final = 500_000
#: Values in the resolved document, counting a shared subtree each time it appears (the guard
#: against ``a: [${self:b}, ${self:b}]``-style expansion bombs).
MAX_RESOLVED_NODES: Final = 2_000_000
#: Mapping entries copied while resolving (bounds the work of files that include themselves).
MAX_WORK: Final = 2_000_000
#: Longest string interpolation can produce.
MAX_STRING_CHARS: Final = 1_000_000
#: How many times one file may be expanded inside itself (``a: ${file(./self.yml)}``).
MAX_SAME_FILE_NESTING: Final = 4
#: Issues reported per template; a hostile template could otherwise flood the report.
MAX_ISSUES: Final = 1_000
#: Path segments in one ``${self:a.b.c}`` address.
MAX_ADDRESS_PARTS: Final = 100

_COST_LEVEL: Final = 2
_COST_HOP: Final = 8
_COST_RAW: Final = 5
_COST_NESTED: Final = 2

# Unknown reasons: short stable phrases (reports group by them).
R_ENV: Final = "env not resolved; pass --resolve-env"
R_MISSING: Final = "variable has no value and no fallback"
R_CYCLE: Final = "variable cycle"
R_DEPTH: Final = "variables nest too deeply"
R_BUDGET: Final = "variable resolution budget exhausted"
R_SIZE: Final = "expands to too many values"
R_SYNTAX: Final = "invalid variable syntax"
R_OUTSIDE: Final = "file reference outside the scan root"
R_SCRIPT: Final = "JavaScript/TypeScript file() sources are never executed"
R_NOT_SCALAR: Final = "a mapping or list cannot be embedded in a string"
R_INSTANCE: Final = "generated per deployment"
R_PARAM: Final = "parameter not in serverless.yml params (CLI or Serverless Dashboard)"
_DEPLOY_TIME: Final = {
    "ssm": "SSM parameter, resolved at deploy time",
    "cf": "CloudFormation stack output, resolved at deploy time",
    "s3": "S3 object, read at deploy time",
    "aws": "AWS account value, resolved at deploy time",
    "git": "git metadata, read at deploy time",
    "secretsmanager": "Secrets Manager secret, resolved at deploy time",
}
_SCRIPT_EXTENSIONS: Final = frozenset({".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"})

SELF: Final = "self"
#: Top-level keys resolved first (see :meth:`Resolver.resolve_document`).
_PRIORITY_KEYS: Final = ("service", "provider", "functions", "layers", "package", "resources")
_FILE_ROOT: Final = "file:"

Path = tuple[str | int, ...]
Key = tuple[str, Path]


class _Missing:
    """A variable that found nothing: the next fallback applies."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
_UNSET: Final = object()


@dataclass(frozen=True, slots=True)
class _Site:
    """Where a string holding variables is written (for issues)."""

    file: str
    line: int | None


@dataclass(frozen=True, slots=True)
class _Frame:
    kind: str  # "string" (resolving one string) or "deep" (resolving a subtree)
    key: Key
    site: _Site | None


def js_string(value: Any) -> str | None:
    """Render a scalar as JavaScript's ``String(value)`` would (what interpolation produces)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None


class Resolver:
    """Resolves the variables of one ``serverless.yml`` (and the files it includes).

    Args:
        document: the parsed template (a mapping).
        fs: the confined scan root; every ``file()`` read goes through it.
        template: POSIX path of the template, relative to the scan root.
        options: stage, region and the ``env`` opt-in.

    Attributes:
        issues: problems met while resolving (cycles, files outside the root, unreadable files,
            invalid syntax, missing values), in the order met, each once.
    """

    def __init__(self, document: Any, *, fs: ScanFS, template: str, options: LoadOptions) -> None:
        self.issues: list[LoadIssue] = []
        self._fs = fs
        self._template = template
        self._options = options
        self._service_dir = posixpath.dirname(template) or "."
        self._roots: dict[str, Any] = {SELF: document}
        self._shallow_memo: dict[Key, Any] = {}
        self._deep_memo: dict[Key, Any] = {}
        self._copies: dict[int, Any] = {}  # id(source container) -> its resolved copy
        self._files: dict[int, str] = {}
        self._raw: dict[tuple[int, str | int], str] = {}
        self._resolved: dict[int, int] = {}  # id(resolved container) -> expanded size
        self._include_roots: dict[int, tuple[str, _Site]] = {}
        self._including: dict[str, int] = {}
        self._stack: list[_Frame] = []
        self._active: set[tuple[str, Key]] = set()
        self._depth = 0
        self._evaluations = 0
        self._work = 0
        self._reported: set[object] = set()
        self._seen: set[LoadIssue] = set()
        self._includes = Includes(fs, files=self._files, report=self._add)

    # -- public -----------------------------------------------------------------------------

    def resolve_document(self) -> Any:
        """Return the whole document with every variable resolved (lines are kept).

        The keys that define functions are resolved first: when a budget runs out, it runs out
        in ``custom`` or other helper data, not in the functions being scanned. ``custom`` values
        the functions use are still resolved (through the references), just not the rest.
        """
        document = self._roots[SELF]
        if isinstance(document, dict):
            for key in _PRIORITY_KEYS:
                if key in document:
                    self._deep((SELF, (key,)))
        value = self._deep((SELF, ()))
        return None if value is MISSING else value

    @property
    def _over_budget(self) -> bool:
        return self._work > MAX_WORK or self._evaluations > MAX_EVALUATIONS

    def file_of(self, container: Any) -> str:
        """Return the file a mapping or list of the resolved document was written in."""
        return self._files.get(id(container), self._template)

    def location(self, container: Any, key: str | int | None = None) -> Location:
        """Return the location of ``container[key]`` (or of the container)."""
        return Location(self.file_of(container), line_of(container, key))

    def raw_text(self, container: Any, key: str | int) -> str | None:
        """Return the text of ``container[key]`` as written, when it held variables."""
        return self._raw.get((id(container), key))

    @property
    def stage(self) -> str | Unknown:
        """The stage the template resolves for: ``--stage``, else ``provider.stage``, else dev."""
        if self._options.stage:
            return self._options.stage
        value = self._deep((SELF, ("provider", "stage")))
        if value is MISSING or value is None:
            return DEFAULT_STAGE
        if isinstance(value, Unknown):
            return value
        text = js_string(value)
        if text is None:
            return Unknown("provider.stage", "stage is not a string")
        return text

    # -- walking the document -----------------------------------------------------------------

    def _shallow(self, root: str, path: Path) -> tuple[Any, Path]:
        """Return the node at ``path`` with the node itself resolved (not its children).

        Path segments written as text (``functions.0``) are normalised to list indexes, so one
        node has one memo entry. Returns the node (or MISSING) and the normalised path.
        """
        key = (root, path)
        if key in self._shallow_memo:
            return self._shallow_memo[key], path
        node = self._roots[root]
        done: Path = ()
        parent_key = (root, path[:-1])
        if path and parent_key in self._shallow_memo:  # the usual case: a walk one level down
            node, done = self._shallow_memo[parent_key], parent_key[1]
            if node is MISSING or isinstance(node, Unknown):
                return node, path
        for segment in path[len(done) :]:
            if isinstance(node, list) and isinstance(segment, str) and segment.isdigit():
                segment = int(segment)
            step = (*done, segment)
            cached = self._shallow_memo.get((root, step), _UNSET)
            if cached is _UNSET:
                cached = self._step(root, done, node, segment)
                self._shallow_memo[(root, step)] = cached
            node, done = cached, step
            if node is MISSING or isinstance(node, Unknown):
                break
        self._shallow_memo[key] = node
        return node, done if len(done) == len(path) else path

    def _step(self, root: str, parent_path: Path, parent: Any, segment: str | int) -> Any:
        if isinstance(parent, Unknown):
            return parent
        if isinstance(parent, dict):
            if not isinstance(segment, str) or segment not in parent:
                return MISSING
            child = parent[segment]
        elif isinstance(parent, list):
            if not isinstance(segment, int) or not 0 <= segment < len(parent):
                return MISSING
            child = parent[segment]
        else:
            return MISSING
        if id(parent) in self._resolved or not isinstance(child, str) or "${" not in child:
            return child
        site = _Site(self.file_of(parent), line_of(parent, segment))
        return self._resolve_string((root, (*parent_path, segment)), child, site)

    def _deep(self, key: Key) -> Any:
        """Return the node at ``key`` fully resolved, memoised (shared by every reference)."""
        if key in self._deep_memo:
            return self._deep_memo[key]
        value, path = self._shallow(*key)
        key = (key[0], path)
        if key in self._deep_memo:
            return self._deep_memo[key]
        if not isinstance(value, (dict, list)) or id(value) in self._resolved:
            return value
        copied = self._copies.get(id(value))
        if copied is not None:
            # The same mapping reached by another path (one file() included under fifty keys):
            # its resolution depends on its content only, so it is copied once.
            self._deep_memo[key] = copied
            return copied
        frame = _Frame("deep", key, None)
        if ("deep", key) in self._active:
            return self._cycle(frame)
        if self._depth + _COST_LEVEL > MAX_DEPTH:
            return self._too_deep(self._label(key), None)
        with self._pushed(frame, _COST_LEVEL):
            result = self._copy(key, value)
        self._deep_memo[key] = result
        self._copies[id(value)] = result
        return result

    def _copy(self, key: Key, value: Any) -> Any:
        """Build the resolved copy of one mapping or list (lines and file kept)."""
        included = self._include_roots.get(id(value))
        if included is not None:
            rel, site = included
            if self._including.get(rel, 0) >= MAX_SAME_FILE_NESTING:
                return self._cycle_file(rel, key, site)
        self._work += len(value) + 1
        if self._work > MAX_WORK:
            if included is not None or self.file_of(value) != self._template:
                return self._exhausted(key)
            # Past the budget the template's own mappings are still copied (their size is
            # bounded by the file's), with every variable left unknown: a function whose
            # environment blew the budget stays in the model, its values Unknown.
            self._exhausted(key)
        if included is not None:
            self._including[rel] = self._including.get(rel, 0) + 1
        try:
            return self._copy_children(key, value)
        finally:
            if included is not None:
                self._including[rel] -= 1

    def _copy_children(self, key: Key, value: Any) -> Any:
        root, path = key
        out: YamlMap | YamlSeq
        entries: Iterator[tuple[str | int, Any]]
        if isinstance(value, dict):
            out = YamlMap(getattr(value, "line", None))
            out.key_lines.update(getattr(value, "key_lines", {}))
            entries = iter(list(value.items()))
        else:
            out = YamlSeq(getattr(value, "line", None))
            out.item_lines.extend(getattr(value, "item_lines", []))
            entries = enumerate(list(value))
        size = 1
        raw_texts: list[tuple[str | int, str]] = []
        for segment, raw in entries:
            child = self._deep((root, (*path, segment)))
            if isinstance(raw, str) and child is not raw:
                raw_texts.append((segment, raw))
            if isinstance(out, YamlMap):
                out[str(segment)] = child
            else:
                out.append(child)
            size += self._resolved.get(id(child), 1)
        if size > MAX_RESOLVED_NODES:
            self._issue(
                "size",
                IssueKind.PARSE_ERROR,
                f"variables expand {self._label(key)} to more than {MAX_RESOLVED_NODES} "
                "values; it is treated as unknown",
                _Site(self.file_of(value), line_of(value)),
            )
            return Unknown(self._label(key), R_SIZE)
        file = self.file_of(value)
        if file != self._template:
            self._files[id(out)] = file
        for segment, raw in raw_texts:
            self._raw[(id(out), segment)] = raw
        self._resolved[id(out)] = size
        return out

    # -- strings ------------------------------------------------------------------------------

    def _resolve_string(self, key: Key, text: str, site: _Site) -> Any:
        try:
            variables = find_variables(text)
        except VariableSyntaxError as exc:
            self._issue(
                ("syntax", site, text),
                IssueKind.PARSE_ERROR,
                f"invalid variable in {_clip(text)!r}: {exc}",
                site,
            )
            return Unknown(text, R_SYNTAX)
        if not variables:
            return text
        if self._over_budget:
            return Unknown(text, R_BUDGET)
        frame = _Frame("string", key, site)
        if ("string", key) in self._active:
            return self._cycle(frame)
        if self._depth + _COST_HOP > MAX_DEPTH:
            return self._too_deep(text, site)
        with self._pushed(frame, _COST_HOP):
            return self._interpolate(text, variables, site)

    def _interpolate_raw(self, raw: str, site: _Site) -> Any:
        """Resolve a param or address written inside a variable (it may nest variables)."""
        try:
            variables = find_variables(raw)
        except VariableSyntaxError as exc:
            self._issue(
                ("syntax", site, raw),
                IssueKind.PARSE_ERROR,
                f"invalid variable in {_clip(raw)!r}: {exc}",
                site,
            )
            return Unknown(raw, R_SYNTAX)
        if not variables:
            return raw
        if self._depth + _COST_RAW > MAX_DEPTH:
            return self._too_deep(raw, site)
        self._depth += _COST_RAW
        try:
            return self._interpolate(raw, variables, site)
        finally:
            self._depth -= _COST_RAW

    def _interpolate(self, text: str, variables: tuple[Variable, ...], site: _Site) -> Any:
        first = variables[0]
        if len(variables) == 1 and first.start == 0 and first.end == len(text):
            value = self._evaluate(first, text, site)
            if value is MISSING:
                return self._missing(text, text, site)
            if isinstance(value, Unknown):
                return Unknown(text, value.reason)
            return value
        parts: list[str] = []
        length = 0
        last = 0
        for variable in variables:
            var_text = text[variable.start : variable.end]
            value = self._evaluate(variable, var_text, site)
            if value is MISSING:
                return self._missing(text, var_text, site)
            if isinstance(value, Unknown):
                return Unknown(text, value.reason)
            rendered = js_string(value)
            if rendered is None:
                return Unknown(text, R_NOT_SCALAR)
            length += variable.start - last + len(rendered)
            if length > MAX_STRING_CHARS:
                self._issue(
                    "string-size",
                    IssueKind.PARSE_ERROR,
                    f"variables expand {_clip(text)!r} to more than {MAX_STRING_CHARS} "
                    "characters; it is treated as unknown",
                    site,
                )
                return Unknown(text, R_SIZE)
            parts.append(text[last : variable.start])
            parts.append(rendered)
            last = variable.end
        parts.append(text[last:])
        return "".join(parts)

    def _evaluate(self, variable: Variable, var_text: str, site: _Site) -> Any:
        self._evaluations += 1
        if self._evaluations > MAX_EVALUATIONS:
            return self._exhausted((SELF, ()))
        for source in variable.sources:
            if isinstance(source, Literal):
                return source.value
            if isinstance(source, Nested):
                value = self._nested(source.text, site)
            else:
                value = self._source(source, var_text, site)
            if value is MISSING or value is None:
                continue
            return value
        return MISSING

    def _nested(self, text: str, site: _Site) -> Any:
        """Evaluate a ``${...}`` fallback; MISSING (not an issue) when it finds nothing."""
        try:
            variables = find_variables(text)
        except VariableSyntaxError:
            variables = ()
        if len(variables) != 1 or variables[0].end != len(text):
            return self._interpolate_raw(text, site)
        if self._depth + _COST_NESTED > MAX_DEPTH:
            return self._too_deep(text, site)
        self._depth += _COST_NESTED
        try:
            return self._evaluate(variables[0], text, site)
        finally:
            self._depth -= _COST_NESTED

    # -- sources ------------------------------------------------------------------------------

    def _source(self, source: Source, var_text: str, site: _Site) -> Any:
        address = self._text_part(source.address, site)
        if isinstance(address, Unknown):
            return address
        kind = source.type
        if kind == "self":
            return self._self(address or "", var_text, site)
        if kind == "opt":
            option = {"stage": self._options.stage, "region": self._options.region}
            return option.get(address or "") or MISSING
        if kind == "sls":
            if address == "stage":
                return self.stage
            if address == "instanceId":
                return Unknown(var_text, R_INSTANCE)
            return Unknown(var_text, f"sls:{address} is not resolved statically")
        if kind == "env":
            if not self._options.resolve_env:
                return Unknown(var_text, R_ENV)
            return self._options.env.get(address or "", MISSING)
        if kind == "param":
            return self._param(address or "", var_text)
        params = [self._text_part(param, site) for param in source.params or ()]
        if kind == "file":
            return self._file(params, address, var_text, site)
        if kind == "strToBool":
            return _str_to_bool(params[0] if params else None, var_text)
        base = kind.split(".", 1)[0]
        reason = _DEPLOY_TIME.get(base, f"variable source {base!r} is not resolved statically")
        return Unknown(var_text, reason)

    def _text_part(self, part: str | Literal | None, site: _Site) -> Any:
        if part is None:
            return None
        if isinstance(part, Literal):
            return js_string(part.value) if part.value is not None else None
        value = self._interpolate_raw(part, site)
        if isinstance(value, Unknown):
            return value
        text = js_string(value)
        return text if text is not None else Unknown(part, R_NOT_SCALAR)

    def _self(self, address: str, var_text: str, site: _Site) -> Any:
        segments: Path = tuple(address.split(".")) if address else ()
        if len(segments) > MAX_ADDRESS_PARTS:
            return Unknown(var_text, R_DEPTH)
        value = self._deep((SELF, segments))
        if value is MISSING or value is None:
            # The framework fills these when the template does not: `${opt:stage,
            # self:provider.stage}` with no provider.stage deploys to `dev`, not nowhere.
            if segments == ("provider", "stage"):
                return self._options.stage or DEFAULT_STAGE
            if segments == ("provider", "region"):
                return self._options.region or DEFAULT_REGION
        return value

    def _param(self, name: str, var_text: str) -> Any:
        stage = self.stage
        if isinstance(stage, Unknown):
            return Unknown(var_text, stage.reason)
        for scope in (stage, "default"):
            value = self._deep((SELF, ("params", scope, name)))
            if value is not MISSING and value is not None:
                return value
        return Unknown(var_text, R_PARAM)

    def _file(self, params: list[Any], address: Any, var_text: str, site: _Site) -> Any:
        ref = params[0] if params else None
        if ref is None and not params and isinstance(address, str) and address:
            # Serverless v4 writes ``${file:./config.yml#db.host}``: path, then ``#`` and the key.
            ref, _, address = address.partition("#")
        if isinstance(ref, Unknown):
            return ref
        if not isinstance(ref, str) or not ref:
            self._issue(
                ("file-arg", site, var_text),
                IssueKind.PARSE_ERROR,
                f"{var_text} has no file path",
                site,
            )
            return Unknown(var_text, R_SYNTAX)
        try:
            rel = self._fs.join(self._service_dir, ref, referrer=site.file, line=site.line)
        except LoadError as exc:
            self._add(issue_from_error(exc))
            reason = R_OUTSIDE if exc.kind != "parse-error" else "file could not be read"
            return Unknown(var_text, reason)
        if posixpath.splitext(rel)[1].lower() in _SCRIPT_EXTENSIONS:
            return Unknown(var_text, R_SCRIPT)
        root = self._load_file(rel, var_text, site)
        if not isinstance(root, str):
            return root
        segments: Path = tuple(address.split(".")) if address else ()
        value, _ = self._shallow(root, segments)
        if isinstance(value, (dict, list)) and id(value) not in self._resolved:
            self._include_roots[id(value)] = (rel, site)
        return value

    def _load_file(self, rel: str, var_text: str, site: _Site) -> str | Unknown | _Missing:
        """Read an included file once; return the name of its root in ``_roots``."""
        included = self._includes.read(rel, referrer=Location(site.file, site.line))
        if included is None:
            return MISSING
        if included.failure is not None:
            return Unknown(var_text, included.failure)
        name = _FILE_ROOT + rel
        self._roots.setdefault(name, included.data)
        return name

    # -- bounds, cycles and issues ------------------------------------------------------------

    @contextmanager
    def _pushed(self, frame: _Frame, cost: int) -> Iterator[None]:
        """Track ``frame`` while its body runs (a context manager adds no stack frame)."""
        marker = (frame.kind, frame.key)
        self._stack.append(frame)
        self._active.add(marker)
        self._depth += cost
        try:
            yield
        finally:
            self._depth -= cost
            self._active.discard(marker)
            self._stack.pop()

    def _cycle(self, frame: _Frame) -> Unknown:
        start = next(i for i, item in enumerate(self._stack) if item.key == frame.key)
        chain: list[str] = []
        for item in [*self._stack[start:], frame]:
            label = self._label(item.key)
            if not chain or chain[-1] != label:
                chain.append(label)
        if len(chain) == 1:
            chain.append(chain[0])
        text = " -> ".join(chain)
        site = next((item.site for item in self._stack[start:] if item.site), frame.site)
        self._issue(
            ("cycle", frozenset(chain)), IssueKind.UNRESOLVED, f"variable cycle: {text}", site
        )
        return Unknown(chain[0], f"{R_CYCLE}: {text}")

    def _cycle_file(self, rel: str, key: Key, site: _Site) -> Unknown:
        text = f"file({rel}) -> file({rel})"
        self._issue(
            ("cycle-file", rel),
            IssueKind.PARSE_ERROR,
            f"variable cycle: {text} (the file includes itself)",
            site,
        )
        return Unknown(self._label(key), f"{R_CYCLE}: {text}")

    def _too_deep(self, label: str, site: _Site | None) -> Unknown:
        self._issue(
            "depth",
            IssueKind.PARSE_ERROR,
            f"variables and nesting go deeper than the limit ({MAX_DEPTH}) at {_clip(label)}; "
            "the deepest values are treated as unknown",
            site,
        )
        return Unknown(label, R_DEPTH)

    def _exhausted(self, key: Key) -> Unknown:
        self._issue(
            "budget",
            IssueKind.PARSE_ERROR,
            "variable resolution stopped: the template needs more than "
            f"{MAX_EVALUATIONS} evaluations or {MAX_WORK} copied values (an expansion bomb?); "
            "the rest is treated as unknown",
            None,
        )
        return Unknown(self._label(key), R_BUDGET)

    def _missing(self, text: str, var_text: str, site: _Site) -> Unknown:
        self._issue(
            ("missing", site, var_text),
            IssueKind.UNRESOLVED,
            f"{var_text} has no value and no fallback; Serverless would refuse to deploy",
            site,
        )
        return Unknown(text, R_MISSING)

    def _issue(self, dedupe: object, kind: IssueKind, message: str, site: _Site | None) -> None:
        if dedupe in self._reported:
            return
        self._reported.add(dedupe)
        where = site or _Site(self._template, None)
        self._add(LoadIssue(kind, message, Location(where.file, where.line)))

    def _add(self, issue: LoadIssue) -> None:
        if issue in self._seen:
            return
        self._seen.add(issue)
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(issue)
        elif len(self.issues) == MAX_ISSUES:
            self.issues.append(
                LoadIssue(
                    IssueKind.PARSE_ERROR,
                    f"more than {MAX_ISSUES} variable problems; the rest are not reported",
                    Location(self._template),
                )
            )

    def _label(self, key: Key) -> str:
        root, path = key
        dotted = ".".join(str(segment) for segment in path)
        if root == SELF:
            return dotted or "self"
        rel = root[len(_FILE_ROOT) :]
        return f"file({rel}):{dotted}" if dotted else f"file({rel})"


def _str_to_bool(value: Any, var_text: str) -> bool | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return Unknown(var_text, "strToBool needs 'true' or 'false'")


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
