"""pip requirements files: pins, includes, constraints, references, pip-compile annotations."""

from pathlib import Path

import pytest

from faasguard.deps.manifests import ManifestResult, ParseWarning, parse_manifest, root_reader

FIXTURES = Path(__file__).parent.parent / "fixtures" / "deps" / "manifests" / "requirements"


def parse(case: str, name: str = "requirements.txt") -> ManifestResult:
    root = FIXTURES / case
    return parse_manifest(name, root=root, read=root_reader(root))


def rows(result: ManifestResult) -> list[tuple[object, ...]]:
    return [(d.name, d.version, d.line, d.direct, d.unpinned) for d in result.dependencies]


def test_basic_requirements_names_versions_lines() -> None:
    result = parse("basic")
    assert (result.kind, result.ecosystem, result.manifest) == (
        "requirements.txt",
        "PyPI",
        "requirements.txt",
    )
    assert rows(result) == [
        ("pyyaml", "6.0.1", 2, True, False),
        ("jmespath", "1.0.1", 1, True, False),
        ("requests", "2.31.0", 10, True, False),  # range, pinned by constraints.txt
        ("boto3", "1.28.57", 11, True, False),  # continuation lines with hashes
        ("urllib3", "1.26.18", 14, True, False),  # bare name, pinned by constraints.txt
        ("aws-lambda-powertools", None, 15, True, True),
        ("pyjwt", "2.8.0", 16, True, False),
        ("shared-auth", None, 17, True, True),
        ("feature-flags", None, 18, True, True),
        ("acme-metrics", "0.9.1", 19, True, True),
        ("legacy-client", "1.2.0", 20, True, True),
        ("pydantic", None, 22, True, True),
    ]


def test_basic_requirements_details() -> None:
    result = parse("basic")
    details = [
        (d.name, d.manifest, d.specifier, d.extras, d.markers, d.source)
        for d in result.dependencies
    ]
    assert details == [
        ("pyyaml", "requirements/base.txt", "==6.0.1", (), None, "registry"),
        ("jmespath", "requirements/common.txt", "==1.0.1", (), None, "registry"),
        (
            "requests",
            "requirements.txt",
            "<3,>=2.31",
            ("security", "socks"),
            'python_version >= "3.8"',
            "registry",
        ),
        ("boto3", "requirements.txt", "==1.28.57", (), None, "registry"),
        ("urllib3", "requirements.txt", None, (), None, "registry"),
        ("aws-lambda-powertools", "requirements.txt", "~=2.26.0", ("tracer",), None, "registry"),
        ("pyjwt", "requirements.txt", "===2.8.0", (), None, "registry"),
        ("shared-auth", "requirements.txt", None, (), None, "vcs"),
        ("feature-flags", "requirements.txt", None, (), 'sys_platform == "linux"', "vcs"),
        ("acme-metrics", "requirements.txt", None, (), None, "url"),
        ("legacy-client", "requirements.txt", None, (), None, "path"),
        ("pydantic", "requirements.txt", None, (), None, "url"),
    ]
    assert all(d.ecosystem == "PyPI" and d.dev is None for d in result.dependencies)


def test_includes_and_warnings() -> None:
    result = parse("basic")
    assert result.includes == (
        "requirements/base.txt",
        "requirements/common.txt",
        "constraints.txt",
    )
    assert [(w.file, w.line, w.code) for w in result.warnings] == [
        ("requirements/base.txt", 4, "include-cycle"),
        ("requirements.txt", 6, "include-outside-root"),
        ("requirements.txt", 7, "include-outside-root"),
        ("requirements.txt", 8, "remote-include"),
        ("requirements.txt", 21, "unnamed-requirement"),
        ("requirements.txt", 23, "invalid-requirement"),
        ("requirements.txt", 24, "unknown-option"),
    ]
    assert str(result.warnings[1]) == "requirements.txt:6: ../../etc/passwd leaves the scan root"


def test_escaping_includes_are_never_read() -> None:
    root = FIXTURES / "basic"
    real = root_reader(root)
    asked: list[str] = []

    def read(path: str) -> str:
        asked.append(path)
        return real(path)

    parse_manifest("requirements.txt", root=root, read=read)
    assert asked == [
        "requirements.txt",
        "requirements/base.txt",
        "requirements/common.txt",
        "constraints.txt",
    ]


def test_include_cycle_between_two_files() -> None:
    result = parse("cycle")
    assert rows(result) == [
        ("pytest", "7.4.3", 2, True, False),
        ("flask", "3.0.0", 2, True, False),
    ]
    assert [d.manifest for d in result.dependencies] == ["requirements-dev.txt", "requirements.txt"]
    assert result.includes == ("requirements-dev.txt",)
    assert result.warnings == (
        ParseWarning(
            "requirements-dev.txt",
            1,
            "include-cycle",
            "include cycle: requirements.txt -> requirements-dev.txt -> requirements.txt",
        ),
    )


