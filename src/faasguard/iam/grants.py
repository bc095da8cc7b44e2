"""What a role really grants: inline statements, managed policies, Deny, boundary, Conditions.

IAM evaluates a request in a fixed order: an explicit ``Deny`` that matches wins; otherwise an
``Allow`` must match, in the identity policies *and* in the permissions boundary when there is
one. :func:`evaluate_role` gathers every policy of a role (its inline statements, and the
documents of its AWS managed policies from :mod:`faasguard.iam.managed`) and answers two
questions the permission rules and the least-privilege generator ask:

* :meth:`RoleGrants.allowed`: may the role perform this action on this resource? The answer is
  a :class:`Decision` naming the statements that allow or deny it.
* :meth:`RoleGrants.granted_actions`: every action the role is granted on *some* resource, each
  with the :class:`Grant` (statement, policy, resources, conditions) that grants it.

What is not judged is said, never guessed: a Condition *narrows* a grant (the grant is kept and
marked ``conditional``, since whether the condition holds is a run-time fact); a customer
managed policy or an unresolved ARN is listed in :attr:`RoleGrants.unknown_policies`; a boundary
whose document cannot be read leaves the grants as they are and sets ``boundary_unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from faasguard.iam.actions import ActionDB, action_db, has_wildcard
from faasguard.iam.arns import ResourcePattern, Scope, resource_pattern
from faasguard.iam.managed import aws_managed_name, managed_policy
from faasguard.model import Location, Role, Statement, Unknown

__all__ = [
    "Decision",
    "Grant",
    "PolicySource",
    "RoleGrants",
    "UnknownAction",
    "Verdict",
    "effect_of",
    "evaluate_role",
    "statement_actions",
]


def effect_of(stmt: Statement) -> str | None:
    """Return ``allow`` or ``deny`` for a valid effect, None for anything else.

    IAM accepts exactly ``Allow`` and ``Deny``; the loaders keep other spellings as written so a
    rule can report them, and no grant is derived from them.
    """
    if isinstance(stmt.effect, Unknown):
        return None
    effect = stmt.effect.strip()
    return {"Allow": "allow", "Deny": "deny"}.get(effect)


@dataclass(frozen=True, slots=True)
class PolicySource:
    """One policy of a role: its inline statements, or one managed policy.

    Attributes:
        name: ``inline`` or the managed policy's name.
        statements: the statements (for managed policies, located at ``location``).
        location: where the policy is attached (the role for managed policies).
        managed: True for an AWS managed policy.
    """

    name: str
    statements: tuple[Statement, ...]
    location: Location
    managed: bool = False


@dataclass(frozen=True, slots=True)
class Grant:
    """One statement's grant of one action.

    Attributes:
        action: the action, in AWS's spelling.
        statement: the Allow statement that grants it.
        policy: the managed policy's name, or None for an inline statement.
        resources: the statement's ``Resource`` patterns (empty with ``NotResource``).
        not_resources: its ``NotResource`` patterns.
        unresolved_resources: how many resource entries have no known shape.
        conditional: True when the statement has a Condition: the grant holds only when the
            condition does, so it is narrower than it reads.
        via_not_action: True when the action is granted through ``NotAction``.
    """

    action: str
    statement: Statement
    policy: str | None
    resources: tuple[ResourcePattern, ...]
    not_resources: tuple[ResourcePattern, ...] = ()
    unresolved_resources: int = 0
    conditional: bool = False
    via_not_action: bool = False

    @property
    def location(self) -> Location:
        """Where a finding about this grant should point."""
        return self.statement.location

    @property
    def source(self) -> str:
        """``inline`` or ``managed policy <name>``."""
        return "inline" if self.policy is None else f"managed policy {self.policy}"

    @property
    def scope(self) -> Scope | None:
        """The widest scope of its resources; None when no resource has a known shape."""
        if self.not_resources:
            return Scope.EVERYTHING
        scopes = [p.scope for p in self.resources]
        return max(scopes) if scopes else None

    def covers(self, resource: str) -> bool | None:
        """Whether this grant's resources cover ``resource`` (True, False or None: cannot tell)."""
        return _covers(self.resources, self.not_resources, self.unresolved_resources, resource)


