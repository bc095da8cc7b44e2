"""Speed and memory of the Python code analysis (taint engine), against bandit.

Usage: ``python bench/bench_code.py [--repeat N] [--bandit PATH] [--lines N] [--no-scan]``

Figures (best of ``--repeat`` runs; the machine is shared and noisy):

1. serverless-patterns (``../shared/corpora/serverless-patterns-*.tar.xz``, unpacked into a
   temporary folder): every Python function's own code, i.e. its handler and import closure
   inside its code root and layers (vendored ``site-packages`` and build folders excluded, as a
   scan excludes them). faasguard's time is the whole code analysis of those functions from a
   cold code base: reading, parsing, lowering, the taint engine, findings. bandit runs on the
   same file list (``bandit -q -f json``), in one process.
2. A generated corpus of ``--lines`` lines (default 100,000): one SAM template with a function
   per module, each module with helpers, a class, loops, string building and a sink, so
   the engine follows real flows. Same two measurements.
3. Peak memory (max RSS) of a whole ``faasguard scan`` of the unpacked serverless-patterns
   corpus (``--no-deps``, JSON to /dev/null), in a child process; goal < 300 MiB.
4. ``faasguard --version`` in a fresh process; goal < 0.15 s (the code layer is imported lazily).

bandit is for this benchmark only (``pip install bandit``); it is not a dependency.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.codebase import codebase_for
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.model import Application

_SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", "../shared/data")).parent / "corpora"


def _best(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _python_apps(root: Path) -> list[Application]:
    """Applications of ``root`` reduced to their Python functions."""
    from dataclasses import replace

    result = scan(root, Config(), load_options=LoadOptions())
    apps = []
    for app in result.applications:
        functions = tuple(
            fn
            for fn in app.functions
            if isinstance(fn.runtime, str) and fn.runtime.startswith("python")
        )
        if functions:
            apps.append(replace(app, functions=functions))
    return apps


def _own_files(root: Path, apps: list[Application]) -> list[Path]:
    """The distinct own-code Python files of every function (what the analysis reads)."""
    cb = codebase_for(ScanFS(root))
    files: dict[str, None] = {}
    for app in apps:
        for fn in app.functions:
            for source in cb.function_code(app, fn).files:
                if source.path.endswith(".py") and not source.inline:
                    files[source.path] = None
    return [root / path for path in files]


def _analyse(root: Path, apps: list[Application]) -> int:
    """The code analysis of every function from a cold code base; returns the finding count."""
    fs = ScanFS(root)  # a new ScanFS is a new code base: every file read and parsed again
    analyzer = CodeAnalyzer()
    return sum(1 for app in apps for _ in analyzer.analyze(app, fs))


def _bandit(bandit: str, files: list[Path]) -> None:
    subprocess.run(
        [bandit, "-q", "-f", "json", "-o", os.devnull, *map(str, files)],
        check=False,
        capture_output=True,
    )


def _lines(files: list[Path]) -> int:
    return sum(p.read_text(encoding="utf-8", errors="replace").count("\n") + 1 for p in files)


def _compare(label: str, root: Path, bandit: str | None, repeat: int) -> None:
    apps = _python_apps(root)
    files = _own_files(root, apps)
    lines = _lines(files)
    findings = _analyse(root, apps)
    ours = _best(repeat, lambda: _analyse(root, apps))
    print(
        f"{label}: {len(apps)} applications, {sum(len(a.functions) for a in apps)} Python "
        f"functions, {len(files)} own files, {lines:,} lines, {findings} findings/issues"
    )
    print(f"  faasguard code analysis: {ours:.2f} s = {lines / ours:,.0f} lines/s")
    if bandit:
        theirs = _best(repeat, lambda: _bandit(bandit, files))
        print(
            f"  bandit (same files):     {theirs:.2f} s = {lines / theirs:,.0f} lines/s "
            f"(faasguard {theirs / ours:.1f}x bandit's speed)"
        )


_MODULE = """import json
import os
import subprocess

from lib{n}.helpers import build, Store

LIMIT = {n}


