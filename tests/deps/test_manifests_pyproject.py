"""pyproject.toml: PEP 621, PEP 735 dependency groups and Poetry tables (declared ranges)."""

from pathlib import Path

from faasguard.deps.manifests import ManifestResult, parse_manifest, root_reader

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests" / "pyproject"


def parse(case: str) -> ManifestResult:
    root = FIXTURES / case
    return parse_manifest("pyproject.toml", root=root, read=root_reader(root))


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def test_pep621_dependencies_extras_and_groups() -> None:
    result = parse("pep621")
    assert rows(result) == [
        ("boto3", None, 10, True, True),
        ("aws-lambda-powertools", "2.32.0", 11, True, False),
        ("pyjwt", None, 12, True, True),
        ("shared-auth", None, 13, True, True),
        ("redis", None, 18, True, True),
        ("opentelemetry-sdk", None, 20, True, True),
        ("pytest", "8.0.0", 25, True, False),
        ("ruff", None, 28, True, True),
    ]
    assert [
        (d.name, d.dev, d.specifier, d.extras, d.markers, d.source) for d in result.dependencies
    ] == [
        ("boto3", False, "<2,>=1.34", (), None, "registry"),
        ("aws-lambda-powertools", False, "==2.32.0", ("tracer", "validation"), None, "registry"),
        ("pyjwt", False, ">=2.8", (), 'python_version >= "3.8"', "registry"),
        ("shared-auth", False, None, (), None, "vcs"),
        ("redis", None, "~=5.0", (), 'extra == "cache"', "registry"),
        (
            "opentelemetry-sdk",
            None,
            ">=1.22",
            (),
            'platform_system == "Linux" and extra == "tracing"',
            "registry",
        ),
        ("pytest", True, "==8.0.0", (), None, "registry"),
        ("ruff", True, ">=0.3", (), None, "registry"),
    ]
    assert [(w.line, w.code) for w in result.warnings] == [(14, "invalid-requirement")]


def test_poetry_tables() -> None:
    result = parse("poetry")
    assert rows(result) == [
        ("boto3", None, 9, True, True),
        ("requests", "2.31.0", 10, True, False),  # a bare Poetry version pins
        ("pydantic", None, 11, True, True),
        ("shared-auth", None, 12, True, True),
        ("orders-core", None, 13, True, True),
        ("jinja2", "3.1.3", 14, True, False),
        ("black", None, 21, True, True),
        ("pytest", None, 17, True, True),
        ("moto", None, 18, True, True),
    ]
    assert [(d.name, d.dev, d.specifier, d.extras, d.source) for d in result.dependencies] == [
        ("boto3", False, "^1.34", (), "registry"),
        ("requests", False, "2.31.0", ("socks",), "registry"),
        ("pydantic", False, ">=2.5,<3", (), "registry"),
        ("shared-auth", False, None, (), "vcs"),
        ("orders-core", False, None, (), "path"),
        ("jinja2", False, "==3.1.3", (), "registry"),
        ("black", True, "*", (), "registry"),
        ("pytest", True, "^8.0", (), "registry"),
        ("moto", True, "^5.0", ("s3", "sqs"), "registry"),
    ]
    assert result.warnings == ()


def in_memory(text: str) -> ManifestResult:
    return parse_manifest(
        "pyproject.toml", root=Path("/nonexistent-scan-root"), read=lambda _: text
    )


def test_dynamic_dependencies_are_reported_as_unknown() -> None:
    result = in_memory('[project]\nname = "x"\ndynamic = ["version", "dependencies"]\n')
    assert result.dependencies == ()
    assert [(w.line, w.code) for w in result.warnings] == [(3, "dynamic-dependencies")]


def test_wrong_shapes_are_warnings() -> None:
    text = (
        "[project]\n"
        'dependencies = "requests"\n'
        "\n"
        "[tool.poetry.dependencies]\n"
        'python = "^3.11"\n'
        "flask = { optional = true }\n"
        'click = [{ version = "^8.0", python = "<3.12" },'
        ' { version = "8.1.7", python = ">=3.12" }]\n'
    )
    result = in_memory(text)
    assert rows(result) == [("click", None, 7, True, True), ("click", "8.1.7", 7, True, False)]
    assert [(w.line, w.code) for w in result.warnings] == [
        (2, "invalid-entry"),
        (6, "invalid-entry"),
    ]
