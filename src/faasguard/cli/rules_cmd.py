"""``faasguard rules``: list every rule, or print one rule's documentation."""

from __future__ import annotations

import argparse
import inspect
import json
import sys

from faasguard.rules.interface import Rule
from faasguard.rules.registry import all_rules, find_rule

__all__ = ["explain", "run_rules"]


def explain(rule: type[Rule]) -> str:
    """Return the documentation of ``rule``: its metadata and its docstring."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    header = (
        f"{rule.id} {rule.name}\n"
        f"category: {rule.category}   severity: {rule.severity.value}   "
        f"confidence: {rule.confidence.value}"
        + (f"   {rule.cwe}" if rule.cwe else "")
        + ("" if rule.default_enabled else "   (off by default)")
    )
    return f"{header}\n\n{rule.title}\n\n{doc}\n"


def run_rules(args: argparse.Namespace) -> int:
    """List the rules or explain one; exit 2 for an unknown rule."""
    if args.explain:
        rule = find_rule(args.explain)
        if rule is None:
            print(
                f"faasguard: error: no rule with id or name {args.explain!r} "
                "(see `faasguard rules`)",
                file=sys.stderr,
            )
            return 2
        sys.stdout.write(explain(rule))
        return 0
    rules = all_rules()
    if args.format == "json":
        data = [
            {
                "id": r.id,
                "name": r.name,
                "category": r.category,
                "severity": r.severity.value,
                "confidence": r.confidence.value,
                "cwe": r.cwe,
                "title": r.title,
                "default_enabled": r.default_enabled,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    for r in rules:
        flag = "" if r.default_enabled else "  (off by default)"
        sys.stdout.write(
            f"{r.id}  {r.name:34} {r.category:36} {r.severity.value:8} {r.title}{flag}\n"
        )
    return 0
