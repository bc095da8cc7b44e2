"""The offline :class:`VulnerabilitySource`: matching against the SQLite store.

Records are loaded per package name in chunks (one query per 500 names), parsed once and kept
with their compiled ranges for the life of the source, so a scan of thousands of packages costs
one pass over the relevant rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from types import TracebackType

from faasguard.deps.vulns.gcpause import gc_paused
from faasguard.deps.vulns.interface import (
    Affected,
    MatchedVulnerability,
    PackageQuery,
    RecordError,
    StoreError,
    Vulnerability,
    VulnerabilitySource,
)
from faasguard.deps.vulns.matching import PackageMatcher
from faasguard.deps.vulns.names import SUPPORTED_ECOSYSTEMS, normalize_ecosystem, normalize_name
from faasguard.deps.vulns.records import parse_vulnerability
from faasguard.deps.vulns.store import Store

__all__ = ["StoreSource"]


_Key = tuple[str, str]


class StoreSource(VulnerabilitySource):
    """Matches packages against an offline :class:`Store`.

    Attributes:
        store: The store read from.
    """

    def __init__(self, store: Store | None = None) -> None:
        """Create a source.

        Args:
            store: An open store; ``None`` opens the default one (and closes it on
                :meth:`close`).
        """
        self._owns_store = store is None
        self.store = store if store is not None else Store()
        self._records: dict[str, Vulnerability] = {}
        self._matchers: dict[_Key, PackageMatcher] = {}
        self._results: dict[tuple[str, str, str], tuple[MatchedVulnerability, ...]] = {}

    def match(
        self, packages: Iterable[PackageQuery]
    ) -> dict[PackageQuery, tuple[MatchedVulnerability, ...]]:
        """Match packages against the store.

        Args:
            packages: Resolved packages.

        Returns:
            Each query of a supported ecosystem mapped to its matches, in primary-id order (see
            :func:`~faasguard.deps.vulns.matching.id_preference`).

        Raises:
            StoreError: The store cannot be read or holds a corrupt record.
        """
        queries: list[tuple[PackageQuery, str, str]] = []
        for query in packages:
            ecosystem = normalize_ecosystem(query.ecosystem)
            if ecosystem in SUPPORTED_ECOSYSTEMS:
                queries.append((query, ecosystem, normalize_name(ecosystem, query.name)))
        out: dict[PackageQuery, tuple[MatchedVulnerability, ...]] = {}
        with gc_paused():
            self._load({(ecosystem, name) for _, ecosystem, name in queries})
            for query, ecosystem, name in queries:
                key = (ecosystem, name, query.version)
                found = self._results.get(key)
                if found is None:
                    found = self._matchers[ecosystem, name].match(query.version)
                    self._results[key] = found
                out[query] = found
        return out

    def affected_entries(self, ecosystem: str, name: str) -> tuple[Affected, ...]:
        """Return every non-withdrawn ``affected`` entry the store knows for a package.

        Meant for :func:`~faasguard.deps.vulns.matching.smallest_fix`'s ``avoid``, so that an
        upgrade suggestion skips versions affected by other known vulnerabilities.

        Args:
            ecosystem: The package's ecosystem, in any spelling.
            name: The package's name, in any spelling.

        Returns:
            The entries, in record-id order.

        Raises:
            StoreError: The store cannot be read.
        """
        eco = normalize_ecosystem(ecosystem)
        key = (eco, normalize_name(eco, name))
        with gc_paused():
            self._load({key})
        return self._matchers[key].entries()

    def _load(self, packages: set[_Key]) -> None:
        missing: dict[str, list[str]] = {}
        for ecosystem, name in packages:
            if (ecosystem, name) not in self._matchers:
                missing.setdefault(ecosystem, []).append(name)
        for ecosystem, names in missing.items():
            found: dict[str, list[Vulnerability]] = {name: [] for name in names}
            uncovered: dict[str, dict[str, tuple[str, ...]]] = {name: {} for name in names}
            for name, vuln_id, text, extra in self.store.rows_for(ecosystem, names):
                found[name].append(self._record(vuln_id, text))
                uncovered[name][vuln_id] = self._uncovered(vuln_id, extra)
            for name, records in found.items():
                self._matchers[ecosystem, name] = PackageMatcher(
                    ecosystem, name, records=records, uncovered=uncovered[name]
                )

    def _record(self, vuln_id: str, text: str) -> Vulnerability:
        record = self._records.get(vuln_id)
        if record is None:
            try:
                record = parse_vulnerability(json.loads(text), origin=vuln_id)
            except (ValueError, RecordError) as exc:
                raise StoreError(
                    f"{self.store.path}: stored record {vuln_id} is corrupt ({exc}); "
                    "re-import the data"
                ) from None
            self._records[vuln_id] = record
        return record

    def _uncovered(self, vuln_id: str, text: str) -> tuple[str, ...]:
        if text == "[]":
            return ()  # The usual case: the ranges cover every listed version.
        try:
            value: object = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise StoreError(
                f"{self.store.path}: stored index of {vuln_id} is corrupt; re-import the data"
            )
        return tuple(value)

    def close(self) -> None:
        """Drop the caches and close the store if this source opened it."""
        self._records.clear()
        self._matchers.clear()
        self._results.clear()
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> StoreSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
