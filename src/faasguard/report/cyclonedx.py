"""CycloneDX SBOM output (spec 1.6), made with cyclonedx-python-lib.

Structure: the scanned application is the BOM's subject; each function is a nested component
of type ``application`` holding one component list: the libraries it ships (its layers'
included), with package URLs. The dependency graph links application -> functions -> packages,
and known vulnerabilities are listed in ``vulnerabilities``, each ``affects`` naming the library
component of every function that ships the vulnerable version. One application gives one BOM;
several give one BOM per application (:func:`render_cyclonedx_boms`), and the single-document
form nests the applications under the scanned folder.

faasguard's own facts travel as properties in its namespace: ``faasguard:manifest`` (where a
library was read), ``faasguard:imported``, ``faasguard:specifier`` (a declared range),
``faasguard:layer`` and ``faasguard:external-layer`` on a function, and ``faasguard:notice`` in
the metadata (for example "vulnerabilities were NOT checked"), so a BOM with no
vulnerabilities never hides that none were looked up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cyclonedx.model import Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.vulnerability import (
    BomTarget,
    Vulnerability,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilityScoreSource,
    VulnerabilitySeverity,
    VulnerabilitySource,
)
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from faasguard._version import __version__
from faasguard.deps.inventory import FunctionDependencies, ShippedPackage
from faasguard.engine import ScanResult
from faasguard.findings import Finding
from faasguard.model import Application

__all__ = ["render_cyclonedx", "render_cyclonedx_boms"]

SCHEMA = SchemaVersion.V1_6
_OSV_URL = "https://osv.dev/vulnerability/"
_SEVERITY = {
    "critical": VulnerabilitySeverity.CRITICAL,
    "high": VulnerabilitySeverity.HIGH,
    "medium": VulnerabilitySeverity.MEDIUM,
    "low": VulnerabilitySeverity.LOW,
    "none": VulnerabilitySeverity.NONE,
}
_CVSS_METHOD = {
    "CVSS:4.0": VulnerabilityScoreSource.CVSS_V4,
    "CVSS:3.1": VulnerabilityScoreSource.CVSS_V3_1,
    "CVSS:3.0": VulnerabilityScoreSource.CVSS_V3,
}

#: (application, ecosystem, name, version) of a shipped library.
_PackageKey = tuple[str, str, str, str | None]


@dataclass(slots=True)
class _Refs:
    """Library bom-refs per shipped package, and the function each belongs to."""

    by_package: dict[_PackageKey, list[tuple[str, str]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def unique(self, ref: str) -> str:
        """``ref``, or ``ref#2``, ``ref#3``... when two applications share a name."""
        candidate, n = ref, 1
        while candidate in self.used:
            n += 1
            candidate = f"{ref}#{n}"
        self.used.add(candidate)
        return candidate

    def add(self, deps: FunctionDependencies, pkg: ShippedPackage, ref: str) -> None:
        key = (deps.application, pkg.ecosystem, pkg.name, pkg.version)
        self.by_package.setdefault(key, []).append((deps.function, ref))

    def of(self, finding: Finding) -> list[str]:
        pkg = finding.package
        if pkg is None:
            return []
        found = self.by_package.get((finding.application, pkg.ecosystem, pkg.name, pkg.version))
        return [
            ref
            for function, ref in found or ()
            if finding.function is None or function == finding.function
        ]


def _purl(pkg: ShippedPackage) -> PackageURL:
    if pkg.ecosystem == "npm":
        namespace, _, name = (
            pkg.name.rpartition("/") if pkg.name.startswith("@") else ("", "", pkg.name)
        )
        return PackageURL("npm", namespace or None, name, pkg.version)
    return PackageURL("pypi", None, pkg.name, pkg.version)


def _package_ref(pkg: ShippedPackage, owner: str) -> str:
    return f"{owner}|{_purl(pkg).to_string()}"


