"""The Python taint tables: well-formed rows, each naming a fixture that exercises it."""

from __future__ import annotations

from typing import Any

import pytest

from faasguard.code.models.events import EVENT_FIELDS
from faasguard.code.models.interface import CONDITIONS
from faasguard.code.models.python import MODELS
from faasguard.code.models.registry import models_for
from faasguard.model import TriggerKind
from faasguard.taxonomy import CATEGORIES
from tests.code.support import FIXTURES

_ROWS = [
    *MODELS.sinks,
    *MODELS.sanitizers,
    *MODELS.validators,
    *MODELS.summaries,
    *MODELS.sources,
    *MODELS.flags,
]
_FIXTURES = {p.name for p in FIXTURES.iterdir() if p.is_dir()} | {
    p.stem for p in (FIXTURES / "sinks" / "src").glob("*.py")
}


@pytest.mark.parametrize(
    "row", _ROWS, ids=lambda r: f"{type(r).__name__}:{r.callee if hasattr(r, 'callee') else r.path}"
)
def test_every_row_names_an_existing_fixture(row: Any) -> None:
    assert row.fixture in _FIXTURES


def test_sink_rows_use_known_categories_and_conditions() -> None:
    for row in MODELS.sinks:
        assert row.category in CATEGORIES and row.category.startswith("code."), row
        assert row.condition is None or row.condition in CONDITIONS, row
    for row in MODELS.sanitizers:
        assert all(c == "*" or c in CATEGORIES for c in row.clears), row


def test_event_fields_name_real_trigger_kinds() -> None:
    kinds = {k.value for k in TriggerKind} | {"s3-object-lambda"}
    assert all(set(row.kinds) <= kinds for row in EVENT_FIELDS)


def test_index_finds_exact_rows_before_globs() -> None:
    index = models_for("python")
    assert [(r.callee, exact) for r, exact in index.sinks_for("sqlite3.connect().execute")] == [
        ("sqlite3.connect().execute", True)
    ]
    assert [(r.callee, exact) for r, exact in index.sinks_for("?.execute")] == [
        ("*.execute", False)
    ]
    found = index.sinks_for("pymongo.MongoClient().shop.users.find")
    assert {(r.condition, exact) for r, exact in found} == {("whole", True), ("where-key", True)}
    assert index.source_for("flask.request.args.get") is not None
    assert index.source_for("flask.request_started") is None
