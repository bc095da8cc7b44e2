"""From records to match results: version checks, alias merging and the smallest fix.

Both sources feed records here, so a finding looks the same whether it came from the offline
store or the OSV API.

Alias merging: records of one package that share an id or alias (``PYSEC-2021-142`` names
``GHSA-8q59-q68h-6hv4``; two PYSEC records name the same CVE) are one vulnerability of the
package, so the ones that affect the queried version become one :class:`MatchedVulnerability`.
Sharing is transitive, also through a record of the package that does not affect the version
itself. A twin that disagrees on the range adds nothing for a version it does not affect.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from faasguard.deps.vulns.cvss import record_level
from faasguard.deps.vulns.interface import (
    Affected,
    MatchedVulnerability,
    PackageQuery,
    Severity,
    SeverityLevel,
    Vulnerability,
)
from faasguard.deps.vulns.names import normalize_ecosystem, normalize_name
from faasguard.deps.vulns.ranges import AffectedMatcher
from faasguard.deps.vulns.versions import Ordered, ecosystem_scheme

__all__ = ["PackageMatcher", "id_preference", "smallest_fix"]

_SUMMARY_MAX = 200
_HEADING = re.compile(r"^\s*#+\s")


def id_preference(vuln_id: str) -> tuple[int, str]:
    """Sort key choosing the primary id of merged records.

    GitHub advisories come first (the id most tools and the GitHub UI show), then the PyPA
    advisory database's ``PYSEC``, then any other database's own id, then bare ``CVE`` ids
    (which OSV only uses as aliases); ties go to the lexicographically smallest id.

    Args:
        vuln_id: A record id or alias.

    Returns:
        The sort key; the smallest is the primary.
    """
    upper = vuln_id.upper()
    if upper.startswith("GHSA-"):
        rank = 0
    elif upper.startswith("PYSEC-"):
        rank = 1
    elif upper.startswith("CVE-"):
        rank = 3
    else:
        rank = 2
    return rank, vuln_id


class _Candidate:
    """One record seen from one package, with the per-record parts of its results.

    Those parts (aliases, severity, ordered fixes) are computed the first time the record
    matches and reused for every later version of the package.
    """

    __slots__ = ("_info", "_results", "contains", "group", "matchers", "record")

    def __init__(self, record: Vulnerability, matchers: tuple[AffectedMatcher, ...]) -> None:
        self.record = record
        self.matchers = matchers
        # Most records have one entry per package: call it directly, one frame less per check
        # in the innermost loop of a scan.
        self.contains: Callable[[str], bool] = (
            matchers[0].contains if len(matchers) == 1 else self._any_contains
        )
        self.group = 0  # Alias group within the package, set by PackageMatcher.
        self._info: _Info | None = None
        # The result of a record matched alone depends on the installed version only through
        # which fixes lie above it, so it is shared by every version with the same cut.
        self._results: dict[int, MatchedVulnerability] | None = None

    def _any_contains(self, version: str) -> bool:
        for matcher in self.matchers:  # noqa: SIM110 - a plain loop beats any() + genexpr here
            if matcher.contains(version):
                return True
        return False

    def info(self, ecosystem: str) -> _Info:
        if self._info is None:
            self._info = _Info.build(ecosystem, self.record, self.matchers)
        return self._info

    def alone(self, ecosystem: str, installed: Ordered | None) -> MatchedVulnerability:
        """The result when no other hit shares an alias with this record."""
        info = self.info(ecosystem)
        cut = -1 if installed is None else bisect.bisect_right(info.fix_keys, installed)
        if self._results is None:
            self._results = {}
        found = self._results.get(cut)
        if found is None:
            record = self.record
            found = MatchedVulnerability(
                id=record.id,
                aliases=info.aliases,
                record_ids=(record.id,),
                summary=info.summary,
                details=record.details,
                severity=info.severity,
                level=info.level,
                score=info.score,
                fixed_in=(info.fixes if cut < 0 else info.fixes[cut:]) + info.unordered_fixes,
                affected=info.affected,
            )
            self._results[cut] = found
        return found


@dataclass(frozen=True, slots=True)
class _Info:
    summary: str | None
    aliases: tuple[str, ...]
    severity: tuple[Severity, ...]
    level: SeverityLevel | None
    score: float | None
    affected: tuple[Affected, ...]
    fix_keys: tuple[Ordered, ...]
    fixes: tuple[str, ...]
    unordered_fixes: tuple[str, ...]

    @staticmethod
    def build(
        ecosystem: str, record: Vulnerability, matchers: tuple[AffectedMatcher, ...]
    ) -> _Info:
        own = (*record.severity, *(s for m in matchers for s in m.affected.severity))
        level, score = record_level(own, record.database_severity)
        fixes, unordered = _order_fixes(ecosystem, (f for m in matchers for f in m.fixes()))
        return _Info(
            summary=_best_summary([record]),
            aliases=tuple(sorted(set(record.aliases) - {record.id})),
            severity=tuple(sorted(set(own), key=lambda s: (s.type, s.score))),
            level=level,
            score=score,
            affected=tuple(matcher.affected for matcher in matchers),
            fix_keys=tuple(key for key, _ in fixes),
            fixes=tuple(raw for _, raw in fixes),
            unordered_fixes=unordered,
        )


def _order_fixes(
    ecosystem: str, fixes: Iterable[str]
) -> tuple[tuple[tuple[Ordered, str], ...], tuple[str, ...]]:
    """Order fix versions with the ecosystem's scheme, dropping equal duplicates.

    Returns the orderable ones ascending and, apart, those the scheme cannot parse.
    """
    scheme = ecosystem_scheme(ecosystem)
    ordered: dict[Ordered, str] = {}
    unordered: set[str] = set()
    for fix in fixes:
        key = scheme.parse(fix) if scheme is not None else None
        if key is None:
            unordered.add(fix)
        else:
            ordered.setdefault(key, fix)
    return tuple((key, ordered[key]) for key in sorted(ordered)), tuple(sorted(unordered))


class PackageMatcher:
    """All records naming one package, compiled for repeated version checks.

    Attributes:
        ecosystem: Normalised ecosystem.
        name: Normalised package name.
    """

    __slots__ = ("_candidates", "ecosystem", "name")

    def __init__(
        self,
        ecosystem: str,
        name: str,
        *,
        records: Iterable[Vulnerability],
        uncovered: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """Compile the records of one package.

        Args:
            ecosystem: The package's ecosystem.
            name: The package's name.
            records: Records naming it; withdrawn ones are dropped.
            uncovered: Per record id, the listed versions its ranges do not cover for this
                package (the store's import-time index). Records without an entry here are
                checked against their full ``versions`` lists.
        """
        self.ecosystem = normalize_ecosystem(ecosystem)
        self.name = normalize_name(self.ecosystem, name)
        hints = uncovered or {}
        candidates: list[_Candidate] = []
        for record in records:
            if record.withdrawn is not None:
                continue
            entries = [
                entry
                for entry in record.affected
                if entry.ecosystem == self.ecosystem and entry.name == self.name
            ]
            if not entries:
                continue
            extra = hints.get(record.id)
            if extra is None:
                matchers = tuple(AffectedMatcher(entry) for entry in entries)
            else:
                # The uncovered versions are the union over the entries: checking them once,
                # with the first entry, keeps "any entry matches" unchanged.
                matchers = tuple(
                    AffectedMatcher(entry, listed=extra if index == 0 else ())
                    for index, entry in enumerate(entries)
                )
            candidates.append(_Candidate(record, matchers))
        _assign_alias_groups(candidates)
        self._candidates = tuple(candidates)

    def entries(self) -> tuple[Affected, ...]:
        """Return the package's entries of every non-withdrawn record, in record-id order."""
        ordered = sorted(self._candidates, key=lambda candidate: candidate.record.id)
        return tuple(m.affected for candidate in ordered for m in candidate.matchers)

    def match(self, version: str, *, also: Iterable[str] = ()) -> tuple[MatchedVulnerability, ...]:
        """Match one installed version.

        Args:
            version: The installed version.
            also: Ids of records to report even if local evaluation does not find the version
                affected (the OSV API's verdict, which may rest on data such as ``GIT`` ranges
                that cannot be evaluated here).

        Returns:
            The merged matches, in primary-id order (:func:`id_preference`).
        """
        if also:
            forced = frozenset(also)
            hits = [c for c in self._candidates if c.record.id in forced or c.contains(version)]
        else:
            hits = [c for c in self._candidates if c.contains(version)]
        if not hits:
            return ()
        scheme = ecosystem_scheme(self.ecosystem)
        installed = scheme.parse(version) if scheme is not None else None
        groups: dict[int, list[_Candidate]] = {}
        for hit in hits:
            groups.setdefault(hit.group, []).append(hit)
        merged = [_merge_group(self.ecosystem, installed, group) for group in groups.values()]
        if len(merged) > 1:
            merged.sort(key=lambda match: id_preference(match.id))
        return tuple(merged)


def _assign_alias_groups(candidates: Sequence[_Candidate]) -> None:
    """Number the alias groups of a package's records (union-find over shared ids/aliases).

    Done once per package rather than per query: two records are one vulnerability when they
    share an id or alias, directly or through another record of the same package.
    """
    parent = list(range(len(candidates)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}
    for index, candidate in enumerate(candidates):
        record = candidate.record
        for token in (record.id, *record.aliases):
            key = token.strip().upper()
            if key in owner:
                parent[find(index)] = find(owner[key])
            else:
                owner[key] = index
    for index, candidate in enumerate(candidates):
        candidate.group = find(index)


def _merge_group(
    ecosystem: str, installed: Ordered | None, members: list[_Candidate]
) -> MatchedVulnerability:
    if len(members) == 1:
        return members[0].alone(ecosystem, installed)
    members = sorted(members, key=lambda member: id_preference(member.record.id))
    records = [member.record for member in members]
    infos = [member.info(ecosystem) for member in members]
    primary = records[0].id
    tokens = {token for record in records for token in (record.id, *record.aliases)}
    levels = [info.level for info in infos if info.level is not None]
    scores = [info.score for info in infos if info.score is not None]
    fixes: dict[Ordered, str] = {}
    for info in infos:
        start = 0 if installed is None else bisect.bisect_right(info.fix_keys, installed)
        for key, raw in zip(info.fix_keys[start:], info.fixes[start:], strict=True):
            fixes.setdefault(key, raw)
    unordered = sorted({raw for info in infos for raw in info.unordered_fixes})
    severities = {severity for info in infos for severity in info.severity}
    return MatchedVulnerability(
        id=primary,
        aliases=tuple(sorted(tokens - {primary})),
        record_ids=tuple(sorted(record.id for record in records)),
        summary=_best_summary(records),
        details=next((record.details for record in records if record.details), None),
        severity=tuple(sorted(severities, key=lambda s: (s.type, s.score))),
        level=max(levels, key=lambda level: level.rank) if levels else None,
        score=max(scores) if scores else None,
        fixed_in=(*(fixes[key] for key in sorted(fixes)), *unordered),
        affected=tuple(entry for info in infos for entry in info.affected),
    )


def _best_summary(records: Sequence[Vulnerability]) -> str | None:
    for record in records:
        if record.summary and record.summary.strip():
            return record.summary.strip()
    for record in records:
        if record.details:
            for line in record.details.splitlines():
                if line.strip() and not _HEADING.match(line):
                    return _shorten(line.strip())
    return None


def _shorten(text: str) -> str:
    if len(text) <= _SUMMARY_MAX:
        return text
    cut = text[: _SUMMARY_MAX - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def smallest_fix(
    installed: PackageQuery,
    matches: Iterable[MatchedVulnerability],
    *,
    avoid: Iterable[Affected] = (),
) -> str | None:
    """Find the smallest version that fixes every known vulnerability of an installed package.

    The candidates are the fix versions of the matches (and of ``avoid``); the first one, in
    version order, that is greater than the installed version and affected by none of the
    matched records (nor by ``avoid``) is the answer. A vulnerability known only through
    ``last_affected`` has no fix of its own, but a candidate above its last affected version
    clears it.

    Args:
        installed: The installed package.
        matches: Its matches, as :meth:`VulnerabilitySource.match` returned them.
        avoid: More ``affected`` entries the upgrade must not land in: typically every known
            record of the package (:meth:`StoreSource.affected_entries`), so that the advice
            does not trade the current vulnerabilities for ones of a later version.

    Returns:
        The version to upgrade to, or ``None`` when no known fix version clears everything
        (or the installed version cannot be ordered). With no matches, ``None`` as well:
        nothing needs fixing.
    """
    ecosystem = normalize_ecosystem(installed.ecosystem)
    scheme = ecosystem_scheme(ecosystem)
    match_list = list(matches)
    if scheme is None or not match_list:
        return None
    current = scheme.parse(installed.version)
    if current is None:
        return None
    matchers = [AffectedMatcher(entry) for match in match_list for entry in match.affected]
    matchers.extend(AffectedMatcher(entry) for entry in avoid)
    candidates: dict[Ordered, str] = {}
    for fix in (fix for matcher in matchers for fix in matcher.fixes()):
        key = scheme.parse(fix)
        if key is not None and current < key:
            candidates.setdefault(key, fix)
    for key in sorted(candidates):
        candidate = candidates[key]
        if not any(matcher.contains(candidate) for matcher in matchers):
            return candidate
    return None
