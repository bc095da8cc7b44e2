"""The process-wide PEP 578 audit hook, and installing or replacing its policy.

An audit hook cannot be removed once added, so the hook is added once and consults a replaceable
engine: :func:`install` swaps the engine in, :func:`uninstall` swaps it out, after which the hook
returns on its first line for every event. Three properties matter because the hook runs inside
every audited call in the process, from any thread:

* Fast: a frozenset membership test discards unwatched events before anything else happens.
* Not re-entrant: a thread-local flag makes every audit event raised while the shield itself is
  working (its own ``sys._getframe``, ``realpath``, event emission, a sink that writes a file) pass
  straight through, so the shield can neither recurse nor block itself.
* Robust: an unexpected error while judging an event is reported; under ``block`` it refuses the
  action (fail closed), under ``alert`` it lets it through, so a shield bug never breaks a function
  that runs in alert mode.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import sys
import threading
from collections.abc import Mapping
from typing import Any

from faasguard_runtime.events import emit
from faasguard_runtime.shield.engine import Engine, Finding, origin
from faasguard_runtime.shield.errors import ShieldViolation
from faasguard_runtime.shield.policy import Mode, ShieldPolicy

__all__ = ["active_policy", "install", "uninstall"]

_logger = logging.getLogger("faasguard_runtime.shield")


class _State:
    """The hook's mutable state, swapped as a whole under ``_install_lock``."""

    __slots__ = ("engine", "hook_added", "original_getaddrinfo", "originals", "watched")

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.watched: frozenset[str] = frozenset()
        self.hook_added = False
        self.original_getaddrinfo: Any = None
        # (module, attribute) -> the original function, for every function wrapped by _wrap.
        self.originals: dict[tuple[Any, str], Any] = {}


_STATE = _State()
_GUARD = threading.local()
_install_lock = threading.Lock()


def _audit_hook(
    event: str,
    args: tuple[Any, ...],
    _state: _State = _STATE,
    _guard: threading.local = _GUARD,
) -> None:
    # State arrives through default arguments so the hook keeps working while the interpreter
    # tears module globals down at exit.
    if event not in _state.watched:
        return
    engine = _state.engine
    if engine is None or getattr(_guard, "busy", False):
        return
    _guard.busy = True
    try:
        try:
            finding = engine.check(event, args)
        except Exception:  # a shield bug must not crash a function running in alert mode
            _logger.exception("faasguard_runtime: shield failed to judge %s", event)
            finding = _internal_error(engine, event)
        if finding is not None:
            _report(finding, engine.mode(finding.policy))
    finally:
        _guard.busy = False
    if finding is not None and engine.mode(finding.policy) is Mode.BLOCK:
        raise ShieldViolation(policy=finding.policy, event=finding.event, target=finding.target)


def _internal_error(engine: Engine, event: str) -> Finding | None:
    policy = engine.policy_of(event)
    return Finding(policy, "error", event, "shield error") if policy is not None else None


def _report(finding: Finding, mode: Mode) -> None:
    try:
        module, filename = origin()
        emit(
            policy=f"shield.{finding.policy}",
            action=finding.action,
            detail={
                "event": finding.event,
                "target": finding.target,
                "module": module,
                "file": filename,
            },
            mode=mode.value,
        )
    except Exception:  # a closed stdout or a broken sink must not turn into a bypass
        _logger.exception("faasguard_runtime: shield could not emit its event")


def _emit_quietly(action: str, detail: Mapping[str, Any], mode: str) -> None:
    # The shield's own lifecycle events, emitted with the hook muted for this thread.
    previous = getattr(_GUARD, "busy", False)
    _GUARD.busy = True
    try:
        emit(policy="shield", action=action, detail=detail, mode=mode)
    finally:
        _GUARD.busy = previous


def _recording_getaddrinfo(
    host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
) -> Any:
    """``socket.getaddrinfo``, recording the answers for the egress policy's connect checks.

    The ``socket.getaddrinfo`` audit event fires before resolution, so the hook sees the name but
    not the addresses; the following ``socket.connect`` sees an address but not the name. Recording
    the answers of resolutions the policy let through links the two.
    """
    results = _STATE.original_getaddrinfo(host, port, family, type, proto, flags)
    engine = _STATE.engine
    if engine is not None and engine.records_resolutions:
        engine.hosts.remember([info[4][0] for info in results])
    return results


def _set_recording(enabled: bool) -> None:
    current = socket.getaddrinfo
    if enabled and current is not _patched_getaddrinfo:
        _STATE.original_getaddrinfo = current
        socket.getaddrinfo = _patched_getaddrinfo
    elif not enabled and current is _patched_getaddrinfo:
        socket.getaddrinfo = _STATE.original_getaddrinfo


