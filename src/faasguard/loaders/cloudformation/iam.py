"""Execution roles: IAM roles and policies in the template, and the roles SAM generates.

A function's permissions can come from five places: the role's inline ``Policies``, its
``ManagedPolicyArns``, ``AWS::IAM::Policy``/``ManagedPolicy`` resources that list the role in
``Roles``, a SAM function's ``Policies`` (managed names, ARNs, documents and policy templates),
and the statements SAM adds on its own (dead-letter queue, destinations, pull event sources).
All of them end up in one :class:`~faasguard.model.Role` with an ``origin`` per statement, so a
finding can say where a permission was granted.

SAM policy templates are expanded from the file aws-sam-translator ships
(``policy_templates.json``), the exact statements SAM deploys, rather than from a copy that
would drift. Managed policy names are turned into ARNs with SAM's own bundled map (some live
under ``service-role/``), falling back to ``arn:aws:iam::aws:policy/<Name>``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from importlib import resources as importlib_resources
from typing import Any, Final

from faasguard.iam.document import json_document, malformed, policy_strings
from faasguard.loaders.cloudformation.context import (
    LoadContext,
    RawResource,
    RoleDraft,
    as_key,
    as_map,
    as_str,
    as_str_tuple,
    key_line,
)
from faasguard.loaders.cloudformation.intrinsics import (
    MAX_INTRINSIC_DEPTH,
    placeholder,
    ref_target,
    referenced_resources,
    render,
)
from faasguard.loaders.cloudformation.sam_event_policies import event_policies
from faasguard.loaders.interface import IssueKind
from faasguard.loaders.yaml_safe import YamlMap, YamlSeq, line_of
from faasguard.model import Location, Statement, Unknown

__all__ = [
    "AWS_MANAGED_PREFIX",
    "BASIC_EXECUTION_ROLE",
    "VPC_ACCESS_ROLE",
    "XRAY_WRITE_ONLY",
    "assign_role",
    "attach_policy_resources",
    "build_iam_roles",
    "managed_policy_arn",
    "policy_templates",
    "sam_function_role",
    "statements_from_document",
]

AWS_MANAGED_PREFIX: Final = "arn:aws:iam::aws:policy/"
BASIC_EXECUTION_ROLE: Final = AWS_MANAGED_PREFIX + "service-role/AWSLambdaBasicExecutionRole"
DURABLE_EXECUTION_ROLE: Final = (
    AWS_MANAGED_PREFIX + "service-role/AWSLambdaBasicDurableExecutionRolePolicy"
)
XRAY_WRITE_ONLY: Final = AWS_MANAGED_PREFIX + "AWSXrayWriteOnlyAccess"
VPC_ACCESS_ROLE: Final = AWS_MANAGED_PREFIX + "service-role/AWSLambdaVPCAccessExecutionRole"

#: Managed policies SAM adds to the generated role for pull event sources (eventsources/pull.py).
_DLQ_ACTIONS: Final = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}
_POLICY_TYPES: Final = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
R_TEMPLATE_PARAMETER: Final = "missing policy template parameter"


@functools.cache
def policy_templates() -> Mapping[str, Any]:
    """The SAM policy templates shipped with aws-sam-translator, parsed once on first use."""
    templates = _sam_data("policy_templates_data/policy_templates.json").get("Templates")
    return templates if isinstance(templates, dict) else {}


@functools.cache
def _managed_policy_map() -> Mapping[str, str]:
    arns = _sam_data("internal/data/aws_managed_policies.json").get("aws")
    return arns if isinstance(arns, dict) else {}


def _sam_data(path: str) -> dict[str, Any]:
    try:
        text = importlib_resources.files("samtranslator").joinpath(path).read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError, ModuleNotFoundError):  # pragma: no cover - broken install
        return {}
    return data if isinstance(data, dict) else {}


def managed_policy_arn(name: str) -> str:
    """Return what SAM attaches for a managed policy written by name in ``Policies``.

    SAM turns the name of an AWS managed policy into its ARN and keeps any other name as
    written (it then fails at deploy time, or names a customer policy by ARN elsewhere); it
    never invents an ``arn:aws:iam::aws:policy/`` ARN for a name AWS does not manage.
    """
    if name.startswith("arn:"):
        return name
    mapped = _managed_policy_map().get(name)
    if mapped:
        return mapped
    from faasguard.iam.managed import managed_policy

    known = managed_policy(name)
    return known.arn if known is not None else name


# -- statements ---------------------------------------------------------------------------------


def _unknown_statement(value: Unknown, *, location: Location, origin: str) -> Statement:
    """A statement that exists but cannot be read: every part is the same Unknown."""
    return Statement(
        effect=value, actions=(value,), resources=(value,), location=location, origin=origin
    )


def statements_from_document(
    document: Any, *, file: str, origin: str, line: int | None
) -> list[Statement]:
    """Turn a resolved policy document (``{Statement: [...]}``) into model statements.

    Args:
        document: the resolved document; an Unknown gives one unknown statement.
        file: the template, for locations.
        origin: provenance of every statement; ``Statement[i]`` is appended when there are many.
        line: the line used when a statement has none of its own.
    """
    if isinstance(document, Unknown):
        return [_unknown_statement(document, location=Location(file, line), origin=origin)]
    document = json_document(document)
    if document is not None and not isinstance(document, dict):
        bad = malformed(document, "the policy document is neither a mapping nor JSON text")
        return [_unknown_statement(bad, location=Location(file, line), origin=origin)]
    body = as_map(document).get("Statement")
    if isinstance(body, Unknown):
        return [_unknown_statement(body, location=Location(file, line), origin=origin)]
    if body is not None and not isinstance(body, (list, dict)):
        # IAM rejects it; reading it as "no statements" would hide the mistake.
        bad = malformed(body, f"Statement is {_kind(body)}, not a list of statements")
        return [_unknown_statement(bad, location=Location(file, line), origin=origin)]
    items = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    return [
        _statement(item, file=file, origin=origin, line=line_of(items, index) or line)
        for index, item in enumerate(items)
    ]


def _statement(item: Any, *, file: str, origin: str, line: int | None) -> Statement:
    location = Location(file, getattr(item, "line", None) or line)
    if isinstance(item, Unknown):
        return _unknown_statement(item, location=location, origin=origin)
    if not isinstance(item, dict):
        bad = malformed(item, f"a statement is {_kind(item)}, not a mapping")
        return _unknown_statement(bad, location=location, origin=origin)
    stmt = as_map(item)
    effect = as_str(stmt.get("Effect"))
    condition = stmt.get("Condition")
    sid = stmt.get("Sid")
    return Statement(
        effect=effect if effect is not None else Unknown("(missing)", "statement without Effect"),
        actions=policy_strings(stmt.get("Action"), "Action"),
        not_actions=policy_strings(stmt.get("NotAction"), "NotAction"),
        resources=policy_strings(stmt.get("Resource"), "Resource"),
        not_resources=policy_strings(stmt.get("NotResource"), "NotResource"),
        condition=condition if isinstance(condition, (dict, Unknown)) else None,
        sid=sid if isinstance(sid, str) else None,
        location=location,
        origin=origin,
    )


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a list" if isinstance(value, list) else type(value).__name__


def trusted_services(document: Any) -> tuple[str, ...]:
    """The service principals of a trust policy (``AssumeRolePolicyDocument``), as written."""
    services: list[str] = []
    body = as_map(document).get("Statement")
    for stmt in body if isinstance(body, list) else [body] if isinstance(body, dict) else []:
        principal = as_map(as_map(stmt).get("Principal"))
        for service in as_str_tuple(principal.get("Service")):
            if isinstance(service, str) and service not in services:
                services.append(service)
    return tuple(services)


# -- template roles and policies ----------------------------------------------------------------


def build_iam_roles(ctx: LoadContext) -> None:
    """Create a role draft for every ``AWS::IAM::Role`` of the template."""
    for res in ctx.of_type("AWS::IAM::Role"):
        props = ctx.resolved(res)
        role = RoleDraft(res.id, ctx.location(res.line))
        role.trusted_services = trusted_services(props.get("AssumeRolePolicyDocument"))
        boundary = props.get("PermissionsBoundary")
        role.permissions_boundary = as_str(boundary)
        policies = props.get("Policies")
        for index, policy in enumerate(policies if isinstance(policies, list) else []):
            origin = f"AWS::IAM::Role {res.id} Policies[{index}]"
            line = line_of(policies, index)
            document = (
                as_map(policy).get("PolicyDocument") if not isinstance(policy, Unknown) else policy
            )
            role.statements.extend(
                statements_from_document(document, file=ctx.file, origin=origin, line=line)
            )
        ctx.roles[res.id] = role
    # Managed policies second: they may name an AWS::IAM::ManagedPolicy of the template.
    for res in ctx.of_type("AWS::IAM::Role"):
        role = ctx.roles[res.id]
        for arn in as_str_tuple(ctx.resolved(res).get("ManagedPolicyArns")):
            role.add_managed(arn)
            _expand_template_managed_policy(ctx, role, arn)


def _expand_template_managed_policy(ctx: LoadContext, role: RoleDraft, arn: Any) -> None:
    """Fold the statements of a template ``AWS::IAM::ManagedPolicy`` referenced by ARN."""
    if not isinstance(arn, Unknown):
        return
    for policy_id in sorted(referenced_resources(arn, ctx.resources)):
        res = ctx.resources[policy_id]
        if res.type == "AWS::IAM::ManagedPolicy":
            _attach(ctx, role, res)


def _attach(ctx: LoadContext, role: RoleDraft, res: RawResource) -> None:
    if res.id in role.attached:
        return
    role.attached.add(res.id)
    props = ctx.resolved(res)
    line = key_line(res.properties, "PolicyDocument", res.line)
    role.statements.extend(
        statements_from_document(
            props.get("PolicyDocument"), file=ctx.file, origin=f"{res.type} {res.id}", line=line
        )
    )


def attach_policy_resources(ctx: LoadContext) -> None:
    """Fold ``AWS::IAM::Policy``/``ManagedPolicy`` statements into the roles they list."""
    for res in ctx.of_type(*_POLICY_TYPES):
        raw_roles = res.properties.get("Roles")
        resolved_roles = ctx.resolved(res).get("Roles")
        raw_items = raw_roles if isinstance(raw_roles, list) else []
        for index, item in enumerate(resolved_roles if isinstance(resolved_roles, list) else []):
            raw = raw_items[index] if index < len(raw_items) else None
            role = _role_named(ctx, raw, item)
            if role is not None:
                _attach(ctx, role, res)


def _role_named(ctx: LoadContext, raw: Any, value: Any) -> RoleDraft | None:
    """Find the role a ``Roles`` entry names: a Ref, a role name, or an external role's name."""
    target = ref_target(raw) or ref_target(value)
    if target in ctx.roles:
        return ctx.roles[target]
    if isinstance(value, Unknown):
        refs = referenced_resources(value, ctx.roles)
        return ctx.roles[next(iter(refs))] if len(refs) == 1 else None
    if not isinstance(value, str):
        return None
    for role in ctx.roles.values():
        if role.id == value or role.id.endswith((f":role/{value}", f"/{value}")):
            return role
        res = ctx.resources.get(role.id)
        if res is not None and ctx.resolved(res).get("RoleName") == value:
            return role
    return None


