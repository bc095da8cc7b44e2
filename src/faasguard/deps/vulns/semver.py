"""A small SemVer 2.0.0 parser and comparator, for npm versions and OSV ``SEMVER`` ranges.

Precedence follows SemVer section 11, which is also what node-semver's ``compare`` does:

* major, minor and patch compare numerically;
* a version with a prerelease sorts before the same version without one
  (``1.0.0-rc.1 < 1.0.0``);
* prerelease identifiers compare left to right: numeric ones numerically, alphanumeric ones in
  ASCII order, numeric before alphanumeric, and a shorter list first when all else is equal
  (``1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta.2 < 1.0.0-beta.11``);
* build metadata (``+build.5``) is ignored, so ``1.0.0+a == 1.0.0+b``.

npm's range syntax (``^1.2``, ``1.x``) and its rule that ranges skip prereleases of other
versions do not apply: OSV ranges are plain intervals in precedence order. A leading ``v`` or
``=`` and surrounding blanks are tolerated because lockfiles and npm itself accept them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["InvalidSemVerError", "SemVer", "parse_semver"]

_NUMERIC = r"0|[1-9][0-9]*"
_PRERELEASE_ID = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(
    rf"(?P<major>{_NUMERIC})\.(?P<minor>{_NUMERIC})\.(?P<patch>{_NUMERIC})"
    rf"(?:-(?P<pre>{_PRERELEASE_ID}(?:\.{_PRERELEASE_ID})*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)

_PrereleaseKey = tuple[tuple[int, int, str], ...]


class InvalidSemVerError(ValueError):
    """The text is not a SemVer 2.0.0 version."""


@dataclass(frozen=True, slots=True, eq=False)
class SemVer:
    """A parsed SemVer 2.0.0 version; equality, hashing and ordering follow precedence.

    Attributes:
        major: Major version.
        minor: Minor version.
        patch: Patch version.
        prerelease: Prerelease identifiers (numeric ones as ``int``), empty for a release.
        build: Build metadata identifiers; ignored by comparisons.
    """

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...] = ()
    build: tuple[str, ...] = ()
    _key: tuple[int, int, int, int, _PrereleaseKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A release sorts after all of its prereleases: flag 1 vs 0 before the identifiers.
        # Each identifier becomes (0, n, "") if numeric or (1, 0, s) if alphanumeric, which
        # makes numeric ones sort first and tuples compare shorter-first on equal prefixes.
        pre_key = tuple(
            (0, part, "") if isinstance(part, int) else (1, 0, part) for part in self.prerelease
        )
        key = (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre_key)
        object.__setattr__(self, "_key", key)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(str(part) for part in self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SemVer):
            return NotImplemented
        return self._key == other._key

    def __lt__(self, other: SemVer) -> bool:
        return self._key < other._key

    def __le__(self, other: SemVer) -> bool:
        return self._key <= other._key

    def __gt__(self, other: SemVer) -> bool:
        return self._key > other._key

    def __ge__(self, other: SemVer) -> bool:
        return self._key >= other._key

    @property
    def is_prerelease(self) -> bool:
        """Whether the version has prerelease identifiers."""
        return bool(self.prerelease)


def parse_semver(text: str) -> SemVer:
    """Parse a SemVer 2.0.0 version.

    Args:
        text: The version; a leading ``v`` or ``=`` and surrounding blanks are accepted.

    Returns:
        The parsed version.

    Raises:
        InvalidSemVerError: The text is not a full ``MAJOR.MINOR.PATCH`` SemVer version, or a
            numeric identifier has a leading zero.
    """
    stripped = text.strip()
    if stripped[:1] == "=":
        stripped = stripped[1:].lstrip()
    if stripped[:1] in ("v", "V"):
        stripped = stripped[1:]
    found = _SEMVER.fullmatch(stripped)
    if found is None:
        raise InvalidSemVerError(f"not a SemVer 2.0.0 version: {text!r}")
    pre = found.group("pre")
    build = found.group("build")
    return SemVer(
        int(found.group("major")),
        int(found.group("minor")),
        int(found.group("patch")),
        tuple(int(part) if part.isdigit() else part for part in pre.split(".")) if pre else (),
        tuple(build.split(".")) if build else (),
    )
