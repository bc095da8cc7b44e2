"""Never a silent pass: a folder of formats faasguard does not read exits 4, not 0.

Exit status 4 (docs/cli.md) means no application faasguard can analyse was found while the
folder holds applications in formats it does not read. ``--on-unsupported`` (or the
``on-unsupported`` config key) chooses when: ``only`` (default), ``any``, ``never``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.support import Run, tool_findings

Scan = Callable[..., Run]

PULUMI = "name: shop\nruntime: nodejs\n"
CDK = '{"app": "npx ts-node bin/app.ts"}'
SAM = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): return {}"
      Tracing: Active
"""
PULUMI_MESSAGE = (
    "a Pulumi program in pulumi (Pulumi.yaml) is not a format faasguard reads; its resources "
    "exist only when the program runs, which a scan never does"
)
CDK_MESSAGE = (
    "the AWS CDK app in infra has not been synthesised: run `cdk synth` there (it writes "
    "cdk.out/*.template.json) and scan again; faasguard never runs the app"
)


def project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def unsupported_only(tmp_path: Path) -> Path:
    return project(
        tmp_path / "proj",
        {"pulumi/Pulumi.yaml": PULUMI, "pulumi/index.ts": "", "infra/cdk.json": CDK},
    )


def test_only_unsupported_applications_exit_4(scan: Scan, unsupported_only: Path) -> None:
    run = scan(unsupported_only)
    assert run.code == 4
    report = run.json()
    assert tool_findings(report) == [
        ("FG0012", "infra/cdk.json", 1, CDK_MESSAGE),
        ("FG0012", "pulumi/Pulumi.yaml", 1, PULUMI_MESSAGE),
    ]
    notice = (
        "no application faasguard can analyse was found, and 2 application(s) in formats "
        "faasguard does not read were not scanned (infra/cdk.json, pulumi/Pulumi.yaml); exit "
        "status 4 (--on-unsupported only)"
    )
    assert report["notices"][-1] == notice
    assert run.err == f"faasguard: {notice}\n"


def test_status_4_holds_with_fail_on_never(scan: Scan, unsupported_only: Path) -> None:
    assert scan(unsupported_only, "--fail-on", "never").code == 4


def test_on_unsupported_never_restores_exit_0(scan: Scan, unsupported_only: Path) -> None:
    run = scan(unsupported_only, "--on-unsupported", "never")
    assert (run.code, run.err) == (0, "")
    assert [f[0] for f in tool_findings(run.json())] == ["FG0012", "FG0012"]


def test_config_key_sets_the_mode_and_is_validated(scan: Scan, unsupported_only: Path) -> None:
    (unsupported_only / "faasguard.toml").write_text('on-unsupported = "never"\n')
    assert scan(unsupported_only).code == 0
    (unsupported_only / "faasguard.toml").write_text('on-unsupported = "sometimes"\n')
    run = scan(unsupported_only)
    assert run.code == 2
    assert "on-unsupported must be one of only, any, never, not 'sometimes'" in run.err


def test_mixed_folder_exits_on_findings_unless_any(scan: Scan, tmp_path: Path) -> None:
    root = project(tmp_path / "mixed", {"app/template.yaml": SAM, "pulumi/Pulumi.yaml": PULUMI})
    assert scan(root, "--fail-on", "critical").code == 0
    run = scan(root, "--fail-on", "critical", "--on-unsupported", "any")
    assert run.code == 4
    assert run.json()["notices"][-1] == (
        "1 application(s) in formats faasguard does not read were not scanned "
        "(pulumi/Pulumi.yaml); exit status 4 (--on-unsupported any)"
    )


def test_non_aws_serverless_and_serverless_ts_count_as_unsupported(
    scan: Scan, tmp_path: Path
) -> None:
    root = project(
        tmp_path / "sls",
        {
            "gcp/serverless.yml": "service: gcp\nprovider:\n  name: google\n",
            "ts/serverless.ts": "export default { service: 'x', provider: { name: 'aws' } };\n",
        },
    )
    run = scan(root)
    assert run.code == 4
    assert [(f[0], f[1]) for f in tool_findings(run.json())] == [
        ("FG0005", "gcp/serverless.yml"),
        ("FG0005", "ts/serverless.ts"),
    ]


def test_findings_at_fail_on_take_precedence(scan: Scan, tmp_path: Path) -> None:
    root = project(
        tmp_path / "broken",
        {"svc/serverless.yml": "service: [unclosed\n", "pulumi/Pulumi.yaml": PULUMI},
    )
    run = scan(root)
    assert run.code == 1  # the high parse error is actionable; the notice is still there
    assert run.json()["notices"][-1].endswith("exit status 4 (--on-unsupported only)")


def test_empty_folder_is_not_unsupported(scan: Scan, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert scan(tmp_path / "empty").code == 0
