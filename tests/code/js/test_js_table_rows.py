"""Every JavaScript sink row, exercised from the table itself: a tainted call and its clean twin.

For each ``SinkModel`` row of ``models/javascript.py`` a handler is generated that calls the row's
callee (built from its qualified path: ``pg.Pool().query`` -> ``require("pg").Pool().query``) with
the request body at the dangerous argument or option key, plus what the row's condition needs
(``{ shell: true }``, ``{ noent: true }``, a ``$where`` key...), and a twin that passes a literal.
The hand-written fixtures (test_js_taint.py) check traces and realistic code; this test checks
that no row is dead. Rows that only exist inside a web framework's route (``express.response.*``)
are exercised by the ``express`` fixture instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.models.interface import SinkModel
from faasguard.code.models.javascript import MODELS
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

TAINTED = "event.body"
SAFE = '"fixed"'
_GLOBALS = frozenset({"eval", "Function", "fetch", "setTimeout", "setInterval", "setImmediate"})
_ROUTE_ONLY = ("express.", "fastify.")


def _module_and_rest(path: str) -> tuple[str, str]:
    """``@aws-sdk/lib-dynamodb.QueryCommand`` -> (``@aws-sdk/lib-dynamodb``, ``.QueryCommand``)."""
    start = path.index("/") if path.startswith("@") else 0
    cut = min((i for i in (path.find(".", start), path.find("(", start)) if i >= 0), default=-1)
    return (path, "") if cut < 0 else (path[:cut], path[cut:])


def _callee(path: str) -> str:
    """JavaScript source for a callee path (a glob ``*`` becomes a MongoDB database/collection)."""
    path = path.replace("*", ".db().collection()")
    if path in _GLOBALS:
        return path
    module, rest = _module_and_rest(path)
    return f'require("{module}"){rest}'


def _call(row: SinkModel, value: str) -> str | None:
    if row.callee.startswith(_ROUTE_ONLY):
        return None
    subject = value
    if row.condition == "whole":
        subject = f"JSON.parse({value})"
    elif row.condition == "where-key":
        subject = '{ $where: "this.a == " + ' + value + " }"
    args: list[str]
    if row.args:
        args = ['"x"'] * row.args[0] + [subject]
    elif row.kwargs:
        args = [f"{{ {row.kwargs[0]}: {subject} }}"]
    else:
        return None
    if row.condition == "shell":
        args += ["[]", "{ shell: true }"] if len(args) == 1 else ["{ shell: true }"]
    elif row.condition == "flag:xxe":
        args.append("{ noent: true }")
    elif row.condition == "flag:unsafe-yaml":
        args.append('{ schema: require("js-yaml").DEFAULT_FULL_SCHEMA }')
    return f"{_callee(row.callee)}({', '.join(args)})"


def _rows() -> list[tuple[str, SinkModel]]:
    return [
        (f"Row{i}", row) for i, row in enumerate(MODELS.sinks) if _call(row, TAINTED) is not None
    ]


ROWS = _rows()


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    root: Path = tmp_path_factory.mktemp("js-rows")
    (root / "src").mkdir()
    lines: list[str] = []
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, row in ROWS:
        for twin, value in (("Vuln", TAINTED), ("Safe", SAFE)):
            export = f"{name.lower()}_{twin.lower()}"
            lines += [f"exports.{export} = async (event) => {{", f"  {_call(row, value)};", "};"]
            template += [
                f"  {name}{twin}:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Runtime: nodejs22.x",
                "      CodeUri: src/",
                f"      Handler: app.{export}",
                "      Events:",
                "        Api:",
                "          Type: HttpApi",
            ]
    (root / "src" / "app.js").write_text("\n".join(lines) + "\n")
    (root / "template.yaml").write_text("\n".join(template) + "\n")
    result = scan(root, Config(), load_options=LoadOptions(), analyzers=[CodeAnalyzer()])
    assert [f.rule_id for f in result.findings if f.rule_id in ("FG0001", "FG0003")] == []
    found: dict[str, set[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.function or "", set()).add(finding.category)
    return found


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[f"{r.callee}:{r.condition}" for _, r in ROWS])
def test_row_reports_tainted_data_and_not_a_literal(
    findings: dict[str, set[str]], name: str, row: SinkModel
) -> None:
    assert row.category in findings.get(f"{name}Vuln", set())
    assert row.category not in findings.get(f"{name}Safe", set())


def test_every_row_but_the_route_only_ones_is_generated() -> None:
    route_only = [row for row in MODELS.sinks if row.callee.startswith(_ROUTE_ONLY)]
    assert len(ROWS) == len(MODELS.sinks) - len(route_only)
    assert {row.callee for row in route_only} == {
        "express.response.send",
        "express.response.status().send",
        "express.response.sendFile",
        "express.response.download",
        "fastify.reply.sendFile",
    }


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("child_process.exec", 'require("child_process").exec'),
        ("@aws-sdk/lib-dynamodb.QueryCommand", 'require("@aws-sdk/lib-dynamodb").QueryCommand'),
        (
            "mysql2/promise.createConnection().query",
            'require("mysql2/promise").createConnection().query',
        ),
        ("pg-promise()().any", 'require("pg-promise")()().any'),
        ("node-fetch", 'require("node-fetch")'),
        ("eval", "eval"),
        ("mongodb.MongoClient()*.find", 'require("mongodb").MongoClient().db().collection().find'),
    ],
)
def test_callee_paths_become_javascript(path: str, source: str) -> None:
    assert _callee(path) == source
    assert re.fullmatch(r"[\w@/().\-\"]+", source)
