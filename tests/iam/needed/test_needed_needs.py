"""Needed permissions of whole functions: code, scoping through the template, platform, findings."""

from __future__ import annotations

from collections.abc import Callable

from faasguard.code.codebase import codebase_for
from faasguard.iam.needed.analyzer import NeededPermissionsAnalyzer, function_permissions
from faasguard.iam.needed.compute import needs_for
from faasguard.iam.needed.interface import NeedSource
from tests.iam.needed.conftest import Loaded

CODE, TRIGGER, PLATFORM = NeedSource.CODE, NeedSource.TRIGGER, NeedSource.PLATFORM
LOGS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")


def _needs(loaded: Loaded, name: str) -> list[tuple[object, ...]]:
    app, fs = loaded
    fn = app.function(name)
    assert fn is not None
    found = needs_for(app, fn, codebase_for(fs).function_code(app, fn))
    assert found.unknown == ()
    return [(n.action, n.resources, n.source, n.evidence, n.note) for n in found.needs]


def _logs(group: str, where: str) -> list[tuple[object, ...]]:
    arn = f"arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}:*"
    return [(a, (arn,), PLATFORM, f"{where} CloudWatch Logs", None) for a in LOGS]


def test_get_item_on_a_ref_table_needs_exactly_get_item_on_its_arn_and_logs(
    fixture_app: Callable[[str], Loaded],
) -> None:
    loaded = fixture_app("sam_orders")
    table = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"
    assert _needs(loaded, "ReaderFunction") == [
        (
            "dynamodb:GetItem",
            (table,),
            CODE,
            "src/reader.py:11 table.get_item (boto3 resource)",
            None,
        ),
        *_logs("/aws/lambda/${ReaderFunction}", "template.yaml:14"),
    ]
    app, fs = loaded
    perms = {p.function.name: p for p in function_permissions(app, fs)}
    assert perms["ReaderFunction"].policy == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [table]},
            {
                "Effect": "Allow",
                "Action": list(LOGS),
                "Resource": [
                    "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${ReaderFunction}:*"
                ],
            },
        ],
    }


def test_full_access_policy_is_an_unused_grant_naming_the_policy(
    fixture_app: Callable[[str], Loaded],
) -> None:
    app, fs = fixture_app("sam_orders")
    findings = list(NeededPermissionsAnalyzer().analyze(app, fs))
    summary = sorted(
        (f.rule_id, f.function, f.file, f.line, f.severity.value, f.evidence) for f in findings
    )
    assert summary == [
        (
            "FG1040",
            "ExportFunction",
            "template.yaml",
            41,
            "medium",
            "inline statement SAM policy template S3CrudPolicy: s3:GetObject, s3:ListBucket, "
            "s3:GetBucketLocation, s3:GetObjectVersion, s3:PutObjectAcl, s3:GetLifecycleConfiguration, "
            "s3:PutLifecycleConfiguration, s3:DeleteObject",
        ),
        (
            "FG1040",
            "ReaderFullAccessFunction",
            "template.yaml",
            23,
            "medium",
            "managed policy AmazonDynamoDBFullAccess: "
            + next(f.evidence for f in findings if f.function == "ReaderFullAccessFunction").split(
                ": ", 1
            )[1],
        ),
        (
            "FG1040",
            "ReaderFunction",
            "template.yaml",
            20,
            "low",
            "inline statement SAM policy template DynamoDBReadPolicy: dynamodb:Scan, dynamodb:Query, "
            "dynamodb:BatchGetItem, dynamodb:DescribeTable",
        ),
    ]
    full = next(f for f in findings if f.function == "ReaderFullAccessFunction")
    from faasguard.iam.actions import action_db
    from faasguard.iam.managed import managed_policy

    policy = managed_policy("AmazonDynamoDBFullAccess")
    assert policy is not None
    granted = {
        a
        for stmt in policy.document.statements
        if stmt.effect == "Allow"
        for entry in stmt.actions
        if isinstance(entry, str)
        for a in action_db().expand(entry)
    }
    assert full.message.startswith(
        f"ReaderFullAccessFunction is granted {len(granted - {'dynamodb:GetItem'})} action(s) by "
        "managed policy "
        "AmazonDynamoDBFullAccess that no code path, trigger or platform feature of the function needs:"
    )
    assert full.evidence.startswith("managed policy AmazonDynamoDBFullAccess: dynamodb:*, dax:*, ")
    assert "(detach the policy)" in full.remediation


