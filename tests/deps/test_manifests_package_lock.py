"""npm lockfiles: package-lock.json v1 (nested) and v2/v3 (packages), npm-shrinkwrap.json."""

import json
from pathlib import Path

from faasguard.deps.manifests import ManifestResult, parse_manifest, root_reader
from faasguard.deps.manifests.package_lock import MAX_V1_DEPTH

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests"


def parse(case: str, name: str = "package-lock.json") -> ManifestResult:
    root = FIXTURES / case
    return parse_manifest(name, root=root, read=root_reader(root))


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def test_v1_nested_dependencies() -> None:
    result = parse("package-lock/v1")
    assert (result.kind, result.ecosystem, result.warnings) == ("package-lock.json", "npm", ())
    assert rows(result) == [
        ("@aws-sdk/util-utf8", "3.374.0", 7, True, False),
        ("axios", "0.21.1", 15, None, False),
        ("debug", "4.3.4", 23, None, False),
        ("ms", "2.1.2", 32, None, False),  # nested under debug
        ("follow-redirects", "1.14.8", 40, None, False),
        ("jest-mock", "29.7.0", 45, True, False),
        ("lodash", "4.17.20", 54, True, False),
        ("ms", "2.1.3", 59, True, False),
        ("lodash", "4.17.21", 64, True, False),  # "my-lodash": "npm:lodash@4.17.21"
        ("shared-auth", None, 69, True, True),  # git dependency: no version
        ("lodash", "4.17.15", 77, None, False),  # nested under shared-auth
        ("tslib", "2.6.2", 84, None, False),
    ]
    assert [(d.name, d.dev, d.source, d.parents) for d in result.dependencies] == [
        ("@aws-sdk/util-utf8", False, "registry", ()),
        ("axios", False, "registry", ("shared-auth",)),
        ("debug", True, "registry", ("jest-mock",)),
        ("ms", True, "registry", ("debug",)),
        ("follow-redirects", False, "registry", ("axios",)),
        ("jest-mock", True, "registry", ()),
        ("lodash", False, "registry", ()),
        ("ms", False, "registry", ()),
        ("lodash", False, "registry", ()),
        ("shared-auth", False, "vcs", ()),
        ("lodash", False, "registry", ("shared-auth",)),
        ("tslib", False, "registry", ("@aws-sdk/util-utf8",)),
    ]


def test_v3_packages_tree() -> None:
    result = parse("package-lock/v3")
    assert result.warnings == ()
    assert rows(result) == [
        ("@aws-sdk/client-s3", "3.470.0", 26, True, False),
        ("@jest/globals", "29.7.0", 37, False, False),
        ("body-parser", "1.20.1", 46, False, False),
        ("debug", "2.6.9", 54, False, False),
        ("ms", "2.0.0", 62, False, False),
        ("debug", "4.3.4", 67, False, False),
        ("express", "4.18.2", 76, True, False),
        ("debug", "2.6.9", 85, False, False),
        ("fsevents", "2.3.3", 93, True, False),
        ("jest", "29.7.0", 106, True, False),
        ("ms", "2.1.2", 115, False, False),
        ("lodash", "4.17.21", 121, True, False),  # alias node_modules/my-lodash
        ("orders-shared", "0.1.0", 127, False, False),  # workspace link
        ("shared-auth", "1.4.2", 131, True, False),
        ("tslib", "2.6.2", 139, True, False),  # declared by the packages/shared workspace
    ]
    assert [(d.name, d.dev, d.source, d.specifier, d.parents) for d in result.dependencies] == [
        ("@aws-sdk/client-s3", False, "registry", "^3.470.0", ()),
        ("@jest/globals", True, "registry", None, ("jest",)),
        ("body-parser", False, "registry", None, ("express",)),
        ("debug", False, "registry", None, ("body-parser",)),
        ("ms", False, "registry", None, ("debug",)),
        ("debug", False, "registry", None, ("@jest/globals",)),
        ("express", False, "registry", "4.18.2", ()),
        ("debug", False, "registry", None, ("express",)),
        ("fsevents", False, "registry", "~2.3.3", ()),
        ("jest", True, "registry", "^29.7.0", ()),
        ("ms", False, "registry", None, ("debug",)),
        ("lodash", False, "registry", "^4.17.21", ("shared-auth",)),
        ("orders-shared", False, "path", None, ()),
        ("shared-auth", False, "vcs", "github:acme/shared-auth#v1.4.2", ()),
        ("tslib", False, "registry", "^2.6.0", ("@aws-sdk/client-s3",)),
    ]


def test_shrinkwrap_v2_prefers_packages() -> None:
    result = parse("shrinkwrap", "npm-shrinkwrap.json")
    assert result.kind == "npm-shrinkwrap.json"
    assert rows(result) == [("commander", "11.1.0", 14, True, False)]


def test_v1_nesting_is_capped() -> None:
    tree: dict[str, object] = {"version": "1.0.0"}
    for _ in range(MAX_V1_DEPTH + 5):
        tree = {"version": "1.0.0", "dependencies": {"a": tree}}
    text = json.dumps({"lockfileVersion": 1, "dependencies": {"a": tree}}, indent=1)
    result = parse_manifest(
        "package-lock.json", root=Path("/nonexistent-scan-root"), read=lambda _: text
    )
    assert len(result.dependencies) == MAX_V1_DEPTH
    assert [d.line for d in result.dependencies] == [4 + 3 * n for n in range(MAX_V1_DEPTH)]
    assert [(w.line, w.code) for w in result.warnings] == [
        (4 + 3 * (MAX_V1_DEPTH - 1), "nesting-too-deep")
    ]
