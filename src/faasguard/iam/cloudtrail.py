"""CloudTrail: what each function really did, from log files, attributed by role session.

Reads the files CloudTrail delivers to S3 (``{"Records": [...]}``, gzipped or not, alone or in a
folder tree) and the output of ``aws cloudtrail lookup-events`` (``{"Events": [...]}`` whose
``CloudTrailEvent`` is a record as a JSON string). A Lambda function's calls are made with its
execution role's temporary credentials, and Lambda names that role session after the function,
so ``userIdentity.arn`` (``arn:aws:sts::<account>:assumed-role/<role>/<session>``) tells which
function made each call.

Bad input is an error naming the file (and the record), never a traceback: a file that is not
JSON, a record without ``userIdentity``. Size caps keep a gzip bomb from exhausting memory.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faasguard.iam.needed.interface import Need, NeedSource
from faasguard.iam.needed.sdk_map import SdkMap, sdk_map
from faasguard.model import Application, Function

__all__ = [
    "MAX_FILE_BYTES",
    "CloudTrailError",
    "SessionIndex",
    "TrailEvent",
    "attribute",
    "observed_needs",
    "parse_time",
    "read_events",
]

#: Largest CloudTrail file read, after decompression (CloudTrail's own files are a few MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Most files read from one folder.
MAX_FILES = 100_000
_VERSIONED = re.compile(r"^(.+?)\d{8}(?:v\d+)?$")
_ASSUMED = re.compile(r"^arn:aws[a-z-]*:sts::(\d{12}):assumed-role/([^/]+)/(.+)$")


class CloudTrailError(Exception):
    """A CloudTrail input that cannot be read; the message starts with the file (and record)."""


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """One CloudTrail record, reduced to what attribution and needs use.

    Attributes:
        time: ``eventTime``.
        source: ``eventSource`` (``dynamodb.amazonaws.com``).
        name: ``eventName`` (the API operation).
        role: the assumed role's name, when the caller used an assumed role.
        session: the role session name (a Lambda function's name).
        resources: ARNs the record names.
        error: ``errorCode`` (``AccessDenied``...), when the call failed.
        file: the file it was read from.
        index: its position in the file (0-based).
        event_id: ``eventID``.
    """

    time: _dt.datetime
    source: str
    name: str
    role: str | None
    session: str | None
    resources: tuple[str, ...]
    error: str | None
    file: str
    index: int
    event_id: str | None = None

    @property
    def evidence(self) -> str:
        """Where the event is and what it is, for a report."""
        failed = f", failed: {self.error}" if self.error else ""
        return (
            f"CloudTrail {self.file} record {self.index}: {self.source.split('.')[0]}:{self.name} "
            f"at {self.time.isoformat().replace('+00:00', 'Z')}{failed}"
        )


def parse_time(value: str, *, what: str) -> _dt.datetime:
    """A ``--since``/``--until`` value or an ``eventTime``: ISO 8601, UTC when no zone."""
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise CloudTrailError(f"{what}: {value!r} is not an ISO 8601 date or time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)


def read_events(
    path: Path,
    *,
    since: _dt.datetime | None = None,
    until: _dt.datetime | None = None,
) -> list[TrailEvent]:
    """Every event in a CloudTrail file or folder, within ``[since, until]``.

    Raises:
        CloudTrailError: the path is missing, or a file or record cannot be read.
    """
    if not path.exists():
        raise CloudTrailError(f"{path}: no such file or folder")
    events: list[TrailEvent] = []
    for file in _files(path):
        for event in _read_file(file):
            if since is not None and event.time < since:
                continue
            if until is not None and event.time > until:
                continue
            events.append(event)
    events.sort(key=lambda e: (e.time, e.file, e.index))
    return events


def _files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    count = 0
    for file in sorted(path.rglob("*")):
        if file.is_symlink() or not file.is_file():
            continue  # a link could point anywhere: only real files of the folder are read
        if not file.name.endswith((".json", ".json.gz")):
            continue
        count += 1
        if count > MAX_FILES:
            raise CloudTrailError(f"{path}: more than {MAX_FILES} CloudTrail files")
        yield file


def _read_file(file: Path) -> Iterator[TrailEvent]:
    try:
        raw = file.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            with gzip.open(file, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CloudTrailError(f"{file}: cannot read: {exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise CloudTrailError(f"{file}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{file}:{line}" if line else str(file)
        raise CloudTrailError(f"{where}: not JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("Records"), list):
        records: list[Any] = data["Records"]
    elif isinstance(data, dict) and isinstance(data.get("Events"), list):
        records = [_lookup_record(file, i, item) for i, item in enumerate(data["Events"])]
    else:
        raise CloudTrailError(
            f'{file}: not a CloudTrail file: expected {{"Records": [...]}} (log files) or '
            '{"Events": [...]} (aws cloudtrail lookup-events)'
        )
    for index, record in enumerate(records):
        yield _event(file, index, record)


def _lookup_record(file: Path, index: int, item: Any) -> Any:
    text = item.get("CloudTrailEvent") if isinstance(item, dict) else None
    if not isinstance(text, str):
        raise CloudTrailError(f"{file}: event {index} has no CloudTrailEvent string")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CloudTrailError(
            f"{file}: event {index}: CloudTrailEvent is not JSON: {exc}"
        ) from None


def _event(file: Path, index: int, record: Any) -> TrailEvent:
    where = f"{file}: record {index}"
    if not isinstance(record, dict):
        raise CloudTrailError(f"{where} is not an object")
    identity = record.get("userIdentity")
    if not isinstance(identity, dict):
        raise CloudTrailError(f"{where} has no userIdentity")
    for key in ("eventTime", "eventSource", "eventName"):
        if not isinstance(record.get(key), str):
            raise CloudTrailError(f"{where} has no {key}")
    time = parse_time(record["eventTime"], what=f"{where} eventTime")
    role = session = None
    arn = identity.get("arn")
    match = _ASSUMED.match(arn) if isinstance(arn, str) else None
    if match:
        role, session = match.group(2), match.group(3)
    return TrailEvent(
        time=time,
        source=record["eventSource"],
        name=record["eventName"],
        role=role,
        session=session,
        resources=tuple(_resources(record)),
        error=record.get("errorCode") if isinstance(record.get("errorCode"), str) else None,
        file=str(file),
        index=index,
        event_id=record.get("eventID") if isinstance(record.get("eventID"), str) else None,
    )


def _resources(record: dict[str, Any]) -> Iterator[str]:
    listed = record.get("resources")
    found = False
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, dict) and isinstance(item.get("ARN"), str):
                found = True
                yield item["ARN"]
    if found:
        return
    params = record.get("requestParameters")
    if not isinstance(params, dict):
        return
    region = record.get("awsRegion", "*")
    account = record.get("recipientAccountId", "*")
    source = str(record.get("eventSource", "")).split(".")[0]
    if source == "s3" and isinstance(params.get("bucketName"), str):
        key = params.get("key")
        bucket = f"arn:aws:s3:::{params['bucketName']}"
        yield f"{bucket}/{key}" if isinstance(key, str) else bucket
    elif source == "dynamodb" and isinstance(params.get("tableName"), str):
        yield f"arn:aws:dynamodb:{region}:{account}:table/{params['tableName']}"
    elif source == "sqs" and isinstance(params.get("queueUrl"), str):
        parts = params["queueUrl"].rstrip("/").split("/")
        if len(parts) >= 2:
            yield f"arn:aws:sqs:{region}:{parts[-2]}:{parts[-1]}"
    elif source == "sns" and isinstance(params.get("topicArn"), str):
        yield params["topicArn"]
    elif source == "secretsmanager" and isinstance(params.get("secretId"), str):
        secret = params["secretId"]
        yield (
            secret
            if secret.startswith("arn:")
            else (f"arn:aws:secretsmanager:{region}:{account}:secret:{secret}-??????")
        )
    elif source == "ssm" and isinstance(params.get("name"), str):
        yield f"arn:aws:ssm:{region}:{account}:parameter/{params['name'].lstrip('/')}"
    elif source == "lambda" and isinstance(params.get("functionName"), str):
        name = params["functionName"]
        yield (
            name
            if name.startswith("arn:")
            else f"arn:aws:lambda:{region}:{account}:function:{name}"
        )


def deployed_names(fn: Function) -> tuple[str, ...]:
    """Names the function may run under (its session name), most specific first."""
    names = []
    if fn.log_group and fn.log_group.startswith("/aws/lambda/") and "${" not in fn.log_group:
        names.append(fn.log_group.removeprefix("/aws/lambda/"))
    names.append(fn.name)
    if fn.resource_id and fn.resource_id != fn.name:
        names.append(fn.resource_id)
    return tuple(names)


class SessionIndex:
    """Which function a role session name belongs to, indexed once for many events.

    Matches the deployed name (Serverless ``<service>-<stage>-<function>``, an explicit name),
    the logical name, then CloudFormation's generated ``<stack>-<LogicalId>-<suffix>``.
    """

    def __init__(self, apps: Iterable[Application]) -> None:
        self.exact: dict[str, tuple[Application, Function]] = {}
        self.logical: dict[str, tuple[Application, Function]] = {}
        for app in apps:
            for fn in app.functions:
                for name in deployed_names(fn):
                    self.exact.setdefault(name, (app, fn))
                self.logical.setdefault(fn.resource_id or fn.name, (app, fn))

    def function(self, session: str) -> tuple[Application, Function] | None:
        """The function whose execution role session is ``session``, if any."""
        found = self.exact.get(session)
        if found is not None:
            return found
        for part in session.split("-"):
            found = self.logical.get(part)
            if found is not None:
                return found
        return None


def attribute(
    events: Iterable[TrailEvent], apps: Iterable[Application]
) -> tuple[dict[tuple[str, str], list[TrailEvent]], list[TrailEvent]]:
    """Group events by (application, function); return the events no function made too."""
    index = SessionIndex(apps)
    found: dict[tuple[str, str], list[TrailEvent]] = {}
    unattributed: list[TrailEvent] = []
    for event in events:
        match = index.function(event.session) if event.session is not None else None
        if match is None:
            unattributed.append(event)
            continue
        found.setdefault((match[0].name, match[1].name), []).append(event)
    return found, unattributed


def observed_needs(events: Iterable[TrailEvent], *, table: SdkMap | None = None) -> list[Need]:
    """The needs events show: one per event (the report deduplicates by action)."""
    table = table or sdk_map()
    needs = []
    for event in events:
        for action in _actions(event, table):
            note = f"the call failed ({event.error})" if event.error else None
            needs.append(
                Need(action, event.resources or ("*",), NeedSource.OBSERVED, event.evidence, note)
            )
    return needs


def _actions(event: TrailEvent, table: SdkMap) -> tuple[str, ...]:
    prefix = event.source.split(".")[0]
    name = event.name
    versioned = _VERSIONED.match(name)
    if versioned:
        name = versioned.group(1)  # Lambda's "GetFunction20150331v2"
    service = table.service_for_prefix(prefix)
    if service is not None:
        op = service.operation(name) or (name if name in service.operations else None)
        if op is not None:
            return table.actions(service, op)[0]
    return (f"{prefix}:{name}",)
