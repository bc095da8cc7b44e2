"""Turn a scan result into the record the history keeps.

Pure apart from reading, through :class:`~faasguard.fs.ScanFS` (so never outside the scan root,
size-capped), three kinds of file: CODEOWNERS, README files next to the code, and each handler
file, whose hash is the function's code fingerprint.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from faasguard.cost.ceiling import worst_case_hour
from faasguard.cost.prices import ACCOUNT_CONCURRENCY_DEFAULT
from faasguard.history.interface import FindingRecord, FunctionRecord, ScanRecord
from faasguard.model import Application, Function, Role, Trigger, Unknown

if TYPE_CHECKING:
    from faasguard.engine import ScanResult
    from faasguard.findings import Finding
    from faasguard.fs import ScanFS

__all__ = ["CODEOWNERS_FILES", "OWNER_TAGS", "Codeowners", "function_key", "scan_record"]

#: Tags that name a function's owner, in order of preference (compared case-insensitively).
OWNER_TAGS: Final = ("owner", "team", "owning-team", "maintainer", "contact")
#: Where GitHub and GitLab look for CODEOWNERS, in their order.
CODEOWNERS_FILES: Final = (
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
)
_README_NAMES: Final = ("README.md", "README.rst", "README.txt", "README", "readme.md")
_UNUSED: Final = "sprawl.unused-function"


def function_key(app: Application, fn: Function) -> str:
    """The identity of ``fn`` across scans: its application's template and its name."""
    return f"{app.file}#{fn.name}"


class Codeowners:
    """A CODEOWNERS file: the last matching pattern names the owners (GitHub's rule)."""

    def __init__(self, text: str) -> None:
        """Parse ``text`` (comments and blank lines skipped; a pattern with no owner clears)."""
        from pathspec import GitIgnoreSpec

        self._rules: list[tuple[Any, str]] = []
        for raw in text.splitlines():
            line = raw.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            pattern, *owners = line.split()
            try:
                spec = GitIgnoreSpec.from_lines([pattern])
            except ValueError:
                continue  # an invalid pattern is ignored by GitHub too
            self._rules.append((spec, " ".join(owners)))

    def owner(self, paths: Iterable[str]) -> str | None:
        """The owners of the first of ``paths`` that any pattern matches."""
        for path in paths:
            found: str | None = None
            for spec, owners in self._rules:
                if spec.match_file(path):
                    found = owners
            if found is not None:
                return found or None
        return None


def _codeowners(fs: ScanFS | None) -> Codeowners | None:
    if fs is None:
        return None
    for name in CODEOWNERS_FILES:
        try:
            if fs.exists(name):
                return Codeowners(fs.read_text(name))
        except Exception:
            return None
    return None


def scan_record(
    result: ScanResult,
    *,
    fs: ScanFS | None,
    started_at: _dt.datetime,
    target: str,
    version: str,
    account_concurrency: int = ACCOUNT_CONCURRENCY_DEFAULT,
) -> ScanRecord:
    """The history record of ``result``.

    Args:
        result: the scan result.
        fs: the scan root, for CODEOWNERS, READMEs and handler files (None: not read).
        started_at: when the scan started.
        target: what was scanned (a folder, or ``aws://region``), as the user named it.
        version: the faasguard version.
        account_concurrency: the account's concurrency quota, for the cost ceilings.
    """
    owners = _codeowners(fs)
    by_function: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        if finding.function is not None:
            by_function.setdefault((finding.application, finding.function), []).append(finding)
    packages = {(d.application, d.function): d for d in result.dependencies}
    functions: list[FunctionRecord] = []
    keys: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for app in result.applications:
        for fn in app.functions:
            key = function_key(app, fn)
            if key in seen:
                continue  # the same template scanned twice (a folder and a file in it): once
            seen.add(key)
            keys[(app.name, fn.name)] = key
            findings = by_function.get((app.name, fn.name), [])
            deps = packages.get((app.name, fn.name))
            functions.append(
                _function(
                    app,
                    fn,
                    key=key,
                    findings=findings,
                    shipped=(
                        None
                        if deps is None
                        else [f"{p.ecosystem}:{p.name}@{p.version or '?'}" for p in deps.packages]
                    ),
                    owners=owners,
                    fs=fs,
                    account_concurrency=account_concurrency,
                )
            )
    records = tuple(
        FindingRecord(
            fingerprint=f.fingerprint,
            function_key=keys.get((f.application, f.function)) if f.function else None,
            rule_id=f.rule_id,
            category=f.category,
            severity=f.severity.value,
            message=f.message,
        )
        for f in result.findings
    )
    return ScanRecord(
        target=target,
        started_at=started_at,
        version=version,
        functions=tuple(functions),
        findings=records,
    )


