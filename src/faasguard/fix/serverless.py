"""The fix for Serverless Framework services, following what the project already uses.

* With the serverless-iam-roles-per-function plugin in ``plugins``: each function gets
  ``iamRoleStatements`` (its own role; the plugin adds its CloudWatch Logs).
* Without it: each function gets ``role: <Function>LeastPrivilegeRole`` and that role is added
  to ``resources.Resources`` with every need, logs included (a custom role gets nothing from
  Serverless).

The provider's shared statements stay where they are: a function faasguard cannot judge still
uses them. When no function uses them any more, a comment says so.
"""

from __future__ import annotations

from typing import Any

from faasguard.fix.roundtrip import (
    comment_before,
    key_column,
    new_map,
    new_seq,
    serverless_arn,
    shared_node,
    unique_key,
)
from faasguard.fix.statements import (
    for_cloudformation,
    for_serverless_plugin,
    lambda_trust_policy,
    least_privilege_policies,
    statements,
)
from faasguard.iam.needed.compare import FunctionPermissions

__all__ = ["fix_serverless"]

PLUGIN = "serverless-iam-roles-per-function"
_NOTE = "faasguard:"


def _same(arn: str) -> str:
    return arn


def _uses_plugin(data: Any) -> bool:
    plugins = data.get("plugins")
    if hasattr(plugins, "get"):
        plugins = plugins.get("modules")
    return isinstance(plugins, list) and any(
        isinstance(p, str) and p.endswith(PLUGIN) for p in plugins
    )


def fix_serverless(data: Any, perms: list[FunctionPermissions]) -> tuple[list[str], list[str]]:
    """Rewrite ``data`` (a round-trip serverless.yml) in place.

    Returns:
        The functions given their own least-privilege role, and those kept, with why.
    """
    functions = data.get("functions")
    if not hasattr(functions, "get"):
        return [], ["functions is not a mapping in the file (an include?): nothing rewritten"]
    plugin = _uses_plugin(data)
    changed: list[str] = []
    kept: list[str] = []
    for perm in perms:
        fn = perm.function
        config = functions.get(fn.name)
        if not hasattr(config, "get"):
            kept.append(f"{fn.name}: not defined in this file")
            continue
        if not perm.complete:
            reason = perm.needs.unknown[0]
            comment_before(
                functions,
                fn.name,
                f"{_NOTE} role kept: {reason}",
                indent=key_column(functions, fn.name, 2),
            )
            kept.append(f"{fn.name}: {reason}")
            continue
        if shared_node(config):
            kept.append(f"{fn.name}: it is defined through a YAML anchor or merge key")
            continue
        if config.get("role") is not None and perm.role_external:
            kept.append(f"{fn.name}: its role is defined outside the service")
            continue
        col = key_column(config, "handler", 4)
        for key in ("iamRoleStatementsInherit", "role", "iamRoleStatements"):
            if key in config:
                del config[key]
        # Right after the handler: appended at the end, the key would land after the blank
        # line that separates this function from the next.
        position = list(config).index("handler") + 1 if "handler" in config else len(config)
        if plugin:
            stmts = statements(
                for_serverless_plugin(perm.needs.needs), arn=serverless_arn, rewrite=_same
            )
            target = "iamRoleStatements"
            config.insert(position, target, stmts)
        else:
            target = "role"
            config.insert(position, target, _add_role(data, fn.name, perm))
        comment_before(
            config,
            target,
            f"{_NOTE} least privilege for {fn.name}, from its code, triggers and platform needs",
            indent=col,
        )
        changed.append(fn.name)
    if changed and not kept:
        _note_provider(data, changed)
    return changed, kept


def _add_role(data: Any, name: str, perm: FunctionPermissions) -> str:
    resources = data.get("resources")
    if not hasattr(resources, "get"):
        resources = new_map()
        data["resources"] = resources
    block = resources.get("Resources")
    if not hasattr(block, "get"):
        block = new_map()
        resources["Resources"] = block
    role_id = unique_key(block, name[:1].upper() + name[1:] + "LeastPrivilegeRole")
    stmts = statements(for_cloudformation(perm.needs.needs), arn=serverless_arn, rewrite=_same)
    props = new_map([("AssumeRolePolicyDocument", lambda_trust_policy())])
    kept = [p for p in perm.unreadable if isinstance(p, str)]
    if kept:
        props["ManagedPolicyArns"] = new_seq(list(kept))
        props.yaml_set_comment_before_after_key(
            "ManagedPolicyArns",
            before=f"{_NOTE} kept: faasguard cannot read these policies, so cannot tell if "
            "they are used",
            indent=8,
        )
    props["Policies"] = least_privilege_policies(stmts)
    block[role_id] = new_map([("Type", "AWS::IAM::Role"), ("Properties", props)])
    comment_before(
        block,
        role_id,
        f"{_NOTE} least-privilege role of {name}, from its code, triggers and platform needs",
        indent=key_column(block, next(iter(block)), 4),
    )
    return role_id


def _note_provider(data: Any, changed: list[str]) -> None:
    provider = data.get("provider")
    if not hasattr(provider, "get"):
        return
    iam: Any = provider.get("iam")
    role: Any = iam.get("role") if hasattr(iam, "get") else None
    if hasattr(role, "get") and "statements" in role:
        comment_before(
            role,
            "statements",
            f"{_NOTE} no function uses these shared statements after the least-privilege fix; "
            "delete them once the new roles are deployed",
            indent=key_column(role, "statements", 6),
        )
    elif "iamRoleStatements" in provider:
        comment_before(
            provider,
            "iamRoleStatements",
            f"{_NOTE} no function uses these shared statements after the least-privilege fix; "
            "delete them once the new roles are deployed",
            indent=key_column(provider, "iamRoleStatements", 2),
        )
