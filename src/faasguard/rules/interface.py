"""The rule seam: a rule is metadata plus one pure generator.

A rule declares what it is (id, name, category, severity, confidence, CWE) as class attributes and
what it looks at by subclassing one of :class:`FunctionRule`, :class:`RoleRule`, :class:`ApiRule`,
:class:`ResourceRule` or :class:`ApplicationRule`. The engine owns traversal, catches a rule that
raises (it becomes a ``tool.rule-crashed`` finding) and applies suppressions. A rule does no I/O,
keeps no state between calls and never mutates the model.

The class docstring is the rule's documentation, with the sections listed in
:data:`DOC_SECTIONS`; ``faasguard rules --explain ID`` prints it.
"""

from __future__ import annotations

import datetime as _dt
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import Api, Application, Function, Location, Resource, Role

__all__ = [
    "DOC_SECTIONS",
    "ApiRule",
    "ApplicationRule",
    "FunctionRule",
    "ResourceRule",
    "RoleRule",
    "Rule",
    "RuleContext",
    "RuleOptions",
    "ToolRule",
]

#: The sections every rule docstring must have, in this order.
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")

ID_PATTERN = re.compile(r"^FG\d{4}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class RuleOptions:
    """Options rules may read, from the validated configuration.

    Attributes:
        today: the date deprecation rules compare against (fixed in tests).
        naming_pattern: regular expression function names must match; None turns the rule off.
        deprecation_warning_days: how early a coming runtime deprecation is reported.
        extra: per-rule options keyed by rule name (``[rules.<name>]`` in the config).
    """

    today: _dt.date = field(default_factory=_dt.date.today)
    naming_pattern: str | None = None
    deprecation_warning_days: int = 90
    extra: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may look at besides the element it checks."""

    app: Application
    options: RuleOptions
    readme_dirs: frozenset[str] = frozenset()


class Rule(ABC):
    """Base of all rules: metadata only. Subclass one of the element-specific bases."""

    id: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[Severity]
    confidence: ClassVar[Confidence] = Confidence.HIGH
    cwe: ClassVar[str | None] = None
    title: ClassVar[str]
    #: Rules off by default run only when the configuration turns them on.
    default_enabled: ClassVar[bool] = True

    def finding(
        self,
        ctx: RuleContext,
        *,
        message: str,
        location: Location,
        function: str | None,
        resource: str | None,
        evidence: str,
        remediation: str,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        title: str | None = None,
        fingerprint_extra: str = "",
    ) -> Finding:
        """Build a finding of this rule; severity and confidence may be raised or lowered."""
        return Finding.create(
            rule_id=self.id,
            rule_name=self.name,
            category=self.category,
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            title=title or self.title,
            message=message,
            file=location.file,
            line=location.line,
            function=function,
            application=ctx.app.name,
            resource=resource,
            evidence=evidence,
            remediation=remediation,
            cwe=self.cwe,
            fingerprint_extra=fingerprint_extra,
        )


class FunctionRule(Rule):
    """A rule checked once per function."""

    @abstractmethod
    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for one function."""


class RoleRule(Rule):
    """A rule checked once per execution role."""

    @abstractmethod
    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for one role."""


class ApiRule(Rule):
    """A rule checked once per API."""

    @abstractmethod
    def check(self, api: Api, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for one API."""


class ResourceRule(Rule):
    """A rule checked once per resource whose type is in :attr:`resource_types`."""

    resource_types: ClassVar[frozenset[str]]

    @abstractmethod
    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for one resource."""


class ApplicationRule(Rule):
    """A rule that needs the whole application at once."""

    @abstractmethod
    def check(self, app: Application, ctx: RuleContext) -> Iterator[Finding]:
        """Yield the findings for one application."""


class ToolRule(Rule):
    """A rule the scanner itself reports (parse errors, crashes); it has no check."""
