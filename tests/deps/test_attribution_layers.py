"""Layers: a function ships its layers' libraries, read from the project when they are in it.

The store is built from the shared PyPI OSV export, so the findings are the real advisories.
"""

import dataclasses
import json
import os
import zipfile
from pathlib import Path

import jsonschema
import pytest

from faasguard.config import Config
from faasguard.deps.analyzer import DependencyAnalyzer
from faasguard.deps.inventory import FunctionDependencies, LayerDependencies, ShippedPackage
from faasguard.deps.vulns import Store, StoreSource
from faasguard.engine import scan
from faasguard.findings import Finding
from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions
from faasguard.model import AppFormat, Application, Function, Location, Resource, Unknown
from faasguard.report.json_report import render_json

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"
APPS = REPO / "tests" / "fixtures" / "deps" / "apps"

POWERTOOLS = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:59"
SIMPLEJSON_METADATA = (
    "layers/vendored/python/lib/python3.12/site-packages/simplejson-3.17.0.dist-info/METADATA"
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    if not PYPI_ZIP.is_file():
        pytest.fail(f"shared OSV data missing at {PYPI_ZIP}; set FAASGUARD_SHARED_DATA")
    path = tmp_path_factory.mktemp("osv") / "osv.sqlite3"
    with Store(path) as store:
        store.import_zip(PYPI_ZIP)
    return path


def _scan(root: Path, store: Path):
    with Store(store) as s:
        analyzer = DependencyAnalyzer(StoreSource(s))
        return scan(root, Config(), load_options=LoadOptions(), analyzers=[analyzer])


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _dependency_findings(result):
    return sorted(
        (
            f.rule_id,
            f.file,
            f.line,
            f.function,
            f.package.name if f.package else f.evidence,
            f.vulnerability.id if f.vulnerability else None,
        )
        for f in result.findings
        if f.rule_id in ("FG3001", "FG3002")
    )


def test_sam_layers_are_attributed_to_every_function_using_them(store_path):
    result = _scan(APPS / "sam_layers", store_path)
    assert _dependency_findings(result) == [
        ("FG3001", "layers/common/requirements.txt", 1, None, "pyyaml", "PYSEC-2021-142"),
        ("FG3001", "src/api/requirements.txt", 1, "ApiFunction", "rsa", "PYSEC-2020-100"),
        ("FG3001", "src/api/requirements.txt", 1, "ApiFunction", "rsa", "PYSEC-2020-99"),
        ("FG3002", "layers/common/requirements.txt", 2, None, "requests >=2.31", None),
    ]
    (pyyaml,) = [f for f in result.findings if f.rule_id == "FG3001" and f.package.name == "pyyaml"]
    # Shipped by both functions through the Globals layer, imported by the API's handler only.
    assert pyyaml.message.endswith(
        "Shipped by 2 functions: `ApiFunction`, `WorkerFunction`; imported by the handler of "
        "`ApiFunction`."
    )
    assert pyyaml.package.imported is True

    common = LayerDependencies(
        "CommonLayer", "layers/common", ("layers/common/requirements.txt",), None
    )
    pyyaml_pkg = ShippedPackage(
        "pyyaml",
        "5.3.1",
        "PyPI",
        "layers/common/requirements.txt",
        1,
        True,
        True,
        "lockfile",
        "==5.3.1",
    )
    requests_pkg = ShippedPackage(
        "requests",
        None,
        "PyPI",
        "layers/common/requirements.txt",
        2,
        True,
        False,
        "declared",
        ">=2.31",
    )
    inventory = {d.function: d for d in result.dependencies}
    assert inventory["ApiFunction"] == FunctionDependencies(
        application="sam_layers",
        function="ApiFunction",
        manifests=("src/api/requirements.txt", "layers/common/requirements.txt"),
        packages=(
            pyyaml_pkg,
            requests_pkg,
            ShippedPackage(
                "rsa", "4.0", "PyPI", "src/api/requirements.txt", 1, True, True, "lockfile", "==4.0"
            ),
        ),
        own_lines=8,  # the handler and the layer's own common/__init__.py
        layers=(common,),
    )
    assert inventory["WorkerFunction"] == FunctionDependencies(
        application="sam_layers",
        function="WorkerFunction",
        manifests=("layers/common/requirements.txt",),
        packages=(
            dataclasses.replace(pyyaml_pkg, imported=False),
            requests_pkg,
            ShippedPackage(
                "simplejson", "3.17.0", "PyPI", SIMPLEJSON_METADATA, imported=True, source="build"
            ),
        ),
        own_lines=3,
        layers=(
            common,
            LayerDependencies("VendoredLayer", "layers/vendored", (), "layers/vendored"),
        ),
        external_layers=(POWERTOOLS,),
    )
    assert inventory["WorkerFunction"].summary == (
        "your code: 3 lines; libraries: 3 packages (line count needs a build or deployment "
        "zip); 1 external layer not inspected"
    )


def _zip(path: Path, entries: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)


BUILT = """AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Resources:
  DepsLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/deps/
  ZipLayer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layers/bundle.zip
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: api/
      Handler: app.handler
      Layers:
        - !Ref DepsLayer
        - !Ref ZipLayer
"""


def test_layer_build_folder_and_zip_win_over_manifests(tmp_path, store_path):
    handler = "import yaml\n\ndef handler(event, context):\n    return yaml.safe_load('a: 1')\n"
    _write(
        tmp_path,
        {
            "template.yaml": BUILT,
            "api/app.py": handler,
            "api/requirements.txt": "rsa==4.0\n",
            "layers/deps/requirements.txt": "PyYAML==5.3.1\n",
            ".aws-sam/build/Api/app.py": handler,
            ".aws-sam/build/Api/rsa-4.0.dist-info/METADATA": "Name: rsa\nVersion: 4.0\n",
            ".aws-sam/build/Api/rsa/__init__.py": "a = 1\nb = 2\n",
            ".aws-sam/build/DepsLayer/python/PyYAML-5.4.1.dist-info/METADATA": (
                "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.4.1\n"
            ),
            ".aws-sam/build/DepsLayer/python/PyYAML-5.4.1.dist-info/top_level.txt": "yaml\n",
            ".aws-sam/build/DepsLayer/python/yaml/__init__.py": "x = 1\ny = 2\nz = 3\n",
        },
    )
    _zip(
        tmp_path / "layers" / "bundle.zip",
        {
            "python/simplejson-3.17.0.dist-info/METADATA": "Name: simplejson\nVersion: 3.17.0\n",
            "python/simplejson/__init__.py": "def dumps(v):\n    return repr(v)\n",
        },
    )
    result = _scan(tmp_path, store_path)
    (api,) = result.dependencies
    assert api == FunctionDependencies(
        application=tmp_path.name,
        function="Api",
        manifests=("api/requirements.txt", "layers/deps/requirements.txt"),
        artifact=".aws-sam/build/Api",
        packages=(
            ShippedPackage(
                "pyyaml",
                "5.4.1",
                "PyPI",
                ".aws-sam/build/DepsLayer/python/PyYAML-5.4.1.dist-info/METADATA",
                imported=True,
                source="build",
            ),
            ShippedPackage(
                "rsa",
                "4.0",
                "PyPI",
                ".aws-sam/build/Api/rsa-4.0.dist-info/METADATA",
                imported=False,
                source="build",
            ),
            ShippedPackage(
                "simplejson",
                "3.17.0",
                "PyPI",
                "layers/bundle.zip",
                imported=False,
                source="archive",
            ),
        ),
        own_lines=3,
        library_lines=7,
        layers=(
            LayerDependencies(
                "DepsLayer",
                "layers/deps",
                ("layers/deps/requirements.txt",),
                ".aws-sam/build/DepsLayer",
            ),
            LayerDependencies("ZipLayer", "layers/bundle.zip", (), "layers/bundle.zip"),
        ),
    )
    assert api.summary == "your code: 3 lines; libraries: 7 lines in 3 packages"
    # What is installed is what is matched: PyYAML 5.4.1 from the layer build, not 5.3.1.
    assert _dependency_findings(result) == [
        ("FG3001", ".aws-sam/build/Api/rsa-4.0.dist-info/METADATA", None, "Api", "rsa", vuln)
        for vuln in ("PYSEC-2020-100", "PYSEC-2020-99")
    ]


HOSTILE = """AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    Layers:
      - !Ref OutsideLayer
      - !Ref EvilZipLayer
Resources:
  OutsideLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ../../outside/
  EvilZipLayer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layers/evil.zip
  One:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: one/
  Two:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: two/
"""


def test_hostile_layers_are_refused_and_reported_once(tmp_path, store_path):
    root = tmp_path / "app"
    _write(
        root,
        {
            "template.yaml": HOSTILE,
            "one/app.py": "def handler(event, context):\n    return 1\n",
            "two/app.py": "def handler(event, context):\n    return 2\n",
        },
    )
    _write(tmp_path, {"outside/requirements.txt": "PyYAML==5.3.1\n"})
    _zip(
        root / "layers" / "evil.zip",
        {
            "../../escape.py": "x = 1\n",
            "python/simplejson-3.17.0.dist-info/METADATA": "Name: simplejson\nVersion: 3.17.0\n",
        },
    )
    result = _scan(root, store_path)
    tool = sorted(
        (f.rule_id, f.file, f.line, f.message)
        for f in result.findings
        if f.rule_id in ("FG0002", "FG0007")
    )
    assert tool == [
        (
            "FG0002",
            "template.yaml",
            14,
            "file reference '../../outside/' points outside the scan root; it was not read",
        ),
        (
            "FG0007",
            "layers/evil.zip",
            None,
            "entry '../../escape.py' escapes the archive with '..'; refused",
        ),
    ]
    assert not [f for f in result.findings if f.rule_id == "FG3001"]  # outside/ never read
    for deps in result.dependencies:
        assert deps.external_layers == ("OutsideLayer",)
        assert deps.packages == (
            ShippedPackage(
                "simplejson", "3.17.0", "PyPI", "layers/evil.zip", imported=False, source="archive"
            ),
        )


EXTERNAL = """AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Parameters:
  SharedLayerArn:
    Type: String
Resources:
  S3Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri:
        Bucket: artifacts
        Key: layers/s3.zip
  NotBuiltLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/not-built/
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: api/
      Handler: app.handler
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:shared:3
        - !Sub arn:aws:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension:38
        - !Ref SharedLayerArn
        - !Ref S3Layer
        - !GetAtt NotBuiltLayer.Arn
"""


def test_layers_outside_the_project_stay_unknown(tmp_path, store_path):
    _write(
        tmp_path,
        {"template.yaml": EXTERNAL, "api/app.py": "def handler(event, context):\n    return 1\n"},
    )
    result = _scan(tmp_path, store_path)
    (api,) = result.dependencies
    assert api.layers == ()
    assert api.external_layers == (
        "arn:aws:lambda:us-east-1:123456789012:layer:shared:3",
        "!Sub arn:aws:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension:38",
        "!Ref SharedLayerArn",
        "S3Layer",
        "NotBuiltLayer",
    )
    assert api.summary == (
        "your code: 2 lines; libraries: 0 packages (line count needs a build or deployment "
        "zip); 5 external layers not inspected"
    )


def test_a_serverless_layer_in_the_model_is_read_like_a_sam_layer(tmp_path, store_path):
    # What the Serverless loader is asked to expose for `layers: {common: {path: layers/common}}`
    # (see the report on loader support): the compiled AWS::Lambda::LayerVersion resource.
    _write(
        tmp_path,
        {
            "handler.py": "import yaml\n\ndef main(event, context):\n    return yaml.dump(event)\n",
            "layers/common/requirements.txt": "PyYAML==5.3.1\n",
        },
    )
    app = Application(
        name="svc",
        format=AppFormat.SERVERLESS,
        file="serverless.yml",
        root=".",
        functions=(
            Function(
                name="hello",
                application="svc",
                location=Location("serverless.yml", 12),
                resource_id="HelloLambdaFunction",
                runtime="python3.12",
                handler="handler.main",
                handler_file="handler.py",
                handler_function="main",
                code_root=".",
                layers=(Unknown("!Ref CommonLambdaLayer", "resource reference"),),
            ),
        ),
        resources=(
            Resource(
                "CommonLambdaLayer",
                "AWS::Lambda::LayerVersion",
                Location("serverless.yml", 7),
                {"Content": "layers/common"},
            ),
        ),
    )
    with Store(store_path) as s:
        items = list(DependencyAnalyzer(StoreSource(s)).analyze(app, ScanFS(tmp_path)))
    (hello,) = [i for i in items if isinstance(i, FunctionDependencies)]
    assert hello.layers == (
        LayerDependencies(
            "CommonLambdaLayer", "layers/common", ("layers/common/requirements.txt",), None
        ),
    )
    assert hello.manifests == ("layers/common/requirements.txt",)
    findings = [
        (i.rule_id, i.file, i.line, i.function, i.vulnerability.id)
        for i in items
        if isinstance(i, Finding) and i.rule_id == "FG3001"
    ]
    assert findings == [("FG3001", "layers/common/requirements.txt", 1, "hello", "PYSEC-2021-142")]


def test_a_serverless_layer_is_read_from_its_path(tmp_path, store_path):
    # The Serverless loader models `layers.common` as the CommonLambdaLayer resource it
    # compiles to, so the function's `Ref: CommonLambdaLayer` reaches the layer's manifests.
    _write(
        tmp_path,
        {
            "serverless.yml": (
                "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\nlayers:\n"
                "  common:\n    path: layers/common\nfunctions:\n  hello:\n"
                "    handler: handler.main\n    layers:\n      - Ref: CommonLambdaLayer\n"
            ),
            "handler.py": "def main(event, context):\n    return 1\n",
            "layers/common/requirements.txt": "PyYAML==5.3.1\n",
        },
    )
    result = _scan(tmp_path, store_path)
    (hello,) = result.dependencies
    assert (hello.layers, hello.external_layers) == (
        (
            LayerDependencies(
                "CommonLambdaLayer", "layers/common", ("layers/common/requirements.txt",), None
            ),
        ),
        (),
    )
    assert hello.manifests == ("layers/common/requirements.txt",)
    assert _dependency_findings(result) == [
        ("FG3001", "layers/common/requirements.txt", 1, "hello", "pyyaml", "PYSEC-2021-142")
    ]


CDK = """{
  "Resources": {
    "DepsLayer1A2B3C": {
      "Type": "AWS::Lambda::LayerVersion",
      "Properties": {
        "Content": {
          "S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"},
          "S3Key": "abc123.zip"
        },
        "CompatibleRuntimes": ["python3.12"]
      },
      "Metadata": {"aws:asset:path": "asset.abc123", "aws:asset:property": "Content"}
    },
    "Fn9270CBC0": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Code": {
          "S3Bucket": {"Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"},
          "S3Key": "fn456.zip"
        },
        "Handler": "index.handler",
        "Runtime": "python3.12",
        "Layers": [{"Ref": "DepsLayer1A2B3C"}]
      },
      "Metadata": {"aws:asset:path": "asset.fn456", "aws:asset:property": "Code"}
    }
  }
}
"""


def test_a_cdk_layer_is_read_from_its_staged_asset(tmp_path, store_path):
    metadata = "cdk.out/asset.abc123/python/PyYAML-5.3.1.dist-info/METADATA"
    _write(
        tmp_path,
        {
            "cdk.out/Stack.template.json": CDK,
            "cdk.out/asset.fn456/index.py": (
                "import yaml\n\ndef handler(event, context):\n    return yaml.dump(event)\n"
            ),
            metadata: "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\n",
            "cdk.out/asset.abc123/python/PyYAML-5.3.1.dist-info/top_level.txt": "yaml\n",
            "cdk.out/asset.abc123/python/yaml/__init__.py": "a = 1\n",
        },
    )
    result = _scan(tmp_path, store_path)
    (fn,) = result.dependencies
    assert fn.layers == (
        LayerDependencies("DepsLayer1A2B3C", "cdk.out/asset.abc123", (), "cdk.out/asset.abc123"),
    )
    assert fn.packages == (
        ShippedPackage("pyyaml", "5.3.1", "PyPI", metadata, imported=True, source="build"),
    )
    assert _dependency_findings(result) == [
        ("FG3001", metadata, None, "Fn9270CBC0", "pyyaml", "PYSEC-2021-142")
    ]


def test_the_json_report_carries_layers_and_validates_against_the_schema(store_path):
    schema = json.loads(
        (REPO / "src" / "faasguard" / "report" / "schema" / "report.schema.json").read_text()
    )
    report = json.loads(render_json(_scan(APPS / "sam_layers", store_path)))
    jsonschema.validate(report, schema)
    worker = next(d for d in report["dependencies"] if d["function"] == "WorkerFunction")
    assert worker["layers"] == [
        {
            "id": "CommonLayer",
            "content": "layers/common",
            "manifests": ["layers/common/requirements.txt"],
            "artifact": None,
        },
        {
            "id": "VendoredLayer",
            "content": "layers/vendored",
            "manifests": [],
            "artifact": "layers/vendored",
        },
    ]
    assert worker["external_layers"] == [POWERTOOLS]
