"""Time a live account scan against a local AWS emulator (moto server), with peak memory.

Usage: python bench/bench_live.py [--functions N] [--seed-threads T] [--throttle-every K]

Starts moto in server mode (as the tests do, tests/estate/estate_services.py), seeds N
functions (one role per 10 functions with an inline policy; every function behind an HTTP
API route, every fifth on an SQS queue), then times ``faasguard.live.scan.scan_account`` for
``aws://us-east-1`` and reports the peak RSS of this process. Goal (issue 12): 2,000 functions
in under 60 s. Seeding is not timed.

With ``--throttle-every K`` the scan talks to moto through a local proxy that answers every
K-th request with AWS's throttling error for that service's protocol (issue 12's bad input:
"an account with 10,000 functions and throttling on every tenth call"): the scan must lose
nothing, which the benchmark checks by comparing its findings with an unthrottled scan.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "estate"))
sys.path.insert(0, str(REPO / "bench"))


_LOCAL = threading.local()


def _client(service: str) -> Any:
    """One boto3 client per thread and service: creating a client costs more than a call."""
    import boto3

    cache = _LOCAL.__dict__.setdefault("clients", {})
    if service not in cache:
        cache[service] = boto3.Session().client(service, region_name="us-east-1")
    return cache[service]


def _function(name: str, role_arn: str) -> str:
    from live_seed import _zip

    created = _client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
    )
    return str(created["FunctionArn"])


def _seed(count: int, threads: int) -> None:
    import json

    from live_seed import TRUST, client

    policy = {
        "p": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}],
        }
    }
    # Roles one at a time: moto's IAM answers 500 to concurrent writes.
    iam = _client("iam")
    roles = []
    for i in range((count + 9) // 10):
        name = f"bench-role-{i}"
        roles.append(
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
                "Arn"
            ]
        )
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy["p"]))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        arns = list(pool.map(lambda i: _function(f"bench-{i:05d}", roles[i // 10]), range(count)))
    api = client("apigatewayv2").create_api(Name="bench", ProtocolType="HTTP")["ApiId"]
    queue = client("sqs").create_queue(QueueName="bench")["QueueUrl"]
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    def wire(i: int) -> None:
        v2 = _client("apigatewayv2")
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
            _client("lambda").create_event_source_mapping(
                EventSourceArn=queue_arn, FunctionName=f"bench-{i:05d}"
            )

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(wire, range(count)))
    json.dumps(arns[:1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--seed-threads", type=int, default=8)
    parser.add_argument("--throttle-every", type=int, default=0, metavar="K")
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

        def scan(label: str) -> Any:
            start = time.perf_counter()
            result = scan_account(parse_target("aws://us-east-1"), Config())
            elapsed = time.perf_counter() - start
            functions = sum(len(a.functions) for a in result.applications)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{label}: {functions:,} functions, {len(result.findings):,} findings, "
                f"{elapsed:.1f} s, peak RSS {peak:.0f} MB, notices {len(result.notices)}"
            )
            return result

        calm = scan("scan aws://us-east-1")
        if args.throttle_every:
            from throttle_proxy import ThrottlingProxy

            host, port = server.endpoint.removeprefix("http://").split(":")
            proxy = ThrottlingProxy((host, int(port)), args.throttle_every)
            os.environ["AWS_ENDPOINT_URL"] = proxy.endpoint
            try:
                throttled = scan(f"same scan, every {args.throttle_every}th call throttled")
            finally:
                proxy.stop()
            print(
                f"  {proxy.requests:,} requests, throttled {sum(proxy.throttled.values()):,} "
                f"({', '.join(f'{k} {v}' for k, v in sorted(proxy.throttled.items()))})"
            )
            same = sorted(f.fingerprint for f in calm.findings) == sorted(
                f.fingerprint for f in throttled.findings
            )
            print(f"  findings identical to the unthrottled scan: {same}")
            for notice in throttled.notices[:5]:
                print(f"  notice: {notice}")
            if not same:
                return 1
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