class Verdict(str, Enum):
    """The outcome of :meth:`RoleGrants.allowed`."""

    ALLOWED = "allowed"
    #: allowed only by statements with a Condition: the request succeeds when it holds.
    CONDITIONAL = "conditional"
    #: an explicit, unconditional Deny matches.
    DENIED = "denied"
    #: no Allow matches (IAM's implicit deny), or the boundary does not allow it.
    NOT_GRANTED = "not-granted"
    #: an unresolved value, unknown policy or unreadable boundary could decide either way.
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to "may the role do this?", with the statements behind it.

    Attributes:
        verdict: the outcome.
        allowed_by: the grants that allow the request.
        denied_by: the Deny statements that match it (conditional ones included).
        notes: why the verdict is not a plain yes or no (conditions, boundary, unknowns).
    """

    verdict: Verdict
    allowed_by: tuple[Grant, ...] = ()
    denied_by: tuple[Statement, ...] = ()
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.verdict is Verdict.ALLOWED


@dataclass(frozen=True, slots=True)
class UnknownAction:
    """An ``Action`` entry that matches no IAM action: it grants nothing.

    Attributes:
        entry: the entry as written.
        statement: the statement holding it.
        policy: the managed policy, or None for inline statements.
        suggestion: a real action with a close name, when there is one.
    """

    entry: str
    statement: Statement
    policy: str | None
    suggestion: str | None = None


def statement_actions(
    stmt: Statement, db: ActionDB | None = None
) -> tuple[frozenset[str], bool, bool]:
    """Return the actions a statement's ``Action``/``NotAction`` covers.

    Args:
        stmt: the statement.
        db: the action database (the installed one by default).

    Returns:
        ``(actions, complete, via_not_action)``: ``complete`` is False when an unresolved entry
        could add (``Action``) or remove (``NotAction``) actions.
    """
    db = db or action_db()
    if stmt.actions or not stmt.not_actions:
        covered: set[str] = set()
        complete = True
        for entry in stmt.actions:
            if isinstance(entry, Unknown):
                complete = False
            else:
                covered |= db.expand(entry)
        return frozenset(covered), complete, False
    excluded: set[str] = set()
    complete = True
    for entry in stmt.not_actions:
        if isinstance(entry, Unknown):
            complete = False
        else:
            excluded |= db.expand(entry)
    return db.all_actions() - excluded, complete, True


def _patterns(entries: Iterable[str | Unknown]) -> tuple[tuple[ResourcePattern, ...], int]:
    patterns, unresolved = [], 0
    for entry in entries:
        pattern = resource_pattern(entry)
        if pattern is None:
            unresolved += 1
        else:
            patterns.append(pattern)
    return tuple(patterns), unresolved


def _covers(
    resources: tuple[ResourcePattern, ...],
    not_resources: tuple[ResourcePattern, ...],
    unresolved: int,
    resource: str,
) -> bool | None:
    if not_resources:
        results = [p.matches(resource) for p in not_resources]
        if any(r is True for r in results):
            return False
        return None if (unresolved or any(r is None for r in results)) else True
    results = [p.matches(resource) for p in resources]
    if any(r is True for r in results):
        return True
    return None if (unresolved or any(r is None for r in results)) else False


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement with its actions expanded and resources shaped, computed once."""

    statement: Statement
    policy: str | None
    effect: str | None
    actions: frozenset[str]
    complete: bool
    via_not_action: bool
    resources: tuple[ResourcePattern, ...]
    not_resources: tuple[ResourcePattern, ...]
    unresolved: int

    def covers_action(self, action: str) -> bool:
        return action in self.actions

    def covers(self, resource: str) -> bool | None:
        return _covers(self.resources, self.not_resources, self.unresolved, resource)

    @property
    def conditional(self) -> bool:
        return self.statement.condition is not None

    @property
    def on_everything(self) -> bool:
        """True for ``Resource: "*"`` (a Deny that removes the action everywhere)."""
        return (
            not self.not_resources
            and not self.unresolved
            and any(p.scope is Scope.EVERYTHING for p in self.resources)
        )


