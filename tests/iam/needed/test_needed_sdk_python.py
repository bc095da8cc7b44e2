"""SDK calls in Python: each boto3 style, Powertools, reachability and imports across files."""

from __future__ import annotations

import ast

from faasguard.iam.needed.interface import Name, NameKind, SdkCall
from faasguard.iam.needed.python_sdk import PythonModule, calls_in_python
from faasguard.iam.needed.sdk_map import sdk_map

ENV = NameKind.ENV
LIT = NameKind.LITERAL


def _calls(*files: tuple[str, str], entry: str | None = "handler") -> list[tuple[object, ...]]:
    modules = tuple(PythonModule(path, ast.parse(text)) for path, text in files)
    calls, unresolved = calls_in_python(modules, entry=entry, table=sdk_map())
    assert unresolved == []
    return [_row(c) for c in calls]


def _row(call: SdkCall) -> tuple[object, ...]:
    return (call.file, call.line, call.service, call.operations, call.style, call.target)


def test_boto3_client_with_kwargs_and_env_names() -> None:
    src = (
        "import os\n"
        "import boto3 as b3\n"
        "sqs = b3.client('sqs')\n"
        "URL = os.getenv('QUEUE_URL')\n"
        "def handler(event, context):\n"
        "    sqs.send_message(QueueUrl=URL, MessageBody='x')\n"
        "    b3.client('lambda').invoke(FunctionName=os.environ['TARGET'])\n"
        "    b3.session.Session().client('sns').publish(TopicArn='arn:aws:sns:eu-west-1:123456789012:t', Message='m')\n"
    )
    assert _calls(("app.py", src)) == [
        ("app.py", 6, "sqs", ("SendMessage",), "boto3 client", Name(ENV, "QUEUE_URL")),
        ("app.py", 7, "lambda", ("Invoke",), "boto3 client", Name(ENV, "TARGET")),
        (
            "app.py",
            8,
            "sns",
            ("Publish",),
            "boto3 client",
            Name(LIT, "arn:aws:sns:eu-west-1:123456789012:t"),
        ),
    ]


def test_boto3_resource_table_and_bucket_collections() -> None:
    src = (
        "import os, boto3\n"
        "from boto3 import resource\n"
        "table = resource('dynamodb').Table(os.environ['TABLE'])\n"
        "bucket = boto3.resource('s3').Bucket('reports')\n"
        "def handler(event, context):\n"
        "    table.get_item(Key={'id': 1})\n"
        "    table.query(KeyConditionExpression='x')\n"
        "    for obj in bucket.objects.filter(Prefix='2024/'):\n"
        "        pass\n"
        "    bucket.Object('k').delete()\n"
    )
    assert _calls(("app.py", src)) == [
        ("app.py", 6, "dynamodb", ("GetItem",), "boto3 resource", Name(ENV, "TABLE")),
        ("app.py", 7, "dynamodb", ("Query",), "boto3 resource", Name(ENV, "TABLE")),
        ("app.py", 8, "s3", ("ListObjects",), "boto3 collection", Name(LIT, "reports")),
        ("app.py", 10, "s3", ("DeleteObject",), "boto3 resource", Name(LIT, "reports")),
    ]


def test_paginator_waiter_and_helpers() -> None:
    src = (
        "import boto3\n"
        "s3 = boto3.client('s3')\n"
        "ddb = boto3.resource('dynamodb')\n"
        "def handler(event, context):\n"
        "    pages = s3.get_paginator('list_objects_v2')\n"
        "    for page in pages.paginate(Bucket='in'):\n"
        "        pass\n"
        "    s3.get_waiter('object_exists').wait(Bucket='in', Key='k')\n"
        "    s3.upload_file('/tmp/f', 'out', 'k')\n"
        "    with ddb.Table('audit').batch_writer() as batch:\n"
        "        batch.put_item(Item={})\n"
    )
    assert _calls(("app.py", src)) == [
        ("app.py", 6, "s3", ("ListObjectsV2",), "boto3 paginator", Name(LIT, "in")),
        ("app.py", 8, "s3", ("HeadObject",), "boto3 waiter", Name(LIT, "in")),
        (
            "app.py",
            9,
            "s3",
            ("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"),
            "boto3 helper",
            Name(LIT, "out"),
        ),
        ("app.py", 10, "dynamodb", ("BatchWriteItem",), "boto3 helper", Name(LIT, "audit")),
    ]


def test_powertools_parameters_and_secrets() -> None:
    src = (
        "from aws_lambda_powertools.utilities import parameters\n"
        "from aws_lambda_powertools.utilities.parameters import get_secret\n"
        "def handler(event, context):\n"
        "    parameters.get_parameter('/shop/db-host')\n"
        "    get_secret('shop/db-password')\n"
    )
    assert _calls(("app.py", src)) == [
        ("app.py", 4, "ssm", ("GetParameter",), "powertools", Name(LIT, "/shop/db-host")),
        (
            "app.py",
            5,
            "secretsmanager",
            ("GetSecretValue",),
            "powertools",
            Name(LIT, "shop/db-password"),
        ),
    ]


