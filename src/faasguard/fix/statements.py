"""Which needs each template family must spell out, and the statements that grant them.

SAM and the serverless-iam-roles-per-function plugin add some grants on their own (SAM: the
execution, X-Ray, VPC and poller managed policies, the dead-letter and destination statements;
the plugin: the function's CloudWatch Logs). Writing those again would only add noise, so each
family is given the needs it does not already cover. A plain CloudFormation role gets them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from faasguard.fix.roundtrip import new_map, new_seq
from faasguard.iam.needed.interface import Need
from faasguard.iam.needed.policy import POLICY_VERSION, least_privilege_policy

__all__ = [
    "for_cloudformation",
    "for_sam",
    "for_serverless_plugin",
    "lambda_trust_policy",
    "least_privilege_policies",
    "statements",
]


#: Features whose grants SAM adds to the role it generates (managed policies for logs, X-Ray,
#: VPC and pollers; statements for the dead-letter queue and destinations).
_SAM_GRANTS = frozenset({"logs", "tracing", "vpc", "poller", "dead-letter", "destination"})


def for_sam(needs: Iterable[Need]) -> list[Need]:
    """SAM's generated role already covers the platform features and the triggers."""
    return [n for n in needs if n.feature not in _SAM_GRANTS]


def for_serverless_plugin(needs: Iterable[Need]) -> list[Need]:
    """serverless-iam-roles-per-function adds the function's CloudWatch Logs itself."""
    return [n for n in needs if n.feature != "logs"]


def for_cloudformation(needs: Iterable[Need]) -> list[Need]:
    """A new role has nothing: every need is written."""
    return list(needs)


def statements(
    needs: Iterable[Need], *, arn: Callable[[str], Any], rewrite: Callable[[str], str]
) -> Any:
    """The least-privilege statements as a round-trip sequence.

    Args:
        needs: the needs to grant.
        arn: turns an ARN (``Fn::Sub`` syntax) into the template's own spelling.
        rewrite: applied to each ARN first (breaks references a role must not make, such as to
            its own function, which CloudFormation would reject as a circular dependency).
    """
    adjusted = [replace(n, resources=tuple(rewrite(r) for r in n.resources)) for n in needs]
    document = least_privilege_policy(adjusted)
    out = new_seq()
    for stmt in document["Statement"]:
        out.append(
            new_map(
                [
                    ("Effect", "Allow"),
                    ("Action", new_seq(list(stmt["Action"]))),
                    ("Resource", new_seq([arn(r) for r in stmt["Resource"]])),
                ]
            )
        )
    return out


def lambda_trust_policy() -> Any:
    """The ``AssumeRolePolicyDocument`` of a new role: Lambda may assume it."""
    return new_map(
        [
            ("Version", POLICY_VERSION),
            (
                "Statement",
                new_seq(
                    [
                        new_map(
                            [
                                ("Effect", "Allow"),
                                ("Principal", new_map([("Service", "lambda.amazonaws.com")])),
                                ("Action", "sts:AssumeRole"),
                            ]
                        )
                    ]
                ),
            ),
        ]
    )


def least_privilege_policies(stmts: Any) -> Any:
    """The ``Policies`` of a new role: one inline policy with ``stmts`` (see :func:`statements`)."""
    return new_seq(
        [
            new_map(
                [
                    ("PolicyName", "least-privilege"),
                    (
                        "PolicyDocument",
                        new_map([("Version", POLICY_VERSION), ("Statement", stmts)]),
                    ),
                ]
            )
        ]
    )
