"""The SQLite store: safe archive import, transactions, metadata, location."""

import json
import sqlite3
import struct
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from faasguard.deps.vulns import (
    ArchiveError,
    PackageQuery,
    SkippedEntry,
    Store,
    StoreError,
    StoreSource,
    ZipBombError,
    ZipLimits,
    default_db_path,
    import_zip,
    is_stale,
    status,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def _record(vuln_id, name="demo", ecosystem="PyPI", **extra):
    data = {
        "id": vuln_id,
        "modified": "2026-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"name": name, "ecosystem": ecosystem},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}],
            }
        ],
    }
    data.update(extra)
    return json.dumps(data)


def _zip(path, entries, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "osv.sqlite3") as opened:
        yield opened


def _ids(store, name="demo", version="1"):
    query = PackageQuery("PyPI", name, version)
    with StoreSource(store) as source:
        return [m.id for m in source.match([query])[query]]


def test_bad_entries_are_skipped_with_reasons(store, tmp_path):
    archive = _zip(
        tmp_path / "all.zip",
        [
            ("PYSEC-1.json", _record("PYSEC-1")),
            ("../PYSEC-2.json", _record("PYSEC-2")),
            ("sub/PYSEC-3.json", _record("PYSEC-3")),
            ("/PYSEC-4.json", _record("PYSEC-4")),
            ("..\\PYSEC-5.json", _record("PYSEC-5")),
            ("README.txt", "hello"),
            ("broken.json", "{not json"),
            ("list.json", "[]"),
            ("bad-affected.json", '{"id": "X", "modified": "2026-01-01T00:00:00Z", "affected": 3}'),
            ("rubygems.json", _record("GHSA-r", ecosystem="RubyGems")),
        ],
    )
    report = store.import_zip(archive)
    assert (report.imported, report.ignored, report.ecosystems) == (1, 1, ("PyPI",))
    assert [(s.name, s.reason.split(":")[0]) for s in report.skipped] == [
        ("../PYSEC-2.json", "entry name has a path (OSV archives are flat)"),
        ("sub/PYSEC-3.json", "entry name has a path (OSV archives are flat)"),
        ("/PYSEC-4.json", "entry name has a path (OSV archives are flat)"),
        ("..\\PYSEC-5.json", "entry name has a path (OSV archives are flat)"),
        ("README.txt", "not a .json entry"),
        ("broken.json", "not valid JSON"),
        ("list.json", "not a valid OSV record"),
        ("bad-affected.json", "not a valid OSV record"),
    ]
    assert report.skipped[6] == SkippedEntry(
        "list.json", "not a valid OSV record: list.json: record must be an object, not list"
    )
    assert _ids(store) == ["PYSEC-1"]


def test_ratio_bomb_is_refused_and_nothing_is_kept(store, tmp_path):
    archive = _zip(
        tmp_path / "bomb.zip",
        [("PYSEC-1.json", _record("PYSEC-1")), ("PYSEC-2.json", b" " * (8 * 1024 * 1024))],
    )
    with pytest.raises(ZipBombError, match="compression ratio above 100"):
        store.import_zip(archive)
    assert store.status(now=NOW).total_records == 0


def test_oversized_entry_is_refused(store, tmp_path):
    archive = _zip(tmp_path / "big.zip", [("A.json", b"x" * 5000)], zipfile.ZIP_STORED)
    with pytest.raises(ZipBombError, match=r"'A\.json' is 5000 bytes uncompressed, more than 4096"):
        store.import_zip(archive, limits=ZipLimits(max_entry_size=4096))


def test_entry_count_cap(store, tmp_path):
    archive = _zip(tmp_path / "many.zip", [(f"P-{i}.json", _record(f"P-{i}")) for i in range(4)])
    with pytest.raises(ZipBombError, match="4 entries, more than 3"):
        store.import_zip(archive, limits=ZipLimits(max_entries=3))


def test_total_size_cap_rolls_back_the_whole_import(store, tmp_path):
    entries = [(f"P-{i}.json", _record(f"P-{i}")) for i in range(3)]
    archive = _zip(tmp_path / "total.zip", entries, zipfile.ZIP_STORED)
    size = sum(len(data) for _, data in entries)
    with pytest.raises(ZipBombError, match="uncompressed"):
        store.import_zip(archive, limits=ZipLimits(max_total_size=size - 1))
    assert store.status(now=NOW).total_records == 0
    assert store.import_zip(archive, limits=ZipLimits(max_total_size=size)).imported == 3


