from __future__ import annotations

import pytest
from builders import FILE, Brief, application, brief, context, loc

from faasguard import engine
from faasguard.findings import Severity
from faasguard.loaders.interface import IssueKind
from faasguard.rules.interface import ToolRule
from faasguard.rules.tool import (
    RULES,
    BudgetExceeded,
    DuplicateKey,
    MissingConfig,
    NotDeployed,
    ReferenceOutsideRoot,
    RuleCrashed,
    UnparsableFile,
    UnresolvedReference,
    UnsafeArchive,
    UnsupportedApplication,
    UnsupportedTemplate,
)

EXPECTED = [
    (UnparsableFile, "FG0001", "parse-error", "tool.parse-error", Severity.HIGH),
    (
        ReferenceOutsideRoot,
        "FG0002",
        "reference-outside-root",
        "tool.reference-outside-root",
        Severity.HIGH,
    ),
    (RuleCrashed, "FG0003", "rule-crashed", "tool.rule-crashed", Severity.MEDIUM),
    (DuplicateKey, "FG0004", "duplicate-key", "tool.parse-error", Severity.MEDIUM),
    (UnsupportedTemplate, "FG0005", "unsupported-template", "tool.parse-error", Severity.INFO),
    (UnresolvedReference, "FG0006", "unresolved-reference", "tool.parse-error", Severity.LOW),
    (UnsafeArchive, "FG0007", "unsafe-archive", "tool.parse-error", Severity.HIGH),
    (
        UnsupportedApplication,
        "FG0012",
        "unsupported-application",
        "tool.parse-error",
        Severity.INFO,
    ),
    (MissingConfig, "FG0013", "missing-config", "tool.parse-error", Severity.INFO),
    (BudgetExceeded, "FG0020", "budget-exceeded", "tool.budget-exceeded", Severity.MEDIUM),
    (NotDeployed, "FG0021", "not-deployed", "tool.parse-error", Severity.INFO),
]


def test_tool_rules_metadata() -> None:
    assert [(r, r.id, r.name, r.category, r.severity) for r in RULES] == EXPECTED


@pytest.mark.parametrize("rule", RULES)
def test_tool_rules_have_no_check(rule: type[ToolRule]) -> None:
    assert issubclass(rule, ToolRule)
    assert not hasattr(rule, "check")


def test_every_loader_issue_kind_is_reported_by_one_of_these_rules() -> None:
    # The engine names the tool rule for each loader issue; those names must exist here.
    names = {rule.name: rule for rule in RULES}
    mapping = engine._ISSUE_RULES
    assert set(mapping) == set(IssueKind)
    assert {kind: names[name] for kind, name in mapping.items()} == {
        IssueKind.PARSE_ERROR: UnparsableFile,
        IssueKind.OUTSIDE_ROOT: ReferenceOutsideRoot,
        IssueKind.UNSUPPORTED: UnsupportedTemplate,
        IssueKind.DUPLICATE_KEY: DuplicateKey,
        IssueKind.UNRESOLVED: UnresolvedReference,
        IssueKind.UNSAFE_ARCHIVE: UnsafeArchive,
        # a parse error when the user named the file; discovered files are dropped (engine)
        IssueKind.NOT_A_TEMPLATE: UnparsableFile,
        IssueKind.UNSUPPORTED_APPLICATION: UnsupportedApplication,
        IssueKind.MISSING_CONFIG: MissingConfig,
        IssueKind.BUDGET: BudgetExceeded,
        IssueKind.NOT_DEPLOYED: NotDeployed,
    }


def test_engine_can_build_a_tool_finding() -> None:
    ctx = context(application())
    finding = DuplicateKey().finding(
        ctx,
        message=f"{FILE}:12: duplicate key 'api' (the value at line 4 is lost)",
        location=loc(12),
        function=None,
        resource=None,
        evidence="duplicate key: functions.api",
        remediation="Rename one of the two `api` functions.",
    )
    assert brief(finding) == Brief("FG0004", None, None, FILE, 12, Severity.MEDIUM)
    assert finding.category == "tool.parse-error"


def test_duplicate_key_docs_say_what_is_lost() -> None:
    assert "silently lose a whole function" in (DuplicateKey.__doc__ or "")
