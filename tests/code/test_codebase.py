"""The shared code layer: parse once, own-code closure, layers, vendored code, caps."""

from __future__ import annotations

from pathlib import Path

from faasguard.code.codebase import codebase_for
from faasguard.code.interface import Language
from faasguard.code.parse import MAX_LINES
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue
from faasguard.model import AppFormat, Application, Function, Location, Resource, Unknown


def _tree(root: Path, files: dict[str, str]) -> ScanFS:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return ScanFS(root)


def _app(*functions: Function, resources: tuple[Resource, ...] = ()) -> Application:
    return Application(
        name="app",
        format=AppFormat.SAM,
        file="template.yaml",
        root="",
        functions=functions,
        resources=resources,
    )


def _fn(name: str, handler: str, root: str = "svc", layers: tuple[str | Unknown, ...] = ()):
    return Function(
        name=name,
        application="app",
        location=Location("template.yaml", 1),
        handler_file=handler,
        handler_function="handler",
        code_root=root,
        layers=layers,
    )


def test_each_file_is_parsed_once_per_scan(tmp_path: Path) -> None:
    fs = _tree(tmp_path, {"svc/a.py": "from lib import db\n", "svc/lib/db.py": "import boto3\n"})
    one, two = _fn("One", "svc/a.py"), _fn("Two", "svc/a.py")
    cb = codebase_for(fs)
    assert codebase_for(fs) is cb
    first = cb.function_code(_app(one, two), one)
    second = cb.function_code(_app(one, two), two)
    assert [f.path for f in first.files] == ["svc/a.py", "svc/lib/db.py"]
    assert all(a is b for a, b in zip(first.files, second.files, strict=True))
    assert cb.file("svc/lib/db.py") is first.files[1]
    assert first.third_party == first.python_modules == frozenset({"boto3"})


def test_layers_are_own_code_but_their_installed_packages_are_not(tmp_path: Path) -> None:
    fs = _tree(
        tmp_path,
        {
            "template.yaml": "",
            "svc/app.py": "import common.util\nimport requests\nimport yaml\n",
            "svc/yaml/__init__.py": "import os\n",
            "svc/PyYAML-6.0.1.dist-info/top_level.txt": "yaml\n",
            "layer/python/common/__init__.py": "",
            "layer/python/common/util.py": "import jwt\n",
            "layer/python/lib/python3.12/site-packages/requests/__init__.py": "import os\n",
        },
    )
    layer = Resource(
        "Shared",
        "AWS::Serverless::LayerVersion",
        Location("template.yaml", 3),
        properties={"ContentUri": "layer/"},
    )
    fn = _fn("Fn", "svc/app.py", layers=(Unknown("!Ref Shared", "deploy-time attribute"),))
    code = codebase_for(fs).function_code(_app(fn, resources=(layer,)), fn)
    assert code.layer_roots == ("layer",)
    assert [f.path for f in code.files] == [
        "svc/app.py",
        "layer/python/common/__init__.py",
        "layer/python/common/util.py",
    ]
    assert code.python_modules == frozenset({"requests", "yaml", "jwt"})


def test_javascript_parse_error_keeps_the_partial_tree(tmp_path: Path) -> None:
    fs = _tree(tmp_path, {"fn/index.ts": "import x from './lib';\nconst a: = ;\nexport {};\n"})
    source = codebase_for(fs).file("fn/index.ts")
    assert source is not None
    assert source.language is Language.TYPESCRIPT
    assert source.tree is not None
    assert source.issues == (
        LoadIssue(
            IssueKind.PARSE_ERROR,
            "TypeScript code has a syntax error here; the parts the parser recovered are "
            "still analysed",
            Location("fn/index.ts", 2),
        ),
    )


def test_minified_and_oversized_files_are_skipped_with_a_notice(tmp_path: Path) -> None:
    fs = _tree(
        tmp_path,
        {
            "fn/vendor.js": "var a=1;" * 1000 + "\n",
            "fn/app.min.js": "var a = 1;\n",
            "fn/huge.py": "x = 1\n" * (MAX_LINES + 1),
        },
    )
    cb = codebase_for(fs)
    found = {path: cb.file(path) for path in ("fn/vendor.js", "fn/app.min.js", "fn/huge.py")}
    assert all(f is not None and f.tree is None for f in found.values())
    assert [(i.kind, i.location, i.message) for i in cb.issues()] == [
        (
            IssueKind.BUDGET,
            Location("fn/vendor.js", 1),
            "minified or bundled code (very long lines); it was not analysed",
        ),
        (
            IssueKind.BUDGET,
            Location("fn/app.min.js"),
            "minified file (by its name); it was not analysed",
        ),
        (
            IssueKind.BUDGET,
            Location("fn/huge.py"),
            f"source file has {MAX_LINES + 2} lines, over the {MAX_LINES}-line limit of the code "
            "analysis; it was not analysed",
        ),
    ]


def test_missing_and_non_code_files_are_none(tmp_path: Path) -> None:
    fs = _tree(tmp_path, {"a.txt": "x", "types.d.ts": "export type A = 1;\n"})
    cb = codebase_for(fs)
    assert cb.file("a.txt") is None
    assert cb.file("nope.py") is None
    assert cb.file("types.d.ts") is None


def test_a_layer_filled_by_pip_without_metadata_is_vendored_by_its_requirements(
    tmp_path: Path,
) -> None:
    fs = _tree(
        tmp_path,
        {
            "svc/app.py": "import pymysql\nimport shared\n",
            "deps/requirements.txt": "PyMySQL==1.1.0  # the driver\n--index-url https://x\n",
            "deps/python/pymysql/__init__.py": "import os\n",
            "deps/python/shared.py": "import boto3\n",
        },
    )
    layer = Resource(
        "Deps",
        "AWS::Serverless::LayerVersion",
        Location("template.yaml", 3),
        properties={"ContentUri": "deps/"},
    )
    fn = _fn("Fn", "svc/app.py", layers=(Unknown("!Ref Deps", "deploy-time attribute"),))
    code = codebase_for(fs).function_code(_app(fn, resources=(layer,)), fn)
    assert [f.path for f in code.files] == ["svc/app.py", "deps/python/shared.py"]
    assert code.python_modules == frozenset({"pymysql", "boto3"})
