"""Runtime shield: PEP 578 audit hooks that block or report risky actions inside the function.

Example::

    from faasguard_runtime import shield

    shield.install()  # policy from FAASGUARD_SHIELD_* environment variables

Policies (each ``block``, ``alert`` or ``allow``): child processes, outbound connections, file
writes outside ``/tmp``, reads of the function's own source, dynamic code, and ``ctypes``. The
shield raises the cost of common post-exploitation steps and makes them visible; it is not a
sandbox. See ``docs/runtime/shield.md`` for what it cannot stop.
"""

from __future__ import annotations

from faasguard_runtime.shield.errors import ShieldConfigError, ShieldViolation
from faasguard_runtime.shield.hook import active_policy, install, uninstall
from faasguard_runtime.shield.policy import (
    DEFAULT_ALLOWED_HOSTS,
    DEFAULT_WRITE_ROOTS,
    Mode,
    ShieldPolicy,
)

__all__ = [
    "DEFAULT_ALLOWED_HOSTS",
    "DEFAULT_WRITE_ROOTS",
    "Mode",
    "ShieldConfigError",
    "ShieldPolicy",
    "ShieldViolation",
    "active_policy",
    "install",
    "uninstall",
]
