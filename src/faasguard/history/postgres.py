"""The PostgreSQL back-end, for a history shared by a team (psycopg 3).

psycopg is imported when a PostgreSQL URL is used, never at start-up. Each scan is written in one
transaction; its rows are bulk-loaded with ``COPY``, so a 10,000-function scan is one stream
rather than 10,000 statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from faasguard.history.interface import HistoryError, HistoryUnavailableError
from faasguard.history.sql import SqlStore

__all__ = ["PostgresStore", "redact"]

#: Seconds to wait for the server before calling it unreachable.
CONNECT_TIMEOUT_SECONDS = 10


def redact(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class PostgresStore(SqlStore):
    """A history database on a PostgreSQL server."""

    placeholder = "%s"
    id_type = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    ref_type = "BIGINT"

    def __init__(self, url: str) -> None:
        """Connect to ``url`` and bring the schema up to date.

        Raises:
            HistoryUnavailableError: the server refuses the connection, the URL is malformed, or the
                credentials are refused.
            HistoryTooNewError: a newer faasguard wrote the schema.
        """
        import psycopg

        self.description = f"history database {redact(url)}"
        try:
            self._conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except (psycopg.Error, ValueError) as exc:
            reason = " ".join(str(exc).split())
            raise HistoryUnavailableError(f"{self.description}: cannot connect: {reason}") from exc
        try:
            self._migrate()
        except HistoryError:
            self._conn.close()
            raise

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        import psycopg

        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                yield cur
        except psycopg.OperationalError as exc:
            raise HistoryUnavailableError(f"{self.description}: {exc}") from exc
        except psycopg.IntegrityError as exc:
            reason = " ".join(str(exc).split())
            raise HistoryError(f"{self.description}: the scan was not recorded: {reason}") from exc

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._conn.transaction(), self._conn.cursor() as cur:
            yield cur

    def _insert_many(
        self, cur: Any, table: str, columns: str, insert: str, rows: list[tuple[Any, ...]]
    ) -> None:
        """Bulk-load with ``COPY``: one stream instead of a statement per row.

        It runs inside the scan's transaction, so a failure still rolls the whole scan back.
        """
        from psycopg import sql

        names = [sql.Identifier(name) for name in ("scan_id", *map(str.strip, columns.split(",")))]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(names)
        )
        with cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
