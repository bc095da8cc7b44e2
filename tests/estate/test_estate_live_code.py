"""``scan aws://... --fetch-code``: deployment packages downloaded, checked, extracted, analysed.

The account is moto in server mode; the packages are served by a local HTTPS server (a CA made
for the test, trusted through ``AWS_CA_BUNDLE``) reached through a local ``CONNECT`` proxy
(``HTTPS_PROXY``): the download path runs for real (code_standin.py).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from code_standin import LAYER_HOST, ConnectProxy, PackageHost, Served, make_certificates
from estate_services import MotoServer
from live_seed import ACCOUNT, REGION, client, role

from faasguard.cli.main import main
from faasguard.config import Config
from faasguard.engine import ScanResult
from faasguard.findings import Finding, TraceStep
from faasguard.live.package import FetchLimits, PackageStore, fetch_region
from faasguard.live.reader import RegionSnapshot
from faasguard.live.scan import scan_account
from faasguard.live.target import AccountTarget

pytestmark = pytest.mark.aws

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"
NPM_ZIP = SHARED / "osv" / "npm" / "ghsa-sample.zip"
TARGET = AccountTarget(profile=None, regions=(REGION,), text=f"aws://{REGION}")
BUCKET = "deploys"
PACKAGE_HOST = f"awslambda-{REGION}-tasks.s3.{REGION}.amazonaws.com"

ORDERS_APP = """\
import subprocess

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    name = event["queryStringParameters"]["name"]
    s3.get_object(Bucket="reports", Key=name)
    return subprocess.check_output("convert " + name, shell=True)
