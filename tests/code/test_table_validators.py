"""Every Python validator row, from the table: validated event data reaches a shell cleanly.

A decorator row decorates the handler (``@validator(...)``); a call row validates the event
before use (``validate(event=event, schema=S)``, or the row's positional argument). The twin
without validation is a finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.code.models.interface import ValidatorModel
from faasguard.code.models.python import MODELS
from tests.code.support import analyze

ROWS = [(f"Row{i}", row) for i, row in enumerate(MODELS.validators) if not row.guard]


def _validated(name: str, row: ValidatorModel) -> list[str]:
    module, _, attr = row.callee.rpartition(".")
    head = [f"from {module} import {attr} as v{name}"]
    if row.decorator:
        return [
            *head,
            "",
            f"@v{name}(schema=SCHEMA)",
            f"def {name.lower()}_safe(event, context):",
            '    os.system(event["body"])',
        ]
    args = ["SCHEMA"] * row.arg + ["event"]
    if row.kwarg is not None:
        call = f"v{name}({row.kwarg}=event, schema=SCHEMA)"
    else:
        call = f"v{name}({', '.join(args)})"
    return [
        *head,
        "",
        f"def {name.lower()}_safe(event, context):",
        f"    {call}",
        '    os.system(event["body"])',
    ]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    root: Path = tmp_path_factory.mktemp("validators")
    (root / "src").mkdir()
    lines = ["import os", "SCHEMA = {}"]
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, row in ROWS:
        lines += [
            "",
            *_validated(name, row),
            "",
            "",
            f"def {name.lower()}_vuln(event, context):",
            '    os.system(event["body"])',
        ]
        for twin in ("Safe", "Vuln"):
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
    result: dict[str, int] = {}
    for finding in found:
        result[finding.function or ""] = result.get(finding.function or "", 0) + 1
    return result


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r.callee for _, r in ROWS])
def test_validated_event_is_clean_and_the_twin_is_not(
    findings: dict[str, int], name: str, row: ValidatorModel
) -> None:
    assert findings.get(f"{name}Safe") is None
    assert findings.get(f"{name}Vuln") == 1
