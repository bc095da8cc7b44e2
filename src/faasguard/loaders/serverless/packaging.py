"""Which files of the service a function's package holds: ``package`` patterns in effective order.

Serverless (v1 to v4, ``lib/plugins/package/lib/package-service.js``) builds one list of globs per
package and applies it to every file of the service folder, the last matching glob winning:

1. the *excludes*, each negated (``x`` becomes ``!x``; an exclude written ``!x`` re-includes
   ``x``): its fixed defaults, the service's ``package.exclude``, ``<path>/**`` of every entry
   of ``layers`` (a layer's files ship in the layer, not in the functions), then the function's
   ``package.exclude``;
2. then the *includes*, as written: the service's ``package.include`` and ``package.patterns``,
   then the function's ``package.include`` and ``package.patterns``.

Each of the two lists is de-duplicated keeping the first occurrence (lodash ``union``). The
function's settings count only when it is packaged on its own (``package.individually`` true at
the service or function level); otherwise Serverless builds one package for the service with the
service's settings, ignoring (with a warning) the function's. So a v1 service-level
``exclude: ['**']`` with a function-level ``include: ['src/**']`` gives ``!**, src/**``: the
include wins, whatever the order the keys are written in.

The fixed defaults (``.git/**``, ``.serverless/**``, the template file, logs, ``.env*`` with
``useDotenv``) are not listed: they never name a dependency manifest.

serverless-python-requirements: ``custom.pythonRequirements.fileName`` names the requirements
file the plugin installs from, relative to the service folder, or to the function's ``module``
folder.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.loaders.interface import IssueKind, issue_from_error
from faasguard.loaders.serverless.context import Context
from faasguard.loaders.serverless.values import as_bool, as_map, as_text, render_value
from faasguard.model import Location, Unknown

__all__ = ["PYTHON_REQUIREMENTS_PLUGIN", "Packaging"]

#: The plugin that installs a Python function's requirements into its package.
PYTHON_REQUIREMENTS_PLUGIN: Final = "serverless-python-requirements"


class Packaging:
    """The service-wide packaging settings, read once; per-function patterns on demand.

    Args:
        ctx: the load context (unreadable settings are reported to it).
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        package = _block(ctx, ctx.document, "package", "the service")
        self.individually = self._flag(package, "the service")
        layer_excludes = [f"{path}/**" for path in _layer_paths(ctx.document)]
        self._excludes = [*self._globs(package, "exclude"), *layer_excludes]
        self._includes = [*self._globs(package, "include"), *self._globs(package, "patterns")]
        self._requirements = self._requirements_file_name()
        self._requirements_at: dict[str, str | None] = {}

    def patterns(self, name: str, fn: Mapping[str, Any]) -> tuple[str, ...]:
        """The globs that select the files of function ``name``'s package, in evaluation order.

        Args:
            name: the function's key, for issues.
            fn: its resolved configuration.
        """
        excludes, includes = self._excludes, self._includes
        if "package" in fn:
            package = _block(self.ctx, fn, "package", f"function {name!r}")
            if self._flag(package, f"function {name!r}") or self.individually:
                excludes = [*excludes, *self._globs(package, "exclude")]
                includes = [
                    *includes,
                    *self._globs(package, "include"),
                    *self._globs(package, "patterns"),
                ]
        negated = (glob[1:] if glob.startswith("!") else "!" + glob for glob in _union(excludes))
        return (*negated, *_union(includes))

    def requirements_file(self, code_root: str, runtime: str | Unknown | None) -> str | None:
        """The file serverless-python-requirements installs from, when set and present.

        Only a ``fileName`` other than the default is returned (``requirements.txt`` is found
        with the other manifests), only for a function the plugin handles (a Python runtime, or
        one that cannot be resolved), and only when the file exists inside the scan root.

        Args:
            code_root: the function's code root (the service folder or its ``module`` folder).
            runtime: the function's runtime (None: Serverless's default, Node.js).
        """
        if self._requirements is None or runtime is None:
            return None
        if isinstance(runtime, str) and not runtime.startswith("python"):
            return None
        if code_root not in self._requirements_at:
            name, where = self._requirements
            self._requirements_at[code_root] = self._find_requirements(code_root, name, where)
        return self._requirements_at[code_root]

    def _find_requirements(self, code_root: str, name: str, where: Location) -> str | None:
        fs = self.ctx.fs
        try:
            path = fs.join(code_root, name, referrer=where.file, line=where.line)
        except LoadError as exc:
            self.ctx.issues.append(issue_from_error(exc))
            return None
        return path if fs.exists(path) and not fs.is_dir(path) else None

    # -- reading ----------------------------------------------------------------------------

    def _flag(self, package: Mapping[str, Any], owner: str) -> bool:
        """``package.individually``; one that cannot be resolved counts as false, reported."""
        value = as_bool(package.get("individually"))
        if isinstance(value, Unknown):
            self.ctx.issue(
                IssueKind.UNRESOLVED,
                f"package.individually of {owner} cannot be resolved statically "
                f"({value.reason}); it is read as false",
                self.ctx.loc(package, "individually"),
            )
            return False
        return value is True

    def _globs(self, package: Mapping[str, Any], key: str) -> list[str]:
        """The strings of ``package.<key>``; entries that cannot be resolved are reported."""
        ctx = self.ctx
        value = package.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            reason = value.reason if isinstance(value, Unknown) else "not a list"
            ctx.issue(
                IssueKind.UNRESOLVED,
                f"package.{key} {render_value(value)!r} cannot be read ({reason}); its patterns "
                "are not applied",
                ctx.loc(package, key),
            )
            return []
        globs: list[str] = []
        for index, item in enumerate(value):
            text = as_text(item)
            if isinstance(text, str):
                globs.append(text)
            elif text is not None:
                ctx.issue(
                    IssueKind.UNRESOLVED,
                    f"package.{key} pattern {text.expression!r} cannot be read ({text.reason}); "
                    "it is not applied",
                    ctx.loc(value, index),
                )
        return globs

    def _requirements_file_name(self) -> tuple[str, Location] | None:
        """``custom.pythonRequirements.fileName`` and where it is written, when not the default."""
        ctx = self.ctx
        if not ctx.has_plugin(PYTHON_REQUIREMENTS_PLUGIN):
            return None
        settings = as_map(as_map(ctx.document.get("custom")).get("pythonRequirements"))
        name = as_text(settings.get("fileName"))
        if isinstance(name, Unknown):
            ctx.issue(
                IssueKind.UNRESOLVED,
                "custom.pythonRequirements.fileName cannot be resolved statically "
                f"({name.reason}); only the manifests found by name are used",
                ctx.loc(settings, "fileName"),
            )
            return None
        if not name or posixpath.normpath(name) == "requirements.txt":
            return None
        return name, ctx.loc(settings, "fileName")


def _block(ctx: Context, owner: Mapping[str, Any], key: str, label: str) -> Mapping[str, Any]:
    """``owner[key]`` as a mapping; one that cannot be resolved is reported and read as empty."""
    value = owner.get(key)
    if value is not None and not isinstance(value, dict):
        reason = value.reason if isinstance(value, Unknown) else "not a mapping"
        ctx.issue(
            IssueKind.UNRESOLVED,
            f"{key} of {label} cannot be read ({reason}); its patterns are not applied",
            ctx.loc(owner, key),
        )
    return as_map(value)


def _layer_paths(document: Mapping[str, Any]) -> list[str]:
    """The ``path`` of every ``layers`` entry, trailing slashes removed (as ``<path>/**``)."""
    paths: list[str] = []
    for config in as_map(document.get("layers")).values():
        path = as_map(config).get("path")
        if isinstance(path, str) and path.rstrip("/"):
            paths.append(path.rstrip("/"))
    return paths


def _union(globs: Iterable[str]) -> list[str]:
    """The globs in order, each at its first occurrence (lodash ``union``)."""
    return list(dict.fromkeys(globs))
