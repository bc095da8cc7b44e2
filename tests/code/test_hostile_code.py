"""Hostile code: the analysis stays bounded, reports what it could not do, never crashes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from faasguard.code.taint import engine
from faasguard.loaders.interface import IssueKind
from tests.code.support import analyze

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.handler
      Events:
        Api:
          Type: HttpApi
"""


def _project(root: Path, code: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "template.yaml").write_text(TEMPLATE)
    (root / "src" / "app.py").write_text(code)
    return root


def test_deeply_nested_loops_stay_linear(tmp_path: Path) -> None:
    body = "".join(
        "    " * (i + 1) + f"for x{i} in event['multiValueQueryStringParameters']['q']:\n"
        for i in range(40)
    )
    code = "import os\n\ndef handler(event, context):\n" + body + "    " * 41 + "os.system(x39)\n"
    start = time.perf_counter()
    findings, issues = analyze(_project(tmp_path, code))
    assert time.perf_counter() - start < 10
    assert [(f.rule_id, f.line) for f in findings] == [("FG2001", 44)]
    assert issues == []


def test_recursion_is_approximated_not_followed_forever(tmp_path: Path) -> None:
    code = (
        "import os\n\n"
        "def ping(value, n):\n    return pong(value, n - 1)\n\n"
        "def pong(value, n):\n    return ping(value + 'x', n)\n\n"
        "def handler(event, context):\n    os.system(ping(event['body'], 10))\n"
    )
    findings, issues = analyze(_project(tmp_path, code))
    assert [(f.rule_id, f.line, f.confidence.value) for f in findings] == [("FG2001", 10, "medium")]
    assert issues == []


def test_nesting_deeper_than_the_model_keeps_is_reported(tmp_path: Path) -> None:
    code = "def handler(event, context):\n    return " + "[" * 90 + "1" + "]" * 90 + "\n"
    findings, issues = analyze(_project(tmp_path, code))
    assert findings == []
    assert [(i.kind, i.location.file) for i in issues] == [(IssueKind.BUDGET, "src/app.py")]
    assert "nesting deeper than the analysis follows" in issues[0].message


def test_the_statement_budget_stops_the_analysis_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MAX_STATEMENTS", 50)
    code = (
        "import os\n\ndef handler(event, context):\n"
        + "    x = 1\n" * 100
        + ("    os.system(event['body'])\n")
    )
    findings, issues = analyze(_project(tmp_path, code))
    assert findings == []
    assert [(i.kind, i.location.file, i.message) for i in issues] == [
        (
            IssueKind.BUDGET,
            "src/app.py",
            "code analysis of `handler()` in src/app.py: more than 50 statements interpreted "
            "for one Lambda function; the rest of its code was not analysed",
        )
    ]


def test_a_long_elif_chain_is_not_nesting(tmp_path: Path) -> None:
    branches = "".join(
        f"    {'if' if i == 0 else 'elif'} lang == 'l{i}':\n        text = 'x{i}'\n"
        for i in range(150)
    )
    code = (
        "import os\n\ndef handler(event, context):\n    lang = 'a'\n    text = ''\n"
        + branches
        + "    os.system(text + event['body'])\n"
    )
    findings, issues = analyze(_project(tmp_path, code))
    assert [(f.rule_id, f.line) for f in findings] == [("FG2001", 306)]
    assert issues == []


def test_functions_sharing_a_handler_share_one_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "many"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(
        "import os\n\ndef handler(event, context):\n    os.system(event['body'])\n"
    )
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for i in range(50):
        template += [
            f"  Fn{i}:",
            "    Type: AWS::Serverless::Function",
            "    Properties: {Runtime: python3.12, CodeUri: src/, Handler: app.handler,",
            "                 Events: {Api: {Type: HttpApi}}}",
        ]
    (root / "template.yaml").write_text("\n".join(template) + "\n")
    runs = []
    original = engine.TaintEngine.run

    def counting(self: engine.TaintEngine) -> None:
        runs.append(self.fn.name)
        original(self)

    monkeypatch.setattr(engine.TaintEngine, "run", counting)
    findings, issues = analyze(root)
    assert issues == []
    assert sorted((f.function, f.line) for f in findings) == sorted(
        (f"Fn{i}", 4) for i in range(50)
    )
    assert runs == ["Fn0"]
