"""Analyzers and enrichers imported and built on the first application they are given.

The code, permission and dependency analyses import a great deal (parsers, the IAM action
table, the vulnerability store). A scan that finds no application, the common case of a CI
step run on a folder without templates, must not pay for any of it: the start-up goal of an
empty-folder scan is under 0.15 s (docs/budgets.md). Each analysis is therefore wrapped here
and built only when :meth:`LazyAnalyzer.analyze` or :meth:`LazyEnricher.enrich` first runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faasguard.code.edge.inventory import FunctionEgress
    from faasguard.deps.inventory import FunctionDependencies
    from faasguard.engine import Analyzer, Enricher
    from faasguard.findings import Finding
    from faasguard.fs import ScanFS
    from faasguard.iam.needed.compare import FunctionPermissions
    from faasguard.loaders.interface import LoadIssue
    from faasguard.model import Application

__all__ = ["LazyAnalyzer", "LazyEnricher"]


class LazyAnalyzer:
    """An :class:`~faasguard.engine.Analyzer` built on first use.

    Args:
        build: returns the analyzer and the notices its construction produced (a missing
            vulnerability store, stale data); called at most once.
    """

    def __init__(self, build: Callable[[], tuple[Analyzer, list[str]]]) -> None:
        self._build = build
        self.inner: Analyzer | None = None
        self.notices: list[str] = []

    def analyze(
        self, app: Application, fs: ScanFS
    ) -> Iterator[
        Finding | LoadIssue | FunctionDependencies | FunctionEgress | FunctionPermissions
    ]:
        """Build the analyzer if needed, then analyse one application."""
        if self.inner is None:
            self.inner, self.notices = self._build()
        yield from self.inner.analyze(app, fs)


class LazyEnricher:
    """An :class:`~faasguard.engine.Enricher` built on first use."""

    def __init__(self, build: Callable[[], Enricher]) -> None:
        self._build = build
        self._inner: Enricher | None = None

    def enrich(self, app: Application, fs: ScanFS) -> Application:
        """Build the enricher if needed, then enrich one application."""
        if self._inner is None:
            self._inner = self._build()
        return self._inner.enrich(app, fs)
