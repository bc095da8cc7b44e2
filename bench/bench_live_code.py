"""Time ``scan aws://... --fetch-code`` against a local AWS emulator and package host.

Usage: python bench/bench_live_code.py [--functions N] [--package-kib K]

Starts moto in server mode and the test's package stand-ins (tests/estate/code_standin.py: an
HTTPS server with a test CA, reached through a local CONNECT proxy), seeds N functions created
from S3 objects, each package holding a handler with a command injection, an installed PyYAML
5.3.1 (``*.dist-info``) and K KiB of library code, then times ``scan_account`` without and with
``fetch`` (download, CodeSha256 check, extraction, code + permissions + OSV analyses) and
reports the peak RSS of this process. Seeding, the OSV import and a first warm-up scan are not
timed.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "estate"))

_APP = """\
import subprocess

import yaml


def handler(event, context):
    name = event["queryStringParameters"]["name"]
    return subprocess.check_output("convert " + name, shell=True)
"""


def _package(kib: int) -> bytes:
    buffer = io.BytesIO()
    library = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n" for i in range(40))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", _APP)
        archive.writestr(
            "PyYAML-5.3.1.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\n",
        )
        archive.writestr("PyYAML-5.3.1.dist-info/top_level.txt", "yaml\n")
        archive.writestr("yaml/__init__.py", "")
        for i in range(max(1, kib * 1024 // max(1, len(library)))):
            archive.writestr(f"vendor/lib_{i}.py", library)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--package-kib", type=int, default=64)
    args = parser.parse_args()

    from code_standin import ConnectProxy, PackageHost, Served, make_certificates
    from estate_services import MotoServer
    from live_seed import client, role

    from faasguard.code.analyzer import CodeAnalyzer
    from faasguard.code.edge.analyzer import CodeEdgeAnalyzer
    from faasguard.code.edge.calls import CallGraphEnricher
    from faasguard.config import Config
    from faasguard.deps.analyzer import DependencyAnalyzer
    from faasguard.deps.vulns import Store, StoreSource
    from faasguard.iam.needed.analyzer import NeededPermissionsAnalyzer
    from faasguard.live.package import FetchLimits
    from faasguard.live.scan import scan_account
    from faasguard.live.target import AccountTarget

    work = Path(tempfile.mkdtemp(prefix="bench-live-code-"))
    moto = MotoServer(work)
    bundle, cert, key = make_certificates(work)
    host = PackageHost(cert, key)
    proxy = ConnectProxy(host.port)
    os.environ.update(
        AWS_ENDPOINT_URL=moto.endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        HTTPS_PROXY=proxy.url,
        AWS_CA_BUNDLE=str(bundle),
    )
    for name in ("HTTP_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy", "AWS_PROFILE"):
        os.environ.pop(name, None)
    try:
        shared = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
        osv = work / "osv.sqlite3"
        with Store(osv) as store:
            store.import_zip(shared / "osv" / "PyPI" / "all.zip")
        package = _package(args.package_kib)
        client("s3").create_bucket(Bucket="deploys")
        client("s3").put_object(Bucket="deploys", Key="pkg.zip", Body=package)
        role_arn = role("bench-role")
        seeded = time.perf_counter()
        for i in range(args.functions):
            client("lambda").create_function(
                FunctionName=f"bench-{i:04d}",
                Runtime="python3.12",
                Role=role_arn,
                Handler="app.handler",
                Code={"S3Bucket": "deploys", "S3Key": "pkg.zip"},
            )
        host.objects["/pkg.zip"] = Served(package)
        print(
            f"seeded {args.functions} functions ({len(package)} bytes zipped each) "
            f"in {time.perf_counter() - seeded:.1f} s"
        )
        target = AccountTarget(profile=None, regions=("us-east-1",), text="aws://us-east-1")
        scan_account(target, Config())  # warm-up: imports, botocore's models
        started = time.perf_counter()
        plain = scan_account(target, Config())
        without = time.perf_counter() - started
        with Store(osv) as store:
            analyzers = [
                DependencyAnalyzer(StoreSource(store)),
                CodeEdgeAnalyzer(),
                NeededPermissionsAnalyzer(),
                CodeAnalyzer(),
            ]
            started = time.perf_counter()
            fetched = scan_account(
                target,
                Config(),
                fetch=FetchLimits(),
                analyzers=analyzers,
                enrichers=[CallGraphEnricher()],
            )
            with_code = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        injections = sum(1 for f in fetched.findings if f.rule_id == "FG2001")
        vulnerable = sum(1 for f in fetched.findings if f.rule_id == "FG3001")
        print(f"without --fetch-code: {without:.2f} s, {len(plain.findings)} findings")
        print(
            f"with --fetch-code: {with_code:.2f} s, {len(fetched.findings)} findings "
            f"({injections} FG2001, {vulnerable} FG3001), {len(host.requests)} downloads, "
            f"notices: {len(fetched.notices)}"
        )
        print(f"peak RSS: {peak:.0f} MB")
    finally:
        proxy.stop()
        host.stop()
        moto.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
