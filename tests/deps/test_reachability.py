from pathlib import Path

from faasguard.code.imports import js_specifiers_of
from faasguard.code.parse import ts_parser
from faasguard.deps.reachability import (
    import_closure,
    npm_package_of,
    python_import_names,
)
from faasguard.fs import ScanFS


def _tree(root: Path, files: dict[str, str]) -> ScanFS:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return ScanFS(root)


def test_python_closure_follows_own_modules_only(tmp_path):
    fs = _tree(
        tmp_path,
        {
            "svc/handler.py": "import json\nimport yaml\nfrom lib import db\nfrom .util import x\n",
            "svc/lib/__init__.py": "",
            "svc/lib/db.py": "import boto3\nfrom botocore.config import Config\n",
            "svc/util.py": "import requests.adapters\n",
            "svc/unused.py": "import django\n",
        },
    )
    closure = import_closure(fs, handler_file="svc/handler.py", code_root="svc")
    assert closure.files == (
        "svc/handler.py",
        "svc/lib/__init__.py",
        "svc/lib/db.py",
        "svc/util.py",
    )
    assert closure.python_modules == frozenset({"yaml", "boto3", "botocore", "requests"})
    assert closure.errors == ()


def test_python_syntax_error_is_recorded_not_raised(tmp_path):
    fs = _tree(tmp_path, {"h.py": "import os\ndef broken(:\n"})
    closure = import_closure(fs, handler_file="h.py", code_root="")
    assert closure.python_modules == frozenset()
    assert closure.errors == (
        "h.py:2: Python code does not parse: invalid syntax; it was not analysed",
    )


def test_js_and_ts_specifiers():
    source = b"""
    import x from '@aws-sdk/client-s3';
    import type { T } from './types';
    const _ = require('lodash/fp');
    export * from "./util.js";
    const lazy = await import('axios');
    const fs = require('node:fs');
    const notAString = require(name);
    """
    assert sorted(js_specifiers_of(ts_parser("h.ts").parse(source))) == [
        "./types",
        "./util.js",
        "@aws-sdk/client-s3",
        "axios",
        "lodash/fp",
        "node:fs",
    ]


def test_js_closure_resolves_ts_sources_and_packages(tmp_path):
    fs = _tree(
        tmp_path,
        {
            "fn/index.ts": (
                "import { get } from './lib/http.js';\nimport jwt from 'jsonwebtoken';\n"
            ),
            "fn/lib/http.ts": "const axios = require('axios');\nconst path = require('path');\n",
        },
    )
    closure = import_closure(fs, handler_file="fn/index.ts", code_root="fn")
    assert closure.files == ("fn/index.ts", "fn/lib/http.ts")
    assert closure.npm_packages == frozenset({"jsonwebtoken", "axios"})


def test_names():
    assert npm_package_of("@aws-sdk/client-s3/dist") == "@aws-sdk/client-s3"
    assert npm_package_of("lodash/fp") == "lodash"
    assert npm_package_of("fs") is None
    assert npm_package_of("./x") is None
    assert python_import_names("PyYAML") == ("yaml",)
    assert python_import_names("python-dateutil") == ("dateutil",)
    assert python_import_names("aws_lambda_powertools") == ("aws_lambda_powertools",)
    assert python_import_names("Flask-Cors") == ("flask_cors",)


def test_import_of_file_outside_root_is_not_followed(tmp_path):
    (tmp_path / "outside.py").write_text("import secret_pkg\n")
    fs = _tree(tmp_path / "root", {"h.py": "from .. import outside\n"})
    closure = import_closure(fs, handler_file="h.py", code_root="")
    assert closure.files == ("h.py",)
    assert closure.python_modules == frozenset()
