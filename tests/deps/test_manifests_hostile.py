"""Hostile and broken input: typed errors with file and line, bounded work, nothing executed."""

import contextlib
import json
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps.manifests import (
    ManifestParseError,
    ManifestResult,
    _load,
    parse_manifest,
    root_reader,
)

INVALID = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests" / "invalid"


def in_memory(name: str, text: str) -> ManifestResult:
    return parse_manifest(name, root=Path("/nonexistent-scan-root"), read=lambda _: text)


@pytest.mark.parametrize(
    ("case", "name", "line", "message"),
    [
        (
            "json-trailing-comma",
            "package-lock.json",
            7,
            "invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("toml-missing-value", "poetry.lock", 7, "invalid TOML: Invalid value"),
        ("yaml-python-tag", "pnpm-lock.yaml", 6, "invalid YAML: could not determine a constructor"),
        ("yarn-bad-indent", "yarn.lock", 7, "unexpected indentation of 3 spaces"),
        ("pipfile-truncated", "Pipfile.lock", 8, "invalid JSON: Expecting"),
        ("uv-package-not-array", "uv.lock", 3, "'package' must be an array of tables"),
    ],
)
def test_invalid_fixture_raises_with_file_and_line(
    case: str, name: str, line: int, message: str
) -> None:
    root = INVALID / case
    with pytest.raises(ManifestParseError) as caught:
        parse_manifest(name, root=root, read=root_reader(root))
    assert (caught.value.file, caught.value.line) == (name, line)
    assert str(caught.value).startswith(f"{name}:{line}: {message}")


def test_python_tag_is_not_executed(tmp_path: Path) -> None:
    marker = Path("/tmp/faasguard-pwned")
    marker.unlink(missing_ok=True)
    root = INVALID / "yaml-python-tag"
    with pytest.raises(ManifestParseError):
        parse_manifest("pnpm-lock.yaml", root=root, read=root_reader(root))
    assert not marker.exists()


def test_deep_json_nesting_is_refused_with_a_line() -> None:
    depth = _load.MAX_NESTING + 10
    text = '{"lockfileVersion": 3,\n"packages":\n' + "[" * depth + "]" * depth + "}"
    with pytest.raises(ManifestParseError) as caught:
        in_memory("package-lock.json", text)
    assert caught.value.line == 3
    assert "nesting deeper than" in str(caught.value)


def test_deep_toml_nesting_is_an_error_not_a_crash() -> None:
    text = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(ManifestParseError) as caught:
        in_memory("uv.lock", text)
    assert str(caught.value) == "uv.lock: invalid TOML: nesting too deep"


def test_deep_yaml_flow_nesting_is_an_error() -> None:
    text = "lockfileVersion: '9.0'\npackages: " + "[" * 20000 + "]" * 20000 + "\n"
    with pytest.raises(ManifestParseError) as caught:
        in_memory("pnpm-lock.yaml", text)
    assert caught.value.line == 2


def test_oversized_manifest_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_load, "MAX_MANIFEST_CHARS", 100)
    text = json.dumps({"dependencies": {f"pkg{n}": "^1.0.0" for n in range(20)}})
    with pytest.raises(ManifestParseError) as caught:
        in_memory("package.json", text)
    assert str(caught.value) == "package.json: file is larger than the 100 character limit"


def test_oversized_include_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_load, "MAX_MANIFEST_CHARS", 100)
    files = {"requirements.txt": "-r big.txt\nsix==1.16.0\n", "big.txt": "x==1\n" * 50}
    result = parse_manifest(
        "requirements.txt", root=Path("/nonexistent-scan-root"), read=files.__getitem__
    )
    assert [(d.name, d.line) for d in result.dependencies] == [("six", 2)]
    assert [(w.file, w.line, w.code) for w in result.warnings] == [
        ("requirements.txt", 1, "include-unreadable")
    ]
    assert result.includes == ()


def test_include_chain_depth_is_capped() -> None:
    files = {"requirements.txt": "-r r1.txt\n"}
    for n in range(1, 40):
        files[f"r{n}.txt"] = f"-r r{n + 1}.txt\npkg{n}==1.0\n"
    result = parse_manifest(
        "requirements.txt", root=Path("/nonexistent-scan-root"), read=files.__getitem__
    )
    assert [d.name for d in result.dependencies] == [f"pkg{n}" for n in range(15, 0, -1)]
    assert [(w.file, w.line, w.code) for w in result.warnings] == [
        ("r15.txt", 1, "include-too-deep")
    ]


