"""Find every application under a scan root (monorepos hold many), and say what cannot be read.

Discovery names candidate files (or folders) and the loader for each; it parses nothing. It
reads at most the head of a file to tell a template from a data file that merely mentions
``Resources``; the loader then decides by structure (:func:`template_structure`), so a seed-data
file, a JSON schema or an SDK model is never reported as a broken template.

What is skipped, and why:

- Build output (``.aws-sam``, ``.serverless``, ``.terraform``, CDK asset folders...) repeats the
  sources; scanning it twice would double every finding. ``cdk.out`` is the one build folder
  read, and only for its ``*.template.json`` files: for a CDK app they *are* the templates.
- Vendored libraries (``node_modules``, ``site-packages``, a layer's ``python/`` or ``nodejs/``
  folder) are other people's code: no template of the project lives there. Dependency analysis
  still reads their manifests; discovery looks for nothing in them.

Applications in formats faasguard does not read (Pulumi, Architect, SST, an AWS CDK app that was
never synthesised, Terraform when its loader is not installed) are reported once per
application as :attr:`IssueKind.UNSUPPORTED_APPLICATION`, so a scan never passes silently
over code it did not look at.
"""

from __future__ import annotations

import codecs
import fnmatch
import functools
import importlib.util
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from faasguard.fs import ScanFS
from faasguard.loaders.handlers import BUILD_DIRS
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.model import Location

__all__ = [
    "MAX_DEPTH",
    "SERVERLESS_NAMES",
    "Discovery",
    "TemplateRef",
    "classify",
    "discover",
    "template_structure",
]

SERVERLESS_NAMES: Final = frozenset(
    {"serverless.yml", "serverless.yaml", "serverless.json", "serverless.ts", "serverless.js"}
)
#: Serverless configuration written as a program: read only to tell it from other code.
_SERVERLESS_SCRIPTS: Final = frozenset({"serverless.ts", "serverless.js"})
_CFN_SUFFIXES: Final = (".yaml", ".yml", ".json", ".template")
_ZAPPA_NAMES: Final = frozenset(
    {"zappa_settings.json", "zappa_settings.yml", "zappa_settings.yaml", "zappa_settings.toml"}
)
#: How much of a file is read to decide whether it is a template.
_SNIFF_BYTES: Final = 64 * 1024
_NOT_TEMPLATES: Final = frozenset(
    {
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "tsconfig.json",
        "pnpm-lock.yaml",
        "composer.json",
        "cdk.json",
        "cdk.context.json",
        "manifest.json",
        "tree.json",
        "docker-compose.yml",
        "docker-compose.yaml",
        ".pre-commit-config.yaml",
        "mkdocs.yml",
        "samconfig.yaml",
        "samconfig.yml",
        "faasguard.json",
        "service-2.json",
        "paginators-1.json",
        "waiters-2.json",
        "endpoint-rule-set-1.json",
    }
)
#: Folders that hold installed libraries, wherever they are.
_VENDOR_DIRS: Final = frozenset({"site-packages", "dist-packages", "bower_components", "vendor"})
#: Folder names a Lambda layer unpacks into ``/opt``; vendored when they hold installed packages.
_LAYER_DIRS: Final = frozenset({"python", "nodejs", "ruby", "java"})
#: ``source = "./modules/x"``: a call of a local module (its folder is not a root module).
_TF_LOCAL_SOURCE: Final = re.compile(rb'\bsource\s*=\s*"(\.{1,2}/[^"\n]*)"')
#: ``service:`` and ``provider:`` as object keys, as a Serverless config program has them.
_SLS_SERVICE_KEY: Final = re.compile(rb"\bservice\s*:")
_SLS_PROVIDER_KEY: Final = re.compile(rb"\bprovider\s*:")
#: Top-level ``service:`` and ``provider:`` of a YAML Serverless service (a resolved copy).
_SLS_TOP_SERVICE: Final = re.compile(rb"^service\s*:", re.M)
_SLS_TOP_PROVIDER: Final = re.compile(rb"^provider\s*:", re.M)
_TERRAFORM_PACKAGE: Final = "faasguard.loaders.terraform"


