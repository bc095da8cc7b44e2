"""Store logic shared by the SQLite and PostgreSQL back-ends.

Both speak DB-API 2 with the same SQL; a back-end gives the connection, the placeholder and the
key spellings, runs a block in a transaction, and maps its driver's errors to the history
errors. Lists and mappings are stored as JSON text, times as ISO 8601 UTC text (sortable in
both databases), amounts as decimal text (no float rounding).
"""

from __future__ import annotations

import datetime as _dt
import json
from abc import abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any, Final

from faasguard.history.interface import (
    FindingRecord,
    FunctionRecord,
    HistoryStore,
    HistoryTooNewError,
    InventoryRow,
    ScanNotFoundError,
    ScanRecord,
    StoredScan,
)
from faasguard.history.schema import LATEST, MIGRATIONS

__all__ = ["SqlStore"]

_FUNCTION_COLUMNS: Final = (
    "key, application, name, file, line, owner, owner_source, description, readme, runtime, "
    "role_fp, triggers_fp, dependencies_fp, code_fp, triggers, permissions, "
    "vulnerable_packages, finding_counts, cost_per_hour, unused"
)
_FINDING_COLUMNS: Final = "fingerprint, function_key, rule_id, category, severity, message"
_SCAN_COLUMNS: Final = "id, target, started_at, version, function_count, finding_count"

# Statements are assembled from the constant column lists above; every value is a bound
# parameter, never text spliced into SQL.
_INSERT_FUNCTION: Final = "".join(
    (
        "INSERT INTO scan_functions (scan_id, ",
        _FUNCTION_COLUMNS,
        ") VALUES (",
        ", ".join(["?"] * 21),
        ")",
    )
)
_INSERT_FINDING: Final = "".join(
    ("INSERT INTO scan_findings (scan_id, ", _FINDING_COLUMNS, ") VALUES (?, ?, ?, ?, ?, ?, ?)")
)
_SELECT_SCANS: Final = " ".join(("SELECT", _SCAN_COLUMNS, "FROM scans"))
_SELECT_FUNCTIONS: Final = " ".join(
    ("SELECT", _FUNCTION_COLUMNS, "FROM scan_functions WHERE scan_id = ? ORDER BY key")
)
_SELECT_FINDINGS: Final = " ".join(
    ("SELECT", _FINDING_COLUMNS, "FROM scan_findings WHERE scan_id = ? ORDER BY fingerprint")
)
_SELECT_INVENTORY: Final = " ".join(
    (
        "SELECT",
        ", ".join(f"f.{c.strip()}" for c in _FUNCTION_COLUMNS.split(",")),
        ", seen.first_seen, seen.last_seen, seen.last_scan",
        "FROM scan_functions f JOIN (",
        "SELECT sf.key AS key, MIN(s.started_at) AS first_seen,",
        "MAX(s.started_at) AS last_seen, MAX(sf.scan_id) AS last_scan",
        "FROM scan_functions sf JOIN scans s ON s.id = sf.scan_id GROUP BY sf.key",
        ") seen ON f.key = seen.key AND f.scan_id = seen.last_scan ORDER BY f.key",
    )
)


