"""``faasguard scan --online`` end to end, against a local OSV API serving real records.

The server implements the two endpoints the scanner uses (``POST /v1/querybatch`` and
``GET /v1/vulns/{id}``) over three records copied at test time from the shared PyPI export.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from faasguard.cli.main import main
from faasguard.config import Config
from faasguard.deps import analyzer as analyzer_module
from faasguard.deps.analyzer import DependencyAnalyzer
from faasguard.deps.vulns import PackageQuery, RetryPolicy, StoreError, VulnerabilitySource
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"
APP = REPO / "tests" / "fixtures" / "deps" / "apps" / "sls_individually"
RECORDS = ("PYSEC-2021-142", "PYSEC-2020-99", "PYSEC-2020-100")

#: The FG3001 findings of APP: (file, line, function, package, version, vulnerability).
EXPECTED = [
    ("functions/invoice/requirements.txt", 1, "invoice", "pyyaml", "5.3.1", "PYSEC-2021-142"),
    ("functions/report/requirements.txt", 1, "report", "rsa", "4.0", "PYSEC-2020-100"),
    ("functions/report/requirements.txt", 1, "report", "rsa", "4.0", "PYSEC-2020-99"),
]


class _OsvServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, records: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _OsvHandler)
        self.records = records
        self.fail_batches = 0  # answer this many querybatch calls with HTTP 500
        self.delay = 0.0  # seconds before answering querybatch (a hung server)
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def affecting(self, name: str, version: str) -> list[dict[str, str]]:
        found = []
        for raw in self.records.values():
            record = json.loads(raw)
            for affected in record["affected"]:
                package = affected["package"]
                if (
                    package["ecosystem"] == "PyPI"
                    and package["name"].lower() == name.lower()
                    and version in affected.get("versions", [])
                ):
                    found.append({"id": record["id"], "modified": record["modified"]})
        return found


class _OsvHandler(BaseHTTPRequestHandler):
    server: _OsvServer

    def log_message(self, format: str, *args: object) -> None:
        return  # keep pytest's output clean

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.server.requests.append(f"POST {self.path}")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v1/querybatch":
            self._send(404, b"{}")
            return
        if self.server.delay:
            time.sleep(self.server.delay)
        if self.server.fail_batches:
            self.server.fail_batches -= 1
            self._send(500, b'{"code": 13, "message": "internal error"}')
            return
        results = []
        for query in body["queries"]:
            vulns = self.server.affecting(query["package"]["name"], query["version"])
            results.append({"vulns": vulns} if vulns else {})
        self._send(200, json.dumps({"results": results}).encode())

    def do_GET(self) -> None:
        self.server.requests.append(f"GET {self.path}")
        vuln_id = self.path.removeprefix("/v1/vulns/")
        record = self.server.records.get(vuln_id)
        if record is None:
            self._send(404, b'{"code": 5, "message": "Bug not found."}')
        else:
            self._send(200, record)


@pytest.fixture(scope="module")
def records() -> dict[str, bytes]:
    if not PYPI_ZIP.is_file():
        pytest.fail(f"shared OSV data missing at {PYPI_ZIP}; set FAASGUARD_SHARED_DATA")
    with zipfile.ZipFile(PYPI_ZIP) as zf:
        return {vuln_id: zf.read(f"{vuln_id}.json") for vuln_id in RECORDS}


@pytest.fixture
def osv(records: dict[str, bytes]) -> Iterator[_OsvServer]:
    server = _OsvServer(records)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FAASGUARD_DB", raising=False)
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "argv", ["faasguard"])


def _args(server_url: str, tmp_path: Path, fmt: str = "json") -> list[str]:
    return [
        "scan",
        str(APP),
        "--online",
        "--osv-url",
        server_url,
        "--osv-db",
        str(tmp_path / "no-store.sqlite3"),  # absent: nothing cached, nothing created
        "--format",
        fmt,
        "--today",
        "2026-11-28",
        "--fail-on",
        "never",
    ]


def _fg3001(report: dict[str, object]) -> list[tuple[object, ...]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return sorted(
        (
            f["file"],
            f["line"],
            f["function"],
            f["package"]["name"],
            f["package"]["version"],
            f["vulnerability"]["id"],
        )
        for f in findings
        if f["rule_id"] == "FG3001"
    )


def test_online_scan_reports_the_apis_vulnerabilities(osv: _OsvServer, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FAASGUARD_DB", "NO_COLOR")}
    run = subprocess.run(
        [sys.executable, "-m", "faasguard", *_args(osv.url, tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert _fg3001(report) == EXPECTED
    assert report["notices"] == []
    (pyyaml,) = [
        f for f in report["findings"] if f["vulnerability"] and f["package"]["name"] == "pyyaml"
    ]
    assert pyyaml["vulnerability"]["aliases"] == ["CVE-2020-14343", "GHSA-8q59-q68h-6hv4"]
    assert pyyaml["vulnerability"]["fixed_in"] == ["5.4"]
    # One batch for the whole scan, then each distinct record fetched once.
    assert osv.requests[0] == "POST /v1/querybatch"
    assert sorted(osv.requests[1:]) == [f"GET /v1/vulns/{vuln_id}" for vuln_id in sorted(RECORDS)]
    assert not (tmp_path / "no-store.sqlite3").exists()


def test_a_server_error_is_retried(
    osv: _OsvServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    osv.fail_batches = 1
    code = main(_args(osv.url, tmp_path))
    out = capsys.readouterr().out
    assert code == 0
    assert _fg3001(json.loads(out)) == EXPECTED
    assert osv.requests[:2] == ["POST /v1/querybatch", "POST /v1/querybatch"]


def _failed_notice(url: str, detail: str) -> str:
    return (
        f"Vulnerability lookup failed (OSV API at {url}): {detail}. Dependencies of `billing` "
        "were NOT checked for known vulnerabilities; the inventory and unpinned-dependency "
        "findings are complete. Scan again when the API is reachable, or scan offline from a "
        "local store (`faasguard db update`, then without `--online`)."
    )


def test_a_hung_api_gives_a_notice_and_exit_2_not_a_traceback(
    osv: _OsvServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same factory the CLI uses, with a short timeout and one retry so the test is quick.
    fast = functools.partial(
        analyzer_module.build_dependency_analyzer,
        timeout=0.3,
        retry=RetryPolicy(attempts=2, backoff=0.01),
    )
    monkeypatch.setattr(analyzer_module, "build_dependency_analyzer", fast)
    osv.delay = 3.0
    code = main(_args(osv.url, tmp_path))
    captured = capsys.readouterr()
    notice = _failed_notice(osv.url, f"{osv.url}/v1/querybatch: timed out")
    assert code == 2
    report = json.loads(captured.out)
    assert report["notices"] == [notice]
    assert _fg3001(report) == []
    # The inventory is complete without vulnerability data.
    assert [(d["function"], d["manifests"]) for d in report["dependencies"]] == [
        ("invoice", ["functions/invoice/requirements.txt", "requirements.txt"]),
        ("report", ["functions/report/requirements.txt", "requirements.txt"]),
    ]
    assert captured.err == f"faasguard: error: {notice}\n"
    assert osv.requests == ["POST /v1/querybatch", "POST /v1/querybatch"]


def test_the_failure_is_stated_in_the_text_report_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A plain-http URL to a non-loopback host is refused before any connection is made.
    code = main(_args("http://osv.example.com", tmp_path, fmt="text"))
    captured = capsys.readouterr()
    detail = (
        "http://osv.example.com/v1/querybatch: only https URLs are allowed (http only to a "
        "loopback host)"
    )
    assert code == 2
    assert f"note: {_failed_notice('http://osv.example.com', detail)}" in " ".join(
        captured.out.split()
    )
    assert "Traceback" not in captured.err


class _BrokenStore(VulnerabilitySource):
    """A source that fails like a corrupt store, counting how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    def match(self, packages: Iterable[PackageQuery]) -> dict[PackageQuery, Any]:
        self.calls += 1
        raise StoreError("osv.sqlite3: database disk image is malformed")


def test_a_failed_source_is_asked_once_and_every_unchecked_application_is_named() -> None:
    source = _BrokenStore()
    analyzer = DependencyAnalyzer(source)
    result = scan(REPO / "examples", Config(), load_options=LoadOptions(), analyzers=[analyzer])
    assert source.calls == 1  # the second application is not sent to a source known to fail
    assert analyzer.errors == [
        "Vulnerability lookup failed (offline vulnerability store): osv.sqlite3: database disk "
        "image is malformed. Dependencies of `shop-sam`, `shop-api`, `shop-terraform` were NOT "
        "checked for known "
        "vulnerabilities; the inventory and unpinned-dependency findings are complete. Rebuild "
        "the store with `faasguard db update` (or `faasguard db import`)."
    ]
    assert [f.rule_id for f in result.findings if f.rule_id == "FG3001"] == []
    assert sorted(f.evidence for f in result.findings if f.rule_id == "FG3002") == ["jinja2 >=2.10"]
