"""package.json: declared ranges, aliases, git/URL/file references."""

import json
from pathlib import Path

import pytest

from faasguard.deps.manifests import (
    ManifestParseError,
    ManifestResult,
    parse_manifest,
    root_reader,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests" / "package-json"


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def test_package_json() -> None:
    result = parse_manifest("package.json", root=FIXTURES, read=root_reader(FIXTURES))
    assert (result.kind, result.ecosystem, result.warnings) == ("package.json", "npm", ())
    # orders-shared (workspace:*, line 18) is the project's own package; peers are not read.
    assert rows(result) == [
        ("@aws-sdk/client-s3", None, 10, True, True),
        ("express", "4.18.2", 11, True, False),
        ("lodash", "4.17.21", 12, True, False),
        ("lodash", None, 13, True, True),
        ("shared-auth", None, 14, True, True),
        ("internal-utils", None, 15, True, True),
        ("legacy-sdk", None, 16, True, True),
        ("orders-core", None, 17, True, True),
        ("uuid", None, 19, True, True),
        ("fsevents", "2.3.3", 26, True, False),
        ("jest", None, 22, True, True),
        ("typescript", None, 23, True, True),
    ]
    assert [(d.name, d.dev, d.source, d.specifier) for d in result.dependencies] == [
        ("@aws-sdk/client-s3", False, "registry", "^3.470.0"),
        ("express", False, "registry", "4.18.2"),
        ("lodash", False, "registry", "=4.17.21"),
        ("lodash", False, "registry", "^4.17.21"),
        ("shared-auth", False, "vcs", "github:acme/shared-auth#v1.4.2"),
        (
            "internal-utils",
            False,
            "vcs",
            "git+ssh://git@github.com/acme/internal-utils.git#semver:^2.0.0",
        ),
        ("legacy-sdk", False, "url", "https://downloads.example.com/legacy-sdk-1.0.0.tgz"),
        ("orders-core", False, "path", "file:../libs/orders-core"),
        ("uuid", False, "registry", "latest"),
        ("fsevents", False, "registry", "2.3.3"),
        ("jest", True, "registry", "^29.7.0"),
        ("typescript", True, "registry", "~5.3.3"),
    ]


def in_memory(text: str) -> ManifestResult:
    return parse_manifest("package.json", root=Path("/nonexistent-scan-root"), read=lambda _: text)


@pytest.mark.parametrize(
    ("spec", "source", "version"),
    [
        ("v1.2.3", "registry", "1.2.3"),
        ("1.2.3-rc.1+build.5", "registry", "1.2.3-rc.1+build.5"),
        ("1.2", "registry", None),
        ("1.2.3 || 2.0.0", "registry", None),
        ("acme/tool#main", "vcs", None),
        ("https://github.com/acme/tool.git#v1", "vcs", None),
        ("git://github.com/acme/tool.git", "vcs", None),
        ("./vendor/tool", "path", None),
        ("link:../tool", "path", None),
        ("npm:@scope/real@1.0.0", "registry", "1.0.0"),
    ],
)
def test_range_classification(spec: str, source: str, version: str | None) -> None:
    result = in_memory(json.dumps({"dependencies": {"tool": spec}}))
    assert [(d.source, d.version, d.unpinned) for d in result.dependencies] == [
        (source, version, version is None)
    ]


def test_wrong_types() -> None:
    result = in_memory(
        '{\n  "dependencies": {\n    "a": 1,\n    "b": "^1"\n  },\n  "devDependencies": []\n}'
    )
    assert rows(result) == [("b", None, 4, True, True)]
    assert [(w.line, w.code) for w in result.warnings] == [(3, "invalid-entry")]
    with pytest.raises(ManifestParseError) as caught:
        in_memory("[1, 2]")
    assert str(caught.value) == "package.json:1: package.json must be a JSON object"
