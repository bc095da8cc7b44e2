"""Benchmark IAM semantics: expand every AWS managed policy; time ``faasguard --version``.

Run: ``python bench/bench_iam.py`` (optionally ``--runs R``).

Each run is a fresh process, as a scan pays it: it loads the action database and the managed
policy table, then, for every one of the 1,594 AWS managed policies, expands every statement's
``Action``/``NotAction`` against the action database (``statement_actions``) and evaluates a role
holding only that policy (``evaluate_role(...).granted_actions()``: Deny, wildcards and
resource shapes applied). Wall-clock figures on a shared machine vary with its load, so
the process CPU time of the same phases is printed too. Budgets: expanding every managed policy
(load + expand) < 1 s; ``faasguard --version``
< 0.15 s. The figures reported are medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, time
c0 = time.process_time()
t0 = time.perf_counter()
from faasguard.iam.actions import action_db
from faasguard.iam.grants import evaluate_role, statement_actions
from faasguard.iam.managed import managed_policies, managed_policy
from faasguard.model import Location, Role
db = action_db()
names = managed_policies()
t1 = time.perf_counter()
policies = [managed_policy(n) for n in names]
expanded = 0
for p in policies:
    for s in p.document.statements:
        expanded += len(statement_actions(s)[0])
t2 = time.perf_counter()
c2 = time.process_time()
granted = 0
where = Location("template.yaml", 1)
for p in policies:
    role = Role(id=p.name, location=where, managed_policies=(p.arn,), functions=("fn",))
    granted += len(evaluate_role(role).granted_actions())
t3 = time.perf_counter()
c3 = time.process_time()
print(json.dumps({
    "cpu_load_expand": c2 - c0, "cpu_evaluate": c3 - c2,
    "load": t1 - t0, "expand": t2 - t1, "evaluate": t3 - t2, "total": t3 - t0,
    "policies": len(policies), "expanded": expanded, "granted": granted,
}))
"""


def _child(env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def _version(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "faasguard"), "--version"],
        capture_output=True,
        check=True,
        env=env,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    runs = [_child(env) for _ in range(args.runs)]
    first = runs[0]
    print(
        f"{int(first['policies'])} managed policies, {int(first['expanded'])} actions expanded, "
        f"{int(first['granted'])} (role, action) grants"
    )
    for key in ("load", "expand", "evaluate", "total", "cpu_load_expand", "cpu_evaluate"):
        values = [r[key] for r in runs]
        print(
            f"{key:>9}: median {statistics.median(values) * 1000:7.1f} ms  "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        )
    versions = [_version(env) for _ in range(max(args.runs, 5))]
    print(
        f"faasguard --version: median {statistics.median(versions) * 1000:.1f} ms "
        f"(min {min(versions) * 1000:.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
