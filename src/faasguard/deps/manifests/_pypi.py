"""PyPI naming and pinning rules shared by the Python manifest readers."""

from __future__ import annotations

from collections.abc import Iterable

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from faasguard.deps.manifests.interface import Dependency, SourceKind

VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")


def canonical(name: str) -> str:
    """PEP 503 normal form, the only spelling a vulnerability database reliably matches."""
    return str(canonicalize_name(name))


def canonical_extras(extras: Iterable[str]) -> tuple[str, ...]:
    """Extras normalised (PEP 685) and sorted so that equal requests compare equal."""
    return tuple(sorted({canonical(extra) for extra in extras}))


def exact_version(specifier: SpecifierSet) -> str | None:
    """The version a specifier set pins, if any.

    ``==1.2`` and ``===1.2`` pin; ``==1.*`` and every range do not. A set such as
    ``>=1,==1.4`` still pins 1.4.

    Args:
        specifier: Parsed PEP 440 specifier set.

    Returns:
        The pinned version string as written, or ``None``.
    """
    for spec in specifier:
        if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith("*")):
            return spec.version
    return None


def url_source(url: str) -> SourceKind:
    """Classify a direct reference: VCS checkout, local path or remote archive."""
    lowered = url.lower()
    if lowered.startswith(VCS_PREFIXES):
        return "vcs"
    if lowered.startswith("file:"):
        return "path"
    return "url"


def from_requirement(
    requirement: Requirement,
    *,
    manifest: str,
    line: int | None,
    direct: bool | None,
    dev: bool | None,
    markers: str | None = None,
    parents: tuple[str, ...] = (),
) -> Dependency:
    """Build a dependency from a PEP 508 requirement.

    Args:
        requirement: The parsed requirement.
        manifest: File it was declared in.
        line: Line it was declared on.
        direct: Whether the project asks for it itself.
        dev: Whether it is development-only.
        markers: Markers to use instead of the requirement's own (the caller may add context
            such as an extra).
        parents: Packages that pull it in.

    Returns:
        The dependency; direct URL references are unpinned whatever they point at.
    """
    version = None if requirement.url else exact_version(requirement.specifier)
    return Dependency(
        name=canonical(requirement.name),
        version=version,
        ecosystem="PyPI",
        manifest=manifest,
        line=line,
        specifier=str(requirement.specifier) or None,
        direct=direct,
        dev=dev,
        extras=canonical_extras(requirement.extras),
        markers=markers if markers is not None else _markers(requirement),
        source=url_source(requirement.url) if requirement.url else "registry",
        unpinned=version is None,
        parents=parents,
    )


def _markers(requirement: Requirement) -> str | None:
    return str(requirement.marker) if requirement.marker is not None else None
