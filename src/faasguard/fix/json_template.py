"""The fix for CloudFormation and SAM templates written in JSON.

JSON has no comments and one canonical layout, so the round trip is simpler than YAML's: the
template is read into the same round-trip containers the YAML fix edits (key order kept), the
same edits are made, and it is written back with the file's own indentation. Short tags the
edits create (``!GetAtt X.Arn``, ``!Sub ...``) become their JSON forms (``{"Fn::GetAtt": [...]}``);
the ``# faasguard:`` notes, having nowhere to go, are left out (the command still prints them).
"""

from __future__ import annotations

import json
import re
from typing import Any

from faasguard.fix.roundtrip import FixError, new_map, new_seq

__all__ = ["dump_json", "load_json"]

_INDENT = re.compile(r"^\{\s*\n([ \t]+)\S", re.MULTILINE)


def load_json(text: str, *, file: str) -> Any:
    """Parse a JSON template into round-trip containers.

    Raises:
        FixError: not JSON, a duplicate key (writing it back would silently drop one), or
            nested too deeply; the message names the file (and line).
    """
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
        return _containers(data)
    except _DuplicateKeyError as exc:
        raise FixError(
            f"{file}: duplicate key {exc.args[0]!r}: --fix cannot rewrite it without dropping one"
        ) from None
    except json.JSONDecodeError as exc:
        raise FixError(f"{file}:{exc.lineno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise FixError(f"{file}: nested too deeply for --fix to rewrite") from None


class _DuplicateKeyError(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> Any:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _DuplicateKeyError(next(k for k in keys if keys.count(k) > 1))
    return new_map(pairs)


def _containers(value: Any) -> Any:
    if isinstance(value, list):
        return new_seq([_containers(v) for v in value])
    if hasattr(value, "items"):
        for key, item in list(value.items()):
            value[key] = _containers(item)
    return value


def dump_json(data: Any, original: str) -> str:
    """The template as JSON, indented like ``original``, ending as it ended."""
    match = _INDENT.search(original)
    indent: int | str = 2
    if match is not None:
        found = match.group(1)
        indent = len(found) if set(found) == {" "} else found
    text = json.dumps(_plain(data), indent=indent, ensure_ascii=False)
    return text + "\n" if original.endswith("\n") else text


def _plain(value: Any) -> Any:
    tag = getattr(getattr(value, "tag", None), "value", None) or getattr(value, "tag", None)
    if isinstance(tag, str) and tag.startswith("!") and hasattr(value, "value"):
        return _intrinsic(tag, str(value.value))
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _intrinsic(tag: str, text: str) -> Any:
    if tag == "!Ref":
        return {"Ref": text}
    if tag == "!GetAtt":
        resource, _, attribute = text.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag[1:]}": text}
