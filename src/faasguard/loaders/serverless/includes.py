"""Reading the files ``${file(...)}`` names, for the variable resolver.

Serverless reads ``.yml``/``.yaml`` as YAML, ``.json``/``.tfstate`` as JSON, JavaScript by
*running* it, and anything else as plain text. Here YAML and JSON go through the safe reader
(line numbers, duplicate-key warnings, budgets), text is returned as is, and JavaScript is never
read at all (the resolver turns it into an Unknown before it gets here). Every read goes through
:class:`~faasguard.fs.ScanFS`, so size caps and the scan-root confinement apply; the caller has
already confined the path with :meth:`~faasguard.fs.ScanFS.join`.

Each file is read once per template however often it is referenced, and the number of distinct
files is capped. Every mapping and list of a parsed file is recorded with the file's path, so a
value included from ``config/env.yml`` is reported at ``config/env.yml:3``, not in the template.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.loaders.yaml_safe import parse_json, parse_yaml
from faasguard.model import Location

__all__ = ["MAX_BYTES", "MAX_FILES", "Included", "Includes"]

#: Distinct files ``${file()}`` may read per template.
MAX_FILES: Final = 200
#: Bytes ``${file()}`` may read per template, all files together. A few large included files
#: once took 2 GB to resolve; counting files alone did not bound that.
MAX_BYTES: Final = 16 * 1024 * 1024
_YAML_EXTENSIONS: Final = frozenset({".yml", ".yaml"})
_JSON_EXTENSIONS: Final = frozenset({".json", ".tfstate"})


@dataclass(frozen=True, slots=True)
class Included:
    """A file named by ``file()``: its content, or why it could not be read.

    Attributes:
        data: the parsed document (or text); None when it could not be read.
        failure: why it could not be read (the issue is already reported), else None.
    """

    data: Any = None
    failure: str | None = None


class Includes:
    """The files one template includes, read once each.

    Args:
        fs: the confined scan root.
        files: where the file of every included mapping and list is recorded (by ``id``).
        report: receives the issues met (unreadable files, duplicate keys, too many files).
    """

    def __init__(
        self, fs: ScanFS, *, files: dict[int, str], report: Callable[[LoadIssue], None]
    ) -> None:
        self._fs = fs
        self._files = files
        self._report = report
        self._cache: dict[str, Included | None] = {}
        self._bytes = 0

    def read(self, rel: str, *, referrer: Location) -> Included | None:
        """Return the content of ``rel`` (confined already), or None when it does not exist.

        Args:
            rel: POSIX path relative to the scan root.
            referrer: where the ``file()`` is written, for the too-many-files issue.
        """
        if rel in self._cache:
            return self._cache[rel]
        if len(self._cache) >= MAX_FILES:
            if len(self._cache) == MAX_FILES:
                self._cache["\0limit"] = None  # report once
                self._report(
                    LoadIssue(
                        IssueKind.PARSE_ERROR,
                        f"more than {MAX_FILES} files included with file(); the rest are not read",
                        referrer,
                    )
                )
            return Included(failure="too many included files")
        result: Included | None = None
        size = self._fs.size(rel)  # 0 when rel is not a regular file
        if size and self._bytes + size > MAX_BYTES:
            self._report(
                LoadIssue(
                    IssueKind.BUDGET,
                    f"file({rel}) not read: files included with file() would exceed "
                    f"{MAX_BYTES} bytes for this template; its values are unknown",
                    referrer,
                )
            )
            result = Included(failure="include byte budget exhausted")
            self._cache[rel] = result
            return result
        self._bytes += size
        # A symlink that exists() refuses (a loop, a link out of the root) is read anyway, so
        # the real reason is reported instead of "no such file".
        if self._fs.exists(rel) or (self._fs.root / rel).is_symlink():
            try:
                result = Included(data=self._parse(rel))
            except LoadError as exc:
                if exc.line is None:
                    # Unreadable as a whole (a symlink loop, a FIFO, too large): say so where
                    # the file() is written, which is what the author has to change.
                    issue = issue_from_error(exc)
                    self._report(
                        LoadIssue(issue.kind, f"file({rel}) cannot be read: {exc.detail}", referrer)
                    )
                else:
                    self._report(issue_from_error(exc))
                result = Included(failure="file could not be read")
        self._cache[rel] = result
        return result

    def _parse(self, rel: str) -> Any:
        text = self._fs.read_text(rel)
        extension = posixpath.splitext(rel)[1].lower()
        if extension in _YAML_EXTENSIONS:
            parsed = parse_yaml(text, rel)
        elif extension in _JSON_EXTENSIONS:
            parsed = parse_json(text, rel)
        else:
            return text  # Serverless reads any other file as plain text
        for line, message in parsed.warnings:
            self._report(LoadIssue(IssueKind.DUPLICATE_KEY, message, Location(rel, line)))
        self._register(parsed.data, rel)
        return parsed.data

    def _register(self, data: Any, rel: str) -> None:
        """Remember which file every mapping and list of an included document comes from."""
        pending = [data]
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                self._files[id(node)] = rel
                pending.extend(node.values())
            elif isinstance(node, list):
                self._files[id(node)] = rel
                pending.extend(node)
