"""faasguard-runtime: the security library each function imports.

Five parts, each answering one threat (see ``docs/runtime/``):

* :mod:`faasguard_runtime.validate`: ``@validate`` checks events and responses against JSON
  Schemas per trigger (injection through event data, oversized payloads, leaking responses).
* :mod:`faasguard_runtime.http`: :class:`SafeHttpClient`, HTTPS only with verification always on,
  a host allowlist, timeouts, size caps and data minimisation (third parties).
* :mod:`faasguard_runtime.cache`: :class:`EncryptedCache` and :class:`SessionStore`, AES-256-GCM
  records with key rotation and enforced TTLs (session and cache data kept off the box).
* :mod:`faasguard_runtime.shield`: PEP 578 audit hooks that block or report child processes,
  egress, writes outside ``/tmp``, reads of the function's code and dynamic code.
* :mod:`faasguard_runtime.events`: one JSON line per security event on the log stream.

It never imports the faasguard scanner, and needs only the standard library unless an extra
(``schema``, ``crypto``, ``redis``, ``aws``) is installed; optional modules load on first use.
"""

from faasguard_runtime import cache, events, http, shield
from faasguard_runtime.cache import EncryptedCache, Keyring, SessionStore
from faasguard_runtime.errors import FaasguardRuntimeError
from faasguard_runtime.events import (
    SecurityEvent,
    add_sink,
    emit,
    remove_sink,
    set_request_context,
    set_stdout,
)
from faasguard_runtime.http import EgressDenied, EgressPolicy, SafeHttpClient
from faasguard_runtime.shield import ShieldViolation

# ``validate`` here is the decorator (what a handler wants); the subpackage stays importable as
# ``faasguard_runtime.validate`` for its other names.
from faasguard_runtime.validate import ResponseValidationError, ValidationError, validate

__version__ = "0.1.0"

__all__ = [
    "EgressDenied",
    "EgressPolicy",
    "EncryptedCache",
    "FaasguardRuntimeError",
    "Keyring",
    "ResponseValidationError",
    "SafeHttpClient",
    "SecurityEvent",
    "SessionStore",
    "ShieldViolation",
    "ValidationError",
    "__version__",
    "add_sink",
    "cache",
    "emit",
    "events",
    "http",
    "remove_sink",
    "set_request_context",
    "set_stdout",
    "shield",
    "validate",
]
