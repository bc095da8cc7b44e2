"""Code findings carry their source and trace in JSON (published schema) and SARIF codeFlows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
from jsonschema.validators import validator_for

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.config import Config
from faasguard.engine import ScanResult, scan
from faasguard.loaders.interface import LoadOptions
from faasguard.report.json_report import report_dict
from faasguard.report.sarif import sarif_dict
from tests.code.support import FIXTURES

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "src" / "faasguard" / "report" / "schema" / "report.schema.json"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan(
        FIXTURES / "flows", Config(), load_options=LoadOptions(), analyzers=[CodeAnalyzer()]
    )


def _closure_finding(findings: list[dict]) -> dict:
    return next(f for f in findings if f["function"] == "HelperModule" and f["rule_id"] == "FG2001")


def test_json_report_has_source_and_trace_and_matches_the_schema(result: ScanResult) -> None:
    report = report_dict(result)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    finding = _closure_finding(report["findings"])
    assert finding["file"] == "src/handler.py"
    assert finding["line"] == 19
    assert finding["source"] == {
        "trigger": "http-api",
        "field": "body",
        "label": "request body",
    }
    assert finding["trace"] == [
        {
            "file": "src/handler.py",
            "line": 18,
            "what": "event field `body` read: request body (http-api)",
        },
        {"file": "src/lib/util.py", "line": 1, "what": "passed to `build_command()` as `name`"},
        {"file": "src/lib/util.py", "line": 2, "what": "built into a string"},
        {"file": "src/handler.py", "line": 18, "what": "assigned to `command`"},
        {
            "file": "src/handler.py",
            "line": 19,
            "what": "reaches `subprocess.run()`: command run through a shell",
        },
    ]
    others = [f for f in report["findings"] if not f["rule_id"].startswith("FG2")]
    assert all(f["source"] is None and f["trace"] == [] for f in others)


def test_sarif_code_flow_matches_the_official_schema(result: ScanResult) -> None:
    sarif = sarif_dict(result)
    path = (
        Path(os.environ.get("FAASGUARD_SARIF_SCHEMA", ""))
        if os.environ.get("FAASGUARD_SARIF_SCHEMA")
        else REPO / ".cache" / "sarif" / "sarif-schema-2.1.0.json"
    )
    if not path.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is missing at {path}: run scripts/setup-dev.sh")
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator_for(schema)(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    flow_result = next(
        r
        for r in results
        if r["ruleId"] == "FG2001" and r["properties"]["function"] == "HelperModule"
    )
    locations = flow_result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [
        (
            loc["location"]["physicalLocation"]["artifactLocation"]["uri"],
            loc["location"]["physicalLocation"]["region"]["startLine"],
            loc["kinds"],
        )
        for loc in locations
    ] == [
        ("src/handler.py", 18, ["source"]),
        ("src/lib/util.py", 1, ["taint"]),
        ("src/lib/util.py", 2, ["taint"]),
        ("src/handler.py", 18, ["taint"]),
        ("src/handler.py", 19, ["sink"]),
    ]
    assert flow_result["properties"]["source"] == {
        "trigger": "http-api",
        "field": "body",
        "label": "request body",
    }


def test_text_report_shows_the_flow_step_by_step(result: ScanResult) -> None:
    from faasguard.report.text import render_text

    text = render_text(result, color=False, width=200)
    block = text[text.index("FG2001 command-injection  src/handler.py:19 function HelperModule") :]
    assert block.splitlines()[3:8] == [
        "         flow: src/handler.py:18 event field `body` read: request body (http-api)",
        "           -> src/lib/util.py:1 passed to `build_command()` as `name`",
        "           -> src/lib/util.py:2 built into a string",
        "           -> src/handler.py:18 assigned to `command`",
        "           -> src/handler.py:19 reaches `subprocess.run()`: command run through a shell",
    ]


def test_disabling_the_code_family_or_one_rule_drops_its_findings() -> None:
    def rule_ids(config: Config) -> set[str]:
        found = scan(
            FIXTURES / "sinks", config, load_options=LoadOptions(), analyzers=[CodeAnalyzer()]
        )
        return {f.rule_id for f in found.findings if f.rule_id.startswith("FG2")}

    assert rule_ids(Config()) == {f"FG20{n:02d}" for n in range(1, 11)}
    assert rule_ids(Config(disable=("code",))) == set()
    assert rule_ids(Config(disable=("FG2007", "sql-injection"))) == {
        f"FG20{n:02d}" for n in (1, 3, 4, 5, 6, 8, 9, 10)
    }
