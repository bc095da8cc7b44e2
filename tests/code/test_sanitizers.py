"""Sanitizers and validators (issue 7 section 5).

Fixture: tests/fixtures/code/python/sanitizers. Each safe handler reaches the same kind of sink as
a vulnerable one, through a conversion, a guard (equality, allowlist, anchored regex, isdigit),
a file-name reduction (split on '/', removing '/') or schema validation (Powertools
validate/validator/event_parser, faasguard_runtime.validate, pydantic, jsonschema). A sanitizer
for another sink (markupsafe.escape before a shell) and an unanchored regex do not clear data.
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "ConversionVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/sanitizers.py",
            25,
            "ConversionVuln",
            "high",
            (
                "src/sanitizers.py:25 event field `queryStringParameters` read: query string (http-api)",
                "src/sanitizers.py:25 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "IntSafe": [],
    "FloatSafe": [],
    "UuidSafe": [],
    "DecimalSafe": [],
    "EqualitySafe": [],
    "MembershipSafe": [],
    "RegexSafe": [],
    "UnanchoredRegexVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/sanitizers.py",
            68,
            "UnanchoredRegexVuln",
            "high",
            (
                "src/sanitizers.py:65 event field `queryStringParameters` read: query string (http-api)",
                "src/sanitizers.py:68 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
    "IsdigitSafe": [],
    "EscapeWrongSinkVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/sanitizers.py",
            78,
            "EscapeWrongSinkVuln",
            "high",
            (
                "src/sanitizers.py:78 event field `body` read: request body (http-api)",
                "src/sanitizers.py:78 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "ValidateCallSafe": [],
    "ValidatorDecoratorSafe": [],
    "EventParserSafe": [],
    "RuntimeValidateSafe": [],
    "PydanticSafe": [],
    "JsonschemaSafe": [],
    "SplitNameSafe": [],
    "ReplaceSlashSafe": [],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "sanitizers")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)
