"""faasguard_runtime.validate against AWS Lambda Powertools: cold import and per-call overhead.

Run: python bench/bench_runtime_powertools.py [--imports N] [--rounds N] [--calls N]

1. Cold import: each import statement runs in a fresh interpreter ``--imports`` times; the figure
   is the median time of the import itself (interpreter start-up excluded) and the number of
   modules it loaded. Compared in the same run: ``from faasguard_runtime.validate import
   validate`` and Powertools' ``parser`` and ``validation`` utilities.
2. Per-call overhead with a Pydantic model on an API Gateway REST event: ``@validate(
   event_schema=Order)`` against Powertools' ``@event_parser(model=Order, envelope=
   ApiGatewayEnvelope)``, each minus the same bare handler. Best of ``--rounds`` rounds of
   ``--calls`` calls, in microseconds per call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import timeit
from typing import Any

IMPORTS = {
    "faasguard_runtime.validate": "from faasguard_runtime.validate import validate",
    "faasguard_runtime.validate + pydantic": (
        "from faasguard_runtime.validate import validate; import pydantic"
    ),
    "powertools parser": "from aws_lambda_powertools.utilities.parser import event_parser",
    "powertools validation": "from aws_lambda_powertools.utilities.validation import validator",
    "faasguard_runtime (0.1.0 layout: everything eagerly)": (
        "import faasguard_runtime.cache, faasguard_runtime.http, faasguard_runtime.shield;"
        " from faasguard_runtime.validate import validate"
    ),
}

PROBE = """
import sys, time
before = len(sys.modules)
started = time.perf_counter()
{statement}
elapsed = time.perf_counter() - started
print(elapsed, len(sys.modules) - before)
"""

BODY = {
    "orderId": "ORD-2024-000123",
    "customer": {"id": "cus_8f2k1", "email": "jane@example.com"},
    "items": [{"sku": "SKU-1", "qty": 2, "price": 9.5}, {"sku": "SKU-2", "qty": 1, "price": 20}],
    "note": "leave at the door",
}


def cold_imports(runs: int) -> None:
    print(f"Cold import, median of {runs} fresh interpreters (import statement only):")
    for label, statement in IMPORTS.items():
        times, counts = [], []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", PROBE.format(statement=statement)],
                capture_output=True,
                text=True,
                check=True,
            )
            elapsed, modules = done.stdout.split()
            times.append(float(elapsed) * 1000)
            counts.append(int(modules))
        print(
            f"  {label:55s} {statistics.median(times):7.1f} ms"
            f"  ({min(times):.1f}-{max(times):.1f})  {statistics.median(counts):5.0f} modules"
        )


def api_event() -> dict[str, Any]:
    return {
        "resource": "/orders",
        "path": "/orders",
        "httpMethod": "POST",
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "extendedRequestId": "x",
            "httpMethod": "POST",
            "identity": {"sourceIp": "192.0.2.1"},
            "path": "/prod/orders",
            "protocol": "HTTP/1.1",
            "requestId": "req-1",
            "requestTime": "09/Apr/2015:12:34:56 +0000",
            "requestTimeEpoch": 1428582896000,
            "resourceId": "r1",
            "resourcePath": "/orders",
            "stage": "prod",
        },
        "body": json.dumps(BODY),
        "isBase64Encoded": False,
    }


def per_call(rounds: int, calls: int) -> None:
    import pydantic
    from aws_lambda_powertools.utilities.parser import envelopes, event_parser
    from faasguard_runtime import events
    from faasguard_runtime.validate import validate

    events.set_stdout(False)

    class Customer(pydantic.BaseModel):
        id: str
        email: str | None = None

    class Item(pydantic.BaseModel):
        sku: str
        qty: int
        price: float

    class Order(pydantic.BaseModel):
        orderId: str  # noqa: N815 - the wire name
        customer: Customer
        items: list[Item]
        note: str | None = None

    reply = {"statusCode": 200, "body": "{}"}

    def bare(event: Any, context: Any) -> Any:
        return reply

    @validate(event_schema=Order)
    def guarded(validated: Any, context: Any) -> Any:
        return reply

    @event_parser(model=Order, envelope=envelopes.ApiGatewayEnvelope)
    def parsed(order: Order, context: Any) -> Any:
        return reply

    class Context:
        aws_request_id = "req-1"

    event, context = api_event(), Context()
    assert guarded(event, context) is reply and parsed(event, context) is reply

    def best(fn: Any) -> float:
        timer = timeit.Timer(lambda: fn(event, context))
        return min(timer.repeat(repeat=rounds, number=calls)) / calls * 1e6

    base = best(bare)
    ours = best(guarded)
    theirs = best(parsed)
    print(f"Per call, Pydantic model, API Gateway REST event (best of {rounds} x {calls}):")
    print(f"  bare handler                                   {base:7.2f} us")
    print(f"  @validate(event_schema=Order)                  {ours:7.2f} us  (+{ours - base:.2f})")
    print(
        f"  @event_parser(model=Order, ApiGatewayEnvelope) {theirs:7.2f} us  (+{theirs - base:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--imports", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    cold_imports(args.imports)
    per_call(args.rounds, args.calls)


if __name__ == "__main__":
    main()
