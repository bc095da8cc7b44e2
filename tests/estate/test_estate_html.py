"""The HTML report in a real headless Chromium: it renders, filters and sorts, escapes, stays offline."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import Chromium

from faasguard.cli.main import main
from faasguard.engine import ScanResult
from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import AppFormat, Application, Function, Location, Trigger, TriggerKind
from faasguard.report.html import json_island, render_html

REPO = Path(__file__).resolve().parents[2]
HOSTILE = "</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    chromium = Chromium(tmp_path_factory.mktemp("chromium"))
    try:
        yield chromium
    finally:
        chromium.stop()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The example shop's HTML report and, for the expectations, its JSON report."""
    folder = tmp_path_factory.mktemp("report")
    args = [str(REPO / "examples" / "shop-serverless"), "--no-deps", "--today", "2026-11-28"]
    main(["scan", *args, "-f", "html", "-o", str(folder / "report.html")])
    main(["scan", *args, "-f", "json", "--with-permissions", "-o", str(folder / "report.json")])
    return folder / "report.html", json.loads((folder / "report.json").read_text())


def _rows(page: object, table: str) -> int:
    return int(page.evaluate(f"document.querySelectorAll('#{table} tbody tr').length"))  # type: ignore[attr-defined]


def test_report_renders_every_finding_function_and_concern(
    browser: Chromium, shop: tuple[Path, dict]
) -> None:
    html, report = shop
    page = browser.open(html.as_uri())
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    findings = report["findings"]
    assert _rows(page, "findings") == len(findings)
    functions = sum(len(a["functions"]) for a in report["applications"])
    assert _rows(page, "functions") == functions
    concerns = sorted({f["category"].split(".")[0] for f in findings})
    assert (
        page.evaluate(
            "Array.from(document.querySelectorAll('#chart text.bar-label')).filter((t, i) => i % 2 === 0).map(t => t.textContent)"
        )
        == concerns
    )
    assert (
        page.evaluate("document.getElementById('shown').textContent")
        == f"{len(findings)} of {len(findings)} findings"
    )
    page.close()


def test_filters_and_sorting_work(browser: Chromium, shop: tuple[Path, dict]) -> None:
    html, report = shop
    findings = report["findings"]
    page = browser.open(html.as_uri())
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    type_in = (
        "(() => {{ const i = document.getElementById('{id}'); i.value = {value};"
        " i.dispatchEvent(new Event('{event}')); }})()"
    )
    page.evaluate(
        type_in.format(id="filter-severity", value=json.dumps("critical"), event="change")
    )
    critical = [f for f in findings if f["severity"] == "critical"]
    assert _rows(page, "findings") == len(critical) > 0
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#findings tbody tr')).map(r => r.dataset.id)"
    ) == [f["fingerprint"] for f in critical]
    page.evaluate(type_in.format(id="filter-severity", value='""', event="change"))
    page.evaluate(
        type_in.format(id="filter-text", value=json.dumps("resizeReceipt"), event="input")
    )
    matching = [
        f
        for f in findings
        if "resizereceipt"
        in " ".join(
            str(f.get(k) or "") for k in ("rule_id", "category", "function", "file", "message")
        ).lower()
    ]
    assert _rows(page, "findings") == len(matching) > 0
    page.evaluate(type_in.format(id="filter-text", value='""', event="input"))
    page.evaluate("document.querySelector('#findings th[data-key=severity]').click()")
    page.evaluate("document.querySelector('#findings th[data-key=severity]').click()")  # descending
    order = ["critical", "high", "medium", "low", "info"]
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('#findings tbody tr td:first-child')).map(c => c.textContent)"
    )
    assert shown == sorted(shown, key=order.index, reverse=True) and shown[0] != "critical"
    page.evaluate(
        type_in.format(id="filter-functions", value=json.dumps("getorder"), event="input")
    )
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#functions tbody tr td:nth-child(2)')).map(c => c.textContent)"
    ) == ["getOrder"]
    page.evaluate("document.querySelector('#functions tbody tr').click()")
    dossier = page.evaluate("document.getElementById('dossier').textContent")
    assert "shop-api / getOrder" in dossier and "Cost ceiling: $163.20 per hour" in dossier
    unneeded = [
        f["message"]
        for f in findings
        if f["function"] == "getOrder" and f["category"] == "permissions.unused-grant"
    ]
    assert unneeded and all(message in dossier for message in unneeded)
    # The role's table names each statement the unused-grant findings are about.
    table = page.evaluate(
        "Array.from(document.querySelectorAll('#perm-table tbody tr')).map(r =>"
        " [r.dataset.status, r.children[1].textContent, r.children[4].textContent])"
    )
    assert [row for row in table if row[0] != "framework"] == [
        ["unneeded", "dynamodb:*", "provider.iam.role.statements[0] (serverless.yml:31)"],
        [
            "unneeded",
            "s3:GetObject, s3:PutObject",
            "provider.iam.role.statements[1] (serverless.yml:35)",
        ],
        ["unneeded", "iam:PassRole", "provider.iam.role.statements[2] (serverless.yml:40)"],
    ]
    [get_order] = [
        f for a in report["applications"] for f in a["functions"] if f["name"] == "getOrder"
    ]
    assert [r["status"] for r in get_order["permissions"]["rows"]] == [r[0] for r in table]
    page.close()


