"""Plain-JSON views of findings and the model, shared by the JSON and SARIF reporters.

Unknown values become ``{"unknown": expression, "reason": ...}`` so a consumer can never mistake
an unresolved value for a real one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any

from faasguard.findings import Finding
from faasguard.model import Api, Application, Function, Resource, Role, Unknown

__all__ = ["application_json", "finding_json", "to_json"]


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELD_NAMES[cls] = names
    return names


def to_json(value: Any) -> Any:
    """Convert model values (dataclasses, enums, Unknown, mappings) to JSON-ready data.

    Scalars are tested first and field names are cached per class: a report of a thousand
    functions walks hundreds of thousands of values.
    """
    if isinstance(value, Enum):  # before scalars: str-based enums are str instances
        return value.value
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, Unknown):
        return {"unknown": value.expression, "reason": value.reason}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_json(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def finding_json(finding: Finding) -> dict[str, Any]:
    """Return one finding as a JSON object with every documented field."""
    data: dict[str, Any] = to_json(finding)
    return data


#: What the report shows instead of a literal environment value.
REDACTED = "<redacted>"


def _function_json(fn: Function) -> dict[str, Any]:
    """A function, with literal environment values redacted.

    Reports travel (CI artifacts, code-scanning uploads): a value could be the very secret a
    finding is about, or, with ``--resolve-env``, the runner's own. Names, origins, locations
    and reference expressions (``raw``) stay; unresolved references are kept as Unknown.
    """
    data: dict[str, Any] = to_json(fn)
    for var in data["environment"]:
        if isinstance(var["value"], str):
            var["value"] = REDACTED
    return data


def _role_json(role: Role) -> dict[str, Any]:
    data: dict[str, Any] = to_json(role)
    return data


def _api_json(api: Api) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": api.id,
        "kind": api.kind.value,
        "location": to_json(api.location),
        "throttling": to_json(api.throttling),
        "functions": list(api.functions),
        "implicit": api.implicit,
    }
    return data


def _resource_json(res: Resource) -> dict[str, Any]:
    return {"id": res.id, "type": res.type, "location": to_json(res.location)}


def application_json(app: Application) -> dict[str, Any]:
    """Return an application with its functions, triggers, roles, APIs and resources."""
    return {
        "name": app.name,
        "format": app.format.value,
        "file": app.file,
        "root": app.root,
        "provider": app.provider,
        "stage": app.stage,
        "region": to_json(app.region),
        "functions": [_function_json(fn) for fn in app.functions],
        "roles": [_role_json(role) for role in app.roles],
        "apis": [_api_json(api) for api in app.apis],
        "resources": [_resource_json(res) for res in app.resources],
    }
