"""DynamoDB backend and KMS-wrapped keys against a real moto server started for this module."""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Iterator
from typing import Any

import pytest
from faasguard_runtime.cache import (
    ENV_KMS_KEYS,
    BackendError,
    DynamoDBBackend,
    EncryptedCache,
    Keyring,
    KeyringError,
    SessionStore,
    generate_wrapped_key,
)
from faasguard_runtime.events import SecurityEvent
from support.processes import MotoServer, ServiceUnavailable, run_moto

pytestmark = pytest.mark.aws

TABLE = "faasguard-cache"
KEYRING = Keyring("k1", {"k1": bytes(range(32))})


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    try:
        with run_moto(tmp_path_factory.mktemp("moto")) as server:
            yield server
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def dynamodb(moto: MotoServer) -> Any:
    client = moto.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(
        TableName=TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )
    return client


@pytest.fixture(scope="module")
def kms(moto: MotoServer) -> Any:
    return moto.client("kms")


def item(client: Any, key: str) -> dict[str, Any] | None:
    reply = client.get_item(TableName=TABLE, Key={"pk": {"S": key}}, ConsistentRead=True)
    found: dict[str, Any] | None = reply.get("Item")
    return found


# -- DynamoDB -------------------------------------------------------------------------------------


def test_round_trip_sets_the_ttl_attribute(dynamodb: Any) -> None:
    cache = EncryptedCache(DynamoDBBackend(TABLE, client=dynamodb), KEYRING, namespace="ddb")
    before = time.time()
    cache.set("user:1", b"token", ttl=120)
    after = time.time()
    assert cache.get("user:1") == b"token"
    stored = item(dynamodb, cache.backend_key("user:1"))
    assert stored is not None
    assert set(stored) == {"pk", "record", "expires_at"}
    assert stored["record"]["B"][:4] == b"FGC\x01"
    assert math.ceil(before + 120) <= int(stored["expires_at"]["N"]) <= math.ceil(after + 120)
    cache.delete("user:1")
    assert item(dynamodb, cache.backend_key("user:1")) is None
    assert cache.get("user:1") is None


def test_custom_attribute_names(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName="custom",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    backend = DynamoDBBackend(
        "custom", client=dynamodb, key_attribute="id", value_attribute="data", ttl_attribute="ttl"
    )
    cache = EncryptedCache(backend, KEYRING)
    cache.set("k", b"v", ttl=60)
    assert cache.get("k") == b"v"
    reply = dynamodb.get_item(TableName="custom", Key={"id": {"S": cache.backend_key("k")}})
    assert set(reply["Item"]) == {"id", "data", "ttl"}


def test_sealed_expiry_wins_over_a_rewritten_ttl_attribute(
    dynamodb: Any, security_events: list[SecurityEvent]
) -> None:
    # DynamoDB deletes expired items lazily, and whoever can write the table can push the TTL
    # attribute into the future: the expiry sealed in the record still ends its life.
    cache = EncryptedCache(DynamoDBBackend(TABLE, client=dynamodb), KEYRING)
    cache.set("k", b"v", ttl=0.3)
    stored_key = cache.backend_key("k")
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": stored_key}},
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": {"N": str(int(time.time()) + 3600)}},
    )
    time.sleep(0.4)
    assert cache.get("k") is None
    assert item(dynamodb, stored_key) is None
    assert security_events == []


def test_expired_ttl_attribute_is_a_miss_before_dynamodb_deletes_it(dynamodb: Any) -> None:
    backend = DynamoDBBackend(TABLE, client=dynamodb)
    backend.set("raw", b"FGC\x01whatever", ttl_seconds=60)
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "raw"}},
        UpdateExpression="SET expires_at = :t",
        ExpressionAttributeValues={":t": {"N": str(int(time.time()) - 1)}},
    )
    assert item(dynamodb, "raw") is not None  # still in the table
    assert backend.get("raw") is None


def test_record_moved_between_items_is_a_miss(
    dynamodb: Any, security_events: list[SecurityEvent]
) -> None:
    cache = EncryptedCache(DynamoDBBackend(TABLE, client=dynamodb), KEYRING)
    cache.set("role:alice", b"admin")
    stolen = item(dynamodb, cache.backend_key("role:alice"))
    assert stolen is not None
    stolen["pk"] = {"S": cache.backend_key("role:mallory")}
    dynamodb.put_item(TableName=TABLE, Item=stolen)
    assert cache.get("role:mallory") is None
    assert [(e.action, e.detail["reason"]) for e in security_events] == [
        ("tamper", "authentication_failed")
    ]


def test_sessions_on_dynamodb(dynamodb: Any) -> None:
    store = SessionStore(EncryptedCache(DynamoDBBackend(TABLE, client=dynamodb), KEYRING))
    session_id = store.create({"user": "ann"})
    assert store.load(session_id) == {"user": "ann"}
    store.destroy(session_id)
    assert store.load(session_id) is None


def test_missing_table_is_a_backend_error(dynamodb: Any) -> None:
    cache = EncryptedCache(DynamoDBBackend("no-such-table", client=dynamodb), KEYRING)
    with pytest.raises(BackendError) as caught:
        cache.get("k")
    assert str(caught.value) == "dynamodb GetItem failed: ResourceNotFoundException"
    with pytest.raises(BackendError, match="dynamodb PutItem failed: ResourceNotFoundException"):
        cache.set("k", b"v")


