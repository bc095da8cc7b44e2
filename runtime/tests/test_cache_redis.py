"""The encrypted cache on a real redis-server (plain and TLS) started for this module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faasguard_runtime.cache import (
    BackendError,
    EncryptedCache,
    Keyring,
    RedisBackend,
)
from faasguard_runtime.events import SecurityEvent
from support.certs import CertFiles, TestCA
from support.processes import RedisServer, ServiceUnavailable, free_port, run_redis

pytestmark = pytest.mark.redis

KEYRING = Keyring("k1", {"k1": bytes(range(32))})


def started(directory: Path, **options: Any) -> Iterator[RedisServer]:
    try:
        with run_redis(directory, **options) as server:
            yield server
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("redis-pki"))


@pytest.fixture(scope="module")
def redis_plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    yield from started(tmp_path_factory.mktemp("redis-plain"))


@pytest.fixture(scope="module")
def redis_tls(tmp_path_factory: pytest.TempPathFactory, ca: TestCA) -> Iterator[RedisServer]:
    leaf: CertFiles = ca.issue("redis")
    yield from started(tmp_path_factory.mktemp("redis-tls"), tls=leaf, ca=ca.files.cert)


def raw_client(server: RedisServer, ca: TestCA | None = None) -> Any:
    import redis

    options: dict[str, Any] = {}
    if server.tls and ca is not None:
        options = {"ssl_ca_certs": str(ca.files.cert)}
    return redis.Redis.from_url(server.url(), **options)


def test_round_trip_with_backend_ttl(redis_plain: RedisServer) -> None:
    backend = RedisBackend.from_url(redis_plain.url(), allow_plaintext=True)
    cache = EncryptedCache(backend, KEYRING, namespace="redis-test")
    cache.set("user:1", b"token", ttl=30)
    assert cache.get("user:1") == b"token"
    raw = raw_client(redis_plain)
    stored_key = cache.backend_key("user:1")
    assert raw.get(stored_key)[:4] == b"FGC\x01"
    assert 29_000 < raw.pttl(stored_key) <= 30_000
    cache.delete("user:1")
    assert raw.exists(stored_key) == 0
    assert cache.get("user:1") is None


def test_key_prefix(redis_plain: RedisServer) -> None:
    backend = RedisBackend.from_url(redis_plain.url(), allow_plaintext=True, key_prefix="app1/")
    cache = EncryptedCache(backend, KEYRING)
    cache.set("k", b"v")
    assert raw_client(redis_plain).exists("app1/" + cache.backend_key("k")) == 1


def test_record_rewritten_in_redis_is_a_miss(
    redis_plain: RedisServer, security_events: list[SecurityEvent]
) -> None:
    cache = EncryptedCache(RedisBackend.from_url(redis_plain.url(), allow_plaintext=True), KEYRING)
    cache.set("role:alice", b"admin")
    raw = raw_client(redis_plain)
    raw.set(cache.backend_key("role:mallory"), raw.get(cache.backend_key("role:alice")))
    assert cache.get("role:mallory") is None
    assert [(e.policy, e.action, e.detail["reason"]) for e in security_events] == [
        ("cache", "tamper", "authentication_failed")
    ]


def test_plain_redis_url_needs_explicit_consent() -> None:
    with pytest.raises(ValueError, match="redis:// sends the password and commands in clear"):
        RedisBackend.from_url("redis://127.0.0.1:6379/0")
    with pytest.raises(ValueError, match="unsupported Redis URL scheme 'unix'"):
        RedisBackend.from_url("unix:///tmp/redis.sock")


def test_unreachable_redis_is_a_backend_error() -> None:
    backend = RedisBackend.from_url(
        f"redis://127.0.0.1:{free_port()}/0", allow_plaintext=True, connect_timeout=0.5
    )
    cache = EncryptedCache(backend, KEYRING)
    with pytest.raises(BackendError, match="redis GET failed: ConnectionError"):
        cache.get("k")
    with pytest.raises(BackendError, match="redis SET failed: ConnectionError"):
        cache.set("k", b"v")


def test_decode_responses_client_is_refused(redis_plain: RedisServer) -> None:
    import redis

    client = redis.Redis.from_url(redis_plain.url(), decode_responses=True)
    cache = EncryptedCache(RedisBackend(client), KEYRING)
    client.set(cache.backend_key("k"), "text")
    with pytest.raises(BackendError, match="decode_responses=False"):
        cache.get("k")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_tls_round_trip(redis_tls: RedisServer, ca: TestCA, host: str) -> None:
    backend = RedisBackend.from_url(redis_tls.url(host), ca_file=str(ca.files.cert))
    cache = EncryptedCache(backend, KEYRING)
    cache.set("k", b"over tls")
    assert cache.get("k") == b"over tls"


def test_tls_untrusted_server_is_refused(redis_tls: RedisServer) -> None:
    # Without the test CA, the system store cannot verify the server: no data is exchanged.
    backend = RedisBackend.from_url(redis_tls.url(), connect_timeout=2)
    expected = r"redis GET failed: ConnectionError.*certificate verify failed"
    with pytest.raises(BackendError, match=expected):
        EncryptedCache(backend, KEYRING).get("k")


def test_tls_host_name_is_checked(tmp_path: Path, ca: TestCA) -> None:
    leaf = ca.issue("redis-wrong", dns=("cache.internal.example",), ips=())
    for server in started(tmp_path, tls=leaf, ca=ca.files.cert):
        backend = RedisBackend.from_url(server.url(), ca_file=str(ca.files.cert))
        with pytest.raises(BackendError, match=r"redis GET failed: ConnectionError.*mismatch"):
            EncryptedCache(backend, KEYRING).get("k")


def test_add_stores_only_when_no_record_is_live(redis_plain: RedisServer) -> None:
    backend = RedisBackend.from_url(redis_plain.url(), allow_plaintext=True)
    cache = EncryptedCache(backend, KEYRING, namespace="redis-add")
    assert cache.add("lock:order-1", b"first", ttl=60) is True
    assert cache.add("lock:order-1", b"second", ttl=60) is False
    assert cache.get("lock:order-1") == b"first"
    cache.delete("lock:order-1")
    assert cache.add("lock:order-1", b"third", ttl=60) is True
    assert cache.get("lock:order-1") == b"third"