def _function(
    app: Application,
    fn: Function,
    *,
    key: str,
    findings: Sequence[Finding],
    shipped: list[str] | None,
    owners: Codeowners | None,
    fs: ScanFS | None,
    account_concurrency: int,
) -> FunctionRecord:
    owner, source = _owner(fn, owners, app)
    role = app.role(fn.role)
    triggers = sorted({_trigger(t) for t in fn.triggers})
    ceiling = worst_case_hour(fn, app, account_concurrency=account_concurrency)
    vulnerable = sorted(
        {
            f"{f.package.ecosystem}:{f.package.name}@{f.package.version or '?'} "
            f"{f.vulnerability.id}"
            for f in findings
            if f.package is not None and f.vulnerability is not None
        }
    )
    return FunctionRecord(
        key=key,
        application=app.name,
        name=fn.name,
        file=fn.location.file,
        line=fn.location.line,
        owner=owner,
        owner_source=source,
        description=fn.description if isinstance(fn.description, str) else None,
        readme=_readme(fn, app, fs),
        runtime=fn.runtime if isinstance(fn.runtime, str) else None,
        role_fingerprint=_role_fingerprint(role) if role is not None else _digest(fn.role),
        triggers_fingerprint=_digest(triggers),
        dependencies_fingerprint=None if shipped is None else _digest(sorted(shipped)),
        code_fingerprint=_code_fingerprint(fn, fs),
        triggers=tuple(triggers),
        permissions=_permissions(role),
        vulnerable_packages=tuple(vulnerable),
        finding_counts=dict(sorted(Counter(f.category for f in findings).items())),
        cost_per_hour=None if ceiling is None else ceiling.usd_per_hour,
        unused=any(f.category == _UNUSED for f in findings),
    )


def _owner(
    fn: Function, owners: Codeowners | None, app: Application
) -> tuple[str | None, str | None]:
    tags = {k.lower(): (k, v) for k, v in fn.tags.items() if isinstance(v, str) and v.strip()}
    for name in OWNER_TAGS:
        if name in tags:
            written, value = tags[name]
            return str(value).strip(), f"tag:{written}"
    if owners is not None:
        paths = [p for p in (fn.handler_file, fn.code_root, app.file) if p]
        found = owners.owner(paths)
        if found:
            return found, "CODEOWNERS"
    return None, None


def _readme(fn: Function, app: Application, fs: ScanFS | None) -> str | None:
    if fs is None:
        return None
    folders: list[str] = []
    if fn.handler_file and "/" in fn.handler_file:
        folders.append(fn.handler_file.rsplit("/", 1)[0])
    if fn.code_root:
        folders.append(fn.code_root)
    for folder in dict.fromkeys(folders):
        for name in _README_NAMES:
            path = name if folder in ("", ".") else f"{folder}/{name}"
            try:
                if fs.exists(path):
                    return path
            except Exception:
                break
    return None


def _trigger(trigger: Trigger) -> str:
    parts = [
        _text(value)
        for value in (trigger.method, trigger.path)
        if value is not None and not isinstance(value, Unknown)
    ]
    if parts:
        where = " ".join(parts)
        return (
            f"{trigger.kind.value} {trigger.api}:{where}"
            if trigger.api
            else (f"{trigger.kind.value} {where}")
        )
    if trigger.source is not None:
        return f"{trigger.kind.value} {_text(trigger.source)}"
    return trigger.kind.value


def _permissions(role: Role | None) -> tuple[str, ...]:
    if role is None:
        return ()
    found: set[str] = set()
    for stmt in role.statements:
        if stmt.effect != "Allow":
            continue
        for action in stmt.actions:
            found.add(_text(action))
        for action in stmt.not_actions:
            found.add(f"NotAction:{_text(action)}")
    for policy in role.managed_policies:
        found.add(f"managed:{_text(policy)}")
    return tuple(sorted(found))


def _role_fingerprint(role: Role) -> str:
    return _digest(
        {
            "statements": sorted(
                json.dumps(
                    [
                        _text(s.effect),
                        [_text(a) for a in s.actions],
                        [_text(a) for a in s.not_actions],
                        [_text(r) for r in s.resources],
                        [_text(r) for r in s.not_resources],
                        _plain(s.condition),
                    ],
                    sort_keys=True,
                )
                for s in role.statements
            ),
            "managed": sorted(_text(p) for p in role.managed_policies),
            "boundary": _text(role.permissions_boundary),
            "external": role.id if role.external else None,
        }
    )


def _code_fingerprint(fn: Function, fs: ScanFS | None) -> str | None:
    if fn.inline_code is not None:
        return _digest(fn.inline_code.text)
    if fs is None or not fn.handler_file:
        return None
    try:
        data = fs.read_bytes(fn.handler_file)
    except Exception:
        return None
    return hashlib.sha256(data).hexdigest()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Unknown):
        return value.expression
    return str(value)


def _plain(value: object) -> Any:
    if isinstance(value, Unknown):
        return value.expression
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
