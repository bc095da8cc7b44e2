"""A complete Lambda handler using all five parts of faasguard-runtime (see README.md).

An API Gateway (HTTP API) route takes an order, charges it through a payment provider over a
safe client, remembers the result in an encrypted short-lived cache (so a retried request is not
charged twice), and reports what it did as security events. The shield watches the rest.
"""

import json
import os

from faasguard_runtime import (
    EgressPolicy,
    EncryptedCache,
    Keyring,
    SafeHttpClient,
    emit,
    set_request_context,
    shield,
    validate,
)
from faasguard_runtime.cache import MemoryBackend
from faasguard_runtime.http import DataMinimisation, ResponseSchema

# 1. Runtime shield, first: child processes and writes outside /tmp are blocked, unexpected
#    egress is reported (modes come from FAASGUARD_SHIELD_* variables).
shield.install()

ORDER = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z0-9-]{3,32}$"},
        "qty": {"type": "integer", "minimum": 1, "maximum": 100},
        "email": {"type": "string", "format": "email", "maxLength": 254},
    },
    "required": ["sku", "qty", "email"],
}
RESULT = {
    "type": "object",
    "properties": {"charge": {"type": "string"}, "status": {"type": "string"}},
    "required": ["charge", "status"],
}
CHARGE = ResponseSchema(
    {
        "type": "object",
        "properties": {"id": {"type": "string"}, "status": {"enum": ["succeeded", "failed"]}},
        "required": ["id", "status"],
    }
)

# 2. Safe outbound client: HTTPS only, verified, one allowed host, and the customer's e-mail
#    never leaves the function (only sku and qty are sent).
PAYMENTS = SafeHttpClient(
    EgressPolicy(
        [os.environ["PAYMENTS_HOST"]],
        minimisation=DataMinimisation(allow_fields=["sku", "qty"]),
        ca_file=os.environ.get("PAYMENTS_CA_FILE"),  # only for a private CA
    )
)

# 3. Encrypted, short-lived cache: AES-256-GCM with keys from FAASGUARD_CACHE_KEYS, records
#    expire after five minutes. Swap MemoryBackend for RedisBackend or DynamoDBBackend.
RESULTS = EncryptedCache(MemoryBackend(), Keyring.from_env(), namespace="orders", default_ttl=300)


# 4. Validated input and output: a bad body gets a 400 that leaks nothing; a response that does
#    not match RESULT is never returned.
@validate(event_schema=ORDER, response_schema=RESULT)
def handler(request, context):
    set_request_context(context.aws_request_id)
    order = request.payload
    key = f"{order['sku']}:{order['qty']}:{order['email']}"
    body = RESULTS.get(key)
    if body is None:
        charge = PAYMENTS.post(os.environ["PAYMENTS_URL"], json=order, response_schema=CHARGE)
        result = charge.json()
        body = json.dumps({"charge": result["id"], "status": result["status"]}).encode()
        RESULTS.set(key, body)
        # 5. Security events: one JSON line on the log stream, countable by metric filters.
        emit(policy="orders", action="charged", detail={"sku": order["sku"]}, mode="info")
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": body.decode(),
    }
