"""Python lockfiles: poetry.lock, Pipfile.lock, uv.lock, pdm.lock, pylock.toml."""

from pathlib import Path

from faasguard.deps.manifests import ManifestResult, parse_manifest, root_reader

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests"


def parse(case: str, name: str) -> ManifestResult:
    root = FIXTURES / case
    return parse_manifest(name, root=root, read=root_reader(root))


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def details(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.dev, d.source, d.parents) for d in result.dependencies]


def test_poetry_2_lock_with_groups() -> None:
    result = parse("poetry/v2", "poetry.lock")
    assert (result.kind, result.ecosystem, result.warnings) == ("poetry.lock", "PyPI", ())
    assert rows(result) == [
        ("boto3", "1.34.34", 4, None, False),
        ("botocore", "1.34.34", 24, None, False),
        ("iniconfig", "2.0.0", 44, None, False),
        ("jmespath", "1.0.1", 56, None, False),
        ("pytest", "8.0.0", 68, True, False),
        ("python-dateutil", "2.8.2", 89, None, False),
        ("shared-auth", "1.4.2", 104, True, False),
        ("six", "1.16.0", 123, None, False),
    ]
    assert details(result) == [
        ("boto3", False, "registry", ("shared-auth",)),
        ("botocore", False, "registry", ("boto3",)),
        ("iniconfig", True, "registry", ("pytest",)),
        ("jmespath", False, "registry", ("boto3", "botocore")),
        ("pytest", True, "registry", ()),
        ("python-dateutil", False, "registry", ("botocore",)),
        ("shared-auth", False, "vcs", ()),
        ("six", False, "registry", ("python-dateutil",)),
    ]


def test_poetry_1_lock_with_categories() -> None:
    result = parse("poetry/v1", "poetry.lock")
    assert rows(result) == [
        ("certifi", "2023.7.22", 2, None, False),
        ("moto", "4.2.0", 10, True, False),
        ("requests", "2.31.0", 21, None, False),
    ]
    assert details(result) == [
        ("certifi", False, "registry", ("requests",)),
        ("moto", True, "registry", ()),
        ("requests", False, "registry", ("moto",)),
    ]


def test_pipfile_lock_default_and_develop() -> None:
    result = parse("pipfile", "Pipfile.lock")
    assert (result.kind, result.warnings) == ("Pipfile.lock", ())
    assert rows(result) == [
        ("boto3", "1.34.34", 19, None, False),
        ("requests", "2.31.0", 28, None, False),
        ("shared-auth", None, 38, None, True),
        ("orders-core", None, 42, None, True),
        ("moto", "4.2.0", 48, None, False),
        ("pytest", "8.0.0", 59, None, False),
    ]
    assert [(d.name, d.dev, d.source, d.extras, d.markers) for d in result.dependencies] == [
        ("boto3", False, "registry", (), "python_version >= '3.8'"),
        ("requests", False, "registry", ("socks",), None),
        ("shared-auth", False, "vcs", (), None),
        ("orders-core", False, "path", (), None),
        ("moto", True, "registry", ("dynamodb", "s3"), None),
        ("pytest", True, "registry", (), None),
    ]


def test_uv_lock_members_define_direct_and_dev() -> None:
    result = parse("uv", "uv.lock")
    assert (result.kind, result.warnings) == ("uv.lock", ())
    # orders-api (line 39) is the editable workspace member: the project, not a dependency.
    assert rows(result) == [
        ("boto3", "1.34.34", 5, True, False),
        ("botocore", "1.34.34", 18, False, False),
        ("iniconfig", "2.0.0", 28, False, False),
        ("jmespath", "1.0.1", 34, False, False),
        ("pytest", "8.0.0", 73, True, False),
        ("redis", "5.0.1", 82, True, False),
        ("shared-auth", "1.4.2", 88, True, False),
        ("urllib3", "1.26.18", 93, True, False),
    ]
    assert [(d.name, d.dev, d.source, d.specifier, d.parents) for d in result.dependencies] == [
        ("boto3", False, "registry", ">=1.34,<2", ()),
        ("botocore", False, "registry", None, ("boto3",)),
        ("iniconfig", True, "registry", None, ("pytest",)),
        ("jmespath", False, "registry", None, ("boto3", "botocore")),
        ("pytest", True, "registry", ">=8", ()),
        ("redis", False, "registry", "~=5.0", ()),
        ("shared-auth", False, "vcs", None, ()),
        # A dev dependency of the project that production also needs (through botocore).
        ("urllib3", False, "registry", "<2", ("botocore",)),
    ]


def test_pdm_lock_merges_extras_entries() -> None:
    result = parse("pdm", "pdm.lock")
    assert (result.kind, result.warnings) == ("pdm.lock", ())
    assert rows(result) == [
        ("certifi", "2023.11.17", 11, None, False),
        ("pysocks", "1.7.1", 21, None, False),
        ("pytest", "8.0.0", 31, True, False),
        ("requests", "2.31.0", 46, None, False),
        ("shared-auth", "1.4.2", 74, True, False),
    ]
    assert [(d.name, d.dev, d.source, d.extras, d.parents) for d in result.dependencies] == [
        ("certifi", False, "registry", (), ("requests",)),
        ("pysocks", False, "registry", (), ("requests",)),
        ("pytest", True, "registry", (), ()),
        ("requests", False, "registry", ("socks",), ("shared-auth",)),
        ("shared-auth", False, "vcs", (), ()),
    ]


def test_pylock_toml() -> None:
    result = parse("pylock", "pylock.toml")
    assert (result.kind, result.warnings) == ("pylock.toml", ())
    assert rows(result) == [
        ("boto3", "1.34.34", 10, None, False),
        ("botocore", "1.34.34", 23, None, False),
        ("shared-auth", None, 33, None, True),
        ("pytest", "8.0.0", 45, None, False),
        ("orders-core", None, 54, None, True),
    ]
    assert [(d.name, d.source, d.markers, d.parents) for d in result.dependencies] == [
        ("boto3", "registry", None, ("shared-auth",)),
        ("botocore", "registry", None, ("boto3",)),
        ("shared-auth", "vcs", None, ()),
        ("pytest", "url", "'dev' in dependency_groups", ()),
        ("orders-core", "path", None, ()),
    ]


def in_memory(name: str, text: str) -> ManifestResult:
    return parse_manifest(name, root=Path("/nonexistent-scan-root"), read=lambda _: text)


def test_named_pylock_file_and_unnamed_entry() -> None:
    text = '[[packages]]\nversion = "1.0"\n\n[[packages]]\nname = "Six"\nversion = "1.16.0"\n'
    result = in_memory("pylock.dev.toml", text)
    assert rows(result) == [("six", "1.16.0", 5, None, False)]
    assert [(w.line, w.code) for w in result.warnings] == [(1, "invalid-entry")]


def test_toml_lines_fall_back_to_name_search_for_inline_arrays() -> None:
    text = (
        "package = [\n"
        '  { name = "six", version = "1.16.0" },\n'
        "]\n"
        "# not a header\n"
        'x = { name = "six" }\n'
    )
    result = in_memory("poetry.lock", text)
    assert rows(result) == [("six", "1.16.0", None, True, False)]
