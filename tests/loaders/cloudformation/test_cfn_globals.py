"""SAM Globals merge semantics, mirrored from samtranslator's GlobalProperties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.context import LoadContext
from faasguard.loaders.cloudformation.intrinsics import Resolver
from faasguard.loaders.cloudformation.sam_globals import SamGlobals
from faasguard.loaders.interface import IssueKind, LoadOptions
from faasguard.loaders.yaml_safe import parse_yaml


def context(tmp_path: Path) -> LoadContext:
    return LoadContext(
        fs=ScanFS(tmp_path),
        file="template.yaml",
        template_dir=".",
        options=LoadOptions(),
        resolver=Resolver({}, file="template.yaml"),
        application="app",
        resources={},
    )


def merge(tmp_path: Path, globals_yaml: str, local: Any, ignore: Any = None) -> Any:
    data = parse_yaml(globals_yaml, "template.yaml").data
    return SamGlobals(context(tmp_path), data).merge("Function", local, ignore)


def test_maps_merge_lists_append_scalars_override(tmp_path: Path) -> None:
    merged = merge(
        tmp_path,
        "Function:\n"
        "  Runtime: python3.11\n"
        "  Layers: [global-layer]\n"
        "  Environment:\n"
        "    Variables: {A: g, B: g}\n"
        "  Tags: {team: core}\n",
        {
            "Runtime": "python3.12",
            "Layers": ["local-layer"],
            "Environment": {"Variables": {"B": "l", "C": "l"}},
        },
    )
    assert merged == {
        "Runtime": "python3.12",
        "Layers": ["global-layer", "local-layer"],
        "Environment": {"Variables": {"A": "g", "B": "l", "C": "l"}},
        "Tags": {"team": "core"},
    }


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # An intrinsic is a scalar to SAM: it replaces the global mapping entirely.
        ({"Environment": {"Ref": "EnvParam"}}, {"Ref": "EnvParam"}),
        # A type mismatch keeps the local value.
        ({"Environment": ["not", "a", "map"]}, ["not", "a", "map"]),
    ],
)
def test_intrinsics_and_mismatches_keep_the_local_value(
    tmp_path: Path, local: dict[str, Any], expected: Any
) -> None:
    merged = merge(tmp_path, "Function:\n  Environment: {Variables: {A: g}}\n", local)
    assert merged["Environment"] == expected


def test_architectures_are_replaced_and_ignore_globals(tmp_path: Path) -> None:
    globals_yaml = "Function:\n  Architectures: [x86_64]\n  Timeout: 3\n"
    assert merge(tmp_path, globals_yaml, {"Architectures": ["arm64"]}) == {
        "Architectures": ["arm64"],
        "Timeout": 3,
    }
    assert merge(tmp_path, globals_yaml, {}, ignore="*") == {}
    assert merge(tmp_path, globals_yaml, {}, ignore=["Timeout"]) == {"Architectures": ["x86_64"]}


def test_lines_point_at_where_each_value_is_written(tmp_path: Path) -> None:
    globals_data = parse_yaml("Function:\n  Timeout: 3\n  Runtime: python3.11\n", "t").data
    local = parse_yaml("Runtime: python3.12\nHandler: app.main\n", "t").data
    merged = SamGlobals(context(tmp_path), globals_data).merge("Function", local)
    assert merged.key_lines == {"Timeout": 2, "Runtime": 1, "Handler": 2}


def test_bad_globals_are_reported(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    SamGlobals(ctx, parse_yaml("Function: [1]\nApi: {}\n", "template.yaml").data)
    SamGlobals(ctx, ["not", "a", "map"])
    assert [(i.kind, i.message, i.location.line) for i in ctx.issues] == [
        (IssueKind.PARSE_ERROR, "Globals.Function must be a mapping; it was ignored", 1),
        (IssueKind.PARSE_ERROR, "Globals must be a mapping; it was ignored", None),
    ]
