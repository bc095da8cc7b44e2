"""CVSS 3.x base score and coarse severity levels."""

import json
import os
import zipfile
from pathlib import Path

import pytest

from faasguard.deps.vulns import Severity, SeverityLevel
from faasguard.deps.vulns.cvss import base_score, level_for_score, level_from_label, record_level

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("FAASGUARD_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 9.3),  # GHSA-67hx-6x53-jw92
        ("CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:L", 5.0),  # GHSA-hjrf-2m68-5959
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 6.5),  # NSWG-ECO-1
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        # Temporal metrics do not change the base score.
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 9.8),
    ],
)
def test_base_scores(vector, score):
    assert base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
        "AV:N/AC:L/Au:N/C:P/I:P/A:P",  # CVSS v2
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U",  # "U" is not a C/I/A value
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  # A missing
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # repeated metric
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "",
    ],
)
def test_vectors_without_a_v3_base_score(vector):
    assert base_score(vector) is None


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, SeverityLevel.NONE),
        (0.1, SeverityLevel.LOW),
        (3.9, SeverityLevel.LOW),
        (4.0, SeverityLevel.MEDIUM),
        (6.9, SeverityLevel.MEDIUM),
        (7.0, SeverityLevel.HIGH),
        (8.9, SeverityLevel.HIGH),
        (9.0, SeverityLevel.CRITICAL),
        (10.0, SeverityLevel.CRITICAL),
    ],
)
def test_rating_scale(score, level):
    assert level_for_score(score) is level


def test_database_labels():
    assert level_from_label("MODERATE") is SeverityLevel.MEDIUM
    assert level_from_label("high") is SeverityLevel.HIGH
    assert level_from_label("CRITICAL") is SeverityLevel.CRITICAL
    assert level_from_label("unknown") is None
    assert level_from_label(None) is None


def test_record_level_prefers_the_highest_v3_vector_over_the_label():
    severities = [
        Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
        Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
        Severity("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
    ]
    assert record_level(severities, "LOW") == (SeverityLevel.HIGH, 7.5)
    only_v4 = [severities[2]]
    assert record_level(only_v4, "MODERATE") == (SeverityLevel.MEDIUM, None)
    assert record_level(only_v4, None) == (None, None)


def test_nswg_scores_agree_with_the_source_except_its_known_inconsistencies():
    """The NSWG records carry their own cvss_score: the computed score must agree with it.

    The 23 disagreements are the source's own errors (its score does not belong to its
    vector: AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N is 7.5 by the specification, not 9.3), and
    NSWG-ECO-504's vector is not valid CVSS.
    """
    agree, disagree, invalid = [], [], []
    with zipfile.ZipFile(DATA / "osv" / "npm" / "nswg-legacy.zip") as archive:
        for name in archive.namelist():
            record = json.loads(archive.read(name))
            stated = record["database_specific"]["cvss_score"]
            if stated is None or stated < 0:
                continue
            for entry in record.get("severity", []):
                computed = base_score(entry["score"])
                if computed is None:
                    invalid.append(record["id"])
                elif computed == stated:
                    agree.append(record["id"])
                else:
                    disagree.append(record["id"])
    assert sorted(disagree) == sorted(
        f"NSWG-ECO-{n}"
        for n in (
            363, 364, 365, 366, 367, 368, 373, 381, 383, 384, 385, 386, 389,
            420, 439, 467, 468, 485, 493, 494, 515, 516,
        )
    )  # fmt: skip
    assert invalid == ["NSWG-ECO-504"]
    assert len(agree) == 435
