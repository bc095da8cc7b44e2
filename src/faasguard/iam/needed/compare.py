"""Granted versus needed, per function: what its role grants that nothing needs.

The role's grants come from :func:`faasguard.iam.grants.evaluate_role` (inline statements and
AWS managed policies, wildcards expanded, Denies and boundaries applied); the needs from the code,
triggers, platform and, when given, CloudTrail. An action a statement grants is *unused* when no
need of this function asks for it. Unused grants are reported per statement as written, so a
finding can name the managed policy (``AmazonDynamoDBFullAccess``) or the inline statement that
carries them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from faasguard.iam.actions import action_db
from faasguard.iam.grants import Verdict, evaluate_role
from faasguard.iam.needed.interface import FunctionNeeds, Need
from faasguard.iam.needed.policy import least_privilege_policy
from faasguard.iam.needed.scope import role_of
from faasguard.model import AppFormat, Application, Function, Location, Statement, Unknown

__all__ = ["FunctionPermissions", "GrantedStatement", "UnusedGrant", "compare"]


@dataclass(frozen=True, slots=True)
class GrantedStatement:
    """One Allow statement of the function's role, as written.

    Attributes:
        origin: where it comes from (``provider.iam.role.statements[0]``, ``SAM policy template
            DynamoDBCrudPolicy``, or the managed policy's statement).
        policy: the AWS managed policy's name, or None for an inline statement.
        location: where it is written (for a managed policy: where the policy is attached).
        actions: its ``Action`` (or ``NotAction``, prefixed ``NOT ``) entries as written.
        resources: its ``Resource`` entries as written.
        granted: how many concrete actions it grants after Denies and the boundary.
        conditional: True when a Condition narrows it.
        duplicates: how many identical statements (same policy, actions, resources and
            condition) were folded into this one.
    """

    origin: str
    policy: str | None
    location: Location
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    granted: int
    conditional: bool = False
    statement: Statement | None = None
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class UnusedGrant:
    """The part of one statement's ``Action`` entry that no need uses.

    Attributes:
        entry: the entry as written (``dynamodb:*``, ``s3:GetObject``).
        unused: the concrete actions it grants that nothing needs, sorted.
        used: the concrete actions it grants that are needed, sorted.
        origin: the statement's origin.
        policy: the managed policy's name, or None.
        location: the statement's location.
    """

    entry: str
    unused: tuple[str, ...]
    used: tuple[str, ...]
    origin: str
    policy: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class FunctionPermissions:
    """One function's permissions: granted, needed, unused, unknown, and the policy to use.

    Attributes:
        function: the function.
        application: its application's name.
        role: its role's id (None when it has none in the model).
        role_external: True when the role is defined outside the template (grants unknown).
        granted: the role's Allow statements.
        needs: what the function needs.
        unused: grants nothing needs (empty when the needs are incomplete: see ``unknown``).
        missing: needed actions the role does not grant, with the need behind each.
        unknown: what could not be resolved: dynamic SDK calls, unreadable managed policies...
        policy: the least-privilege policy document.
        role_functions: every function assuming the role (the role's own tuple, not a copy:
            with 15,000 functions on one role, a per-function copy was quadratic).
        unreadable: managed policies of the role faasguard cannot read (customer managed):
            the fix carries them to the new role, since what they grant cannot be judged.
    """

    function: Function
    application: str
    role: str | None
    role_external: bool
    granted: tuple[GrantedStatement, ...]
    needs: FunctionNeeds
    unused: tuple[UnusedGrant, ...]
    missing: tuple[Need, ...]
    unknown: tuple[str, ...]
    policy: dict[str, Any]
    role_functions: tuple[str, ...] = ()
    unreadable: tuple[str | Unknown, ...] = ()

    def shared_with(self, limit: int | None = None) -> tuple[str, ...]:
        """The other functions assuming the same role (the first ``limit`` of them)."""
        others = []
        for name in self.role_functions:
            if name != self.function.name:
                others.append(name)
                if limit is not None and len(others) >= limit:
                    break
        return tuple(others)

    @property
    def sharing(self) -> int:
        """How many other functions assume the same role."""
        return max(0, len(self.role_functions) - 1)

    @property
    def complete(self) -> bool:
        """True when every need is known, so an unused grant really is unused."""
        return not self.needs.unknown


def _text(value: str | Unknown) -> str:
    return value.expression if isinstance(value, Unknown) else value


def compare(
    app: Application,
    fn: Function,
    needs: FunctionNeeds,
    *,
    observed: Iterable[Need] = (),
    detail: bool = True,
) -> FunctionPermissions:
    """Compare what ``fn``'s role grants with what ``fn`` needs (plus observed use).

    Args:
        app: the application.
        fn: the function.
        needs: its needs.
        observed: needs seen in CloudTrail.
        detail: also work out ``missing`` and the least-privilege ``policy``; a scan, which
            only reports unused grants, skips them (a fifth of the analysis on 1,500 functions).
    """
    all_needs = FunctionNeeds(
        needs.function, needs.application, (*needs.needs, *observed), needs.unknown
    )
    db = action_db()
    needed = {db.canonical(n.action) or n.action for n in all_needs.needs}
    role = role_of(app, fn.role)
    granted: list[GrantedStatement] = []
    unused: list[UnusedGrant] = []
    missing: list[Need] = []
    unknown = list(all_needs.unknown)
    unreadable: tuple[str | Unknown, ...] = ()
    if role is None:
        if fn.role:
            unknown.append(f"role {fn.role} is not in the template: what it grants is unknown")
    elif role.external:
        unknown.append(f"role {role.id} is defined outside the template: its grants are unknown")
    else:
        grants = evaluate_role(role, app=app)
        unreadable = grants.unknown_policies
        for unread in grants.unknown_policies:
            unknown.append(f"managed policy {_text(unread)} cannot be read: its grants are unknown")
        # A managed policy's statements are reported where the policy is attached.
        attached = {s.name: s.location for s in grants.sources if s.managed}
        # Identical statements (a template that repeats one 1,000 times) grant nothing more
        # than the first: they are folded into it, so the work stays linear in what is
        # distinct, not in what is written.
        seen: dict[tuple[object, ...], int] = {}
        for stmt, policy, actions in grants.statement_grants():
            written = tuple(_text(a) for a in stmt.actions) or tuple(
                f"NOT {_text(a)}" for a in stmt.not_actions
            )
            resources = tuple(_text(r) for r in stmt.resources) or tuple(
                f"NOT {_text(r)}" for r in stmt.not_resources
            )
            key = (policy, written, resources, repr(stmt.condition))
            if key in seen:
                first = granted[seen[key]]
                granted[seen[key]] = replace(first, duplicates=first.duplicates + 1)
                continue
            seen[key] = len(granted)
            where = attached.get(policy, stmt.location) if policy else stmt.location
            granted.append(
                GrantedStatement(
                    origin=stmt.origin,
                    policy=policy,
                    location=where,
                    actions=written,
                    resources=resources,
                    granted=len(actions),
                    conditional=stmt.condition is not None,
                    statement=stmt,
                )
            )
            if not _framework_policy(app, fn, role.id, policy, stmt):
                unused.extend(_unused_of(stmt, policy, actions, needed, where))
        granted_actions = grants.granted_actions()
        for need in all_needs.needs if detail else ():
            canonical = db.canonical(need.action)
            if canonical is None or _framework_grants(app, role.id, need):
                continue
            if canonical not in granted_actions:
                missing.append(need)
                continue
            if any("${" in r for r in need.resources) or (need.note and "*" in need.resources):
                # A deploy-time ARN, or "*" standing for a resource faasguard could not name:
                # only the action can be compared.
                continue
            verdicts = [grants.allowed(canonical, r).verdict for r in need.resources]
            if all(v in (Verdict.NOT_GRANTED, Verdict.DENIED) for v in verdicts):
                missing.append(need)
    return FunctionPermissions(
        function=fn,
        application=app.name,
        role=role.id if role else fn.role,
        role_external=bool(role and role.external),
        granted=tuple(granted),
        needs=all_needs,
        unused=tuple(unused),
        missing=tuple(missing),
        unknown=tuple(unknown),
        policy=least_privilege_policy(all_needs.needs) if detail else {},
        role_functions=role.functions if role else (),
        unreadable=unreadable,
    )


#: Managed policies SAM attaches to the role it generates for a function (execution, X-Ray, VPC,
#: event source pollers): the template cannot narrow them short of defining its own role.
_SAM_IMPLIED = frozenset(
    {
        "AWSLambdaBasicExecutionRole",
        "AWSXrayWriteOnlyAccess",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaKinesisExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaMSKExecutionRole",
        # instead of AWSLambdaBasicExecutionRole for a function with DurableConfig
        "AWSLambdaBasicDurableExecutionRolePolicy",
    }
)


def _framework_policy(
    app: Application, fn: Function, role_id: str, policy: str | None, stmt: Statement
) -> bool:
    """True for what SAM itself put on the role it generated for ``fn``.

    That is the managed policies above, and the statements SAM writes itself: for the event
    sources it polls (MQ, DocumentDB, self-managed Kafka: ``SAM <type> event <name> (...)``),
    the dead-letter queue and the destinations. Statements from ``Policies`` (origin ``SAM
    policy template ...`` or the document's own) are the author's and are judged.
    """
    if app.format is not AppFormat.SAM or role_id != f"{fn.resource_id or fn.name}Role":
        return False
    if policy is not None:
        return policy in _SAM_IMPLIED
    return stmt.origin.startswith("SAM ") and not stmt.origin.startswith("SAM policy template")


def _framework_grants(app: Application, role_id: str, need: Need) -> bool:
    """Grants Serverless adds to the roles it creates, which the model does not show.

    Its default role (and the per-function roles of serverless-iam-roles-per-function) get the
    functions' CloudWatch Logs, the polling of their SQS and stream event sources, and the VPC
    access policy (loaders/serverless/iam.py).
    """
    return (
        app.format is AppFormat.SERVERLESS
        and need.feature in ("logs", "poller", "vpc")
        and role_id.endswith("IamRoleLambdaExecution")
    )


def _unused_of(
    stmt: Statement,
    policy: str | None,
    actions: frozenset[str],
    needed: set[str],
    where: Location,
) -> list[UnusedGrant]:
    """Per ``Action`` entry of one statement, what it grants that nothing needs."""
    if not actions:
        return []
    entries: list[tuple[str, frozenset[str]]] = []
    if stmt.actions:
        db = action_db()
        for entry in stmt.actions:
            if isinstance(entry, Unknown):
                continue
            entries.append((entry, db.expand(entry) & actions))
    else:
        # NotAction: the statement as a whole is the grant.
        entries.append(("NOT " + ", ".join(_text(a) for a in stmt.not_actions), actions))
    found = []
    for entry, granted in entries:
        unused = granted - needed
        if unused:
            found.append(
                UnusedGrant(
                    entry=entry,
                    unused=tuple(sorted(unused)),
                    used=tuple(sorted(granted & needed)),
                    origin=stmt.origin,
                    policy=policy,
                    location=where,
                )
            )
    return found
