"""A Powertools Event Handler app end to end: two routes, Pydantic models, encrypted idempotency.

``GET /health`` and ``POST /orders`` live in one function. ``POST /orders`` is validated by the
faasguard middleware against a Pydantic model (the route gets a typed ``Order``), and is made
idempotent by Powertools Idempotency storing its records through
:class:`EncryptedPersistenceLayer` in DynamoDB (a moto server started for this module). The test
reads the table directly to prove that no response, e-mail or card digit is stored in clear.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from faasguard_runtime.cache import DynamoDBBackend, EncryptedCache, Keyring
from faasguard_runtime.events import SecurityEvent
from support.processes import MotoServer, ServiceUnavailable, run_moto

pydantic = pytest.importorskip("pydantic")
pytest.importorskip("aws_lambda_powertools")

from aws_lambda_powertools.event_handler import APIGatewayRestResolver  # noqa: E402
from aws_lambda_powertools.utilities.idempotency import (  # noqa: E402
    IdempotencyConfig,
    idempotent_function,
)
from faasguard_runtime.powertools import (  # noqa: E402
    EncryptedPersistenceLayer,
    validation_middleware,
)

pytestmark = pytest.mark.aws

TABLE = "idempotency"
KEYRING = Keyring("k1", {"k1": bytes(range(32))})
CORS = {"access-control-allow-origin": "https://shop.example"}


class Order(pydantic.BaseModel):  # type: ignore[name-defined,misc]
    model_config = pydantic.ConfigDict(extra="forbid")

    sku: pydantic.constr(pattern=r"^[A-Z0-9-]{3,32}$")  # type: ignore[valid-type]
    qty: pydantic.conint(ge=1, le=100)  # type: ignore[valid-type]
    email: str
    card_last4: pydantic.constr(pattern=r"^[0-9]{4}$")  # type: ignore[valid-type]


class Listing(pydantic.BaseModel):  # type: ignore[name-defined,misc]
    page: int = 1


@dataclass
class Context:
    aws_request_id: str = "req-1"
    function_name: str = "orders"
    memory_limit_in_mb: int = 128
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:orders"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    try:
        with run_moto(tmp_path_factory.mktemp("moto")) as server:
            yield server
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def dynamodb(moto: MotoServer) -> Any:
    client = moto.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


@pytest.fixture
def app(dynamodb: Any) -> Any:
    store = EncryptedCache(
        DynamoDBBackend(TABLE, client=dynamodb), KEYRING, namespace="orders", max_ttl=3600
    )
    persistence = EncryptedPersistenceLayer(store)
    config = IdempotencyConfig(expires_after_seconds=600)
    resolver = APIGatewayRestResolver()
    charges: list[dict[str, Any]] = []

    @idempotent_function(
        data_keyword_argument="order", persistence_store=persistence, config=config
    )
    def charge(order: dict[str, Any]) -> dict[str, Any]:
        charges.append(order)
        return {
            "charge": f"ch_{len(charges)}",
            "email": order["email"],
            "card": order["card_last4"],
        }

    @resolver.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok"}

    @resolver.post(
        "/orders",
        middlewares=[validation_middleware(body=Order, refusal_headers=CORS)],
    )
    def create_order() -> dict[str, Any]:
        order = resolver.context["validated"].payload
        assert isinstance(order, Order)  # a typed object, not a dict
        return charge(order=order.model_dump())

    @resolver.get(
        "/orders",
        middlewares=[validation_middleware(query=Listing, refusal_headers=CORS)],
    )
    def list_orders() -> dict[str, Any]:
        return {"page": resolver.context["validated"].query.page}

    def handler(event: dict[str, Any], context: Any) -> Any:
        config.register_lambda_context(context)
        return resolver.resolve(event, context)

    handler.charges = charges  # type: ignore[attr-defined]
    handler.dynamodb = dynamodb  # type: ignore[attr-defined]
    return handler


def rest_event(
    method: str, path: str, body: Any = None, query: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "requestId": "r1",
            "stage": "prod",
            "resourcePath": path,
            "httpMethod": method,
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


ORDER = {"sku": "SKU-1", "qty": 2, "email": "ada@example.com", "card_last4": "4242"}


def test_two_routes_typed_models_and_encrypted_idempotency(
    app: Any, security_events: list[SecurityEvent]
) -> None:
    health = app(rest_event("GET", "/health"), Context())
    assert (health["statusCode"], json.loads(health["body"])) == (200, {"status": "ok"})

    first = app(rest_event("POST", "/orders", ORDER), Context("req-2"))
    again = app(rest_event("POST", "/orders", ORDER), Context("req-3"))
    expected = {"charge": "ch_1", "email": "ada@example.com", "card": "4242"}
    assert (first["statusCode"], json.loads(first["body"])) == (200, expected)
    # The second call is answered from the idempotency store: the charge ran once.
    assert (again["statusCode"], json.loads(again["body"])) == (200, expected)
    assert len(app.charges) == 1

    # What DynamoDB holds: one item, ciphertext only.
    items = app.dynamodb.scan(TableName=TABLE)["Items"]
    assert len(items) == 1
    stored = items[0]["record"]["B"]
    assert stored[:4] == b"FGC\x01"
    for secret in (b"ada@example.com", b"4242", b"ch_1", b"COMPLETED"):
        assert secret not in stored
    assert security_events == []


def test_refusals_carry_cors_headers_reasons_and_events(
    app: Any, security_events: list[SecurityEvent]
) -> None:
    bad = app(rest_event("POST", "/orders", {**ORDER, "qty": 0}), Context("req-4"))
    assert bad["statusCode"] == 400
    assert json.loads(bad["body"]) == {
        "error": "invalid request",
        "reason": "schema",
        "path": "$.qty",
    }
    assert bad["multiValueHeaders"]["access-control-allow-origin"] == ["https://shop.example"]

    extra = app(rest_event("POST", "/orders", {**ORDER, "admin": True}), Context("req-5"))
    assert json.loads(extra["body"])["path"] == "$.admin"

    page = app(rest_event("GET", "/orders", query={"page": "x"}), Context("req-6"))
    assert page["statusCode"] == 400
    assert json.loads(page["body"]) == {
        "error": "invalid request",
        "reason": "schema",
        "path": "query.page",
    }
    ok = app(rest_event("GET", "/orders", query={"page": "3"}), Context("req-7"))
    assert json.loads(ok["body"]) == {"page": 3}

    assert [
        (e.policy, e.action, e.request_id, e.detail["errors"][0]["path"]) for e in security_events
    ] == [
        ("validate", "reject", "req-4", "$.qty"),
        ("validate", "reject", "req-5", "$.admin"),
        ("validate", "reject", "req-6", "query.page"),
    ]
    assert app.charges == []
