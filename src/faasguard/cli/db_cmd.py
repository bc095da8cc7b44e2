"""``faasguard db``: manage the offline vulnerability store (update, import, status)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["run_db"]


def run_db(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run a ``db`` action; exit 0 on success, 2 for usage errors, 1 when data cannot be had."""
    from faasguard.deps.vulns import (
        DEFAULT_BASE_URL,
        SUPPORTED_ECOSYSTEMS,
        Store,
        VulnerabilityDataError,
        default_db_path,
        update_store,
    )

    path = Path(args.db) if args.db else default_db_path()
    if args.db_command is None:
        parser.parse_args(["db", "--help"])
        return 2
    try:
        if args.db_command == "status":
            if not path.exists():
                print(
                    f"No vulnerability store at {path}. Create it with `faasguard db update` "
                    "or `faasguard db import FILE.zip`."
                )
                return 0
            with Store(path) as store:
                status = store.status()
            print(f"store: {status.path}")
            print(f"records: {status.total_records}")
            for eco in status.ecosystems:
                age = status.age(eco.ecosystem)
                when = (
                    f"{eco.last_update:%Y-%m-%d %H:%M} UTC, {age.days} days ago"
                    if eco.last_update and age is not None
                    else "never"
                )
                stale = (
                    "  (older than 7 days: run `faasguard db update`)"
                    if (age is not None and age.days >= 7)
                    else ""
                )
                print(
                    f"{eco.ecosystem}: {eco.records} records ({eco.withdrawn} withdrawn), "
                    f"{eco.packages} packages, updated {when}{stale}"
                )
            return 0
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.db_command == "import":
            source = Path(args.file)
            if not source.is_file():
                print(f"faasguard: error: {source}: no such file", file=sys.stderr)
                return 2
            with Store(path) as store:
                report = store.import_zip(source, args.ecosystem)
            print(
                f"imported {report.imported} records from {source} into {path} "
                f"({report.withdrawn} withdrawn, {len(report.skipped)} skipped, "
                f"{report.seconds:.1f} s)"
            )
            for skipped in report.skipped[:20]:
                print(f"  skipped {skipped.name}: {skipped.reason}")
            return 0
        ecosystems = tuple(args.ecosystem or SUPPORTED_ECOSYSTEMS)
        with Store(path) as store:
            results = update_store(store, ecosystems, base_url=args.base_url or DEFAULT_BASE_URL)
        for result in results:
            print(
                f"{result.ecosystem}: {result.mode} update, {result.report.imported} records "
                f"written, {len(result.report.skipped)} skipped ({path})"
            )
        return 0
    except VulnerabilityDataError as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return 1
