"""Benchmark the offline vulnerability store: import PyPI all.zip, then match 10,000 packages.

Run: ``python bench/bench_osv.py`` (optionally ``--packages N --seed S --db PATH``).

The data is found through ``$FAASGUARD_SHARED_DATA`` or the ``shared/data`` folder beside the
repository. The queries are deterministic for a seed: about 70% are (package, version) pairs
drawn from the records' explicit ``versions`` lists (affected), 20% are versions of known
packages far above any release (mostly unaffected, except open-ended ranges), and 10% are
packages the database does not know.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    args = parser.parse_args()

    archive = shared_data() / "osv" / "PyPI" / "all.zip"
    if not archive.is_file():
        print(f"missing {archive}; set FAASGUARD_SHARED_DATA", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "osv.sqlite3"
        with Store(db_path) as store:
            started = time.perf_counter()
            report = store.import_zip(archive, "PyPI")
            import_seconds = time.perf_counter() - started
        queries = build_queries(archive, args.packages, args.seed)

        with Store(db_path) as store:
            source = StoreSource(store)
            started = time.perf_counter()
            result = source.match(queries)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            source.match(queries)
            warm = time.perf_counter() - started
        with Store(db_path) as store:
            fresh = StoreSource(store)
            started = time.perf_counter()
            fresh.match(queries[:100])
            small = time.perf_counter() - started

    affected = sum(1 for matches in result.values() if matches)
    findings = sum(len(matches) for matches in result.values())
    print(
        f"import PyPI all.zip : {import_seconds:6.2f} s  ({report.imported} records, "
        f"{report.withdrawn} withdrawn, {len(report.skipped)} skipped)"
    )
    print(f"match {len(queries):>6} pkgs  : {cold:6.3f} s cold (fresh source: load + parse)")
    print(f"match {len(queries):>6} pkgs  : {warm:6.3f} s warm (records cached)")
    print(f"match {100:>6} pkgs  : {small:6.3f} s cold")
    print(f"distinct queries    : {len(result)}; with matches: {affected}; findings: {findings}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
