"""Version orderings per ecosystem and range type, with parse caches.

Matching compares one installed version with thousands of range bounds; both sides are parsed
once and memoised here (the PyPI export has about 600,000 version strings but only 33,000
distinct ones), which is what keeps a 10,000-package match under a second.

* PyPI ``ECOSYSTEM`` ranges and version lists use PEP 440 (``packaging.version``).
* npm ``ECOSYSTEM`` ranges, every ``SEMVER`` range and npm version lists use SemVer 2.0.0
  precedence (:mod:`faasguard.deps.vulns.semver`).
* ``GIT`` ranges and unknown ecosystems have no ordering here.

A string a scheme cannot parse yields ``None``: callers then fall back to exact string
comparison with the explicit ``versions`` list, never to guessing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Protocol

from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion, Version

from faasguard.deps.vulns.names import NPM, PYPI
from faasguard.deps.vulns.semver import InvalidSemVerError, SemVer, parse_semver

__all__ = [
    "PEP440",
    "SEMVER",
    "Ordered",
    "VersionScheme",
    "ecosystem_scheme",
    "range_scheme",
]

_CACHE_SIZE = 1 << 18


class Ordered(Protocol):
    """A parsed version: totally ordered and hashable within its scheme."""

    def __lt__(self, other: Any, /) -> bool: ...

    def __le__(self, other: Any, /) -> bool: ...

    def __hash__(self) -> int: ...


class VersionScheme:
    """One version ordering: a name, a memoised parser and a memoised canonical form.

    Attributes:
        name: ``"PEP440"`` or ``"SEMVER"``.
        parse: Parses a version string into a comparable value, or returns ``None`` when the
            string is not valid in this scheme. A plain attribute (the memoised function
            itself) rather than a method, because it runs for every range of every query.
    """

    __slots__ = ("_canon", "_canonical", "name", "parse")

    def __init__(
        self,
        name: str,
        *,
        parse: Callable[[str], Ordered | None],
        canonical: Callable[[str], str | None],
    ) -> None:
        self.name = name
        self.parse = parse
        self._canonical = canonical
        self._canon: dict[str, str | None] = {}

    def canonical(self, text: str) -> str | None:
        """Return a string that is equal for exactly the versions that compare equal.

        Args:
            text: The version string.

        Returns:
            The canonical form (``1.0.0`` and ``1.0`` give ``1`` in PEP 440; build metadata
            is dropped in SemVer), or ``None`` when the text is not a valid version.
        """
        try:
            return self._canon[text]
        except KeyError:
            value = self._canon[text] = self._canonical(text)
            return value

    def canonical_set(self, texts: frozenset[str]) -> frozenset[str]:
        """Return the canonical forms of many versions, skipping invalid ones.

        Version lists repeat the same strings across thousands of records; the memo makes
        this a C-level dictionary lookup per string after the first sighting.

        Args:
            texts: Version strings.

        Returns:
            Their canonical forms.
        """
        memo = self._canon
        for text in texts.difference(memo):  # C-level: a set minus a dict probes the dict
            memo[text] = self._canonical(text)
        return frozenset(filter(None, map(memo.__getitem__, texts)))

    def __repr__(self) -> str:
        return f"VersionScheme({self.name!r})"


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse_pep440(text: str) -> Ordered | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse_semver(text: str) -> Ordered | None:
    try:
        return parse_semver(text)
    except InvalidSemVerError:
        return None


_PLAIN_RELEASE = re.compile(r"[0-9]+(?:\.[0-9]+)*")


def _canonical_pep440(text: str) -> str | None:
    # Most versions are plain releases; their canonical form (integers without leading
    # zeros, trailing ".0" parts dropped, as packaging's canonicalize_version gives) is cheap
    # to build without a full parse.
    if _PLAIN_RELEASE.fullmatch(text):
        parts = [int(part) for part in text.split(".")]
        while len(parts) > 1 and parts[-1] == 0:
            parts.pop()
        return ".".join(map(str, parts))
    version = _parse_pep440(text)
    if not isinstance(version, Version):
        return None
    return canonicalize_version(version)


def _canonical_semver(text: str) -> str | None:
    version = _parse_semver(text)
    if not isinstance(version, SemVer):
        return None
    canonical = f"{version.major}.{version.minor}.{version.patch}"
    if version.prerelease:
        canonical += "-" + ".".join(str(part) for part in version.prerelease)
    return canonical


PEP440 = VersionScheme("PEP440", parse=_parse_pep440, canonical=_canonical_pep440)
SEMVER = VersionScheme("SEMVER", parse=_parse_semver, canonical=_canonical_semver)

_ECOSYSTEM_SCHEMES = {PYPI: PEP440, NPM: SEMVER}


def ecosystem_scheme(ecosystem: str) -> VersionScheme | None:
    """Return the ordering of an ecosystem's own versions.

    Args:
        ecosystem: A normalised ecosystem name.

    Returns:
        The scheme, or ``None`` for an ecosystem this module cannot order.
    """
    return _ECOSYSTEM_SCHEMES.get(ecosystem)


def range_scheme(ecosystem: str, range_type: str) -> VersionScheme | None:
    """Return the ordering an OSV range of some type uses in some ecosystem.

    Args:
        ecosystem: A normalised ecosystem name.
        range_type: ``ECOSYSTEM``, ``SEMVER`` or ``GIT`` (upper case).

    Returns:
        The scheme, or ``None`` when the range cannot be evaluated against a version string
        (``GIT``, unknown types, unknown ecosystems).
    """
    if range_type == "SEMVER":
        return SEMVER
    if range_type == "ECOSYSTEM":
        return ecosystem_scheme(ecosystem)
    return None
