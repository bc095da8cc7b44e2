"""The dependency analyzer end to end: real manifests, the real PyPI OSV data, a real store."""

import os
import zipfile
from pathlib import Path

import pytest

from faasguard.config import Config
from faasguard.deps.analyzer import DependencyAnalyzer, build_dependency_analyzer
from faasguard.deps.inventory import FunctionDependencies, ShippedPackage
from faasguard.deps.vulns import Store, StoreSource
from faasguard.engine import scan
from faasguard.findings import PackageRef
from faasguard.loaders.interface import LoadOptions

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"
NPM_ZIP = SHARED / "osv" / "npm" / "ghsa-sample.zip"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    if not PYPI_ZIP.is_file():
        pytest.fail(f"shared OSV data missing at {PYPI_ZIP}; set FAASGUARD_SHARED_DATA")
    path = tmp_path_factory.mktemp("osv") / "osv.sqlite3"
    with Store(path) as store:
        store.import_zip(PYPI_ZIP)
        store.import_zip(NPM_ZIP)
    return path


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


SAM = """AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: api/
      Handler: app.handler
  Web:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: web/
      Handler: index.handler
"""


def _scan(root: Path, store: Path):
    with Store(store) as s:
        analyzer = DependencyAnalyzer(StoreSource(s))
        return scan(root, Config(), load_options=LoadOptions(), analyzers=[analyzer])


def test_vulnerable_pins_become_findings_with_fix_and_reachability(tmp_path, store_path):
    _write(
        tmp_path,
        {
            "template.yaml": SAM,
            "api/app.py": (
                "import yaml\n\ndef handler(event, context):\n    return yaml.safe_load('a: 1')\n"
            ),
            "api/requirements.txt": "PyYAML==5.3.1\nMarkupSafe==2.1.3\nrequests>=2\n",
            "web/index.js": "const _ = require('lodash');\nexports.handler = async () => _.noop();\n",
            "web/package.json": (
                '{"name": "web", "version": "1.0.0", "dependencies": {"lodash": "4.17.15"}}\n'
            ),
        },
    )
    result = _scan(tmp_path, store_path)
    deps = [f for f in result.findings if f.rule_id in ("FG3001", "FG3002")]
    yaml_findings = [f for f in deps if f.package and f.package.name == "pyyaml"]
    assert {f.vulnerability.id for f in yaml_findings} == {"PYSEC-2021-142"}
    (pyyaml,) = yaml_findings
    assert (pyyaml.file, pyyaml.line, pyyaml.function) == ("api/requirements.txt", 1, "Api")
    assert pyyaml.package == PackageRef("pyyaml", "5.3.1", "PyPI", "api/requirements.txt", True)
    assert "CVE-2020-14343" in pyyaml.vulnerability.aliases
    assert pyyaml.remediation.startswith("Upgrade pyyaml to 5.4 or later in api/requirements.txt")
    assert "imported by the handler of `Api`" in pyyaml.message
    # MarkupSafe 2.1.3 has no known vulnerability: nothing is reported for it.
    assert not [f for f in deps if f.package and f.package.name == "markupsafe"]
    unpinned = [f for f in deps if f.rule_id == "FG3002"]
    assert [(f.file, f.line, f.function, f.evidence) for f in unpinned] == [
        ("api/requirements.txt", 3, "Api", "requests >=2"),
    ]
    # Read from the npm sample's records: all three lodash advisories cover 4.17.15, and
    # 4.17.21 is the first version outside every one of them.
    lodash = [f for f in deps if f.package and f.package.name == "lodash"]
    assert sorted(f.vulnerability.id for f in lodash) == [
        "GHSA-29mw-wpgm-hmr9",
        "GHSA-35jh-r3h4-6jhm",
        "GHSA-p6mc-m468-83gw",
    ]
    assert {(f.file, f.line, f.function, f.package.imported) for f in lodash} == {
        ("web/package.json", 1, "Web", True)
    }
    assert {f.remediation.split(" in ")[0] for f in lodash} == {
        "Upgrade lodash to 4.17.21 or later"
    }
    inventory = {d.function: d for d in result.dependencies}
    assert inventory["Api"].packages == (
        ShippedPackage(
            "markupsafe",
            "2.1.3",
            "PyPI",
            "api/requirements.txt",
            2,
            True,
            False,
            "lockfile",
            "==2.1.3",
        ),
        ShippedPackage(
            "pyyaml", "5.3.1", "PyPI", "api/requirements.txt", 1, True, True, "lockfile", "==5.3.1"
        ),
        ShippedPackage(
            "requests", None, "PyPI", "api/requirements.txt", 3, True, False, "declared", ">=2"
        ),
    )
    assert inventory["Api"].own_lines == 3


