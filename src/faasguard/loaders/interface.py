"""The loader seam: what every template loader takes and returns.

A loader knows its file format and nothing about rules or output. Problems that do not stop it
(a duplicate key, one unreadable ``${file()}``) are returned as :class:`LoadIssue`; the engine turns
them into ``tool.*`` findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.model import Application, Location

__all__ = [
    "IssueKind",
    "LoadIssue",
    "LoadOptions",
    "LoadResult",
    "Loader",
    "issue_from_error",
]


class IssueKind(str, Enum):
    """What went wrong while loading; each maps to one ``tool.*`` rule."""

    PARSE_ERROR = "parse-error"
    OUTSIDE_ROOT = "reference-outside-root"
    UNSUPPORTED = "unsupported"
    DUPLICATE_KEY = "duplicate-key"
    UNRESOLVED = "unresolved"
    UNSAFE_ARCHIVE = "unsafe-archive"
    #: The file parsed but is not a template by structure (seed data, a JSON schema, an SDK
    #: model). Dropped for files discovery found; a parse error for a file the user named.
    NOT_A_TEMPLATE = "not-a-template"
    #: A whole application in a format faasguard does not read (Pulumi, an unsynthesised CDK
    #: app...), reported once per application rather than once per file.
    UNSUPPORTED_APPLICATION = "unsupported-application"
    #: A framework's configuration file is absent: a sample, or the framework's defaults, were
    #: read in its place (a Chalice project without ``.chalice/config.json``).
    MISSING_CONFIG = "missing-config"
    #: A size or work budget was reached (docs/budgets.md); the part over it is unknown.
    BUDGET = "budget"
    #: A resource behind a condition that is always false: not deployed, so not checked.
    NOT_DEPLOYED = "not-deployed"


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A problem met while loading, located in a file."""

    kind: IssueKind
    message: str
    location: Location
    application: str | None = None


def issue_from_error(error: LoadError, *, application: str | None = None) -> LoadIssue:
    """Turn a :class:`LoadError` into the matching :class:`LoadIssue`."""
    kind = {
        "reference-outside-root": IssueKind.OUTSIDE_ROOT,
        "unsupported": IssueKind.UNSUPPORTED,
    }.get(error.kind, IssueKind.PARSE_ERROR)
    return LoadIssue(kind, error.detail, Location(error.file, error.line), application)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Everything a loader may be told by the user.

    Attributes:
        stage: the Serverless stage to resolve (``--stage``); the template default otherwise.
        region: the region to resolve (``--region``).
        resolve_env: resolve ``${env:...}`` from ``env``. Off by default: scanning an untrusted
            pull request must not copy the runner's secrets into a report.
        env: the environment used when ``resolve_env`` is on.
        parameters: CloudFormation parameter overrides (``--parameter Name=Value``).
    """

    stage: str | None = None
    region: str | None = None
    resolve_env: bool = False
    env: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a loader produced from one template file."""

    applications: tuple[Application, ...] = ()
    issues: tuple[LoadIssue, ...] = ()


class Loader(Protocol):
    """A template loader. Implementations must not raise for bad input: return issues."""

    name: str

    def load(self, template: str, fs: ScanFS, options: LoadOptions) -> LoadResult:
        """Load the template at POSIX path ``template`` (relative to the scan root)."""
        ...
