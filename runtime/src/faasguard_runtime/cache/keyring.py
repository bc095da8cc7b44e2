"""Cache keys: where they come from, and how they rotate.

A keyring is an ordered set of 256-bit AES keys, each with a short id. The current key encrypts;
every key decrypts records that name it. To rotate, put the new key first and keep the old one
until the longest TTL has passed, then drop it.

Two sources, both read once at cold start:

``FAASGUARD_CACHE_KEYS="k2:BASE64,k1:BASE64"``
    Raw keys, base64 of exactly 32 bytes each, the first one current. Simple, but the keys are as
    exposed as the function's configuration (anyone with ``lambda:GetFunctionConfiguration``).

``FAASGUARD_CACHE_KMS_KEYS="k2:BASE64,k1:BASE64"``
    The same shape, but each value is a KMS ciphertext blob of a data key (from
    ``GenerateDataKey``, see :func:`generate_wrapped_key`). The function calls ``kms:Decrypt``
    once per key at cold start; reading the configuration reveals nothing without that
    permission, and CloudTrail logs every unwrap. Each blob is bound by encryption context to its
    key id, so blobs cannot be swapped between ids.

Why not ``GenerateDataKey`` at cold start: each instance would get a different key, and records
written by one instance would be unreadable by the next, which defeats a shared cache.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from faasguard_runtime.cache._aws import aws_error_code, aws_errors, boto3_client
from faasguard_runtime.cache.interface import KeyringError
from faasguard_runtime.cache.record import KEY_ID_PATTERN

__all__ = [
    "ENV_KEYS",
    "ENV_KMS_KEYS",
    "KEY_BYTES",
    "KMS_CONTEXT_KEY_ID",
    "KMS_CONTEXT_PURPOSE",
    "Keyring",
    "generate_key_entry",
    "generate_wrapped_key",
]

#: AES-256.
KEY_BYTES = 32
#: Environment variable holding raw keys.
ENV_KEYS = "FAASGUARD_CACHE_KEYS"
#: Environment variable holding KMS-wrapped keys.
ENV_KMS_KEYS = "FAASGUARD_CACHE_KMS_KEYS"
#: Encryption-context entries every wrapped key is bound to (key policies can require them).
KMS_CONTEXT_PURPOSE = ("faasguard:purpose", "cache-key")
KMS_CONTEXT_KEY_ID = "faasguard:key-id"


class Keyring:
    """Immutable, ordered AES-256 keys by id; the current one encrypts, all of them decrypt.

    The repr and every error message name key ids only, never key bytes, so a keyring that ends up
    in a log or a traceback leaks nothing.
    """

    __slots__ = ("_current_id", "_keys")

    def __init__(self, current_id: str, keys: Mapping[str, bytes]) -> None:
        """Build a keyring.

        Args:
            current_id: id of the key that encrypts new records.
            keys: every key by id, the current one included.

        Raises:
            KeyringError: a malformed id, a key that is not 32 bytes, or ``current_id`` missing.
        """
        checked: dict[str, bytes] = {}
        for key_id, key in keys.items():
            if not KEY_ID_PATTERN.match(key_id):
                raise KeyringError(f"invalid key id {key_id!r}: use 1-64 of [A-Za-z0-9._-]")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} is {len(key)} bytes; AES-256 needs 32")
            checked[key_id] = bytes(key)
        if current_id not in checked:
            raise KeyringError(f"current key id {current_id!r} is not in the keyring")
        # The current key first, then the rest in the order given.
        ordered = {current_id: checked[current_id]}
        ordered.update(checked)
        self._current_id = current_id
        self._keys: Mapping[str, bytes] = MappingProxyType(ordered)

    def __repr__(self) -> str:
        return f"Keyring(current_id={self._current_id!r}, key_ids={list(self._keys)!r})"

    @property
    def current_id(self) -> str:
        """Id of the key that encrypts."""
        return self._current_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key id, the current one first."""
        return tuple(self._keys)

    def items(self) -> Iterator[tuple[str, bytes]]:
        """Yield ``(key_id, key)`` pairs, the current one first."""
        return iter(self._keys.items())

    @classmethod
    def from_env(cls, name: str = ENV_KEYS, *, environ: Mapping[str, str] | None = None) -> Keyring:
        """Read raw keys from ``name`` (``"k2:BASE64,k1:BASE64"``, first one current).

        Raises:
            KeyringError: the variable is unset, malformed, or a key is not 32 bytes.
        """
        entries = _parse_entries(name, environ)
        keys = {key_id: _b64(name, key_id, value) for key_id, value in entries}
        return cls(entries[0][0], keys)

    @classmethod
    def from_kms_env(
        cls,
        name: str = ENV_KMS_KEYS,
        *,
        kms_client: Any = None,
        kms_key_id: str | None = None,
        encryption_context: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Keyring:
        """Unwrap KMS-encrypted data keys from ``name`` with one ``kms:Decrypt`` per key.

        Call it once, at module level, so the calls happen during the cold start only.

        Args:
            name: the environment variable (``"k2:BLOB,k1:BLOB"``, base64 ciphertext blobs).
            kms_client: a boto3 KMS client; a default one is created when None.
            kms_key_id: the KMS key ARN or id expected to have wrapped every blob; KMS refuses a
                blob wrapped by any other key (recommended: pins the key even if the variable is
                rewritten).
            encryption_context: extra context the blobs were wrapped with, if any.
            environ: where to read ``name`` (default ``os.environ``).

        Raises:
            KeyringError: the variable is unset or malformed, or KMS refused a blob.
            ImportError: boto3 is missing (``pip install faasguard-runtime[aws]``).
        """
        entries = _parse_entries(name, environ)
        client = (
            kms_client
            if kms_client is not None
            else boto3_client("kms", purpose="KMS-wrapped cache keys")
        )
        keys: dict[str, bytes] = {}
        for key_id, value in entries:
            blob = _b64(name, key_id, value, expect=None)
            request: dict[str, Any] = {
                "CiphertextBlob": blob,
                "EncryptionContext": _kms_context(key_id, encryption_context),
            }
            if kms_key_id is not None:
                request["KeyId"] = kms_key_id
            try:
                reply = client.decrypt(**request)
            except aws_errors() as exc:
                # ClientError (AccessDenied, InvalidCiphertext, a wrong context) or BotoCoreError
                # (endpoint unreachable): either way this cold start cannot get its keys.
                raise KeyringError(
                    f"kms:Decrypt of cache key {key_id!r} from {name} failed: {aws_error_code(exc)}"
                ) from None
            if kms_key_id is not None and not _same_kms_key(kms_key_id, reply.get("KeyId")):
                # KMS itself refuses a mismatched KeyId; checking the answer too costs nothing
                # and does not depend on the endpoint (a VPC endpoint, a proxy, an emulator).
                raise KeyringError(
                    f"cache key {key_id!r} from {name} was wrapped by another KMS key "
                    f"({reply.get('KeyId')!r}, expected {kms_key_id!r})"
                )
            keys[key_id] = bytes(reply["Plaintext"])
        return cls(entries[0][0], keys)


def generate_key_entry(key_id: str) -> str:
    """Return a fresh ``"key_id:BASE64"`` entry for ``FAASGUARD_CACHE_KEYS``.

    Raises:
        KeyringError: ``key_id`` is malformed.
    """
    if not KEY_ID_PATTERN.match(key_id):
        raise KeyringError(f"invalid key id {key_id!r}: use 1-64 of [A-Za-z0-9._-]")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode('ascii')}"


