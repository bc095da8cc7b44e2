"""Findings: what a scan reports, frozen at creation with a deterministic fingerprint.

The fingerprint (rule id + logical location + normalised evidence) is what baselines and SARIF
``partialFingerprints`` match on, so it deliberately leaves out line numbers: moving a function
down a file must not make an old finding look new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = [
    "Confidence",
    "Finding",
    "PackageRef",
    "Severity",
    "Suppressed",
    "TaintSource",
    "TraceStep",
    "VulnerabilityRef",
    "make_fingerprint",
]


class Severity(str, Enum):
    """How bad a finding is if true. Ordered: compare with :meth:`rank`."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 ... info=0."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Confidence(str, Enum):
    """How sure the rule is that the finding is real."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class PackageRef:
    """The package a dependency finding is about."""

    name: str
    version: str | None
    ecosystem: str
    manifest: str
    imported: bool | None = None


@dataclass(frozen=True, slots=True)
class VulnerabilityRef:
    """The known vulnerability a dependency finding is about (aliases merged)."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: str | None
    cvss: tuple[str, ...] = ()
    fixed_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One step of a code flow from source to sink (house style 18: a flow shows its path).

    Attributes:
        file: POSIX path relative to the scan root.
        line: 1-based line.
        what: what happened there ("event field `body` read", "passed to `run_query()`").
    """

    file: str
    line: int
    what: str


@dataclass(frozen=True, slots=True)
class TaintSource:
    """Where the attacker-controlled data of a code finding comes from.

    Attributes:
        trigger: the trigger kind (``rest-api``, ``s3``...), ``unknown`` for a function with no
            known trigger, or ``third-party-response``.
        field: the event field or other source (``body``, ``Records[*].s3.object.key``).
        label: a readable name ("request body", "S3 object key").
    """

    trigger: str
    field: str
    label: str


def make_fingerprint(
    *,
    rule_id: str,
    application: str,
    function: str | None,
    resource: str | None,
    file: str,
    evidence: str,
) -> str:
    """Return a stable 16-hex-digit fingerprint for a finding.

    Line numbers are left out on purpose (see module docstring); the file is kept so the same
    pattern in two files stays two findings.
    """
    parts = [
        rule_id,
        application,
        function or "",
        resource or "",
        file,
        # Runs of whitespace as one space, ends stripped: the same as ``re.sub(r"\s+", " ")``
        # then ``strip()`` (both use Unicode whitespace), 5x faster (one call per finding).
        " ".join(evidence.split()),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one rule at one place.

    Create findings with :meth:`create` so the fingerprint is always computed the same way.
    """

    rule_id: str
    rule_name: str
    category: str
    severity: Severity
    confidence: Confidence
    title: str
    message: str
    file: str
    line: int | None
    function: str | None
    application: str
    resource: str | None
    evidence: str
    remediation: str
    cwe: str | None
    fingerprint: str
    package: PackageRef | None = None
    vulnerability: VulnerabilityRef | None = None
    source: TaintSource | None = None
    trace: tuple[TraceStep, ...] = ()

    @classmethod
    def create(
        cls,
        *,
        rule_id: str,
        rule_name: str,
        category: str,
        severity: Severity,
        confidence: Confidence,
        title: str,
        message: str,
        file: str,
        line: int | None,
        function: str | None,
        application: str,
        resource: str | None,
        evidence: str,
        remediation: str,
        cwe: str | None,
        package: PackageRef | None = None,
        vulnerability: VulnerabilityRef | None = None,
        fingerprint_extra: str = "",
        source: TaintSource | None = None,
        trace: tuple[TraceStep, ...] = (),
    ) -> Finding:
        """Build a finding and its fingerprint.

        Args:
            fingerprint_extra: extra text that tells apart two findings of one rule at one place
                (for example the vulnerability id of a dependency finding).
            source: for code flows, where the attacker-controlled data comes from.
            trace: for code flows, the steps from source to sink.
        """
        fingerprint = make_fingerprint(
            rule_id=rule_id,
            application=application,
            function=function,
            resource=resource,
            file=file,
            evidence=evidence + fingerprint_extra,
        )
        return cls(
            rule_id=rule_id,
            rule_name=rule_name,
            category=category,
            severity=severity,
            confidence=confidence,
            title=title,
            message=message,
            file=file,
            line=line,
            function=function,
            application=application,
            resource=resource,
            evidence=evidence,
            remediation=remediation,
            cwe=cwe,
            fingerprint=fingerprint,
            package=package,
            vulnerability=vulnerability,
            source=source,
            trace=trace,
        )

    def sort_key(self) -> tuple[Any, ...]:
        """Order: worst first; within a severity, packages the handler imports first; then place.

        A vulnerable package the handler does not import is still shipped, so it keeps its
        severity, but it is the less urgent of two equally severe findings.
        """
        not_imported = self.package is not None and self.package.imported is False
        return (
            -self.severity.rank,
            not_imported,
            self.file,
            self.line or 0,
            self.rule_id,
            self.fingerprint,
        )


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding the configuration suppressed, kept in the report with the reason given."""

    finding: Finding
    reason: str
    source: str = field(default="config")
