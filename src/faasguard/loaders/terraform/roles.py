"""IAM roles with every statement that reaches them.

Inline policies, role policies, template policies attached by any of Terraform's three ways,
and AWS managed policy ARNs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from faasguard.loaders.terraform.convert import blocks, strings, text
from faasguard.loaders.terraform.draft import Draft, policy_arns
from faasguard.loaders.terraform.modules import Item
from faasguard.loaders.terraform.policy import trusted_services
from faasguard.loaders.yaml_safe import YamlMap
from faasguard.model import Location, Role, Statement, Unknown

__all__ = ["build_roles"]


def build_roles(draft: Draft) -> None:
    """Every ``aws_iam_role`` with its statements, and the roles functions name by ARN."""
    attached: dict[str, list[Statement]] = {}
    managed: dict[str, list[str | Unknown]] = {}

    def attach_policy(role_value: Any, arn: Any, item: Item) -> None:
        role = draft.target(role_value, "aws_iam_role")
        if role is None:
            return
        statements: list[Statement] = []
        arns = policy_arns(draft, arn, statements, item)
        attached.setdefault(role.address, []).extend(statements)
        managed.setdefault(role.address, []).extend(arns)

    for item in draft.of_type("aws_iam_role_policy"):
        role = draft.target(item.values.get("role"), "aws_iam_role")
        if role is not None:
            attached.setdefault(role.address, []).extend(
                draft.statements(
                    item.values.get("policy"), item=item, key="policy", origin=item.address
                )
            )
    for item in draft.of_type("aws_iam_role_policy_attachment"):
        attach_policy(item.values.get("role"), item.values.get("policy_arn"), item)
    for item in draft.of_type("aws_iam_policy_attachment"):
        for role_value in item.values.get("roles") or []:
            attach_policy(role_value, item.values.get("policy_arn"), item)
    role_of = {
        key: draft.target(draft.items[key].values.get("role"), "aws_iam_role")
        for key in draft.functions
        if key in draft.items
    }
    for item in draft.of_type("aws_iam_role"):
        v = item.values
        statements: list[Statement] = []
        for index, inline in enumerate(blocks(v.get("inline_policy"))):
            if isinstance(inline, YamlMap) and inline.get("policy") is not None:
                label = inline.get("name") if isinstance(inline.get("name"), str) else index
                statements.extend(
                    draft.statements(
                        inline.get("policy"),
                        item=Item(
                            item.address,
                            item.type,
                            item.name,
                            item.module,
                            Location(item.location.file, getattr(inline, "line", None)),
                            inline,
                        ),
                        key="policy",
                        origin=f"{item.address}.inline_policy[{label}]",
                    )
                )
        statements.extend(attached.get(item.address, []))
        arns: list[str | Unknown] = []
        raw_arns = v.get("managed_policy_arns")
        for arn in raw_arns if isinstance(raw_arns, list) else strings(raw_arns):
            # A template `aws_iam_policy` folds its statements in, as its attachments do.
            arns.extend(policy_arns(draft, arn, statements, item))
        for arn in managed.get(item.address, []):
            if arn not in arns:
                arns.append(arn)
        functions = tuple(
            fn.name
            for key, fn in draft.functions.items()
            # a lambda module given this role as `lambda_role`, or a function's `role`
            if fn.role == item.address or role_of.get(key) is item
        )
        draft.roles[item.address] = Role(
            item.address,
            item.location,
            statements=tuple(statements),
            managed_policies=tuple(arns),
            functions=functions,
            permissions_boundary=text(v.get("permissions_boundary")),
            trusted_services=trusted_services(v.get("assume_role_policy")),
        )
    for key, fn in list(draft.functions.items()):
        fn_item = draft.items.get(key)
        if fn_item is None or fn.role is not None:
            continue
        raw = fn_item.values.get("role")
        role = draft.target(raw, "aws_iam_role")
        if role is not None:
            draft.functions[key] = replace(fn, role=role.address)
            continue
        if raw is None:
            continue
        role_id = raw.expression if isinstance(raw, Unknown) else str(raw)
        existing = draft.roles.get(role_id)
        draft.roles[role_id] = (
            replace(existing, functions=(*existing.functions, fn.name))
            if existing
            else Role(role_id, draft.location(fn_item, "role"), functions=(fn.name,), external=True)
        )
        draft.functions[key] = replace(fn, role=role_id)
