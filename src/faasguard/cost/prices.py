"""AWS list prices and service limits used for denial-of-wallet ceilings.

Source: the public AWS pricing pages for AWS Lambda (https://aws.amazon.com/lambda/pricing/) and
Amazon API Gateway (https://aws.amazon.com/api-gateway/pricing/), first (most expensive) tier,
on-demand, without the free tier. Recorded on :data:`PRICES_DATE`. Prices are facts published by
AWS; this table copies only the figures below, by hand, because no maintained package ships them
offline (the AWS Price List API needs the network and credentials, which a scan never uses).

Why the first tier and no free tier: a ceiling is an upper bound on what one hour of attack adds
to the bill. Volume discounts only start after hundreds of millions of requests a month, and the
free tier is spent in the first minutes of a flood.

Lambda and API Gateway are priced separately because their regional price lists differ: Lambda
charges one price in every region of :data:`LAMBDA_PRICES`, while API Gateway's request prices
vary from region to region and only the regions of :data:`API_GATEWAY_PRICES` were checked. A
region missing from either table takes :data:`FALLBACK_REGION`'s figures for that service only,
and :class:`RegionPrices` says which service is a stand-in, so a ceiling names exactly the
figures that are not the region's own. The newer opt-in regions (Cape Town, Hong Kong, Milan,
Bahrain, UAE and later ones) charge more for Lambda and are left out until all their figures are
checked: a stand-in there understates the ceiling, and the ceiling says so. Update this table
(and :data:`PRICES_DATE`) when AWS changes its prices; ``docs/cost.md`` explains how.
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
    "API_GATEWAY_PRICES",
    "FALLBACK_REGION",
    "INVOKES_PER_SECOND_PER_CONCURRENCY",
    "LAMBDA_PRICES",
    "PRICES_DATE",
    "ApiGatewayPrices",
    "LambdaPrices",
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

#: The region whose prices stand in for a region missing from a table (or not known).
FALLBACK_REGION: Final = "us-east-1"


@dataclass(frozen=True, slots=True)
class LambdaPrices:
    """Lambda's on-demand list prices in one region, in US dollars.

    Attributes:
        gb_second_x86: duration, per GB-second, x86_64.
        gb_second_arm: duration, per GB-second, arm64 (Graviton).
        requests_per_million: requests, per million.
    """

    gb_second_x86: Decimal
    gb_second_arm: Decimal
    requests_per_million: Decimal


@dataclass(frozen=True, slots=True)
class ApiGatewayPrices:
    """API Gateway's first-tier request prices in one region, in US dollars.

    Attributes:
        rest_per_million: REST API calls, per million.
        http_per_million: HTTP API calls, per million (512 KB increments).
        websocket_per_million: WebSocket messages, per million (32 KB increments).
    """

    rest_per_million: Decimal
    http_per_million: Decimal
    websocket_per_million: Decimal


_LAMBDA_STANDARD: Final = LambdaPrices(
    gb_second_x86=Decimal("0.0000166667"),
    gb_second_arm=Decimal("0.0000133334"),
    requests_per_million=Decimal("0.20"),
)
_API_GATEWAY_US: Final = ApiGatewayPrices(
    rest_per_million=Decimal("3.50"),
    http_per_million=Decimal("1.00"),
    websocket_per_million=Decimal("1.00"),
)

#: Region code -> Lambda prices: the regions where Lambda's standard prices were checked.
LAMBDA_PRICES: Final = MappingProxyType(
    {
        region: _LAMBDA_STANDARD
        for region in (
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "ca-central-1",
            "sa-east-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-north-1",
            "ap-south-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-southeast-1",
            "ap-southeast-2",
        )
    }
)

#: Region code -> API Gateway prices: the regions whose API Gateway figures were checked.
API_GATEWAY_PRICES: Final = MappingProxyType(
    {region: _API_GATEWAY_US for region in ("us-east-1", "us-east-2", "us-west-2")}
)


@dataclass(frozen=True, slots=True)
class RegionPrices:
    """The prices a ceiling uses for one region, and where each service's figures come from.

    Attributes:
        region: the region asked for (None when the application's region is not known).
        lambda_region: the region whose Lambda prices these are.
        api_region: the region whose API Gateway prices these are.
        gb_second_x86: Lambda duration, per GB-second, x86_64.
        gb_second_arm: Lambda duration, per GB-second, arm64 (Graviton).
        lambda_requests_per_million: Lambda requests, per million.
        rest_api_per_million: API Gateway REST API calls, per million.
        http_api_per_million: API Gateway HTTP API calls, per million.
        websocket_per_million: API Gateway WebSocket messages, per million.
    """

    region: str | None
    lambda_region: str
    api_region: str
    gb_second_x86: Decimal
    gb_second_arm: Decimal
    lambda_requests_per_million: Decimal
    rest_api_per_million: Decimal
    http_api_per_million: Decimal
    websocket_per_million: Decimal

    @property
    def lambda_own(self) -> bool:
        """Whether the Lambda figures are the region's own (not the fallback's)."""
        return self.region == self.lambda_region

    @property
    def api_own(self) -> bool:
        """Whether the API Gateway figures are the region's own (not the fallback's)."""
        return self.region == self.api_region


def prices_for(region: str | None) -> RegionPrices:
    """Return the prices of ``region``, each service's from the fallback region when missing.

    Args:
        region: a region code, or None when the scan does not know the region.
    """
    lambda_region = region if region is not None and region in LAMBDA_PRICES else FALLBACK_REGION
    api_region = region if region is not None and region in API_GATEWAY_PRICES else FALLBACK_REGION
    lam = LAMBDA_PRICES[lambda_region]
    api = API_GATEWAY_PRICES[api_region]
    return RegionPrices(
        region=region,
        lambda_region=lambda_region,
        api_region=api_region,
        gb_second_x86=lam.gb_second_x86,
        gb_second_arm=lam.gb_second_arm,
        lambda_requests_per_million=lam.requests_per_million,
        rest_api_per_million=api.rest_per_million,
        http_api_per_million=api.http_per_million,
        websocket_per_million=api.websocket_per_million,
    )
