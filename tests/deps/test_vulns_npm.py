"""The edge cases of the npm sets (shared/data/osv/npm), one test per case in the README."""

import os
from pathlib import Path

import pytest

from faasguard.deps.vulns import PackageQuery, SeverityLevel, Store, StoreSource, smallest_fix

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("FAASGUARD_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("npm") / "osv.sqlite3")
    ghsa = store.import_zip(DATA / "osv" / "npm" / "ghsa-sample.zip", "npm")
    nswg = store.import_zip(DATA / "osv" / "npm" / "nswg-legacy.zip", "npm")
    source = StoreSource(store)
    yield store, source, ghsa, nswg
    source.close()
    store.close()


@pytest.fixture(scope="module")
def source(loaded):
    return loaded[1]


def _ids(source, name, version):
    query = PackageQuery("npm", name, version)
    return [m.id for m in source.match([query])[query]]


def _one(source, name, version):
    query = PackageQuery("npm", name, version)
    (match,) = source.match([query])[query]
    return match


def test_import_reports(loaded):
    store, _, ghsa, nswg = loaded
    assert (ghsa.imported, ghsa.withdrawn, ghsa.ignored, ghsa.skipped) == (30, 1, 0, ())
    assert (nswg.imported, nswg.withdrawn, nswg.ignored, nswg.skipped) == (467, 0, 0, ())
    (npm,) = store.status().ecosystems
    assert (npm.records, npm.withdrawn) == (497, 1)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.0.1", ["GHSA-hjrf-2m68-5959", "NSWG-ECO-17"]),  # NSWG-ECO-17: < 4.2.2
        ("4.2.2", ["GHSA-hjrf-2m68-5959"]),
        ("8.5.1", ["GHSA-hjrf-2m68-5959"]),
        ("9.0.0", []),
    ],
)
def test_withdrawn_record_never_matches(source, version, expected):
    # GHSA-27h2-hvpr-p74q (withdrawn) covered every jsonwebtoken < 9.0.0.
    assert _ids(source, "jsonwebtoken", version) == expected


def test_record_without_severity(source):
    match = _one(source, "cookie", "0.6.0")
    assert (match.id, match.severity, match.level, match.score) == (
        "GHSA-pxg6-pf52-xh8x",
        (),
        None,
        None,
    )
    assert match.fixed_in == ("0.7.0",)


def test_introduced_without_fix(source):
    for version in ("0.0.1", "6.26.0", "99.0.0"):
        match = _one(source, "babel-traverse", version)
        assert (match.id, match.fixed_in) == ("GHSA-67hx-6x53-jw92", ())
        assert smallest_fix(PackageQuery("npm", "babel-traverse", version), [match]) is None


@pytest.mark.parametrize(
    ("name", "last_affected", "record"),
    [
        ("lodash.template", "4.5.0", "GHSA-35jh-r3h4-6jhm"),
        ("lodash.trim", "4.5.1", "GHSA-29mw-wpgm-hmr9"),
        ("lodash.pick", "4.4.0", "GHSA-p6mc-m468-83gw"),
        ("lodash.setwith", "4.3.2", "GHSA-p6mc-m468-83gw"),
    ],
)
def test_last_affected(source, name, last_affected, record):
    assert _ids(source, name, last_affected) == [record]
    major, minor, patch = (int(part) for part in last_affected.split("."))
    assert _ids(source, name, f"{major}.{minor}.{patch + 1}") == []
    assert _one(source, name, last_affected).fixed_in == ()


def test_last_affected_lower_bound(source):
    # lodash.pick: introduced 4.0.0, last_affected 4.4.0.
    assert _ids(source, "lodash.pick", "3.9.9") == []
    assert _ids(source, "lodash.pick", "4.0.0") == ["GHSA-p6mc-m468-83gw"]


