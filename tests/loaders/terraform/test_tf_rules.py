"""Every rule family works on Terraform, with file and line in the ``.tf`` files."""

from __future__ import annotations

import datetime as _dt

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

from .conftest import FIXTURES


def test_rules_fire_on_terraform_with_tf_locations() -> None:
    result = scan(
        FIXTURES / "app", Config(), load_options=LoadOptions(), today=_dt.date(2026, 12, 7)
    )
    found = {(f.rule_id, f.file, f.line, f.function, f.resource) for f in result.findings}
    assert found == {
        ("FG4001", "main.tf", 24, "api", "aws_lambda_function.api"),
        ("FG1004", "main.tf", 66, "api", "aws_iam_role.lambda"),
        ("FG1003", "main.tf", 42, "api", "aws_iam_role.lambda"),
        ("FG1001", "main.tf", 53, "api", "aws_iam_role.lambda"),
        ("FG6003", "triggers.tf", 60, "api", "aws_lambda_permission.public"),
        ("FG6002", "apis.tf", 11, "api", "aws_api_gateway_rest_api.shop"),
        ("FG6001", "triggers.tf", 1, "api", "aws_lambda_function.api"),
        ("FG4010", "stores.tf", 19, None, "aws_elasticache_replication_group.cache"),
        ("FG4002", "stores.tf", 28, None, "aws_secretsmanager_secret.db"),
        ("FG4015", "triggers.tf", 21, None, "aws_s3_bucket.uploads"),
        ("FG4014", "triggers.tf", 17, None, "aws_s3_bucket.uploads"),
        ("FG4018", "triggers.tf", 17, None, "aws_s3_bucket.uploads"),  # no TLS-only policy
        ("FG4017", "stores.tf", 11, None, "aws_kinesis_stream.clicks"),
        ("FG4013", "triggers.tf", 38, None, "aws_sns_topic.events"),
        ("FG4012", "triggers.tf", 6, None, "aws_sqs_queue.jobs"),
        ("FG7005", "apis.tf", 1, None, "aws_api_gateway_rest_api.shop"),
        ("FG7005", "apis.tf", 27, None, "aws_apigatewayv2_api.http"),
        ("FG7001", "main.tf", 11, "api", "aws_lambda_function.api"),
        ("FG7010", "main.tf", 11, "api", "aws_lambda_function.api"),
        ("FG7002", "main.tf", 11, "api", "aws_lambda_function.api"),
        ("FG7003", "triggers.tf", 11, "api", "aws_sqs_queue.jobs"),
        ("FG7004", "main.tf", 11, "api", "aws_lambda_function.api"),
        ("FG8002", "main.tf", 11, "api", "aws_lambda_function.api"),
        ("FG8003", "main.tf", 11, "api", "aws_lambda_function.api"),
        ("FG9002", "main.tf", 11, "api", "aws_lambda_function.api"),
    }


def test_remediation_uses_terraform_syntax() -> None:
    result = scan(
        FIXTURES / "app", Config(), load_options=LoadOptions(), today=_dt.date(2026, 12, 7)
    )
    by_rule = {f.rule_id: f.remediation for f in result.findings}
    assert '`tracing_config { mode = "Active" }`' in by_rule["FG8002"]
    assert "`aws_cloudwatch_log_group`" in by_rule["FG8003"]
    # data-store rules: the same fix, written with the Terraform resource and argument names
    assert by_rule["FG4012"].startswith(
        "Set `sqs_managed_sse_enabled = true` on the `aws_sqs_queue`"
    )
    assert "`aws_s3_bucket_public_access_block`" in by_rule["FG4015"]
    assert '`encryption_type = "KMS"`' in by_rule["FG4017"]
    assert "`API_KEY_SECRET_ARN = aws_secretsmanager_secret.my_secret.arn`" in by_rule["FG4001"]
    assert by_rule["FG6003"].startswith(
        "In the `aws_lambda_permission` `aws_lambda_permission.public` (`source_arn`, "
        '`source_account`), replace `principal = "*"`'
    )


def test_cognito_and_bucket_surface_rules_on_terraform() -> None:
    """User pool, its client, a bucket's CORS and policy, as the surface rules read them."""
    result = scan(
        FIXTURES / "cognito", Config(), load_options=LoadOptions(), today=_dt.date(2026, 12, 7)
    )
    found = {(f.rule_id, f.file, f.line, f.resource) for f in result.findings}
    assert found == {
        # `role` custom attribute writable by self sign-up users (client without write_attributes)
        ("FG6013", "main.tf", 11, "aws_cognito_user_pool.users"),
        # bucket policy: Principal "*" may read objects
        ("FG6010", "main.tf", 37, "aws_s3_bucket_policy.site"),
        # e-mail login without auto_verified_attributes
        ("FG6014", "main.tf", 3, "aws_cognito_user_pool.users"),
        # 6-character passwords, no class required
        ("FG6012", "main.tf", 4, "aws_cognito_user_pool.users"),
        # CORS "*" with PUT (aws_s3_bucket_cors_configuration folded into the bucket)
        ("FG6011", "main.tf", 27, "aws_s3_bucket.site"),
        ("FG4014", "main.tf", 23, "aws_s3_bucket.site"),
        ("FG4018", "main.tf", 23, "aws_s3_bucket.site"),  # its policy has no TLS Deny
        ("FG4015", "main.tf", 23, "aws_s3_bucket.site"),
    }
