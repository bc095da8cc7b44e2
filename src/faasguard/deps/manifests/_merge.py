"""Collapse lockfile entries that describe the same package release.

Some lockfiles list one release several times: pdm once per set of extras, pnpm once per set
of peer dependencies. A vulnerability is per release, so readers report each release once.
"""

from __future__ import annotations

from dataclasses import replace

from faasguard.deps.manifests.interface import Dependency


def merge_releases(dependencies: list[Dependency]) -> list[Dependency]:
    """Merge entries with the same name, version and source, keeping the first one's line.

    Extras and parents are united; a release is direct if any entry is, and development-only
    only if every entry is.

    Args:
        dependencies: Entries in file order.

    Returns:
        One entry per release, in order of first appearance.
    """
    merged: dict[tuple[str, str | None, str | None], Dependency] = {}
    for dependency in dependencies:
        key = (dependency.name, dependency.version, dependency.source)
        first = merged.get(key)
        if first is None:
            merged[key] = dependency
            continue
        merged[key] = replace(
            first,
            extras=tuple(sorted({*first.extras, *dependency.extras})),
            parents=tuple(sorted({*first.parents, *dependency.parents})),
            direct=_any(first.direct, dependency.direct),
            dev=_all(first.dev, dependency.dev),
        )
    return list(merged.values())


def _any(left: bool | None, right: bool | None) -> bool | None:
    """Three-valued "or": True wins, unknown beats False."""
    if left or right:
        return True
    return None if left is None or right is None else False


def _all(left: bool | None, right: bool | None) -> bool | None:
    """Three-valued "and": False wins, unknown beats True."""
    if left is False or right is False:
        return False
    return None if left is None or right is None else True