# -- function roles -----------------------------------------------------------------------------


def assign_role(ctx: LoadContext, fn: str, raw: Any, *, line: int | None) -> str:
    """Record that ``fn`` assumes the role written as ``raw``; return the role's id.

    ``!GetAtt MyRole.Arn`` (or any value naming exactly one template role) is that role;
    anything else is an external role whose permissions cannot be seen, identified by its ARN
    or, when unresolvable, by the expression as written.
    """
    value = ctx.resolver.resolve(raw)
    role = _role_named(ctx, raw, value)
    if role is None:
        role_id = value.expression if isinstance(value, Unknown) else str(value)
        role = ctx.roles.get(role_id)
        if role is None:
            role = RoleDraft(role_id, ctx.location(line), external=True)
            ctx.roles[role_id] = role
    if fn not in role.functions:
        role.functions.append(fn)
    return role.id


def sam_function_role(
    ctx: LoadContext,
    fn: str,
    *,
    raw: Mapping[str, Any],
    props: Mapping[str, Any],
    line: int | None,
) -> str:
    """Build the role SAM generates for a function without ``Role`` (``<Function>Role``).

    Args:
        ctx: the load context.
        fn: the function's logical id.
        raw: the function's raw properties, Globals merged (for ``Policies`` and lines).
        props: the same, resolved.
        line: the function's line.
    """
    role = RoleDraft(f"{fn}Role", ctx.location(line), functions=[fn])
    role.trusted_services = ("lambda.amazonaws.com",)
    # SAM swaps the basic execution role for its durable variant on durable functions.
    role.add_managed(DURABLE_EXECUTION_ROLE if props.get("DurableConfig") else BASIC_EXECUTION_ROLE)
    tracing = props.get("Tracing")
    if tracing is not None and tracing != "Disabled":  # SAM adds X-Ray for Active/PassThrough
        role.add_managed(XRAY_WRITE_ONLY)
    if props.get("VpcConfig"):
        role.add_managed(VPC_ACCESS_ROLE)
    _sam_policies(ctx, role, fn, raw.get("Policies"))
    _dead_letter_statement(ctx, role, raw, props)
    _destination_statements(ctx, role, fn, raw, props)
    # Last, as SAM links event sources' policies after building the role.
    _event_policies(ctx, role, fn, raw)
    role.permissions_boundary = as_str(props.get("PermissionsBoundary"))
    ctx.roles[role.id] = role
    return role.id


