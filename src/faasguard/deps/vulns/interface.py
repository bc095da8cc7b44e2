"""The seam of the vulnerability layer: OSV record types, match results, sources and errors.

Everything a caller (the dependency analyzer, a reporter, a test) needs to talk about
vulnerabilities lives here, so that it can depend on this module alone. The two sources,
:class:`~faasguard.deps.vulns.store_source.StoreSource` (offline SQLite copy of the OSV export)
and :class:`~faasguard.deps.vulns.osv_api.OsvApiSource` (online OSV API), both implement
:class:`VulnerabilitySource` and return the same frozen :class:`MatchedVulnerability` values, so
nothing downstream knows where the data came from.

The record types mirror the OSV schema (https://ossf.github.io/osv-schema/) but keep only what
matching and reporting use; ecosystem and package names are normalised on the way in.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = [
    "Affected",
    "ArchiveError",
    "DownloadError",
    "EcosystemStatus",
    "Event",
    "EventKind",
    "ImportReport",
    "MatchedVulnerability",
    "OsvApiError",
    "PackageQuery",
    "Range",
    "RecordError",
    "Severity",
    "SeverityLevel",
    "SkippedEntry",
    "SourceStatus",
    "StoreError",
    "StoreStatus",
    "UnsafeURLError",
    "Vulnerability",
    "VulnerabilityDataError",
    "VulnerabilitySource",
    "ZipBombError",
]

EventKind = Literal["introduced", "fixed", "last_affected", "limit"]
"""The four OSV range events; every other key in an event object is ignored."""


class SeverityLevel(enum.Enum):
    """Coarse severity, as the CVSS v3 qualitative rating scale names it.

    ``NONE`` is CVSS's own rating for a 0.0 base score (no impact), kept distinct from "unknown",
    which is ``None`` wherever a level is optional.
    """

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Order of the level, 0 for ``NONE`` up to 4 for ``CRITICAL``, for max() and sorting."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {
    SeverityLevel.NONE: 0,
    SeverityLevel.LOW: 1,
    SeverityLevel.MEDIUM: 2,
    SeverityLevel.HIGH: 3,
    SeverityLevel.CRITICAL: 4,
}


@dataclass(frozen=True, slots=True)
class Severity:
    """One OSV ``severity`` entry, kept as published.

    Attributes:
        type: ``CVSS_V2``, ``CVSS_V3``, ``CVSS_V4`` or ``Ubuntu``...
        score: The vector string (``CVSS:3.1/AV:N/...``) or whatever the type defines.
    """

    type: str
    score: str


@dataclass(frozen=True, slots=True)
class Event:
    """One event of an OSV range.

    Attributes:
        kind: Which event it is.
        version: The version in the range type's syntax; ``"0"`` for ``introduced`` means
            "before every version" and ``"*"`` for ``limit`` means infinity.
    """

    kind: EventKind
    version: str


@dataclass(frozen=True, slots=True)
class Range:
    """One OSV range: a type and its events, in the order the record lists them.

    Attributes:
        type: ``ECOSYSTEM``, ``SEMVER`` or ``GIT``. ``GIT`` ranges are kept for completeness but
            never used for version matching (they need the repository's commit graph).
        events: The events as listed; evaluation sorts them, as the OSV spec requires.
        repo: The repository URL of a ``GIT`` range.
    """

    type: str
    events: tuple[Event, ...]
    repo: str | None = None


@dataclass(frozen=True, slots=True)
class Affected:
    """One ``affected`` entry of an OSV record.

    Attributes:
        ecosystem: Normalised ecosystem (``"PyPI"``, ``"npm"``, others as published).
        name: Normalised package name: PEP 503 for PyPI, lower case for npm.
        ranges: The entry's ranges.
        versions: The explicitly listed affected versions, as published.
        purl: The package URL, when the record gives one.
        severity: Per-package severity (OSV 1.x allows it here as well as on the record).
    """

    ecosystem: str
    name: str
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    purl: str | None = None
    severity: tuple[Severity, ...] = ()


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One OSV record.

    Attributes:
        id: The record's id (``PYSEC-2021-142``, ``GHSA-...``).
        aliases: Other ids for the same vulnerability (``CVE-...``), as published.
        summary: One-line summary, when the record has one.
        details: Longer Markdown description, when the record has one.
        severity: Record-level severity entries.
        published: When the record was first published, if known.
        modified: When the record was last modified.
        withdrawn: When the record was withdrawn; withdrawn records never match.
        affected: The entries that name a package; entries without one (pure ``GIT``
            entries) are dropped because nothing here can match them.
        database_severity: ``database_specific.severity`` (GitHub's ``HIGH``/``MODERATE``...),
            the fallback when no CVSS v3 vector gives a level.
    """

    id: str
    aliases: tuple[str, ...]
    summary: str | None
    details: str | None
    severity: tuple[Severity, ...]
    published: datetime | None
    modified: datetime
    withdrawn: datetime | None
    affected: tuple[Affected, ...]
    database_severity: str | None = None


@dataclass(frozen=True, slots=True)
class PackageQuery:
    """One resolved package to look up.

    The fields are taken as given: matching normalises ecosystem and name itself, and the
    result maps each query object the caller passed to its matches.

    Attributes:
        ecosystem: ``"PyPI"`` or ``"npm"`` (case-insensitive).
        name: The package name in any spelling the registry accepts.
        version: The exact installed version.
    """

    ecosystem: str
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class MatchedVulnerability:
    """One vulnerability affecting one package version: what becomes one finding.

    Records that share an id or alias for the same package (a ``PYSEC`` record and its ``GHSA``
    twin, or two records naming the same CVE) are merged into one value.

    Attributes:
        id: The primary id, chosen among the merged records' own ids: ``GHSA`` first, then
            ``PYSEC``, then any other database id, then ``CVE``; ties go to the
            lexicographically smallest. Stable across runs and sources.
        aliases: Every other id or alias of the merged records, sorted.
        record_ids: The ids of the merged records themselves (``id`` included), sorted.
        summary: The best summary: the first merged record (in primary-id order) with a
            ``summary``, else the first line of the first ``details`` that is not a Markdown
            heading, cut to 200 characters.
        details: The ``details`` of the first merged record that has them.
        severity: The union of severity entries (record- and package-level), sorted.
        level: Coarse level: the highest computed from CVSS v3 vectors, else from
            ``database_specific.severity``, else ``None`` (unknown).
        score: The highest CVSS v3 base score, when any vector was computable.
        fixed_in: The fix versions greater than the installed version, ascending. Empty when
            no fix is known.
        affected: The merged records' ``affected`` entries for this package, so that
            :func:`~faasguard.deps.vulns.matching.smallest_fix` can test candidate versions.
        withdrawn: Always ``False``: withdrawn records are skipped. Kept so that a reporter
            can state it.
    """

    id: str
    aliases: tuple[str, ...]
    record_ids: tuple[str, ...]
    summary: str | None
    details: str | None
    severity: tuple[Severity, ...]
    level: SeverityLevel | None
    score: float | None
    fixed_in: tuple[str, ...]
    affected: tuple[Affected, ...]
    withdrawn: bool = False


class VulnerabilitySource(abc.ABC):
    """Something that answers "which known vulnerabilities affect these package versions?".

    A query whose ecosystem is not supported is left out of the result: absent means
    "unknown", an empty tuple means "checked, nothing known".
    """

    @abc.abstractmethod
    def match(
        self, packages: Iterable[PackageQuery]
    ) -> dict[PackageQuery, tuple[MatchedVulnerability, ...]]:
        """Match packages against the source's records.

        Args:
            packages: Resolved packages; duplicates are answered once.

        Returns:
            Each supported query mapped to its matches, in primary-id order (see
            :func:`~faasguard.deps.vulns.matching.id_preference`).

        Raises:
            VulnerabilityDataError: The source could not be read.
        """

    def close(self) -> None:  # noqa: B027 - optional hook, most sources hold nothing
        """Release what the source holds (connections, caches)."""


class VulnerabilityDataError(Exception):
    """Base of every error this package raises on purpose."""


class RecordError(VulnerabilityDataError):
    """An OSV record is not valid; the message starts with where it came from."""


class ArchiveError(VulnerabilityDataError):
    """An OSV zip archive cannot be read at all (not a zip, unreadable)."""


class ZipBombError(ArchiveError):
    """An archive exceeds the entry count, size or compression-ratio caps; nothing is kept."""


class StoreError(VulnerabilityDataError):
    """The SQLite store cannot be opened, read or written."""


class DownloadError(VulnerabilityDataError):
    """A download failed: network error, HTTP error status or response over its size cap."""


class UnsafeURLError(DownloadError):
    """A URL is refused: not https (plain http is only allowed to a loopback address)."""


class OsvApiError(DownloadError):
    """The OSV API answered with an error or with something that is not its protocol."""


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """An archive entry or downloaded record that was not imported, and why.

    Attributes:
        name: The entry name or URL.
        reason: Why it was skipped (``not a .json entry``, ``not valid JSON: ...``).
    """

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import into the store did.

    Attributes:
        source: Where the records came from (``file:/path/all.zip`` or the base URL).
        ecosystems: The ecosystems that received records, sorted.
        imported: Records stored (withdrawn ones included: they are kept, never matched).
        withdrawn: How many of those are withdrawn.
        ignored: Valid records with no entry for an imported ecosystem (a RubyGems-only
            record in a mixed export, say).
        skipped: Entries refused, each with its reason.
        seconds: Wall-clock duration.
    """

    source: str
    ecosystems: tuple[str, ...]
    imported: int
    withdrawn: int
    ignored: int
    skipped: tuple[SkippedEntry, ...]
    seconds: float


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """The last import from one source into one ecosystem.

    Attributes:
        source: ``file:/path`` for :func:`import_zip`, the base URL for :func:`update`.
        updated_at: When that import started (UTC).
        record_count: Records it stored for the ecosystem.
        mode: ``file``, ``full`` or ``incremental``.
    """

    source: str
    updated_at: datetime
    record_count: int
    mode: str


@dataclass(frozen=True, slots=True)
class EcosystemStatus:
    """What the store holds for one ecosystem.

    Attributes:
        ecosystem: Normalised ecosystem.
        records: Records with an entry for it (withdrawn included).
        withdrawn: Withdrawn records among them.
        packages: Distinct package names.
        last_update: The newest import of any source, or ``None`` if never imported.
        sources: Per-source detail, newest first.
    """

    ecosystem: str
    records: int
    withdrawn: int
    packages: int
    last_update: datetime | None
    sources: tuple[SourceStatus, ...]


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """A snapshot of the store, taken at ``checked_at``.

    Attributes:
        path: The database file.
        checked_at: When the snapshot was taken (UTC).
        total_records: Distinct records in the store (a record naming packages of two
            ecosystems counts once here, once in each ecosystem's entry).
        ecosystems: One entry per ecosystem with records or imports, sorted by name.
    """

    path: str
    checked_at: datetime
    total_records: int
    ecosystems: tuple[EcosystemStatus, ...]

    def age(self, ecosystem: str) -> timedelta | None:
        """Return how old an ecosystem's data was at ``checked_at``.

        Args:
            ecosystem: Normalised ecosystem name.

        Returns:
            The age, or ``None`` when it was never imported.
        """
        for eco in self.ecosystems:
            if eco.ecosystem == ecosystem and eco.last_update is not None:
                return self.checked_at - eco.last_update
        return None