def test_several_entries_for_one_package_qs(source):
    assert _ids(source, "qs", "6.5.2") == ["GHSA-hrpp-h998-j3pp"]
    assert _ids(source, "qs", "6.5.3") == []
    assert _ids(source, "qs", "6.2.3") == ["GHSA-hrpp-h998-j3pp"]
    assert _ids(source, "qs", "6.4.0") == ["GHSA-hrpp-h998-j3pp"]
    assert _ids(source, "qs", "6.4.1") == []
    match = _one(source, "qs", "6.5.2")
    assert match.fixed_in == ("6.5.3", "6.6.1", "6.7.3", "6.8.3", "6.9.7", "6.10.3")
    assert len(match.affected) == 9
    assert smallest_fix(PackageQuery("npm", "qs", "6.5.2"), [match]) == "6.5.3"


def test_several_entries_for_one_package_ws(source):
    assert _ids(source, "ws", "7.5.9") == ["GHSA-3h5v-q93c-6h6q"]
    assert _ids(source, "ws", "7.5.10") == []
    assert _ids(source, "ws", "6.0.0") == ["GHSA-3h5v-q93c-6h6q"]
    assert _ids(source, "ws", "2.0.0") == []
    assert _ids(source, "ws", "8.17.1") == []
    assert _one(source, "ws", "5.2.3").fixed_in == ("5.2.4", "6.2.3", "7.5.10", "8.17.1")


def test_several_entries_for_one_package_path_to_regexp(source):
    match = _one(source, "path-to-regexp", "0.1.7")
    assert match.id == "GHSA-9wv6-86v2-598j"
    assert match.aliases == ("CVE-2024-45296", "CVE-2026-4867", "GHSA-37ch-88jc-xwx2")
    assert match.fixed_in == ("0.1.10", "1.9.0", "3.3.0", "6.3.0", "8.0.0")
    assert smallest_fix(PackageQuery("npm", "path-to-regexp", "0.1.7"), [match]) == "0.1.10"
    assert _ids(source, "path-to-regexp", "0.1.10") == []
    assert _ids(source, "path-to-regexp", "1.9.0") == []
    assert _one(source, "path-to-regexp", "6.2.1").fixed_in == ("6.3.0", "8.0.0")
    assert _ids(source, "path-to-regexp", "8.0.0") == []


def test_scoped_names(source):
    assert _ids(source, "@aws-sdk/shared-ini-file-loader", "1.0.0-rc.8") == ["GHSA-rrc9-gqf8-8rwg"]
    assert _ids(source, "@AWS-SDK/Shared-Ini-File-Loader", "1.0.0-rc.8") == ["GHSA-rrc9-gqf8-8rwg"]
    assert _ids(source, "@babel/traverse", "7.23.1") == ["GHSA-67hx-6x53-jw92"]
    assert _ids(source, "@octokit/request", "8.4.0") == ["GHSA-rmvr-2pp2-xj38"]


@pytest.mark.parametrize(
    ("name", "version", "affected"),
    [
        ("@aws-sdk/shared-ini-file-loader", "1.0.0-rc.8", True),  # fixed in 1.0.0-rc.9
        ("@aws-sdk/shared-ini-file-loader", "1.0.0-rc.9", False),
        ("@aws-sdk/shared-ini-file-loader", "1.0.0-rc.10", False),  # numeric identifiers
        ("@aws-sdk/shared-ini-file-loader", "1.0.0", False),
        ("@babel/traverse", "8.0.0-alpha.0", True),  # [8.0.0-alpha.0, 8.0.0-alpha.4)
        ("@babel/traverse", "8.0.0-alpha.3", True),
        ("@babel/traverse", "8.0.0-alpha.4", False),
        ("@babel/traverse", "8.0.0", False),
        ("@octokit/request", "9.0.0-beta.1", True),  # introduced at a prerelease
        ("@octokit/request", "9.0.0-alpha.1", False),  # alpha < beta.1
        ("@octokit/request", "9.2.1", False),
        ("express", "5.0.0-alpha.1", True),
        ("express", "5.0.0-beta.2", True),
        ("express", "5.0.0-beta.3", False),
        ("express", "4.19.1", True),
        ("express", "4.19.2", False),
        ("semver", "2.0.0-alpha", True),  # GHSA-c2qf-rxjj-qqgw introduced 2.0.0-alpha
        ("semver", "v5.7.1", True),  # leading "v" tolerated
        ("semver", "5.7.2", False),
    ],
)
def test_prerelease_bounds(source, name, version, affected):
    query = PackageQuery("npm", name, version)
    ids = [m.id for m in source.match([query])[query] if m.id.startswith("GHSA-")]
    assert bool(ids) is affected


