"""Every Python sink row, exercised from the table itself: a tainted call and its clean twin.

For each ``SinkModel`` row a handler is generated that calls the row's callee with the request
body at the dangerous argument (and whatever the row's condition needs: ``shell=True``, an XML
parser resolving entities...), and a twin that passes a literal. The hand-written fixtures
(test_sinks.py) check traces and realistic code; this test checks that no row is dead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.code.models.interface import SinkModel
from faasguard.code.models.python import MODELS
from tests.code.support import analyze

TAINTED = 'event["body"]'
SAFE = '"fixed"'


def _callee(path: str) -> str:
    """Python source for a callee path: ``boto3.client(s3).x`` -> ``boto3.client("s3").x``."""
    path = path.replace("*", ".db.coll")
    path = re.sub(r"\(([\w-]+)\)", r'("\1")', path)
    return path.replace("..", ".")


def _call(row: SinkModel, value: str) -> str | None:
    callee = _callee(row.callee)
    if callee.startswith("."):
        callee = "cursor" + callee  # "*.execute": a receiver the engine cannot name
    args: list[str] = []
    kwargs: list[str] = []
    condition = row.condition
    subject = value
    if condition == "whole":
        subject = f"json.loads({value})"
    elif condition == "where-key":
        subject = '{"$where": "this.a == " + ' + value + "}"
    if condition == "shell-argv":
        args = [f'["sh", "-c", {value}]']
    elif row.args and row.args[0] == -1:
        receiver, _, method = callee.rpartition(".")
        receiver = receiver.replace("open()", f"open(fileobj={value})").replace(
            "ZipFile()", f"ZipFile({value})"
        )
        return f"{receiver}.{method}()"
    elif row.args:
        index = row.args[0]
        args = ['"x"'] * index + [subject]
    elif row.kwargs:
        kwargs = [f"{row.kwargs[0]}={subject}"]
    else:
        return None
    if condition == "shell":
        kwargs.append("shell=True")
    if condition == "flag:xxe":
        if "sax" in callee:
            return (
                "parser = xml.sax.make_parser(); "
                "parser.setFeature(xml.sax.handler.feature_external_ges, True); "
                f"parser.parse({value})"
            )
        args.append("lxml.etree.XMLParser(resolve_entities=True)")
    return f"{callee}({', '.join(args + kwargs)})"


def _rows() -> list[tuple[str, SinkModel]]:
    named = []
    for i, row in enumerate(MODELS.sinks):
        if _call(row, TAINTED) is not None:
            named.append((f"Row{i}", row))
    return named


ROWS = _rows()


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    root: Path = tmp_path_factory.mktemp("rows")
    (root / "src").mkdir()
    imports = {row.callee.split(".")[0].split("(")[0] for _, row in ROWS} - {"*", "open", "eval"}
    imports -= {"exec", "compile", "__import__"}
    lines = [
        "import json",
        "import lxml.etree",
        "import xml.sax",
        *(f"import {m}" for m in sorted(imports)),
    ]
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, row in ROWS:
        for twin, value in (("Vuln", TAINTED), ("Safe", SAFE)):
            lines += [
                "",
                "",
                f"def {name.lower()}_{twin.lower()}(event, context, cursor=None):",
                f"    {_call(row, value)}",
            ]
            template += [
                f"  {name}{twin}:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Runtime: python3.12",
                "      CodeUri: src/",
                f"      Handler: app.{name.lower()}_{twin.lower()}",
                "      Events:",
                "        Api:",
                "          Type: HttpApi",
            ]
    (root / "src" / "app.py").write_text("\n".join(lines) + "\n")
    (root / "template.yaml").write_text("\n".join(template) + "\n")
    found, issues = analyze(root)
    assert issues == []
    result: dict[str, set[str]] = {}
    for finding in found:
        result.setdefault(finding.function or "", set()).add(finding.category)
    return result


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[f"{r.callee}:{r.condition}" for _, r in ROWS])
def test_row_reports_tainted_data_and_not_a_literal(
    findings: dict[str, set[str]], name: str, row: SinkModel
) -> None:
    assert row.category in findings.get(f"{name}Vuln", set())
    assert row.category not in findings.get(f"{name}Safe", set())


def test_almost_every_row_is_generated() -> None:
    assert len(ROWS) >= len(MODELS.sinks) - 2
