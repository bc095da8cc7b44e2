"""OSV JSON to frozen records: normalisation, leniency on unknown content, typed errors."""

import dataclasses
from datetime import datetime, timezone

import pytest

from faasguard.deps.vulns import (
    Affected,
    Event,
    Range,
    RecordError,
    Severity,
    parse_vulnerability,
    parse_vulnerability_json,
)
from faasguard.deps.vulns.names import normalize_ecosystem, normalize_name
from faasguard.deps.vulns.records import parse_timestamp

GHSA = {
    "schema_version": "1.9.0",
    "id": "GHSA-67hx-6x53-jw92",
    "published": "2023-10-16T13:55:36Z",
    "modified": "2026-09-10T03:50:03.372029556Z",
    "aliases": ["CVE-2023-45133"],
    "summary": "Babel vulnerable to arbitrary code execution",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
    "database_specific": {"severity": "CRITICAL", "github_reviewed": True},
    "affected": [
        {
            "package": {
                "name": "@Babel/Traverse",
                "ecosystem": "npm",
                "purl": "pkg:npm/%40babel/traverse",
            },
            "ranges": [
                {
                    "type": "SEMVER",
                    "events": [{"introduced": "0"}, {"fixed": "7.23.2"}],
                    "database_specific": {"x": 1},
                }
            ],
        },
        {"package": {"name": "babel-traverse", "ecosystem": "NPM"}, "ranges": []},
        {"ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}]}]},
        {"package": {"name": "Moment.js", "ecosystem": "NuGet"}, "versions": ["2.29.1"]},
    ],
}


def test_parse_keeps_the_fields_and_normalises_names():
    record = parse_vulnerability(GHSA)
    assert record.id == "GHSA-67hx-6x53-jw92"
    assert record.aliases == ("CVE-2023-45133",)
    assert record.summary == "Babel vulnerable to arbitrary code execution"
    assert record.details is None
    assert record.severity == (Severity("CVSS_V3", "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),)
    assert record.published == datetime(2023, 10, 16, 13, 55, 36, tzinfo=timezone.utc)
    assert record.modified == datetime(2026, 9, 10, 3, 50, 3, 372029, tzinfo=timezone.utc)
    assert record.withdrawn is None
    assert record.database_severity == "CRITICAL"
    # The package-less GIT entry is dropped; other ecosystems are kept as published.
    assert record.affected == (
        Affected(
            ecosystem="npm",
            name="@babel/traverse",
            ranges=(Range("SEMVER", (Event("introduced", "0"), Event("fixed", "7.23.2"))),),
            purl="pkg:npm/%40babel/traverse",
        ),
        Affected(ecosystem="npm", name="babel-traverse"),
        Affected(ecosystem="NuGet", name="Moment.js", versions=("2.29.1",)),
    )


def test_records_are_frozen_and_hashable():
    record = parse_vulnerability(GHSA)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.id = "x"  # type: ignore[misc]
    assert hash(record) == hash(parse_vulnerability(GHSA))


def test_unknown_event_kinds_are_ignored():
    data = {
        "id": "X-1",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"name": "a", "ecosystem": "PyPI"},
                "ranges": [{"type": "ecosystem", "events": [{"introduced": "0"}, {"future": "1"}]}],
            }
        ],
    }
    record = parse_vulnerability(data)
    assert record.affected[0].ranges == (Range("ECOSYSTEM", (Event("introduced", "0"),)),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "x.json: record must be an object, not list"),
        ({"modified": "2024-01-01T00:00:00Z"}, "x.json: record.id must be a string"),
        ({"id": "X", "modified": "yesterday"}, "x.json: 'modified': not an RFC 3339 timestamp"),
        ({"id": "X"}, "x.json: record.modified must be a string"),
        (
            {"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": {}},
            "x.json: affected must be a list, not dict",
        ),
        (
            {"id": "X", "modified": "2024-01-01T00:00:00Z", "aliases": ["A", 1]},
            "x.json: aliases must be a list of strings",
        ),
        (
            {
                "id": "X",
                "modified": "2024-01-01T00:00:00Z",
                "affected": [
                    {
                        "package": {"name": "a", "ecosystem": "PyPI"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0", "fixed": "1"}]}
                        ],
                    }
                ],
            },
            "x.json: affected[0].ranges[0].events[0] has several kinds: introduced, fixed",
        ),
        (
            {"id": "X", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {}}]},
            "x.json: affected[0].package.ecosystem must be a string",
        ),
    ],
)
def test_invalid_records_raise_record_error_with_origin(data, message):
    with pytest.raises(RecordError) as caught:
        parse_vulnerability(data, origin="x.json")
    assert str(caught.value).startswith(message)


def test_json_text_errors():
    with pytest.raises(RecordError, match=r"^u: not valid JSON"):
        parse_vulnerability_json(b"{nope", origin="u")
    assert parse_vulnerability_json('{"id":"A","modified":"2024-01-01T00:00:00Z"}').id == "A"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-27T03:22:18.913334Z", datetime(2021, 8, 27, 3, 22, 18, 913334, timezone.utc)),
        ("2026-09-10T03:49:50.178397967Z", datetime(2026, 9, 10, 3, 49, 50, 178397, timezone.utc)),
        ("2021-02-09T21:15:00+02:00", datetime(2021, 2, 9, 19, 15, tzinfo=timezone.utc)),
        ("2021-02-09T21:15:00", datetime(2021, 2, 9, 21, 15, tzinfo=timezone.utc)),
        ("2027-01-01T00:00:00Z", datetime(2027, 1, 1, tzinfo=timezone.utc)),
    ],
)
def test_timestamps(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    ("ecosystem", "name", "expected"),
    [
        ("PyPI", "PyYAML", "pyyaml"),
        ("pypi", "Zope.Interface", "zope-interface"),
        ("PyPI", "jw.util", "jw-util"),
        ("PyPI", "a__b--c..d", "a-b-c-d"),
        ("npm", "@Babel/Traverse", "@babel/traverse"),
        ("NPM", "lodash.template", "lodash.template"),
        ("RubyGems", "Lodash-Rails", "Lodash-Rails"),
    ],
)
def test_name_normalisation(ecosystem, name, expected):
    assert normalize_name(ecosystem, name) == expected


def test_ecosystem_normalisation():
    assert normalize_ecosystem("pypi") == "PyPI"
    assert normalize_ecosystem(" NPM ") == "npm"
    assert normalize_ecosystem("Debian:12") == "Debian:12"
