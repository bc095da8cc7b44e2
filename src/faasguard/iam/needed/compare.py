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
from enum import Enum
from typing import Any

from faasguard.iam.actions import action_db
from faasguard.iam.grants import Decision, Grant, Verdict, evaluate_role
from faasguard.iam.needed.interface import FunctionNeeds, Need
from faasguard.iam.needed.policy import least_privilege_policy
from faasguard.iam.needed.scope import role_of
from faasguard.model import AppFormat, Application, Function, Location, Statement, Unknown

__all__ = [
    "FunctionPermissions",
    "GrantRef",
    "GrantedStatement",
    "JudgedNeed",
    "NeedStatus",
    "UnusedGrant",
    "compare",
]


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
        resources: the statement's ``Resource`` entries as written (``NOT `` before each
            ``NotResource`` entry), so a report can say on what the unused actions are granted.
    """

    entry: str
    unused: tuple[str, ...]
    used: tuple[str, ...]
    origin: str
    policy: str | None
    location: Location
    resources: tuple[str, ...] = ()


class NeedStatus(str, Enum):
    """Whether the role grants one need (the ``status`` of :class:`JudgedNeed`)."""

    GRANTED = "granted"  # an unconditional Allow covers the action (and resource, when known)
    CONDITIONAL = "conditional"  # only statements with a Condition allow it
    FRAMEWORK = "framework"  # the role the framework creates grants it; the model does not show it
    MISSING = "missing"  # nothing grants it: the call fails at run time (``missing``)
    UNDECIDED = "undecided"  # faasguard cannot tell (unreadable policy, unresolved resource...)


@dataclass(frozen=True, slots=True)
class GrantRef:
    """A statement that grants a need, as a report names it.

    Attributes:
        statement: the statement's origin (``provider.iam.role.statements[0]``, ``SAM policy
            template DynamoDBReadPolicy``, ``managed policy X Statement[2]``).
        policy: the AWS managed policy's name, or None for an inline statement.
        location: where it is written (for a managed policy: where it is attached).
        conditional: True when a Condition narrows it.
    """

    statement: str
    policy: str | None
    location: Location
    conditional: bool = False


@dataclass(frozen=True, slots=True)
class JudgedNeed:
    """One need with the verdict on it: granted (by which statements), missing or undecided.

    Reports show these as the role's "granted versus needed" table, so the reader sees the
    call that needs an action next to the statement that grants it.

    Attributes:
        need: the need.
        status: whether the role grants it.
        granted_by: the statements that allow it (empty when missing or undecided).
        reason: why the status is what it is, when that is not obvious (undecided, framework,
            granted on the action only because the resource is known at deploy time).
    """

    need: Need
    status: NeedStatus
    granted_by: tuple[GrantRef, ...] = ()
    reason: str | None = None


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
        judged: every need with whether the role grants it and through which statements
            (empty unless ``detail``: only reports that show the table ask for it).
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
    judged: tuple[JudgedNeed, ...] = ()

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
        detail: also work out ``missing``, ``judged`` and the least-privilege ``policy``; a
            scan that only reports unused grants skips them (a fifth of the analysis on 1,500
            functions).
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
    judged: list[JudgedNeed] = []
    if role is None or role.external:
        if role is not None:
            why = f"role {role.id} is defined outside the template: its grants are unknown"
        elif fn.role:
            why = f"role {fn.role} is not in the template: what it grants is unknown"
        else:
            why = "the function has no execution role in the model"
        if role is not None or fn.role:
            unknown.append(why)
        if detail:
            judged = [JudgedNeed(n, NeedStatus.UNDECIDED, reason=why) for n in all_needs.needs]
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
                unused.extend(_unused_of(stmt, policy, actions, needed, where, resources))
        granted_actions = grants.granted_actions()
        for need in all_needs.needs if detail else ():
            canonical = db.canonical(need.action)
            if canonical is None:
                why = f"{need.action} is not an IAM action faasguard knows"
                judged.append(JudgedNeed(need, NeedStatus.UNDECIDED, reason=why))
                continue
            if _framework_grants(app, role.id, need):
                why = "Serverless grants it to the role it creates (not written in the template)"
                judged.append(JudgedNeed(need, NeedStatus.FRAMEWORK, reason=why))
                continue
            if canonical not in granted_actions:
                missing.append(need)
                unsure = (
                    "unless a managed policy faasguard cannot read grants it"
                    if unreadable
                    else None
                )
                judged.append(JudgedNeed(need, NeedStatus.MISSING, reason=unsure))
                continue
            if any("${" in r for r in need.resources) or (need.note and "*" in need.resources):
                # A deploy-time ARN, or "*" standing for a resource faasguard could not name:
                # only the action can be compared.
                judged.append(_judged_on_action(need, granted_actions[canonical]))
                continue
            decisions = [grants.allowed(canonical, r) for r in need.resources]
            verdicts = [d.verdict for d in decisions]
            if all(v in (Verdict.NOT_GRANTED, Verdict.DENIED) for v in verdicts):
                missing.append(need)
            judged.append(_judged_on_resources(need, decisions))
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
        judged=tuple(judged),
    )


def _refs(grants: Iterable[Grant]) -> tuple[GrantRef, ...]:
    """The distinct statements behind ``grants``, in the role's order."""
    found: dict[tuple[str, str | None, str], GrantRef] = {}
    for g in grants:
        key = (g.statement.origin, g.policy, str(g.location))
        if key not in found:
            found[key] = GrantRef(g.statement.origin, g.policy, g.location, g.conditional)
    return tuple(found.values())


