"""Run a scenario in a fresh interpreter under a shield policy, and read back what happened.

Audit hooks cannot be removed, so every scenario runs in a fresh interpreter (``python -c``): the
test process itself never carries a hook, and a scenario cannot leak its policy into another test.
Each probe installs a policy, runs a scenario, and prints one JSON line with the scenario's result,
the ShieldViolation it raised (if any) and the security events emitted while the policy was on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

PROBE = """\
import json, sys
from faasguard_runtime import events
from faasguard_runtime.shield import Mode, ShieldPolicy, ShieldViolation, install, uninstall

events.set_stdout(False)
captured = []
events.add_sink(lambda e: captured.append([e.policy, e.action, e.mode, dict(e.detail)]))
{setup}
install({policy})
del captured[:]

def scenario():
{body}

outcome = {{"result": None, "violation": None}}
try:
    outcome["result"] = scenario()
except ShieldViolation as exc:
    outcome["violation"] = [exc.policy, exc.event, exc.target]
outcome["events"] = list(captured)
sys.__stdout__.write("\\nPROBE " + json.dumps(outcome) + "\\n")
"""

BLOCK_ALL = (
    "ShieldPolicy(subprocess=Mode.BLOCK, egress=Mode.BLOCK, file_write=Mode.BLOCK,"
    " code_read=Mode.BLOCK, dynamic_code=Mode.BLOCK, ctypes=Mode.BLOCK{extra})"
)


def block_all(extra: str = "") -> str:
    return BLOCK_ALL.format(extra=", " + extra if extra else "")


def probe(
    body: str,
    *,
    policy: str = "ShieldPolicy()",
    setup: str = "",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    script = PROBE.format(
        setup=textwrap.dedent(setup),
        policy=policy,
        body=textwrap.indent(textwrap.dedent(body), "    "),
    )
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("FAASGUARD_SHIELD_")}
    child_env.pop("LAMBDA_TASK_ROOT", None)
    # Let imports write bytecode, as on Lambda: the import system's own writes must keep working
    # under file_write=block, and a sandbox that disables them would hide it.
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    child_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env,
        cwd=cwd,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert done.returncode == 0 and lines, f"probe failed:\n{done.stdout}\n{done.stderr}"
    outcome: dict[str, Any] = json.loads(lines[-1][len("PROBE ") :])
    return outcome


# Every event names the code that caused it: the probe's scenario runs as __main__ from "-c".
SCENARIO = {"module": "__main__", "file": "<string>"}


def detail(event: str, target: str, **origin: str) -> dict[str, str]:
    return {"event": event, "target": target, **(origin or SCENARIO)}


def blocked(policy: str, event: str, target: str, action: str, **origin: str) -> dict[str, Any]:
    return {
        "result": None,
        "violation": [policy, event, target],
        "events": [[f"shield.{policy}", action, "block", detail(event, target, **origin)]],
    }


def passed(result: Any, *events: list[Any]) -> dict[str, Any]:
    return {"result": result, "violation": None, "events": list(events)}
