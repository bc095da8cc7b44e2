"""Validated input and output for Lambda handlers: ``@validate``.

Example::

    from faasguard_runtime.validate import validate

    ORDER = {
        "type": "object",
        "properties": {"sku": {"type": "string", "maxLength": 32}, "qty": {"type": "integer"}},
        "required": ["sku", "qty"],
    }

    @validate(event_schema=ORDER)
    def handler(request, context):
        order = request.payload  # parsed, validated JSON body
        ...

See ``docs/runtime/validate.md`` for the envelopes, the refusals each trigger gets and the threat
model.
"""

from __future__ import annotations

from faasguard_runtime.validate.decorator import (
    DEFAULT_MAX_PAYLOAD_BYTES,
    DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE,
    DeadLetter,
    Route,
    Validator,
    validate,
)
from faasguard_runtime.validate.envelopes import Envelope, ValidatedEvent, ValidatedRecord
from faasguard_runtime.validate.errors import (
    FieldError,
    Reason,
    ResponseValidationError,
    SchemaError,
    ValidationError,
)

__all__ = [
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "DEFAULT_MAX_PAYLOAD_BYTES_BY_ENVELOPE",
    "DeadLetter",
    "Envelope",
    "FieldError",
    "Reason",
    "ResponseValidationError",
    "Route",
    "SchemaError",
    "ValidatedEvent",
    "ValidatedRecord",
    "ValidationError",
    "Validator",
    "validate",
]
