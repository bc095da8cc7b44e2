"""npm naming and version-range rules shared by the JavaScript manifest readers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from faasguard.deps.manifests.interface import SourceKind

_EXACT_SEMVER = re.compile(r"^(?:=\s*)?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$")
_VCS_PREFIXES = ("git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:")
_PATH_PREFIXES = ("file:", "link:", "portal:", "./", "../", "/", "~/")
_GITHUB_SHORTHAND = re.compile(r"^[^@/\s:~.][^/\s:]*/[^/\s:]+(?:#.*)?$")


def npm_name(name: str) -> str:
    """Lower-case a name: npm treats names case-insensitively, and new ones must be lower case."""
    return name.strip().lower()


def split_descriptor(descriptor: str) -> tuple[str, str]:
    """Split ``name@range`` (``@scope/name@range`` included) at the ``@`` after the name.

    Args:
        descriptor: A lockfile descriptor such as ``@babel/core@^7.0.0``.

    Returns:
        Name and range; the range is empty when there is none.
    """
    at = descriptor.find("@", 1)
    if at == -1:
        return descriptor, ""
    return descriptor[:at], descriptor[at + 1 :]


def exact_semver(value: str) -> str | None:
    """The version when ``value`` is one exact semver (``1.2.3``, ``=1.2.3``, ``v1.2.3``)."""
    match = _EXACT_SEMVER.match(value.strip())
    return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class NpmSpec:
    """What a ``package.json``-style value (range, tag, alias, URL, path...) asks for.

    Attributes:
        name: The real package for ``npm:`` aliases, else ``None`` (same as the key).
        range: The version range without an alias prefix, or the reference as written.
        source: Registry, VCS, URL or path; ``None`` for ``workspace:`` references, which point
            at the project's own packages rather than at a dependency.
        version: The exact version when the range is one.
    """

    name: str | None
    range: str
    source: SourceKind | None
    version: str | None


def classify_spec(spec: str) -> NpmSpec:
    """Work out where a dependency value points and whether it pins a version.

    Follows the shapes npm, yarn and pnpm accept: ``npm:real@^1`` aliases (and berry's
    ``npm:^1``, an explicit default protocol), ``workspace:*``,
    ``file:``/``link:``/relative paths, git URLs and ``github:``/``user/repo`` shorthands,
    HTTP(S) tarballs (``.git`` URLs count as VCS), and otherwise registry ranges and tags.

    Args:
        spec: The value as written.

    Returns:
        Its classification.
    """
    spec = spec.strip()
    lowered = spec.lower()
    if lowered.startswith("npm:"):
        rest = spec[4:]
        if rest.find("@", 1) == -1:  # "npm:^2.5.0": Yarn berry spells the default protocol
            return NpmSpec(None, rest, "registry", exact_semver(rest))
        name, inner = split_descriptor(rest)
        inner_spec = classify_spec(inner)
        return NpmSpec(npm_name(name), inner_spec.range, inner_spec.source, inner_spec.version)
    if lowered.startswith("workspace:"):
        return NpmSpec(None, spec, None, None)
    if lowered.startswith(_PATH_PREFIXES):
        return NpmSpec(None, spec, "path", None)
    if lowered.startswith(_VCS_PREFIXES) or _GITHUB_SHORTHAND.match(spec):
        return NpmSpec(None, spec, "vcs", None)
    if lowered.startswith(("http://", "https://")):
        is_git = lowered.split("#", 1)[0].endswith(".git")
        return NpmSpec(None, spec, "vcs" if is_git else "url", None)
    return NpmSpec(None, spec, "registry", exact_semver(spec))


def resolved_source(resolved: str | None) -> SourceKind:
    """Classify a lockfile's ``resolved`` location.

    Registry tarballs (``https://registry.npmjs.org/x/-/x-1.0.0.tgz``, mirrors and private
    registries alike) contain ``/-/``; other HTTP URLs are direct tarballs.

    Args:
        resolved: The location as locked, if recorded (npm omits it for some entries).

    Returns:
        Where the package was fetched from; a missing location means the registry.
    """
    if not resolved:
        return "registry"
    lowered = resolved.lower()
    if lowered.startswith(_VCS_PREFIXES) or lowered.startswith("git"):
        return "vcs"
    if lowered.startswith(("http://", "https://")):
        if "codeload.github.com" in lowered or lowered.split("#", 1)[0].endswith(".git"):
            return "vcs"
        return "registry" if "/-/" in lowered else "url"
    return "path"
