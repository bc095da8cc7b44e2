"""The ``yarn.lock`` reader: Yarn 1 and Yarn berry share the file name, not the format."""

from __future__ import annotations

import re

from faasguard.deps.manifests._load import check_size, load_yaml
from faasguard.deps.manifests.interface import (
    ManifestReader,
    ManifestResult,
    ManifestSource,
)
from faasguard.deps.manifests.yarn_berry import parse_yarn_berry
from faasguard.deps.manifests.yarn_classic import parse_yarn_classic

# Berry always writes a top-level __metadata entry (quoted or not); Yarn 1 never does.
_BERRY_MARKER = re.compile(r'^"?__metadata"?:', re.MULTILINE)


class YarnLockReader(ManifestReader):
    """Reads ``yarn.lock``, choosing the Yarn 1 or berry parser by content."""

    kind = "yarn.lock"
    ecosystem = "npm"
    filenames = ("yarn.lock",)

    def parse(self, source: ManifestSource) -> ManifestResult:
        """Parse a Yarn lockfile of either generation.

        Args:
            source: The lockfile.

        Returns:
            One dependency per locked package.

        Raises:
            ManifestParseError: Invalid Yarn 1 syntax or invalid YAML.
        """
        text = check_size(source.path, source.text)
        if _BERRY_MARKER.search(text):
            dependencies = parse_yarn_berry(source.path, load_yaml(source.path, text))
        else:
            dependencies = parse_yarn_classic(source.path, text)
        return ManifestResult(source.path, "npm", self.kind, tuple(dependencies))
