"""Framework entry points (issue 7 section 2).

Fixture: tests/fixtures/code/python/frameworks: Flask behind serverless-wsgi, FastAPI behind
Mangum, Chalice (its app object is the handler) and a Powertools REST resolver. Every route is an
entry point: its path parameters and the framework's request object are attacker-controlled;
typed parameters (int, a pydantic model) and escaped output are clean.
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "FlaskApp": [
        (
            "FG2007",
            "code.xss",
            "src/flask_app.py",
            12,
            "FlaskApp",
            "high",
            (
                "src/flask_app.py:11 route parameter `name` of `greet()` (/greet/<name>)",
                "src/flask_app.py:12 returned as the response: HTML response built from input",
            ),
        ),
        (
            "FG2001",
            "code.command-injection",
            "src/flask_app.py",
            22,
            "FlaskApp",
            "high",
            (
                "src/flask_app.py:22 `request.args` read: query string (http-api)",
                "src/flask_app.py:22 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "FastapiApp": [
        (
            "FG2001",
            "code.command-injection",
            "src/fastapi_app.py",
            16,
            "FastapiApp",
            "high",
            (
                "src/fastapi_app.py:15 route parameter `path` of `convert()` (/convert)",
                "src/fastapi_app.py:16 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
    "ChaliceApp": [
        (
            "FG2006",
            "code.path-traversal",
            "src/chalice_app.py",
            10,
            "ChaliceApp",
            "high",
            (
                "src/chalice_app.py:9 route parameter `name` of `read_file()` (/files/{name})",
                "src/chalice_app.py:10 reaches `open()`: file opened at a path from input",
            ),
        ),
        (
            "FG2006",
            "code.path-traversal",
            "src/chalice_app.py",
            17,
            "ChaliceApp",
            "high",
            (
                "src/chalice_app.py:16 `current_request.json_body` read: request body (http-api)",
                "src/chalice_app.py:17 reaches `os.remove()`: file system operation on a path from input",
            ),
        ),
    ],
    "PowertoolsApp": [
        (
            "FG2002",
            "code.sql-injection",
            "src/powertools_app.py",
            12,
            "PowertoolsApp",
            "high",
            (
                "src/powertools_app.py:11 event field `queryStringParameters` read: query string (http-api)",
                "src/powertools_app.py:12 reaches `connect().execute()`: SQL query run",
            ),
        ),
        (
            "FG2002",
            "code.sql-injection",
            "src/powertools_app.py",
            17,
            "PowertoolsApp",
            "high",
            (
                "src/powertools_app.py:16 route parameter `order_id` of `orders()` (/orders/<order_id>)",
                "src/powertools_app.py:17 reaches `connect().execute()`: SQL query run",
            ),
        ),
    ],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "frameworks")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)
