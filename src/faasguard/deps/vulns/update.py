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
    policy = retry or RetryPolicy()
    base = base_url.rstrip("/")
    results = []
    for raw in ecosystems:
        ecosystem = normalize_ecosystem(raw)
        started = now or datetime.now(timezone.utc)
        previous = store.last_update(ecosystem, base) if incremental else None
        result = None
        if previous is not None:
            result = _incremental(
                store, ecosystem, base, previous - caps.overlap, started, timeout, caps, policy
            )
        if result is None:
            result = _full(store, ecosystem, base, started, timeout, caps, policy)
        results.append(result)
    return tuple(results)


def _ecosystem_url(base: str, ecosystem: str, leaf: str) -> str:
    return f"{base}/{urllib.parse.quote(ecosystem, safe='')}/{leaf}"


def _full(
    store: Store,
    ecosystem: str,
    base: str,
    started: datetime,
    timeout: float,
    caps: UpdateLimits,
    policy: RetryPolicy,
) -> UpdateResult:
    url = _ecosystem_url(base, ecosystem, "all.zip")
    with tempfile.TemporaryDirectory(prefix="faasguard-osv-") as tmp:
        target = Path(tmp) / "all.zip"

        def fetch() -> int:
            with target.open("wb") as out:
                return download(url, out, max_bytes=caps.max_zip_bytes, timeout=timeout)

        size = with_retries(fetch, policy)
        report = store.import_zip(
            target,
            ecosystem,
            source=base,
            mode="full",
            limits=caps.zip,
            updated_at=started,
        )
    return UpdateResult(ecosystem, "full", size, report)


def _incremental(
    store: Store,
    ecosystem: str,
    base: str,
    since: datetime,
    started: datetime,
    timeout: float,
    caps: UpdateLimits,
    policy: RetryPolicy,
) -> UpdateResult | None:
    csv_url = _ecosystem_url(base, ecosystem, "modified_id.csv")
    try:
        text = with_retries(
            lambda: request(csv_url, max_bytes=caps.max_csv_bytes, timeout=timeout), policy
        )
    except HTTPStatusError as exc:
        if exc.status in (403, 404):
            _LOG.info("%s not available (%s); downloading the full archive", csv_url, exc)
            return None
        raise
    skipped: list[SkippedEntry] = []
    ids = _changed_ids(text, since, ecosystem, skipped)
    if len(ids) > caps.max_incremental:
        _LOG.info("%d changed records in %s; downloading the full archive", len(ids), ecosystem)
        return None

    def fetch(url: str) -> bytes:
        return request(url, max_bytes=caps.max_record_bytes, timeout=timeout)

    def records() -> Iterator[tuple[str, bytes]]:
        for vuln_id in ids:
            url = _ecosystem_url(base, ecosystem, f"{urllib.parse.quote(vuln_id)}.json")
            try:
                body = with_retries(functools.partial(fetch, url), policy)
            except HTTPStatusError as exc:
                if exc.status != 404:
                    raise
                # Listed but gone: OSV deletes a record's file when it is removed.
                skipped.append(SkippedEntry(url, "listed in modified_id.csv but not found"))
                continue
            yield url, body

    report = store.import_records(
        records(),
        ecosystem=ecosystem,
        source=base,
        mode="incremental",
        skipped=skipped,
        updated_at=started,
    )
    return UpdateResult(ecosystem, "incremental", len(ids), report)


def _changed_ids(
    text: bytes, since: datetime, ecosystem: str, skipped: list[SkippedEntry]
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
