"""The local folders of a function's layers: what Lambda mounts at ``/opt``.

Own code shared through a layer (``<layer>/python/common/db.py``, ``<layer>/nodejs/util.js``)
is part of a function's code; the libraries installed into the same layer are not. The
dependency analysis (:mod:`faasguard.deps.attribution`) reads layers for their manifests; this
small copy of its lookup keeps the code layer free of the manifest readers' imports.
"""

from __future__ import annotations

import posixpath
import re

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.model import AppFormat, Application, Function, Unknown

__all__ = ["layer_roots"]

_LAYER_TYPES = frozenset({"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"})
_REF = re.compile(r"!Ref ([A-Za-z0-9]+)\Z")
_GETATT = re.compile(r"!GetAtt ([A-Za-z0-9]+)\.(?:Arn|LayerVersionArn)\Z")
#: Terraform: ``aws_lambda_layer_version.deps.arn`` (also inside modules).
_TERRAFORM = re.compile(r"((?:module\.[\w-]+\.)*aws_lambda_layer_version\.[\w-]+)\.(?:arn|id)\Z")


def layer_roots(fs: ScanFS, app: Application, fn: Function) -> tuple[str, ...]:
    """Folders (relative to the scan root) of the function's layers defined in the project.

    Layers given by ARN, in S3 or as zips are left out: their code cannot be read as source.
    """
    roots: list[str] = []
    for reference in fn.layers:
        if not isinstance(reference, Unknown):
            continue
        expression = reference.expression
        found = _REF.match(expression) or _GETATT.match(expression) or _TERRAFORM.match(expression)
        resource = app.resource(found.group(1)) if found else None
        if resource is None or resource.type not in _LAYER_TYPES:
            continue
        key = "ContentUri" if resource.type == "AWS::Serverless::LayerVersion" else "Content"
        value = resource.properties.get(key)
        if not isinstance(value, str) or "://" in value:
            continue
        # Relative to the template's folder (a Terraform app's folder is its root).
        folder = (
            (app.root or ".")
            if app.format is AppFormat.TERRAFORM
            else (posixpath.dirname(app.file) or ".")
        )
        try:
            path = fs.join(folder, value, referrer=app.file, line=resource.line_of(key))
        except LoadError:
            continue  # the dependency analysis reports layer paths out of the root
        if fs.is_dir(path) and path not in roots:
            roots.append(path)
    return tuple(roots)
