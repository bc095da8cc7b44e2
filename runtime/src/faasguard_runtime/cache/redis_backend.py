"""Redis (or ElastiCache / MemoryDB) backend, shared by every instance of the function.

TLS by default: :meth:`RedisBackend.from_url` accepts ``rediss://`` and verifies the server's
certificate and host name; a plain ``redis://`` URL is refused unless ``allow_plaintext=True``.
The records are encrypted either way, but the AUTH password and the access pattern are not.
"""

from __future__ import annotations

import importlib
import math
import ssl
from typing import Any
from urllib.parse import urlsplit

from faasguard_runtime.cache.interface import BackendError

__all__ = ["DEFAULT_REDIS_CONNECT_TIMEOUT", "DEFAULT_REDIS_TIMEOUT", "RedisBackend"]

#: Seconds to connect (and finish the TLS handshake).
DEFAULT_REDIS_CONNECT_TIMEOUT = 2.0
#: Seconds any command may take: a cache slower than this is worse than a miss.
DEFAULT_REDIS_TIMEOUT = 1.0
_EXTRA_HINT = "pip install faasguard-runtime[redis]"


def _redis_module() -> Any:
    try:
        return importlib.import_module("redis")
    except ImportError as exc:
        raise ImportError(f"the Redis cache backend needs redis-py: {_EXTRA_HINT}") from exc


class RedisBackend:
    """Stores records with ``SET key value PX ttl``, so Redis expires them too."""

    def __init__(self, client: Any, *, key_prefix: str = "") -> None:
        """Wrap an existing ``redis.Redis`` client (it must not set ``decode_responses``).

        Args:
            client: the client; its transport security is the caller's choice.
            key_prefix: prepended to every key (to share a database between applications).
        """
        self._client = client
        self._prefix = key_prefix
        self._errors: tuple[type[BaseException], ...] = (_redis_module().RedisError,)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        ca_file: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        allow_plaintext: bool = False,
        connect_timeout: float = DEFAULT_REDIS_CONNECT_TIMEOUT,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
        key_prefix: str = "",
    ) -> RedisBackend:
        """Connect from a URL, TLS-verified for ``rediss://``.

        Args:
            url: ``rediss://[user:password@]host:port/db``.
            ca_file: PEM bundle that signed the server certificate (system store when None).
            cert_file: client certificate, for servers that require mutual TLS.
            key_file: the client certificate's key.
            allow_plaintext: accept ``redis://`` (only for a network you trust end to end).
            connect_timeout: seconds to connect.
            timeout: seconds per command.
            key_prefix: prepended to every key.

        Raises:
            ValueError: ``redis://`` without ``allow_plaintext``, or another scheme.
            ImportError: redis-py is missing (``pip install faasguard-runtime[redis]``).
        """
        scheme = urlsplit(url).scheme.lower()
        options: dict[str, Any] = {
            "socket_connect_timeout": connect_timeout,
            "socket_timeout": timeout,
            "decode_responses": False,
        }
        if scheme == "rediss":
            options.update(
                ssl_cert_reqs="required",
                ssl_check_hostname=True,
                ssl_ca_certs=ca_file,
                ssl_certfile=cert_file,
                ssl_keyfile=key_file,
                ssl_min_version=ssl.TLSVersion.TLSv1_2,
            )
        elif scheme == "redis":
            if not allow_plaintext:
                raise ValueError(
                    "redis:// sends the password and commands in clear; use rediss:// "
                    "or pass allow_plaintext=True for a network you trust"
                )
        else:
            raise ValueError(f"unsupported Redis URL scheme {scheme!r}")
        client = _redis_module().Redis.from_url(url, **options)
        return cls(client, key_prefix=key_prefix)

    def get(self, key: str) -> bytes | None:
        """Return the record under ``key`` (None when absent or expired)."""
        try:
            value = self._client.get(self._prefix + key)
        except self._errors as exc:
            raise BackendError(f"redis GET failed: {type(exc).__name__}: {exc}") from None
        if value is None or isinstance(value, bytes):
            return value
        raise BackendError("redis returned text: build the client with decode_responses=False")

    def set(self, key: str, value: bytes, *, ttl_seconds: float) -> None:
        """Store ``value`` with a millisecond expiry (rounded up, at least 1 ms)."""
        try:
            self._client.set(self._prefix + key, value, px=max(1, math.ceil(ttl_seconds * 1000)))
        except self._errors as exc:
            raise BackendError(f"redis SET failed: {type(exc).__name__}: {exc}") from None

    def add(self, key: str, value: bytes, *, ttl_seconds: float) -> bool:
        """``SET NX PX``: store only when the key is absent (Redis expires keys itself)."""
        try:
            stored = self._client.set(
                self._prefix + key, value, px=max(1, math.ceil(ttl_seconds * 1000)), nx=True
            )
        except self._errors as exc:
            raise BackendError(f"redis SET NX failed: {type(exc).__name__}: {exc}") from None
        return bool(stored)

    def delete(self, key: str) -> None:
        """Remove ``key``."""
        try:
            self._client.delete(self._prefix + key)
        except self._errors as exc:
            raise BackendError(f"redis DEL failed: {type(exc).__name__}: {exc}") from None
