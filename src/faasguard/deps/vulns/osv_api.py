"""The online :class:`VulnerabilitySource`: the OSV API (https://google.github.io/osv.dev/api/).

Two endpoints are used:

* ``POST /v1/querybatch`` with ``{"queries": [{"package": {"name", "ecosystem"},
  "version"}]}``, at most 1000 queries per call. Each result lists ``{"id", "modified"}`` of
  the affecting records and may carry a ``next_page_token``; such a query is sent again with
  ``page_token`` until no token is left.
* ``GET /v1/vulns/{id}`` for the full record of each distinct id. Records are cached in memory
  and, when a store is given, in its ``api_cache`` table keyed by the ``modified`` time the batch
  reported, so an unchanged record is never fetched twice.

The API decides which records affect a version (it may use data such as ``GIT`` ranges that
cannot be evaluated here); the records themselves give ids, aliases, severity and fixes, merged
exactly as the offline source does.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from faasguard.deps.vulns.interface import (
    MatchedVulnerability,
    OsvApiError,
    PackageQuery,
    RecordError,
    Vulnerability,
    VulnerabilitySource,
)
from faasguard.deps.vulns.matching import PackageMatcher
from faasguard.deps.vulns.names import SUPPORTED_ECOSYSTEMS, normalize_ecosystem, normalize_name
from faasguard.deps.vulns.records import parse_vulnerability
from faasguard.deps.vulns.store import Store
from faasguard.deps.vulns.transport import DEFAULT_TIMEOUT, RetryPolicy, request, with_retries

__all__ = ["DEFAULT_API_URL", "ApiLimits", "OsvApiSource"]

DEFAULT_API_URL = "https://api.osv.dev"
_MIB = 1024 * 1024
_Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class ApiLimits:
    """Caps on the API conversation.

    Attributes:
        max_batch: Queries per ``querybatch`` call (the API's own limit is 1000).
        max_response_bytes: Largest ``querybatch`` response accepted.
        max_record_bytes: Largest ``/v1/vulns/{id}`` response accepted.
        max_pages: Most follow-up pages per query before giving up with an error.
        workers: Records fetched in parallel.
    """

    max_batch: int = 1000
    max_response_bytes: int = 32 * _MIB
    max_record_bytes: int = 8 * _MIB
    max_pages: int = 100
    workers: int = 8


class OsvApiSource(VulnerabilitySource):
    """Matches packages by asking the OSV API.

    Attributes:
        base_url: The API root (https; http only to a loopback host).
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_API_URL,
        store: Store | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        limits: ApiLimits | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Create a client.

        Args:
            base_url: The API root.
            store: Where fetched records are cached across runs; ``None`` keeps them in
                memory only.
            timeout: Seconds for connecting and for each read.
            retry: Retries of connection errors, timeouts, 429 and 5xx answers.
            limits: Batch size and response caps.
            sleep: Waits between retries; replaced in tests.
        """
        self.base_url = base_url.rstrip("/")
        self._store = store
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._limits = limits or ApiLimits()
        self._sleep = sleep
        self._records: dict[str, tuple[str | None, Vulnerability]] = {}

    def match(
        self, packages: Iterable[PackageQuery]
    ) -> dict[PackageQuery, tuple[MatchedVulnerability, ...]]:
        """Match packages through the API.

        Args:
            packages: Resolved packages.

        Returns:
            Each query of a supported ecosystem mapped to its matches, in primary-id order (see
            :func:`~faasguard.deps.vulns.matching.id_preference`).

        Raises:
            OsvApiError: The API answered with something that is not its protocol.
            DownloadError: The API could not be reached (after retries).
        """
        keyed: dict[_Key, list[PackageQuery]] = {}
        for query in packages:
            ecosystem = normalize_ecosystem(query.ecosystem)
            if ecosystem in SUPPORTED_ECOSYSTEMS:
                key = (ecosystem, normalize_name(ecosystem, query.name), query.version)
                keyed.setdefault(key, []).append(query)
        keys = list(keyed)
        hits = self._query(keys)
        wanted: dict[str, str | None] = {}
        for found in hits.values():
            for vuln_id, modified in found.items():
                wanted.setdefault(vuln_id, modified)
        records = self._fetch(wanted)
        out: dict[PackageQuery, tuple[MatchedVulnerability, ...]] = {}
        for key in keys:
            ids = hits.get(key, {})
            ecosystem, name, version = key
            matcher = PackageMatcher(ecosystem, name, records=[records[vuln_id] for vuln_id in ids])
            result = matcher.match(version, also=ids)
            for query in keyed[key]:
                out[query] = result
        return out

    # ------------------------------------------------------------------ querybatch

    def _query(self, keys: Sequence[_Key]) -> dict[_Key, dict[str, str | None]]:
        hits: dict[_Key, dict[str, str | None]] = {key: {} for key in keys}
        pending: list[tuple[_Key, str | None]] = [(key, None) for key in keys]
        pages = 0
        while pending:
            if pages > self._limits.max_pages:
                raise OsvApiError(f"{self.base_url}: more than {self._limits.max_pages} pages")
            follow_up: list[tuple[_Key, str | None]] = []
            for start in range(0, len(pending), self._limits.max_batch):
                chunk = pending[start : start + self._limits.max_batch]
                for (key, _), (found, token) in zip(chunk, self._batch(chunk), strict=True):
                    hits[key].update(found)
                    if token:
                        follow_up.append((key, token))
            pending = follow_up
            pages += 1
        return hits

    def _batch(
        self, chunk: Sequence[tuple[_Key, str | None]]
    ) -> list[tuple[dict[str, str | None], str | None]]:
        queries = []
        for (ecosystem, name, version), token in chunk:
            query: dict[str, object] = {
                "package": {"name": name, "ecosystem": ecosystem},
                "version": version,
            }
            if token:
                query["page_token"] = token
            queries.append(query)
        url = f"{self.base_url}/v1/querybatch"
        body = json.dumps({"queries": queries}).encode()
        raw = with_retries(
            lambda: request(
                url, max_bytes=self._limits.max_response_bytes, timeout=self._timeout, data=body
            ),
            self._retry,
            sleep=self._sleep,
        )
        return _parse_batch(url, raw, len(chunk))

    # ------------------------------------------------------------------ records

    def _fetch(self, wanted: dict[str, str | None]) -> dict[str, Vulnerability]:
        out: dict[str, Vulnerability] = {}
        missing: list[tuple[str, str | None]] = []
        for vuln_id, modified in wanted.items():
            cached = self._records.get(vuln_id)
            if cached is not None and (modified is None or cached[0] == modified):
                out[vuln_id] = cached[1]
                continue
            text = self._store.cached_api_record(vuln_id, modified) if self._store else None
            if text is not None:
                out[vuln_id] = self._remember(vuln_id, modified, text, cache=False)
            else:
                missing.append((vuln_id, modified))
        if missing:
            workers = max(1, min(self._limits.workers, len(missing)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                bodies = list(pool.map(lambda item: self._get(item[0]), missing))
            for (vuln_id, modified), text in zip(missing, bodies, strict=True):
                out[vuln_id] = self._remember(vuln_id, modified, text, cache=True)
        return out

    def _get(self, vuln_id: str) -> str:
        url = f"{self.base_url}/v1/vulns/{urllib.parse.quote(vuln_id, safe='')}"
        raw = with_retries(
            lambda: request(url, max_bytes=self._limits.max_record_bytes, timeout=self._timeout),
            self._retry,
            sleep=self._sleep,
        )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise OsvApiError(f"{url}: response is not UTF-8") from None

    def _remember(
        self, vuln_id: str, modified: str | None, text: str, *, cache: bool
    ) -> Vulnerability:
        origin = f"{self.base_url}/v1/vulns/{vuln_id}"
        try:
            record = parse_vulnerability(json.loads(text), origin=origin)
        except (ValueError, RecordError) as exc:
            raise OsvApiError(f"{origin}: not an OSV record: {exc}") from None
        if record.id != vuln_id:
            raise OsvApiError(f"{origin}: answered with record {record.id!r}")
        self._records[vuln_id] = (modified, record)
        if cache and self._store is not None:
            self._store.put_api_record(record, text)
        return record


def _parse_batch(
    url: str, raw: bytes, expected: int
) -> list[tuple[dict[str, str | None], str | None]]:
    """Validate a ``querybatch`` response; return per query its ids (with modified) and token."""
    try:
        data: object = json.loads(raw)
    except ValueError as exc:
        raise OsvApiError(f"{url}: response is not JSON: {exc}") from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or len(results) != expected:
        raise OsvApiError(f"{url}: expected {expected} results")
    out: list[tuple[dict[str, str | None], str | None]] = []
    for index, result in enumerate(results):
        if not isinstance(result, dict):
            raise OsvApiError(f"{url}: results[{index}] is not an object")
        vulns = result.get("vulns") or []
        token = result.get("next_page_token") or None
        if not isinstance(vulns, list) or not (token is None or isinstance(token, str)):
            raise OsvApiError(f"{url}: results[{index}] has the wrong shape")
        found: dict[str, str | None] = {}
        for vuln in vulns:
            vuln_id = vuln.get("id") if isinstance(vuln, dict) else None
            if not isinstance(vuln_id, str) or not vuln_id:
                raise OsvApiError(f"{url}: results[{index}] lists a vulnerability without id")
            modified = vuln.get("modified") if isinstance(vuln, dict) else None
            found[vuln_id] = modified if isinstance(modified, str) else None
        out.append((found, token))
    return out
