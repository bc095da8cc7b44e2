"""AWS list prices and service limits used for denial-of-wallet ceilings.

Source: the public AWS pricing pages for AWS Lambda (https://aws.amazon.com/lambda/pricing/) and
Amazon API Gateway (https://aws.amazon.com/api-gateway/pricing/), first (most expensive) tier,
on-demand, without the free tier. Recorded on :data:`PRICES_DATE`. Prices are facts published by
AWS; this table copies only the figures below, by hand, because no maintained package ships them
offline (the AWS Price List API needs the network and credentials, which a scan never uses).

Why the first tier and no free tier: a ceiling is an upper bound on what one hour of attack adds
to the bill. Volume discounts only start after hundreds of millions of requests a month, and the
free tier is spent in the first minutes of a flood.

Only regions whose figures were checked are listed. Any other region falls back to
:data:`FALLBACK_REGION`, and the ceiling says so in its assumptions, so a reader never mistakes a
stand-in price for the region's own. Update this table (and :data:`PRICES_DATE`) when AWS changes
its prices; ``docs/cost.md`` explains how.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final

__all__ = [
    "ACCOUNT_CONCURRENCY_DEFAULT",
    "API_GATEWAY_ACCOUNT_RPS",
    "FALLBACK_REGION",
    "INVOKES_PER_SECOND_PER_CONCURRENCY",
    "PRICES_DATE",
    "REGION_PRICES",
    "RegionPrices",
    "prices_for",
]

#: The day the figures below were recorded from the AWS pricing pages.
PRICES_DATE: Final = _dt.date(2026, 12, 7)

#: Lambda's default concurrency quota per account and region, shared by every function that has
#: no reserved concurrency (Service Quotas may have raised it; the rule has an option for that).
ACCOUNT_CONCURRENCY_DEFAULT: Final = 1000
#: Lambda accepts at most ten invocation requests per second per unit of concurrency: the
#: request-rate ceiling of a function whatever is in front of it.
INVOKES_PER_SECOND_PER_CONCURRENCY: Final = 10
#: API Gateway's default throttle per account and region (REST, HTTP and WebSocket APIs), the
#: rate an API without a stage throttle can be driven at.
API_GATEWAY_ACCOUNT_RPS: Final = 10_000


@dataclass(frozen=True, slots=True)
class RegionPrices:
    """On-demand list prices of one region, in US dollars.

    Attributes:
        region: the region code.
        gb_second_x86: Lambda duration, per GB-second, x86_64.
        gb_second_arm: Lambda duration, per GB-second, arm64 (Graviton).
        lambda_requests_per_million: Lambda requests, per million.
        rest_api_per_million: API Gateway REST API calls, per million.
        http_api_per_million: API Gateway HTTP API calls, per million (512 KB increments).
        websocket_per_million: API Gateway WebSocket messages, per million (32 KB increments).
    """

    region: str
    gb_second_x86: Decimal
    gb_second_arm: Decimal
    lambda_requests_per_million: Decimal
    rest_api_per_million: Decimal
    http_api_per_million: Decimal
    websocket_per_million: Decimal


def _standard(region: str) -> RegionPrices:
    return RegionPrices(
        region=region,
        gb_second_x86=Decimal("0.0000166667"),
        gb_second_arm=Decimal("0.0000133334"),
        lambda_requests_per_million=Decimal("0.20"),
        rest_api_per_million=Decimal("3.50"),
        http_api_per_million=Decimal("1.00"),
        websocket_per_million=Decimal("1.00"),
    )


#: The region whose prices stand in for a region missing from the table (or not known).
FALLBACK_REGION: Final = "us-east-1"

#: Region code -> prices. Only regions whose figures were checked on :data:`PRICES_DATE`.
REGION_PRICES: Final = MappingProxyType(
    {region: _standard(region) for region in ("us-east-1", "us-east-2", "us-west-2")}
)


def prices_for(region: str | None) -> tuple[RegionPrices, bool]:
    """Return the prices of ``region`` and whether they are the region's own.

    Args:
        region: a region code, or None when the scan does not know the region.

    Returns:
        The region's prices and True, or the fallback region's prices and False.
    """
    if region is not None and region in REGION_PRICES:
        return REGION_PRICES[region], True
    return REGION_PRICES[FALLBACK_REGION], False
