"""``faasguard scan --format cyclonedx``: one component per function, validated against 1.6."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from faasguard.cli.main import main
from faasguard.deps.vulns import Store

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"
EXAMPLES = REPO / "examples"

SHOP_LIBS = [
    "pkg:pypi/jinja2",  # `Jinja2>=2.10`: a range, so no version in the purl
    "pkg:pypi/pyyaml@5.3.1",
    "pkg:pypi/requests@2.19.1",
    "pkg:pypi/urllib3@1.24.1",
]
SHOP_PYTHON_FUNCTIONS = ["adminExport", "createOrder", "getOrder", "resizeReceipt"]
# legacyCleanup (Node.js 12) and notifyPartner (Node.js) ship no Python libraries.
SHOP_FUNCTIONS = sorted([*SHOP_PYTHON_FUNCTIONS, "legacyCleanup", "notifyPartner"])
#: Every advisory of the shared PyPI export affecting the shop's pins.
SHOP_VULNERABILITIES = {
    "pyyaml@5.3.1": ["PYSEC-2021-142"],
    "requests@2.19.1": [
        "PYSEC-2018-28",
        "PYSEC-2023-74",
        "PYSEC-2026-1872",
        "PYSEC-2026-1873",
        "PYSEC-2026-2275",
    ],
    "urllib3@1.24.1": [
        "PYSEC-2019-132",
        "PYSEC-2019-133",
        "PYSEC-2020-148",
        "PYSEC-2023-192",
        "PYSEC-2023-207",
        "PYSEC-2023-212",
        "PYSEC-2026-141",
        "PYSEC-2026-1994",
        "PYSEC-2026-1995",
        "PYSEC-2026-1996",
        "PYSEC-2026-1998",
        "PYSEC-2026-1999",
    ],
}
SAM_FUNCTIONS = [
    "ProcessOrderFunction",
    "ReportApiFunction",
    "ReportFunction",
    "ShippingQuoteFunction",
]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PYPI_ZIP.is_file():
        pytest.fail(f"shared OSV data missing at {PYPI_ZIP}; set FAASGUARD_SHARED_DATA")
    path = tmp_path_factory.mktemp("osv") / "osv.sqlite3"
    with Store(path) as store:
        store.import_zip(PYPI_ZIP)
    return path


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FAASGUARD_DB", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "argv", ["faasguard"])


def _scan(capsys: pytest.CaptureFixture[str], target: Path, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["scan", str(target), "--today", "2026-11-28", "--fail-on", "never", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _valid(text: str) -> dict[str, Any]:
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, error
    bom: dict[str, Any] = json.loads(text)
    return bom


def _purls(component: dict[str, Any]) -> list[str]:
    return [c["purl"] for c in component.get("components", [])]


def _depends(bom: dict[str, Any]) -> dict[str, list[str]]:
    return {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}


def _affects(bom: dict[str, Any]) -> dict[str, list[str]]:
    return {v["id"]: sorted(a["ref"] for a in v["affects"]) for v in bom["vulnerabilities"]}


def test_one_application_gives_a_valid_bom_with_functions_libraries_and_vulns(
    capsys: pytest.CaptureFixture[str], store_path: Path
) -> None:
    code, out, _ = _scan(
        capsys, EXAMPLES / "shop-serverless", "--format", "cyclonedx", "--osv-db", str(store_path)
    )
    assert code == 0
    bom = _valid(out)
    assert bom["specVersion"] == "1.6"
    assert bom["metadata"]["component"]["bom-ref"] == "application:shop-api"
    assert bom["metadata"]["tools"]["components"][0]["name"] == "faasguard"
    assert "properties" not in bom["metadata"]  # no notice: the store had data

    functions = {c["name"]: c for c in bom["components"]}
    assert sorted(functions) == SHOP_FUNCTIONS
    assert {name: c["type"] for name, c in functions.items()} == dict.fromkeys(
        SHOP_FUNCTIONS, "application"
    )
    for name in SHOP_PYTHON_FUNCTIONS:
        assert _purls(functions[name]) == SHOP_LIBS
    assert _purls(functions["legacyCleanup"]) == []  # Node.js, no package.json
    get_order = {c["purl"]: c for c in functions["getOrder"]["components"]}
    assert get_order["pkg:pypi/pyyaml@5.3.1"]["version"] == "5.3.1"
    assert "version" not in get_order["pkg:pypi/jinja2"]
    assert get_order["pkg:pypi/jinja2"]["properties"] == [
        {"name": "faasguard:imported", "value": "false"},
        {"name": "faasguard:manifest", "value": "requirements.txt"},
        {"name": "faasguard:specifier", "value": ">=2.10"},
    ]

    depends = _depends(bom)
    assert depends["application:shop-api"] == [f"function:shop-api/{n}" for n in SHOP_FUNCTIONS]
    for name in SHOP_PYTHON_FUNCTIONS:
        assert depends[f"function:shop-api/{name}"] == [
            f"function:shop-api/{name}|{purl}" for purl in SHOP_LIBS
        ]
    assert depends["function:shop-api/legacyCleanup"] == []

    # Each advisory affects the library component of every function shipping the version.
    expected = {
        vuln_id: sorted(f"function:shop-api/{fn}|pkg:pypi/{pkg}" for fn in SHOP_PYTHON_FUNCTIONS)
        for pkg, ids in SHOP_VULNERABILITIES.items()
        for vuln_id in ids
    }
    assert _affects(bom) == expected
    (pyyaml,) = [v for v in bom["vulnerabilities"] if v["id"] == "PYSEC-2021-142"]
    assert pyyaml["source"] == {
        "name": "OSV",
        "url": "https://osv.dev/vulnerability/PYSEC-2021-142",
    }
    assert [r["id"] for r in pyyaml["references"]] == ["CVE-2020-14343", "GHSA-8q59-q68h-6hv4"]
    assert pyyaml["recommendation"].startswith("Upgrade pyyaml to 5.4 or later in requirements.txt")


def test_the_bom_lists_the_same_vulnerabilities_as_the_findings(
    capsys: pytest.CaptureFixture[str], store_path: Path
) -> None:
    target = EXAMPLES / "shop-serverless"
    _, report, _ = _scan(capsys, target, "--format", "json", "--osv-db", str(store_path))
    _, bom, _ = _scan(capsys, target, "--format", "cyclonedx", "--osv-db", str(store_path))
    ids = {f["vulnerability"]["id"] for f in json.loads(report)["findings"] if f["vulnerability"]}
    assert ids == {v["id"] for v in json.loads(bom)["vulnerabilities"]}


def test_a_folder_of_applications_gives_one_bom_with_the_applications_nested(
    capsys: pytest.CaptureFixture[str], store_path: Path
) -> None:
    code, out, _ = _scan(capsys, EXAMPLES, "--format", "cyclonedx", "--osv-db", str(store_path))
    assert code == 0
    bom = _valid(out)
    assert bom["metadata"]["component"]["bom-ref"] == "scan"
    apps = {c["name"]: c for c in bom["components"]}
    assert sorted(apps) == ["shop-api", "shop-sam", "shop-terraform"]
    terraform = {c["name"]: c for c in apps["shop-terraform"]["components"]}
    assert _purls(terraform["checkout"]) == ["pkg:pypi/requests@2.19.0"]
    assert [c["name"] for c in apps["shop-api"]["components"]] == SHOP_FUNCTIONS
    assert [c["name"] for c in apps["shop-sam"]["components"]] == SAM_FUNCTIONS
    assert apps["shop-sam"]["properties"] == [
        {"name": "faasguard:template", "value": "shop-sam/template.yaml"}
    ]
    sam = {c["name"]: c for c in apps["shop-sam"]["components"]}
    assert _purls(sam["ProcessOrderFunction"]) == ["pkg:pypi/django@3.2.0"]
    depends = _depends(bom)
    assert depends["scan"] == [
        "application:shop-api",
        "application:shop-sam",
        "application:shop-terraform",
    ]
    assert depends["application:shop-sam"] == [f"function:shop-sam/{n}" for n in SAM_FUNCTIONS]
    assert depends["function:shop-sam/ProcessOrderFunction"] == [
        "function:shop-sam/ProcessOrderFunction|pkg:pypi/django@3.2.0"
    ]
    affects = _affects(bom)
    assert affects["PYSEC-2021-142"] == sorted(
        f"function:shop-api/{fn}|pkg:pypi/pyyaml@5.3.1" for fn in SHOP_PYTHON_FUNCTIONS
    )
    assert affects["PYSEC-2021-109"] == [
        "function:shop-sam/ProcessOrderFunction|pkg:pypi/django@3.2.0"
    ]


def test_output_folder_gets_one_bom_per_application(
    capsys: pytest.CaptureFixture[str], store_path: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "sboms"
    out_dir.mkdir()
    code, out, err = _scan(
        capsys,
        EXAMPLES,
        "--format",
        "cyclonedx",
        "--osv-db",
        str(store_path),
        "-o",
        str(out_dir),
    )
    assert (code, out) == (0, "")
    assert err == (
        f"faasguard: wrote 3 SBOM(s) to {out_dir}: shop-api.cdx.json, shop-sam.cdx.json, "
        "shop-terraform.cdx.json\n"
    )
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "shop-api.cdx.json",
        "shop-sam.cdx.json",
        "shop-terraform.cdx.json",
    ]
    shop = _valid((out_dir / "shop-api.cdx.json").read_text())
    sam = _valid((out_dir / "shop-sam.cdx.json").read_text())
    assert shop["metadata"]["component"]["name"] == "shop-api"
    assert [c["name"] for c in shop["components"]] == SHOP_FUNCTIONS
    assert sam["metadata"]["component"]["name"] == "shop-sam"
    assert [c["name"] for c in sam["components"]] == SAM_FUNCTIONS
    assert sorted(_affects(shop)) == sorted(i for ids in SHOP_VULNERABILITIES.values() for i in ids)


def test_output_folder_with_another_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _scan(capsys, EXAMPLES, "--format", "json", "--no-deps", "-o", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (
        f"faasguard: error: -o {tmp_path}: is a folder; only --format cyclonedx writes one "
        "file per application into a folder\n"
    )


def test_hostile_application_names_make_safe_file_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "serverless.yml").write_text(
        "service: ../../evil name\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  hello:\n    handler: handler.main\n"
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    missing = tmp_path / "none.sqlite3"
    code, _, _ = _scan(
        capsys, project, "--format", "cyclonedx", "--osv-db", str(missing), "-o", str(out_dir)
    )
    assert code == 0
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".json"] == []
    (written,) = out_dir.iterdir()
    assert written.name == "evil_name.cdx.json"
    bom = _valid(written.read_text())
    # With no vulnerability data, the BOM says so instead of looking clean.
    assert bom["metadata"]["properties"] == [
        {
            "name": "faasguard:notice",
            "value": f"No vulnerability data in {missing}: dependencies were NOT checked for "
            "known vulnerabilities. Run `faasguard db update`, or `faasguard db import "
            "PyPI-all.zip` offline, or scan with `--online`.",
        }
    ]
