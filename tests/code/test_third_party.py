"""Third-party responses (FG5003 unvalidated-response, reported by the taint engine).

Fixture: tests/fixtures/code/python/third_party: functions on a schedule (no attacker-controlled
event) that use a partner API's response body unchecked: into a shell, or returned as is. A
converted value, the status code and a Lambda extension on localhost are clean.
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "ResponseToShellVuln": [
        (
            "FG5003",
            "third-party.unvalidated-response",
            "src/partner.py",
            8,
            "ResponseToShellVuln",
            "high",
            (
                "src/partner.py:7 `get().json` read: response body (third-party-response)",
                "src/partner.py:8 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "ResponseReturnedVuln": [
        (
            "FG5003",
            "third-party.unvalidated-response",
            "src/partner.py",
            12,
            "ResponseReturnedVuln",
            "high",
            (
                "src/partner.py:12 `get().text` read: response body (third-party-response)",
                "src/partner.py:12 returned as the response: third-party data returned to the caller unchecked",
            ),
        ),
    ],
    "CheckedSafe": [],
    "StatusSafe": [],
    "LocalExtensionSafe": [],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "third_party")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)
