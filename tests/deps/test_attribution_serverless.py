"""Serverless packaging: per-function package patterns and serverless-python-requirements."""

import os
from pathlib import Path

import pytest

from faasguard.config import Config
from faasguard.deps.analyzer import DependencyAnalyzer
from faasguard.deps.attribution import PackagePatterns
from faasguard.deps.inventory import ShippedPackage
from faasguard.deps.vulns import Store, StoreSource
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"
APPS = REPO / "tests" / "fixtures" / "deps" / "apps"


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


def _vulns(result):
    return sorted(
        (f.file, f.line, f.function, f.package.name, f.vulnerability.id)
        for f in result.findings
        if f.rule_id == "FG3001"
    )


def _pkg(name, version, manifest, line, imported):
    return ShippedPackage(
        name, version, "PyPI", manifest, line, True, imported, "lockfile", f"=={version}"
    )


def test_individually_packaged_functions_get_the_manifests_their_patterns_include(store_path):
    result = _scan(APPS / "sls_individually", store_path)
    inventory = {d.function: d for d in result.dependencies}
    # `!functions/**` then `functions/invoice/**`: the later pattern wins for invoice's folder;
    # `!tests/**` keeps the test requirements out; the root requirements ship with both.
    assert inventory["invoice"].manifests == (
        "functions/invoice/requirements.txt",
        "requirements.txt",
    )
    assert inventory["invoice"].packages == (
        _pkg("pyyaml", "5.3.1", "functions/invoice/requirements.txt", 1, True),
        _pkg("simplejson", "3.17.0", "requirements.txt", 2, False),
    )
    # functions/report/fixtures/ is named by `functions/report/**` and excluded by the later
    # `!functions/report/fixtures/**`: its Django pin is not shipped.
    assert inventory["report"].manifests == (
        "functions/report/requirements.txt",
        "requirements.txt",
    )
    assert inventory["report"].packages == (
        _pkg("rsa", "4.0", "functions/report/requirements.txt", 1, True),
        _pkg("simplejson", "3.17.0", "requirements.txt", 2, False),
    )
    assert _vulns(result) == [
        ("functions/invoice/requirements.txt", 1, "invoice", "pyyaml", "PYSEC-2021-142"),
        ("functions/report/requirements.txt", 1, "report", "rsa", "PYSEC-2020-100"),
        ("functions/report/requirements.txt", 1, "report", "rsa", "PYSEC-2020-99"),
    ]


def test_module_folders_hold_each_functions_python_requirements(store_path):
    result = _scan(APPS / "sls_module", store_path)
    inventory = {d.function: (d.manifests, d.packages) for d in result.dependencies}
    assert inventory == {
        "parse": (
            ("parse/requirements.txt",),
            (_pkg("pyyaml", "5.3.1", "parse/requirements.txt", 1, True),),
        ),
        # No requirements.txt in publish/: the plugin installs nothing, the root file is not
        # used for a function with a module folder.
        "publish": ((), ()),
        "legacy": (("requirements.txt",), (_pkg("rsa", "4.0", "requirements.txt", 2, False),)),
    }
    assert _vulns(result) == [
        ("parse/requirements.txt", 1, "parse", "pyyaml", "PYSEC-2021-142"),
        ("requirements.txt", 2, "legacy", "rsa", "PYSEC-2020-100"),
        ("requirements.txt", 2, "legacy", "rsa", "PYSEC-2020-99"),
    ]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_v1_exclude_drops_a_sibling_folders_manifest(tmp_path, store_path):
    _write(
        tmp_path,
        {
            "serverless.yml": (
                "service: svc\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
                "package:\n  individually: true\n"
                "functions:\n"
                "  web:\n    handler: web/index.handler\n"
                "  admin:\n    handler: admin/index.handler\n"
                "    package:\n      exclude:\n        - admin/**\n"
                "      include:\n        - admin/index.js\n"
            ),
            "web/index.js": "const _ = require('lodash');\nexports.handler = async () => _;\n",
            "web/package.json": '{"dependencies": {"lodash": "4.17.15"}}\n',
            "admin/index.js": "exports.handler = async () => 1;\n",
            "admin/package.json": '{"dependencies": {"left-pad": "1.3.0"}}\n',
        },
    )
    result = _scan(tmp_path, store_path)
    inventory = {d.function: d.manifests for d in result.dependencies}
    # web's handler folder holds its package.json; admin's is excluded by `admin/**`
    # (only admin/index.js is included back), and web/ is not admin's folder.
    assert inventory == {"web": ("web/package.json",), "admin": ()}


@pytest.mark.parametrize(
    ("patterns", "path", "included"),
    [
        ((), "functions/a/requirements.txt", True),
        (("!functions/**",), "functions/a/requirements.txt", False),
        (("!functions/**", "functions/a/**"), "functions/a/requirements.txt", True),
        (("functions/a/**", "!functions/**"), "functions/a/requirements.txt", False),
        (("!**", "functions/{a,b}/*.txt"), "functions/b/requirements.txt", True),
        (("!**", "functions/{a,b}/*.txt"), "functions/c/requirements.txt", False),
        (("!*.txt",), "requirements.txt", False),
        (("!*.txt",), "sub/requirements.txt", True),  # `*` stays within one segment
        (("!**/requirements*.txt",), "requirements-dev.txt", False),
        (("!**/requirements*.txt",), "a/b/requirements.txt", False),
        (("!./src/**",), "src/package.json", False),
        (("!src",), "src/package.json", True),  # a folder name alone matches no file in it
        (("!.serverless/**",), ".serverless/x.zip", False),  # dot files match
        (("![ab]/**",), "b/package.json", False),
        (("![!ab]/**",), "b/package.json", True),
        (("!lib/?/**",), "lib/x/package.json", False),
        (("!lib/?/**",), "lib/xy/package.json", True),
    ],
)
def test_package_patterns_follow_serverless_semantics(patterns, path, included):
    assert PackagePatterns(patterns).includes(path) is included


def test_brace_expansion_is_bounded():
    pattern = "{a,b}" * 20 + "/requirements.txt"  # 2**20 alternatives if expanded fully
    patterns = PackagePatterns(["!" + pattern])
    assert patterns.includes("aaaaaaaaaaaaaaaaaaaa/requirements.txt") is False
    assert patterns.includes("other/requirements.txt") is True
