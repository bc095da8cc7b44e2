"""HTTP for the vulnerability layer: https only, no redirects, timeouts, size caps, retries.

Everything that leaves the machine goes through :func:`request`, so the policy lives in one
place:

* ``https`` is required; plain ``http`` is accepted only for a loopback host (``127.0.0.1``,
  ``::1``, ``localhost``), which is how the tests run their local OSV servers;
* TLS certificates are verified (the default SSL context);
* redirects are refused (OSV's endpoints do not redirect, and following one could leave https
  or the intended host);
* every call has a timeout and a response-size cap, checked against ``Content-Length`` and
  again while reading;
* loopback requests bypass proxy settings, other requests honour them.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO, TypeVar

from faasguard.deps.vulns.interface import DownloadError, UnsafeURLError

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "HTTPStatusError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "check_url",
    "download",
    "request",
    "with_retries",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds allowed for connecting and for each read."""
USER_AGENT = "faasguard-vulns"
_CHUNK = 1024 * 1024
_LOG = logging.getLogger(__name__)
_T = TypeVar("_T")


class ResponseTooLargeError(DownloadError):
    """The response is bigger than the caller's cap; not retried."""


class HTTPStatusError(DownloadError):
    """The server answered with an error status.

    Attributes:
        status: The HTTP status code.
        url: The URL requested.
    """

    def __init__(self, url: str, status: int, reason: str) -> None:
        super().__init__(f"{url}: HTTP {status} {reason}")
        self.url = url
        self.status = status


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How transient failures are retried.

    Connection errors, timeouts, HTTP 429 and 5xx are transient; anything else fails at once.

    Attributes:
        attempts: Total tries, the first included.
        backoff: Seconds before the first retry; doubled after each failure.
        max_backoff: Ceiling of one wait.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0


def check_url(url: str) -> None:
    """Refuse a URL that is not https (or http to a loopback host).

    Args:
        url: The URL.

    Raises:
        UnsafeURLError: The scheme is not allowed for that host.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return
    raise UnsafeURLError(f"{url}: only https URLs are allowed (http only to a loopback host)")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None  # urllib then raises HTTPError with the 3xx status.


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    handlers: list[urllib.request.BaseHandler] = [
        _NoRedirect(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    ]
    if _is_loopback(host):
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def request(
    url: str,
    *,
    max_bytes: int,
    timeout: float = DEFAULT_TIMEOUT,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """Fetch a URL into memory.

    Args:
        url: The URL (see :func:`check_url`).
        max_bytes: Largest body accepted.
        timeout: Seconds for connecting and for each read.
        data: A JSON body to POST; ``None`` for GET.
        headers: Extra request headers.

    Returns:
        The response body.

    Raises:
        UnsafeURLError: The URL is refused.
        HTTPStatusError: The server answered with an error (or redirect) status.
        ResponseTooLargeError: The body is over ``max_bytes``.
        DownloadError: Connection failure or timeout.
    """
    chunks: list[bytes] = []
    _transfer(url, chunks.append, max_bytes=max_bytes, timeout=timeout, data=data, headers=headers)
    return b"".join(chunks)


def download(url: str, dest: BinaryIO, *, max_bytes: int, timeout: float) -> int:
    """Stream a URL into a file.

    Args:
        url: The URL (see :func:`check_url`).
        dest: An open binary file.
        max_bytes: Largest body accepted.
        timeout: Seconds for connecting and for each read.

    Returns:
        The number of bytes written.

    Raises:
        UnsafeURLError: The URL is refused.
        HTTPStatusError: The server answered with an error status.
        ResponseTooLargeError: The body is over ``max_bytes``.
        DownloadError: Connection failure or timeout.
    """
    return _transfer(url, dest.write, max_bytes=max_bytes, timeout=timeout, data=None, headers=None)


def _transfer(
    url: str,
    write: Callable[[bytes], object],
    *,
    max_bytes: int,
    timeout: float,
    data: bytes | None,
    headers: Mapping[str, str] | None,
) -> int:
    check_url(url)
    method = "POST" if data is not None else "GET"
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - check_url above
    req.add_header("User-Agent", USER_AGENT)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with _opener(url).open(req, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise ResponseTooLargeError(f"{url}: {declared} bytes, over the {max_bytes} cap")
            total = 0
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    return total
                total += len(chunk)
                if total > max_bytes:
                    raise ResponseTooLargeError(f"{url}: response over the {max_bytes} cap")
                write(chunk)
    except urllib.error.HTTPError as exc:
        raise HTTPStatusError(url, exc.code, str(exc.reason)) from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: {exc.reason}") from None
    except (OSError, http.client.HTTPException) as exc:
        # Timeouts (socket.timeout is an OSError), resets, truncated responses.
        raise DownloadError(f"{url}: {exc or type(exc).__name__}") from None


def _transient(exc: DownloadError) -> bool:
    if isinstance(exc, (UnsafeURLError, ResponseTooLargeError)):
        return False
    if isinstance(exc, HTTPStatusError):
        return exc.status == 429 or exc.status >= 500
    return True


def with_retries(
    action: Callable[[], _T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> _T:
    """Run a request, retrying transient failures with exponential backoff.

    Args:
        action: Performs the request.
        policy: How often and how long to wait.
        sleep: Waits; replaced in tests.

    Returns:
        What ``action`` returned.

    Raises:
        DownloadError: The last failure, or the first one that is not transient.
    """
    delay = policy.backoff
    attempt = 1
    while True:
        try:
            return action()
        except DownloadError as exc:
            if attempt >= policy.attempts or not _transient(exc):
                raise
            _LOG.info("retrying after %s (attempt %d of %d)", exc, attempt, policy.attempts)
            sleep(min(delay, policy.max_backoff))
            delay *= 2
            attempt += 1
