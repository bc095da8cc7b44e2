"""Open the history database a URL (or the default) names.

``None`` is the default SQLite file in the user data folder (platformdirs:
``~/.local/share/faasguard/history.sqlite`` on Linux); ``sqlite:///abs/path`` or a plain path
is an SQLite file; ``postgresql://`` (or ``postgres://``) a PostgreSQL server. The environment
variable ``FAASGUARD_HISTORY`` is the default when no URL is given.
"""

from __future__ import annotations

import os
from pathlib import Path

from faasguard.history.interface import HistoryStore, HistoryUnavailableError

__all__ = ["ENV_VAR", "default_sqlite_path", "open_history"]

ENV_VAR = "FAASGUARD_HISTORY"


def default_sqlite_path() -> Path:
    """The default history file in the user data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("faasguard", appauthor=False)) / "history.sqlite"


def open_history(url: str | None = None) -> HistoryStore:
    """Open the history database ``url`` names (see the module docstring).

    Raises:
        HistoryError: it cannot be opened (the subclass says why).
    """
    url = url or os.environ.get(ENV_VAR) or None
    if url is None:
        from faasguard.history.sqlite import SqliteStore

        return SqliteStore(default_sqlite_path())
    if url.startswith(("postgresql://", "postgres://")):
        from faasguard.history.postgres import PostgresStore

        return PostgresStore(url)
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if not path.startswith("/"):
            raise HistoryUnavailableError(
                f"history URL {url}: use sqlite:///absolute/path (three slashes) or a plain path"
            )
        from faasguard.history.sqlite import SqliteStore

        return SqliteStore(Path(path))
    if "://" in url:
        raise HistoryUnavailableError(
            f"history URL {url}: unsupported scheme (use a file path, sqlite:///path or "
            "postgresql://user@host/db)"
        )
    from faasguard.history.sqlite import SqliteStore

    return SqliteStore(Path(url).expanduser())
