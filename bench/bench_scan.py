"""Benchmark: faasguard scan on a generated corpus, side by side with checkov when available.

Usage: ``python bench/bench_scan.py [--checkov PATH_TO_CHECKOV] [--repeat N]``

It generates the corpus (bench/gen_corpus.py: one serverless.yml with 1,000 functions and 500
SAM templates) in a temporary folder, then times, each as a fresh process (what CI pays):
``faasguard --version``, ``faasguard scan`` on the Serverless app, on the SAM templates and on
both, and checkov with the matching frameworks on the same folders. Dependency analysis is off
(``--no-deps``) so only the template analysis is compared, as checkov's template checks are.

faasguard's modules are first compiled to bytecode (``compileall``), as an installed package
ships them and as checkov's are in its virtualenv: in a source checkout run with
``PYTHONDONTWRITEBYTECODE=1`` every process would otherwise compile ~16,000 lines again, about
45 ms per run. ``--no-bytecode`` skips that step, to measure the checkout as it is.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate

FAASGUARD = [sys.executable, "-m", "faasguard"]


def _time(cmd: list[str], repeat: int) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs (exit code 0 or 1 accepted)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr.decode()[-2000:]}")
    return statistics.median(samples)


def _compile_bytecode() -> Path:
    """Write the bytecode of the faasguard package the benchmark runs; return its folder."""
    spec = importlib.util.find_spec("faasguard")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("faasguard is not importable: install it (pip install -e .) first")
    folder = Path(next(iter(spec.submodule_search_locations)))
    compileall.compile_dir(folder, quiet=1)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--checkov",
        default=os.environ.get("CHECKOV") or shutil.which("checkov"),
        help="checkov executable (default: $CHECKOV or checkov on PATH)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--templates", type=int, default=500)
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="do not compile faasguard's modules first (measure the checkout as it is)",
    )
    args = parser.parse_args()
    if not args.no_bytecode:
        print(f"bytecode compiled for {_compile_bytecode()}")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp)
        generate(corpus, functions=args.functions, templates=args.templates)
        version = _time([*FAASGUARD, "--version"], max(args.repeat, 5))
        console = Path(sys.executable).parent / "faasguard"
        version_script = (
            _time([str(console), "--version"], max(args.repeat, 5))
            if console.exists()
            else float("nan")
        )
        rows = []
        for label, folder, frameworks in (
            (
                f"serverless.yml, {args.functions} functions",
                corpus / "serverless-big",
                "serverless",
            ),
            (f"{args.templates} SAM templates", corpus / "sam", "cloudformation"),
        ):
            ours = _time(
                [
                    *FAASGUARD,
                    "scan",
                    str(folder),
                    "--no-deps",
                    "--format",
                    "json",
                    "-o",
                    os.devnull,
                    "--fail-on",
                    "never",
                ],
                args.repeat,
            )
            theirs = None
            if args.checkov:
                theirs = _time(
                    [
                        args.checkov,
                        "-d",
                        str(folder),
                        "--framework",
                        frameworks,
                        "--quiet",
                        "--compact",
                        "-o",
                        "json",
                        "--soft-fail",
                    ],
                    max(1, args.repeat // 2),
                )
            rows.append((label, ours, theirs))
    print(f"faasguard --version (python -m): {version * 1000:.0f} ms")
    print(f"faasguard --version (console script): {version_script * 1000:.0f} ms")
    print(f"{'corpus':40} {'faasguard':>10} {'checkov':>10} {'speed-up':>9}")
    for label, ours, theirs in rows:
        other = f"{theirs:9.2f}s" if theirs is not None else "       n/a"
        ratio = f"{theirs / ours:8.1f}x" if theirs is not None else "      n/a"
        print(f"{label:40} {ours:9.2f}s {other} {ratio}")


if __name__ == "__main__":
    main()
