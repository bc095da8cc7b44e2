"""Needed permissions for a generated 200-function application (issue 8: goal < 2 s).

Writes a SAM template with N functions (half Python, half Node.js, each with its own handler
file making about 20 SDK calls of every style: boto3 clients, resources, paginators, helpers;
aws-sdk v2 service objects and DocumentClient; v3 commands and lib-dynamodb), tables, buckets,
queues and topics referenced from environment variables. Then, in a fresh interpreter state per
run, loads the template and times `function_permissions` (parse each handler through the shared
code layer, extract SDK calls, map to actions, scope resources, platform needs, compare with the
role's grants and build the least-privilege policy) for every function. The first run includes
loading the SDK and IAM tables; the figure reported is the median and the best of --repeat runs.

Usage: python bench/bench_permissions.py [--functions N] [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

PY_HANDLER = """import os
import boto3
from aws_lambda_powertools.utilities import parameters

ddb = boto3.resource("dynamodb")
table = ddb.Table(os.environ["TABLE"])
s3 = boto3.client("s3")
sqs = boto3.client("sqs")
sns = boto3.client("sns")
BUCKET = os.environ["BUCKET"]


def helper(key):
    s3.head_object(Bucket=BUCKET, Key=key)
    return s3.get_object(Bucket=BUCKET, Key=key)


def handler(event, context):
    table.get_item(Key={{"id": event["id"]}})
    table.put_item(Item=event)
    table.query(KeyConditionExpression="id = :id")
    table.update_item(Key={{}}, UpdateExpression="set x = :x")
    table.delete_item(Key={{}})
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        pass
    s3.put_object(Bucket=BUCKET, Key="k{n}", Body=b"")
    s3.upload_file("/tmp/x", BUCKET, "k")
    s3.copy_object(Bucket=BUCKET, Key="c", CopySource="x")
    s3.delete_object(Bucket=BUCKET, Key="k")
    helper("a")
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody="x")
    sqs.receive_message(QueueUrl=os.environ["QUEUE_URL"])
    sns.publish(TopicArn=os.environ["TOPIC"], Message="m")
    parameters.get_parameter("/app/{n}/setting")
    boto3.client("lambda").invoke(FunctionName=os.environ["NEXT"])
    boto3.client("secretsmanager").get_secret_value(SecretId="app/{n}")
    boto3.resource("s3").Bucket(BUCKET).objects.filter(Prefix="p")
    s3.get_waiter("object_exists").wait(Bucket=BUCKET, Key="k")
    return {{"ok": True}}
"""

JS_HANDLER = """const AWS = require("aws-sdk");
const {{ DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand }} =
  require("@aws-sdk/client-dynamodb");
const {{ S3Client, GetObjectCommand, PutObjectCommand, ListObjectsV2Command }} =
  require("@aws-sdk/client-s3");
const {{ SQSClient, SendMessageCommand }} = require("@aws-sdk/client-sqs");
const {{ DynamoDBDocumentClient, UpdateCommand, DeleteCommand }} = require("@aws-sdk/lib-dynamodb");

const TABLE = process.env.TABLE;
const BUCKET = process.env.BUCKET;
const ddb = new DynamoDBClient({{}});
const docs = DynamoDBDocumentClient.from(ddb);
const s3 = new S3Client({{}});
const v2s3 = new AWS.S3();
const v2docs = new AWS.DynamoDB.DocumentClient();
const sns = new AWS.SNS();