"""
PYYAML_METADATA = "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\n"


@dataclass
class Stand:
    host: PackageHost
    proxy: ConnectProxy
    bundle: Path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def osv_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from faasguard.deps.vulns import Store

    for data in (PYPI_ZIP, NPM_ZIP):
        if not data.is_file():
            pytest.fail(f"shared OSV data missing at {data}; set FAASGUARD_SHARED_DATA")
    path = tmp_path_factory.mktemp("osv") / "osv.sqlite3"
    with Store(path) as store:
        store.import_zip(PYPI_ZIP)
        store.import_zip(NPM_ZIP, "npm")
    return path


@pytest.fixture
def stand(
    aws: MotoServer,
    certificates: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Stand]:
    """The package host behind the proxy; the environment points faasguard at both."""
    bundle, cert, key = certificates
    host = PackageHost(cert, key)
    proxy = ConnectProxy(host.port)
    for name in ("HTTP_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    # Each scan's temporary folder is made here, so the test sees that it is removed.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    client("s3").create_bucket(Bucket=BUCKET)
    try:
        yield Stand(host, proxy, bundle)
    finally:
        proxy.stop()
        host.stop()


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _deploy(
    stand: Stand,
    name: str,
    package: bytes,
    role_arn: str,
    *,
    serve: Served | list[Served] | None = None,
    **extra: Any,
) -> str:
    """A function created from S3, as CloudFormation deploys one; its package served."""
    key = f"pkgs/{name}.zip"
    client("s3").put_object(Bucket=BUCKET, Key=key, Body=package)
    created = client("lambda").create_function(
        FunctionName=name,
        Runtime=extra.pop("Runtime", "python3.12"),
        Role=role_arn,
        Handler=extra.pop("Handler", "app.handler"),
        Code={"S3Bucket": BUCKET, "S3Key": key},
        **extra,
    )
    stand.host.objects[f"/{key}"] = serve or Served(package)
    return str(created["FunctionArn"])


def _orders_role() -> str:
    return role(
        "orders-role",
        inline={
            "data": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "dynamodb:PutItem"],
                        "Resource": "*",
                    }
                ],
            }
        },
    )


def _analyzers(osv_db: Path) -> tuple[list[Any], list[Any]]:
    """What the CLI runs on a folder: dependencies (offline OSV), code edge, permissions, taint."""
    from faasguard.code.analyzer import CodeAnalyzer
    from faasguard.code.edge.analyzer import CodeEdgeAnalyzer
    from faasguard.code.edge.calls import CallGraphEnricher
    from faasguard.deps.analyzer import DependencyAnalyzer
    from faasguard.deps.vulns import Store, StoreSource
    from faasguard.iam.needed.analyzer import NeededPermissionsAnalyzer

    store = Store(osv_db)
    return (
        [
            DependencyAnalyzer(StoreSource(store)),
            CodeEdgeAnalyzer(),
            NeededPermissionsAnalyzer(),
            CodeAnalyzer(),
        ],
        [CallGraphEnricher()],
    )


def _scan(osv_db: Path, *, limits: FetchLimits | None = None, factory: Any = None) -> ScanResult:
    analyzers, enrichers = _analyzers(osv_db)
    return scan_account(
        TARGET,
        Config(),
        fetch=limits or FetchLimits(),
        analyzers=analyzers,
        enrichers=enrichers,
        session_factory=factory,
    )


def _where(findings: tuple[Finding, ...], *rule_ids: str) -> list[tuple[Any, ...]]:
    return sorted(
        (f.rule_id, f.file, f.line, f.function)
        for f in findings
        if not rule_ids or f.rule_id in rule_ids
    )


def _sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


# -- the code and dependencies of a fetched package --------------------------------------------


def test_cli_fetch_code_analyses_the_package_like_a_project(
    stand: Stand,
    osv_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    package = _zip(
        {
            "app.py": ORDERS_APP,
            "PyYAML-5.3.1.dist-info/METADATA": PYYAML_METADATA,
            "PyYAML-5.3.1.dist-info/top_level.txt": "yaml\n",
            "yaml/__init__.py": "",
        }
    )
    arn = _deploy(stand, "orders", package, _orders_role())
    out = tmp_path / "report.json"
    code = main(
        [
            "scan",
            f"aws://{REGION}",
            "--fetch-code",
            "--osv-db",
            str(osv_db),
            "-f",
            "json",
            "-o",
            str(out),
            "--fail-on",
            "never",
        ]
    )
    assert code == 0, capsys.readouterr().err
    report = json.loads(out.read_text())
    import jsonschema

    schema = REPO / "src" / "faasguard" / "report" / "schema" / "report.schema.json"
    jsonschema.validate(report, json.loads(schema.read_text()))  # with its dependencies and flows
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/orders-role"
    found = sorted(
        (f["rule_id"], f["file"], f["line"], f["function"])
        for f in report["findings"]
        if f["rule_id"] in ("FG2001", "FG3001", "FG1040")
    )
    # The code finding names the file inside the package (under the function's ARN) and its
    # line; the vulnerable library is the one installed in the package; the role grants an
    # action the packaged code never calls.
    assert found == [
        ("FG1040", role_arn, None, "orders"),
        ("FG2001", f"{arn}/app.py", 11, "orders"),
        ("FG3001", f"{arn}/PyYAML-5.3.1.dist-info/METADATA", None, "orders"),
    ]
    [injection] = [f for f in report["findings"] if f["rule_id"] == "FG2001"]
    assert injection["trace"] == [
        {
            "file": f"{arn}/app.py",
            "line": 9,
            "what": "event field `queryStringParameters` read: event of a function with no "
            "known trigger (unknown)",
        },
        {
            "file": f"{arn}/app.py",
            "line": 11,
            "what": "reaches `subprocess.check_output()`: command run through a shell",
        },
    ]
    [vulnerable] = [f for f in report["findings"] if f["rule_id"] == "FG3001"]
    assert (vulnerable["package"]["name"], vulnerable["package"]["version"]) == ("pyyaml", "5.3.1")
    assert vulnerable["vulnerability"]["id"] == "PYSEC-2021-142"
    [unused] = [f for f in report["findings"] if f["rule_id"] == "FG1040"]
    assert unused["message"].endswith("needs: dynamodb:PutItem")
    assert report["notices"] == []
    # Downloaded once, through the proxy, from the host GetFunction named; then removed.
    assert stand.proxy.hosts == [PACKAGE_HOST]
    assert stand.host.requests == [(PACKAGE_HOST, "/pkgs/orders.zip")]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_node_package_with_installed_modules(stand: Stand, osv_db: Path) -> None:
    index = (
        'const { exec } = require("child_process");\n'
        'const _ = require("lodash");\n'
        "\n"
        "exports.handler = async (event) => {\n"
        "  const name = event.queryStringParameters.name;\n"
        '  exec("convert " + name);\n'
        "  return _.identity(name);\n"
        "};\n"
    )
    package = _zip(
        {
            "index.js": index,
            "node_modules/lodash/package.json": '{"name": "lodash", "version": "4.17.20"}',
            "node_modules/lodash/lodash.js": "module.exports = { identity: (v) => v };\n",
        }
    )
    arn = _deploy(
        stand, "thumbs", package, role("thumbs-role"), Runtime="nodejs20.x", Handler="index.handler"
    )
    result = _scan(osv_db)
    assert result.notices == ()
    vulnerable = sorted(
        (f.file, f.package.name, f.package.version, f.package.imported, f.vulnerability.id)
        for f in result.findings
        if f.rule_id == "FG3001" and f.package is not None and f.vulnerability is not None
    )
    assert _where(result.findings, "FG2001") == [("FG2001", f"{arn}/index.js", 6, "thumbs")]
    manifest = f"{arn}/node_modules/lodash/package.json"
    assert vulnerable == [
        (manifest, "lodash", "4.17.20", True, "GHSA-29mw-wpgm-hmr9"),
        (manifest, "lodash", "4.17.20", True, "GHSA-35jh-r3h4-6jhm"),
    ]


def _layer_factory(location: str) -> Any:
    """Sessions whose GetLayerVersion answer carries a package URL as AWS's does.

    moto 5.2.6 answers ``Content.Location: "s3://"`` for a layer version; AWS answers a
    presigned HTTPS URL. The hook fills that one field in moto's real answer.
    """
    import boto3

    def factory(profile: str | None) -> Any:
        session = boto3.Session()

        def fill(parsed: dict[str, Any], **_: Any) -> None:
            parsed.setdefault("Content", {})["Location"] = location

        session.events.register("after-call.lambda.GetLayerVersion", fill)
        return session

    return factory


def test_a_layer_package_is_analysed_as_the_function_layer(stand: Stand, osv_db: Path) -> None:
    layer = _zip(
        {
            "python/shared/__init__.py": "",
            "python/shared/shell.py": (
                "import subprocess\n\n\ndef run_report(name):\n"
                '    return subprocess.check_output("report " + name, shell=True)\n'
            ),
        }
    )
    client("s3").put_object(Bucket=BUCKET, Key="layers/shared.zip", Body=layer)
    layer_arn = client("lambda").publish_layer_version(
        LayerName="shared",
        Content={"S3Bucket": BUCKET, "S3Key": "layers/shared.zip"},
        CompatibleRuntimes=["python3.12"],
    )["LayerVersionArn"]
    path = f"/snapshots/{ACCOUNT}/shared-1"
    # Expired once (403): a fresh GetLayerVersion gives the URL again, then it is served.
    stand.host.objects[path] = [Served(b"expired", 403), Served(layer)]
    app = (
        "from shared.shell import run_report\n\n\n"
        "def handler(event, context):\n"
        '    return run_report(event["body"])\n'
    )
    arn = _deploy(stand, "reports", _zip({"app.py": app}), role("reports-role"), Layers=[layer_arn])
    result = _scan(osv_db, factory=_layer_factory(f"https://{LAYER_HOST}{path}?versionId=1"))
    assert result.notices == ()
    [injection] = [f for f in result.findings if f.rule_id == "FG2001"]
    layer_file = f"{layer_arn}/python/shared/shell.py"
    assert (injection.file, injection.line, injection.function) == (layer_file, 5, "reports")
    assert injection.trace == (
        TraceStep(
            f"{arn}/app.py",
            5,
            "event field `body` read: event of a function with no known trigger (unknown)",
        ),
        TraceStep(layer_file, 4, "passed to `run_report()` as `name`"),
        TraceStep(
            layer_file, 5, "reaches `subprocess.check_output()`: command run through a shell"
        ),
    )
    assert sorted(stand.host.requests) == sorted(
        [(PACKAGE_HOST, "/pkgs/reports.zip"), (LAYER_HOST, path), (LAYER_HOST, path)]
    )


# -- a package that must not be used ---------------------------------------------------------


def test_a_checksum_mismatch_is_a_notice_and_the_package_is_not_used(
    stand: Stand, osv_db: Path
) -> None:
    deployed = _zip({"app.py": "def handler(event, context):\n    return 1\n"})
    tampered = _zip({"app.py": ORDERS_APP})
    _deploy(stand, "orders", deployed, _orders_role(), serve=Served(tampered))
    result = _scan(osv_db)
    assert result.notices == (
        f"aws://{REGION}: function orders: package not used: its SHA-256 ({_sha(tampered)}) is "
        f"not the CodeSha256 AWS recorded ({_sha(deployed)}); the bytes downloaded are not what "
        "was deployed",
    )
    assert _where(result.findings, "FG2001", "FG0007") == []
    [fn] = result.applications[0].functions
    assert (fn.code_root, fn.handler_file) == (None, None)


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
        archive.writestr("padding.bin", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def _escaping() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", ORDERS_APP)
        archive.writestr("../outside.py", "print('escaped')\n")
        archive.writestr("/etc/cron.d/evil", "* * * * * root sh\n")
        link = zipfile.ZipInfo("config.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("lib", "a file")
        archive.writestr("lib/helpers.py", "a file under a file of the same name\n")
        archive.writestr("./app.py", "a second app.py\n")
    return buffer.getvalue()


def test_hostile_archives_are_refused_whole_or_entry_by_entry(stand: Stand, osv_db: Path) -> None:
    orders_role = _orders_role()
    bomb_arn = _deploy(stand, "bomb", _bomb(), orders_role)
    escape_arn = _deploy(stand, "escape", _escaping(), orders_role)
    garbage_arn = _deploy(stand, "garbage", b"MZ not a zip at all", orders_role)
    result = _scan(osv_db)
    assert result.notices == ()
    unsafe = sorted(
        (f.rule_id, f.file, f.message) for f in result.findings if f.rule_id == "FG0007"
    )
    assert unsafe == sorted(
        [
            (
                "FG0007",
                bomb_arn,
                "function package bomb: entry 'padding.bin' expands "
                f"{_compressed(_bomb(), 'padding.bin')} bytes to 20971520 (ratio over 200: a "
                "zip bomb?); the package was not extracted, its code and dependencies are not "
                "analysed",
            ),
            (
                "FG0007",
                escape_arn,
                "function package escape: entry '../outside.py' escapes the archive with '..'; "
                "refused",
            ),
            (
                "FG0007",
                escape_arn,
                "function package escape: entry '/etc/cron.d/evil' has an absolute path; refused",
            ),
            (
                "FG0007",
                escape_arn,
                "function package escape: entry 'config.py' is a symbolic link; refused",
            ),
            (
                "FG0007",
                escape_arn,
                "function package escape: entry 'lib/helpers.py' cannot be written (File "
                "exists); refused",
            ),
            (
                "FG0007",
                escape_arn,
                "function package escape: entry './app.py' repeated; refused",
            ),
            (
                "FG0007",
                garbage_arn,
                "function package garbage: not a readable zip archive: File is not a zip file; "
                "the package was not extracted, its code and dependencies are not analysed",
            ),
        ]
    )
    # The bomb's package is not used; the other's safe entries are, and analysed.
    code_roots = {fn.name: fn.code_root for fn in result.applications[0].functions}
    assert code_roots == {"bomb": None, "escape": escape_arn, "garbage": None}
    assert _where(result.findings, "FG2001") == [("FG2001", f"{escape_arn}/app.py", 11, "escape")]
    assert list((Path(tempfile.gettempdir())).iterdir()) == []


def _compressed(archive: bytes, name: str) -> int:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return opened.getinfo(name).compress_size


def test_packages_over_the_size_limits_are_not_downloaded_or_extracted(
    stand: Stand, osv_db: Path
) -> None:
    orders_role = _orders_role()
    small = _zip({"app.py": "def handler(event, context):\n    return 1\n"})
    big = os.urandom(300_000)  # incompressible: its CodeSize is over the download limit
    big_arn = _deploy(stand, "big", _zip({"app.py": "", "blob.bin": big}), orders_role)
    # CodeSize is small, but the host answers more (a Content-Length, or none at all).
    declared_arn = _deploy(
        stand, "declared", small, orders_role, serve=Served(small, length=10_000_000)
    )
    streamed_arn = _deploy(
        stand, "streamed", small, orders_role, serve=Served(small + big, length=-1)
    )
    wide = _zip({"app.py": "", "data.txt": "x" * 150_000})  # ratio under 200: not a bomb
    wide_arn = _deploy(stand, "wide", wide, orders_role)
    limits = FetchLimits(max_download_bytes=200_000, max_unzipped_bytes=100_000)
    result = _scan(osv_db, limits=limits)
    assert result.notices == ()
    over = sorted(
        (f.rule_id, f.file, f.message) for f in result.findings if f.rule_id in ("FG0020", "FG0007")
    )
    size = len(_zip({"app.py": "", "blob.bin": big}))
    tail = (
        "over the 200000-byte limit (Lambda's 250 MB); not downloaded, its code and "
        "dependencies are not analysed"
    )
    # Streamed without a length, the download stops at the first chunk past the limit.
    streamed = len(small + big)
    assert over == sorted(
        [
            ("FG0020", big_arn, f"function package big is {size} bytes, {tail}"),
            ("FG0020", declared_arn, f"function package declared is 10000000 bytes, {tail}"),
            ("FG0020", streamed_arn, f"function package streamed is {streamed} bytes, {tail}"),
            (
                "FG0007",
                wide_arn,
                "function package wide: expands to 150000 bytes, over the 100000-byte limit "
                "(Lambda's 250 MB unzipped; a zip bomb?); the package was not extracted, its "
                "code and dependencies are not analysed",
            ),
        ]
    )
    # The big package was never asked for: its CodeSize said enough.
    assert sorted(path for _, path in stand.host.requests) == [
        "/pkgs/declared.zip",
        "/pkgs/streamed.zip",
        "/pkgs/wide.zip",
    ]


def test_the_scan_wide_extraction_budget_refuses_the_packages_past_it(
    stand: Stand, osv_db: Path
) -> None:
    orders_role = _orders_role()
    package = _zip({"app.py": ORDERS_APP, "data.txt": "y" * 6_000})
    first = _deploy(stand, "first", package, orders_role)
    second = _deploy(stand, "second", package, orders_role)
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(package)).infolist())
    # Room for one package, not two; packages are taken in ListFunctions order (by name).
    result = _scan(osv_db, limits=FetchLimits(max_scan_bytes=declared + 10))
    assert _where(result.findings, "FG0020", "FG2001") == [
        ("FG0020", second, None, None),
        ("FG2001", f"{first}/app.py", 11, "first"),
    ]
    [budget] = [f for f in result.findings if f.rule_id == "FG0020"]
    assert budget.message == (
        f"function package second: the scan has already extracted {declared + 10} bytes of "
        "packages; the package was not extracted, its code and dependencies are not analysed"
    )


def test_denied_or_failed_downloads_are_notices_and_the_rest_stands(
    stand: Stand, osv_db: Path
) -> None:
    orders_role = _orders_role()
    good = _zip({"app.py": ORDERS_APP})
    _deploy(stand, "secret", good, orders_role)
    _deploy(stand, "gone", good, orders_role, serve=Served(b"<Error>AccessDenied</Error>", 403))
    ok_arn = _deploy(stand, "orders", good, orders_role)
    # Expired by the time it is fetched (403), then served once GetFunction renewed the URL.
    renewed_arn = _deploy(
        stand, "renewed", good, orders_role, serve=[Served(b"expired", 403), Served(good)]
    )
    result = _scan(osv_db, factory=_deny_get_function("secret"))
    hint = (
        "what it would show is missing from the scan; grant it "
        "(docs/policies/faasguard-live-readonly.json)"
    )
    assert result.notices == (
        f"aws://{REGION}: lambda:GetFunction denied (function secret): {hint}",
        f"aws://{REGION}: function gone: package not fetched: HTTP 403 Forbidden; its code and "
        "dependencies are not analysed",
    )
    # "gone" was asked for twice: the second time with the URL a fresh GetFunction gave.
    assert [p for _, p in stand.host.requests if p == "/pkgs/gone.zip"] == ["/pkgs/gone.zip"] * 2
    assert [p for _, p in stand.host.requests if p == "/pkgs/renewed.zip"] == [
        "/pkgs/renewed.zip"
    ] * 2
    # The function whose GetFunction was denied is not in the model (the reader's notice);
    # the one whose download failed is, without code; the third is analysed.
    assert sorted(fn.name for fn in result.applications[0].functions) == [
        "gone",
        "orders",
        "renewed",
    ]
    assert _where(result.findings, "FG2001") == [
        ("FG2001", f"{ok_arn}/app.py", 11, "orders"),
        ("FG2001", f"{renewed_arn}/app.py", 11, "renewed"),
    ]


def test_functions_deployed_from_one_package_download_it_once(stand: Stand, osv_db: Path) -> None:
    """One service's functions share one zip (the Serverless default): fetched once, each
    function's findings still under its own ARN."""
    orders_role = _orders_role()
    shared = _zip({"app.py": ORDERS_APP})
    first = _deploy(stand, "orders-get", shared, orders_role)
    second = _deploy(stand, "orders-put", shared, orders_role)
    other = _zip({"app.py": ORDERS_APP + "\n# another service\n"})
    third = _deploy(stand, "billing", other, orders_role)
    result = _scan(osv_db)
    assert result.notices == ()
    asked = sorted(p for _, p in stand.host.requests)
    assert asked in (
        ["/pkgs/billing.zip", "/pkgs/orders-get.zip"],
        ["/pkgs/billing.zip", "/pkgs/orders-put.zip"],
    )
    assert _where(result.findings, "FG2001") == sorted(
        [
            ("FG2001", f"{first}/app.py", 11, "orders-get"),
            ("FG2001", f"{second}/app.py", 11, "orders-put"),
            ("FG2001", f"{third}/app.py", 11, "billing"),
        ]
    )


