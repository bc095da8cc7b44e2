"""The progress line: shown to a person at a terminal, never in CI, with --quiet, or in a pipe."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from faasguard.cli.progress import Progress, progress_wanted

REPO = Path(__file__).resolve().parents[2]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("quiet", "stream", "env", "expected"),
    [
        (False, _Terminal(), {}, True),
        (True, _Terminal(), {}, False),
        (False, _Terminal(), {"CI": "true"}, False),
        (False, _Terminal(), {"TERM": "dumb"}, False),
        (False, io.StringIO(), {}, False),
    ],
)
def test_when_progress_is_shown(
    quiet: bool, stream: io.StringIO, env: dict[str, str], expected: bool
) -> None:
    assert progress_wanted(quiet=quiet, stream=stream, env=env) is expected


def test_the_line_is_rewritten_in_place_and_erased() -> None:
    stream = _Terminal()
    progress = Progress(stream, enabled=True, width=60)
    progress("services/a/serverless.yml")
    progress("services/b/serverless.yml")  # within 0.1 s: counted, not drawn
    progress.close()
    assert stream.getvalue() == ("\r\x1b[2Kfaasguard: [1] services/a/serverless.yml" + "\r\x1b[2K")
    off = io.StringIO()
    silent = Progress(off, enabled=False)
    silent("x")
    silent.close()
    assert off.getvalue() == ""


def _scan_in_a_terminal(extra_env: dict[str, str], *args: str) -> str:
    """Run `faasguard scan` with standard error on a pseudo-terminal; return what it showed."""
    primary, secondary = pty.openpty()
    env = (
        {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
        | {"TERM": "xterm"}
        | extra_env
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "faasguard",
            "scan",
            str(REPO / "examples"),
            "--no-deps",
            "-o",
            os.devnull,
            *args,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env=env,
        timeout=300,
        check=False,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    assert done.returncode in (0, 1)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_sees_progress_and_ci_or_quiet_do_not() -> None:
    shown = _scan_in_a_terminal({})
    assert "\x1b[2Kfaasguard: [1] " in shown
    assert shown.endswith("\r\x1b[2K")  # erased before the scan ends
    assert _scan_in_a_terminal({"CI": "true"}) == ""
    assert _scan_in_a_terminal({}, "--quiet") == ""


def test_a_long_line_is_cut_to_the_terminal_width() -> None:
    stream = _Terminal()
    progress = Progress(stream, enabled=True, width=30)
    progress("services/a/very/deep/folder/serverless.yml")
    assert stream.getvalue() == "\r\x1b[2Kfaasguard: [1] services/a/ve…"
