"""The dependency analyzer: per-function inventory, vulnerability findings, unpinned findings.

It runs after the rules on each application (see :class:`faasguard.engine.Analyzer`). It never
drops a finding for want of data: with no vulnerability data at all, the inventory and the
unpinned findings are still produced and the CLI says clearly that vulnerabilities were not
checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from faasguard.code.codebase import codebase_for
from faasguard.deps.artifacts import ArtifactContents, count_code_lines
from faasguard.deps.attribution import FunctionShipment, ManifestCache, shipment_for
from faasguard.deps.inventory import FunctionDependencies, LayerDependencies, ShippedPackage
from faasguard.deps.manifests import Dependency
from faasguard.deps.platforms import windows_only
from faasguard.deps.reachability import ImportClosure, closure_of, python_import_names
from faasguard.deps.vulns import (
    Affected,
    MatchedVulnerability,
    PackageQuery,
    SeverityLevel,
    StoreSource,
    VulnerabilityDataError,
    VulnerabilitySource,
    smallest_fix,
)
from faasguard.findings import Confidence, Finding, PackageRef, Severity, VulnerabilityRef
from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadIssue
from faasguard.model import Application
from faasguard.rules.registry import rule_by_name

if TYPE_CHECKING:
    from faasguard.deps.vulns import RetryPolicy

__all__ = ["DependencyAnalyzer", "build_dependency_analyzer"]

_LEVEL = {
    SeverityLevel.CRITICAL: Severity.CRITICAL,
    SeverityLevel.HIGH: Severity.HIGH,
    SeverityLevel.MEDIUM: Severity.MEDIUM,
    SeverityLevel.LOW: Severity.LOW,
}


@dataclass(frozen=True, slots=True)
class _Shipped:
    """One package of one function, before matching."""

    package: ShippedPackage
    function: str
    parents: tuple[str, ...]


class DependencyAnalyzer:
    """Builds inventories and dependency findings; one instance serves a whole scan.

    When the vulnerability source fails (the OSV API unreachable, a store that cannot be read),
    the failure is remembered, later applications are not sent to the same source again, and
    :attr:`errors` says which applications were not checked; everything else is still produced.

    Args:
        source: where vulnerabilities are looked up; None when there is no data (no matching).
    """

    def __init__(self, source: VulnerabilitySource | None) -> None:
        self.source = source
        self._failure: str | None = None
        self._unchecked: list[str] = []
        self._cache: ManifestCache | None = None

    def _cache_for(self, fs: ScanFS) -> ManifestCache:
        """One manifest cache per scan: folders, manifests and archives are read once.

        Per application it was once per template, so a monorepo of templates sharing one code
        folder walked and parsed it again for each.
        """
        if self._cache is None or self._cache.fs is not fs:
            self._cache = ManifestCache(fs)
        return self._cache

    @property
    def errors(self) -> list[str]:
        """Why vulnerabilities were not checked (empty when every lookup succeeded)."""
        if self._failure is None:
            return []
        apps = ", ".join(f"`{name}`" for name in self._unchecked)
        # The OSV API client, tested by its attribute: importing its class would load the
        # network stack into every offline scan.
        api_url = getattr(self.source, "base_url", None)
        if isinstance(api_url, str):
            where = f"OSV API at {api_url}"
            advice = (
                "Scan again when the API is reachable, or scan offline from a local store "
                "(`faasguard db update`, then without `--online`)."
            )
        else:
            where = "offline vulnerability store"
            advice = "Rebuild the store with `faasguard db update` (or `faasguard db import`)."
        return [
            f"Vulnerability lookup failed ({where}): {self._failure}. Dependencies of {apps} "
            "were NOT checked for known vulnerabilities; the inventory and unpinned-dependency "
            f"findings are complete. {advice}"
        ]

    def analyze(
        self, app: Application, fs: ScanFS
    ) -> Iterator[Finding | LoadIssue | FunctionDependencies]:
        """Yield the inventory of every function, then findings and load issues."""
        cache = self._cache_for(fs)
        shipments = [shipment_for(fs, app, fn, cache) for fn in app.functions]
        shipped: list[_Shipped] = []
        for shipment in shipments:
            fn = shipment.function
            # The code layer's closure: parsed once per scan, shared with the code analyses.
            closure = (
                closure_of(codebase_for(fs).function_code(app, fn))
                if fn.handler_file or fn.inline_code is not None
                else None
            )
            packages = list(self._packages(shipment, closure))
            shipped.extend(packages)
            yield self._inventory(fs, app, shipment, closure, [p.package for p in packages])
        yield from cache.drain_issues()
        yield from self._unpinned(app, shipments)
        yield from self._vulnerabilities(app, shipped)

    # -- inventory ---------------------------------------------------------------------------

    def _packages(
        self, shipment: FunctionShipment, closure: ImportClosure | None
    ) -> Iterator[_Shipped]:
        raw = _raw_packages(shipment.artifact, shipment.dependencies)
        top_levels = dict(shipment.artifact.top_levels) if shipment.artifact else {}
        for layer in shipment.layers:
            raw.extend(_raw_packages(layer.artifact, layer.dependencies))
            if layer.artifact is not None:
                top_levels.update(layer.artifact.top_levels)
        imported = _imported(raw, closure, top_levels)
        for shipped, parents in raw:
            flag = None if imported is None else shipped.name in imported
            yield _Shipped(replace(shipped, imported=flag), shipment.function.name, parents)

    def _inventory(
        self,
        fs: ScanFS,
        app: Application,
        shipment: FunctionShipment,
        closure: ImportClosure | None,
        packages: list[ShippedPackage],
    ) -> FunctionDependencies:
        fn = shipment.function
        artifact = shipment.artifact
        own: int | None
        if artifact is not None:
            own = artifact.own_lines
        elif closure is not None:
            own = count_code_lines(fs, closure.files)
        else:
            own = None
        library: int | None = None
        if artifact is not None and all(layer.artifact for layer in shipment.layers):
            library = artifact.library_lines + sum(
                layer.artifact.library_lines for layer in shipment.layers if layer.artifact
            )
        unique = {(p.ecosystem, p.name, p.version): p for p in packages}
        manifests = [m.manifest for m in shipment.manifests]
        for layer in shipment.layers:
            manifests.extend(m.manifest for m in layer.manifests if m.manifest not in manifests)
        return FunctionDependencies(
            application=app.name,
            function=fn.name,
            manifests=tuple(manifests),
            artifact=artifact.source if artifact else None,
            packages=tuple(sorted(unique.values(), key=lambda p: (p.ecosystem, p.name))),
            own_lines=own,
            library_lines=library,
            layers=tuple(
                LayerDependencies(
                    layer.id,
                    layer.content,
                    tuple(m.manifest for m in layer.manifests),
                    layer.artifact.source if layer.artifact else None,
                )
                for layer in shipment.layers
            ),
            external_layers=shipment.external_layers,
        )

    # -- findings ----------------------------------------------------------------------------

    def _unpinned(self, app: Application, shipments: list[FunctionShipment]) -> Iterator[Finding]:
        rule = rule_by_name("unpinned-dependency")
        users: dict[tuple[str, int | None, str], list[str]] = defaultdict(list)
        specs: dict[tuple[str, int | None, str], str] = {}
        for shipment in shipments:
            declared = [
                *shipment.declared_unpinned,
                *(d for layer in shipment.layers for d in layer.declared_unpinned),
            ]
            for dep in declared:
                key = (dep.manifest, dep.line, dep.name)
                if shipment.function.name not in users[key]:
                    users[key].append(shipment.function.name)
                specs[key] = dep.specifier or (
                    "a VCS or URL reference"
                    if dep.source in ("vcs", "url", "path")
                    else "any version"
                )
        for (manifest, line, name), functions in sorted(users.items(), key=_key_sort):
            spec = specs[(manifest, line, name)]
            yield Finding.create(
                rule_id=rule.id,
                rule_name=rule.name,
                category=rule.category,
                severity=rule.severity,
                confidence=rule.confidence,
                title=rule.title,
                message=(
                    f"`{name}` is declared as `{spec}` in {manifest} and no lockfile pins "
                    f"it: each build may ship a different version "
                    f"({_shipped_by(functions)})."
                ),
                file=manifest,
                line=line,
                function=functions[0] if len(functions) == 1 else None,
                application=app.name,
                resource=None,
                evidence=f"{name} {spec}",
                remediation=(
                    f"Pin `{name}` to an exact version (`{name}==X.Y.Z` for pip, an "
                    "exact version for npm), or commit a lockfile next to "
                    f"{manifest.rsplit('/', 1)[-1]} and build from it."
                ),
                cwe=rule.cwe,
            )

    def _vulnerabilities(self, app: Application, shipped: list[_Shipped]) -> Iterator[Finding]:
        if self.source is None:
            return
        queries = {
            PackageQuery(s.package.ecosystem, s.package.name, s.package.version)
            for s in shipped
            if s.package.version
        }
        if not queries:
            return
        if self._failure is not None:
            # The source already failed in this scan: asking again would only wait again.
            self._unchecked.append(app.name)
            return
        try:
            matches = self.source.match(
                sorted(queries, key=lambda q: (q.ecosystem, q.name, q.version))
            )
        except VulnerabilityDataError as exc:
            self._failure = str(exc)
            self._unchecked.append(app.name)
            return
        groups: dict[tuple[str, str, str, str], list[_Shipped]] = defaultdict(list)
        for item in shipped:
            pkg = item.package
            if pkg.version:
                groups[(pkg.manifest, pkg.ecosystem, pkg.name, pkg.version)].append(item)
        rule = rule_by_name("vulnerable-dependency")
        for (manifest, ecosystem, name, version), items in sorted(groups.items()):
            query = PackageQuery(ecosystem, name, version)
            found = matches.get(query, ())
            if not found:
                continue
            fix = self._smallest_fix(query, found)
            functions = sorted({i.function for i in items})
            importers = sorted({i.function for i in items if i.package.imported})
            imported: bool | None = (
                bool(importers) if any(i.package.imported is not None for i in items) else None
            )
            for vuln in found:
                yield self._vuln_finding(
                    rule_id=rule.id,
                    app=app,
                    manifest=manifest,
                    items=items,
                    functions=functions,
                    importers=importers,
                    imported=imported,
                    vuln=vuln,
                    fix=fix,
                )

    def _smallest_fix(
        self, query: PackageQuery, found: tuple[MatchedVulnerability, ...]
    ) -> str | None:
        avoid: tuple[Affected, ...] = ()
        if isinstance(self.source, StoreSource):
            try:
                avoid = self.source.affected_entries(query.ecosystem, query.name)
            except VulnerabilityDataError:
                avoid = ()
        return smallest_fix(query, found, avoid=avoid)

    def _vuln_finding(
        self,
        *,
        rule_id: str,
        app: Application,
        manifest: str,
        items: list[_Shipped],
        functions: list[str],
        importers: list[str],
        imported: bool | None,
        vuln: MatchedVulnerability,
        fix: str | None,
    ) -> Finding:
        rule = rule_by_name("vulnerable-dependency")
        pkg = items[0].package
        aliases = tuple(sorted((set(vuln.aliases) | set(vuln.record_ids)) - {vuln.id}))
        severity = _LEVEL.get(vuln.level, Severity.MEDIUM) if vuln.level else Severity.MEDIUM
        other_platform = windows_only(vuln.summary, vuln.details)
        if other_platform:
            severity = Severity.LOW
        alias_text = f" ({', '.join(aliases)})" if aliases else ""
        reach = (
            "imported by the handler of " + ", ".join(f"`{f}`" for f in importers)
            if importers
            else "not imported by any handler's own code"
            if imported is False
            else "import status unknown (handler not found)"
        )
        message = (
            f"{pkg.name} {pkg.version} in {manifest} is affected by {vuln.id}{alias_text}: "
            f"{_sentence(vuln.summary or 'no summary')} {_upper_first(_shipped_by(functions))}; "
            f"{reach}."
        )
        if other_platform:
            message += (
                " The advisory applies only on Windows (its own text says so) and Lambda runs "
                "Linux, so it is reported at low severity."
            )
        if fix:
            remediation = (
                f"Upgrade {pkg.name} to {fix} or later in {manifest}: the smallest "
                f"version that fixes every known vulnerability of {pkg.name} "
                f"{pkg.version}."
            )
        elif vuln.fixed_in:
            remediation = (
                f"Upgrade {pkg.name} to {vuln.fixed_in[0]} or later (fixes "
                f"{vuln.id}); later versions have other known vulnerabilities, "
                "so check the newest release."
            )
        else:
            remediation = (
                f"No fixed version of {pkg.name} is known for {vuln.id}: remove or "
                "replace the package, or make sure the vulnerable code path cannot "
                "be reached from event data."
            )
        return Finding.create(
            rule_id=rule_id,
            rule_name=rule.name,
            category=rule.category,
            severity=severity,
            confidence=Confidence.LOW if other_platform else rule.confidence,
            title=rule.title,
            message=message,
            file=manifest,
            line=pkg.line,
            function=functions[0] if len(functions) == 1 else None,
            application=app.name,
            resource=None,
            evidence=f"{pkg.name}=={pkg.version}",
            remediation=remediation,
            cwe=rule.cwe,
            package=PackageRef(pkg.name, pkg.version, pkg.ecosystem, manifest, imported),
            vulnerability=VulnerabilityRef(
                id=vuln.id,
                aliases=aliases,
                summary=vuln.summary or "",
                severity=vuln.level.value if vuln.level else None,
                cvss=tuple(s.score for s in vuln.severity if s.type.startswith("CVSS")),
                fixed_in=vuln.fixed_in,
            ),
            fingerprint_extra=vuln.id,
        )


def _key_sort(item: tuple[tuple[str, int | None, str], list[str]]) -> tuple[str, int, str]:
    (manifest, line, name), _ = item
    return (manifest, line or 0, name)


def _sentence(text: str) -> str:
    """End a summary with one full stop (summaries come with ".", "…" or nothing)."""
    text = text.rstrip()
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shipped_by(functions: list[str]) -> str:
    if len(functions) == 1:
        return f"shipped by `{functions[0]}`"
    shown = ", ".join(f"`{f}`" for f in functions[:8])
    more = f" and {len(functions) - 8} more" if len(functions) > 8 else ""
    return f"shipped by {len(functions)} functions: {shown}{more}"


def _raw_packages(
    artifact: ArtifactContents | None, dependencies: tuple[Dependency, ...]
) -> list[tuple[ShippedPackage, tuple[str, ...]]]:
    """Packages with their lockfile parents: installed ones when there are any, else declared."""
    raw: list[tuple[ShippedPackage, tuple[str, ...]]] = []
    if artifact is not None and artifact.packages:
        in_zip = artifact.source.endswith(".zip")
        for pkg in artifact.packages:
            manifest = artifact.source if in_zip else f"{artifact.source}/{pkg.path}"
            source = "archive" if in_zip else "build"
            raw.append(
                (ShippedPackage(pkg.name, pkg.version, pkg.ecosystem, manifest, source=source), ())
            )
        return raw
    for dep in dependencies:
        kind = "declared" if dep.specifier and dep.version is None else "lockfile"
        raw.append(
            (
                ShippedPackage(
                    dep.name,
                    dep.version,
                    dep.ecosystem,
                    dep.manifest,
                    dep.line,
                    dep.direct,
                    source=kind,
                    specifier=dep.specifier,
                ),
                dep.parents,
            )
        )
    return raw


def _imported(
    raw: list[tuple[ShippedPackage, tuple[str, ...]]],
    closure: ImportClosure | None,
    top_levels: dict[str, tuple[str, ...]],
) -> set[str] | None:
    """Names of packages the handler imports, directly or through an imported package.

    A package is imported when the closure imports one of its import names, or when one of the
    packages that depend on it (its lockfile ``parents``) is imported.
    """
    if closure is None:
        return None
    imported = set()
    for pkg, _ in raw:
        if pkg.ecosystem == "npm":
            if pkg.name in closure.npm_packages:
                imported.add(pkg.name)
        else:
            names = top_levels.get(pkg.name) or python_import_names(pkg.name)
            if set(names) & closure.python_modules:
                imported.add(pkg.name)
    parents = {pkg.name: set(p) for pkg, p in raw}
    changed = True
    while changed:  # fixpoint over the dependency graph (bounded by the package count)
        changed = False
        for name, its_parents in parents.items():
            if name not in imported and its_parents & imported:
                imported.add(name)
                changed = True
    return imported


def build_dependency_analyzer(
    *,
    db_path: Path | None,
    online: bool,
    api_url: str | None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
) -> tuple[DependencyAnalyzer, list[str]]:
    """Create the analyzer for a scan and the notices the report must carry up front.

    Offline (the default), the local store is used when it exists; a missing or empty store
    means no matching, said plainly, and data older than 7 days gets a refresh hint. Online,
    the OSV API is queried (records cached in the store when one exists).

    Args:
        db_path: the store; None for the default one.
        online: query the OSV API instead of matching offline.
        api_url: the API root; None for the public OSV API.
        timeout: seconds for connecting and each read online; None for the client's default.
        retry: retries of transient failures online; None for the client's default.
    """
    from faasguard.deps.vulns import Store, default_db_path

    path = db_path or default_db_path()
    notices: list[str] = []
    if online:
        from faasguard.deps.vulns import DEFAULT_API_URL, OsvApiSource

        store = Store(path) if path.exists() else None
        client = (
            OsvApiSource(base_url=api_url or DEFAULT_API_URL, store=store, retry=retry)
            if timeout is None
            else OsvApiSource(
                base_url=api_url or DEFAULT_API_URL, store=store, timeout=timeout, retry=retry
            )
        )
        return DependencyAnalyzer(client), notices
    if not path.exists():
        notices.append(_no_data(path))
        return DependencyAnalyzer(None), notices
    store = Store(path)
    updates = store.last_updates()
    if updates is None:
        store.close()
        notices.append(_no_data(path))
        return DependencyAnalyzer(None), notices
    now = datetime.now(timezone.utc)
    for ecosystem, last_update in sorted(updates.items()):
        age = now - last_update
        if age.days >= 7:
            notices.append(
                f"{ecosystem} vulnerability data is {age.days} days old (last "
                f"update {last_update:%Y-%m-%d}); refresh it with "
                "`faasguard db update` (or `faasguard db import FILE.zip` offline)."
            )
    return DependencyAnalyzer(StoreSource(store)), notices


def _no_data(path: Path) -> str:
    return (
        f"No vulnerability data in {path}: dependencies were NOT checked for known "
        "vulnerabilities. Run `faasguard db update`, or `faasguard db import "
        "PyPI-all.zip` offline, or scan with `--online`."
    )
