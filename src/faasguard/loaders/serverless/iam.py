"""Execution roles of a Serverless service, and which function assumes which.

Serverless gives every function one shared role, ``IamRoleLambdaExecution``, holding the
statements of ``provider.iam.role.statements`` (v3/v4) and the legacy
``provider.iamRoleStatements``, plus ``managedPolicies``/``iamManagedPolicies``. That sharing is
exactly what the shared-role rule looks for, so the role lists every function that uses it. A
function leaves the shared role when:

* it sets ``role:`` (a logical id in ``resources.Resources``, a ``!GetAtt Role.Arn``, or an ARN:
  an ARN or a name not defined in the template is an *external* role whose permissions are
  unknown), or the provider sets ``provider.iam.role``/``provider.role`` to such a value;
* it has ``iamRoleStatements`` and the serverless-iam-roles-per-function plugin is listed: the
  plugin gives it ``<Function>IamRoleLambdaExecution`` with its own statements, plus the
  provider's when ``iamRoleStatementsInherit`` (or the plugin's ``defaultInherit``) is true.

``AWS::IAM::Policy``/``ManagedPolicy`` resources that name a role in ``Roles`` add their
statements to it. Grants Serverless adds on its own (CloudWatch Logs for the function's log
group, read access to stream and queue event sources, the VPC access policy) are not modelled:
they are scoped to what the template already names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from faasguard.iam.document import json_document, kind_of, malformed, policy_strings
from faasguard.loaders.cloudformation.iam import trusted_services
from faasguard.loaders.cloudformation.intrinsics import ref_target, render
from faasguard.loaders.interface import IssueKind
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.naming import ROLE_ID, function_role_id
from faasguard.loaders.serverless.values import as_bool, as_map, as_text, plain
from faasguard.model import Location, Role, Statement, Unknown

__all__ = ["PLUGIN", "assign_roles", "statements_at"]

#: The plugin that gives functions roles of their own.
PLUGIN: Final = "serverless-iam-roles-per-function"
_POLICY_TYPES: Final = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")


@dataclass(slots=True)
class _RoleDraft:
    """A role being assembled; frozen into a :class:`Role` at the end."""

    id: str
    location: Location
    statements: list[Statement] = field(default_factory=list)
    managed: list[str | Unknown] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    external: bool = False
    boundary: str | Unknown | None = None
    trusted: tuple[str, ...] = ("lambda.amazonaws.com",)

    def freeze(self) -> Role:
        return Role(
            id=self.id,
            location=self.location,
            statements=tuple(self.statements),
            managed_policies=tuple(self.managed),
            functions=tuple(self.functions),
            external=self.external,
            permissions_boundary=self.boundary,
            trusted_services=() if self.external else self.trusted,
        )


def statements_at(
    ctx: Context, container: Mapping[str, Any], key: str, *, origin: str
) -> list[Statement]:
    """Return the statements of the list at ``container[key]``.

    Args:
        ctx: the load context.
        container: the mapping holding the list (for locations).
        key: the key of the list (``statements``, ``iamRoleStatements``).
        origin: provenance prefix; ``[index]`` is appended per statement.
    """
    value = container.get(key)
    if value is None:
        return []
    if isinstance(value, dict):  # one statement written without a list
        return [_statement(ctx, value, location=ctx.loc(container, key), origin=origin)]
    if not isinstance(value, list):
        # A string or number here is a mistake Serverless rejects at deploy; say so.
        unknown = (
            value
            if isinstance(value, Unknown)
            else malformed(value, f"{key} is {kind_of(value)}, not a list of statements")
        )
        return [_unknown_statement(unknown, ctx.loc(container, key), origin)]
    return [
        _statement(ctx, item, location=ctx.loc(value, index), origin=f"{origin}[{index}]")
        for index, item in enumerate(value)
    ]


def _statement(ctx: Context, item: Any, *, location: Location, origin: str) -> Statement:
    if not isinstance(item, dict):
        unknown = (
            item
            if isinstance(item, Unknown)
            else malformed(item, f"a statement is {kind_of(item)}, not a mapping")
        )
        return _unknown_statement(unknown, location, origin)
    resolved = as_map(ctx.resolve_cfn(item))
    effect = as_text(resolved.get("Effect"))
    condition = resolved.get("Condition")
    sid = as_text(resolved.get("Sid"))
    return Statement(
        effect=effect if effect is not None else Unknown("(missing)", "statement without Effect"),
        actions=policy_strings(plain(resolved.get("Action")), "Action"),
        not_actions=policy_strings(plain(resolved.get("NotAction")), "NotAction"),
        resources=policy_strings(plain(resolved.get("Resource")), "Resource"),
        not_resources=policy_strings(plain(resolved.get("NotResource")), "NotResource"),
        condition=plain(condition) if isinstance(condition, (dict, Unknown)) else None,
        sid=sid if isinstance(sid, str) else None,
        location=location,
        origin=origin,
    )


def _unknown_statement(unknown: Unknown, location: Location, origin: str) -> Statement:
    """A statement that exists but cannot be read: everything about it is unknown."""
    return Statement(
        effect=unknown,
        actions=(unknown,),
        resources=(unknown,),
        location=location,
        origin=origin,
    )


def _document_statements(
    ctx: Context, document: Any, *, location: Location, origin: str
) -> list[Statement]:
    """Statements of a CloudFormation policy document (``{Statement: [...]}``)."""
    if isinstance(document, Unknown):
        return [_unknown_statement(document, location, origin)]
    document = json_document(document)
    if document is not None and not isinstance(document, dict):
        bad = malformed(document, "the policy document is neither a mapping nor JSON text")
        return [_unknown_statement(bad, location, origin)]
    body = as_map(document)
    if "Statement" not in body:
        return []
    return statements_at(ctx, body, "Statement", origin=f"{origin}.Statement")


class _Roles:
    """Assigns a role to each function, creating drafts on first use."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.drafts: dict[str, _RoleDraft] = {}
        provider = ctx.provider
        iam = as_map(provider.get("iam"))
        role = iam.get("role")
        self.role_block = as_map(role)
        #: ``provider.iam.role`` as a name/ARN (v3), else the legacy ``provider.role``.
        self.provider_role = role if role is not None and not isinstance(role, dict) else None
        if self.provider_role is None and provider.get("role") is not None:
            self.provider_role = provider.get("role")
        self.provider_role_at = ctx.loc(iam if self.provider_role is role else provider, "role")
        self.provider_statements = [
            *statements_at(
                ctx, self.role_block, "statements", origin="provider.iam.role.statements"
            ),
            *statements_at(ctx, provider, "iamRoleStatements", origin="provider.iamRoleStatements"),
        ]
        custom = as_map(as_map(ctx.document.get("custom")).get(PLUGIN))
        self.default_inherit = as_bool(custom.get("defaultInherit")) is True
        self.global_boundary = ctx.text(custom.get("iamGlobalPermissionsBoundary"))
        self.plugin_active = ctx.has_plugin(PLUGIN)

    def role_for(self, name: str, config: Mapping[str, Any]) -> _RoleDraft:
        """Return the role function ``name`` assumes, recording the function on it."""
        ctx = self.ctx
        if config.get("role") is not None:
            if config.get("iamRoleStatements") is not None:
                ctx.issue(
                    IssueKind.UNRESOLVED,
                    f"function {name!r} sets both role and iamRoleStatements; {PLUGIN} refuses "
                    "this, and the role is used",
                    ctx.loc(config, "iamRoleStatements"),
                )
            draft = self._named_role(config["role"], ctx.loc(config, "role"))
        elif config.get("iamRoleStatements") is not None and self.plugin_active:
            draft = self._function_role(name, config)
        else:
            if config.get("iamRoleStatements") is not None:
                ctx.issue(
                    IssueKind.UNRESOLVED,
                    f"function {name!r} has iamRoleStatements but {PLUGIN} is not in plugins: "
                    "Serverless ignores them and the function uses the shared role",
                    ctx.loc(config, "iamRoleStatements"),
                )
            if self.provider_role is not None:
                draft = self._named_role(self.provider_role, self.provider_role_at)
            else:
                draft = self._default_role()
        draft.functions.append(name)
        return draft

    def _default_role(self) -> _RoleDraft:
        if ROLE_ID in self.drafts:
            return self.drafts[ROLE_ID]
        ctx = self.ctx
        provider = ctx.provider
        if "statements" in self.role_block:
            location = ctx.loc(self.role_block, "statements")
        elif "iamRoleStatements" in provider:
            location = ctx.loc(provider, "iamRoleStatements")
        else:
            location = ctx.loc(ctx.document, "provider")
        draft = _RoleDraft(ROLE_ID, location, statements=list(self.provider_statements))
        draft.managed.extend(ctx.text_items(self.role_block.get("managedPolicies")))
        draft.managed.extend(ctx.text_items(provider.get("iamManagedPolicies")))
        boundary = self.role_block.get(
            "permissionsBoundary", provider.get("rolePermissionsBoundary")
        )
        draft.boundary = ctx.text(boundary)
        if ROLE_ID in ctx.resources:  # resources.Resources.IamRoleLambdaExecution extends it
            self._add_cfn_role(draft, ROLE_ID)
        self.drafts[ROLE_ID] = draft
        return draft

    def _function_role(self, name: str, config: Mapping[str, Any]) -> _RoleDraft:
        ctx = self.ctx
        role_id = function_role_id(name)
        if role_id in self.drafts:
            return self.drafts[role_id]
        draft = _RoleDraft(role_id, ctx.loc(config, "iamRoleStatements"))
        inherit = as_bool(config.get("iamRoleStatementsInherit"))
        if inherit is True or (self.default_inherit and inherit is not False):
            draft.statements.extend(self.provider_statements)
        draft.statements.extend(
            statements_at(
                ctx, config, "iamRoleStatements", origin=f"functions.{name}.iamRoleStatements"
            )
        )
        boundary = ctx.text(config.get("iamPermissionsBoundary"))
        draft.boundary = boundary if boundary is not None else self.global_boundary
        self.drafts[role_id] = draft
        return draft

    def _named_role(self, spec: Any, location: Location) -> _RoleDraft:
        """A role given by name, ARN or intrinsic (``role:`` or ``provider.iam.role``)."""
        ctx = self.ctx
        logical_id = ref_target(spec)
        if logical_id is None and isinstance(spec, str) and not spec.startswith("arn:"):
            logical_id = spec
        if logical_id is not None and logical_id in ctx.resources:
            if logical_id not in self.drafts:
                container, _ = ctx.resources[logical_id]
                draft = _RoleDraft(logical_id, ctx.loc(container, logical_id))
                self._add_cfn_role(draft, logical_id)
                self.drafts[logical_id] = draft
            return self.drafts[logical_id]
        if logical_id is not None and not isinstance(spec, str):
            role_id = render(spec)
        elif isinstance(spec, Unknown):
            role_id = spec.expression
        elif isinstance(spec, str):
            role_id = spec
        else:
            role_id = render(spec)
        if logical_id is not None:
            ctx.issue(
                IssueKind.UNRESOLVED,
                f"role {logical_id!r} is not defined in resources.Resources; its permissions "
                "are unknown",
                location,
            )
        if role_id not in self.drafts:
            self.drafts[role_id] = _RoleDraft(role_id, location, external=True)
        return self.drafts[role_id]

    def _add_cfn_role(self, draft: _RoleDraft, logical_id: str) -> None:
        ctx = self.ctx
        container, body = ctx.resources[logical_id]
        props = as_map(as_map(body).get("Properties"))
        draft.trusted = trusted_services(plain(props.get("AssumeRolePolicyDocument")))
        prefix = f"resources.Resources.{logical_id}.Properties"
        policies = props.get("Policies")
        for index, policy in enumerate(policies if isinstance(policies, list) else []):
            location = ctx.loc(policies, index)
            document = (
                policy if isinstance(policy, Unknown) else as_map(policy).get("PolicyDocument")
            )
            draft.statements.extend(
                _document_statements(
                    ctx,
                    document,
                    location=location,
                    origin=f"{prefix}.Policies[{index}].PolicyDocument",
                )
            )
        draft.managed.extend(ctx.text_items(props.get("ManagedPolicyArns")))
        if props.get("PermissionsBoundary") is not None:
            draft.boundary = ctx.text(props.get("PermissionsBoundary"))
        if draft.location.line is None:
            draft.location = ctx.loc(container, logical_id)

    def attach_policies(self) -> None:
        """Add the statements of policy resources that name a known role in ``Roles``."""
        ctx = self.ctx
        for logical_id, (container, body) in ctx.resources.items():
            body_map = as_map(body)
            if body_map.get("Type") not in _POLICY_TYPES:
                continue
            props = as_map(body_map.get("Properties"))
            roles = props.get("Roles")
            for item in roles if isinstance(roles, list) else []:
                target = ref_target(item)
                draft = self.drafts.get(target) if target is not None else None
                if draft is None:
                    continue
                draft.statements.extend(
                    _document_statements(
                        ctx,
                        props.get("PolicyDocument"),
                        location=ctx.loc(container, logical_id),
                        origin=f"resources.Resources.{logical_id}.Properties.PolicyDocument",
                    )
                )


def assign_roles(
    ctx: Context, functions: Iterable[tuple[str, Mapping[str, Any]]]
) -> tuple[dict[str, str], tuple[Role, ...]]:
    """Decide the role of every function and build the roles.

    Args:
        ctx: the load context.
        functions: each function's name and resolved configuration, in template order.

    Returns:
        The role id per function name, and the roles in order of first use.
    """
    roles = _Roles(ctx)
    assigned = {name: roles.role_for(name, config).id for name, config in functions}
    roles.attach_policies()
    return assigned, tuple(draft.freeze() for draft in roles.drafts.values())
