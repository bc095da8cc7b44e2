"""The encrypted cache on the in-memory backend: format, AAD binding, rotation, TTL, tampering."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from faasguard_runtime.cache import (
    DEFAULT_MAX_TTL_SECONDS,
    DEFAULT_TTL_SECONDS,
    BackendError,
    CacheError,
    EncryptedCache,
    Keyring,
    KeyringError,
    MemoryBackend,
    SessionStore,
    TTLTooLong,
)
from faasguard_runtime.cache.record import NONCE_BYTES, TAG_BYTES
from faasguard_runtime.errors import FaasguardRuntimeError
from faasguard_runtime.events import SecurityEvent

K1 = bytes(range(32))
K2 = bytes(range(32, 64))
K3 = bytes(range(64, 96))


def make_cache(
    backend: MemoryBackend | None = None, keyring: Keyring | None = None, **options: float | str
) -> EncryptedCache:
    return EncryptedCache(
        backend if backend is not None else MemoryBackend(),
        keyring if keyring is not None else Keyring("k1", {"k1": K1}),
        **options,  # type: ignore[arg-type]
    )


def tamper_detail(
    cache: EncryptedCache, key: str, reason: str, key_id: str | None
) -> dict[str, object]:
    return {
        "namespace": cache.namespace,
        "backend_key": cache.backend_key(key),
        "reason": reason,
        "key_id": key_id,
    }


def test_round_trip_and_miss() -> None:
    cache = make_cache()
    assert cache.get("user:1") is None
    cache.set("user:1", b"token-123")
    assert cache.get("user:1") == b"token-123"
    cache.delete("user:1")
    assert cache.get("user:1") is None


def test_stored_record_follows_format_v1() -> None:
    backend = MemoryBackend()
    cache = make_cache(backend, Keyring("key-a", {"key-a": K1}))
    cache.set("ann@example.com", b"value")
    stored_key = cache.backend_key("ann@example.com")
    assert stored_key.startswith("fgc:default:") and len(stored_key) == len("fgc:default:") + 64
    assert "ann" not in stored_key
    record = backend.get(stored_key)
    assert record is not None
    assert record[:3] == b"FGC"
    assert record[3] == 1
    assert record[4] == len("key-a")
    assert record[5:10] == b"key-a"
    assert len(record) == 3 + 1 + 1 + 5 + NONCE_BYTES + 8 + len(b"value") + TAG_BYTES
    assert b"value" not in record


def test_each_write_uses_a_fresh_nonce() -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    cache.set("k", b"same")
    first = backend.get(cache.backend_key("k"))
    cache.set("k", b"same")
    second = backend.get(cache.backend_key("k"))
    assert first is not None and second is not None and first != second


def test_record_copied_to_another_key_does_not_decrypt(
    security_events: list[SecurityEvent],
) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    cache.set("role:alice", b"admin")
    stolen = backend.get(cache.backend_key("role:alice"))
    assert stolen is not None
    backend.set(cache.backend_key("role:mallory"), stolen, ttl_seconds=60)
    assert cache.get("role:mallory") is None
    [event] = security_events
    assert (event.policy, event.action, event.mode) == ("cache", "tamper", "alert")
    assert event.detail == tamper_detail(cache, "role:mallory", "authentication_failed", "k1")
    assert cache.get("role:alice") == b"admin"


def test_record_copied_to_another_namespace_does_not_decrypt(
    security_events: list[SecurityEvent],
) -> None:
    backend = MemoryBackend()
    tokens = make_cache(backend, namespace="tokens")
    sessions = make_cache(backend, namespace="sessions")
    tokens.set("x", b"token")
    record = backend.get(tokens.backend_key("x"))
    assert record is not None
    backend.set(sessions.backend_key("x"), record, ttl_seconds=60)
    assert sessions.get("x") is None
    assert [e.detail["reason"] for e in security_events] == ["authentication_failed"]


@pytest.mark.parametrize(
    ("mutate", "reason", "key_id"),
    [
        (lambda r: r[:-1] + bytes([r[-1] ^ 1]), "authentication_failed", "k1"),  # tag
        (lambda r: r[:20] + bytes([r[20] ^ 1]) + r[21:], "authentication_failed", "k1"),  # body
        (lambda r: b"XYZ" + r[3:], "bad_format", None),
        (lambda r: r[:3] + b"\x02" + r[4:], "unsupported_version", None),
        (lambda r: r[:5] + b"k9" + r[7:], "unknown_key_id", "k9"),
        (lambda r: r[:12], "bad_format", None),
        (lambda r: r[:4] + b"\x00" + r[5:], "bad_format", None),
    ],
)
def test_tampering_is_a_miss_and_an_event(
    mutate: object, reason: str, key_id: str | None, security_events: list[SecurityEvent]
) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    cache.set("k", b"payload")
    stored_key = cache.backend_key("k")
    record = backend.get(stored_key)
    assert record is not None
    backend.set(stored_key, mutate(record), ttl_seconds=60)  # type: ignore[operator]
    assert cache.get("k") is None
    [event] = security_events
    assert (event.action, event.mode) == ("tamper", "alert")
    assert event.detail == tamper_detail(cache, "k", reason, key_id)


def test_key_id_relabelled_to_another_known_key_fails(security_events: list[SecurityEvent]) -> None:
    backend = MemoryBackend()
    writer = make_cache(backend, Keyring("k1", {"k1": K1}))
    writer.set("k", b"v")
    record = backend.get(writer.backend_key("k"))
    assert record is not None
    backend.set(writer.backend_key("k"), record[:5] + b"k2" + record[7:], ttl_seconds=60)
    reader = make_cache(backend, Keyring("k2", {"k2": K2, "k1": K1}))
    assert reader.get("k") is None
    assert security_events[0].detail["reason"] == "authentication_failed"


def test_rotation_old_keys_decrypt_current_key_encrypts(
    security_events: list[SecurityEvent],
) -> None:
    backend = MemoryBackend()
    before = make_cache(backend, Keyring("k1", {"k1": K1}))
    before.set("old", b"written with k1")
    after = make_cache(backend, Keyring("k2", {"k2": K2, "k1": K1}))
    assert after.get("old") == b"written with k1"
    after.set("new", b"written with k2")
    new_record = backend.get(after.backend_key("new"))
    assert new_record is not None and new_record[5:7] == b"k2"
    retired = make_cache(backend, Keyring("k3", {"k3": K3, "k2": K2}))
    assert retired.get("new") == b"written with k2"
    assert retired.get("old") is None
    assert security_events[0].detail == tamper_detail(retired, "old", "unknown_key_id", "k1")
    assert len(security_events) == 1


def test_wrong_key_with_the_same_id_fails(security_events: list[SecurityEvent]) -> None:
    backend = MemoryBackend()
    make_cache(backend, Keyring("k1", {"k1": K1})).set("k", b"v")
    assert make_cache(backend, Keyring("k1", {"k1": K2})).get("k") is None
    assert security_events[0].detail["reason"] == "authentication_failed"


def test_ttl_defaults_and_limits() -> None:
    assert (DEFAULT_TTL_SECONDS, DEFAULT_MAX_TTL_SECONDS) == (300.0, 900.0)
    cache = make_cache()
    assert (cache.default_ttl, cache.max_ttl) == (300.0, 900.0)
    cache.set("k", b"v", ttl=900)
    with pytest.raises(TTLTooLong) as caught:
        cache.set("k", b"v", ttl=901)
    assert str(caught.value) == (
        "ttl of 901s is above max_ttl of 900s; raise max_ttl where the cache is built if this "
        "is intended"
    )
    with pytest.raises(TTLTooLong):
        make_cache(default_ttl=3600)
    with pytest.raises(ValueError, match="ttl must be positive"):
        cache.set("k", b"v", ttl=0)
    raised = make_cache(default_ttl=3600, max_ttl=86400)
    raised.set("k", b"v", ttl=86400)
    assert raised.get("k") == b"v"


def test_record_expires() -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    cache.set("k", b"v", ttl=0.2)
    assert cache.get("k") == b"v"
    time.sleep(0.3)
    assert cache.get("k") is None
    assert len(backend) == 0


def test_sealed_expiry_wins_over_a_longer_backend_ttl(security_events: list[SecurityEvent]) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    cache.set("k", b"v", ttl=0.2)
    stored_key = cache.backend_key("k")
    record = backend.get(stored_key)
    assert record is not None
    backend.set(stored_key, record, ttl_seconds=3600)  # someone with write access extends it
    time.sleep(0.3)
    assert cache.get("k") is None
    assert backend.get(stored_key) is None  # deleted on read
    assert security_events == []  # expiry is not tampering


def test_values_must_be_bytes_and_keys_non_empty() -> None:
    cache = make_cache()
    with pytest.raises(TypeError, match="cache values are bytes, got str"):
        cache.set("k", "text")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cache keys are non-empty strings"):
        cache.set("", b"v")
    with pytest.raises(ValueError, match="invalid namespace"):
        make_cache(namespace="has space")


def test_repr_names_key_ids_only() -> None:
    cache = make_cache(keyring=Keyring("k2", {"k2": K2, "k1": K1}), namespace="tokens")
    assert repr(cache) == (
        "EncryptedCache(backend=MemoryBackend, namespace='tokens', key_ids=['k2', 'k1'])"
    )


def test_error_hierarchy() -> None:
    assert CacheError.__mro__[1] is FaasguardRuntimeError
    for error in (KeyringError, BackendError, TTLTooLong):
        assert error.__mro__[1] is CacheError


# -- memory backend bounds ------------------------------------------------------------------------


def test_memory_backend_evicts_least_recently_used() -> None:
    backend = MemoryBackend(max_entries=2)
    backend.set("a", b"1", ttl_seconds=60)
    backend.set("b", b"2", ttl_seconds=60)
    assert backend.get("a") == b"1"  # a is now the most recent
    backend.set("c", b"3", ttl_seconds=60)
    assert (backend.get("a"), backend.get("b"), backend.get("c")) == (b"1", None, b"3")


def test_memory_backend_bounds_bytes() -> None:
    backend = MemoryBackend(max_bytes=10)
    backend.set("a", b"12345", ttl_seconds=60)
    backend.set("b", b"12345", ttl_seconds=60)
    assert backend.size_bytes == 10
    backend.set("c", b"123", ttl_seconds=60)
    assert (backend.get("a"), backend.get("b"), backend.get("c")) == (None, b"12345", b"123")
    assert backend.size_bytes == 8
    with pytest.raises(BackendError, match="record of 11 bytes exceeds"):
        backend.set("d", b"x" * 11, ttl_seconds=60)


# -- sessions -------------------------------------------------------------------------------------


def test_session_lifecycle() -> None:
    backend = MemoryBackend()
    store = SessionStore(make_cache(backend, namespace="sessions"), ttl=60)
    session_id = store.create({"user": "ann", "roles": ["reader"]})
    assert len(session_id) == 43
    assert store.load(session_id) == {"user": "ann", "roles": ["reader"]}
    store.save(session_id, {"user": "ann", "roles": ["reader", "writer"]})
    assert store.load(session_id) == {"user": "ann", "roles": ["reader", "writer"]}
    rotated = store.rotate(session_id)
    assert rotated is not None and rotated != session_id
    assert store.load(session_id) is None
    assert store.load(rotated) == {"user": "ann", "roles": ["reader", "writer"]}
    store.destroy(rotated)
    assert store.load(rotated) is None
    assert len(backend) == 0


def test_session_ids_are_validated_before_the_backend() -> None:
    store = SessionStore(make_cache())
    assert store.load("../../etc/passwd") is None
    assert store.load("") is None
    assert store.rotate("short") is None
    with pytest.raises(ValueError, match="malformed session id"):
        store.save("short", {})
    with pytest.raises(TTLTooLong):
        SessionStore(make_cache(), ttl=7200)


def test_session_data_is_encrypted_at_rest() -> None:
    backend = MemoryBackend()
    cache = make_cache(backend, namespace="sessions")
    session_id = SessionStore(cache).create({"email": "ann@example.com"})
    record = backend.get(cache.backend_key("session:" + session_id))
    assert record is not None and b"ann@example.com" not in record


# -- optional dependencies ------------------------------------------------------------------------


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_importing_the_package_imports_no_optional_dependency() -> None:
    code = (
        "import sys, faasguard_runtime.cache, faasguard_runtime.http;"
        "print(sorted(m for m in ('cryptography', 'redis', 'boto3', 'botocore', 'fastjsonschema')"
        " if m in sys.modules))"
    )
    assert run_python(code) == "[]"


BLOCK = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in {blocked!r}:\n"
    "            raise ImportError('blocked ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
)


@pytest.mark.parametrize(
    ("blocked", "code", "message"),
    [
        (
            {"cryptography"},
            "from faasguard_runtime.cache import *\n"
            "EncryptedCache(MemoryBackend(), Keyring('k', {'k': bytes(32)}))",
            "the encrypted cache needs the cryptography package: "
            "pip install faasguard-runtime[crypto]",
        ),
        (
            {"redis"},
            "from faasguard_runtime.cache import RedisBackend\n"
            "RedisBackend.from_url('rediss://127.0.0.1:1')",
            "the Redis cache backend needs redis-py: pip install faasguard-runtime[redis]",
        ),
        (
            {"boto3"},
            "from faasguard_runtime.cache import DynamoDBBackend\nDynamoDBBackend('t')",
            "boto3 is required for the DynamoDB cache backend: pip install faasguard-runtime[aws]",
        ),
        (
            {"boto3"},
            "from faasguard_runtime.cache import Keyring\n"
            "Keyring.from_kms_env(environ={'FAASGUARD_CACHE_KMS_KEYS': 'k:AAAA'})",
            "boto3 is required for KMS-wrapped cache keys: pip install faasguard-runtime[aws]",
        ),
        (
            {"fastjsonschema"},
            "from faasguard_runtime.http import ResponseSchema\nResponseSchema({})",
            "response schema validation needs fastjsonschema: "
            "pip install faasguard-runtime[schema]",
        ),
    ],
)
def test_missing_extra_names_what_to_install(blocked: set[str], code: str, message: str) -> None:
    script = BLOCK.format(blocked=blocked) + (
        "try:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "except ImportError as exc:\n    print(exc)\n"
    )
    assert run_python(script) == message


def test_tamper_event_is_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    cache.set("k", b"secret-value")
    backend.set(cache.backend_key("k"), b"FGC\x01garbage", ttl_seconds=60)
    capsys.readouterr()
    assert cache.get("k") is None
    line = json.loads(capsys.readouterr().out)
    assert (line["faasguard_event"], line["action"], line["detail"]["reason"]) == (
        "cache",
        "tamper",
        "bad_format",
    )


# -- rollback (issue 10) ---------------------------------------------------------------------------


def test_older_record_put_back_is_a_miss_and_a_tamper_event(
    security_events: list[SecurityEvent],
) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    stored_key = cache.backend_key("balance:ann")
    cache.set("balance:ann", b"100")
    old = backend.get(stored_key)
    cache.set("balance:ann", b"0")
    assert old is not None
    backend.set(stored_key, old, ttl_seconds=60)  # whoever can write the store replays it
    assert cache.get("balance:ann") is None
    [event] = security_events
    assert (event.action, event.mode) == ("tamper", "alert")
    assert event.detail == tamper_detail(cache, "balance:ann", "replayed", "k1")


def test_destroyed_session_put_back_is_refused(security_events: list[SecurityEvent]) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend, namespace="sessions")
    store = SessionStore(cache, ttl=60)
    session_id = store.create({"user": "ann"})
    stored_key = cache.backend_key("session:" + session_id)
    saved = backend.get(stored_key)
    assert saved is not None
    store.destroy(session_id)
    backend.set(stored_key, saved, ttl_seconds=60)
    assert store.load(session_id) is None
    assert [e.detail["reason"] for e in security_events] == ["replayed"]


def test_a_newer_record_written_elsewhere_is_accepted() -> None:
    # Another execution environment sharing the store writes a new value: not a replay.
    backend = MemoryBackend()
    here, there = make_cache(backend), make_cache(backend)
    here.set("k", b"v1")
    assert here.get("k") == b"v1"
    there.set("k", b"v2")
    assert here.get("k") == b"v2"
    there.set("k", b"v3")
    assert here.get("k") == b"v3"


def test_a_forged_record_does_not_retire_the_real_one(security_events: list[SecurityEvent]) -> None:
    backend = MemoryBackend()
    cache = make_cache(backend)
    stored_key = cache.backend_key("k")
    cache.set("k", b"real")
    real = backend.get(stored_key)
    assert real is not None
    forged = real[:-1] + bytes([real[-1] ^ 1])
    backend.set(stored_key, forged, ttl_seconds=60)
    assert cache.get("k") is None  # authentication fails
    backend.set(stored_key, real, ttl_seconds=60)
    assert cache.get("k") == b"real"
    assert [e.detail["reason"] for e in security_events] == ["authentication_failed"]


def test_memory_add_is_set_if_absent() -> None:
    cache = make_cache(MemoryBackend())
    assert cache.add("lock", b"a", ttl=0.05) is True
    assert cache.add("lock", b"b") is False
    assert cache.get("lock") == b"a"
    time.sleep(0.06)
    assert cache.add("lock", b"c") is True  # the first one expired
    assert cache.get("lock") == b"c"
