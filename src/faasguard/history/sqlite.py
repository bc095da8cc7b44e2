"""The SQLite back-end (the default: one file in the user data folder).

Uses the standard library's ``sqlite3``, in autocommit mode with explicit ``BEGIN IMMEDIATE``
transactions, so a scan is written whole or not at all and two scans recorded at the same time
wait for each other instead of interleaving.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from faasguard.history.interface import HistoryCorruptError, HistoryError, HistoryUnavailableError
from faasguard.history.sql import SqlStore

__all__ = ["SqliteStore"]


class SqliteStore(SqlStore):
    """A history database in one SQLite file."""

    def __init__(self, path: Path) -> None:
        """Open (creating when missing) the database at ``path`` and bring its schema up to date.

        Raises:
            HistoryUnavailableError: the file cannot be created or opened.
            HistoryCorruptError: the file is not an SQLite database, or is damaged.
            HistoryTooNewError: a newer faasguard wrote it.
        """
        self.path = path
        self.description = f"history database {path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryUnavailableError(f"{self.description}: cannot open it: {exc}") from exc
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._check_integrity()
            self._migrate()
        except HistoryError:
            self._conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise self._corrupt(exc) from exc

    def _check_integrity(self) -> None:
        row = self._conn.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise HistoryCorruptError(
                f"{self.description}: damaged ({row[0] if row else 'no answer'}); restore it "
                "from a backup, or move it away to start a new history"
            )

    def _corrupt(self, exc: sqlite3.Error) -> HistoryCorruptError:
        return HistoryCorruptError(
            f"{self.description}: not a readable faasguard history database ({exc}); restore "
            "it from a backup, or move it away to start a new history"
        )

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise HistoryUnavailableError(f"{self.description}: {exc}") from exc
        except sqlite3.IntegrityError as exc:
            raise HistoryError(f"{self.description}: the scan was not recorded: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc
        finally:
            cur.close()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            yield cur
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc
        finally:
            cur.close()

    def close(self) -> None:
        """Close the file."""
        self._conn.close()
