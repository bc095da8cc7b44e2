"""The worst-case hourly bill of a function under attack (denial of wallet).

An attacker who can invoke a function chooses how fast to send requests and, often, how long
each one runs (a slow downstream, a large payload). Lambda bounds both: at most ``C`` executions
run at once (the reserved concurrency, else the account's quota, shared) and at most ``10 * C``
invocations start per second. What sits in front may bound the rate further (an API stage
throttle, API Gateway's account limit) and bills each request again.

With ``r`` requests per second, each running up to the timeout ``T``, the busy concurrency is
``min(C, r * T)``, so one hour costs::

    3600 * ( min(C, r*T) * memory_GB * price_per_GB_s          # duration
           + r * (lambda_price_per_request + front_price_per_request) )

where ``r = min(10 * C, the front's rate limit)``. This is the maximum over every request
duration an attacker can pick (docs/cost.md shows why, and a worked example a test reproduces).

A ceiling is an upper bound: a setting the template does not give takes Lambda's (or the
framework's) default, and a throttle that cannot be resolved counts as absent, each named in
:attr:`Ceiling.assumptions`. An unresolved memory size, timeout or reserved concurrency could be
anything up to Lambda's maximum, so the ceiling is not computed (None) rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from faasguard.cost.prices import (
    ACCOUNT_CONCURRENCY_DEFAULT,
    API_GATEWAY_ACCOUNT_RPS,
    INVOKES_PER_SECOND_PER_CONCURRENCY,
    PRICES_DATE,
    RegionPrices,
    prices_for,
)
from faasguard.model import (
    AppFormat,
    Application,
    AuthKind,
    Function,
    Location,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
)

__all__ = ["Ceiling", "default_memory_mb", "default_timeout_seconds", "money", "worst_case_hour"]

_SECONDS_PER_HOUR: Final = 3600
_MILLION: Final = Decimal(1_000_000)
_CENT: Final = Decimal("0.01")
#: Lambda's defaults when a template sets nothing; frameworks that set their own are listed.
_LAMBDA_MEMORY_MB: Final = 128
_LAMBDA_TIMEOUT_S: Final = 3
_FRAMEWORK_MEMORY_MB: Final = {AppFormat.SERVERLESS: 1024}
_FRAMEWORK_TIMEOUT_S: Final = {AppFormat.SERVERLESS: 6}
#: An asynchronous invocation that fails is retried twice by default (three runs per event).
_ASYNC_ATTEMPTS: Final = 3
_FRONT_NAMES: Final = {
    TriggerKind.REST_API: "REST API",
    TriggerKind.HTTP_API: "HTTP API",
    TriggerKind.WEBSOCKET: "WebSocket API",
    TriggerKind.ALB: "load balancer",
    TriggerKind.FUNCTION_URL: "function URL",
}


@dataclass(frozen=True, slots=True)
class Ceiling:
    """A function's worst-case hour and how it was computed.

    Attributes:
        function: the function's name.
        usd_per_hour: the total, rounded to the cent.
        duration_usd: Lambda duration charges of the hour, rounded to the cent.
        lambda_requests_usd: Lambda request charges of the hour, rounded to the cent.
        front_usd: charges of the service in front (API Gateway), rounded to the cent.
        entry: the way in the figure is for (``rest-api `GET /orders```, ``direct invocation``).
        location: where that entry (or the function, for direct invocation) is declared.
        internet_reachable: True when the entry is reachable from the internet.
        concurrency: ``C``, the most executions that can run at once.
        busy_concurrency: ``min(C, r * T)``, the executions running at the worst duration.
        requests_per_second: ``r``.
        memory_mb: the memory size.
        timeout_seconds: ``T``.
        architecture: ``x86_64`` or ``arm64``.
        region: the region whose Lambda prices were used (the API Gateway region, when it
            differs, is named in the assumptions).
        gb_second_price: the duration price used.
        request_price_per_million: Lambda's request price used.
        front_price_per_million: the front's request price used (0 when it bills none).
        front: the name of the service in front (``REST API``), or None.
        assumptions: every default or stand-in value the figure rests on, in words.
    """

    function: str
    usd_per_hour: Decimal
    duration_usd: Decimal
    lambda_requests_usd: Decimal
    front_usd: Decimal
    entry: str
    location: Location
    internet_reachable: bool
    concurrency: int
    busy_concurrency: int
    requests_per_second: int
    memory_mb: int
    timeout_seconds: int
    architecture: str
    region: str
    gb_second_price: Decimal
    request_price_per_million: Decimal
    front_price_per_million: Decimal
    front: str | None
    assumptions: tuple[str, ...]

    def explain(self) -> str:
        """The calculation in one sentence a reader can redo by hand."""
        gb = Decimal(self.memory_mb) / 1024
        duration = (
            f"{self.busy_concurrency:,} busy executions x {_plain(gb)} GB "
            f"({self.memory_mb} MB, {self.architecture}) x 3,600 s at "
            f"${_plain(self.gb_second_price)} per GB-s = {money(self.duration_usd)}"
        )
        per_million = f"{money(self.request_price_per_million)} Lambda"
        if self.front is not None and self.front_price_per_million:
            per_million += f" + {money(self.front_price_per_million)} {self.front}"
        requests = (
            f"{self.requests_per_second:,} requests/s x 3,600 x ({per_million} per million) = "
            f"{money(self.lambda_requests_usd + self.front_usd)}"
        )
        return f"{duration}; {requests}"


def money(value: Decimal) -> str:
    """``Decimal('1234.5')`` -> ``$1,234.50``."""
    return f"${value.quantize(_CENT, rounding=ROUND_HALF_UP):,}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def default_memory_mb(fmt: AppFormat) -> int:
    """The memory a function gets when its template sets none."""
    return _FRAMEWORK_MEMORY_MB.get(fmt, _LAMBDA_MEMORY_MB)


def default_timeout_seconds(fmt: AppFormat) -> int:
    """The timeout a function gets when its template sets none."""
    return _FRAMEWORK_TIMEOUT_S.get(fmt, _LAMBDA_TIMEOUT_S)


@dataclass(frozen=True, slots=True)
class _Entry:
    label: str
    location: Location
    internet_reachable: bool
    rate_limit: int | None
    front: str | None
    price_per_million: Decimal
    notes: tuple[str, ...]


def worst_case_hour(
    fn: Function,
    app: Application,
    *,
    account_concurrency: int = ACCOUNT_CONCURRENCY_DEFAULT,
) -> Ceiling | None:
    """Return the worst-case hourly bill of ``fn``, or None when it cannot be bounded.

    The figure is for the costliest single way in: each internet-reachable trigger (and a
    function URL without auth) is priced with its own rate limit and request price, and the
    highest wins. A function no outsider can reach is priced for direct invocation at Lambda's
    own rate limit, so the inventory can show every function's ceiling.

    Args:
        fn: the function.
        app: its application (format defaults, region, APIs and their throttles).
        account_concurrency: the account's concurrency quota in the function's region.

    Returns:
        The ceiling, or None when the memory size, timeout or reserved concurrency is set to a
        value that cannot be resolved statically.
    """
    assumptions: list[str] = []
    memory = _setting(fn.memory, default_memory_mb(app.format), "memory", "MB", assumptions)
    timeout = _setting(fn.timeout, default_timeout_seconds(app.format), "timeout", "s", assumptions)
    if memory is None or timeout is None or isinstance(fn.reserved_concurrency, Unknown):
        return None
    if fn.reserved_concurrency is None:
        concurrency = account_concurrency
        assumptions.append(
            f"no reserved concurrency: the account's quota of {account_concurrency:,} "
            "concurrent executions (shared with every other function)"
        )
    else:
        concurrency = max(fn.reserved_concurrency, 0)
    arm = "arm64" in fn.architectures
    region = app.region if isinstance(app.region, str) else None
    prices = prices_for(region)
    if not prices.lambda_own:
        assumptions.append(
            f"no Lambda prices for {_where(region)} in faasguard's table: "
            f"{prices.lambda_region} prices used"
        )
    entries = list(_entries(fn, app, prices)) or [
        _Entry("direct invocation", fn.location, False, None, None, Decimal(0), ())
    ]
    best: Ceiling | None = None
    for entry in entries:
        ceiling = _price(
            fn,
            entry,
            prices=prices,
            concurrency=concurrency,
            memory=memory,
            timeout=timeout,
            arm=arm,
            assumptions=(*assumptions, *entry.notes, *_async_note(fn)),
        )
        if best is None or ceiling.usd_per_hour > best.usd_per_hour:
            best = ceiling
    return best


def _setting(
    value: int | Unknown | None, default: int, what: str, unit: str, assumptions: list[str]
) -> int | None:
    if isinstance(value, Unknown):
        return None
    if value is None:
        assumptions.append(f"{what} not set: the default {default} {unit}")
        return default
    return value


def _async_note(fn: Function) -> tuple[str, ...]:
    kinds = sorted({t.kind.value for t in fn.triggers if t.kind.is_async})
    if not kinds:
        return ()
    return (
        f"asynchronous triggers ({', '.join(kinds)}): each failing event runs up to "
        f"{_ASYNC_ATTEMPTS} times (2 retries by default), within the same ceiling",
    )


def _entries(fn: Function, app: Application, prices: RegionPrices) -> Iterator[_Entry]:
    has_url_trigger = False
    for trigger in fn.triggers:
        if trigger.kind is TriggerKind.FUNCTION_URL:
            has_url_trigger = True
        if trigger.internet_reachable is not True:
            continue
        yield _trigger_entry(trigger, app, prices)
    url_auth = fn.url.auth_type if fn.url is not None else None
    public_url = isinstance(url_auth, str) and url_auth.strip().upper() == "NONE"
    if fn.url is not None and public_url and not has_url_trigger:
        yield _Entry("public function URL", fn.url.location, True, None, None, Decimal(0), ())


def _trigger_entry(trigger: Trigger, app: Application, prices: RegionPrices) -> _Entry:
    label = _label(trigger)
    kind = trigger.kind
    front = _FRONT_NAMES.get(kind)
    notes: list[str] = []
    if kind in (TriggerKind.REST_API, TriggerKind.HTTP_API, TriggerKind.WEBSOCKET):
        price = {
            TriggerKind.REST_API: prices.rest_api_per_million,
            TriggerKind.HTTP_API: prices.http_api_per_million,
            TriggerKind.WEBSOCKET: prices.websocket_per_million,
        }[kind]
        limit, note = _api_rate(trigger, app)
        notes.append(note)
        if not prices.api_own:
            notes.append(
                f"no API Gateway prices for {_where(prices.region)} in faasguard's table: "
                f"{prices.api_region} prices used"
            )
        return _Entry(label, trigger.location, True, limit, front, price, tuple(notes))
    if kind is TriggerKind.ALB:
        notes.append("load balancer (LCU) charges not included")
    return _Entry(label, trigger.location, True, None, front, Decimal(0), tuple(notes))


def _where(region: str | None) -> str:
    return f"region {region}" if region else "the region (not set in the template)"


def _api_rate(trigger: Trigger, app: Application) -> tuple[int, str]:
    """The request rate an API route can carry, and why."""
    account = (
        f"API Gateway's account limit of {API_GATEWAY_ACCOUNT_RPS:,} requests/s (no stage throttle)"
    )
    api = next((a for a in app.apis if a.id == trigger.api), None) if trigger.api else None
    if api is None:
        return API_GATEWAY_ACCOUNT_RPS, account
    throttling = api.throttling
    if isinstance(throttling, Throttling) and isinstance(throttling.rate_limit, int | float):
        rate = max(min(int(throttling.rate_limit), API_GATEWAY_ACCOUNT_RPS), 0)
        return rate, f"stage throttle of {rate:,} requests/s on API {api.id}"
    if throttling is not None:
        account = (
            f"API Gateway's account limit of {API_GATEWAY_ACCOUNT_RPS:,} requests/s "
            "(the stage throttle cannot be resolved)"
        )
    return API_GATEWAY_ACCOUNT_RPS, account


def _label(trigger: Trigger) -> str:
    parts = [
        str(value)
        for value in (trigger.method, trigger.path)
        if value is not None and not isinstance(value, Unknown)
    ]
    route = f" `{' '.join(parts)}`" if parts else ""
    # Authenticated routes count too (a compromised client floods as well), and say so.
    auth = (
        f" ({trigger.auth.value} auth)"
        if trigger.auth not in (AuthKind.NONE, AuthKind.UNKNOWN)
        else ""
    )
    return f"{trigger.kind.value}{route}{auth}"


def _price(
    fn: Function,
    entry: _Entry,
    *,
    prices: RegionPrices,
    concurrency: int,
    memory: int,
    timeout: int,
    arm: bool,
    assumptions: tuple[str, ...],
) -> Ceiling:
    lambda_rate = INVOKES_PER_SECOND_PER_CONCURRENCY * concurrency
    rate = lambda_rate if entry.rate_limit is None else min(lambda_rate, entry.rate_limit)
    busy = min(concurrency, rate * timeout)
    gb_price = prices.gb_second_arm if arm else prices.gb_second_x86
    duration = Decimal(busy) * Decimal(memory) / 1024 * _SECONDS_PER_HOUR * gb_price
    requests = Decimal(rate) * _SECONDS_PER_HOUR / _MILLION
    lambda_requests = requests * prices.lambda_requests_per_million
    front = requests * entry.price_per_million
    total = duration + lambda_requests + front
    rate_notes = (
        (
            f"{rate:,} requests/s: Lambda's limit of {INVOKES_PER_SECOND_PER_CONCURRENCY} "
            "per concurrent execution",
        )
        if rate == lambda_rate
        else ()
    )
    return Ceiling(
        function=fn.name,
        usd_per_hour=total.quantize(_CENT, rounding=ROUND_HALF_UP),
        duration_usd=duration.quantize(_CENT, rounding=ROUND_HALF_UP),
        lambda_requests_usd=lambda_requests.quantize(_CENT, rounding=ROUND_HALF_UP),
        front_usd=front.quantize(_CENT, rounding=ROUND_HALF_UP),
        entry=entry.label,
        location=entry.location,
        internet_reachable=entry.internet_reachable,
        concurrency=concurrency,
        busy_concurrency=busy,
        requests_per_second=rate,
        memory_mb=memory,
        timeout_seconds=timeout,
        architecture="arm64" if arm else "x86_64",
        region=prices.lambda_region,
        gb_second_price=gb_price,
        request_price_per_million=prices.lambda_requests_per_million,
        front_price_per_million=entry.price_per_million,
        front=entry.front,
        assumptions=(
            *assumptions,
            *rate_notes,
            f"every request runs the full {timeout} s timeout",
            f"{_priced_in(prices, entry)} list prices of {PRICES_DATE.isoformat()}",
        ),
    )


def _priced_in(prices: RegionPrices, entry: _Entry) -> str:
    """The region (or regions) whose list prices the figure uses."""
    if entry.price_per_million and prices.api_region != prices.lambda_region:
        return f"{prices.lambda_region} (Lambda) and {prices.api_region} (API Gateway)"
    return prices.lambda_region
