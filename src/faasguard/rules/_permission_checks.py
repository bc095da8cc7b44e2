"""The logic of the permission rules (rules/permissions.py holds their metadata and docs).

Why a module of its own: rule family modules are imported at every scan start (the registry
lists their rules), and this logic needs the IAM action database and the role evaluator
(:mod:`faasguard.iam`). Each rule's ``check`` imports this module on first use, so a scan of an
empty folder and ``faasguard rules`` never pay for them.

One function per rule, named after it, taking the rule (for its metadata and ``finding``), the
role and the context. See rules/permissions.py for what each rule reports and why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from faasguard.findings import Confidence, Finding, Severity
from faasguard.iam.actions import AccessLevel, action_db, has_wildcard
from faasguard.iam.arns import Scope, resource_pattern
from faasguard.iam.document import R_MALFORMED
from faasguard.iam.grants import RoleGrants, applies_to, effect_of, evaluate_role
from faasguard.model import AppFormat, Location, Role, Statement, Unknown
from faasguard.rules import _iam
from faasguard.rules._iam import EscalationPath
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import RoleRule, Rule, RuleContext

__all__ = [
    "admin_access",
    "credentials_exposure",
    "data_exfiltration",
    "invalid_policy_statement",
    "partial_wildcard_action",
    "privilege_escalation",
    "resource_exposure",
    "shared_role",
    "unknown_action",
    "unknown_managed_policy",
    "wildcard_action",
    "wildcard_resource",
]

_SLS_DEFAULT_ROLE = "IamRoleLambdaExecution"
# Origins of the statements SAM writes itself (policy templates, DLQ and destination grants):
# a name in them that the action database lacks is AWS's to fix, not the author's. SAM's own
# SQSPollerPolicy lists `sqs:DeleteMessageBatch`, which IAM does not have.
_AWS_WRITTEN = "SAM "  # "SAM policy template X", "SAM SQS event E (...)", "SAM DeadLetterQueue..."
# ...but "<Function> Policies[i]" is the author's, even for a function named SAM.
_AUTHOR_WRITTEN = "SAM Policies["
# How many items a message lists before it says "and N more".
_LIST_LIMIT = 12
# A statement granting this share of every IAM action on `*` is administrator access in all but
# name (PowerUserAccess: everything but IAM, Organizations and Account management).
_NEAR_ADMIN_SHARE = 0.9
# Past this many actions, access levels are read from the database's per-level sets (which
# index every service) rather than one lookup per action (which indexes only those touched).
_BULK = 2000

# Where to find resource ARNs, per service, for "replace `*` with ..." remediations.
_ARN_HINTS = {
    "s3": "`arn:aws:s3:::my-bucket/*` (objects) and `arn:aws:s3:::my-bucket` (the bucket)",
    "dynamodb": "`!GetAtt MyTable.Arn` (and `${MyTable.Arn}/index/*` for its indexes)",
    "sqs": "`!GetAtt MyQueue.Arn`",
    "sns": "`!Ref MyTopic`",
    "secretsmanager": "`!Ref MySecret`",
    "ssm": "`arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/my-app/*`",
    "kms": "`!GetAtt MyKey.Arn`",
    "lambda": "`!GetAtt OtherFunction.Arn`",
    "states": "`!Ref MyStateMachine`",
    "events": "`!GetAtt MyEventBus.Arn`",
    "kinesis": "`!GetAtt MyStream.Arn`",
    "logs": "`arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/my-fn:*`",
}

#: The same, in Terraform's spelling (``aws_<type>.<name>.arn``).
_TERRAFORM_ARN_HINTS = {
    "s3": '`"${aws_s3_bucket.my_bucket.arn}/*"` (objects) and `aws_s3_bucket.my_bucket.arn`',
    "dynamodb": (
        '`aws_dynamodb_table.my_table.arn` (and `"${aws_dynamodb_table.my_table.arn}/index/*"`)'
    ),
    "sqs": "`aws_sqs_queue.my_queue.arn`",
    "sns": "`aws_sns_topic.my_topic.arn`",
    "secretsmanager": "`aws_secretsmanager_secret.my_secret.arn`",
    "ssm": "`aws_ssm_parameter.my_parameter.arn`",
    "kms": "`aws_kms_key.my_key.arn`",
    "lambda": "`aws_lambda_function.other.arn`",
    "states": "`aws_sfn_state_machine.my_machine.arn`",
    "events": "`aws_cloudwatch_event_bus.my_bus.arn`",
    "kinesis": "`aws_kinesis_stream.my_stream.arn`",
    "logs": '`"${aws_cloudwatch_log_group.my_fn.arn}:*"`',
}


def _arn_hint(service: str, ctx: RuleContext) -> str | None:
    table = _TERRAFORM_ARN_HINTS if ctx.app.format is AppFormat.TERRAFORM else _ARN_HINTS
    return table.get(service)


def _named(kind: str, ctx: RuleContext) -> str:
    """How to name one resource of the template in a remediation example, per format."""
    if ctx.app.format is AppFormat.TERRAFORM:
        return {
            "table": "aws_dynamodb_table.orders.arn",
            "secret": "aws_secretsmanager_secret.db.arn",
        }[kind]
    return {"table": "!GetAtt Orders.Arn", "secret": "!Ref DatabaseSecret"}[kind]


#: Typical least-privilege replacements, to make the remediation concrete per service.
_EXAMPLE_ACTIONS = {
    "s3": ("s3:GetObject", "s3:PutObject"),
    "dynamodb": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
    "sqs": ("sqs:SendMessage",),
    "sns": ("sns:Publish",),
    "lambda": ("lambda:InvokeFunction",),
    "secretsmanager": ("secretsmanager:GetSecretValue",),
    "ssm": ("ssm:GetParameter",),
    "kms": ("kms:Decrypt",),
    "events": ("events:PutEvents",),
    "kinesis": ("kinesis:PutRecord",),
    "states": ("states:StartExecution",),
}

_PER_FUNCTION_ROLES = TemplateKey(
    serverless=(
        "give each function its own `iamRoleStatements` with the serverless-iam-roles-per-"
        "function plugin (or a `role:` per function)"
    ),
    sam="give each `AWS::Serverless::Function` its own `Policies` (SAM creates one role each)",
    cloudformation="create one `AWS::IAM::Role` per function and set each function's `Role`",
    terraform="create one `aws_iam_role` per `aws_lambda_function`",
    cdk="let each `lambda.Function` create its own role and grant with `table.grantReadData(fn)`",
)


# --------------------------------------------------------------------------- helpers


def _fmt(items: Iterable[str | Unknown]) -> str:
    """Render policy entries the way they are written, Unknown as its expression."""
    rendered = [i.expression if isinstance(i, Unknown) else i for i in items]
    return _capped(rendered) if rendered else "(none)"


def _ticked(items: Iterable[str]) -> str:
    return _capped([f"`{i}`" for i in items])


def _capped(items: Sequence[str]) -> str:
    if len(items) <= _LIST_LIMIT:
        return ", ".join(items)
    return f"{', '.join(items[:_LIST_LIMIT])} and {len(items) - _LIST_LIMIT} more"


def _statement_label(stmt: Statement) -> str:
    return f"`{stmt.origin}`" + (f" (Sid `{stmt.sid}`)" if stmt.sid else "")


def _source_label(stmt: Statement, policy: str | None) -> str:
    """``statement `origin``` for inline statements, ``managed policy `Name``` otherwise."""
    if policy is None:
        return f"statement {_statement_label(stmt)}"
    return f"managed policy `{policy}`"


def _source_location(stmt: Statement, policy: str | None, role: Role) -> Location:
    return role.location if policy is not None else stmt.location


def _heirs(role: Role) -> tuple[str | None, str]:
    """Return the finding's function field and a sentence naming who inherits the grant.

    A role no function of the template assumes is judged as a role: an ECS task role or an EC2
    instance profile is not "the function's", and the sentence says what it is for.
    """
    if not role.functions:
        trusted = [s for s in role.trusted_services if s != "lambda.amazonaws.com"]
        if trusted:
            return None, (
                f"No function in this template assumes the role; it is judged as a role "
                f"(its trust policy lets {_ticked(trusted)} assume it)."
            )
        return None, "No function in this template assumes the role; it is judged as a role."
    if len(role.functions) == 1:
        return role.functions[0], f"Function `{role.functions[0]}` inherits it."
    names = ", ".join(f"`{f}`" for f in role.functions)
    return None, f"Functions {names} inherit it ({len(role.functions)} functions)."


def _holder(role: Role) -> str:
    """Who holds the grant, for remediations: the function(s) or the role.

    Always grammatically singular ("each function calls"), as the sentences built on it are.
    """
    if not role.functions:
        return "the role"
    return "the function" if len(role.functions) == 1 else "each function"


def _statement_scope(stmt: Statement) -> Scope | None:
    """The widest scope among the statement's resources; None when none has a known shape.

    ``NotResource`` counts as every resource. Unresolved values keep their ARN shape
    (``${AWS::Region}`` is a wildcard; a parameter is one specific name).
    """
    if stmt.not_resources:
        return Scope.EVERYTHING
    scopes = [p.scope for r in stmt.resources if (p := resource_pattern(r)) is not None]
    return max(scopes) if scopes else None


def _wide_resources(stmt: Statement) -> list[str]:
    if stmt.not_resources:
        return [f"NotResource {_fmt(stmt.not_resources)}"]
    wide = []
    for entry in stmt.resources:
        pattern = resource_pattern(entry)
        if pattern is not None and pattern.scope is not Scope.SPECIFIC:
            wide.append(pattern.written)
    return wide


def _scope_text(scope: Scope | None) -> str:
    if scope is Scope.EVERYTHING:
        return "every resource in the account, including ones created later"
    if scope is Scope.ALL_OF_TYPE:
        return "every resource of its type in the account"
    return "the resources it names"


def _levels(actions: Iterable[str]) -> frozenset[AccessLevel]:
    if isinstance(actions, frozenset):  # shared expansions: computed once per set
        return _per_set(actions, _levels_uncached, _levels_uncached)
    return _levels_uncached(set(actions))


def _levels_uncached(names: set[str] | frozenset[str]) -> frozenset[AccessLevel]:
    db = action_db()
    if len(names) > _BULK:  # one set test per level instead of a lookup per action
        return frozenset(level for level in AccessLevel if not db.at_level(level).isdisjoint(names))
    return frozenset(level for a in names if (level := db.access_level(a)) is not None)


def _reach(actions: Iterable[str], scope: Scope | None) -> Severity:
    """Severity by what a grant can do: its access levels and how much it reaches.

    Write or permission changes on every resource outrank reads on every resource, which
    outrank anything on named resources; a grant that can do nothing scores lowest.
    """
    levels = _levels(actions)
    wide = scope is Scope.EVERYTHING or scope is Scope.ALL_OF_TYPE
    changes = AccessLevel.WRITE in levels or AccessLevel.PERMISSIONS_MANAGEMENT in levels
    if wide:
        if changes:
            return Severity.HIGH
        return Severity.MEDIUM if AccessLevel.READ in levels else Severity.LOW
    return Severity.MEDIUM if AccessLevel.PERMISSIONS_MANAGEMENT in levels else Severity.LOW


def _narrowing(stmt: Statement, grants: RoleGrants) -> tuple[str, Confidence | None]:
    """A note on what may narrow a grant (a Condition, a boundary), and the confidence."""
    notes = []
    if stmt.condition is not None:
        keys = _condition_keys(stmt.condition)
        notes.append("a Condition narrows it" + (f" ({', '.join(keys)})" if keys else ""))
    if grants.boundary_unknown:
        notes.append(
            f"the role's permissions boundary ({_fmt([grants.role.permissions_boundary or ''])}) "
            "cannot be read and may narrow it"
        )
    if not notes:
        return "", None
    return f" ({'; '.join(notes)})", Confidence.MEDIUM


def _condition_keys(condition: Mapping[str, Any] | Unknown) -> list[str]:
    if isinstance(condition, Unknown):
        return []
    keys: list[str] = []
    for block in condition.values():
        if isinstance(block, Mapping):
            keys.extend(str(k) for k in block if str(k) not in keys)
    return keys


def _is_inline(policy: str | None) -> bool:
    return policy is None


def _rule_option_strings(ctx: RuleContext, rule: str, key: str) -> frozenset[str]:
    """Return a list-of-strings option of ``[rules.options.<rule>]``, lower-cased."""
    value: Any = ctx.options.extra.get(rule, {}).get(key, ())
    if isinstance(value, (list, tuple)):
        return frozenset(v.strip().lower() for v in value if isinstance(v, str))
    return frozenset()


def _example_actions(wildcard: str) -> str:
    """A concrete example of what to list instead of ``wildcard`` (``dynamodb:*`` and so on)."""
    service = wildcard.split(":", 1)[0].lower() if ":" in wildcard else ""
    actions = _EXAMPLE_ACTIONS.get(service)
    if not actions:
        return f"only the `{service or 'service'}:...` actions its code uses"
    listed = ", ".join(f"`{a}`" for a in actions)
    return f"for example {listed} instead of `{wildcard}`"


def _is_full_wildcard(pattern: str) -> bool:
    stripped = pattern.strip()
    return bool(stripped) and "*" in stripped and set(stripped) <= {"*", ":"}


def _is_service_wildcard(pattern: str) -> bool:
    """``svc:*``, or a wildcard in the service part (``*:Get*``): a whole family of actions."""
    stripped = pattern.strip()
    if _is_full_wildcard(stripped) or ":" not in stripped:
        return False
    service, _, name = stripped.partition(":")
    return name == "*" or has_wildcard(service)


def _admin_statement(stmt: Statement, actions: frozenset[str]) -> bool:
    """An unconditional Allow of (nearly) every action on every resource."""
    total = len(action_db().all_actions())
    return (
        effect_of(stmt) == "allow"
        and _statement_scope(stmt) is Scope.EVERYTHING
        and len(actions) >= _NEAR_ADMIN_SHARE * total
    )


@dataclass(frozen=True, slots=True)
class _Use:
    """One statement's grant of one action, as the risk rules see it.

    The rules ask about a few dozen actions per role; building this for those alone, from
    ``RoleGrants.statement_grants()``, keeps a scan of 1,500 roles from indexing every action
    each role grants (22,000 for an admin role).
    """

    action: str
    statement: Statement
    policy: str | None
    scope: Scope | None

    @property
    def conditional(self) -> bool:
        return self.statement.condition is not None


def _action_scope(stmt: Statement, action: str) -> Scope | None:
    """The widest scope of the statement's resources that can name a resource of ``action``."""
    if stmt.not_resources:
        return Scope.EVERYTHING
    scopes = [
        p.scope
        for r in stmt.resources
        if (p := resource_pattern(r)) is not None and applies_to(p, action)
    ]
    return max(scopes) if scopes else None


