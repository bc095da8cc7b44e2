"""AWS Lambda managed runtimes and their deprecation schedule.

The schedule ships as package data (``rules/_data/runtimes.json``), compiled by hand from AWS's
"Lambda runtimes" documentation; the file records its source and compile date. It is read on
first use and kept for the life of the process, so importing this module does no I/O and a scan
reads the file at most once.

A rule asks :func:`lifecycle` about one runtime id; ids the table does not know return None,
which callers must treat as "unknown", never as "supported".
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import Any

__all__ = [
    "RuntimeLifecycle",
    "RuntimeTable",
    "lifecycle",
    "runtime_table",
]

_DATA_PACKAGE = "faasguard.rules"
_DATA_DIR = "_data"
_DATA_FILE = "runtimes.json"


@dataclass(frozen=True, slots=True)
class RuntimeLifecycle:
    """The published lifecycle of one Lambda managed runtime.

    Attributes:
        id: the runtime identifier as written in templates (``python3.12``).
        name: the human name AWS uses (``Python 3.12``).
        deprecated: the day AWS stops patching the runtime; None when not scheduled.
        block_create: from this day new functions on the runtime cannot be created.
        block_update: from this day existing functions on the runtime cannot be updated.
        successor: the runtime AWS users should move to, or None for the newest one.
    """

    id: str
    name: str
    deprecated: _dt.date | None
    block_create: _dt.date | None
    block_update: _dt.date | None
    successor: str | None


@dataclass(frozen=True, slots=True)
class RuntimeTable:
    """The whole schedule with its provenance.

    Attributes:
        source: where the dates come from (a URL).
        compiled: the day the table was compiled; dates announced later are missing.
        runtimes: every known runtime, keyed by id.
    """

    source: str
    compiled: _dt.date
    runtimes: Mapping[str, RuntimeLifecycle]


def lifecycle(runtime_id: str) -> RuntimeLifecycle | None:
    """Return the lifecycle of ``runtime_id``, or None when the table does not know it.

    Args:
        runtime_id: a runtime identifier as written in a template; compared case-insensitively
            and without surrounding blanks.

    Returns:
        The runtime's lifecycle, or None for an id the table does not list.
    """
    return runtime_table().runtimes.get(runtime_id.strip().lower())


@functools.cache
def runtime_table() -> RuntimeTable:
    """Return the runtime schedule, reading the packaged JSON on the first call only.

    Returns:
        The parsed table.

    Raises:
        ValueError: the packaged file is malformed (a packaging bug, not a user error).
    """
    resource = files(_DATA_PACKAGE).joinpath(_DATA_DIR).joinpath(_DATA_FILE)
    raw = json.loads(resource.read_text(encoding="utf-8"))
    return _parse_table(raw)


def _parse_table(raw: Any) -> RuntimeTable:
    if not isinstance(raw, dict) or not isinstance(raw.get("runtimes"), dict):
        raise ValueError("runtimes.json: expected an object with a 'runtimes' object")
    runtimes = {
        runtime_id: _parse_runtime(runtime_id, entry)
        for runtime_id, entry in raw["runtimes"].items()
    }
    return RuntimeTable(
        source=_require_str(raw, "source", "runtimes.json"),
        compiled=_parse_date(raw.get("compiled"), "runtimes.json: compiled"),
        runtimes=MappingProxyType(runtimes),
    )


def _parse_runtime(runtime_id: str, entry: Any) -> RuntimeLifecycle:
    where = f"runtimes.json: {runtime_id}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected an object")
    successor = entry.get("successor")
    if successor is not None and not isinstance(successor, str):
        raise ValueError(f"{where}: successor must be a string or null")
    return RuntimeLifecycle(
        id=runtime_id,
        name=_require_str(entry, "name", where),
        deprecated=_optional_date(entry.get("deprecated"), f"{where}: deprecated"),
        block_create=_optional_date(entry.get("block_create"), f"{where}: block_create"),
        block_update=_optional_date(entry.get("block_update"), f"{where}: block_update"),
        successor=successor,
    )


def _require_str(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: '{key}' must be a non-empty string")
    return value


def _optional_date(value: Any, where: str) -> _dt.date | None:
    return None if value is None else _parse_date(value, where)


def _parse_date(value: Any, where: str) -> _dt.date:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a YYYY-MM-DD string")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
