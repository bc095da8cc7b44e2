"""What every part of one Serverless template load shares.

The :class:`Context` is built once per template, after variables are resolved. It carries the
resolved document, the two resolvers (Serverless variables for file/line provenance and raw
text; CloudFormation intrinsics for values that end up in the compiled stack) and the list of
issues, so the modules that build functions, events, roles and resources stay pure functions of
it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faasguard.fs import ScanFS
from faasguard.loaders.cloudformation.intrinsics import Resolver as CfnResolver
from faasguard.loaders.cloudformation.intrinsics import ref_target
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions
from faasguard.loaders.serverless.values import as_map, as_text, as_texts
from faasguard.loaders.serverless.variables import Resolver
from faasguard.model import Location, Unknown

__all__ = ["Context"]


@dataclass(slots=True)
class Context:
    """Shared state of one template load.

    Attributes:
        fs: the confined scan root.
        options: what the user asked for.
        template: POSIX path of the template.
        root: POSIX folder of the template (``.`` at the scan root): the service directory.
        variables: the Serverless variable resolver (file and raw text of each value).
        cfn: the CloudFormation intrinsic resolver, for values that reach the compiled stack.
        document: the resolved template.
        resources: ``resources.Resources`` merged, logical id -> (container, resolved body).
        function_names: the names under ``functions:``.
        issues: problems found after variable resolution.
    """

    fs: ScanFS
    options: LoadOptions
    template: str
    root: str
    variables: Resolver
    cfn: CfnResolver
    document: Mapping[str, Any]
    resources: Mapping[str, tuple[Mapping[str, Any], Any]]
    function_names: frozenset[str]
    issues: list[LoadIssue] = field(default_factory=list)
    _seen: set[LoadIssue] = field(default_factory=set)

    @property
    def provider(self) -> Mapping[str, Any]:
        """The resolved ``provider`` block (empty when absent or malformed)."""
        return as_map(self.document.get("provider"))

    def loc(self, container: Any, key: str | int | None = None) -> Location:
        """Where ``container[key]`` is written (in the template or an included file)."""
        return self.variables.location(container, key)

    def resolve_cfn(self, value: Any) -> Any:
        """Resolve the CloudFormation intrinsics of a value (``!Ref X`` -> Unknown)."""
        return self.cfn.resolve(value)

    def text(self, value: Any) -> str | Unknown | None:
        """A string field whose value may be an intrinsic (``onError: !Ref Topic``)."""
        return as_text(self.resolve_cfn(value))

    def text_items(self, value: Any) -> tuple[str | Unknown, ...]:
        """A list of strings whose items may be intrinsics (``layers``, ``subnetIds``)."""
        return as_texts(self.resolve_cfn(value))

    def source(self, value: Any) -> str | Unknown | None:
        """A trigger source: the logical id for ``!GetAtt Queue.Arn``, else the text."""
        target = ref_target(value)
        return target if target is not None else self.text(value)

    def has_plugin(self, plugin: str) -> bool:
        """True when ``plugins`` lists ``plugin`` (a list, or v1's ``{modules: [...]}``).

        A ``plugins`` block that cannot be resolved may list it, so it counts as listed.
        """
        plugins = self.document.get("plugins")
        if isinstance(plugins, dict):
            plugins = plugins.get("modules")
        if isinstance(plugins, Unknown):
            return True
        names = plugins if isinstance(plugins, list) else []
        return any(isinstance(name, str) and name.endswith(plugin) for name in names)

    def issue(self, kind: IssueKind, message: str, location: Location) -> None:
        """Record a problem (each distinct one once)."""
        issue = LoadIssue(kind, message, location)
        if issue not in self._seen:
            self._seen.add(issue)
            self.issues.append(issue)
