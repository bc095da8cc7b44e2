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

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from faasguard.iam.actions import ActionDB, action_db, has_wildcard
from faasguard.iam.arns import ResourcePattern, Scope, resource_pattern
from faasguard.iam.document import parse_policy_document
from faasguard.iam.managed import aws_managed_name, managed_policy
from faasguard.model import Application, Location, Role, Statement, Unknown

__all__ = [
    "Decision",
    "Grant",
    "PolicySource",
    "RoleGrants",
    "UnknownAction",
    "Verdict",
    "applies_to",
    "effect_of",
    "evaluate_role",
    "statement_actions",
]


def effect_of(stmt: Statement) -> str | None:
    """Return ``allow`` or ``deny`` for an Allow or Deny effect (any case), else None.

    The loaders keep every spelling as written so a rule can report the invalid ones; no grant
    is derived from an effect that is neither.
    """
    if isinstance(stmt.effect, Unknown):
        return None
    # Read case-insensitively, so a risk in `Effect: allow` is still judged; the
    # invalid-policy-statement rule reports the spelling itself.
    effect = stmt.effect.strip().lower()
    return effect if effect in ("allow", "deny") else None


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
    attached_at: Location | None = None

    @property
    def location(self) -> Location:
        """Where a finding should point: the statement, or the role for a managed policy."""
        return self.attached_at or self.statement.location

    @property
    def source(self) -> str:
        """``inline`` or ``managed policy <name>``."""
        return "inline" if self.policy is None else f"managed policy {self.policy}"

    @property
    def scope(self) -> Scope | None:
        """The widest scope of the resources that can apply to the action.

        A resource of another service (``lambda:AddPermission`` on ``arn:aws:s3:::*``) reaches
        nothing for this action and is left out. None when no resource has a known shape, or
        none applies.
        """
        if self.not_resources:
            return Scope.EVERYTHING
        scopes = [p.scope for p in self.resources if applies_to(p, self.action)]
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


@functools.lru_cache(maxsize=65536)
def _arn_services(action: str) -> frozenset[str] | None:
    templates = action_db().resource_arn_patterns(action)
    if not templates:
        return None
    return frozenset(t.split(":")[2].lower() for t in templates if t.count(":") >= 5)


def applies_to(pattern: ResourcePattern, action: str) -> bool:
    """Whether a resource pattern can name a resource of ``action`` (its ARN service matches).

    ``*``, wildcard or unresolved service parts, and actions without resource types always
    apply; ``arn:aws:s3:::bucket`` does not apply to ``dynamodb:GetItem``.
    """
    return _applies(pattern.pattern, action)


@functools.lru_cache(maxsize=65536)
def _applies(pattern: str, action: str) -> bool:
    parts = pattern.split(":", 3)
    if len(parts) < 4 or parts[0] != "arn":
        return True
    service = parts[2].lower()
    if has_wildcard(service) or "${" in service:
        return True
    services = _arn_services(action)
    return services is None or service in services


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
_EVALUATED: dict[tuple[int, int], tuple[Role, Application | None, RoleGrants]] = {}
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


@functools.lru_cache(maxsize=16384)
def _expansion(
    actions: tuple[str | Unknown, ...], not_actions: tuple[str | Unknown, ...]
) -> tuple[frozenset[str], bool, bool]:
    """Expand ``Action``/``NotAction`` lists, keyed by content.

    Identical lists share one frozenset object, which lets a role index 1,000 copies of
    ``Action: "*"`` as one group (see :class:`_GrantMap`).
    """
    probe = Statement("Allow", actions, Location(""), "", not_actions=not_actions)
    return statement_actions(probe)


