"""Make the packages fetched from an account the code of the functions built from it.

Each function whose package was extracted gets it as its code root, and its handler is
resolved there exactly as a template loader resolves ``CodeUri`` plus ``Handler``; the
extracted folder is also its build artifact, so the dependency analysis reads the packages
really installed in it (``*.dist-info``, ``node_modules/*/package.json``). Each layer version
extracted becomes an ``AWS::Lambda::LayerVersion`` resource whose id is its ARN (what the
function's ``Layers`` name) and whose ``Content`` is its folder (:mod:`faasguard.layer_refs`),
so the code and dependency analyses read it as they read a template's layer.
"""

from __future__ import annotations

from dataclasses import replace

from faasguard.fs import ScanFS
from faasguard.live.package import RegionCode
from faasguard.loaders.handlers import resolve_handler
from faasguard.model import Application, Function, Location, Resource

__all__ = ["attach_code"]


def attach_code(app: Application, code: RegionCode, fs: ScanFS) -> Application:
    """``app`` with each fetched package as its function's code root and layer resource.

    Args:
        app: the region's application, as built from the snapshot.
        code: where each package of that region was extracted.
        fs: the scan file system rooted at the packages' folder.
    """
    functions = tuple(_function(fn, code, fs) for fn in app.functions)
    layers = tuple(
        Resource(
            id=arn,
            type="AWS::Lambda::LayerVersion",
            location=Location(arn),
            properties={"Content": folder},
        )
        for arn, folder in sorted(code.layers.items())
    )
    return replace(app, functions=functions, resources=(*app.resources, *layers))


def _function(fn: Function, code: RegionCode, fs: ScanFS) -> Function:
    folder = code.functions.get(fn.name)
    if folder is None:
        return fn
    handler_file = handler_function = None
    if isinstance(fn.handler, str):
        runtime = fn.runtime if isinstance(fn.runtime, str) else None
        handler_file, handler_function = resolve_handler(
            fs, code_root=folder, handler=fn.handler, runtime=runtime
        )
    return replace(
        fn,
        code_root=folder,
        handler_file=handler_file,
        handler_function=handler_function,
        package_artifact=folder,
    )
