"""pnpm-lock.yaml: lockfile versions 5.4, 6.0 and 9.0, peer suffixes, importers."""

from pathlib import Path

import pytest

from faasguard.deps.manifests import (
    ManifestParseError,
    ManifestResult,
    parse_manifest,
    root_reader,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests" / "pnpm"


def parse(case: str) -> ManifestResult:
    root = FIXTURES / case
    return parse_manifest("pnpm-lock.yaml", root=root, read=root_reader(root))


def in_memory(text: str) -> ManifestResult:
    return parse_manifest(
        "pnpm-lock.yaml", root=Path("/nonexistent-scan-root"), read=lambda _: text
    )


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def test_pnpm_v5() -> None:
    result = parse("v5")
    assert (result.kind, result.ecosystem, result.warnings) == ("pnpm-lock.yaml", "npm", ())
    assert rows(result) == [
        ("js-tokens", "4.0.0", 17, False, False),
        ("loose-envify", "1.4.0", 21, False, False),
        ("object-assign", "4.1.1", 28, False, False),
        ("react-dom", "17.0.2", 33, True, False),  # /react-dom/17.0.2_react@17.0.2
        ("react", "17.0.2", 44, True, False),
        ("scheduler", "0.20.2", 52, False, False),
        ("typescript", "4.9.5", 59, True, False),
    ]
    assert [(d.name, d.dev, d.specifier, d.parents) for d in result.dependencies] == [
        ("js-tokens", False, None, ("loose-envify",)),
        ("loose-envify", False, None, ("react", "react-dom", "scheduler")),
        ("object-assign", False, None, ("react", "react-dom", "scheduler")),
        ("react-dom", False, "^17.0.2", ()),
        ("react", False, "^17.0.2", ("react-dom",)),
        ("scheduler", False, None, ("react-dom",)),
        ("typescript", True, "^4.9.5", ()),
    ]


def test_pnpm_v6() -> None:
    result = parse("v6")
    assert result.warnings == ()
    assert rows(result) == [
        ("@testing-library/react", "14.1.2", 28, True, False),
        ("js-tokens", "4.0.0", 39, False, False),
        ("lodash", "4.17.21", 43, True, False),  # alias my-lodash -> /lodash@4.17.21
        ("loose-envify", "1.4.0", 47, False, False),
        ("react-dom", "18.2.0", 54, True, False),  # /react-dom@18.2.0(react@18.2.0)
        ("react", "18.2.0", 64, True, False),
        ("scheduler", "0.23.0", 71, False, False),
        ("shared-auth", "1.4.2", 77, True, False),  # github.com/... key with name/version
    ]
    assert [(d.name, d.dev, d.source, d.specifier, d.parents) for d in result.dependencies] == [
        ("@testing-library/react", True, "registry", "^14.1.2", ()),
        ("js-tokens", False, "registry", None, ("loose-envify",)),
        ("lodash", False, "registry", "^4.17.21", ("shared-auth",)),
        ("loose-envify", False, "registry", None, ("react", "react-dom", "scheduler")),
        ("react-dom", False, "registry", "^18.2.0", ("@testing-library/react",)),
        ("react", False, "registry", "^18.2.0", ("@testing-library/react", "react-dom")),
        ("scheduler", False, "registry", None, ("react-dom",)),
        ("shared-auth", False, "vcs", "github:acme/shared-auth#v1.4.2", ()),
    ]


def test_pnpm_v9_packages_snapshots_importers() -> None:
    result = parse("v9")
    assert result.warnings == ()
    assert rows(result) == [
        ("@testing-library/react", "14.1.2", 33, True, False),
        ("js-tokens", "4.0.0", 40, False, False),
        ("lodash", "4.17.21", 43, True, False),  # aliased by the packages/shared importer
        ("loose-envify", "1.4.0", 46, False, False),
        ("pretty-format", "27.5.1", 50, False, False),
        ("react-dom", "18.2.0", 54, True, False),
        ("react", "18.2.0", 59, True, False),
        ("scheduler", "0.23.0", 63, False, False),
    ]
    # 9.x has no dev flag: it follows from which importer sections reach the package.
    assert [(d.name, d.dev, d.specifier, d.parents) for d in result.dependencies] == [
        ("@testing-library/react", True, "^14.1.2", ()),
        ("js-tokens", False, None, ("loose-envify",)),
        ("lodash", False, "^4.17.21", ()),
        ("loose-envify", False, None, ("react", "react-dom", "scheduler")),
        ("pretty-format", True, None, ("@testing-library/react",)),
        ("react-dom", False, "^18.2.0", ("@testing-library/react",)),
        ("react", False, "^18.2.0", ("@testing-library/react", "react-dom")),
        ("scheduler", False, None, ("react-dom",)),
    ]


def test_peer_variants_of_one_release_are_reported_once() -> None:
    text = (
        "lockfileVersion: '6.0'\n"
        "packages:\n"
        "  /styled@6.1.0(react@17.0.2):\n"
        "    resolution: {integrity: sha512-aaa}\n"
        "    dev: true\n"
        "  /styled@6.1.0(react@18.2.0):\n"
        "    resolution: {integrity: sha512-aaa}\n"
        "    dev: false\n"
        "  /@scope/tool@1.0.0-beta.1:\n"
        "    resolution: {tarball: https://example.com/tool-1.0.0-beta.1.tgz}\n"
        "  not-a-key:\n"
        "    resolution: {integrity: sha512-bbb}\n"
    )
    result = in_memory(text)
    assert rows(result) == [
        ("styled", "6.1.0", 3, False, False),
        ("@scope/tool", "1.0.0-beta.1", 9, False, False),
    ]
    assert [(d.dev, d.source) for d in result.dependencies] == [(False, "registry"), (None, "url")]
    assert [(w.line, w.code) for w in result.warnings] == [(11, "invalid-entry")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("lockfileVersion: '3.0'\n", 1),
        ("settings: {}\nlockfileVersion: banana\n", 2),
        ("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: !!python/object/apply:os.system [id]\n", 3),
        ("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {\n", 4),
        ("- just\n- a list\n", 1),
    ],
)
def test_invalid_pnpm_lockfiles(text: str, line: int) -> None:
    with pytest.raises(ManifestParseError) as caught:
        in_memory(text)
    assert (caught.value.file, caught.value.line) == ("pnpm-lock.yaml", line)
