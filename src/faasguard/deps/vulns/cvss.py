"""CVSS 3.x base score and the coarse severity level of a record.

OSV records carry CVSS vectors, not scores, and only GitHub's records add a qualitative
``database_specific.severity``. The CVSS 3.0/3.1 base score formula is short and exact, so it is
computed here rather than trusting a third field. CVSS v4 scoring needs the specification's large
lookup tables and CVSS v2 is obsolete: their vectors are reported as published but give no level.

Formula: FIRST CVSS v3.1 specification, section 7 and appendix A (``Roundup``); v3.0 differs
only in rounding (plain ceiling to one decimal).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from faasguard.deps.vulns.interface import Severity, SeverityLevel

__all__ = ["base_score", "level_for_score", "level_from_label", "record_level"]

_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_UNCHANGED = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_CHANGED = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}
_BASE_METRICS = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")

_LABELS = {
    "CRITICAL": SeverityLevel.CRITICAL,
    "HIGH": SeverityLevel.HIGH,
    "MODERATE": SeverityLevel.MEDIUM,
    "MEDIUM": SeverityLevel.MEDIUM,
    "LOW": SeverityLevel.LOW,
    "NONE": SeverityLevel.NONE,
}


def base_score(vector: str) -> float | None:
    """Compute the CVSS 3.x base score of a vector.

    Temporal and environmental metrics in the vector are ignored: the base score is what the
    advisory states about the flaw itself.

    Args:
        vector: A ``CVSS:3.0/...`` or ``CVSS:3.1/...`` vector.

    Returns:
        The base score (0.0 to 10.0), or ``None`` when the vector is not a complete, valid
        CVSS 3.x vector.
    """
    parts = vector.strip().split("/")
    if not parts or parts[0] not in ("CVSS:3.0", "CVSS:3.1"):
        return None
    metrics: dict[str, str] = {}
    for part in parts[1:]:
        key, sep, value = part.partition(":")
        if not sep or key in metrics:
            return None
        metrics[key] = value
    if any(key not in metrics for key in _BASE_METRICS):
        return None
    try:
        changed = {"U": False, "C": True}[metrics["S"]]
        privileges = (_PR_CHANGED if changed else _PR_UNCHANGED)[metrics["PR"]]
        exploitability = (
            8.22 * _AV[metrics["AV"]] * _AC[metrics["AC"]] * privileges * _UI[metrics["UI"]]
        )
        isc_base = 1 - (
            (1 - _CIA[metrics["C"]]) * (1 - _CIA[metrics["I"]]) * (1 - _CIA[metrics["A"]])
        )
    except KeyError:
        return None
    if changed:
        impact = 7.52 * (isc_base - 0.029) - 3.25 * (isc_base - 0.02) ** 15
    else:
        impact = 6.42 * isc_base
    if impact <= 0:
        return 0.0
    total = impact + exploitability
    if changed:
        total *= 1.08
    roundup = _roundup_31 if parts[0] == "CVSS:3.1" else _roundup_30
    return roundup(min(total, 10.0))


def _roundup_31(value: float) -> float:
    # The v3.1 Roundup works on integers so that 4.000000001-style float noise does not bump
    # a score up by 0.1 (specification appendix A).
    as_int = round(value * 100_000)
    if as_int % 10_000 == 0:
        return as_int / 100_000.0
    return (math.floor(as_int / 10_000) + 1) / 10.0


def _roundup_30(value: float) -> float:
    return math.ceil(value * 10) / 10.0


def level_for_score(score: float) -> SeverityLevel:
    """Map a CVSS 3.x score to its qualitative rating (CVSS v3.1 specification, table 14).

    Args:
        score: A base score between 0.0 and 10.0.

    Returns:
        ``NONE`` for 0.0, ``LOW`` below 4.0, ``MEDIUM`` below 7.0, ``HIGH`` below 9.0, else
        ``CRITICAL``.
    """
    if score <= 0.0:
        return SeverityLevel.NONE
    if score < 4.0:
        return SeverityLevel.LOW
    if score < 7.0:
        return SeverityLevel.MEDIUM
    if score < 9.0:
        return SeverityLevel.HIGH
    return SeverityLevel.CRITICAL


def level_from_label(label: str | None) -> SeverityLevel | None:
    """Map a database's qualitative label (GitHub's ``MODERATE``...) to a level.

    Args:
        label: The label, in any case, or ``None``.

    Returns:
        The level, or ``None`` when the label is missing or unknown.
    """
    if label is None:
        return None
    return _LABELS.get(label.strip().upper())


def record_level(
    severities: Iterable[Severity], database_severity: str | None
) -> tuple[SeverityLevel | None, float | None]:
    """Derive one record's coarse level and best CVSS 3.x score.

    Args:
        severities: The record's severity entries (record- and package-level).
        database_severity: The record's ``database_specific.severity``, if any.

    Returns:
        ``(level, score)``: the level of the highest computable CVSS 3.x score, else the
        database label's level, else ``None``; and that score or ``None``.
    """
    scores = [
        score
        for entry in severities
        if entry.type.upper() == "CVSS_V3" or entry.score.startswith("CVSS:3.")
        if (score := base_score(entry.score)) is not None
    ]
    if scores:
        best = max(scores)
        return level_for_score(best), best
    return level_from_label(database_severity), None
