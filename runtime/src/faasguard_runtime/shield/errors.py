"""Errors raised by the runtime shield."""

from __future__ import annotations

import errno

from faasguard_runtime.errors import FaasguardRuntimeError

__all__ = ["ShieldConfigError", "ShieldViolation"]


class ShieldViolation(FaasguardRuntimeError, PermissionError):  # noqa: N818 - the public name
    """A ``block``-mode policy stopped an action before it happened.

    Raised from the audit hook, so it surfaces from the call that attempted the action
    (``subprocess.run``, ``open``, ``socket.connect``, ``exec``...).

    It is also a ``PermissionError`` (errno ``EPERM``), so a refusal fails the way the operating
    system would refuse the same action. Lambda's file system already refuses writes outside
    ``/tmp`` with an ``OSError``, and libraries cope with that: the import system skips writing
    bytecode, caches fall back to a temporary directory, optional native libraries are treated as
    missing. A refusal that was not an ``OSError`` would make them crash instead. The action did
    not happen and the security event was emitted either way; catch ``ShieldViolation`` to tell a
    refusal from an ordinary I/O error.

    Attributes:
        policy: the policy that refused (``subprocess``, ``egress``, ``file_write``,
            ``code_read``, ``dynamic_code``, ``ctypes``).
        event: the audit event that carried the action (``subprocess.Popen``, ``open``...).
        target: what was attempted: a program, ``host:port``, a path, a library or symbol name.
            Never command lines, payloads or source code, which may hold secrets.
    """

    def __init__(self, *, policy: str, event: str, target: str) -> None:
        message = f"faasguard shield blocked {policy}: {event} {target}"
        super().__init__(errno.EPERM, message)
        self.policy = policy
        self.event = event
        self.target = target

    def __str__(self) -> str:
        # Without the "[Errno 1]" prefix OSError would add: the message names its own cause.
        return f"faasguard shield blocked {self.policy}: {self.event} {self.target}"


class ShieldConfigError(FaasguardRuntimeError):
    """The shield's policy or its environment variables are not valid.

    Raised by ``install`` (normally during the cold start), so a typo in an allowlist fails the
    deployment instead of silently leaving a policy off.
    """
