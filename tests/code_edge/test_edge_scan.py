"""End-to-end checks of the code-edge analyses on two fixture projects (Python SAM, Node.js/TS
Serverless): exact findings, egress inventories and the function-to-function call graph.

Each fixture function is one case; functions named ``*Safe``/``*safe`` are clean twins.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from faasguard.code.edge.analyzer import CodeEdgeAnalyzer
from faasguard.code.edge.calls import CallGraphEnricher, FunctionCall, function_calls
from faasguard.config import Config
from faasguard.engine import ScanResult, scan
from faasguard.fs import ScanFS
from faasguard.loaders.interface import LoadOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "code_edge"
SCHEMA = Path(__file__).resolve().parents[2] / "src/faasguard/report/schema/report.schema.json"
MINE = {"FG4021", "FG5001", "FG5002", "FG5003", "FG5004", "FG6007", "FG9001"}


def _scan(name: str) -> ScanResult:
    return scan(
        FIXTURES / name,
        Config(),
        load_options=LoadOptions(),
        analyzers=[CodeEdgeAnalyzer()],
        enrichers=[CallGraphEnricher()],
    )


@pytest.fixture(scope="module")
def py_result() -> ScanResult:
    return _scan("py_sam")


@pytest.fixture(scope="module")
def js_result() -> ScanResult:
    return _scan("js_sls")


def _mine(result: ScanResult) -> set[tuple[str, str, int | None, str | None, str, str]]:
    return {
        (f.rule_id, f.file, f.line, f.function, f.severity.value, f.evidence)
        for f in result.findings
        if f.rule_id in MINE
    }


def _egress(result: ScanResult) -> dict[str, list[tuple[str, str | None, str, int, str, str]]]:
    return {
        e.function: [(h.host, h.scheme, h.file, h.line, h.via, h.call) for h in e.hosts]
        for e in result.egress
    }


def test_python_findings_are_exact(py_result: ScanResult) -> None:
    assert _mine(py_result) == {
        (
            "FG4021",
            "src/settings.py",
            5,
            "PartnerSync",
            "critical",
            "STRIPE_KEY=sk_l************k2Lm (Stripe live key)",
        ),
        (
            "FG4021",
            "src/settings.py",
            6,
            "PartnerSync",
            "high",
            "JWT_SECRET=q8Zr************uL0d (high-entropy value)",
        ),
        (
            "FG5001",
            "src/partner.py",
            18,
            "PartnerSync",
            "high",
            "`requests.get(..., verify=False)`; warnings silenced with urllib3.disable_warnings "
            "at line 11",
        ),
        (
            "FG5001",
            "src/legacy_tls.py",
            12,
            "LegacyTls",
            "high",
            "`ssl.create_default_context().check_hostname = False`",
        ),
        (
            "FG5001",
            "src/legacy_tls.py",
            13,
            "LegacyTls",
            "high",
            "`ssl.create_default_context().verify_mode = ssl.CERT_NONE`",
        ),
        (
            "FG5002",
            "src/partner.py",
            18,
            "PartnerSync",
            "medium",
            "http://api.partner-shop.com/stock/<?> (from env:PARTNER_URL)",
        ),
        (
            "FG5002",
            "src/legacy_tls.py",
            6,
            "LegacyTls",
            "medium",
            "http://legacy.partner-shop.com/feed (from name:LEGACY_ENDPOINT)",
        ),
        (
            "FG6007",
            "src/partner.py",
            15,
            "PartnerSync",
            "medium",
            "handler: queryStringParameters.sku",
        ),
        # Worker is invoked by Dispatcher's code; only Orphan is unused.
        (
            "FG9001",
            "template.yaml",
            80,
            "Orphan",
            "low",
            "triggers: none; url: none; referenced_by: none",
        ),
    }


def test_python_secret_never_printed(py_result: ScanResult) -> None:
    text = json.dumps([f.message + f.evidence for f in py_result.findings])
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dcQb8Xk2Lm" not in text
    assert "q8Zr2vT6yK1pW9sXbN4mC7eF3hJ5uL0d" not in text
    # The layer's python/ folder is vendored code: its example token is not reported.
    assert not any(f.file.startswith("layers/") for f in py_result.findings)


def test_python_egress(py_result: ScanResult) -> None:
    assert _egress(py_result) == {
        "PartnerSync": [
            (
                "api.partner-shop.com",
                "http",
                "src/partner.py",
                18,
                "env:PARTNER_URL",
                "requests.get",
            )
        ],
        "PartnerSafe": [
            (
                "api.partner-shop.com",
                "https",
                "src/partner_safe.py",
                16,
                "env:PARTNER_URL",
                "requests.get",
            )
        ],
        # localhost (the Secrets Manager extension) is not egress.
        "LegacyTls": [
            (
                "feeds.partner-shop.com",
                "https",
                "src/legacy_tls.py",
                14,
                "literal",
                "urllib.request.urlopen",
            )
        ],
        "Dispatcher": [],
        "Worker": [],
        "Orphan": [],
        "Enqueuer": [],
    }


def test_python_call_graph(py_result: ScanResult) -> None:
    app = py_result.applications[0]
    worker = app.function("Worker")
    assert worker is not None and "code:Dispatcher" in worker.referenced_by
    orphan = app.function("Orphan")
    assert orphan is not None and orphan.referenced_by == ()
    assert function_calls(app, ScanFS(FIXTURES / "py_sam")) == (
        FunctionCall("Dispatcher", "Worker", "lambda", "src/dispatch.py", 13, "env:WORKER_FN"),
        # Through the queue that triggers Dispatcher (QueueUrl is `!Ref JobsQueue`).
        FunctionCall("Enqueuer", "Dispatcher", "sqs", "src/enqueue.py", 11, "env:JOBS_QUEUE_URL"),
    )
    dispatcher = app.function("Dispatcher")
    assert dispatcher is not None and dispatcher.referenced_by == ("code:Enqueuer",)


def test_javascript_findings_are_exact(js_result: ScanResult) -> None:
    assert _mine(js_result) == {
        (
            "FG4021",
            "src/gateway.js",
            6,
            "gateway",
            "critical",
            "GITHUB_TOKEN=ghp_************Yoda (GitHub token)",
        ),
        (
            "FG5001",
            "src/gateway.js",
            8,
            "gateway",
            "high",
            "`rejectUnauthorized: false` passed to `https.Agent`",
        ),
        (
            "FG5001",
            "src/report.ts",
            4,
            "report",
            "high",
            "`process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` turns verification off process-wide",
        ),
        (
            "FG5001",
            "src/report.ts",
            7,
            "report",
            "high",
            "`rejectUnauthorized: false` passed to `got.get`",
        ),
        (
            "FG5002",
            "src/gateway.js",
            16,
            "gateway",
            "medium",
            "http://stock.partner-shop.com/v1/levels",
        ),
        ("FG5004", "serverless.yml", 40, "report", "high", "NODE_TLS_REJECT_UNAUTHORIZED=0"),
        ("FG6007", "src/gateway.js", 10, "gateway", "medium", "handler: queryStringParameters.q"),
        # worker is invoked by gateway through ${self:service}-${sls:stage}-worker.
        (
            "FG9001",
            "serverless.yml",
            44,
            "legacy",
            "low",
            "triggers: none; url: none; referenced_by: none",
        ),
    }


def test_javascript_egress_and_calls(js_result: ScanResult) -> None:
    assert _egress(js_result) == {
        "gateway": [
            (
                "catalog.partner-shop.com",
                "https",
                "src/gateway.js",
                12,
                "env:CATALOG_URL",
                "axios.get",
            ),
            ("stock.partner-shop.com", "http", "src/gateway.js", 16, "literal", "fetch"),
        ],
        "gatewaySafe": [
            (
                "catalog.partner-shop.com",
                "https",
                "src/gateway_safe.mjs",
                9,
                "env:CATALOG_URL",
                "fetch",
            )
        ],
        "worker": [],
        "report": [("reports.partner-shop.com", "https", "src/report.ts", 7, "literal", "got.get")],
        "legacy": [],
    }
    app = js_result.applications[0]
    worker = app.function("worker")
    assert worker is not None and worker.referenced_by == ("code:gateway",)


def test_reports_carry_egress(js_result: ScanResult) -> None:
    from faasguard.report.json_report import report_dict
    from faasguard.report.text import render_text

    data = report_dict(js_result)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    functions = {fn["name"]: fn for fn in data["applications"][0]["functions"]}
    assert functions["gateway"]["egress"][1] == {
        "host": "stock.partner-shop.com",
        "scheme": "http",
        "file": "src/gateway.js",
        "line": 16,
        "via": "literal",
        "call": "fetch",
    }
    text = render_text(js_result)
    assert (
        "edge-js/gateway: egress: catalog.partner-shop.com (https), stock.partner-shop.com (http)"
        in text
    )
    assert "edge-js/worker: egress: none seen" in text


def test_inline_template_code_is_analysed_at_template_lines() -> None:
    result = _scan("inline_cfn")
    assert _mine(result) == {
        (
            "FG5001",
            "template.yaml",
            17,
            "Pinger",
            "high",
            "`ssl._create_unverified_context()` builds a context that checks no certificate",
        ),
        ("FG5002", "template.yaml", 18, "Pinger", "medium", "http://legacy.partner-shop.com/ping"),
        (
            "FG9001",
            "template.yaml",
            4,
            "Pinger",
            "low",
            "triggers: none; url: none; referenced_by: none",
        ),
    }
    assert _egress(result) == {
        "Pinger": [
            (
                "legacy.partner-shop.com",
                "http",
                "template.yaml",
                18,
                "literal",
                "urllib.request.urlopen",
            )
        ]
    }


def test_egress_through_template_parameters() -> None:
    def hosts(options: LoadOptions) -> list[tuple[str, str]]:
        result = scan(
            FIXTURES / "params_sam", Config(), load_options=options, analyzers=[CodeEdgeAnalyzer()]
        )
        return [(h.host, h.via) for e in result.egress for h in e.hosts]

    # The default of PartnerBase resolves; RatesHost has no default: unknown, never guessed.
    assert hosts(LoadOptions()) == [
        ("api.partner-shop.com", "env:BASE"),
        ("unknown", "env:RATES"),
    ]
    assert hosts(LoadOptions(parameters={"RatesHost": "rates.partner-shop.com"})) == [
        ("api.partner-shop.com", "env:BASE"),
        ("rates.partner-shop.com", "env:RATES"),
    ]


def test_an_enricher_that_raises_is_reported_and_rules_still_run() -> None:
    from faasguard.model import Application

    class Broken:
        def enrich(self, app: Application, fs: ScanFS) -> Application:
            raise ValueError("boom")

    result = scan(FIXTURES / "py_sam", Config(), load_options=LoadOptions(), enrichers=[Broken()])
    crashed = [f for f in result.findings if f.rule_name == "rule-crashed"]
    assert [(f.file, f.line, f.evidence) for f in crashed] == [
        ("template.yaml", None, "Broken ValueError")
    ]
    # The rules ran on the application as loaded: no "code:" callers were added.
    assert {f.function for f in result.findings if f.rule_id == "FG9001"} == {"Orphan"}
    dispatcher = result.applications[0].function("Dispatcher")
    assert dispatcher is not None and dispatcher.referenced_by == ()


def test_unparsable_handler_leaves_egress_unknown() -> None:
    from faasguard.report.text import render_text

    result = _scan("broken_py")
    assert [(e.function, e.code_read, e.hosts) for e in result.egress] == [("Legacy", False, ())]
    assert "broken_py/Legacy: egress: unknown (code not read)" in render_text(result)
    assert _mine(result) == set()


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        (
            "shop-serverless",
            {
                ("FG4021", "src/notify.js", 5, "notifyPartner", "critical"),
                ("FG4021", "src/orders.py", 11, None, "high"),
                ("FG5001", "src/admin.py", 8, "adminExport", "high"),
                ("FG5001", "src/notify.js", 6, "notifyPartner", "high"),
                ("FG5002", "src/notify.js", 12, "notifyPartner", "medium"),
                ("FG6007", "src/admin.py", 6, "adminExport", "medium"),
                ("FG6007", "src/orders.py", 14, "getOrder", "medium"),
                ("FG6007", "src/orders.py", 21, "createOrder", "medium"),
                ("FG6007", "src/receipts.py", 6, "resizeReceipt", "low"),
                ("FG9001", "serverless.yml", 78, "legacyCleanup", "low"),
            },
        ),
        (
            "shop-sam",
            {
                ("FG4021", "src/shipping/quote.mjs", 5, "ShippingQuoteFunction", "high"),
                ("FG5002", "src/reports/app.py", 15, "ReportApiFunction", "medium"),
                ("FG5002", "src/shipping/quote.mjs", 8, "ShippingQuoteFunction", "medium"),
                ("FG6007", "src/orders/app.py", 13, "ProcessOrderFunction", "low"),
                ("FG6007", "src/reports/app.py", 8, "ReportFunction", "medium"),
            },
        ),
    ],
)
def test_example_apps_code_edge_findings(
    app: str, expected: set[tuple[str, str, int, str | None, str]]
) -> None:
    """The code flaws docs/example.md maps to code-edge findings, and nothing else."""
    result = scan(
        EXAMPLES / app,
        Config(),
        load_options=LoadOptions(),
        analyzers=[CodeEdgeAnalyzer()],
        enrichers=[CallGraphEnricher()],
    )
    assert {f[:5] for f in _mine(result)} == expected


def test_calls_through_an_eventbridge_bus() -> None:
    result = _scan("eventbridge_sam")
    app = result.applications[0]
    # Emitter's entry matches Listener's rule (same bus through `!Ref Bus`, source and
    # detail type listed). JsEmitter publishes on the default bus: its OrderShipped reaches
    # Shipping, its OrderPlaced reaches nobody (Listener listens on shop-bus).
    assert function_calls(app, ScanFS(FIXTURES / "eventbridge_sam")) == (
        FunctionCall("Emitter", "Listener", "eventbridge", "src/emit.py", 12, "env:BUS"),
        FunctionCall("JsEmitter", "Shipping", "eventbridge", "src/emit_js.mjs", 9, "literal"),
    )
    listener = app.function("Listener")
    assert listener is not None and listener.referenced_by == ("code:Emitter",)
