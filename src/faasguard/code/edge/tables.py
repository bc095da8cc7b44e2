"""What the edge analyses know about libraries: data, one row per API (house style 16).

Adding an HTTP client or a validator is a row here, not new code. Callees are qualified names
as :mod:`faasguard.code.edge.values` writes them: the module path with imports resolved, and
``()`` after a call whose result is used (``requests.Session().get``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "HTTP_CLIENTS",
    "INVOKERS",
    "VALIDATORS",
    "HttpClient",
    "Invoker",
]


@dataclass(frozen=True, slots=True)
class HttpClient:
    """A call that sends a request somewhere.

    Attributes:
        language: ``python`` or ``javascript`` (TypeScript included).
        callee: the qualified callee.
        url_arg: position of the URL (or host) argument, None when only a keyword/option has it.
        url_key: keyword argument (Python) or option-object key (JavaScript) holding the URL.
        host_only: True when the argument is a bare host (``http.client.HTTPConnection``), with
            ``scheme`` the scheme the call implies.
        scheme: the implied scheme for ``host_only`` rows and for JavaScript option objects
            (``http.request({hostname})`` is plain HTTP).
    """

    language: str
    callee: str
    url_arg: int | None = 0
    url_key: str | None = "url"
    host_only: bool = False
    scheme: str | None = None


_VERBS: Final = ("get", "post", "put", "patch", "delete", "head", "options")


def _py(prefixes: tuple[str, ...], *, request_arg: int = 1) -> tuple[HttpClient, ...]:
    rows = [HttpClient("python", f"{p}.{verb}") for p in prefixes for verb in _VERBS]
    rows += [HttpClient("python", f"{p}.request", request_arg) for p in prefixes]
    return tuple(rows)


def _js(prefixes: tuple[str, ...]) -> tuple[HttpClient, ...]:
    rows = [HttpClient("javascript", f"{p}.{verb}") for p in prefixes for verb in _VERBS]
    rows += [HttpClient("javascript", f"{p}.request") for p in prefixes]
    return tuple(rows)


#: Outbound HTTP calls, Python and JavaScript.
HTTP_CLIENTS: Final[tuple[HttpClient, ...]] = (
    *_py(
        (
            "requests",
            "requests.Session()",
            "requests.session()",
            "httpx",
            "httpx.Client()",
            "httpx.AsyncClient()",
            "aiohttp.ClientSession()",
        )
    ),
    HttpClient("python", "httpx.Client", None, "base_url"),
    HttpClient("python", "httpx.AsyncClient", None, "base_url"),
    HttpClient("python", "aiohttp.ClientSession", None, "base_url"),
    HttpClient("python", "urllib.request.urlopen"),
    HttpClient("python", "urllib.request.Request"),
    HttpClient("python", "urllib3.request", 1),
    HttpClient("python", "urllib3.PoolManager().request", 1),
    HttpClient("python", "urllib3.PoolManager().urlopen", 1),
    HttpClient("python", "http.client.HTTPConnection", 0, "host", host_only=True, scheme="http"),
    HttpClient("python", "http.client.HTTPSConnection", 0, "host", host_only=True, scheme="https"),
    HttpClient("python", "boto3.client", None, "endpoint_url"),
    HttpClient("python", "boto3.resource", None, "endpoint_url"),
    HttpClient("python", "boto3.session.Session().client", None, "endpoint_url"),
    HttpClient("python", "boto3.Session().client", None, "endpoint_url"),
    HttpClient("javascript", "fetch"),
    HttpClient("javascript", "node-fetch"),
    HttpClient("javascript", "cross-fetch"),
    HttpClient("javascript", "undici.fetch"),
    HttpClient("javascript", "undici.request"),
    HttpClient("javascript", "axios"),
    HttpClient("javascript", "axios.create", None, "baseURL"),
    *_js(("axios", "got", "superagent", "ky")),
    HttpClient("javascript", "got"),
    HttpClient("javascript", "request"),
    HttpClient("javascript", "needle", 1),
    HttpClient("javascript", "http.get", 0, "hostname", scheme="http"),
    HttpClient("javascript", "http.request", 0, "hostname", scheme="http"),
    HttpClient("javascript", "https.get", 0, "hostname", scheme="https"),
    HttpClient("javascript", "https.request", 0, "hostname", scheme="https"),
)


@dataclass(frozen=True, slots=True)
class Invoker:
    """A call that starts another function (directly or through a queue, topic or bus).

    Attributes:
        language: ``python`` or ``javascript``.
        callee: the qualified callee; for the AWS SDK for JavaScript v3 the command class.
        kind: ``lambda``, ``sfn``, ``sns``, ``sqs`` or ``eventbridge``.
        target: keyword argument (Python) or option key (JavaScript) naming the target; for
            EventBridge, ``Entries`` (each entry's bus, ``Source`` and ``DetailType`` are read).
    """

    language: str
    callee: str
    kind: str
    target: str


def _invokers(
    language: str, prefixes: tuple[str, ...], rows: tuple[tuple[str, str, str], ...]
) -> tuple[Invoker, ...]:
    return tuple(Invoker(language, f"{p}.{m}", kind, t) for p in prefixes for m, kind, t in rows)


_PY_LAMBDA: Final = (
    "boto3.client(lambda)",
    "boto3.session.Session().client(lambda)",
    "boto3.Session().client(lambda)",
)
_PY_SFN: Final = (
    "boto3.client(stepfunctions)",
    "boto3.session.Session().client(stepfunctions)",
    "boto3.Session().client(stepfunctions)",
)
_PY_SNS: Final = (
    "boto3.client(sns)",
    "boto3.session.Session().client(sns)",
    "boto3.Session().client(sns)",
)
_PY_SQS: Final = (
    "boto3.client(sqs)",
    "boto3.session.Session().client(sqs)",
    "boto3.Session().client(sqs)",
)
_PY_EVENTS: Final = (
    "boto3.client(events)",
    "boto3.session.Session().client(events)",
    "boto3.Session().client(events)",
)

#: Function-to-function calls (section 9 of issue 7).
INVOKERS: Final[tuple[Invoker, ...]] = (
    *_invokers(
        "python",
        _PY_LAMBDA,
        (("invoke", "lambda", "FunctionName"), ("invoke_async", "lambda", "FunctionName")),
    ),
    *_invokers(
        "python",
        _PY_SFN,
        (
            ("start_execution", "sfn", "stateMachineArn"),
            ("start_sync_execution", "sfn", "stateMachineArn"),
        ),
    ),
    *_invokers("python", _PY_SNS, (("publish", "sns", "TopicArn"),)),
    *_invokers(
        "python",
        _PY_SQS,
        (("send_message", "sqs", "QueueUrl"), ("send_message_batch", "sqs", "QueueUrl")),
    ),
    *_invokers("python", _PY_EVENTS, (("put_events", "eventbridge", "Entries"),)),
    Invoker("javascript", "@aws-sdk/client-lambda.InvokeCommand", "lambda", "FunctionName"),
    Invoker("javascript", "@aws-sdk/client-lambda.InvokeAsyncCommand", "lambda", "FunctionName"),
    Invoker("javascript", "@aws-sdk/client-sfn.StartExecutionCommand", "sfn", "stateMachineArn"),
    Invoker("javascript", "@aws-sdk/client-sns.PublishCommand", "sns", "TopicArn"),
    Invoker("javascript", "@aws-sdk/client-sqs.SendMessageCommand", "sqs", "QueueUrl"),
    Invoker("javascript", "@aws-sdk/client-sqs.SendMessageBatchCommand", "sqs", "QueueUrl"),
    Invoker("javascript", "@aws-sdk/client-eventbridge.PutEventsCommand", "eventbridge", "Entries"),
    Invoker("javascript", "aws-sdk.Lambda().invoke", "lambda", "FunctionName"),
    Invoker("javascript", "aws-sdk.Lambda().invokeAsync", "lambda", "FunctionName"),
    Invoker("javascript", "aws-sdk.StepFunctions().startExecution", "sfn", "stateMachineArn"),
    Invoker("javascript", "aws-sdk.SNS().publish", "sns", "TopicArn"),
    Invoker("javascript", "aws-sdk.SQS().sendMessage", "sqs", "QueueUrl"),
    Invoker("javascript", "aws-sdk.EventBridge().putEvents", "eventbridge", "Entries"),
)

#: Input validators: a handler that calls or is decorated with one validates its event.
#: A row is a qualified name or a prefix ending in ``.`` (any function of the module).
VALIDATORS: Final[tuple[str, ...]] = (
    # Python
    "aws_lambda_powertools.utilities.validation.validator",
    "aws_lambda_powertools.utilities.validation.validate",
    "aws_lambda_powertools.utilities.parser.event_parser",
    "aws_lambda_powertools.utilities.parser.parse",
    "faasguard_runtime.validate",
    "faasguard_runtime.validation.validate",
    "jsonschema.validate",
    "jsonschema.",
    "fastjsonschema.",
    "pydantic.",
    "marshmallow.",
    "cerberus.",
    "voluptuous.",
    # JavaScript / TypeScript
    "@middy/validator",
    "ajv",
    "ajv.",
    "zod.",
    "joi.",
    "yup.",
    "@aws-lambda-powertools/validation",
    "@aws-lambda-powertools/parser",
    "@aws-lambda-powertools/parser.",
    "@aws-lambda-powertools/validation.",
)

#: Method names that validate when called on a schema or model object, whatever built it.
VALIDATING_METHODS: Final = frozenset(
    {
        "model_validate",
        "model_validate_json",
        "parse_obj",
        "parse_raw",
        "safeParse",
        "safeParseAsync",
        "parseAsync",
        "validateAsync",
        "validateSync",
    }
)
