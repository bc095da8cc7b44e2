"""The cache's one seam: the backend protocol, and the cache's exception hierarchy.

A backend stores opaque bytes under a string key with an expiry, nothing more. It never sees a
plaintext value, a cache key as the caller wrote it, or a key from the keyring: encryption,
authentication and TTL enforcement all happen above it in
:class:`~faasguard_runtime.cache.EncryptedCache`, so a backend needs no trust and a new one is a
few lines.

::

    FaasguardRuntimeError
    └── CacheError
        ├── KeyringError    keys missing, malformed, or not decryptable by KMS
        ├── BackendError    the store failed (unreachable, throttled, refused the write)
        └── TTLTooLong      a TTL above the cache's max_ttl was asked for
"""

from __future__ import annotations

from typing import Protocol

from faasguard_runtime.errors import FaasguardRuntimeError

__all__ = ["BackendError", "CacheBackend", "CacheError", "KeyringError", "TTLTooLong"]


class CacheError(FaasguardRuntimeError):
    """Base class of every error the encrypted cache raises."""


class KeyringError(CacheError):
    """The keyring could not be built. Messages name key ids and variables, never key bytes."""


class BackendError(CacheError):
    """The storage backend failed. The cache does not turn this into a miss.

    A silent miss would hide an outage, and for a session store it could mean a revoked session
    being recreated; the caller decides whether to fail open.
    """


class TTLTooLong(CacheError):  # noqa: N818 - named for the condition, like the HTTP errors
    """A TTL above ``max_ttl`` was asked for.

    Short lifetimes bound how long a leaked record or a stolen session stays useful; raising the
    limit is a decision to write down where the cache is built, not at each call.
    """


class CacheBackend(Protocol):
    """Where encrypted records live. Implementations must be safe to call from several threads."""

    def get(self, key: str) -> bytes | None:
        """Return the record stored under ``key``, or None when absent or expired."""
        ...

    def set(self, key: str, value: bytes, *, ttl_seconds: float) -> None:
        """Store ``value`` under ``key``, to expire after ``ttl_seconds`` (> 0)."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""
        ...


class AtomicCacheBackend(CacheBackend, Protocol):
    """A backend that can also create a record only when none is live (for locks, idempotency)."""

    def add(self, key: str, value: bytes, *, ttl_seconds: float) -> bool:
        """Store ``value`` only if ``key`` holds no live record; return whether it was stored.

        Atomic in the store itself (a conditional write), so two concurrent callers cannot both
        succeed.
        """
        ...