def test_scoping_through_getatt_ref_and_literals_in_javascript(
    fixture_app: Callable[[str], Loaded],
) -> None:
    loaded = fixture_app("sam_js")
    table = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${ItemsTable}"
    assert _needs(loaded, "V2Function")[:2] == [
        (
            "s3:GetObject",
            ("arn:aws:s3:::${FilesBucket}/*",),
            CODE,
            "src/v2.js:7 s3.getObject (aws-sdk v2)",
            None,
        ),
        (
            "dynamodb:PutItem",
            (table,),
            CODE,
            "src/v2.js:8 docs.put (aws-sdk v2 DocumentClient)",
            None,
        ),
    ]
    assert _needs(loaded, "V3Function")[:3] == [
        (
            "secretsmanager:GetSecretValue",
            (
                "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:literal-secret-name-??????",
            ),
            CODE,
            "src/v3.mjs:11 new GetSecretValueCommand (aws-sdk v3)",
            None,
        ),
        (
            "dynamodb:Query",
            (table, table + "/index/*"),
            CODE,
            "src/v3.mjs:12 new QueryCommand (lib-dynamodb)",
            None,
        ),
        (
            "states:StartExecution",
            ("${Flow}",),
            CODE,
            "src/v3.mjs:13 new StartExecutionCommand (aws-sdk v3)",
            None,
        ),
    ]


def test_scoping_through_serverless_variables_keeps_them_for_every_stage(
    fixture_app: Callable[[str], Loaded],
) -> None:
    loaded = fixture_app("serverless_shop")
    assert _needs(loaded, "createOrder")[0] == (
        "dynamodb:PutItem",
        ("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${self:custom.tableName}",),
        CODE,
        "src/orders.py:15 TABLE.put_item (boto3 resource)",
        None,
    )
    assert _needs(loaded, "createOrder")[1][1] == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${self:service}-${sls:stage}-createOrder:*",
    )


def test_platform_and_trigger_needs_without_any_sdk_call(
    fixture_app: Callable[[str], Loaded],
) -> None:
    where = "template.yaml:6"
    got = _needs(fixture_app("platform"), "WorkerFunction")
    assert got == [
        *_logs("/aws/lambda/${WorkerFunction}", where),
        ("xray:PutTraceSegments", ("*",), PLATFORM, f"{where} tracing: Active", None),
        ("xray:PutTelemetryRecords", ("*",), PLATFORM, f"{where} tracing: Active", None),
        *[
            (a, ("*",), PLATFORM, f"{where} VPC attachment", None)
            for a in (
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:UnassignPrivateIpAddresses",
            )
        ],
        *[
            (a, ("${JobsQueue.Arn}",), TRIGGER, "template.yaml:28 sqs event source mapping", None)
            for a in ("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage")
        ],
        *[
            (
                a,
                ("${ClickStream.Arn}",),
                TRIGGER,
                "template.yaml:32 kinesis event source mapping",
                None,
            )
            for a in (
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
                "kinesis:SubscribeToShard",
            )
        ],
        (
            "kinesis:ListStreams",
            ("*",),
            TRIGGER,
            "template.yaml:32 kinesis event source mapping",
            None,
        ),
        *[
            (
                a,
                ("${ChangesTable.StreamArn}",),
                TRIGGER,
                "template.yaml:37 dynamodb-stream event source mapping",
                None,
            )
            for a in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
        ],
        (
            "dynamodb:ListStreams",
            ("*",),
            TRIGGER,
            "template.yaml:37 dynamodb-stream event source mapping",
            None,
        ),
        ("sqs:SendMessage", ("${DeadLetters.Arn}",), PLATFORM, f"{where} dead-letter target", None),
        ("sns:Publish", ("${FailureTopic}",), PLATFORM, f"{where} on-failure destination", None),
        (
            "kms:Decrypt",
            ("${EnvKey.Arn}",),
            PLATFORM,
            f"{where} environment encrypted with a customer key",
            None,
        ),
    ]


def test_sam_generated_role_policies_are_not_blamed_and_missing_grants_are_listed(
    fixture_app: Callable[[str], Loaded],
) -> None:
    app, fs = fixture_app("platform")
    (perm,) = function_permissions(app, fs)
    assert perm.unused == ()  # AWSXrayWriteOnlyAccess and the VPC role come from SAM itself
    assert [n.action for n in perm.missing] == ["kms:Decrypt"]  # SAM does not add it
    app, fs = fixture_app("sam_js")
    perms = {p.function.name: p for p in function_permissions(app, fs)}
    assert [n.action for n in perms["V2Function"].missing] == ["s3:GetObject", "dynamodb:PutItem"]


