"""Generate the scanner benchmark corpus: one big Serverless app and many SAM templates.

The corpus is realistic rather than minimal: every function has events, environment variables,
IAM statements and a handler file, and a share of them carries the flaws faasguard looks for, so
the benchmark exercises the loaders, the resolver and every rule family.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

_EVENTS = [
    "      - http:\n          path: items/{n}\n          method: get\n",
    "      - http:\n          path: items/{n}\n          method: post\n"
    "          authorizer: aws_iam\n",
    "      - httpApi:\n          path: /v2/items/{n}\n          method: get\n",
    "      - sqs:\n          arn: arn:aws:sqs:eu-west-1:123456789012:queue-{n}\n",
    "      - s3:\n          bucket: bucket-{n}\n          event: s3:ObjectCreated:*\n",
    "      - schedule: rate(5 minutes)\n",
]


def serverless_app(folder: Path, functions: int, rng: random.Random) -> None:
    """Write one serverless.yml with ``functions`` functions and their handler files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "src").mkdir(exist_ok=True)
    lines = [
        "service: bench-big",
        "custom:",
        "  table: bench-table-${sls:stage}",
        "  settings:",
        "    dev: {memory: 256}",
        "    prod: {memory: 1024}",
        "provider:",
        "  name: aws",
        "  runtime: python3.12",
        "  stage: ${opt:stage, 'dev'}",
        "  region: ${opt:region, 'eu-west-1'}",
        "  memorySize: ${self:custom.settings.${self:provider.stage}.memory}",
        "  environment:",
        "    TABLE: ${self:custom.table}",
        "    DB_PASSWORD: ${ssm:/bench/db-password}",
        "  iam:",
        "    role:",
        "      statements:",
        "        - Effect: Allow",
        "          Action: [dynamodb:GetItem, dynamodb:PutItem]",
        "          Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/${self:custom.table}",
        "        - Effect: Allow",
        "          Action: s3:*",
        "          Resource: '*'",
        "functions:",
    ]
    for n in range(functions):
        lines.append(f"  fn{n}:")
        lines.append(f"    handler: src/h{n % 50}.handler")
        if n % 3:
            lines.append(f"    description: Function number {n}")
        if n % 7 == 0:
            lines.append("    runtime: python3.8")
        lines.append("    environment:")
        lines.append(f"      ITEM_PREFIX: item-{n}")
        if n % 97 == 0:
            lines.append(f"      API_TOKEN: ghp_{rng.randbytes(18).hex()[:36]}")
        if n % 11 == 0:
            lines.append("    url: true")
        lines.append("    events:")
        lines.append(_EVENTS[n % len(_EVENTS)].replace("{n}", str(n)).rstrip("\n"))
    lines.append("resources:")
    lines.append("  Resources:")
    lines.append("    Sessions:")
    lines.append("      Type: AWS::DynamoDB::Table")
    lines.append("      Properties:")
    lines.append("        TableName: sessions-${sls:stage}")
    (folder / "serverless.yml").write_text("\n".join(lines) + "\n")
    for n in range(50):
        (folder / "src" / f"h{n}.py").write_text("def handler(event, context):\n    return {}\n")
    (folder / "requirements.txt").write_text("requests==2.31.0\nboto3==1.34.0\n")


def _secret(index: int) -> str:
    """Every tenth stack carries a literal AWS secret key (AWS's documented example value)."""
    return "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" if index % 10 == 0 else "!Ref Stage"


def sam_template(folder: Path, index: int) -> None:
    """Write one SAM template with a handful of functions, an API and data stores."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    text = f"""AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Description: bench stack {index}
Parameters:
  Stage:
    Type: String
    Default: dev
Globals:
  Function:
    Runtime: {"python3.9" if index % 5 == 0 else "python3.12"}
    Timeout: 20
    Environment:
      Variables:
        STAGE: !Ref Stage
        TABLE: !Ref Table
Resources:
  ApiFunction:
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
            Path: /items/{{id}}
            Method: get
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Timeout: 60
      Policies:
        - SQSPollerPolicy:
            QueueName: !GetAtt Queue.QueueName
        - Statement:
            - Effect: Allow
              Action: "s3:*"
              Resource: "*"
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
  UrlFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      FunctionUrlConfig:
        AuthType: {"NONE" if index % 4 == 0 else "AWS_IAM"}
      Environment:
        Variables:
          SECRET_KEY: {_secret(index)}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
  Bucket:
    Type: AWS::S3::Bucket
"""
    (folder / "template.yaml").write_text(text)


def generate(out: Path, *, functions: int = 1000, templates: int = 500, seed: int = 7) -> None:
    """Write the whole corpus under ``out``: ``serverless-big/`` and ``sam/stack-NNN/``."""
    rng = random.Random(seed)
    serverless_app(out / "serverless-big", functions, rng)
    for index in range(templates):
        sam_template(out / "sam" / f"stack-{index:03d}", index)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--templates", type=int, default=500)
    args = parser.parse_args()
    generate(args.out, functions=args.functions, templates=args.templates)