@dataclass(frozen=True, slots=True, order=True)
class TemplateRef:
    """A file (or, for a Terraform root module, a folder) to load and the loader that reads it."""

    path: str
    loader: str


#: Folders nested deeper than this below the scan root are not searched (and say so).
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Discovery:
    """The templates found, and what was deliberately not searched or read."""

    templates: tuple[TemplateRef, ...]
    issues: tuple[LoadIssue, ...] = ()


@dataclass(slots=True)
class _Walk:
    """What one walk collects before Terraform roots and unsupported apps are decided."""

    found: list[TemplateRef] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    #: folder -> local module folders its ``.tf`` files call.
    tf_dirs: dict[str, set[str]] = field(default_factory=dict)
    #: folder -> its first ``.tf`` file (``main.tf`` when present), for locations.
    tf_files: dict[str, str] = field(default_factory=dict)
    #: CDK app folders (``cdk.json``) and whether their ``cdk.out`` holds templates.
    cdk_apps: dict[str, bool] = field(default_factory=dict)


def discover(fs: ScanFS, *, exclude: Iterable[str] = ()) -> Discovery:
    """Return the templates under the scan root, sorted by path.

    The walk is iterative (no recursion limit to hit on a hostile, deeply nested tree), does not
    follow directory symlinks (no loops), and reports what it refuses: folders past
    :data:`MAX_DEPTH`, template-like files that are symlinks out of the root, and applications
    in formats faasguard does not read.

    Args:
        fs: the confined scan root.
        exclude: glob patterns (matched against POSIX paths relative to the root, and against
            each folder name) of files and folders to skip.
    """
    patterns = tuple(exclude)
    if fs.root.is_file():  # ``faasguard scan template.yaml``
        return Discovery(())
    walk = _Walk()
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel_dir, depth = stack.pop()
        try:
            entries = sorted(os.scandir(fs.root / rel_dir), key=lambda e: e.name)
        except OSError:
            continue
        _visit(fs, walk, rel_dir, depth, entries, patterns, stack)
    walk.found.extend(_terraform_refs(walk))
    walk.issues.extend(_unsupported_cdk(walk))
    return Discovery(tuple(sorted(walk.found)), tuple(walk.issues))


def _visit(
    fs: ScanFS,
    walk: _Walk,
    rel_dir: str,
    depth: int,
    entries: list[os.DirEntry[str]],
    patterns: tuple[str, ...],
    stack: list[tuple[str, int]],
) -> None:
    """Look at one folder's entries: queue sub-folders, name templates, note other formats."""
    in_cdk_out = rel_dir.rsplit("/", 1)[-1] == "cdk.out"
    names = {entry.name for entry in entries}
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        if entry.is_dir(follow_symlinks=False):
            if entry.name == ".chalice" and not in_cdk_out:
                _chalice(fs, walk, rel, names)
                continue
            if in_cdk_out or _skip_dir(fs, entry.name, rel, patterns):
                continue
            if depth + 1 > MAX_DEPTH:
                walk.issues.append(
                    LoadIssue(
                        IssueKind.UNSUPPORTED,
                        f"folder nested more than {MAX_DEPTH} levels deep; it was not searched",
                        Location(rel),
                    )
                )
                continue
            stack.append((rel, depth + 1))
            continue
        if _excluded(rel, patterns) or _is_dir_link(entry):
            continue
        if not in_cdk_out and _other_format(fs, walk, rel_dir, rel, entry.name, names):
            continue
        loader = _loader_for(fs, rel, entry.name, in_cdk_out=in_cdk_out)
        if loader:
            walk.found.append(TemplateRef(rel, loader))
        elif entry.is_symlink() and _template_like(entry.name):
            refused = fs.refusal(rel)
            if refused is not None:
                walk.issues.append(issue_from_error(refused))


