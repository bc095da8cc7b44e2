"""The history database's schema, as numbered migrations.

The database stores its schema version in ``faasguard_schema``. Opening a store applies every
migration above that version, each in its own transaction, so a database written by an older
faasguard is brought up to date and one written by a newer faasguard is refused with a clear
error (:class:`~faasguard.history.interface.HistoryTooNewError`) instead of being misread.

Migrations are append-only: a released migration is never edited, a change is a new one. The
SQL is shared by SQLite and PostgreSQL; ``{id}`` and ``{ref}`` stand for the two spellings of an
auto-incremented key and of a column that references it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["LATEST", "MIGRATIONS", "Migration"]


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema version: the statements that take the previous version to it."""

    version: int
    summary: str
    statements: tuple[str, ...]


MIGRATIONS: Final = (
    Migration(
        1,
        "scans, their functions and their findings",
        (
            "CREATE TABLE scans ("
            " id {id},"
            " target TEXT NOT NULL,"
            " started_at TEXT NOT NULL,"
            " version TEXT NOT NULL,"
            " function_count INTEGER NOT NULL,"
            " finding_count INTEGER NOT NULL)",
            "CREATE TABLE scan_functions ("
            " scan_id {ref} NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
            " key TEXT NOT NULL,"
            " application TEXT NOT NULL,"
            " name TEXT NOT NULL,"
            " file TEXT NOT NULL,"
            " line INTEGER,"
            " owner TEXT,"
            " owner_source TEXT,"
            " description TEXT,"
            " readme TEXT,"
            " runtime TEXT,"
            " role_fp TEXT,"
            " triggers_fp TEXT,"
            " dependencies_fp TEXT,"
            " code_fp TEXT,"
            " triggers TEXT NOT NULL,"
            " permissions TEXT NOT NULL,"
            " vulnerable_packages TEXT NOT NULL,"
            " finding_counts TEXT NOT NULL,"
            " cost_per_hour TEXT,"
            " unused INTEGER NOT NULL,"
            " PRIMARY KEY (scan_id, key))",
            "CREATE INDEX scan_functions_by_key ON scan_functions (key, scan_id)",
            "CREATE TABLE scan_findings ("
            " scan_id {ref} NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
            " fingerprint TEXT NOT NULL,"
            " function_key TEXT,"
            " rule_id TEXT NOT NULL,"
            " category TEXT NOT NULL,"
            " severity TEXT NOT NULL,"
            " message TEXT NOT NULL,"
            " PRIMARY KEY (scan_id, fingerprint))",
        ),
    ),
)

#: The newest schema version this faasguard reads and writes.
LATEST: Final = MIGRATIONS[-1].version
