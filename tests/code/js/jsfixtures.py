"""Scans of the JavaScript/TypeScript fixture projects, shared by the tests of this folder.

Each project under ``tests/fixtures/code/js/<area>/`` is scanned once per test session with the
code analyzer, the way ``faasguard scan`` runs it; tests then look up the findings of one Lambda
function.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.config import Config
from faasguard.engine import ScanResult, scan
from faasguard.findings import Finding
from faasguard.loaders.interface import LoadOptions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "code" / "js"

#: Rule ids of the findings these tests are about: taint flows, third-party responses used
#: unvalidated, and code that does not parse.
CODE_RULES = frozenset({f"FG20{n:02d}" for n in range(1, 30)} | {"FG5003", "FG0001", "FG0020"})


@dataclass(frozen=True)
class Expect:
    """One expected finding: where it is, how sure, what it says (naming the code function
    that reaches the sink) and the exact flow."""

    rule_id: str
    category: str
    file: str
    line: int
    confidence: str
    source: tuple[str, str]
    message: str
    trace: tuple[tuple[str, int, str], ...]


@cache
def scan_area(area: str) -> ScanResult:
    """The scan of one fixture project (cached for the session: scans are pure)."""
    return scan(FIXTURES / area, Config(), load_options=LoadOptions(), analyzers=[CodeAnalyzer()])


def code_findings(area: str, function: str) -> list[Finding]:
    """The code findings of one Lambda function of a fixture project, in report order."""
    result = scan_area(area)
    names = {fn.name for app in result.applications for fn in app.functions}
    assert function in names, f"{area} has no function {function} (has {sorted(names)})"
    return [f for f in result.findings if f.function == function and f.rule_id in CODE_RULES]


def as_expect(finding: Finding) -> Expect:
    """A finding in the shape of :class:`Expect`, for exact comparison."""
    source = (finding.source.trigger, finding.source.field) if finding.source else ("", "")
    return Expect(
        finding.rule_id,
        finding.category,
        finding.file,
        finding.line or 0,
        finding.confidence.value,
        source,
        finding.message,
        tuple((step.file, step.line, step.what) for step in finding.trace),
    )