def generate_wrapped_key(
    kms_client: Any,
    *,
    kms_key_id: str,
    key_id: str,
    encryption_context: Mapping[str, str] | None = None,
) -> str:
    """Create a data key under ``kms_key_id`` and return its ``"key_id:BLOB"`` entry.

    Run it at deploy time (not in the function): the plaintext key is discarded here, and only
    the wrapped blob goes into ``FAASGUARD_CACHE_KMS_KEYS``.

    Raises:
        KeyringError: a malformed ``key_id``, or KMS refused.
    """
    if not KEY_ID_PATTERN.match(key_id):
        raise KeyringError(f"invalid key id {key_id!r}: use 1-64 of [A-Za-z0-9._-]")
    try:
        reply = kms_client.generate_data_key(
            KeyId=kms_key_id,
            KeySpec="AES_256",
            EncryptionContext=_kms_context(key_id, encryption_context),
        )
    except aws_errors() as exc:
        raise KeyringError(f"kms:GenerateDataKey failed: {aws_error_code(exc)}") from None
    blob = base64.b64encode(reply["CiphertextBlob"]).decode("ascii")
    return f"{key_id}:{blob}"


def _kms_context(key_id: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    context = dict(extra or {})
    purpose_key, purpose = KMS_CONTEXT_PURPOSE
    if purpose_key in context or KMS_CONTEXT_KEY_ID in context:
        raise KeyringError("encryption_context must not set the faasguard:* entries")
    context[purpose_key] = purpose
    context[KMS_CONTEXT_KEY_ID] = key_id
    return context


def _parse_entries(name: str, environ: Mapping[str, str] | None) -> list[tuple[str, str]]:
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        raise KeyringError(f"environment variable {name} is not set or empty")
    entries: list[tuple[str, str]] = []
    for position, part in enumerate(raw.split(","), start=1):
        key_id, sep, value = part.strip().partition(":")
        if not sep or not key_id or not value:
            raise KeyringError(f"{name}: entry {position} is not 'key_id:BASE64'")
        if any(key_id == seen for seen, _ in entries):
            raise KeyringError(f"{name}: key id {key_id!r} appears twice")
        entries.append((key_id, value))
    return entries


def _b64(name: str, key_id: str, value: str, expect: int | None = KEY_BYTES) -> bytes:
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{name}: key {key_id!r} is not valid base64") from None
    if expect is not None and len(decoded) != expect:
        raise KeyringError(f"{name}: key {key_id!r} is {len(decoded)} bytes; AES-256 needs 32")
    return decoded


def _same_kms_key(expected: str, actual: object) -> bool:
    """Compare the expected key (ARN or bare id) with the key ARN that KMS says it used.

    An alias (``alias/...``) names no fixed key, so it cannot be compared here; KMS enforces it.
    """
    if not isinstance(actual, str):
        return False
    if expected.startswith("alias/") or ":alias/" in expected:
        return True
    if expected.startswith("arn:"):
        return actual == expected
    return actual.endswith(f":key/{expected}") or actual == expected