def _event_policies(ctx: LoadContext, role: RoleDraft, fn: str, raw: Mapping[str, Any]) -> None:
    """Add what SAM adds for each event source (see :mod:`.sam_event_policies`)."""
    events = raw.get("Events")
    if not isinstance(events, dict):
        return
    for name, event in events.items():
        if not isinstance(event, dict):
            continue
        kind = as_key(ctx.resolver.resolve(event.get("Type")))
        props = event.get("Properties")
        line = line_of(events, name)
        added = event_policies(f"{fn}{name}", kind or "", props if isinstance(props, dict) else {})
        for arn in added.managed:
            role.add_managed(arn)
        for policy_name, document in added.documents:
            role.statements.extend(
                statements_from_document(
                    ctx.resolver.resolve(document),
                    file=ctx.file,
                    origin=f"SAM {kind} event {name} ({policy_name})",
                    line=line,
                )
            )
        if added.error:
            ctx.issue(IssueKind.UNRESOLVED, f"{fn}: event {name}: {added.error}", line)


def _sam_policies(ctx: LoadContext, role: RoleDraft, fn: str, policies: Any) -> None:
    if policies is None:
        return
    if isinstance(policies, dict) and len(policies) == 1 and next(iter(policies)) == "Fn::If":
        # A conditional list of policies: pick the branch first, then read its entries.
        chosen = ctx.resolver.resolve(policies)
        if isinstance(chosen, list):
            policies = chosen
    items: Iterable[tuple[Any, int | None]]
    if isinstance(policies, list):
        items = [(item, line_of(policies, index)) for index, item in enumerate(policies)]
    else:
        items = [(policies, getattr(policies, "line", None))]
    for index, (item, line) in enumerate(items):
        _sam_policy(ctx, role, fn, item, index=index, line=line)


