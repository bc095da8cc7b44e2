"""The worst-case hour (faasguard.cost.ceiling) against hand calculations, including docs/cost.md."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from faasguard.cli.main import main
from faasguard.cost.ceiling import Ceiling, money, worst_case_hour
from faasguard.cost.prices import API_GATEWAY_PRICES, LAMBDA_PRICES, PRICES_DATE, prices_for
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    Function,
    FunctionUrl,
    Location,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "cost.md"
FILE = "app/template.yaml"


def _fn(name: str = "search", **changes: Any) -> Function:
    base = Function(name=name, application="app", location=Location(FILE, 5), resource_id=name)
    return dataclasses.replace(base, **changes)


def _route(
    kind: TriggerKind = TriggerKind.REST_API, *, api: str = "Api", line: int = 12
) -> Trigger:
    return Trigger(
        kind=kind,
        location=Location(FILE, line),
        internet_reachable=True,
        method="GET",
        path="/search",
        api=api,
    )


def _app(
    *functions: Function,
    fmt: AppFormat = AppFormat.SAM,
    region: str | Unknown | None = "us-east-1",
    apis: tuple[Api, ...] = (),
) -> Application:
    return Application(
        name="app",
        format=fmt,
        file=FILE,
        root="app",
        region=region,
        functions=functions,
        apis=apis,
    )


def _parts(c: Ceiling) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    return (c.duration_usd, c.lambda_requests_usd, c.front_usd, c.usd_per_hour)


def test_docs_worked_example_matches_the_computation() -> None:
    """docs/cost.md's table: 1,000 x 128 MB x 3 s behind an unthrottled REST API = $140.70."""
    fn = _fn(triggers=(_route(),))
    ceiling = worst_case_hour(
        fn, _app(fn, apis=(Api("Api", TriggerKind.REST_API, Location(FILE, 2)),))
    )
    assert ceiling is not None
    assert _parts(ceiling) == (
        Decimal("7.50"),
        Decimal("7.20"),
        Decimal("126.00"),
        Decimal("140.70"),
    )
    assert (ceiling.concurrency, ceiling.busy_concurrency, ceiling.requests_per_second) == (
        1000,
        1000,
        10_000,
    )
    assert (ceiling.memory_mb, ceiling.timeout_seconds, ceiling.architecture) == (128, 3, "x86_64")
    assert ceiling.entry == "rest-api `GET /search`"
    text = DOC.read_text(encoding="utf-8")
    for figure in (
        "**$7.50**",
        "**$7.20**",
        "**$126.00**",
        "**$140.70 an hour** ($3,376.80 a day)",
    ):
        assert figure in text
    assert money(ceiling.usd_per_hour * 24) == "$3,376.80"


def test_docs_reserved_concurrency_example() -> None:
    fn = _fn(triggers=(_route(),), reserved_concurrency=20)
    ceiling = worst_case_hour(fn, _app(fn))
    assert ceiling is not None
    assert _parts(ceiling) == (Decimal("0.15"), Decimal("0.14"), Decimal("2.52"), Decimal("2.81"))
    assert (ceiling.busy_concurrency, ceiling.requests_per_second) == (20, 200)
    assert "**$2.81 an hour**" in DOC.read_text(encoding="utf-8")


