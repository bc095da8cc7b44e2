"""Finding floods: many findings of one rule on one element become a few plus a summary.

A pull request can make a template repeat one flaw a hundred thousand times (one statement
copied over and over, a mesh of include cycles, a file of duplicate keys). Reporting each
instance helps nobody and costs memory and report size without bound, so past
:data:`MAX_PER_ELEMENT` findings of one rule on one element (same application, file, function
and resource) the rest are folded into one finding that counts them and names their lines.

Dependency findings are never folded: each names a different package and vulnerability.
"""

from __future__ import annotations

from collections.abc import Iterable

from faasguard.findings import Finding

__all__ = ["MAX_PER_ELEMENT", "fold_floods"]

#: Findings of one rule kept per element before the rest are folded into one.
MAX_PER_ELEMENT = 50

#: Lines named in a folded finding's message.
_LINES_NAMED = 10

_Key = tuple[str, str, str, str | None, str | None]


def fold_floods(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings with every flood folded; order is kept for what stays.

    Args:
        findings: every finding of a scan, in any order.

    Returns:
        The same findings, except that each group of more than :data:`MAX_PER_ELEMENT` findings
        of one rule on one element keeps its first ones (by line) and one summary finding.
    """
    items = list(findings)
    groups: dict[_Key, list[Finding]] = {}
    for finding in items:
        if finding.package is None:
            groups.setdefault(_key(finding), []).append(finding)
    folded: dict[_Key, tuple[set[int], Finding]] = {}
    for key, group in groups.items():
        if len(group) > MAX_PER_ELEMENT:
            group.sort(key=lambda f: (f.line or 0, f.fingerprint))
            kept, rest = group[:MAX_PER_ELEMENT], group[MAX_PER_ELEMENT:]
            # By identity: findings of one rule on one element may share a fingerprint.
            folded[key] = ({id(f) for f in kept}, _summary(rest))
    if not folded:
        return items
    result: list[Finding] = []
    emitted: set[_Key] = set()
    for finding in items:
        key = _key(finding)
        if finding.package is not None or key not in folded:
            result.append(finding)
            continue
        kept_ids, summary = folded[key]
        if id(finding) in kept_ids:
            result.append(finding)
        elif key not in emitted:
            emitted.add(key)
            result.append(summary)
    return result


def _key(finding: Finding) -> _Key:
    return (finding.rule_id, finding.application, finding.file, finding.function, finding.resource)


def _summary(rest: list[Finding]) -> Finding:
    """One finding standing for ``rest``: the worst severity among them, at the first line."""
    first = rest[0]
    worst = max(rest, key=lambda f: f.severity.rank)
    lines = sorted({f.line for f in rest if f.line is not None})
    named = ", ".join(str(line) for line in lines[:_LINES_NAMED])
    more = f" and {len(lines) - _LINES_NAMED} more" if len(lines) > _LINES_NAMED else ""
    where = f" (lines {named}{more})" if lines else ""
    message = (
        f"{len(rest)} more findings of {first.rule_id} ({first.rule_name}) here{where}, not "
        f"listed one by one: only the first {MAX_PER_ELEMENT} are. The first of them: "
        f"{first.message}"
    )
    return Finding.create(
        rule_id=first.rule_id,
        rule_name=first.rule_name,
        category=first.category,
        severity=worst.severity,
        confidence=first.confidence,
        title=first.title,
        message=message,
        file=first.file,
        line=first.line,
        function=first.function,
        application=first.application,
        resource=first.resource,
        evidence=f"{len(rest)} more {first.rule_id} findings",
        remediation=first.remediation,
        cwe=first.cwe,
    )
