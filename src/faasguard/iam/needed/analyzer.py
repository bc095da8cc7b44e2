"""The needed-permissions analyzer: per function, the ``permissions.unused-grant`` findings.

It runs after the rules on each application (see :class:`faasguard.engine.Analyzer`) because it
reads code, through the scan's shared code base (each file parsed once for every analysis).
``faasguard permissions`` uses the same :func:`function_permissions` for its report and fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from faasguard.code.codebase import codebase_for
from faasguard.findings import Finding, Severity
from faasguard.fs import ScanFS
from faasguard.iam.actions import AccessLevel, action_db
from faasguard.iam.needed.compare import FunctionPermissions, UnusedGrant, compare
from faasguard.iam.needed.compute import needs_for
from faasguard.iam.needed.interface import FunctionNeeds, Need
from faasguard.model import Application, Location

__all__ = ["NeededPermissionsAnalyzer", "function_permissions", "unused_grant_findings"]

_SHOWN = 8
_RISKY = frozenset({AccessLevel.WRITE, AccessLevel.PERMISSIONS_MANAGEMENT})


def function_permissions(
    app: Application,
    fs: ScanFS,
    *,
    observed: Mapping[str, Iterable[Need]] | None = None,
    detail: bool = True,
) -> list[FunctionPermissions]:
    """Granted versus needed for every function of ``app``.

    Args:
        app: the application.
        fs: the scan's file system (its shared code base is used).
        observed: needs seen in CloudTrail, by function name.
        detail: also compute missing grants and the least-privilege policy (see ``compare``).
    """
    codebase = codebase_for(fs)
    result = []
    for fn in app.functions:
        try:
            code = codebase.function_code(app, fn)
            needs = needs_for(app, fn, code, cache=codebase.derived)
            seen = (observed or {}).get(fn.name, ())
            result.append(compare(app, fn, needs, observed=seen, detail=detail))
        except Exception as exc:
            # A bug must not hide the other functions: this one is reported as not judged.
            why = (
                f"{fn.location} faasguard failed on this function ({type(exc).__name__}: "
                f"{exc}); this is a bug, please report it"
            )
            empty = FunctionNeeds(fn.name, app.name, (), (why,))
            result.append(
                FunctionPermissions(
                    function=fn,
                    application=app.name,
                    role=fn.role,
                    role_external=False,
                    granted=(),
                    needs=empty,
                    unused=(),
                    missing=(),
                    unknown=(why,),
                    policy={},
                )
            )
    return result


def unused_grant_findings(perms: FunctionPermissions) -> Iterator[Finding]:
    """One FG1040 finding per statement with unused actions (none when needs are incomplete)."""
    if not perms.complete:
        return
    from faasguard.rules.permissions_needed import UnusedGrant as Rule

    # One finding per inline statement, and one per managed policy (all its statements).
    by_statement: dict[tuple[str, str | None, str], list[UnusedGrant]] = {}
    for grant in perms.unused:
        origin = "" if grant.policy else grant.origin
        by_statement.setdefault((origin, grant.policy, str(grant.location)), []).append(grant)
    db = action_db()
    fn = perms.function
    for (_, policy, _), grants in by_statement.items():
        origin = grants[0].origin
        unused = sorted({a for g in grants for a in g.unused})
        used = sorted({a for g in grants for a in g.used})
        entries = [g.entry for g in grants]
        where = f"managed policy {policy}" if policy else f"inline statement {origin}"
        shown = ", ".join(unused[:_SHOWN]) + (
            f" and {len(unused) - _SHOWN} more" if len(unused) > _SHOWN else ""
        )
        risky = any(db.access_level(a) in _RISKY for a in unused)
        message = (
            f"{fn.name} is granted {len(unused)} action(s) by {where} that no code path, trigger "
            f"or platform feature of the function needs: {shown}"
        )
        if perms.sharing:
            names = ", ".join(perms.shared_with(_SHOWN))
            more = f" and {perms.sharing - _SHOWN} more" if perms.sharing > _SHOWN else ""
            message += f" (role {perms.role} is shared with {names}{more})"
        keep = f" Keep {', '.join(used)}." if used else ""
        remediation = (
            f"Remove {', '.join(entries)} from {where}"
            + (" (detach the policy)" if policy else "")
            + f" and grant only what the function needs.{keep} `faasguard permissions` prints the "
            "least-privilege policy and `--fix` writes it into the template."
        )
        yield Finding.create(
            rule_id=Rule.id,
            rule_name=Rule.name,
            category=Rule.category,
            severity=Rule.severity if risky else Severity.LOW,
            confidence=Rule.confidence,
            title=Rule.title,
            message=message,
            file=grants[0].location.file,
            line=grants[0].location.line,
            function=fn.name,
            application=perms.application,
            resource=perms.role,
            evidence=f"{where}: {', '.join(entries)}",
            remediation=remediation,
            cwe=Rule.cwe,
        )


class NeededPermissionsAnalyzer:
    """Reports ``permissions.unused-grant`` for every function of every application.

    Args:
        detail: also yield each function's :class:`FunctionPermissions` with the verdict on
            every need, the missing grants and the least-privilege policy, for the reports that
            show the role's granted versus needed (HTML dossier, JSON). The findings come from
            the same comparison, so nothing is computed twice; a scan whose report does not
            show the table leaves it off (the detail is a fifth of the analysis).
    """

    def __init__(self, *, detail: bool = False) -> None:
        self.detail = detail

    def analyze(self, app: Application, fs: ScanFS) -> Iterator[Finding | FunctionPermissions]:
        """Yield the unused-grant findings of one application.

        With ``detail``, each function's permissions follow its findings. A function whose
        analysis raises (a bug) becomes a ``tool.rule-crashed`` finding, as a crashing rule does
        in the engine, and the other functions are still analysed.
        """
        codebase = codebase_for(fs)
        for fn in app.functions:
            try:
                needs = needs_for(app, fn, codebase.function_code(app, fn), cache=codebase.derived)
                perms = compare(app, fn, needs, detail=self.detail)
                found = list(unused_grant_findings(perms))
            except Exception as exc:
                yield _crashed(app, fn.name, fn.location, exc)
                continue
            yield from found
            if self.detail:
                yield perms


def _crashed(app: Application, name: str, where: Location, exc: Exception) -> Finding:
    from faasguard.rules.permissions_needed import UnusedGrant as Rule
    from faasguard.rules.registry import rule_by_name

    crash = rule_by_name("rule-crashed")
    message = (
        f"rule {Rule.id} ({Rule.name}) failed on {name}: {type(exc).__name__}: {exc}; its "
        "results for this function are missing"
    )
    return Finding.create(
        rule_id=crash.id,
        rule_name=crash.name,
        category=crash.category,
        severity=crash.severity,
        confidence=crash.confidence,
        title=crash.title,
        message=message,
        file=where.file,
        line=where.line,
        function=name,
        application=app.name,
        resource=name,
        evidence=f"{Rule.id} {type(exc).__name__}",
        remediation="Report this to the faasguard maintainers with the template; other rules "
        "still ran.",
        cwe=crash.cwe,
    )
