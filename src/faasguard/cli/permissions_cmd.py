"""``faasguard permissions``: per function, granted versus needed, and the least-privilege fix.

Prints for each function what its role grants, what it needs (with the SDK call, trigger,
platform feature or CloudTrail event behind each need), what is unused, what could not be
resolved, and the least-privilege policy; ``--fix`` writes that policy back into the templates
(``--dry-run`` prints the diff instead).

Imported only when the command runs (its arguments are declared in ``cli/main.py``), so the
start-up of every other command does not pay for it.

Exit codes (docs/cli.md): 0 done; 2 bad input (a CloudTrail file that cannot be read, a
template ``--fix`` cannot rewrite, a bad ``--since``); 3 internal error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, TextIO

__all__ = ["run_permissions"]

EXIT_OK = 0
EXIT_USAGE = 2
#: Functions listed by name as sharing a role (the count is always given).
_SHARED_SHOWN = 20


def run_permissions(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Run the command; return its exit code."""
    from faasguard.fix.plan import FixError
    from faasguard.iam.cloudtrail import CloudTrailError

    out = out or sys.stdout
    try:
        return _run(args, out)
    except (CloudTrailError, FixError) as exc:
        print(f"faasguard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from faasguard.errors import ConfigError
    from faasguard.iam.needed.analyzer import function_permissions

    target = Path(args.path)
    if not target.exists():
        raise ConfigError(f"{args.path}: no such file or folder")
    if args.dry_run and not args.fix:
        raise ConfigError("--dry-run only makes sense with --fix")
    apps, fs, notices = _load(target, args)
    observed, trail_notes = _observed(args, apps)
    notices += trail_notes
    perms = [
        perm
        for app in apps
        for perm in function_permissions(app, fs, observed=observed.get(app.name, {}))
    ]
    if args.fix:
        return _fix(apps, perms, fs, args, out, notices)
    import json

    if args.format == "json":
        json.dump(_json(perms, notices), out, indent=2, sort_keys=False)
        out.write("\n")
    else:
        _text(perms, notices, out)
    return EXIT_OK


def _load(target: Path, args: argparse.Namespace) -> tuple[list[Any], Any, list[str]]:
    """The applications under ``target``; load problems become notices (named file and line)."""
    import dataclasses

    from faasguard.cli.scan_cmd import _parameters
    from faasguard.config import load_config
    from faasguard.engine import scan
    from faasguard.loaders.interface import LoadOptions
    from faasguard.rules.registry import all_rules

    root = target if target.is_dir() else target.parent
    config = load_config(root)
    families = {rule.category.split(".")[0] for rule in all_rules()} - {"tool"}
    config = dataclasses.replace(
        config,
        disable=(*config.disable, *sorted(families)),
        exclude=(*config.exclude, *args.exclude),
    )
    options = LoadOptions(
        stage=args.stage or config.stage,
        region=args.region or config.region,
        parameters={**config.parameters, **_parameters(args.param)},
    )
    result = scan(target, config, load_options=options)
    notices = [f"{f.file}{f':{f.line}' if f.line else ''}: {f.message}" for f in result.findings]
    from faasguard.fs import ScanFS

    return list(result.applications), ScanFS(root, max_file_bytes=config.max_file_bytes), notices


def _observed(
    args: argparse.Namespace, apps: list[Any]
) -> tuple[dict[str, dict[str, list[Any]]], list[str]]:
    if not args.cloudtrail:
        if args.since or args.until:
            from faasguard.errors import ConfigError

            raise ConfigError("--since/--until need --cloudtrail")
        return {}, []
    from faasguard.iam.cloudtrail import attribute, observed_needs, parse_time, read_events

    since = parse_time(args.since, what="--since") if args.since else None
    until = parse_time(args.until, what="--until") if args.until else None
    events = []
    for path in args.cloudtrail:
        events += read_events(Path(path), since=since, until=until)
    by_function, unattributed = attribute(events, apps)
    observed: dict[str, dict[str, list[Any]]] = {}
    for (app_name, fn_name), found in by_function.items():
        observed.setdefault(app_name, {})[fn_name] = observed_needs(found)
    notes = [
        f"CloudTrail: {len(events)} event(s) read, {len(events) - len(unattributed)} "
        f"attributed to functions"
    ]
    if unattributed:
        sessions = sorted({e.session or "(no assumed role)" for e in unattributed})
        notes.append(
            f"CloudTrail: {len(unattributed)} event(s) from sessions that are no function of "
            f"these templates: {', '.join(sessions[:10])}"
        )
    return observed, notes


def _fix(
    apps: list[Any],
    perms: list[Any],
    fs: Any,
    args: argparse.Namespace,
    out: TextIO,
    notices: list[str],
) -> int:
    from faasguard.fix.plan import FixError, plan_fix, unified_diff, write_fix

    for note in notices:
        print(f"note: {note}", file=sys.stderr)
    failed = False
    for app in apps:
        # One template that cannot be rewritten must not stop the others; it still fails
        # the command (exit 2), so a CI step cannot pass with a fix half applied unseen.
        try:
            plan = plan_fix(app, perms, fs)
            for kept in plan.kept:
                print(f"{plan.file}: kept {kept}", file=sys.stderr)
            if args.dry_run:
                out.write(unified_diff(plan))
                continue
            write_fix(plan, fs)
        except FixError as exc:
            print(f"faasguard: error: {exc}", file=sys.stderr)
            failed = True
            continue
        if plan.changed:
            print(
                f"{plan.file}: least-privilege role for {', '.join(plan.changed)}",
                file=sys.stderr,
            )
    return EXIT_USAGE if failed else EXIT_OK


#: How a need that no statement grants reads in the text report.
_STATUS_WORDS: Final = {
    "missing": "NOT GRANTED: the call fails at run time",
    "framework": "granted by the framework",
    "undecided": "cannot tell",
    "conditional": "granted only under a Condition",
}


def _need_json(need: Any, judged: Any = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "action": need.action,
        "resources": list(need.resources),
        "source": need.source.value,
        "evidence": need.evidence,
    }
    if need.note:
        item["note"] = need.note
    if judged is not None:
        item["status"] = judged.status.value
        item["granted_by"] = [
            {
                "statement": g.statement,
                "policy": g.policy,
                "location": str(g.location),
                "conditional": g.conditional,
            }
            for g in judged.granted_by
        ]
        if judged.reason:
            item["status_reason"] = judged.reason
    return item


def _verdicts(perm: Any) -> list[Any]:
    """The verdict on each need, in the needs' order (None where it was not worked out)."""
    judged = list(perm.judged)
    if len(judged) != len(perm.needs.needs):
        return [None] * len(perm.needs.needs)
    return judged


def _verdict_text(judged: Any) -> str:
    """One line saying whether the role grants a need, and through what."""
    if judged is None:
        return ""
    if judged.granted_by:
        refs = "; ".join(
            f"{g.location} {g.statement}" + (" [with a Condition]" if g.conditional else "")
            for g in judged.granted_by[:3]
        )
        more = f"; and {len(judged.granted_by) - 3} more" if len(judged.granted_by) > 3 else ""
        return f"granted by {refs}{more}"
    reason = f": {judged.reason}" if judged.reason else ""
    return f"{_STATUS_WORDS.get(judged.status.value, judged.status.value)}{reason}"


def _json(perms: Iterable[Any], notices: list[str]) -> dict[str, Any]:
    functions = []
    for perm in perms:
        functions.append(
            {
                "name": perm.function.name,
                "application": perm.application,
                "location": str(perm.function.location),
                "role": perm.role,
                "granted": [
                    {
                        "statement": g.origin,
                        "policy": g.policy,
                        "location": str(g.location),
                        "actions": list(g.actions),
                        "resources": list(g.resources),
                        "granted_actions": g.granted,
                        "conditional": g.conditional,
                        "duplicates": g.duplicates,
                    }
                    for g in perm.granted
                ],
                "needed": [
                    _need_json(n, j) for n, j in zip(perm.needs.needs, _verdicts(perm), strict=True)
                ],
                "unused": [
                    {
                        "entry": u.entry,
                        "actions": list(u.unused),
                        "used": list(u.used),
                        "statement": u.origin,
                        "policy": u.policy,
                        "location": str(u.location),
                    }
                    for u in (perm.unused if perm.complete else ())
                ],
                "missing": [_need_json(n) for n in perm.missing],
                "unknown": list(perm.unknown),
                "shared_with": list(perm.shared_with(_SHARED_SHOWN)),
                "shared_count": perm.sharing,
                "policy": perm.policy,
            }
        )
    return {"functions": functions, "notices": notices}


def _text(perms: Iterable[Any], notices: list[str], out: TextIO) -> None:
    import json

    w = out.write
    for perm in perms:
        fn = perm.function
        shared = ""
        if perm.sharing:
            more = perm.sharing - _SHARED_SHOWN
            tail = f" and {more} more" if more > 0 else ""
            shared = f", shared with {', '.join(perm.shared_with(_SHARED_SHOWN))}{tail}"
        w(f"{fn.name} ({perm.application}, {fn.location}; role {perm.role or 'none'}{shared})\n")
        w("  granted:\n")
        for g in perm.granted:
            where = f"managed policy {g.policy}" if g.policy else g.origin
            cond = " [with a Condition]" if g.conditional else ""
            if g.duplicates:
                cond += f" [and {g.duplicates} identical statement(s)]"
            w(
                f"    {g.location} {where}: {', '.join(g.actions)} on {', '.join(g.resources)} "
                f"({g.granted} action(s)){cond}\n"
            )
        if not perm.granted:
            w("    nothing known\n")
        w("  needed:\n")
        for n, judged in zip(perm.needs.needs, _verdicts(perm), strict=True):
            note = f" [{n.note}]" if n.note else ""
            where = ", ".join(n.resources)
            w(f"    {n.action} on {where} <- {n.source.value}: {n.evidence}{note}\n")
            verdict = _verdict_text(judged)
            if verdict:
                w(f"      {verdict}\n")
        w("  unused:\n")
        if not perm.complete:
            w("    not judged: the needs are incomplete (see unknown)\n")
        # One line per statement (or managed policy): a SAM policy template lists each
        # action as an entry of its own.
        grouped: dict[tuple[str, str], list[Any]] = {}
        for u in perm.unused if perm.complete else ():
            where = f"managed policy {u.policy}" if u.policy else u.origin
            grouped.setdefault((str(u.location), where), []).append(u)
        for (location, where), entries in grouped.items():
            unused = sorted({a for u in entries for a in u.unused})
            used = sorted({a for u in entries for a in u.used})
            keep = f"; keep {', '.join(used)}" if used else ""
            shown = ", ".join(unused[:6]) + (" ..." if len(unused) > 6 else "")
            names = ", ".join(u.entry for u in entries[:4]) + (" ..." if len(entries) > 4 else "")
            w(f"    {location} {where}: {names}: {len(unused)} unused ({shown}){keep}\n")
        if perm.missing:
            w("  needed but not granted:\n")
            for n in perm.missing:
                w(f"    {n.action} on {', '.join(n.resources)} <- {n.evidence}\n")
        if perm.unknown:
            w("  unknown:\n")
            for item in perm.unknown:
                w(f"    {item}\n")
        w("  least-privilege policy:\n")
        for line in json.dumps(perm.policy, indent=2).splitlines():
            w(f"    {line}\n")
        w("\n")
    for note in notices:
        w(f"note: {note}\n")
