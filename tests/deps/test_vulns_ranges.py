"""OSV range evaluation, explicit version lists and their import-time index."""

import pytest

from faasguard.deps.vulns import Affected, Event, Range
from faasguard.deps.vulns.ranges import AffectedMatcher, compile_range, uncovered_versions
from faasguard.deps.vulns.versions import PEP440, SEMVER


def _range(kind, *events):
    return Range(kind, tuple(Event(k, v) for k, v in events))


def _entry(ecosystem, *ranges, versions=()):
    return Affected(ecosystem, "pkg", ranges=ranges, versions=tuple(versions))


def _affected(entry, versions):
    matcher = AffectedMatcher(entry)
    return sorted(v for v in versions if matcher.contains(v))


# (events, affected versions, unaffected versions): the OSV spec's worked examples and more.
PYPI_CASES = [
    ([("introduced", "0")], ["0", "0.0.1a1", "1.0", "99"], []),
    ([("introduced", "0"), ("fixed", "1.0.2")], ["0.1", "1.0.1", "1.0.2rc1"], ["1.0.2", "2"]),
    (
        [("introduced", "1.0.0"), ("fixed", "1.0.2"), ("introduced", "3.0.0"), ("fixed", "3.2.5")],
        ["1.0.0", "1.0.1", "3.0", "3.2.4"],
        ["0.9", "1.0.2", "2.0", "3.2.5", "4"],
    ),
    ([("introduced", "0"), ("last_affected", "2.1.214")], ["2.1.214", "1"], ["2.1.215"]),
    # Unsorted events (PYSEC-2023-192 lists the 2.x range before the 1.x one).
    (
        [("introduced", "2.0.0"), ("fixed", "2.0.6"), ("introduced", "0"), ("fixed", "1.26.17")],
        ["1.26.16", "2.0.0", "2.0.5"],
        ["1.26.17", "1.27", "2.0.6"],
    ),
    # A limit caps an open range; several limits: below any of them.
    ([("introduced", "3.0"), ("limit", "3.5")], ["3.0", "3.4.9"], ["2.9", "3.5", "4"]),
    ([("introduced", "1"), ("limit", "2"), ("limit", "3")], ["2.5"], ["3"]),
    ([("introduced", "1"), ("limit", "*")], ["9"], ["0.9"]),
    # Same version introduced and fixed: empty; introduced and last_affected: that version.
    ([("introduced", "1.0"), ("fixed", "1.0")], [], ["1.0"]),
    ([("introduced", "1.0"), ("last_affected", "1.0")], ["1.0", "1.0.0"], ["1.0.1"]),
    # Two introduced in a row: the first opens the interval.
    ([("introduced", "1"), ("introduced", "2"), ("fixed", "3")], ["1.5"], ["3"]),
    # PEP 440 ordering: prereleases, post releases, epochs.
    (
        [("introduced", "0"), ("fixed", "5.4")],
        ["5.4b1", "5.4rc1", "5.3.post1"],
        ["5.4", "5.4.post1"],
    ),
    ([("introduced", "1!0")], ["1!0.1"], ["2024.1"]),
]


@pytest.mark.parametrize(("events", "hit", "miss"), PYPI_CASES)
def test_pypi_ecosystem_ranges(events, hit, miss):
    entry = _entry("PyPI", _range("ECOSYSTEM", *events))
    assert _affected(entry, hit + miss) == sorted(hit)


def test_npm_ranges_use_semver_with_prereleases():
    entry = _entry(
        "npm",
        _range("SEMVER", ("introduced", "0"), ("fixed", "7.23.2")),
        _range("SEMVER", ("introduced", "8.0.0-alpha.0"), ("fixed", "8.0.0-alpha.4")),
    )
    versions = ["7.23.1", "7.23.2", "8.0.0-alpha.0", "8.0.0-alpha.3", "8.0.0-alpha.4", "8.0.0"]
    assert _affected(entry, versions) == ["7.23.1", "8.0.0-alpha.0", "8.0.0-alpha.3"]


def test_git_ranges_are_not_evaluated_but_versions_are():
    entry = _entry(
        "PyPI",
        _range("GIT", ("introduced", "0"), ("fixed", "abc")),
        versions=["1.0.0", "1.1", "2.0rc1", "not a version"],
    )
    versions = ["1.0.0", "1.0", "1.1.0", "2.0.0rc1", "2.0", "not a version", "1.0.1"]
    assert _affected(entry, versions) == ["1.0", "1.0.0", "1.1.0", "2.0.0rc1", "not a version"]
    assert AffectedMatcher(entry).fixes() == ()


def test_unparseable_event_falls_back_to_the_version_list():
    # The PyPI export has "last_affected": "2.6.0-NA" (torch); such a range cannot be ordered.
    rng = _range("ECOSYSTEM", ("introduced", "0"), ("last_affected", "2.6.0-NA"))
    assert compile_range(rng, "PyPI") is None
    assert _affected(_entry("PyPI", rng), ["2.5.0", "2.6.0"]) == []
    assert _affected(_entry("PyPI", rng, versions=["2.5.0"]), ["2.5.0", "2.6.0"]) == ["2.5.0"]


def test_unparseable_installed_version_is_checked_against_the_list_only():
    entry = _entry("PyPI", _range("ECOSYSTEM", ("introduced", "0")), versions=["0.1-bulbasaur"])
    assert _affected(entry, ["0.1-bulbasaur", "0.1-charmander", "1.0"]) == ["0.1-bulbasaur", "1.0"]


def test_unknown_ecosystem_has_no_ordering():
    entry = Affected("RubyGems", "x", ranges=(_range("ECOSYSTEM", ("introduced", "0")),))
    assert AffectedMatcher(entry).ranges == ()
    assert _affected(entry, ["1.0"]) == []


def test_uncovered_versions_keeps_only_what_the_ranges_miss():
    entries = [
        _entry(
            "PyPI",
            _range("ECOSYSTEM", ("introduced", "1.0"), ("fixed", "2.0")),
            versions=["1.0", "1.5", "2.0", "0.9-odd", "3.0"],
        ),
        _entry("PyPI", _range("ECOSYSTEM", ("introduced", "2.9"), ("fixed", "3.1"))),
    ]
    assert uncovered_versions(entries) == ("0.9-odd", "2.0")


def test_canonical_forms_match_version_equality():
    assert PEP440.canonical("1.0.0") == PEP440.canonical("1") == "1"
    assert PEP440.canonical("01.2") == "1.2"
    assert PEP440.canonical("1.0.0-RC1") == PEP440.canonical("1.0rc1")
    assert PEP440.canonical("bulbasaur") is None
    assert SEMVER.canonical("v1.2.3+build") == "1.2.3"
    assert SEMVER.canonical("1.2.3-beta.2") == "1.2.3-beta.2"
    assert PEP440.canonical_set(frozenset({"1.0", "1.0.0", "x y"})) == frozenset({"1"})
