"""The strictest default policy on a realistic function: it starts with zero events, attacks still fail.

A function using boto3, Powertools (logger, event handler, parser, idempotency, batch, parameters),
pydantic, redis and asyncio is imported *after* ``install()`` with every policy in ``block``. The
import-time code generation of the standard library and of those packages must be recognised as
such (no event at all), and then an ``eval`` of a request field must still be refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.shield_probe import block_all, passed, probe

pytest.importorskip("aws_lambda_powertools")
pytest.importorskip("pydantic")
pytest.importorskip("redis")

FUNCTION = """
    import asyncio
    import json

    import boto3
    import pydantic
    import redis
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, idempotent
    from aws_lambda_powertools.utilities.parser import BaseModel, event_parser
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from faasguard_runtime import ShieldViolation

    logger = Logger(service="orders")
    app = APIGatewayRestResolver()
    table = DynamoDBPersistenceLayer(table_name="idempotency")
    processor = BatchProcessor(event_type=EventType.SQS)
    cache = redis.Redis(host="localhost", port=6399)
    dynamodb = boto3.client("dynamodb")

    class Order(BaseModel):
        sku: str
        qty: pydantic.PositiveInt

    @app.post("/orders")
    def create_order():
        return {"sku": Order.model_validate(app.current_event.json_body).sku}

    order = Order.model_validate({"sku": "A-1", "qty": 2})
    asyncio.run(asyncio.sleep(0))

    # The attack: a request field reaching eval.
    request = json.loads('{"body": "__import__(\\'os\\').system(\\'id\\')"}')
    try:
        eval(request["body"])
        attacked = "ran"
    except ShieldViolation as refusal:
        attacked = [refusal.policy, refusal.event]
    return [order.qty, type(dynamodb).__name__, attacked]
"""

ENV = {
    # No credential lookup through the instance metadata service (that would be egress).
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "orders",
}


def test_realistic_function_imports_with_zero_events_and_eval_is_still_blocked(
    tmp_path: Path,
) -> None:
    # The write root is a scratch folder of its own, as /tmp is on Lambda, where the packages
    # live in /var/task: with the default (/tmp), a checkout under /tmp (as CI may use) would
    # put the virtualenv's packages inside the write root, and loading them is then refused.
    scratch = str(tmp_path / "scratch")
    outcome = probe(FUNCTION, policy=block_all(f"write_roots=({scratch!r},)"), env=ENV)
    attack = [
        "shield.dynamic_code",
        "compile",
        "block",
        {
            "event": "compile",
            "target": "<string> (29 bytes)",
            "module": "__main__",
            "file": "<string>",
        },
    ]
    assert outcome == passed([2, "DynamoDB", ["dynamic_code", "compile"]], attack)
