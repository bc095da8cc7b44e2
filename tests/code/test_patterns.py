"""Common handler shapes seen in real projects.

Fixture: tests/fixtures/code/python/patterns (SQS-triggered): `f(**body)` with keys unknown
to the engine, a callable class instance as the handler (`handler = Handler()`), a coroutine
run by an event loop, and chained `.get()` calls with defaults.
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "A": [
        (
            "FG2001",
            "code.command-injection",
            "src/app.py",
            8,
            "A",
            "high",
            (
                "src/app.py:13 event field `Records[*].body` read: SQS message body (sqs)",
                "src/app.py:7 passed to `process()` as `name`",
                "src/app.py:8 reaches `subprocess.Popen()`: command run through a shell",
            ),
        ),
    ],
    "B": [
        (
            "FG2002",
            "code.sql-injection",
            "src/app.py",
            23,
            "B",
            "high",
            (
                "src/app.py:23 event field `Records[*].body` read: SQS message body (sqs)",
                "src/app.py:23 reaches `connect().execute()`: SQL query run",
            ),
        ),
    ],
    "C": [
        (
            "FG2001",
            "code.command-injection",
            "src/app.py",
            35,
            "C",
            "high",
            (
                "src/app.py:30 event field `Records[*].body` read: SQS message body (sqs)",
                "src/app.py:34 assigned to `value`",
                "src/app.py:35 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
    "D": [
        (
            "FG2001",
            "code.command-injection",
            "src/app.py",
            41,
            "D",
            "high",
            (
                "src/app.py:39 event field `Records[*].messageAttributes` read: SQS message attributes (sqs)",
                "src/app.py:40 assigned to `q`",
                "src/app.py:41 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "patterns")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)
