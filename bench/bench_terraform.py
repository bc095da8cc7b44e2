"""Load every Terraform root module of the serverless-patterns corpus; time it next to checkov.

Usage: ``python bench/bench_terraform.py [--corpus TAR] [--checkov PATH] [--repeat N]``.

The corpus tarball (``serverless-patterns-*.tar.xz`` in ``$FAASGUARD_SHARED_DATA/../corpora``,
or ``--corpus``) is unpacked into a temporary folder. Both tools then run on that folder in
the same run, each in a fresh child process (what a CI job pays, interpreter start and
imports included):

* faasguard: discovery of every Terraform root module, then the Terraform loader on each
  (parse, evaluation, model), ``--repeat`` times, best run reported;
* checkov: ``checkov --framework terraform -d <folder> --quiet --compact -o json``, once.

For each: wall time, CPU time (user + system) and peak RSS of the child. The machine these
figures come from is shared: CPU time is the steadier comparison when other jobs compete for
the cores, wall time is what a user waits.

faasguard's modules are first compiled to bytecode (``compileall``), as in ``bench_scan.py``:
an installed package ships bytecode, and checkov's virtualenv has it; a checkout run with
``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every imported module in every run.
"""

from __future__ import annotations

import argparse
import compileall
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: Run in the child: a wrapper that reports the wall time, CPU time and peak RSS of a command.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mib": usage.ru_maxrss / 1024}))
"""

#: The faasguard side: discover the root modules and load each one.
_LOAD_ALL = """
import sys
from pathlib import Path
from faasguard.fs import ScanFS
from faasguard.loaders.discovery import discover
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader
import time
fs = ScanFS(Path(sys.argv[1]))
start = time.process_time()
refs = [ref for ref in discover(fs).templates if ref.loader == "terraform"]
found = time.process_time()
loader = TerraformLoader()
functions = issues = 0
for ref in refs:
    result = loader.load(ref.path, fs, LoadOptions())
    functions += sum(len(app.functions) for app in result.applications)
    issues += len(result.issues)
print(len(refs), functions, issues, f"{found - start:.2f}", f"{time.process_time() - found:.2f}",
      file=sys.stderr)
"""


def _corpus(path: str | None) -> Path:
    if path:
        return Path(path)
    shared = Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data"))
    found = sorted(glob.glob(str(shared.parent / "corpora" / "serverless-patterns-*.tar.xz")))
    if not found:
        sys.exit("serverless-patterns corpus not found; pass --corpus")
    return Path(found[-1])


def _measure(command: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def _counts(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_ALL, str(root)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"loading the corpus failed:\n{done.stderr}")
    roots, functions, issues, discovery, loading = done.stderr.split()
    return (
        f"{roots} root modules, {functions} functions, {issues} load issues "
        f"(CPU: discovery of every format {discovery} s, Terraform loading {loading} s)"
    )


def _compile_faasguard() -> None:
    spec = importlib.util.find_spec("faasguard")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("faasguard is not importable: install it (pip install -e .) first")
    compileall.compile_dir(next(iter(spec.submodule_search_locations)), quiet=1)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus")
    parser.add_argument("--checkov", default=os.environ.get("CHECKOV") or shutil.which("checkov"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _compile_faasguard()
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(_corpus(args.corpus)) as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp)
        tf_files = sum(1 for _ in root.rglob("*.tf"))
        print(f"corpus: {tf_files} .tf files; faasguard found {_counts(root)}")
        runs = [_measure([sys.executable, "-c", _LOAD_ALL, str(root)]) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["wall"])
        print(
            f"faasguard: wall {best['wall']:.2f} s, CPU {min(r['cpu'] for r in runs):.2f} s, "
            f"peak RSS {best['rss_mib']:.0f} MiB (best of {args.repeat})"
        )
        if not args.checkov:
            print("checkov: not found (--checkov PATH or $CHECKOV)")
            return
        command = [args.checkov, "--framework", "terraform", "-d", str(root)]
        checkov = _measure([*command, "--quiet", "--compact", "-o", "json"])
        print(
            f"checkov: wall {checkov['wall']:.2f} s, CPU {checkov['cpu']:.2f} s, "
            f"peak RSS {checkov['rss_mib']:.0f} MiB"
        )
        print(
            f"faasguard is {checkov['wall'] / best['wall']:.1f}x faster (wall), "
            f"{checkov['cpu'] / min(r['cpu'] for r in runs):.1f}x (CPU)"
        )


if __name__ == "__main__":
    main()
