"""``faasguard`` entry point: argument parsing and exit codes.

Exit codes (documented in docs/cli.md):
    0  no finding at or above ``--fail-on``;
    1  at least one finding at or above ``--fail-on``;
    2  usage or configuration error, or vulnerability data that was asked for and could not
       be read (a failed ``--online`` lookup): the scan did not check what it was asked to;
    3  internal error (a bug: please report it);
    4  nothing was scanned that could be analysed, but applications in unsupported formats
       were found (``--on-unsupported``): a gate must not pass code it never read.

Only ``argparse`` and the version are imported at start-up; each command imports what it needs,
so ``faasguard --version`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from faasguard._version import __version__

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_UNSUPPORTED",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_UNSUPPORTED = 4

SEVERITIES = ("critical", "high", "medium", "low", "info", "never")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="faasguard",
        description="Security scanner for serverless (AWS Lambda) applications.",
    )
    parser.add_argument("--version", action="version", version=f"faasguard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="scan a project folder or a template")
    scan.add_argument("path", nargs="?", default=".", help="folder or template (default: .)")
    scan.add_argument(
        "-f",
        "--format",
        default="text",
        choices=("text", "json", "sarif", "cyclonedx", "html"),
        help="output format",
    )
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    scan.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="exit 1 when a finding is at or above this severity (default: high)",
    )
    scan.add_argument(
        "--on-unsupported",
        choices=("only", "any", "never"),
        default=None,
        help="exit 4 when only (default), any, or never applications in formats faasguard "
        "does not read were found",
    )
    scan.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: faasguard.toml or pyproject.toml)",
    )
    scan.add_argument(
        "--baseline",
        metavar="FILE",
        help="hide findings whose fingerprints are in FILE (a JSON report)",
    )
    scan.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write the fingerprints of all current findings to FILE",
    )
    scan.add_argument("--stage", help="Serverless stage to resolve")
    scan.add_argument("--region", help="AWS region to resolve")
    scan.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="CloudFormation parameter override (repeatable)",
    )
    scan.add_argument(
        "--resolve-env",
        action="store_true",
        help="resolve ${env:...} from this environment (off: never leak CI "
        "secrets into a report of an untrusted pull request)",
    )
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files and folders matching GLOB (repeatable)",
    )
    scan.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE",
        help="disable a rule by id, name or category (repeatable)",
    )
    scan.add_argument(
        "--enable",
        action="append",
        default=[],
        metavar="RULE",
        help="enable an off-by-default rule (repeatable)",
    )
    scan.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="judge runtime deprecations as of this date (default: today)",
    )
    scan.add_argument(
        "--osv-db", metavar="FILE", help="vulnerability store to use (default: the user cache)"
    )
    scan.add_argument(
        "--online", action="store_true", help="query the OSV API for dependency vulnerabilities"
    )
    scan.add_argument("--osv-url", metavar="URL", help=argparse.SUPPRESS)
    scan.add_argument("--no-deps", action="store_true", help="skip dependency analysis")
    scan.add_argument(
        "--with-permissions",
        action="store_true",
        help="JSON: add each function's role granted versus needed (the HTML dossier's table)",
    )
    scan.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in the text report",
    )
    scan.add_argument(
        "--history",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="record the scan in the history database (default: the user data folder, or "
        "$FAASGUARD_HISTORY; a path, sqlite:///path or postgresql://...)",
    )
    scan.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress line on standard error (it is shown only on a terminal, never in CI)",
    )
    scan.add_argument(
        "--templates",
        metavar="PATH",
        help="with an aws:// target: also load the templates under PATH and report drift "
        "between them and the account",
    )
    scan.add_argument(
        "--fetch-code",
        action="store_true",
        help="with an aws:// target: download each function's and layer's deployment package "
        "(HTTPS, checked against CodeSha256, size-capped, never run) and analyse its code and "
        "dependencies",
    )

    rules = commands.add_parser("rules", help="list rules or explain one")
    rules.add_argument("--explain", metavar="RULE", help="print the documentation of a rule")
    rules.add_argument("-f", "--format", choices=("text", "json"), default="text")

    db = commands.add_parser("db", help="manage the offline vulnerability store")
    db.add_argument("--db", metavar="FILE", help="store path (default: the user cache)")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION")
    update = db_commands.add_parser("update", help="download OSV data (PyPI and npm)")
    update.add_argument(
        "--ecosystem",
        action="append",
        choices=("PyPI", "npm"),
        help="ecosystem to update (repeatable; default: both)",
    )
    update.add_argument("--base-url", help=argparse.SUPPRESS)
    imp = db_commands.add_parser("import", help="load an OSV all.zip export (offline)")
    imp.add_argument("file", help="path to an OSV all.zip")
    imp.add_argument("--ecosystem", choices=("PyPI", "npm"), help="ecosystem of the export")
    db_commands.add_parser("status", help="show the store's age and record counts")

    perm = commands.add_parser(
        "permissions",
        help="per function: granted vs needed permissions, least-privilege policy, --fix",
    )
    perm.add_argument("path", nargs="?", default=".", help="folder or template (default: .)")
    perm.add_argument(
        "--cloudtrail",
        action="append",
        default=[],
        metavar="PATH",
        help="CloudTrail log file or folder (S3 delivery or `aws cloudtrail lookup-events` "
        "output); repeatable",
    )
    perm.add_argument("--since", metavar="TIME", help="only CloudTrail events at or after TIME")
    perm.add_argument("--until", metavar="TIME", help="only CloudTrail events at or before TIME")
    perm.add_argument("-f", "--format", choices=("text", "json"), default="text")
    perm.add_argument(
        "--fix",
        action="store_true",
        help="rewrite templates: one least-privilege role per function",
    )
    perm.add_argument(
        "--dry-run", action="store_true", help="with --fix: print the unified diff, write nothing"
    )
    perm.add_argument("--stage", help="Serverless stage to resolve")
    perm.add_argument("--region", help="AWS region to resolve")
    perm.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="CloudFormation parameter override (repeatable)",
    )
    perm.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files and folders matching GLOB (repeatable)",
    )

    inventory = commands.add_parser(
        "inventory", help="list every function recorded in the history, with filters"
    )
    inventory.add_argument("--history", metavar="URL", help="history database (see scan)")
    inventory.add_argument("--owner", help="only functions whose owner contains OWNER")
    inventory.add_argument("--runtime", help="only functions on this runtime")
    inventory.add_argument("--application", help="only functions of this application")
    inventory.add_argument("--category", help="only functions with findings in this category")
    inventory.add_argument("--unused", action="store_true", help="only unused functions")
    inventory.add_argument("--scans", action="store_true", help="list the recorded scans")
    inventory.add_argument(
        "-f", "--format", choices=("text", "json", "csv", "html"), default="text"
    )
    inventory.add_argument("-o", "--output", metavar="FILE", help="write to FILE")

    diff = commands.add_parser("diff", help="what changed between two recorded scans")
    diff.add_argument("before", type=int, metavar="SCAN_A", help="id of the earlier scan")
    diff.add_argument("after", type=int, metavar="SCAN_B", help="id of the later scan")
    diff.add_argument("--history", metavar="URL", help="history database (see scan)")
    diff.add_argument("-f", "--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "scan":
            from faasguard.cli.scan_cmd import run_scan

            return run_scan(args)
        if args.command == "rules":
            from faasguard.cli.rules_cmd import run_rules

            return run_rules(args)
        if args.command == "db":
            from faasguard.cli.db_cmd import run_db

            return run_db(args, parser)
        if args.command == "inventory":
            from faasguard.cli.inventory_cmd import run_inventory

            return run_inventory(args)
        if args.command == "diff":
            from faasguard.cli.inventory_cmd import run_diff

            return run_diff(args)
        if args.command == "permissions":
            from faasguard.cli.permissions_cmd import run_permissions

            return run_permissions(args)
        parser.print_help()
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("faasguard: interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:
        # The reader went away (`faasguard rules | head -1`): nothing is wrong with the scan.
        # Point stdout at /dev/null so the interpreter's final flush does not raise again.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        from faasguard.errors import ConfigError

        if isinstance(exc, ConfigError):
            print(f"faasguard: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        import traceback

        print(f"faasguard: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if __import__("os").environ.get("FAASGUARD_DEBUG"):
            traceback.print_exc()
        print(
            "faasguard: this is a bug; set FAASGUARD_DEBUG=1 for the traceback and "
            "please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
