"""Shared fixtures for faasguard-runtime tests (kept generic: nothing feature-specific here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from faasguard_runtime import events
from faasguard_runtime.events import SecurityEvent


@pytest.fixture
def security_events() -> Iterator[list[SecurityEvent]]:
    """Collect the security events emitted during one test, with the stdout JSON lines muted."""
    captured: list[SecurityEvent] = []
    sink = captured.append
    events.set_stdout(False)
    events.add_sink(sink)
    try:
        yield captured
    finally:
        events.remove_sink(sink)
        events.set_stdout(True)
