"""The history store: the same tests on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from faasguard.cli.main import main
from faasguard.history.connect import open_history
from faasguard.history.diff import FunctionChange, diff_scans
from faasguard.history.interface import (
    FindingRecord,
    FunctionRecord,
    HistoryCorruptError,
    HistoryError,
    HistoryTooNewError,
    HistoryUnavailableError,
    ScanNotFoundError,
    ScanRecord,
)
from faasguard.history.schema import LATEST

REPO = Path(__file__).resolve().parents[2]
T1 = _dt.datetime(2026, 11, 1, 9, 0, tzinfo=_dt.timezone.utc)
T2 = _dt.datetime(2026, 11, 8, 9, 0, tzinfo=_dt.timezone.utc)

SEARCH = FunctionRecord(
    key="shop/template.yaml#Search",
    application="shop",
    name="Search",
    file="shop/template.yaml",
    line=12,
    owner="@shop/search",
    owner_source="tag:Owner",
    description="Full-text search",
    readme="shop/search/README.md",
    runtime="python3.12",
    role_fingerprint="r1",
    triggers_fingerprint="t1",
    dependencies_fingerprint="d1",
    code_fingerprint="c1",
    triggers=("rest-api Api:GET /search",),
    permissions=("dynamodb:Query",),
    vulnerable_packages=(),
    finding_counts={"code.sql-injection": 1, "permissions.wildcard-resource": 2},
    cost_per_hour=Decimal("140.70"),
    unused=False,
)
LEGACY = FunctionRecord(
    key="shop/template.yaml#Legacy",
    application="shop",
    name="Legacy",
    file="shop/template.yaml",
    line=40,
    runtime="nodejs14.x",
    unused=True,
)
REPORT = FunctionRecord(
    key="shop/template.yaml#Report",
    application="shop",
    name="Report",
    file="shop/template.yaml",
    line=60,
    runtime="python3.12",
    owner="@shop/data",
    owner_source="CODEOWNERS",
)
SQLI = FindingRecord("fp-sqli", SEARCH.key, "FG2002", "code.sql-injection", "high", "SQL injection")
UNUSED = FindingRecord("fp-unused", LEGACY.key, "FG9001", "sprawl.unused-function", "low", "unused")
CVE = FindingRecord("fp-cve", SEARCH.key, "FG3001", "dependencies.vulnerable", "high", "urllib3")


def _scan(
    started: _dt.datetime,
    functions: tuple[FunctionRecord, ...],
    findings: tuple[FindingRecord, ...],
) -> ScanRecord:
    return ScanRecord("shop", started, "0.1.0", functions, findings)


def test_a_scan_round_trips_exactly(history_url: str) -> None:
    with open_history(history_url) as store:
        scan_id = store.record(_scan(T1, (SEARCH, LEGACY), (SQLI, UNUSED)))
        [stored] = store.scans()
        assert (stored.id, stored.target, stored.started_at, stored.functions, stored.findings) == (
            scan_id,
            "shop",
            T1,
            2,
            2,
        )
        assert store.functions(scan_id) == [LEGACY, SEARCH]  # by key
        assert store.findings(scan_id) == [SQLI, UNUSED]  # by fingerprint


def test_inventory_keeps_first_and_last_seen_across_scans(history_url: str) -> None:
    with open_history(history_url) as store:
        first = store.record(_scan(T1, (SEARCH, LEGACY), (SQLI, UNUSED)))
        renamed = dataclasses.replace(SEARCH, owner="@shop/platform")
        second = store.record(_scan(T2, (renamed, REPORT), (SQLI,)))
        rows = store.inventory()
    assert [(r.record.key, r.first_seen, r.last_seen, r.last_scan) for r in rows] == [
        (LEGACY.key, T1, T1, first),
        (REPORT.key, T2, T2, second),
        (SEARCH.key, T1, T2, second),
    ]
    assert rows[2].record == renamed  # the latest record wins


def test_diff_names_functions_permissions_triggers_packages_and_fixed_findings(
    history_url: str,
) -> None:
    grown = dataclasses.replace(
        SEARCH,
        permissions=("dynamodb:Query", "s3:*"),
        triggers=("function-url", "rest-api Api:GET /search"),
        vulnerable_packages=("PyPI:urllib3@1.26.0 GHSA-v845-jxx5-vc9f",),
        role_fingerprint="r2",
        dependencies_fingerprint="d2",
    )
    with open_history(history_url) as store:
        a = store.record(_scan(T1, (SEARCH, LEGACY), (SQLI, UNUSED)))
        b = store.record(_scan(T2, (grown, REPORT), (SQLI, CVE)))
        diff = diff_scans(store, a, b)
    assert [f.key for f in diff.added_functions] == [REPORT.key]
    assert [f.key for f in diff.removed_functions] == [LEGACY.key]
    assert diff.changed_functions == (
        FunctionChange(
            key=SEARCH.key,
            application="shop",
            name="Search",
            added_permissions=("s3:*",),
            added_triggers=("function-url",),
            new_vulnerable_packages=("PyPI:urllib3@1.26.0 GHSA-v845-jxx5-vc9f",),
            role_changed=True,
            dependencies_changed=True,
        ),
    )
    assert diff.new_findings == (CVE,)
    assert diff.fixed_findings == (UNUSED,)


def test_a_failed_write_leaves_no_half_scan(history_url: str) -> None:
    """Two functions with one key break the second insert: the whole scan is rolled back."""
    with open_history(history_url) as store:
        kept = store.record(_scan(T1, (SEARCH,), (SQLI,)))
        with pytest.raises(HistoryError) as caught:
            store.record(_scan(T2, (LEGACY, REPORT, dataclasses.replace(REPORT, line=99)), ()))
        message = str(caught.value)
        assert message.startswith(f"{store.description}: the scan was not recorded: ")
        assert "unique" in message.lower() or "duplicate" in message.lower()
        assert [s.id for s in store.scans()] == [kept]
        assert [r.record.key for r in store.inventory()] == [SEARCH.key]
        later = store.record(_scan(T2, (LEGACY,), ()))  # the store still works
        assert [s.id for s in store.scans()] == [kept, later]


def test_unknown_scan_id_is_a_clear_error(history_url: str) -> None:
    with (
        open_history(history_url) as store,
        pytest.raises(ScanNotFoundError, match="no scan with id 7"),
    ):
        diff_scans(store, 7, 8)


def test_schema_is_migrated_and_a_newer_one_refused(history_url: str) -> None:
    with open_history(history_url) as store:
        assert store.schema_version() == LATEST
        with store._transaction() as cur:  # type: ignore[attr-defined]
            cur.execute("UPDATE faasguard_schema SET version = 99")
    with pytest.raises(HistoryTooNewError) as caught:
        open_history(history_url)
    assert (
        "written by a newer faasguard (history schema version 99; this faasguard reads up to 1)"
        in str(caught.value)
    )


def test_cli_scan_history_inventory_and_diff(
    history_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("FAASGUARD_HISTORY", raising=False)
    project = tmp_path / "shop"
    project.mkdir()
    (project / "CODEOWNERS").write_text("*.py @shop/everyone\nsrc/search/ @shop/search\n")
    (project / "src" / "search").mkdir(parents=True)
    (project / "src" / "search" / "app.py").write_text(
        "def handler(event, context):\n    return 1\n"
    )
    (project / "src" / "search" / "README.md").write_text("# Search\n")
    template = project / "template.yaml"
    template.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Search:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: app.handler\n"
        "      CodeUri: src/search/\n"
        "      Description: Full-text search\n"
        "      Events:\n"
        "        Get: {Type: Api, Properties: {Path: /search, Method: get}}\n"
    )
    scan = [
        "scan",
        str(project),
        "--no-deps",
        "--today",
        "2026-11-28",
        "-f",
        "json",
        "--history",
        history_url,
    ]
    assert main([*scan, "--region", "us-east-1"]) == 1
    capsys.readouterr()
    template.write_text(
        template.read_text()
        + "      Policies:\n        - Statement:\n            - {Effect: Allow, Action: 's3:*', Resource: '*'}\n"
        + "  Tagged:\n"
        + "    Type: AWS::Serverless::Function\n"
        + "    Properties:\n"
        + "      Runtime: nodejs22.x\n"
        + "      Handler: index.handler\n"
        + "      InlineCode: 'exports.handler = async () => 1;'\n"
        + "      Tags: {Owner: team-tags}\n"
    )
    assert main([*scan, "--region", "us-east-1"]) == 1
    capsys.readouterr()

    assert main(["inventory", "--history", history_url, "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [
        (
            r["function"],
            r["owner"],
            r["owner_source"],
            r["runtime"],
            r["cost_per_hour"],
            r["readme"],
            r["description"],
        )
        for r in rows
    ] == [
        (
            "Search",
            "@shop/search",
            "CODEOWNERS",
            "python3.12",
            "140.70",
            "src/search/README.md",
            "Full-text search",
        ),
        ("Tagged", "team-tags", "tag:Owner", "nodejs22.x", "14.70", None, None),
    ]
    assert rows[0]["findings"]["availability.denial-of-wallet"] == 1

    assert main(["inventory", "--history", history_url, "-f", "csv", "--owner", "TEAM"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0].startswith("application,function,owner,runtime,first_seen,")
    assert [line.split(",")[1] for line in csv_lines[1:]] == ["Tagged"]
    assert (
        main(
            [
                "inventory",
                "--history",
                history_url,
                "--runtime",
                "python3.12",
                "--category",
                "availability",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in text[1:]] == ["Search"]

    assert main(["diff", "1", "2", "--history", history_url, "-f", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["added_functions"] == ["template.yaml#Tagged"]
    assert diff["removed_functions"] == []
    [change] = diff["changed_functions"]
    assert (
        change["key"],
        change["added_permissions"],
        change["role_changed"],
        change["code_changed"],
    ) == (
        "template.yaml#Search",
        ["s3:*"],
        True,
        False,
    )
    assert main(["diff", "1", "2", "--history", history_url]) == 0
    out = capsys.readouterr().out
    assert (
        "+ function template.yaml#Tagged\n~ function template.yaml#Search\n    + permission s3:*\n"
        in out
    )


# --- back-end specific bad input -------------------------------------------------------------


def test_corrupted_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(HistoryCorruptError) as caught:
        open_history(str(path))
    assert str(caught.value).startswith(
        f"history database {path}: not a readable faasguard history database"
    )


def test_damaged_sqlite_pages_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    with open_history(str(path)) as store:
        for i in range(30):
            store.record(
                _scan(
                    T1, tuple(dataclasses.replace(SEARCH, key=f"k{i}-{j}") for j in range(20)), ()
                )
            )
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xff" * (4096 * 4)  # wreck pages past the header
    path.write_bytes(bytes(data))
    with (
        pytest.raises(HistoryCorruptError, match=f"history database {path}: "),
        open_history(str(path)) as store,
    ):
        store.inventory()


def test_sqlite_url_forms_and_bad_schemes(tmp_path: Path) -> None:
    with open_history(f"sqlite://{tmp_path}/a.sqlite") as store:
        assert store.description == f"history database {tmp_path}/a.sqlite"
    with pytest.raises(HistoryUnavailableError, match="use sqlite:///absolute/path"):
        open_history("sqlite://relative.db")
    with pytest.raises(HistoryUnavailableError, match="unsupported scheme"):
        open_history("mysql://host/db")


def test_sqlite_file_of_another_program_is_used_alongside(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    with open_history(str(path)) as store:
        assert store.schema_version() == LATEST


def test_refused_postgres_url_is_a_clear_error_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://fg:s3cret@127.0.0.1:{port}/history"
    with pytest.raises(HistoryUnavailableError) as caught:
        open_history(url)
    message = str(caught.value)
    assert message.startswith(
        f"history database postgresql://fg:***@127.0.0.1:{port}/history: cannot connect:"
    )
    assert "s3cret" not in message
    assert "refused" in message.lower()
    assert main(["inventory", "--history", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"faasguard: error: history database postgresql://fg:***@127.0.0.1:{port}/history"
    )


def test_default_history_is_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAASGUARD_HISTORY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with open_history(None) as store:
        assert store.description == f"history database {tmp_path}/data/faasguard/history.sqlite"
    monkeypatch.setenv("FAASGUARD_HISTORY", str(tmp_path / "env.sqlite"))
    with open_history(None) as store:
        assert store.description == f"history database {tmp_path}/env.sqlite"
