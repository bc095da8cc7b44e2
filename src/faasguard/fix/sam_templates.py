"""SAM policy templates that grant exactly a set of needs, for the SAM fix.

A template is used only when it fits *exactly*: expanded with ``!Ref X`` for its one parameter,
it grants the same (action, resource) pairs the function needs on ``X``, no more and no fewer.
``AWSSecretsManagerGetSecretValuePolicy: {SecretArn: !Ref DbSecret}`` is then easier to review
than the statement it stands for; anything looser (``DynamoDBReadPolicy`` for one ``GetItem``)
would give back what the fix takes away, so it is written as inline statements instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from faasguard.iam.actions import action_db
from faasguard.iam.needed.interface import Need

__all__ = ["Fit", "fit_templates"]

_REF_ANY = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9]+)?\}")


@dataclass(frozen=True, slots=True)
class Fit:
    """A SAM policy template that grants exactly some of the needs.

    Attributes:
        template: its name (``AWSSecretsManagerGetSecretValuePolicy``).
        parameter: its one parameter (``SecretArn``).
        ref: the logical id passed as ``!Ref``, or with ``!GetAtt`` when ``attribute`` is set.
        attribute: the attribute passed (``QueueName``), or None for ``!Ref``.
    """

    template: str
    parameter: str
    ref: str
    attribute: str | None = None


@cache
def _candidates() -> tuple[
    tuple[str, str, tuple[tuple[frozenset[str], tuple[str, ...]], ...]], ...
]:
    """Single-parameter templates as (name, parameter, ((actions, resource texts), ...)).

    Resource texts use ``{ref}`` where the parameter goes; templates whose shape is anything
    but ``Fn::Sub`` of the parameter (or ``*``) are left out.
    """
    from faasguard.loaders.cloudformation.iam import policy_templates

    db = action_db()
    found = []
    for name, template in sorted(policy_templates().items()):
        parameters = template.get("Parameters") or {}
        if len(parameters) != 1:
            continue
        (parameter,) = parameters
        statements = (template.get("Definition") or {}).get("Statement") or []
        shaped = []
        for stmt in statements if isinstance(statements, list) else []:
            if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow" or "Condition" in stmt:
                break
            actions = stmt.get("Action")
            actions = [actions] if isinstance(actions, str) else actions
            resources = stmt.get("Resource")
            resources = resources if isinstance(resources, list) else [resources]
            texts = [_text(r, parameter) for r in resources]
            if not isinstance(actions, list) or any(t is None for t in texts):
                break
            expanded = frozenset(a for pattern in actions for a in db.expand(str(pattern)))
            shaped.append((expanded, tuple(t for t in texts if t is not None)))
        else:
            if shaped:
                found.append((name, parameter, tuple(shaped)))
    return tuple(found)


def _text(resource: Any, parameter: str) -> str | None:
    if resource == "*":
        return "*"
    if not isinstance(resource, dict) or list(resource) != ["Fn::Sub"]:
        return None
    arg = resource["Fn::Sub"]
    if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict)):
        return None
    text, variables = arg
    if len(variables) != 1 or list(variables.values()) != [{"Ref": parameter}]:
        return None
    (variable,) = variables
    if not isinstance(text, str):
        return None
    return (
        text.replace("${AWS::Partition}", "aws")
        .replace("{", "{{")
        .replace("}", "}}")
        .replace("${{" + variable + "}}", "${{{ref}}}")
    )


#: Parameters passed as an attribute rather than ``!Ref``, and the ARN the attribute spells
#: (SAM's queue and topic templates take names; a queue's ``Ref`` is its URL, a topic's its ARN).
_ATTRIBUTES = {
    "QueueName": ("QueueName", "sqs", "${{{ref}.Arn}}"),
    "TopicName": ("TopicName", "sns", "${{{ref}}}"),
}


def fit_templates(needs: Iterable[Need]) -> tuple[list[Fit], list[Need]]:
    """The templates that grant exactly some of ``needs``, and the needs they leave.

    Returns:
        The fitting templates, and the needs (with only their uncovered resources) still to
        write as statements.
    """
    needs = list(needs)
    pairs = {(n.action, r) for n in needs for r in n.resources}
    refs = sorted({m for _, r in pairs for m in _REF_ANY.findall(r) if not m.startswith("AWS")})
    fits: list[Fit] = []
    covered: set[tuple[str, str]] = set()
    for ref in refs:
        mine = {p for p in pairs if "${" + ref + "}" in p[1] or "${" + ref + "." in p[1]}
        for name, parameter, shaped in _candidates():
            granted = _granted(shaped, parameter, ref)
            if granted is not None and granted[0] == mine:
                fits.append(Fit(name, parameter, ref, granted[1]))
                covered |= mine
                break
    left = []
    for need in needs:
        resources = tuple(r for r in need.resources if (need.action, r) not in covered)
        if resources:
            left.append(
                Need(need.action, resources, need.source, need.evidence, need.note, need.feature)
            )
    return fits, left


def _granted(
    shaped: tuple[tuple[frozenset[str], tuple[str, ...]], ...], parameter: str, ref: str
) -> tuple[set[tuple[str, str]], str | None] | None:
    """The (action, ARN) pairs a template grants for ``ref``, and the attribute to pass.

    ARNs are spelled as the scoper spells them; the attribute is None for ``!Ref``.
    """
    attribute = _ATTRIBUTES.get(parameter)
    value = "${" + ref + ("." + attribute[0] if attribute else "") + "}"
    granted = set()
    for actions, texts in shaped:
        for text in texts:
            arn = text.format(ref=ref + ("." + attribute[0] if attribute else ""))
            if attribute is not None:
                # arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Q.QueueName} is ${Q.Arn}.
                _, service, spelled = attribute
                if arn == f"arn:aws:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{value}":
                    arn = spelled.format(ref=ref)
            granted |= {(action, arn) for action in actions}
    return granted, attribute[0] if attribute else None
