"""Which manifests, lockfiles, layers and build artifacts belong to which function.

A function ships what its code root holds (SAM ``CodeUri``, a Serverless service folder or
``module`` folder), plus manifests shared at the application root for an ecosystem its own
folder has none of. When a build folder (``.aws-sam/build/<Function>/``) or deployment zip
(``.serverless/<service>.zip``, ``.serverless/<function>.zip``) is present, what it really
contains wins over what the lockfiles say should be installed.

A function also ships its layers. A layer defined in the template (``AWS::Serverless::LayerVersion``
with a local ``ContentUri``, ``AWS::Lambda::LayerVersion`` with a local ``Content`` folder or
zip, a CDK asset folder) and referenced from the function's ``Layers`` (``!Ref CommonLayer``,
``!GetAtt CommonLayer.LayerVersionArn``) is read like a function: its manifests (at the layer
root, or under ``python/`` and ``nodejs/``), else the packages installed in it (``python/...``,
``nodejs/node_modules``, a zip, ``.aws-sam/build/<Layer>/``). A layer given by ARN, or whose
content is in S3, is external: its content stays unknown and is listed as such.

Serverless packaging: a function's ``package.patterns`` (with v1 ``include``/``exclude``) decide
which manifests are in its package, evaluated as Serverless does: every file starts included,
then each pattern in order includes (or, with ``!``, excludes) the files it matches; the last
match wins. A function with a ``module`` folder (serverless-python-requirements) takes its Python
requirements from that folder only.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from faasguard.deps.artifacts import (
    ArtifactContents,
    InflateBudget,
    read_build_dir,
    read_zip,
)
from faasguard.deps.manifests import (
    Dependency,
    ManifestParseError,
    ManifestResult,
    UnsupportedManifestError,
    is_manifest,
    parse_manifest,
    root_reader,
)
from faasguard.deps.manifests.interface import ReaderMemo
from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.layer_refs import is_live, layer_target
from faasguard.loaders.handlers import BUILD_DIRS, find_manifests, is_manifest_name
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.model import AppFormat, Application, Function, Location, Resource, Unknown

__all__ = [
    "LAYER_TYPES",
    "LOCK_KINDS",
    "FunctionShipment",
    "LayerShipment",
    "ManifestCache",
    "PackagePatterns",
    "ecosystems_of",
    "shipment_for",
]

#: Manifest kinds that pin the whole resolved tree.
LOCK_KINDS = frozenset(
    {
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "pylock.toml",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
    }
)

#: Resource types whose content a function's ``Layers`` entry can point at.
LAYER_TYPES = frozenset({"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"})

#: How deep below a Serverless service folder manifests named by a package pattern are sought.
_PATTERN_DEPTH = 6
#: Folders visited at most by that search (a hostile project must not make it explode).
_PATTERN_MAX_DIRS = 5000
#: Alternatives a pattern's ``{a,b}`` groups may expand to.
_MAX_BRACE_EXPANSIONS = 64

_NPM_MANIFESTS = frozenset(
    {"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"}
)


def ecosystems_of(runtime: object) -> frozenset[str]:
    """The package ecosystems a runtime can load (both when the runtime is unknown)."""
    if isinstance(runtime, str):
        if runtime.startswith("python"):
            return frozenset({"PyPI"})
        if runtime.startswith("nodejs"):
            return frozenset({"npm"})
        return frozenset()
    return frozenset({"PyPI", "npm"})


#: Manifest warnings that are not unresolved references.
_WARNING_KINDS = {
    "include-outside-root": IssueKind.OUTSIDE_ROOT,
    "include-budget": IssueKind.BUDGET,
}

# ---- caches -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LayerContent:
    """A template layer as read once per application: its content, manifests and artifact."""

    id: str
    content: str
    manifests: tuple[ManifestResult, ...]
    artifact: ArtifactContents | None


class ManifestCache:
    """Parses each manifest, reads each artifact and layer once per application.

    Problems (unparsable manifests, hostile archives, layer paths out of the root) are kept as
    load issues, each recorded once however many functions share the file.
    """

    def __init__(self, fs: ScanFS) -> None:
        self._fs = fs
        self.fs = fs
        self._read = root_reader(fs.root, max_bytes=fs.max_file_bytes)
        self._results: dict[str, ManifestResult | None] = {}
        self._artifacts: dict[str, ArtifactContents] = {}
        self._layers: dict[str, _LayerContent | None] = {}
        self._listings: dict[str, list[str]] = {}
        self._trees: dict[str, list[str]] = {}
        self._memo = ReaderMemo()
        self._inflate = InflateBudget()
        self.issues: list[LoadIssue] = []
        self._seen: set[LoadIssue] = set()

    def issue(self, issue: LoadIssue) -> None:
        """Record a load issue (each distinct one once)."""
        if issue not in self._seen:
            self._seen.add(issue)
            self.issues.append(issue)

    def get(self, rel: str, application: str) -> ManifestResult | None:
        """Return the parsed manifest, or None when it could not be parsed (issue recorded)."""
        if rel in self._results:
            return self._results[rel]
        result: ManifestResult | None
        try:
            result = parse_manifest(rel, root=self._fs.root, read=self._read, memo=self._memo)
        except UnsupportedManifestError:
            result = None  # a name the loaders look for that no reader handles (`Pipfile`)
        except ManifestParseError as exc:
            self.issue(
                LoadIssue(
                    IssueKind.PARSE_ERROR, exc.reason, Location(exc.file, exc.line), application
                )
            )
            result = None
        else:
            for warning in result.warnings:
                kind = _WARNING_KINDS.get(warning.code, IssueKind.UNRESOLVED)
                self.issue(
                    LoadIssue(
                        kind, warning.message, Location(warning.file, warning.line), application
                    )
                )
        self._results[rel] = result
        return result

    def artifact(self, rel: str, application: str) -> ArtifactContents:
        """Read a build folder or zip once; its refused entries become load issues."""
        contents = self._artifacts.get(rel)
        if contents is None:
            contents = (
                read_zip(self._fs, rel, self._inflate)
                if rel.endswith(".zip")
                else read_build_dir(self._fs, rel)
            )
            self._artifacts[rel] = contents
            for problem in contents.problems:
                budget = problem.kind == "budget"
                self.issue(
                    LoadIssue(
                        IssueKind.BUDGET if budget else IssueKind.UNSAFE_ARCHIVE,
                        problem.message if budget else f"{problem.message}; refused",
                        Location(problem.archive),
                        application,
                    )
                )
        return contents

    def manifests_in(self, folder: str) -> list[str]:
        """Manifests directly in ``folder`` (symbolic links are not followed)."""
        if folder not in self._listings:
            self._listings[folder] = _manifests_in(self._fs, folder)
        return self._listings[folder]

    def manifests_under(self, code_root: str) -> tuple[str, ...]:
        """Manifests of a code root (:func:`find_manifests`), walked once per scan.

        Thousands of functions often share one code folder (``CodeUri: .``); walking it again
        for each made the cost functions x files (2,000 functions over 20,000 files: minutes).
        """
        return find_manifests(self._fs, code_root)

    def drain_issues(self) -> list[LoadIssue]:
        """The issues recorded since the last call (a scan-wide cache reports each once)."""
        issues, self.issues = self.issues, []
        return issues

    def manifests_below(self, root: str) -> list[str]:
        """Manifests anywhere below ``root``, as far as a package pattern may name one."""
        if root not in self._trees:
            self._trees[root] = sorted(_manifests_below(self._fs, root))
        return self._trees[root]

    def layer(self, app: Application, resource: Resource) -> _LayerContent | None:
        """Read a template layer once; None when its content is not in the project."""
        key = f"{app.file}#{resource.id}"  # one cache serves every application of a scan
        if key not in self._layers:
            self._layers[key] = _read_layer(self._fs, app, resource, self)
        return self._layers[key]


# ---- shipments --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LayerShipment:
    """What one project-defined layer adds to one function.

    Attributes:
        id: the layer's logical id.
        content: its folder or zip, relative to the scan root.
        manifests: its manifests for the function's ecosystems.
        dependencies: the packages those manifests ship.
        declared_unpinned: declared ranges no lockfile pins.
        artifact: installed packages read from the layer (its build folder, folder or zip),
            when it has any.
    """

    id: str
    content: str
    manifests: tuple[ManifestResult, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    declared_unpinned: tuple[Dependency, ...] = ()
    artifact: ArtifactContents | None = None


@dataclass(frozen=True, slots=True)
class FunctionShipment:
    """What one function ships, before vulnerability matching.

    Attributes:
        function: the function.
        manifests: its own manifests (its layers' are in ``layers``).
        dependencies: packages its own manifests ship.
        declared_unpinned: declared ranges no lockfile pins.
        artifact: its build folder or deployment zip, when present.
        layers: the project-defined layers it uses, in order.
        external_layers: layers whose content is unknown (see
            :attr:`faasguard.deps.inventory.FunctionDependencies.external_layers`).
    """

    function: Function
    manifests: tuple[ManifestResult, ...]
    dependencies: tuple[Dependency, ...]
    declared_unpinned: tuple[Dependency, ...]
    artifact: ArtifactContents | None = None
    layers: tuple[LayerShipment, ...] = field(default=())
    external_layers: tuple[str, ...] = field(default=())


def shipment_for(
    fs: ScanFS, app: Application, fn: Function, cache: ManifestCache
) -> FunctionShipment:
    """Collect one function's manifests, dependencies, artifact and layers."""
    if fn.package_type == "Image" or (isinstance(fn.runtime, Unknown) and fn.code_root is None):
        return FunctionShipment(fn, (), (), ())
    wanted = ecosystems_of(fn.runtime)
    paths = _manifest_paths(fs, app, fn, wanted, cache)
    manifests = [m for m in (cache.get(p, app.name) for p in paths) if m]
    shipped, unpinned = _select(manifests)
    artifact = _artifact(fs, app, fn, cache)
    layers, external = _layers(app, fn, cache, wanted)
    return FunctionShipment(
        fn, tuple(manifests), tuple(shipped), tuple(unpinned), artifact, layers, external
    )


def _manifest_paths(
    fs: ScanFS, app: Application, fn: Function, wanted: frozenset[str], cache: ManifestCache
) -> tuple[str, ...]:
    root = posixpath.normpath(app.root or ".")
    code_root = posixpath.normpath(fn.code_root or root)
    if app.format is AppFormat.SERVERLESS:
        paths = _serverless_manifests(root, code_root, fn, cache)
    else:
        # `sam build` and `aws cloudformation package` ship the CodeUri folder alone: a
        # manifest at the template's root (a front-end's package-lock.json) is not in the
        # function's artifact, so it is not the function's.
        paths = list(fn.dependency_manifests or cache.manifests_under(code_root))
    return tuple(p for p in paths if _ecosystem_of_name(p) in wanted and is_manifest(p))


def _serverless_manifests(
    root: str, code_root: str, fn: Function, cache: ManifestCache
) -> list[str]:
    """A Serverless function's manifests, as its package would hold them.

    The manifests of the handler's folder and of each folder above it up to the code root
    (the service folder, or the ``module`` folder), plus any manifest an including package
    pattern names; then the patterns decide. Manifests of sibling folders belong to the
    functions whose handlers live there.
    """
    paths: list[str] = []
    for folder in _folders_up(fn.handler_file, code_root):
        paths.extend(cache.manifests_in(folder))
    patterns = PackagePatterns(fn.package_patterns) if fn.package_patterns else None
    if patterns is not None:
        paths.extend(p for p in cache.manifests_below(root) if patterns.names(_relative(p, root)))
    if code_root != root:
        own = {_ecosystem_of_name(p) for p in paths}
        for path in cache.manifests_in(root):
            ecosystem = _ecosystem_of_name(path)
            # With `module:`, serverless-python-requirements reads that folder's requirements
            # only; npm packages still come from the service folder.
            if ecosystem not in own and ecosystem != "PyPI":
                paths.append(path)
    if patterns is not None:
        paths = [p for p in paths if patterns.includes(_relative(p, root))]
    return sorted(set(paths))


def _folders_up(handler_file: str | None, code_root: str) -> list[str]:
    """The handler's folder and each folder above it, up to and including the code root."""
    folders = [code_root]
    if handler_file is None:
        return folders
    prefix = "" if code_root == "." else code_root + "/"
    folder = posixpath.dirname(handler_file)
    while folder and folder != code_root and folder.startswith(prefix):
        folders.append(folder)
        folder = posixpath.dirname(folder)
    return folders


def _manifests_in(fs: ScanFS, folder: str) -> list[str]:
    """Manifests directly in ``folder`` (symbolic links are not followed)."""
    if not fs.is_dir(folder):
        return []
    try:
        entries = sorted((fs.root / folder).iterdir(), key=lambda p: p.name)
    except OSError:
        return []
    return [
        posixpath.normpath(posixpath.join(folder, entry.name))
        for entry in entries
        if _is_manifest(entry.name) and not entry.is_symlink() and entry.is_file()
    ]


def _is_manifest(name: str) -> bool:
    """A name the loaders treat as a manifest and a reader can parse (as for SAM functions)."""
    return is_manifest_name(name) and is_manifest(name)


def _ecosystem_of_name(path: str) -> str:
    return "npm" if posixpath.basename(path) in _NPM_MANIFESTS else "PyPI"


def _relative(path: str, root: str) -> str:
    return path if root == "." else posixpath.relpath(path, root)


def _artifact(
    fs: ScanFS, app: Application, fn: Function, cache: ManifestCache
) -> ArtifactContents | None:
    if fn.package_artifact:
        return cache.artifact(fn.package_artifact, app.name)
    base = _base(app)
    for name in (fn.resource_id, fn.name):
        if name and fs.is_dir(f"{base}.aws-sam/build/{name}"):
            return cache.artifact(f"{base}.aws-sam/build/{name}", app.name)
    for name in (fn.name, app.name):
        if fs.exists(f"{base}.serverless/{name}.zip"):
            return cache.artifact(f"{base}.serverless/{name}.zip", app.name)
    return None


def _base(app: Application) -> str:
    return "" if (app.root or ".") == "." else app.root + "/"


def _select(
    manifests: Sequence[ManifestResult],
) -> tuple[list[Dependency], list[Dependency]]:
    """Shipped dependencies and declared-but-unpinned ones, lockfiles winning per folder."""
    locked_dirs = {
        (posixpath.dirname(m.manifest), m.ecosystem) for m in manifests if m.kind in LOCK_KINDS
    }
    shipped: list[Dependency] = []
    unpinned: list[Dependency] = []
    for manifest in manifests:
        folder_locked = (posixpath.dirname(manifest.manifest), manifest.ecosystem) in locked_dirs
        is_lock = manifest.kind in LOCK_KINDS
        for dep in manifest.dependencies:
            if dep.dev:
                continue  # development tools are not deployed with the function
            if is_lock or not folder_locked:
                shipped.append(dep)
            if not is_lock and not folder_locked and dep.unpinned and dep.direct is not False:
                unpinned.append(dep)
    return shipped, unpinned


# ---- layers -----------------------------------------------------------------------------------


def _layers(
    app: Application, fn: Function, cache: ManifestCache, wanted: frozenset[str]
) -> tuple[tuple[LayerShipment, ...], tuple[str, ...]]:
    local: list[LayerShipment] = []
    external: list[str] = []
    for reference in fn.layers:
        target = layer_target(reference)
        resource = app.resource(target) if target else None
        if resource is None or resource.type not in LAYER_TYPES:
            text = reference.expression if isinstance(reference, Unknown) else reference
            external.append(text)
            continue
        content = cache.layer(app, resource)
        if content is None:
            external.append(resource.id)
        elif all(layer.id != content.id for layer in local):
            local.append(_layer_shipment(content, wanted))
    return tuple(local), tuple(dict.fromkeys(external))


def _layer_shipment(content: _LayerContent, wanted: frozenset[str]) -> LayerShipment:
    manifests = [m for m in content.manifests if m.ecosystem in wanted]
    shipped, unpinned = _select(manifests)
    artifact = content.artifact
    if artifact is not None:
        packages = tuple(p for p in artifact.packages if p.ecosystem in wanted)
        artifact = replace(artifact, packages=packages) if packages else None
    return LayerShipment(
        content.id, content.content, tuple(manifests), tuple(shipped), tuple(unpinned), artifact
    )


def _read_layer(
    fs: ScanFS, app: Application, resource: Resource, cache: ManifestCache
) -> _LayerContent | None:
    content = _layer_content(fs, app, resource, cache)
    if content is None:
        return None
    build = f"{_base(app)}.aws-sam/build/{resource.id}"
    if fs.is_dir(build):
        artifact: ArtifactContents | None = cache.artifact(build, app.name)
    else:
        artifact = cache.artifact(content, app.name)
    if artifact is not None and not artifact.packages:
        artifact = None  # a source folder: its manifests say what the build installs
    manifests: list[ManifestResult] = []
    if not content.endswith(".zip"):
        paths = [p for p in cache.manifests_under(content) if is_manifest(p)]
        found = (cache.get(p, app.name) for p in paths)
        manifests = [m for m in found if m is not None]
    return _LayerContent(resource.id, content, tuple(manifests), artifact)


def _layer_content(
    fs: ScanFS, app: Application, resource: Resource, cache: ManifestCache
) -> str | None:
    """The layer's folder or zip inside the scan root, or None when it is not in the project."""
    key = "ContentUri" if resource.type == "AWS::Serverless::LayerVersion" else "Content"
    value = resource.properties.get(key)
    if isinstance(value, dict) and app.format is AppFormat.CDK:
        # CDK stages a layer's files as cdk.out/asset.<hash> and names the zip <hash>.zip.
        s3_key = value.get("S3Key")
        if isinstance(s3_key, str) and s3_key.endswith(".zip") and "/" not in s3_key:
            value = "asset." + s3_key.removesuffix(".zip")
    if not isinstance(value, str) or value.startswith(("s3://", "https://", "http://")):
        return None
    try:
        # Relative to the template's folder, as `sam build` and `cloudformation package` read it
        # (for CDK that is cdk.out/, not the application's root); a live account's extracted
        # packages are relative to its root.
        folder = (app.root or ".") if is_live(app) else (posixpath.dirname(app.file) or ".")
        path = fs.join(folder, value, referrer=app.file, line=resource.line_of(key))
    except LoadError as exc:
        cache.issue(issue_from_error(exc, application=app.name))
        return None
    if fs.is_dir(path) or (path.endswith(".zip") and fs.exists(path)):
        return path
    return None


# ---- Serverless package patterns --------------------------------------------------------------


class PackagePatterns:
    """Serverless Framework ``package.patterns``: which files of the service go in a package.

    Every file starts included; each pattern in order includes the files it matches, or excludes
    them when it starts with ``!``; the last matching pattern wins. Patterns are globs relative
    to the service folder, matched as micromatch does with ``dot: true``: ``*`` and ``?``
    within one path segment, ``**`` across segments, ``[...]`` classes, ``{a,b}`` alternatives.

    Args:
        patterns: the patterns in evaluation order (service level, then function level).
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self._rules: list[tuple[bool, tuple[re.Pattern[str], ...]]] = []
        for raw in patterns:
            negated = raw.startswith("!")
            text = raw[1:] if negated else raw
            while text.startswith("./"):
                text = text[2:]
            text = text.lstrip("/")
            if text:
                self._rules.append((negated, tuple(_glob(p) for p in _expand_braces(text))))

    def includes(self, path: str) -> bool:
        """Whether the file at ``path`` (relative to the service folder) is packaged."""
        included = True
        for negated, regexes in self._rules:
            if any(r.fullmatch(path) for r in regexes):
                included = not negated
        return included

    def names(self, path: str) -> bool:
        """Whether a positive (including) pattern matches ``path`` explicitly."""
        return any(
            not negated and any(r.fullmatch(path) for r in regexes)
            for negated, regexes in self._rules
        )


def _expand_braces(pattern: str) -> list[str]:
    depth = 0
    start = 0
    for index, char in enumerate(pattern):
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                options = _split_top(pattern[start + 1 : index])
                if len(options) < 2:
                    continue  # "{x}" is literal text
                head, tail = pattern[:start], pattern[index + 1 :]
                expanded: list[str] = []
                for option in options:
                    expanded.extend(_expand_braces(head + option + tail))
                    if len(expanded) >= _MAX_BRACE_EXPANSIONS:
                        break
                return expanded[:_MAX_BRACE_EXPANSIONS]
    return [pattern]


def _split_top(body: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    for char in body:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "{"
        depth -= char == "}" and depth > 0
        current += char
    parts.append(current)
    return parts


def _glob(pattern: str) -> re.Pattern[str]:
    segments = pattern.split("/")
    regex = ""
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            regex += ".*" if last else "(?:[^/]*/)*"
        else:
            regex += _segment(segment) + ("" if last else "/")
    return re.compile(regex)


def _segment(segment: str) -> str:
    out = ""
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            while index + 1 < len(segment) and segment[index + 1] == "*":
                index += 1
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = segment.find("]", index + 2)
            if end == -1:
                out += re.escape(char)
            else:
                body = segment[index + 1 : end]
                negate = body[:1] in ("!", "^")
                body = body[1:] if negate else body
                escaped = body.replace("\\", "\\\\").replace("[", "\\[")
                out += f"[{'^' if negate else ''}{escaped}]"
                index = end
        else:
            out += re.escape(char)
        index += 1
    return out


def _manifests_below(fs: ScanFS, root: str) -> Iterator[str]:
    """Manifests in ``root`` and below, skipping build and hidden folders, bounded in depth."""
    pending = [(root, 0)]
    visited = 0
    while pending and visited < _PATTERN_MAX_DIRS:
        folder, depth = pending.pop()
        visited += 1
        try:
            entries = sorted((fs.root / folder).iterdir(), key=lambda p: p.name)
        except OSError:
            continue
        for entry in entries:
            rel = posixpath.normpath(posixpath.join(folder, entry.name))
            if entry.is_symlink():
                continue
            if entry.is_dir():
                hidden = entry.name in BUILD_DIRS or entry.name.startswith(".")
                if depth < _PATTERN_DEPTH and not hidden:
                    pending.append((rel, depth + 1))
            elif _is_manifest(entry.name):
                yield rel
