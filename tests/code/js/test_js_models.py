"""The JavaScript/TypeScript taint tables: well-formed rows, each naming a fixture project."""

from __future__ import annotations

import pytest
from jsfixtures import FIXTURES

from faasguard.code.models.interface import CONDITIONS
from faasguard.code.models.javascript import MODELS
from faasguard.code.models.registry import models_for
from faasguard.taxonomy import CATEGORIES

_ROWS = [
    *MODELS.sinks,
    *MODELS.sanitizers,
    *MODELS.validators,
    *MODELS.summaries,
    *MODELS.sources,
    *MODELS.flags,
    *MODELS.routes,
]


@pytest.mark.parametrize(
    "row", _ROWS, ids=lambda r: f"{type(r).__name__}:{getattr(r, 'callee', getattr(r, 'path', ''))}"
)
def test_every_row_names_an_existing_fixture_project(row: object) -> None:
    fixture = row.fixture
    assert fixture and (FIXTURES / fixture / "src").is_dir(), fixture


def test_rows_use_known_categories_and_conditions() -> None:
    for sink in MODELS.sinks:
        assert sink.category in CATEGORIES and sink.category.startswith("code."), sink
        assert (
            sink.condition is None
            or sink.condition in CONDITIONS
            or (sink.condition.startswith("flag:"))
        ), sink
    for sanitizer in MODELS.sanitizers:
        assert all(c == "*" or c in CATEGORIES for c in sanitizer.clears), sanitizer
    flags = {f"flag:{row.flag}" for row in MODELS.flags}
    for sink in MODELS.sinks:
        if sink.condition and sink.condition.startswith("flag:"):
            assert sink.condition in flags, sink


def test_typescript_shares_the_javascript_rows() -> None:
    assert models_for("typescript") is not None
    assert set(models_for("typescript").sinks) == set(models_for("javascript").sinks)


def test_index_lookups_exact_glob_and_prefix() -> None:
    index = models_for("javascript")
    found = index.sinks_for("mongodb.MongoClient().db().collection().find")
    assert {(row.condition, exact) for row, exact in found} == {
        ("whole", True),
        ("where-key", True),
    }
    assert [(row.callee, exact) for row, exact in index.sinks_for("child_process.exec")] == [
        ("child_process.exec", True)
    ]
    source = index.source_for("express.request.query.name")
    assert source is not None and (source.kind, source.field) == ("http", "query string")
    assert index.source_for("express.requestTimeout") is None
    route = index.route_for("express().route().post")
    assert route is not None
    assert route.param_paths == ("express.request", "express.response")
    assert "serverless-http()" in index.dispatchers
