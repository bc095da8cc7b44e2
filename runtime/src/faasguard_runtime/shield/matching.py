"""Host allowlists and path containment: the pure decisions behind the egress and file policies.

Both are written to fail closed on anything odd. A host the matcher cannot read as an IP address or
as a plain DNS name is refused; a path is compared after normalisation, and after symlink resolution
wherever an attacker could have planted a link.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from faasguard_runtime.shield.errors import ShieldConfigError

if TYPE_CHECKING:
    # Aliases for annotations only: `X | Y` cannot be evaluated at runtime on Python 3.9.
    IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
    _Network = ipaddress.IPv4Network | ipaddress.IPv6Network

__all__ = ["HostMatcher", "fs_path", "is_under", "parse_ip", "root_prefixes"]

# Plain DNS names only. Anything else (a NUL byte, a space, a percent sign, non-ASCII) is refused:
# the C resolver stops at a NUL, so "evil.example\0.amazonaws.com" would match a suffix rule here
# and resolve evil.example there.
_HOSTNAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
# Shapes inet_aton accepts besides dotted quads ("127.1", "0x7f.1", "2130706433"); the resolver
# treats them as addresses, so the matcher must too.
_LEGACY_IPV4 = re.compile(r"[0-9][0-9a-fA-FxX.]*")
# How many resolved addresses to remember for connect checks (see HostMatcher.remember).
_MAX_REMEMBERED = 4096
# How many host verdicts to cache before starting over (bounds memory under a flood of names).
_MAX_CACHED = 1024


def parse_ip(host: str) -> IPAddress | None:
    """Read ``host`` as an IP address the way the C resolver would, or return None.

    IPv4-mapped IPv6 addresses (``::ffff:127.0.0.1``) are returned as IPv4, so rules about
    ``127.0.0.0/8`` cannot be bypassed by spelling.
    """
    text = host.split("%", 1)[0]  # IPv6 scope id
    ip: IPAddress
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        if not _LEGACY_IPV4.fullmatch(text):
            return None
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


class HostMatcher:
    """Decide whether a host (name or address) may be resolved or connected to.

    Patterns:
        ``*``: any host. ``*.example.com``: any name under example.com, at any depth (not
        example.com itself). ``api.example.com``: that exact name. ``10.0.0.0/8``: addresses in the
        network. ``192.0.2.10``: that address. Names are compared case-insensitively without a
        trailing dot.

    Connections are made to addresses, but allowlists are written with names, and the audit event
    raised when a name is resolved does not carry the answer. :meth:`remember` records the
    addresses that allowed names resolved to, so the connect that follows is recognised.
    """

    def __init__(self, patterns: Iterable[str], *, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback
        self._any = False
        names: set[str] = set()
        suffixes: list[str] = []
        self._ips: set[str] = set()
        self._networks: list[_Network] = []
        for pattern in patterns:
            self._add(pattern, names, suffixes)
        self._names = frozenset(names)
        self._suffixes = tuple(suffixes)
        self._resolved: dict[str, None] = {}
        self._verdicts: dict[str, bool | str] = {}
        self._lock = threading.Lock()

    def _add(self, pattern: str, names: set[str], suffixes: list[str]) -> None:
        if not isinstance(pattern, str):
            raise ShieldConfigError(f"allowed host {pattern!r} is not a string")
        text = pattern.strip().lower().rstrip(".")
        if text == "*":
            self._any = True
            return
        if "://" in text:
            raise ShieldConfigError(f"allowed host {pattern!r} is a URL; list its host name only")
        if "/" in text:
            try:
                self._networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise ShieldConfigError(
                    f"allowed host {pattern!r} is not a valid network"
                ) from None
            return
        ip = parse_ip(text)
        if ip is not None:
            self._ips.add(str(ip))
            return
        wildcard = text.startswith("*.")
        name = text[2:] if wildcard else text
        if not _HOSTNAME.fullmatch(name):
            raise ShieldConfigError(
                f"allowed host {pattern!r} is not a host name, '*.' wildcard, address or network"
            )
        if wildcard:
            suffixes.append("." + name)
        else:
            names.add(name)

    def allows(self, host: object) -> bool:
        """Return True when ``host`` (as found in an audit event) is allowed."""
        if host is None:  # getaddrinfo(None, port): a local, passive lookup
            return True
        if isinstance(host, (bytes, bytearray)):
            try:
                host = bytes(host).decode("ascii")
            except UnicodeDecodeError:
                return False
        if not isinstance(host, str):
            return False
        # The same few hosts come back on every invocation; parsing addresses costs microseconds,
        # a dict hit tens of nanoseconds. The verdict cached is the static one; an address not
        # allowed by the rules is still looked up in the (growing) remembered answers.
        verdict = self._verdicts.get(host)
        if verdict is None:
            verdict = self._judge(host)
            if len(self._verdicts) >= _MAX_CACHED:
                self._verdicts.clear()
            self._verdicts[host] = verdict
        if isinstance(verdict, bool):
            return verdict
        return verdict in self._resolved

    def _judge(self, host: str) -> bool | str:
        """Apply the rules: True/False, or an address's text when only remembering can allow it."""
        if self._any:
            return True
        if host == "":  # connect(("", port)) reaches this machine
            return self.allow_loopback
        ip = parse_ip(host)
        if ip is not None:
            return True if self._ip_allowed_by_rules(ip) else str(ip)
        name = host.lower()
        if name.endswith("."):
            name = name[:-1]
        if not _HOSTNAME.fullmatch(name):
            return False
        if name in self._names or name.endswith(self._suffixes):
            return True
        if name == "localhost" or name.endswith(".localhost"):
            return self.allow_loopback
        return False

    def _ip_allowed_by_rules(self, ip: IPAddress) -> bool:
        if (ip.is_loopback or ip.is_unspecified) and self.allow_loopback:
            return True
        if str(ip) in self._ips:
            return True
        return any(ip.version == net.version and ip in net for net in self._networks)

    def remember(self, addresses: Iterable[str]) -> None:
        """Record addresses returned by a resolution the policy let through.

        Bounded (oldest forgotten first) so a long-lived container cannot grow it without limit.
        """
        fresh = [a for a in addresses if isinstance(a, str) and a not in self._resolved]
        if not fresh:
            return  # the usual case: the same endpoint resolved again
        parsed = [parse_ip(a) for a in fresh]
        with self._lock:
            for ip in parsed:
                if ip is None:
                    continue
                self._resolved[str(ip)] = None
                if len(self._resolved) > _MAX_REMEMBERED:
                    del self._resolved[next(iter(self._resolved))]


def fs_path(value: object) -> str | None:
    """Return the path an audit event refers to, or None for a file descriptor or non-path."""
    if isinstance(value, int):
        return None
    try:
        path = os.fspath(value)  # type: ignore[call-overload]
    except TypeError:
        return None
    if isinstance(path, bytes):
        return os.fsdecode(path)
    return path if isinstance(path, str) else None


def root_prefixes(roots: Iterable[str]) -> tuple[str, ...]:
    """Normalise roots into ``/dir/`` prefixes, both as written and with symlinks resolved."""
    prefixes: list[str] = []
    for root in roots:
        # Strings, as the hook compares them with str.startswith; abspath keeps the written form.
        for form in (os.path.abspath(root), os.path.realpath(root)):  # noqa: PTH100
            prefix = form if form.endswith("/") else form + "/"
            if prefix not in prefixes:
                prefixes.append(prefix)
    return tuple(prefixes)


def is_under(path: str, prefixes: tuple[str, ...]) -> bool:
    """Return True when the normalised ``path`` is one of the roots or inside one."""
    return (path + "/").startswith(prefixes)
