"""``faasguard scan``: merge options, run the engine, render, write, choose the exit code."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from faasguard.cli.lazy import LazyAnalyzer, LazyEnricher
from faasguard.config import Config, load_config
from faasguard.engine import Analyzer, Enricher, ScanResult, scan
from faasguard.errors import ConfigError
from faasguard.findings import Severity
from faasguard.loaders.interface import LoadOptions

__all__ = ["run_scan"]


def _parameters(values: list[str]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ConfigError(f"--param {item!r}: expected NAME=VALUE")
        params[name] = value
    return params


def _config(args: argparse.Namespace, target: Path) -> Config:
    """Project/user configuration with the command line on top (CLI wins)."""
    config = load_config(target, explicit=Path(args.config) if args.config else None)
    changes: dict[str, Any] = {}
    if args.fail_on and args.fail_on != "never":
        changes["fail_on"] = Severity(args.fail_on)
    if args.exclude:
        changes["exclude"] = (*config.exclude, *args.exclude)
    if args.disable:
        changes["disable"] = (*config.disable, *args.disable)
    if args.enable:
        changes["enable"] = (*config.enable, *args.enable)
    if getattr(args, "on_unsupported", None):
        changes["on_unsupported"] = args.on_unsupported
    if args.stage:
        changes["stage"] = args.stage
    if args.region:
        changes["region"] = args.region
    if args.param:
        changes["parameters"] = {**config.parameters, **_parameters(args.param)}
    return dataclasses.replace(config, **changes)


def read_baseline(path: Path) -> frozenset[str]:
    """Read fingerprints from a JSON report or a ``{"fingerprints": [...]}`` file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("fingerprints"), list):
        prints = data["fingerprints"]
    elif isinstance(data, dict) and isinstance(data.get("findings"), list):
        # A report of a scan that itself used a baseline lists those as "baselined": they are
        # still accepted, so a chain of reports never resurfaces them.
        prints = [f.get("fingerprint") for f in data["findings"] if isinstance(f, dict)]
        baselined = data.get("baselined", [])
        prints += baselined if isinstance(baselined, list) else []
    else:
        raise ConfigError(
            f"{path}: not a baseline: expected a JSON report (with 'findings') "
            "or an object with 'fingerprints'"
        )
    if not all(isinstance(p, str) for p in prints):
        raise ConfigError(f"{path}: baseline fingerprints must be strings")
    return frozenset(prints)


