"""Bad Terraform input becomes a located issue (a finding), and the scan goes on."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faasguard.config import Config
from faasguard.engine import scan
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadOptions
from faasguard.loaders.terraform import TerraformLoader
from faasguard.model import Location

from .conftest import FIXTURES


def _issues(result: object) -> list[tuple[str, str, Location]]:
    return [(i.kind.value, i.message, i.location) for i in result.issues]  # type: ignore[attr-defined]


def test_hcl_that_does_not_parse(load: Callable) -> None:
    result = load("bad_parse")
    assert result.applications == ()
    assert _issues(result) == [
        (
            "parse-error",
            "invalid HCL: unexpected `=` (column 13)",
            Location("bad_parse/main.tf", 3),
        )
    ]


def test_cyclic_locals_and_module_calling_itself(load: Callable) -> None:
    result = load("cycle")
    (app,) = result.applications
    assert [fn.name for fn in app.functions] == ["fn"]
    assert _issues(result) == [
        (
            "unresolved",
            "local.a refers to itself through a cycle of locals; its value is unknown",
            Location("cycle/main.tf", 2),
        ),
        (
            "unresolved",
            "module `self` (./) calls itself through a cycle of modules; it was not followed",
            Location("cycle/main.tf", 6),
        ),
    ]


def test_remote_module_is_reported(load: Callable) -> None:
    result = load("remote_module")
    assert [(i.kind, i.location) for i in result.issues] == [
        (IssueKind.UNSUPPORTED, Location("remote_module/main.tf", 1))
    ]


def test_module_and_file_outside_the_root(load: Callable) -> None:
    result = load("outside/inner")
    (app,) = result.applications
    assert [fn.name for fn in app.functions] == ["fn"]
    assert _issues(result) == [
        (
            "reference-outside-root",
            "module `escape`: file reference '../../../elsewhere' points outside the scan root; "
            "it was not read",
            Location("outside/inner/main.tf", 1),
        ),
        (
            "reference-outside-root",
            "file('/etc/passwd'): file reference '/etc/passwd' is absolute; only paths inside "
            "the scan root are read",
            Location("outside/inner/main.tf", 6),
        ),
        (
            "reference-outside-root",
            "file('../../../../x.txt'): file reference '../../../../x.txt' points outside the "
            "scan root; it was not read",
            Location("outside/inner/main.tf", 7),
        ),
    ]


def _plan_loader(root: Path, *, max_bytes: int = 5 * 1024 * 1024) -> object:
    return TerraformLoader().load(
        "plan.json", ScanFS(root, max_file_bytes=max_bytes), LoadOptions()
    )


def test_plan_nested_ten_thousand_deep(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    (tmp_path / "plan.json").write_text(
        '{"format_version": "1.2", "planned_values": {"root_module": {}}, "x": ' + deep + "}"
    )
    result = _plan_loader(tmp_path)
    assert result.applications == ()  # type: ignore[attr-defined]
    assert [(k, loc) for k, _, loc in _issues(result)] == [
        ("parse-error", Location("plan.json", 1))
    ]


def test_plan_over_the_size_limit(tmp_path: Path) -> None:
    filler = '"' + "x" * 2000 + '"'
    (tmp_path / "plan.json").write_text(
        '{"format_version": "1.2", "planned_values": {}, "pad": [' + ",".join([filler] * 600) + "]}"
    )
    result = _plan_loader(tmp_path, max_bytes=1_000_000)
    assert [(k, loc) for k, _, loc in _issues(result)] == [("parse-error", Location("plan.json"))]
    assert "over the 1000000-byte limit" in result.issues[0].message  # type: ignore[attr-defined]


def test_scan_goes_on_past_bad_modules() -> None:
    """A whole scan of the fixtures: bad folders become tool findings, good ones still load."""
    result = scan(
        FIXTURES,
        Config(),
        load_options=LoadOptions(),
        today=_dt.date(2026, 12, 7),
    )
    names = sorted(app.name for app in result.applications if app.format.value == "terraform")
    assert names == [
        "app",
        "cognito",
        "cycle",
        "inner",
        "kinds",
        "lambda_module",
        "local_module",
        "openapi_body",
        "plan",
        "remote_module",
    ]
    parse = [f for f in result.findings if f.rule_id == "FG0001"]
    assert [(f.file, f.line) for f in parse] == [("bad_parse/main.tf", 3)]


def _load_tmp(root: Path, folder: str = ".") -> Any:
    return TerraformLoader().load(folder, ScanFS(root), LoadOptions())


def test_modules_fanning_out_exponentially_hit_the_instance_budget(tmp_path: Path) -> None:
    """Each module calls the next one twice: 2**12 instances unless a budget stops it."""
    for level in range(13):
        folder = tmp_path / f"m{level}"
        folder.mkdir()
        body = (
            f'module "a" {{\n  source = "../m{level + 1}"\n}}\n'
            f'module "b" {{\n  source = "../m{level + 1}"\n}}\n'
            if level < 12
            else 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
        )
        (folder / "main.tf").write_text(body)
    (tmp_path / "main.tf").write_text('module "root" {\n  source = "./m0"\n}\n')
    result = _load_tmp(tmp_path)
    (app,) = result.applications
    assert len(app.resources) < 256
    assert [(i.kind.value, i.location) for i in result.issues] == [
        ("budget", Location("m11/main.tf", 4))
    ]


def test_modules_nested_too_deep_hit_the_depth_budget(tmp_path: Path) -> None:
    for level in range(20):
        folder = tmp_path / f"m{level}"
        folder.mkdir()
        (folder / "main.tf").write_text(f'module "next" {{\n  source = "../m{level + 1}"\n}}\n')
    (tmp_path / "m20").mkdir()
    (tmp_path / "m20" / "main.tf").write_text("")
    (tmp_path / "main.tf").write_text('module "first" {\n  source = "./m0"\n}\n')
    result = _load_tmp(tmp_path)
    assert [(i.kind.value, i.location) for i in result.issues] == [
        ("budget", Location("m14/main.tf", 1))
    ]


def test_a_long_chain_of_locals_is_unknown_not_a_crash(tmp_path: Path) -> None:
    chain = [f"  l{i} = local.l{i + 1}" for i in range(3000)]
    (tmp_path / "main.tf").write_text(
        "locals {\n" + "\n".join(chain) + '\n  l3000 = "end"\n}\n'
        'resource "aws_lambda_function" "f" {\n  function_name = local.l0\n'
        '  role = "arn:aws:iam::123456789012:role/r"\n}\n'
    )
    result = _load_tmp(tmp_path)
    (app,) = result.applications
    assert [fn.name for fn in app.functions] == ["f"]
    # one budget issue, at the local where evaluation stopped (its line depends on the
    # interpreter's recursion limit, so only the file is asserted)
    assert [(i.kind.value, i.message, i.location.file) for i in result.issues] == [
        (
            "budget",
            "an expression (or a chain of locals, variables and module outputs) nests deeper "
            "than faasguard evaluates; its value is unknown",
            "main.tf",
        )
    ]


def test_terraform_json_syntax_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    (tmp_path / "extra.tf.json").write_text('{"resource": {"aws_sqs_queue": {"x": {}}}}')
    result = _load_tmp(tmp_path)
    assert [(i.kind.value, i.location) for i in result.issues] == [
        ("unsupported", Location("extra.tf.json", 1))
    ]
