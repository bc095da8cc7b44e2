"""The safe outbound HTTP client: HTTPS only, verified, allowlisted, bounded, minimised, logged.

Why a client of our own rather than ``requests`` or ``urllib``: every default of those libraries
is one that has to be remembered at each call site (``timeout=`` is off by default in both,
redirects are followed across hosts, ``verify=False`` is one keyword away). Here the safe choice
is the only code path, the standard library is the only dependency, and every call leaves a
security event in the function's log.
"""

from __future__ import annotations

import http.client
import io
import json as _json
import random
import select
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

from faasguard_runtime import strict_json
from faasguard_runtime.events import emit
from faasguard_runtime.http.errors import (
    CertificateExpired,
    CertificateHostMismatch,
    CertificateUntrusted,
    ConnectionFailed,
    EgressDenied,
    HttpError,
    HttpTimeout,
    RedirectDenied,
    ResponseInvalid,
    ResponseTooLarge,
    TLSError,
    TooManyRedirects,
)
from faasguard_runtime.http.minimise import DataMinimisation
from faasguard_runtime.http.policy import HTTPS_PORT, EgressPolicy, normalise_host
from faasguard_runtime.http.schema import ResponseSchema

__all__ = ["Response", "SafeHttpClient", "build_ssl_context"]

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Headers that describe the connection or the framing: a caller setting them could desynchronise
# the request (smuggling) or point the Host header away from the host that was allowlisted.
_MANAGED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Methods that may be sent twice without changing the outcome (RFC 9110, 9.2.2).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Answers that say "try again shortly" (a gateway or the service overloaded or restarting).
_RETRY_STATUSES = frozenset({502, 503, 504})
_READ_CHUNK = 64 * 1024

# OpenSSL X509_V_ERR_* codes, grouped by the exception that names them.
_EXPIRED_CODES = frozenset({10})  # CERT_HAS_EXPIRED
_HOST_MISMATCH_CODES = frozenset({62, 64})  # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
# UNABLE_TO_GET_ISSUER_CERT, DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN,
# UNABLE_TO_GET_ISSUER_CERT_LOCALLY, UNABLE_TO_VERIFY_LEAF_SIGNATURE
_UNTRUSTED_CODES = frozenset({2, 18, 19, 20, 21})

# On Python 3.9 socket.timeout is not yet an alias of TimeoutError: catch both.
_TIMEOUTS = (socket.timeout, TimeoutError)


def build_ssl_context(*, ca_file: str | None = None, ca_data: str | None = None) -> ssl.SSLContext:
    """Build the client's TLS context: verification required, host names checked, TLS >= 1.2.

    The function takes no context from the caller, so no caller can hand in one with
    verification switched off. Strict X.509 checks are on, as in Python 3.13's defaults.

    Args:
        ca_file: path of a PEM bundle to trust instead of the system store.
        ca_data: PEM text to trust instead of the system store.

    Returns:
        A client-side ``SSLContext``.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    if ca_file is not None or ca_data is not None:
        context.load_verify_locations(cafile=ca_file, cadata=ca_data)
    else:
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)
    return context


@dataclass(frozen=True)
class Response:
    """A completed response, its body fully read (and bounded).

    Attributes:
        status: the HTTP status code.
        reason: the status line's reason phrase.
        headers: the response headers in order, repeated names kept.
        body: the raw body. Never decompressed: the client asks for ``identity`` encoding, and a
            server that compresses anyway gets its bytes returned as they are (no zip bomb).
        url: the URL that produced this response (after any redirects).
    """

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    url: str

    def header(self, name: str) -> str | None:
        """Return the first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def text(self) -> str:
        """The body decoded as UTF-8, undecodable bytes replaced."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Parse the body as strict JSON (see :mod:`faasguard_runtime.strict_json`).

        A third party's body is parsed like an event: UTF-8 only, no duplicate keys, no
        ``NaN``/``Infinity``, no numbers overflowing to infinity, and nesting too deep for the
        stack is a refusal, never a ``RecursionError`` escaping into the handler.

        Raises:
            ResponseInvalid: the body is not strict JSON (the message does not include it).
        """
        try:
            return strict_json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, strict_json.StrictJSONError) as exc:
            reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else str(exc)
            raise ResponseInvalid(
                f"response from {self.url} is not valid JSON ({len(self.body)} bytes): {reason}"
            ) from None


@dataclass(frozen=True)
class _Target:
    url: str
    host: str
    port: int
    path: str


@dataclass
class _CallStats:
    host: str | None = None
    port: int | None = None
    status: int | None = None
    bytes_sent: int = 0
    bytes_received: int = 0
    redirects: int = 0
    attempts: int = 0