def _sam_policy(
    ctx: LoadContext, role: RoleDraft, fn: str, item: Any, *, index: int, line: int | None
) -> None:
    origin = f"{fn} Policies[{index}]"
    branches = _if_branches(item)
    if branches is not None:
        _conditional_policy(ctx, role, fn, branches, index=index, line=line)
        return
    if isinstance(item, dict) and len(item) == 1:
        name = next(iter(item))
        if name in policy_templates():
            role.statements.extend(_expand_template(ctx, name, item[name], line=line))
            return
    value = ctx.resolver.resolve(item)
    if value is None:
        return
    if isinstance(value, str) and value.startswith("{{resolve:"):
        # A dynamic reference is read at deploy time: the policy it names is not known here.
        role.add_managed(Unknown(value, "dynamic reference resolved at deploy time"))
        return
    if isinstance(value, str):
        arn = managed_policy_arn(value)
        role.add_managed(arn)
        return
    if isinstance(value, dict) and "Statement" in value:
        role.statements.extend(
            statements_from_document(value, file=ctx.file, origin=origin, line=line)
        )
        return
    if isinstance(value, Unknown):  # SAM passes intrinsics through as managed policy ARNs
        role.add_managed(value)
        _expand_template_managed_policy(ctx, role, value)
        return
    name = next(iter(value), "?") if isinstance(value, dict) else render(value)
    ctx.issue(
        IssueKind.UNRESOLVED,
        f"{fn}: Policies entry {str(name)[:60]!r} is neither a managed policy, a policy "
        "document nor a SAM policy template known to this version of SAM",
        line,
    )
    role.statements.append(
        _unknown_statement(
            Unknown(render(item)[:200], "unknown SAM policy"),
            location=ctx.location(line),
            origin=origin,
        )
    )


