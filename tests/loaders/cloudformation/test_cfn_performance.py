"""Loading many small SAM templates stays fast (monorepos hold hundreds)."""

from __future__ import annotations

import time
from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation import CloudFormationLoader
from faasguard.loaders.interface import LoadOptions

SMALL_TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    Environment:
      Variables:
        STAGE: dev
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref Table
      Events:
        Get:
          Type: Api
          Properties:
            Path: /items
            Method: get
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
  Table:
    Type: AWS::DynamoDB::Table
  Queue:
    Type: AWS::SQS::Queue
"""
COUNT = 500
#: The target is ~2 ms per template (measured ~1 ms); the bound leaves room for slow CI.
MAX_SECONDS_PER_TEMPLATE = 0.01


def test_500_small_sam_templates(tmp_path: Path) -> None:
    for index in range(COUNT):
        app = tmp_path / f"app{index:03d}"
        (app / "src").mkdir(parents=True)
        (app / "template.yaml").write_text(SMALL_TEMPLATE)
        (app / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    loader, fs, options = CloudFormationLoader(), ScanFS(tmp_path), LoadOptions()
    started = time.perf_counter()
    results = [loader.load(f"app{i:03d}/template.yaml", fs, options) for i in range(COUNT)]
    elapsed = time.perf_counter() - started
    assert all(r.issues == () and len(r.applications[0].functions) == 1 for r in results)
    assert results[-1].applications[0].functions[0].handler_file == "app499/src/app.py"
    assert elapsed / COUNT < MAX_SECONDS_PER_TEMPLATE, f"{elapsed / COUNT * 1000:.2f} ms/template"
