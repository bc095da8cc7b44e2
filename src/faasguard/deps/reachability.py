"""Which third-party packages a function's handler really imports.

A vulnerable package the handler never imports is still shipped and still a finding, but one
that is imported is more urgent; reports rank those first. The import closure itself is the
code layer's (:mod:`faasguard.code.codebase`): it is computed once per function and shared
with every other analysis of the code. This module keeps the names dependency matching needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.code.codebase import codebase_for
from faasguard.code.imports import npm_package_of
from faasguard.code.interface import FunctionCode
from faasguard.fs import ScanFS
from faasguard.model import AppFormat, Application, Function, Location

__all__ = [
    "ImportClosure",
    "closure_of",
    "import_closure",
    "npm_package_of",
    "python_import_names",
]

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
    """What a handler's import closure tells the dependency analysis.

    Attributes:
        files: own-code files visited, starting with the handler.
        python_modules: top-level names of third-party Python modules imported.
        npm_packages: npm package names required or imported.
        errors: files that could not be read or parsed, with the reason (never fatal; the
            code analysis reports them as findings).
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


def closure_of(code: FunctionCode) -> ImportClosure:
    """The dependency view of a function's code from the shared code layer."""
    errors = tuple(
        f"{issue.location}: {issue.message}" for source in code.files for issue in source.issues
    )
    return ImportClosure(
        files=tuple(source.path for source in code.files if not source.inline),
        python_modules=code.python_modules,
        npm_packages=code.npm_packages,
        errors=errors,
    )


def import_closure(fs: ScanFS, *, handler_file: str, code_root: str) -> ImportClosure:
    """Follow imports from ``handler_file`` through own code under ``code_root``.

    A convenience over :meth:`faasguard.code.codebase.CodeBase.function_code` for a handler
    that is not part of a loaded application (tests, tools).
    """
    fn = Function(
        name="handler",
        application="",
        location=Location(handler_file),
        handler_file=handler_file,
        code_root=code_root,
    )
    app = Application(name="", format=AppFormat.SAM, file=handler_file, root=code_root)
    return closure_of(codebase_for(fs).function_code(app, fn))
