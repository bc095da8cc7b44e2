"""The outbound HTTP client's exception hierarchy.

Every refusal and failure of :class:`~faasguard_runtime.http.SafeHttpClient` is one of these
classes, so a handler can ``except HttpError`` in one place, or pick the one case it can act on
(for instance retry on :class:`HttpTimeout` but never on :class:`TLSError`). Programming mistakes
(a header the client manages itself, both ``json=`` and ``body=``) stay ``ValueError``: they are
bugs to fix, not conditions to handle.

The names read as the condition (``EgressDenied``, ``ResponseTooLarge``), as httpx's do, rather
than carrying an ``Error`` suffix; hence the ``N818`` exemptions below.

::

    FaasguardRuntimeError
    └── HttpError
        ├── EgressDenied            the request would leave the allowed perimeter
        │   └── RedirectDenied      a redirect pointed to another origin or to plain http
        ├── TooManyRedirects
        ├── TLSError                the TLS handshake failed
        │   ├── CertificateExpired
        │   ├── CertificateHostMismatch
        │   └── CertificateUntrusted  self-signed, or signed by a CA outside the trust store
        ├── HttpTimeout
        ├── ConnectionFailed
        ├── ResponseTooLarge
        └── ResponseInvalid         not JSON, or not matching the expected JSON Schema
"""

from __future__ import annotations

from faasguard_runtime.errors import FaasguardRuntimeError

__all__ = [
    "CertificateExpired",
    "CertificateHostMismatch",
    "CertificateUntrusted",
    "ConnectionFailed",
    "EgressDenied",
    "HttpError",
    "HttpTimeout",
    "RedirectDenied",
    "ResponseInvalid",
    "ResponseTooLarge",
    "TLSError",
    "TooManyRedirects",
]


class HttpError(FaasguardRuntimeError):
    """Base class of every error the safe HTTP client raises."""


class EgressDenied(HttpError):  # noqa: N818
    """The request was refused before any byte left the function.

    Raised for plain ``http``, a host or port outside the allowlist, credentials in the URL, a
    malformed URL, or a body the data-minimisation policy cannot be applied to.
    """


class RedirectDenied(EgressDenied):
    """A redirect pointed to another origin (host or port) or downgraded to plain ``http``.

    A redirect is the server choosing the next destination; following it across origins would let
    a compromised or misconfigured third party steer the function's traffic (and any headers it
    carries) to a host the allowlist was written to exclude.
    """


class TooManyRedirects(HttpError):  # noqa: N818
    """The same-origin redirect chain was longer than the policy's ``max_redirects``."""


class TLSError(HttpError):
    """The TLS handshake failed, so no request was sent.

    Attributes:
        verify_code: OpenSSL's ``X509_V_ERR_*`` code when certificate verification failed, else
            None (protocol or cipher mismatch, handshake aborted).
    """

    def __init__(self, message: str, *, verify_code: int | None = None) -> None:
        super().__init__(message)
        self.verify_code = verify_code


class CertificateExpired(TLSError):  # noqa: N818
    """The server's certificate is past its ``notAfter`` date."""


class CertificateHostMismatch(TLSError):  # noqa: N818
    """The server's certificate does not name the host (or IP address) that was contacted."""


class CertificateUntrusted(TLSError):  # noqa: N818
    """The server's certificate does not chain to a trusted CA (self-signed, or unknown issuer)."""


class HttpTimeout(HttpError):  # noqa: N818
    """The connect, read or total deadline passed.

    Attributes:
        phase: ``"connect"``, ``"read"`` or ``"total"``.
    """

    def __init__(self, message: str, *, phase: str) -> None:
        super().__init__(message)
        self.phase = phase


class ConnectionFailed(HttpError):  # noqa: N818
    """The connection could not be made or broke (refused, reset, malformed HTTP)."""


class ResponseTooLarge(HttpError):  # noqa: N818
    """The response body was larger than the policy's ``max_response_bytes``.

    The client stops reading and closes the connection as soon as the limit is passed (or before
    reading, when ``Content-Length`` already announces more), so a hostile server cannot exhaust
    the function's memory.

    Attributes:
        limit: the limit in bytes.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class ResponseInvalid(HttpError):  # noqa: N818
    """The response body is not JSON, or does not match the expected JSON Schema.

    The message names the failing rule (``data.id must be integer``), never the body itself.
    """
