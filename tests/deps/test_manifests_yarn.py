"""yarn.lock: Yarn 1 (own format, parsed by hand) and berry (YAML)."""

from pathlib import Path

import pytest

from faasguard.deps.manifests import (
    ManifestParseError,
    ManifestResult,
    parse_manifest,
    root_reader,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests" / "yarn"


def parse(case: str) -> ManifestResult:
    root = FIXTURES / case
    return parse_manifest("yarn.lock", root=root, read=root_reader(root))


def in_memory(text: str) -> ManifestResult:
    return parse_manifest("yarn.lock", root=Path("/nonexistent-scan-root"), read=lambda _: text)


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def test_yarn_v1() -> None:
    result = parse("v1")
    assert (result.kind, result.ecosystem, result.warnings) == ("yarn.lock", "npm", ())
    assert rows(result) == [
        ("@babel/code-frame", "7.22.13", 5, True, False),
        ("@babel/highlight", "7.22.20", 13, None, False),
        ("chalk", "2.4.2", 21, None, False),
        ("js-tokens", "4.0.0", 26, None, False),
        # "lodash@4.17.20" is requested by no package, so package.json asked for it.
        ("lodash", "4.17.20", 31, True, False),
        ("lodash", "4.17.21", 36, True, False),  # alias my-lodash@npm:lodash@^4.17.21
        ("shared-auth", "1.4.2", 41, True, False),
        ("upper-case", "1.0.1", 47, True, False),
    ]
    assert [(d.name, d.dev, d.source, d.parents) for d in result.dependencies] == [
        ("@babel/code-frame", None, "registry", ()),
        ("@babel/highlight", None, "registry", ("@babel/code-frame",)),
        ("chalk", None, "registry", ("@babel/code-frame", "@babel/highlight")),
        ("js-tokens", None, "registry", ("@babel/highlight", "upper-case")),
        ("lodash", None, "registry", ("shared-auth",)),
        ("lodash", None, "registry", ()),
        ("shared-auth", None, "vcs", ()),
        ("upper-case", None, "registry", ()),
    ]


def test_yarn_berry() -> None:
    result = parse("berry")
    assert (result.kind, result.warnings) == ("yarn.lock", ())
    # Workspaces (lines 34, 46) and the patch entry (line 61) are not packages of their own.
    assert rows(result) == [
        ("@aws-sdk/client-s3", "3.470.0", 8, True, False),
        ("jest", "29.7.0", 17, True, False),
        ("lodash", "4.17.21", 25, True, False),
        ("resolve", "1.22.8", 52, False, False),
        ("shared-auth", "1.4.2", 70, True, False),
        ("tslib", "2.6.2", 78, True, False),
    ]
    assert [(d.name, d.source, d.specifier, d.parents) for d in result.dependencies] == [
        ("@aws-sdk/client-s3", "registry", "^3.470.0", ()),
        ("jest", "registry", "^29.7.0", ()),
        ("lodash", "registry", "^4.17.21", ("shared-auth",)),
        ("resolve", "registry", None, ("jest",)),
        ("shared-auth", "vcs", "https://github.com/acme/shared-auth.git#v1.4.2", ()),
        ("tslib", "registry", "^2.6.0", ("@aws-sdk/client-s3",)),
    ]


def test_yarn_v1_quoting_and_escapes() -> None:
    text = (
        "# yarn lockfile v1\n"
        "\n"
        '"@scope/a@^1.0.0", "@scope/a@~1.2":\n'
        '  version "1.2.3"\n'
        '  resolved "https://registry.yarnpkg.com/@scope/a/-/a-1.2.3.tgz#\\u0061bc"\n'
        "  dependencies:\n"
        '    b "file:../b with space"\n'
        "\n"
        '"b@file:../b with space":\n'
        '  version "0.0.1"\n'
    )
    result = in_memory(text)
    assert rows(result) == [("@scope/a", "1.2.3", 3, True, False), ("b", "0.0.1", 9, None, False)]
    assert [(d.source, d.parents) for d in result.dependencies] == [
        ("registry", ()),
        ("path", ("@scope/a",)),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a@^1:\n  version\n", 2),
        ("a@^1\n", 1),
        ("a@^1:\n      version 1\n", 2),
        ("a@^1:\n\tversion 1\n", 2),
        ('"a@^1:\n  version 1\n', 1),
        ('a@^1:\n  version "\\x"\n', 2),
        ("a@^1:\n  dependencies:\n    b:\n", 3),
        ("  version 1\n", 1),
    ],
)
def test_yarn_v1_syntax_errors_have_lines(text: str, line: int) -> None:
    with pytest.raises(ManifestParseError) as caught:
        in_memory("# yarn lockfile v1\n" + text)
    assert (caught.value.file, caught.value.line) == ("yarn.lock", line + 1)
    assert str(caught.value).startswith(f"yarn.lock:{line + 1}: ")


def test_yarn_berry_invalid_yaml() -> None:
    with pytest.raises(ManifestParseError) as caught:
        in_memory('__metadata:\n  version: 8\n"a@npm:^1":\n  version: [1\n')
    assert caught.value.line == 5
    assert str(caught.value).startswith("yarn.lock:5: invalid YAML")
