"""Hard-coded secrets in a function's own code.

The detection is the one template environment variables use
(:func:`faasguard.rules.secrets.detect_secret`): known token formats whatever the name, and
high-entropy values under a secret-like name (the variable, attribute, dict key, object key or
keyword argument the literal is stored under). There is one token table for templates and code.

Vendored code (``node_modules``, ``site-packages``, a layer's ``python/`` and ``nodejs/``
folders), tests and fixtures are never searched: libraries ship documented example keys and
tests ship fake ones, and neither is the project's secret.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from faasguard.code.edge.values import FileFacts
from faasguard.rules.secrets import SecretMatch, detect_secret

__all__ = ["CodeSecret", "is_excluded_path", "is_vendored", "secrets_in"]

_VENDORED: Final = frozenset(
    {
        "node_modules",
        "site-packages",
        "dist-packages",
        "bower_components",
        "vendor",
        "vendored",
        ".venv",
        "venv",
        "__pycache__",
        ".aws-sam",
        ".serverless",
    }
)
_TEST_DIRS: Final = frozenset(
    {
        "test",
        "tests",
        "__tests__",
        "__mocks__",
        "spec",
        "specs",
        "fixtures",
        "fixture",
        "testdata",
        "mocks",
    }
)
_TEST_FILE: Final = re.compile(
    r"^(?:test_.*\.py|.*_test\.py|conftest\.py|.*\.(?:test|spec)\.[cm]?[jt]sx?)$"
)
_PROSE: Final = re.compile(r"\s|^[\[<{(].*[\]>})]$")
_AWS_KEY_ID: Final = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")


@dataclass(frozen=True, slots=True)
class CodeSecret:
    """A secret literal in code.

    Attributes:
        file: the file.
        line: the literal's line.
        name: the name it is stored under, if any.
        match: what was recognised (its evidence is redacted).
    """

    file: str
    line: int
    name: str | None
    match: SecretMatch


def is_excluded_path(path: str, layer_roots: Iterable[str] = ()) -> bool:
    """True for vendored, test and fixture files, and a layer's packaged library folders."""
    parts = path.split("/")
    if any(p.lower() in _TEST_DIRS for p in parts[:-1]) or _TEST_FILE.match(parts[-1]):
        return True
    return is_vendored(path, layer_roots)


def is_vendored(path: str, layer_roots: Iterable[str] = ()) -> bool:
    """True for third-party code shipped with a function.

    That is ``node_modules``, ``site-packages`` and other vendor folders, a layer's ``python/``
    and ``nodejs/`` folders, and minified bundles.
    """
    parts = path.split("/")
    if any(p in _VENDORED for p in parts[:-1]):
        return True
    for root in layer_roots:
        prefix = root.rstrip("/") + "/"
        if root in ("", ".") or path.startswith(prefix):
            rest = path[len(prefix) :] if root not in ("", ".") else path
            if rest.split("/", 1)[0] in ("python", "nodejs"):
                return True
    return posixpath.basename(path).endswith((".min.js", ".bundle.js"))


def secrets_in(
    facts_list: Iterable[FileFacts], layer_roots: Iterable[str] = ()
) -> Iterator[CodeSecret]:
    """Every secret literal in the given files, outside vendored and test code."""
    roots = tuple(layer_roots)
    for facts in facts_list:
        if is_excluded_path(facts.path, roots):
            continue
        near_key_id = any(_AWS_KEY_ID.search(s.value) for s in facts.strings)
        seen: set[tuple[int, str]] = set()
        for string in facts.strings:
            match = detect_secret(string.name or "", string.value, near_aws_key_id=near_key_id)
            if match is None or (string.line, match.secret) in seen:
                continue
            if not match.known_format and _PROSE.search(string.value):
                # Code is full of messages and placeholders (``'[YOUR TOKEN]'``): a value
                # judged by entropy alone that holds whitespace or brackets is not a secret.
                continue
            seen.add((string.line, match.secret))
            yield CodeSecret(facts.path, string.line, string.name, match)
