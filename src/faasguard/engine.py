"""The scan engine: discover templates, load them, run every rule, apply suppressions.

It owns traversal so rules stay pure: a rule that raises becomes a ``tool.rule-crashed``
finding and the scan goes on; a file that cannot be loaded becomes a ``tool.*`` finding. No
exception from scanned input reaches the caller.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from faasguard.config import Config
from faasguard.errors import LoadError
from faasguard.findings import Finding, Suppressed
from faasguard.floods import fold_floods
from faasguard.fs import ScanFS
from faasguard.loaders.discovery import TemplateRef, classify, discover
from faasguard.loaders.interface import (
    IssueKind,
    Loader,
    LoadIssue,
    LoadOptions,
    LoadResult,
    issue_from_error,
)
from faasguard.model import Api, Application, Function, Location, Resource, Role
from faasguard.rules.interface import (
    ApiRule,
    ApplicationRule,
    FunctionRule,
    ResourceRule,
    RoleRule,
    Rule,
    RuleContext,
    RuleOptions,
)
from faasguard.rules.registry import all_rules, rule_by_name

if TYPE_CHECKING:
    from faasguard.code.edge.inventory import FunctionEgress
    from faasguard.deps.inventory import FunctionDependencies
    from faasguard.iam.needed.compare import FunctionPermissions

__all__ = [
    "Analyzer",
    "Enricher",
    "ScanResult",
    "enabled_rules",
    "gc_paused",
    "partition_findings",
    "rule_options",
    "scan",
    "scan_applications",
]

#: Which tool rule reports each kind of load issue.
_ISSUE_RULES = {
    IssueKind.PARSE_ERROR: "parse-error",
    IssueKind.OUTSIDE_ROOT: "reference-outside-root",
    IssueKind.UNSUPPORTED: "unsupported-template",
    IssueKind.DUPLICATE_KEY: "duplicate-key",
    IssueKind.UNRESOLVED: "unresolved-reference",
    IssueKind.UNSAFE_ARCHIVE: "unsafe-archive",
    IssueKind.NOT_A_TEMPLATE: "parse-error",
    IssueKind.UNSUPPORTED_APPLICATION: "unsupported-application",
    IssueKind.BUDGET: "budget-exceeded",
    IssueKind.NOT_DEPLOYED: "not-deployed",
    IssueKind.MISSING_CONFIG: "missing-config",
}
_ISSUE_REMEDIATION = {
    IssueKind.PARSE_ERROR: "Fix the file so it parses; until then faasguard cannot check it.",
    IssueKind.OUTSIDE_ROOT: "Keep referenced files inside the project, or scan from a folder "
    "that contains them.",
    IssueKind.UNSUPPORTED: "Render the template to YAML or JSON (for example `serverless print "
    "> serverless.yml`) and scan that.",
    IssueKind.DUPLICATE_KEY: "Remove or rename the duplicate key: only its last value is deployed.",
    IssueKind.UNRESOLVED: "Fix the reference so it resolves (break the cycle, or define the "
    "missing value).",
    IssueKind.UNSAFE_ARCHIVE: "Rebuild the artifact from source with the framework's packaging "
    "(`sam build`, `serverless package`), do not commit build output, and find out where this "
    "archive came from.",
    IssueKind.NOT_A_TEMPLATE: "Name a template (or scan the folder): this file parses but has "
    "no template structure (`Resources` mapping logical ids to typed resources).",
    IssueKind.UNSUPPORTED_APPLICATION: "Produce a format faasguard reads, as the message says "
    "(for example `cdk synth`), and scan that; until then review this application with a tool "
    "for its format. `--on-unsupported any` fails the build on it (docs/cli.md).",
    IssueKind.BUDGET: "Remove the generated or hostile construct the message names; if a real "
    "project reaches a budget, report it with the figures (docs/budgets.md).",
    IssueKind.NOT_DEPLOYED: "Nothing to fix if this is intended; to check the function, scan "
    "with the parameters of the environment that deploys it (`--param Name=Value`).",
    IssueKind.MISSING_CONFIG: "Scan the configuration that is deployed: commit it (without "
    "secrets), or point faasguard at the copy the pipeline uses.",
}


class Analyzer(Protocol):
    """An analysis that runs after the rules on each application (dependencies, code...)."""

    def analyze(
        self, app: Application, fs: ScanFS
    ) -> Iterator[
        Finding | LoadIssue | FunctionDependencies | FunctionEgress | FunctionPermissions
    ]:
        """Yield findings, load issues and per-function inventories for one application."""
        ...


class Enricher(Protocol):
    """Adds to an application what only its code can tell, before the rules run.

    The function-to-function call graph is one: a function no trigger starts may be invoked
    by another function's code, and ``sprawl.unused-function`` must know it.
    """

    def enrich(self, app: Application, fs: ScanFS) -> Application:
        """Return ``app``, or a copy with what the code adds."""
        ...


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan produced; reporters are pure functions of it."""

    root: str
    applications: tuple[Application, ...]
    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...] = ()
    baselined: tuple[Finding, ...] = ()
    templates: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    rules: tuple[str, ...] = field(default=())
    dependencies: tuple[FunctionDependencies, ...] = ()
    egress: tuple[FunctionEgress, ...] = ()
    disabled_rules: tuple[str, ...] = ()
    config_sources: tuple[str, ...] = ()
    #: Granted versus needed per function, when a report asked the needed-permissions
    #: analysis for it (``NeededPermissionsAnalyzer(detail=True)``); empty otherwise.
    permissions: tuple[FunctionPermissions, ...] = ()


