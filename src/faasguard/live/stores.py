"""Read the data stores a region's functions use, with the settings the data rules judge.

Stores are DynamoDB tables, S3 buckets, SNS topics, SQS queues, Kinesis streams, ElastiCache
replication groups and cache clusters, and DAX clusters. A store counts as *used by the
functions* when one of the region's functions:

* is triggered by it (an event source mapping's queue, stream or table stream, a bucket
  notification, an SNS subscription), or sends its failures to it (dead-letter queue or topic,
  a mapping's on-failure destination), or it is the dead-letter queue of a queue already used;
* names it in an environment variable: the name, the ARN (or an ARN under it, e.g. a table
  index), a queue URL, ``s3://bucket/...`` or a cache endpoint (``redis://host:6379``,
  ``host:6379``), as a whole value or one item of a comma- or space-separated list;
* has a role statement that allows an action on it by ARN, wildcards included
  (``arn:aws:s3:::uploads-*/*``), as long as the pattern names something: a resource that is
  only wildcards (``*``, ``arn:aws:s3:::*``, ``table/*``) grants every store of a kind and
  says nothing about which ones the function uses (the permission rules report that grant).

Why not every store of the region (what Prowler does)? faasguard judges serverless
applications; the CloudTrail bucket or an analytics team's tables are not part of one, and
judging them would report findings nobody on the functions' side owns, and cost four to six
calls per bucket on accounts with thousands. Every store is still *listed* (one paginated
call per kind), because wildcards and plain names can only be matched against what exists.

Each answer is kept as AWS returned it; :mod:`faasguard.live.build_stores` maps it into
CloudFormation's shape. An answer is a dict, :data:`ABSENT` when AWS says the configuration
does not exist (no bucket policy, no default encryption), or None when it could not be read
(denied, failed: the reader's notice names the API) -- so a missing permission never reads as
a missing protection. Queues join the reader's ``queues`` (the trigger queues are there
already), so the queue rules see one list. Buckets are listed for the whole account; one of
another region that a function uses is read here too, and :func:`settle_buckets` keeps one
copy of it across the regions scanned.
"""

from __future__ import annotations

import bisect
import enum
import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol
from urllib.parse import urlparse

if TYPE_CHECKING:
    from faasguard.live.reader import RegionSnapshot

__all__ = [
    "ABSENT",
    "QUEUE_PAGE_SIZE",
    "Absent",
    "Answer",
    "BucketData",
    "CacheData",
    "StoreRef",
    "StoresRead",
    "StreamData",
    "TableData",
    "TopicData",
    "read_stores",
    "settle_buckets",
    "used_stores",
]

#: ListQueues returns a next token only when asked for a page size: without one it stops at
#: 1,000 queues. 1,000 is the largest page AWS allows.
QUEUE_PAGE_SIZE: Final = 1000
_PARALLEL: Final = 8
_SEPARATORS: Final = re.compile(r"[\s,;]+")
#: The type prefix in front of a store's name in its ARN's resource part.
_PREFIXES: Final = {
    "table": "table/",
    "stream": "stream/",
    "replication-group": "replicationgroup:",
    "cache-cluster": "cluster:",
    "dax": "cache/",
}
_HOST_PORT: Final = re.compile(r"[A-Za-z0-9.-]+:\d+")
#: Kinds whose listing already describes them (no per-store call).
_LISTED_KINDS: Final = frozenset({"replication-group", "cache-cluster", "dax"})


class Absent(enum.Enum):
    """AWS answered that the configuration does not exist (as opposed to "could not read")."""

    ABSENT = "absent"


#: The value :meth:`Caller.call` returns when AWS says there is no such configuration.
ABSENT: Final = Absent.ABSENT
#: One API answer: the dict read, :data:`ABSENT`, or None when it could not be read.
Answer = dict[str, Any] | Literal[Absent.ABSENT] | None


class Caller(Protocol):
    """What this module needs from the region reader (:class:`faasguard.live.reader._Reader`)."""

    region: str
    snap: RegionSnapshot

    def call(self, op: str, what: str, *, absent: Any = None, **kwargs: Any) -> Any:
        """One API call; None on failure, ``absent`` when AWS says it does not exist."""

    def pages(self, op: str, what: str, key: str, **kwargs: Any) -> Iterator[Any]:
        """Every item of a paginated list."""


@dataclass(frozen=True, slots=True)
class StoreRef:
    """A store that exists in the region, as listed: what references to it are matched on."""

    kind: str
    name: str
    arn: str
    url: str | None = None
    #: Endpoint host names the store answers on (caches), matched in environment values.
    hosts: tuple[str, ...] = ()
    #: The store's region when it may be another one's (buckets: their listing is global).
    region: str | None = None
    #: The listing's own description, for kinds whose list call describes them (caches).
    listed: Mapping[str, Any] | None = field(default=None, compare=False)


