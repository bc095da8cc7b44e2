"""Outbound calls: where a function's code sends requests, and how safely.

Three questions, answered from the facts of the function's own code:

* Which hosts does it talk to (the egress inventory)? A URL is read from the call's argument,
  through module constants, f-strings, template literals and concatenation, and environment
  variables, whose values come from the template (template parameters resolved by the
  loaders). A host that cannot be resolved is ``unknown``, never guessed.
* Does any call turn off TLS certificate verification (``verify=False``,
  ``rejectUnauthorized: false``, an unverified SSL context...)?
* Does any call, or any URL-named setting, use plain ``http://`` to a host that is not local?

Everything is pure: facts and the model in, records out.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from faasguard.code.edge.inventory import EgressHost, FunctionEgress
from faasguard.code.edge.tables import HTTP_CLIENTS, HttpClient
from faasguard.code.edge.values import CallFact, FileFacts, Val
from faasguard.code.interface import Language
from faasguard.model import Function, Location, Unknown

__all__ = [
    "EgressHost",
    "FunctionEgress",
    "PlainHttp",
    "TlsOff",
    "egress_of",
    "plaintext_http",
    "tls_disabled",
]

_HOLE: Final = "\x00"
_HOST: Final = re.compile(
    r"^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$"
)
_URL: Final = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#\s]*)")
#: Hosts that never leave the machine (or the Lambda sandbox).
_LOCAL_NAMES: Final = frozenset({"localhost", "host.docker.internal", "0.0.0.0"})  # noqa: S104
#: Environment variables the Lambda runtime sets to local endpoints.
_LOCAL_ENV: Final = frozenset(
    {"AWS_LAMBDA_RUNTIME_API", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_XRAY_DAEMON_ADDRESS"}
)
#: Hosts of identifiers written as URLs (XML namespaces, JSON Schema ids), never fetched.
_IDENTIFIER_HOSTS: Final = (
    "www.w3.org",
    "w3.org",
    "json-schema.org",
    "schemas.xmlsoap.org",
    "schemas.microsoft.com",
    "purl.org",
    "xmlns.com",
    "ns.adobe.com",
    "docs.oasis-open.org",
    "www.apache.org",
    "example.com",
    "example.org",
    "example.net",
)
#: Names that say a string is where requests go.
_URL_NAME: Final = re.compile(r"(url|uri|endpoint|host|base|baseurl|webhook|callback)$", re.I)


@dataclass(frozen=True, slots=True)
class TlsOff:
    """Certificate verification turned off at one place."""

    file: str
    line: int
    how: str
    scope: str | None


@dataclass(frozen=True, slots=True)
class PlainHttp:
    """A plain-HTTP URL to a non-local host used by the code."""

    file: str
    line: int
    url: str
    via: str
    scope: str | None


# ---- resolving URLs ------------------------------------------------------------------------


def _constants(files: Iterable[FileFacts]) -> dict[str, Val]:
    """Module-level constants of the function's files, by bare name (first file wins)."""
    found: dict[str, Val] = {}
    for facts in files:
        for name, value in facts.constants.items():
            found.setdefault(name, value)
    return found


def _resolve(
    value: Val,
    fn: Function,
    constants: Mapping[str, Val],
    via: list[str],
    depth: int = 0,
) -> str:
    """The text of a value with what cannot be known as a hole."""
    if depth > 8:
        return _HOLE
    kind = value.kind
    if kind == "str":
        return value.text
    if kind == "concat":
        return "".join(_resolve(p, fn, constants, via, depth + 1) for p in value.parts)
    if kind == "env":
        if value.text in _LOCAL_ENV:
            via.append(f"env:{value.text}")
            return "localhost"
        var = fn.env(value.text)
        via.append(f"env:{value.text}")
        if var is not None and isinstance(var.value, str):
            return var.value
        if var is None and value.parts:
            return _resolve(value.parts[0], fn, constants, via, depth + 1)
        return _HOLE
    if kind == "name":
        bare = value.text.rsplit(".", 1)[-1]
        constant = constants.get(bare)
        if constant is not None and constant.kind != "name":
            via.append(f"constant:{bare}")
            return _resolve(constant, fn, constants, via, depth + 1)
    return _HOLE


def _split(text: str) -> tuple[str | None, str | None]:
    """(scheme, host) of a resolved URL text; host None when it has a hole or no scheme."""
    match = _URL.match(text)
    if match is None:
        return None, None
    host = match.group("host").rsplit("@", 1)[-1]
    if not host or _HOLE in host or not _HOST.match(host):
        # A hole, or a placeholder such as ``<url>`` or ``{region}``: not a host one can name.
        return match.group("scheme").lower(), None
    return match.group("scheme").lower(), host.lower()


