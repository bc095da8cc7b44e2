"""Report handlers of the example SAM app (deliberately insecure: do not deploy)."""

import os

import requests


def handler(event, context):
    name = event["queryStringParameters"]["name"]
    with open(os.path.join("/tmp/reports", name)) as f:
        return {"statusCode": 200, "body": f.read()}


def list_reports(event, context):
    requests.post(f"{os.environ['ANALYTICS_URL']}/events", json={"event": "list"}, timeout=3)
    return {"statusCode": 200, "body": "[]"}
