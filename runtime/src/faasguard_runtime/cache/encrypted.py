"""The encrypted cache: AES-256-GCM records, bound to their key, with a sealed expiry.

Threats answered:

* Whoever can read the store (a shared Redis, a DynamoDB table, a backup, an over-broad IAM
  role) sees only ciphertext, and cache keys only as SHA-256 digests.
* Whoever can write to it cannot forge a record, move one to another cache key, or extend its
  life: each of these fails authentication and reads as a miss, with a ``tamper`` event.
* Leaked or stale entries die young: TTLs are short by default, and a longer one must be allowed
  explicitly where the cache is built.
* Whoever can write to it could put back an *older* record of the same key, or a record this
  cache deleted (a destroyed session), which would still decrypt until its sealed expiry. Each
  cache remembers the records it has seen replaced or deleted (by their random nonce, bounded);
  such a record read again is a miss with a ``tamper`` event (reason ``replayed``). The memory is
  per process: a replay to another execution environment, or after a cold start, is not seen.

The record format is documented in :mod:`faasguard_runtime.cache.record`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from faasguard_runtime.cache.interface import CacheBackend, TTLTooLong
from faasguard_runtime.cache.keyring import Keyring
from faasguard_runtime.cache.record import (
    RecordUnreadable,
    associated_data,
    parse_record,
    seal_record,
    split_plaintext,
)
from faasguard_runtime.events import emit

__all__ = ["DEFAULT_MAX_TTL_SECONDS", "DEFAULT_TTL_SECONDS", "EncryptedCache"]

#: TTL of a record when ``set`` is given none (5 minutes).
DEFAULT_TTL_SECONDS = 300.0
#: Longest TTL accepted unless the cache is built with a larger ``max_ttl`` (15 minutes).
DEFAULT_MAX_TTL_SECONDS = 900.0
_NAMESPACE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# How many keys' current records, and how many replaced or deleted records, a cache remembers.
_MAX_TRACKED_KEYS = 4096
_MAX_RETIRED = 16384
_CRYPTO_EXTRA_HINT = "pip install faasguard-runtime[crypto]"


def _load_aesgcm() -> tuple[Any, type[BaseException]]:
    try:
        aead = importlib.import_module("cryptography.hazmat.primitives.ciphers.aead")
        exceptions = importlib.import_module("cryptography.exceptions")
    except ImportError as exc:
        raise ImportError(
            f"the encrypted cache needs the cryptography package: {_CRYPTO_EXTRA_HINT}"
        ) from exc
    return aead.AESGCM, exceptions.InvalidTag


class EncryptedCache:
    """Encrypts, authenticates and expires values on top of any :class:`CacheBackend`.

    Values are bytes; keys are any non-empty string. Build one per namespace at module level.

    Example::

        cache = EncryptedCache(RedisBackend.from_url(URL), Keyring.from_env())
        cache.set("token:" + user_id, token_bytes, ttl=120)
        token = cache.get("token:" + user_id)  # None on a miss, an expiry or tampering
    """

    def __init__(
        self,
        backend: CacheBackend,
        keyring: Keyring,
        *,
        namespace: str = "default",
        default_ttl: float = DEFAULT_TTL_SECONDS,
        max_ttl: float = DEFAULT_MAX_TTL_SECONDS,
    ) -> None:
        """Build the cache and its AES-GCM instances (one per key).

        Args:
            backend: where records are stored.
            keyring: the keys; the current one encrypts.
            namespace: separates caches sharing a backend; bound into every record.
            default_ttl: seconds a record lives when ``set`` gives no ``ttl``.
            max_ttl: longest TTL accepted; raise it here, deliberately, if a use needs it.

        Raises:
            ValueError: a malformed namespace or a non-positive TTL.
            TTLTooLong: ``default_ttl`` above ``max_ttl``.
            ImportError: cryptography is missing (``pip install faasguard-runtime[crypto]``).
        """
        if not _NAMESPACE.match(namespace):
            raise ValueError(f"invalid namespace {namespace!r}: use 1-64 of [A-Za-z0-9._-]")
        if not max_ttl > 0:
            raise ValueError(f"max_ttl must be positive, got {max_ttl!r}")
        self.backend = backend
        self.namespace = namespace
        self.max_ttl = float(max_ttl)
        self.default_ttl = self.check_ttl(default_ttl)
        aesgcm, self._invalid_tag = _load_aesgcm()
        self._current_id = keyring.current_id
        self._aeads: dict[str, Any] = {key_id: aesgcm(key) for key_id, key in keyring.items()}
        # Rollback memory: the nonce of the live record of each key seen, and the nonces of
        # records replaced or deleted since. A nonce is random per record, so a retired nonce
        # read again can only be the old record put back.
        self._live: OrderedDict[str, bytes] = OrderedDict()
        self._retired: OrderedDict[tuple[str, bytes], None] = OrderedDict()
        self._memory_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"EncryptedCache(backend={type(self.backend).__name__}, namespace={self.namespace!r},"
            f" key_ids={list(self._aeads)!r})"
        )

    def backend_key(self, key: str) -> str:
        """Return the key a record for ``key`` is stored under in the backend.

        A digest, so the backend (and whoever reads it) does not see cache keys that often carry
        user ids or e-mail addresses. It is not a secret: a guessable key can be confirmed.
        """
        if not isinstance(key, str) or not key:
            raise ValueError("cache keys are non-empty strings")
        digest = hashlib.sha256(f"{self.namespace}\x00{key}".encode()).hexdigest()
        return f"fgc:{self.namespace}:{digest}"

    def get(self, key: str) -> bytes | None:
        """Return the value stored under ``key``.

        Returns:
            The value, or None when absent, expired, or unreadable. Unreadable records (forged,
            altered, moved from another key, or under a key id no longer in the keyring) also
            emit a ``cache``/``tamper`` security event.

        Raises:
            BackendError: the backend failed.
        """
        stored_key = self.backend_key(key)
        stored = self.backend.get(stored_key)
        if stored is None:
            return None
        key_id: str | None = None
        try:
            record = parse_record(stored)
            key_id = record.key_id
            with self._memory_lock:
                replayed = (stored_key, record.nonce) in self._retired
            if replayed:
                raise RecordUnreadable("replayed", record.key_id)
            aead = self._aeads.get(record.key_id)
            if aead is None:
                raise RecordUnreadable("unknown_key_id", record.key_id)
            try:
                plaintext = aead.decrypt(
                    record.nonce,
                    record.ciphertext,
                    associated_data(record.header, self.namespace, key),
                )
            except self._invalid_tag:
                raise RecordUnreadable("authentication_failed", record.key_id) from None
        except RecordUnreadable as exc:
            emit(
                policy="cache",
                action="tamper",
                mode="alert",
                detail={
                    "namespace": self.namespace,
                    "backend_key": stored_key,
                    "reason": exc.reason,
                    "key_id": key_id,
                },
            )
            return None
        # Only an authentic record updates the memory: a forged one must not retire the real one.
        self._observe(stored_key, record.nonce)
        expires_at_ms, value = split_plaintext(plaintext)
        if _now_ms() >= expires_at_ms:
            # The backend kept it past its life (DynamoDB's lazy TTL, a clock ahead of ours).
            self.backend.delete(stored_key)
            return None
        return value

    def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Encrypt ``value`` under the current key and store it for ``ttl`` seconds.

        Raises:
            TTLTooLong: ``ttl`` above ``max_ttl``.
            ValueError: a non-positive ``ttl`` or an empty key.
            TypeError: ``value`` is not bytes.
            BackendError: the backend failed.
        """
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"cache values are bytes, got {type(value).__name__}")
        lifetime = self.default_ttl if ttl is None else self.check_ttl(ttl)
        stored_key = self.backend_key(key)
        record = seal_record(
            self._aeads[self._current_id],
            key_id=self._current_id,
            namespace=self.namespace,
            cache_key=key,
            expires_at_ms=_now_ms() + round(lifetime * 1000),
            value=bytes(value),
        )
        self.backend.set(stored_key, record, ttl_seconds=lifetime)
        self._observe(stored_key, parse_record(record).nonce)

    def add(self, key: str, value: bytes, *, ttl: float | None = None) -> bool:
        """Store ``value`` only when ``key`` holds no live record; return whether it was stored.

        The check and the write are one conditional write in the backend, so of two concurrent
        callers exactly one succeeds (what an idempotency lock needs). A record that is present
        but unreadable (tampered) still counts as present: it expires on its own.

        Raises:
            TypeError: the backend has no atomic ``add`` (MemoryBackend, RedisBackend and
                DynamoDBBackend all have one), or ``value`` is not bytes.
            TTLTooLong: ``ttl`` above ``max_ttl``.
            BackendError: the backend failed.
        """
        add = getattr(self.backend, "add", None)
        if add is None:
            raise TypeError(f"{type(self.backend).__name__} has no atomic add()")
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"cache values are bytes, got {type(value).__name__}")
        lifetime = self.default_ttl if ttl is None else self.check_ttl(ttl)
        record = seal_record(
            self._aeads[self._current_id],
            key_id=self._current_id,
            namespace=self.namespace,
            cache_key=key,
            expires_at_ms=_now_ms() + round(lifetime * 1000),
            value=bytes(value),
        )
        stored_key = self.backend_key(key)
        added = bool(add(stored_key, record, ttl_seconds=lifetime))
        if added:
            self._observe(stored_key, parse_record(record).nonce)
        return added

    def delete(self, key: str) -> None:
        """Remove ``key``, and remember its record so that it cannot be put back.

        The record is read first (one more backend call) to learn which one is being deleted:
        destroying a session must not leave it replayable for the rest of its life.

        Raises:
            BackendError: the backend failed.
        """
        stored_key = self.backend_key(key)
        stored = self.backend.get(stored_key)
        self.backend.delete(stored_key)
        with self._memory_lock:
            live = self._live.pop(stored_key, None)
            if live is not None:
                self._retire(stored_key, live)
            if stored is not None:
                with contextlib.suppress(RecordUnreadable):  # not ours: nothing to remember
                    self._retire(stored_key, parse_record(stored).nonce)

    def _observe(self, stored_key: str, nonce: bytes) -> bool:
        """Note that ``nonce`` is the record now under ``stored_key``; False if it was retired."""
        with self._memory_lock:
            if (stored_key, nonce) in self._retired:
                return False
            previous = self._live.pop(stored_key, None)
            if previous is not None and previous != nonce:
                self._retire(stored_key, previous)  # replaced by a newer record
            self._live[stored_key] = nonce
            if len(self._live) > _MAX_TRACKED_KEYS:
                self._live.popitem(last=False)
            return True

    def _retire(self, stored_key: str, nonce: bytes) -> None:
        self._retired[(stored_key, nonce)] = None
        if len(self._retired) > _MAX_RETIRED:
            self._retired.popitem(last=False)

    def check_ttl(self, ttl: float) -> float:
        """Return ``ttl`` as a float if this cache accepts it.

        Raises:
            ValueError: ``ttl`` is not positive.
            TTLTooLong: ``ttl`` is above ``max_ttl``.
        """
        if not ttl > 0:
            raise ValueError(f"ttl must be positive, got {ttl!r}")
        if ttl > self.max_ttl:
            raise TTLTooLong(
                f"ttl of {ttl:g}s is above max_ttl of {self.max_ttl:g}s; "
                "raise max_ttl where the cache is built if this is intended"
            )
        return float(ttl)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000
