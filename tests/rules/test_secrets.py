"""The secret detector: known formats, names and entropy, references, redaction.

Fake credentials are assembled at run time (``"AKIA" + ...``) so that this file itself does not
trip secret scanners.
"""

from __future__ import annotations

import pytest

from faasguard.rules.secrets import (
    ENTROPY_THRESHOLD,
    MIN_LENGTH,
    detect_secret,
    find_known_secret,
    is_reference,
    is_secret_name,
    literal_secret,
    looks_benign,
    redact,
    redact_text,
    shannon_entropy,
)

AWS_KEY_ID = "AKIA" + "Z7VXQ2LMNOPQ" + "WXYZ"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzXAMPLEKEY"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)

KNOWN = [
    ("AWS access key id", AWS_KEY_ID),
    ("AWS access key id", "ASIA" + "Q2W3E4R5T6Y7U8I9"),
    (
        "private key",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    ),
    ("private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE"),
    ("GitHub token", GITHUB),
    ("GitHub fine-grained token", "github_pat_" + "11ABCDEFG0" * 6),
    ("GitLab token", "glpat-" + "xY9zW8vU7tS6rQ5pO4nM"),
    ("Slack token", "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    (
        "Slack webhook URL",
        "https://hooks.slack.com/services/" + "T0AB1CD2E/B0FG3HI4J/" + "k5L6m7N8o9P0q1R2s3T4u5V6",
    ),
    ("Stripe live key", "sk_live_" + "51H8cXbGz0Mq2Jm4Xy7Wv9Ab"),
    ("Stripe test key", "sk_test_" + "51H8cXbGz0Mq2Jm4Xy7Wv9Ab"),
    ("Google API key", "AIza" + "SyD3x4mpl3K3yV4lu3F0rT3st1ngOnly123"),
    (
        "SendGrid API key",
        "SG." + "aBcDeFgHiJkLmNoPqRsTuV" + "." + "wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012",
    ),
    ("Twilio API key", "SK" + "0123456789abcdef" * 2),
    ("npm token", "npm_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5"),
    ("Anthropic API key", "sk-ant-api03-" + "aB3dE5gH7jK9" * 8),
    ("OpenAI API key", "sk-proj-" + "aB3dE5gH7jK9mN1pQ3sT" + "T3BlbkFJ" + "aB3dE5gH7jK9mN1pQ3sT"),
    ("JSON Web Token", JWT),
    ("postgres URL with a password", "postgres://app:" + "Zq8fT2mW9x" + "@db.example.com:5432/app"),
    (
        "mongodb+srv URL with a password",
        "mongodb+srv://app:" + "Zq8fT2mW9x" + "@cluster0.mongodb.net/db",
    ),
]


@pytest.mark.parametrize(("kind", "value"), KNOWN, ids=[k for k, _ in KNOWN])
def test_known_formats_are_found_under_any_name(kind: str, value: str) -> None:
    match = detect_secret("SOME_SETTING", value)
    assert match is not None
    assert (match.kind, match.known_format) == (kind, True)
    assert match.weak is (kind in {"JSON Web Token", "Stripe test key"})
    assert match.secret in value
    assert match.secret not in match.evidence
    assert match.secret not in repr(match)


def test_redaction_keeps_four_and_four_of_long_secrets_only() -> None:
    assert redact(AWS_KEY_ID) == "AKIA************WXYZ"
    assert redact("hunter2hunter2") == "********"
    assert redact("x" * 64) == "xxxx" + "*" * 12 + "xxxx"
    text = f"keys {AWS_KEY_ID} and {GITHUB} at postgres://u:{'Zq8fT2mW9x'}@db/x"
    assert redact_text(text) == (
        "keys AKIA************WXYZ and ghp_************q7R8 at postgres://u:********@db/x"
    )


def test_evidence_redacts_every_secret_in_the_value() -> None:
    match = detect_secret("HEADERS", f"Authorization: Bearer {GITHUB}; backup {AWS_KEY_ID}")
    assert match is not None and match.kind == "AWS access key id"
    assert GITHUB not in match.evidence and AWS_KEY_ID not in match.evidence
    assert (
        match.evidence == "Authorization: Bearer ghp_************q7R8; backup AKIA************WXYZ"
    )


def test_private_key_evidence_keeps_only_the_header() -> None:
    match = find_known_secret(
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----"
    )
    assert match is not None and match.evidence == "-----BEGIN EC PRIVATE KEY-----[redacted]"


@pytest.mark.parametrize(
    "value",
    [
        "AKIAIOSFODNN7EXAMPLE",  # AWS documentation example key
        "postgres://postgres:postgres@localhost:5432/app",
        "redis://:changeme@cache.internal:6379",
        "postgres://app:${DB_PASSWORD}@db.example.com/app",
        "https://api.example.com/v1?x=1",
    ],
)
def test_known_format_exceptions(value: str) -> None:
    assert find_known_secret(value) is None