def _other_format(
    fs: ScanFS, walk: _Walk, rel_dir: str, rel: str, name: str, names: set[str]
) -> bool:
    """Note Terraform, CDK, Pulumi, Architect and SST files; True when the file is handled."""
    folder = rel_dir or "."
    if name.endswith(".tf"):
        calls = walk.tf_dirs.setdefault(folder, set())
        calls.update(_local_modules(fs, rel, folder))
        if folder not in walk.tf_files or name == "main.tf":
            walk.tf_files[folder] = rel
        return True
    if name == "cdk.json":
        walk.cdk_apps[folder] = "cdk.out" in names
        return True
    label = _UNSUPPORTED_FILES.get(name)
    if label is None:
        return False
    what, command = label
    walk.issues.append(
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            f"{what} in {folder} ({name}) is not a format faasguard reads; {command}",
            Location(rel, 1),
        )
    )
    return True


#: File name -> (what it is, what to do), for formats read by no loader.
_UNSUPPORTED_FILES: Final[Mapping[str, tuple[str, str]]] = {
    "Pulumi.yaml": (
        "a Pulumi program",
        "its resources exist only when the program runs, which a scan never does",
    ),
    "Pulumi.yml": (
        "a Pulumi program",
        "its resources exist only when the program runs, which a scan never does",
    ),
    "app.arc": (
        "an Architect app",
        "run `arc deploy --dry-run` and scan the generated sam.json",
    ),
    ".arc": (
        "an Architect app",
        "run `arc deploy --dry-run` and scan the generated sam.json",
    ),
    "arc.json": (
        "an Architect app",
        "run `arc deploy --dry-run` and scan the generated sam.json",
    ),
    "arc.yaml": (
        "an Architect app",
        "run `arc deploy --dry-run` and scan the generated sam.json",
    ),
    "sst.config.ts": (
        "an SST app",
        "its resources exist only when the program runs, which a scan never does",
    ),
}


def _chalice(fs: ScanFS, walk: _Walk, rel: str, names: set[str]) -> None:
    """A ``.chalice`` folder beside an ``app.py`` is a Chalice app.

    Its ``config.json`` is often kept out of the repository, with a ``config-sample.json`` in
    its place: the sample is then read (the loader says so), and with no config at all the
    app still loads with Chalice's defaults; it never passes unseen.
    """
    if "app.py" not in names:
        return
    config = f"{rel}/config.json"
    if not fs.exists(config):
        try:
            samples = sorted(
                entry.name
                for entry in os.scandir(fs.root / rel)
                if entry.name.startswith("config") and entry.name.endswith(".json")
            )
        except OSError:
            samples = []
        config = f"{rel}/{samples[0]}" if samples else config
    walk.found.append(TemplateRef(config, "chalice"))


def _local_modules(fs: ScanFS, rel: str, folder: str) -> set[str]:
    """Folders that one ``.tf`` file calls as local modules (``source = "../modules/x"``)."""
    head = _head(fs, rel, limit=1024 * 1024)
    called = set()
    for match in _TF_LOCAL_SOURCE.finditer(head):
        target = posixpath.normpath(posixpath.join(folder, match.group(1).decode(errors="replace")))
        # A folder calling itself is a module cycle the loader reports, not a module of another
        # root: excluding it would drop the whole root module unseen.
        if not target.startswith("..") and target != posixpath.normpath(folder or "."):
            called.add(target)
    return called


