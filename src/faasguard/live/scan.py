"""Scan a live account: read the regions in parallel, build the model, run the rules.

Regions are read in parallel threads (boto3 sessions are not shared between threads: one per
region), since reading is network-bound. A region that cannot be read is a notice and the scan
keeps the others; when no region can be read the scan fails (:class:`AccountUnreachable`).
The rules run exactly as on templates. Analyses that need files (dependencies, code) run only
when asked to fetch the deployment packages (``fetch``, ``--fetch-code``): they are then
downloaded into a temporary folder (:mod:`faasguard.live.package`), become the functions' code
roots (:mod:`faasguard.live.code_roots`), and the folder is removed when the scan ends.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from faasguard.config import Config
from faasguard.engine import (
    Analyzer,
    Enricher,
    ScanResult,
    partition_findings,
    rule_options,
    scan_applications,
)
from faasguard.findings import Finding
from faasguard.live.build import build_application
from faasguard.live.package import FetchLimits
from faasguard.live.reader import (
    INVOCATION_LOOKBACK_DAYS,
    RegionSnapshot,
    RegionUnreachable,
    read_region,
)
from faasguard.live.stores import settle_buckets
from faasguard.live.target import AccountTarget
from faasguard.model import Application
from faasguard.rules.interface import RuleContext, RuleOptions

__all__ = ["AccountUnreachable", "disuse_findings", "scan_account"]

_MAX_PARALLEL_REGIONS: Final = 8
_UNUSED: Final = "unused-function"
_UNUSED_ID: Final = "FG9001"
_UNUSED_ROLE_ID: Final = "FG9005"
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
    fetch: FetchLimits | None = None,
    analyzers: Sequence[Analyzer] = (),
    enrichers: Sequence[Enricher] = (),
) -> ScanResult:
    """Read ``target``'s regions and return the scan result.

    Args:
        target: the account and regions.
        config: the merged configuration (rules, options, suppressions).
        baseline: fingerprints to hide as already known.
        today: the date runtime deprecations are judged against.
        progress: called with each stage read.
        session_factory: makes a boto3 session for a profile (default ``boto3.Session``).
        fetch: download each deployment package within these limits, and run ``analyzers``
            and ``enrichers`` on the code (None: no package is downloaded).
        analyzers: the dependency and code analyses, run on the fetched packages.
        enrichers: what reads the fetched code before the rules (the call graph).

    Raises:
        AccountUnreachable: no region could be read; the message has each region's reason.
    """
    factory = session_factory or _session

    def read(region: str) -> RegionSnapshot | str:
        try:
            return read_region(
                factory(target.profile), region, progress=progress, layers=fetch is not None
            )
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
    settle_buckets(snapshots)  # a bucket used across regions is judged once
    apps = [build_application(snap) for snap in snapshots]
    notices = [*failures, *(n for snap in snapshots for n in snap.notices)]
    if fetch is None:
        result = scan_applications(
            apps, config, root=target.text, baseline=baseline, today=today, notices=notices
        )
    else:
        result = _scan_with_code(
            apps,
            snapshots,
            config,
            target=target,
            baseline=baseline,
            today=today,
            notices=notices,
            limits=fetch,
            factory=factory,
            analyzers=analyzers,
            enrichers=enrichers,
            progress=progress,
        )
    # Where CloudWatch was read, it decides disuse instead of the template-style guess.
    measured = {
        app.name for app, snap in zip(apps, snapshots, strict=True) if snap.last_invoked is not None
    }

    def guessed(finding: Finding) -> bool:
        return finding.rule_name == _UNUSED and finding.application in measured

    options = rule_options(config, today)
    extra: list[Finding] = []
    enabled = set(result.rules)
    for app, snap in zip(apps, snapshots, strict=True):
        if snap.last_invoked is not None and _UNUSED_ID in enabled:
            extra += disuse_findings(app, snap, RuleContext(app=app, options=options))
    if _UNUSED_ROLE_ID in enabled:
        extra += unused_roles(snapshots, apps, options, regions=target.regions)
    active, suppressed, baselined = partition_findings(extra, config, baseline)
    return dataclasses.replace(
        result,
        findings=tuple(
            sorted([*(f for f in result.findings if not guessed(f)), *active], key=Finding.sort_key)
        ),
        suppressed=tuple(
            sorted(
                [*(x for x in result.suppressed if not guessed(x.finding)), *suppressed],
                key=lambda x: x.finding.sort_key(),
            )
        ),
        baselined=tuple(
            sorted(
                [*(f for f in result.baselined if not guessed(f)), *baselined], key=Finding.sort_key
            )
        ),
        templates=tuple(f"aws://{snap.region}" for snap in snapshots),
    )


def _scan_with_code(
    apps: list[Application],
    snapshots: list[RegionSnapshot],
    config: Config,
    *,
    target: AccountTarget,
    baseline: frozenset[str],
    today: _dt.date | None,
    notices: list[str],
    limits: FetchLimits,
    factory: Callable[[str | None], Any],
    analyzers: Sequence[Analyzer],
    enrichers: Sequence[Enricher],
    progress: Callable[[str], None] | None,
) -> ScanResult:
    """Fetch each region's packages, then run the rules and the analyses on the code.

    The regions' downloads run one region after the other, each with at most
    :data:`~faasguard.live.package.PARALLEL_DOWNLOADS` in flight, so a scan of many regions
    never opens more connections at once than one region does. Every package stays extracted
    until the analyses have run (within the scan's extraction budget), then all are removed.
    """
    from faasguard.fs import ScanFS
    from faasguard.live.code_roots import attach_code
    from faasguard.live.package import PackageStore, fetch_region
    from faasguard.loaders.interface import LoadIssue

    ca_bundle = _ca_bundle(target.profile)
    with PackageStore(limits) as store:
        fs = ScanFS(store.root, max_file_bytes=config.max_file_bytes)
        issues: list[LoadIssue] = []
        with_code: list[Application] = []
        for app, snap in zip(apps, snapshots, strict=True):
            if progress is not None:
                progress(f"aws://{snap.region}: deployment packages")
            code = fetch_region(
                snap,
                store,
                refresh=_refresher(factory, target.profile, snap),
                ca_bundle=ca_bundle,
            )
            notices.extend(code.notices)
            issues.extend(code.issues)
            with_code.append(attach_code(app, code, fs))
        return scan_applications(
            with_code,
            config,
            root=target.text,
            baseline=baseline,
            today=today,
            notices=notices,
            fs=fs,
            analyzers=analyzers,
            enrichers=enrichers,
            issues=issues,
        )


def _refresher(
    factory: Callable[[str | None], Any], profile: str | None, snap: RegionSnapshot
) -> Callable[[str, str], str | None]:
    """A fresh package URL (``GetFunction`` or ``GetLayerVersion`` again): the first expired."""
    import threading

    lock = threading.Lock()
    clients: list[Any] = []

    def refresh(kind: str, key: str) -> str | None:
        try:
            with lock:
                if not clients:
                    clients.append(factory(profile).client("lambda", region_name=snap.region))
            if kind == "layer":
                name, _, version = key.rpartition(":")
                got = clients[0].get_layer_version(LayerName=name, VersionNumber=int(version))
                location = (got.get("Content") or {}).get("Location")
            else:
                got = clients[0].get_function(FunctionName=key)
                location = (got.get("Code") or {}).get("Location")
        except Exception:  # denied or failed again: the first failure is the notice
            return None
        return location if isinstance(location, str) else None

    return refresh


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


def unused_roles(
    snapshots: list[RegionSnapshot],
    apps: list[Application],
    options: RuleOptions,
    *,
    regions: tuple[str, ...],
) -> list[Finding]:
    """``unused-role`` for each role trusting Lambda that no function read uses."""
    from faasguard.model import Location
    from faasguard.rules._drift import UnusedRole

    listed: dict[str, str] = {}
    for snap in snapshots:
        listed.update(snap.lambda_roles or {})
    used = {fn.role for app in apps for fn in app.functions if fn.role}
    rule = UnusedRole()
    ctx = RuleContext(app=apps[0], options=options)
    where = ", ".join(regions)
    return [
        rule.finding(
            ctx,
            message=(
                f"Role `{name}` ({arn}) lets Lambda assume it, but no function in the regions "
                f"scanned ({where}) uses it; one in another region still may."
            ),
            location=Location(arn),
            function=None,
            resource=arn,
            evidence=f"role {name}: trusted by lambda.amazonaws.com; used by no function",
            remediation=(
                "Delete the role if nothing uses it (check its RoleLastUsed in IAM), or suppress "
                "this finding with a reason naming what uses it."
            ),
        )
        for arn, name in sorted(listed.items())
        if arn not in used
    ]


def _ca_bundle(profile: str | None) -> str | None:
    """The CA bundle botocore verifies the profile's API calls with, for the package downloads.

    ``AWS_CA_BUNDLE`` first, then the profile's ``ca_bundle`` setting: a company that inspects
    TLS sets one of them, and the presigned package URLs go through the same inspection.
    """
    import botocore.session

    try:
        value = botocore.session.Session(profile=profile).get_config_variable("ca_bundle")
    except Exception:  # an unknown profile: the region read already said so
        return None
    return value if isinstance(value, str) and value else None


def _session(profile: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile)