def _compile_now(stmt: Statement, policy: str | None) -> _Compiled:
    actions, complete, via_not = _expansion(stmt.actions, stmt.not_actions)
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
    #: A scratch dict living as long as this evaluation, for callers' results derived from it
    #: (the permission rules keep which statements are admin-level there, computed once
    #: instead of once per rule).
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

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
            if comp.effect != "deny":
                continue
            if canonical not in comp.actions:
                if not comp.complete and comp.covers(resource) is not False:
                    notes.append(f"an unresolved Deny may apply ({comp.statement.origin})")
                    undecided = True
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
            attached_at=self.role.location if comp.policy is not None else None,
        )

    def _effective(self) -> tuple[tuple[_Compiled, frozenset[str]], ...]:
        """Each valid Allow statement with the actions left after Denies and the boundary."""
        cached = self._cache.get("effective")
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
        result = []
        # Keyed by the expansion's identity: duplicated statements share their expansion, so
        # each distinct set is narrowed once (1,000 copies of `*` are one 22,000-action set).
        narrowed: dict[int, frozenset[str]] = {}
        for comp in self._compiled():
            if comp.effect != "allow":
                continue
            actions = narrowed.get(id(comp.actions))
            if actions is None:
                actions = comp.actions - denied if denied else comp.actions
                if bounded is not None:
                    actions = actions & bounded
                narrowed[id(comp.actions)] = actions
            result.append((comp, actions))
        effective = tuple(result)
        self._cache["effective"] = effective
        return effective

    def granted_actions(self) -> Mapping[str, tuple[Grant, ...]]:
        """Every action the role is granted on some resource, with the grants behind each.

        An action is left out when an unconditional ``Deny`` on ``Resource: "*"`` removes it,
        or when a readable permissions boundary allows it nowhere. Conditions, Denies on some
        resources only, and unreadable boundaries narrow a grant without removing it: each
        :class:`Grant` says which applies. Keys are sorted; the grants of an action are built
        when it is first looked up (an admin role grants 22,000 actions, and most callers ask
        about a few).
        """
        cached = self._cache.get("granted")
        if cached is not None:
            return cached  # type: ignore[return-value]
        groups: dict[int, tuple[frozenset[str], list[_Compiled]]] = {}
        for comp, actions in self._effective():
            group = groups.get(id(actions))
            if group is None:
                groups[id(actions)] = (actions, [comp])
            else:
                group[1].append(comp)
        keys: set[str] = set()
        for actions, _ in groups.values():
            keys |= actions
        result = _GrantMap(self, tuple(groups.values()), sorted(keys))
        self._cache["granted"] = result
        return result

    def statement_grants(self) -> tuple[tuple[Statement, str | None, frozenset[str]], ...]:
        """Each valid Allow statement, its managed policy (None inline), and what it grants.

        The actions are those left after unconditional Denies on ``*`` and the permissions
        boundary: a statement whose every action is denied grants nothing.
        """
        return tuple((c.statement, c.policy, actions) for c, actions in self._effective())

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
                # Suggestions cost a fuzzy match against a service's names: a few per role,
                # so a template with thousands of made-up names stays fast.
                suggestion = _suggest_cached(entry) if len(found) < _MAX_SUGGESTIONS else None
                found.append(UnknownAction(entry, stmt, comp.policy, suggestion))
        return tuple(found)


_MAX_SUGGESTIONS = 50
_MAX_SUGGESTED_LENGTH = 128

#: How many statements a lookup names per action. A role whose every statement grants ``*``
#: would otherwise hand back a thousand grants for each of 22,000 actions.
MAX_GRANTS_PER_ACTION = 16


class _GrantMap(Mapping[str, tuple[Grant, ...]]):
    """Action -> grants, with each action's Grant objects built on first lookup.

    Statements are grouped by what they grant (duplicates share one set), so building the map
    is linear in distinct statements plus actions, and a lookup tests each group once. A lookup
    names at most :data:`MAX_GRANTS_PER_ACTION` statements, in policy order.
    """

    def __init__(
        self,
        grants: RoleGrants,
        groups: tuple[tuple[frozenset[str], list[_Compiled]], ...],
        order: list[str],
    ) -> None:
        self._grants = grants
        self._groups = groups
        self._order = order
        self._keys = frozenset(order)
        self._built: dict[str, tuple[Grant, ...]] = {}
        self._position: dict[int, int] | None = None

    def __getitem__(self, action: str) -> tuple[Grant, ...]:
        built = self._built.get(action)
        if built is None:
            if action not in self._keys:
                raise KeyError(action)
            comps: list[_Compiled] = []
            for actions, members in self._groups:
                if action in actions:
                    comps.extend(members[: MAX_GRANTS_PER_ACTION - len(comps)])
                    if len(comps) >= MAX_GRANTS_PER_ACTION:
                        break
            # Back in policy order: groups are ordered by their first statement only.
            if self._position is None:
                self._position = {id(c): i for i, (c, _) in enumerate(self._grants._effective())}
            position = self._position
            comps.sort(key=lambda c: position[id(c)])
            built = tuple(self._grants._grant(comp, action) for comp in comps)
            self._built[action] = built
        return built

    def __contains__(self, action: object) -> bool:
        return action in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        return f"<granted actions: {len(self._order)}>"


@functools.lru_cache(maxsize=4096)
def _suggest_cached(entry: str) -> str | None:
    return _suggest(action_db(), entry)


def _suggest(db: ActionDB, entry: str) -> str | None:
    """A real action whose name is close to ``entry`` (``sts:GetCallerIdentify``)."""
    import difflib  # only on the rare typo

    service, _, name = entry.strip().partition(":")
    if has_wildcard(entry) or not name or len(name) > _MAX_SUGGESTED_LENGTH:
        return None
    candidates = {info.name.partition(":")[2]: info.name for info in db.service_actions(service)}
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    return candidates[close[0]] if close else None