def _uses(
    grants: RoleGrants, actions: frozenset[str] | Callable[[str], bool]
) -> dict[str, list[_Use]]:
    """Who grants each of ``actions`` (a set, or a test), statement by statement.

    Statements that grant (nearly) everything are left out: admin-access reports them alone,
    and a role made of a thousand of them must not cost a thousand times 22,000 lookups.
    """
    admin = _admin_statements(grants)
    found: dict[str, list[_Use]] = {}
    for stmt, policy, effective in grants.statement_grants():
        if id(stmt) in admin:
            continue
        chosen = (
            actions & effective if isinstance(actions, frozenset) else _select(effective, actions)
        )
        for action in sorted(chosen):
            found.setdefault(action, []).append(
                _Use(action, stmt, policy, _action_scope(stmt, action))
            )
    return found


# (id of an action set, test) -> (the set, the actions passing the test). Statements with the
# same Action list share one expanded set (faasguard.iam.grants), across roles too: 500 roles
# with `s3:*` test the 180 S3 actions once. The set is kept so its id is not reused.
_SELECTED: dict[tuple[int, Callable[..., Any]], tuple[frozenset[str], frozenset[Any]]] = {}

_T = TypeVar("_T")


def _per_set(
    actions: frozenset[str],
    key: Callable[..., Any],
    compute: Callable[[frozenset[str]], frozenset[_T]],
) -> frozenset[_T]:
    """``compute(actions)``, cached in :data:`_SELECTED` per (set, ``key``)."""
    slot = (id(actions), key)
    hit = _SELECTED.get(slot)
    if hit is not None and hit[0] is actions:
        return hit[1]
    if len(_SELECTED) > 4096:
        _SELECTED.clear()
    value = compute(actions)
    _SELECTED[slot] = (actions, value)
    return value


