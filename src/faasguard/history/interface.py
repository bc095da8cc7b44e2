"""The history seam: what a store keeps, its abstract base, and its errors.

A scan is written in one transaction (:meth:`HistoryStore.record`): a reader never sees half a
scan, and a failure leaves the database as it was.
"""

from __future__ import annotations

import datetime as _dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "FindingRecord",
    "FunctionRecord",
    "HistoryCorruptError",
    "HistoryError",
    "HistoryStore",
    "HistoryTooNewError",
    "HistoryUnavailableError",
    "InventoryRow",
    "ScanNotFoundError",
    "ScanRecord",
    "StoredScan",
]


class HistoryError(Exception):
    """A history database cannot be used; the message names it and says why."""


class HistoryUnavailableError(HistoryError):
    """The database cannot be reached or opened (refused connection, bad URL, permissions)."""


class HistoryTooNewError(HistoryError):
    """The database was written by a newer faasguard, whose schema this one cannot read."""


class HistoryCorruptError(HistoryError):
    """The file is not a readable history database (corrupted, or another program's file)."""


class ScanNotFoundError(HistoryError):
    """A scan id names no recorded scan."""


@dataclass(frozen=True, slots=True)
class FunctionRecord:
    """One function as one scan saw it.

    Attributes:
        key: stable identity across scans: the application's template (or account and region)
            and the function's name, ``examples/shop/serverless.yml#getOrder``.
        application: the application name.
        name: the function's name.
        file: where the function is declared.
        line: its line.
        owner: who owns it (an ``owner``/``team`` tag, else the CODEOWNERS entry for its code).
        owner_source: ``tag:<key>`` or ``CODEOWNERS``, None without an owner.
        description: the function's description, when set.
        readme: path of the README next to its code, when there is one.
        runtime: the runtime, when known.
        role_fingerprint: hash of the statements and managed policies of its role.
        triggers_fingerprint: hash of its triggers.
        dependencies_fingerprint: hash of the packages it ships (None when not analysed).
        code_fingerprint: hash of its handler file or inline code (None when not readable).
        triggers: each trigger as ``kind source-or-route``, sorted.
        permissions: each allowed action of its role (as written, with wildcards), sorted.
        vulnerable_packages: ``ecosystem:name@version vulnerability`` of each known vulnerability.
        finding_counts: number of findings by category.
        cost_per_hour: its denial-of-wallet ceiling in US dollars, when it can be computed.
        unused: True when the scan reported it unused (``sprawl.unused-function``).
    """

    key: str
    application: str
    name: str
    file: str
    line: int | None = None
    owner: str | None = None
    owner_source: str | None = None
    description: str | None = None
    readme: str | None = None
    runtime: str | None = None
    role_fingerprint: str | None = None
    triggers_fingerprint: str | None = None
    dependencies_fingerprint: str | None = None
    code_fingerprint: str | None = None
    triggers: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    vulnerable_packages: tuple[str, ...] = ()
    finding_counts: Mapping[str, int] = field(default_factory=dict)
    cost_per_hour: Decimal | None = None
    unused: bool = False


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding of a scan, enough to tell new from fixed.

    Attributes:
        fingerprint: the finding's stable fingerprint.
        function_key: the :attr:`FunctionRecord.key` it is about, None for application-level.
        rule_id: the rule id.
        category: the taxonomy category.
        severity: the severity name.
        message: the message.
    """

    fingerprint: str
    function_key: str | None
    rule_id: str
    category: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """Everything recorded about one scan."""

    target: str
    started_at: _dt.datetime
    version: str
    functions: tuple[FunctionRecord, ...]
    findings: tuple[FindingRecord, ...]


@dataclass(frozen=True, slots=True)
class StoredScan:
    """A recorded scan, as listed."""

    id: int
    target: str
    started_at: _dt.datetime
    version: str
    functions: int
    findings: int


@dataclass(frozen=True, slots=True)
class InventoryRow:
    """A function of the inventory: its latest record, and when it was first and last seen."""

    record: FunctionRecord
    first_seen: _dt.datetime
    last_seen: _dt.datetime
    last_scan: int


class HistoryStore(ABC):
    """A history database. Use as a context manager, or call :meth:`close`."""

    #: What the store is, for messages (``sqlite:/home/me/.local/share/faasguard/history.db``).
    description: str

    @abstractmethod
    def record(self, scan: ScanRecord) -> int:
        """Write one scan, in one transaction, and return its id."""

    @abstractmethod
    def scans(self) -> list[StoredScan]:
        """Every recorded scan, oldest first."""

    @abstractmethod
    def scan(self, scan_id: int) -> StoredScan:
        """One recorded scan. Raises :class:`ScanNotFoundError`."""

    @abstractmethod
    def functions(self, scan_id: int) -> list[FunctionRecord]:
        """The functions of one scan, by key."""

    @abstractmethod
    def findings(self, scan_id: int) -> list[FindingRecord]:
        """The findings of one scan, by fingerprint."""

    @abstractmethod
    def inventory(self) -> list[InventoryRow]:
        """Every function ever recorded, with its latest record, by key."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
