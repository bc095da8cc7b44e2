"""Each function's role as granted versus needed, as plain JSON for the HTML and JSON reports.

One row per thing a reader decides on, so the table answers "why does this function have this
permission, and what would break without it":

- every need, with its status (granted, granted with a Condition, granted by the framework's
  own role, missing, undecided), the evidence that needs it (``src/reader.py:11
  table.get_item (boto3 resource)``) and the statements that grant it;
- every statement (as written: an inline statement, a SAM policy template, one statement of a
  managed policy) with actions no need uses: its ``Action`` entries, and the concrete actions
  they grant for nothing;
- every need faasguard could not resolve (a dynamic SDK call, a role defined elsewhere), with
  the reason.

The rows come from :func:`faasguard.iam.needed.compare.compare` run with ``detail`` during the
scan (``ScanResult.permissions``): the reporters only reshape them, they decide nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from faasguard.iam.needed.compare import FunctionPermissions, GrantRef, UnusedGrant
    from faasguard.model import Location

__all__ = ["STATUSES", "permissions_json"]

#: Row statuses, in the order a reader should look at them (what fails first).
STATUSES: Final = (
    "missing",  # needed, not granted: the call fails at run time
    "undecided",  # needed; whether the role grants it cannot be told statically
    "unknown",  # a need faasguard could not resolve (dynamic call, unreadable policy...)
    "unneeded",  # granted, and no code path, trigger or platform feature needs it
    "unjudged",  # granted; whether it is needed cannot be judged (the needs are incomplete)
    "conditional",  # needed, granted only by statements with a Condition
    "framework",  # needed, granted by the role the framework creates (not in the template)
    "granted",  # needed and granted
)

#: Functions named as sharing the role (the count is always given), as `faasguard permissions`.
_SHARED_SHOWN: Final = 20


def permissions_json(perm: FunctionPermissions) -> dict[str, Any]:
    """The permissions block of one function.

    Returns:
        ``role``, ``complete`` (False when some need is unknown: unused grants are then not
        judged), ``shared_with`` (up to 20 other functions on the role) and ``shared_count``,
        ``rows`` (see the module docstring; each row has ``status``, ``action``, ``actions``,
        ``resources``, ``source``, ``evidence``, ``granted_by`` and ``note``) and ``policy``
        (the least-privilege policy document).
    """
    rows: list[dict[str, Any]] = []
    for judged in perm.judged:
        need = judged.need
        note = "; ".join(n for n in (need.note, judged.reason) if n) or None
        rows.append(
            _row(
                judged.status.value,
                action=need.action,
                resources=list(need.resources),
                source=need.source.value,
                evidence=need.evidence,
                granted_by=[_ref(g) for g in judged.granted_by],
                note=note,
            )
        )
    rows += _unneeded_rows(perm)
    rows += [_row("unknown", note=reason) for reason in perm.unknown]
    return {
        "role": perm.role,
        "complete": perm.complete,
        "shared_with": list(perm.shared_with(_SHARED_SHOWN)),
        "shared_count": perm.sharing,
        "rows": rows,
        "policy": perm.policy,
    }


def _unneeded_rows(perm: FunctionPermissions) -> list[dict[str, Any]]:
    """One row per statement with unused actions (a managed policy's statements one by one)."""
    complete = perm.complete
    conditional = {(g.origin, g.policy, str(g.location)): g.conditional for g in perm.granted}
    by_statement: dict[tuple[str, str | None, str], list[UnusedGrant]] = {}
    for grant in perm.unused:
        key = (grant.origin, grant.policy, str(grant.location))
        by_statement.setdefault(key, []).append(grant)
    rows = []
    for key, grants in by_statement.items():
        first = grants[0]
        actions = sorted({a for g in grants for a in g.unused})
        used = sorted({a for g in grants for a in g.used})
        note = f"{len(actions)} action(s) granted for nothing"
        if used:
            note += f"; keep {', '.join(used)}"
        if not complete:
            note = (
                f"{len(actions)} action(s) no known need uses; not judged: some needs of the "
                "function are unknown"
            )
        rows.append(
            _row(
                "unneeded" if complete else "unjudged",
                action=", ".join(g.entry for g in grants),
                actions=actions,
                resources=list(first.resources),
                granted_by=[
                    {
                        "statement": first.origin,
                        "policy": first.policy,
                        "location": _location(first.location),
                        "conditional": conditional.get(key, False),
                    }
                ],
                note=note,
            )
        )
    return rows


def _row(
    status: str,
    *,
    action: str | None = None,
    actions: list[str] | None = None,
    resources: list[str] | None = None,
    source: str | None = None,
    evidence: str | None = None,
    granted_by: list[dict[str, Any]] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "action": action,
        "actions": actions or [],
        "resources": resources or [],
        "source": source,
        "evidence": evidence,
        "granted_by": granted_by or [],
        "note": note,
    }


def _ref(ref: GrantRef) -> dict[str, Any]:
    return {
        "statement": ref.statement,
        "policy": ref.policy,
        "location": _location(ref.location),
        "conditional": ref.conditional,
    }


def _location(location: Location) -> dict[str, Any]:
    return {"file": location.file, "line": location.line}
