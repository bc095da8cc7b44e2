"""Every rule of every family module has well-formed, unique metadata and full documentation.

The list of family modules is explicit; modules that do not exist yet are skipped, so the test
can cover families as they land.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

from faasguard.findings import Confidence, Severity
from faasguard.rules.interface import (
    DOC_SECTIONS,
    ApiRule,
    ApplicationRule,
    FunctionRule,
    ResourceRule,
    RoleRule,
    Rule,
    ToolRule,
)
from faasguard.taxonomy import CATEGORIES

#: family module -> id prefix ("FG6" = FG6000-FG6999).
FAMILY_MODULES: dict[str, str] = {
    "faasguard.rules.tool": "FG0",
    "faasguard.rules.permissions": "FG1",
    "faasguard.rules.code": "FG2",
    "faasguard.rules.dependencies": "FG3",
    "faasguard.rules.data": "FG4",
    "faasguard.rules.third_party": "FG5",
    "faasguard.rules.surface": "FG6",
    "faasguard.rules.availability": "FG7",
    "faasguard.rules.platform": "FG8",
    "faasguard.rules.sprawl": "FG9",
}
REQUIRED = {name.rsplit(".", 1)[1] for name in FAMILY_MODULES}

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
ID = re.compile(r"^FG\d{4}$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CWE = re.compile(r"^CWE-\d+$")
CHECK_BASES = (FunctionRule, RoleRule, ApiRule, ResourceRule, ApplicationRule)


def _load(name: str) -> ModuleType:
    return importlib.import_module(name)


MODULES = {name: _load(name) for name in FAMILY_MODULES}
ALL_RULES: list[tuple[str, type[Rule]]] = [
    (name, rule) for name, module in MODULES.items() for rule in module.RULES
]


def _rule_id(param: tuple[str, type[Rule]]) -> str:
    return f"{param[1].__name__}"


def test_required_families_are_present() -> None:
    assert {name.rsplit(".", 1)[1] for name in MODULES} >= REQUIRED


@pytest.mark.parametrize("name", list(MODULES))
def test_rules_is_a_literal_tuple_of_rule_classes(name: str) -> None:
    rules = MODULES[name].RULES
    assert type(rules) is tuple and rules
    assert len(set(rules)) == len(rules)
    for rule in rules:
        assert inspect.isclass(rule) and issubclass(rule, Rule), rule


def test_ids_and_names_are_unique_across_families() -> None:
    ids = [rule.id for _, rule in ALL_RULES]
    names = [rule.name for _, rule in ALL_RULES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("entry", ALL_RULES, ids=_rule_id)
def test_rule_metadata_is_well_formed(entry: tuple[str, type[Rule]]) -> None:
    module, rule = entry
    assert ID.fullmatch(rule.id), rule.id
    prefix = FAMILY_MODULES[module]
    if prefix is not None:
        assert rule.id.startswith(prefix), f"{rule.id} outside the {module} range {prefix}xxx"
    assert NAME.fullmatch(rule.name), rule.name
    assert rule.category in CATEGORIES, rule.category
    family = module.rsplit(".", 1)[1].replace("_", "-")
    assert rule.category.split(".", 1)[0] == family, "category of another family"
    assert isinstance(rule.severity, Severity)
    assert isinstance(rule.confidence, Confidence)
    assert rule.cwe is None or CWE.fullmatch(rule.cwe), rule.cwe
    assert isinstance(rule.title, str) and rule.title.strip()
    assert isinstance(rule.default_enabled, bool)


@pytest.mark.parametrize("entry", ALL_RULES, ids=_rule_id)
def test_rule_kind_is_checkable_or_tool(entry: tuple[str, type[Rule]]) -> None:
    _, rule = entry
    if issubclass(rule, ToolRule):
        assert not hasattr(rule, "check")
        return
    assert issubclass(rule, CHECK_BASES)
    assert not inspect.isabstract(rule), f"{rule.__name__} does not implement check"
    if issubclass(rule, ResourceRule):
        assert rule.resource_types and all(isinstance(t, str) for t in rule.resource_types)


@pytest.mark.parametrize("entry", ALL_RULES, ids=_rule_id)
def test_docstring_has_every_section_in_order(entry: tuple[str, type[Rule]]) -> None:
    _, rule = entry
    doc = inspect.getdoc(rule) or ""
    summary = doc.split("\n", 1)[0]
    assert summary and not summary.startswith("#"), "docstring must open with a summary line"
    headers = [line[3:].strip() for line in doc.splitlines() if line.startswith("## ")]
    assert headers == list(DOC_SECTIONS), headers
    for section, body in zip(DOC_SECTIONS, re.split(r"^## .*$", doc, flags=re.M)[1:], strict=True):
        assert body.strip(), f"section '{section}' is empty"


@pytest.mark.parametrize(
    "module", [m for m, prefix in FAMILY_MODULES.items() if prefix is not None and m in MODULES]
)
def test_family_docs_list_every_rule(module: str) -> None:
    family = module.rsplit(".", 1)[1].replace("_", "-")
    text = (DOCS / f"{family}.md").read_text(encoding="utf-8")
    for rule in MODULES[module].RULES:
        assert rule.id in text and f"`{rule.name}`" in text, f"{rule.id} missing in {family}.md"
