"""Schema compilation: strict closing of objects, safe paths, refused remote refs."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from faasguard_runtime.validate import SchemaError, validate
from faasguard_runtime.validate.schema import close_objects, compile_schema, json_path


def test_plain_object_schemas_are_closed_at_every_level() -> None:
    schema = {
        "type": "object",
        "properties": {
            "user": {"type": "object", "properties": {"name": {"type": "string"}}},
            "items": {"type": "array", "items": {"properties": {"sku": {"type": "string"}}}},
        },
        "definitions": {"money": {"properties": {"amount": {"type": "number"}}}},
    }
    assert close_objects(schema) == {
        "type": "object",
        "properties": {
            "user": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "additionalProperties": False,
            },
            "items": {
                "type": "array",
                "items": {"properties": {"sku": {"type": "string"}}, "additionalProperties": False},
            },
        },
        "definitions": {
            "money": {"properties": {"amount": {"type": "number"}}, "additionalProperties": False}
        },
        "additionalProperties": False,
    }


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"properties": {"a": {}}, "additionalProperties": True}, id="explicitly-open"),
        pytest.param({"properties": {"a": {}}, "patternProperties": {"^x": {}}}, id="pattern"),
        pytest.param({"type": "object"}, id="free-form-map"),
        pytest.param({"properties": {"a": {}}, "allOf": [{"required": ["a"]}]}, id="composed"),
        pytest.param({"properties": {"a": {}}, "$ref": "#/definitions/x"}, id="ref-sibling"),
    ],
)
def test_open_or_composed_object_schemas_are_left_alone(schema: dict[str, Any]) -> None:
    assert close_objects(schema) == schema


def test_combinator_members_stay_open_but_their_children_close() -> None:
    schema = {
        "oneOf": [
            {
                "properties": {
                    "kind": {"const": "card"},
                    "card": {"properties": {"last4": {"type": "string"}}},
                }
            }
        ]
    }
    assert close_objects(schema) == {
        "oneOf": [
            {
                "properties": {
                    "kind": {"const": "card"},
                    "card": {
                        "properties": {"last4": {"type": "string"}},
                        "additionalProperties": False,
                    },
                }
            }
        ]
    }


def test_data_keywords_are_never_rewritten() -> None:
    schema = {"const": {"properties": {"a": 1}}, "enum": [{"properties": {}}], "default": {}}
    assert close_objects(schema) == schema


def test_close_objects_does_not_modify_its_argument() -> None:
    schema: dict[str, Any] = {"properties": {"a": {"properties": {}}}}
    close_objects(schema)
    assert schema == {"properties": {"a": {"properties": {}}}}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data", "$"),
        ("data.items[0].sku", "$.items[0].sku"),
        ("data.a b", "$.a b"),
        ("data.<script>\"'", "$.?script???"),
        (None, "$"),
        ("data." + "k" * 200, "$." + "k" * 123 + "..."),
    ],
)
def test_json_path_is_safe_to_show(name: str | None, expected: str) -> None:
    assert json_path(name) == expected


def test_strict_check_reports_the_unknown_property_owner() -> None:
    check = compile_schema({"properties": {"a": {"type": "integer"}}}, strict=True, what="s")
    assert check({"a": 1}) is None
    assert check({"a": 1, "b": 2}) == ("$", "data must not contain {'b'} properties")


def test_lenient_check_accepts_unknown_properties() -> None:
    check = compile_schema({"properties": {"a": {"type": "integer"}}}, strict=False, what="s")
    assert check({"a": 1, "b": 2}) is None


def test_defaults_are_not_written_into_the_payload() -> None:
    check = compile_schema({"properties": {"a": {"default": 5}}}, strict=True, what="s")
    payload: dict[str, Any] = {}
    assert check(payload) is None
    assert payload == {}


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:9/schema.json",
        "https://schemas.example/s.json",
        "file:///etc/passwd",
        "data:application/json,{}",
    ],
)
def test_remote_refs_are_refused(uri: str) -> None:
    with pytest.raises(SchemaError) as caught:
        compile_schema({"$ref": uri}, strict=True, what="event_schema")
    assert str(caught.value) == (
        f"remote $ref {uri!r} is not resolved; inline the referenced schema"
    )


def test_invalid_schema_is_refused_at_decoration_time() -> None:
    with pytest.raises(SchemaError, match=r"^event_schema is not a valid JSON Schema: "):
        validate(event_schema={"type": "no-such-type"})


def test_non_mapping_schema_is_refused() -> None:
    with pytest.raises(SchemaError) as caught:
        validate(response_schema=["type", "object"])  # type: ignore[arg-type]
    assert str(caught.value) == (
        "response_schema must be a JSON Schema object or a Pydantic model, not list"
    )


def test_missing_fastjsonschema_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastjsonschema", None)  # makes the import fail
    with pytest.raises(SchemaError) as caught:
        validate(event_schema={"type": "object"})
    assert str(caught.value) == (
        "validate(event_schema=...) needs the optional dependency fastjsonschema: "
        "install faasguard-runtime[schema]"
    )


def test_no_schema_needs_no_fastjsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastjsonschema", None)
    validate(max_payload_bytes=10)  # envelope parsing and size limits only