# Model objects hold mappings (conditions) and cannot be hashed, so the caches below are keyed
# by identity and keep the object alive, which keeps its id from being reused. Managed policy
# statements are shared by every role that attaches the policy: compiling them once is what
# keeps a scan of hundreds of roles with AmazonS3FullAccess cheap.
_COMPILED: dict[tuple[int, str | None], _Compiled] = {}
_EVALUATED: dict[int, RoleGrants] = {}
_MAX_CACHED = 65536


def _compile(stmt: Statement, policy: str | None) -> _Compiled:
    key = (id(stmt), policy)
    cached = _COMPILED.get(key)
    if cached is not None and cached.statement is stmt:
        return cached
    if len(_COMPILED) >= _MAX_CACHED:
        _COMPILED.clear()
    compiled = _COMPILED[key] = _compile_now(stmt, policy)
    return compiled


def _compile_now(stmt: Statement, policy: str | None) -> _Compiled:
    actions, complete, via_not = statement_actions(stmt)
    resources, unresolved_r = _patterns(stmt.resources)
    not_resources, unresolved_n = _patterns(stmt.not_resources)
    return _Compiled(
        statement=stmt,
        policy=policy,
        effect=effect_of(stmt),
        actions=actions,
        complete=complete,
        via_not_action=via_not,
        resources=resources,
        not_resources=not_resources,
        unresolved=unresolved_r + unresolved_n,
    )


