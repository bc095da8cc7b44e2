"""Which parts of each trigger's event an attacker controls (issue 7, section 3).

The event is JSON, the same for every language, so this table is shared. A path lists the keys
below the event; ``*`` stands for any list index or map key. Reading a listed path, or anything
below it, is reading attacker data; so is using a part of the event that *contains* one (the
whole ``Records`` list). Paths not listed (``requestContext``, ``Records[*].eventSource``) are
set by AWS and carry no taint. The snake_case rows are the attribute names of Powertools'
event data classes (``event.json_body``), which wrap the same fields.

Sources: the AWS Lambda developer guide's event samples for each service.
"""

from __future__ import annotations

from faasguard.code.models.interface import EventField

__all__ = ["CHALICE_EVENT_FIELDS", "EVENT_FIELDS"]

_HTTP = ("rest-api", "http-api", "function-url", "alb", "websocket")

EVENT_FIELDS: tuple[EventField, ...] = (
    # API Gateway REST and HTTP APIs, function URLs, ALB, WebSocket
    EventField(_HTTP, ("body",), "request body"),
    EventField(_HTTP, ("queryStringParameters",), "query string"),
    EventField(_HTTP, ("multiValueQueryStringParameters",), "query string"),
    EventField(_HTTP, ("rawQueryString",), "query string"),
    EventField(_HTTP, ("pathParameters",), "path parameters"),
    EventField(_HTTP, ("headers",), "headers"),
    EventField(_HTTP, ("multiValueHeaders",), "headers"),
    EventField(_HTTP, ("cookies",), "cookies"),
    EventField(_HTTP, ("rawPath",), "raw path"),
    EventField(_HTTP, ("path",), "request path"),
    EventField(_HTTP, ("json_body",), "request body"),
    EventField(_HTTP, ("decoded_body",), "request body"),
    EventField(_HTTP, ("query_string_parameters",), "query string"),
    EventField(_HTTP, ("multi_value_query_string_parameters",), "query string"),
    EventField(_HTTP, ("path_parameters",), "path parameters"),
    EventField(_HTTP, ("raw_path",), "raw path"),
    EventField(_HTTP, ("raw_query_string",), "query string"),
    # S3
    EventField(("s3",), ("Records", "*", "s3", "object", "key"), "S3 object key"),
    EventField(("s3",), ("Records", "*", "s3", "bucket", "name"), "S3 bucket name"),
    EventField(("s3",), ("detail", "object", "key"), "S3 object key"),
    EventField(("s3",), ("detail", "bucket", "name"), "S3 bucket name"),
    # SQS
    EventField(("sqs",), ("Records", "*", "body"), "SQS message body"),
    EventField(("sqs",), ("Records", "*", "messageAttributes"), "SQS message attributes"),
    # SNS
    EventField(("sns",), ("Records", "*", "Sns", "Message"), "SNS message"),
    EventField(("sns",), ("Records", "*", "Sns", "Subject"), "SNS subject"),
    EventField(("sns",), ("Records", "*", "Sns", "MessageAttributes"), "SNS message attributes"),
    # DynamoDB and Kinesis streams
    EventField(("dynamodb-stream",), ("Records", "*", "dynamodb"), "DynamoDB stream record"),
    EventField(("kinesis",), ("Records", "*", "kinesis", "data"), "Kinesis record data"),
    EventField(("kafka",), ("records",), "Kafka record"),
    EventField(("mq",), ("messages",), "MQ message"),
    # EventBridge
    EventField(("eventbridge",), ("detail",), "EventBridge detail"),
    # Cognito triggers
    EventField(("cognito",), ("request", "userAttributes"), "Cognito user attributes"),
    EventField(("cognito",), ("request", "validationData"), "Cognito validation data"),
    EventField(("cognito",), ("request", "clientMetadata"), "Cognito client metadata"),
    EventField(("cognito",), ("userName",), "Cognito user name"),
    # IoT rules send the message payload itself as the event.
    EventField(("iot",), ("*",), "IoT message payload"),
    # S3 Object Lambda: the caller's request; getObjectContext (S3's presigned URL) is trusted.
    EventField(("s3-object-lambda",), ("userRequest",), "S3 Object Lambda caller request"),
    # AppSync resolvers and Alexa skills carry client input too.
    EventField(("appsync",), ("arguments",), "AppSync arguments"),
    EventField(("alexa",), ("request", "intent", "slots"), "Alexa intent slots"),
)

#: Chalice hands event handlers its own event objects instead of the raw event: S3Event
#: (`event.key`, `event.bucket`), SQSEvent (iterated: `record.body`), SNSEvent
#: (`event.message`, `event.subject`). Used for Chalice applications only, where a raw-event
#: path such as `Records` does not occur.
CHALICE_EVENT_FIELDS: tuple[EventField, ...] = (
    EventField(("s3",), ("key",), "S3 object key"),
    EventField(("s3",), ("bucket",), "S3 bucket name"),
    EventField(("sqs",), ("*", "body"), "SQS message body"),
    EventField(("sns",), ("message",), "SNS message"),
    EventField(("sns",), ("subject",), "SNS subject"),
)
