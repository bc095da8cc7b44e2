"""One validated configuration, from ``faasguard.toml`` or ``[tool.faasguard]``.

Precedence, highest first: command line, project file, user file
(``~/.config/faasguard/config.toml``), defaults. Every key is checked: a typo in a security
tool's config must fail loudly (exit 2), not silently turn a rule off. Suppressions need a
reason and are reported as suppressed, never dropped.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from faasguard.errors import ConfigError
from faasguard.findings import Finding, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["Config", "Suppression", "load_config"]

PROJECT_FILE = "faasguard.toml"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``[[suppress]]`` entry: every given selector must match, and a reason is required."""

    reason: str
    rule: str | None = None
    function: str | None = None
    file: str | None = None
    fingerprint: str | None = None
    application: str | None = None
    source: str = "config"

    def matches(self, finding: Finding) -> bool:
        """Return True when every selector set on this suppression matches ``finding``."""
        if self.rule and self.rule not in (finding.rule_id, finding.rule_name, finding.category):
            return False
        if self.function and finding.function != self.function:
            return False
        if self.application and finding.application != self.application:
            return False
        if self.fingerprint and finding.fingerprint != self.fingerprint:
            return False
        return not (self.file and not fnmatch.fnmatchcase(finding.file, self.file))


@dataclass(frozen=True, slots=True)
class Config:
    """Every scan option, merged from all sources (see module docstring)."""

    fail_on: Severity = Severity.HIGH
    exclude: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    naming_pattern: str | None = None
    deprecation_warning_days: int = 90
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    stage: str | None = None
    region: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    max_file_bytes: int = 5 * 1024 * 1024
    on_unsupported: str = "only"
    sources: tuple[str, ...] = ()


_TOP_KEYS = {
    "fail-on",
    "exclude",
    "rules",
    "suppress",
    "stage",
    "region",
    "parameters",
    "max-file-bytes",
    "on-unsupported",
}
#: ``on-unsupported``: when applications faasguard cannot read make the scan exit 4.
ON_UNSUPPORTED = ("only", "any", "never")
_RULE_KEYS = {"disable", "enable", "naming-pattern", "deprecation-warning-days", "options"}
_SUPPRESS_KEYS = {"rule", "function", "file", "fingerprint", "application", "reason"}


def load_config(
    scan_root: Path, *, explicit: Path | None = None, user_home: Path | None = None
) -> Config:
    """Read and merge the user file and the project file for ``scan_root``.

    Args:
        scan_root: the folder being scanned; the project file is looked for there.
        explicit: a file given with ``--config``; replaces the project file lookup.
        user_home: folder holding the user file (defaults to ``$XDG_CONFIG_HOME/faasguard``).

    Raises:
        ConfigError: unreadable file, invalid TOML, unknown key or wrong type, naming the file.
    """
    config = Config()
    home = user_home or Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    user_file = home / "faasguard" / "config.toml"
    if user_file.is_file():
        config = _merge(config, _read_table(user_file, None), str(user_file))
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        section = ("tool", "faasguard") if explicit.name == "pyproject.toml" else None
        return _merge(config, _read_table(explicit, section), str(explicit))
    base = scan_root if scan_root.is_dir() else scan_root.parent
    project = base / PROJECT_FILE
    if project.is_file():
        return _merge(config, _read_table(project, None), str(project))
    pyproject = base / "pyproject.toml"
    if pyproject.is_file():
        table = _read_table(pyproject, ("tool", "faasguard"))
        if table:
            return _merge(config, table, str(pyproject))
    return config


