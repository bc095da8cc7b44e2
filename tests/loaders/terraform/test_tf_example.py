"""The Terraform example app: each deliberate flaw gives the finding docs/example.md lists."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shop-terraform"

#: Each entry was verified by reading examples/shop-terraform/*.tf.
EXPECTED = {
    # Stripe live key: a variable's default passed into the environment
    ("FG4001", "main.tf", 26, "checkout"),
    # aws_lambda_permission with principal = "*"
    ("FG6003", "main.tf", 68, "checkout"),
    # Block Public Access off (aws_s3_bucket_public_access_block folded into the bucket)
    ("FG4015", "data.tf", 16, None),
    # python3.9, deprecated 2025-12-15
    ("FG8001", "main.tf", 14, "checkout"),
    # function URL with authorization_type NONE, CORS allow_origins ["*"]
    ("FG6001", "main.tf", 31, "checkout"),
    ("FG6006", "main.tf", 35, "checkout"),
    # dynamodb:* on * from an aws_iam_policy_document statement
    ("FG1001", "main.tf", 53, "checkout"),
    ("FG1009", "main.tf", 53, "checkout"),
    ("FG1011", "main.tf", 53, "checkout"),
    # SQS visibility timeout 30 s < function timeout 60 s (the event source mapping's line)
    ("FG7003", "data.tf", 29, "checkout"),
    # internet-facing, no reserved concurrency
    ("FG7001", "main.tf", 14, "checkout"),
    # lesser findings of the same app
    ("FG4014", "data.tf", 12, None),
    ("FG4018", "data.tf", 12, None),  # no aws_s3_bucket_policy refusing plain HTTP
    ("FG4012", "data.tf", 24, None),
    ("FG4016", "data.tf", 1, None),
    ("FG8002", "main.tf", 14, "checkout"),
    ("FG8003", "main.tf", 14, "checkout"),
    ("FG9002", "main.tf", 14, "checkout"),
}


def test_shop_terraform_exact_findings() -> None:
    result = scan(EXAMPLE, Config(), load_options=LoadOptions(), today=_dt.date(2026, 11, 28))
    (app,) = result.applications
    assert (app.name, app.format.value, app.region, [fn.name for fn in app.functions]) == (
        "shop-terraform",
        "terraform",
        "eu-west-1",  # the aws provider's region, from the variable's default
        ["checkout"],
    )
    assert {(f.rule_id, f.file, f.line, f.function) for f in result.findings} == EXPECTED