def test_a_shared_package_that_fails_is_tried_by_each_function_on_its_own(
    stand: Stand, osv_db: Path
) -> None:
    orders_role = _orders_role()
    shared = _zip({"app.py": ORDERS_APP})
    denied = Served(b"<Error>AccessDenied</Error>", 403)
    _deploy(stand, "left", shared, orders_role, serve=denied)
    _deploy(stand, "right", shared, orders_role, serve=denied)
    result = _scan(osv_db)
    # Each function's notice is its own, and each asked twice (the second time renewed).
    assert sorted(result.notices) == [
        f"aws://{REGION}: function {name}: package not fetched: HTTP 403 Forbidden; its code and "
        "dependencies are not analysed"
        for name in ("left", "right")
    ]
    assert sorted(p for _, p in stand.host.requests) == [
        "/pkgs/left.zip",
        "/pkgs/left.zip",
        "/pkgs/right.zip",
        "/pkgs/right.zip",
    ]
    assert _where(result.findings, "FG2001") == []


def _deny_get_function(name: str) -> Any:
    """Sessions whose GetFunction for ``name`` is denied (a botocore hook answers for AWS)."""
    import boto3
    from botocore.awsrequest import AWSResponse

    def factory(profile: str | None) -> Any:
        session = boto3.Session()

        def before_send(request: Any, **_: Any) -> AWSResponse | None:
            if request.method != "GET" or not str(request.url).split("?")[0].endswith(
                f"/functions/{name}"
            ):
                return None
            body = json.dumps({"__type": "AccessDeniedException", "message": "denied"}).encode()
            raw: Any = type("Raw", (), {"stream": lambda self, **k: iter([body])})()
            headers = {
                "x-amzn-ErrorType": "AccessDeniedException",
                "Content-Type": "application/json",
            }
            return AWSResponse(request.url, 403, headers, raw)

        session.events.register("before-send.lambda.GetFunction", before_send)
        return session

    return factory


