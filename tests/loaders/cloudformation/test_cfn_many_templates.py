"""Many small SAM templates load one by one, each to its own application (monorepos hold hundreds).

How fast is measured by ``bench/bench_scan.py --templates N``, not here: a timed assertion
fails on a loaded CI machine and says nothing about correctness.
"""

from __future__ import annotations

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


def test_500_small_sam_templates(tmp_path: Path) -> None:
    for index in range(COUNT):
        app = tmp_path / f"app{index:03d}"
        (app / "src").mkdir(parents=True)
        (app / "template.yaml").write_text(SMALL_TEMPLATE)
        (app / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    loader, fs, options = CloudFormationLoader(), ScanFS(tmp_path), LoadOptions()
    results = [loader.load(f"app{i:03d}/template.yaml", fs, options) for i in range(COUNT)]
    assert all(r.issues == () and len(r.applications[0].functions) == 1 for r in results)
    assert results[-1].applications[0].functions[0].handler_file == "app499/src/app.py"
    assert [r.applications[0].functions[0].handler_file for r in results] == [
        f"app{i:03d}/src/app.py" for i in range(COUNT)
    ]
