"""Yarn 2+ ("berry") lockfiles: ``yarn.lock`` with a ``__metadata`` entry.

The file is YAML. Each key lists the descriptors an entry satisfies
(``"lodash@npm:^4.17.0, lodash@npm:^4.17.21"``); ``resolution`` names the locked package and
reference (``lodash@npm:4.17.21``), whose protocol tells the source. Dependencies are written
without the default ``npm:`` protocol (``lodash: ^4.17.21``).

Workspaces (``workspace:`` resolutions) are the project itself: they are not reported, but
their dependencies are exactly the direct ones, so ``direct`` is known for every entry. Berry
merges a workspace's runtime and development dependencies in the lockfile, so ``dev`` is
unknown. ``patch:`` entries duplicate the package they patch, which is reported on its own
entry. Lines are exact: the entry's key.
"""

from __future__ import annotations

from typing import Any

from faasguard.deps.manifests._graph import parent_names
from faasguard.deps.manifests._load import YamlDocument
from faasguard.deps.manifests._npm import classify_spec, npm_name, split_descriptor
from faasguard.deps.manifests._shape import as_dict, as_str
from faasguard.deps.manifests.interface import Dependency, ManifestParseError, SourceKind

_DEP_MAPS = ("dependencies", "peerDependencies", "optionalDependencies")


def parse_yarn_berry(path: str, document: YamlDocument) -> list[Dependency]:
    """Parse a Yarn berry lockfile already loaded as YAML.

    Args:
        path: Manifest path, for dependencies and errors.
        document: The loaded lockfile.

    Returns:
        One dependency per non-workspace, non-patch entry, in file order.

    Raises:
        ManifestParseError: The document is not a mapping.
    """
    if not isinstance(document.data, dict):
        raise ManifestParseError(path, 1, "yarn.lock must be a mapping of entries")
    lines = document.key_lines()
    keys = [key for key in document.data if isinstance(key, str) and key != "__metadata"]
    entries = {key: as_dict(document.data[key]) for key in keys}
    by_descriptor = {
        descriptor.strip(): key
        for key in keys
        for descriptor in key.split(",")
        if descriptor.strip()
    }
    resolutions = {
        key: split_descriptor(as_str(entries[key].get("resolution")) or "") for key in keys
    }
    workspaces = {key for key in keys if resolutions[key][1].startswith("workspace:")}
    edges = {
        key: [
            target
            for map_name in _DEP_MAPS
            for name, range_ in as_dict(entries[key].get(map_name)).items()
            if (target := _lookup(by_descriptor, name, _scalar(range_))) is not None
        ]
        for key in keys
    }
    direct: dict[str, str] = {}  # entry key -> range a workspace declared
    for workspace in workspaces:
        for map_name in _DEP_MAPS:
            for name, range_ in as_dict(entries[workspace].get(map_name)).items():
                target = _lookup(by_descriptor, name, _scalar(range_))
                if target is not None:
                    direct.setdefault(target, classify_spec(_scalar(range_)).range)
    packages = {
        key: npm_name(resolutions[key][0] or split_descriptor(key.split(",")[0])[0])
        for key in keys
        if key not in workspaces and "@patch:" not in key
    }
    parents = parent_names(edges, packages)
    dependencies: list[Dependency] = []
    for key, name in packages.items():
        version = _version(entries[key].get("version"))
        dependencies.append(
            Dependency(
                name=name,
                version=version,
                ecosystem="npm",
                manifest=path,
                line=lines.get(key),
                specifier=direct.get(key),
                direct=key in direct if workspaces else None,
                source=_source(resolutions[key][1]),
                unpinned=version is None,
                parents=parents.get(key, ()),
            )
        )
    return dependencies


def _lookup(by_descriptor: dict[str, str], name: str, range_: str) -> str | None:
    """The entry for a dependency, with or without the implicit ``npm:`` protocol."""
    return by_descriptor.get(f"{name}@{range_}") or by_descriptor.get(f"{name}@npm:{range_}")


def _scalar(value: object) -> str:
    """YAML may read ``1`` or ``1.5`` as numbers; ranges are text."""
    if isinstance(value, bool) or value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _version(value: Any) -> str | None:
    text = _scalar(value)
    return text or None


def _source(reference: str) -> SourceKind:
    """Source from the resolution's protocol (``npm:``, ``https:``, ``git+ssh:``, ``file:``...)."""
    if reference.startswith("npm:"):
        return "registry"
    spec = classify_spec(reference)
    if spec.source in ("vcs", "path"):
        return spec.source
    if "#commit=" in reference or ".git#" in reference:
        return "vcs"
    if reference.startswith(("http:", "https:")):
        return "url"
    return "path"  # portal:, link:, exec: and other local protocols
