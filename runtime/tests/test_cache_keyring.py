"""Keyring construction from raw keys and from FAASGUARD_CACHE_KEYS (KMS: test_cache_aws.py)."""

from __future__ import annotations

import base64

import pytest
from faasguard_runtime.cache import ENV_KEYS, Keyring, KeyringError, generate_key_entry

K1 = bytes(range(32))
K2 = bytes(range(32, 64))


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_from_env_first_entry_is_current() -> None:
    keyring = Keyring.from_env(environ={ENV_KEYS: f"k2:{b64(K2)}, k1:{b64(K1)}"})
    assert keyring.current_id == "k2"
    assert keyring.key_ids == ("k2", "k1")
    assert list(keyring.items()) == [("k2", K2), ("k1", K1)]


def test_from_env_custom_variable_name() -> None:
    keyring = Keyring.from_env("MY_KEYS", environ={"MY_KEYS": f"only:{b64(K1)}"})
    assert list(keyring.items()) == [("only", K1)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "environment variable FAASGUARD_CACHE_KEYS is not set or empty"),
        ("  ", "environment variable FAASGUARD_CACHE_KEYS is not set or empty"),
        ("k1", "FAASGUARD_CACHE_KEYS: entry 1 is not 'key_id:BASE64'"),
        (f"k1:{b64(K1)},:abc", "FAASGUARD_CACHE_KEYS: entry 2 is not 'key_id:BASE64'"),
        (f"k1:{b64(K1)},k1:{b64(K2)}", "FAASGUARD_CACHE_KEYS: key id 'k1' appears twice"),
        ("k1:not*base64", "FAASGUARD_CACHE_KEYS: key 'k1' is not valid base64"),
        (f"k1:{b64(K1[:16])}", "FAASGUARD_CACHE_KEYS: key 'k1' is 16 bytes; AES-256 needs 32"),
        (f"bad id:{b64(K1)}", "invalid key id 'bad id': use 1-64 of [A-Za-z0-9._-]"),
    ],
)
def test_from_env_errors(value: str | None, message: str) -> None:
    environ = {} if value is None else {ENV_KEYS: value}
    with pytest.raises(KeyringError) as caught:
        Keyring.from_env(environ=environ)
    assert str(caught.value) == message
    assert b64(K1) not in str(caught.value)


def test_constructor_checks() -> None:
    with pytest.raises(KeyringError, match="current key id 'k9' is not in the keyring"):
        Keyring("k9", {"k1": K1})
    with pytest.raises(KeyringError, match="key 'k1' is 31 bytes; AES-256 needs 32"):
        Keyring("k1", {"k1": K1[:31]})


def test_constructor_puts_current_first() -> None:
    assert Keyring("k2", {"k1": K1, "k2": K2}).key_ids == ("k2", "k1")


def test_repr_shows_ids_never_key_material() -> None:
    keyring = Keyring("k2", {"k2": K2, "k1": K1})
    assert repr(keyring) == "Keyring(current_id='k2', key_ids=['k2', 'k1'])"


def test_generate_key_entry_round_trips() -> None:
    entry = generate_key_entry("2026-11")
    key_id, _, value = entry.partition(":")
    assert key_id == "2026-11"
    assert len(base64.b64decode(value)) == 32
    keyring = Keyring.from_env(environ={ENV_KEYS: entry})
    assert keyring.key_ids == ("2026-11",)
    assert generate_key_entry("2026-11") != entry
    with pytest.raises(KeyringError):
        generate_key_entry("no spaces")
