"""SDK calls in JavaScript/TypeScript: aws-sdk v2, v3 commands, DocumentClient and helpers."""

from __future__ import annotations

from faasguard.code.parse import parse_script
from faasguard.iam.needed.interface import Name, NameKind
from faasguard.iam.needed.js_sdk import JsModule, calls_in_javascript
from faasguard.iam.needed.sdk_map import sdk_map

ENV = NameKind.ENV
LIT = NameKind.LITERAL


def _calls(path: str, text: str) -> list[tuple[object, ...]]:
    tree, issue = parse_script(path, text)
    assert issue is None
    calls, unresolved = calls_in_javascript((JsModule(path, tree),), table=sdk_map())
    assert unresolved == []
    return [(c.line, c.service, c.operations, c.style, c.code, c.target) for c in calls]


def test_v2_service_objects_and_presigned_urls() -> None:
    src = (
        'const AWS = require("aws-sdk");\n'
        'const S3 = require("aws-sdk/clients/s3");\n'
        "const s3 = new S3();\n"
        "const lambda = new AWS.Lambda();\n"
        "exports.handler = async (event) => {\n"
        "  await s3.getObject({ Bucket: process.env.BUCKET, Key: event.key }).promise();\n"
        "  await lambda.invoke({ FunctionName: process.env['WORKER'] }).promise();\n"
        '  return s3.getSignedUrl("putObject", { Bucket: "uploads", Key: "k" });\n'
        "};\n"
    )
    assert _calls("h.js", src) == [
        (6, "s3", ("GetObject",), "aws-sdk v2", "s3.getObject", Name(ENV, "BUCKET")),
        (7, "lambda", ("Invoke",), "aws-sdk v2", "lambda.invoke", Name(ENV, "WORKER")),
        (8, "s3", ("PutObject",), "aws-sdk v2 presign", "s3.getSignedUrl", Name(LIT, "uploads")),
    ]


def test_v2_document_client() -> None:
    src = (
        'import AWS from "aws-sdk";\n'
        "const { TABLE } = process.env;\n"
        "const docs = new AWS.DynamoDB.DocumentClient();\n"
        "export const handler = async () => {\n"
        "  await docs.get({ TableName: TABLE, Key: { id: 1 } }).promise();\n"
        "  await docs.batchWrite({ RequestItems: {} }).promise();\n"
        "};\n"
    )
    assert _calls("h.mjs", src) == [
        (5, "dynamodb", ("GetItem",), "aws-sdk v2 DocumentClient", "docs.get", Name(ENV, "TABLE")),
        (
            6,
            "dynamodb",
            ("BatchWriteItem",),
            "aws-sdk v2 DocumentClient",
            "docs.batchWrite",
            Name(NameKind.UNKNOWN, "{ RequestItems: {} }"),
        ),
    ]


def test_v3_commands_clients_and_paginators() -> None:
    src = (
        'import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";\n'
        'import { S3, paginateListObjectsV2 } from "@aws-sdk/client-s3";\n'
        'const { SNSClient, PublishCommand: Publish } = require("@aws-sdk/client-sns");\n'
        "const QUEUE = process.env.QUEUE_URL;\n"
        "const sqs = new SQSClient({});\n"
        "export const handler = async () => {\n"
        "  await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE, MessageBody: 'x' }));\n"
        "  await new SNSClient({}).send(new Publish({ TopicArn: process.env.TOPIC, Message: 'm' }));\n"
        "  await new S3({}).headObject({ Bucket: 'assets', Key: 'k' });\n"
        "  for await (const p of paginateListObjectsV2({ client }, { Bucket: 'assets' })) {}\n"
        "};\n"
    )
    assert _calls("h.ts", src) == [
        (
            7,
            "sqs",
            ("SendMessage",),
            "aws-sdk v3",
            "new SendMessageCommand",
            Name(ENV, "QUEUE_URL"),
        ),
        (8, "sns", ("Publish",), "aws-sdk v3", "new Publish", Name(ENV, "TOPIC")),
        (9, "s3", ("HeadObject",), "aws-sdk v3", "new S3({}).headObject", Name(LIT, "assets")),
        (
            10,
            "s3",
            ("ListObjectsV2",),
            "aws-sdk v3 paginator",
            "paginateListObjectsV2",
            Name(LIT, "assets"),
        ),
    ]


def test_v3_lib_dynamodb_and_lib_storage_helpers() -> None:
    src = (
        'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";\n'
        'import { DynamoDBDocumentClient, PutCommand, paginateScan } from "@aws-sdk/lib-dynamodb";\n'
        'import { Upload } from "@aws-sdk/lib-storage";\n'
        "const docs = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n"
        "const params = { TableName: process.env.TABLE, Item: {} };\n"
        "export const handler = async (body) => {\n"
        "  await docs.send(new PutCommand(params));\n"
        "  for await (const p of paginateScan({ client: docs }, { TableName: 'archive' })) {}\n"
        "  await new Upload({ client: s3, params: { Bucket: process.env.BUCKET, Key: 'k', Body: body } }).done();\n"
        "};\n"
    )
    assert _calls("h.mjs", src) == [
        (7, "dynamodb", ("PutItem",), "lib-dynamodb", "new PutCommand", Name(ENV, "TABLE")),
        (8, "dynamodb", ("Scan",), "aws-sdk v3 paginator", "paginateScan", Name(LIT, "archive")),
        (
            9,
            "s3",
            (
                "PutObject",
                "CreateMultipartUpload",
                "UploadPart",
                "CompleteMultipartUpload",
                "AbortMultipartUpload",
                "PutObjectTagging",
            ),
            "lib-storage",
            "new Upload",
            Name(ENV, "BUCKET"),
        ),
    ]