def test_aws_secret_key_needs_its_name_or_a_key_id_nearby() -> None:
    match = detect_secret("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    assert match is not None and match.kind == "AWS secret access key"
    assert match.evidence == "wJal************EKEY"
    nearby = detect_secret("BACKUP", AWS_SECRET, near_aws_key_id=True)
    assert nearby is not None and nearby.kind == "AWS secret access key"
    assert detect_secret("BACKUP", AWS_SECRET) is None


def test_twilio_auth_token_by_name() -> None:
    match = detect_secret("TWILIO_AUTH_TOKEN", "0123456789abcdef" + "fedcba9876543210")
    assert match is not None and match.kind == "Twilio auth token"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DB_PASSWORD", True),
        ("dbPassword", True),
        ("DBPASSWORD", True),
        ("STRIPE_API_KEY", True),
        ("apiKey", True),
        ("PRIVATE_KEY", True),
        ("SESSION_SECRET", True),
        ("AUTH", True),
        ("GITHUB_TOKEN", True),
        ("SERVICE_CREDENTIALS", True),
        ("SECRET_ARN", False),
        ("TOKEN_TTL", False),
        ("API_KEY_PARAM", False),
        ("DB_PASSWORD_SECRET_NAME", False),
        ("AUTH_TYPE", False),
        ("AUTHOR", False),
        ("TABLE_NAME", False),
        ("KMS_KEY_ID", False),
        ("PASSENGER_COUNT", False),
    ],
)
def test_secret_like_names(name: str, expected: bool) -> None:
    assert is_secret_name(name) is expected


@pytest.mark.parametrize(
    "value",
    [
        "password123",
        "keyboard cat",
        "Zq8fT2mW9xLp4RvB",
        "S3cr3t!P@ss",
    ],
)
def test_high_entropy_values_under_secret_names(value: str) -> None:
    match = detect_secret("DB_PASSWORD", value)
    assert match is not None
    assert (match.kind, match.known_format, match.evidence) == (
        "high-entropy value",
        False,
        "********",
    )
    assert detect_secret("GREETING", value) is None


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        "/my-app/prod/db-password",
        "prod/db/password",
        "MyApp/Prod/DbPassword",
        "src/handlers/auth.handler",
        "index.handler",
        "https://auth.example.com/oauth2/token",
        "prod-db-credentials",
        "Authorization",
        "changeme",
        "<your-api-key>",
        "${DB_PASSWORD}",
        "{{resolve:secretsmanager:db:SecretString:password}}",
        "1234567890",
        "xxxxxxxxxxxx",
        "ops@example.com",
        "Please enter your password here",
        "short",
    ],
)
def test_benign_values_are_not_secrets(value: str) -> None:
    assert looks_benign(value)
    assert detect_secret("DB_PASSWORD", value) is None


def test_low_entropy_values_are_not_secrets() -> None:
    value = "ab12ab12ab12"  # 12 characters, 2 bits per character
    assert not looks_benign(value)
    assert shannon_entropy(value) < ENTROPY_THRESHOLD
    assert detect_secret("API_TOKEN", value) is None


def test_entropy_and_length_constants() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("abcdefgh") == pytest.approx(3.0)
    assert MIN_LENGTH == 8


@pytest.mark.parametrize(
    "raw",
    [
        "${ssm:/my-app/stripe-key}",
        "${env:STRIPE_KEY}",
        "${param:stripeKey}",
        "{{resolve:secretsmanager:stripe:SecretString:key}}",
        '{"Ref": "StripeKeyParameter"}',
        '{"Fn::GetAtt": ["Secret", "Arn"]}',
        "!Ref StripeKeyParameter",
    ],
)
def test_references_are_never_secrets(raw: str) -> None:
    assert is_reference(raw)
    # Even when a loader resolved the reference to a real-looking value.
    assert detect_secret("STRIPE_KEY", "sk_live_" + "51H8cXbGz0Mq2Jm4Xy7Wv9Ab", raw=raw) is None
    assert detect_secret("STRIPE_KEY", None, raw=raw) is None


def test_self_and_file_references_copy_a_literal_from_the_project() -> None:
    assert not is_reference("${self:custom.stripeKey}")
    assert not is_reference("${file(./config.yml):stripeKey}")
    match = detect_secret(
        "STRIPE_KEY", "sk_live_" + "51H8cXbGz0Mq2Jm4Xy7Wv9Ab", raw="${self:custom.stripeKey}"
    )
    assert match is not None and match.kind == "Stripe live key"


def test_literal_parts_of_an_unresolved_value_are_searched() -> None:
    hook = "https://hooks.slack.com/services/" + "T0AB1CD2E/B0FG3HI4J/" + "k5L6m7N8o9P0q1R2s3T4u5V6"
    raw = '{"Fn::Sub": "' + hook + '?stage=${Stage}"}'
    match = detect_secret("ALERT_HOOK", None, raw=raw)
    assert match is not None and match.kind == "Slack webhook URL"
    assert "k5L6m7N8o9P0q1R2s3T4u5V6" not in match.evidence
    sub = '{"Fn::Sub": "postgres://app:${DbPassword}@${DbHost}/app"}'
    assert detect_secret("DATABASE_URL", None, raw=sub) is None


def test_literal_secret_for_password_only_properties() -> None:
    match = literal_secret("hunter2")
    assert match is not None
    assert (match.kind, match.evidence) == ("password", "********")
    assert literal_secret("{{resolve:secretsmanager:db:SecretString:password}}") is None
    assert literal_secret("changeme") is None
    assert literal_secret("") is None
    known = literal_secret(GITHUB)
    assert known is not None and known.kind == "GitHub token"
