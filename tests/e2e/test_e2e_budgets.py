"""Bounded cost: each hostile input shape, just past its budget, ends fast with a clear finding.

The shapes come from ``bench/hostile_shapes.py`` (the benchmark scans them at full size). Each
test asserts the exact finding the budget produces and a generous time bound: the bound is there
to catch a return to minutes, not to measure speed (bench/bench_budgets.py does that).
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from faasguard.deps.artifacts import InflateBudget, read_zip
from faasguard.deps.manifests.interface import ReaderMemo
from faasguard.deps.manifests.reading import root_reader
from faasguard.deps.manifests.registry import parse_manifest
from faasguard.findings import Confidence, Finding, Severity
from faasguard.floods import MAX_PER_ELEMENT, fold_floods
from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.intrinsics import MAX_STRING_CHARS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.serverless.loader import ServerlessLoader
from tests.e2e.support import REPO, Run

sys.path.insert(0, str(REPO / "bench"))
from hostile_shapes import SHAPES

Scan = Callable[..., Run]

#: Far above what each case takes (well under a second to a few seconds), far below minutes.
TIME_BOUND = 30.0


def _timed(scan: Scan, path: Path, *extra: str) -> tuple[Run, float]:
    start = time.perf_counter()
    run = scan(path, "--fail-on", "never", *extra)
    return run, time.perf_counter() - start


def _by_rule(report: dict[str, object], rule: str) -> list[dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["rule_id"] == rule]


def test_nested_sub_strings_stop_at_the_budget(tmp_path: Path, scan: Scan) -> None:
    SHAPES["nested-sub"](tmp_path, 1.0)
    run, elapsed = _timed(scan, tmp_path)
    assert run.code == 0, run.err
    budget = _by_rule(run.json(), "FG0020")
    assert [(f["file"], f["line"], f["category"], f["message"]) for f in budget] == [
        (
            "template.json",
            1,
            "tool.budget-exceeded",
            "an intrinsic function builds a string of 1048584 characters, over the "
            f"{MAX_STRING_CHARS}-character budget (nested Fn::Sub variable maps?); such values "
            "are treated as unknown",
        )
    ]
    assert elapsed < TIME_BOUND


def test_duplicate_keys_are_listed_up_to_the_cap(tmp_path: Path, scan: Scan) -> None:
    SHAPES["duplicate-keys"](tmp_path, 60 / 990_000)
    run, elapsed = _timed(scan, tmp_path)
    duplicates = _by_rule(run.json(), "FG0004")
    # Keys at lines 10..69: the first is the original, 59 duplicates, 50 listed then a summary.
    assert [f["line"] for f in duplicates if f["line"] is not None] == list(range(11, 61))
    assert [(f["line"], f["message"]) for f in duplicates if f["line"] is None] == [
        (None, "9 more duplicate keys are not listed (at most 50 per file)")
    ]
    assert elapsed < TIME_BOUND


def test_a_flood_of_one_rule_on_one_function_is_folded(tmp_path: Path, scan: Scan) -> None:
    SHAPES["finding-flood"](tmp_path, 0.01)  # 1,100 copies of one admin statement
    run, elapsed = _timed(scan, tmp_path)
    report = run.json()
    fn_findings = [f for f in report["findings"] if f["function"] == "Fn"]
    per_rule: dict[str, int] = {}
    for finding in fn_findings:
        per_rule[finding["rule_id"]] = per_rule.get(finding["rule_id"], 0) + 1
    assert max(per_rule.values()) == MAX_PER_ELEMENT + 1
    folded = [f for f in fn_findings if " more findings of " in f["message"]]
    assert folded, "the flood must end in one summary finding"
    for summary in folded:
        assert summary["message"].startswith("1050 more findings of " + summary["rule_id"])
    assert elapsed < TIME_BOUND


def test_fold_keeps_dependency_findings_and_names_lines() -> None:
    def make(line: int, *, package: bool = False) -> Finding:
        from faasguard.findings import PackageRef

        return Finding.create(
            rule_id="FG1001",
            rule_name="wildcard-action",
            category="permissions.wildcard-action",
            severity=Severity.HIGH if line == 70 else Severity.MEDIUM,
            confidence=Confidence.HIGH,
            title="t",
            message=f"statement at {line}",
            file="template.yaml",
            line=line,
            function="Fn",
            application="app",
            resource=None,
            evidence=f"e{line}",
            remediation="r",
            cwe=None,
            package=PackageRef("pkg", "1", "PyPI", "requirements.txt") if package else None,
        )

    findings = [make(line) for line in range(1, 73)] + [make(500, package=True)]
    folded = fold_floods(findings)
    assert [f.line for f in folded[:50]] == list(range(1, 51))
    summary = folded[50]
    assert summary.message == (
        "22 more findings of FG1001 (wildcard-action) here (lines 51, 52, 53, 54, 55, 56, 57, "
        "58, 59, 60 and 12 more), not listed one by one: only the first 50 are. The first of "
        "them: statement at 51"
    )
    assert summary.severity is Severity.HIGH  # the worst of those folded (line 70)
    assert folded[51:] == [findings[-1]]


def test_requirements_include_budget_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r a.txt\n-r b.txt\n-r c.txt\nflask==2.0.0\n")
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"{name}pkg==1.0\n")
    memo = ReaderMemo(include_budget=2)
    result = parse_manifest(
        "requirements.txt", root=tmp_path, read=root_reader(tmp_path), memo=memo
    )
    assert [d.name for d in result.dependencies] == ["apkg", "bpkg", "flask"]
    assert [(w.file, w.line, w.code) for w in result.warnings] == [
        ("requirements.txt", 3, "include-budget")
    ]


def test_requirements_mesh_is_parsed_once_per_file(tmp_path: Path, scan: Scan) -> None:
    SHAPES["requirements-mesh"](tmp_path, 0.5)  # 100 files, each including the 99 others
    start = time.perf_counter()
    run = scan(tmp_path, "--fail-on", "never")
    elapsed = time.perf_counter() - start
    assert run.code == 0, run.err
    assert elapsed < TIME_BOUND


def test_archive_entries_just_under_a_mebibyte_are_ratio_checked(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return 1\n")
        zf.writestr("pkg/big.py", b"a" * (1024 * 1024))
    (tmp_path / "fn.zip").write_bytes(buffer.getvalue())
    contents = read_zip(ScanFS(tmp_path), "fn.zip")
    assert [(p.kind, p.entry) for p in contents.problems] == [("bomb", "pkg/big.py")]
    assert contents.own_lines == 2


def test_archive_line_counting_stops_at_the_scan_budget(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for index in range(3):
            zf.writestr(f"m{index}.py", "x = 1\n" * 100)  # 600 bytes each
    (tmp_path / "fn.zip").write_bytes(buffer.getvalue())
    budget = InflateBudget(remaining=1000)
    contents = read_zip(ScanFS(tmp_path), "fn.zip", budget)
    assert contents.own_lines == 100
    assert [(p.kind, p.archive) for p in contents.problems] == [("budget", "fn.zip")]
    assert budget.remaining == 400


def test_file_fanout_keeps_every_function(tmp_path: Path) -> None:
    SHAPES["file-fanout"](tmp_path, 0.5)
    start = time.perf_counter()
    result = ServerlessLoader().load("serverless.yml", ScanFS(tmp_path), LoadOptions())
    elapsed = time.perf_counter() - start
    (app,) = result.applications
    assert [fn.name for fn in app.functions] == ["f0", "f1", "f2"]
    for fn in app.functions:
        one = fn.env("ONE")
        assert one is not None and one.value == "value-1"
    assert elapsed < TIME_BOUND


def test_included_bytes_are_budgeted(tmp_path: Path) -> None:
    chunk = "x" * (4 * 1024 * 1024 + 1)
    for index in range(4):
        (tmp_path / f"part{index}.txt").write_text(chunk)
    (tmp_path / "serverless.yml").write_text(
        "service: parts\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  f:\n    handler: app.handler\n    environment:\n"
        + "".join(f"      P{index}: ${{file(./part{index}.txt)}}\n" for index in range(4))
    )
    result = ServerlessLoader().load("serverless.yml", ScanFS(tmp_path), LoadOptions())
    budget = [i for i in result.issues if i.kind.value == "budget"]
    assert [(i.location.file, i.location.line, i.message) for i in budget] == [
        (
            "serverless.yml",
            12,
            "file(part3.txt) not read: files included with file() would exceed 16777216 bytes "
            "for this template; its values are unknown",
        )
    ]
    (fn,) = result.applications[0].functions
    assert [type(fn.env(f"P{i}").value).__name__ for i in range(4)] == ["str"] * 3 + ["Unknown"]


def test_utf16_template_is_read(tmp_path: Path) -> None:
    text = "service: wide\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  f:\n    handler: app.handler\n"
    (tmp_path / "serverless.yml").write_bytes(text.encode("utf-16"))
    assert ScanFS(tmp_path).read_text("serverless.yml") == text
    result = ServerlessLoader().load("serverless.yml", ScanFS(tmp_path), LoadOptions())
    assert [fn.name for fn in result.applications[0].functions] == ["f"]


def test_many_functions_over_one_big_folder(tmp_path: Path, cli: Callable[..., Run]) -> None:
    SHAPES["many-functions-big-folder"](tmp_path, 0.25)  # 500 functions, 5,000 files
    start = time.perf_counter()
    run = cli("scan", str(tmp_path), "--format", "json", "--fail-on", "never")
    elapsed = time.perf_counter() - start
    assert run.code == 0, run.err
    deps = run.json()["dependencies"]
    assert len(deps) == 500
    assert {tuple(d["manifests"]) for d in deps} == {("src/requirements.txt",)}
    assert elapsed < TIME_BOUND


def test_sam_zip_code_uri_is_read_as_the_package(tmp_path: Path, cli: Callable[..., Run]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("app.py", "import requests\n\ndef handler(event, context):\n    return 1\n")
        zf.writestr(
            "requests-2.19.0.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n",
        )
        zf.writestr("../escape.py", "x = 1\n")
    (tmp_path / "fn.zip").write_bytes(buffer.getvalue())
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: fn.zip\n"
    )
    run = cli("scan", str(tmp_path), "--format", "json", "--fail-on", "never")
    report = run.json()
    (deps,) = report["dependencies"]
    assert deps["artifact"] == "fn.zip"
    assert [(p["name"], p["version"]) for p in deps["packages"]] == [("requests", "2.19.0")]
    unsafe = _by_rule(report, "FG0007")
    assert [(f["file"], f["message"]) for f in unsafe] == [
        ("fn.zip", "entry '../escape.py' escapes the archive with '..'; refused")
    ]


def test_codeuri_dot_over_many_empty_folders_is_walked_once(tmp_path: Path, scan: Scan) -> None:
    SHAPES["codeuri-dot-empty-dirs"](tmp_path, 0.2)  # 20 functions over 20,000 empty folders
    run, elapsed = _timed(scan, tmp_path)
    assert run.code == 0, run.err
    assert [f["name"] for f in run.json()["applications"][0]["functions"]] == [
        f"Fn{index}" for index in range(20)
    ]
    assert elapsed < TIME_BOUND


def test_join_strings_stop_at_the_budget(tmp_path: Path, scan: Scan) -> None:
    big = "x" * 600_000
    (tmp_path / "template.json").write_text(
        '{"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31",'
        ' "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {'
        '"Runtime": "python3.12", "Handler": "app.handler", "Environment": {"Variables": {'
        f'"V": {{"Fn::Join": ["", ["{big}", "{big}"]]}}}}}}}}}}}}}}'
    )
    run = scan(tmp_path, "--fail-on", "never")
    budget = _by_rule(run.json(), "FG0020")
    assert [(f["file"], f["message"]) for f in budget] == [
        (
            "template.json",
            "an intrinsic function builds a string of 1200000 characters, over the "
            f"{MAX_STRING_CHARS}-character budget (nested Fn::Sub variable maps?); such values "
            "are treated as unknown",
        )
    ]
