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
(``schema``, ``crypto``, ``redis``, ``aws``, ``pydantic``, ``powertools``) is installed; each part
and each optional module loads on first use, so a function pays at cold start only for the parts
it uses. :mod:`faasguard_runtime.powertools` plugs the parts into AWS Lambda Powertools.
"""

import sys as _sys
import types as _types
import typing as _typing

if _typing.TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers and IDEs
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
    from faasguard_runtime.validate import ResponseValidationError, ValidationError, validate

# Each part is imported on first use (PEP 562), so a function that only uses ``validate`` does not
# pay at cold start for ssl, http.client and email (the HTTP client), the cache or the shield.
# Name -> (module, attribute); attribute None means the module itself.
_LAZY: dict[str, tuple[str, str | None]] = {
    "cache": ("faasguard_runtime.cache", None),
    "events": ("faasguard_runtime.events", None),
    "http": ("faasguard_runtime.http", None),
    "shield": ("faasguard_runtime.shield", None),
    "EncryptedCache": ("faasguard_runtime.cache", "EncryptedCache"),
    "Keyring": ("faasguard_runtime.cache", "Keyring"),
    "SessionStore": ("faasguard_runtime.cache", "SessionStore"),
    "FaasguardRuntimeError": ("faasguard_runtime.errors", "FaasguardRuntimeError"),
    "SecurityEvent": ("faasguard_runtime.events", "SecurityEvent"),
    "add_sink": ("faasguard_runtime.events", "add_sink"),
    "emit": ("faasguard_runtime.events", "emit"),
    "remove_sink": ("faasguard_runtime.events", "remove_sink"),
    "set_request_context": ("faasguard_runtime.events", "set_request_context"),
    "set_stdout": ("faasguard_runtime.events", "set_stdout"),
    "EgressDenied": ("faasguard_runtime.http.errors", "EgressDenied"),
    "EgressPolicy": ("faasguard_runtime.http", "EgressPolicy"),
    "SafeHttpClient": ("faasguard_runtime.http", "SafeHttpClient"),
    "ShieldViolation": ("faasguard_runtime.shield.errors", "ShieldViolation"),
    # ``validate`` here is the decorator (what a handler wants); the subpackage stays importable
    # as ``faasguard_runtime.validate`` for its other names.
    "ResponseValidationError": ("faasguard_runtime.validate.errors", "ResponseValidationError"),
    "ValidationError": ("faasguard_runtime.validate.errors", "ValidationError"),
}


def __getattr__(name: str) -> _typing.Any:
    """Import a public name's module on first access and cache the name here."""
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'faasguard_runtime' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(target[0])
    value = module if target[1] is None else getattr(module, target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"validate"})


class _Package(_types.ModuleType):
    """This package's module type: ``faasguard_runtime.validate`` stays the decorator.

    Importing the subpackage ``faasguard_runtime.validate`` makes the import system set the
    package's ``validate`` attribute to the subpackage, which with lazy imports can happen after
    (and so undo) binding the decorator. The property keeps the documented meaning whatever was
    imported first; the subpackage is still ``sys.modules["faasguard_runtime.validate"]``.
    """

    @property
    def validate(self) -> _typing.Any:
        from faasguard_runtime.validate.decorator import validate

        return validate

    @validate.setter
    def validate(self, value: _typing.Any) -> None:
        """Ignore the import system binding the subpackage here."""


_sys.modules[__name__].__class__ = _Package


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