def evaluate_role(role: Role, *, app: Application | None = None) -> RoleGrants:
    """Gather and evaluate every policy of ``role``.

    Inline statements are taken as the loader built them; each managed policy ARN is looked up
    in the AWS managed policy table and its document expanded like inline statements, located
    at the role. A customer managed ARN or an unresolved one is an unknown policy. An external
    role (defined outside the template) has nothing known.

    Args:
        role: the role from the model.
        app: the application the role belongs to. With it, a permissions boundary or managed
            policy written as ``!Ref X`` of a template ``AWS::IAM::ManagedPolicy`` is read from
            that resource instead of being unknown.

    Returns:
        The evaluated role, cached per (role, application) object.
    """
    key = (id(role), id(app))
    cached = _EVALUATED.get(key)
    if cached is not None and cached[0] is role and cached[1] is app:
        return cached[2]
    if len(_EVALUATED) >= _MAX_CACHED // 16:
        _EVALUATED.clear()
    evaluated = _evaluate(role, app)
    _EVALUATED[key] = (role, app, evaluated)
    return evaluated


def _template_policy(app: Application | None, value: Unknown) -> PolicySource | None:
    """The document of a template ``AWS::IAM::ManagedPolicy`` named by ``!Ref X``, if readable."""
    expression = value.expression.strip()
    if app is None or not expression.startswith("!Ref "):
        return None
    resource = app.resource(expression[len("!Ref ") :].strip())
    if resource is None or resource.type != "AWS::IAM::ManagedPolicy":
        return None
    document = resource.properties.get("PolicyDocument")
    if not isinstance(document, Mapping):
        return None
    where = Location(resource.location.file, resource.line_of("PolicyDocument"))
    parsed = parse_policy_document(
        document, name=f"AWS::IAM::ManagedPolicy {resource.id}", location=where
    )
    return PolicySource(resource.id, parsed.statements, where, managed=True)


def _evaluate(role: Role, app: Application | None) -> RoleGrants:
    sources = [PolicySource("inline", role.statements, role.location)]
    unknown: list[str | Unknown] = []
    folded = {s.origin for s in role.statements}
    for arn in role.managed_policies:
        # Parsed once per policy, not per role: its statements (and their expansions) are
        # shared by every role that attaches it; grants point at the role (Grant.attached_at).
        policy = None if isinstance(arn, Unknown) else managed_policy(arn)
        if policy is None and isinstance(arn, Unknown) and (named := _unknown_managed_name(arn)):
            policy = managed_policy(named)
        if policy is None and isinstance(arn, Unknown) and _folded(arn, folded):
            continue  # a policy of the template: its statements are already the role's
        if policy is None and isinstance(arn, Unknown):
            template = _template_policy(app, arn)
            if template is not None:
                sources.append(template)
                continue
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
        policy = managed_policy(name) if name else None
        template = _template_policy(app, value) if isinstance(value, Unknown) else None
        if policy is not None and aws_managed_name(name) is not None:
            boundary = PolicySource(
                policy.name, policy.document.statements, role.location, managed=True
            )
        elif template is not None:
            boundary = template
        else:
            boundary_unknown = True
    return RoleGrants(
        role=role,
        sources=tuple(sources),
        unknown_policies=tuple(unknown),
        boundary=boundary,
        boundary_unknown=boundary_unknown,
    )


#: The origin the CloudFormation loader gives the statements of a template
#: ``AWS::IAM::ManagedPolicy`` it folds into a role (loaders/cloudformation/iam.py ``_attach``).
_TEMPLATE_POLICY_ORIGIN = "AWS::IAM::ManagedPolicy {}"


def _folded(value: Unknown, origins: set[str]) -> bool:
    """True when an unresolved ARN names a policy of the template whose statements the role holds.

    ``!Ref X`` (CloudFormation: the loader folds ``AWS::IAM::ManagedPolicy X`` into the role) and
    ``aws_iam_policy.x.arn`` (Terraform: statements whose origin is the policy's address).
    """
    expression = value.expression.strip()
    if expression.startswith("!Ref "):
        target = expression[len("!Ref ") :].strip()
        return _TEMPLATE_POLICY_ORIGIN.format(target) in origins
    if expression.endswith(".arn") and " " not in expression:
        address = expression[: -len(".arn")]
        return any(o == address or o.startswith(address + ".") for o in origins)
    return False


def _unknown_managed_name(value: Unknown) -> str | None:
    """``!Sub arn:${AWS::Partition}:iam::aws:policy/X`` is the AWS managed policy X."""
    name = aws_managed_name(value.expression)
    return name if name is not None and value.expression.startswith("!Sub ") else None
