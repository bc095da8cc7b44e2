"""SemVer 2.0.0 parsing and precedence (npm versions, OSV SEMVER ranges)."""

import itertools

import pytest

from faasguard.deps.vulns.semver import InvalidSemVerError, SemVer, parse_semver

# SemVer 2.0.0 section 11, example of 11.4, in ascending precedence.
SPEC_ORDER = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
]
# Section 11.2: major, minor and patch compare numerically.
CORE_ORDER = ["1.0.0", "2.0.0", "2.1.0", "2.1.1", "2.10.0", "10.0.0"]


@pytest.mark.parametrize("order", [SPEC_ORDER, CORE_ORDER])
def test_precedence_table_from_the_spec(order):
    parsed = [parse_semver(text) for text in order]
    for (i, low), (j, high) in itertools.combinations(enumerate(parsed), 2):
        assert low < high, (order[i], order[j])
        assert high > low
        assert low != high
    shuffled = list(reversed(parsed))
    assert [str(v) for v in sorted(shuffled)] == order


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("1.0.0-2", "1.0.0-10"),  # numeric identifiers compare numerically
        ("1.0.0-10", "1.0.0-a"),  # numeric before alphanumeric
        ("1.0.0-Z", "1.0.0-a"),  # alphanumeric in ASCII order
        ("1.0.0-alpha-1", "1.0.0-alpha-2"),  # hyphens inside identifiers
        ("1.0.0-0.3.7", "1.0.0-x.7.z.92"),
        ("8.0.0-alpha.0", "8.0.0-alpha.4"),
        ("9.0.0-beta.1", "9.0.0"),
        ("1.0.0-rc.9", "1.0.0"),
    ],
)
def test_pairwise_precedence(low, high):
    assert parse_semver(low) < parse_semver(high)
    assert not parse_semver(high) <= parse_semver(low)


def test_build_metadata_is_ignored_for_precedence_and_equality():
    assert parse_semver("1.0.0+build.1") == parse_semver("1.0.0+exp.sha.5114f85")
    assert hash(parse_semver("1.0.0+a")) == hash(parse_semver("1.0.0"))
    assert parse_semver("1.0.0-alpha+001") < parse_semver("1.0.0")
    assert parse_semver("1.0.0+20130313144700").build == ("20130313144700",)


@pytest.mark.parametrize("text", ["v1.2.3", "=1.2.3", " 1.2.3 ", "= v1.2.3", "V1.2.3"])
def test_leading_v_and_equals_are_tolerated(text):
    assert parse_semver(text) == SemVer(1, 2, 3)


def test_parts_are_exposed():
    version = parse_semver("1.2.3-beta.11.x+linux.64")
    assert (version.major, version.minor, version.patch) == (1, 2, 3)
    assert version.prerelease == ("beta", 11, "x")
    assert version.build == ("linux", "64")
    assert version.is_prerelease
    assert str(version) == "1.2.3-beta.11.x+linux.64"


@pytest.mark.parametrize(
    "text",
    [
        "1",
        "1.2",
        "1.2.3.4",
        "01.2.3",  # leading zero in a numeric identifier
        "1.2.3-01",  # leading zero in a numeric prerelease identifier
        "1.2.3-",
        "1.2.3-a..b",
        "1.2.3+",
        "1.2.3-béta",
        "1.2.3-\u0661",  # ARABIC-INDIC DIGIT ONE: not an ASCII digit
        "",
        "latest",
        "^1.2.3",
        "1.x",
    ],
)
def test_invalid_versions_raise(text):
    with pytest.raises(InvalidSemVerError):
        parse_semver(text)
