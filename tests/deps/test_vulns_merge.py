"""Alias merging, result fields and smallest_fix, on handmade records (tests/fixtures/...)."""

import json
import zipfile
from pathlib import Path

import pytest

from faasguard.deps.vulns import (
    MatchedVulnerability,
    PackageQuery,
    Severity,
    SeverityLevel,
    Store,
    StoreSource,
    smallest_fix,
)
from faasguard.deps.vulns.matching import PackageMatcher, id_preference
from faasguard.deps.vulns.records import parse_vulnerability

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deps" / "vulns"
RECORDS = sorted((FIXTURES / "merge").glob("*.json")) + sorted((FIXTURES / "edge").glob("*.json"))


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("merge")
    archive = tmp / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in RECORDS:
            zf.writestr(path.name, path.read_text())
    store = Store(tmp / "osv.sqlite3")
    report = store.import_zip(archive)
    assert (report.imported, report.withdrawn, report.skipped) == (9, 1, ())
    src = StoreSource(store)
    yield src
    src.close()
    store.close()


def _by_id(matches):
    return {match.id: match for match in matches}


def test_twins_merge_into_one_result_with_the_ghsa_id_primary(source):
    query = PackageQuery("PyPI", "Demo.Pkg", "1.2")
    result = source.match([query])[query]
    assert [m.id for m in result] == ["GHSA-aaaa-bbbb-cccc", "PYSEC-2099-2"]
    sql = result[0]
    assert sql == MatchedVulnerability(
        id="GHSA-aaaa-bbbb-cccc",
        aliases=("CVE-2099-0001", "PYSEC-2099-1"),
        record_ids=("GHSA-aaaa-bbbb-cccc", "PYSEC-2099-1"),
        summary="SQL injection in demo-pkg",
        details="GitHub's description.",
        severity=(Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),),
        level=SeverityLevel.CRITICAL,
        score=9.8,
        fixed_in=("1.4.2", "1.5"),
        affected=sql.affected,
        withdrawn=False,
    )
    assert [(a.name, a.ranges[0].events[-1].version) for a in sql.affected] == [
        ("demo-pkg", "1.4.2"),
        ("demo-pkg", "1.5"),
    ]
    traversal = result[1]
    assert (traversal.aliases, traversal.level, traversal.score, traversal.fixed_in) == (
        ("CVE-2099-0002",),
        SeverityLevel.MEDIUM,  # database_specific "MODERATE": no CVSS vector
        None,
        ("2.0",),
    )


def test_alias_chains_merge_transitively(source):
    query = PackageQuery("PyPI", "demo-pkg", "1.6")
    dos = _by_id(source.match([query])[query])["GHSA-dddd-eeee-ffff"]
    assert dos.record_ids == ("GHSA-dddd-eeee-ffff", "OSV-2099-3", "PYSEC-2099-3")
    assert dos.aliases == ("CVE-2099-0003", "OSV-2099-3", "PYSEC-2099-3")
    assert dos.summary == "Denial of service in demo-pkg"
    assert dos.severity == (
        Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
        Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
    )
    assert (dos.level, dos.score) == (SeverityLevel.HIGH, 7.5)  # max of 7.5 and 6.1
    assert dos.fixed_in == ("1.6.1", "1.7")
    assert sorted(_by_id(source.match([query])[query])) == ["GHSA-dddd-eeee-ffff", "PYSEC-2099-2"]


def test_withdrawn_records_neither_match_nor_merge(source):
    # PYSEC-2099-4 (withdrawn) claims every version and shares CVE-2099-0001.
    query = PackageQuery("PyPI", "demo-pkg", "3.0")
    assert source.match([query]) == {query: ()}
    query = PackageQuery("PyPI", "demo-pkg", "1.2")
    assert "PYSEC-2099-4" not in source.match([query])[query][0].aliases


def test_summary_falls_back_to_the_first_plain_line_of_details():
    record = parse_vulnerability(json.loads((FIXTURES / "merge" / "PYSEC-2099-1.json").read_text()))
    matcher = PackageMatcher("PyPI", "demo-pkg", records=[record])
    (match,) = matcher.match("1.0")
    assert match.summary == "demo-pkg before 1.5 builds SQL from user input."


def test_primary_id_rule():
    ids = ["CVE-2099-1", "PYSEC-2099-9", "GHSA-zzzz-zzzz-zzzz", "OSV-1", "GHSA-aaaa-aaaa-aaaa"]
    assert sorted(ids, key=id_preference) == [
        "GHSA-aaaa-aaaa-aaaa",
        "GHSA-zzzz-zzzz-zzzz",
        "PYSEC-2099-9",
        "OSV-1",
        "CVE-2099-1",
    ]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        # 1.4.2 is affected by PYSEC-2099-1 (<1.5), 1.5 by PYSEC-2099-2 (1.0 to 2.0).
        ("1.2", "2.0"),
        # Only the SQL twins match; 1.4.2 is still affected by PYSEC-2099-1.
        ("0.9", "1.5"),
        ("1.6", "2.0"),
        ("2.5", None),  # nothing matches: nothing to fix
        ("not-a-version", None),
    ],
)
def test_smallest_fix_clears_every_match(source, version, expected):
    query = PackageQuery("PyPI", "demo-pkg", version)
    assert smallest_fix(query, source.match([query])[query]) == expected


def test_smallest_fix_can_avoid_every_known_record(source):
    # From 0.9, 1.5 clears the matched twins but lands in PYSEC-2099-2 and the DoS group.
    query = PackageQuery("PyPI", "demo-pkg", "0.9")
    known = source.affected_entries("PyPI", "Demo_Pkg")
    assert len(known) == 6  # the withdrawn record is not among them
    assert smallest_fix(query, source.match([query])[query], avoid=known) == "2.0"


def test_git_only_record_matches_its_version_list(source):
    queries = [
        PackageQuery("PyPI", "git-only", v) for v in ("1.0", "1.1.0", "2.0", "not a version")
    ]
    result = source.match(queries)
    assert [bool(result[q]) for q in queries] == [True, True, False, True]
    assert result[queries[0]][0].fixed_in == ()  # GIT fixes are commits, not versions
    assert smallest_fix(queries[0], result[queries[0]]) is None


def test_unordered_events_and_limit(source):
    versions = ["1.26.16", "1.26.17", "2.0.5", "2.0.6", "2.1", "3.0", "3.4.9", "3.5", "4.0"]
    queries = [PackageQuery("PyPI", "unordered", v) for v in versions]
    result = source.match(queries)
    assert [q.version for q in queries if result[q]] == ["1.26.16", "2.0.5", "3.0", "3.4.9"]
    assert result[queries[0]][0].fixed_in == ("1.26.17", "2.0.6")
    assert result[queries[2]][0].fixed_in == ("2.0.6",)
    assert smallest_fix(queries[0], result[queries[0]]) == "1.26.17"