def test_a_container_image_function_is_a_notice(stand: Stand, osv_db: Path) -> None:
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/orders:1"
    client("lambda").create_function(
        FunctionName="imaged",
        Role=_orders_role(),
        PackageType="Image",
        Code={"ImageUri": image},
    )
    result = _scan(osv_db)
    assert result.notices == (
        f"aws://{REGION}: function imaged: package not fetched: container image ({image}); "
        "its code and dependencies are not analysed",
    )
    assert stand.host.requests == [] and stand.proxy.hosts == []


def test_tls_is_verified_and_only_https_is_fetched(
    stand: Stand, osv_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deploy(stand, "orders", _zip({"app.py": ORDERS_APP}), _orders_role())
    monkeypatch.delenv("AWS_CA_BUNDLE")  # the test CA is trusted through it alone
    result = _scan(osv_db)
    [notice] = result.notices
    assert notice.startswith(f"aws://{REGION}: function orders: package not fetched: ")
    assert "CERTIFICATE_VERIFY_FAILED" in notice
    assert stand.host.requests == [] and _where(result.findings, "FG2001") == []

    snap = RegionSnapshot(region=REGION)
    snap.functions.append(
        {
            "Configuration": {
                "FunctionName": "plain",
                "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:plain",
                "CodeSha256": "x",
                "CodeSize": 10,
            },
            "Code": {"Location": f"http://{PACKAGE_HOST}/pkgs/orders.zip"},
        }
    )
    before = list(stand.proxy.hosts)
    with PackageStore() as store:
        code = fetch_region(snap, store)
    assert code.functions == {}
    assert code.notices == (
        f"aws://{REGION}: function plain: package not fetched: ValueError: not an HTTPS URL "
        "(http scheme); refused; its code and dependencies are not analysed",
    )
    assert stand.proxy.hosts == before


def test_the_profiles_ca_bundle_is_trusted_for_downloads(
    stand: Stand, osv_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A company CA set as the profile's ``ca_bundle`` (not in the environment) is used too."""
    arn = _deploy(stand, "orders", _zip({"app.py": ORDERS_APP}), _orders_role())
    monkeypatch.delenv("AWS_CA_BUNDLE")
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile inspected]\n"
        f"ca_bundle = {stand.bundle}\n"
        "aws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n"
        f"region = {REGION}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    analyzers, enrichers = _analyzers(osv_db)
    target = AccountTarget(profile="inspected", regions=(REGION,), text=f"aws://inspected@{REGION}")
    result = scan_account(
        target, Config(), fetch=FetchLimits(), analyzers=analyzers, enrichers=enrichers
    )
    assert result.notices == ()
    assert _where(result.findings, "FG2001") == [("FG2001", f"{arn}/app.py", 11, "orders")]


def test_without_the_flag_nothing_is_downloaded(
    stand: Stand,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    _deploy(stand, "orders", _zip({"app.py": ORDERS_APP}), _orders_role())
    out = tmp_path / "report.json"
    code = main(["scan", f"aws://{REGION}", "-f", "json", "-o", str(out), "--fail-on", "never"])
    assert code == 0, capsys.readouterr().err
    report = json.loads(out.read_text())
    assert report["notices"] == [
        "dependency and code analyses need the deployment packages: not run on an account "
        "(--fetch-code downloads them)"
    ]
    assert [f for f in report["findings"] if f["rule_id"].startswith(("FG2", "FG3"))] == []
    assert stand.proxy.hosts == [] and stand.host.requests == []


def test_fetch_code_needs_an_account_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tmp_path), "--fetch-code"]) == 2
    assert capsys.readouterr().err == (
        "faasguard: error: --fetch-code downloads an account's deployment packages: it needs "
        f"an aws:// target, not {tmp_path} (a folder's code is read in place)\n"
    )
