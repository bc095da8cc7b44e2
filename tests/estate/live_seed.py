"""Seed an emulated account (moto server) with functions, roles and every trigger kind."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def client(service: str, region: str = REGION) -> Any:
    import boto3

    return boto3.Session().client(service, region_name=region)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def role(name: str, *, inline: dict[str, Any] | None = None, managed: list[str] = ()) -> str:  # type: ignore[assignment]
    iam = client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    for policy_name, document in (inline or {}).items():
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
        )
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return str(arn)


def function(name: str, role_arn: str, **extra: Any) -> str:
    created = client("lambda").create_function(
        FunctionName=name,
        Runtime=extra.pop("Runtime", "python3.12"),
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        **extra,
    )
    return str(created["FunctionArn"])


def seed_shop() -> dict[str, str]:
    """The emulated shop: five functions, one per kind of way in, and their roles."""
    iam = client("iam")
    managed = iam.create_policy(
        PolicyName="orders-write",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    api_role = role(
        "api-role",
        inline={
            "tables": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}],
            }
        },
        managed=[managed, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
    )
    worker_role = role("worker-role")
    arns = {
        "search": function(
            "search", api_role, MemorySize=256, Timeout=10, Tags={"owner": "team-search"}
        ),
        "export": function("export", api_role, Environment={"Variables": {"MODE": "full"}}),
        "worker": function("worker", worker_role, Architectures=["arm64"]),
        "thumbs": function("thumbs", worker_role),
        "nightly": function("nightly", worker_role),
        "notify": function("notify", worker_role),
    }
    lam = client("lambda")
    lam.create_function_url_config(FunctionName="export", AuthType="NONE")
    lam.add_permission(
        FunctionName="export",
        StatementId="public-url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.put_function_concurrency(FunctionName="worker", ReservedConcurrentExecutions=5)
    queue_url = client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="worker", BatchSize=5)
    http = client("apigatewayv2").create_api(Name="shop-http", ProtocolType="HTTP")
    integration = client("apigatewayv2").create_integration(
        ApiId=http["ApiId"],
        IntegrationType="AWS_PROXY",
        IntegrationUri=arns["search"],
        PayloadFormatVersion="2.0",
    )
    client("apigatewayv2").create_route(
        ApiId=http["ApiId"],
        RouteKey="GET /search",
        Target=f"integrations/{integration['IntegrationId']}",
        AuthorizationType="NONE",
    )
    rest = client("apigateway").create_rest_api(name="shop-rest")
    root = client("apigateway").get_resources(restApiId=rest["id"])["items"][0]["id"]
    orders = client("apigateway").create_resource(
        restApiId=rest["id"], parentId=root, pathPart="orders"
    )
    client("apigateway").put_method(
        restApiId=rest["id"],
        resourceId=orders["id"],
        httpMethod="POST",
        authorizationType="AWS_IAM",
    )
    client("apigateway").put_integration(
        restApiId=rest["id"],
        resourceId=orders["id"],
        httpMethod="POST",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arns['search']}/invocations",
    )
    s3 = client("s3")
    s3.create_bucket(Bucket="receipts")
    s3.put_bucket_notification_configuration(
        Bucket="receipts",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arns["thumbs"], "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    topic = client("sns").create_topic(Name="orders")["TopicArn"]
    client("sns").subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arns["notify"])
    events = client("events")
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "1", "Arn": arns["nightly"]}])
    return {
        **arns,
        "queue": queue_arn,
        "topic": topic,
        "http": http["ApiId"],
        "rest": rest["id"],
        "managed": managed,
    }