def test_symlink_include_out_of_root_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("stolen==1.0\n")
    root = tmp_path / "project"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    (root / "requirements.txt").write_text("-r link.txt\nsix==1.16.0\n")
    result = parse_manifest("requirements.txt", root=root, read=root_reader(root))
    assert [d.name for d in result.dependencies] == ["six"]
    assert [(w.line, w.code) for w in result.warnings] == [(1, "include-outside-root")]


# Characters that matter to the formats' syntax, so that examples reach past the first check.
_ALPHABET = st.sampled_from(list("abc-_.@/:\"'#[]{}(),;=<>~^*!\\ \t\r\n0123456789"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=200))
def test_requirements_parser_never_crashes(text: str) -> None:
    result = in_memory("requirements.txt", text)
    assert all(d.line is not None for d in result.dependencies)


@pytest.mark.parametrize(
    "name", ["yarn.lock", "package-lock.json", "pnpm-lock.yaml", "poetry.lock", "package.json"]
)
@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=200))
def test_lockfile_parsers_raise_only_parse_errors(name: str, text: str) -> None:
    try:
        in_memory(name, text)
    except ManifestParseError as exc:
        assert str(exc).startswith(f"{name}:")


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(["", "1.0.0", "^1", "npm:x@1", "link:..", "a@1.0.0", "node_modules/a", "/a@1"]),
)
_KEYS = st.sampled_from(
    [
        "",
        "a",
        "@s/b",
        "node_modules/a",
        "node_modules/a/node_modules/b",
        "packages",
        "dependencies",
        "devDependencies",
        "version",
        "resolved",
        "link",
        "requires",
        "name",
        "default",
        "develop",
        "importers",
        "snapshots",
        "lockfileVersion",
        "resolution",
        "/a@1.0.0",
        "a@npm:^1",
        "__metadata",
    ]
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=25,
)


@pytest.mark.parametrize(
    "name", ["package-lock.json", "npm-shrinkwrap.json", "package.json", "Pipfile.lock"]
)
@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_json_readers_survive_any_shape(name: str, data: dict[str, object]) -> None:
    try:
        result = in_memory(name, json.dumps(data, indent=2))
    except ManifestParseError as exc:
        assert str(exc).startswith(f"{name}:")
    else:
        assert all(isinstance(d.name, str) for d in result.dependencies)


@pytest.mark.parametrize("version", [None, "5.4", "6.0", "9.0"])
@settings(max_examples=150, deadline=None)
@given(data=st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_yaml_readers_survive_any_shape(version: str | None, data: dict[str, object]) -> None:

    if version is not None:
        data = {**data, "lockfileVersion": version}
    text = yaml.safe_dump(data)
    for name, body in (
        ("pnpm-lock.yaml", text),
        ("yarn.lock", "__metadata:\n  version: 8\n" + text),
    ):
        try:
            in_memory(name, body)
        except ManifestParseError as exc:
            assert str(exc).startswith(f"{name}:")


def test_yaml_aliases_are_refused() -> None:
    text = (
        "lockfileVersion: '9.0'\n"
        "packages:\n"
        "  a@1.0.0: &big\n"
        "    resolution: {integrity: sha512-aaa}\n"
        "  b@1.0.0: *big\n"
    )
    with pytest.raises(ManifestParseError) as caught:
        in_memory("pnpm-lock.yaml", text)
    # The line of the anchored node: once composed, an alias has no position of its own.
    assert str(caught.value) == "pnpm-lock.yaml:3: YAML anchors and aliases are not allowed"


def test_deep_yaml_block_nesting_is_refused() -> None:
    depth = 300
    text = "lockfileVersion: '9.0'\npackages:\n" + "".join(
        " " * (2 * level + 2) + f"k{level}:\n" for level in range(depth)
    )
    with pytest.raises(ManifestParseError) as caught:
        in_memory("pnpm-lock.yaml", text)
    assert "nesting deeper than" in str(caught.value)
    assert caught.value.line is not None


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("requirements.txt", "requests" + " " * 200_000 + "x\n"),
        ("requirements.txt", "./pkg" + "[" * 100_000 + "\n"),
        ("yarn.lock", "a" + " " * 200_000 + '"x:\n'),
        ("package.json", '{"dependencies": {"a": "' + " " * 200_000 + 'x"}}'),
        ("pnpm-lock.yaml", "lockfileVersion: 5.4\ndependencies:\n  a: 1" + "_" * 200_000 + "\n"),
    ],
)
def test_pathological_lines_finish_quickly(name: str, text: str) -> None:
    started = time.monotonic()
    with contextlib.suppress(ManifestParseError):
        in_memory(name, text)
    assert time.monotonic() - started < 2.0