def _select(effective: frozenset[str], test: Callable[[str], bool]) -> frozenset[str]:
    return _per_set(effective, test, lambda s: frozenset(a for a in s if test(a)))


def _grant_label(grant: _Use) -> str:
    return _source_label(grant.statement, grant.policy)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _admin_statements(grants: RoleGrants) -> frozenset[int]:
    """Ids of the statements that grant (nearly) everything: admin-access reports them alone."""
    cache = grants.memo
    found = cache.get("admin-statements")
    if not isinstance(found, frozenset):
        threshold = _NEAR_ADMIN_SHARE * len(action_db().all_actions())
        found = frozenset(
            id(stmt)
            for stmt, _, effective in grants.statement_grants()
            if len(effective) >= threshold and _admin_statement(stmt, effective)
        )
        cache["admin-statements"] = found
    return found


# --------------------------------------------------------------------------- statement rules


def wildcard_action(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per inline Allow statement with a service or full wildcard."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    function, heirs = _heirs(role)
    for stmt, policy, effective in grants.statement_grants():
        if not _is_inline(policy) or not effective or _admin_statement(stmt, effective):
            continue
        scope = _statement_scope(stmt)
        note, confidence = _narrowing(stmt, grants)
        wide = _wide_resources(stmt)
        on = f"on {_ticked(wide)} ({_scope_text(scope)})" if wide else "on " + _fmt(stmt.resources)
        if stmt.not_actions and not stmt.actions:
            yield rule.finding(
                ctx,
                message=(
                    f"Statement {_statement_label(stmt)} of role `{role.id}` allows every "
                    f"action of every AWS service except {_fmt(stmt.not_actions)} "
                    f"(NotAction with Allow: {len(effective)} actions today) {on}{note}. "
                    f"{heirs}"
                ),
                location=stmt.location,
                function=function,
                resource=role.id,
                evidence=(
                    f"Allow NotAction [{_fmt(stmt.not_actions)}] on "
                    f"[{_fmt(stmt.resources or stmt.not_resources)}]"
                ),
                remediation=(
                    "Replace `NotAction` with an `Action` list naming only the actions "
                    f"{_holder(role)} calls (e.g. `dynamodb:GetItem`, `s3:PutObject`); "
                    "`faasguard permissions` derives that list from the code. Keep "
                    "exclusions, if needed, in a separate `Deny` statement."
                ),
                severity=max(Severity.HIGH, _reach(effective, scope), key=lambda s: s.rank),
                confidence=confidence,
            )
            continue
        wild = [
            a
            for a in stmt.actions
            if isinstance(a, str) and (_is_full_wildcard(a) or _is_service_wildcard(a))
        ]
        if not wild:
            continue
        yield rule.finding(
            ctx,
            message=(
                f"Statement {_statement_label(stmt)} of role `{role.id}` allows "
                f"{_wildcard_action_describe(wild)} {on}{note}. {heirs}"
            ),
            location=stmt.location,
            function=function,
            resource=role.id,
            evidence=f"Allow {_fmt(wild)} on [{_fmt(stmt.resources or stmt.not_resources)}]",
            remediation=(
                f"Replace {_ticked(wild)} with the actions {_holder(role)} calls "
                f"({_example_actions(wild[0])})"
                + (", and the wildcard resource with the ARNs it uses" if wide else "")
                + "; `faasguard permissions` derives both from the code."
            ),
            severity=max(Severity.MEDIUM, _reach(effective, scope), key=lambda s: s.rank),
            confidence=confidence,
        )


def _wildcard_action_describe(wild: Sequence[str]) -> str:
    db = action_db()
    parts = []
    for pattern in wild:
        service, _, action = pattern.strip().partition(":")
        count = len(db.expand(pattern))
        if _is_full_wildcard(pattern):
            parts.append(f"`{pattern}` (every action of every service)")
        elif action == "*":
            parts.append(f"`{pattern}` (every {service} action: {count} today, and future ones)")
        else:
            parts.append(f"`{pattern}` (the {action} actions of every service: {count} today)")
    return ", ".join(parts)


def partial_wildcard_action(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per inline Allow statement with partial action wildcards."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    function, heirs = _heirs(role)
    db = action_db()
    for stmt, policy, effective in grants.statement_grants():
        if not _is_inline(policy) or not effective or not stmt.actions:
            continue
        strings = [a for a in stmt.actions if isinstance(a, str)]
        if any(_is_full_wildcard(a) or _is_service_wildcard(a) for a in strings):
            continue  # wildcard-action's
        partial = [a for a in strings if has_wildcard(a)]
        if not partial:
            continue
        expanded = sorted(set().union(*(db.expand(p) for p in partial)) & effective)
        if not expanded:
            continue  # matches nothing: unknown-action says so
        scope = _statement_scope(stmt)
        wide = _wide_resources(stmt)
        note, confidence = _narrowing(stmt, grants)
        on = f" on {_ticked(wide)} ({_scope_text(scope)})" if wide else ""
        yield rule.finding(
            ctx,
            message=(
                f"Statement {_statement_label(stmt)} of role `{role.id}` allows actions by "
                f"pattern: {_ticked(partial)}, {_plural(len(expanded), 'action')} today "
                f"({_capped(expanded)}) and any AWS adds later{on}{note}. {heirs}"
            ),
            location=stmt.location,
            function=function,
            resource=role.id,
            evidence=f"Allow {_fmt(partial)} on [{_fmt(stmt.resources or stmt.not_resources)}]",
            remediation=(
                f"Replace {_ticked(partial)} with the exact actions {_holder(role)} calls "
                "(e.g. `dynamodb:GetItem` instead of `dynamodb:*Item`)"
                + (", and the wildcard resource with the ARNs it uses" if wide else "")
                + "; `faasguard permissions` derives them from the code."
            ),
            severity=max(Severity.LOW, _reach(expanded, scope), key=lambda s: s.rank),
            confidence=confidence,
        )


def wildcard_resource(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per inline Allow statement granting scopable actions widely."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    function, heirs = _heirs(role)
    extra_exempt = _rule_option_strings(ctx, rule.name, "exempt-actions")
    db = action_db()
    for stmt, policy, effective in grants.statement_grants():
        if not _is_inline(policy) or not effective or not stmt.actions:
            continue
        if any(isinstance(a, str) and has_wildcard(a) for a in stmt.actions):
            continue  # one finding per statement: the wildcard-action rules take it
        scope = _statement_scope(stmt)
        if scope is None or scope is Scope.SPECIFIC:
            continue
        scoped = sorted(
            a
            for a in effective
            if not db.accepts_only_star(a)
            and a not in _iam.CONVENTIONAL_STAR_ACTIONS
            and a.lower() not in extra_exempt
        )
        if not scoped:
            continue
        wide = _wide_resources(stmt)
        note, confidence = _narrowing(stmt, grants)
        services = sorted({a.partition(":")[0].lower() for a in scoped})
        hints = [f"{s}: {hint}" for s in services if (hint := _arn_hint(s, ctx)) is not None]
        hint_text = f" For example {'; '.join(hints)}." if hints else ""
        star_only = sorted(a for a in effective if db.accepts_only_star(a))
        keep = (
            f" Keep {_ticked(star_only)} (which accept only `*`) in a statement of their own."
            if star_only
            else ""
        )
        yield rule.finding(
            ctx,
            message=(
                f"Statement {_statement_label(stmt)} of role `{role.id}` allows "
                f"{_capped(scoped)} on {_ticked(wide)}: {_scope_text(scope)}{note}. {heirs}"
            ),
            location=stmt.location,
            function=function,
            resource=role.id,
            evidence=f"Allow {_capped(scoped)} on [{_capped(wide)}]",
            remediation=(
                f"Replace {_ticked(wide)} with the ARNs of the resources {_holder(role)} "
                f"uses.{hint_text}{keep}"
            ),
            # Log, trace and ENI writes on `*` are what AWSLambdaBasicExecutionRole grants
            # every function: worth scoping, but they rank with lists, not with data writes.
            severity=_reach([a for a in scoped if a not in _iam.BASELINE_ACTIONS], scope)
            if any(a not in _iam.BASELINE_ACTIONS for a in scoped)
            else Severity.LOW,
            confidence=confidence,
        )


def unknown_action(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per inline statement holding unknown actions."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    function, heirs = _heirs(role)
    by_statement: dict[int, list[Any]] = {}
    for item in grants.unknown_actions():
        origin = item.statement.origin
        aws_written = origin.startswith(_AWS_WRITTEN) and not origin.startswith(_AUTHOR_WRITTEN)
        if item.policy is None and not aws_written:
            by_statement.setdefault(id(item.statement), []).append(item)
    for items in by_statement.values():
        stmt = items[0].statement
        entries = [i.entry for i in items]
        hints = [
            f"`{i.suggestion}`" + (f" (for `{i.entry}`)" if len(items) > 1 else "")
            for i in items
            if i.suggestion
        ]
        deny = effect_of(stmt) == "deny" or bool(stmt.not_actions and not stmt.actions)
        effect = (
            "so the exclusion it was meant to make does not happen"
            if deny
            else "so it grants nothing"
        )
        yield rule.finding(
            ctx,
            message=(
                f"Statement {_statement_label(stmt)} of role `{role.id}` names "
                f"{_ticked(entries)}, which "
                + ("matches" if len(entries) == 1 else "match")
                + f" no IAM action, {effect}; a typo?"
                + (f" Did you mean {', '.join(hints)}?" if hints else "")
                + f" {heirs}"
            ),
            location=stmt.location,
            function=function,
            resource=role.id,
            evidence=f"unknown actions: {_capped(entries)}",
            remediation=(
                "Fix the action "
                + ("name" if len(entries) == 1 else "names")
                + (f" ({', '.join(hints)})" if hints else "")
                + ", or remove them; the Service Authorization Reference lists every action."
            ),
            fingerprint_extra=",".join(sorted(e.lower() for e in entries)),
        )


def invalid_policy_statement(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per malformed inline statement."""
    if role.external:
        return
    function, heirs = _heirs(role)
    for stmt in role.statements:
        problems = _invalid_policy_statement_problems(stmt)
        if not problems:
            continue
        yield rule.finding(
            ctx,
            message=(
                f"Statement {_statement_label(stmt)} of role `{role.id}` is malformed: "
                f"{'; '.join(problems)}. It is ignored by the other permission checks. "
                f"{heirs}"
            ),
            location=stmt.location,
            function=function,
            resource=role.id,
            evidence="; ".join(problems),
            remediation=(
                "Write each statement as a mapping with `Effect: Allow` or `Effect: Deny`, "
                "an `Action` (or `NotAction`) string or list of strings, and a `Resource` "
                "(or `NotResource`) string or list of strings."
            ),
        )


def _invalid_policy_statement_problems(stmt: Statement) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    parts: list[str | Unknown] = [
        stmt.effect,
        *stmt.actions,
        *stmt.not_actions,
        *stmt.resources,
        *stmt.not_resources,
    ]
    for part in parts:
        if isinstance(part, Unknown) and part.reason.startswith(R_MALFORMED):
            text = part.reason[len(R_MALFORMED) :].lstrip(": ")
            if text not in seen:
                seen.add(text)
                problems.append(text)
    if isinstance(stmt.effect, str) and stmt.effect not in ("Allow", "Deny"):
        problems.append(f"Effect is {stmt.effect!r}; IAM accepts only 'Allow' or 'Deny'")
    return problems


# --------------------------------------------------------------------------- risk rules


def admin_access(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per admin statement or admin managed policy."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    function, heirs = _heirs(role)
    total = len(action_db().all_actions())
    reported: set[str | None] = set()
    for stmt, policy, effective in grants.statement_grants():
        if not _admin_statement(stmt, effective) or (policy is not None and policy in reported):
            continue
        reported.add(policy)
        full = len(effective) == total
        note, confidence = _narrowing(stmt, grants)
        what = (
            "every action on every resource"
            if full
            else f"{len(effective)} of the {total} IAM actions on every resource "
            f"(all but {_fmt(stmt.not_actions) if stmt.not_actions else 'a few'})"
        )
        yield rule.finding(
            ctx,
            message=(
                f"Role `{role.id}` {'has' if policy else 'allows in'} "
                f"{_source_label(stmt, policy)}, which allows {what}{note}. {heirs}"
            ),
            location=_source_location(stmt, policy, role),
            function=function,
            resource=role.id,
            evidence=(
                f"{_source_label(stmt, policy)}: Allow "
                + (_fmt(stmt.actions) if stmt.actions else f"NotAction {_fmt(stmt.not_actions)}")
                + f" on [{_fmt(stmt.resources or stmt.not_resources)}]"
            ),
            remediation=(
                ("Detach " + f"`{policy}`" if policy else "Remove the statement")
                + f" and grant only what {_holder(role)} uses: a SAM policy template such "
                "as `DynamoDBReadPolicy`, or a statement with exact actions and resource "
                "ARNs (`faasguard permissions` writes one from the code)."
            ),
            severity=Severity.CRITICAL if full else Severity.HIGH,
            confidence=confidence,
            fingerprint_extra=policy or "",
        )


@dataclass(frozen=True, slots=True)
class _PathHit:
    """An escalation path the role can take, with the grants behind each action."""

    path: EscalationPath
    grants: Mapping[str, tuple[_Use, ...]]
    scope: Scope | None

    @property
    def key(self) -> _Use:
        return self.grants[self.path.actions[0]][0]


def privilege_escalation(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per policy source that enables escalation paths."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    granted = _uses(grants, _ESCALATION_ACTIONS)
    if not granted:
        return
    function, heirs = _heirs(role)
    admin = _admin_statements(grants)
    by_source: dict[tuple[int, str | None], list[_PathHit]] = {}
    for path in _iam.ESCALATION_PATHS:
        hit = _privilege_escalation_hit(path, granted, admin)
        if hit is not None:
            key = hit.key
            by_source.setdefault((id(key.statement), key.policy), []).append(hit)
    for hits in by_source.values():
        key = hits[0].key
        stmt, policy = key.statement, key.policy
        severity = max((_privilege_escalation_severity(h) for h in hits), key=lambda s: s.rank)
        conditional = any(g.conditional for h in hits for gs in h.grants.values() for g in gs)
        note, confidence = _narrowing(stmt, grants)
        if conditional and confidence is None:
            confidence = Confidence.MEDIUM
            note = " (a Condition narrows part of it)"
        details = "; ".join(_privilege_escalation_describe(h) for h in hits)
        actions = sorted({a for h in hits for a in h.path.actions})
        yield rule.finding(
            ctx,
            message=(
                f"Role `{role.id}` can escalate privileges through "
                f"{_source_label(stmt, policy)}{note}: {details}. {heirs}"
            ),
            location=_source_location(stmt, policy, role),
            function=function,
            resource=role.id,
            evidence=(
                f"paths: {', '.join(h.path.name for h in hits)}; actions: {', '.join(actions)}"
            ),
            remediation=_privilege_escalation_remediation(hits, role, policy),
            severity=severity,
            confidence=confidence,
            fingerprint_extra=policy or "",
        )


def _privilege_escalation_hit(
    path: EscalationPath, granted: Mapping[str, list[_Use]], admin: frozenset[int]
) -> _PathHit | None:
    found: dict[str, tuple[_Use, ...]] = {}
    for action in path.actions:
        usable = tuple(
            g
            for g in granted.get(action, ())
            if g.scope is not None
            and id(g.statement) not in admin
            and not (path.only_on_everything and g.scope is not Scope.EVERYTHING)
            and not (
                action == "iam:PassRole"
                and path.pass_to is not None
                and not _iam.passes_to(_condition(g.statement), path.pass_to)
            )
        )
        if not usable:
            return None
        found[action] = usable
    key = found[path.actions[0]]
    scope = max((g.scope for g in key if g.scope is not None), default=None)
    return _PathHit(path, found, scope)


def _privilege_escalation_severity(hit: _PathHit) -> Severity:
    path = hit.path
    wide = hit.scope is not Scope.SPECIFIC
    if path.pass_to is not None:
        pass_scope = max(
            (g.scope for g in hit.grants["iam:PassRole"] if g.scope is not None),
            default=Scope.SPECIFIC,
        )
        if pass_scope is Scope.SPECIFIC:
            return Severity.LOW  # bounded by the named roles it can pass
        return Severity.HIGH if wide else Severity.MEDIUM
    if path.takeover and hit.scope is Scope.EVERYTHING:
        return Severity.CRITICAL
    return Severity.HIGH if wide else Severity.MEDIUM


def _privilege_escalation_describe(hit: _PathHit) -> str:
    parts = []
    for action in hit.path.actions:
        sources = sorted({_grant_label(g) for g in hit.grants[action]})
        parts.append(f"`{action}` ({', '.join(sources)})")
    verb = "lets" if len(parts) == 1 else "let"
    return f"{' + '.join(parts)} {verb} it {hit.path.why}"


def _privilege_escalation_remediation(
    hits: Sequence[_PathHit], role: Role, policy: str | None
) -> str:
    actions = {a for h in hits for a in h.path.actions}
    steps = []
    if policy is not None:
        steps.append(
            f"Detach `{policy}` and grant only what {_holder(role)} uses "
            "(`faasguard permissions` writes that policy from the code)"
        )
    iam_admin = sorted(a for a in actions if a.startswith("iam:") and a != "iam:PassRole")
    if iam_admin:
        steps.append(
            f"Remove {_ticked(iam_admin)}: code should not manage IAM; if it must, scope "
            "it to exact ARNs and attach a permissions boundary"
        )
    if "iam:PassRole" in actions:
        steps.append(
            "Limit `iam:PassRole` to the ARNs of the roles that are passed and add "
            "`Condition: {StringEquals: {iam:PassedToService: <service>.amazonaws.com}}`"
        )
    if "sts:AssumeRole" in actions:
        steps.append("List the role ARNs it assumes instead of `*`")
    others = sorted(a for a in actions if not a.startswith(("iam:", "sts:")))
    if others:
        steps.append(f"Scope {_ticked(others)} to the exact resources it changes, or remove them")
    return ". ".join(steps) + "."


def _condition(stmt: Statement) -> Mapping[str, Any] | None:
    return stmt.condition if isinstance(stmt.condition, Mapping) else None


def data_exfiltration(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per policy source granting bulk data reads."""
    yield from _wide_grants(
        rule,
        role,
        ctx,
        _iam.DATA_READ_ACTIONS,
        harm="read the data of every such store in the account, not only its own",
        remediation=(
            "grant the reads on the ARNs {holder} uses only, e.g. `s3:GetObject` on "
            "`arn:aws:s3:::my-bucket/*` or `dynamodb:GetItem` on "
            f"`{_named('table', ctx)}`."
        ),
    )


def credentials_exposure(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per policy source granting credential actions widely."""
    yield from _wide_grants(
        rule,
        role,
        ctx,
        _credential_actions(),
        harm="read or create credentials that work anywhere and outlive the code",
        remediation=(
            "grant the credential actions on the named secrets, parameters or users "
            "{holder} needs only (e.g. `secretsmanager:GetSecretValue` on "
            f"`{_named('secret', ctx)}`)."
        ),
    )


def resource_exposure(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per policy source granting permission changes widely."""
    yield from _wide_grants(
        rule,
        role,
        ctx,
        _is_exposure,
        harm="make resources public or share them with other accounts",
        remediation=(
            "remove the permission-management actions: resource policies belong in the "
            "template, not in what {holder} can change at run time."
        ),
    )


_ESCALATION_ACTIONS: frozenset[str] = frozenset(
    a for path in _iam.ESCALATION_PATHS for a in path.actions
)


@functools.cache
def _credential_actions() -> frozenset[str]:
    """Credential actions that can be scoped (a grant of the others on `*` is all there is)."""
    db = action_db()
    return frozenset(a for a in _iam.CREDENTIAL_ACTIONS if not db.accepts_only_star(a))


def _is_exposure(action: str) -> bool:
    """Permissions management outside IAM (IAM's own is privilege escalation)."""
    return (
        not action.startswith("iam:")
        and action_db().access_level(action) is AccessLevel.PERMISSIONS_MANAGEMENT
    )


def _wide_grants(
    rule: Rule,
    role: Role,
    ctx: RuleContext,
    select: frozenset[str] | Callable[[str], bool],
    *,
    harm: str,
    remediation: str,
) -> Iterator[Finding]:
    """One finding per policy source granting some of ``select`` on every resource (of a type)."""
    if role.external:
        return
    grants = evaluate_role(role, app=ctx.app)
    granted = _uses(grants, select)
    if not granted:
        return
    function, heirs = _heirs(role)
    admin = _admin_statements(grants)
    by_source: dict[tuple[int, str | None], list[_Use]] = {}
    for action in sorted(granted):
        for grant in granted[action]:
            if (
                grant.scope in (Scope.EVERYTHING, Scope.ALL_OF_TYPE)
                and id(grant.statement) not in admin
                and grant.policy not in _iam.PLATFORM_MANAGED_POLICIES
            ):
                by_source.setdefault((id(grant.statement), grant.policy), []).append(grant)
    for items in by_source.values():
        stmt, policy = items[0].statement, items[0].policy
        actions = sorted({g.action for g in items})
        scope = max(g.scope for g in items if g.scope is not None)
        note, confidence = _narrowing(stmt, grants)
        wide = _wide_resources(stmt) or ["*"]
        severity = rule.severity if scope is Scope.EVERYTHING else Severity.MEDIUM
        yield rule.finding(
            ctx,
            message=(
                f"Role `{role.id}` allows {_capped(actions)} on {_ticked(wide)} "
                f"({_scope_text(scope)}) through {_source_label(stmt, policy)}{note}: this lets "
                f"{_holder(role)} {harm}. {heirs}"
            ),
            location=_source_location(stmt, policy, role),
            function=function,
            resource=role.id,
            evidence=f"{_source_label(stmt, policy)}: {_capped(actions)} on {_capped(wide)}",
            remediation=(
                (f"Detach `{policy}` and " if policy else "Narrow the statement: ")
                + remediation.format(holder=_holder(role))
            ),
            severity=severity,
            confidence=confidence,
            fingerprint_extra=policy or "",
        )


def unknown_managed_policy(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding per managed policy whose document is unknown."""
    if role.external:
        return
    from faasguard.iam.managed import aws_managed_name

    grants = evaluate_role(role, app=ctx.app)
    function, heirs = _heirs(role)
    for policy in grants.unknown_policies:
        text = policy.expression if isinstance(policy, Unknown) else policy
        aws_name = None if isinstance(policy, Unknown) else aws_managed_name(policy)
        if aws_name is not None:
            why = (
                f"`{aws_name}` is not an AWS managed policy faasguard knows (a typo, or a "
                "retired policy): it grants nothing, and the deployment may fail"
            )
            severity = Severity.LOW
        elif isinstance(policy, Unknown):
            why = f"its ARN cannot be resolved statically ({policy.reason})"
            severity = Severity.INFO
        else:
            why = "it is a customer managed policy: its document is not in the template"
            severity = Severity.INFO
        yield rule.finding(
            ctx,
            message=(
                f"Role `{role.id}` attaches managed policy `{text}`; {why}. What it grants "
                f"is unknown, and the other permission checks judge the role without it. "
                f"{heirs}"
            ),
            location=role.location,
            function=function,
            resource=role.id,
            evidence=f"managed policy {text}",
            remediation=(
                "Define the policy in the template (inline `Policies` or an "
                "`AWS::IAM::ManagedPolicy` resource) so it can be reviewed and scanned"
                + (", or fix the policy name" if aws_name is not None else "")
                + "."
            ),
            severity=severity,
            fingerprint_extra=text,
        )


def shared_role(rule: RoleRule, role: Role, ctx: RuleContext) -> Iterator[Finding]:
    """Yield one finding when two or more functions assume the role."""
    if role.external or len(role.functions) < 2:
        return
    grants = evaluate_role(role, app=ctx.app)
    db = action_db()
    by_source: dict[str, set[str]] = {}
    wide: set[str] = set()
    seen: set[tuple[str, int, bool]] = set()  # duplicated statements share one action set
    for stmt, policy, effective in grants.statement_grants():
        label = "inline statements" if policy is None else policy
        is_wide = _statement_scope(stmt) in (Scope.EVERYTHING, Scope.ALL_OF_TYPE)
        if (label, id(effective), is_wide) in seen:
            continue
        seen.add((label, id(effective), is_wide))
        by_source.setdefault(label, set()).update(effective)
        if is_wide:
            wide |= effective
    granted = set().union(*by_source.values()) if by_source else set()
    baseline_only = bool(granted) and granted <= _iam.BASELINE_ACTIONS
    baseline_only = baseline_only and not grants.unknown_policies
    # Writes that could be scoped but are not: those that accept only `*`, or that AWS's own
    # policies grant on `*` (cloudwatch:PutMetricData), say nothing about the role's design.
    wide_changes = sorted(
        a
        for a in wide - _iam.BASELINE_ACTIONS
        if db.access_level(a) in (AccessLevel.WRITE, AccessLevel.PERMISSIONS_MANAGEMENT)
        and a not in _iam.CONVENTIONAL_STAR_ACTIONS
        and not db.accepts_only_star(a)
    )
    functions = ", ".join(f"`{f}`" for f in role.functions)
    parts = [
        f"{len(actions)} from {label} ({_capped(sorted(actions))})"
        for label, actions in sorted(by_source.items())
        if actions
    ]
    unknown = [_fmt([p]) for p in grants.unknown_policies]
    if unknown:
        parts.append(f"whatever {', '.join(unknown)} grant (unknown)")
    grants_text = "; ".join(parts) if parts else "nothing this template shows"
    if baseline_only:
        severity, tail = (
            Severity.LOW,
            (
                " The role holds only baseline permissions today, but anything added for one "
                "function will reach all of them."
            ),
        )
    elif wide_changes:
        severity, tail = (
            Severity.HIGH,
            (
                " Among them, writes or permission changes on every resource of their type "
                f"({_capped(wide_changes)}) reach every function, the most exposed one "
                "included."
            ),
        )
    else:
        severity, tail = Severity.MEDIUM, ""
    yield rule.finding(
        ctx,
        message=(
            f"{len(role.functions)} functions share role `{role.id}` ({functions}); each "
            f"inherits all it grants, {_plural(len(granted), 'action')}: {grants_text}.{tail}"
        ),
        location=role.location,
        function=None,
        resource=role.id,
        evidence=(
            f"functions: {', '.join(role.functions)}; grants: {len(granted)} actions from "
            f"{', '.join(sorted(by_source)) or 'nothing'}"
        ),
        remediation=(
            f"Use one role per function: {_PER_FUNCTION_ROLES.for_format(ctx.app.format)}, "
            "and give each only the statements its code needs (`faasguard permissions "
            "--fix` writes them)."
            + (
                " The Serverless Framework's default role `IamRoleLambdaExecution` is "
                "shared by every function of the service."
                if ctx.app.format is AppFormat.SERVERLESS and role.id == _SLS_DEFAULT_ROLE
                else ""
            )
        ),
        severity=severity,
    )
