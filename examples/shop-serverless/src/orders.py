"""Order handlers of the example shop (deliberately insecure: do not deploy)."""

import json
import os
import sqlite3

import boto3
import yaml

TABLE = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])
RECEIPT_SIGNING_KEY = "q7Vd2LxK9mP4sT8wZ3nB6hJ1"


def get_order(event, context):
    order_id = event["pathParameters"]["id"]
    db = sqlite3.connect("/tmp/orders.db")
    rows = db.execute(f"SELECT * FROM orders WHERE id = '{order_id}'").fetchall()
    return {"statusCode": 200, "body": json.dumps(rows)}


def create_order(event, context):
    order = yaml.load(event["body"], Loader=yaml.Loader)
    TABLE.put_item(Item=order)
    return {"statusCode": 201, "body": json.dumps({"id": order.get("id")})}