def test_forged_sizes_do_not_inflate(store, tmp_path):
    """An entry whose headers claim 100 bytes but that inflates further is not trusted."""
    archive = _zip(tmp_path / "forged.zip", [("P-1.json", _record("P-1") + " " * 5000)])
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.infolist()[0]
    real = struct.pack("<I", info.file_size)
    assert raw.count(real) == 2  # local header and central directory
    archive.write_bytes(bytes(raw.replace(real, struct.pack("<I", 100))))
    report = store.import_zip(archive)
    assert report.imported == 0
    assert [(s.name, s.reason.split(":")[0]) for s in report.skipped] == [
        ("P-1.json", "unreadable entry")
    ]


def test_not_a_zip(store, tmp_path):
    path = tmp_path / "all.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ArchiveError, match=r"all\.zip: not a readable zip archive"):
        store.import_zip(path)


def test_reimport_replaces_records_and_their_index(store, tmp_path):
    store.import_zip(_zip(tmp_path / "a.zip", [("P-1.json", _record("P-1", name="old-name"))]))
    assert _ids(store, "old-name") == ["P-1"]
    store.import_zip(_zip(tmp_path / "b.zip", [("P-1.json", _record("P-1", name="new-name"))]))
    assert _ids(store, "old-name") == []
    assert _ids(store, "new-name") == ["P-1"]


def test_status_counts_and_staleness(store, tmp_path):
    entries = [
        ("P-1.json", _record("P-1")),
        ("P-2.json", _record("P-2", name="other", withdrawn="2026-02-01T00:00:00Z")),
        ("G-1.json", _record("G-1", ecosystem="npm", name="left-pad")),
    ]
    archive = _zip(tmp_path / "all.zip", entries)
    store.import_zip(archive, "PyPI", updated_at=NOW - timedelta(days=3))
    snapshot = store.status(now=NOW)
    assert snapshot.total_records == 2  # the npm-only record is not indexed for "PyPI"
    (pypi,) = snapshot.ecosystems
    assert (pypi.ecosystem, pypi.records, pypi.withdrawn, pypi.packages) == ("PyPI", 2, 1, 2)
    assert pypi.last_update == NOW - timedelta(days=3)
    assert [(s.source, s.record_count, s.mode) for s in pypi.sources] == [
        (f"file:{archive.resolve()}", 2, "file")
    ]
    assert snapshot.age("PyPI") == timedelta(days=3)
    assert snapshot.age("npm") is None
    assert not store.is_stale(7, now=NOW)
    assert store.is_stale(2, now=NOW)
    assert store.is_stale(7, ecosystems=["PyPI", "npm"], now=NOW)  # npm never imported
    assert _ids(store, "other") == []  # withdrawn


def test_empty_store_is_stale(store):
    assert store.is_stale(now=NOW)
    assert store.status(now=NOW).ecosystems == ()


def test_default_location_and_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("FAASGUARD_DB", str(tmp_path / "env" / "osv.sqlite3"))
    assert default_db_path() == tmp_path / "env" / "osv.sqlite3"
    archive = _zip(tmp_path / "all.zip", [("P-1.json", _record("P-1"))])
    assert import_zip(archive, "pypi").imported == 1
    assert (tmp_path / "env" / "osv.sqlite3").is_file()
    assert status(now=NOW).total_records == 1
    assert not is_stale(now=datetime.now(timezone.utc))
    monkeypatch.delenv("FAASGUARD_DB")
    monkeypatch.setattr("platformdirs.user_cache_dir", lambda app: str(tmp_path / "cache" / app))
    assert default_db_path() == tmp_path / "cache" / "faasguard" / "osv.sqlite3"


def test_not_a_database(tmp_path):
    path = tmp_path / "osv.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable store"):
        Store(path)


def test_other_schema_version_is_rebuilt(tmp_path):
    path = tmp_path / "osv.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE vulns (junk TEXT)")
        db.execute("PRAGMA user_version=99")
    with Store(path) as store:
        assert store.status(now=NOW).total_records == 0
        archive = _zip(tmp_path / "all.zip", [("P-1.json", _record("P-1"))])
        assert store.import_zip(archive).imported == 1


def test_corrupt_stored_record_is_a_store_error(store, tmp_path):
    store.import_zip(_zip(tmp_path / "all.zip", [("P-1.json", _record("P-1"))]))
    store._db.execute("UPDATE vulns SET json = '{broken'")
    with pytest.raises(StoreError, match="stored record P-1 is corrupt"):
        _ids(store)


def test_failure_in_the_middle_of_an_import_rolls_back(store):
    def entries():
        yield "P-1.json", _record("P-1").encode()
        raise ZipBombError("stop")

    with pytest.raises(ZipBombError):
        store.import_records(entries(), ecosystem="PyPI", source="test", mode="incremental")
    assert store.status(now=NOW).total_records == 0
    assert store.last_update("PyPI", "test") is None
