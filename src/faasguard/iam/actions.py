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
from collections.abc import Iterator, Mapping
from enum import Enum
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = [
    "AccessLevel",
    "ActionDB",
    "ActionInfo",
    "action_db",
    "has_wildcard",
    "pattern_regex",
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


@functools.lru_cache(maxsize=8192)
def pattern_regex(pattern: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    """Compile an IAM wildcard pattern: ``*`` is any run, ``?`` one character, all else literal.

    ``fnmatch`` is not used because it gives ``[`` a meaning IAM does not.
    """
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


class ActionDB:
    """Every IAM action, indexed for lookups and wildcard expansion.

    Built by :func:`action_db` from the generated table; tests may build one from a mapping.
    """

    def __init__(self, services: Mapping[str, Any], header: Mapping[str, Any]) -> None:
        self.header: Mapping[str, Any] = MappingProxyType(dict(header))
        self._actions: dict[str, ActionInfo] = {}
        self._by_service: dict[str, tuple[ActionInfo, ...]] = {}
        # Per service: (lower-cased name without the prefix, AWS spelling), for prefix patterns.
        self._names: dict[str, tuple[tuple[str, str], ...]] = {}
        self._arns: dict[str, Mapping[str, str]] = {}
        self._service_names: dict[str, str] = {}
        levels = {level.value: level for level in AccessLevel}
        by_level: dict[AccessLevel, list[str]] = {level: [] for level in AccessLevel}
        # AWS's spelling -> entry: rules look up the canonical names the database returned.
        self._exact: dict[str, ActionInfo] = {}
        # One pass, tuples rather than objects with __init__: this runs on every scan (~22,000
        # actions), and its cost is most of the database's load time.
        for prefix, service in services.items():
            key = prefix.lower()
            infos = []
            names = []
            for name, level, kinds in service["actions"]:
                full = f"{prefix}:{name}"
                access = levels[level]
                info = ActionInfo(full, access, tuple(kinds))
                infos.append(info)
                low = name.lower()
                names.append((low, full))
                self._actions[f"{key}:{low}"] = info
                self._exact[full] = info
                by_level[access].append(full)
            self._by_service[key] = tuple(infos)
            self._names[key] = tuple(names)
            self._arns[key] = MappingProxyType(dict(service.get("resources", {})))
            self._service_names[key] = str(service.get("name", prefix))
        self._all = frozenset(self._exact)
        self._levels = {level: frozenset(items) for level, items in by_level.items()}

    # -- lookups -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._actions)

    def __iter__(self) -> Iterator[ActionInfo]:
        return iter(self._actions.values())

    def info(self, action: str) -> ActionInfo | None:
        """Return the action's entry, or None when AWS has no such action."""
        found = self._exact.get(action)
        return found if found is not None else self._actions.get(action.strip().lower())

    def is_known(self, action: str) -> bool:
        """Return True when ``action`` (no wildcards, any case) is a real IAM action."""
        return action.strip().lower() in self._actions

    def canonical(self, action: str) -> str | None:
        """Return AWS's spelling of ``action`` (``S3:getobject`` gives ``s3:GetObject``)."""
        info = self.info(action)
        return info.name if info is not None else None

    def is_service(self, prefix: str) -> bool:
        """Return True when ``prefix`` is a known service prefix."""
        return prefix.strip().lower() in self._by_service

    def service_name(self, prefix: str) -> str | None:
        """Return a service's full name (``Amazon S3``) for its prefix."""
        return self._service_names.get(prefix.strip().lower())

    def service_actions(self, prefix: str) -> tuple[ActionInfo, ...]:
        """Return every action of one service."""
        return self._by_service.get(prefix.strip().lower(), ())

    def at_level(self, level: AccessLevel) -> frozenset[str]:
        """Every action of one access level, in AWS's spelling."""
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
        arns = self._arns.get(info.service.lower(), {})
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
            info = self._actions.get(pattern)
            return frozenset((info.name,)) if info is not None else frozenset()
        if pattern.strip("*") == "" or pattern in {"*:*"}:
            return self._all
        service, sep, name = pattern.partition(":")
        if not sep:
            return frozenset()
        if has_wildcard(service):
            regex = pattern_regex(pattern)
            return frozenset(
                info.name for info in self._actions.values() if regex.fullmatch(info.name)
            )
        infos = self._by_service.get(service, ())
        if name.strip("*") == "":
            return frozenset(info.name for info in infos)
        stem = name[:-1]
        if name.endswith("*") and not has_wildcard(stem):
            # ``ec2:Describe*``, most wildcards in managed policies: a prefix test, no regex.
            return frozenset(n for low, n in self._names.get(service, ()) if low.startswith(stem))
        regex = pattern_regex(name)
        prefix_len = len(service) + 1
        return frozenset(info.name for info in infos if regex.fullmatch(info.name[prefix_len:]))


@functools.cache
def action_db() -> ActionDB:
    """The action database of the installed table, read once on first use."""
    blob = resources.files("faasguard.iam").joinpath("_data").joinpath(_DATA_FILE).read_bytes()
    data = json.loads(gzip.decompress(blob))
    return ActionDB(data["services"], data.get("_header", {}))
