"""Hostile policy shapes in real templates: findings or nothing, never a crash or a traceback."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(
        [
            "*",
            "s3:*",
            "s3:Get*",
            "iam:PassRole",
            "sts:GetCallerIdentify",
            "Allow",
            "Deny",
            "allow",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::*",
            "*a*a*a*a*a*a*b",
            "${AWS::Region}",
            "lambda:CreateFunction",
            "s3:*Object*",
        ]
    ),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Effect",
                    "Action",
                    "NotAction",
                    "Resource",
                    "NotResource",
                    "Condition",
                    "StringEquals",
                    "iam:PassedToService",
                    "Sid",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
_statement = st.fixed_dictionaries(
    {},
    optional={
        "Effect": _values,
        "Action": _values,
        "NotAction": _values,
        "Resource": _values,
        "NotResource": _values,
        "Condition": _values,
    },
)
_statements = st.one_of(st.lists(st.one_of(_statement, _scalars), max_size=4), _scalars, _statement)


def _crashes(root: Path) -> list[str]:
    result = scan(root, Config(), load_options=LoadOptions(), today=_dt.date(2026, 11, 28))
    return [
        f.message
        for f in result.findings
        if f.rule_name == "rule-crashed" or "this is a bug in faasguard" in f.message
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(statements=_statements)
def test_sam_policy_documents(tmp_path_factory: Any, statements: Any) -> None:
    root = tmp_path_factory.mktemp("sam")
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "InlineCode": "def handler(e, c): pass",
                    "Policies": [{"Statement": statements}, "AmazonS3ReadOnlyAccess"],
                },
            }
        },
    }
    (root / "template.json").write_text(json.dumps(template))
    assert _crashes(root) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(statements=_statements)
def test_serverless_iam_role_statements(tmp_path_factory: Any, statements: Any) -> None:
    root = tmp_path_factory.mktemp("sls")
    document = {
        "service": "shop",
        "provider": {"name": "aws", "runtime": "python3.12", "iamRoleStatements": statements},
        "functions": {"api": {"handler": "app.handler"}, "worker": {"handler": "app.worker"}},
    }
    (root / "serverless.yml").write_text(json.dumps(document))  # JSON is YAML
    assert _crashes(root) == []
