"""Inline template code is analysed at its template lines; bad code is reported, not fatal.

Fixtures: tests/fixtures/code/python/inline (SAM InlineCode and CloudFormation Code.ZipFile)
and tests/fixtures/code/python/bad_input (a Python 2 module and a generated module imported by
a handler whose own flaw is still found).
"""

from __future__ import annotations

from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.model import Location
from tests.code.support import FIXTURES, analyze, by_function


def test_inline_code_findings_point_at_template_lines() -> None:
    findings, issues = analyze(FIXTURES / "inline")
    assert issues == []
    assert by_function(findings) == {
        "Inline": [
            (
                "FG2001",
                "code.command-injection",
                "template.yaml",
                12,
                "Inline",
                "high",
                (
                    "template.yaml:12 event field `body` read: request body (http-api)",
                    "template.yaml:12 reaches `os.system()`: command run through a shell",
                ),
            )
        ],
        "Plain": [
            (
                "FG2001",
                "code.command-injection",
                "template.yaml",
                27,
                "Plain",
                "high",
                (
                    "template.yaml:27 event field `Records[*].body` read: SQS message body (sqs)",
                    "template.yaml:27 reaches `subprocess.call()`: command run through a shell",
                ),
            )
        ],
    }


def test_python2_and_generated_modules_are_reported_and_the_scan_goes_on() -> None:
    findings, issues = analyze(FIXTURES / "bad_input")
    assert by_function(findings) == {
        "App": [
            (
                "FG2001",
                "code.command-injection",
                "src/app.py",
                8,
                "App",
                "high",
                (
                    "src/app.py:8 event field `body` read: request body (http-api)",
                    "src/app.py:8 reaches `os.system()`: command run through a shell",
                ),
            )
        ]
    }
    assert issues == [
        LoadIssue(
            IssueKind.BUDGET,
            "generated file (marked as such in its header); not analysed",
            Location("src/generated_pb2.py", 1),
        ),
        LoadIssue(
            IssueKind.PARSE_ERROR,
            "Python code does not parse: Missing parentheses in call to 'print'. Did you mean "
            "print(...)? (Python 2 syntax?); it was not analysed",
            Location("src/legacy.py", 5),
        ),
    ]