#: Loader name (``TemplateRef.loader``) -> ``module:Class``, imported on use: a scan of SAM
#: templates never pays for the Serverless, Chalice, Zappa or Terraform loaders.
_LOADERS = {
    "cloudformation": "faasguard.loaders.cloudformation.loader:CloudFormationLoader",
    "serverless": "faasguard.loaders.serverless.loader:ServerlessLoader",
    "chalice": "faasguard.loaders.chalice.loader:ChaliceLoader",
    "zappa": "faasguard.loaders.zappa.loader:ZappaLoader",
    "terraform": "faasguard.loaders.terraform.loader:TerraformLoader",
}


def _loader(name: str) -> Loader:
    import importlib

    module, _, cls = _LOADERS[name].partition(":")
    loader: Loader = getattr(importlib.import_module(module), cls)()
    return loader


def enabled_rules(config: Config) -> tuple[type[Rule], ...]:
    """Return the rules this configuration runs (id, name or category can disable one)."""
    result = []
    for rule in all_rules():
        keys = {rule.id, rule.name, rule.category, rule.category.split(".")[0]}
        if keys & set(config.disable):
            continue
        if rule.default_enabled or keys & set(config.enable):
            result.append(rule)
    return tuple(result)


def disabled_rules(config: Config) -> tuple[str, ...]:
    """Ids of rules the configuration turned off (reported, so it cannot happen unseen)."""
    on = {rule.id for rule in enabled_rules(config)}
    return tuple(r.id for r in all_rules() if r.default_enabled and r.id not in on)


def scan(
    target: Path,
    config: Config,
    *,
    load_options: LoadOptions,
    baseline: frozenset[str] = frozenset(),
    today: _dt.date | None = None,
    analyzers: Sequence[Analyzer] = (),
    notices: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    enrichers: Sequence[Enricher] = (),
) -> ScanResult:
    """Scan a folder (every application under it) or one template file.

    Args:
        target: a folder, or a single template file.
        config: the merged configuration.
        load_options: stage, region, parameters and env resolution for the loaders.
        baseline: fingerprints of findings to hide as already known.
        today: the date runtime deprecations are judged against.
        analyzers: extra analyses run on each loaded application.
        notices: messages to carry into the report (e.g. missing vulnerability data).
        progress: called with each template path as it is loaded.
        enrichers: run on each loaded application before the rules (code call graph).
    """
    with gc_paused():
        return _scan(
            target,
            config,
            load_options=load_options,
            baseline=baseline,
            today=today,
            analyzers=analyzers,
            notices=notices,
            progress=progress,
            enrichers=enrichers,
        )