def _hostile_result() -> ScanResult:
    fn = Function(
        name=HOSTILE,
        application="app",
        location=Location("serverless.yml", 3),
        description=f"<b>{HOSTILE}</b>",
        triggers=(
            Trigger(
                TriggerKind.HTTP_API,
                Location("serverless.yml", 5),
                internet_reachable=True,
                method="GET",
                path=f"/{HOSTILE}",
            ),
        ),
    )
    app = Application(
        name=f"app{HOSTILE}",
        format=AppFormat.SERVERLESS,
        file="serverless.yml",
        root=".",
        functions=(fn,),
    )
    finding = Finding.create(
        rule_id="FG9002",
        rule_name="undocumented-function",
        category="sprawl.undocumented",
        severity=Severity.INFO,
        confidence=Confidence.HIGH,
        title="t",
        message=f"Function `{HOSTILE}` <!-- {HOSTILE}",
        file="serverless.yml",
        line=3,
        function=HOSTILE,
        application=app.name,
        resource=None,
        evidence=HOSTILE,
        remediation=HOSTILE,
        cwe=None,
    )
    return ScanResult(
        root=f"/tmp/{HOSTILE}", applications=(app,), findings=(finding,), notices=(HOSTILE,)
    )


def test_a_hostile_function_name_is_text_and_runs_nothing(
    browser: Chromium, tmp_path: Path
) -> None:
    html = render_html(_hostile_result())
    assert "<img" not in html  # the only place it could be is the JSON island, escaped
    assert html.count("</script>") == 2  # the island's and the code's, nothing else closes one
    (tmp_path / "hostile.html").write_text(html, encoding="utf-8")
    page = browser.open((tmp_path / "hostile.html").as_uri())
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    assert page.evaluate("document.querySelectorAll('img, b').length") == 0
    assert (
        page.evaluate("document.querySelector('#functions tbody td:nth-child(2)').textContent")
        == HOSTILE
    )
    assert (
        page.evaluate("document.querySelector('#findings tbody td:nth-child(4)').textContent")
        == HOSTILE
    )
    assert page.evaluate("document.title") == f"faasguard report: /tmp/{HOSTILE}"
    page.evaluate("document.querySelector('#functions tbody tr').click()")
    assert HOSTILE in page.evaluate("document.getElementById('dossier').textContent")
    page.send("Runtime.evaluate", expression="1")  # drain pending events
    dialogs = [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]
    assert dialogs == []
    page.close()


def test_the_page_makes_no_network_request(browser: Chromium, shop: tuple[Path, dict]) -> None:
    html, _ = shop
    page = browser.open(html.as_uri())
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    page.evaluate("document.querySelector('#functions tbody tr').click()")
    page.send("Runtime.evaluate", expression="1")
    requested = [
        e["params"]["request"]["url"]
        for e in page.events
        if e["method"] == "Network.requestWillBeSent"
    ]
    assert requested == [html.as_uri()]
    page.close()


def test_json_island_escapes_what_could_close_the_script() -> None:
    island = json_island({"name": HOSTILE, "sep": "\u2028", "amp": "a&b", "comment": "<!--"})
    assert "<" not in island and ">" not in island and "&" not in island and "\u2028" not in island
    assert json.loads(island) == {"name": HOSTILE, "sep": "\u2028", "amp": "a&b", "comment": "<!--"}


def test_cli_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["scan", str(REPO / "examples" / "shop-sam"), "--no-deps", "--today", "2026-11-28"]
    assert main([*args, "-f", "html", "-o", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and 'id="fg-data"' in text
    assert dataclasses.is_dataclass(ScanResult)


def test_large_tables_draw_a_page_and_show_all_on_request(
    browser: Chromium, tmp_path: Path
) -> None:
    base = _hostile_result()
    [finding] = base.findings
    many = tuple(
        dataclasses.replace(finding, fingerprint=f"fp{i:04d}", message=f"finding {i}")
        for i in range(250)
    )
    (tmp_path / "many.html").write_text(
        render_html(dataclasses.replace(base, findings=many)), encoding="utf-8"
    )
    page = browser.open((tmp_path / "many.html").as_uri())
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    assert _rows(page, "findings") == 200
    assert (
        page.evaluate("document.getElementById('shown').textContent")
        == "250 of 250 findings (first 200 drawn)"
    )
    page.evaluate("document.getElementById('more-findings').click()")
    assert _rows(page, "findings") == 250
    assert page.evaluate("document.getElementById('more-findings').hidden") is True
    page.close()


def test_inventory_page_charts_the_history_and_escapes(browser: Chromium, tmp_path: Path) -> None:
    import datetime as dt

    from faasguard.history.connect import open_history
    from faasguard.history.interface import FunctionRecord, ScanRecord

    db = str(tmp_path / "h.sqlite")
    hostile = FunctionRecord(
        key=f"t#{HOSTILE}", application="app", name=HOSTILE, file="t", owner=HOSTILE
    )
    plain = FunctionRecord(key="t#b", application="app", name="b", file="t")
    with open_history(db) as store:
        t1 = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
        store.record(ScanRecord("app", t1, "0", (plain,), ()))
        store.record(ScanRecord("app", t1 + dt.timedelta(days=7), "0", (plain, hostile), ()))
    out = tmp_path / "inventory.html"
    assert main(["inventory", "--history", db, "-f", "html", "-o", str(out)]) == 0
    assert "<img" not in out.read_text(encoding="utf-8")
    page = browser.open(out.as_uri())
    page.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#inventory tbody tr td:nth-child(2)')).map(c => c.textContent)"
    ) == [HOSTILE, "b"]
    assert (
        page.evaluate(
            "document.querySelector('polyline[data-series=functions]').getAttribute('points').split(' ').length"
        )
        == 2
    )
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#chart text.axis')).map(t => t.textContent).slice(0, 2)"
    ) == ["#1 2026-11-01", "#2 2026-11-08"]
    dialogs = [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]
    assert dialogs == []
    page.close()
