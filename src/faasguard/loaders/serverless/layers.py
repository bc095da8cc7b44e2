"""``layers:``: the Lambda layers a Serverless service builds from its own folders.

Serverless zips each ``layers.<name>.path`` (or uploads ``package.artifact`` as is) and compiles
it to an ``AWS::Lambda::LayerVersion`` whose logical id is the normalized name plus
``LambdaLayer`` (``common`` -> ``CommonLambdaLayer``, ``my-layer`` -> ``MyDashlayerLambdaLayer``);
functions use it with ``layers: [{Ref: CommonLambdaLayer}]``. Each layer is modelled as that
resource, its ``Content`` being the folder (or artifact) as written, relative to the service
folder, so dependency analysis reads a layer the same way whatever format defined it.

With ``retain: true`` Serverless appends a content hash to the logical id; the model keeps the
id that functions refer to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from faasguard.loaders.interface import IssueKind
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.naming import layer_logical_id
from faasguard.loaders.serverless.values import as_map, as_text
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import Resource, Unknown

__all__ = ["LAYER_TYPE", "build_layers", "merge_resources"]

#: The resource type Serverless compiles a layer to.
LAYER_TYPE: Final = "AWS::Lambda::LayerVersion"


def build_layers(ctx: Context) -> tuple[Resource, ...]:
    """Return one ``AWS::Lambda::LayerVersion`` resource per entry of ``layers``."""
    document = ctx.document
    block = document.get("layers")
    if block is None:
        return ()
    if not isinstance(block, dict):
        reason = block.reason if isinstance(block, Unknown) else "not a mapping"
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"layers cannot be read ({reason}); the layers it defines are not scanned",
            ctx.loc(document, "layers"),
        )
        return ()
    built: list[Resource] = []
    for name, config in block.items():
        layer = _layer(ctx, block, str(name), config)
        if layer is not None:
            built.append(layer)
    return tuple(built)


def _layer(ctx: Context, block: Mapping[str, Any], name: str, config: Any) -> Resource | None:
    location = ctx.loc(block, name)
    if not isinstance(config, dict):
        reason = config.reason if isinstance(config, Unknown) else "not a mapping"
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"layer {name!r} cannot be read ({reason}); it is not scanned",
            location,
        )
        return None
    package = as_map(config.get("package"))
    if package.get("artifact") is not None:
        content, content_line = as_text(package["artifact"]), line_of(package, "artifact")
    elif config.get("path") is not None:
        content, content_line = as_text(config["path"]), line_of(config, "path")
    else:
        ctx.issue(
            IssueKind.PARSE_ERROR,
            f"layer {name!r} has neither path nor package.artifact; Serverless cannot package "
            "it, and it is not scanned",
            location,
        )
        return None
    properties: dict[str, Any] = {"Content": content}
    lines: dict[str, int] = {}
    if content_line is not None:
        lines["Content"] = content_line
    if config.get("compatibleRuntimes") is not None:
        properties["CompatibleRuntimes"] = list(ctx.text_items(config["compatibleRuntimes"]))
        runtimes_line = line_of(config, "compatibleRuntimes")
        if runtimes_line is not None:
            lines["CompatibleRuntimes"] = runtimes_line
    return Resource(
        id=layer_logical_id(name),
        type=LAYER_TYPE,
        location=location,
        properties=properties,
        property_lines=lines,
    )


def merge_resources(
    generated: tuple[Resource, ...], written: tuple[Resource, ...]
) -> tuple[Resource, ...]:
    """The generated resources followed by ``resources.Resources``, merged as Serverless does.

    A resource written with the id of a generated one extends it (Serverless merges
    ``resources`` into the compiled stack): its type, when given, and its top-level properties
    win. The merged resource keeps the generated one's location; the lines of the properties
    written by hand are kept when they are in the same file.
    """
    by_id = {resource.id: resource for resource in written}
    merged: list[Resource] = []
    for resource in generated:
        extra = by_id.pop(resource.id, None)
        if extra is not None:
            lines = dict(resource.property_lines)
            for key in extra.properties:
                lines.pop(key, None)
            if extra.location.file == resource.location.file:
                lines.update(extra.property_lines)
            resource = Resource(
                id=resource.id,
                type=extra.type or resource.type,
                location=resource.location,
                properties={**resource.properties, **extra.properties},
                property_lines=lines,
            )
        merged.append(resource)
    merged.extend(resource for resource in written if resource.id in by_id)
    return tuple(merged)
