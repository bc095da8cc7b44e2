"""Time writing one large scan to the history, on SQLite and on PostgreSQL.

Usage: python bench/bench_history.py [--functions N] [--findings-per-function K] [--runs R]

Builds one synthetic scan record (N functions with realistic fields, K findings each), then
times ``HistoryStore.record`` (one transaction) into a fresh SQLite file and into a fresh
database of a throw-away PostgreSQL cluster started as the tests start it
(tests/estate/estate_services.py), and the inventory query after it. Goal (issue 12): under
5 s each for 10,000 functions.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "estate"))

from faasguard.history.connect import open_history  # noqa: E402
from faasguard.history.interface import FindingRecord, FunctionRecord, ScanRecord  # noqa: E402


def _scan(functions: int, per_function: int) -> ScanRecord:
    records = []
    findings = []
    for i in range(functions):
        key = f"services/svc{i // 50}/serverless.yml#fn{i}"
        records.append(
            FunctionRecord(
                key=key,
                application=f"svc{i // 50}",
                name=f"fn{i}",
                file=f"services/svc{i // 50}/serverless.yml",
                line=10 + i % 500,
                owner=f"@org/team{i % 40}",
                owner_source="CODEOWNERS",
                description=f"Function {i} of the estate",
                readme=None,
                runtime="python3.12",
                role_fingerprint=f"{i:064x}",
                triggers_fingerprint=f"{i * 7:064x}",
                dependencies_fingerprint=f"{i * 13:064x}",
                code_fingerprint=f"{i * 17:064x}",
                triggers=(f"rest-api Api:GET /items/{i}", f"sqs Queue{i % 10}"),
                permissions=("dynamodb:GetItem", "dynamodb:Query", "s3:GetObject", "sqs:*"),
                vulnerable_packages=(f"PyPI:urllib3@1.26.{i % 9} GHSA-v845-jxx5-vc9f",),
                finding_counts={"code.sql-injection": 1, "permissions.wildcard-action": 2},
                cost_per_hour=Decimal("140.70"),
                unused=i % 11 == 0,
            )
        )
        for k in range(per_function):
            findings.append(
                FindingRecord(
                    f"{i:08x}{k:04x}",
                    key,
                    "FG1001",
                    "permissions.wildcard-action",
                    "high",
                    f"Function fn{i} allows sqs:* ({k})",
                )
            )
    started = _dt.datetime(2026, 12, 7, tzinfo=_dt.timezone.utc)
    return ScanRecord("services/", started, "bench", tuple(records), tuple(findings))


def _time(url: str, scan: ScanRecord) -> tuple[float, float]:
    with open_history(url) as store:
        start = time.perf_counter()
        store.record(scan)
        written = time.perf_counter() - start
        start = time.perf_counter()
        rows = store.inventory()
        listed = time.perf_counter() - start
        assert len(rows) == len(scan.functions)
    return written, listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--findings-per-function", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scan = _scan(args.functions, args.findings_per_function)
    print(f"{args.functions:,} functions, {len(scan.findings):,} findings, {args.runs} runs")
    from estate_services import PgCluster  # the tests' throw-away cluster

    cluster = PgCluster()
    try:
        for backend in ("sqlite", "postgresql"):
            results = []
            for _ in range(args.runs):
                if backend == "sqlite":
                    folder = tempfile.mkdtemp(prefix="fg-bench-history-")
                    url = str(Path(folder) / "history.sqlite")
                else:
                    url = cluster.new_database()
                results.append(_time(url, scan))
            best_write = min(r[0] for r in results)
            best_list = min(r[1] for r in results)
            print(
                f"{backend:10}  record (1 transaction): best {best_write:.2f} s   "
                f"inventory: best {best_list:.2f} s"
            )
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
