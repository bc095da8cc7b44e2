"""Refreshing the store from OSV's public export bucket.

OSV publishes, per ecosystem, ``{base}/{ecosystem}/all.zip`` (every record) and
``{base}/{ecosystem}/modified_id.csv`` (one ``<RFC 3339 modified>,<id>`` line per record,
newest first). The first update of an ecosystem from a base URL downloads ``all.zip``. Later
ones read the CSV only down to the previous update (less a safety overlap, since the client's
clock and the export's lag are not the server's clock) and fetch just the changed
``{base}/{ecosystem}/{id}.json`` records; if the CSV is missing or lists too many changes, the
update falls back to ``all.zip``.

The cursor is the time the previous update *started*, by the local clock, not the newest
``modified`` seen: real data has typos (two PyPI records claim to be modified in 2027) that
would otherwise freeze the cursor in the future.
"""

from __future__ import annotations

import functools
import logging
import re
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from faasguard.deps.vulns.archive import ZipLimits
from faasguard.deps.vulns.interface import ImportReport, SkippedEntry
from faasguard.deps.vulns.names import SUPPORTED_ECOSYSTEMS, normalize_ecosystem
from faasguard.deps.vulns.records import parse_timestamp
from faasguard.deps.vulns.store import Store
from faasguard.deps.vulns.transport import (
    DEFAULT_TIMEOUT,
    HTTPStatusError,
    RetryPolicy,
    download,
    request,
    with_retries,
)

__all__ = ["DEFAULT_BASE_URL", "UpdateLimits", "UpdateResult", "update_store"]

DEFAULT_BASE_URL = "https://osv-vulnerabilities.storage.googleapis.com"
_MIB = 1024 * 1024
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UpdateLimits:
    """Caps on what an update downloads.

    Attributes:
        max_zip_bytes: Largest ``all.zip`` accepted.
        max_csv_bytes: Largest ``modified_id.csv`` accepted.
        max_record_bytes: Largest single ``<id>.json`` accepted.
        max_incremental: More changed records than this and the full archive is cheaper.
        overlap: How far before the previous update's start to look for changes.
        zip: Zip-bomb caps for the downloaded archive.
    """

    max_zip_bytes: int = 2048 * _MIB
    max_csv_bytes: int = 256 * _MIB
    max_record_bytes: int = 8 * _MIB
    max_incremental: int = 5000
    overlap: timedelta = timedelta(days=1)
    zip: ZipLimits = field(default_factory=ZipLimits)


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What updating one ecosystem did.

    Attributes:
        ecosystem: The ecosystem.
        mode: ``full`` (``all.zip``) or ``incremental`` (changed records only).
        fetched: Records downloaded (incremental) or archive bytes (full).
        report: The import into the store.
    """

    ecosystem: str
    mode: Literal["full", "incremental"]
    fetched: int
    report: ImportReport


def update_store(
    store: Store,
    ecosystems: Iterable[str] = SUPPORTED_ECOSYSTEMS,
    *,
    base_url: str = DEFAULT_BASE_URL,
    incremental: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    limits: UpdateLimits | None = None,
    retry: RetryPolicy | None = None,
    now: datetime | None = None,
) -> tuple[UpdateResult, ...]:
    """Bring a store up to date with an OSV export bucket.

    Args:
        store: The store to update.
        ecosystems: Ecosystems to update, e.g. ``("PyPI",)``.
        base_url: The bucket's URL (https; http only to a loopback host).
        incremental: Use ``modified_id.csv`` when the store has a previous update from
            ``base_url``; ``False`` always downloads ``all.zip``.
        timeout: Seconds for connecting and for each read.
        limits: Download caps.
        retry: Retries of transient network failures.
        now: The update's start time (defaults to now), recorded as the next cursor.

    Returns:
        One result per ecosystem, in the order given.

    Raises:
        DownloadError: A download failed; that ecosystem's data is unchanged (earlier
            ecosystems stay updated).
        ArchiveError: The downloaded archive is not a zip or exceeds a cap.
        StoreError: The store cannot be written.
    """
    caps = limits or UpdateLimits()
    base = base_url.rstrip("/")
    results = []
    for raw in ecosystems:
        job = _Job(
            store=store,
            ecosystem=normalize_ecosystem(raw),
            base=base,
            started=now or datetime.now(timezone.utc),
            timeout=timeout,
            caps=caps,
            policy=retry or RetryPolicy(),
        )
        previous = store.last_update(job.ecosystem, base) if incremental else None
        result = _incremental(job, since=previous - caps.overlap) if previous else None
        results.append(result or _full(job))
    return tuple(results)


@dataclass(frozen=True, slots=True)
class _Job:
    """One ecosystem's update: where from, into what, with which limits."""

    store: Store
    ecosystem: str
    base: str
    started: datetime
    timeout: float
    caps: UpdateLimits
    policy: RetryPolicy

    def url(self, leaf: str) -> str:
        return f"{self.base}/{urllib.parse.quote(self.ecosystem, safe='')}/{leaf}"