def _judged_on_action(need: Need, grants: tuple[Grant, ...]) -> JudgedNeed:
    """A need whose resource is known only at deploy time: judged on its action alone."""
    refs = _refs(grants)
    status = NeedStatus.CONDITIONAL if all(g.conditional for g in grants) else NeedStatus.GRANTED
    # A statement on every resource covers it whatever the ARN turns out to be (matching the
    # patterns instead cost more than the rest of the comparison on SDK-heavy code).
    if any("*" in g.statement.resources for g in grants):
        return JudgedNeed(need, status, refs)
    unnamed = need.note is not None and "*" in need.resources
    why = "faasguard could not name the resource" if unnamed else "its ARN is known at deploy time"
    return JudgedNeed(need, status, refs, f"only the action is compared: {why}")


def _judged_on_resources(need: Need, decisions: list[Decision]) -> JudgedNeed:
    """A need on named resources, from the role's decision on each."""
    refs = _refs(g for d in decisions for g in d.allowed_by)
    verdicts = {d.verdict for d in decisions}
    if verdicts <= {Verdict.NOT_GRANTED, Verdict.DENIED}:
        denied = Verdict.DENIED in verdicts
        why = "an explicit Deny applies" if denied else "granted on other resources only"
        return JudgedNeed(need, NeedStatus.MISSING, (), why)
    if verdicts == {Verdict.ALLOWED}:
        return JudgedNeed(need, NeedStatus.GRANTED, refs)
    if verdicts <= {Verdict.ALLOWED, Verdict.CONDITIONAL}:
        why = "every statement that allows it has a Condition"
        return JudgedNeed(need, NeedStatus.CONDITIONAL, refs, why)
    notes = [n for d in decisions for n in d.notes]
    partly = [
        r
        for r, d in zip(need.resources, decisions, strict=True)
        if d.verdict is Verdict.NOT_GRANTED
    ]
    if partly:
        notes.insert(0, f"not granted on {', '.join(partly)}")
    why = "; ".join(dict.fromkeys(notes)) or "faasguard cannot tell whether the role allows it"
    return JudgedNeed(need, NeedStatus.UNDECIDED, refs, why)


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
    resources: tuple[str, ...],
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
                    resources=resources,
                )
            )
    return found
