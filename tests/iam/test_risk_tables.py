"""The risk tables the permission rules read: every entry is a real action, every seed reviewed."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from faasguard.iam.actions import AccessLevel, action_db
from faasguard.rules import _iam

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
SEED = SHARED / "iam" / "sensitive-actions" / "sensitive-iam-actions-annotated.json.gz"


def _seed(category: str) -> set[str]:
    with gzip.open(SEED, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return {action for action, entry in data.items() if category in entry["risk_category"]}


ESCALATION_ACTIONS = {a for path in _iam.ESCALATION_PATHS for a in path.actions}


@pytest.mark.parametrize(
    "table",
    [
        _iam.DATA_READ_ACTIONS,
        _iam.CREDENTIAL_ACTIONS,
        _iam.BASELINE_ACTIONS,
        frozenset(_iam.CONVENTIONAL_STAR_ACTIONS),
        frozenset(ESCALATION_ACTIONS),
        frozenset(_iam.REVIEWED_SEED_ACTIONS),
    ],
    ids=["data", "credentials", "baseline", "conventional-star", "escalation", "reviewed"],
)
def test_every_entry_is_a_real_action_in_aws_spelling(table: frozenset[str]) -> None:
    db = action_db()
    assert [a for a in sorted(table) if db.canonical(a) != a] == []


def test_every_seed_credential_and_escalation_action_is_covered_or_reviewed() -> None:
    covered = _iam.CREDENTIAL_ACTIONS | ESCALATION_ACTIONS | set(_iam.REVIEWED_SEED_ACTIONS)
    assert sorted(_seed("CredentialExposure") - covered) == []
    assert sorted(_seed("PrivEsc") - covered) == []


def test_seed_data_reads_of_serverless_data_stores_are_covered() -> None:
    stores = (
        "s3:",
        "dynamodb:",
        "dax:",
        "sqs:",
        "kinesis:",
        "ssm:",
        "logs:",
        "rds:",
        "athena:",
        "es:",
    )
    seeded = {a for a in _seed("DataAccess") if a.startswith(stores)}
    assert sorted(seeded - _iam.DATA_READ_ACTIONS) == []


def test_escalation_paths_are_unique_and_pass_role_paths_name_a_service() -> None:
    names = [p.name for p in _iam.ESCALATION_PATHS]
    assert len(names) == len(set(names))
    for path in _iam.ESCALATION_PATHS:
        assert ("iam:PassRole" in path.actions) == (path.pass_to is not None), path.name
        assert path.actions[0] != "iam:PassRole"


def test_takeover_paths_are_iam_permission_changes() -> None:
    db = action_db()
    for path in _iam.ESCALATION_PATHS:
        if path.takeover:
            assert db.access_level(path.actions[0]) in {
                AccessLevel.PERMISSIONS_MANAGEMENT,
                AccessLevel.WRITE,
            }
            assert path.actions[0].startswith("iam:")


@pytest.mark.parametrize(
    ("condition", "service", "passes"),
    [
        (None, "lambda.amazonaws.com", True),
        (
            {"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}},
            "lambda.amazonaws.com",
            False,
        ),
        (
            {
                "StringEquals": {
                    "iam:PassedToService": ["states.amazonaws.com", "lambda.amazonaws.com"]
                }
            },
            "lambda.amazonaws.com",
            True,
        ),
        ({"StringLike": {"iam:PassedToService": "*.amazonaws.com"}}, "ec2.amazonaws.com", True),
        ({"StringEquals": {"IAM:PASSEDTOSERVICE": "ec2.amazonaws.com"}}, "ec2.amazonaws.com", True),
        (
            {"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
            "lambda.amazonaws.com",
            True,
        ),
        ({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, "lambda.amazonaws.com", True),
    ],
)
def test_passed_to_service_condition(
    condition: dict[str, object] | None, service: str, passes: bool
) -> None:
    assert _iam.passes_to(condition, service) is passes
