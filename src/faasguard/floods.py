"""Finding floods: many findings of one rule become a few plus a summary.

A pull request can make a template repeat one flaw a hundred thousand times (one statement
copied over and over, a mesh of include cycles, a file of duplicate keys, fifty thousand
generated functions). Reporting each instance helps nobody and costs memory and report size
without bound, so two levels fold them:

* past :data:`MAX_PER_ELEMENT` findings of one rule on one element (same application, file,
  function and resource), the rest become one finding that counts them and names their lines;
* past :data:`MAX_PER_APPLICATION` findings of one rule in one application (a thousand
  functions with the same flaw), the rest become one finding that counts them and names the
  first functions. No real application comes near it; a generated one stays small per function.

Dependency findings are never folded: each names a different package and vulnerability.
"""

from __future__ import annotations

from collections.abc import Iterable

from faasguard.findings import Finding

__all__ = ["MAX_PER_APPLICATION", "MAX_PER_ELEMENT", "fold_floods"]

#: Findings of one rule kept per element before the rest are folded into one.
MAX_PER_ELEMENT = 50
#: Findings of one rule kept per application before the rest are folded into one.
MAX_PER_APPLICATION = 1000

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
    return _fold_applications(_fold_elements(list(findings)))


def _fold_elements(items: list[Finding]) -> list[Finding]:
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


def _fold_applications(items: list[Finding]) -> list[Finding]:
    counts: dict[tuple[str, str], int] = {}
    for finding in items:
        if finding.package is None:
            key = (finding.rule_id, finding.application)
            counts[key] = counts.get(key, 0) + 1
    if all(n <= MAX_PER_APPLICATION for n in counts.values()):
        return items
    kept: list[Finding] = []
    rest: dict[tuple[str, str], list[Finding]] = {}
    seen: dict[tuple[str, str], int] = {}
    for finding in items:
        key = (finding.rule_id, finding.application)
        if finding.package is not None or counts[key] <= MAX_PER_APPLICATION:
            kept.append(finding)
        elif seen.get(key, 0) < MAX_PER_APPLICATION:
            seen[key] = seen.get(key, 0) + 1
            kept.append(finding)
        else:
            rest.setdefault(key, []).append(finding)
    return kept + [_application_summary(group) for group in rest.values()]


def _application_summary(rest: list[Finding]) -> Finding:
    """One finding standing for ``rest``: findings of one rule on many elements of one app."""
    first = rest[0]
    functions = sorted({f.function for f in rest if f.function})
    named = ", ".join(f"`{name}`" for name in functions[:_LINES_NAMED])
    more = f" and {len(functions) - _LINES_NAMED} more" if len(functions) > _LINES_NAMED else ""
    which = f" (functions {named}{more})" if functions else ""
    return _standing_for(
        rest,
        message=(
            f"{len(rest)} more findings of {first.rule_id} ({first.rule_name}) in application "
            f"`{first.application}`{which}, not listed one by one: only the first "
            f"{MAX_PER_APPLICATION} are. The first of them: {first.message}"
        ),
        evidence=f"{len(rest)} more {first.rule_id} findings in the application",
        element=False,
    )


def _key(finding: Finding) -> _Key:
    return (finding.rule_id, finding.application, finding.file, finding.function, finding.resource)


def _summary(rest: list[Finding]) -> Finding:
    """One finding standing for ``rest``: findings of one rule on one element."""
    first = rest[0]
    lines = sorted({f.line for f in rest if f.line is not None})
    named = ", ".join(str(line) for line in lines[:_LINES_NAMED])
    more = f" and {len(lines) - _LINES_NAMED} more" if len(lines) > _LINES_NAMED else ""
    where = f" (lines {named}{more})" if lines else ""
    return _standing_for(
        rest,
        message=(
            f"{len(rest)} more findings of {first.rule_id} ({first.rule_name}) here{where}, not "
            f"listed one by one: only the first {MAX_PER_ELEMENT} are. The first of them: "
            f"{first.message}"
        ),
        evidence=f"{len(rest)} more {first.rule_id} findings",
        element=True,
    )


def _standing_for(rest: list[Finding], *, message: str, evidence: str, element: bool) -> Finding:
    """A finding of the rule of ``rest``, at its first place, with the worst severity of them.

    Args:
        rest: the findings folded, in report order.
        message: what the summary says.
        evidence: its evidence (and so its fingerprint).
        element: True when all of ``rest`` are on one element, whose function and resource the
            summary keeps; False for a summary over an application.
    """
    first = rest[0]
    return Finding.create(
        rule_id=first.rule_id,
        rule_name=first.rule_name,
        category=first.category,
        severity=max(rest, key=lambda f: f.severity.rank).severity,
        confidence=first.confidence,
        title=first.title,
        message=message,
        file=first.file,
        line=first.line,
        function=first.function if element else None,
        application=first.application,
        resource=first.resource if element else None,
        evidence=evidence,
        remediation=first.remediation,
        cwe=first.cwe,
    )
