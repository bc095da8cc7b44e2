"""The taint tables of each language, indexed once for fast lookups by callee path."""

from __future__ import annotations

import fnmatch
import importlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from faasguard.code.models.interface import (
    FlagModel,
    LanguageModels,
    RouteModel,
    SanitizerModel,
    SinkModel,
    SourceModel,
    SummaryModel,
    ValidatorModel,
)

__all__ = ["ModelIndex", "models_for"]

#: The module holding each language's rows (TypeScript shares JavaScript's).
_MODULES = {
    "python": "faasguard.code.models.python",
    "javascript": "faasguard.code.models.javascript",
    "typescript": "faasguard.code.models.javascript",
}


@dataclass(slots=True)
class ModelIndex:
    """One language's rows, indexed by callee path.

    Rows whose callee holds ``*`` are glob patterns (``*.execute``,
    ``pymongo.MongoClient()*.find``), tried after the exact rows.
    """

    sinks: dict[str, list[SinkModel]] = field(default_factory=lambda: defaultdict(list))
    glob_sinks: list[tuple[re.Pattern[str], SinkModel]] = field(default_factory=list)
    sanitizers: dict[str, SanitizerModel] = field(default_factory=dict)
    validators: dict[str, ValidatorModel] = field(default_factory=dict)
    summaries: dict[str, SummaryModel] = field(default_factory=dict)
    sources: dict[str, SourceModel] = field(default_factory=dict)
    flags: dict[str, list[FlagModel]] = field(default_factory=lambda: defaultdict(list))
    routes: list[tuple[re.Pattern[str], RouteModel]] = field(default_factory=list)
    dispatchers: frozenset[str] = frozenset()

    def route_for(self, path: str) -> RouteModel | None:
        """The route-registration row matching a callee path."""
        for pattern, row in self.routes:
            if pattern.fullmatch(path):
                return row
        return None

    def sinks_for(self, path: str) -> list[tuple[SinkModel, bool]]:
        """Sink rows for a callee path, each with True when it matched exactly."""
        found = [(row, True) for row in self.sinks.get(path, ())]
        if found:
            return found
        # A glob that names its receiver (``pymongo.MongoClient()*.find``) is as good as an exact
        # row; one that takes any receiver (``*.execute``) is a guess about what the value is.
        return [
            (row, not row.callee.startswith("*"))
            for pattern, row in self.glob_sinks
            if pattern.fullmatch(path)
        ]

    def source_for(self, path: str) -> SourceModel | None:
        """The source row for ``path`` or for the nearest prefix of it."""
        probe = path
        while True:
            row = self.sources.get(probe)
            if row is not None:
                return row
            cut = max(probe.rfind("."), probe.rfind("("))
            if cut <= 0:
                return None
            probe = probe[:cut]


def _index(models: LanguageModels) -> ModelIndex:
    index = ModelIndex()
    for sink in models.sinks:
        if "*" in sink.callee:
            index.glob_sinks.append((re.compile(fnmatch.translate(sink.callee)), sink))
        else:
            index.sinks[sink.callee].append(sink)
    index.sanitizers = {row.callee: row for row in models.sanitizers}
    index.validators = {row.callee: row for row in models.validators}
    index.summaries = {row.callee: row for row in models.summaries}
    index.sources = {row.path: row for row in models.sources}
    for flag in models.flags:
        index.flags[flag.callee].append(flag)
    index.routes = [(re.compile(fnmatch.translate(r.callee)), r) for r in models.routes]
    index.dispatchers = frozenset(models.dispatchers)
    return index


@cache
def models_for(language: str) -> ModelIndex:
    """The indexed rows of a language (empty when its table module does not exist yet)."""
    name = _MODULES.get(language)
    if name is None:
        return ModelIndex()
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return ModelIndex()
    models: LanguageModels = module.MODELS
    return _index(models)