def _scan(
    target: Path,
    config: Config,
    *,
    load_options: LoadOptions,
    baseline: frozenset[str],
    today: _dt.date | None,
    analyzers: Sequence[Analyzer],
    notices: Sequence[str],
    progress: Callable[[str], None] | None,
    enrichers: Sequence[Enricher] = (),
) -> ScanResult:
    root = target if target.is_dir() else target.parent
    if not target.is_dir() and target.parent.name == ".chalice":
        root = target.parent.parent  # a Chalice config: its project (app.py) is the folder above
    fs = ScanFS(root, max_file_bytes=config.max_file_bytes)
    discovery_issues: tuple[LoadIssue, ...] = ()
    if target.is_dir():
        found = discover(fs, exclude=config.exclude)
        templates: Sequence[TemplateRef] = found.templates
        discovery_issues = found.issues
    else:
        ref = classify(fs, fs.relpath(target))
        templates = [ref] if ref else []
    rules = enabled_rules(config)
    options = rule_options(config, today)
    work = _Work(
        fs=fs,
        load_options=load_options,
        rules=_plan(rules),
        options=options,
        discovered=target.is_dir(),
        enrichers=tuple(enrichers),
    )
    batch = _process(work, templates, progress)
    apps = list(batch.applications)
    # Each finding is folded exactly once (a summary must not be folded again): the loaders'
    # and rules' per template in _process, the discovery's and analyzers' here.
    late = [_issue_finding(issue) for issue in discovery_issues]
    inventory, egress, permissions = _analyze(apps, fs, analyzers, rules, late)
    findings = [*batch.findings, *fold_floods(late)]
    return _result(
        str(target),
        apps,
        findings,
        config,
        baseline,
        rules,
        notices,
        (inventory, egress, permissions),
        templates=tuple(ref.path for ref in templates),
    )


def _analyze(
    apps: Sequence[Application],
    fs: ScanFS,
    analyzers: Sequence[Analyzer],
    rules: Sequence[type[Rule]],
    late: list[Finding],
) -> tuple[list[FunctionDependencies], list[FunctionEgress], list[FunctionPermissions]]:
    """Run the analyzers on each application; their findings and issues go to ``late``."""
    inventory: list[FunctionDependencies] = []
    egress: list[FunctionEgress] = []
    permissions: list[FunctionPermissions] = []
    if not (analyzers and apps):
        return inventory, egress, permissions
    # Imported when used: a scan with no application or no analysis does not pay (3 ms).
    from faasguard.code.edge.inventory import FunctionEgress
    from faasguard.deps.inventory import FunctionDependencies
    from faasguard.iam.needed.compare import FunctionPermissions

    # Analyzers create findings of rules the configuration may have turned off (`--disable
    # code`, `--disable FG2002`): those are dropped here, as the engine never runs such a rule.
    switched_off = {rule.id for rule in all_rules()} - {rule.id for rule in rules}
    for app in apps:
        for analyzer in analyzers:
            for item in analyzer.analyze(app, fs):
                if isinstance(item, FunctionDependencies):
                    inventory.append(item)
                elif isinstance(item, FunctionEgress):
                    egress.append(item)
                elif isinstance(item, FunctionPermissions):
                    permissions.append(item)
                elif isinstance(item, Finding):
                    if item.rule_id not in switched_off:
                        late.append(item)
                else:
                    late.append(_issue_finding(item))
    return inventory, egress, permissions


