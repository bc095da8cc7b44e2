"""CycloneDX SBOM output (spec 1.6), made with cyclonedx-python-lib.

Structure: the scanned application is the BOM's subject; each function is a nested component
of type ``application`` holding one component list: the libraries it ships, with package URLs.
The dependency graph links application -> functions -> packages, and known vulnerabilities are
listed in ``vulnerabilities`` with the affected package. One application gives one BOM; several
give one BOM per application (:func:`render_cyclonedx_boms`), and the single-document form nests
the applications under the scanned folder.
"""

from __future__ import annotations

from collections.abc import Iterable

from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.vulnerability import (
    BomTarget,
    Vulnerability,
    VulnerabilitySource,
)
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from faasguard.deps.inventory import FunctionDependencies, ShippedPackage
from faasguard.engine import ScanResult
from faasguard.findings import Finding

__all__ = ["render_cyclonedx", "render_cyclonedx_boms"]

SCHEMA = SchemaVersion.V1_6


def _purl(pkg: ShippedPackage) -> PackageURL:
    if pkg.ecosystem == "npm":
        namespace, _, name = (
            pkg.name.rpartition("/") if pkg.name.startswith("@") else ("", "", pkg.name)
        )
        return PackageURL("npm", namespace or None, name, pkg.version)
    return PackageURL("pypi", None, pkg.name, pkg.version)


def _package_ref(pkg: ShippedPackage, owner: str) -> str:
    return f"{owner}|{_purl(pkg).to_string()}"


def _function_component(deps: FunctionDependencies) -> tuple[Component, list[Component]]:
    owner = f"function:{deps.application}/{deps.function}"
    fn = Component(name=deps.function, type=ComponentType.APPLICATION, bom_ref=owner)
    libs = []
    for pkg in deps.packages:
        lib = Component(
            name=pkg.name,
            version=pkg.version or "",
            type=ComponentType.LIBRARY,
            purl=_purl(pkg),
            bom_ref=_package_ref(pkg, owner),
        )
        fn.components.add(lib)
        libs.append(lib)
    return fn, libs


def _vulnerabilities(
    findings: Iterable[Finding], refs: dict[tuple[str, str, str, str], str]
) -> list[Vulnerability]:
    result: dict[str, Vulnerability] = {}
    for finding in findings:
        vuln, pkg = finding.vulnerability, finding.package
        if vuln is None or pkg is None or finding.function is None:
            continue
        ref = refs.get((finding.application, finding.function, pkg.ecosystem, pkg.name))
        if ref is None:
            continue
        entry = result.get(vuln.id)
        if entry is None:
            entry = Vulnerability(
                bom_ref=f"vuln:{vuln.id}",
                id=vuln.id,
                source=VulnerabilitySource(name="OSV"),
                description=vuln.summary or None,
                recommendation=finding.remediation,
            )
            result[vuln.id] = entry
        entry.affects.add(BomTarget(ref=ref))
    return [result[k] for k in sorted(result)]


def _bom(
    subject: Component,
    apps: list[tuple[Component, list[FunctionDependencies]]],
    findings: Iterable[Finding],
) -> Bom:
    bom = Bom()
    bom.metadata.component = subject
    refs: dict[tuple[str, str, str, str], str] = {}
    app_children: list[Component] = []
    for app_component, functions in apps:
        fn_components = []
        for deps in functions:
            fn, libs = _function_component(deps)
            fn_components.append(fn)
            bom.register_dependency(fn, libs)
            for pkg, lib in zip(deps.packages, libs, strict=True):
                refs[(deps.application, deps.function, pkg.ecosystem, pkg.name)] = str(lib.bom_ref)
        if app_component is subject:
            for fn in fn_components:
                bom.components.add(fn)
            bom.register_dependency(subject, fn_components)
        else:
            for fn in fn_components:
                app_component.components.add(fn)
            bom.components.add(app_component)
            bom.register_dependency(app_component, fn_components)
            app_children.append(app_component)
    if app_children:
        bom.register_dependency(subject, app_children)
    for vuln in _vulnerabilities(findings, refs):
        bom.vulnerabilities.add(vuln)
    return bom


def _serialise(bom: Bom) -> str:
    return make_outputter(bom, OutputFormat.JSON, SCHEMA).output_as_string(indent=2) + "\n"


def _by_app(result: ScanResult, app: str) -> list[FunctionDependencies]:
    return [d for d in result.dependencies if d.application == app]


def render_cyclonedx_boms(result: ScanResult) -> dict[str, str]:
    """Return one serialised BOM per application, keyed by application name."""
    boms = {}
    for app in result.applications:
        subject = Component(
            name=app.name, type=ComponentType.APPLICATION, bom_ref=f"application:{app.name}"
        )
        findings = [f for f in result.findings if f.application == app.name]
        boms[app.name] = _serialise(_bom(subject, [(subject, _by_app(result, app.name))], findings))
    return boms


def render_cyclonedx(result: ScanResult) -> str:
    """Return one BOM: the application's, or the scanned folder's with applications nested."""
    if len(result.applications) == 1:
        return next(iter(render_cyclonedx_boms(result).values()))
    subject = Component(name=result.root, type=ComponentType.APPLICATION, bom_ref="scan")
    apps = [
        (
            Component(
                name=app.name, type=ComponentType.APPLICATION, bom_ref=f"application:{app.name}"
            ),
            _by_app(result, app.name),
        )
        for app in result.applications
    ]
    return _serialise(_bom(subject, apps, result.findings))