def test_build_artifact_wins_and_counts_lines(tmp_path, store_path):
    _write(
        tmp_path,
        {
            "template.yaml": SAM,
            "api/app.py": "import jinja2\n\ndef handler(event, context):\n    return 1\n",
            "api/requirements.txt": "Jinja2==3.1.4\n",
            ".aws-sam/build/Api/app.py": (
                "import jinja2\n\ndef handler(event, context):\n    return 1\n"
            ),
            ".aws-sam/build/Api/jinja2/__init__.py": "a = 1\nb = 2\n",
            ".aws-sam/build/Api/Jinja2-2.10.dist-info/METADATA": "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n",
            ".aws-sam/build/Api/Jinja2-2.10.dist-info/top_level.txt": "jinja2\n",
        },
    )
    result = _scan(tmp_path, store_path)
    inventory = {d.function: d for d in result.dependencies}
    assert inventory["Api"] == FunctionDependencies(
        application=tmp_path.name,
        function="Api",
        manifests=("api/requirements.txt",),
        artifact=".aws-sam/build/Api",
        packages=(
            ShippedPackage(
                "jinja2",
                "2.10",
                "PyPI",
                ".aws-sam/build/Api/Jinja2-2.10.dist-info/METADATA",
                imported=True,
                source="build",
            ),
        ),
        own_lines=3,
        library_lines=2,
    )
    assert inventory["Api"].summary == "your code: 3 lines; libraries: 2 lines in 1 package"
    jinja = [f for f in result.findings if f.rule_id == "FG3001"]
    assert jinja and all(f.package.version == "2.10" for f in jinja)
    assert all(f.file == ".aws-sam/build/Api/Jinja2-2.10.dist-info/METADATA" for f in jinja)


def test_hostile_deployment_zip_is_reported(tmp_path, store_path):
    _write(
        tmp_path,
        {
            "serverless.yml": "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\n"
            "functions:\n  hello:\n    handler: handler.main\n",
            "handler.py": "def main(event, context):\n    return 1\n",
        },
    )
    (tmp_path / ".serverless").mkdir()
    with zipfile.ZipFile(tmp_path / ".serverless" / "svc.zip", "w") as zf:
        zf.writestr("../../escape.py", "x")
        zf.writestr("handler.py", "def main(event, context):\n    return 1\n")
    result = _scan(tmp_path, store_path)
    tool = [(f.rule_id, f.file, f.message) for f in result.findings if f.rule_id == "FG0007"]
    assert tool == [
        (
            "FG0007",
            ".serverless/svc.zip",
            "entry '../../escape.py' escapes the archive with '..'; refused",
        )
    ]


def test_no_data_notice_and_stale_notice(tmp_path):
    missing = tmp_path / "none.sqlite3"
    analyzer, notices = build_dependency_analyzer(db_path=missing, online=False, api_url=None)
    assert analyzer.source is None
    assert notices == [
        f"No vulnerability data in {missing}: dependencies were NOT checked for known "
        "vulnerabilities. Run `faasguard db update`, or `faasguard db import PyPI-all.zip` "
        "offline, or scan with `--online`."
    ]
    assert not missing.exists()  # a scan never creates the store