def scan_applications(
    applications: Sequence[Application],
    config: Config,
    *,
    root: str,
    baseline: frozenset[str] = frozenset(),
    today: _dt.date | None = None,
    notices: Sequence[str] = (),
    fs: ScanFS | None = None,
    analyzers: Sequence[Analyzer] = (),
    enrichers: Sequence[Enricher] = (),
    issues: Sequence[LoadIssue] = (),
) -> ScanResult:
    """Run the rules on applications built elsewhere (a live account), as :func:`scan` does.

    The same rules, options, flood folding, suppressions and baseline apply as to templates,
    so a deployed function is judged exactly as its template would be. With ``fs`` (the
    deployment packages downloaded from the account, extracted), the enrichers and analyzers
    read the functions' code roots there as they read a project's.

    Args:
        applications: the applications to check.
        config: the merged configuration.
        root: what the report names as scanned (``aws://eu-west-1``).
        baseline: fingerprints of findings to hide as already known.
        today: the date runtime deprecations are judged against.
        notices: messages to carry into the report.
        fs: the file system the functions' code roots are relative to (None: no code).
        analyzers: analyses run on each application (dependencies, code), with ``fs``.
        enrichers: run on each application before the rules, with ``fs``.
        issues: load issues met while getting the code (an unsafe archive), as findings.
    """
    rules = enabled_rules(config)
    options = rule_options(config, today)
    planned = _plan(rules)
    findings: list[Finding] = []
    apps: list[Application] = []
    late = [_issue_finding(issue) for issue in issues]
    inventory: list[FunctionDependencies] = []
    egress: list[FunctionEgress] = []
    permissions: list[FunctionPermissions] = []
    with gc_paused():
        for app in applications:
            readme_dirs: frozenset[str] = frozenset()
            if fs is not None:
                app = _enrich(enrichers, fs, app, findings)
                readme_dirs = _readme_dirs(fs, app)
            ctx = RuleContext(app=app, options=options, readme_dirs=readme_dirs)
            findings.extend(fold_floods(_run_rules(planned, app, ctx)))
            apps.append(app)
        if fs is not None:
            inventory, egress, permissions = _analyze(apps, fs, analyzers, rules, late)
    findings.extend(fold_floods(late))
    return _result(
        root, apps, findings, config, baseline, rules, notices, (inventory, egress, permissions)
    )


def _result(
    root: str,
    apps: Sequence[Application],
    findings: Sequence[Finding],
    config: Config,
    baseline: frozenset[str],
    rules: Sequence[type[Rule]],
    notices: Sequence[str],
    analyses: tuple[
        Sequence[FunctionDependencies], Sequence[FunctionEgress], Sequence[FunctionPermissions]
    ],
    *,
    templates: tuple[str, ...] = (),
) -> ScanResult:
    """The scan's result: findings split by suppressions and baseline, each part sorted."""
    active, suppressed, baselined = partition_findings(findings, config, baseline)
    inventory, egress, permissions = analyses
    return ScanResult(
        root=root,
        applications=tuple(apps),
        findings=tuple(sorted(active, key=Finding.sort_key)),
        suppressed=tuple(sorted(suppressed, key=lambda s: s.finding.sort_key())),
        baselined=tuple(sorted(baselined, key=Finding.sort_key)),
        templates=templates,
        notices=tuple(notices),
        rules=tuple(rule.id for rule in rules),
        disabled_rules=disabled_rules(config),
        config_sources=config.sources,
        dependencies=tuple(inventory),
        egress=tuple(egress),
        permissions=tuple(permissions),
    )


def rule_options(config: Config, today: _dt.date | None) -> RuleOptions:
    """The options every rule is given, from the configuration (today when ``today`` is None)."""
    return RuleOptions(
        today=today or _dt.date.today(),
        naming_pattern=config.naming_pattern,
        deprecation_warning_days=config.deprecation_warning_days,
        extra=config.rule_options,
    )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block, restoring its state after.

    A scan allocates millions of small objects (YAML nodes, model values, findings), keeps
    many and puts almost none in reference cycles. With the collector on, the growing heap is
    traversed again and again for nothing: pausing it here and while the JSON report is
    rendered saved 0.1 s of ``faasguard scan`` on the 500 SAM templates of the benchmark (7%
    of the scan, 25% of the rendering). Whatever is garbage is collected on the first
    collection after the block.

    Yields:
        Nothing; the block runs with the collector disabled.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class _Work:
    """What every template needs: the file system, load options, rules and their options."""

    fs: ScanFS
    load_options: LoadOptions
    rules: tuple[_Planned, ...]
    options: RuleOptions
    #: True when templates were found by discovery (not named by the user): a file that is
    #: not a template by structure is then simply not one, never a parse error.
    discovered: bool = False
    enrichers: tuple[Enricher, ...] = ()


@dataclass(frozen=True, slots=True)
class _Batch:
    """Loaded applications and their rule findings, for a run of templates."""

    applications: tuple[Application, ...]
    findings: tuple[Finding, ...]


