"""Floods folded per application, and low-value repeats grouped in the terminal report only."""

from __future__ import annotations

from faasguard.engine import ScanResult
from faasguard.findings import Confidence, Finding, Severity
from faasguard.floods import MAX_PER_APPLICATION, fold_floods
from faasguard.report.text import render_text


def _finding(function: str, *, rule: str = "FG8002", severity: Severity = Severity.LOW) -> Finding:
    return Finding.create(
        rule_id=rule,
        rule_name="tracing-disabled",
        category="platform.no-tracing",
        severity=severity,
        confidence=Confidence.HIGH,
        title="Active tracing is off",
        message=f"Function `{function}` has active tracing off.",
        file="serverless.yml",
        line=10 + int(function[1:]),
        function=function,
        application="huge",
        resource=None,
        evidence="tracing not set",
        remediation="Turn on active tracing.",
        cwe=None,
    )


def test_one_rule_over_many_functions_is_folded_past_the_application_budget() -> None:
    findings = [_finding(f"f{n}") for n in range(MAX_PER_APPLICATION + 25)]
    folded = fold_floods(findings)
    assert folded[:MAX_PER_APPLICATION] == findings[:MAX_PER_APPLICATION]
    (summary,) = folded[MAX_PER_APPLICATION:]
    assert (summary.rule_id, summary.function, summary.line) == ("FG8002", None, 1010)
    assert summary.message.startswith(
        "25 more findings of FG8002 (tracing-disabled) in application `huge` (functions "
        "`f1000`, `f1001`, `f1002`, `f1003`, `f1004`, `f1005`, `f1006`, `f1007`, `f1008`, "
        "`f1009` and 15 more), not listed one by one: only the first 1000 are."
    )


def test_a_real_application_is_never_folded() -> None:
    findings = [_finding(f"f{n}") for n in range(300)]
    assert fold_floods(findings) == findings


def _result(findings: list[Finding]) -> ScanResult:
    return ScanResult(root="app", applications=(), findings=tuple(findings))


def test_text_groups_repeated_low_findings_and_keeps_serious_ones_apart() -> None:
    low = [_finding(f"f{n}") for n in range(3)]
    high = [_finding(f"f{n}", rule="FG6001", severity=Severity.HIGH) for n in range(3)]
    text = render_text(_result([*high, *low]))
    block = (
        "LOW      FG8002 tracing-disabled  3 functions in huge\n"
        "         Active tracing is off: f0 (serverless.yml:10), f1 (serverless.yml:11), "
        "f2 (serverless.yml:12)\n"
        "         e.g. Function `f0` has active tracing off.\n"
        "         fix: Turn on active tracing.\n"
    )
    assert block in text
    # Serious findings are never grouped: each of the three high ones has its own block.
    assert text.count("HIGH     FG6001") == 3
    assert text.index("HIGH     FG6001") < text.index("LOW      FG8002")


def test_two_repeats_are_not_grouped() -> None:
    text = render_text(_result([_finding("f0"), _finding("f1")]))
    assert "functions in huge" not in text
    assert text.count("LOW      FG8002 tracing-disabled  serverless.yml:") == 2
