"""What changed between two recorded scans.

Functions are matched by key (template and name). A function is "changed" when its permissions,
triggers, vulnerable packages, or its role, code or dependency fingerprints differ. Findings are
matched by fingerprint: in the later scan only = new, in the earlier only = fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from faasguard.history.interface import FindingRecord, FunctionRecord, HistoryStore, StoredScan

__all__ = ["FunctionChange", "ScanDiff", "diff_scans"]


@dataclass(frozen=True, slots=True)
class FunctionChange:
    """How one function present in both scans changed."""

    key: str
    application: str
    name: str
    added_permissions: tuple[str, ...] = ()
    removed_permissions: tuple[str, ...] = ()
    added_triggers: tuple[str, ...] = ()
    removed_triggers: tuple[str, ...] = ()
    new_vulnerable_packages: tuple[str, ...] = ()
    fixed_vulnerable_packages: tuple[str, ...] = ()
    role_changed: bool = False
    code_changed: bool = False
    dependencies_changed: bool = False


@dataclass(frozen=True, slots=True)
class ScanDiff:
    """The difference from scan ``before`` to scan ``after``."""

    before: StoredScan
    after: StoredScan
    added_functions: tuple[FunctionRecord, ...]
    removed_functions: tuple[FunctionRecord, ...]
    changed_functions: tuple[FunctionChange, ...]
    new_findings: tuple[FindingRecord, ...]
    fixed_findings: tuple[FindingRecord, ...]

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (
            self.added_functions
            or self.removed_functions
            or self.changed_functions
            or self.new_findings
            or self.fixed_findings
        )


def diff_scans(store: HistoryStore, before: int, after: int) -> ScanDiff:
    """Compare two recorded scans (ids); raises ScanNotFoundError for an unknown id."""
    old_scan, new_scan = store.scan(before), store.scan(after)
    old = {f.key: f for f in store.functions(before)}
    new = {f.key: f for f in store.functions(after)}
    changed = []
    for key in sorted(old.keys() & new.keys()):
        change = _change(old[key], new[key])
        if change is not None:
            changed.append(change)
    old_findings = {f.fingerprint: f for f in store.findings(before)}
    new_findings = {f.fingerprint: f for f in store.findings(after)}
    return ScanDiff(
        before=old_scan,
        after=new_scan,
        added_functions=tuple(new[k] for k in sorted(new.keys() - old.keys())),
        removed_functions=tuple(old[k] for k in sorted(old.keys() - new.keys())),
        changed_functions=tuple(changed),
        new_findings=tuple(
            sorted(
                (new_findings[k] for k in new_findings.keys() - old_findings.keys()),
                key=_finding_order,
            )
        ),
        fixed_findings=tuple(
            sorted(
                (old_findings[k] for k in old_findings.keys() - new_findings.keys()),
                key=_finding_order,
            )
        ),
    )


def _finding_order(f: FindingRecord) -> tuple[str, str, str]:
    return (f.function_key or "", f.rule_id, f.fingerprint)


def _added(before: tuple[str, ...], after: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(after) - set(before)))


def _change(old: FunctionRecord, new: FunctionRecord) -> FunctionChange | None:
    change = FunctionChange(
        key=new.key,
        application=new.application,
        name=new.name,
        added_permissions=_added(old.permissions, new.permissions),
        removed_permissions=_added(new.permissions, old.permissions),
        added_triggers=_added(old.triggers, new.triggers),
        removed_triggers=_added(new.triggers, old.triggers),
        new_vulnerable_packages=_added(old.vulnerable_packages, new.vulnerable_packages),
        fixed_vulnerable_packages=_added(new.vulnerable_packages, old.vulnerable_packages),
        role_changed=old.role_fingerprint != new.role_fingerprint,
        code_changed=old.code_fingerprint != new.code_fingerprint,
        dependencies_changed=old.dependencies_fingerprint != new.dependencies_fingerprint,
    )
    if change == FunctionChange(key=new.key, application=new.application, name=new.name):
        return None
    return change