@dataclass(slots=True)
class TableData:
    """A DynamoDB table: ``DescribeTable`` and ``DescribeTimeToLive`` answers."""

    arn: str
    name: str
    table: Answer = None
    ttl: Answer = None


@dataclass(slots=True)
class BucketData:
    """An S3 bucket (in this region): its encryption, public access, ACL, policy and CORS."""

    arn: str
    name: str
    #: Where the bucket is; a bucket of another region is settled by :func:`settle_buckets`.
    region: str
    encryption: Answer = None
    public_access_block: Answer = None
    acl: Answer = None
    #: The bucket policy document itself (parsed from ``GetBucketPolicy``'s JSON text).
    policy: Answer = None
    cors: Answer = None


@dataclass(slots=True)
class TopicData:
    """An SNS topic: its ``GetTopicAttributes`` answer."""

    arn: str
    name: str
    attributes: Answer = None


@dataclass(slots=True)
class StreamData:
    """A Kinesis data stream: its ``DescribeStreamSummary`` answer."""

    arn: str
    name: str
    summary: Answer = None


@dataclass(slots=True)
class CacheData:
    """An ElastiCache replication group or cache cluster, or a DAX cluster, as listed."""

    arn: str
    name: str
    kind: str
    description: dict[str, Any]


@dataclass(slots=True)
class StoresRead:
    """The stores the region's functions use, each keyed by ARN, in ARN order."""

    tables: dict[str, TableData] = field(default_factory=dict)
    buckets: dict[str, BucketData] = field(default_factory=dict)
    topics: dict[str, TopicData] = field(default_factory=dict)
    streams: dict[str, StreamData] = field(default_factory=dict)
    caches: dict[str, CacheData] = field(default_factory=dict)
    #: ARN -> why the functions use it (``function search: environment TABLE``), for the docs
    #: and for tests; the rules do not read it.
    used_by: dict[str, tuple[str, ...]] = field(default_factory=dict)


def read_stores(reader: Caller) -> None:
    """List the region's stores, keep those its functions use, and read their settings.

    Fills ``reader.snap.stores`` and adds the used queues to ``reader.snap.queues``. Does
    nothing when the region has no function (nothing uses a store).
    """
    snap = reader.snap
    if not snap.functions:
        return
    partition, account = _identity(snap)
    listed = [*_list(reader, partition, account)]
    used = used_stores(snap, listed)
    stores = snap.stores
    stores.used_by = {arn: tuple(sorted(why)) for arn, why in sorted(used.items())}
    by_arn = {ref.arn: ref for ref in listed}
    chosen = [by_arn[arn] for arn in sorted(used)]
    with ThreadPoolExecutor(max_workers=_PARALLEL) as pool:
        for ref, data in zip(chosen, pool.map(lambda r: _read(reader, r), chosen), strict=True):
            if isinstance(data, TableData):
                stores.tables[ref.arn] = data
            elif isinstance(data, BucketData):
                stores.buckets[ref.arn] = data
            elif isinstance(data, TopicData):
                stores.topics[ref.arn] = data
            elif isinstance(data, StreamData):
                stores.streams[ref.arn] = data
            elif isinstance(data, CacheData):
                stores.caches[ref.arn] = data
            elif isinstance(data, dict):
                snap.queues[ref.arn] = data
    # The dead-letter queue of a used queue holds the same messages: judge it too.
    queues = {ref.arn: ref for ref in listed if ref.kind == "queue"}
    for dead in sorted(_dead_letter_queues(snap.queues.values()) - snap.queues.keys()):
        if dead in queues:
            stores.used_by[dead] = (f"dead-letter queue of a used queue ({dead})",)
            got = _read(reader, queues[dead])
            if isinstance(got, dict):
                snap.queues[dead] = got