def _process(
    work: _Work, refs: Sequence[TemplateRef], progress: Callable[[str], None] | None
) -> _Batch:
    """Load templates and run the rules on their applications.

    Sequential on purpose: a fork-based pool was measured slower (pickling the model and the
    findings back to the parent cost more than the parallel work saved; bench/README.md).
    """
    apps: list[Application] = []
    findings: list[Finding] = []
    for ref in refs:
        if progress:
            progress(ref.path)
        result = _load(ref, work.fs, work.load_options)
        findings.extend(
            fold_floods(
                _issue_finding(issue)
                for issue in result.issues
                if not (work.discovered and issue.kind is IssueKind.NOT_A_TEMPLATE)
            )
        )
        for loaded in result.applications:
            app = _enrich(work.enrichers, work.fs, loaded, findings)
            ctx = RuleContext(app=app, options=work.options, readme_dirs=_readme_dirs(work.fs, app))
            # Folded per application as they come, so a generated 50,000-function template
            # never holds all its repeated findings at once (floods.py).
            findings.extend(fold_floods(_run_rules(work.rules, app, ctx)))
            apps.append(app)
    return _Batch(tuple(apps), tuple(findings))


def _enrich(
    enrichers: Sequence[Enricher], fs: ScanFS, app: Application, findings: list[Finding]
) -> Application:
    """Run the enrichers on one application; one that raises is reported, the scan goes on."""
    for enricher in enrichers:
        try:
            app = enricher.enrich(app, fs)
        except Exception as exc:
            crash = rule_by_name("rule-crashed")
            findings.append(
                Finding.create(
                    rule_id=crash.id,
                    rule_name=crash.name,
                    category=crash.category,
                    severity=crash.severity,
                    confidence=crash.confidence,
                    title=crash.title,
                    message=(
                        f"reading the code of {app.name} for calls between functions failed "
                        f"({type(exc).__name__}: {exc}); rules ran without it"
                    ),
                    file=app.file,
                    line=None,
                    function=None,
                    application=app.name,
                    resource=None,
                    evidence=f"{type(enricher).__name__} {type(exc).__name__}",
                    remediation="Report this to the faasguard maintainers with the code; other "
                    "analyses still ran.",
                    cwe=crash.cwe,
                )
            )
    return app


def _load(ref: TemplateRef, fs: ScanFS, options: LoadOptions) -> LoadResult:
    try:
        return _loader(ref.loader).load(ref.path, fs, options)
    except LoadError as exc:
        return LoadResult(issues=(issue_from_error(exc),))
    except Exception as exc:
        message = (
            f"faasguard could not load this file ({type(exc).__name__}: {exc}); "
            "this is a bug in faasguard, please report it"
        )
        return LoadResult(issues=(LoadIssue(IssueKind.PARSE_ERROR, message, Location(ref.path)),))


def _issue_finding(issue: LoadIssue) -> Finding:
    rule = rule_by_name(_ISSUE_RULES[issue.kind])
    return Finding.create(
        rule_id=rule.id,
        rule_name=rule.name,
        category=rule.category,
        severity=rule.severity,
        confidence=rule.confidence,
        title=rule.title,
        message=issue.message,
        file=issue.location.file,
        line=issue.location.line,
        function=None,
        application=issue.application or "",
        resource=None,
        evidence=issue.message,
        remediation=_ISSUE_REMEDIATION[issue.kind],
        cwe=rule.cwe,
    )


@dataclass(frozen=True, slots=True)
class _Planned:
    """A rule instance, what it is checked against and, for resource rules, which types."""

    rule: Rule
    kind: type[Rule]
    check: Callable[[Any, RuleContext], Iterator[Finding]]
    resource_types: frozenset[str] = frozenset()


