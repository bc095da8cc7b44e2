"""Dependency manifests and lockfiles: which third-party packages a project declares or locks.

One reader per format (pip requirements, Poetry, Pipenv, uv, PDM, PEP 751, ``pyproject.toml``,
npm, Yarn 1 and berry, pnpm, ``package.json``) turns a file's text into frozen
:class:`Dependency` records. Nothing is executed, fetched, or read outside the scan root.
"""

from faasguard.deps.manifests.interface import (
    Dependency,
    Ecosystem,
    ManifestParseError,
    ManifestReader,
    ManifestResult,
    ManifestSource,
    ParseWarning,
    ReadFn,
    SourceKind,
    UnsupportedManifestError,
)
from faasguard.deps.manifests.reading import root_reader
from faasguard.deps.manifests.registry import (
    MANIFEST_FILENAMES,
    MANIFEST_PATTERNS,
    READERS,
    is_manifest,
    parse_manifest,
    reader_for,
)

__all__ = [
    "MANIFEST_FILENAMES",
    "MANIFEST_PATTERNS",
    "READERS",
    "Dependency",
    "Ecosystem",
    "ManifestParseError",
    "ManifestReader",
    "ManifestResult",
    "ManifestSource",
    "ParseWarning",
    "ReadFn",
    "SourceKind",
    "UnsupportedManifestError",
    "is_manifest",
    "parse_manifest",
    "reader_for",
    "root_reader",
]
