"""The encrypted record format, version 1.

Every record the cache writes is self-describing, so keys can rotate and the format can evolve
without a flag day::

    offset  size      field
    0       3         magic  b"FGC"
    3       1         format version, 0x01
    4       1         key id length L (1..64)
    5       L         key id, ASCII [A-Za-z0-9._-]
    5+L     12        nonce, random per record
    17+L    n + 16    AES-256-GCM ciphertext of the plaintext below, then the 16-byte tag

    plaintext = expires_at (8 bytes, unsigned big-endian, Unix time in milliseconds) || value

    associated data = bytes 0..5+L of the header
                      || namespace length (2 bytes, big-endian) || namespace (UTF-8)
                      || cache key (UTF-8)

Why each part:

* The key id lets old keys keep decrypting while the current one encrypts (rotation).
* The expiry is inside the ciphertext, so whoever can write to the store cannot extend a record's
  life; the backend's own TTL is only housekeeping.
* The header, namespace and cache key are authenticated as associated data: a record copied to
  another key, another namespace, or relabelled with another key id or version fails to decrypt.
* A 96-bit random nonce is safe for about 2^32 records per key; rotate keys well before that.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "FORMAT_VERSION",
    "KEY_ID_PATTERN",
    "MAGIC",
    "NONCE_BYTES",
    "TAG_BYTES",
    "Aead",
    "ParsedRecord",
    "RecordUnreadable",
    "associated_data",
    "parse_record",
    "seal_record",
    "split_plaintext",
]

MAGIC = b"FGC"
FORMAT_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_EXPIRY = struct.Struct(">Q")
_NAMESPACE_LENGTH = struct.Struct(">H")


class Aead(Protocol):
    """The part of ``cryptography``'s ``AESGCM`` the format needs."""

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        """Encrypt and authenticate ``data``."""
        ...

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        """Authenticate and decrypt ``data``; raise on any mismatch."""
        ...


class RecordUnreadable(Exception):  # noqa: N818 - internal signal, turned into a miss + event
    """A stored record could not be parsed; ``reason`` is a stable token for the tamper event."""

    def __init__(self, reason: str, key_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key_id = key_id


@dataclass(frozen=True)
class ParsedRecord:
    """The parts of a stored record, still encrypted."""

    header: bytes
    key_id: str
    nonce: bytes
    ciphertext: bytes


def _header(key_id: str) -> bytes:
    encoded = key_id.encode("ascii")
    return MAGIC + bytes((FORMAT_VERSION, len(encoded))) + encoded


def associated_data(header: bytes, namespace: str, cache_key: str) -> bytes:
    """Return the bytes authenticated alongside the ciphertext (see the module docstring)."""
    encoded_namespace = namespace.encode("utf-8")
    return b"".join(
        (
            header,
            _NAMESPACE_LENGTH.pack(len(encoded_namespace)),
            encoded_namespace,
            cache_key.encode("utf-8"),
        )
    )


def seal_record(
    aead: Aead,
    *,
    key_id: str,
    namespace: str,
    cache_key: str,
    expires_at_ms: int,
    value: bytes,
) -> bytes:
    """Encrypt ``value`` with its expiry into a version-1 record."""
    header = _header(key_id)
    nonce = os.urandom(NONCE_BYTES)
    plaintext = _EXPIRY.pack(expires_at_ms) + value
    sealed = aead.encrypt(nonce, plaintext, associated_data(header, namespace, cache_key))
    return header + nonce + sealed


def parse_record(stored: bytes) -> ParsedRecord:
    """Split a stored record into its parts, checking only its framing.

    Raises:
        RecordUnreadable: ``bad_format`` or ``unsupported_version``.
    """
    if len(stored) < len(MAGIC) + 2 or not stored.startswith(MAGIC):
        raise RecordUnreadable("bad_format")
    version = stored[3]
    if version != FORMAT_VERSION:
        raise RecordUnreadable("unsupported_version")
    id_length = stored[4]
    header_end = 5 + id_length
    if len(stored) < header_end + NONCE_BYTES + TAG_BYTES + _EXPIRY.size:
        raise RecordUnreadable("bad_format")
    try:
        key_id = stored[5:header_end].decode("ascii")
    except UnicodeDecodeError:
        raise RecordUnreadable("bad_format") from None
    if not KEY_ID_PATTERN.match(key_id):
        raise RecordUnreadable("bad_format")
    return ParsedRecord(
        header=stored[:header_end],
        key_id=key_id,
        nonce=stored[header_end : header_end + NONCE_BYTES],
        ciphertext=stored[header_end + NONCE_BYTES :],
    )


def split_plaintext(plaintext: bytes) -> tuple[int, bytes]:
    """Return ``(expires_at_ms, value)`` from a decrypted record."""
    (expires_at_ms,) = _EXPIRY.unpack_from(plaintext)
    return int(expires_at_ms), plaintext[_EXPIRY.size :]