def _full(job: _Job) -> UpdateResult:
    url = job.url("all.zip")
    with tempfile.TemporaryDirectory(prefix="faasguard-osv-") as tmp:
        target = Path(tmp) / "all.zip"

        def fetch() -> int:
            with target.open("wb") as out:
                return download(url, out, max_bytes=job.caps.max_zip_bytes, timeout=job.timeout)

        size = with_retries(fetch, job.policy)
        report = job.store.import_zip(
            target,
            job.ecosystem,
            source=job.base,
            mode="full",
            limits=job.caps.zip,
            updated_at=job.started,
        )
    return UpdateResult(job.ecosystem, "full", size, report)


def _incremental(job: _Job, *, since: datetime) -> UpdateResult | None:
    caps = job.caps
    csv_url = job.url("modified_id.csv")
    try:
        text = with_retries(
            lambda: request(csv_url, max_bytes=caps.max_csv_bytes, timeout=job.timeout),
            job.policy,
        )
    except HTTPStatusError as exc:
        if exc.status in (403, 404):
            _LOG.info("%s not available (%s); downloading the full archive", csv_url, exc)
            return None
        raise
    skipped: list[SkippedEntry] = []
    ids = _changed_ids(text, since=since, ecosystem=job.ecosystem, skipped=skipped)
    if len(ids) > caps.max_incremental:
        _LOG.info("%d changed records in %s: downloading the full archive", len(ids), job.base)
        return None

    def fetch(url: str) -> bytes:
        return request(url, max_bytes=caps.max_record_bytes, timeout=job.timeout)

    def records() -> Iterator[tuple[str, bytes]]:
        for vuln_id in ids:
            url = job.url(f"{urllib.parse.quote(vuln_id)}.json")
            try:
                body = with_retries(functools.partial(fetch, url), job.policy)
            except HTTPStatusError as exc:
                if exc.status != 404:
                    raise
                # Listed but gone: OSV deletes a record's file when it is removed.
                skipped.append(SkippedEntry(url, "listed in modified_id.csv but not found"))
                continue
            yield url, body

    report = job.store.import_records(
        records(),
        ecosystem=job.ecosystem,
        source=job.base,
        mode="incremental",
        skipped=skipped,
        updated_at=job.started,
    )
    return UpdateResult(job.ecosystem, "incremental", len(ids), report)


def _changed_ids(
    text: bytes, *, since: datetime, ecosystem: str, skipped: list[SkippedEntry]
) -> list[str]:
    """Read ``modified_id.csv`` (newest first) down to ``since``; return ids, de-duplicated."""
    ids: dict[str, None] = {}
    for number, raw_line in enumerate(text.decode("utf-8", errors="replace").splitlines(), 1):
        line = raw_line.strip()
        if not line:
            continue
        stamp_text, sep, vuln_id = line.partition(",")
        try:
            stamp = parse_timestamp(stamp_text)
        except ValueError:
            skipped.append(SkippedEntry(f"modified_id.csv:{number}", "bad timestamp"))
            continue
        if stamp < since:
            break  # Sorted newest first: everything below is older.
        vuln_id = vuln_id.strip()
        prefix, slash, rest = vuln_id.partition("/")
        if slash and prefix == ecosystem:
            vuln_id = rest  # The bucket-wide CSV writes "<ecosystem>/<id>".
        if not sep or not _SAFE_ID.fullmatch(vuln_id):
            skipped.append(SkippedEntry(f"modified_id.csv:{number}", "not a safe record id"))
            continue
        ids.setdefault(vuln_id, None)
    return list(ids)
