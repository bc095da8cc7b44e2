"""Advisories scoped to Windows are lowered on Lambda's Linux, with the reason in the finding."""

import os
from pathlib import Path

import pytest

from faasguard.config import Config
from faasguard.deps.analyzer import DependencyAnalyzer
from faasguard.deps.platforms import windows_only
from faasguard.deps.vulns import Store, StoreSource
from faasguard.engine import scan
from faasguard.findings import Confidence, Severity
from faasguard.loaders.interface import LoadOptions

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"

SAM = """AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: api/
      Handler: app.handler
"""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    if not PYPI_ZIP.is_file():
        pytest.fail(f"shared OSV data missing at {PYPI_ZIP}; set FAASGUARD_SHARED_DATA")
    path = tmp_path_factory.mktemp("osv") / "osv.sqlite3"
    with Store(path) as store:
        store.import_zip(PYPI_ZIP)
    return path


@pytest.mark.parametrize(
    ("summary", "details", "expected"),
    [
        ("Werkzeug safe_join not safe on Windows", "On Python < 3.11 on Windows ...", True),
        ("pgAdmin 4 has command injection vulnerability on Windows systems", "", True),
        # Another system named as affected too: not Windows-only.
        ("Path traversal on Windows", "Also reproduced on Linux hosts.", False),
        ("On case-insensitive file systems, such as Windows and macOS", "", False),
        # Windows mentioned, but not as the scope of the flaw.
        ("Confirmed on Linux Mint and Windows 10", "", False),
        ("Arbitrary file read in the static handler", "Windows users should also upgrade.", False),
        (None, "on Windows", False),
    ],
)
def test_windows_only_reads_the_advisory_conservatively(summary, details, expected):
    assert windows_only(summary, details) is expected


def test_windows_only_werkzeug_advisories_are_low_on_lambda(tmp_path, store_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "template.yaml").write_text(SAM)
    (tmp_path / "api" / "app.py").write_text(
        "import werkzeug\n\ndef handler(e, c):\n    return 1\n"
    )
    (tmp_path / "api" / "requirements.txt").write_text("werkzeug==3.0.0\n")
    with Store(store_path) as store:
        result = scan(
            tmp_path,
            Config(),
            load_options=LoadOptions(),
            analyzers=[DependencyAnalyzer(StoreSource(store))],
        )
    vulns = {f.vulnerability.id: f for f in result.findings if f.vulnerability}
    windows = {vid for vid, f in vulns.items() if "applies only on Windows" in f.message}
    # werkzeug 3.0.0 has seven advisories; the four safe_join ones concern Windows alone.
    assert sorted(vulns) == [
        "PYSEC-2023-221",
        "PYSEC-2026-2043",
        "PYSEC-2026-2044",
        "PYSEC-2026-2045",
        "PYSEC-2026-2046",
        "PYSEC-2026-2320",
        "PYSEC-2026-3417",
    ]
    assert sorted(windows) == [
        "PYSEC-2026-2044",
        "PYSEC-2026-2045",
        "PYSEC-2026-2046",
        "PYSEC-2026-2320",
    ]
    for vid in windows:
        finding = vulns[vid]
        assert (finding.severity, finding.confidence) == (Severity.LOW, Confidence.LOW)
        assert finding.message.endswith(
            "The advisory applies only on Windows (its own text says so) and Lambda runs "
            "Linux, so it is reported at low severity."
        )
    # Advisories that apply everywhere keep their severity.
    assert any(f.severity is not Severity.LOW for vid, f in vulns.items() if vid not in windows)