def test_code_that_is_not_the_sdk_is_ignored() -> None:
    src = (
        "const s3 = { getObject() {} };\n"
        "class Command {}\n"
        "exports.handler = () => { s3.getObject({ Bucket: 'x' }); new Command(); };\n"
    )
    assert _calls("h.js", src) == []


def test_operation_chosen_at_run_time_is_unresolved() -> None:
    src = 'const AWS = require("aws-sdk");\nconst s3 = new AWS.S3();\nexports.h = (e) => s3[e.op]({ Bucket: "b" });\n'
    tree, _ = parse_script("h.js", src)
    calls, unresolved = calls_in_javascript((JsModule("h.js", tree),), table=sdk_map())
    assert calls == []
    assert [str(u) for u in unresolved] == [
        "h.js:3 s3[e.op](...): the s3 operation is chosen at run time"
    ]


def test_hostile_nesting_is_reported_once_not_a_crash() -> None:
    src = (
        'const AWS = require("aws-sdk");\nconst s3 = new AWS.S3();\n'
        "exports.h = (e) => " + "f(\n" * 3000 + "e.body" + ")" * 3000 + ";\n"
        "exports.c = (e) => e" + ".a()" * 3000 + ";\n"
        "exports.g = () => s3.listBuckets();\n"
    )
    tree, _ = parse_script("h.js", src)
    calls, unresolved = calls_in_javascript((JsModule("h.js", tree),), table=sdk_map())
    assert [(c.line, c.operations) for c in calls] == [(3005, ("ListBuckets",))]
    assert [str(u) for u in unresolved] == [
        "h.js:3004 calls nested more than 64 levels deep were not analysed"
    ]


def test_clients_and_names_from_other_files_of_the_closure() -> None:
    files = {
        "src/lib/db.js": (
            'const AWS = require("aws-sdk");\n'
            "const client = new AWS.DynamoDB.DocumentClient();\n"
            "module.exports = client;\n"
        ),
        "src/lib/aws.mjs": (
            'import { S3Client } from "@aws-sdk/client-s3";\n'
            'import { SQS } from "@aws-sdk/client-sqs";\n'
            "export const s3 = new S3Client({});\n"
            "const queue = new SQS({});\n"
            "export default queue;\n"
            "export const QUEUE = process.env.QUEUE_URL;\n"
        ),
        "src/lib/index.js": "module.exports = { tables: { ORDERS: process.env.ORDERS } };\n",
        "src/handler.mjs": (
            'import db from "./lib/db.js";\n'
            'import queue, { QUEUE } from "./lib/aws.mjs";\n'
            'const { tables } = require("./lib");\n'
            "export const handler = async () => {\n"
            "  await db.get({ TableName: process.env.TABLE, Key: {} }).promise();\n"
            "  await queue.sendMessage({ QueueUrl: QUEUE, MessageBody: 'x' });\n"
            "};\n"
        ),
    }
    modules = []
    for path, text in files.items():
        tree, issue = parse_script(path, text)
        assert issue is None
        modules.append(JsModule(path, tree))
    handler = modules.pop()
    calls, unresolved = calls_in_javascript((handler, *modules), table=sdk_map())
    assert unresolved == []
    assert [(c.file, c.line, c.service, c.operations, c.target) for c in calls] == [
        ("src/handler.mjs", 5, "dynamodb", ("GetItem",), Name(ENV, "TABLE")),
        ("src/handler.mjs", 6, "sqs", ("SendMessage",), Name(ENV, "QUEUE_URL")),
    ]


def test_only_what_the_exported_handler_reaches_counts_in_its_file() -> None:
    src = (
        'const AWS = require("aws-sdk");\n'
        "const db = new AWS.DynamoDB.DocumentClient();\n"
        "const s3 = new AWS.S3();\n"
        "function audit(key) { return s3.putObject({ Bucket: 'audit', Key: key }).promise(); }\n"
        "module.exports.create = async (e) => {\n"
        "  await db.put({ TableName: 'orders', Item: e }).promise();\n"
        "  [1].forEach(() => audit('x'));\n"
        "};\n"
        "module.exports.list = async () => db.scan({ TableName: 'orders' }).promise();\n"
        "export async function remove(e) { await db.delete({ TableName: 'orders', Key: e }).promise(); }\n"
    )
    tree, _ = parse_script("h.mjs", src)

    def operations(entry: str | None) -> list[tuple[str, ...]]:
        calls, _ = calls_in_javascript((JsModule("h.mjs", tree),), table=sdk_map(), entry=entry)
        return [c.operations for c in calls]

    assert operations("create") == [("PutObject",), ("PutItem",)]
    assert operations("list") == [("Scan",)]
    assert operations("remove") == [("DeleteItem",)]
    assert operations("missing") == [("PutObject",), ("PutItem",), ("Scan",), ("DeleteItem",)]