def test_pip_compile_via_annotations_give_parents_and_directness() -> None:
    result = parse("compiled")
    assert rows(result) == [
        ("boto3", "1.28.57", 7, True, False),
        ("botocore", "1.31.57", 11, False, False),
        ("jmespath", "1.0.1", 16, False, False),
        ("python-dateutil", "2.8.2", 21, False, False),
        ("s3transfer", "0.7.0", 24, False, False),
        ("six", "1.16.0", 27, False, False),
        ("urllib3", "1.26.18", 30, True, False),
    ]
    assert [(d.name, d.parents) for d in result.dependencies] == [
        ("boto3", ()),
        ("botocore", ("boto3", "s3transfer")),
        ("jmespath", ("boto3", "botocore")),
        ("python-dateutil", ("botocore",)),
        ("s3transfer", ("boto3",)),
        ("six", ("python-dateutil",)),
        ("urllib3", ("botocore",)),
    ]
    assert result.warnings == ()


def in_memory(files: dict[str, str]) -> ManifestResult:
    def read(path: str) -> str:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    return parse_manifest("requirements.txt", root=Path("/nonexistent-scan-root"), read=read)


def test_single_line_via_and_pyproject_origin() -> None:
    result = in_memory(
        {
            "requirements.txt": (
                "attrs==23.1.0\n"
                "    # via orders-api (pyproject.toml)\n"
                "idna==3.4\n"
                "    # via requests, yarl\n"
            )
        }
    )
    assert [(d.name, d.direct, d.parents) for d in result.dependencies] == [
        ("attrs", True, ()),
        ("idna", False, ("requests", "yarl")),
    ]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("-r", "invalid-option"),
        ("--index-url", "invalid-option"),
        ("-r C:\\Windows\\win.ini", "include-outside-root"),
        ("-r ~/.ssh/id_rsa", "include-outside-root"),
        ("-r sub/../../outside.txt", "include-outside-root"),
        ("-r file:///etc/passwd", "remote-include"),
        ("--requirement=missing.txt", "include-unreadable"),
        ("-c missing.txt", "include-unreadable"),
        ("requests==2.31.0 --no-such-option", "unknown-option"),
        ("-e", "invalid-option"),
        ('-r "unterminated', "invalid-option"),
        ("https://example.com/download", "unnamed-requirement"),
        ("git+https://github.com/acme/x.git#egg=bad name!", "unnamed-requirement"),
    ],
)
def test_bad_lines_become_warnings_with_line_numbers(line: str, code: str) -> None:
    result = in_memory({"requirements.txt": f"# header\n{line}\n"})
    assert [(w.file, w.line, w.code) for w in result.warnings] == [("requirements.txt", 2, code)]


def test_option_spellings() -> None:
    result = in_memory(
        {
            "requirements.txt": (
                "-rbase.txt\n--requirement=extra.txt\n-c pins.txt\n"
                "-i https://pypi.org/simple --trusted-host pypi.org --pre\n"
                "--editable=git+https://github.com/acme/cli.git#egg=acme-cli\n"
                "flask>=2\n"
            ),
            "base.txt": "click==8.1.7\n",
            "extra.txt": "itsdangerous==2.1.2\n",
            "pins.txt": "flask==3.0.0\n-e git+https://github.com/acme/ignored.git#egg=ignored\n",
        }
    )
    assert rows(result) == [
        ("click", "8.1.7", 1, True, False),
        ("itsdangerous", "2.1.2", 1, True, False),
        ("acme-cli", None, 5, True, True),
        ("flask", "3.0.0", 6, True, False),
    ]
    assert result.includes == ("base.txt", "extra.txt", "pins.txt")
    assert result.warnings == ()


def test_constraint_that_conflicts_with_the_range_is_not_applied() -> None:
    result = in_memory(
        {"requirements.txt": "-c pins.txt\nflask>=3\n", "pins.txt": "flask==2.0.0\n"}
    )
    assert rows(result) == [("flask", None, 2, True, True)]
    assert [(w.file, w.line, w.code) for w in result.warnings] == [
        ("pins.txt", 1, "constraint-conflict")
    ]


def test_diamond_include_is_expanded_once() -> None:
    result = in_memory(
        {
            "requirements.txt": "-r a.txt\n-r b.txt\n",
            "a.txt": "-r common.txt\n",
            "b.txt": "-r common.txt\n",
            "common.txt": "six==1.16.0\n",
        }
    )
    assert rows(result) == [("six", "1.16.0", 1, True, False)]
    assert result.includes == ("a.txt", "common.txt", "b.txt")
    assert result.warnings == ()


def test_comments_continuations_and_crlf() -> None:
    text = (
        "# comment \\\r\n"
        "requests==2.31.0 # trailing comment\r\n"
        "\r\n"
        "boto3\\\r\n"
        "==1.28.57\r\n"
        "urllib3 \\\r\n"
    )
    result = in_memory({"requirements.txt": text})
    assert rows(result) == [
        ("requests", "2.31.0", 2, True, False),
        ("boto3", "1.28.57", 4, True, False),
        ("urllib3", None, 6, True, True),
    ]


def test_wildcard_equality_is_not_a_pin() -> None:
    result = in_memory({"requirements.txt": "django==4.2.*\nflask>=2,==2.3.3\n"})
    assert rows(result) == [("django", None, 1, True, True), ("flask", "2.3.3", 2, True, False)]
