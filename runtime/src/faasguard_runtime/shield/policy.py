"""The shield's policy: one mode per policy, plus the allowlists they consult.

The defaults block what a Lambda function practically never needs and an attacker almost always
does (starting programs, writing outside ``/tmp``, loading native code through ``ctypes``), and
only alert on what ordinary functions do for legitimate reasons (calling third-party APIs, reading
bundled files, generating code): an ``install()`` with no configuration must not break a working
function, but it must make an attack visible.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any

from faasguard_runtime.shield.errors import ShieldConfigError
from faasguard_runtime.shield.matching import HostMatcher

__all__ = [
    "DEFAULT_ALLOWED_HOSTS",
    "DEFAULT_WRITE_ROOTS",
    "ENV_PREFIX",
    "POLICY_NAMES",
    "Mode",
    "ShieldPolicy",
]


class Mode(str, Enum):
    """What a policy does when an action matches it."""

    #: Raise :class:`ShieldViolation` from the audit hook before the action happens, and emit an
    #: event.
    BLOCK = "block"
    #: Let the action happen and emit an event.
    ALERT = "alert"
    #: Do nothing (the policy's audit events are not even inspected).
    ALLOW = "allow"


#: AWS service endpoints. Note that they include every AWS customer's endpoints too (any S3 bucket,
#: any API Gateway), so they do not stop exfiltration to an attacker's own AWS account; only VPC
#: endpoint policies can.
DEFAULT_ALLOWED_HOSTS = ("*.amazonaws.com", "*.amazonaws.com.cn", "*.api.aws")
#: Lambda's only writable directory.
DEFAULT_WRITE_ROOTS = ("/tmp",)  # noqa: S108 - naming the Lambda scratch directory, not using it
#: Environment variables are ``FAASGUARD_SHIELD_<NAME>``.
ENV_PREFIX = "FAASGUARD_SHIELD_"
#: The policies, in the order events and documentation list them.
POLICY_NAMES = ("subprocess", "egress", "file_write", "code_read", "dynamic_code", "ctypes")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


# Not slots=True: faasguard-runtime supports Python 3.9, where dataclass() has no slots argument.
@dataclass(frozen=True)
class ShieldPolicy:
    """Which actions the shield blocks, reports or ignores.

    Attributes:
        subprocess: starting programs (``subprocess``, ``os.system``, ``os.exec*``,
            ``os.posix_spawn``, ``os.spawn*``, ``pty.spawn``, ``_posixsubprocess.fork_exec``:
            spawn-based ``multiprocessing``). Default ``block``.
        egress: resolving or connecting to hosts outside ``allowed_hosts``. Default ``alert``.
        file_write: creating, writing, renaming, deleting or changing files outside
            ``write_roots``. Default ``block``.
        code_read: reading Python source, bytecode or ``.env`` files under ``code_roots``, or the
            process environment through ``/proc/*/environ``. The import system and traceback
            formatting are exempt. Default ``alert``.
        dynamic_code: compiling code from strings that are not constants of the calling code
            (``exec``, ``eval``, ``compile``), building code objects, unmarshalling code, and
            loading code (``.py``, ``.pyc``, ``.so``) from the write roots. Imports, a few
            standard-library generators and the import-time code generation of installed
            packages are exempt. Default ``alert``.
        ctypes: loading libraries, looking up symbols, and reading raw memory through ``ctypes``.
            Default ``block``.
        allowed_hosts: egress allowlist (see :class:`HostMatcher` for the pattern forms).
        allow_loopback: allow ``localhost`` and loopback addresses, where the Lambda Runtime API,
            extensions and local sidecars listen.
        allowed_programs: absolute paths of programs the subprocess policy lets run, compared
            exactly with the program the call names. A shell is only allowed if listed itself.
        write_roots: directories the file-write policy allows writes under.
        code_roots: directories holding the function's code; None means ``LAMBDA_TASK_ROOT``
            when set at install time, and nothing otherwise.
    """

    subprocess: Mode = Mode.BLOCK
    egress: Mode = Mode.ALERT
    file_write: Mode = Mode.BLOCK
    code_read: Mode = Mode.ALERT
    dynamic_code: Mode = Mode.ALERT
    ctypes: Mode = Mode.BLOCK
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    allow_loopback: bool = True
    allowed_programs: tuple[str, ...] = ()
    write_roots: tuple[str, ...] = DEFAULT_WRITE_ROOTS
    code_roots: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in POLICY_NAMES:
            object.__setattr__(self, name, _mode(getattr(self, name), name))
        object.__setattr__(self, "allowed_hosts", _strings(self.allowed_hosts, "allowed_hosts"))
        HostMatcher(self.allowed_hosts, allow_loopback=self.allow_loopback)  # validates patterns
        if not isinstance(self.allow_loopback, bool):
            raise ShieldConfigError("allow_loopback must be a bool")
        for name in ("allowed_programs", "write_roots"):
            object.__setattr__(self, name, _absolute(getattr(self, name), name))
        if self.code_roots is not None:
            object.__setattr__(self, "code_roots", _absolute(self.code_roots, "code_roots"))

    @classmethod
    def allow_all(cls) -> ShieldPolicy:
        """Return a policy that inspects nothing (what :func:`uninstall` leaves behind)."""
        allow = Mode.ALLOW
        return cls(
            subprocess=allow,
            egress=allow,
            file_write=allow,
            code_read=allow,
            dynamic_code=allow,
            ctypes=allow,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ShieldPolicy:
        """Build a policy from ``FAASGUARD_SHIELD_*`` environment variables.

        ``FAASGUARD_SHIELD_<POLICY>`` (``SUBPROCESS``, ``EGRESS``, ``FILE_WRITE``, ``CODE_READ``,
        ``DYNAMIC_CODE``, ``CTYPES``) is ``block``, ``alert`` or ``allow``.
        ``FAASGUARD_SHIELD_ALLOWED_HOSTS`` is a comma-separated list *added* to the AWS defaults,
        so allowing one third-party API cannot silently cut the function off from AWS.
        ``FAASGUARD_SHIELD_ALLOWED_PROGRAMS``, ``FAASGUARD_SHIELD_WRITE_ROOTS`` and
        ``FAASGUARD_SHIELD_CODE_ROOTS`` are comma-separated lists that *replace* their defaults
        (``CODE_ROOTS`` defaults to ``LAMBDA_TASK_ROOT``). ``FAASGUARD_SHIELD_ALLOW_LOOPBACK`` is
        ``true`` or ``false``.

        Args:
            environ: the environment to read; ``os.environ`` when None.

        Returns:
            The policy.

        Raises:
            ShieldConfigError: a variable has a value that is not understood.
        """
        env = os.environ if environ is None else environ
        options: dict[str, Any] = {}
        for name in POLICY_NAMES:
            value = env.get(ENV_PREFIX + name.upper())
            if value is not None:
                options[name] = _mode(value, ENV_PREFIX + name.upper())
        hosts = _env_list(env, "ALLOWED_HOSTS")
        if hosts is not None:
            options["allowed_hosts"] = DEFAULT_ALLOWED_HOSTS + hosts
        loopback = env.get(ENV_PREFIX + "ALLOW_LOOPBACK")
        if loopback is not None:
            options["allow_loopback"] = _flag(loopback, ENV_PREFIX + "ALLOW_LOOPBACK")
        for name in ("allowed_programs", "write_roots", "code_roots"):
            listed = _env_list(env, name.upper())
            if listed is not None:
                options[name] = listed
        if "code_roots" not in options:
            task_root = env.get("LAMBDA_TASK_ROOT")
            options["code_roots"] = (task_root,) if task_root else ()
        return cls(**options)

    def describe(self) -> dict[str, Any]:
        """Return the policy as JSON-ready data (for the install event and for logs)."""
        described: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Mode):
                described[item.name] = value.value
            elif isinstance(value, tuple):
                described[item.name] = list(value)
            else:
                described[item.name] = value
        return described


def _mode(value: object, where: str) -> Mode:
    if isinstance(value, Mode):
        return value
    if isinstance(value, str):
        try:
            return Mode(value.strip().lower())
        except ValueError:
            pass
    raise ShieldConfigError(f"{where} must be block, alert or allow, not {value!r}")


def _strings(values: object, where: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ShieldConfigError(f"{where} must be a tuple of strings, not {values!r}")
    items = tuple(values)
    for item in items:
        if not isinstance(item, str):
            raise ShieldConfigError(f"{where} must contain strings, not {item!r}")
    return items


def _absolute(values: object, where: str) -> tuple[str, ...]:
    items = _strings(values, where)
    for item in items:
        if not os.path.isabs(item):  # noqa: PTH117 - a str check; no Path object needed
            raise ShieldConfigError(f"{where} entries must be absolute paths, not {item!r}")
    return items


def _flag(value: str, where: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ShieldConfigError(f"{where} must be true or false, not {value!r}")


def _env_list(env: Mapping[str, str], suffix: str) -> tuple[str, ...] | None:
    value = env.get(ENV_PREFIX + suffix)
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())
