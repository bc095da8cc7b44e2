"""The stage and region Serverless fills in when a template leaves them out."""

from __future__ import annotations

from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.serverless.loader import ServerlessLoader

TEMPLATE = """\
service: st
provider:
  name: aws
  runtime: python3.12
  environment:
    TABLE: orders-${opt:stage, self:provider.stage}
    REGION: ${opt:region, self:provider.region}
functions:
  f:
    handler: app.handler
"""


def _env(tmp_path: Path, options: LoadOptions) -> tuple[dict[str, object], tuple[object, ...]]:
    (tmp_path / "serverless.yml").write_text(TEMPLATE)
    result = ServerlessLoader().load("serverless.yml", ScanFS(tmp_path), options)
    (fn,) = result.applications[0].functions
    return {var.name: var.value for var in fn.environment}, result.issues


def test_missing_provider_stage_and_region_default_like_the_framework(tmp_path: Path) -> None:
    env, issues = _env(tmp_path, LoadOptions())
    assert env == {"TABLE": "orders-dev", "REGION": "us-east-1"}
    assert issues == ()


def test_cli_stage_and_region_still_win(tmp_path: Path) -> None:
    env, issues = _env(tmp_path, LoadOptions(stage="prod", region="eu-west-1"))
    assert env == {"TABLE": "orders-prod", "REGION": "eu-west-1"}
    assert issues == ()
