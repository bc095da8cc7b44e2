"""Every Python sanitizer row, from the table: it clears the sinks it fits, and only those.

For each ``SanitizerModel`` row three handlers are generated: the raw request body into a sink
the row fits (a finding), the sanitised body into that sink (clean), and, for a row that fits
only some sinks, the sanitised body into a sink it does not fit (still a finding: `html.escape`
does not make a shell command safe).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.code.models.interface import SanitizerModel
from faasguard.code.models.python import MODELS
from tests.code.support import analyze

X = 'event["body"]'

#: A sink statement per category, with {} where the data goes.
SINKS = {
    "code.command-injection": "os.system({})",
    "code.sql-injection": 'sqlite3.connect("db").execute({})',
    "code.nosql-injection": 'boto3.client("dynamodb").scan(FilterExpression={})',
    "code.code-injection": "eval({})",
    "code.path-traversal": "open({})",
    "code.ssrf": "requests.get({})",
    "code.xss": 'return {{"headers": {{"Content-Type": "text/html"}}, "body": "<p>" + {}}}',
}
IMPORTS = (
    "import os\nimport sqlite3\nimport boto3\nimport requests\nimport html\nimport shlex\n"
    "import pipes\nimport uuid\nimport decimal\nimport datetime\nimport ipaddress\n"
    "import hashlib\nimport urllib.parse\nimport markupsafe\nimport jinja2\nimport bleach\n"
    "import werkzeug.utils\nimport boto3.dynamodb.conditions\nimport json\n"
)


def _sanitised(row: SanitizerModel) -> str:
    """The row's call applied to the body: the body goes in every pair of parentheses."""
    callee = re.sub(r"\(\)", f"({X})", row.callee)
    return f"str({callee}({X}))" if row.callee not in ("str",) else f"{callee}({X})"


def _fits(row: SanitizerModel) -> str:
    return "code.command-injection" if "*" in row.clears else row.clears[0]


def _misfit(row: SanitizerModel) -> str | None:
    if "*" in row.clears:
        return None
    return next((c for c in SINKS if c not in row.clears), None)


ROWS = [(f"Row{i}", row) for i, row in enumerate(MODELS.sanitizers) if _fits(row) in SINKS]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    root: Path = tmp_path_factory.mktemp("sanitizers")
    (root / "src").mkdir()
    lines = [IMPORTS]
    template = ["Transform: AWS::Serverless-2016-10-31", "Resources:"]
    for name, row in ROWS:
        cases = [("Vuln", _fits(row), X), ("Safe", _fits(row), _sanitised(row))]
        misfit = _misfit(row)
        if misfit is not None:
            cases.append(("Misfit", misfit, _sanitised(row)))
        for twin, category, value in cases:
            function = f"{name.lower()}_{twin.lower()}"
            lines += [
                "",
                f"def {function}(event, context):",
                "    " + SINKS[category].format(value),
            ]
            template += [
                f"  {name}{twin}:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Runtime: python3.12",
                "      CodeUri: src/",
                f"      Handler: app.{function}",
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


@pytest.mark.parametrize(("name", "row"), ROWS, ids=[r.callee for _, r in ROWS])
def test_sanitizer_clears_the_sinks_it_fits_and_only_those(
    findings: dict[str, set[str]], name: str, row: SanitizerModel
) -> None:
    fits = _fits(row)
    assert fits in findings.get(f"{name}Vuln", set())
    assert fits not in findings.get(f"{name}Safe", set())
    misfit = _misfit(row)
    if misfit is not None:
        assert misfit in findings.get(f"{name}Misfit", set())


def test_every_row_is_generated() -> None:
    assert len(ROWS) == len(MODELS.sanitizers)