def _library(pkg: ShippedPackage, owner: str) -> Component:
    properties = [Property(name="faasguard:manifest", value=pkg.manifest)]
    if pkg.imported is not None:
        properties.append(
            Property(name="faasguard:imported", value="true" if pkg.imported else "false")
        )
    if pkg.version is None and pkg.specifier:
        properties.append(Property(name="faasguard:specifier", value=pkg.specifier))
    return Component(
        name=pkg.name,
        version=pkg.version,
        type=ComponentType.LIBRARY,
        purl=_purl(pkg),
        bom_ref=_package_ref(pkg, owner),
        properties=properties,
    )


def _function_component(
    deps: FunctionDependencies, refs: _Refs
) -> tuple[Component, list[Component]]:
    owner = refs.unique(f"function:{deps.application}/{deps.function}")
    properties = [Property(name="faasguard:layer", value=layer.content) for layer in deps.layers]
    properties += [
        Property(name="faasguard:external-layer", value=layer) for layer in deps.external_layers
    ]
    fn = Component(
        name=deps.function,
        type=ComponentType.APPLICATION,
        bom_ref=owner,
        properties=properties,
    )
    libs = []
    for pkg in deps.packages:
        lib = _library(pkg, owner)
        fn.components.add(lib)
        libs.append(lib)
        refs.add(deps, pkg, str(lib.bom_ref))
    return fn, libs


def _ratings(finding: Finding) -> list[VulnerabilityRating]:
    vuln = finding.vulnerability
    if vuln is None:
        return []
    ratings = []
    severity = _SEVERITY.get(vuln.severity or "")
    if severity is not None:
        ratings.append(
            VulnerabilityRating(source=VulnerabilitySource(name="OSV"), severity=severity)
        )
    for vector in vuln.cvss:
        method = _CVSS_METHOD.get(vector.split("/", 1)[0])
        if method is not None:
            ratings.append(VulnerabilityRating(method=method, vector=vector))
    return ratings


def _vulnerabilities(findings: Iterable[Finding], refs: _Refs) -> list[Vulnerability]:
    result: dict[str, Vulnerability] = {}
    for finding in findings:
        vuln = finding.vulnerability
        targets = refs.of(finding)
        if vuln is None or not targets:
            continue
        entry = result.get(vuln.id)
        if entry is None:
            entry = Vulnerability(
                bom_ref=f"vuln:{vuln.id}",
                id=vuln.id,
                source=VulnerabilitySource(name="OSV", url=_osv_url(vuln.id)),
                references=[
                    VulnerabilityReference(
                        id=alias, source=VulnerabilitySource(name="OSV", url=_osv_url(alias))
                    )
                    for alias in vuln.aliases
                ],
                ratings=_ratings(finding),
                description=vuln.summary or None,
                recommendation=finding.remediation,
            )
            result[vuln.id] = entry
        for ref in targets:
            entry.affects.add(BomTarget(ref=ref))
    return [result[k] for k in sorted(result)]


def _osv_url(vuln_id: str) -> XsUri:
    return XsUri(_OSV_URL + vuln_id)


def _bom(
    subject: Component,
    apps: list[tuple[Component, list[FunctionDependencies]]],
    findings: Iterable[Finding],
    notices: Iterable[str],
    refs: _Refs,
) -> Bom:
    bom = Bom()
    bom.metadata.component = subject
    bom.metadata.tools.components.add(
        Component(name="faasguard", version=__version__, type=ComponentType.APPLICATION)
    )
    for notice in notices:
        bom.metadata.properties.add(Property(name="faasguard:notice", value=notice))
    # The dependency graph is built here in one pass: Bom.register_dependency searches every
    # registered node on each call, which made 2,400 applications take 14 minutes.
    graph: list[tuple[Component, list[Component]]] = []
    app_children: list[Component] = []
    for app_component, functions in apps:
        fn_components = []
        for deps in functions:
            fn, libs = _function_component(deps, refs)
            fn_components.append(fn)
            graph.append((fn, libs))
        if app_component is subject:
            for fn in fn_components:
                bom.components.add(fn)
            graph.append((subject, fn_components))
        else:
            for fn in fn_components:
                app_component.components.add(fn)
            bom.components.add(app_component)
            graph.append((app_component, fn_components))
            app_children.append(app_component)
    if app_children:
        graph.append((subject, app_children))
    bom.dependencies.update(_dependency_nodes(graph))
    for vuln in _vulnerabilities(findings, refs):
        bom.vulnerabilities.add(vuln)
    return bom


