from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import FILE, Brief, application, brief, briefs, context, function, resource

from faasguard.findings import Severity
from faasguard.model import AppFormat, Unknown
from faasguard.rules.platform import DeprecatedRuntime, LogRetentionUnset, TracingDisabled
from faasguard.rules.runtimes import lifecycle, runtime_table

# --- runtime table -------------------------------------------------------------------------

REQUIRED_RUNTIMES = (
    *(f"python3.{minor}" for minor in range(6, 15)),
    "python2.7",
    "nodejs",
    *(f"nodejs{major}.x" for major in (10, 12, 14, 16, 18, 20, 22, 24)),
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "go1.x",
    "provided",
    "provided.al2",
    "provided.al2023",
)


def test_runtime_table_records_its_source_and_date() -> None:
    table = runtime_table()
    assert table.source.startswith("https://docs.aws.amazon.com/lambda/")
    assert table.compiled == date(2026, 11, 28)


@pytest.mark.parametrize("runtime_id", REQUIRED_RUNTIMES)
def test_runtime_table_lists_every_runtime(runtime_id: str) -> None:
    life = lifecycle(runtime_id)
    assert life is not None
    assert life.deprecated is not None


def test_runtime_table_is_consistent() -> None:
    table = runtime_table()
    for life in table.runtimes.values():
        if life.block_create and life.block_update:
            assert life.block_create <= life.block_update, life.id
        if life.successor is not None:
            successor = table.runtimes[life.successor]
            assert successor.successor is None, f"{life.id} -> {successor.id} is not the newest"
            assert successor.deprecated is not None
            assert successor.deprecated > table.compiled, f"{life.id}: successor deprecated"


def test_lifecycle_lookup_is_case_and_blank_insensitive_and_unknown_is_none() -> None:
    assert lifecycle(" Python3.9 ") == lifecycle("python3.9")
    assert lifecycle("python9.9") is None


# --- FG8001 deprecated-runtime -------------------------------------------------------------


def _runtime_findings(runtime: object, today: date, *, warning_days: int = 90) -> list[Brief]:
    fn = function("api", line=7, runtime=runtime)
    ctx = context(application([fn]), today=today, deprecation_warning_days=warning_days)
    return briefs(DeprecatedRuntime().check(fn, ctx))


def _expect(severity: Severity) -> list[Brief]:
    return [Brief("FG8001", "api", "apiFn", FILE, 7, severity)]


def test_deprecated_runtime_high_with_dates_and_successor() -> None:
    fn = function("api", line=7, runtime="python3.9")
    findings = list(DeprecatedRuntime().check(fn, context(application([fn]))))
    assert briefs(findings) == _expect(Severity.HIGH)
    f = findings[0]
    assert "deprecated on 2025-12-15" in f.message
    assert "2027-02-01" in f.message and "2027-03-03" in f.message
    assert "`runtime: python3.14`" in f.remediation  # Serverless key
    assert f.evidence == "runtime: python3.9"
    assert f.category == "platform.deprecated-runtime"


def test_deprecated_runtime_critical_once_updates_are_blocked() -> None:
    findings = list(
        DeprecatedRuntime().check(
            function("api", line=7, runtime="python2.7"), context(application())
        )
    )
    assert briefs(findings) == _expect(Severity.CRITICAL)
    assert "refuses updates" in findings[0].message
    assert "python3.14" in findings[0].remediation


def test_deprecated_runtime_critical_exactly_on_block_update_day() -> None:
    assert _runtime_findings("python3.9", date(2027, 3, 3)) == _expect(Severity.CRITICAL)
    assert _runtime_findings("python3.9", date(2027, 3, 2)) == _expect(Severity.HIGH)


def test_deprecated_runtime_high_exactly_on_deprecation_day() -> None:
    assert _runtime_findings("python3.10", date(2026, 10, 31)) == _expect(Severity.HIGH)


@pytest.mark.parametrize(
    ("days_before", "expected"), [(1, True), (89, True), (90, True), (91, False)]
)
def test_deprecated_runtime_warning_window(days_before: int, expected: bool) -> None:
    today = date(2026, 10, 31) - timedelta(days=days_before)
    fn = function("api", line=7, runtime="python3.10")
    findings = list(DeprecatedRuntime().check(fn, context(application([fn]), today=today)))
    if not expected:
        assert findings == []
        return
    assert briefs(findings) == _expect(Severity.MEDIUM)
    day_word = "day" if days_before == 1 else "days"
    assert f"deprecated on 2026-10-31, in {days_before} {day_word}" in findings[0].message


def test_deprecated_runtime_warning_window_follows_the_option() -> None:
    today = date(2026, 10, 31) - timedelta(days=120)
    assert _runtime_findings("python3.10", today) == []
    assert _runtime_findings("python3.10", today, warning_days=120) == _expect(Severity.MEDIUM)
    assert _runtime_findings("python3.10", date(2026, 10, 30), warning_days=0) == []


@pytest.mark.parametrize("runtime", ["python3.14", "nodejs24.x", "provided.al2023"])
def test_deprecated_runtime_passes_supported_runtimes(runtime: str) -> None:
    assert _runtime_findings(runtime, date(2026, 11, 28)) == []