def _terraform_refs(walk: _Walk) -> list[TemplateRef]:
    """One ref per Terraform root module; module folders called by another are not roots.

    When no Terraform loader is installed, each root is reported as an unsupported application
    instead, so a Terraform project never passes unseen.
    """
    called = set().union(*walk.tf_dirs.values()) if walk.tf_dirs else set()
    roots = sorted(folder for folder in walk.tf_dirs if folder not in called)
    if _terraform_available():
        return [TemplateRef(folder, "terraform") for folder in roots]
    walk.issues.extend(
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            f"a Terraform root module in {folder} is not read by this faasguard installation",
            Location(walk.tf_files[folder], 1),
        )
        for folder in roots
    )
    return []


@functools.cache
def _terraform_available() -> bool:
    """Whether the Terraform loader is installed, without importing it (start-up time).

    ``find_spec`` of the package imports only ``faasguard.loaders``; asking for the loader
    module itself would run the package's ``__init__`` (and its imports) on every scan.
    """
    try:
        spec = importlib.util.find_spec(_TERRAFORM_PACKAGE)
    except (ImportError, ValueError):
        return False
    folders = spec.submodule_search_locations if spec is not None else None
    return any((Path(folder) / "loader.py").is_file() for folder in folders or ())


def _unsupported_cdk(walk: _Walk) -> list[LoadIssue]:
    """One notice per CDK app whose ``cdk.out`` is missing: its templates do not exist yet."""
    return [
        LoadIssue(
            IssueKind.UNSUPPORTED_APPLICATION,
            f"the AWS CDK app in {folder} has not been synthesised: run `cdk synth` there "
            "(it writes cdk.out/*.template.json) and scan again; faasguard never runs the app",
            Location(f"{folder}/cdk.json" if folder != "." else "cdk.json", 1),
        )
        for folder, synthesised in sorted(walk.cdk_apps.items())
        if not synthesised
    ]


