"""Run the code analysis on a fixture project the way a scan does, and flatten its findings."""

from __future__ import annotations

from pathlib import Path

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.findings import Finding
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.loader import CloudFormationLoader
from faasguard.loaders.interface import LoadIssue, LoadOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "code" / "python"

#: One finding as tests compare it: rule, category, file, line, function, confidence, trace.
Row = tuple[str, str, str, int | None, str | None, str, tuple[str, ...]]


def analyze(root: Path, template: str = "template.yaml") -> tuple[list[Finding], list[LoadIssue]]:
    """Load ``template`` under ``root`` and run the code analyzer on its application."""
    fs = ScanFS(root)
    result = CloudFormationLoader().load(template, fs, LoadOptions())
    assert not result.issues, result.issues
    findings: list[Finding] = []
    issues: list[LoadIssue] = []
    analyzer = CodeAnalyzer()
    for app in result.applications:
        for item in analyzer.analyze(app, fs):
            if isinstance(item, Finding):
                findings.append(item)
            else:
                issues.append(item)
    return findings, issues


def row(finding: Finding) -> Row:
    """A finding as (rule, category, file, line, function, confidence, trace steps)."""
    return (
        finding.rule_id,
        finding.category,
        finding.file,
        finding.line,
        finding.function,
        finding.confidence.value,
        tuple(f"{s.file}:{s.line} {s.what}" for s in finding.trace),
    )


def by_function(findings: list[Finding]) -> dict[str, list[Row]]:
    """Findings grouped by function, in report order."""
    grouped: dict[str, list[Row]] = {}
    for finding in findings:
        grouped.setdefault(finding.function or "", []).append(row(finding))
    return grouped