def _dependency_nodes(graph: list[tuple[Component, list[Component]]]) -> list[Dependency]:
    """One node per component named in ``graph``, with the edges of each, as CycloneDX lists them.

    Every component that something depends on gets a node too (empty when it depends on
    nothing), as ``Bom.register_dependency`` would have added.
    """
    edges: dict[str, tuple[Component, dict[str, Component]]] = {}
    for target, depends_on in graph:
        _, children = edges.setdefault(target.bom_ref.value or "", (target, {}))
        for child in depends_on:
            children[child.bom_ref.value or ""] = child
            edges.setdefault(child.bom_ref.value or "", (child, {}))
    return [
        Dependency(
            ref=target.bom_ref,
            dependencies=[Dependency(ref=child.bom_ref) for child in children.values()],
        )
        for target, children in edges.values()
    ]


def _serialise(bom: Bom) -> str:
    return make_outputter(bom, OutputFormat.JSON, SCHEMA).output_as_string(indent=2) + "\n"


def _deps_by_app(result: ScanResult) -> dict[str, list[FunctionDependencies]]:
    """Each application's dependency inventories, grouped once for the whole scan."""
    deps_of: dict[str, list[FunctionDependencies]] = {}
    for deps in result.dependencies:
        deps_of.setdefault(deps.application, []).append(deps)
    return deps_of


def _functions_of(
    deps_of: dict[str, list[FunctionDependencies]], app: Application
) -> list[FunctionDependencies]:
    names = {fn.name for fn in app.functions}
    return [d for d in deps_of.get(app.name, []) if d.function in names]


def _app_component(app: Application, refs: _Refs) -> Component:
    return Component(
        name=app.name,
        type=ComponentType.APPLICATION,
        bom_ref=refs.unique(f"application:{app.name}"),
        properties=[Property(name="faasguard:template", value=app.file)],
    )


def render_cyclonedx_boms(result: ScanResult) -> dict[str, str]:
    """Return one serialised BOM per application.

    Keys are application names, made unique with ``-2``, ``-3``... when two applications share
    a name (two SAM templates in folders of the same name).
    """
    boms: dict[str, str] = {}
    findings_of: dict[str, list[Finding]] = {}
    for finding in result.findings:
        findings_of.setdefault(finding.application, []).append(finding)
    deps_of = _deps_by_app(result)
    for app in result.applications:
        refs = _Refs()
        subject = _app_component(app, refs)
        findings = findings_of.get(app.name, [])
        functions = _functions_of(deps_of, app)
        bom = _bom(subject, [(subject, functions)], findings, result.notices, refs)
        key, n = app.name, 1
        while key in boms:
            n += 1
            key = f"{app.name}-{n}"
        boms[key] = _serialise(bom)
    return boms


def render_cyclonedx(result: ScanResult) -> str:
    """Return one BOM: the application's, or the scanned folder's with applications nested."""
    if len(result.applications) == 1:
        return next(iter(render_cyclonedx_boms(result).values()))
    refs = _Refs()
    subject = Component(
        name=result.root, type=ComponentType.APPLICATION, bom_ref=refs.unique("scan")
    )
    deps_of = _deps_by_app(result)
    apps = [(_app_component(app, refs), _functions_of(deps_of, app)) for app in result.applications]
    return _serialise(_bom(subject, apps, result.findings, result.notices, refs))