def _if_branches(item: Any) -> tuple[str, Any, Any] | None:
    """``(condition, value if true, value if false)`` of a ``Fn::If`` entry, else None."""
    if not isinstance(item, dict) or len(item) != 1 or "Fn::If" not in item:
        return None
    arg = item["Fn::If"]
    if isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
        return arg[0], arg[1], arg[2]
    return None


def _is_no_value(value: Any) -> bool:
    return isinstance(value, dict) and value.get("Ref") == "AWS::NoValue"


def _conditional_policy(
    ctx: LoadContext,
    role: RoleDraft,
    fn: str,
    branches: tuple[str, Any, Any],
    *,
    index: int,
    line: int | None,
) -> None:
    """A ``Policies`` entry wrapped in ``Fn::If``: the branch SAM deploys, read as an entry.

    The condition is decided first, so a SAM policy template inside a branch is expanded as
    a template (not mistaken for an unknown managed policy). When the condition cannot be
    decided, both branches may be deployed: each is read, and the statements it adds carry
    the undecided condition as an Unknown ``condition``.
    """
    name, when_true, when_false = branches
    decided = ctx.resolver.condition(name)
    if isinstance(decided, bool):
        chosen = when_true if decided else when_false
        if not _is_no_value(chosen):
            _sam_policy(ctx, role, fn, chosen, index=index, line=line)
        return
    undecided = Unknown(f"!Condition {name}", decided.reason)
    for branch in (when_true, when_false):
        if _is_no_value(branch):
            continue
        start = len(role.statements)
        _sam_policy(ctx, role, fn, branch, index=index, line=line)
        role.statements[start:] = [
            replace(statement, condition=undecided) for statement in role.statements[start:]
        ]


def _expand_template(
    ctx: LoadContext, name: str, parameters: Any, *, line: int | None
) -> list[Statement]:
    """Expand one SAM policy template into the statements SAM would deploy."""
    template = as_map(policy_templates().get(name))
    values = parameters if isinstance(parameters, dict) else {}
    declared = as_map(template.get("Parameters"))
    missing = [key for key in declared if key not in values]
    if missing:
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"SAM policy template {name} misses parameter(s) {', '.join(missing)}",
            line,
        )
    key = _expansion_key(ctx, name, values, declared)
    document = _EXPANDED.get(key) if key is not None else None
    if document is None:
        definition = _substitute(template.get("Definition"), values, declared)
        document = ctx.resolver.resolve(definition)
        if key is not None:
            if len(_EXPANDED) >= _MAX_EXPANDED:
                _EXPANDED.clear()
            _EXPANDED[key] = document
    return statements_from_document(
        document, file=ctx.file, origin=f"SAM policy template {name}", line=line
    )


