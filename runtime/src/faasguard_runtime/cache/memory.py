"""In-process backend: a bounded LRU dict that lives as long as the Lambda execution environment.

Good for what one warm instance recomputes often (tokens, lookups). Bounded in entries and bytes
because the function's memory is fixed and an unbounded cache filled from request data is a
denial of service waiting to happen. Records are still encrypted: a memory dump, a debugging
extension or a logged ``repr`` then shows ciphertext only.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from faasguard_runtime.cache.interface import BackendError

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ENTRIES", "MemoryBackend"]

#: Most records kept before the least recently used is evicted.
DEFAULT_MAX_ENTRIES = 1024
#: Most record bytes kept (16 MiB) before the least recently used is evicted.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


class MemoryBackend:
    """A thread-safe LRU store with per-entry expiry on the monotonic clock."""

    def __init__(
        self, *, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        """Create an empty store.

        Raises:
            ValueError: a non-positive bound.
        """
        if max_entries <= 0 or max_bytes <= 0:
            raise ValueError("max_entries and max_bytes must be positive")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Bytes of records currently held."""
        with self._lock:
            return self._bytes

    def get(self, key: str) -> bytes | None:
        """Return the record under ``key`` unless absent or expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            value, expires = entry
            if time.monotonic() >= expires:
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, *, ttl_seconds: float) -> None:
        """Store ``value``, evicting least recently used records to stay within the bounds.

        Raises:
            BackendError: ``value`` alone is larger than ``max_bytes``.
        """
        self._check_size(value)
        with self._lock:
            self._put(key, value, time.monotonic() + ttl_seconds)

    def add(self, key: str, value: bytes, *, ttl_seconds: float) -> bool:
        """Store ``value`` only when ``key`` holds no live record (atomic under the lock).

        The check and the store happen under one hold of the lock, so two concurrent adds of
        the same key (an idempotency claim) cannot both succeed.
        """
        self._check_size(value)
        with self._lock:
            entry = self._entries.get(key)
            now = time.monotonic()
            if entry is not None and now < entry[1]:
                return False
            self._put(key, value, now + ttl_seconds)
        return True

    def _check_size(self, value: bytes) -> None:
        if len(value) > self.max_bytes:
            raise BackendError(
                f"record of {len(value)} bytes exceeds the memory backend's {self.max_bytes}"
            )

    def _put(self, key: str, value: bytes, expires: float) -> None:
        """Store a record, evicting least recently used ones to stay within the bounds.

        The caller holds the lock.
        """
        self._remove(key)
        self._entries[key] = (value, expires)
        self._bytes += len(value)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._remove(oldest)

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        with self._lock:
            self._remove(key)

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[0])
