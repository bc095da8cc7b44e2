"""Egress policy, allowlist matching, data minimisation and schema compilation (no network)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from faasguard_runtime.errors import FaasguardRuntimeError
from faasguard_runtime.http import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    REDACTED,
    CertificateExpired,
    CertificateHostMismatch,
    CertificateUntrusted,
    ConnectionFailed,
    DataMinimisation,
    EgressDenied,
    EgressPolicy,
    HostPattern,
    HttpError,
    HttpTimeout,
    RedirectDenied,
    ResponseInvalid,
    ResponseSchema,
    ResponseTooLarge,
    TLSError,
    TooManyRedirects,
    luhn_valid,
)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("api.example.com", HostPattern("api.example.com", 443, False)),
        ("API.Example.COM.", HostPattern("api.example.com", 443, False)),
        ("api.example.com:8443", HostPattern("api.example.com", 8443, False)),
        ("*.example.com", HostPattern("example.com", 443, True)),
        ("*.example.com:8443", HostPattern("example.com", 8443, True)),
        ("127.0.0.1:4443", HostPattern("127.0.0.1", 4443, False)),
        ("[::1]:4443", HostPattern("::1", 4443, False)),
        ("[0:0:0:0:0:0:0:1]", HostPattern("::1", 443, False)),
    ],
)
def test_host_pattern_parse(entry: str, expected: HostPattern) -> None:
    assert HostPattern.parse(entry) == expected


@pytest.mark.parametrize(
    "entry",
    [
        "*",
        "*.com",
        "*.127.0.0.1",
        "a.*.example.com",
        "api.example.com:0",
        "api.example.com:x",
        "api.example.com:70000",
        "bad_host!.com",
        "exämple.com",
        "[::1",
        "",
        "-lead.example.com",
    ],
)
def test_host_pattern_rejects_malformed_entries(entry: str) -> None:
    with pytest.raises(ValueError):
        HostPattern.parse(entry)


@pytest.mark.parametrize(
    ("entry", "host", "port", "allowed"),
    [
        ("api.example.com", "api.example.com", 443, True),
        ("api.example.com", "api.example.com", 8443, False),
        ("api.example.com", "example.com", 443, False),
        ("api.example.com", "evil-api.example.com", 443, False),
        ("*.example.com", "api.example.com", 443, True),
        ("*.example.com", "a.b.example.com", 443, True),
        ("*.example.com", "example.com", 443, False),
        ("*.example.com", "evilexample.com", 443, False),
        ("*.example.com", "example.com.evil.net", 443, False),
        ("*.example.com:8443", "api.example.com", 443, False),
        ("127.0.0.1:4443", "127.0.0.1", 4443, True),
        ("127.0.0.1:4443", "127.0.0.2", 4443, False),
    ],
)
def test_host_pattern_matches(entry: str, host: str, port: int, allowed: bool) -> None:
    assert HostPattern.parse(entry).matches(host, port) is allowed


def test_policy_defaults_are_the_named_constants() -> None:
    policy = EgressPolicy(["api.example.com"])
    assert policy.allowed_hosts == (HostPattern("api.example.com", 443, False),)
    assert (policy.connect_timeout, policy.read_timeout, policy.total_timeout) == (
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        DEFAULT_TOTAL_TIMEOUT,
    )
    assert (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_TOTAL_TIMEOUT) == (
        3.0,
        10.0,
        30.0,
    )
    assert policy.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 5 * 1024 * 1024
    assert policy.follow_redirects is False
    assert policy.max_redirects == DEFAULT_MAX_REDIRECTS == 3
    assert policy.minimisation == DataMinimisation()
    assert policy.minimisation.redact_card_numbers is True
    assert (policy.ca_file, policy.ca_data) == (None, None)
    relaxed = dataclasses.replace(policy, follow_redirects=True)
    assert (relaxed.follow_redirects, relaxed.allowed_hosts) == (True, policy.allowed_hosts)


def test_policy_has_no_switch_to_disable_verification() -> None:
    fields = set(EgressPolicy.__dataclass_fields__)
    assert fields == {
        "allowed_hosts", "connect_timeout", "read_timeout", "total_timeout",
        "max_response_bytes", "follow_redirects", "max_redirects", "minimisation",
        "ca_file", "ca_data", "user_agent", "keep_alive", "retries", "retry_backoff",
    }  # fmt: skip
    with pytest.raises(TypeError):
        EgressPolicy(["api.example.com"], verify=False)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"allowed_hosts": "api.example.com"}, "not one string"),
        ({"allowed_hosts": []}, "allowed_hosts is empty"),
        ({"allowed_hosts": ["a.example.com"], "read_timeout": 0}, "read_timeout must be positive"),
        ({"allowed_hosts": ["a.example.com"], "max_response_bytes": -1}, "max_response_bytes"),
        ({"allowed_hosts": ["a.example.com"], "max_redirects": -1}, "max_redirects"),
    ],
)
def test_policy_validation(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EgressPolicy(**kwargs)


def test_error_hierarchy() -> None:
    for error in (EgressDenied, TooManyRedirects, TLSError, HttpTimeout, ConnectionFailed,
                  ResponseTooLarge, ResponseInvalid):  # fmt: skip
        assert error.__mro__[1] is HttpError
    assert HttpError.__mro__[1] is FaasguardRuntimeError
    assert RedirectDenied.__mro__[1] is EgressDenied
    for tls in (CertificateExpired, CertificateHostMismatch, CertificateUntrusted):
        assert tls.__mro__[1] is TLSError


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),  # Visa test number
        ("5555555555554444", True),  # Mastercard test number
        ("378282246310005", True),  # Amex test number
        ("4111111111111112", False),
        ("1234567812345678", False),
        ("", False),
        ("4111-1111", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def test_default_minimisation_redacts_card_numbers_only() -> None:
    body = {
        "card": "4111 1111 1111 1111",
        "note": "paid with 5555-5555-5555-4444 today",
        "pan": 378282246310005,
        "order": "1234567812345678",
        "email": "ann@example.com",
        "count": 3,
        "flag": True,
    }
    assert DataMinimisation().apply(body) == {
        "card": REDACTED,
        "note": f"paid with {REDACTED} today",
        "pan": REDACTED,
        "order": "1234567812345678",
        "email": "ann@example.com",
        "count": 3,
        "flag": True,
    }


def test_redact_fields_at_any_depth_case_insensitive() -> None:
    rules = DataMinimisation(redact_fields=["email", "ssn"], redact_emails=True)
    body = {
        "Email": "ann@example.com",
        "customer": {"EMAIL": "bob@example.com", "ssn": "078-05-1120", "id": 7},
        "items": [{"email": "c@example.com", "sku": "A1"}],
        "text": "write to dan@example.org please",
    }
    assert rules.apply(body) == {
        "Email": REDACTED,
        "customer": {"EMAIL": REDACTED, "ssn": REDACTED, "id": 7},
        "items": [{"email": REDACTED, "sku": "A1"}],
        "text": f"write to {REDACTED} please",
    }
    assert body["customer"] == {"EMAIL": "bob@example.com", "ssn": "078-05-1120", "id": 7}


def test_allow_fields_keeps_only_listed_paths() -> None:
    rules = DataMinimisation(allow_fields=["order.id", "order.items.sku", "currency", "meta"])
    body = {
        "order": {
            "id": 42,
            "customer": {"name": "Ann", "email": "ann@example.com"},
            "items": [{"sku": "A1", "price": 3}, {"sku": "B2", "note": "gift"}],
        },
        "currency": "EUR",
        "meta": {"trace": "t-1", "nested": {"x": 1}},
        "secret": "s3cr3t",
    }
    assert rules.apply(body) == {
        "order": {"id": 42, "items": [{"sku": "A1"}, {"sku": "B2"}]},
        "currency": "EUR",
        "meta": {"trace": "t-1", "nested": {"x": 1}},
    }


def test_allow_fields_drops_scalars_where_objects_were_expected() -> None:
    rules = DataMinimisation(allow_fields=["order.id"])
    assert rules.apply({"order": "4111111111111111", "other": 1}) == {}
    assert rules.apply("just a string") is None


@pytest.mark.parametrize("bad", [["a..b"], [""], "order.id"])
def test_allow_fields_validation(bad: Any) -> None:
    with pytest.raises(ValueError):
        DataMinimisation(allow_fields=bad)


def test_field_rules_flag() -> None:
    assert DataMinimisation().has_field_rules is False
    assert DataMinimisation(redact_fields=["email"]).has_field_rules is True
    assert DataMinimisation(allow_fields=["id"]).has_field_rules is True


def test_response_schema_validates_and_hides_the_data() -> None:
    schema = ResponseSchema(
        {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
    )
    schema.validate({"id": 1})
    with pytest.raises(ResponseInvalid) as caught:
        schema.validate({"id": "ann@example.com"})
    assert str(caught.value) == "response does not match its schema: data.id must be integer"


def test_response_schema_does_not_fill_defaults() -> None:
    schema = ResponseSchema({"type": "object", "properties": {"a": {"default": 5}}})
    data: dict[str, Any] = {}
    schema.validate(data)
    assert data == {}


@pytest.mark.parametrize(
    "ref", ["https://127.0.0.1:9/schema.json", "http://127.0.0.1:9/s.json", "file:///etc/passwd"]
)
def test_response_schema_refuses_remote_refs(ref: str) -> None:
    with pytest.raises(ValueError, match="remote \\$ref"):
        ResponseSchema({"$ref": ref})


# -- minimisation coverage (issue 10) ------------------------------------------------------------

CARD = "4111111111111111"


@pytest.mark.parametrize(
    "written",
    [
        "4111.1111.1111.1111",  # dots
        "4111  1111   1111 1111",  # several spaces
        "4111\u00a01111\u00a01111\u00a01111",  # no-break spaces
        "".join(chr(0xFF10 + int(d)) for d in CARD),  # full-width digits
        "4111 1111-1111.1111",  # mixed
    ],
)
def test_card_numbers_are_found_however_they_are_written(written: str) -> None:
    rules = DataMinimisation()
    assert rules.apply({"note": f"paid with {written} today"}) == {
        "note": f"paid with {REDACTED} today"
    }


def test_card_numbers_sent_as_numbers_are_redacted() -> None:
    rules = DataMinimisation()
    assert rules.apply({"a": 4111111111111111, "b": 4111111111111111.0, "c": 1.5, "d": 7.0}) == {
        "a": REDACTED,
        "b": REDACTED,
        "c": 1.5,
        "d": 7.0,
    }


def test_non_card_numbers_survive() -> None:
    rules = DataMinimisation()
    value = {"ref": "1234567812345678", "version": "1.2.3", "when": "2024-01-15 10:30"}
    assert rules.apply(value) == value


def test_query_strings_are_minimised() -> None:
    rules = DataMinimisation(redact_fields=["email"])
    assert rules.apply_query("q=shoes&email=ada%40example.com&card=4111+1111+1111+1111") == (
        "q=shoes&email=%5BREDACTED%5D&card=%5BREDACTED%5D"
    )
    assert rules.apply_query("q=shoes&page=2") == "q=shoes&page=2"  # untouched: as written


def test_headers_are_minimised() -> None:
    rules = DataMinimisation(redact_fields=["x-user-email"], redact_emails=True)
    assert rules.apply_headers(
        {"X-User-Email": "ada@example.com", "X-Note": "card 4111-1111-1111-1111", "Accept": "*/*"}
    ) == {"X-User-Email": REDACTED, "X-Note": f"card {REDACTED}", "Accept": "*/*"}
