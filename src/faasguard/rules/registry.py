"""The explicit rule registry: every built-in rule, listed family by family.

Nothing registers itself at import time; a rule exists when it is in one of the family
modules' literal ``RULES`` tuples. Family modules are imported here, on first use, so
``faasguard --version`` never pays for them.
"""

from __future__ import annotations

import functools
from importlib import import_module

from faasguard.rules.interface import Rule

__all__ = ["FAMILY_MODULES", "all_rules", "find_rule", "rule_by_name"]

#: Family modules in report order.
FAMILY_MODULES = (
    "faasguard.rules.tool",
    "faasguard.rules.permissions",
    "faasguard.rules.code",
    "faasguard.rules.dependencies",
    "faasguard.rules.data",
    "faasguard.rules.third_party",
    "faasguard.rules.surface",
    "faasguard.rules.availability",
    "faasguard.rules.platform",
    "faasguard.rules.sprawl",
)


@functools.cache
def all_rules() -> tuple[type[Rule], ...]:
    """Return every built-in rule class, in family order, then by id."""
    rules: list[type[Rule]] = []
    for module_name in FAMILY_MODULES:
        module = import_module(module_name)
        rules.extend(sorted(module.RULES, key=lambda r: r.id))
    return tuple(rules)


def find_rule(key: str) -> type[Rule] | None:
    """Return the rule whose id or name is ``key`` (ids are matched case-insensitively)."""
    for rule in all_rules():
        if key.upper() == rule.id or key == rule.name:
            return rule
    return None


def rule_by_name(name: str) -> type[Rule]:
    """Return the rule called ``name``; a missing name is a programming error."""
    rule = find_rule(name)
    if rule is None:  # pragma: no cover - guarded by the registry tests
        raise KeyError(name)
    return rule
