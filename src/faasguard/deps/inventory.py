"""What each function ships: the per-function dependency inventory.

The SBOM, the JSON report and the "your code vs. libraries" line are all views of this one
record, which the dependency analyzer builds once per function.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FunctionDependencies", "LayerDependencies", "ShippedPackage"]


@dataclass(frozen=True, slots=True)
class ShippedPackage:
    """One third-party package a function ships.

    Attributes:
        name: normalised name (PEP 503 for PyPI, lower case for npm).
        version: exact version, or None when only a range is declared.
        ecosystem: ``PyPI`` or ``npm``.
        manifest: the manifest, lockfile or artifact it was read from; a layer's packages name
            the layer's files (``layers/common/requirements.txt``), so the path tells where a
            package comes from.
        line: line in the manifest, when known.
        direct: a direct dependency of the function's project (None when unknown).
        imported: the handler's import closure imports it (None when the handler is unknown).
        source: ``lockfile``, ``declared`` (a range in a manifest), ``build`` (installed in a
            build or layer folder) or ``archive`` (installed in a zip).
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
class LayerDependencies:
    """A layer defined in the project whose content was read for a function.

    Attributes:
        id: the layer's logical id (``CommonLayer``, ``CommonLambdaLayer``).
        content: the layer's folder or zip, relative to the scan root.
        manifests: the layer's manifests and lockfiles.
        artifact: the build folder, layer folder or zip whose installed packages were read,
            when it holds any (they win over the manifests, as for a function).
    """

    id: str
    content: str
    manifests: tuple[str, ...] = ()
    artifact: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionDependencies:
    """Everything one function ships besides its own code.

    Attributes:
        application: the application name.
        function: the logical function name.
        manifests: manifests and lockfiles attributed to the function, its layers' included.
        artifact: the function's build folder or archive read, when one was present.
        packages: every package, its layers' included, sorted by ecosystem and name.
        own_lines: non-blank lines of the function's own code (its import closure, or the
            artifact's non-library files), None when unknown.
        library_lines: non-blank lines of third-party code, None unless the function and each
            of its local layers have a build, a zip or installed packages to count.
        layers: the layers defined in the project that the function uses, in order.
        external_layers: layers whose content is not in the project and stays unknown: ARNs
            as written, unresolved references (``!Ref LayerArnParameter``), and the logical
            ids of template layers whose content is in S3 or missing.
    """

    application: str
    function: str
    manifests: tuple[str, ...] = ()
    artifact: str | None = None
    packages: tuple[ShippedPackage, ...] = ()
    own_lines: int | None = None
    library_lines: int | None = None
    layers: tuple[LayerDependencies, ...] = ()
    external_layers: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The one-line figure.

        For example ``your code: 25 lines; libraries: 190,000 lines in 21 packages``, with
        ``; 1 external layer not inspected`` appended when a layer's content is unknown.
        """
        own = f"{self.own_lines:,} lines" if self.own_lines is not None else "unknown"
        count = len(self.packages)
        packages = f"{count} package" + ("" if count == 1 else "s")
        if self.library_lines is not None:
            libs = f"{self.library_lines:,} lines in {packages}"
        else:
            libs = f"{packages} (line count needs a build or deployment zip)"
        text = f"your code: {own}; libraries: {libs}"
        if self.external_layers:
            n = len(self.external_layers)
            text += f"; {n} external layer{'' if n == 1 else 's'} not inspected"
        return text
