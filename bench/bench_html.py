"""Time the HTML report for a large scan: rendering in Python and opening in headless Chromium.

Usage: python bench/bench_html.py [--functions N] [--findings-per-function K] [--runs R]
       [--no-permissions]

Builds a synthetic scan result (N functions behind HTTP routes, K findings each, with traces,
and each function's role granted versus needed: a needed and granted action, three platform
needs, a missing one, and a ``dynamodb:*`` statement whose 78 other actions nothing needs),
renders ``--format html``, then opens the file in Debian's Chromium (driven as in
tests/estate/chromium.py) and measures the time from navigation until the page's script has
built its tables (``data-ready``). Goal (issue 12): under 2 s for 2,000 functions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "estate"))

from faasguard.engine import ScanResult  # noqa: E402
from faasguard.findings import Confidence, Finding, Severity, TraceStep  # noqa: E402
from faasguard.iam.actions import action_db  # noqa: E402
from faasguard.iam.needed.compare import (  # noqa: E402
    FunctionPermissions,
    GrantRef,
    JudgedNeed,
    NeedStatus,
    UnusedGrant,
)
from faasguard.iam.needed.interface import FunctionNeeds, Need, NeedSource  # noqa: E402
from faasguard.iam.needed.policy import least_privilege_policy  # noqa: E402
from faasguard.model import (  # noqa: E402
    AppFormat,
    Application,
    Function,
    Location,
    Trigger,
    TriggerKind,
)
from faasguard.report.html import render_html  # noqa: E402


def _result(functions: int, per_function: int, *, permissions: bool = True) -> ScanResult:
    fns = tuple(
        Function(
            name=f"fn{i}",
            application="estate",
            location=Location("serverless.yml", 10 + i),
            memory=512,
            timeout=10,
            triggers=(
                Trigger(
                    TriggerKind.HTTP_API,
                    Location("serverless.yml", 11 + i),
                    internet_reachable=True,
                    method="GET",
                    path=f"/f{i}",
                ),
            ),
        )
        for i in range(functions)
    )
    app = Application(
        name="estate", format=AppFormat.SERVERLESS, file="serverless.yml", root=".", functions=fns
    )
    severities = list(Severity)
    findings = tuple(
        Finding.create(
            rule_id="FG2002",
            rule_name="sql-injection",
            category="code.sql-injection",
            severity=severities[(i + k) % len(severities)],
            confidence=Confidence.HIGH,
            title="SQL injection",
            message=f"request body reaches a SQL query in fn{i} ({k})",
            file=f"src/fn{i}.py",
            line=k + 1,
            function=f"fn{i}",
            application="estate",
            resource=None,
            evidence=f"{i}:{k}",
            remediation="Use query parameters.",
            cwe="CWE-89",
            trace=(TraceStep(f"src/fn{i}.py", 1, "event field `body` read"),),
        )
        for i in range(functions)
        for k in range(per_function)
    )
    return ScanResult(
        root="estate",
        applications=(app,),
        findings=findings,
        permissions=tuple(_permissions(fn) for fn in fns) if permissions else (),
    )


def _permissions(fn: Function) -> FunctionPermissions:
    """A typical over-broad role: ``dynamodb:*`` on ``*`` for a function that reads one item."""
    statement = Location("serverless.yml", 5)
    table = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${self:custom.table}"
    logs = f"arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{fn.name}:*"
    code = f"src/{fn.name}.py"
    needs = (
        Need("dynamodb:GetItem", (table,), NeedSource.CODE, f"{code}:12 table.get_item (boto3)"),
        Need("s3:PutObject", ("arn:aws:s3:::reports/*",), NeedSource.CODE, f"{code}:20 put"),
        *(
            Need(a, (logs,), NeedSource.PLATFORM, f"{fn.location} CloudWatch Logs")
            for a in ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
        ),
    )
    ref = GrantRef("provider.iam.role.statements[0]", None, statement)
    unused = tuple(sorted(action_db().expand("dynamodb:*") - {"dynamodb:GetItem"}))
    return FunctionPermissions(
        function=fn,
        application="estate",
        role="IamRoleLambdaExecution",
        role_external=False,
        granted=(),
        needs=FunctionNeeds(fn.name, "estate", needs),
        unused=(
            UnusedGrant(
                "dynamodb:*", unused, ("dynamodb:GetItem",), ref.statement, None, statement, ("*",)
            ),
        ),
        missing=(needs[1],),
        unknown=(),
        policy=least_privilege_policy(needs),
        judged=(
            JudgedNeed(needs[0], NeedStatus.GRANTED, (ref,)),
            JudgedNeed(needs[1], NeedStatus.MISSING),
            *(JudgedNeed(n, NeedStatus.FRAMEWORK, (), "the framework's role") for n in needs[2:]),
        ),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--findings-per-function", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--no-permissions", action="store_true", help="leave out the granted-vs-needed tables"
    )
    args = parser.parse_args()
    result = _result(
        args.functions, args.findings_per_function, permissions=not args.no_permissions
    )
    start = time.perf_counter()
    html = render_html(result)
    rendered = time.perf_counter() - start
    folder = Path(tempfile.mkdtemp(prefix="fg-bench-html-"))
    page_file = folder / "report.html"
    page_file.write_text(html, encoding="utf-8")
    print(
        f"{args.functions:,} functions, {len(result.findings):,} findings: rendered in "
        f"{rendered:.2f} s, {len(html) / 1e6:.1f} MB"
    )
    from chromium import Chromium

    browser = Chromium(folder)
    try:
        times, dossiers = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            page = browser.open(page_file.as_uri())
            page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'", 60)
            times.append(time.perf_counter() - start)
            # One dossier, permissions table included, is built synchronously on the click.
            dossiers.append(
                page.evaluate(
                    "(() => { const t = performance.now();"
                    " document.querySelector('#functions tbody tr').click();"
                    " return performance.now() - t; })()"
                )
            )
            page.close()
        print(f"open in Chromium until tables are built: best {min(times):.2f} s of {args.runs}")
        print(f"open one dossier (click to table built): best {min(dossiers):.0f} ms")
    finally:
        browser.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
