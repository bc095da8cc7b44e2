"""DynamoDB backend, with the table's TTL attribute set on every record.

DynamoDB deletes expired items lazily (typically within days, not seconds), so an expired item
can still be read; the backend treats it as absent, and the cache checks the expiry sealed inside
the record as well. Reads are strongly consistent by default: an eventually consistent read just
after a session is destroyed could bring it back.

Table: a string partition key (``pk`` by default), TTL enabled on ``expires_at``. In SAM::

    CacheTable:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
        KeySchema: [{AttributeName: pk, KeyType: HASH}]
        TimeToLiveSpecification: {AttributeName: expires_at, Enabled: true}
        SSESpecification: {SSEEnabled: true}
"""

from __future__ import annotations

import math
import time
from typing import Any

from faasguard_runtime.cache._aws import aws_error_code, aws_errors, boto3_client
from faasguard_runtime.cache.interface import BackendError

__all__ = ["DynamoDBBackend"]


class DynamoDBBackend:
    """Stores each record as one item: key, binary record, and the TTL attribute (epoch seconds)."""

    def __init__(
        self,
        table_name: str,
        *,
        client: Any = None,
        key_attribute: str = "pk",
        value_attribute: str = "record",
        ttl_attribute: str = "expires_at",
        consistent_read: bool = True,
    ) -> None:
        """Bind to a table.

        Args:
            table_name: the table.
            client: a boto3 DynamoDB client; a default one is created when None.
            key_attribute: the table's string partition key.
            value_attribute: attribute holding the encrypted record (binary).
            ttl_attribute: the attribute the table's TTL setting names (a number, epoch seconds).
            consistent_read: strongly consistent reads (see the module docstring).

        Raises:
            ImportError: boto3 is missing and no client was given.
        """
        self._client = (
            client
            if client is not None
            else boto3_client("dynamodb", purpose="the DynamoDB cache backend")
        )
        self._table = table_name
        self._key = key_attribute
        self._value = value_attribute
        self._ttl = ttl_attribute
        self._consistent = consistent_read
        self._errors = aws_errors()

    def get(self, key: str) -> bytes | None:
        """Return the record, or None when absent or past its TTL attribute."""
        try:
            reply = self._client.get_item(
                TableName=self._table,
                Key={self._key: {"S": key}},
                ConsistentRead=self._consistent,
                ProjectionExpression="#v, #t",
                ExpressionAttributeNames={"#v": self._value, "#t": self._ttl},
            )
        except self._errors as exc:
            raise BackendError(f"dynamodb GetItem failed: {aws_error_code(exc)}") from None
        item = reply.get("Item")
        if not item or self._value not in item:
            return None
        expires = item.get(self._ttl, {}).get("N")
        if expires is not None and time.time() >= float(expires):
            return None
        return bytes(item[self._value]["B"])

    def set(self, key: str, value: bytes, *, ttl_seconds: float) -> None:
        """Put the item with its TTL attribute rounded up to the next whole second."""
        expires = math.ceil(time.time() + ttl_seconds)
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    self._key: {"S": key},
                    self._value: {"B": value},
                    self._ttl: {"N": str(expires)},
                },
            )
        except self._errors as exc:
            raise BackendError(f"dynamodb PutItem failed: {aws_error_code(exc)}") from None

    def add(self, key: str, value: bytes, *, ttl_seconds: float) -> bool:
        """Put the item only when absent or past its TTL attribute (a conditional write).

        DynamoDB deletes expired items lazily (up to days later), so "absent" includes an item
        whose TTL attribute is in the past.
        """
        now = time.time()
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    self._key: {"S": key},
                    self._value: {"B": value},
                    self._ttl: {"N": str(math.ceil(now + ttl_seconds))},
                },
                ConditionExpression="attribute_not_exists(#k) OR #t <= :now",
                ExpressionAttributeNames={"#k": self._key, "#t": self._ttl},
                ExpressionAttributeValues={":now": {"N": str(math.floor(now))}},
            )
        except self._errors as exc:
            if aws_error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise BackendError(f"dynamodb PutItem failed: {aws_error_code(exc)}") from None
        return True

    def delete(self, key: str) -> None:
        """Delete the item."""
        try:
            self._client.delete_item(TableName=self._table, Key={self._key: {"S": key}})
        except self._errors as exc:
            raise BackendError(f"dynamodb DeleteItem failed: {aws_error_code(exc)}") from None