@pytest.mark.parametrize(
    "runtime",
    [None, Unknown("${self:custom.runtime}", "unresolvable variable"), "python9.9", "cobol"],
)
def test_deprecated_runtime_silent_on_unset_unknown_or_unlisted(runtime: object) -> None:
    assert _runtime_findings(runtime, date(2026, 11, 28)) == []


def test_deprecated_runtime_skips_container_images() -> None:
    fn = function("api", runtime="python3.9", package_type="Image")
    assert list(DeprecatedRuntime().check(fn, context(application([fn])))) == []


@pytest.mark.parametrize(
    ("fmt", "key"),
    [
        (AppFormat.SAM, "`Runtime: nodejs24.x`"),
        (AppFormat.CLOUDFORMATION, "`Runtime: nodejs24.x` in the `AWS::Lambda::Function`"),
        (AppFormat.TERRAFORM, '`runtime = "nodejs24.x"`'),
        (AppFormat.CDK, "lambda.Runtime"),
    ],
)
def test_deprecated_runtime_remediation_uses_the_apps_format(fmt: AppFormat, key: str) -> None:
    fn = function("api", runtime="nodejs18.x")
    (finding,) = DeprecatedRuntime().check(fn, context(application([fn], fmt=fmt)))
    assert key in finding.remediation


def test_deprecated_runtime_fingerprint_is_stable_across_severity_changes() -> None:
    fn = function("api", runtime="python3.9")
    app = application([fn])
    (high,) = DeprecatedRuntime().check(fn, context(app, today=date(2026, 1, 1)))
    (critical,) = DeprecatedRuntime().check(fn, context(app, today=date(2027, 6, 1)))
    assert (high.severity, critical.severity) == (Severity.HIGH, Severity.CRITICAL)
    assert high.fingerprint == critical.fingerprint


# --- FG8002 tracing-disabled ---------------------------------------------------------------


@pytest.mark.parametrize("tracing", [None, "PassThrough", "passthrough"])
def test_tracing_disabled_fails(tracing: str | None) -> None:
    fn = function("api", line=7, tracing=tracing)
    findings = list(TracingDisabled().check(fn, context(application([fn], fmt=AppFormat.SAM))))
    assert briefs(findings) == [Brief("FG8002", "api", "apiFn", FILE, 7, Severity.LOW)]
    assert "tracing" in findings[0].message
    assert "`Tracing: Active`" in findings[0].remediation


@pytest.mark.parametrize("tracing", ["Active", Unknown("!Ref TracingMode", "parameter")])
def test_tracing_disabled_passes_active_and_unknown(tracing: object) -> None:
    fn = function("api", tracing=tracing)
    assert list(TracingDisabled().check(fn, context(application([fn])))) == []


# --- FG8003 log-retention-unset ------------------------------------------------------------


def test_log_retention_unset_fails() -> None:
    fn = function("api", line=7)
    findings = list(LogRetentionUnset().check(fn, context(application([fn]))))
    assert briefs(findings) == [Brief("FG8003", "api", "apiFn", FILE, 7, Severity.LOW)]
    assert "forever" in findings[0].message
    assert "logRetentionInDays" in findings[0].remediation


@pytest.mark.parametrize("days", [14, Unknown("${param:retention}", "parameter")])
def test_log_retention_set_or_unknown_passes(days: object) -> None:
    fn = function("api", log_retention_days=days)
    assert list(LogRetentionUnset().check(fn, context(application([fn])))) == []


def test_log_retention_from_a_log_group_named_after_the_function() -> None:
    group = resource(
        "ApiLogs",
        "AWS::Logs::LogGroup",
        properties={
            "LogGroupName": Unknown('{"Fn::Sub": "/aws/lambda/${apiFn}"}', "deploy-time"),
            "RetentionInDays": 30,
        },
    )
    fn = function("api")
    app = application([fn], fmt=AppFormat.SAM, resources=[group])
    assert list(LogRetentionUnset().check(fn, context(app))) == []


def test_log_retention_log_group_without_retention_is_reported_at_the_group() -> None:
    group = resource("ApiLogs", "AWS::Logs::LogGroup", line=60, properties={})
    fn = function("api", log_group="ApiLogs")
    app = application([fn], fmt=AppFormat.CLOUDFORMATION, resources=[group])
    findings = list(LogRetentionUnset().check(fn, context(app)))
    assert briefs(findings) == [Brief("FG8003", "api", "ApiLogs", FILE, 60, Severity.LOW)]
    assert "`ApiLogs` has no `RetentionInDays`" in findings[0].message
    assert "RetentionInDays: 30" in findings[0].remediation


def test_log_retention_unknown_on_the_log_group_is_silent() -> None:
    group = resource(
        "ApiLogs",
        "AWS::Logs::LogGroup",
        properties={"RetentionInDays": Unknown("!Ref Retention", "parameter")},
    )
    fn = function("api", log_group="ApiLogs")
    app = application([fn], resources=[group])
    assert list(LogRetentionUnset().check(fn, context(app))) == []


def test_log_retention_ignores_other_functions_log_groups() -> None:
    group = resource(
        "OtherLogs",
        "AWS::Logs::LogGroup",
        properties={
            "LogGroupName": Unknown('{"Fn::Sub": "/aws/lambda/${apiFnOld}"}', "deploy-time"),
            "RetentionInDays": 30,
        },
    )
    fn = function("api", line=7)
    app = application([fn], resources=[group])
    assert [brief(f).line for f in LogRetentionUnset().check(fn, context(app))] == [7]
