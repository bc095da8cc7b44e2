"""Ecosystem and package-name normalisation.

OSV records, lockfiles and users spell the same package differently (``PyYAML``, ``pyyaml``,
``Zope.Interface`` vs ``zope-interface``); the store indexes and matching look names up in one
canonical spelling so that those all meet.
"""

from __future__ import annotations

import functools
import re

__all__ = ["NPM", "PYPI", "SUPPORTED_ECOSYSTEMS", "normalize_ecosystem", "normalize_name"]

PYPI = "PyPI"
NPM = "npm"
SUPPORTED_ECOSYSTEMS: tuple[str, ...] = (PYPI, NPM)
"""Ecosystems whose version ordering is implemented, so the only ones matched."""

_CANONICAL = {eco.lower(): eco for eco in SUPPORTED_ECOSYSTEMS}
_PEP503_SEPARATORS = re.compile(r"[-_.]+")


# Memoised: a scan normalises the same few ecosystems and a few thousand names many times.
@functools.lru_cache(maxsize=64)
def normalize_ecosystem(ecosystem: str) -> str:
    """Return the canonical spelling of an ecosystem name.

    Supported ecosystems are matched case-insensitively (``pypi`` -> ``PyPI``); any other
    ecosystem is returned stripped but otherwise as published, since OSV names are
    case-sensitive and suffixed ones (``Debian:12``) mean something.

    Args:
        ecosystem: An OSV ecosystem name.

    Returns:
        The canonical name.
    """
    stripped = ecosystem.strip()
    return _CANONICAL.get(stripped.lower(), stripped)


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(ecosystem: str, name: str) -> str:
    """Return the canonical spelling of a package name in an ecosystem.

    PyPI names follow PEP 503 (runs of ``-``, ``_`` and ``.`` become ``-``, lower case). npm
    names are lower-cased: the registry refuses new upper-case names, and old ones are reached
    case-insensitively. Other ecosystems keep the name as published.

    Args:
        ecosystem: The package's ecosystem, in any spelling.
        name: The package name.

    Returns:
        The canonical name.
    """
    eco = normalize_ecosystem(ecosystem)
    stripped = name.strip()
    if eco == PYPI:
        return _PEP503_SEPARATORS.sub("-", stripped).lower()
    if eco == NPM:
        return stripped.lower()
    return stripped
