"""Evaluation of OSV ``affected`` entries against one version, per the OSV specification.

The specification's algorithm (``IsVulnerable`` / ``IncludedInRanges``) walks the sorted events
of each range and toggles a flag. Here each range is compiled once into half-open intervals
(``[introduced, fixed)``, ``[introduced, last_affected]``, ``[introduced, +inf)``) plus its
``limit`` bound, which gives the same answers but costs two comparisons per interval for every
later query. Rules kept from the specification:

* events are sorted by the range type's ordering, whatever their order in the record;
* ``introduced: "0"`` is before every version, ``limit: "*"`` after every version;
* a version is affected by an entry if it lies in any range or is listed in ``versions``;
* with ``limit`` events a version must also be below one of them.

At equal versions ``introduced`` sorts before ``fixed``/``last_affected``, so
``introduced X, fixed X`` is empty and ``introduced X, last_affected X`` is just X.

A range with any event the scheme cannot parse is not evaluated (it cannot be placed in the
order); its entry then rests on the explicit ``versions`` list, which OSV recommends exactly for
tools that cannot order an ecosystem's versions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from faasguard.deps.vulns.interface import Affected, Range
from faasguard.deps.vulns.versions import Ordered, VersionScheme, ecosystem_scheme, range_scheme

__all__ = [
    "AffectedMatcher",
    "CompiledRange",
    "Interval",
    "ListedVersions",
    "compile_range",
    "uncovered_versions",
]

_LOG = logging.getLogger(__name__)
_EVENT_RANK = {"introduced": 0, "fixed": 1, "last_affected": 1}


class Interval(NamedTuple):
    """A set of versions between two bounds (a tuple: the hot loop unpacks it).

    Attributes:
        lo: Inclusive lower bound; ``None`` is minus infinity (``introduced: "0"``).
        hi: Upper bound; ``None`` is plus infinity (no fix known).
        hi_inclusive: Whether ``hi`` itself is in the set (``last_affected``) or not (``fixed``).
    """

    lo: Ordered | None
    hi: Ordered | None
    hi_inclusive: bool

    def contains(self, version: Ordered) -> bool:
        """Tell whether a version lies in the interval.

        Args:
            version: A version parsed with the same scheme as the bounds.

        Returns:
            Whether it is inside.
        """
        return _in_interval(version, self.lo, self.hi, self.hi_inclusive)


def _in_interval(
    version: Ordered, lo: Ordered | None, hi: Ordered | None, hi_inclusive: bool
) -> bool:
    if lo is not None and version < lo:
        return False
    if hi is None:
        return True
    return version <= hi if hi_inclusive else version < hi


@dataclass(frozen=True, slots=True)
class CompiledRange:
    """One evaluable OSV range.

    Attributes:
        scheme: The ordering its versions use.
        intervals: The affected intervals, ascending.
        limit: The highest ``limit`` event; versions at or above it are never affected.
            ``None`` when there is no limit (or ``limit: "*"``).
    """

    scheme: VersionScheme
    intervals: tuple[Interval, ...]
    limit: Ordered | None = None

    def contains(self, version: Ordered) -> bool:
        """Tell whether a version is affected according to this range.

        Args:
            version: A version parsed with :attr:`scheme`.

        Returns:
            Whether it is affected.
        """
        if self.limit is not None and not version < self.limit:
            return False
        for lo, hi, hi_inclusive in self.intervals:
            if _in_interval(version, lo, hi, hi_inclusive):
                return True
        return False


def compile_range(rng: Range, ecosystem: str) -> CompiledRange | None:
    """Compile an OSV range into intervals.

    Args:
        rng: The range.
        ecosystem: The normalised ecosystem of the entry holding it.

    Returns:
        The compiled range, or ``None`` when it cannot be evaluated: a ``GIT`` or unknown range
        type, an ecosystem without an ordering, or an event version the ordering rejects.
    """
    scheme = range_scheme(ecosystem, rng.type)
    if scheme is None:
        return None
    starts_at_zero = False
    bounds: list[tuple[Ordered, int, str]] = []
    limits: list[Ordered] = []
    unlimited = False
    for event in rng.events:
        if event.kind == "introduced" and event.version == "0":
            starts_at_zero = True
            continue
        if event.kind == "limit" and event.version == "*":
            unlimited = True
            continue
        key = scheme.parse(event.version)
        if key is None:
            _LOG.debug("range event %s=%r is not %s", event.kind, event.version, scheme.name)
            return None
        if event.kind == "limit":
            limits.append(key)
        else:
            bounds.append((key, _EVENT_RANK[event.kind], event.kind))
    # "0" first, then by version, then introduced before fixed/last_affected.
    bounds.sort(key=lambda bound: (bound[0], bound[1]))
    intervals: list[Interval] = []
    opened = starts_at_zero
    lower: Ordered | None = None
    for key, _, kind in bounds:
        if kind == "introduced":
            if not opened:
                opened, lower = True, key
        elif opened:
            intervals.append(Interval(lower, key, hi_inclusive=kind == "last_affected"))
            opened = False
    if opened:
        intervals.append(Interval(lower, None, hi_inclusive=False))
    limit = max(limits) if limits and not unlimited else None
    return CompiledRange(scheme, tuple(intervals), limit)


class ListedVersions:
    """An explicit ``versions`` list, checked by exact string and then by version equality.

    Attributes:
        scheme: The ecosystem's ordering, or ``None`` (exact strings only).
    """

    __slots__ = ("_canonical", "_raw", "scheme")

    def __init__(self, versions: Iterable[str], scheme: VersionScheme | None) -> None:
        self._raw = frozenset(versions)
        self.scheme = scheme
        self._canonical: frozenset[str] | None = None

    def __bool__(self) -> bool:
        return bool(self._raw)

    def contains(self, version: str) -> bool:
        """Tell whether a version is listed (PyPI ``1.0`` matches a listed ``1.0.0``).

        Args:
            version: The installed version.

        Returns:
            Whether it is listed.
        """
        if version in self._raw:
            return True
        if self.scheme is None or not self._raw:
            return False
        canonical = self.scheme.canonical(version)
        if canonical is None:
            return False
        if self._canonical is None:
            # Built on first need only: most checks are settled by the string or a range.
            self._canonical = self.scheme.canonical_set(self._raw)
        return canonical in self._canonical


_NOTHING_LISTED = ListedVersions((), None)


class AffectedMatcher:
    """One ``affected`` entry, compiled for repeated version checks.

    Attributes:
        affected: The entry.
        ranges: The entry's evaluable ranges.
        listed: The explicit versions checked besides the ranges.
    """

    __slots__ = ("affected", "listed", "ranges")

    def __init__(self, affected: Affected, *, listed: Iterable[str] | None = None) -> None:
        """Compile an entry.

        Args:
            affected: The entry.
            listed: Replaces ``affected.versions`` for the explicit-list check. The store
                passes the listed versions that its ranges do not already cover (computed at
                import by :func:`uncovered_versions`), which gives the same answers without
                hashing thousands of covered versions per scan.
        """
        self.affected = affected
        self.ranges = tuple(
            compiled
            for rng in affected.ranges
            if (compiled := compile_range(rng, affected.ecosystem)) is not None
        )
        versions = affected.versions if listed is None else listed
        # Most entries have nothing left to list once the store's index is applied: share
        # one empty list rather than allocate thousands.
        self.listed = (
            ListedVersions(versions, ecosystem_scheme(affected.ecosystem))
            if versions
            else _NOTHING_LISTED
        )

    def contains(self, version: str) -> bool:
        """Tell whether an installed version is affected by this entry.

        Args:
            version: The installed version as the lockfile spells it.

        Returns:
            ``True`` if it lies in a range or is listed in ``versions``.
        """
        # The innermost loop of a scan: CompiledRange.contains and Interval.contains are
        # inlined here.
        for compiled in self.ranges:
            key = compiled.scheme.parse(version)
            if key is None:
                continue
            limit = compiled.limit
            if limit is not None and not key < limit:
                continue
            for lo, hi, hi_inclusive in compiled.intervals:
                if lo is not None and key < lo:
                    continue
                if hi is None or (key <= hi if hi_inclusive else key < hi):
                    return True
        return self.listed.contains(version)

    def fixes(self) -> tuple[str, ...]:
        """List the entry's fix versions, as published.

        Returns:
            The ``fixed`` events of the entry's evaluable-type ranges (not ``GIT``), in record
            order; the caller orders them and keeps those above the installed version.
        """
        return tuple(
            event.version
            for rng in self.affected.ranges
            if range_scheme(self.affected.ecosystem, rng.type) is not None
            for event in rng.events
            if event.kind == "fixed"
        )


def uncovered_versions(entries: Iterable[Affected]) -> tuple[str, ...]:
    """Return the listed versions of some entries that none of their ranges contains.

    For one record and one package, "affected" is the union over its entries of ranges and
    listed versions; a listed version inside a range adds nothing. Only ranges ordered like the
    ecosystem's own versions count as covering, so that version equality (``1.0`` vs ``1.0.0``)
    means the same on both sides.

    Args:
        entries: The record's entries for one package.

    Returns:
        The listed versions that must still be checked one by one, sorted.
    """
    entry_list = list(entries)
    listed = {version for entry in entry_list for version in entry.versions}
    if not listed:
        return ()
    compiled: list[CompiledRange] = []
    for entry in entry_list:
        own = ecosystem_scheme(entry.ecosystem)
        for rng in entry.ranges:
            one = compile_range(rng, entry.ecosystem)
            if one is not None and one.scheme is own:
                compiled.append(one)
    out = []
    for version in listed:
        covered = False
        for one in compiled:
            key = one.scheme.parse(version)
            if key is not None and one.contains(key):
                covered = True
                break
        if not covered:
            out.append(version)
    return tuple(sorted(out))
