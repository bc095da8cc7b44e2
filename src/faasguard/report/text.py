"""The terminal report: a per-function summary table, then findings from worst to least.

Developers read this in a CI log or a terminal, so each finding states where (file:line and
function), what, and the concrete fix, and secrets never appear unredacted (rules redact
evidence before it gets here).
"""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.table import Table

from faasguard.engine import ScanResult
from faasguard.findings import Finding, Severity
from faasguard.model import Application, Function, Unknown

__all__ = ["render_text"]

_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _value(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, Unknown):
        return "?"
    return str(value)


def _triggers(fn: Function) -> str:
    kinds: list[str] = []
    for trigger in fn.triggers:
        label = trigger.kind.value
        if trigger.kind.is_http:
            label += f"({trigger.auth.value})"
        if label not in kinds:
            kinds.append(label)
    return ", ".join(kinds) or "-"


def _summary_table(result: ScanResult) -> Table:
    counts: dict[tuple[str, str], Counter[Severity]] = {}
    for finding in result.findings:
        if finding.function:
            key = (finding.application, finding.function)
            counts.setdefault(key, Counter())[finding.severity] += 1
    table = Table(title="Functions", title_justify="left", show_lines=False)
    for column in ("application", "function", "runtime", "triggers", "role", "findings"):
        table.add_column(column)
    for app in result.applications:
        for fn in app.functions:
            found = counts.get((app.name, fn.name), Counter())
            summary = (
                " ".join(f"[{_STYLE[s]}]{found[s]} {s.value}[/]" for s in Severity if found[s])
                or "[green]none[/]"
            )
            table.add_row(
                escape(app.name),
                escape(fn.name),
                escape(_value(fn.runtime)),
                escape(_triggers(fn)),
                escape(_role_label(app, fn)),
                summary,
            )
    return table


def _role_label(app: Application, fn: Function) -> str:
    role = app.role(fn.role)
    if role is None:
        return _value(fn.role)
    shared = f" (shared by {len(role.functions)})" if len(role.functions) > 1 else ""
    return role.id + shared