def settle_buckets(snapshots: Sequence[RegionSnapshot]) -> None:
    """Judge each bucket once: in its own region's application, else where it is used first.

    A region's functions may use a bucket of another region, which that region's reader reads
    too (S3 redirects the calls). After every region is read, each such bucket moves to its
    own region's snapshot when that region was scanned (whatever its functions use), or stays
    with the first region, in the order scanned, whose functions use it; every other copy is
    dropped, so no bucket is reported twice.
    """
    by_region = {snap.region: snap for snap in snapshots}
    owner = {
        arn: snap
        for snap in snapshots
        for arn, data in snap.stores.buckets.items()
        if data.region == snap.region
    }
    for snap in snapshots:
        for arn, data in list(snap.stores.buckets.items()):
            if data.region == snap.region:
                continue
            del snap.stores.buckets[arn]
            home = owner.get(arn)
            if home is None:
                home = owner[arn] = by_region.get(data.region, snap)
                home.stores.buckets[arn] = data
                home.stores.buckets = dict(sorted(home.stores.buckets.items()))
            if home is not snap:
                used = snap.stores.used_by.get(arn, ())
                home.stores.used_by[arn] = tuple(
                    sorted(
                        {
                            *home.stores.used_by.get(arn, ()),
                            *(f"{why} (in aws://{snap.region})" for why in used),
                        }
                    )
                )
                snap.stores.used_by.pop(arn, None)


def used_stores(snap: RegionSnapshot, listed: Iterable[StoreRef]) -> dict[str, set[str]]:
    """Which ``listed`` stores the snapshot's functions use (ARN -> the reasons).

    Pure: reads the functions, mappings, notifications, subscriptions and roles already read.
    References are looked up in indexes (names, ARNs, queue URLs), so the cost grows with the
    number of references, not with references times stores.
    """
    index = _Index(listed)
    used: dict[str, set[str]] = {}

    def mention(text: str, why: str) -> None:
        for token in _SEPARATORS.split(text.strip()):
            for ref in index.named_by(token):
                used.setdefault(ref.arn, set()).add(why)

    for got in snap.functions:
        conf = got.get("Configuration") or {}
        name = str(conf.get("FunctionName"))
        for key, value in sorted(((conf.get("Environment") or {}).get("Variables") or {}).items()):
            mention(str(value), f"function {name}: environment {key}")
        dead = (conf.get("DeadLetterConfig") or {}).get("TargetArn")
        if dead:
            mention(str(dead), f"function {name}: dead-letter target")
    for mapping in snap.mappings:
        mention(str(mapping.get("EventSourceArn", "")), "event source mapping")
        failure = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        if failure:
            mention(str(failure), "event source mapping: on-failure destination")
    for bucket in snap.bucket_notifications:
        mention(bucket, "bucket notification to a function")
    for sub in snap.subscriptions:
        mention(str(sub.get("TopicArn", "")), "SNS subscription of a function")
    granted: dict[str, list[str]] = {}  # pattern -> roles: roles share most patterns
    for role in snap.roles.values():
        documents = [*role.inline.values(), *(doc for _, _, doc in role.attached if doc)]
        for pattern in sorted({p for document in documents for p in _allowed_resources(document)}):
            granted.setdefault(pattern, []).append(role.name)
    for pattern, roles in granted.items():
        for ref in index.granted_by(pattern):
            used.setdefault(ref.arn, set()).update(f"role {r}: {pattern}" for r in roles)
    return used


class _Index:
    """The listed stores by name, ARN and queue path, for reference look-ups."""

    def __init__(self, listed: Iterable[StoreRef]) -> None:
        self.refs = list(listed)
        self.exact: dict[str, list[StoreRef]] = {}
        self.queue_paths: dict[tuple[str, str], StoreRef] = {}
        #: ARN service -> kind -> the stores of that kind, sorted by name (prefix look-ups).
        self.by_service: dict[str, dict[str, list[tuple[str, StoreRef]]]] = {}
        for ref in sorted(self.refs, key=lambda r: r.name):
            service = ref.arn.split(":", 3)[2] if ref.arn.count(":") >= 3 else ""
            self.by_service.setdefault(service, {}).setdefault(ref.kind, []).append((ref.name, ref))
        for ref in self.refs:
            for key in {ref.name, ref.arn, *ref.hosts}:
                self.exact.setdefault(key, []).append(ref)
            if ref.url is not None:
                self.queue_paths[_queue_path(ref.url)] = ref

    def named_by(self, token: str) -> list[StoreRef]:
        """The stores one reference names: a name, an ARN (or one under it), a URL."""
        if not token:
            return []
        if token in self.exact:
            return self.exact[token]
        if token.startswith("arn:"):
            # An ARN under a store's: a table index or stream, a bucket's objects.
            head = token
            while "/" in head:
                head = head.rsplit("/", 1)[0]
                found = [r for r in self.exact.get(head, ()) if r.arn == head]
                if found:
                    return found
            return []
        if token.startswith(("s3://", "s3a://")):
            bucket = token.split("://", 1)[1].split("/", 1)[0]
            return [r for r in self.exact.get(bucket, ()) if r.kind == "bucket"]
        if token.startswith(("https://", "http://")):
            ref = self.queue_paths.get(_queue_path(token))
            if ref is not None:
                return [ref]
        # A cache endpoint: ``redis://host:6379/0``, ``dax://host``, ``host:6379``.
        host = urlparse(token).hostname if "://" in token else None
        if host is None and _HOST_PORT.fullmatch(token):
            host = token.split(":", 1)[0]
        if host:
            return [r for r in self.exact.get(host.lower(), ()) if host.lower() in r.hosts]
        return []

    def granted_by(self, pattern: str) -> list[StoreRef]:
        """The stores a role statement's resource names; wildcards alone name none."""
        if not any(c in pattern for c in "*?"):
            return self.named_by(pattern) if pattern.startswith("arn:") else []
        parts = pattern.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return []
        found = []
        for kind, entries in self.by_service.get(parts[2].lower(), {}).items():
            name = _name_pattern(parts[5], kind)
            if name is None:
                continue
            # Only the names that start with the pattern's literal head can match it.
            head = re.split(r"[*?\[]", name, maxsplit=1)[0]
            start = bisect.bisect_left(entries, (head,))
            for entry_name, ref in entries[start:]:
                if not entry_name.startswith(head):
                    break
                if fnmatch.fnmatchcase(entry_name, name) and _same_place(parts, ref):
                    found.append(ref)
        return found


