"""Time the HTML report for a large scan: rendering in Python and opening in headless Chromium.

Usage: python bench/bench_html.py [--functions N] [--findings-per-function K] [--runs R]

Builds a synthetic scan result (N functions behind HTTP routes, K findings each, with traces),
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
from faasguard.model import (  # noqa: E402
    AppFormat,
    Application,
    Function,
    Location,
    Trigger,
    TriggerKind,
)
from faasguard.report.html import render_html  # noqa: E402


def _result(functions: int, per_function: int) -> ScanResult:
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
    return ScanResult(root="estate", applications=(app,), findings=findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--findings-per-function", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = _result(args.functions, args.findings_per_function)
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
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            page = browser.open(page_file.as_uri())
            page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'", 60)
            times.append(time.perf_counter() - start)
            page.close()
        print(f"open in Chromium until tables are built: best {min(times):.2f} s of {args.runs}")
    finally:
        browser.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
