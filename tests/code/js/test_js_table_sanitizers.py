"""Every JavaScript sanitizer row, exercised from the table: raw, sanitised and misfit uses.

For each ``SanitizerModel`` row of ``models/javascript.py`` three handlers are generated: the
request body reaching a sink the row clears (a finding), the same through the sanitizer (clean),
and the sanitised value reaching a sink the row does *not* clear (still a finding: ``he.encode``
does not make SQL safe). Rows that clear every sink have no misfit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.models.interface import SanitizerModel
from faasguard.code.models.javascript import MODELS
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

_CMD = "code.command-injection"
_SQL = "code.sql-injection"

#: One statement per category that puts ``{v}`` into a sink of that category.
_SINKS = {
    _CMD: 'require("child_process").exec("ls " + {v});',
    _SQL: 'await require("pg").Pool().query("SELECT * FROM t WHERE a = " + {v});',
    "code.path-traversal": 'require("fs").readFileSync("/tmp/" + {v});',
    "code.ssrf": 'await fetch("https://" + {v});',
    "code.code-injection": "eval({v});",
    "code.xss": 'return {{ headers: {{ "Content-Type": "text/html" }}, body: "<p>" + {v} }};',
}
_GLOBALS = frozenset({"Number", "parseInt", "parseFloat", "Boolean", "encodeURIComponent"})


def _sanitized(path: str, value: str) -> str:
    """``path`` applied to ``value`` as JavaScript (``lodash.escape`` -> ``require(...)``)."""
    if path == "crypto.createHash().update().digest":
        return f'require("crypto").createHash("sha256").update({value}).digest("hex")'
    if path in _GLOBALS or path.startswith(("Number.", "Math.", "JSON.")):
        return f"{path}({value})"
    if path.endswith(".js") or "." not in path.split("/")[-1]:
        return f'require("{path}")({value})'
    module, _, rest = path.partition(".")
    return f'require("{module}").{rest}({value})'


def _sink_for(row: SanitizerModel) -> str:
    return _CMD if "*" in row.clears else row.clears[0]


def _misfit(row: SanitizerModel) -> str | None:
    if "*" in row.clears:
        return None
    return next(c for c in (_CMD, _SQL) if c not in row.clears)


ROWS = [(f"Row{i}", row) for i, row in enumerate(MODELS.sanitizers)]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    root: Path = tmp_path_factory.mktemp("js-sanitizers")
    (root / "src").mkdir()
    lines: list[str] = []
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, row in ROWS:
        cases = {
            "Raw": _SINKS[_sink_for(row)].format(v="event.body"),
            "Clean": _SINKS[_sink_for(row)].format(v=_sanitized(row.callee, "event.body")),
        }
        misfit = _misfit(row)
        if misfit is not None:
            cases["Misfit"] = _SINKS[misfit].format(v=_sanitized(row.callee, "event.body"))
        for case, statement in cases.items():
            export = f"{name.lower()}_{case.lower()}"
            lines += [f"exports.{export} = async (event) => {{", f"  {statement}", "};"]
            template += [
                f"  {name}{case}:",
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


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r.callee for _, r in ROWS])
def test_sanitizer_clears_its_sinks_and_only_them(
    findings: dict[str, set[str]], name: str, row: SanitizerModel
) -> None:
    sink = _sink_for(row)
    assert sink in findings.get(f"{name}Raw", set())
    assert sink not in findings.get(f"{name}Clean", set())
    misfit = _misfit(row)
    if misfit is not None:
        assert misfit in findings.get(f"{name}Misfit", set())


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("Number", "Number(v)"),
        ("path.basename", 'require("path").basename(v)'),
        ("lodash/escape.js", 'require("lodash/escape.js")(v)'),
        ("escape-html", 'require("escape-html")(v)'),
        ("zod.z.object().parse", 'require("zod").z.object().parse(v)'),
    ],
)
def test_sanitizer_paths_become_javascript(path: str, source: str) -> None:
    assert _sanitized(path, "v") == source
