"""Known vulnerabilities of resolved dependencies: OSV records, stored offline or queried online.

Typical use (the CLI wires these):

    >>> from faasguard.deps.vulns import PackageQuery, match, smallest_fix
    >>> found = match([PackageQuery("PyPI", "PyYAML", "5.3.1")])       # doctest: +SKIP
    >>> [m.id for m in found[PackageQuery("PyPI", "PyYAML", "5.3.1")]]  # doctest: +SKIP
    ['PYSEC-2021-142']

* :func:`import_zip` loads an OSV ``all.zip`` export into the store; :func:`update` downloads
  (incrementally when it can); :func:`status` and :func:`is_stale` describe the store.
* :func:`match` answers from a :class:`VulnerabilitySource`: the offline :class:`StoreSource`
  by default, or :class:`OsvApiSource` when online lookups are wanted.
* :func:`smallest_fix` picks the lowest upgrade that clears every match of a package.

The module functions open the default store (``$FAASGUARD_DB`` or the user cache directory)
when no store is passed, and close it before returning. Nothing happens at import time.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from faasguard.deps.vulns.archive import ZipLimits
from faasguard.deps.vulns.interface import (
    Affected,
    ArchiveError,
    DownloadError,
    EcosystemStatus,
    Event,
    ImportReport,
    MatchedVulnerability,
    OsvApiError,
    PackageQuery,
    Range,
    RecordError,
    Severity,
    SeverityLevel,
    SkippedEntry,
    SourceStatus,
    StoreError,
    StoreStatus,
    UnsafeURLError,
    Vulnerability,
    VulnerabilityDataError,
    VulnerabilitySource,
    ZipBombError,
)
from faasguard.deps.vulns.matching import smallest_fix
from faasguard.deps.vulns.names import SUPPORTED_ECOSYSTEMS
from faasguard.deps.vulns.records import parse_vulnerability, parse_vulnerability_json
from faasguard.deps.vulns.store import DB_ENV_VAR, DEFAULT_STALE_DAYS, Store, default_db_path
from faasguard.deps.vulns.store_source import StoreSource

if TYPE_CHECKING:
    from faasguard.deps.vulns.osv_api import DEFAULT_API_URL, ApiLimits, OsvApiSource
    from faasguard.deps.vulns.transport import RetryPolicy
    from faasguard.deps.vulns.update import (
        DEFAULT_BASE_URL,
        UpdateLimits,
        UpdateResult,
        update_store,
    )

#: Names served on first use: they pull in the network client (ssl, http.client, urllib),
#: which an offline scan must not pay for (about 40 ms of start-up).
_ONLINE = {
    "DEFAULT_API_URL": "faasguard.deps.vulns.osv_api",
    "ApiLimits": "faasguard.deps.vulns.osv_api",
    "OsvApiSource": "faasguard.deps.vulns.osv_api",
    "RetryPolicy": "faasguard.deps.vulns.transport",
    "DEFAULT_BASE_URL": "faasguard.deps.vulns.update",
    "UpdateLimits": "faasguard.deps.vulns.update",
    "UpdateResult": "faasguard.deps.vulns.update",
    "update_store": "faasguard.deps.vulns.update",
}


def __getattr__(name: str) -> Any:
    """Import the online names of :data:`_ONLINE` when first asked for (PEP 562)."""
    module = _ONLINE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(_import(module), name)


def _import(module: str) -> Any:
    """Import a submodule without letting it shadow this package's function of its name.

    Importing ``faasguard.deps.vulns.update`` binds the package attribute ``update`` to the
    submodule, hiding the :func:`update` function defined here; the binding is put back.
    """
    loaded = importlib.import_module(module)
    globals()["update"] = _update_function
    return loaded


__all__ = [
    "DB_ENV_VAR",
    "DEFAULT_API_URL",
    "DEFAULT_BASE_URL",
    "DEFAULT_STALE_DAYS",
    "SUPPORTED_ECOSYSTEMS",
    "Affected",
    "ApiLimits",
    "ArchiveError",
    "DownloadError",
    "EcosystemStatus",
    "Event",
    "ImportReport",
    "MatchedVulnerability",
    "OsvApiError",
    "OsvApiSource",
    "PackageQuery",
    "Range",
    "RecordError",
    "RetryPolicy",
    "Severity",
    "SeverityLevel",
    "SkippedEntry",
    "SourceStatus",
    "Store",
    "StoreError",
    "StoreSource",
    "StoreStatus",
    "UnsafeURLError",
    "UpdateLimits",
    "UpdateResult",
    "Vulnerability",
    "VulnerabilityDataError",
    "VulnerabilitySource",
    "ZipBombError",
    "ZipLimits",
    "default_db_path",
    "import_zip",
    "is_stale",
    "match",
    "parse_vulnerability",
    "parse_vulnerability_json",
    "smallest_fix",
    "status",
    "update",
    "update_store",
]

_PathLike = str | os.PathLike[str]


def match(
    packages: Iterable[PackageQuery], *, source: VulnerabilitySource | None = None
) -> dict[PackageQuery, tuple[MatchedVulnerability, ...]]:
    """Match resolved packages against known vulnerabilities.

    Args:
        packages: The packages (ecosystem, name, exact version).
        source: Where to look; ``None`` uses a :class:`StoreSource` on the default store.

    Returns:
        Each query of a supported ecosystem mapped to its matches, in primary-id order
        (``GHSA`` ids first, see :func:`~faasguard.deps.vulns.matching.id_preference`).
        Queries of other ecosystems are absent (unknown, not clean).

    Raises:
        VulnerabilityDataError: The source could not be read.
    """
    if source is not None:
        return source.match(packages)
    with StoreSource() as default:
        return default.match(packages)


def import_zip(
    path: _PathLike,
    ecosystem: str | None = None,
    *,
    db: _PathLike | None = None,
    limits: ZipLimits | None = None,
) -> ImportReport:
    """Import an OSV ``all.zip`` export into a store.

    Args:
        path: The archive.
        ecosystem: Index only this ecosystem (``"PyPI"``, ``"npm"``); ``None`` for every
            supported one found.
        db: The database file; ``None`` for the default store.
        limits: Zip-bomb caps.

    Returns:
        What was imported and skipped.

    Raises:
        ArchiveError: Not a readable zip archive.
        ZipBombError: The archive exceeds a cap; nothing is imported.
        StoreError: The store cannot be written.
    """
    with Store(db) as store:
        return store.import_zip(path, ecosystem, limits=limits)


def update(
    ecosystems: Iterable[str] = SUPPORTED_ECOSYSTEMS,
    *,
    base_url: str | None = None,
    db: _PathLike | None = None,
    incremental: bool = True,
    limits: UpdateLimits | None = None,
    retry: RetryPolicy | None = None,
) -> tuple[UpdateResult, ...]:
    """Download OSV data into a store (see :func:`update_store`).

    Args:
        ecosystems: Ecosystems to update.
        base_url: The export bucket (https; http only to a loopback host); None for OSV's.
        db: The database file; ``None`` for the default store.
        incremental: Fetch only changed records when a previous update allows it.
        limits: Download caps.
        retry: Retries of transient failures.

    Returns:
        One result per ecosystem.

    Raises:
        DownloadError: A download failed.
        ArchiveError: The archive is not a zip or exceeds a cap.
        StoreError: The store cannot be written.
    """
    _import("faasguard.deps.vulns.update")
    from faasguard.deps.vulns.update import DEFAULT_BASE_URL, update_store

    with Store(db) as store:
        return update_store(
            store,
            ecosystems,
            base_url=base_url or DEFAULT_BASE_URL,
            incremental=incremental,
            limits=limits,
            retry=retry,
        )


def status(*, db: _PathLike | None = None, now: datetime | None = None) -> StoreStatus:
    """Describe a store: per-ecosystem counts, last updates and sources.

    Args:
        db: The database file; ``None`` for the default store.
        now: The time ages are measured against; defaults to now.

    Returns:
        The snapshot.
    """
    with Store(db) as store:
        return store.status(now=now)


def is_stale(
    days: float = DEFAULT_STALE_DAYS,
    *,
    ecosystems: Iterable[str] | None = None,
    db: _PathLike | None = None,
    now: datetime | None = None,
) -> bool:
    """Tell whether a store's data is missing or older than ``days``.

    Args:
        days: Maximum age in days.
        ecosystems: Ecosystems that must be fresh; ``None`` for all it has (an empty store is
            stale).
        db: The database file; ``None`` for the default store.
        now: The time to measure against; defaults to now.

    Returns:
        Whether the data should be refreshed before scanning.
    """
    with Store(db) as store:
        return store.is_stale(days, ecosystems=ecosystems, now=now)


_update_function = update
