"""Encrypted, short-lived cache and session store (extra ``crypto``; ``redis``/``aws`` backends).

See ``docs/runtime/cache.md`` for the threats, the record format and key management.
"""

from __future__ import annotations

from faasguard_runtime.cache.dynamodb_backend import DynamoDBBackend
from faasguard_runtime.cache.encrypted import (
    DEFAULT_MAX_TTL_SECONDS,
    DEFAULT_TTL_SECONDS,
    EncryptedCache,
)
from faasguard_runtime.cache.interface import (
    BackendError,
    CacheBackend,
    CacheError,
    KeyringError,
    TTLTooLong,
)
from faasguard_runtime.cache.keyring import (
    ENV_KEYS,
    ENV_KMS_KEYS,
    Keyring,
    generate_key_entry,
    generate_wrapped_key,
)
from faasguard_runtime.cache.memory import MemoryBackend
from faasguard_runtime.cache.record import FORMAT_VERSION
from faasguard_runtime.cache.redis_backend import RedisBackend
from faasguard_runtime.cache.session import SessionStore

__all__ = [
    "DEFAULT_MAX_TTL_SECONDS",
    "DEFAULT_TTL_SECONDS",
    "ENV_KEYS",
    "ENV_KMS_KEYS",
    "FORMAT_VERSION",
    "BackendError",
    "CacheBackend",
    "CacheError",
    "DynamoDBBackend",
    "EncryptedCache",
    "Keyring",
    "KeyringError",
    "MemoryBackend",
    "RedisBackend",
    "SessionStore",
    "TTLTooLong",
    "generate_key_entry",
    "generate_wrapped_key",
]