exports.handler = async (event) => {{
  await ddb.send(new GetItemCommand({{ TableName: TABLE, Key: {{}} }}));
  await ddb.send(new PutItemCommand({{ TableName: TABLE, Item: {{}} }}));
  await ddb.send(new QueryCommand({{ TableName: TABLE }}));
  await docs.send(new UpdateCommand({{ TableName: TABLE, Key: {{}} }}));
  await docs.send(new DeleteCommand({{ TableName: TABLE, Key: {{}} }}));
  await s3.send(new GetObjectCommand({{ Bucket: BUCKET, Key: "k" }}));
  await s3.send(new PutObjectCommand({{ Bucket: BUCKET, Key: "k{n}" }}));
  await s3.send(new ListObjectsV2Command({{ Bucket: BUCKET }}));
  const queue = new SQSClient({{}});
  await queue.send(new SendMessageCommand({{ QueueUrl: process.env.QUEUE_URL, MessageBody: "x" }}));
  await v2s3.getObject({{ Bucket: BUCKET, Key: "a" }}).promise();
  await v2s3.putObject({{ Bucket: BUCKET, Key: "b" }}).promise();
  await v2s3.headObject({{ Bucket: BUCKET, Key: "c" }}).promise();
  await v2s3.deleteObject({{ Bucket: BUCKET, Key: "d" }}).promise();
  await v2docs.get({{ TableName: TABLE, Key: {{}} }}).promise();
  await v2docs.put({{ TableName: TABLE, Item: {{}} }}).promise();
  await v2docs.query({{ TableName: TABLE }}).promise();
  await v2docs.scan({{ TableName: TABLE }}).promise();
  await sns.publish({{ TopicArn: process.env.TOPIC, Message: "m" }}).promise();
  await new AWS.Lambda().invoke({{ FunctionName: process.env.NEXT }}).promise();
  return v2s3.getSignedUrl("getObject", {{ Bucket: BUCKET, Key: "e" }});
}};
"""


def generate(root: Path, functions: int) -> None:
    """Write the template and one handler file per function under ``root``."""
    src = root / "src"
    src.mkdir(parents=True)
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
    ]
    for n in range(functions):
        python = n % 2 == 0
        name = f"Fn{n:03d}"
        group = n // 10
        if python:
            (src / f"h{n:03d}.py").write_text(PY_HANDLER.format(n=n))
            runtime, handler = "python3.12", f"h{n:03d}.handler"
        else:
            (src / f"h{n:03d}.js").write_text(JS_HANDLER.format(n=n))
            runtime, handler = "nodejs20.x", f"h{n:03d}.handler"
        lines += [
            f"  {name}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            f"      Runtime: {runtime}",
            "      CodeUri: src/",
            f"      Handler: {handler}",
            "      Environment:",
            "        Variables:",
            f"          TABLE: !Ref Table{group}",
            f"          BUCKET: !Ref Bucket{group}",
            f"          QUEUE_URL: !Ref Queue{group}",
            f"          TOPIC: !Ref Topic{group}",
            f"          NEXT: !Ref Fn{(n + 1) % functions:03d}",
            "      Policies:",
            "        - DynamoDBCrudPolicy:",
            f"            TableName: !Ref Table{group}",
            "        - AmazonS3FullAccess",
        ]
    for group in range((functions + 9) // 10):
        lines += [
            f"  Table{group}:",
            "    Type: AWS::DynamoDB::Table",
            f"  Bucket{group}:",
            "    Type: AWS::S3::Bucket",
            f"  Queue{group}:",
            "    Type: AWS::SQS::Queue",
            f"  Topic{group}:",
            "    Type: AWS::SNS::Topic",
        ]
    (root / "template.yaml").write_text("\n".join(lines) + "\n")


def once(root: Path) -> tuple[float, int, int]:
    """Time needed permissions for every function; return (seconds, functions, SDK needs)."""
    from faasguard.fs import ScanFS
    from faasguard.iam.needed.analyzer import function_permissions
    from faasguard.iam.needed.interface import NeedSource
    from faasguard.loaders.cloudformation.loader import CloudFormationLoader
    from faasguard.loaders.interface import LoadOptions

    fs = ScanFS(root)
    (app,) = CloudFormationLoader().load("template.yaml", fs, LoadOptions()).applications
    start = time.perf_counter()
    perms = function_permissions(app, fs)
    elapsed = time.perf_counter() - start
    code_needs = sum(1 for p in perms for n in p.needs.needs if n.source is NeedSource.CODE)
    return elapsed, len(perms), code_needs


def main() -> None:
    """Generate, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.functions)
        times = []
        for _ in range(args.repeat):
            elapsed, functions, needs = once(root)
            times.append(elapsed)
        print(
            f"needed permissions, {functions} functions, {needs} code needs: "
            f"first {times[0]:.2f} s (tables loaded), median {statistics.median(times):.2f} s, "
            f"best {min(times):.2f} s over {len(times)} runs"
        )


if __name__ == "__main__":
    main()
