"""Admin handlers of the example shop (deliberately insecure: do not deploy)."""

import requests


def export(event, context):
    target = event["queryStringParameters"]["url"]
    return {"statusCode": 200, "body": requests.get(target, verify=False).text}


def cleanup(event, context):
    return {"deleted": 0}
