"""OSV JSON to :class:`~faasguard.deps.vulns.interface.Vulnerability`.

The parser is strict about structure (a record whose ``affected`` is not a list is corrupt and
is refused with a :class:`RecordError`) and lenient about content it does not use (unknown keys,
unknown event kinds, entries without a package), so that a newer schema version still loads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from faasguard.deps.vulns.interface import (
    Affected,
    Event,
    EventKind,
    Range,
    RecordError,
    Severity,
    Vulnerability,
)
from faasguard.deps.vulns.names import normalize_ecosystem, normalize_name

__all__ = ["parse_timestamp", "parse_vulnerability", "parse_vulnerability_json"]

_EVENT_KINDS: tuple[EventKind, ...] = ("introduced", "fixed", "last_affected", "limit")
# RFC 3339 as OSV writes it. Fractions can carry nanoseconds (Go exporters), which
# datetime.fromisoformat refuses before Python 3.11, so the parse is done by hand.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)


def parse_timestamp(text: str) -> datetime:
    """Parse an OSV (RFC 3339) timestamp into an aware UTC datetime.

    A missing offset is read as UTC, as OSV requires UTC. Fractions beyond microseconds are
    truncated.

    Args:
        text: The timestamp, e.g. ``2026-09-10T03:49:50.178397967Z``.

    Returns:
        The instant, in UTC.

    Raises:
        ValueError: The text is not an RFC 3339 timestamp.
    """
    try:
        # C fast path for the common shapes; nanoseconds, and "Z" before Python 3.11, fall
        # through to the pattern below.
        stamp = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        return stamp.astimezone(timezone.utc)
    found = _TIMESTAMP.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = found.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    offset = timezone.utc
    if sign is not None and zulu is None:
        delta = timedelta(hours=int(off_h), minutes=int(off_m))
        offset = timezone(-delta if sign == "-" else delta)
    stamp = datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second),
        micro,
        tzinfo=offset,
    )
    return stamp.astimezone(timezone.utc)


def parse_vulnerability_json(text: str | bytes, *, origin: str = "<record>") -> Vulnerability:
    """Parse one OSV record from its JSON text.

    Args:
        text: The JSON document.
        origin: Where it came from (file or URL), used as the error message prefix.

    Returns:
        The record.

    Raises:
        RecordError: The text is not JSON or not a valid OSV record.
    """
    try:
        data: object = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RecordError(f"{origin}: not valid JSON: {exc}") from None
    return parse_vulnerability(data, origin=origin)


def parse_vulnerability(data: object, *, origin: str = "<record>") -> Vulnerability:
    """Turn one decoded OSV record into a :class:`Vulnerability`.

    Args:
        data: The decoded JSON object.
        origin: Where it came from (file or URL), used as the error message prefix.

    Returns:
        The record, with ecosystem and package names normalised and affected entries that name
        no package dropped.

    Raises:
        RecordError: A required field is missing or a field has the wrong type.
    """
    try:
        return _parse(data)
    except _InvalidError as exc:
        raise RecordError(f"{origin}: {exc}") from None


class _InvalidError(Exception):
    """Internal: the reason a record is invalid, before the origin is prefixed."""


def _parse(data: object) -> Vulnerability:
    record = _mapping(data, "record")
    vuln_id = _required_str(record, "id")
    if not vuln_id.strip():
        raise _InvalidError("'id' is empty")
    modified_text = _required_str(record, "modified")
    published_text = _optional_str(record, "published")
    withdrawn_text = _optional_str(record, "withdrawn")
    affected = tuple(
        entry
        for index, raw in enumerate(_list(record.get("affected"), "affected"))
        if (entry := _parse_affected(raw, f"affected[{index}]")) is not None
    )
    database_specific = record.get("database_specific")
    database_severity = None
    if isinstance(database_specific, Mapping):
        value = database_specific.get("severity")
        if isinstance(value, str) and value.strip():
            database_severity = value.strip()
    return Vulnerability(
        id=vuln_id,
        aliases=_str_tuple(record.get("aliases"), "aliases"),
        summary=_optional_str(record, "summary") or None,
        details=_optional_str(record, "details") or None,
        severity=_parse_severity(record.get("severity"), "severity"),
        published=_timestamp(published_text, "published") if published_text else None,
        modified=_timestamp(modified_text, "modified"),
        withdrawn=_timestamp(withdrawn_text, "withdrawn") if withdrawn_text else None,
        affected=affected,
        database_severity=database_severity,
    )


def _parse_affected(raw: object, where: str) -> Affected | None:
    entry = _mapping(raw, where)
    package = entry.get("package")
    if package is None:
        return None  # A pure GIT entry: nothing to match a package version against.
    package_map = _mapping(package, f"{where}.package")
    ecosystem = _required_str(package_map, "ecosystem", f"{where}.package")
    name = _required_str(package_map, "name", f"{where}.package")
    ranges = tuple(
        _parse_range(item, where, index)
        for index, item in enumerate(_list(entry.get("ranges"), f"{where}.ranges"))
    )
    purl = package_map.get("purl")
    return Affected(
        ecosystem=normalize_ecosystem(ecosystem),
        name=normalize_name(ecosystem, name),
        ranges=ranges,
        versions=_str_tuple(entry.get("versions"), f"{where}.versions"),
        purl=purl if isinstance(purl, str) else None,
        severity=_parse_severity(entry.get("severity"), f"{where}.severity"),
    )


def _parse_range(raw: object, parent: str, index: int) -> Range:
    if not isinstance(raw, Mapping):
        raise _InvalidError(f"{parent}.ranges[{index}] must be an object")
    range_type = raw.get("type")
    if not isinstance(range_type, str):
        raise _InvalidError(f"{parent}.ranges[{index}].type must be a string")
    raw_events = raw.get("events")
    if raw_events is None:
        raw_events = []
    if not isinstance(raw_events, list):
        raise _InvalidError(f"{parent}.ranges[{index}].events must be a list")
    events: list[Event] = []
    for position, item in enumerate(raw_events):
        # Hot path (hundreds of thousands of events per export): one-key objects whose key is
        # a known kind; anything else goes through the checks that build a precise message.
        if type(item) is dict and len(item) == 1:
            ((kind, version),) = item.items()
            if kind in _EVENT_KINDS and type(version) is str:
                events.append(Event(kind, version))
                continue
        event = _event(item, f"{parent}.ranges[{index}].events[{position}]")
        if event is not None:
            events.append(event)
    repo = raw.get("repo")
    return Range(
        type=range_type.strip().upper(),
        events=tuple(events),
        repo=repo if isinstance(repo, str) else None,
    )


def _event(item: object, where: str) -> Event | None:
    event = _mapping(item, where)
    known = [kind for kind in _EVENT_KINDS if kind in event]
    if len(known) > 1:
        raise _InvalidError(f"{where} has several kinds: {', '.join(known)}")
    if not known:
        return None  # A kind from a newer schema: ignored, as the spec asks of readers.
    return Event(known[0], _required_str(event, known[0], where))


def _parse_severity(raw: object, where: str) -> tuple[Severity, ...]:
    out: list[Severity] = []
    for index, item in enumerate(_list(raw, where)):
        entry = _mapping(item, f"{where}[{index}]")
        out.append(
            Severity(
                type=_required_str(entry, "type", f"{where}[{index}]"),
                score=_required_str(entry, "score", f"{where}[{index}]"),
            )
        )
    return tuple(out)


def _timestamp(text: str, field: str) -> datetime:
    try:
        return parse_timestamp(text)
    except ValueError as exc:
        raise _InvalidError(f"'{field}': {exc}") from None


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise _InvalidError(f"{where} must be an object, not {type(value).__name__}")
    return value


def _list(value: object, where: str) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _InvalidError(f"{where} must be a list, not {type(value).__name__}")
    return value


def _required_str(record: Mapping[str, object], key: str, where: str = "record") -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise _InvalidError(f"{where}.{key} must be a string")
    return value


def _optional_str(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _InvalidError(f"'{key}' must be a string")
    return value


def _str_tuple(value: object, where: str) -> tuple[str, ...]:
    items = tuple(_list(value, where))
    # set(map(type, ...)) runs in C: version lists hold up to thousands of strings.
    if not set(map(type, items)) <= {str}:
        raise _InvalidError(f"{where} must be a list of strings")
    return items  # type: ignore[return-value]
