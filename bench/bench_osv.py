"""Benchmark the offline vulnerability store: import PyPI all.zip, then match 10,000 packages.

Run: ``python bench/bench_osv.py`` (optionally ``--packages N --seed S --runs R``).

Each timed match runs in a fresh process on the imported store, as a scan would: nothing is
cached but the query list. The figure to compare with the 1-second budget is the median.

The data is found through ``$FAASGUARD_SHARED_DATA`` or the ``shared/data`` folder beside the
repository. The queries are deterministic for a seed: about 70% are (package, version) pairs
drawn from the records' explicit ``versions`` lists (affected), 20% are versions of known
packages far above any release (mostly unaffected, except open-ended ranges), and 10% are
packages the database does not know.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from faasguard.deps.vulns import PackageQuery, Store, StoreSource  # noqa: E402


def shared_data() -> Path:
    override = os.environ.get("FAASGUARD_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def build_queries(archive: Path, count: int, seed: int) -> list[PackageQuery]:
    pairs: set[tuple[str, str]] = set()
    names: set[str] = set()
    with zipfile.ZipFile(archive) as zf:
        for entry in zf.namelist():
            record = json.loads(zf.read(entry))
            for affected in record.get("affected", []):
                name = affected["package"]["name"]
                names.add(name)
                pairs.update((name, version) for version in affected.get("versions", []))
    rng = random.Random(seed)
    listed = rng.sample(sorted(pairs), k=min(len(pairs), count * 7 // 10))
    known = sorted(names)
    high = [
        (rng.choice(known), f"{rng.randint(500, 999)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}")
        for _ in range(count * 2 // 10)
    ]
    unknown = [
        (f"not-in-db-{index}", f"1.{rng.randint(0, 20)}.0")
        for index in range(count - len(listed) - len(high))
    ]
    chosen = listed + high + unknown
    rng.shuffle(chosen)
    return [PackageQuery("PyPI", name, version) for name, version in chosen]


def match_once(db_path: Path, queries: list[PackageQuery]) -> tuple[float, int, int]:
    """Time one cold match: a fresh source on an existing store, as one scan would do."""
    with Store(db_path) as store, StoreSource(store) as source:
        started = time.perf_counter()
        result = source.match(queries)
        seconds = time.perf_counter() - started
    affected = sum(1 for matches in result.values() if matches)
    findings = sum(len(matches) for matches in result.values())
    return seconds, affected, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--runs", type=int, default=5, help="cold match runs, one process each")
    parser.add_argument("--match-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    archive = shared_data() / "osv" / "PyPI" / "all.zip"
    if not archive.is_file():
        print(f"missing {archive}; set FAASGUARD_SHARED_DATA", file=sys.stderr)
        return 2
    if args.match_only:
        # Child process: nothing cached but the queries, which a scan would have anyway.
        queries = build_queries(archive, args.packages, args.seed)
        gc.collect()
        print(json.dumps(match_once(args.match_only, queries)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "osv.sqlite3"
        with Store(db_path) as store:
            started = time.perf_counter()
            report = store.import_zip(archive, "PyPI")
            import_seconds = time.perf_counter() - started
        size_mb = db_path.stat().st_size / 1e6
        runs = []
        for _ in range(args.runs):
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--match-only",
                    str(db_path),
                    "--packages",
                    str(args.packages),
                    "--seed",
                    str(args.seed),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(child.stdout))
        queries = build_queries(archive, args.packages, args.seed)
        with Store(db_path) as store, StoreSource(store) as source:
            source.match(queries)
            started = time.perf_counter()
            source.match(queries)
            warm = time.perf_counter() - started

    times = sorted(run[0] for run in runs)
    _, affected, findings = runs[0]
    print(
        f"import PyPI all.zip      : {import_seconds:6.2f} s  ({report.imported} records, "
        f"{report.withdrawn} withdrawn, {len(report.skipped)} skipped; {size_mb:.0f} MB store)"
    )
    print(
        f"match {args.packages} packages  : {times[len(times) // 2]:6.3f} s  median of "
        f"{len(times)} cold runs (fresh process each; min {times[0]:.3f}, max {times[-1]:.3f})"
    )
    print(f"                           {warm:6.3f} s  same source again (results cached)")
    print(f"queries with matches     : {affected} of {args.packages}; {findings} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
