"""The scanner's exception hierarchy.

Loaders raise :class:`LoadError` subclasses whose message starts with ``file:line:``; the engine
turns each into a ``tool.*`` finding so a bad file never stops a scan. :class:`ConfigError` is a
user mistake (exit code 2); anything else escaping to the CLI is an internal error (exit code 3).
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "FaasguardError",
    "FileTooLargeError",
    "LoadError",
    "OutsideRootError",
    "ParseError",
    "UnsupportedError",
]


class FaasguardError(Exception):
    """Base of every error faasguard raises on purpose."""


class ConfigError(FaasguardError):
    """The user's configuration or command line is wrong (exit code 2)."""


class LoadError(FaasguardError):
    """A scanned file could not be loaded.

    Attributes:
        file: POSIX path relative to the scan root.
        line: 1-based line, when known.
        detail: the message without the location prefix.
    """

    kind = "parse-error"

    def __init__(self, file: str, line: int | None, detail: str) -> None:
        self.file = file
        self.line = line
        self.detail = detail
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {detail}")


class ParseError(LoadError):
    """The file is not valid YAML/JSON/TOML, or not a valid template."""


class OutsideRootError(LoadError):
    """A file reference points outside the scan root (or through a symlink out of it)."""

    kind = "reference-outside-root"


class FileTooLargeError(LoadError):
    """A file is over the size cap and was not read."""


class UnsupportedError(LoadError):
    """The file is a template faasguard cannot read statically (e.g. serverless.ts)."""

    kind = "unsupported"
