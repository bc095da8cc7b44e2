"""The offline vulnerability store: OSV records in SQLite, indexed by package.

A scan must not re-read zip archives, so imports write each record once (compact JSON) and an
``affects`` index of ``(ecosystem, normalised name) -> record id``; matching then loads only
the rows for the scanned packages. The database is a cache: it lives in the user cache
directory by default, and a file with another schema version is rebuilt rather than migrated.

Imports run in one transaction with batched ``executemany``: a refused archive (zip bomb) or a
failed download leaves the store as it was.

Location: the ``path`` argument, else ``$FAASGUARD_DB``, else
``platformdirs.user_cache_dir("faasguard")/osv.sqlite3``.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType

import platformdirs

from faasguard.deps.vulns.archive import ZipLimits, iter_json_entries
from faasguard.deps.vulns.gcpause import gc_paused
from faasguard.deps.vulns.interface import (
    Affected,
    EcosystemStatus,
    ImportReport,
    RecordError,
    SkippedEntry,
    SourceStatus,
    StoreError,
    StoreStatus,
    Vulnerability,
)
from faasguard.deps.vulns.names import SUPPORTED_ECOSYSTEMS, normalize_ecosystem
from faasguard.deps.vulns.ranges import uncovered_versions
from faasguard.deps.vulns.records import parse_timestamp, parse_vulnerability

__all__ = ["DB_ENV_VAR", "DEFAULT_STALE_DAYS", "Store", "default_db_path"]

DB_ENV_VAR = "FAASGUARD_DB"
DEFAULT_STALE_DAYS = 7.0
SCHEMA_VERSION = 1
_BATCH = 2000
_NAME_CHUNK = 500  # Below SQLite's default 999 bound-parameter limit of old builds.
_LOG = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vulns (
    id TEXT PRIMARY KEY,
    modified TEXT NOT NULL,
    withdrawn INTEGER NOT NULL,
    source TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS affects (
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    vuln_id TEXT NOT NULL,
    uncovered TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, vuln_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affects_by_vuln ON affects (vuln_id);
CREATE TABLE IF NOT EXISTS sources (
    ecosystem TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    mode TEXT NOT NULL,
    PRIMARY KEY (ecosystem, source)
);
CREATE TABLE IF NOT EXISTS api_cache (
    id TEXT PRIMARY KEY,
    modified TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    json TEXT NOT NULL
);
"""
_TABLES = ("vulns", "affects", "sources", "api_cache")


def default_db_path() -> Path:
    """Return where the store lives when no path is given.

    Returns:
        ``$FAASGUARD_DB`` if set, else ``osv.sqlite3`` in the user cache directory.
    """
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("faasguard")) / "osv.sqlite3"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _iso(stamp: datetime) -> str:
    return stamp.astimezone(timezone.utc).isoformat()