def test_docs_template_scanned_end_to_end_gives_the_documented_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The YAML block of docs/cost.md, loaded by the real SAM loader, reports $140.70/hour."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    block = re.search(r"```yaml\n(AWSTemplateFormatVersion.*?)```", DOC.read_text("utf-8"), re.S)
    assert block is not None
    (tmp_path / "template.yaml").write_text(block.group(1), encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    code = main(
        [
            "scan",
            str(tmp_path),
            "--no-deps",
            "-f",
            "json",
            "--region",
            "us-east-1",
            "--today",
            "2026-11-28",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    wallet = [f for f in report["findings"] if f["rule_id"] == "FG7010"]
    assert [(f["function"], f["file"], f["line"], f["severity"]) for f in wallet] == [
        ("SearchFunction", "template.yaml", 4, "medium")
    ]
    message = wallet[0]["message"]
    assert message.startswith(
        "Function `SearchFunction` can be billed up to $140.70 an hour ($3,376.80 a day) by a "
        "flood of requests to rest-api `GET /search`: 1,000 busy executions x 0.125 GB (128 MB, "
        "x86_64) x 3,600 s at $0.0000166667 per GB-s = $7.50; 10,000 requests/s x 3,600 x "
        "($0.20 Lambda + $3.50 REST API per million) = $133.20. Assumptions: "
    )
    assert "memory not set: the default 128 MB" in message
    assert "timeout not set: the default 3 s" in message
    assert f"us-east-1 list prices of {PRICES_DATE.isoformat()}" in message
    assert "no prices for" not in message


def test_stage_throttle_arm64_and_http_api() -> None:
    fn = _fn(
        triggers=(_route(TriggerKind.HTTP_API, api="Http"),),
        memory=1024,
        timeout=30,
        architectures=("arm64",),
    )
    http = Api("Http", TriggerKind.HTTP_API, Location(FILE, 2), throttling=Throttling(100, 50))
    ceiling = worst_case_hour(fn, _app(fn, region="us-west-2", apis=(http,)))
    assert ceiling is not None
    # 1,000 x 1 GB x 3,600 x 0.0000133334 = 48.00024; 360,000 x 0.20/M = 0.072; x 1.00/M = 0.36
    assert _parts(ceiling) == (Decimal("48.00"), Decimal("0.07"), Decimal("0.36"), Decimal("48.43"))
    assert ceiling.requests_per_second == 100
    assert ceiling.region == "us-west-2"
    assert "stage throttle of 100 requests/s on API Http" in ceiling.assumptions
    assert not any("Lambda's limit" in a for a in ceiling.assumptions)


def test_throttle_limits_busy_executions_when_rate_times_timeout_is_small() -> None:
    fn = _fn(triggers=(_route(),), memory=512, timeout=2)
    rest = Api("Api", TriggerKind.REST_API, Location(FILE, 2), throttling=Throttling(50, None))
    ceiling = worst_case_hour(fn, _app(fn, apis=(rest,)))
    assert ceiling is not None
    # busy = min(1000, 50 x 2) = 100: 100 x 0.5 x 3600 x 0.0000166667 = 3.000006
    assert ceiling.busy_concurrency == 100
    assert _parts(ceiling) == (Decimal("3.00"), Decimal("0.04"), Decimal("0.63"), Decimal("3.67"))


def test_unresolved_throttle_counts_as_absent_and_says_so() -> None:
    fn = _fn(triggers=(_route(),))
    rest = Api(
        "Api",
        TriggerKind.REST_API,
        Location(FILE, 2),
        throttling=Throttling(Unknown("${ssm:/rate}", "ssm parameter"), None),
    )
    ceiling = worst_case_hour(fn, _app(fn, apis=(rest,)))
    assert ceiling is not None and ceiling.usd_per_hour == Decimal("140.70")
    assert (
        "API Gateway's account limit of 10,000 requests/s (the stage throttle cannot be resolved)"
        in ceiling.assumptions
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"memory": Unknown("${ssm:/m}", "ssm parameter")},
        {"timeout": Unknown("!Ref Timeout", "parameter")},
        {"reserved_concurrency": Unknown("!Ref Cap", "parameter")},
    ],
)
def test_unresolved_sizing_gives_no_ceiling(changes: dict[str, Any]) -> None:
    fn = _fn(triggers=(_route(),), **changes)
    assert worst_case_hour(fn, _app(fn)) is None


def test_lambda_prices_of_the_region_and_api_gateway_stand_in_says_so() -> None:
    fn = _fn(triggers=(_route(),))
    ceiling = worst_case_hour(fn, _app(fn, region="eu-west-1"))
    assert ceiling is not None and ceiling.region == "eu-west-1"
    assert not any("no Lambda prices" in a for a in ceiling.assumptions)
    assert (
        "no API Gateway prices for region eu-west-1 in faasguard's table: us-east-1 prices used"
        in ceiling.assumptions
    )
    assert ceiling.assumptions[-1] == (
        f"eu-west-1 (Lambda) and us-east-1 (API Gateway) list prices of {PRICES_DATE.isoformat()}"
    )


def test_a_function_without_an_api_names_no_api_gateway_stand_in() -> None:
    fn = _fn(triggers=(Trigger(kind=TriggerKind.SQS, location=Location(FILE, 9), source="Q"),))
    ceiling = worst_case_hour(fn, _app(fn, region="ap-northeast-1"))
    assert ceiling is not None and ceiling.region == "ap-northeast-1"
    assert not any("prices for" in a for a in ceiling.assumptions)
    assert ceiling.assumptions[-1] == f"ap-northeast-1 list prices of {PRICES_DATE.isoformat()}"


def test_region_missing_from_the_table_falls_back_and_says_so() -> None:
    fn = _fn(triggers=(_route(),))
    ceiling = worst_case_hour(fn, _app(fn, region="af-south-1"))
    assert ceiling is not None and ceiling.region == "us-east-1"
    assert [a for a in ceiling.assumptions if "prices for" in a] == [
        "no Lambda prices for region af-south-1 in faasguard's table: us-east-1 prices used",
        "no API Gateway prices for region af-south-1 in faasguard's table: us-east-1 prices used",
    ]
    unknown = worst_case_hour(fn, _app(fn, region=Unknown("${AWS::Region}", "pseudo")))
    assert unknown is not None
    assert (
        "no Lambda prices for the region (not set in the template) in faasguard's table: "
        "us-east-1 prices used" in unknown.assumptions
    )


def test_internal_function_is_priced_for_direct_invocation() -> None:
    queue = Trigger(kind=TriggerKind.SQS, location=Location(FILE, 9), source="Jobs")
    fn = _fn("worker", triggers=(queue,), memory=256, timeout=60)
    ceiling = worst_case_hour(fn, _app(fn))
    assert ceiling is not None
    assert (ceiling.entry, ceiling.internet_reachable, ceiling.location) == (
        "direct invocation",
        False,
        Location(FILE, 5),
    )
    # 1,000 x 0.25 x 3,600 x 0.0000166667 = 15.00003; 36M x 0.20/M = 7.20
    assert _parts(ceiling) == (Decimal("15.00"), Decimal("7.20"), Decimal("0.00"), Decimal("22.20"))


def test_async_trigger_notes_retries() -> None:
    bucket = Trigger(kind=TriggerKind.S3, location=Location(FILE, 9), source="Uploads")
    fn = _fn("thumbs", triggers=(bucket,))
    ceiling = worst_case_hour(fn, _app(fn))
    assert ceiling is not None
    assert (
        "asynchronous triggers (s3): each failing event runs up to 3 times (2 retries by "
        "default), within the same ceiling" in ceiling.assumptions
    )


def test_zero_reserved_concurrency_costs_nothing() -> None:
    fn = _fn(triggers=(_route(),), reserved_concurrency=0)
    ceiling = worst_case_hour(fn, _app(fn))
    assert ceiling is not None and ceiling.usd_per_hour == Decimal("0.00")


def test_costliest_entry_wins_and_public_url_without_trigger_counts() -> None:
    url = FunctionUrl(auth_type="NONE", location=Location(FILE, 20))
    only_url = _fn("export", url=url)
    ceiling = worst_case_hour(only_url, _app(only_url))
    assert ceiling is not None
    assert (ceiling.entry, ceiling.location, ceiling.internet_reachable) == (
        "public function URL",
        Location(FILE, 20),
        True,
    )
    assert ceiling.usd_per_hour == Decimal("14.70")  # 7.50 duration + 7.20 Lambda requests
    both = _fn("export", url=url, triggers=(_route(),))
    best = worst_case_hour(both, _app(both))
    assert best is not None and (best.entry, best.usd_per_hour) == (
        "rest-api `GET /search`",
        Decimal("140.70"),
    )


def test_serverless_defaults_and_account_concurrency_option() -> None:
    fn = _fn(triggers=(_route(),))
    ceiling = worst_case_hour(fn, _app(fn, fmt=AppFormat.SERVERLESS), account_concurrency=3000)
    assert ceiling is not None
    assert (ceiling.memory_mb, ceiling.timeout_seconds, ceiling.concurrency) == (1024, 6, 3000)
    # r = min(30,000, 10,000) = 10,000; busy = min(3,000, 60,000) = 3,000:
    # 3,000 x 1 x 3,600 x 0.0000166667 = 180.00036; requests 36M x (0.20 + 3.50)/M = 133.20
    assert _parts(ceiling) == (
        Decimal("180.00"),
        Decimal("7.20"),
        Decimal("126.00"),
        Decimal("313.20"),
    )


def test_price_table_is_dated_and_falls_back_per_service() -> None:
    assert set(API_GATEWAY_PRICES) == {"us-east-1", "us-east-2", "us-west-2"}
    assert len(LAMBDA_PRICES) == 17 and "af-south-1" not in LAMBDA_PRICES
    ohio = prices_for("us-east-2")
    assert (ohio.lambda_own, ohio.api_own, ohio.rest_api_per_million) == (
        True,
        True,
        Decimal("3.50"),
    )
    mumbai = prices_for("ap-south-1")
    assert (mumbai.lambda_region, mumbai.api_region) == ("ap-south-1", "us-east-1")
    assert (mumbai.lambda_own, mumbai.api_own) == (True, False)
    unknown = prices_for(None)
    assert (unknown.lambda_region, unknown.api_region) == ("us-east-1", "us-east-1")
    assert (unknown.lambda_own, unknown.api_own) == (False, False)
    table = DOC.read_text(encoding="utf-8")
    for region in LAMBDA_PRICES:
        assert f"`{region}`" in table, region  # every priced region is listed in docs/cost.md
    assert f"**{PRICES_DATE.isoformat()}**" in DOC.read_text(encoding="utf-8")