@dataclass(frozen=True)
class RoleGrants:
    """A role's policies, evaluated. Build it with :func:`evaluate_role`.

    Attributes:
        role: the role.
        sources: its policies: ``inline`` first, then each known managed policy.
        unknown_policies: managed policies whose documents cannot be seen (customer managed,
            unresolved): what they grant is unknown, not nothing.
        boundary: the permissions boundary's document, when it is a known AWS managed policy.
        boundary_unknown: True when the role has a boundary whose document cannot be read.
    """

    role: Role
    sources: tuple[PolicySource, ...]
    unknown_policies: tuple[str | Unknown, ...] = ()
    boundary: PolicySource | None = None
    boundary_unknown: bool = False
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    # -- statements ----------------------------------------------------------------------------

    def _compiled(self) -> tuple[_Compiled, ...]:
        cached = self._cache.get("compiled")
        if cached is None:
            cached = tuple(
                _compile(stmt, source.name if source.managed else None)
                for source in self.sources
                for stmt in source.statements
            )
            self._cache["compiled"] = cached
        return cached  # type: ignore[return-value]

    def _boundary_compiled(self) -> tuple[_Compiled, ...]:
        if self.boundary is None:
            return ()
        return tuple(_compile(stmt, self.boundary.name) for stmt in self.boundary.statements)

    @property
    def complete(self) -> bool:
        """True when everything the role grants is known to faasguard."""
        return (
            not self.role.external
            and not self.unknown_policies
            and not self.boundary_unknown
            and all(c.complete and c.effect is not None for c in self._compiled())
        )

    # -- questions -----------------------------------------------------------------------------

    def allowed(self, action: str, resource: str = "*") -> Decision:
        """Decide whether the role may perform ``action`` on ``resource``.

        Args:
            action: a concrete action, any case (``s3:getobject``).
            resource: an ARN, or ``*`` to ask about every resource at once (only statements on
                ``*`` or ``NotResource`` allow that).

        Returns:
            The decision, with the statements that allow and deny it.
        """
        db = action_db()
        canonical = db.canonical(action)
        if canonical is None:
            return Decision(Verdict.NOT_GRANTED, notes=(f"{action} is not an IAM action",))
        notes: list[str] = []
        undecided = False
        denied: list[Statement] = []
        hard_deny = False
        for comp in self._compiled():
            if comp.effect != "deny" or canonical not in comp.actions:
                continue
            covered = comp.covers(resource)
            if covered is False:
                continue
            denied.append(comp.statement)
            if covered is True and not comp.conditional:
                hard_deny = True
            elif comp.conditional:
                notes.append(f"a Deny with a Condition may apply ({comp.statement.origin})")
            else:
                undecided = True
        if hard_deny:
            return Decision(Verdict.DENIED, denied_by=tuple(denied), notes=tuple(notes))
        allows: list[Grant] = []
        unconditional = False
        for comp in self._compiled():
            if comp.effect != "allow":
                continue
            if canonical not in comp.actions:
                if not comp.complete:
                    undecided = True
                continue
            covered = comp.covers(resource)
            if covered is False:
                continue
            if covered is None:
                undecided = True
                continue
            allows.append(self._grant(comp, canonical))
            unconditional = unconditional or not comp.conditional
        if allows and self.boundary is not None:
            verdict = self._boundary_allows(canonical, resource)
            if verdict is False:
                notes.append(f"the permissions boundary {self.boundary.name} does not allow it")
                return Decision(Verdict.NOT_GRANTED, tuple(allows), tuple(denied), tuple(notes))
            if verdict is None:
                undecided = True
        if allows and self.boundary_unknown:
            notes.append("the role's permissions boundary cannot be read and may narrow this")
            undecided = True
        if self.unknown_policies:
            notes.append("the role has managed policies faasguard cannot read")
        if allows and unconditional and not undecided:
            return Decision(Verdict.ALLOWED, tuple(allows), tuple(denied), tuple(notes))
        if allows and not undecided:
            notes.append("every statement that allows it has a Condition")
            return Decision(Verdict.CONDITIONAL, tuple(allows), tuple(denied), tuple(notes))
        if allows or undecided or self.unknown_policies or self.role.external:
            return Decision(Verdict.UNKNOWN, tuple(allows), tuple(denied), tuple(notes))
        return Decision(Verdict.NOT_GRANTED, denied_by=tuple(denied), notes=tuple(notes))

    def _boundary_allows(self, action: str, resource: str) -> bool | None:
        compiled = self._boundary_compiled()
        if any(
            c.effect == "deny" and action in c.actions and c.covers(resource) is True
            for c in compiled
            if not c.conditional
        ):
            return False
        results = [
            c.covers(resource) for c in compiled if c.effect == "allow" and action in c.actions
        ]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False

    def _grant(self, comp: _Compiled, action: str) -> Grant:
        return Grant(
            action=action,
            statement=comp.statement,
            policy=comp.policy,
            resources=comp.resources,
            not_resources=comp.not_resources,
            unresolved_resources=comp.unresolved,
            conditional=comp.conditional,
            via_not_action=comp.via_not_action,
        )

    def granted_actions(self) -> Mapping[str, tuple[Grant, ...]]:
        """Every action the role is granted on some resource, with the grants behind each.

        An action is left out when an unconditional ``Deny`` on ``Resource: "*"`` removes it,
        or when a readable permissions boundary allows it nowhere. Conditions, Denies on some
        resources only, and unreadable boundaries narrow a grant without removing it: each
        :class:`Grant` says which applies.
        """
        cached = self._cache.get("granted")
        if cached is not None:
            return cached  # type: ignore[return-value]
        denied: set[str] = set()
        for comp in self._compiled():
            if comp.effect == "deny" and not comp.conditional and comp.on_everything:
                denied |= comp.actions
        bounded: frozenset[str] | None = None
        if self.boundary is not None:
            allowed_b: set[str] = set()
            removed_b: set[str] = set()
            for comp in self._boundary_compiled():
                if comp.effect == "allow":
                    allowed_b |= comp.actions
                elif comp.effect == "deny" and not comp.conditional and comp.on_everything:
                    removed_b |= comp.actions
            bounded = frozenset(allowed_b - removed_b)
        grants: dict[str, list[Grant]] = {}
        for comp in self._compiled():
            if comp.effect != "allow":
                continue
            actions = comp.actions - denied
            if bounded is not None:
                actions &= bounded
            for action in actions:
                grants.setdefault(action, []).append(self._grant(comp, action))
        result = MappingProxyType({a: tuple(grants[a]) for a in sorted(grants)})
        self._cache["granted"] = result
        return result

    def statements(self) -> tuple[tuple[Statement, str | None], ...]:
        """Every statement of the role with its managed policy's name (None for inline)."""
        return tuple((c.statement, c.policy) for c in self._compiled())

    def unknown_actions(self) -> tuple[UnknownAction, ...]:
        """``Action``/``NotAction`` entries that match no IAM action (typos, made-up names)."""
        db = action_db()
        found: list[UnknownAction] = []
        for comp in self._compiled():
            stmt = comp.statement
            for entry in (*stmt.actions, *stmt.not_actions):
                if isinstance(entry, Unknown) or db.expand(entry):
                    continue
                found.append(UnknownAction(entry, stmt, comp.policy, _suggest(db, entry)))
        return tuple(found)