def test_cvss_v4(source):
    # axios GHSA-jr5f-v2jv-69x6 has only a CVSS_V4 vector: kept, no level computed.
    match = _one(source, "axios", "1.8.1")
    assert match.id == "GHSA-jr5f-v2jv-69x6"
    assert [(s.type, s.score) for s in match.severity] == [
        ("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:P")
    ]
    assert (match.level, match.score) == (None, None)
    # ws GHSA-3h5v-q93c-6h6q has both: the level comes from the v3 vector.
    ws = _one(source, "ws", "8.0.0")
    assert [s.type for s in ws.severity] == ["CVSS_V3", "CVSS_V4"]
    assert (ws.level, ws.score) == (SeverityLevel.HIGH, 7.5)


def test_other_ecosystems_in_npm_records_are_ignored(source):
    # lodash-rails (RubyGems) and Moment.js (NuGet) share records with npm packages.
    queries = [
        PackageQuery("RubyGems", "lodash-rails", "4.17.20"),
        PackageQuery("NuGet", "Moment.js", "2.29.1"),
        PackageQuery("npm", "lodash-rails", "4.17.20"),
        PackageQuery("npm", "moment", "2.29.1"),
    ]
    result = source.match(queries)
    assert list(result) == queries[2:]
    assert result[queries[2]] == ()
    assert [m.id for m in result[queries[3]]] == ["GHSA-8hfj-j24r-96c4"]


def test_lodash_has_two_vulnerabilities_and_one_upgrade(source):
    query = PackageQuery("npm", "lodash", "4.17.20")
    matches = source.match([query])[query]
    assert [(m.id, m.level, m.score) for m in matches] == [
        ("GHSA-29mw-wpgm-hmr9", SeverityLevel.MEDIUM, 5.3),
        ("GHSA-35jh-r3h4-6jhm", SeverityLevel.HIGH, 7.2),
    ]
    assert smallest_fix(query, matches) == "4.17.21"


def test_axios_smallest_fix_spans_four_records(source):
    query = PackageQuery("npm", "axios", "0.21.0")
    matches = source.match([query])[query]
    assert [(m.id, m.fixed_in) for m in matches] == [
        ("GHSA-4w2v-q235-vp99", ("0.21.1",)),
        ("GHSA-cph5-m8f7-6c5x", ("0.21.2",)),
        ("GHSA-jr5f-v2jv-69x6", ("0.30.0", "1.8.2")),
        ("GHSA-wf5p-g6vw-rhxx", ("0.28.0", "1.6.0")),
    ]
    assert smallest_fix(query, matches) == "0.30.0"


def test_nswg_conversions(source):
    # "<=1.5.1" became last_affected; bare versions became a version list; "<=99.999.99999"
    # became "introduced 0" with no fix.
    assert _ids(source, "bassmaster", "1.5.1") == ["NSWG-ECO-1"]
    assert _ids(source, "bassmaster", "1.5.2") == []
    assert _ids(source, "hapi-auth-jwt2", "5.1.1") == ["NSWG-ECO-81"]
    assert _ids(source, "hapi-auth-jwt2", "5.1.2") == []
    nhouston = _one(source, "nhouston", "100.0.0")
    assert (nhouston.id, nhouston.fixed_in) == ("NSWG-ECO-25", ())
    ecosystem_level = _one(source, "bassmaster", "1.0.0")
    assert (ecosystem_level.level, ecosystem_level.score) == (SeverityLevel.MEDIUM, 6.5)


def test_semver_merges_nothing_across_databases(source):
    query = PackageQuery("npm", "semver", "2.0.0-beta")
    assert [(m.id, m.fixed_in) for m in source.match([query])[query]] == [
        ("GHSA-c2qf-rxjj-qqgw", ("5.7.2", "6.3.1", "7.5.2")),
        ("NSWG-ECO-31", ("4.3.2",)),
    ]


def test_invalid_npm_version_is_unknown_not_a_crash(source):
    assert _ids(source, "lodash", "latest") == []
    assert _ids(source, "lodash", "4.17") == []
