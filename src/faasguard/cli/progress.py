"""A progress line on long scans (monorepos of templates, accounts), only for a person watching.

Shown only when standard error is a terminal, and never in CI (``CI`` set), with ``--quiet``,
or on a ``dumb`` terminal: logs and pipes stay clean. One line, rewritten in place at most ten
times a second, erased when the scan ends, so the report that follows is unchanged.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Mapping
from typing import Final, TextIO

__all__ = ["Progress", "progress_wanted"]

_INTERVAL: Final = 0.1
_CLEAR: Final = "\r\x1b[2K"


def progress_wanted(*, quiet: bool, stream: TextIO, env: Mapping[str, str]) -> bool:
    """True when a person is watching ``stream`` and nothing asked for silence."""
    if quiet or env.get("CI") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """Callable progress sink: ``progress(text)`` for each template or account stage.

    Thread-safe: an account scan reports from one thread per region.
    """

    def __init__(self, stream: TextIO, *, enabled: bool, width: int | None = None) -> None:
        """Write to ``stream`` when ``enabled``; ``width`` defaults to the terminal's."""
        self._stream = stream
        self._enabled = enabled
        self._width = width or shutil.get_terminal_size((100, 24)).columns
        self._count = 0
        self._last = 0.0
        self._shown = False
        self._lock = threading.Lock()

    @classmethod
    def for_cli(cls, stream: TextIO, *, quiet: bool) -> Progress:
        """The CLI's progress: on only when :func:`progress_wanted` says so."""
        return cls(stream, enabled=progress_wanted(quiet=quiet, stream=stream, env=os.environ))

    def __call__(self, text: str) -> None:
        """Count one step and, at most every 0.1 s, show it."""
        if not self._enabled:
            return
        with self._lock:
            self._count += 1
            now = time.monotonic()
            if now - self._last < _INTERVAL and self._shown:
                return
            self._last = now
            line = f"faasguard: [{self._count}] {text}"
            if len(line) > self._width - 1:
                line = line[: self._width - 2] + "…"
            self._stream.write(_CLEAR + line)
            self._stream.flush()
            self._shown = True

    def close(self) -> None:
        """Erase the line, so what follows starts on a clean line."""
        with self._lock:
            if self._enabled and self._shown:
                self._stream.write(_CLEAR)
                self._stream.flush()
                self._shown = False
