"""Updating the store from an OSV export bucket, against a local server on 127.0.0.1."""

import io
import json
import threading
import zipfile
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from faasguard.deps.vulns import (
    DownloadError,
    PackageQuery,
    RetryPolicy,
    Store,
    StoreSource,
    UnsafeURLError,
    UpdateLimits,
    update,
    update_store,
)
from faasguard.deps.vulns.transport import HTTPStatusError, ResponseTooLargeError

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
NO_WAIT = RetryPolicy(attempts=3, backoff=0.0)


def _record(vuln_id, fixed, modified):
    return json.dumps(
        {
            "id": vuln_id,
            "modified": modified.isoformat().replace("+00:00", "Z"),
            "affected": [
                {
                    "package": {"name": "demo", "ecosystem": "PyPI"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}
                    ],
                }
            ],
        }
    ).encode()


def _zip(records):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for vuln_id, body in records.items():
            zf.writestr(f"{vuln_id}.json", body)
    return buffer.getvalue()


class Bucket:
    """A tiny stand-in for the OSV export bucket: path -> (status, body, headers)."""

    def __init__(self):
        self.routes = {}
        self.failures = {}
        self.requests = []
        bucket = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                bucket.requests.append(self.path)
                if bucket.failures.get(self.path, 0) > 0:
                    bucket.failures[self.path] -= 1
                    self._send(503, b"try later", {})
                    return
                status, body, headers = bucket.routes.get(self.path, (404, b"no", {}))
                self._send(status, body, headers)

            def _send(self, status, body, headers):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path, body, status=200, headers=None):
        self.routes[path] = (status, body, headers or {})

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bucket():
    served = Bucket()
    yield served
    served.close()


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "osv.sqlite3") as opened:
        yield opened


def _fixed_in(store, version="0.1"):
    query = PackageQuery("PyPI", "demo", version)
    with StoreSource(store) as source:
        return {m.id: m.fixed_in for m in source.match([query])[query]}


def _csv(*rows):
    return "".join(f"{stamp.isoformat().replace('+00:00', 'Z')},{vid}\n" for stamp, vid in rows)