def is_local_host(host: str) -> bool:
    """True for loopback, link-local, unspecified and ``*.localhost`` hosts."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]")
    if name in _LOCAL_NAMES or name.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or address.is_link_local or address.is_unspecified


def _identifier_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in _IDENTIFIER_HOSTS)


_ROWS: Final[dict[tuple[str, str], HttpClient]] = {
    (row.language, row.callee): row for row in HTTP_CLIENTS
}


def _row(facts: FileFacts, call: CallFact) -> HttpClient | None:
    language = "python" if facts.language is Language.PYTHON else "javascript"
    return _ROWS.get((language, call.callee))


def _url_value(row: HttpClient, call: CallFact) -> Val | None:
    """The argument holding the URL, reading JavaScript option objects too."""
    if row.url_key and call.kwarg(row.url_key) is not None:
        return call.kwarg(row.url_key)
    value = (
        call.args[row.url_arg] if row.url_arg is not None and len(call.args) > row.url_arg else None
    )
    if value is None and row.url_arg is not None and call.args and row.url_key:
        value = call.args[0]
    if value is not None and value.kind == "object":
        for key in ("url", "uri", "baseURL", "prefixUrl", "hostname", "host", "endpoint"):
            inner = value.item(key)
            if inner is not None:
                if key in ("hostname", "host"):
                    return Val("concat", parts=(Val("str", f"{row.scheme or 'https'}://"), inner))
                return inner
        return None
    if (
        value is not None
        and value.kind == "call"
        and value.text.startswith("urllib.request.Request(")
    ):
        return Val("str", value.text[len("urllib.request.Request(") : -1])
    return value


def _outbound(
    facts_list: list[FileFacts], fn: Function
) -> Iterator[tuple[FileFacts, CallFact, HttpClient, Val | None, str, list[str]]]:
    constants = _constants(facts_list)
    for facts in facts_list:
        for call in facts.calls:
            row = _row(facts, call)
            if row is None:
                continue
            value = _url_value(row, call)
            via: list[str] = []
            text = _HOLE if value is None else _resolve(value, fn, constants, via)
            if row.host_only and _HOLE not in text.split("/", 1)[0]:
                text = f"{row.scheme}://{text}"
            yield facts, call, row, value, text, via


def egress_of(facts_list: list[FileFacts], fn: Function) -> tuple[EgressHost, ...]:
    """Every outside host the function's code sends requests to, in source order.

    Relative URLs (a path on a client built with a base URL elsewhere) add nothing: the base
    URL is listed where the client is built. AWS SDK calls are left to the permissions
    analysis, except a client built with a custom ``endpoint_url``.
    """
    found: dict[tuple[str, str | None, str, int], EgressHost] = {}
    for facts, call, row, value, text, via in _outbound(facts_list, fn):
        if value is None and row.url_arg is None:
            continue  # boto3.client() without endpoint_url: an AWS endpoint
        if text.startswith(("/", "./")) or (
            text and _HOLE not in text[:1] and "://" not in text and not row.host_only
        ):
            continue
        scheme, host = _split(text)
        if host is not None and is_local_host(host):
            continue
        if host is None:
            what = ", ".join(dict.fromkeys(via)) or _describe(value)
            entry = EgressHost("unknown", scheme, facts.path, call.line, what, call.callee)
        else:
            how = ", ".join(dict.fromkeys(via)) or "literal"
            entry = EgressHost(host, scheme, facts.path, call.line, how, call.callee)
        found.setdefault((entry.host, entry.scheme, entry.file, entry.line), entry)
    return tuple(found.values())


def _describe(value: Val | None) -> str:
    if value is None:
        return "no URL argument"
    if value.kind == "name":
        return f"value of `{value.text}`"
    if value.kind == "call":
        return f"result of `{value.text}`"
    return "computed URL"


def plaintext_http(facts_list: list[FileFacts], fn: Function) -> tuple[PlainHttp, ...]:
    """Plain-HTTP URLs to non-local hosts: in outbound calls, or under a URL-like name."""
    found: dict[tuple[str, int], PlainHttp] = {}
    for facts, call, _, _value, text, via in _outbound(facts_list, fn):
        scheme, host = _split(text)
        if scheme == "http" and host and not is_local_host(host) and not _identifier_host(host):
            how = ", ".join(dict.fromkeys(via)) or "literal"
            found.setdefault(
                (facts.path, call.line),
                PlainHttp(facts.path, call.line, _short(text), how, call.scope),
            )
    for facts in facts_list:
        for string in facts.strings:
            if not string.name or not _URL_NAME.search(string.name.replace("_", "")):
                continue
            scheme, host = _split(string.value)
            if scheme == "http" and host and not is_local_host(host) and not _identifier_host(host):
                url = _short(string.value)
                if any(p.file == facts.path and p.url == url for p in found.values()):
                    continue  # the call using it is reported already
                key = (facts.path, string.line)
                found.setdefault(
                    key,
                    PlainHttp(
                        facts.path, string.line, _short(string.value), f"name:{string.name}", None
                    ),
                )
    return tuple(sorted(found.values(), key=lambda p: (p.file, p.line)))


def plaintext_env(fn: Function, facts_list: list[FileFacts]) -> Iterator[tuple[str, Location, str]]:
    """Environment variables holding a plain-HTTP URL that the code uses as a URL.

    "Used as a URL": read into a URL-named constant (``API_BASE = os.environ["API"]``), passed
    as a URL-named keyword (``Client(base_url=os.environ["API"])``) or option
    (``axios.create({ baseURL: process.env.API })``). Outbound calls that use one directly are
    reported at the call instead (:func:`plaintext_http`).
    """
    read: set[str] = set()

    def note(name: str, value: Val) -> None:
        if _URL_NAME.search(name.replace("_", "")):
            read.update(leaf.text for leaf in value.leaves() if leaf.kind == "env")

    for facts in facts_list:
        for call in facts.calls:
            for key, value in call.kwargs:
                note(key, value)
            for arg in call.args:
                for key, value in _object_entries(arg):
                    note(key, value)
        for name, value in facts.constants.items():
            note(name, value)
    for var in fn.environment:
        if var.name not in read or isinstance(var.value, Unknown):
            continue
        scheme, host = _split(var.value)
        if scheme == "http" and host and not is_local_host(host) and not _identifier_host(host):
            yield var.name, var.location, _short(var.value)


def _short(url: str) -> str:
    from faasguard.rules.secrets import redact_text

    return redact_text(url.replace(_HOLE, "<?>"))


# ---- TLS verification ----------------------------------------------------------------------

_PY_VERIFY_KWARGS: Final = ("verify", "verify_ssl", "verify_certs", "ssl")
#: Libraries whose ``verify=False`` is about something else than TLS (PyJWT 1.x: signatures).
_NOT_TLS: Final = ("jwt.", "jose.", "itsdangerous.", "rsa.", "ecdsa.")
_JS_TLS_KEYS: Final = ("rejectUnauthorized", "strictSSL")


def tls_disabled(facts_list: list[FileFacts]) -> tuple[TlsOff, ...]:
    """Every place the code turns certificate verification off."""
    found: list[TlsOff] = []
    for facts in facts_list:
        python = facts.language is Language.PYTHON
        silenced = [c.line for c in facts.calls if c.callee.endswith("urllib3.disable_warnings")]
        note = (
            f"; warnings silenced with urllib3.disable_warnings at line {silenced[0]}"
            if silenced
            else ""
        )
        for call in facts.calls:
            how = _py_call_tls(call) if python else _js_call_tls(call)
            if how:
                found.append(TlsOff(facts.path, call.line, how + note, call.scope))
        for assign in facts.assigns:
            how = _assign_tls(assign.target, assign.value)
            if how:
                found.append(TlsOff(facts.path, assign.line, how + note, None))
    unique = {(t.file, t.line): t for t in found}
    return tuple(sorted(unique.values(), key=lambda t: (t.file, t.line)))


def _py_call_tls(call: CallFact) -> str | None:
    if call.callee in ("ssl._create_unverified_context", "ssl._create_stdlib_context"):
        return f"`{call.callee}()` builds a context that checks no certificate"
    if call.callee.startswith(_NOT_TLS) or call.method in ("decode", "encode", "verify", "loads"):
        return None
    for name in _PY_VERIFY_KWARGS:
        value = call.kwarg(name)
        if value is not None and value.kind == "bool" and value.text == "false":
            if name == "ssl" and not call.callee.startswith("aiohttp"):
                continue
            return f"`{call.callee}(..., {name}=False)`"
    cert = call.kwarg("cert_reqs")
    if cert is not None and cert.text.endswith("CERT_NONE"):
        return f"`{call.callee}(..., cert_reqs=CERT_NONE)`"
    return None


def _js_call_tls(call: CallFact) -> str | None:
    for arg in call.args:
        for key, value in _object_entries(arg):
            if key in _JS_TLS_KEYS and value.kind == "bool" and value.text == "false":
                return f"`{key}: false` passed to `{call.callee}`"
    return None


def _object_entries(value: Val, depth: int = 0) -> Iterator[tuple[str, Val]]:
    if value.kind != "object" or depth > 4:
        return
    for key, item in value.items:
        yield key, item
        yield from _object_entries(item, depth + 1)


def _assign_tls(target: str, value: Val) -> str | None:
    last = target.rsplit(".", 1)[-1]
    if last == "NODE_TLS_REJECT_UNAUTHORIZED" and value.is_false():
        return (
            "`process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` turns verification off process-wide"
        )
    if last == "_create_default_https_context" and value.text.endswith(
        "_create_unverified_context"
    ):
        return (
            "`ssl._create_default_https_context = ssl._create_unverified_context` turns "
            "verification off process-wide"
        )
    if last in ("check_hostname", "verify") and value.kind == "bool" and value.text == "false":
        return f"`{target} = False`"
    if last == "verify_mode" and value.text.endswith("CERT_NONE"):
        return f"`{target} = ssl.CERT_NONE`"
    if last in _JS_TLS_KEYS and value.kind == "bool" and value.text == "false":
        return f"`{target} = false`"
    return None
