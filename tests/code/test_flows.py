"""Flows through the program (issue 7 section 3, 'taint survives').

Fixture: tests/fixtures/code/python/flows: handler -> helper module -> sink (also through a dotted
`import lib.util`), a sink inside a class method (state set in __init__), a closure,
async/await, dicts and lists, tuple destructuring, JSON/base64/URL decoding and formatting, and a
module shared through a layer (python/ folder; the layer's site-packages are vendored and never
analysed).
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "HelperModule": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            19,
            "HelperModule",
            "high",
            (
                "src/handler.py:18 event field `body` read: request body (http-api)",
                "src/lib/util.py:1 passed to `build_command()` as `name`",
                "src/lib/util.py:2 built into a string",
                "src/handler.py:18 assigned to `command`",
                "src/handler.py:19 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
    "ClassMethod": [
        (
            "FG2002",
            "code.sql-injection",
            "src/lib/db.py",
            11,
            "ClassMethod",
            "high",
            (
                "src/handler.py:24 event field `pathParameters` read: path parameters (http-api)",
                "src/lib/db.py:9 passed to `find()` as `key`",
                "src/lib/db.py:11 reaches `cursor().execute()`: SQL query run",
            ),
        ),
    ],
    "Closure": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            31,
            "Closure",
            "high",
            (
                "src/handler.py:28 event field `queryStringParameters` read: query string (http-api)",
                "src/handler.py:31 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "AsyncAwait": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            43,
            "AsyncAwait",
            "high",
            (
                "src/handler.py:38 event field `body` read: request body (http-api)",
                "src/handler.py:42 assigned to `name`",
                "src/handler.py:43 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "Containers": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            49,
            "Containers",
            "high",
            (
                "src/handler.py:47 event field `body` read: request body (http-api)",
                "src/handler.py:49 reaches `os.system()`: command run through a shell",
            ),
        ),
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            50,
            "Containers",
            "high",
            (
                "src/handler.py:48 event field `headers` read: headers (http-api)",
                "src/handler.py:50 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "Destructuring": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            55,
            "Destructuring",
            "high",
            (
                "src/handler.py:54 event field `body` read: request body (http-api)",
                "src/handler.py:55 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "Decoding": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            61,
            "Decoding",
            "high",
            (
                "src/handler.py:59 event field `body` read: request body (http-api)",
                "src/handler.py:60 URL-decoded",
                "src/handler.py:61 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "LayerModule": [
        (
            "FG2001",
            "code.command-injection",
            "layers/common/python/common/shell.py",
            5,
            "LayerModule",
            "high",
            (
                "src/handler.py:65 event field `queryStringParameters` read: query string (http-api)",
                "layers/common/python/common/shell.py:4 passed to `run_report()` as `name`",
                "layers/common/python/common/shell.py:5 reaches `subprocess.check_output()`: command run through a shell",
            ),
        ),
    ],
    "CleanFields": [],
    "DottedImport": [
        (
            "FG2001",
            "code.command-injection",
            "src/handler.py",
            77,
            "DottedImport",
            "high",
            (
                "src/handler.py:77 event field `body` read: request body (http-api)",
                "src/lib/util.py:1 passed to `build_command()` as `name`",
                "src/lib/util.py:2 built into a string",
                "src/handler.py:77 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "flows")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)
