"""Safe outbound HTTP for Lambda functions (standard library only; schema checks need ``[schema]``).

Threats answered: exfiltration or SSRF through a call to an unexpected host (allowlist, no
cross-origin redirects), interception (TLS always verified, no plain http), a hostile or broken
server holding the function or its memory (timeouts, response cap), over-sharing personal data
with a third party (data minimisation), and unexpected response shapes (JSON Schema). Each call
leaves a security event. See ``docs/runtime/http.md``.
"""

from __future__ import annotations

from faasguard_runtime.http.client import Response, SafeHttpClient, build_ssl_context
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
from faasguard_runtime.http.minimise import REDACTED, DataMinimisation, luhn_valid
from faasguard_runtime.http.policy import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MINIMISATION,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    HTTPS_PORT,
    EgressPolicy,
    HostPattern,
)
from faasguard_runtime.http.schema import ResponseSchema

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MINIMISATION",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "HTTPS_PORT",
    "REDACTED",
    "CertificateExpired",
    "CertificateHostMismatch",
    "CertificateUntrusted",
    "ConnectionFailed",
    "DataMinimisation",
    "EgressDenied",
    "EgressPolicy",
    "HostPattern",
    "HttpError",
    "HttpTimeout",
    "RedirectDenied",
    "Response",
    "ResponseInvalid",
    "ResponseSchema",
    "ResponseTooLarge",
    "SafeHttpClient",
    "TLSError",
    "TooManyRedirects",
    "build_ssl_context",
    "luhn_valid",
]