# Expanded policy templates, by template name, region and the *resolved* value of each
# parameter. Expanding one (copy the definition with the parameters in, resolve its Subs)
# cost 30 us; a SAM project uses a handful of policy templates again and again with the same
# parameters (a table, a queue, a bucket), often across its templates. The key holds all the
# expansion depends on, and only templates and values for which that is provable are cached
# (_closed_depth, _shallow): the definition refers to nothing but its own parameters and
# pseudo parameters, and each value is a string or a single intrinsic resolved to a string or
# an Unknown. The cached document is shared, read-only like the rest of the model. Measured on
# the benchmark's 500 SAM templates (1,000 expansions, of 2 distinct ones: a real project has
# more variety, so fewer hits): 55 ms to 17 ms.
_EXPANDED: dict[tuple[Any, ...], Any] = {}
_SUB_VARIABLE: Final = re.compile(r"\$\{([^}]*)\}")
_MAX_EXPANDED: Final = 4096
#: How deep a parameter value may nest to be cached (the resolver's limits stay far away).
_MAX_VALUE_DEPTH: Final = 4


def _expansion_key(
    ctx: LoadContext, name: str, values: Mapping[str, Any], declared: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """The cache key of an expansion, or None when it may depend on more than the key."""
    depth = _definition_depth(name)
    # A coarse bound with a wide margin: the resolver's depth limits are never reached.
    if depth is None or 2 * (depth + _MAX_VALUE_DEPTH) >= MAX_INTRINSIC_DEPTH:
        return None
    resolved: list[tuple[str, str | Unknown | None]] = []
    for parameter in declared:
        if parameter not in values:
            resolved.append((parameter, None))  # always the same Unknown
            continue
        raw = values[parameter]
        if not _shallow(raw, 0):
            return None
        value = ctx.resolver.resolve(raw)
        if not isinstance(value, (str, Unknown)):
            return None
        resolved.append((parameter, value))
    return (name, ctx.resolver.options.region, tuple(resolved))


@functools.cache
def _definition_depth(name: str) -> int | None:
    """Nesting depth of a policy template's definition, or None when it is not closed."""
    template = as_map(policy_templates().get(name))
    return _closed_depth(template.get("Definition"), as_map(template.get("Parameters")), 0)


def _closed_depth(node: Any, declared: Mapping[str, Any], depth: int) -> int | None:
    """Depth of ``node`` when it refers only to ``declared`` names and pseudo parameters.

    Only ``Ref`` and ``Fn::Sub`` are accepted (what aws-sam-translator's templates use); any
    other intrinsic, or a name the template's own parameters could shadow, gives None.
    """
    children: Iterable[Any]
    if isinstance(node, dict):
        key = next(iter(node)) if len(node) == 1 else None
        if key == "Ref":
            arg = node[key]
            # AWS::NoValue would drop a Sub variable, making ``${name}`` a template lookup.
            ok = isinstance(arg, str) and (
                arg in declared or (arg.startswith("AWS::") and arg != "AWS::NoValue")
            )
            return depth if ok else None
        if key == "Fn::Sub":
            arg = node[key]
            text, variables = arg, {}
            if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
                text, variables = arg
            if not isinstance(text, str):
                return None
            for inner in _SUB_VARIABLE.findall(text):  # read as Resolver._fn_sub reads them
                name = inner.strip()
                if (
                    not inner.startswith("!")
                    and not name.startswith("AWS::")
                    and (name not in variables)
                ):
                    return None
            children = variables.values()
        elif isinstance(key, str) and key.startswith("Fn::"):
            return None  # any other intrinsic
        else:
            children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return depth
    deepest = depth
    for child in children:
        child_depth = _closed_depth(child, declared, depth + 1)
        if child_depth is None:
            return None
        deepest = max(deepest, child_depth)
    return deepest


def _shallow(value: Any, depth: int) -> bool:
    """True for a scalar or an intrinsic nested at most :data:`_MAX_VALUE_DEPTH` deep."""
    if depth > _MAX_VALUE_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_shallow(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return all(_shallow(item, depth + 1) for item in value)
    return True


def _substitute(node: Any, values: Mapping[str, Any], declared: Mapping[str, Any]) -> Any:
    """Replace ``Ref`` to template parameters by the user's values, in one pass (as SAM does).

    The user's values are inserted as written and never substituted again, so a value that
    itself contains ``Ref: TableName`` refers to the stack parameter, not to the template's.
    Statement mappings become YamlMaps without lines: their line is the ``Policies`` entry's.
    """
    if isinstance(node, dict):
        if len(node) == 1 and isinstance(node.get("Ref"), str) and node["Ref"] in declared:
            key = node["Ref"]
            if key in values:
                return values[key]
            return Unknown(f"!Ref {key}", R_TEMPLATE_PARAMETER)
        result = YamlMap(None)
        for key, value in node.items():
            result[key] = _substitute(value, values, declared)
        return result
    if isinstance(node, list):
        seq = YamlSeq(None)
        seq.extend(_substitute(item, values, declared) for item in node)
        return seq
    return node


def _dead_letter_statement(
    ctx: LoadContext, role: RoleDraft, raw: Mapping[str, Any], props: Mapping[str, Any]
) -> None:
    dlq = as_map(props.get("DeadLetterQueue"))
    action = _DLQ_ACTIONS.get(as_key(dlq.get("Type")))
    target = dlq.get("TargetArn")
    if action is None or target is None:
        return
    role.statements.append(
        Statement(
            effect="Allow",
            actions=(action,),
            resources=as_str_tuple(target),
            location=ctx.location(key_line(raw, "DeadLetterQueue", None)),
            origin="SAM DeadLetterQueue policy",
        )
    )


def _destination_statements(
    ctx: LoadContext, role: RoleDraft, fn: str, raw: Mapping[str, Any], props: Mapping[str, Any]
) -> None:
    """The statements SAM adds for ``EventInvokeConfig`` destinations (sam_resources.py)."""
    config = as_map(as_map(props.get("EventInvokeConfig")).get("DestinationConfig"))
    raw_config = as_map(as_map(raw.get("EventInvokeConfig")).get("DestinationConfig"))
    for event in ("OnSuccess", "OnFailure"):
        dest = as_map(config.get(event))
        kind = dest.get("Type")
        arn = dest.get("Destination")
        if arn is None:
            arn = sam_destination_default(fn, event, kind)
        if arn is None:
            continue
        location = ctx.location(key_line(raw_config, event, None))
        origin = f"SAM EventInvokeConfig {event} policy"
        actions = {
            "SQS": ("sqs:SendMessage",),
            "SNS": ("sns:publish",),
            "EventBridge": ("events:PutEvents",),
            "Lambda": ("lambda:InvokeFunction",),
        }.get(as_key(kind))
        if actions is not None:
            role.statements.append(
                Statement("Allow", actions, location, origin, resources=as_str_tuple(arn))
            )
        elif kind == "S3Bucket":
            objects = arn + "/*" if isinstance(arn, str) else _with_suffix(arn, "/*")
            role.statements.append(
                Statement("Allow", ("s3:PutObject",), location, origin, resources=(objects,))
            )
            role.statements.append(
                Statement("Allow", ("s3:ListBucket",), location, origin, resources=(arn,))
            )


def _with_suffix(value: Any, suffix: str) -> Unknown:
    """``Fn::Join ["/", [arn, "*"]]`` over an unresolved ARN, rendered as the resolver does."""
    reason = value.reason if isinstance(value, Unknown) else "not a string"
    return Unknown(f"!Join {placeholder(value)}{suffix}", reason)


def sam_destination_default(fn: str, event: str, kind: Any) -> Unknown | None:
    """The queue or topic SAM creates for an SQS/SNS destination given without an ARN."""
    if kind == "SQS":
        return Unknown(f"!GetAtt {fn}EventInvokeConfig{event}Queue.Arn", "created by SAM")
    if kind == "SNS":
        return Unknown(f"!Ref {fn}EventInvokeConfig{event}Topic", "created by SAM")
    return None
