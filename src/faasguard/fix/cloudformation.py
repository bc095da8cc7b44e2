"""The fix for SAM and plain CloudFormation templates.

* ``AWS::Serverless::Function``: its ``Role`` is dropped (SAM then generates a role for the
  function alone) and its ``Policies`` become the least-privilege statements. Policies faasguard
  cannot read (customer managed ARNs, references) are kept, with a comment saying why.
* ``AWS::Lambda::Function``: a new ``AWS::IAM::Role`` named ``<Function>LeastPrivilegeRole`` is
  added right after the function, with the Lambda trust policy, the old role's permissions
  boundary and unreadable managed policies, and one inline policy; the function's ``Role``
  points at it.

A role no function assumes any more is left in place with a comment: other stacks may import
its ARN, so deleting it is the author's call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from faasguard.fix.roundtrip import (
    cfn_arn,
    comment_before,
    key_column,
    new_map,
    new_seq,
    replace_value,
    shared_node,
    tagged,
    unique_key,
)
from faasguard.fix.sam_templates import fit_templates
from faasguard.fix.statements import (
    for_cloudformation,
    for_sam,
    lambda_trust_policy,
    least_privilege_policies,
    statements,
)
from faasguard.iam.managed import aws_managed_name
from faasguard.iam.needed.compare import FunctionPermissions

__all__ = ["fix_cloudformation"]

_NOTE = "faasguard:"


def _self_reference(logical_id: str, function_name: Any) -> Callable[[str], str]:
    """Rewrite ARNs that name the function itself: its own role must not reference it."""
    own = re.compile(r"\$\{" + re.escape(logical_id) + r"(\.Arn)?\}")

    def rewrite(arn: str) -> str:
        if not own.search(arn):
            return arn
        name = function_name if isinstance(function_name, str) else None
        return own.sub(name or "${AWS::StackName}-" + logical_id + "-*", arn)

    return rewrite


def fix_cloudformation(data: Any, perms: list[FunctionPermissions]) -> tuple[list[str], list[str]]:
    """Rewrite ``data`` (a round-trip template) in place.

    Returns:
        The functions given their own least-privilege role, and those kept, with why.
    """
    resources = data.get("Resources")
    if not hasattr(resources, "get"):
        return [], ["the template has no Resources mapping"]
    changed: list[str] = []
    kept: list[str] = []
    left: dict[str, set[str]] = {}  # role logical id -> functions still assuming it
    moved: dict[str, set[str]] = {}
    for perm in perms:
        fn = perm.function
        logical = fn.resource_id or fn.name
        body = resources.get(logical)
        props = body.get("Properties") if hasattr(body, "get") else None
        if not hasattr(props, "get"):
            kept.append(f"{fn.name}: its resource is not in {fn.location.file}")
            continue
        role = perm.role
        if shared_node(body) or shared_node(props):
            kept.append(f"{fn.name}: it is defined through a YAML anchor or merge key")
            if role:
                left.setdefault(role, set()).add(fn.name)
            continue
        if not perm.complete or perm.role_external:
            reason = (
                perm.needs.unknown[0]
                if not perm.complete
                else f"its role {role} is defined outside the template"
            )
            comment_before(
                resources,
                logical,
                f"{_NOTE} role kept: {reason}",
                indent=key_column(resources, logical, 2),
            )
            kept.append(f"{fn.name}: {reason}")
            if role:
                left.setdefault(role, set()).add(fn.name)
            continue
        if body.get("Type") == "AWS::Serverless::Function":
            _fix_sam_function(props, perm, resources)
        else:
            _fix_lambda_function(resources, logical, props, perm, data)
        changed.append(fn.name)
        if role:
            moved.setdefault(role, set()).add(fn.name)
    for role, names in moved.items():
        if role in left or role not in resources:
            continue
        comment_before(
            resources,
            role,
            f"{_NOTE} no function assumes this role after the least-privilege fix "
            f"({', '.join(sorted(names))} moved to roles of their own); delete it once they are "
            "deployed, unless other stacks use it",
            indent=key_column(resources, role, 2),
        )
    return changed, kept


def _fix_sam_function(props: Any, perm: FunctionPermissions, resources: Any) -> None:
    fn = perm.function
    rewrite = _self_reference(fn.resource_id or fn.name, props.get("FunctionName"))
    new = new_seq()
    keep_notes = []
    old = props.get("Policies")
    for item in old if isinstance(old, list) else []:
        if _unreadable(item, resources):
            new.append(item)
            keep_notes.append(len(new) - 1)
    # The function leaves a role of the template: what faasguard cannot read of it (customer
    # managed policies) and its permissions boundary go with the function.
    old_role: Any = resources.get(perm.role) if perm.role and "Role" in props else None
    old_props: Any = old_role.get("Properties") if hasattr(old_role, "get") else None
    if hasattr(old_props, "get"):
        for arn in old_props.get("ManagedPolicyArns") or []:
            if _unreadable(arn, resources):
                new.append(arn)
                keep_notes.append(len(new) - 1)
        boundary = old_props.get("PermissionsBoundary")
        if boundary is not None and "PermissionsBoundary" not in props:
            props["PermissionsBoundary"] = boundary
    fits, rest = fit_templates(for_sam(perm.needs.needs))
    for fit in fits:
        value = tagged("!GetAtt", f"{fit.ref}.{fit.attribute}") if fit.attribute else None
        value = value or tagged("!Ref", fit.ref)
        new.append(new_map([(fit.template, new_map([(fit.parameter, value)]))]))
    stmts = statements(rest, arn=cfn_arn, rewrite=rewrite)
    if len(stmts):
        new.append(new_map([("Statement", stmts)]))
    col = key_column(props, "Role", key_column(props, "Handler", 6))
    if "Role" in props:
        del props["Role"]
    if "Policies" in props:
        replace_value(props, "Policies", new)
    else:
        position = list(props).index("Handler") + 1 if "Handler" in props else len(props)
        props.insert(position, "Policies", new)
    comment_before(
        props,
        "Policies",
        f"{_NOTE} least privilege for {fn.name}, from its code, triggers and platform needs",
        indent=col,
    )
    for index in keep_notes:
        new.yaml_set_comment_before_after_key(
            index,
            before=f"{_NOTE} kept: faasguard cannot read this policy, so cannot tell if it is used",
            indent=col + 2,
        )


def _unreadable(item: Any, resources: Any) -> bool:
    """A policy entry faasguard cannot judge: a customer ARN, a reference it cannot follow.

    ``!Ref X`` of an ``AWS::IAM::ManagedPolicy`` of the template is read (its grants were
    compared with the needs), so it is not kept.
    """
    if isinstance(item, str):
        return aws_managed_name(item) is None and item.startswith("arn:")
    tag = str(getattr(getattr(item, "tag", None), "value", getattr(item, "tag", "")) or "")
    if not tag.startswith("!"):
        return False
    target: Any = resources.get(str(getattr(item, "value", ""))) if tag == "!Ref" else None
    return not (hasattr(target, "get") and target.get("Type") == "AWS::IAM::ManagedPolicy")


def _fix_lambda_function(
    resources: Any, logical: str, props: Any, perm: FunctionPermissions, data: Any
) -> None:
    fn = perm.function
    role_id = unique_key(resources, f"{logical}LeastPrivilegeRole")
    rewrite = _self_reference(logical, props.get("FunctionName"))
    role_props = new_map([("AssumeRolePolicyDocument", lambda_trust_policy())])
    old_role: Any = resources.get(perm.role) if perm.role else None
    old_props: Any = old_role.get("Properties") if hasattr(old_role, "get") else None
    if hasattr(old_props, "get"):
        if old_props.get("PermissionsBoundary") is not None:
            role_props["PermissionsBoundary"] = old_props["PermissionsBoundary"]
        kept = [m for m in old_props.get("ManagedPolicyArns") or [] if _unreadable(m, resources)]
        if kept:
            role_props["ManagedPolicyArns"] = new_seq(kept)
    stmts = statements(for_cloudformation(perm.needs.needs), arn=cfn_arn, rewrite=rewrite)
    role_props["Policies"] = least_privilege_policies(stmts)
    role = new_map([("Type", "AWS::IAM::Role"), ("Properties", role_props)])
    position = list(resources).index(logical) + 1
    resources.insert(position, role_id, role)
    comment_before(
        resources,
        role_id,
        f"{_NOTE} least-privilege role of {fn.name}, from its code, triggers and platform needs",
        indent=key_column(resources, logical, 2),
    )
    props["Role"] = tagged("!GetAtt", f"{role_id}.Arn")
