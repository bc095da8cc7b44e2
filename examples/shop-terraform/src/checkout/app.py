"""Checkout handler of the Terraform example shop (deliberately flawed; see docs/example.md)."""

import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])


def handler(event, context):
    order = json.loads(event.get("body") or "{}")
    TABLE.put_item(Item=order)
    return {"statusCode": 201, "body": json.dumps({"id": order.get("id")})}
