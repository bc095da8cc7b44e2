from __future__ import annotations

from typing import Any

import pytest
from builders import FILE, Brief, application, briefs, context, function, public_route, trigger, url

from faasguard.findings import Confidence, Severity
from faasguard.model import AppFormat, TriggerKind, Unknown
from faasguard.rules.sprawl import (
    FunctionNameBreaksConvention,
    UndocumentedFunction,
    UnusedFunction,
)

# --- FG9001 unused-function ----------------------------------------------------------------


def test_unused_function_fails() -> None:
    fn = function("migrateV1", line=7)
    findings = list(UnusedFunction().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG9001", "migrateV1", "migrateV1Fn", FILE, 7, Severity.LOW)]
    assert findings[0].confidence is Confidence.MEDIUM
    assert "nothing in the template references it" in findings[0].message
    assert "`functions:`" in findings[0].remediation


@pytest.mark.parametrize(
    "changes",
    [
        {"triggers": (trigger(TriggerKind.SCHEDULE),)},
        {"triggers": (public_route(),)},
        {"url": url("AWS_IAM")},
        {"referenced_by": ("OrderStateMachine",)},
    ],
)
def test_triggered_exposed_or_referenced_function_passes(changes: dict[str, Any]) -> None:
    fn = function("worker", **changes)
    assert list(UnusedFunction().check(fn, context(application([fn])))) == []


# --- FG9002 undocumented-function ----------------------------------------------------------


@pytest.mark.parametrize("description", [None, "", "   "])
def test_undocumented_function_fails(description: str | None) -> None:
    fn = function("proc2", line=7, description=description, code_root="shop/src/proc2/")
    ctx = context(application([fn]), readme_dirs={"shop", "shop/src/other"})
    findings = list(UndocumentedFunction().check(fn, ctx))
    assert briefs(findings) == [Brief("FG9002", "proc2", "proc2Fn", FILE, 7, Severity.INFO)]
    assert "code folder `shop/src/proc2` has no README" in findings[0].message
    assert "`description:`" in findings[0].remediation
    assert "README to `shop/src/proc2`" in findings[0].remediation


@pytest.mark.parametrize(
    ("code_root", "readme_dirs"),
    [
        ("shop/src/proc2", {"shop/src/proc2"}),
        ("./shop/src/proc2/", {"shop/src/proc2"}),
        ("shop/src/proc2", {"shop/src/proc2/"}),
        (".", {""}),
    ],
)
def test_readme_in_code_root_passes(code_root: str, readme_dirs: set[str]) -> None:
    fn = function("proc2", code_root=code_root)
    ctx = context(application([fn]), readme_dirs=readme_dirs)
    assert list(UndocumentedFunction().check(fn, ctx)) == []


@pytest.mark.parametrize(
    "description", ["Resizes avatars", Unknown("${file(./desc.txt)}", "outside root")]
)
def test_described_or_unknown_description_passes(description: Any) -> None:
    fn = function("proc2", description=description, code_root="shop/src/proc2")
    assert list(UndocumentedFunction().check(fn, context(application([fn])))) == []


def test_undocumented_function_without_code_root_checks_only_the_description() -> None:
    fn = function("proc2", line=7, package_type="Image", code_root=None)
    app = application([fn], fmt=AppFormat.SAM)
    findings = list(UndocumentedFunction().check(fn, context(app, readme_dirs={"shop"})))
    assert briefs(findings) == [Brief("FG9002", "proc2", "proc2Fn", FILE, 7, Severity.INFO)]
    assert findings[0].message == "Function `proc2` has no description."
    assert "`Description:`" in findings[0].remediation
    assert "README" not in findings[0].remediation


# --- FG9003 function-name-breaks-convention ------------------------------------------------


def test_naming_says_nothing_without_a_pattern() -> None:
    fn = function("Process_Order_v2")
    assert list(FunctionNameBreaksConvention().check(fn, context(application([fn])))) == []


def test_naming_rule_is_enabled_by_default() -> None:
    assert FunctionNameBreaksConvention.default_enabled is True


def test_name_breaking_the_pattern_fails() -> None:
    fn = function("Process_Order_v2", line=7)
    ctx = context(application([fn]), naming_pattern=r"[a-z][a-zA-Z0-9]*")
    findings = list(FunctionNameBreaksConvention().check(fn, ctx))
    assert briefs(findings) == [
        Brief("FG9003", "Process_Order_v2", "Process_Order_v2Fn", FILE, 7, Severity.LOW)
    ]
    assert "`[a-z][a-zA-Z0-9]*`" in findings[0].message


@pytest.mark.parametrize(("name", "ok"), [("processOrder", True), ("processOrder!", False)])
def test_pattern_must_match_the_whole_name(name: str, ok: bool) -> None:
    fn = function(name)
    ctx = context(application([fn]), naming_pattern=r"[a-z][a-zA-Z0-9]*")
    assert (list(FunctionNameBreaksConvention().check(fn, ctx)) == []) is ok