def test_unknown_handler_means_no_unused_grant_finding(
    fixture_app: Callable[[str], Loaded],
) -> None:
    app, fs = fixture_app("serverless_shop")
    broken = app.functions[0]
    from dataclasses import replace

    app = replace(
        app, functions=(replace(broken, handler_file="src/missing.py"), *app.functions[1:])
    )
    perms = {p.function.name: p for p in function_permissions(app, fs)}
    assert perms["getOrder"].unknown == (
        "serverless.yml:29 handler code not found (src/missing.py)",
    )
    findings = list(NeededPermissionsAnalyzer().analyze(app, fs))
    assert sorted({f.function for f in findings}) == ["createOrder"]


def test_reading_a_bucket_encrypted_with_a_customer_key_needs_kms_decrypt(
    fixture_app: Callable[[str], Loaded],
) -> None:
    call = "src/read.py:7 boto3.client('s3').get_object (boto3 client)"
    assert _needs(fixture_app("kms_bucket"), "ReadFunction")[:2] == [
        ("s3:GetObject", ("arn:aws:s3:::${SecureBucket}/*",), CODE, call, None),
        (
            "kms:Decrypt",
            ("${DataKey.Arn}",),
            CODE,
            f"{call}; SecureBucket is encrypted with a customer key",
            None,
        ),
    ]


def test_repeated_identical_statements_are_folded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A hostile template repeating one statement: one grant, one finding (the cost is in
    bench/hostile_shapes.py finding-flood)."""
    from tests.iam.needed.conftest import load

    statement = (
        "            - Effect: Allow\n              Action: '*'\n              Resource: '*'\n"
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Flood:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      CodeUri: src/\n"
        "      Handler: app.handler\n"
        "      Policies:\n"
        "        - Statement:\n" + statement * 300
    )
    app, fs = load(tmp_path, "template.yaml")
    (perm,) = function_permissions(app, fs)
    findings = list(NeededPermissionsAnalyzer().analyze(app, fs))
    (inline,) = [g for g in perm.granted if g.policy is None]
    assert (inline.actions, inline.resources, inline.duplicates) == (("*",), ("*",), 299)
    assert [(f.rule_id, f.line) for f in findings] == [("FG1040", 11)]


def test_terraform_references_are_spelled_the_terraform_way() -> None:
    from faasguard.fs import ScanFS
    from faasguard.loaders.interface import LoadOptions
    from faasguard.loaders.terraform.loader import TerraformLoader
    from tests.iam.needed.conftest import FIXTURES

    fs = ScanFS(FIXTURES / "terraform_orders")
    (app,) = TerraformLoader().load(".", fs, LoadOptions()).applications
    (perm,) = function_permissions(app, fs)
    assert perm.needs.unknown == ()
    assert [(n.action, n.resources, n.evidence) for n in perm.needs.needs][:2] == [
        (
            "dynamodb:GetItem",
            (
                "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${aws_dynamodb_table.orders.id}",
            ),
            "src/app.py:9 table.get_item (boto3 resource)",
        ),
        (
            "logs:CreateLogGroup",
            (
                "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
                "${aws_lambda_function.reader.id}:*",
            ),
            "main.tf:8 CloudWatch Logs",
        ),
    ]


def test_a_crash_becomes_a_rule_crashed_finding(
    fixture_app: Callable[[str], Loaded], monkeypatch: object
) -> None:
    import faasguard.iam.needed.analyzer as analyzer

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    app, fs = fixture_app("sam_orders")
    monkeypatch.setattr(analyzer, "compare", boom)  # type: ignore[attr-defined]
    findings = list(NeededPermissionsAnalyzer().analyze(app, fs))
    assert [(f.rule_name, f.function, f.line, f.evidence) for f in findings] == [
        ("rule-crashed", "ReaderFunction", 14, "FG1040 ValueError"),
        ("rule-crashed", "ReaderFullAccessFunction", 23, "FG1040 ValueError"),
        ("rule-crashed", "ExportFunction", 31, "FG1040 ValueError"),
    ]


def test_permissions_of_a_function_that_crashes_are_unknown_not_a_crash(
    fixture_app: Callable[[str], Loaded], monkeypatch: object
) -> None:
    import faasguard.iam.needed.analyzer as analyzer

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    app, fs = fixture_app("sam_orders")
    monkeypatch.setattr(analyzer, "compare", boom)  # type: ignore[attr-defined]
    perms = function_permissions(app, fs)
    first = perms[0]
    assert (first.function.name, first.unknown, first.policy) == (
        "ReaderFunction",
        (
            "template.yaml:14 faasguard failed on this function (ValueError: boom); this is a "
            "bug, please report it",
        ),
        {},
    )