def _identity(snap: RegionSnapshot) -> tuple[str, str]:
    """The partition and account of the region read, from a function ARN."""
    arn = str(snap.functions[0].get("Configuration", {}).get("FunctionArn", ""))
    parts = arn.split(":")
    if len(parts) > 4 and parts[4]:
        return parts[1], parts[4]
    return "aws", ""


def _list(reader: Caller, partition: str, account: str) -> Iterator[StoreRef]:
    region = reader.region
    for name in reader.pages("dynamodb.ListTables", "DynamoDB tables", "TableNames"):
        arn = f"arn:{partition}:dynamodb:{region}:{account}:table/{name}"
        yield StoreRef("table", str(name), arn)
    for name, where in sorted(reader.snap.bucket_regions.items()):
        yield StoreRef("bucket", name, f"arn:{partition}:s3:::{name}", region=where)
    for topic in reader.pages("sns.ListTopics", "SNS topics", "Topics"):
        arn = str(topic.get("TopicArn", ""))
        yield StoreRef("topic", arn.rsplit(":", 1)[-1], arn)
    for url in reader.pages(
        "sqs.ListQueues",
        "SQS queues",
        "QueueUrls",
        PaginationConfig={"PageSize": QUEUE_PAGE_SIZE},
    ):
        owner, name = _queue_path(str(url))
        arn = f"arn:{partition}:sqs:{region}:{owner or account}:{name}"
        yield StoreRef("queue", name, arn, url=str(url))
    for name in reader.pages("kinesis.ListStreams", "Kinesis streams", "StreamNames"):
        arn = f"arn:{partition}:kinesis:{region}:{account}:stream/{name}"
        yield StoreRef("stream", str(name), arn)
    for group in reader.pages(
        "elasticache.DescribeReplicationGroups",
        "ElastiCache replication groups",
        "ReplicationGroups",
    ):
        yield _cache_ref("replication-group", str(group.get("ReplicationGroupId")), group)
    for cluster in reader.pages(
        "elasticache.DescribeCacheClusters",
        "ElastiCache cache clusters",
        "CacheClusters",
        ShowCacheNodeInfo=True,
    ):
        if not cluster.get("ReplicationGroupId"):  # a member is judged with its group
            yield _cache_ref("cache-cluster", str(cluster.get("CacheClusterId")), cluster)
    for cluster in reader.pages("dax.DescribeClusters", "DAX clusters", "Clusters"):
        yield _cache_ref("dax", str(cluster.get("ClusterName")), cluster)


def _cache_ref(kind: str, name: str, description: Mapping[str, Any]) -> StoreRef:
    arn = str(description.get("ARN") or description.get("ClusterArn") or "")
    return StoreRef(kind, name, arn, hosts=tuple(sorted(_hosts(description))), listed=description)


