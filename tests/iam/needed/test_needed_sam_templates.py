"""SAM policy templates are used by the fix only where one grants exactly what is needed."""

from __future__ import annotations

from faasguard.fix.sam_templates import Fit, fit_templates
from faasguard.iam.needed.interface import Need, NeedSource


def _need(action: str, *resources: str) -> Need:
    return Need(action, resources, NeedSource.CODE, "app.py:1 call")


def test_exact_fits_by_ref_and_by_attribute() -> None:
    table = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}"
    fits, left = fit_templates(
        [
            _need("sns:Publish", "${Alerts}"),
            _need("sqs:SendMessage", "${Jobs.Arn}"),
            _need("secretsmanager:GetSecretValue", "${Db}"),
            _need("dynamodb:GetItem", table),  # DynamoDBReadPolicy would give far more
        ]
    )
    assert fits == [
        Fit("SNSPublishMessagePolicy", "TopicName", "Alerts", "TopicName"),
        Fit("AWSSecretsManagerGetSecretValuePolicy", "SecretArn", "Db", None),
        Fit("SQSSendMessagePolicy", "QueueName", "Jobs", "QueueName"),
    ]
    assert left == [_need("dynamodb:GetItem", table)]


def test_no_template_when_the_needs_are_a_strict_subset() -> None:
    needs = [_need("sqs:SendMessage", "${Jobs.Arn}"), _need("sqs:DeleteMessage", "${Jobs.Arn}")]
    fits, left = fit_templates(needs)
    assert (fits, left) == ([], needs)