class SqlStore(HistoryStore):
    """A history store over a DB-API connection (see the module docstring)."""

    #: The driver's parameter placeholder.
    placeholder: str = "?"
    #: Column types of an auto-incremented key and of a reference to it.
    id_type: str = "INTEGER PRIMARY KEY AUTOINCREMENT"
    ref_type: str = "INTEGER"

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Any]:
        """A block run in one transaction, yielding a cursor; rolled back on any error."""

    @abstractmethod
    def _cursor(self) -> AbstractContextManager[Any]:
        """A cursor for reads."""

    # -- schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Bring the schema to :data:`LATEST`, or refuse a newer database."""
        with self._transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS faasguard_schema (version INTEGER NOT NULL)")
            cur.execute("SELECT version FROM faasguard_schema")
            row = cur.fetchone()
            if row is None:
                cur.execute(self._sql("INSERT INTO faasguard_schema (version) VALUES (?)"), (0,))
                current = 0
            else:
                current = int(row[0])
        if current > LATEST:
            raise HistoryTooNewError(
                f"{self.description}: written by a newer faasguard (history schema version "
                f"{current}; this faasguard reads up to {LATEST}): upgrade faasguard, or use "
                "another history database"
            )
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self._transaction() as cur:
                for statement in migration.statements:
                    cur.execute(statement.format(id=self.id_type, ref=self.ref_type))
                cur.execute(
                    self._sql("UPDATE faasguard_schema SET version = ?"), (migration.version,)
                )

    def schema_version(self) -> int:
        """The schema version the database is at."""
        with self._cursor() as cur:
            cur.execute("SELECT version FROM faasguard_schema")
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def _sql(self, text: str) -> str:
        return text.replace("?", self.placeholder) if self.placeholder != "?" else text

    # -- writing --------------------------------------------------------------------------

    def record(self, scan: ScanRecord) -> int:
        """Write one scan, its functions and findings, in one transaction; return its id."""
        findings = {f.fingerprint: f for f in scan.findings}
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO scans (target, started_at, version, function_count, "
                    "finding_count) VALUES (?, ?, ?, ?, ?) RETURNING id"
                ),
                (
                    scan.target,
                    _time(scan.started_at),
                    scan.version,
                    len(scan.functions),
                    len(findings),
                ),
            )
            scan_id = int(cur.fetchone()[0])
            self._insert_many(
                cur,
                "scan_functions",
                _FUNCTION_COLUMNS,
                _INSERT_FUNCTION,
                [(scan_id, *_function_row(fn)) for fn in scan.functions],
            )
            self._insert_many(
                cur,
                "scan_findings",
                _FINDING_COLUMNS,
                _INSERT_FINDING,
                [
                    (
                        scan_id,
                        f.fingerprint,
                        f.function_key,
                        f.rule_id,
                        f.category,
                        f.severity,
                        f.message,
                    )
                    for f in findings.values()
                ],
            )
        return scan_id

    def _insert_many(
        self, cur: Any, table: str, columns: str, insert: str, rows: list[tuple[Any, ...]]
    ) -> None:
        """Insert ``rows`` (``scan_id`` then ``columns``) into ``table``; may bulk-load."""
        cur.executemany(self._sql(insert), rows)

    # -- reading --------------------------------------------------------------------------

    def scans(self) -> list[StoredScan]:
        """Every recorded scan, oldest first."""
        with self._cursor() as cur:
            cur.execute(_SELECT_SCANS + " ORDER BY id")
            return [_stored(row) for row in cur.fetchall()]

    def scan(self, scan_id: int) -> StoredScan:
        """One recorded scan; :class:`ScanNotFoundError` when there is none with that id."""
        with self._cursor() as cur:
            cur.execute(self._sql(_SELECT_SCANS + " WHERE id = ?"), (scan_id,))
            row = cur.fetchone()
        if row is None:
            raise ScanNotFoundError(f"{self.description}: no scan with id {scan_id}")
        return _stored(row)

    def functions(self, scan_id: int) -> list[FunctionRecord]:
        """The functions of one scan, by key."""
        self.scan(scan_id)
        with self._cursor() as cur:
            cur.execute(
                self._sql(_SELECT_FUNCTIONS),
                (scan_id,),
            )
            return [_function(row) for row in cur.fetchall()]

    def findings(self, scan_id: int) -> list[FindingRecord]:
        """The findings of one scan, by fingerprint."""
        self.scan(scan_id)
        with self._cursor() as cur:
            cur.execute(
                self._sql(_SELECT_FINDINGS),
                (scan_id,),
            )
            return [FindingRecord(*row) for row in cur.fetchall()]

    def inventory(self) -> list[InventoryRow]:
        """Every function ever recorded: its latest record, first and last seen, by key."""
        with self._cursor() as cur:
            cur.execute(_SELECT_INVENTORY)
            rows = cur.fetchall()
        return [
            InventoryRow(
                record=_function(row[:20]),
                first_seen=_parse_time(row[20]),
                last_seen=_parse_time(row[21]),
                last_scan=int(row[22]),
            )
            for row in rows
        ]


def _time(value: _dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).isoformat(timespec="microseconds")


def _parse_time(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text)


def _stored(row: Sequence[Any]) -> StoredScan:
    return StoredScan(
        id=int(row[0]),
        target=row[1],
        started_at=_parse_time(row[2]),
        version=row[3],
        functions=int(row[4]),
        findings=int(row[5]),
    )


def _function_row(fn: FunctionRecord) -> tuple[Any, ...]:
    return (
        fn.key,
        fn.application,
        fn.name,
        fn.file,
        fn.line,
        fn.owner,
        fn.owner_source,
        fn.description,
        fn.readme,
        fn.runtime,
        fn.role_fingerprint,
        fn.triggers_fingerprint,
        fn.dependencies_fingerprint,
        fn.code_fingerprint,
        json.dumps(list(fn.triggers)),
        json.dumps(list(fn.permissions)),
        json.dumps(list(fn.vulnerable_packages)),
        json.dumps(dict(sorted(fn.finding_counts.items()))),
        None if fn.cost_per_hour is None else str(fn.cost_per_hour),
        1 if fn.unused else 0,
    )


def _function(row: Sequence[Any]) -> FunctionRecord:
    return FunctionRecord(
        key=row[0],
        application=row[1],
        name=row[2],
        file=row[3],
        line=row[4],
        owner=row[5],
        owner_source=row[6],
        description=row[7],
        readme=row[8],
        runtime=row[9],
        role_fingerprint=row[10],
        triggers_fingerprint=row[11],
        dependencies_fingerprint=row[12],
        code_fingerprint=row[13],
        triggers=tuple(json.loads(row[14])),
        permissions=tuple(json.loads(row[15])),
        vulnerable_packages=tuple(json.loads(row[16])),
        finding_counts={str(k): int(v) for k, v in json.loads(row[17]).items()},
        cost_per_hour=None if row[18] is None else Decimal(row[18]),
        unused=bool(row[19]),
    )