def test_only_code_reachable_from_the_handler_counts_in_its_file() -> None:
    src = (
        "import boto3\n"
        "s3 = boto3.client('s3')\n"
        "def handler(event, context):\n"
        "    return helper()\n"
        "def helper():\n"
        "    return s3.get_object(Bucket='b', Key='k')\n"
        "def admin_only(event, context):\n"
        "    s3.delete_bucket(Bucket='b')\n"
    )
    assert _calls(("app.py", src)) == [
        ("app.py", 6, "s3", ("GetObject",), "boto3 client", Name(LIT, "b")),
    ]
    assert [r[3] for r in _calls(("app.py", src), entry="admin_only")] == [("DeleteBucket",)]


def test_client_imported_from_another_file_of_the_closure() -> None:
    clients = "import os, boto3\ntable = boto3.resource('dynamodb').Table(os.environ['T'])\n"
    handler = "from lib.clients import table\ndef handler(e, c):\n    table.update_item(Key={})\n"
    assert _calls(("src/app.py", handler), ("src/lib/clients.py", clients)) == [
        ("src/app.py", 3, "dynamodb", ("UpdateItem",), "boto3 resource", Name(ENV, "T")),
    ]


def test_names_computed_in_code_are_unknown() -> None:
    src = (
        "import boto3\n"
        "s3 = boto3.client('s3')\n"
        "def handler(event, context):\n"
        "    s3.get_object(Bucket=f\"{event['tenant']}-data\", Key='k')\n"
        "    s3.list_buckets()\n"
    )
    assert _calls(("app.py", src)) == [
        (
            "app.py",
            4,
            "s3",
            ("GetObject",),
            "boto3 client",
            Name(NameKind.UNKNOWN, "f\"{event['tenant']}-data\""),
        ),
        (
            "app.py",
            5,
            "s3",
            ("ListBuckets",),
            "boto3 client",
            Name(NameKind.UNKNOWN, "no resource argument"),
        ),
    ]


def test_operations_and_services_chosen_at_run_time_are_unresolved() -> None:
    src = (
        "import boto3\n"
        "table = boto3.resource('dynamodb').Table('t')\n"
        "def handler(event, context):\n"
        "    getattr(table, event['op'])(Key={})\n"
        "    boto3.client(event['service']).list_things()\n"
    )
    modules = (PythonModule("app.py", ast.parse(src)),)
    calls, unresolved = calls_in_python(modules, entry="handler", table=sdk_map())
    assert calls == []
    assert [str(u) for u in unresolved] == [
        "app.py:4 getattr(table, event['op']): the dynamodb operation is chosen at run time",
        "app.py:5 boto3.client(event['service']): the service is chosen at run time",
    ]


def test_a_call_nested_beyond_the_stack_is_unresolved_not_a_crash() -> None:
    chain = "s3" + ".x" * 1500 + ".get_object(Bucket='b')"
    src = f"import boto3\ns3 = boto3.client('s3')\ndef handler(e, c):\n    {chain}\n    s3.list_buckets()\n"
    modules = (PythonModule("app.py", ast.parse(src)),)
    calls, unresolved = calls_in_python(modules, entry="handler", table=sdk_map())
    assert [(c.line, c.operations) for c in calls] == [(5, ("ListBuckets",))]
    assert [str(u) for u in unresolved] == [
        "app.py:4 calls nested more than 64 levels deep were not analysed"
    ]


def test_module_imports_of_the_closure_are_followed() -> None:
    clients = "import os, boto3\nqueue = boto3.client('sqs')\nURL = os.environ['Q']\n"
    handler = (
        "from . import clients\n"
        "import lib.clients as c2\n"
        "def handler(e, ctx):\n"
        "    clients.queue.send_message(QueueUrl=clients.URL, MessageBody='x')\n"
        "    c2.queue.delete_message(QueueUrl=c2.URL, ReceiptHandle='r')\n"
    )
    assert _calls(("src/app.py", handler), ("src/lib/clients.py", clients)) == [
        ("src/app.py", 4, "sqs", ("SendMessage",), "boto3 client", Name(ENV, "Q")),
        ("src/app.py", 5, "sqs", ("DeleteMessage",), "boto3 client", Name(ENV, "Q")),
    ]


def test_environment_read_every_usual_way() -> None:
    src = (
        "import boto3\n"
        "from os import environ, getenv\n"
        "import os as system\n"
        "s3 = boto3.client('s3')\n"
        "def handler(e, c):\n"
        "    s3.get_object(Bucket=environ['A'], Key='k')\n"
        "    s3.get_object(Bucket=getenv('B'), Key='k')\n"
        "    s3.get_object(Bucket=system.environ.get('C', 'fallback'), Key='k')\n"
    )
    assert [row[5] for row in _calls(("app.py", src))] == [
        Name(ENV, "A"),
        Name(ENV, "B"),
        Name(ENV, "C"),
    ]


def test_transfer_helpers_take_the_bucket_where_boto3_does() -> None:
    src = (
        "import boto3\n"
        "s3 = boto3.client('s3')\n"
        "def handler(e, c):\n"
        "    s3.download_file('in', 'k', '/tmp/f')\n"
        "    s3.upload_fileobj(open('/tmp/f', 'rb'), 'out', 'k')\n"
        "    s3.copy({'Bucket': 'in', 'Key': 'k'}, 'copies', 'k')\n"
    )
    assert [(row[1], row[5]) for row in _calls(("app.py", src))] == [
        (4, Name(LIT, "in")),
        (5, Name(LIT, "out")),
        (6, Name(LIT, "copies")),
    ]
