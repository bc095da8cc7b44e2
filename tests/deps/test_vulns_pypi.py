"""Known answers on the real PyPI advisory export (shared/data/osv/PyPI/all.zip)."""

import json
import os
import random
import zipfile
from pathlib import Path

import pytest

from faasguard.deps.vulns import PackageQuery, SeverityLevel, Store, StoreSource, smallest_fix
from faasguard.deps.vulns.matching import PackageMatcher
from faasguard.deps.vulns.records import parse_vulnerability
from faasguard.deps.vulns.versions import PEP440

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("FAASGUARD_SHARED_DATA") or REPO.parent / "shared" / "data")
ARCHIVE = DATA / "osv" / "PyPI" / "all.zip"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    assert ARCHIVE.is_file(), f"missing {ARCHIVE}: set FAASGUARD_SHARED_DATA"
    store = Store(tmp_path_factory.mktemp("pypi") / "osv.sqlite3")
    report = store.import_zip(ARCHIVE, "PyPI")
    source = StoreSource(store)
    yield store, source, report
    source.close()
    store.close()


@pytest.fixture(scope="module")
def source(loaded):
    return loaded[1]


def _match(source, name, version):
    query = PackageQuery("PyPI", name, version)
    return source.match([query])[query]


def test_import_report_and_status(loaded):
    store, _, report = loaded
    assert (report.imported, report.withdrawn, report.ignored, report.skipped) == (
        7080,
        269,
        0,
        (),
    )
    (pypi,) = store.status().ecosystems
    assert (pypi.records, pypi.withdrawn, pypi.packages) == (7080, 269, 1532)


def test_pyyaml_5_3_1_is_affected_by_cve_2020_14343(source):
    (match,) = _match(source, "PyYAML", "5.3.1")
    assert match.id == "PYSEC-2021-142"
    assert match.aliases == ("CVE-2020-14343", "GHSA-8q59-q68h-6hv4")
    assert match.fixed_in == ("5.4",)
    assert match.summary.startswith("A vulnerability was discovered in the PyYAML library")
    assert (match.level, match.score, match.severity) == (None, None, ())
    assert smallest_fix(PackageQuery("PyPI", "pyyaml", "5.3.1"), [match]) == "5.4"


def test_pyyaml_5_1(source):
    matches = _match(source, "pyyaml", "5.1")
    # PYSEC-2018-49 is fixed in 5.1 itself; 5.2b1 and 5.3.1 fix the other two.
    assert [(m.id, m.fixed_in) for m in matches] == [
        ("PYSEC-2020-176", ("5.2b1",)),
        ("PYSEC-2020-96", ("5.3.1",)),
        ("PYSEC-2021-142", ("5.4",)),
    ]
    assert smallest_fix(PackageQuery("PyPI", "pyyaml", "5.1"), matches) == "5.4"


def test_markupsafe_2_1_3_has_no_known_vulnerability(source):
    query = PackageQuery("PyPI", "MarkupSafe", "2.1.3")
    assert source.match([query]) == {query: ()}


def test_requests_2_19_0(source):
    matches = _match(source, "requests", "2.19.0")
    assert [(m.id, m.fixed_in, m.level, m.score) for m in matches] == [
        ("PYSEC-2018-28", ("2.20.0",), None, None),
        ("PYSEC-2023-74", ("2.31.0",), None, None),
        ("PYSEC-2026-1872", ("2.32.4",), SeverityLevel.MEDIUM, 5.3),
        ("PYSEC-2026-1873", ("2.32.0",), SeverityLevel.MEDIUM, 5.6),
        ("PYSEC-2026-2275", ("2.33.0",), SeverityLevel.MEDIUM, 5.5),
    ]
    assert matches[0].aliases == ("CVE-2018-18074", "GHSA-x84v-xcm2-53pg")
    assert smallest_fix(PackageQuery("PyPI", "requests", "2.19.0"), matches) == "2.33.0"


def test_urllib3_1_26_0(source):
    matches = _match(source, "urllib3", "1.26.0")
    assert [(m.id, m.fixed_in) for m in matches] == [
        ("PYSEC-2021-108", ("1.26.5",)),
        ("PYSEC-2021-59", ("1.26.4",)),
        # Unsorted events in the record: introduced 2.0.0, fixed 2.0.6, introduced 0, ...
        ("PYSEC-2023-192", ("1.26.17", "2.0.6")),
        ("PYSEC-2023-212", ("1.26.18", "2.0.7")),
        ("PYSEC-2026-141", ("2.7.0",)),
        ("PYSEC-2026-1994", ("2.6.0",)),
        ("PYSEC-2026-1995", ("1.26.19", "2.2.2")),
        ("PYSEC-2026-1996", ("2.6.3",)),
        ("PYSEC-2026-1998", ("2.6.0",)),
        ("PYSEC-2026-1999", ("2.5.0",)),
    ]
    by_id = {m.id: m for m in matches}
    assert (by_id["PYSEC-2023-192"].level, by_id["PYSEC-2023-192"].score) == (
        SeverityLevel.HIGH,
        8.1,
    )
    # CVSS v4 only: reported as published, no level.
    assert [s.type for s in by_id["PYSEC-2026-1994"].severity] == ["CVSS_V4"]
    assert by_id["PYSEC-2026-1994"].level is None
    assert smallest_fix(PackageQuery("PyPI", "urllib3", "1.26.0"), matches) == "2.7.0"
    assert _match(source, "urllib3", "2.7.0") == ()


