"""The least-privilege policy for a set of needs: valid IAM JSON, sorted and deduplicated.

One statement per distinct set of resources, actions sorted, statements ordered by their
resources, so the same needs always give the same document (reviewable diffs, stable tests).
An action needed on ``*`` anywhere is granted on ``*`` only (a narrower statement for it would
add nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faasguard.iam.needed.interface import Need

__all__ = ["POLICY_VERSION", "least_privilege_policy", "resources_by_action"]

POLICY_VERSION = "2012-10-17"


def resources_by_action(needs: Iterable[Need]) -> dict[str, tuple[str, ...]]:
    """Each needed action with the sorted, deduplicated resources it is needed on."""
    found: dict[str, set[str]] = {}
    for need in needs:
        found.setdefault(need.action, set()).update(need.resources)
    return {
        action: ("*",) if "*" in resources else tuple(sorted(resources))
        for action, resources in sorted(found.items())
    }


def least_privilege_policy(needs: Iterable[Need]) -> dict[str, Any]:
    """A policy document granting exactly ``needs``.

    Returns:
        ``{"Version": "2012-10-17", "Statement": [...]}`` with one ``Allow`` statement per set of
        resources; an empty ``Statement`` list when nothing is needed.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for action, resources in resources_by_action(needs).items():
        groups.setdefault(resources, []).append(action)
    statements = [
        {"Effect": "Allow", "Action": sorted(actions), "Resource": list(resources)}
        for resources, actions in sorted(groups.items(), key=lambda kv: (kv[0] == ("*",), kv[0]))
    ]
    return {"Version": POLICY_VERSION, "Statement": statements}