_patched_getaddrinfo = functools.wraps(socket.getaddrinfo)(_recording_getaddrinfo)


def _audited(event: str, original: Any, describe: Any) -> Any:
    """Wrap ``original`` so that calling it raises the audit event ``event`` first.

    For the few functions CPython does not audit but an attacker can use: starting a program
    through ``_posixsubprocess.fork_exec`` (spawn-based multiprocessing does), and creating special
    files with ``os.mkfifo``/``os.mknod``. The event goes through the same hook and engine as
    every other one, so block, alert and reporting behave the same.
    """

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        sys.audit(event, *describe(args, kwargs))
        return original(*args, **kwargs)

    wrapper.__faasguard_original__ = original  # type: ignore[attr-defined]
    return wrapper


def _first_two(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(args[:2])


def _path_arg(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    return (args[0] if args else kwargs.get("path"),)


def _wrap_targets(engine: Engine) -> list[tuple[Any, str, str, Any]]:
    """Return ``(module, attribute, event, describe)`` for each function to wrap for ``engine``."""
    targets: list[tuple[Any, str, str, Any]] = []
    if engine.active("subprocess"):
        try:
            import _posixsubprocess  # POSIX only
        except ImportError:  # pragma: no cover - not POSIX
            pass
        else:
            targets.append((_posixsubprocess, "fork_exec", "faasguard.fork_exec", _first_two))
            # subprocess keeps its own alias, taken when it was imported.
            subprocess_module = sys.modules.get("subprocess")
            if subprocess_module is not None and hasattr(subprocess_module, "_fork_exec"):
                targets.append((subprocess_module, "_fork_exec", "faasguard.fork_exec", _first_two))
    if engine.active("file_write"):
        for name in ("mkfifo", "mknod"):
            if hasattr(os, name):
                targets.append((os, name, f"faasguard.{name}", _path_arg))
    return targets


def _set_wrappers(engine: Engine | None) -> None:
    """Wrap what ``engine`` needs wrapped and restore everything else."""
    wanted = _wrap_targets(engine) if engine is not None else []
    wanted_keys = {(module, attribute) for module, attribute, _, _ in wanted}
    for key, original in list(_STATE.originals.items()):
        if key not in wanted_keys:
            module, attribute = key
            setattr(module, attribute, original)
            del _STATE.originals[key]
    for module, attribute, event, describe in wanted:
        if (module, attribute) in _STATE.originals:
            continue
        original = getattr(module, attribute, None)
        if original is None:
            continue
        original = getattr(original, "__faasguard_original__", original)
        _STATE.originals[(module, attribute)] = original
        setattr(module, attribute, _audited(event, original, describe))


def install(policy: ShieldPolicy | None = None) -> ShieldPolicy:
    """Turn the shield on, or replace its policy.

    Call it as early as possible, at the top of the handler module: anything that runs before it
    (imports included) is not watched. The audit hook is added on the first call and stays for the
    life of the process; later calls only swap the policy.

    Args:
        policy: the policy to enforce; :meth:`ShieldPolicy.from_env` when None.

    Returns:
        The policy now in force.

    Raises:
        ShieldConfigError: the environment variables hold values that are not understood.
    """
    chosen = policy if policy is not None else ShieldPolicy.from_env()
    engine = Engine(chosen, environ=os.environ)
    with _install_lock:
        _STATE.engine = engine
        _STATE.watched = engine.watched
        _set_recording(engine.records_resolutions)
        _set_wrappers(engine)
        if not _STATE.hook_added:
            sys.addaudithook(_audit_hook)
            _STATE.hook_added = True
    detail = chosen.describe()
    detail["code_roots"] = list(engine.code_roots)
    _emit_quietly("install", detail, "info")
    return chosen


def uninstall() -> None:
    """Make the shield inspect nothing (the hook itself cannot be removed).

    Emits an ``alert`` event when a policy was in force: turning the shield off is worth seeing in
    the logs, whoever does it.
    """
    with _install_lock:
        was_active = _STATE.engine is not None
        _STATE.watched = frozenset()
        _STATE.engine = None
        _set_recording(False)
        _set_wrappers(None)
    if was_active:
        _emit_quietly("uninstall", {}, "alert")


def active_policy() -> ShieldPolicy | None:
    """Return the policy in force, or None when the shield is not installed."""
    engine = _STATE.engine
    return engine.policy if engine is not None else None
