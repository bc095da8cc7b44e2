"""The IAM action database: every action AWS defines, with its access level and resource types.

Why a database rather than patterns alone: ``s3:Get*`` means the 60-odd S3 actions whose name
starts with ``Get`` today, ``sts:GetCallerIdentify`` grants nothing because no such action
exists, and ``ses:VerifyEmailIdentity`` cannot be scoped to a resource at all. Only the list of
real actions answers those questions.

The data is the AWS Service Authorization Reference, from the table
``_data/iam_actions.json.gz`` that ``scripts/gen_iam_actions.py`` generates (its ``_header``
names the source package, version and licence). It is read once, on first use.

Action names are case-insensitive in IAM; this module returns them in AWS's own spelling
(``s3:GetObject``), which is also how reports print them.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, NamedTuple

__all__ = [
    "AccessLevel",
    "ActionDB",
    "ActionInfo",
    "action_db",
    "has_wildcard",
    "wildcard_matcher",
]

_DATA_FILE = "iam_actions.json.gz"


class AccessLevel(str, Enum):
    """The access level the Service Authorization Reference gives an action."""

    LIST = "List"
    READ = "Read"
    WRITE = "Write"
    TAGGING = "Tagging"
    PERMISSIONS_MANAGEMENT = "Permissions management"


class ActionInfo(NamedTuple):
    """One IAM action.

    Attributes:
        name: ``service:Action`` in AWS's spelling.
        access_level: List, Read, Write, Tagging or Permissions management.
        resource_types: the resource type keys the action can be scoped to; empty when the action
            accepts only ``Resource: "*"``.
    """

    name: str
    access_level: AccessLevel
    resource_types: tuple[str, ...]

    @property
    def service(self) -> str:
        """The service prefix (``s3``)."""
        return self.name.partition(":")[0]


def has_wildcard(pattern: str) -> bool:
    """Return True when an action or resource pattern contains ``*`` or ``?``."""
    return "*" in pattern or "?" in pattern


#: Patterns with more stars than this are matched without a regular expression: a backtracking
#: regex spends time exponential in the number of stars on a pattern such as
#: ``s3:*a*a*a*a*a*a*a*a*b`` that fails, and a scanned template is hostile input.
_MAX_REGEX_STARS = 2


def _glob(pattern: str, text: str) -> bool:
    """IAM wildcard matching in O(len(pattern) * len(text)): ``*`` any run, ``?`` one char.

    The classic greedy algorithm: on a mismatch, go back to the last star and let it swallow
    one more character; earlier stars never need revisiting.
    """
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


@functools.lru_cache(maxsize=8192)
def wildcard_matcher(pattern: str, *, ignore_case: bool = True) -> Callable[[str], bool]:
    """A predicate for an IAM wildcard pattern: ``*`` is any run, ``?`` one character.

    Everything else is literal (``fnmatch`` is not used because it gives ``[`` a meaning IAM
    does not). Action names are matched case-insensitively, resources case-sensitively.
    """
    if pattern.count("*") <= _MAX_REGEX_STARS:
        parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
        flags = (re.IGNORECASE if ignore_case else 0) | re.DOTALL
        regex = re.compile("".join(parts), flags)
        return lambda text: regex.fullmatch(text) is not None
    if ignore_case:
        lowered = pattern.lower()
        return lambda text: _glob(lowered, text.lower())
    return lambda text: _glob(pattern, text)


class _Service(NamedTuple):
    """One service's actions, indexed: built the first time the service is looked at."""

    name: str
    infos: tuple[ActionInfo, ...]
    by_lower: dict[str, ActionInfo]
    #: (lower-cased name without the prefix, AWS spelling), for prefix patterns.
    names: tuple[tuple[str, str], ...]
    arns: Mapping[str, str]


_LEVELS: Final = {level.value: level for level in AccessLevel}


class ActionDB:
    """Every IAM action, indexed for lookups and wildcard expansion.

    Built by :func:`action_db` from the generated table; tests may build one from a mapping.
    A service is indexed the first time a lookup or pattern names it: a scan of a small project
    touches a handful of the 456 services, and indexing all 22,000 actions up front was most of
    the database's load time. ``*``, ``NotAction`` and :meth:`at_level` index everything.
    """

    def __init__(self, services: Mapping[str, Any], header: Mapping[str, Any]) -> None:
        self.header: Mapping[str, Any] = MappingProxyType(dict(header))
        self._raw = services
        self._prefixes = {prefix.lower(): prefix for prefix in services}
        self._count = sum(len(service["actions"]) for service in services.values())
        self._services: dict[str, _Service | None] = {}
        # AWS's spelling -> entry, for the services indexed so far: most lookups come with the
        # names the database itself returned, and this is one dict access.
        self._exact: dict[str, ActionInfo] = {}
        self._all: frozenset[str] | None = None
        self._levels: dict[AccessLevel, frozenset[str]] | None = None

    def _service(self, key: str) -> _Service | None:
        """The indexed service for a lower-cased prefix, or None for an unknown one."""
        found = self._services.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        prefix = self._prefixes.get(key)
        service: _Service | None = None
        if prefix is not None:
            raw = self._raw[prefix]
            infos = tuple(
                ActionInfo(f"{prefix}:{name}", _LEVELS[level], tuple(kinds))
                for name, level, kinds in raw["actions"]
            )
            by_lower = {info.name.partition(":")[2].lower(): info for info in infos}
            self._exact.update((info.name, info) for info in infos)
            service = _Service(
                name=str(raw.get("name", prefix)),
                infos=infos,
                by_lower=by_lower,
                names=tuple((low, info.name) for low, info in by_lower.items()),
                arns=MappingProxyType(dict(raw.get("resources", {}))),
            )
        self._services[key] = service
        return service

    def _every_service(self) -> Iterator[_Service]:
        for key in self._prefixes:
            service = self._service(key)
            if service is not None:
                yield service

    # -- lookups -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[ActionInfo]:
        for service in self._every_service():
            yield from service.infos

    def info(self, action: str) -> ActionInfo | None:
        """Return the action's entry, or None when AWS has no such action."""
        found = self._exact.get(action)
        if found is not None:
            return found
        prefix, sep, name = action.strip().partition(":")
        service = self._service(prefix.lower()) if sep else None
        return service.by_lower.get(name.lower()) if service is not None else None

    def is_known(self, action: str) -> bool:
        """Return True when ``action`` (no wildcards, any case) is a real IAM action."""
        return self.info(action) is not None

    def canonical(self, action: str) -> str | None:
        """Return AWS's spelling of ``action`` (``S3:getobject`` gives ``s3:GetObject``)."""
        info = self.info(action)
        return info.name if info is not None else None

    def is_service(self, prefix: str) -> bool:
        """Return True when ``prefix`` is a known service prefix."""
        return prefix.strip().lower() in self._prefixes

    def service_name(self, prefix: str) -> str | None:
        """Return a service's full name (``Amazon S3``) for its prefix."""
        service = self._service(prefix.strip().lower())
        return service.name if service is not None else None

    def service_actions(self, prefix: str) -> tuple[ActionInfo, ...]:
        """Return every action of one service."""
        service = self._service(prefix.strip().lower())
        return service.infos if service is not None else ()

    def at_level(self, level: AccessLevel) -> frozenset[str]:
        """Every action of one access level, in AWS's spelling."""
        if self._levels is None:
            by_level: dict[AccessLevel, list[str]] = {item: [] for item in AccessLevel}
            for info in self:
                by_level[info.access_level].append(info.name)
            self._levels = {item: frozenset(names) for item, names in by_level.items()}
        return self._levels[level]

    def access_level(self, action: str) -> AccessLevel | None:
        """Return the action's access level, or None for an unknown action."""
        info = self.info(action)
        return info.access_level if info is not None else None

    def resource_arn_patterns(self, action: str) -> tuple[str, ...]:
        """Return the ARN templates the action can be scoped to (``arn:${Partition}:s3:::...``).

        Empty for an unknown action and for one that accepts only ``*``.
        """
        info = self.info(action)
        if info is None:
            return ()
        service = self._service(info.service.lower())
        arns = service.arns if service is not None else {}
        return tuple(arns[kind] for kind in info.resource_types if kind in arns)

    def accepts_only_star(self, action: str) -> bool:
        """Return True when the action is known and has no resource type (only ``*`` works).

        A ``Resource: "*"`` on such an action is not a finding: nothing narrower exists.
        """
        info = self.info(action)
        return info is not None and not info.resource_types

    # -- wildcards -----------------------------------------------------------------------------

    def all_actions(self) -> frozenset[str]:
        """Every action, in AWS's spelling."""
        if self._all is None:
            self._all = frozenset(info.name for info in self)
        return self._all

    def expand(self, pattern: str) -> frozenset[str]:
        """Return every action an ``Action`` entry grants, in AWS's spelling.

        ``*`` and ``?`` are IAM wildcards and matching is case-insensitive, as in IAM. A name
        without wildcards gives itself when AWS has that action, else nothing: a misspelled
        action grants nothing, which :meth:`is_known` lets a rule report.
        """
        return self._expand(pattern.strip().lower())

    @functools.lru_cache(maxsize=16384)  # noqa: B019 - one long-lived instance per process
    def _expand(self, pattern: str) -> frozenset[str]:
        if not has_wildcard(pattern):
            info = self.info(pattern)
            return frozenset((info.name,)) if info is not None else frozenset()
        if pattern.strip("*") == "" or pattern in {"*:*"}:
            return self.all_actions()
        service_key, sep, name = pattern.partition(":")
        if not sep:
            return frozenset()
        if has_wildcard(service_key):
            match = wildcard_matcher(pattern)
            return frozenset(info.name for info in self if match(info.name))
        service = self._service(service_key)
        if service is None:
            return frozenset()
        if name.strip("*") == "":
            return frozenset(info.name for info in service.infos)
        stem = name[:-1]
        if name.endswith("*") and not has_wildcard(stem):
            # ``ec2:Describe*``, most wildcards in managed policies: a prefix test, no regex.
            return frozenset(full for low, full in service.names if low.startswith(stem))
        match = wildcard_matcher(name)
        return frozenset(full for low, full in service.names if match(low))


_MISSING: Final = object()


@functools.cache
def action_db() -> ActionDB:
    """The action database of the installed table, read once on first use."""
    blob = resources.files("faasguard.iam").joinpath("_data").joinpath(_DATA_FILE).read_bytes()
    data = json.loads(gzip.decompress(blob))
    return ActionDB(data["services"], data.get("_header", {}))
