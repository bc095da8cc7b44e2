"""Dependency-graph questions that several lockfile readers ask of the edges they record."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def parent_names(
    edges: Mapping[K, Iterable[K]], names: Mapping[K, str]
) -> dict[K, tuple[str, ...]]:
    """Invert "X depends on Y" edges into the sorted names of each package's dependents.

    Args:
        edges: Each package's dependencies (targets missing from ``names`` are ignored).
        names: Display name of each package.

    Returns:
        For every package with dependents, their distinct names, sorted. A package is never its
        own parent: self-references appear in some lockfiles, and PDM's entry for a package
        with extras depends on the plain entry of the same package.
    """
    parents: dict[K, set[str]] = {}
    for source, targets in edges.items():
        source_name = names.get(source)
        if source_name is None:
            continue
        for target in targets:
            if target in names and names[target] != source_name:
                parents.setdefault(target, set()).add(source_name)
    return {key: tuple(sorted(found)) for key, found in parents.items()}


def reachable(roots: Iterable[K], edges: Mapping[K, Iterable[K]]) -> set[K]:
    """Everything reachable from ``roots`` (iteratively: lockfile graphs can be deep)."""
    seen: set[K] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(target for target in edges.get(node, ()) if target not in seen)
    return seen


def dev_flags(
    *, prod_roots: Iterable[K], dev_roots: Iterable[K], edges: Mapping[K, Iterable[K]]
) -> dict[K, bool]:
    """Which packages only development needs.

    A package reachable from a production root is needed in production even when a development
    root also reaches it; one reachable only from development roots is development-only.
    Packages reachable from neither are left out (their flag is unknown).

    Args:
        prod_roots: Packages the project needs at run time.
        dev_roots: Packages the project needs for development only.
        edges: Each package's dependencies.

    Returns:
        ``False`` for production packages, ``True`` for development-only ones.
    """
    prod = reachable(prod_roots, edges)
    dev = reachable(dev_roots, edges) - prod
    flags = dict.fromkeys(prod, False)
    flags.update(dict.fromkeys(dev, True))
    return flags