def _hosts(value: Any) -> Iterator[str]:
    """Every endpoint ``Address`` in a cache description (primary, reader, nodes, discovery)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "Address" and isinstance(item, str) and item:
                yield item.lower()
            else:
                yield from _hosts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _hosts(item)


def _queue_path(url: str) -> tuple[str, str]:
    """(account, queue name) from a queue URL (``https://sqs.<region>.../<account>/<name>``)."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return "", parts[-1] if parts else url


def _allowed_resources(document: Mapping[str, Any]) -> Iterator[str]:
    statements = document.get("Statement")
    for stmt in statements if isinstance(statements, list) else [statements]:
        if not isinstance(stmt, Mapping) or stmt.get("Effect") != "Allow":
            continue
        resources = stmt.get("Resource")
        for resource in resources if isinstance(resources, list) else [resources]:
            if isinstance(resource, str):
                yield resource


def _name_pattern(resource: str, kind: str) -> str | None:
    """The store-name part of an ARN pattern's resource for ``kind``; None when it names none.

    None also when the name is only wildcards: the grant covers every store of the kind and
    says nothing about which one the function uses.
    """
    prefix = _PREFIXES.get(kind, "")
    if prefix:
        if not resource.startswith(prefix):
            return None
        resource = resource[len(prefix) :]
    name = resource.split("/", 1)[0]  # a bucket's objects, a table's indexes and streams
    return name if name.strip("*?") else None


def _same_place(parts: list[str], ref: StoreRef) -> bool:
    """The pattern's partition, region and account match the store's."""
    store = ref.arn.split(":", 5)
    return len(store) == 6 and all(fnmatch.fnmatchcase(store[i], parts[i]) for i in (1, 3, 4))


def _dead_letter_queues(attributes: Iterable[Mapping[str, str]]) -> set[str]:
    found = set()
    for attrs in attributes:
        try:
            policy = json.loads(attrs.get("RedrivePolicy") or "{}")
        except ValueError:
            continue
        target = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
        if isinstance(target, str) and target:
            found.add(target)
    return found


def _read(
    reader: Caller, ref: StoreRef
) -> TableData | BucketData | TopicData | StreamData | CacheData | dict[str, str] | None:
    """Every setting of one store the rules judge."""
    what = f"{ref.kind} {ref.name}"
    if ref.kind == "table":
        table = reader.call("dynamodb.DescribeTable", what, absent=ABSENT, TableName=ref.name)
        ttl = reader.call("dynamodb.DescribeTimeToLive", what, absent=ABSENT, TableName=ref.name)
        return TableData(
            ref.arn, ref.name, _body(table, "Table"), _body(ttl, "TimeToLiveDescription")
        )
    if ref.kind == "bucket":
        bucket = ref.name

        def get(op: str) -> Answer:
            got = reader.call(op, what, absent=ABSENT, Bucket=bucket)
            if isinstance(got, dict):
                return {k: v for k, v in got.items() if k != "ResponseMetadata"}
            return ABSENT if got is ABSENT else None

        return BucketData(
            ref.arn,
            bucket,
            ref.region or reader.region,
            encryption=get("s3.GetBucketEncryption"),
            public_access_block=get("s3.GetPublicAccessBlock"),
            acl=get("s3.GetBucketAcl"),
            policy=_policy(reader, bucket, get("s3.GetBucketPolicy")),
            cors=get("s3.GetBucketCors"),
        )
    if ref.kind == "topic":
        got = reader.call("sns.GetTopicAttributes", what, absent=ABSENT, TopicArn=ref.arn)
        return TopicData(ref.arn, ref.name, _body(got, "Attributes"))
    if ref.kind == "stream":
        got = reader.call("kinesis.DescribeStreamSummary", what, absent=ABSENT, StreamName=ref.name)
        return StreamData(ref.arn, ref.name, _body(got, "StreamDescriptionSummary"))
    if ref.kind in _LISTED_KINDS:
        return CacheData(ref.arn, ref.name, ref.kind, dict(ref.listed or {}))
    if ref.kind == "queue" and ref.arn in reader.snap.queues:
        return dict(reader.snap.queues[ref.arn])  # a trigger queue, read already
    got = reader.call("sqs.GetQueueAttributes", what, QueueUrl=ref.url, AttributeNames=["All"])
    return dict(got.get("Attributes", {})) if isinstance(got, dict) else None


def _policy(reader: Caller, bucket: str, got: Answer) -> Answer:
    """The policy document inside a ``GetBucketPolicy`` answer; a notice when it is not JSON."""
    if not isinstance(got, dict):
        return got
    try:
        document = json.loads(str(got.get("Policy", "")))
    except ValueError:
        document = None
    if isinstance(document, dict):
        return document
    reader.snap.notices.append(
        f"aws://{reader.region}: bucket {bucket}: its bucket policy is not a JSON object; "
        "it is not judged"
    )
    return None


def _body(got: Any, key: str) -> Answer:
    if got is ABSENT:
        return Absent.ABSENT
    if isinstance(got, dict) and isinstance(got.get(key), dict):
        return dict(got[key])
    return None