def _is_dir_link(entry: os.DirEntry[str]) -> bool:
    """True for a symlink to a folder (never followed); a link loop is not a folder."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _template_like(name: str) -> bool:
    """Names that are templates by convention, reported when a symlink hides them."""
    return name.endswith(_CFN_SUFFIXES) and "template" in name.lower()


def classify(fs: ScanFS, rel: str) -> TemplateRef | None:
    """Return the loader for one named file (``faasguard scan path/to/template.yaml``)."""
    parts = rel.split("/")
    name = parts[-1]
    if name.endswith(".tf"):
        folder = posixpath.dirname(rel) or "."
        return TemplateRef(folder, "terraform") if _terraform_available() else None
    if name.startswith("config") and name.endswith(".json") and parts[-2:-1] == [".chalice"]:
        return TemplateRef(rel, "chalice")
    loader = _loader_for(fs, rel, name, in_cdk_out=parts[-2:-1] == ["cdk.out"])
    if loader is None and name.endswith(_CFN_SUFFIXES):
        head = _head(fs, rel)
        if _SLS_TOP_SERVICE.search(head) and _SLS_TOP_PROVIDER.search(head):
            loader = "serverless"  # a Serverless service under another name (`serverless print`)
        else:
            loader = "cloudformation"  # the user named it: let the loader say what is wrong
    elif loader == "cloudformation" and name.endswith((".yml", ".yaml")):
        head = _head(fs, rel)
        if _SLS_TOP_SERVICE.search(head) and _SLS_TOP_PROVIDER.search(head):
            loader = "serverless"
    return TemplateRef(rel, loader) if loader else None


def _skip_dir(fs: ScanFS, name: str, rel: str, patterns: tuple[str, ...]) -> bool:
    if name == "cdk.out":
        return _excluded(rel, patterns)
    if name in BUILD_DIRS or name.startswith(".") or name in _VENDOR_DIRS:
        return True
    if name in _LAYER_DIRS and _holds_packages(fs, rel):
        return True
    return _excluded(rel, patterns)


def _holds_packages(fs: ScanFS, rel: str) -> bool:
    """True for a layer folder with installed packages (``*.dist-info``, ``lib/python3.x``)."""
    try:
        with os.scandir(fs.root / rel) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith((".dist-info", ".egg-info")) or name in ("node_modules", "gems"):
                    return True
                if name == "lib" and entry.is_dir(follow_symlinks=False):
                    return any(
                        sub.name.startswith("python") for sub in os.scandir(fs.root / rel / name)
                    )
    except OSError:
        return False
    return False


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def _loader_for(fs: ScanFS, rel: str, name: str, *, in_cdk_out: bool) -> str | None:
    if in_cdk_out:
        return "cloudformation" if name.endswith(".template.json") else None
    if name in SERVERLESS_NAMES:
        if name in _SERVERLESS_SCRIPTS and not _serverless_program(fs, rel):
            return None  # the framework's own source, or other code with that name
        return "serverless"
    if name in _ZAPPA_NAMES:
        return "zappa"
    if name in _NOT_TEMPLATES or not name.endswith(_CFN_SUFFIXES):
        return None
    head = _head(fs, rel)
    if name.endswith(".json") and b'"format_version"' in head and b'"planned_values"' in head:
        return "terraform" if _terraform_available() else None
    return "cloudformation" if _looks_like_cfn(head) else None


def _serverless_program(fs: ScanFS, rel: str) -> bool:
    """A ``serverless.ts``/``.js`` that configures a service has ``service`` and ``provider``."""
    head = _head(fs, rel)
    return bool(_SLS_SERVICE_KEY.search(head) and _SLS_PROVIDER_KEY.search(head))


def _head(fs: ScanFS, rel: str, *, limit: int = _SNIFF_BYTES) -> bytes:
    """The first ``limit`` bytes of a regular file inside the root (as UTF-8), or nothing.

    A UTF-16 file (with its byte-order mark) is re-encoded so the sniffing sees its words:
    ``ScanFS.read_text`` reads such templates, so discovery must not skip them silently.
    """
    if not fs.exists(rel):  # outside the root, or not a regular file (a FIFO would block)
        return b""
    try:
        with (fs.root / rel).open("rb") as handle:
            head = handle.read(limit)
    except OSError:
        return b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return head


def _looks_like_cfn(head: bytes) -> bool:
    """Cheap test on the head of the file: a format version, or resources of AWS types.

    Only a pre-filter: the loader decides by structure (:func:`template_structure`).
    """
    return b"AWSTemplateFormatVersion" in head or (
        b"Resources" in head and (b"AWS::" in head or b"Transform" in head)
    )


def template_structure(data: Any) -> str | None:
    """Why a parsed document is not a CloudFormation template, or None when it is one.

    A template is a mapping that declares ``AWSTemplateFormatVersion``, or whose ``Resources``
    maps logical ids to mappings with a ``Type`` (or is a non-empty mapping under an AWS
    ``Transform``, whose ``Fn::ForEach`` loops are not resources yet). A Serverless service
    (``service`` plus ``provider``, such as a ``serverless print`` output) is not a
    CloudFormation template.
    Words alone (``Resources`` in seed data, a JSON schema's ``properties``) never make one.

    Args:
        data: the parsed document.

    Returns:
        A short reason (``"the document is not a mapping"``...) or None.
    """
    if not isinstance(data, dict):
        return "the document is not a mapping"
    if "AWSTemplateFormatVersion" in data:
        return None
    if "service" in data and "provider" in data:
        return "it is a Serverless service (service and provider), not a CloudFormation template"
    resources = data.get("Resources")
    if resources is None:
        return "it has no Resources section"
    if not isinstance(resources, dict) or not resources:
        return "Resources is not a mapping of logical ids to resources"
    transform = data.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if any(isinstance(t, str) and t.startswith("AWS::") for t in transforms):
        return None  # an AWS transform (SAM, ``Fn::ForEach`` loops of the language extensions)
    typed = [
        isinstance(entry, dict) and isinstance(entry.get("Type"), str)
        for entry in resources.values()
    ]
    if not any(typed):
        return "no entry of Resources is a resource with a Type"
    return None
