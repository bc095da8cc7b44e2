"""Order processor of the example SAM app (deliberately insecure: do not deploy)."""

import base64
import json
import os
import pickle

import boto3

LAMBDA = boto3.client("lambda")


def handler(event, context):
    for record in event["Records"]:
        order = pickle.loads(base64.b64decode(json.loads(record["body"])["blob"]))
        quote = LAMBDA.invoke(
            FunctionName=os.environ["QUOTE_FUNCTION"],
            Payload=json.dumps({"postcode": order["postcode"], "address": order["address"]}),
        )
        print(order, quote["StatusCode"])
    return {"batchItemFailures": []}
