"""``faasguard inventory``, ``faasguard diff`` and recording a scan (``scan --history``).

The history database is opened here (the CLI decides about files and the console); everything
else is in :mod:`faasguard.history`. A history that cannot be used is a clear error naming the
database, and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faasguard.engine import ScanResult
    from faasguard.history.diff import ScanDiff
    from faasguard.history.interface import InventoryRow

__all__ = ["record_scan", "run_account_scan", "run_diff", "run_inventory"]

_EXIT_OK = 0
_EXIT_USAGE = 2


def record_scan(
    url: str | None,
    result: ScanResult,
    *,
    root: Path | None,
    target: str,
    started_at: _dt.datetime,
) -> int:
    """Write ``result`` to the history ``url`` names (None/"" = default); return the exit code."""
    from faasguard._version import __version__
    from faasguard.fs import ScanFS
    from faasguard.history.connect import open_history
    from faasguard.history.interface import HistoryError
    from faasguard.history.records import scan_record

    record = scan_record(
        result,
        fs=ScanFS(root) if root is not None else None,
        started_at=started_at,
        target=target,
        version=__version__,
    )
    try:
        with open_history(url or None) as store:
            scan_id = store.record(record)
            where = store.description
    except HistoryError as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return _EXIT_USAGE
    print(f"faasguard: scan #{scan_id} recorded in {where}", file=sys.stderr)
    return _EXIT_OK


def run_account_scan(args: argparse.Namespace) -> int:
    """``faasguard scan aws://[profile@]region[,region...]``: the same report, from an account.

    Exit codes as for a folder; 2 also when the target is malformed or no region can be read.
    """
    import dataclasses
    import json as _json

    from faasguard.cli.scan_cmd import _config, _today, _write, read_baseline, write_file
    from faasguard.live.scan import AccountUnreachable, scan_account
    from faasguard.live.target import parse_target

    try:
        target = parse_target(args.path)
    except ValueError as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return _EXIT_USAGE
    config = _config(args, Path.cwd())
    baseline = read_baseline(Path(args.baseline)) if args.baseline else frozenset()
    started_at = _dt.datetime.now(_dt.timezone.utc)
    from faasguard.cli.progress import Progress

    progress = Progress.for_cli(sys.stderr, quiet=getattr(args, "quiet", False))
    fetch_code = bool(getattr(args, "fetch_code", False))
    # With --fetch-code the packages are analysed as a folder's code is (scan_cmd's analyzers).
    from faasguard.cli.scan_cmd import _analyzers, _enrichers
    from faasguard.live.package import FetchLimits

    analyzers = _analyzers(args) if fetch_code else []
    try:
        result = scan_account(
            target,
            config,
            baseline=baseline,
            today=_today(args.today),
            progress=progress,
            fetch=FetchLimits() if fetch_code else None,
            analyzers=analyzers,
            enrichers=_enrichers() if fetch_code else [],
        )
    except AccountUnreachable as exc:
        progress.close()
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return _EXIT_USAGE
    progress.close()
    if getattr(args, "templates", None):
        drift = _drift(args, config, result)
        if drift is None:
            return _EXIT_USAGE
        result = drift
    errors: list[str] = []
    if fetch_code:
        from faasguard.cli.scan_cmd import _analyzer_errors

        # As for a folder: what building the analyzers said first; a failed lookup fails.
        built = [notice for a in analyzers for notice in a.notices]
        errors = _analyzer_errors(analyzers)
        result = dataclasses.replace(result, notices=(*built, *result.notices, *errors))
    elif not args.no_deps:
        note = (
            "dependency and code analyses need the deployment packages: not run on an account "
            "(--fetch-code downloads them)"
        )
        result = dataclasses.replace(result, notices=(*result.notices, note))
    _write(args, result)
    if args.write_baseline:
        prints = sorted({f.fingerprint for f in (*result.findings, *result.baselined)})
        write_file(
            Path(args.write_baseline), _json.dumps({"fingerprints": prints}, indent=2) + "\n"
        )
    if errors:
        for error in errors:
            print(f"faasguard: error: {error}", file=sys.stderr)
        return _EXIT_USAGE
    if args.history is not None and record_scan(
        args.history, result, root=None, target=args.path, started_at=started_at
    ):
        return _EXIT_USAGE
    worst = max((f.severity.rank for f in result.findings), default=-1)
    if args.fail_on != "never" and worst >= config.fail_on.rank:
        return 1
    return _EXIT_OK


def _drift(args: argparse.Namespace, config: Any, result: ScanResult) -> ScanResult | None:
    """``result`` with the drift findings against the templates under ``--templates``."""
    import dataclasses

    from faasguard.engine import partition_findings, rule_options, scan
    from faasguard.findings import Finding
    from faasguard.live.drift import drift_findings
    from faasguard.loaders.interface import LoadOptions

    folder = Path(args.templates)
    if not folder.exists():
        print(f"faasguard: error: {args.templates}: no such file or folder", file=sys.stderr)
        return None
    options = LoadOptions(stage=config.stage, region=config.region, parameters=config.parameters)
    templates = scan(folder, config, load_options=options).applications
    # Only when FG9004 is on (--disable deployment-drift / sprawl turn it off).
    found = (
        drift_findings(templates, result.applications, options=rule_options(config, None))
        if "FG9004" in result.rules
        else []
    )
    active, suppressed, _ = partition_findings(found, config, frozenset())
    return dataclasses.replace(
        result,
        findings=tuple(sorted((*result.findings, *active), key=Finding.sort_key)),
        suppressed=(*result.suppressed, *suppressed),
        templates=(*result.templates, *(app.file for app in templates)),
    )


def run_inventory(args: argparse.Namespace) -> int:
    """Run ``faasguard inventory`` and return the exit code."""
    from faasguard.history.connect import open_history
    from faasguard.history.interface import HistoryError

    try:
        with open_history(args.history) as store:
            if args.scans:
                rows = [
                    {
                        "id": s.id,
                        "target": s.target,
                        "started_at": s.started_at.isoformat(),
                        "version": s.version,
                        "functions": s.functions,
                        "findings": s.findings,
                    }
                    for s in store.scans()
                ]
                _emit(args, rows, list(rows[0]) if rows else ["id"])
                return _EXIT_OK
            inventory = [row for row in store.inventory() if _selected(row, args)]
            if args.format == "html":
                from faasguard.report.html_inventory import render_inventory_html

                page = render_inventory_html(store.scans(), inventory)
                if args.output:
                    Path(args.output).write_text(page, encoding="utf-8")
                else:
                    sys.stdout.write(page)
                return _EXIT_OK
    except HistoryError as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return _EXIT_USAGE
    _emit(args, [_inventory_row(row) for row in inventory], _INVENTORY_COLUMNS)
    return _EXIT_OK


_INVENTORY_COLUMNS = [
    "application",
    "function",
    "owner",
    "runtime",
    "first_seen",
    "last_seen",
    "cost_per_hour",
    "unused",
    "findings",
    "description",
    "readme",
    "file",
    "line",
]


def _selected(row: InventoryRow, args: argparse.Namespace) -> bool:
    record = row.record
    if args.owner and (record.owner is None or args.owner.lower() not in record.owner.lower()):
        return False
    if args.runtime and (record.runtime or "") != args.runtime:
        return False
    if args.unused and not record.unused:
        return False
    if args.application and record.application != args.application:
        return False
    if args.category:
        wanted = args.category
        if not any(
            count and (cat == wanted or cat.split(".", 1)[0] == wanted)
            for cat, count in record.finding_counts.items()
        ):
            return False
    return True


def _inventory_row(row: InventoryRow) -> dict[str, Any]:
    r = row.record
    return {
        "application": r.application,
        "function": r.name,
        "owner": r.owner,
        "runtime": r.runtime,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "cost_per_hour": None if r.cost_per_hour is None else str(r.cost_per_hour),
        "unused": r.unused,
        "findings": dict(r.finding_counts),
        "description": r.description,
        "readme": r.readme,
        "file": r.file,
        "line": r.line,
        "owner_source": r.owner_source,
        "triggers": list(r.triggers),
        "last_scan": row.last_scan,
    }


def _emit(args: argparse.Namespace, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    if args.format == "json":
        text = json.dumps(rows, indent=2, sort_keys=False) + "\n"
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        text = buffer.getvalue()
    else:
        text = _table([_for_text(row) for row in rows], columns)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _for_text(row: dict[str, Any]) -> dict[str, Any]:
    """A row shortened for the terminal: times to the minute, findings as a total."""
    short = dict(row)
    for key in ("first_seen", "last_seen", "started_at"):
        if isinstance(short.get(key), str):
            short[key] = short[key][:16].replace("T", " ")
    if isinstance(short.get("findings"), dict):
        short["findings"] = sum(short["findings"].values())
    return short


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return "no functions recorded (run `faasguard scan --history`)\n"
    shown = [c for c in columns if c not in ("description", "readme", "file", "line")]
    cells = [[_cell(row.get(c)) for c in shown] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(shown)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def run_diff(args: argparse.Namespace) -> int:
    """Run ``faasguard diff SCAN_A SCAN_B`` and return the exit code."""
    from faasguard.history.connect import open_history
    from faasguard.history.diff import diff_scans
    from faasguard.history.interface import HistoryError

    try:
        with open_history(args.history) as store:
            result = diff_scans(store, args.before, args.after)
    except HistoryError as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return _EXIT_USAGE
    if args.format == "json":
        sys.stdout.write(json.dumps(_diff_json(result), indent=2) + "\n")
    else:
        sys.stdout.write(_diff_text(result))
    return _EXIT_OK


def _diff_json(d: ScanDiff) -> dict[str, Any]:
    return {
        "before": d.before.id,
        "after": d.after.id,
        "added_functions": [f.key for f in d.added_functions],
        "removed_functions": [f.key for f in d.removed_functions],
        "changed_functions": [
            {
                "key": c.key,
                "added_permissions": list(c.added_permissions),
                "removed_permissions": list(c.removed_permissions),
                "added_triggers": list(c.added_triggers),
                "removed_triggers": list(c.removed_triggers),
                "new_vulnerable_packages": list(c.new_vulnerable_packages),
                "fixed_vulnerable_packages": list(c.fixed_vulnerable_packages),
                "role_changed": c.role_changed,
                "code_changed": c.code_changed,
                "dependencies_changed": c.dependencies_changed,
            }
            for c in d.changed_functions
        ],
        "new_findings": [_finding_json(f) for f in d.new_findings],
        "fixed_findings": [_finding_json(f) for f in d.fixed_findings],
    }


def _finding_json(f: Any) -> dict[str, Any]:
    return {
        "fingerprint": f.fingerprint,
        "function": f.function_key,
        "rule_id": f.rule_id,
        "category": f.category,
        "severity": f.severity,
        "message": f.message,
    }


def _diff_text(d: ScanDiff) -> str:
    lines = [f"scan #{d.before.id} -> #{d.after.id}"]
    if d.empty:
        return lines[0] + ": no change\n"
    lines += [f"+ function {f.key}" for f in d.added_functions]
    lines += [f"- function {f.key}" for f in d.removed_functions]
    for c in d.changed_functions:
        lines.append(f"~ function {c.key}")
        lines += [f"    + permission {p}" for p in c.added_permissions]
        lines += [f"    - permission {p}" for p in c.removed_permissions]
        lines += [f"    + trigger {t}" for t in c.added_triggers]
        lines += [f"    - trigger {t}" for t in c.removed_triggers]
        lines += [f"    + vulnerable {p}" for p in c.new_vulnerable_packages]
        lines += [f"    - vulnerable {p}" for p in c.fixed_vulnerable_packages]
        what = [
            name
            for name, flag in (
                ("role", c.role_changed),
                ("code", c.code_changed),
                ("dependencies", c.dependencies_changed),
            )
            if flag
        ]
        if what:
            lines.append(f"    changed: {', '.join(what)}")
    lines += [
        f"+ finding {f.rule_id} {f.severity} {f.function_key or '-'}: {f.message}"
        for f in d.new_findings
    ]
    lines += [
        f"- finding (fixed) {f.rule_id} {f.severity} {f.function_key or '-'}: {f.message}"
        for f in d.fixed_findings
    ]
    return "\n".join(lines) + "\n"