def test_django_3_2_0(source):
    matches = _match(source, "Django", "3.2.0")
    assert [m.id for m in matches] == [
        "PYSEC-2021-109", "PYSEC-2021-439", "PYSEC-2021-7", "PYSEC-2021-8", "PYSEC-2021-98",
        "PYSEC-2021-99", "PYSEC-2022-1", "PYSEC-2022-19", "PYSEC-2022-190", "PYSEC-2022-191",
        "PYSEC-2022-2", "PYSEC-2022-20", "PYSEC-2022-213", "PYSEC-2022-245", "PYSEC-2022-3",
        "PYSEC-2022-304", "PYSEC-2023-100", "PYSEC-2023-12", "PYSEC-2023-13", "PYSEC-2023-222",
        "PYSEC-2023-225", "PYSEC-2023-226", "PYSEC-2023-61", "PYSEC-2024-28", "PYSEC-2024-47",
        "PYSEC-2026-1297",
    ]  # fmt: skip
    by_id = {m.id: m for m in matches}
    assert by_id["PYSEC-2022-304"].fixed_in == ("3.2.16", "4.0.8", "4.1.2")
    assert by_id["PYSEC-2026-1297"].fixed_in == ("4.2.16", "5.0.9", "5.1.1")
    assert (by_id["PYSEC-2026-1297"].level, by_id["PYSEC-2026-1297"].score) == (
        SeverityLevel.LOW,
        3.7,
    )
    assert smallest_fix(PackageQuery("PyPI", "django", "3.2.0"), matches) == "4.2.16"


def test_django_withdrawn_twin_is_skipped(source):
    # PYSEC-2020-345 is a withdrawn duplicate of PYSEC-2020-36 (CVE-2020-9402).
    ids = [m.id for m in _match(source, "django", "3.0.3")]
    assert "PYSEC-2020-36" in ids
    assert "PYSEC-2020-345" not in ids
    assert len(ids) == 10


def test_name_spellings_meet(source):
    for spelling in ("jw.util", "JW_Util", "jw-util"):
        assert [m.id for m in _match(source, spelling, "1.0")] == ["PYSEC-2020-341"]


def test_unorderable_bounds_do_not_crash(source):
    # PYSEC-2025-192 (torch) has "last_affected": "2.6.0-NA" and no version list: it cannot
    # be evaluated offline, so torch 2.5.0 gets only the records that can.
    ids = [m.id for m in _match(source, "torch", "2.5.0")]
    assert "PYSEC-2025-192" not in ids


def test_results_cover_every_query_of_a_batch(source):
    queries = [
        PackageQuery("PyPI", "PyYAML", "5.3.1"),
        PackageQuery("PyPI", "pyyaml", "5.3.1"),
        PackageQuery("PyPI", "not-a-known-package", "1.0"),
        PackageQuery("npm", "lodash", "4.17.20"),
        PackageQuery("Go", "example.com/x", "v1.0.0"),
    ]
    result = source.match(queries)
    assert list(result) == queries[:4]  # Go is unsupported: absent, i.e. unknown
    assert result[queries[0]] == result[queries[1]]
    assert result[queries[2]] == ()
    assert result[queries[3]] == ()  # nothing imported for npm here


def test_store_index_gives_the_same_answers_as_full_evaluation(loaded):
    """The import-time "uncovered versions" index must not change any answer."""
    _, source, _ = loaded
    rng = random.Random(7)
    records = {}
    by_name = {}
    with zipfile.ZipFile(ARCHIVE) as archive:
        for entry in archive.namelist():
            record = parse_vulnerability(json.loads(archive.read(entry)))
            records[record.id] = record
            for affected in record.affected:
                by_name.setdefault(affected.name, set()).add(record.id)
    names = sorted(by_name)
    queries = []
    for name in rng.sample(names, 300):
        listed = sorted({v for i in by_name[name] for a in records[i].affected for v in a.versions})
        for version in [*rng.sample(listed, min(5, len(listed))), "0.0.1", "9999.0"]:
            queries.append(PackageQuery("PyPI", name, version))
    result = source.match(queries)
    mismatches = []
    for query in queries:
        naive = PackageMatcher(
            "PyPI", query.name, records=[records[i] for i in by_name[query.name]]
        )
        if naive.match(query.version) != result[query]:
            mismatches.append(query)
    assert mismatches == []
    assert len(queries) > 1500


def test_fast_canonical_form_agrees_with_packaging():
    from packaging.utils import canonicalize_version
    from packaging.version import InvalidVersion, Version

    versions = set()
    with zipfile.ZipFile(ARCHIVE) as archive:
        for entry in archive.namelist():
            for affected in json.loads(archive.read(entry))["affected"]:
                versions.update(affected.get("versions", []))
    disagree = []
    for text in versions:
        try:
            expected = canonicalize_version(Version(text))
        except InvalidVersion:
            expected = None
        if PEP440.canonical(text) != expected:
            disagree.append(text)
    assert disagree == []
    assert len(versions) == 32537