class Store:
    """An open vulnerability store.

    Use as a context manager, or call :meth:`close`. One instance serves one thread.

    Attributes:
        path: The database file.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        """Open (creating if needed) a store.

        Args:
            path: The database file; see the module docstring for the default.

        Raises:
            StoreError: The file cannot be created or is not an SQLite database.
        """
        self.path = Path(path) if path is not None else default_db_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        try:
            self._prepare()
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a usable store: {exc}") from None

    def _prepare(self) -> None:
        db = self._db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA temp_store=MEMORY")
        db.execute("PRAGMA cache_size=-65536")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            # A cache written by another release: rebuilding is cheaper than migrating.
            _LOG.warning("%s: schema %s, rebuilding as %s", self.path, version, SCHEMA_VERSION)
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ imports

    def import_zip(
        self,
        path: str | os.PathLike[str],
        ecosystem: str | None = None,
        *,
        source: str | None = None,
        mode: str = "file",
        limits: ZipLimits | None = None,
        updated_at: datetime | None = None,
    ) -> ImportReport:
        """Import an OSV ``all.zip`` export (a flat zip of ``<ID>.json`` records).

        Records are upserted by id; entries that are not flat ``.json`` names or not valid
        records are skipped with a reason. The whole import is one transaction.

        Args:
            path: The archive.
            ecosystem: Index only this ecosystem's entries (``"PyPI"``); ``None`` indexes
                every supported ecosystem found in the records.
            source: Label stored in the metadata; defaults to ``file:<absolute path>``.
            mode: Metadata label of how the data was obtained (``file``, ``full``).
            limits: Zip-bomb caps; the defaults suit OSV's exports.
            updated_at: The time to record as the update time; defaults to now. :func:`update`
                passes the time the download started.

        Returns:
            What was imported and skipped.

        Raises:
            ArchiveError: Not a readable zip archive.
            ZipBombError: The archive exceeds a cap; nothing is imported.
            StoreError: The database cannot be written.
        """
        archive = Path(path)
        skipped: list[SkippedEntry] = []
        entries = iter_json_entries(archive, limits=limits or ZipLimits(), skipped=skipped)
        return self.import_records(
            entries,
            ecosystem=ecosystem,
            source=source or f"file:{archive.resolve()}",
            mode=mode,
            skipped=skipped,
            updated_at=updated_at,
        )

    def import_records(
        self,
        entries: Iterable[tuple[str, bytes]],
        *,
        ecosystem: str | None,
        source: str,
        mode: str,
        skipped: list[SkippedEntry] | None = None,
        updated_at: datetime | None = None,
    ) -> ImportReport:
        """Import OSV records given as ``(name, JSON bytes)`` pairs, in one transaction.

        Args:
            entries: The records; an iterator is consumed lazily, so a download or archive
                error raised from it rolls the whole import back.
            ecosystem: Index only this ecosystem's entries; ``None`` for every supported one.
            source: Metadata label (file or base URL).
            mode: Metadata label (``file``, ``full``, ``incremental``).
            skipped: Entries already refused upstream (archive names); more are appended.
            updated_at: The update time to record; defaults to now.

        Returns:
            What was imported and skipped.

        Raises:
            StoreError: The database cannot be written.
        """
        started = time.perf_counter()
        stamp = updated_at or _utcnow()
        wanted = (normalize_ecosystem(ecosystem),) if ecosystem else SUPPORTED_ECOSYSTEMS
        skips = skipped if skipped is not None else []
        # An explicit ecosystem is recorded even when the archive had nothing for it.
        counts: dict[str, int] = {wanted[0]: 0} if ecosystem else {}
        imported = withdrawn = ignored = 0
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            batch: list[tuple[Vulnerability, str]] = []
            with gc_paused():
                for name, data in entries:
                    try:
                        raw: object = json.loads(data)
                        record = parse_vulnerability(raw, origin=name)
                    except (ValueError, UnicodeDecodeError) as exc:
                        skips.append(SkippedEntry(name, f"not valid JSON: {exc}"))
                        continue
                    except RecordError as exc:
                        skips.append(SkippedEntry(name, f"not a valid OSV record: {exc}"))
                        continue
                    ecosystems = {e.ecosystem for e in record.affected if e.ecosystem in wanted}
                    if not ecosystems:
                        ignored += 1
                        continue
                    for eco in ecosystems:
                        counts[eco] = counts.get(eco, 0) + 1
                    imported += 1
                    withdrawn += record.withdrawn is not None
                    compact = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
                    batch.append((record, compact))
                    if len(batch) >= _BATCH:
                        self._write_batch(batch, wanted, source)
                        batch.clear()
            self._write_batch(batch, wanted, source)
            db.executemany(
                "INSERT OR REPLACE INTO sources (ecosystem, source, updated_at, record_count,"
                " mode) VALUES (?, ?, ?, ?, ?)",
                [(eco, source, _iso(stamp), count, mode) for eco, count in counts.items()],
            )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"{self.path}: import failed: {exc}") from None
        except BaseException:
            self._rollback()
            raise
        return ImportReport(
            source=source,
            ecosystems=tuple(sorted(counts)),
            imported=imported,
            withdrawn=withdrawn,
            ignored=ignored,
            skipped=tuple(skips),
            seconds=time.perf_counter() - started,
        )

    def _write_batch(
        self, batch: list[tuple[Vulnerability, str]], wanted: tuple[str, ...], source: str
    ) -> None:
        if not batch:
            return
        db = self._db
        db.executemany("DELETE FROM affects WHERE vuln_id = ?", [(r.id,) for r, _ in batch])
        db.executemany(
            "INSERT OR REPLACE INTO vulns (id, modified, withdrawn, source, json)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (r.id, _iso(r.modified), int(r.withdrawn is not None), source, text)
                for r, text in batch
            ],
        )
        rows = []
        for record, _ in batch:
            packages: dict[tuple[str, str], list[Affected]] = {}
            for entry in record.affected:
                if entry.ecosystem in wanted:
                    packages.setdefault((entry.ecosystem, entry.name), []).append(entry)
            for (eco, name), entries in packages.items():
                extra = json.dumps(uncovered_versions(entries), separators=(",", ":"))
                rows.append((eco, name, record.id, extra))
        db.executemany(
            "INSERT OR REPLACE INTO affects (ecosystem, name, vuln_id, uncovered)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )

    def _rollback(self) -> None:
        try:
            self._db.execute("ROLLBACK")
        except sqlite3.Error:
            _LOG.debug("rollback after a failed import also failed", exc_info=True)

    # ------------------------------------------------------------------ reads

    def rows_for(self, ecosystem: str, names: Iterable[str]) -> Iterator[tuple[str, str, str, str]]:
        """Yield the non-withdrawn records naming some packages.

        Args:
            ecosystem: Normalised ecosystem.
            names: Normalised package names.

        Yields:
            ``(package name, record id, record JSON, uncovered JSON)``, one per package and
            record; the last is the JSON list of the record's listed versions for the package
            that its ranges do not cover (see
            :func:`~faasguard.deps.vulns.ranges.uncovered_versions`).

        Raises:
            StoreError: The database cannot be read.
        """
        unique = sorted(set(names))
        try:
            for start in range(0, len(unique), _NAME_CHUNK):
                chunk = unique[start : start + _NAME_CHUNK]
                # Only "?" placeholders are interpolated; the names are bound parameters.
                marks = ",".join("?" * len(chunk))
                sql = (
                    "SELECT a.name, v.id, v.json, a.uncovered FROM affects AS a"  # noqa: S608
                    " JOIN vulns AS v ON v.id = a.vuln_id"
                    f" WHERE a.ecosystem = ? AND a.name IN ({marks}) AND v.withdrawn = 0"
                )
                yield from self._db.execute(sql, (ecosystem, *chunk))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read records: {exc}") from None

    def last_update(self, ecosystem: str, source: str) -> datetime | None:
        """Return when a source last updated an ecosystem.

        Args:
            ecosystem: Normalised ecosystem.
            source: The source label (base URL or ``file:`` path).

        Returns:
            The recorded update time, or ``None`` if that source never imported it.
        """
        row = self._db.execute(
            "SELECT updated_at FROM sources WHERE ecosystem = ? AND source = ?",
            (normalize_ecosystem(ecosystem), source),
        ).fetchone()
        return parse_timestamp(row[0]) if row else None

    def status(self, *, now: datetime | None = None) -> StoreStatus:
        """Summarise what the store holds.

        Args:
            now: The time to measure ages against; defaults to now.

        Returns:
            Per-ecosystem counts, last update times and sources.

        Raises:
            StoreError: The database cannot be read.
        """
        try:
            counts = {
                eco: (records, withdrawn, packages)
                for eco, records, withdrawn, packages in self._db.execute(
                    "SELECT a.ecosystem, COUNT(DISTINCT a.vuln_id),"
                    " COUNT(DISTINCT CASE WHEN v.withdrawn THEN v.id END),"
                    " COUNT(DISTINCT a.name)"
                    " FROM affects AS a JOIN vulns AS v ON v.id = a.vuln_id"
                    " GROUP BY a.ecosystem"
                )
            }
            sources: dict[str, list[SourceStatus]] = {}
            for eco, source, updated_at, record_count, mode in self._db.execute(
                "SELECT ecosystem, source, updated_at, record_count, mode FROM sources"
                " ORDER BY updated_at DESC, source"
            ):
                sources.setdefault(eco, []).append(
                    SourceStatus(source, parse_timestamp(updated_at), record_count, mode)
                )
            total = self._db.execute("SELECT COUNT(*) FROM vulns").fetchone()[0]
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read status: {exc}") from None
        ecosystems = []
        for eco in sorted(set(counts) | set(sources)):
            records, withdrawn, packages = counts.get(eco, (0, 0, 0))
            eco_sources = tuple(sources.get(eco, ()))
            ecosystems.append(
                EcosystemStatus(
                    ecosystem=eco,
                    records=records,
                    withdrawn=withdrawn,
                    packages=packages,
                    last_update=max((s.updated_at for s in eco_sources), default=None),
                    sources=eco_sources,
                )
            )
        return StoreStatus(
            path=str(self.path),
            checked_at=now or _utcnow(),
            total_records=total,
            ecosystems=tuple(ecosystems),
        )

    def last_updates(self) -> dict[str, datetime] | None:
        """When each ecosystem was last updated, or None when the store holds no record.

        What a scan needs before matching, read from the small ``sources`` table and one row of
        ``vulns``: :meth:`status` counts every record and package (about 50 ms on the PyPI data),
        which the start of every scan must not pay for.

        Raises:
            StoreError: The database cannot be read.
        """
        try:
            if self._db.execute("SELECT 1 FROM vulns LIMIT 1").fetchone() is None:
                return None
            updated: dict[str, datetime] = {}
            for eco, updated_at in self._db.execute(
                "SELECT ecosystem, MAX(updated_at) FROM sources GROUP BY ecosystem"
            ):
                updated[eco] = parse_timestamp(updated_at)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot read status: {exc}") from None
        return updated

    def is_stale(
        self,
        days: float = DEFAULT_STALE_DAYS,
        *,
        ecosystems: Iterable[str] | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Tell whether the data is too old (or missing) to trust for a scan.

        Args:
            days: Maximum age in days.
            ecosystems: Ecosystems that must be fresh; ``None`` means every ecosystem the store
                has data for (and an empty store is stale).
            now: The time to measure against; defaults to now.

        Returns:
            ``True`` if any required ecosystem was never imported or was last updated more
            than ``days`` ago.
        """
        snapshot = self.status(now=now)
        last = {eco.ecosystem: eco.last_update for eco in snapshot.ecosystems}
        required = (
            [normalize_ecosystem(eco) for eco in ecosystems]
            if ecosystems is not None
            else list(last)
        )
        if not required:
            return True
        limit = timedelta(days=days)
        for eco in required:
            stamp = last.get(eco)
            if stamp is None or snapshot.checked_at - stamp > limit:
                return True
        return False

    # ------------------------------------------------------------------ API cache

    def cached_api_record(self, vuln_id: str, modified: str | None) -> str | None:
        """Return a record fetched from the OSV API earlier, if still current.

        Args:
            vuln_id: The record id.
            modified: The ``modified`` time the API reported for it now; the cached copy is
                used only if it is exactly as new. ``None`` accepts any cached copy.

        Returns:
            The record JSON, or ``None``.
        """
        row = self._db.execute(
            "SELECT modified, json FROM api_cache WHERE id = ?", (vuln_id,)
        ).fetchone()
        if row is None:
            return None
        cached_modified, text = row
        if modified is not None:
            try:
                if parse_timestamp(cached_modified) != parse_timestamp(modified):
                    return None
            except ValueError:
                return None
        return str(text)

    def put_api_record(self, record: Vulnerability, text: str) -> None:
        """Cache a record fetched from the OSV API.

        Args:
            record: The parsed record (for its id and modified time).
            text: Its JSON.
        """
        self._db.execute(
            "INSERT OR REPLACE INTO api_cache (id, modified, fetched_at, json) VALUES (?, ?, ?, ?)",
            (record.id, _iso(record.modified), _iso(_utcnow()), text),
        )