def _today(value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--today {value!r}: expected a date as YYYY-MM-DD") from None


def _analyzers(args: argparse.Namespace) -> list[LazyAnalyzer]:
    """The dependency analyzer (unless --no-deps), code-edge, needed permissions, taint.

    The taint analyzer runs last: it reports the code layer's parse and budget issues, including
    those met by the analyzers before it. Each is built on first use (cli/lazy.py), so a scan
    that finds no application imports none of them.
    """
    lazies = [] if args.no_deps else [LazyAnalyzer(lambda: _dependency_analyzer(args))]
    lazies += [
        LazyAnalyzer(_code_edge_analyzer),
        LazyAnalyzer(lambda: _needed_permissions_analyzer(detail=_shows_permissions(args))),
        LazyAnalyzer(_taint_analyzer),
    ]
    return lazies


def _dependency_analyzer(args: argparse.Namespace) -> tuple[Analyzer, list[str]]:
    from faasguard.deps.analyzer import build_dependency_analyzer

    return build_dependency_analyzer(
        db_path=Path(args.osv_db) if args.osv_db else None,
        online=args.online,
        api_url=args.osv_url,
    )


def _code_edge_analyzer() -> tuple[Analyzer, list[str]]:
    from faasguard.code.edge.analyzer import CodeEdgeAnalyzer

    return CodeEdgeAnalyzer(), []


def _shows_permissions(args: argparse.Namespace) -> bool:
    """Whether the report shows each function's granted versus needed.

    The HTML dossier always does; JSON with ``--with-permissions`` (the table is about 8 KB per
    function whose role grants ``dynamodb:*``-like wildcards, which doubled the report of the
    scan benchmark's 1,000-function app). Only then does the needed-permissions analysis also
    judge every need and write the least-privilege policy; otherwise it reports its findings.
    """
    fmt = getattr(args, "format", None)
    return fmt == "html" or (fmt == "json" and bool(getattr(args, "with_permissions", False)))


def _needed_permissions_analyzer(*, detail: bool = False) -> tuple[Analyzer, list[str]]:
    from faasguard.iam.needed.analyzer import NeededPermissionsAnalyzer

    return NeededPermissionsAnalyzer(detail=detail), []


def _taint_analyzer() -> tuple[Analyzer, list[str]]:
    from faasguard.code.analyzer import CodeAnalyzer

    return CodeAnalyzer(), []


def _enrichers() -> list[Enricher]:
    """What reads the code before the rules run: the function-to-function call graph."""
    return [LazyEnricher(_call_graph_enricher)]


def _call_graph_enricher() -> Enricher:
    from faasguard.code.edge.calls import CallGraphEnricher

    return CallGraphEnricher()


def _analyzer_errors(analyzers: list[LazyAnalyzer]) -> list[str]:
    """What the analyzers could not do (a failed vulnerability lookup), for the notices."""
    built = [a.inner for a in analyzers if a.inner is not None]
    if not built:
        return []
    from faasguard.deps.analyzer import DependencyAnalyzer

    return [e for a in built if isinstance(a, DependencyAnalyzer) for e in a.errors]


def _use_color(mode: str, to_file: bool) -> bool:
    if mode == "always":
        return True
    if mode == "never" or to_file or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def run_scan(args: argparse.Namespace) -> int:
    """Run ``faasguard scan`` and return the exit code (0, 1 or 2)."""
    if args.path.startswith("aws://"):
        from faasguard.cli.inventory_cmd import run_account_scan

        return run_account_scan(args)
    if getattr(args, "fetch_code", False):
        print(
            f"faasguard: error: --fetch-code downloads an account's deployment packages: it "
            f"needs an aws:// target, not {args.path} (a folder's code is read in place)",
            file=sys.stderr,
        )
        return 2
    target = Path(args.path)
    if not target.exists():
        print(f"faasguard: error: {args.path}: no such file or folder", file=sys.stderr)
        return 2
    config = _config(args, target)
    baseline = read_baseline(Path(args.baseline)) if args.baseline else frozenset()
    options = LoadOptions(
        stage=config.stage,
        region=config.region,
        resolve_env=args.resolve_env,
        env=dict(os.environ) if args.resolve_env else {},
        parameters=config.parameters,
    )
    analyzers = _analyzers(args)
    started_at = _dt.datetime.now(_dt.timezone.utc)
    from faasguard.cli.progress import Progress

    progress = Progress.for_cli(sys.stderr, quiet=getattr(args, "quiet", False))
    try:
        result = scan(
            target,
            config,
            load_options=options,
            baseline=baseline,
            today=_today(args.today),
            analyzers=analyzers,
            enrichers=_enrichers(),
            progress=progress,
        )
    finally:
        progress.close()
    # What building the analyzers had to say (no vulnerability data...), first as before.
    built_notices = [notice for a in analyzers for notice in a.notices]
    if built_notices:
        result = dataclasses.replace(result, notices=(*built_notices, *result.notices))
    # A failed lookup is stated in every format, and fails the run: a CI gate must not pass
    # because the vulnerability data could not be reached (docs/cli.md, exit codes).
    errors = _analyzer_errors(analyzers)
    if errors:
        result = dataclasses.replace(result, notices=(*result.notices, *errors))
    unsupported = unsupported_exit(result, config.on_unsupported)
    if unsupported:
        result = dataclasses.replace(result, notices=(*result.notices, unsupported))
    _write(args, result)
    if args.write_baseline:
        # Accepted (baselined) findings stay accepted: refreshing a baseline in place keeps them.
        prints = sorted({f.fingerprint for f in (*result.findings, *result.baselined)})
        write_file(Path(args.write_baseline), json.dumps({"fingerprints": prints}, indent=2) + "\n")
    if errors:
        for error in errors:
            print(f"faasguard: error: {error}", file=sys.stderr)
        return 2
    if getattr(args, "history", None) is not None:
        from faasguard.cli.inventory_cmd import record_scan

        root = target if target.is_dir() else target.parent
        if record_scan(args.history, result, root=root, target=args.path, started_at=started_at):
            return 2
    worst = max((f.severity.rank for f in result.findings), default=-1)
    if args.fail_on != "never" and worst >= config.fail_on.rank:
        return 1
    if unsupported:
        print(f"faasguard: {unsupported}", file=sys.stderr)
        return 4
    return 0


def unsupported_exit(result: ScanResult, mode: str) -> str | None:
    """The notice that makes the scan exit 4, or None (``on-unsupported``, docs/cli.md).

    A scan that read nothing it could analyse, while the folder holds applications in formats
    faasguard does not read, must not look like a clean pass: by default (``only``) it exits 4.
    ``any`` exits 4 whenever such an application was found, even beside analysed ones;
    ``never`` keeps the findings (FG0005, FG0012) and the exit code of the findings alone.
    Suppressed findings do not count: a suppression with a reason is an accepted decision.

    Args:
        result: the scan result.
        mode: ``only``, ``any`` or ``never``.
    """
    if mode == "never":
        return None
    analysed = [app for app in result.applications if app.provider == "aws"]
    # FG0005 also marks parts of an application that was read (a custom variable syntax, a
    # remote Terraform module): those inside an analysed application's folder are not apps.
    roots = tuple(f"{app.root}/" for app in analysed if app.root not in ("", "."))
    read = {app.file for app in analysed}
    skipped = sorted(
        {
            f.file
            for f in result.findings
            if f.rule_name == "unsupported-application"
            or (
                f.rule_name == "unsupported-template"
                and f.file not in read
                and not f.file.startswith(roots)
            )
        }
    )
    if not skipped:
        return None
    if mode == "only" and analysed:
        return None
    shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
    scope = "no application faasguard can analyse was found, and " if not analysed else ""
    return (
        f"{scope}{len(skipped)} application(s) in formats faasguard does not read were not "
        f"scanned ({shown}); exit status 4 (--on-unsupported {mode})"
    )


def _write(args: argparse.Namespace, result: ScanResult) -> None:
    from faasguard.report.interface import Format, render

    if args.output and Path(args.output).is_dir():
        if args.format != Format.CYCLONEDX.value:
            raise ConfigError(
                f"-o {args.output}: is a folder; only --format cyclonedx writes one file per "
                "application into a folder"
            )
        _write_boms(Path(args.output), result)
        return
    output = render(
        result,
        Format(args.format),
        color=_use_color(args.color, bool(args.output)),
        width=120 if args.output else _width(),
    )
    if args.output:
        write_file(Path(args.output), output)
    else:
        sys.stdout.write(output)


def write_file(path: Path, text: str) -> None:
    """Write an output file; a path that cannot be written is the user's error (exit 2)."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _write_boms(folder: Path, result: ScanResult) -> None:
    """Write ``<application>.cdx.json`` per application into ``folder``."""
    import re

    from faasguard.report.cyclonedx import render_cyclonedx_boms

    written: list[str] = []
    for name, bom in render_cyclonedx_boms(result).items():
        # Application names come from the scanned templates: keep them to one safe file name.
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "application"
        file_name = f"{stem}.cdx.json"
        n = 1
        while file_name in written:
            n += 1
            file_name = f"{stem}-{n}.cdx.json"
        write_file(folder / file_name, bom)
        written.append(file_name)
    print(
        f"faasguard: wrote {len(written)} SBOM(s) to {folder}: {', '.join(sorted(written))}",
        file=sys.stderr,
    )


def _width() -> int:
    try:
        return max(100, os.get_terminal_size().columns)
    except OSError:
        return 120