def test_full_then_incremental(bucket, store):
    old = T0 - timedelta(days=30)
    bucket.serve(
        "/PyPI/all.zip",
        _zip(
            {"PYSEC-1": _record("PYSEC-1", "1.0", old), "PYSEC-2": _record("PYSEC-2", "2.0", old)}
        ),
    )
    (first,) = update_store(store, ["pypi"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    assert (first.ecosystem, first.mode, first.report.imported) == ("PyPI", "full", 2)
    assert bucket.requests == ["/PyPI/all.zip"]
    assert store.last_update("PyPI", bucket.url) == T0
    assert _fixed_in(store) == {"PYSEC-1": ("1.0",), "PYSEC-2": ("2.0",)}

    # A day later: PYSEC-2 changed, PYSEC-3 is new, PYSEC-1 last changed before the cursor.
    later = T0 + timedelta(days=1)
    bucket.requests.clear()
    bucket.serve(
        "/PyPI/modified_id.csv",
        _csv(
            (later, "PYSEC-3"),
            (later - timedelta(hours=1), "PYSEC-2"),
            (T0 - timedelta(hours=2), "PYSEC-2"),  # within the one-day overlap: fetched once
            (T0 - timedelta(days=2), "PYSEC-1"),  # before the cursor: the scan stops here
            (old, "PYSEC-0"),
        ).encode(),
    )
    bucket.serve("/PyPI/PYSEC-2.json", _record("PYSEC-2", "2.5", later))
    bucket.serve("/PyPI/PYSEC-3.json", _record("PYSEC-3", "3.0", later))
    (second,) = update_store(store, ["PyPI"], base_url=bucket.url, now=later, retry=NO_WAIT)
    assert (second.mode, second.fetched, second.report.imported) == ("incremental", 2, 2)
    assert bucket.requests == ["/PyPI/modified_id.csv", "/PyPI/PYSEC-3.json", "/PyPI/PYSEC-2.json"]
    assert _fixed_in(store) == {"PYSEC-1": ("1.0",), "PYSEC-2": ("2.5",), "PYSEC-3": ("3.0",)}
    (pypi,) = store.status(now=later).ecosystems
    assert [(s.source, s.mode, s.updated_at) for s in pypi.sources] == [
        (bucket.url, "incremental", later)
    ]


def test_missing_csv_falls_back_to_the_archive(bucket, store):
    bucket.serve("/PyPI/all.zip", _zip({"PYSEC-1": _record("PYSEC-1", "1.0", T0)}))
    update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    bucket.requests.clear()
    (result,) = update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    assert result.mode == "full"
    assert bucket.requests == ["/PyPI/modified_id.csv", "/PyPI/all.zip"]


def test_too_many_changes_fall_back_to_the_archive(bucket, store):
    bucket.serve("/PyPI/all.zip", _zip({"PYSEC-1": _record("PYSEC-1", "1.0", T0)}))
    update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    bucket.serve("/PyPI/modified_id.csv", _csv((T0, "PYSEC-1"), (T0, "PYSEC-2")).encode())
    bucket.requests.clear()
    (result,) = update_store(
        store,
        ["PyPI"],
        base_url=bucket.url,
        now=T0,
        retry=NO_WAIT,
        limits=UpdateLimits(max_incremental=1),
    )
    assert result.mode == "full"
    assert bucket.requests == ["/PyPI/modified_id.csv", "/PyPI/all.zip"]


def test_unsafe_ids_and_missing_records_are_skipped(bucket, store):
    bucket.serve("/PyPI/all.zip", _zip({"PYSEC-1": _record("PYSEC-1", "1.0", T0)}))
    update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    bucket.serve(
        "/PyPI/modified_id.csv",
        f"{_csv((T0, '../../etc/passwd'), (T0, 'PYSEC-9'))}garbage line\n".encode(),
    )
    bucket.requests.clear()
    (result,) = update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    assert result.mode == "incremental"
    assert bucket.requests == ["/PyPI/modified_id.csv", "/PyPI/PYSEC-9.json"]
    assert [(s.name, s.reason) for s in result.report.skipped] == [
        ("modified_id.csv:1", "not a safe record id"),
        ("modified_id.csv:3", "bad timestamp"),
        (f"{bucket.url}/PyPI/PYSEC-9.json", "listed in modified_id.csv but not found"),
    ]


def test_transient_errors_are_retried(bucket, store):
    bucket.serve("/npm/all.zip", _zip({"GHSA-1": _record("GHSA-1", "1.0", T0)}))
    bucket.failures["/npm/all.zip"] = 2
    (result,) = update_store(store, ["npm"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    assert result.report.imported == 0  # a PyPI-only record in the npm bucket: ignored
    assert result.report.ignored == 1
    assert bucket.requests == ["/npm/all.zip"] * 3


def test_persistent_errors_fail_without_touching_the_store(bucket, store):
    bucket.failures["/PyPI/all.zip"] = 5
    with pytest.raises(HTTPStatusError, match="HTTP 503") as caught:
        update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    assert caught.value.status == 503
    assert bucket.requests == ["/PyPI/all.zip"] * 3
    assert store.status().ecosystems == ()


def test_redirects_are_refused(bucket, store):
    bucket.serve("/PyPI/all.zip", b"", status=302, headers={"Location": "http://example.com/x"})
    with pytest.raises(HTTPStatusError, match="HTTP 302"):
        update_store(store, ["PyPI"], base_url=bucket.url, now=T0, retry=NO_WAIT)
    assert bucket.requests == ["/PyPI/all.zip"]


def test_size_cap(bucket, store):
    bucket.serve("/PyPI/all.zip", b"x" * 5000)
    with pytest.raises(ResponseTooLargeError, match="over the 1000 cap"):
        update_store(
            store,
            ["PyPI"],
            base_url=bucket.url,
            now=T0,
            retry=NO_WAIT,
            limits=UpdateLimits(max_zip_bytes=1000),
        )
    assert bucket.requests == ["/PyPI/all.zip"]  # not retried


@pytest.mark.parametrize(
    "url",
    ["http://example.com", "ftp://127.0.0.1", "file:///etc", "http://10.0.0.1", "https://"],
)
def test_only_https_or_loopback_http(store, url):
    with pytest.raises(UnsafeURLError):
        update_store(store, ["PyPI"], base_url=url, retry=NO_WAIT)


def test_connection_refused_is_a_download_error(store):
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()  # nothing listens there any more
    with pytest.raises(DownloadError):
        update_store(store, ["PyPI"], base_url=f"http://127.0.0.1:{port}", retry=NO_WAIT)


def test_module_level_update(bucket, tmp_path):
    bucket.serve("/PyPI/all.zip", _zip({"PYSEC-1": _record("PYSEC-1", "1.0", T0)}))
    db = tmp_path / "x" / "osv.sqlite3"
    (result,) = update(["PyPI"], base_url=bucket.url + "/", db=db, retry=NO_WAIT)
    assert (result.mode, result.report.imported, result.report.source) == (
        "full",
        1,
        bucket.url,
    )
    assert db.is_file()
