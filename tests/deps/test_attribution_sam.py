"""SAM attribution: a function's own folder first, the application root for what it lacks."""

from pathlib import Path

from faasguard.config import Config
from faasguard.deps.analyzer import DependencyAnalyzer
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

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


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _scan(root: Path):
    return scan(root, Config(), load_options=LoadOptions(), analyzers=[DependencyAnalyzer(None)])


def test_root_manifests_are_not_shipped_with_a_code_uri_sub_folder(tmp_path):
    # `sam build` packages the CodeUri folder only: the root's package.json (a front-end build,
    # test tools) is not in the Web function's artifact.
    _write(
        tmp_path,
        {
            "template.yaml": SAM,
            "requirements.txt": "pytest==8.0.0\n",  # the repository's test tools
            "package.json": '{"dependencies": {"lodash": "4.17.21"}}\n',
            "api/app.py": "def handler(event, context):\n    return 1\n",
            "api/requirements.txt": "PyYAML==6.0.1\n",
            "web/index.js": "exports.handler = async () => 1;\n",
        },
    )
    result = _scan(tmp_path)
    assert {d.function: d.manifests for d in result.dependencies} == {
        "Api": ("api/requirements.txt",),
        "Web": (),
    }


def test_a_pipfile_without_reader_is_skipped_not_a_parse_error(tmp_path):
    _write(
        tmp_path,
        {
            "template.yaml": SAM,
            "api/app.py": "def handler(event, context):\n    return 1\n",
            "api/Pipfile": '[packages]\nrequests = "*"\n',
            "api/Pipfile.lock": (
                '{"_meta": {}, "default": {"requests": {"version": "==2.31.0"}}, "develop": {}}\n'
            ),
        },
    )
    result = _scan(tmp_path)
    assert [f for f in result.findings if f.rule_id.startswith("FG0")] == []
    (api,) = [d for d in result.dependencies if d.function == "Api"]
    assert api.manifests == ("api/Pipfile.lock",)
    assert [(p.name, p.version, p.manifest) for p in api.packages] == [
        ("requests", "2.31.0", "api/Pipfile.lock")
    ]
