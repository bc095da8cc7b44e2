"""Scan a live account: read the regions in parallel, build the model, run the rules.

Regions are read in parallel threads (boto3 sessions are not shared between threads: one per
region), since reading is network-bound. A region that cannot be read is a notice and the scan
keeps the others; when no region can be read the scan fails (:class:`AccountUnreachable`).
The rules run exactly as on templates; analyses that need files (dependencies, code) do not run,
since no deployment package is downloaded.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from faasguard.config import Config
from faasguard.engine import ScanResult, disabled_rules, enabled_rules
from faasguard.findings import Finding
from faasguard.live.build import build_application
from faasguard.live.reader import (
    INVOCATION_LOOKBACK_DAYS,
    RegionSnapshot,
    RegionUnreachable,
    read_region,
)
from faasguard.live.target import AccountTarget
from faasguard.model import Application
from faasguard.rules.interface import RuleContext, RuleOptions

__all__ = ["AccountUnreachable", "disuse_findings", "scan_account"]

_MAX_PARALLEL_REGIONS: Final = 8
_UNUSED: Final = "unused-function"
_WINDOW_DAYS: Final = 90


class AccountUnreachable(Exception):  # noqa: N818 - what happened, as RegionUnreachable
    """No region of the account could be read."""


def scan_account(
    target: AccountTarget,
    config: Config,
    *,
    baseline: frozenset[str] = frozenset(),
    today: _dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    session_factory: Callable[[str | None], Any] | None = None,
) -> ScanResult:
    """Read ``target``'s regions and return the scan result.

    Args:
        target: the account and regions.
        config: the merged configuration (rules, options, suppressions).
        baseline: fingerprints to hide as already known.
        today: the date runtime deprecations are judged against.
        progress: called with each stage read.
        session_factory: makes a boto3 session for a profile (default ``boto3.Session``).

    Raises:
        AccountUnreachable: no region could be read; the message has each region's reason.
    """
    # The engine's rule runner, as for templates (no public entry point for prebuilt models).
    from faasguard.engine import _partition, _plan, _run_rules
    from faasguard.floods import fold_floods

    factory = session_factory or _session

    def read(region: str) -> RegionSnapshot | str:
        try:
            return read_region(factory(target.profile), region, progress=progress)
        except RegionUnreachable as exc:
            return str(exc)
        except Exception as exc:
            return f"aws://{region}: cannot be read: {type(exc).__name__}: {exc}"

    workers = max(1, min(len(target.regions), _MAX_PARALLEL_REGIONS))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(read, target.regions))
    snapshots = [o for o in outcomes if isinstance(o, RegionSnapshot)]
    failures = [o for o in outcomes if isinstance(o, str)]
    if not snapshots:
        raise AccountUnreachable("; ".join(failures))
    rules = enabled_rules(config)
    options = RuleOptions(
        today=today or _dt.date.today(),
        naming_pattern=config.naming_pattern,
        deprecation_warning_days=config.deprecation_warning_days,
        extra=config.rule_options,
    )
    planned = _plan(rules)
    apps: list[Application] = []
    findings: list[Finding] = []
    unused_on = any(rule.name == _UNUSED for rule in rules)
    for snap in snapshots:
        app = build_application(snap)
        ctx = RuleContext(app=app, options=options)
        found = _run_rules(planned, app, ctx)
        if snap.last_invoked is not None:
            # What CloudWatch says replaces the template-style guess (no trigger seen).
            found = [f for f in found if f.rule_name != _UNUSED]
            if unused_on:
                found += disuse_findings(app, snap, ctx)
        findings.extend(fold_floods(found))
        apps.append(app)
    active, suppressed, baselined = _partition(findings, config, baseline)
    notices = [*failures, *(n for snap in snapshots for n in snap.notices)]
    return ScanResult(
        root=target.text,
        applications=tuple(apps),
        findings=tuple(sorted(active, key=Finding.sort_key)),
        suppressed=tuple(sorted(suppressed, key=lambda s: s.finding.sort_key())),
        baselined=tuple(sorted(baselined, key=Finding.sort_key)),
        templates=tuple(f"aws://{snap.region}" for snap in snapshots),
        notices=tuple(notices),
        rules=tuple(rule.id for rule in rules),
        disabled_rules=disabled_rules(config),
        config_sources=config.sources,
    )


def disuse_findings(app: Application, snap: RegionSnapshot, ctx: RuleContext) -> list[Finding]:
    """``unused-function`` for each function not invoked within the window, with its last day.

    The window is ``[rules.unused-function] invocation_window_days`` (default 90).
    """
    from faasguard.rules.registry import rule_by_name

    rule = rule_by_name(_UNUSED)()
    days = ctx.options.extra.get(_UNUSED, {}).get("invocation_window_days", _WINDOW_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        raise ValueError(
            f"[rules.{_UNUSED}] invocation_window_days must be a positive integer, not {days!r}"
        )
    since = snap.read_at - _dt.timedelta(days=days)
    last_invoked = snap.last_invoked or {}
    found = []
    for fn in app.functions:
        if fn.name not in last_invoked:
            continue
        last = last_invoked[fn.name]
        if last is not None and last >= since:
            continue
        when = (
            f"last invoked on {last.date().isoformat()}"
            if last is not None
            else f"no invocation in the last {INVOCATION_LOOKBACK_DAYS} days"
        )
        found.append(
            rule.finding(
                ctx,
                message=(
                    f"Function `{fn.name}` has not been invoked in the last {days} days "
                    f"({when}, CloudWatch `Invocations` in {app.name})."
                ),
                location=fn.location,
                function=fn.name,
                resource=fn.resource_id,
                evidence=f"Invocations = 0 for {days} days; {when}",
                remediation=(
                    "Delete the function (and its role, triggers and log group) if nobody needs "
                    "it; otherwise suppress this finding with a reason naming who runs it and when."
                ),
                fingerprint_extra="invocations",
            )
        )
    return found


def _session(profile: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile)
