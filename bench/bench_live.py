"""Time a live account scan against a local AWS emulator (moto server), with peak memory.

Usage: python bench/bench_live.py [--functions N] [--seed-threads T]

Starts moto in server mode (as the tests do, tests/estate/estate_services.py), seeds N
functions (one role per 10 functions with an inline policy; every function behind an HTTP
API route, every fifth on an SQS queue), then times ``faasguard.live.scan.scan_account`` for ``aws://us-east-1``
and reports the peak RSS of this process. Goal (issue 12): 2,000 functions in under 60 s.
Seeding is not timed (moto creates functions slowly).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "estate"))


def _seed(count: int, threads: int) -> None:
    import json

    from live_seed import client, function, role

    roles = [
        role(
            f"bench-role-{i}",
            inline={
                "p": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
                    ],
                }
            },
        )
        for i in range((count + 9) // 10)
    ]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        arns = list(pool.map(lambda i: function(f"bench-{i:05d}", roles[i // 10]), range(count)))
    api = client("apigatewayv2").create_api(Name="bench", ProtocolType="HTTP")["ApiId"]
    queue = client("sqs").create_queue(QueueName="bench")["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    def wire(i: int) -> None:
        v2 = client("apigatewayv2")
        integration = v2.create_integration(
            ApiId=api,
            IntegrationType="AWS_PROXY",
            IntegrationUri=arns[i],
            PayloadFormatVersion="2.0",
        )
        v2.create_route(
            ApiId=api, RouteKey=f"GET /f{i}", Target=f"integrations/{integration['IntegrationId']}"
        )
        if i % 5 == 0:
            client("lambda").create_event_source_mapping(
                EventSourceArn=queue_arn, FunctionName=f"bench-{i:05d}"
            )

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(wire, range(count)))
    json.dumps(arns[:1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--seed-threads", type=int, default=8)
    args = parser.parse_args()
    from estate_services import MotoServer

    server = MotoServer(Path(tempfile.mkdtemp(prefix="fg-bench-moto-")))
    try:
        os.environ.update(
            AWS_ENDPOINT_URL=server.endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION="us-east-1",
        )
        start = time.perf_counter()
        _seed(args.functions, args.seed_threads)
        print(f"seeded {args.functions:,} functions in {time.perf_counter() - start:.1f} s")
        from faasguard.config import Config
        from faasguard.live.scan import scan_account
        from faasguard.live.target import parse_target

        start = time.perf_counter()
        result = scan_account(parse_target("aws://us-east-1"), Config())
        elapsed = time.perf_counter() - start
        functions = sum(len(a.functions) for a in result.applications)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"scan aws://us-east-1: {functions:,} functions, {len(result.findings):,} findings, "
            f"{elapsed:.1f} s, peak RSS {peak:.0f} MB, notices {len(result.notices)}"
        )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
