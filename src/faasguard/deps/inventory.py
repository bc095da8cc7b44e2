"""What each function ships: the per-function dependency inventory.

The SBOM, the JSON report and the "your code vs. libraries" line are all views of this one
record, which the dependency analyzer builds once per function.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FunctionDependencies", "ShippedPackage"]


@dataclass(frozen=True, slots=True)
class ShippedPackage:
    """One third-party package a function ships.

    Attributes:
        name: normalised name (PEP 503 for PyPI, lower case for npm).
        version: exact version, or None when only a range is declared.
        ecosystem: ``PyPI`` or ``npm``.
        manifest: the manifest, lockfile or artifact it was read from.
        line: line in the manifest, when known.
        direct: a direct dependency of the function's project (None when unknown).
        imported: the handler's import closure imports it (None when the handler is unknown).
        source: ``lockfile``, ``declared`` (a range in a manifest), ``build`` or ``archive``.
        specifier: the declared range, when there is one.
    """

    name: str
    version: str | None
    ecosystem: str
    manifest: str
    line: int | None = None
    direct: bool | None = None
    imported: bool | None = None
    source: str = "lockfile"
    specifier: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionDependencies:
    """Everything one function ships besides its own code.

    Attributes:
        application: the application name.
        function: the logical function name.
        manifests: manifests and lockfiles attributed to the function.
        artifact: the build folder or archive read, when one was present.
        packages: every package, sorted by ecosystem and name.
        own_lines: non-blank lines of the function's own code (its import closure, or the
            artifact's non-library files), None when unknown.
        library_lines: non-blank lines of third-party code, None without a build or archive.
    """

    application: str
    function: str
    manifests: tuple[str, ...] = ()
    artifact: str | None = None
    packages: tuple[ShippedPackage, ...] = ()
    own_lines: int | None = None
    library_lines: int | None = None

    @property
    def summary(self) -> str:
        """The one-line figure.

        For example ``your code: 25 lines; libraries: 190,000 lines in 21 packages``.
        """
        own = f"{self.own_lines:,} lines" if self.own_lines is not None else "unknown"
        count = len(self.packages)
        packages = f"{count} package" + ("" if count == 1 else "s")
        if self.library_lines is not None:
            libs = f"{self.library_lines:,} lines in {packages}"
        else:
            libs = f"{packages} (line count needs a build or deployment zip)"
        return f"your code: {own}; libraries: {libs}"
