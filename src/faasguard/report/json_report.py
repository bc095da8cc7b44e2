"""The JSON report: findings at the top level, then the applications they were found in.

Its shape is published as ``schema/report.schema.json`` (draft 2020-12) and tests validate every
golden report against it; ``schema_version`` changes only when a field is removed or renamed.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from faasguard._version import __version__
from faasguard.engine import ScanResult, gc_paused
from faasguard.findings import Severity
from faasguard.report.serialize import application_json, finding_json, to_json

__all__ = ["SCHEMA_VERSION", "render_json", "report_dict"]

SCHEMA_VERSION = "1.0"


def report_dict(result: ScanResult) -> dict[str, Any]:
    """Return the report as plain data (also used by other reporters and tests)."""
    by_severity = Counter(f.severity.value for f in result.findings)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "faasguard", "version": __version__},
        "root": result.root,
        "summary": {
            "findings": len(result.findings),
            "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
            "suppressed": len(result.suppressed),
            "baselined": len(result.baselined),
            "applications": len(result.applications),
            "functions": sum(len(a.functions) for a in result.applications),
            "templates": list(result.templates),
        },
        "findings": [finding_json(f) for f in result.findings],
        "suppressed": [
            {"finding": finding_json(s.finding), "reason": s.reason, "source": s.source}
            for s in result.suppressed
        ],
        "baselined": [f.fingerprint for f in result.baselined],
        "rules": {
            "run": list(result.rules),
            "disabled": list(result.disabled_rules),
            "config": list(result.config_sources),
        },
        "applications": _applications(result),
        "dependencies": [{**to_json(d), "summary": d.summary} for d in result.dependencies],
        "notices": list(result.notices),
    }


def _applications(result: ScanResult) -> list[dict[str, Any]]:
    """The applications, each function carrying its egress inventory and permissions.

    Both are indexed once for the whole report, not once per application.
    """
    hosts = {(e.application, e.function): e for e in result.egress}
    perms = {(p.application, p.function.name): p for p in result.permissions}
    return [_with_egress(application_json(a), hosts, perms) for a in result.applications]


def _with_egress(
    app: dict[str, Any], hosts: dict[tuple[str, str], Any], perms: dict[tuple[str, str], Any]
) -> dict[str, Any]:
    """Each function's egress inventory (hosts its code talks to) inside its function object.

    ``null`` when no egress inventory was made (code not analysed, or no code to read). So is
    each function's ``permissions`` (its role granted versus needed, report/permissions.py):
    ``null`` when the scan did not run the needed-permissions analysis on it.
    """
    if perms:
        from faasguard.report.permissions import permissions_json
    for fn in app["functions"]:
        key = (app["name"], fn["name"])
        found = hosts.get(key)
        fn["egress"] = (
            [to_json(h) for h in found.hosts] if found is not None and found.code_read else None
        )
        perm = perms.get(key)
        fn["permissions"] = None if perm is None else permissions_json(perm)
    return app


def render_json(result: ScanResult, *, indent: int | None = None) -> str:
    """Render the report as JSON with sorted keys (stable for golden tests).

    Compact by default: ``indent`` makes the standard library fall back from its C encoder to
    the pure-Python one, several times slower on a large report. Pretty-print with ``jq``.
    The collector is paused as during the scan (:func:`~faasguard.engine.gc_paused`): the
    report's hundreds of thousands of new dicts and lists made it traverse the whole model
    again and again (500 SAM templates: 25% of the rendering time).
    """
    with gc_paused():
        # No circular-reference bookkeeping: report_dict builds new lists and dicts all the way
        # down, so there is no cycle to find (6 ms of the 120 ms the encoder takes on 12 MB).
        data = report_dict(result)
        return json.dumps(data, indent=indent, sort_keys=True, check_circular=False) + "\n"