def handler(event, context):
    body = json.loads(event["body"])
    name = body.get("name", "")
    items = [item.strip() for item in body.get("items", [])]
    store = Store("table-{n}")
    total = 0
    for item in items:
        if item.isdigit():
            total += int(item)
        else:
            store.save(item)
    report = build(name, total)
    if name in ("a", "b"):
        subprocess.run(["echo", name], check=True)
    os.system(report)
    return {{"statusCode": 200, "body": json.dumps({{"total": total}})}}
"""

_HELPERS = """import sqlite3


class Store:
    def __init__(self, table):
        self.table = table
        self.conn = sqlite3.connect("/tmp/db")

    def save(self, value):
        cur = self.conn.cursor()
        cur.execute("INSERT INTO t VALUES (?)", (value,))

    def find(self, key):
        cur = self.conn.cursor()
        cur.execute(f"SELECT * FROM {{self.table}} WHERE k = '{{key}}'")
        return cur.fetchall()


def build(name, total):
    parts = []
    for i in range(3):
        parts.append(f"{{name}}-{{i}}")
    return "report " + ",".join(parts) + " " + str(total)
"""


def generate(folder: Path, target_lines: int) -> None:
    """A SAM project of about ``target_lines`` lines of Python with real flows and sinks."""
    template = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
    ]
    padding = "\n".join(
        f"def util_{i}(value):\n    text = str(value).strip()\n    return text.upper() + '{i}'\n"
        for i in range(20)
    )
    lines = 0
    n = 0
    while lines < target_lines:
        src = folder / f"fn{n}"
        (src / f"lib{n}").mkdir(parents=True)
        (src / f"lib{n}" / "__init__.py").write_text("")
        module = _MODULE.format(n=n) + "\n\n" + padding
        helpers = _HELPERS.format() + "\n\n" + padding
        (src / "app.py").write_text(module)
        (src / f"lib{n}" / "helpers.py").write_text(helpers)
        lines += module.count("\n") + helpers.count("\n") + 2
        template += [
            f"  Fn{n}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            f"      CodeUri: fn{n}/",
            "      Handler: app.handler",
            "      Events:",
            "        Api:",
            "          Type: HttpApi",
        ]
        n += 1
    (folder / "template.yaml").write_text("\n".join(template) + "\n")


def _peak_scan_memory(root: Path) -> tuple[float, float]:
    """Wall time and max RSS (MiB) of a whole ``faasguard scan``, measured by GNU time.

    Not ``wait4``/``RUSAGE_CHILDREN`` from this process: on Linux a forked child starts with
    its parent's high-water mark, which is this benchmark's own memory.
    """
    start = time.perf_counter()
    run = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M",
            sys.executable,
            "-m",
            "faasguard",
            "scan",
            str(root),
            "--no-deps",
            "--format",
            "json",
            "-o",
            os.devnull,
            "--fail-on",
            "never",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    return elapsed, int(run.stderr.strip().splitlines()[-1]) / 1024


def _version_time(repeat: int) -> float:
    return _best(
        repeat,
        lambda: subprocess.run(
            [sys.executable, "-m", "faasguard", "--version"], check=True, capture_output=True
        ),
    )


def main() -> None:
    """Run every figure and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--bandit", default=shutil.which("bandit") or str(Path(sys.executable).with_name("bandit"))
    )
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--no-scan", action="store_true", help="skip the peak-memory scan")
    args = parser.parse_args()
    bandit = args.bandit if Path(args.bandit).exists() or shutil.which(args.bandit) else None
    if bandit is None:
        print("bandit not found: only faasguard is timed (pip install bandit)")
    corpora = sorted(_SHARED.glob("serverless-patterns-*.tar.xz"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if corpora:
            patterns = root / "patterns"
            patterns.mkdir()
            with tarfile.open(corpora[0]) as archive:
                archive.extractall(patterns, filter="data")
            _compare(f"serverless-patterns ({corpora[0].name})", patterns, bandit, args.repeat)
        generated = root / "generated"
        generated.mkdir()
        generate(generated, args.lines)
        _compare("generated corpus", generated, bandit, args.repeat)
        if corpora and not args.no_scan:
            elapsed, peak = _peak_scan_memory(root / "patterns")
            print(f"whole scan of serverless-patterns: {elapsed:.1f} s, peak RSS {peak:.0f} MiB")
    print(f"faasguard --version: {_version_time(5) * 1000:.0f} ms (best of 5)")


if __name__ == "__main__":
    main()
