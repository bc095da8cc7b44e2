"""Errors raised by the runtime shield."""

from __future__ import annotations

from faasguard_runtime.errors import FaasguardRuntimeError

__all__ = ["ShieldConfigError", "ShieldViolation"]


class ShieldViolation(FaasguardRuntimeError):  # noqa: N818 - the documented public name
    """A ``block``-mode policy stopped an action before it happened.

    Raised from the audit hook, so it surfaces from the call that attempted the action
    (``subprocess.run``, ``open``, ``socket.connect``, ``exec``...). It deliberately does not derive
    from ``OSError``: code that retries or swallows I/O errors must not mistake a refusal for a
    transient failure.

    Attributes:
        policy: the policy that refused (``subprocess``, ``egress``, ``file_write``,
            ``code_read``, ``dynamic_code``, ``ctypes``).
        event: the audit event that carried the action (``subprocess.Popen``, ``open``...).
        target: what was attempted: a program, ``host:port``, a path, a library or symbol name.
            Never command lines, payloads or source code, which may hold secrets.
    """

    def __init__(self, *, policy: str, event: str, target: str) -> None:
        super().__init__(f"faasguard shield blocked {policy}: {event} {target}")
        self.policy = policy
        self.event = event
        self.target = target


class ShieldConfigError(FaasguardRuntimeError):
    """The shield's policy or its environment variables are not valid.

    Raised by ``install`` (normally during the cold start), so a typo in an allowlist fails the
    deployment instead of silently leaving a policy off.
    """
