"""Order processor of the example SAM app (deliberately insecure: do not deploy)."""

import json
import pickle
import base64


def handler(event, context):
    for record in event["Records"]:
        order = pickle.loads(base64.b64decode(json.loads(record["body"])["blob"]))
        print(order)
    return {"batchItemFailures": []}
