"""faasguard-runtime: the security library each function imports.

It never imports the faasguard scanner, and it needs only the standard library unless an extra
(schema, crypto, redis, aws) is installed.
"""

from __future__ import annotations

from faasguard_runtime.errors import FaasguardRuntimeError
from faasguard_runtime.events import SecurityEvent, add_sink, emit, remove_sink, set_request_context

__version__ = "0.1.0"

__all__ = [
    "FaasguardRuntimeError",
    "SecurityEvent",
    "__version__",
    "add_sink",
    "emit",
    "remove_sink",
    "set_request_context",
]
