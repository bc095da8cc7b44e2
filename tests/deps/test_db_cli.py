"""``faasguard db`` against the shared PyPI OSV export, and the scan's data notices."""

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from faasguard.cli.main import main
from faasguard.deps.analyzer import build_dependency_analyzer
from faasguard.deps.vulns import store as store_module

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", REPO.parent / "shared" / "data"))
PYPI_ZIP = SHARED / "osv" / "PyPI" / "all.zip"


def test_import_then_status(tmp_path, capsys):
    db = tmp_path / "osv.sqlite3"
    assert main(["db", "--db", str(db), "status"]) == 0
    assert capsys.readouterr().out == (
        f"No vulnerability store at {db}. Create it with `faasguard db update` or "
        "`faasguard db import FILE.zip`.\n"
    )
    assert main(["db", "--db", str(db), "import", str(PYPI_ZIP)]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"imported 7080 records from {re.escape(str(PYPI_ZIP))} into {re.escape(str(db))} "
        r"\(269 withdrawn, 0 skipped, \d+\.\d s\)\n",
        out,
    )
    assert main(["db", "--db", str(db), "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"store: {db}", "records: 7080"]
    assert re.fullmatch(
        r"PyPI: 7080 records \(269 withdrawn\), 1532 packages, updated "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC, 0 days ago",
        lines[2],
    )


def test_import_missing_file_is_usage_error(tmp_path, capsys):
    assert main(["db", "--db", str(tmp_path / "x.db"), "import", str(tmp_path / "no.zip")]) == 2
    assert capsys.readouterr().err == f"faasguard: error: {tmp_path / 'no.zip'}: no such file\n"


def test_import_of_a_non_zip_fails_cleanly(tmp_path, capsys):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert main(["db", "--db", str(tmp_path / "x.db"), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("faasguard: error: ") and "Traceback" not in err


def test_stale_data_gives_a_refresh_notice(tmp_path, monkeypatch):
    db = tmp_path / "osv.sqlite3"
    ten_days_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "_utcnow", lambda: ten_days_ago)
        assert main(["db", "--db", str(db), "import", str(PYPI_ZIP)]) == 0
    _, notices = build_dependency_analyzer(db_path=db, online=False, api_url=None)
    assert notices == [
        f"PyPI vulnerability data is 10 days old (last update {ten_days_ago:%Y-%m-%d}); refresh "
        "it with `faasguard db update` (or `faasguard db import FILE.zip` offline)."
    ]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_scan_without_data_says_so(tmp_path, capsys, fmt):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  f:\n    handler: h.main\n"
    )
    (tmp_path / "requirements.txt").write_text("PyYAML==5.3.1\n")
    db = tmp_path / "missing.sqlite3"
    code = main(
        [
            "scan",
            str(tmp_path),
            "--osv-db",
            str(db),
            "--format",
            fmt,
            "--today",
            "2026-11-28",
            "--fail-on",
            "never",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "dependencies were NOT checked for known vulnerabilities" in out
    if fmt == "json":
        report = json.loads(out)
        assert [f["rule_id"] for f in report["findings"] if f["rule_id"] == "FG3001"] == []
    else:
        assert "FG3001 vulnerable-dependency" not in out


def _export(records: list[dict]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for record in records:
            zf.writestr(f"{record['id']}.json", json.dumps(record))
    return buffer.getvalue()


def test_db_update_downloads_each_ecosystem_from_a_local_mirror(tmp_path, capsys):
    """``faasguard db update`` end to end against an OSV-layout HTTP server on 127.0.0.1."""
    import threading
    import zipfile
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    with zipfile.ZipFile(PYPI_ZIP) as zf:
        pypi = [json.loads(zf.read(f"{name}.json")) for name in ("PYSEC-2021-142", "PYSEC-2018-28")]
    npm_zip = SHARED / "osv" / "npm" / "ghsa-sample.zip"
    with zipfile.ZipFile(npm_zip) as zf:
        npm = [json.loads(zf.read("GHSA-p6mc-m468-83gw.json"))]
    files = {"/PyPI/all.zip": _export(pypi), "/npm/all.zip": _export(npm)}
    served: list[str] = []

    class Mirror(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_GET(self):
            served.append(self.path)
            data = files.get(self.path)
            self.send_response(200 if data else 404)
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        db = tmp_path / "osv.sqlite3"
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert main(["db", "--db", str(db), "update", "--base-url", base]) == 0
    finally:
        server.shutdown()
    assert served == ["/PyPI/all.zip", "/npm/all.zip"]
    assert capsys.readouterr().out == (
        f"PyPI: full update, 2 records written, 0 skipped ({db})\n"
        f"npm: full update, 1 records written, 0 skipped ({db})\n"
    )
    _, notices = build_dependency_analyzer(db_path=db, online=False, api_url=None)
    assert notices == []
