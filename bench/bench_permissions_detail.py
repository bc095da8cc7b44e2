"""What the reports' granted-versus-needed table costs a scan (``--format html`` / ``json``).

Usage: python bench/bench_permissions_detail.py [--functions N] [--templates T] [--repeat R]
       [--sdk]

Generates the scanner corpus (``gen_corpus.py``: one Serverless app of N functions and T SAM
templates of 3 functions each) or, with ``--sdk``, the needed-permissions benchmark's app
(``bench_permissions.py``: N functions making 20 to 24 SDK calls each), loads it once with
``scan()`` (no analyzer), then times the needed-permissions analyzer over every application,
with a fresh file system (so every handler is parsed again, as in a scan) for each run:
``detail=False`` (the findings only: text, SARIF) against ``detail=True`` (each need judged, the
missing grants, the least-privilege policy: what HTML and JSON reports show). Runs alternate
between the two modes after one warm-up run; the best and the median of each are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from gen_corpus import generate  # noqa: E402

from faasguard.config import Config  # noqa: E402
from faasguard.engine import scan  # noqa: E402
from faasguard.fs import ScanFS  # noqa: E402
from faasguard.iam.needed.analyzer import NeededPermissionsAnalyzer  # noqa: E402
from faasguard.loaders.interface import LoadOptions  # noqa: E402
from faasguard.model import Application  # noqa: E402


def _run(root: Path, apps: tuple[Application, ...], *, detail: bool) -> tuple[float, int]:
    fs = ScanFS(root)
    analyzer = NeededPermissionsAnalyzer(detail=detail)
    start = time.perf_counter()
    items = sum(1 for app in apps for _ in analyzer.analyze(app, fs))
    return time.perf_counter() - start, items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--templates", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sdk", action="store_true", help="the SDK-heavy app instead")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="fg-bench-detail-"))
    if args.sdk:
        from bench_permissions import generate as generate_sdk

        generate_sdk(root, args.functions)
    else:
        generate(root, functions=args.functions, templates=args.templates)
    apps = scan(root, Config(), load_options=LoadOptions()).applications
    functions = sum(len(a.functions) for a in apps)
    _run(root, apps, detail=True)  # warm-up: tables loaded, roles evaluated once
    times: dict[bool, list[float]] = {False: [], True: []}
    yielded: dict[bool, int] = {}
    for _ in range(args.repeat):
        for detail in (False, True):
            took, yielded[detail] = _run(root, apps, detail=detail)
            times[detail].append(took)
    print(f"{len(apps)} applications, {functions:,} functions")
    for detail, label in ((False, "findings only"), (True, "with the table")):
        runs = times[detail]
        print(
            f"{label:>15}: best {min(runs):.2f} s, median {statistics.median(runs):.2f} s "
            f"({yielded[detail]:,} items yielded)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