def _plan(rules: Iterable[type[Rule]]) -> tuple[_Planned, ...]:
    """Instantiate each rule once per scan and decide once what it applies to.

    Rules keep no state (rules/interface.py), so one instance serves every element. Deciding
    the kind here, rather than testing each rule against each element kind for every
    application, and calling the checks directly rather than through a generator of lambdas,
    took the rules' time on the 500 SAM templates of the benchmark (about 63,000 rule and
    element pairs) from 215 ms to 180 ms. Tool rules have no check and are left out.
    """
    planned = []
    for rule_class in rules:
        rule = rule_class()
        # Tested in this order, as a rule of two kinds was always checked as the first.
        if isinstance(rule, FunctionRule):
            planned.append(_Planned(rule, FunctionRule, rule.check))
        elif isinstance(rule, RoleRule):
            planned.append(_Planned(rule, RoleRule, rule.check))
        elif isinstance(rule, ApiRule):
            planned.append(_Planned(rule, ApiRule, rule.check))
        elif isinstance(rule, ResourceRule):
            planned.append(_Planned(rule, ResourceRule, rule.check, rule.resource_types))
        elif isinstance(rule, ApplicationRule):
            planned.append(_Planned(rule, ApplicationRule, rule.check))
    return tuple(planned)


def _run_rules(rules: Iterable[_Planned], app: Application, ctx: RuleContext) -> list[Finding]:
    """Run every rule on every element it applies to, rule by rule, in model order."""
    findings: list[Finding] = []
    present_types = {res.type for res in app.resources}
    for planned in rules:
        kind = planned.kind
        elements: Sequence[object]
        if kind is FunctionRule:
            elements = app.functions
        elif kind is RoleRule:
            elements = app.roles
        elif kind is ApiRule:
            elements = app.apis
        elif kind is ResourceRule:
            types = planned.resource_types
            if types.isdisjoint(present_types):
                continue
            elements = [res for res in app.resources if res.type in types]
        else:
            elements = (app,)
        check = planned.check
        for element in elements:
            try:
                # Materialised before it is kept: a rule that raises part-way adds nothing
                # for this element, only the crash finding.
                findings += list(check(element, ctx))
            except Exception as exc:
                name, where = _element_name(element, app)
                findings.append(_crash_finding(planned.rule, app, name, where, exc))
    return findings


def _element_name(element: object, app: Application) -> tuple[str | None, Location]:
    """The name and location a crash finding reports for an element."""
    if isinstance(element, Function):
        return element.name, element.location
    if isinstance(element, (Role, Api, Resource)):
        return element.id, element.location
    return None, Location(app.file)


def _crash_finding(
    rule: Rule, app: Application, element: str | None, where: Location, exc: Exception
) -> Finding:
    crash = rule_by_name("rule-crashed")
    message = (
        f"rule {rule.id} ({rule.name}) failed on {element or app.name}: "
        f"{type(exc).__name__}: {exc}; its results for this element are missing"
    )
    return Finding.create(
        rule_id=crash.id,
        rule_name=crash.name,
        category=crash.category,
        severity=crash.severity,
        confidence=crash.confidence,
        title=crash.title,
        message=message,
        file=where.file,
        line=where.line,
        function=element if element and app.function(element) else None,
        application=app.name,
        resource=element,
        evidence=f"{rule.id} {type(exc).__name__}",
        remediation="Report this to the faasguard maintainers with the template; other rules "
        "still ran.",
        cwe=crash.cwe,
    )


def _readme_dirs(fs: ScanFS, app: Application) -> frozenset[str]:
    """Folders (code roots and the app root) that hold a README file."""
    folders = {app.root or "."} | {fn.code_root for fn in app.functions if fn.code_root}
    found = set()
    for folder in folders:
        try:
            names = [entry.name for entry in (fs.root / folder).iterdir()]
        except OSError:
            continue
        if any(name.lower().startswith("readme") for name in names):
            found.add(folder)
    return frozenset(found)


def partition_findings(
    findings: Iterable[Finding], config: Config, baseline: frozenset[str]
) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    """Split findings into active, suppressed (by the configuration) and baselined ones."""
    active: list[Finding] = []
    suppressed: list[Suppressed] = []
    baselined: list[Finding] = []
    for finding in findings:
        rule = next((s for s in config.suppressions if s.matches(finding)), None)
        if rule is not None:
            suppressed.append(Suppressed(finding, rule.reason, rule.source))
        elif finding.fingerprint in baseline:
            baselined.append(finding)
        else:
            active.append(finding)
    return active, suppressed, baselined