def _suggest(db: ActionDB, entry: str) -> str | None:
    """A real action whose name is close to ``entry`` (``sts:GetCallerIdentify``)."""
    import difflib  # only on the rare typo

    service, _, name = entry.strip().partition(":")
    if has_wildcard(entry) or not name:
        return None
    candidates = {info.name.partition(":")[2]: info.name for info in db.service_actions(service)}
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return candidates[close[0]] if close else None


def evaluate_role(role: Role) -> RoleGrants:
    """Gather and evaluate every policy of ``role``.

    Inline statements are taken as the loader built them; each managed policy ARN is looked up
    in the AWS managed policy table and its document expanded like inline statements, located
    at the role. A customer managed ARN or an unresolved one is an unknown policy. An external
    role (defined outside the template) has nothing known.

    Args:
        role: the role from the model.

    Returns:
        The evaluated role.
    """
    cached = _EVALUATED.get(id(role))
    if cached is not None and cached.role is role:
        return cached
    if len(_EVALUATED) >= _MAX_CACHED // 16:
        _EVALUATED.clear()
    evaluated = _EVALUATED[id(role)] = _evaluate(role)
    return evaluated


def _evaluate(role: Role) -> RoleGrants:
    sources = [PolicySource("inline", role.statements, role.location)]
    unknown: list[str | Unknown] = []
    for arn in role.managed_policies:
        policy = None if isinstance(arn, Unknown) else managed_policy(arn, location=role.location)
        if policy is None and isinstance(arn, Unknown) and (named := _unknown_managed_name(arn)):
            policy = managed_policy(named, location=role.location)
        if policy is None:
            unknown.append(arn)
            continue
        sources.append(
            PolicySource(policy.name, policy.document.statements, role.location, managed=True)
        )
    boundary: PolicySource | None = None
    boundary_unknown = False
    if role.permissions_boundary is not None:
        value = role.permissions_boundary
        name = value if isinstance(value, str) else (_unknown_managed_name(value) or "")
        policy = managed_policy(name, location=role.location) if name else None
        if policy is not None and aws_managed_name(name) is not None:
            boundary = PolicySource(
                policy.name, policy.document.statements, role.location, managed=True
            )
        else:
            boundary_unknown = True
    return RoleGrants(
        role=role,
        sources=tuple(sources),
        unknown_policies=tuple(unknown),
        boundary=boundary,
        boundary_unknown=boundary_unknown,
    )


def _unknown_managed_name(value: Unknown) -> str | None:
    """``!Sub arn:${AWS::Partition}:iam::aws:policy/X`` is the AWS managed policy X."""
    name = aws_managed_name(value.expression)
    return name if name is not None and value.expression.startswith("!Sub ") else None
