"""Where the function may send requests, and the limits every request runs under.

The defaults are the safe choice for a function calling a third-party API: a few seconds to
connect, ten to read, no redirects, and a response cap below Lambda's own 6 MB payload limit. Each
is a named constant so a reviewer can see a relaxed value in a diff.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Union

from faasguard_runtime.http.minimise import DataMinimisation

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MINIMISATION",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_BACKOFF",
    "DEFAULT_TOTAL_TIMEOUT",
    "HTTPS_PORT",
    "EgressPolicy",
    "HostPattern",
]

#: Seconds to open the TCP connection and finish the TLS handshake.
DEFAULT_CONNECT_TIMEOUT = 3.0
#: Seconds any single socket read may wait for data.
DEFAULT_READ_TIMEOUT = 10.0
#: Seconds for the whole call, redirects included: a server trickling one byte per read timeout
#: would otherwise hold the function until Lambda kills it.
DEFAULT_TOTAL_TIMEOUT = 30.0
#: Largest response body read into memory (5 MiB, under Lambda's 6 MB response payload limit).
DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024
#: Same-origin redirects followed when ``follow_redirects`` is on.
DEFAULT_MAX_REDIRECTS = 3
#: Port assumed for an allowlist entry that names none.
HTTPS_PORT = 443
#: Card numbers in JSON bodies are redacted unless a call says otherwise.
DEFAULT_MINIMISATION = DataMinimisation()
#: Times an idempotent request is sent again after a transient failure.
DEFAULT_RETRIES = 2
#: Seconds: base of the jittered exponential backoff between attempts.
DEFAULT_RETRY_BACKOFF = 0.1

_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")

# typing.Union, not "|": this alias is evaluated at run time, and must work on Python 3.9.
IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]  # noqa: UP007


def _parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def normalise_host(host: str) -> str:
    """Return ``host`` in the form allowlist entries are compared in.

    Lower-case, without a trailing dot (``api.example.com.`` names the same host and must not
    slip past an exact entry), IP addresses in their canonical text form.

    Raises:
        ValueError: the host is empty, not ASCII (use the ``xn--`` form), or not a valid name.
    """
    name = host.strip().lower()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise ValueError("empty host")
    if not name.isascii():
        raise ValueError(f"non-ASCII host {host!r}: write internationalised names in xn-- form")
    ip = _parse_ip(name)
    if ip is not None:
        return str(ip)
    if "%" in name or not all(_LABEL.match(label) for label in name.split(".")):
        raise ValueError(f"invalid host name {host!r}")
    return name


@dataclass(frozen=True)
class HostPattern:
    """One allowlist entry: an exact host, or ``*.domain`` for every name below ``domain``.

    A wildcard matches names at any depth below the domain (``a.example.com``,
    ``a.b.example.com``) but never the domain itself, and never an IP address: whoever controls
    a domain's DNS controls all of its subdomains, so depth adds no trust boundary, while the apex
    often runs a different service. Each entry is bound to one port, 443 unless it says otherwise,
    so allowing a host does not open its admin or metadata ports.

    Attributes:
        host: the normalised host, or the domain below the ``*.`` of a wildcard.
        port: the one port this entry allows.
        wildcard: whether the entry was ``*.host``.
    """

    host: str
    port: int = HTTPS_PORT
    wildcard: bool = False

    @classmethod
    def parse(cls, entry: str) -> HostPattern:
        """Parse ``host``, ``host:port``, ``*.domain[:port]`` or ``[v6-address][:port]``.

        Raises:
            ValueError: a malformed entry, a bare ``*``, a wildcard on an IP address or on a
                single label such as ``*.com``.
        """
        text = entry.strip()
        port = HTTPS_PORT
        if text.startswith("["):
            end = text.find("]")
            if end < 0:
                raise ValueError(f"allowlist entry {entry!r}: unclosed '['")
            host_part, rest = text[1:end], text[end + 1 :]
            if rest:
                if not rest.startswith(":"):
                    raise ValueError(f"allowlist entry {entry!r}: junk after ']'")
                port = _parse_port(rest[1:], entry)
        elif text.count(":") == 1:
            host_part, port_text = text.split(":")
            port = _parse_port(port_text, entry)
        else:
            host_part = text
        wildcard = host_part.startswith("*.")
        if wildcard:
            host_part = host_part[2:]
        if "*" in host_part:
            raise ValueError(f"allowlist entry {entry!r}: '*' is allowed only as a leading '*.'")
        host = normalise_host(host_part)
        if wildcard and (_parse_ip(host) is not None or "." not in host):
            raise ValueError(
                f"allowlist entry {entry!r}: a wildcard needs a domain of two labels or more"
            )
        return cls(host=host, port=port, wildcard=wildcard)

    def matches(self, host: str, port: int) -> bool:
        """Tell whether a normalised ``host`` and ``port`` are allowed by this entry."""
        if port != self.port:
            return False
        if self.wildcard:
            return host.endswith("." + self.host) and _parse_ip(host) is None
        return host == self.host


def _parse_port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"allowlist entry {entry!r}: invalid port {text!r}")
    return int(text)


@dataclass(frozen=True)
class EgressPolicy:
    """Everything a :class:`~faasguard_runtime.http.SafeHttpClient` enforces, in one frozen value.

    There is deliberately no option to turn certificate verification off or to allow plain
    ``http``: both would be one-line downgrades that review tends to miss. To reach a service with
    a private CA, give its bundle in ``ca_file`` or ``ca_data``; it then replaces the system trust
    store, which also pins that service to its own CA.

    Attributes:
        allowed_hosts: allowlist entries (see :class:`HostPattern`); given as strings, kept parsed.
        connect_timeout: seconds for TCP connect and TLS handshake.
        read_timeout: seconds any single read may wait.
        total_timeout: seconds for the whole call, redirects included.
        max_response_bytes: largest response body accepted.
        follow_redirects: follow 301/302/303/307/308 within the same origin (off by default).
        max_redirects: longest redirect chain followed.
        minimisation: applied to every ``json=`` body unless a call passes its own.
        ca_file: path of a PEM CA bundle to trust instead of the system store.
        ca_data: PEM text of CA certificates to trust instead of the system store.
        user_agent: the ``User-Agent`` header sent.
        keep_alive: reuse a connection to the same host and port for the next call from the same
            thread (the TLS handshake is most of a short call's latency). A pooled connection
            found closed by the server is discarded before it is used.
        retries: how many times an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) is sent
            again after a connection failure, a connect timeout or a 502/503/504 answer; POST
            and PATCH are never retried. Every attempt stays within ``total_timeout``.
        retry_backoff: base of the exponential backoff between attempts, in seconds (full
            jitter: attempt ``n`` waits a random time up to ``retry_backoff * 2**n``).
    """

    allowed_hosts: tuple[HostPattern, ...]
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    follow_redirects: bool = False
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    minimisation: DataMinimisation = DEFAULT_MINIMISATION
    ca_file: str | None = None
    ca_data: str | None = field(default=None, repr=False)
    user_agent: str = "faasguard-runtime"
    keep_alive: bool = True
    retries: int = DEFAULT_RETRIES
    retry_backoff: float = DEFAULT_RETRY_BACKOFF

    def __init__(
        self,
        allowed_hosts: Iterable[str | HostPattern],
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        follow_redirects: bool = False,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        minimisation: DataMinimisation = DEFAULT_MINIMISATION,
        ca_file: str | None = None,
        ca_data: str | None = None,
        user_agent: str = "faasguard-runtime",
        keep_alive: bool = True,
        retries: int = DEFAULT_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    ) -> None:
        """Build and validate a policy.

        Raises:
            ValueError: an empty allowlist, a malformed entry, or a non-positive limit.
        """
        if isinstance(allowed_hosts, str):
            # A lone string would otherwise be read as one entry per character.
            raise ValueError("allowed_hosts must be a collection of entries, not one string")
        patterns = tuple(
            entry if isinstance(entry, HostPattern) else HostPattern.parse(entry)
            for entry in allowed_hosts
        )
        if not patterns:
            raise ValueError("allowed_hosts is empty: name every host the function may call")
        for name, value in (
            ("connect_timeout", connect_timeout),
            ("read_timeout", read_timeout),
            ("total_timeout", total_timeout),
            ("max_response_bytes", max_response_bytes),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value!r}")
        if max_redirects < 0:
            raise ValueError(f"max_redirects must be >= 0, got {max_redirects!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
            raise ValueError(f"retries must be an int from 0 to 10, got {retries!r}")
        if retry_backoff < 0:
            raise ValueError(f"retry_backoff must be >= 0, got {retry_backoff!r}")
        # A frozen dataclass with a custom __init__ sets its fields through object.__setattr__.
        values: dict[str, object] = {
            "allowed_hosts": patterns,
            "connect_timeout": float(connect_timeout),
            "read_timeout": float(read_timeout),
            "total_timeout": float(total_timeout),
            "max_response_bytes": int(max_response_bytes),
            "follow_redirects": bool(follow_redirects),
            "max_redirects": int(max_redirects),
            "minimisation": minimisation,
            "ca_file": ca_file,
            "ca_data": ca_data,
            "user_agent": user_agent,
            "keep_alive": bool(keep_alive),
            "retries": retries,
            "retry_backoff": float(retry_backoff),
        }
        for key, field_value in values.items():
            object.__setattr__(self, key, field_value)

    def allows(self, host: str, port: int) -> bool:
        """Tell whether a normalised ``host`` and ``port`` match any allowlist entry."""
        return any(pattern.matches(host, port) for pattern in self.allowed_hosts)