#: ANSI styles for the finding lines, written directly: laying out thousands of findings
#: through rich costs seconds, and these lines need no layout.
_ANSI = {
    Severity.CRITICAL: "\x1b[1;37;41m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_RESET = "\x1b[0m"
_CONTROL = str.maketrans({c: " " for c in map(chr, range(32)) if c != "\n"} | {"\x7f": " "})


def _clean(text: str) -> str:
    """Drop control characters (ANSI escapes from a hostile template included)."""
    return text.translate(_CONTROL)


def escape(text: str) -> str:
    r"""Make text from the scanned project safe for rich: no markup, no control characters.

    Names, paths and messages come from a project that may be hostile; a function named
    ``evil\x1b]0;owned\x07`` must not retitle or clear the reader's terminal.
    """
    return _markup_escape(_clean(text))


def _finding_block(finding: Finding, *, color: bool) -> str:
    where = finding.file + (f":{finding.line}" if finding.line else "")
    subject = f" function {finding.function}" if finding.function else ""
    if not subject and finding.resource:
        subject = f" resource {finding.resource}"
    label = f"{finding.severity.value.upper():8}"
    if color:
        label = f"{_ANSI[finding.severity]}{label}{_RESET}"
    lines = [
        f"{label} {finding.rule_id} {_clean(finding.rule_name)}  {_clean(where)}{_clean(subject)}",
        f"         {_clean(finding.message)}",
    ]
    if finding.evidence and finding.evidence != finding.message:
        lines.append(f"         evidence: {_clean(finding.evidence)}")
    # A code flow's path, one step per line (the JSON and SARIF reports carry the same steps).
    for i, step in enumerate(finding.trace):
        head = "flow:" if i == 0 else "  ->"
        lines.append(f"         {head} {_clean(step.file)}:{step.line} {_clean(step.what)}")
    lines.append(f"         fix: {_clean(finding.remediation)}")
    return "\n".join(lines) + "\n"


#: Severities whose repeats are grouped: hygiene (tracing, log retention, descriptions) that
#: would otherwise push the serious findings off the screen.
_GROUPED = frozenset({Severity.LOW, Severity.INFO})
#: How many findings of one rule in one application make a group.
_GROUP_MIN = 3


def _finding_blocks(findings: tuple[Finding, ...], *, color: bool) -> str:
    """Every finding, worst first, with low-value repeats as one block per rule and application.

    JSON and SARIF keep every instance; only the terminal groups, so a reader sees the serious
    findings first instead of scrolling past the same hygiene line for 26 functions.
    """
    groups: dict[tuple[str, str, Severity], list[Finding]] = {}
    for finding in findings:
        if finding.severity in _GROUPED and finding.function:
            key = (finding.rule_id, finding.application, finding.severity)
            groups.setdefault(key, []).append(finding)
    out: list[str] = []
    done: set[tuple[str, str, Severity]] = set()
    for finding in findings:
        key = (finding.rule_id, finding.application, finding.severity)
        group = groups.get(key)
        if group is None or len(group) < _GROUP_MIN or finding.function is None:
            out.append(_finding_block(finding, color=color))
        elif key not in done:
            done.add(key)
            out.append(_group_block(group, color=color))
    return "".join(out)


def _group_block(group: list[Finding], *, color: bool) -> str:
    first = group[0]
    label = f"{first.severity.value.upper():8}"
    if color:
        label = f"{_ANSI[first.severity]}{label}{_RESET}"
    where = ", ".join(
        f"{f.function} ({f.file}{':' + str(f.line) if f.line else ''})" for f in group
    )
    lines = [
        f"{label} {first.rule_id} {_clean(first.rule_name)}  {len(group)} functions in "
        f"{_clean(first.application)}",
        f"         {_clean(first.title)}: {_clean(where)}",
        f"         e.g. {_clean(first.message)}",
        f"         fix: {_clean(first.remediation)}",
    ]
    return "\n".join(lines) + "\n"


def render_text(result: ScanResult, *, color: bool = False, width: int = 120) -> str:
    """Render the terminal report (ANSI colours only when ``color`` is True)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        soft_wrap=False,
    )
    functions = sum(len(a.functions) for a in result.applications)
    console.print(
        f"[bold]faasguard[/] scanned {escape(result.root)}: "
        f"{len(result.applications)} application(s), {functions} function(s), "
        f"{len(result.templates)} template(s)"
    )
    if functions:
        console.print(_summary_table(result))
    for deps in result.dependencies:
        console.print(
            f"[bold]{escape(deps.application)}/{escape(deps.function)}[/]: {escape(deps.summary)}",
            highlight=False,
        )
    for egress in result.egress:
        console.print(
            f"[bold]{escape(egress.application)}/{escape(egress.function)}[/]: "
            f"{escape(egress.summary)}",
            highlight=False,
        )
    if result.disabled_rules:
        sources = ", ".join(result.config_sources) or "the command line"
        console.print(
            f"[yellow]note:[/] {len(result.disabled_rules)} rule(s) disabled by configuration "
            f"({escape(sources)}): {', '.join(result.disabled_rules)}"
        )
    for notice in result.notices:
        console.print(f"[yellow]note:[/] {escape(notice)}")
    if result.findings:
        console.print()
        console.print("[bold]Findings[/]")
        console.file.flush()
        buffer.write(_finding_blocks(result.findings, color=color))
    counts = Counter(f.severity for f in result.findings)
    totals = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s]) or "no findings"
    extra = []
    if result.suppressed:
        extra.append(f"{len(result.suppressed)} suppressed")
    if result.baselined:
        extra.append(f"{len(result.baselined)} in baseline")
    console.print()
    console.print(
        f"[bold]{len(result.findings)} finding(s)[/]: {totals}"
        + (f" ({', '.join(extra)})" if extra else "")
    )
    for item in result.suppressed:
        f = item.finding
        console.print(
            f"[dim]suppressed {f.rule_id} {escape(f.file)}"
            f"{':' + str(f.line) if f.line else ''}: {escape(item.reason)}[/]"
        )
    return buffer.getvalue()
