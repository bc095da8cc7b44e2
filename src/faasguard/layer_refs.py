"""Which layer resource of the application a function's ``Layers`` entry names.

Loaders keep a layer they cannot resolve to an ARN as an :class:`~faasguard.model.Unknown`
whose expression is written in the template's own syntax: ``!Ref Deps`` or
``!GetAtt Deps.LayerVersionArn`` (SAM, CloudFormation, Serverless), and
``aws_lambda_layer_version.deps.arn`` (Terraform, also inside modules). The code layer (own
code shared through layers) and the dependency analysis (libraries shipped in layers) both ask
this one question, so it is answered here once.
"""

from __future__ import annotations

import re

from faasguard.model import Unknown

__all__ = ["layer_target"]

_PATTERNS = (
    re.compile(r"!Ref ([A-Za-z0-9]+)\Z"),
    re.compile(r"!GetAtt ([A-Za-z0-9]+)\.(?:Arn|LayerVersionArn)\Z"),
    re.compile(r"((?:module\.[\w-]+\.)*aws_lambda_layer_version\.[\w-]+)\.(?:arn|id)\Z"),
)


def layer_target(reference: str | Unknown) -> str | None:
    """The id of the layer resource ``reference`` names; None for an ARN or anything else.

    Args:
        reference: one entry of :attr:`faasguard.model.Function.layers`.

    Returns:
        The logical id (``Deps``) or Terraform address (``aws_lambda_layer_version.deps``).
    """
    if not isinstance(reference, Unknown):
        return None
    for pattern in _PATTERNS:
        found = pattern.match(reference.expression)
        if found:
            return found.group(1)
    return None
