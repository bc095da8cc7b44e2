"""Every JavaScript validator row, exercised from the table: validated and unvalidated handlers.

A verdict-returning check (``guard=True``: ajv, validator.js) validates only where its verdict is
checked, so each gets three handlers: unchecked input (a finding), ``if (!check(x)) return`` then
the sink (clean), and the check called but ignored (still a finding). A middleware row
(``decorator=True``: Middy's validator, Powertools' parser) wraps the handler with
``middy(fn).use(row(...))`` (clean) against ``middy(fn)`` alone (a finding).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.models.interface import ValidatorModel
from faasguard.code.models.javascript import MODELS
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

_CMD = "code.command-injection"
_SINK = 'require("child_process").exec("id " + x);'


def _check(row: ValidatorModel, value: str) -> str:
    """A call of the row's check on ``value`` (``ajv().compile()`` -> a compiled validator)."""
    if row.callee == "ajv().compile()":
        return f'require("ajv")().compile({{ type: "string" }})({value})'
    if row.callee == "ajv().validate":
        return f'require("ajv")().validate({{ type: "string" }}, {value})'
    module, _, name = row.callee.partition(".")
    return f'require("{module}").{name}({value})'


def _middleware(row: ValidatorModel) -> str:
    module, _, name = row.callee.rpartition(".")
    if not module or "/" not in row.callee.split(".")[0]:
        return f'require("{row.callee}")({{ eventSchema: {{}} }})'
    return f'require("{module}").{name}({{ schema: {{}} }})'


def _cases(row: ValidatorModel) -> dict[str, tuple[str, bool]]:
    """Handler source per case, with whether a finding is expected."""
    if row.decorator:
        body = "async (event) => { const x = event.body; " + _SINK + " }"
        return {
            "Bare": (f'require("@middy/core")({body})', True),
            "Wrapped": (f'require("@middy/core")({body}).use({_middleware(row)})', False),
        }
    raw = "async (event) => { const x = event.body; " + _SINK + " }"
    checked = (
        "async (event) => { const x = event.body; if (!"
        + _check(row, "x")
        + ") { return; } "
        + _SINK
        + " }"
    )
    ignored = "async (event) => { const x = event.body; " + _check(row, "x") + "; " + _SINK + " }"
    return {"Raw": (raw, True), "Checked": (checked, False), "Ignored": (ignored, True)}


ROWS = [(f"Row{i}", row) for i, row in enumerate(MODELS.validators)]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    root: Path = tmp_path_factory.mktemp("js-validators")
    (root / "src").mkdir()
    lines: list[str] = []
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, row in ROWS:
        for case, (source, _expected) in _cases(row).items():
            export = f"{name.lower()}_{case.lower()}"
            lines.append(f"exports.{export} = {source};")
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
def test_validator_clears_only_validated_input(
    findings: dict[str, set[str]], name: str, row: ValidatorModel
) -> None:
    assert row.guard or row.decorator, "every JS validator returns a verdict or is middleware"
    for case, (_source, expected) in _cases(row).items():
        assert (_CMD in findings.get(f"{name}{case}", set())) is expected, case