def _read_table(path: Path, section: tuple[str, ...] | None) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    for key in section or ():
        data = data.get(key, {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [{'.'.join(section or ())}] must be a table")
    table: dict[str, Any] = data
    return table


def _merge(config: Config, table: Mapping[str, Any], source: str) -> Config:
    """Return ``config`` updated by one file's table, validating every key."""
    _unknown(table, _TOP_KEYS, source, "")
    changes: dict[str, Any] = {"sources": (*config.sources, source)}
    if "fail-on" in table:
        changes["fail_on"] = _severity(table["fail-on"], source, "fail-on")
    if "exclude" in table:
        changes["exclude"] = _str_list(table["exclude"], source, "exclude")
    if "stage" in table:
        changes["stage"] = _str(table["stage"], source, "stage")
    if "region" in table:
        changes["region"] = _str(table["region"], source, "region")
    if "on-unsupported" in table:
        mode = table["on-unsupported"]
        if mode not in ON_UNSUPPORTED:
            raise ConfigError(
                f"{source}: on-unsupported must be one of {', '.join(ON_UNSUPPORTED)}, not {mode!r}"
            )
        changes["on_unsupported"] = mode
    if "max-file-bytes" in table:
        changes["max_file_bytes"] = _int(table["max-file-bytes"], source, "max-file-bytes")
    if "parameters" in table:
        params = table["parameters"]
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            raise ConfigError(f"{source}: 'parameters' must be a table of strings")
        changes["parameters"] = {**config.parameters, **params}
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{source}: [rules] must be a table")
    _unknown(rules, _RULE_KEYS, source, "rules.")
    if "disable" in rules:
        changes["disable"] = _str_list(rules["disable"], source, "rules.disable")
    if "enable" in rules:
        changes["enable"] = _str_list(rules["enable"], source, "rules.enable")
    if "naming-pattern" in rules:
        pattern = _str(rules["naming-pattern"], source, "rules.naming-pattern")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"{source}: rules.naming-pattern is not a valid regular expression: {exc}"
            ) from None
        changes["naming_pattern"] = pattern
    if "deprecation-warning-days" in rules:
        changes["deprecation_warning_days"] = _int(
            rules["deprecation-warning-days"], source, "rules.deprecation-warning-days"
        )
    if "options" in rules:
        options = rules["options"]
        if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
            raise ConfigError(f"{source}: [rules.options] must hold one table per rule name")
        changes["rule_options"] = {**config.rule_options, **options}
    if "suppress" in table:
        changes["suppressions"] = (*config.suppressions, *_suppressions(table["suppress"], source))
    return replace(config, **changes)


def _suppressions(value: Any, source: str) -> list[Suppression]:
    if not isinstance(value, list):
        raise ConfigError(f"{source}: 'suppress' must be an array of tables ([[suppress]])")
    result = []
    for index, entry in enumerate(value):
        where = f"suppress[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{source}: {where} must be a table")
        _unknown(entry, _SUPPRESS_KEYS, source, f"{where}.")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(
                f"{source}: {where} needs a non-empty 'reason': say why the finding is accepted"
            )
        selectors = {
            k: _str(entry[k], source, f"{where}.{k}")
            for k in ("rule", "function", "file", "fingerprint", "application")
            if k in entry
        }
        if not selectors:
            raise ConfigError(
                f"{source}: {where} must name at least one of rule, function, "
                "file, fingerprint, application"
            )
        result.append(Suppression(reason=reason.strip(), source=source, **selectors))
    return result


def _unknown(table: Mapping[str, Any], allowed: set[str], source: str, prefix: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise ConfigError(
            f"{source}: unknown configuration key(s): "
            f"{', '.join(prefix + k for k in extra)} "
            f"(allowed: {', '.join(sorted(prefix + k for k in allowed))})"
        )


def _severity(value: Any, source: str, key: str) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise ConfigError(
            f"{source}: {key} must be one of {', '.join(s.value for s in Severity)}, not {value!r}"
        ) from None


def _str(value: Any, source: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{source}: {key} must be a string, not {type(value).__name__}")
    return value


def _int(value: Any, source: str, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{source}: {key} must be a non-negative integer")
    return value


def _str_list(value: Any, source: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be an array of strings")
    return tuple(value)