# -- KMS-wrapped keys -----------------------------------------------------------------------------


def test_kms_wrapped_keys_round_trip(kms: Any, dynamodb: Any) -> None:
    cmk = kms.create_key(Description="faasguard cache")["KeyMetadata"]["Arn"]
    env = {
        ENV_KMS_KEYS: ",".join(
            (
                generate_wrapped_key(kms, kms_key_id=cmk, key_id="k2"),
                generate_wrapped_key(kms, kms_key_id=cmk, key_id="k1"),
            )
        )
    }
    # Two cold starts of the same function: each unwraps the keys on its own.
    first = Keyring.from_kms_env(kms_client=kms, kms_key_id=cmk, environ=env)
    second = Keyring.from_kms_env(kms_client=kms, kms_key_id=cmk, environ=env)
    assert first.key_ids == second.key_ids == ("k2", "k1")
    writer = EncryptedCache(DynamoDBBackend(TABLE, client=dynamodb), first, namespace="kms")
    reader = EncryptedCache(DynamoDBBackend(TABLE, client=dynamodb), second, namespace="kms")
    writer.set("k", b"shared across instances")
    assert reader.get("k") == b"shared across instances"
    stored = item(dynamodb, writer.backend_key("k"))
    assert stored is not None and stored["record"]["B"][5:7] == b"k2"


def test_wrapped_key_is_bound_to_its_key_id(kms: Any) -> None:
    cmk = kms.create_key()["KeyMetadata"]["Arn"]
    entry = generate_wrapped_key(kms, kms_key_id=cmk, key_id="k1")
    relabelled = "k2:" + entry.partition(":")[2]
    with pytest.raises(KeyringError) as caught:
        Keyring.from_kms_env(kms_client=kms, environ={ENV_KMS_KEYS: relabelled})
    assert str(caught.value) == (
        "kms:Decrypt of cache key 'k2' from FAASGUARD_CACHE_KMS_KEYS failed: "
        "InvalidCiphertextException"
    )


def test_extra_encryption_context_must_match(kms: Any) -> None:
    cmk = kms.create_key()["KeyMetadata"]["Arn"]
    context = {"app": "orders"}
    entry = generate_wrapped_key(kms, kms_key_id=cmk, key_id="k1", encryption_context=context)
    env = {ENV_KMS_KEYS: entry}
    keyring = Keyring.from_kms_env(kms_client=kms, environ=env, encryption_context=context)
    assert keyring.key_ids == ("k1",)
    with pytest.raises(KeyringError, match="InvalidCiphertextException"):
        Keyring.from_kms_env(kms_client=kms, environ=env, encryption_context={"app": "billing"})
    with pytest.raises(KeyringError, match="must not set the faasguard:\\* entries"):
        Keyring.from_kms_env(
            kms_client=kms, environ=env, encryption_context={"faasguard:key-id": "k9"}
        )


def test_blob_from_another_cmk_is_refused_when_the_cmk_is_pinned(kms: Any) -> None:
    expected = kms.create_key()["KeyMetadata"]["Arn"]
    other = kms.create_key()["KeyMetadata"]["Arn"]
    env = {ENV_KMS_KEYS: generate_wrapped_key(kms, kms_key_id=other, key_id="k1")}
    # KMS refuses the KeyId mismatch (AccessDenied / IncorrectKey); where an endpoint does not,
    # the keyring checks the KeyId that KMS reports having used.
    with pytest.raises(KeyringError) as caught:
        Keyring.from_kms_env(kms_client=kms, kms_key_id=expected, environ=env)
    assert str(caught.value) in {
        "kms:Decrypt of cache key 'k1' from FAASGUARD_CACHE_KMS_KEYS failed: AccessDeniedException",
        "kms:Decrypt of cache key 'k1' from FAASGUARD_CACHE_KMS_KEYS failed: IncorrectKeyException",
        f"cache key 'k1' from FAASGUARD_CACHE_KMS_KEYS was wrapped by another KMS key "
        f"({other!r}, expected {expected!r})",
    }


def test_pinned_cmk_by_bare_key_id(kms: Any) -> None:
    metadata = kms.create_key()["KeyMetadata"]
    env = {ENV_KMS_KEYS: generate_wrapped_key(kms, kms_key_id=metadata["Arn"], key_id="k1")}
    keyring = Keyring.from_kms_env(kms_client=kms, kms_key_id=metadata["KeyId"], environ=env)
    assert keyring.key_ids == ("k1",)


def test_unknown_cmk_and_bad_blob(kms: Any) -> None:
    with pytest.raises(KeyringError, match="kms:GenerateDataKey failed: NotFoundException"):
        generate_wrapped_key(kms, kms_key_id="alias/none", key_id="k1")
    garbage = base64.b64encode(b"not a kms blob" * 4).decode()
    with pytest.raises(KeyringError, match="kms:Decrypt of cache key 'k1'"):
        Keyring.from_kms_env(kms_client=kms, environ={ENV_KMS_KEYS: f"k1:{garbage}"})
