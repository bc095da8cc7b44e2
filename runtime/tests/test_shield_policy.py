"""Shield policy parsing and host matching (pure, in-process; no audit hook is installed)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from faasguard_runtime.shield import (
    DEFAULT_ALLOWED_HOSTS,
    Mode,
    ShieldConfigError,
    ShieldPolicy,
)
from faasguard_runtime.shield.matching import HostMatcher, parse_ip


def test_defaults_block_what_functions_do_not_need() -> None:
    assert ShieldPolicy().describe() == {
        "subprocess": "block",
        "egress": "alert",
        "file_write": "block",
        "code_read": "alert",
        "dynamic_code": "alert",
        "ctypes": "block",
        "allowed_hosts": ["*.amazonaws.com", "*.amazonaws.com.cn", "*.api.aws"],
        "allow_loopback": True,
        "allowed_programs": [],
        "write_roots": ["/tmp"],
        "code_roots": None,
    }


def test_allow_all_inspects_nothing() -> None:
    policy = ShieldPolicy.allow_all()
    assert [policy.subprocess, policy.egress, policy.file_write] == [Mode.ALLOW] * 3
    assert [policy.code_read, policy.dynamic_code, policy.ctypes] == [Mode.ALLOW] * 3


def test_from_env_reads_every_variable() -> None:
    env = {
        "FAASGUARD_SHIELD_SUBPROCESS": "alert",
        "FAASGUARD_SHIELD_EGRESS": " BLOCK ",
        "FAASGUARD_SHIELD_FILE_WRITE": "allow",
        "FAASGUARD_SHIELD_CODE_READ": "block",
        "FAASGUARD_SHIELD_DYNAMIC_CODE": "block",
        "FAASGUARD_SHIELD_CTYPES": "alert",
        "FAASGUARD_SHIELD_ALLOWED_HOSTS": "api.stripe.com, *.example.org,,10.0.0.0/8",
        "FAASGUARD_SHIELD_ALLOW_LOOPBACK": "false",
        "FAASGUARD_SHIELD_ALLOWED_PROGRAMS": "/opt/bin/ffmpeg",
        "FAASGUARD_SHIELD_WRITE_ROOTS": "/tmp/out,/mnt/efs",
        "FAASGUARD_SHIELD_CODE_ROOTS": "/var/task,/opt/python",
        "LAMBDA_TASK_ROOT": "/ignored/when/code/roots/are/set",
    }
    assert ShieldPolicy.from_env(env) == ShieldPolicy(
        subprocess=Mode.ALERT,
        egress=Mode.BLOCK,
        file_write=Mode.ALLOW,
        code_read=Mode.BLOCK,
        dynamic_code=Mode.BLOCK,
        ctypes=Mode.ALERT,
        allowed_hosts=(*DEFAULT_ALLOWED_HOSTS, "api.stripe.com", "*.example.org", "10.0.0.0/8"),
        allow_loopback=False,
        allowed_programs=("/opt/bin/ffmpeg",),
        write_roots=("/tmp/out", "/mnt/efs"),
        code_roots=("/var/task", "/opt/python"),
    )


def test_from_env_defaults_code_roots_to_the_task_root() -> None:
    assert ShieldPolicy.from_env({"LAMBDA_TASK_ROOT": "/var/task"}) == ShieldPolicy(
        code_roots=("/var/task",)
    )
    assert ShieldPolicy.from_env({}) == ShieldPolicy(code_roots=())


def test_empty_code_roots_variable_protects_no_directory() -> None:
    env = {"FAASGUARD_SHIELD_CODE_ROOTS": "", "LAMBDA_TASK_ROOT": "/var/task"}
    assert ShieldPolicy.from_env(env).code_roots == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"FAASGUARD_SHIELD_SUBPROCESS": "deny"},
            "FAASGUARD_SHIELD_SUBPROCESS must be block, alert or allow, not 'deny'",
        ),
        (
            {"FAASGUARD_SHIELD_ALLOW_LOOPBACK": "maybe"},
            "FAASGUARD_SHIELD_ALLOW_LOOPBACK must be true or false, not 'maybe'",
        ),
        (
            {"FAASGUARD_SHIELD_ALLOWED_HOSTS": "https://api.example.com"},
            "allowed host 'https://api.example.com' is a URL; list its host name only",
        ),
        (
            {"FAASGUARD_SHIELD_ALLOWED_HOSTS": "api.*.example.com"},
            "allowed host 'api.*.example.com' is not a host name, '*.' wildcard, "
            "address or network",
        ),
        (
            {"FAASGUARD_SHIELD_ALLOWED_HOSTS": "10.0.0.0/33"},
            "allowed host '10.0.0.0/33' is not a valid network",
        ),
        (
            {"FAASGUARD_SHIELD_WRITE_ROOTS": "tmp"},
            "write_roots entries must be absolute paths, not 'tmp'",
        ),
        (
            {"FAASGUARD_SHIELD_ALLOWED_PROGRAMS": "ffmpeg"},
            "allowed_programs entries must be absolute paths, not 'ffmpeg'",
        ),
    ],
)
def test_bad_environment_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ShieldConfigError) as caught:
        ShieldPolicy.from_env(env)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"egress": "sometimes"}, "egress must be block, alert or allow, not 'sometimes'"),
        ({"allowed_hosts": "api.example.com"}, "allowed_hosts must be a tuple of strings, not "),
        ({"allow_loopback": "yes"}, "allow_loopback must be a bool"),
        ({"code_roots": ("relative",)}, "code_roots entries must be absolute paths"),
    ],
)
def test_bad_policy_is_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ShieldConfigError) as caught:
        ShieldPolicy(**options)
    assert str(caught.value).startswith(message)


def test_mode_strings_are_accepted_at_runtime() -> None:
    assert ShieldPolicy(egress="BLOCK").egress is Mode.BLOCK  # type: ignore[arg-type]


# -- host matching -----------------------------------------------------------------------------

DEFAULT = HostMatcher(DEFAULT_ALLOWED_HOSTS, allow_loopback=True)
STRICT = HostMatcher(
    ("api.example.com", "*.example.org", "10.1.0.0/16", "2001:db8::1"), allow_loopback=False
)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("s3.us-east-1.amazonaws.com", True),
        ("my-bucket.s3.eu-west-3.amazonaws.com", True),
        ("DYNAMODB.US-EAST-1.AMAZONAWS.COM.", True),
        ("lambda.us-east-1.api.aws", True),
        ("amazonaws.com", False),
        ("amazonaws.com.evil.example", False),
        ("evilamazonaws.com", False),
        ("evil.example\x00.amazonaws.com", False),
        ("evil example.amazonaws.com", False),
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.1", True),
        ("::1", True),
        ("0.0.0.0", True),
        ("", True),
        (None, True),
        (b"sqs.us-east-1.amazonaws.com", True),
        (b"\xff.amazonaws.com", False),
        ("169.254.169.254", False),
        ("example.com", False),
        (42, False),
    ],
)
def test_default_allowlist(host: object, expected: bool) -> None:
    assert DEFAULT.allows(host) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("api.example.com", True),
        ("API.example.com.", True),
        ("v2.api.example.com", False),
        ("www.example.org", True),
        ("a.b.example.org", True),
        ("example.org", False),
        ("10.1.200.3", True),
        ("10.2.0.1", False),
        ("2001:db8::1", True),
        ("2001:0db8:0:0:0:0:0:1", True),
        ("2001:db8::2", False),
        ("::ffff:10.1.0.9", True),
        ("localhost", False),
        ("127.0.0.1", False),
        ("0x7f.1", False),
        ("2130706433", False),
        ("::ffff:127.0.0.1", False),
        ("", False),
        ("s3.amazonaws.com", False),
    ],
)
def test_custom_allowlist_without_loopback(host: str, expected: bool) -> None:
    assert STRICT.allows(host) is expected


def test_explicitly_listed_localhost_wins_over_loopback_setting() -> None:
    assert HostMatcher(("localhost",), allow_loopback=False).allows("localhost") is True


def test_star_allows_every_host() -> None:
    matcher = HostMatcher(("*",), allow_loopback=False)
    assert [matcher.allows(h) for h in ("example.com", "127.0.0.1", "10.9.9.9")] == [True] * 3


def test_remembered_addresses_are_allowed_and_bounded() -> None:
    matcher = HostMatcher((), allow_loopback=False)
    matcher.remember(["192.0.2.1", "2001:db8::7%eth0", "not an address"])
    allowed = [matcher.allows(h) for h in ("192.0.2.1", "2001:db8::7", "192.0.2.2")]
    assert allowed == [True, True, False]
    matcher.remember(f"198.51.{i // 256}.{i % 256}" for i in range(4096))
    assert matcher.allows("192.0.2.1") is False  # the oldest were forgotten
    assert matcher.allows("198.51.15.255") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("fe80::1%eth0", "fe80::1"),
        ("cafe.face", None),
        ("example.com", None),
        ("1e100.net", None),
    ],
)
def test_parse_ip_reads_addresses_like_the_resolver(text: str, expected: str | None) -> None:
    parsed = parse_ip(text)
    assert (str(parsed) if parsed is not None else None) == expected
    if parsed is not None:
        assert isinstance(parsed, (ipaddress.IPv4Address, ipaddress.IPv6Address))