class SafeHttpClient:
    """An HTTPS client that enforces an :class:`EgressPolicy` on every request.

    Build one per policy at module level (cold start): the TLS context, with its CA bundle, is
    loaded once. Each request opens its own connection, so the client is safe to share between
    threads.

    Example::

        client = SafeHttpClient(EgressPolicy(["api.example.com"]))
        reply = client.post("https://api.example.com/v1/orders", json=order)
    """

    def __init__(self, policy: EgressPolicy) -> None:
        """Validate the policy and load its trust store.

        Raises:
            ssl.SSLError: the CA bundle could not be parsed.
            FileNotFoundError: ``ca_file`` does not exist.
        """
        self.policy = policy
        self._ssl_context = build_ssl_context(ca_file=policy.ca_file, ca_data=policy.ca_data)
        # Pooled connections per thread, by (host, port): a connection is never shared between
        # threads, so the client stays safe to share.
        self._pool = threading.local()

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        response_schema: ResponseSchema | None = None,
    ) -> Response:
        """Send a GET request; see :meth:`request`."""
        return self.request(
            "GET", url, headers=headers, params=params, response_schema=response_schema
        )

    def post(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        body: bytes | None = None,
        response_schema: ResponseSchema | None = None,
        minimisation: DataMinimisation | None = None,
    ) -> Response:
        """Send a POST request; see :meth:`request`."""
        return self.request(
            "POST",
            url,
            headers=headers,
            json=json,
            body=body,
            response_schema=response_schema,
            minimisation=minimisation,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        body: bytes | None = None,
        response_schema: ResponseSchema | None = None,
        minimisation: DataMinimisation | None = None,
    ) -> Response:
        """Send one request under the client's policy and return the fully read response.

        Non-2xx statuses are returned, not raised: they are the API's answer, not a failure of
        the transport. One security event (policy ``http``) is emitted whatever happens.

        Args:
            method: an HTTP method (``GET``, ``POST``, ...).
            url: an ``https://`` URL whose host and port are in the allowlist.
            headers: extra request headers (not Host, Content-Length, Transfer-Encoding,
                Connection, which the client manages). Minimised like the body's values.
            params: query parameters, URL-encoded and appended to the URL's own query (a list
                value repeats the name); then minimised with the URL's query.
            json: a JSON-compatible body, minimised then sent as ``application/json``.
            body: raw bytes to send instead; refused when the minimisation policy names fields,
                since they cannot be found in opaque bytes.
            response_schema: JSON Schema that a 2xx response body must match.
            minimisation: overrides the policy's minimisation for this call.

        Returns:
            The response.

        Raises:
            EgressDenied: the URL, host, port or body is refused (nothing was sent).
            RedirectDenied: a redirect left the origin or downgraded to http.
            TooManyRedirects: the redirect chain was too long.
            TLSError: the handshake or certificate check failed (a subclass names which).
            HttpTimeout: a deadline passed.
            ConnectionFailed: the connection was refused or broke.
            ResponseTooLarge: the body passed ``max_response_bytes``.
            ResponseInvalid: a 2xx body is not JSON or does not match ``response_schema``.
            ValueError: a programming error (unknown method, managed header, both bodies).
        """
        verb = _check_method(method)
        rules = minimisation if minimisation is not None else self.policy.minimisation
        request_headers = rules.apply_headers(self._build_headers(headers))
        started = time.monotonic()
        stats = _CallStats()
        action, mode, outcome = "request", "info", "ok"
        try:
            target = self._resolve(_with_params(url, params), stats)
            target = _minimised(target, rules)
            payload = self._encode_body(json, body, rules, request_headers)
            response = self._attempts(verb, target, payload, request_headers, started, stats)
            if response_schema is not None and 200 <= response.status < 300:
                response_schema.validate(response.json())
            return response
        except HttpError as exc:
            action, mode = _classify(exc)
            outcome = type(exc).__name__
            raise
        except Exception as exc:
            action, mode, outcome = "error", "info", type(exc).__name__
            raise
        finally:
            emit(
                policy="http",
                action=action,
                mode=mode,
                detail={
                    "host": stats.host,
                    "port": stats.port,
                    "method": verb,
                    "status": stats.status,
                    "bytes_sent": stats.bytes_sent,
                    "bytes_received": stats.bytes_received,
                    "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
                    "redirects": stats.redirects,
                    "attempts": stats.attempts,
                    "outcome": outcome,
                },
            )

    # -- building the request -------------------------------------------------------------------

    def _build_headers(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        result = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "identity"}
        for name, value in (headers or {}).items():
            if name.lower() in _MANAGED_HEADERS:
                raise ValueError(f"header {name!r} is set by the client and cannot be overridden")
            if name.lower() == "accept-encoding":
                # A compressed body would bypass the size limit (it is counted before decoding).
                raise ValueError("Accept-Encoding is fixed to identity")
            result[name] = value
        return result

    def _resolve(self, url: str, stats: _CallStats) -> _Target:
        if not url.isascii() or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
            raise EgressDenied("malformed URL: control characters, spaces or non-ASCII text")
        parts = urlsplit(url)
        try:
            raw_host = parts.hostname
            port = parts.port or HTTPS_PORT
        except ValueError:
            raise EgressDenied("malformed URL: invalid port") from None
        if raw_host:
            stats.host = raw_host
        if parts.scheme.lower() != "https":
            raise EgressDenied(
                f"scheme {parts.scheme or '(none)'!r} refused: only https is allowed"
            )
        if "@" in parts.netloc:
            raise EgressDenied("credentials in the URL refused: send them in a header")
        try:
            host = normalise_host(raw_host or "")
        except ValueError as exc:
            raise EgressDenied(f"malformed URL: {exc}") from None
        stats.host, stats.port = host, port
        if not self.policy.allows(host, port):
            raise EgressDenied(f"egress to {host}:{port} refused: not in the allowlist")
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return _Target(url=url, host=host, port=port, path=path)

    def _encode_body(
        self,
        data: Any,
        body: bytes | None,
        rules: DataMinimisation,
        headers: dict[str, str],
    ) -> bytes | None:
        if data is not None and body is not None:
            raise ValueError("pass either json= or body=, not both")
        if body is not None:
            if rules.has_field_rules:
                raise EgressDenied(
                    "field minimisation cannot be applied to a raw body: pass the data as json="
                )
            return bytes(body)
        if data is None:
            return None
        encoded = _json.dumps(
            rules.apply(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode("utf-8")
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
        return encoded

    # -- the exchange ---------------------------------------------------------------------------

    def _attempts(
        self,
        method: str,
        target: _Target,
        payload: bytes | None,
        headers: dict[str, str],
        started: float,
        stats: _CallStats,
    ) -> Response:
        """Run the exchange, again after transient failures when the method is idempotent."""
        deadline = started + self.policy.total_timeout
        retries = self.policy.retries if method in _IDEMPOTENT else 0
        attempt = 0
        while True:
            stats.attempts = attempt + 1
            try:
                response = self._exchange(method, target, payload, dict(headers), started, stats)
            except (ConnectionFailed, HttpTimeout) as exc:
                transient = isinstance(exc, ConnectionFailed) or exc.phase == "connect"
                if not transient or attempt >= retries:
                    raise
            else:
                if response.status not in _RETRY_STATUSES or attempt >= retries:
                    return response
            # Full jitter: concurrent functions retrying after one outage do not retry in step.
            pause = random.uniform(0, self.policy.retry_backoff * 2**attempt)  # noqa: S311
            if time.monotonic() + pause >= deadline:
                raise HttpTimeout(f"total deadline passed retrying {target.host}", phase="total")
            time.sleep(pause)
            attempt += 1

    def _exchange(
        self,
        method: str,
        target: _Target,
        payload: bytes | None,
        headers: dict[str, str],
        started: float,
        stats: _CallStats,
    ) -> Response:
        deadline = started + self.policy.total_timeout
        while True:
            connection, reply = self._send(method, target, payload, headers, deadline, stats)
            reusable = False
            try:
                stats.status = reply.status
                location = reply.getheader("Location")
                if (
                    self.policy.follow_redirects
                    and reply.status in _REDIRECT_STATUSES
                    and location is not None
                ):
                    if stats.redirects >= self.policy.max_redirects:
                        raise TooManyRedirects(
                            f"more than {self.policy.max_redirects} redirects from {target.host}"
                        )
                    target = self._redirect_target(target, location)
                    stats.redirects += 1
                    if reply.status == 303 or (
                        reply.status in (301, 302) and method not in ("GET", "HEAD")
                    ):
                        # As browsers do: the follow-up is a GET without the body.
                        method, payload = "GET", None
                        headers.pop("Content-Type", None)
                    continue
                data = self._read_body(connection, reply, deadline, target)
                stats.bytes_received = len(data)
                if self.policy.keep_alive and not reply.will_close:
                    self._release(target, connection)  # fully read: reusable
                    reusable = True
                return Response(
                    status=reply.status,
                    reason=reply.reason,
                    headers=tuple(reply.getheaders()),
                    body=data,
                    url=target.url,
                )
            finally:
                if not reusable:
                    connection.close()

    def _pooled(self, target: _Target) -> http.client.HTTPSConnection | None:
        """Take this thread's idle connection to the target's origin, if it is still open."""
        idle = getattr(self._pool, "idle", None)
        if not idle:
            return None
        connection: http.client.HTTPSConnection | None = idle.pop((target.host, target.port), None)
        if connection is None:
            return None
        sock = connection.sock
        if sock is None or _dropped(sock):
            # The server closed it while idle (Lambda freezes between invocations, servers time
            # idle connections out): discard it before sending anything on it.
            connection.close()
            return None
        return connection

    def _release(self, target: _Target, connection: http.client.HTTPSConnection) -> None:
        idle = getattr(self._pool, "idle", None)
        if idle is None:
            idle = self._pool.idle = {}
        previous = idle.pop((target.host, target.port), None)
        if previous is not None:
            previous.close()
        idle[(target.host, target.port)] = connection

    def _send(
        self,
        method: str,
        target: _Target,
        payload: bytes | None,
        headers: Mapping[str, str],
        deadline: float,
        stats: _CallStats,
    ) -> tuple[http.client.HTTPSConnection, http.client.HTTPResponse]:
        connection = self._pooled(target) if self.policy.keep_alive else None
        if connection is not None:
            sock = connection.sock
            if isinstance(sock, _DeadlineSocket):
                sock.rearm(deadline)  # this call's deadline, not the previous one's
        else:
            connection = http.client.HTTPSConnection(
                target.host,
                target.port,
                timeout=_bounded(self.policy.connect_timeout, deadline, target),
                context=self._ssl_context,
            )
        phase = "connect"
        try:
            if connection.sock is None:
                connection.connect()
                connected = cast("socket.socket", connection.sock)  # set by connect()
                connection.sock = _DeadlineSocket(connected, deadline, self.policy.read_timeout)
            phase = "read"
            _set_timeout(connection, _bounded(self.policy.read_timeout, deadline, target))
            connection.request(method, target.path, body=payload, headers=dict(headers))
            stats.bytes_sent += len(payload or b"")
            return connection, connection.getresponse()
        except BaseException as exc:
            connection.close()
            error = _translate(exc, phase=phase, target=target, deadline=deadline)
            if error is None:
                raise
            raise error from None

    def _redirect_target(self, current: _Target, location: str) -> _Target:
        next_url = urljoin(current.url, location)
        parts = urlsplit(next_url)
        if parts.scheme.lower() != "https":
            raise RedirectDenied(f"redirect from {current.host} to plain {parts.scheme!r} refused")
        try:
            host = normalise_host(parts.hostname or "")
            port = parts.port or HTTPS_PORT
        except ValueError:
            raise RedirectDenied(f"redirect from {current.host} to a malformed URL") from None
        if (host, port) != (current.host, current.port):
            raise RedirectDenied(
                f"redirect from {current.host}:{current.port} to {host}:{port} refused: "
                "redirects are followed within the same origin only"
            )
        return self._resolve(next_url, _CallStats())

    def _read_body(
        self,
        connection: http.client.HTTPSConnection,
        reply: http.client.HTTPResponse,
        deadline: float,
        target: _Target,
    ) -> bytes:
        limit = self.policy.max_response_bytes
        if reply.length is not None and reply.length > limit:
            raise ResponseTooLarge(
                f"response from {target.host} announces {reply.length} bytes, "
                f"over the {limit}-byte limit",
                limit=limit,
            )
        received = bytearray()
        try:
            while True:
                _set_timeout(connection, _bounded(self.policy.read_timeout, deadline, target))
                chunk = reply.read(min(_READ_CHUNK, limit + 1 - len(received)))
                if not chunk:
                    return bytes(received)
                received += chunk
                if len(received) > limit:
                    raise ResponseTooLarge(
                        f"response from {target.host} passed the {limit}-byte limit; "
                        "reading stopped",
                        limit=limit,
                    )
        except HttpError:
            raise
        except BaseException as exc:
            error = _translate(exc, phase="read", target=target, deadline=deadline)
            if error is None:
                raise
            raise error from None


class _DeadlineSocket:
    """A connected socket whose every receive and send ends by the call's total deadline.

    A socket timeout bounds one ``recv``; a server that trickles a byte at a time resets it at
    each byte, and ``http.client`` reads status lines, headers and bodies in loops of ``recv``.
    Bounding each ``recv`` by ``min(read_timeout, time left)`` makes ``total_timeout`` hold in
    every phase, however the server paces its bytes. Everything else is delegated.
    """

    def __init__(self, sock: socket.socket, deadline: float, read_timeout: float) -> None:
        self._sock = sock
        self._deadline = deadline
        self._read_timeout = read_timeout

    def rearm(self, deadline: float) -> None:
        """Bind a pooled connection to the deadline of the call now using it."""
        self._deadline = deadline

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("total deadline passed")
        self._sock.settimeout(min(self._read_timeout, remaining))

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._arm()
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self._arm()
        return self._sock.recv(bufsize, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._arm()
        self._sock.sendall(data, flags)

    def makefile(self, mode: str = "r", buffering: int | None = None, **_: Any) -> Any:
        # http.client reads the response through makefile("rb"): route it through recv_into.
        # Count the file as socket.makefile does, so that closing the connection (which
        # http.client does right after the headers of a "Connection: close" response) keeps the
        # descriptor open until the response is read.
        self._sock._io_refs += 1  # type: ignore[attr-defined]
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]
        return io.BufferedReader(raw, buffering or io.DEFAULT_BUFFER_SIZE)

    def settimeout(self, value: float | None) -> None:
        self._sock.settimeout(value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _with_params(url: str, params: Mapping[str, Any] | None) -> str:
    """Append ``params`` to ``url``'s query string, URL-encoded (a list repeats the name)."""
    if not params:
        return url
    from urllib.parse import quote, urlencode

    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is None or isinstance(item, (dict, list, tuple, bytes)):
                raise ValueError(f"params[{name!r}] must be a scalar or a list of scalars")
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            pairs.append((str(name), text))
    base, _, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        separator = ""
    joined = base + separator + urlencode(pairs, quote_via=quote)
    return f"{joined}#{fragment}" if fragment else joined


def _minimised(target: _Target, rules: DataMinimisation) -> _Target:
    """Apply the minimisation rules to the query string of the request target."""
    path, mark, query = target.path.partition("?")
    if not mark:
        return target
    cleaned = rules.apply_query(query)
    if cleaned == query:
        return target
    return _Target(url=target.url, host=target.host, port=target.port, path=f"{path}?{cleaned}")


def _dropped(sock: Any) -> bool:
    """Say whether an idle connection was closed (or sent something unasked) by the server.

    An idle HTTP/1.1 connection has nothing to read; readable means end of file or stray data,
    and either way it must not carry the next request.
    """
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _check_method(method: str) -> str:
    verb = method.upper()
    if verb not in _METHODS:
        raise ValueError(f"unsupported HTTP method {method!r}")
    return verb


def _bounded(timeout: float, deadline: float, target: _Target) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise HttpTimeout(f"total deadline passed calling {target.host}", phase="total")
    return min(timeout, remaining)


def _set_timeout(connection: http.client.HTTPSConnection, timeout: float) -> None:
    if connection.sock is not None:
        connection.sock.settimeout(timeout)


def _translate(
    exc: BaseException, *, phase: str, target: _Target, deadline: float
) -> HttpError | None:
    """Map a standard-library exception to the client's hierarchy (None: not ours to map)."""
    where = f"{target.host}:{target.port}"
    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = exc.verify_code
        message = f"TLS certificate of {where} rejected: {exc.verify_message}"
        if code in _EXPIRED_CODES:
            return CertificateExpired(message, verify_code=code)
        if code in _HOST_MISMATCH_CODES:
            return CertificateHostMismatch(message, verify_code=code)
        if code in _UNTRUSTED_CODES:
            return CertificateUntrusted(message, verify_code=code)
        return TLSError(message, verify_code=code)
    if isinstance(exc, ssl.SSLError):
        return TLSError(f"TLS handshake with {where} failed: {exc.reason or exc}")
    if isinstance(exc, _TIMEOUTS):
        if time.monotonic() >= deadline:
            return HttpTimeout(f"total deadline passed calling {where}", phase="total")
        return HttpTimeout(f"{phase} timeout calling {where}", phase=phase)
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return ConnectionFailed(f"connection to {where} failed: {type(exc).__name__}: {exc}")
    return None


def _classify(exc: HttpError) -> tuple[str, str]:
    """Return the event ``(action, mode)`` for a failed call."""
    if isinstance(exc, (EgressDenied, TooManyRedirects)):
        return "deny", "block"
    if isinstance(exc, TLSError):
        return "tls", "block"
    if isinstance(exc, (ResponseTooLarge, ResponseInvalid)):
        return "abort", "block"
    return "error", "info"
