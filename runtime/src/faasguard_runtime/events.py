"""Security events: one JSON line per event on the function's log stream.

Why a JSON line on stdout: Lambda ships stdout to CloudWatch Logs, where a subscription filter or a
metric filter (``{ $.faasguard_event = "shield" }``) can count and route events without any agent
or network call from inside the function. Users can add sinks to send events elsewhere too.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SecurityEvent",
    "add_sink",
    "emit",
    "remove_sink",
    "set_request_context",
]

_logger = logging.getLogger("faasguard_runtime.events")

#: Name of the JSON key that marks a log line as a faasguard event (used by metric filters).
EVENT_MARKER = "faasguard_event"


@dataclass(frozen=True)
class SecurityEvent:
    """One security-relevant thing that happened inside the function.

    Attributes:
        policy: the part that produced it (``shield.subprocess``, ``http``, ``cache``,
            ``validate``).
        action: what was attempted (``spawn``, ``connect``, ``request``, ``tamper``, ``reject``).
        detail: small, JSON-serialisable facts (host, status, bytes, path); never secrets or
            payloads.
        mode: ``block``, ``alert`` or ``allow`` (``info`` for plain telemetry such as an HTTP call).
        function_name: ``AWS_LAMBDA_FUNCTION_NAME`` when running on Lambda.
        request_id: the current invocation's request id, when known.
        timestamp: seconds since the epoch.
    """

    policy: str
    action: str
    detail: Mapping[str, Any]
    mode: str
    function_name: str | None = None
    request_id: str | None = None
    timestamp: float = field(default_factory=time.time)

    def to_json(self) -> str:
        """Return the event as one compact JSON line (no newline)."""
        return json.dumps(
            {
                EVENT_MARKER: self.policy,
                "policy": self.policy,
                "action": self.action,
                "mode": self.mode,
                "detail": dict(self.detail),
                "function_name": self.function_name,
                "request_id": self.request_id,
                "timestamp": round(self.timestamp, 6),
            },
            separators=(",", ":"),
            sort_keys=True,
            default=str,
        )


Sink = Callable[[SecurityEvent], None]

_lock = threading.Lock()
_sinks: list[Sink] = []
_context = threading.local()
# When False, events go only to the registered sinks (tests and users who do not want stdout).
_write_stdout = True


def set_request_context(request_id: str | None) -> None:
    """Record the current invocation's request id so events can carry it.

    Args:
        request_id: ``context.aws_request_id`` of the current invocation, or None to clear it.
    """
    _context.request_id = request_id


def add_sink(sink: Sink) -> None:
    """Send every future event to ``sink`` as well as to the log stream."""
    with _lock:
        _sinks.append(sink)


def remove_sink(sink: Sink) -> None:
    """Stop sending events to ``sink``; a sink that was never added is ignored."""
    with _lock:
        if sink in _sinks:
            _sinks.remove(sink)


def set_stdout(enabled: bool) -> None:
    """Turn the JSON line on stdout on or off (on by default)."""
    global _write_stdout
    _write_stdout = enabled


def emit(*, policy: str, action: str, detail: Mapping[str, Any], mode: str) -> SecurityEvent:
    """Build one event, write it as a JSON line, and hand it to every sink.

    A failing sink is logged and skipped: monitoring must never break the function it watches.

    Returns:
        The event that was emitted.
    """
    event = SecurityEvent(
        policy=policy,
        action=action,
        detail=detail,
        mode=mode,
        function_name=os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        request_id=getattr(_context, "request_id", None),
    )
    if _write_stdout:
        # sys.stdout.write, not print: the shield's audit hook must not see our own I/O as user I/O,
        # and one write keeps the line atomic on the Lambda log stream.
        sys.stdout.write(event.to_json() + "\n")
        sys.stdout.flush()
    with _lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            sink(event)
        except Exception:  # a broken sink must not break the function
            _logger.exception("faasguard_runtime: security event sink %r failed", sink)
    return event
