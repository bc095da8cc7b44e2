"""Which third-party packages a function's handler really imports.

A vulnerable package the handler never imports is still shipped and still a finding, but one
that is imported is more urgent; reports rank those first. The import closure starts at the
handler file and follows the project's own modules (never into third-party code), reading
Python with :mod:`ast` and JavaScript/TypeScript with tree-sitter. Nothing is executed.
"""

from __future__ import annotations

import ast
import posixpath
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from faasguard.errors import LoadError
from faasguard.fs import ScanFS

__all__ = [
    "ImportClosure",
    "import_closure",
    "npm_package_of",
    "python_import_names",
]

#: Own-code files followed from one handler at most (a hostile repo must not make this explode).
MAX_FILES = 2000

_PY_SUFFIX = ".py"
_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")
_NODE_BUILTINS = frozenset(
    {
        "assert",
        "async_hooks",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "diagnostics_channel",
        "dns",
        "domain",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tls",
        "trace_events",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "wasi",
        "worker_threads",
        "zlib",
    }
)
#: Distributions whose import name differs from their project name (the common cases).
_KNOWN_IMPORT_NAMES = {
    "pyyaml": ("yaml",),
    "pillow": ("PIL",),
    "pyjwt": ("jwt",),
    "python-dateutil": ("dateutil",),
    "beautifulsoup4": ("bs4",),
    "scikit-learn": ("sklearn",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "protobuf": ("google",),
    "pyopenssl": ("OpenSSL",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "python-magic": ("magic",),
    "dnspython": ("dns",),
    "python-jose": ("jose",),
    "attrs": ("attr", "attrs"),
    "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg",),
    "mysqlclient": ("MySQLdb",),
    "pymysql": ("pymysql",),
    "pyserial": ("serial",),
    "python-docx": ("docx",),
    "gitpython": ("git",),
    "markdown": ("markdown",),
    "setuptools": ("setuptools", "pkg_resources"),
    "aws-lambda-powertools": ("aws_lambda_powertools",),
    "aws-xray-sdk": ("aws_xray_sdk",),
    "google-cloud-storage": ("google",),
    "msgpack-python": ("msgpack",),
    "pymongo": ("pymongo", "bson", "gridfs"),
    "typing-extensions": ("typing_extensions",),
    "importlib-metadata": ("importlib_metadata",),
    "python-multipart": ("multipart",),
    "websocket-client": ("websocket",),
    "jinja2": ("jinja2",),
    "markupsafe": ("markupsafe",),
    "ruamel.yaml": ("ruamel",),
    "zope.interface": ("zope",),
}


@dataclass(frozen=True, slots=True)
class ImportClosure:
    """The result of following a handler's imports through the project's own code.

    Attributes:
        files: own-code files visited, starting with the handler.
        python_modules: top-level names of third-party Python modules imported.
        npm_packages: npm package names required or imported.
        errors: files that could not be read or parsed, with the reason (never fatal).
    """

    files: tuple[str, ...]
    python_modules: frozenset[str]
    npm_packages: frozenset[str]
    errors: tuple[str, ...] = ()


def python_import_names(distribution: str) -> tuple[str, ...]:
    """Return the import names a PyPI distribution most likely provides.

    Uses the known-renames table, else the normalised name with ``-`` and ``.`` as ``_``.
    Built packages give the exact answer through ``top_level.txt``; callers prefer that.
    """
    key = distribution.lower().replace("_", "-")
    if key in _KNOWN_IMPORT_NAMES:
        return _KNOWN_IMPORT_NAMES[key]
    return (key.replace("-", "_").replace(".", "_"),)


def npm_package_of(specifier: str) -> str | None:
    """Return the package name of a bare import specifier, or None for relative/builtin ones."""
    if not specifier or specifier.startswith((".", "/")) or specifier.startswith("node:"):
        return None
    parts = specifier.split("/")
    name = "/".join(parts[:2]) if specifier.startswith("@") and len(parts) > 1 else parts[0]
    if name in _NODE_BUILTINS:
        return None
    return name.lower()


def import_closure(fs: ScanFS, *, handler_file: str, code_root: str) -> ImportClosure:
    """Follow imports from ``handler_file`` through own code under ``code_root``."""
    root = code_root or "."
    seen: set[str] = set()
    order: list[str] = []
    python: set[str] = set()
    npm: set[str] = set()
    errors: list[str] = []
    queue = deque([handler_file])
    while queue and len(order) < MAX_FILES:
        current = queue.popleft()
        if current in seen:
            continue
        seen.add(current)
        order.append(current)
        try:
            text = fs.read_text(current)
        except LoadError as exc:
            errors.append(str(exc))
            continue
        if current.endswith(_PY_SUFFIX):
            local, external = _python_imports(fs, current, text, root, errors)
            python.update(external)
        else:
            local, external = _js_imports(fs, current, text, errors)
            npm.update(external)
        queue.extend(f for f in local if f not in seen)
    return ImportClosure(tuple(order), frozenset(python), frozenset(npm), tuple(errors))


# ---- Python ---------------------------------------------------------------------------------


def _python_imports(
    fs: ScanFS, file: str, text: str, root: str, errors: list[str]
) -> tuple[list[str], set[str]]:
    try:
        tree = ast.parse(text, filename=file)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        errors.append(
            f"{file}: cannot parse Python ({type(exc).__name__}); its imports are not followed"
        )
        return [], set()
    package_dir = posixpath.dirname(file)
    local: list[str] = []
    external: set[str] = set()
    for module, level in _python_import_targets(tree):
        if level:
            base = package_dir
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            found = _python_module_file(fs, base, module)
            local.extend(found)
            continue
        found = _python_module_file(fs, root, module)
        if not found and package_dir != root:
            found = _python_module_file(fs, package_dir, module)  # script-style sibling import
        if found:
            local.extend(found)
        else:
            top = module.split(".")[0]
            if top and top not in sys.stdlib_module_names:
                external.add(top)
    return local, external


def _python_import_targets(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """Yield (module, relative level) for every import; ``from . import x`` yields x too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, 0
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            yield module, node.level
            for alias in node.names:
                if alias.name != "*":
                    yield (f"{module}.{alias.name}" if module else alias.name), node.level


def _python_module_file(fs: ScanFS, base: str, module: str) -> list[str]:
    if not module:
        init = posixpath.normpath(posixpath.join(base, "__init__.py"))
        return [init] if fs.exists(init) else []
    path = posixpath.normpath(posixpath.join(base, *module.split(".")))
    if path.startswith("../"):
        return []
    for candidate in (path + _PY_SUFFIX, path + "/__init__.py"):
        if fs.exists(candidate):
            return [candidate]
    return []


# ---- JavaScript / TypeScript ----------------------------------------------------------------


@cache
def _parsers() -> dict[str, Any]:
    """Build tree-sitter parsers once, on first use (their import costs start-up time)."""
    import tree_sitter_javascript
    import tree_sitter_typescript
    from tree_sitter import Language, Parser

    javascript = Parser(Language(tree_sitter_javascript.language()))
    typescript = Parser(Language(tree_sitter_typescript.language_typescript()))
    tsx = Parser(Language(tree_sitter_typescript.language_tsx()))
    return {"js": javascript, "ts": typescript, "tsx": tsx}


def _parser_for(file: str) -> Any:
    parsers = _parsers()
    if file.endswith(".tsx"):
        return parsers["tsx"]
    if file.endswith((".ts", ".mts", ".cts")):
        return parsers["ts"]
    return parsers["js"]


def js_specifiers(source: bytes, file: str) -> list[str]:
    """Return every module specifier a JavaScript or TypeScript file loads.

    Covers ``import``, ``export ... from``, ``require()`` and ``import()`` with a literal string.
    """
    tree = _parser_for(file).parse(source)
    found: list[str] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("import_statement", "export_statement"):
            src = node.child_by_field_name("source")
            if src is not None:
                found.append(_string_value(src))
        elif kind == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if (
                fn is not None
                and args is not None
                and ((fn.type == "identifier" and fn.text == b"require") or fn.type == "import")
            ):
                first = next((c for c in args.named_children), None)
                if first is not None and first.type == "string":
                    found.append(_string_value(first))
        stack.extend(node.children)
    return [s for s in found if s]


def _string_value(node: Any) -> str:
    text: bytes = node.text or b""
    return text.decode("utf-8", "replace").strip("'\"`")


def _js_imports(fs: ScanFS, file: str, text: str, errors: list[str]) -> tuple[list[str], set[str]]:
    try:
        specifiers = js_specifiers(text.encode("utf-8"), file)
    except (ValueError, RecursionError) as exc:  # pragma: no cover - tree-sitter is tolerant
        errors.append(f"{file}: cannot parse JavaScript ({type(exc).__name__})")
        return [], set()
    local: list[str] = []
    external: set[str] = set()
    base = posixpath.dirname(file)
    for spec in specifiers:
        if spec.startswith("."):
            local.extend(_js_local_file(fs, base, spec))
        else:
            name = npm_package_of(spec)
            if name:
                external.add(name)
    return local, external


def _js_local_file(fs: ScanFS, base: str, spec: str) -> Iterable[str]:
    path = posixpath.normpath(posixpath.join(base, spec))
    if path.startswith("../") or path == "..":
        return []
    candidates = [path] + [path + ext for ext in _JS_SUFFIXES]
    candidates += [f"{path}/index{ext}" for ext in _JS_SUFFIXES]
    # TypeScript sources import "./x.js" that exists only as x.ts before compilation.
    stem, ext = posixpath.splitext(path)
    if ext in (".js", ".mjs", ".cjs"):
        candidates += [stem + ".ts", stem + ".mts", stem + ".cts", stem + ".tsx"]
    for candidate in candidates:
        if fs.exists(candidate):
            return [candidate]
    return []
