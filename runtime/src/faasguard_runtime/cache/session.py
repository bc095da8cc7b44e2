"""Server-side sessions on the encrypted cache.

The browser holds only an unguessable id (256 random bits); the session data stays encrypted in
the store and expires with it. Ids are validated before any backend call, so a forged cookie
cannot make the function query the store with arbitrary input, and :meth:`SessionStore.rotate`
issues a new id after a login or privilege change (the defence against session fixation).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from faasguard_runtime.cache.encrypted import EncryptedCache

__all__ = ["SESSION_ID_BYTES", "SessionStore"]

#: Random bytes in a session id (256 bits, 43 URL-safe characters).
SESSION_ID_BYTES = 32
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
_PREFIX = "session:"


class SessionStore:
    """Create, load, save, rotate and destroy JSON sessions."""

    def __init__(self, cache: EncryptedCache, *, ttl: float | None = None) -> None:
        """Bind to a cache.

        Args:
            cache: the encrypted cache (give sessions a namespace of their own).
            ttl: session lifetime in seconds, renewed by each save; the cache's default if None.

        Raises:
            TTLTooLong: ``ttl`` above the cache's ``max_ttl``.
        """
        self._cache = cache
        # Checked now, at cold start, rather than at the first request.
        self._ttl = cache.check_ttl(cache.default_ttl if ttl is None else ttl)

    def create(self, data: Mapping[str, Any]) -> str:
        """Store ``data`` as a new session and return its id."""
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        self.save(session_id, data)
        return session_id

    def load(self, session_id: str) -> dict[str, Any] | None:
        """Return the session's data, or None for an unknown, expired or malformed id."""
        if not _SESSION_ID.match(session_id):
            return None
        raw = self._cache.get(_PREFIX + session_id)
        if raw is None:
            return None
        data = json.loads(raw)
        return data if isinstance(data, dict) else None

    def save(self, session_id: str, data: Mapping[str, Any]) -> None:
        """Replace the session's data and restart its lifetime.

        Raises:
            ValueError: a malformed session id.
        """
        if not _SESSION_ID.match(session_id):
            raise ValueError("malformed session id")
        encoded = json.dumps(dict(data), separators=(",", ":"), allow_nan=False).encode()
        self._cache.set(_PREFIX + session_id, encoded, ttl=self._ttl)

    def rotate(self, session_id: str) -> str | None:
        """Move a session to a new id and destroy the old one; None if it does not exist."""
        data = self.load(session_id)
        if data is None:
            return None
        new_id = self.create(data)
        self.destroy(session_id)
        return new_id

    def destroy(self, session_id: str) -> None:
        """Delete the session (logout)."""
        if _SESSION_ID.match(session_id):
            self._cache.delete(_PREFIX + session_id)
