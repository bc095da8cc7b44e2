"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.

Each finding is a result with a physical location (the template line) and a *logical* location
naming the function, since in a serverless app the function, not the file, is the unit a team
owns. ``partialFingerprints`` carry faasguard's line-independent fingerprint so code scanning
tracks a finding across edits; ``security-severity`` maps severities to GitHub's scale.
"""

from __future__ import annotations

import inspect
import json
from typing import Any
from urllib.parse import quote

from faasguard._version import __version__
from faasguard.engine import ScanResult
from faasguard.findings import Finding, Severity
from faasguard.rules.interface import Rule
from faasguard.rules.registry import all_rules, find_rule

__all__ = ["render_sarif", "sarif_dict"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/faasguard/faasguard"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
#: GitHub reads ``security-severity`` (0-10) to rank security alerts.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def _rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    doc = inspect.cleandoc(rule.__doc__ or rule.title)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": doc.split("\n\n", 1)[0]},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "category": rule.category,
            "tags": ["security", rule.category.split(".")[0], rule.category],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "precision": {"high": "high", "medium": "medium", "low": "low"}[rule.confidence.value],
            **({"cwe": rule.cwe} if rule.cwe else {}),
        },
    }


def _result(
    finding: Finding, rule_index: dict[str, int], suppression: str | None
) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            # A URI reference, not a path: a space is %20, and '#' or '?' must not start a
            # fragment or a query.
            "artifactLocation": {"uri": quote(finding.file or "."), "uriBaseId": "%SRCROOT%"},
        }
    }
    if finding.line:
        location["physicalLocation"]["region"] = {"startLine": finding.line}
    if finding.function:
        location["logicalLocations"] = [
            {
                "name": finding.function,
                "fullyQualifiedName": f"{finding.application}/{finding.function}",
                "kind": "function",
            }
        ]
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.message} Fix: {finding.remediation}"},
        "locations": [location],
        "partialFingerprints": {"faasguardFingerprint/v1": finding.fingerprint},
        "properties": {
            "category": finding.category,
            "severity": finding.severity.value,
            "confidence": finding.confidence.value,
            "security-severity": _SECURITY_SEVERITY[finding.severity],
            "application": finding.application,
            "function": finding.function,
            "resource": finding.resource,
            "evidence": finding.evidence,
            "remediation": finding.remediation,
        },
    }
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if finding.package is not None:
        result["properties"]["package"] = {
            "name": finding.package.name,
            "version": finding.package.version,
            "ecosystem": finding.package.ecosystem,
            "manifest": finding.package.manifest,
        }
    if finding.vulnerability is not None:
        result["properties"]["vulnerability"] = {
            "id": finding.vulnerability.id,
            "aliases": list(finding.vulnerability.aliases),
            "fixed_in": list(finding.vulnerability.fixed_in),
        }
    if finding.source is not None:
        result["properties"]["source"] = {
            "trigger": finding.source.trigger,
            "field": finding.source.field,
            "label": finding.source.label,
        }
    if finding.trace:
        result["codeFlows"] = [_code_flow(finding)]
    if suppression is not None:
        result["suppressions"] = [{"kind": "external", "justification": suppression}]
    return result


def _code_flow(finding: Finding) -> dict[str, Any]:
    """A code finding's trace as one SARIF thread flow, source first, sink last."""
    steps = []
    last = len(finding.trace) - 1
    for i, step in enumerate(finding.trace):
        steps.append(
            {
                "location": {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(step.file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": step.line},
                    },
                    "message": {"text": step.what},
                },
                "kinds": ["source"] if i == 0 else ["sink"] if i == last else ["taint"],
            }
        )
    return {"threadFlows": [{"locations": steps}]}


def sarif_dict(result: ScanResult) -> dict[str, Any]:
    """Return the SARIF log as plain data."""
    used = {f.rule_id for f in result.findings} | {s.finding.rule_id for s in result.suppressed}
    rules = [r for r in all_rules() if r.id in used]
    extra = sorted(used - {r.id for r in rules})
    rules.extend(r for r in (find_rule(x) for x in extra) if r is not None)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [_result(f, index, None) for f in result.findings]
    results.extend(_result(s.finding, index, s.reason) for s in result.suppressed)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "faasguard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The scanned folder."}}
                },
                "columnKind": "unicodeCodePoints",
                # Notices (no vulnerability data, a failed lookup) must reach SARIF consumers
                # too: a clean run that checked nothing must not look like a clean project.
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "warning", "message": {"text": notice}}
                            for notice in result.notices
                        ],
                    }
                ],
                "results": results,
            }
        ],
    }


def render_sarif(result: ScanResult) -> str:
    """Render the SARIF log as indented JSON."""
    return json.dumps(sarif_dict(result), indent=2, sort_keys=True) + "\n"
