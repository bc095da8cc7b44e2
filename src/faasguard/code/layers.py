"""The local folders of a function's layers: what Lambda mounts at ``/opt``.

Own code shared through a layer (``<layer>/python/common/db.py``, ``<layer>/nodejs/util.js``)
is part of a function's code; the libraries installed into the same layer are not. Which
resource a ``Layers`` entry names is :func:`faasguard.layer_refs.layer_target`, shared with the
dependency analysis (which reads the same layers for their manifests).
"""

from __future__ import annotations

import posixpath

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.layer_refs import is_live, layer_target
from faasguard.model import AppFormat, Application, Function

__all__ = ["layer_roots"]

_LAYER_TYPES = frozenset({"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"})


def layer_roots(fs: ScanFS, app: Application, fn: Function) -> tuple[str, ...]:
    """Folders (relative to the scan root) of the function's layers defined in the project.

    Layers given by ARN, in S3 or as zips are left out: their code cannot be read as source.
    """
    roots: list[str] = []
    for reference in fn.layers:
        target = layer_target(reference)
        resource = app.resource(target) if target else None
        if resource is None or resource.type not in _LAYER_TYPES:
            continue
        key = "ContentUri" if resource.type == "AWS::Serverless::LayerVersion" else "Content"
        value = resource.properties.get(key)
        if not isinstance(value, str) or "://" in value:
            continue
        # Relative to the template's folder (a Terraform app's folder, a live account's
        # extracted packages: its root).
        folder = (
            (app.root or ".")
            if app.format is AppFormat.TERRAFORM or is_live(app)
            else (posixpath.dirname(app.file) or ".")
        )
        try:
            path = fs.join(folder, value, referrer=app.file, line=resource.line_of(key))
        except LoadError:
            continue  # the dependency analysis reports layer paths out of the root
        if fs.is_dir(path) and path not in roots:
            roots.append(path)
    return tuple(roots)
