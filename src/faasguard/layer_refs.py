"""Which layer resource of the application a function's ``Layers`` entry names.

Loaders keep a layer they cannot resolve to an ARN as an :class:`~faasguard.model.Unknown`
whose expression is written in the template's own syntax: ``!Ref Deps`` or
``!GetAtt Deps.LayerVersionArn`` (SAM, CloudFormation, Serverless), and
``aws_lambda_layer_version.deps.arn`` (Terraform, also inside modules). The code layer (own
code shared through layers) and the dependency analysis (libraries shipped in layers) both ask
this one question, so it is answered here once.

A live account's functions name their layers by version ARN; when a live scan downloads a
layer's package (``--fetch-code``) it models the layer as an ``AWS::Lambda::LayerVersion``
resource whose id is that ARN and whose ``Content`` is the extracted folder, relative to the
application's root (a live application's ``file`` is ``aws://region``, not a path).
"""

from __future__ import annotations

import re

from faasguard.model import Application, Unknown

__all__ = ["is_live", "layer_target"]

_PATTERNS = (
    re.compile(r"!Ref ([A-Za-z0-9]+)\Z"),
    re.compile(r"!GetAtt ([A-Za-z0-9]+)\.(?:Arn|LayerVersionArn)\Z"),
    re.compile(r"((?:module\.[\w-]+\.)*aws_lambda_layer_version\.[\w-]+)\.(?:arn|id)\Z"),
)
_VERSION_ARN = re.compile(r"arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+\Z")


def layer_target(reference: str | Unknown) -> str | None:
    """The id of the layer resource ``reference`` names; None for an ARN or anything else.

    Args:
        reference: one entry of :attr:`faasguard.model.Function.layers`.

    Returns:
        The logical id (``Deps``) or Terraform address (``aws_lambda_layer_version.deps``);
        a layer version ARN as it is (only a live application has a resource of that id).
    """
    if not isinstance(reference, Unknown):
        return reference if _VERSION_ARN.match(reference) else None
    for pattern in _PATTERNS:
        found = pattern.match(reference.expression)
        if found:
            return found.group(1)
    return None


def is_live(app: Application) -> bool:
    """True for an application read from a live account (``file`` is ``aws://region``).

    Its layers' local ``Content`` is relative to its root, not to a template's folder.
    """
    return app.file.startswith("aws://")
