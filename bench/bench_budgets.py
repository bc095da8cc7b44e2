"""Time and peak memory of a scan of each hostile input shape, at the size the issue names.

    python bench/bench_budgets.py                 # every shape, scale 1.0
    python bench/bench_budgets.py --shape nested-sub --scale 0.5
    python bench/bench_budgets.py --empty         # start-up: a scan of an empty folder

Each shape (bench/hostile_shapes.py) is generated into a temporary folder and scanned by the
installed ``faasguard`` in a child process, measured with ``/usr/bin/time``-style resource
accounting (``ru_maxrss`` of the child). The ceilings in docs/budgets.md come from this table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_shapes import SHAPES

FAASGUARD = [sys.executable, "-m", "faasguard"]


#: Runs the command given as arguments and prints the peak RSS (KiB) of that child alone: the
#: children's peak of a process is the largest child it ever had, so each run gets its own.
_PEAK = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], capture_output=True, check=False); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _run(args: list[str], timeout: float) -> tuple[float, float, int]:
    """Run a child and return (seconds, peak MiB of the child, report bytes)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _PEAK, *args, "-o", out.name],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        elapsed = time.perf_counter() - start
        size = os.path.getsize(out.name)
    return elapsed, int(proc.stdout.strip()) / 1024, size


def bench_shape(name: str, scale: float, timeout: float) -> str:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        path = SHAPES[name](Path(folder), scale)
        generated = time.perf_counter() - start
        seconds, peak, size = _run(
            [*FAASGUARD, "scan", str(path), "--fail-on", "never", "--format", "json"], timeout
        )
    return (
        f"| {name} | {scale:g} | {seconds:.2f} s | {peak:.0f} MiB | {size / 1e6:.1f} MB | "
        f"{generated:.1f} s |"
    )


def bench_empty(runs: int) -> str:
    with tempfile.TemporaryDirectory() as folder:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [*FAASGUARD, "scan", folder, "--fail-on", "never"],
                capture_output=True,
                check=False,
            )
            times.append(time.perf_counter() - start)
    return f"empty folder: median {statistics.median(times):.3f} s, min {min(times):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--empty", action="store_true", help="only the empty-folder start-up")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    if args.empty:
        print(bench_empty(args.runs))
        return
    print("| shape | scale | time | peak memory | JSON report | generating |")
    print("|---|---|---|---|---|---|")
    for name in args.shape or list(SHAPES):
        try:
            print(bench_shape(name, args.scale, args.timeout), flush=True)
        except subprocess.TimeoutExpired:
            print(f"| {name} | {args.scale:g} | over {args.timeout:.0f} s | - | - | - |")
    print(bench_empty(args.runs))


if __name__ == "__main__":
    main()
