"""Availability rules (FG7xxx): limits that keep a function up, affordable and lossless.

Denial of service against a serverless app rarely takes it down; it makes it scale, and bills
for it (denial of wallet), or makes it drop or repeat work. These rules look for the missing
limits: concurrency caps, throttling, dead-letter targets, and timeouts that do not fit the
trigger that waits for the function.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from faasguard.findings import Finding, Severity
from faasguard.model import (
    Api,
    AppFormat,
    Application,
    Function,
    Resource,
    Throttling,
    Trigger,
    TriggerKind,
    Unknown,
)
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules._wallet import DenialOfWalletCeiling, NoCostAlarm, RecursiveTriggerLoop
from faasguard.rules.interface import ApiRule, FunctionRule, Rule, RuleContext

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "DEFAULT_VISIBILITY_TIMEOUT_SECONDS",
    "HTTP_API_LIMIT_SECONDS",
    "REST_API_LIMIT_SECONDS",
    "RULES",
    "ApiWithoutThrottling",
    "AsyncFunctionWithoutDlq",
    "OrderedSourceWithoutFailureLimit",
    "PublicFunctionWithoutConcurrencyLimit",
    "QueueVisibilityTimeoutTooShort",
    "TimeoutExceedsApiLimit",
]

#: The Lambda timeout when a template sets none. The Serverless Framework sets 6 s itself.
DEFAULT_TIMEOUT_SECONDS = 3
_SERVERLESS_DEFAULT_TIMEOUT_SECONDS = 6
#: API Gateway REST API integration timeout (raisable by quota for Regional and private APIs).
REST_API_LIMIT_SECONDS = 29
#: API Gateway HTTP API maximum integration timeout (not raisable).
HTTP_API_LIMIT_SECONDS = 30
#: SQS ``VisibilityTimeout`` when a queue sets none.
DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30
#: AWS recommends a queue visibility timeout of at least this many function timeouts.
_VISIBILITY_FACTOR = 6
_QUEUE_TYPE = "AWS::SQS::Queue"


def _function_timeout(fn: Function, fmt: AppFormat) -> int | None:
    """Return the function's effective timeout in seconds, or None when it cannot be known."""
    if fn.timeout is None:
        if fmt is AppFormat.SERVERLESS:
            return _SERVERLESS_DEFAULT_TIMEOUT_SECONDS
        return DEFAULT_TIMEOUT_SECONDS
    if isinstance(fn.timeout, Unknown):
        return None
    return fn.timeout


def _entry_point(trigger: Trigger) -> str:
    parts = [
        str(value)
        for value in (trigger.method, trigger.path)
        if value is not None and not isinstance(value, Unknown)
    ]
    route = f" `{' '.join(parts)}`" if parts else ""
    return f"{trigger.kind.value}{route}"


class PublicFunctionWithoutConcurrencyLimit(FunctionRule):
    """An internet-facing function has no reserved concurrency, so its scaling has no cap.

    ## What it does
    Reports a function that anyone on the internet can trigger (an event source marked
    internet-reachable, or a function URL with `AuthType: NONE`) and that sets no reserved
    concurrency. It says nothing when reachability is unknown or the reserved concurrency
    cannot be resolved. Authentication on the route does not silence it: authenticated callers
    and a compromised client can flood as well.

    ## Why is this bad?
    Lambda scales each function up to the account's whole concurrency quota (1,000 by default,
    shared by every function in the region). A flood of requests to one public function is
    billed in full (denial of wallet), and it takes the concurrency that every other function
    in the account needs: queue consumers and internal jobs start being throttled too.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      search:
        handler: search.handler
        events:
          - httpApi: GET /search
    ```

    ## Use instead
    ```yaml
    functions:
      search:
        handler: search.handler
        reservedConcurrency: 50
        events:
          - httpApi: GET /search
    ```
    Also set API throttling (see `api-without-throttling`, FG7005) and a billing alarm.

    ## References
    - Configuring reserved concurrency:
      https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    - OWASP API Security Top 10 2023, API4: Unrestricted Resource Consumption
    - CWE-770: Allocation of Resources Without Limits or Throttling
    """

    id = "FG7001"
    name = "public-function-without-concurrency-limit"
    category = "availability.no-concurrency-limit"
    severity = Severity.MEDIUM
    cwe = "CWE-770"
    title = "Internet-facing function without a concurrency limit"

    _key = TemplateKey(
        serverless="`reservedConcurrency: 50` on the function",
        sam="`ReservedConcurrentExecutions: 50` in the function's `Properties`",
        cloudformation="`ReservedConcurrentExecutions: 50` on the `AWS::Lambda::Function`",
        terraform="`reserved_concurrent_executions = 50` on the `aws_lambda_function`",
        cdk="`reservedConcurrentExecutions: 50` on the function",
        chalice='`"reserved_concurrency": 50` for the function in `.chalice/config.json` '
        "(`stages.<stage>.lambda_functions.<name>`)",
        zappa='`"lambda_concurrency": 50` in the stage',
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when a publicly reachable function has no reserved concurrency."""
        if fn.reserved_concurrency is not None:
            return
        entries = [_entry_point(t) for t in fn.triggers if t.internet_reachable is True]
        url_auth = fn.url.auth_type if fn.url is not None else None
        if isinstance(url_auth, str) and url_auth.strip().upper() == "NONE":
            entries.append("public function URL")
        if not entries:
            return
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` is reachable from the internet ({', '.join(entries)}) "
                "and has no reserved concurrency: a flood of requests scales it to the "
                "account's whole concurrency quota, billed in full and starving other functions."
            ),
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence="reserved_concurrency: unset; internet-reachable",
            remediation=(
                "Cap the function's concurrency at the peak it really needs: set "
                f"{self._key.for_format(ctx.app.format)} (the value is an example), and set "
                "throttling on the API in front of it."
            ),
        )


class TimeoutExceedsApiLimit(FunctionRule):
    """A function behind API Gateway may run longer than API Gateway waits for it.

    ## What it does
    Reports a function invoked by an API Gateway REST or HTTP API route whose timeout is longer
    than the API's integration timeout: 29 s for REST APIs, 30 s for HTTP APIs. One finding per
    function, at the function, because the fix is its timeout. A function with no timeout uses
    the platform default (3 s; 6 s in the Serverless Framework), which always fits. It says
    nothing when the timeout cannot be resolved.

    Since June 2024 the REST API limit can be raised above 29 s for Regional and private REST
    APIs through a Service Quotas request (not for edge-optimized REST APIs, nor for HTTP APIs).
    If your account has the raised quota and the integration's `TimeoutInMillis` uses it, set
    the option below to your limit:

    ```toml
    [rules.timeout-exceeds-api-limit]
    rest_api_limit_seconds = 120
    ```

    ## Why is this bad?
    When the integration times out, API Gateway answers 504 to the client, but the function goes
    on running to its own timeout, billed and with its side effects. Clients (and attackers)
    that retry on 504 start the same slow work again and again, multiplying the cost of each
    request, and writes can be applied twice.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      report:
        handler: report.handler
        timeout: 120
        events:
          - http: GET /report
    ```

    ## Use instead
    ```yaml
    functions:
      report:
        handler: report.handler
        timeout: 28
        events:
          - http: GET /report
    ```
    For work that takes longer, accept the request, hand the job to a queue or Step Functions,
    and let the client poll or receive a callback.

    ## References
    - Amazon API Gateway quotas (integration timeout):
      https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
    - HTTP API quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
    - CWE-400: Uncontrolled Resource Consumption
    """

    id = "FG7002"
    name = "timeout-exceeds-api-limit"
    category = "availability.timeout-exceeds-trigger"
    severity = Severity.LOW
    cwe = "CWE-400"
    title = "Function timeout exceeds the API's integration timeout"

    _key = TemplateKey(
        serverless="`timeout: {limit}` on the function",
        sam="`Timeout: {limit}` in the function's `Properties` (or `Globals.Function.Timeout`)",
        cloudformation="`Timeout: {limit}` on the `AWS::Lambda::Function`",
        terraform="`timeout = {limit}` on the `aws_lambda_function`",
        cdk="`timeout: Duration.seconds({limit})` on the function",
        chalice='`"lambda_timeout": {limit}` in `.chalice/config.json` (the stage, or its '
        "`lambda_functions.<name>`)",
        zappa='`"timeout_seconds": {limit}` in the stage',
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function outlives the tightest API route in front of it."""
        limits = {
            TriggerKind.REST_API: _rest_api_limit(ctx.options.extra.get(self.name, {})),
            TriggerKind.HTTP_API: HTTP_API_LIMIT_SECONDS,
        }
        routes = [t for t in fn.triggers if t.kind in limits]
        timeout = _function_timeout(fn, ctx.app.format)
        if not routes or timeout is None:
            return
        tightest = min(routes, key=lambda t: limits[t.kind])
        limit = limits[tightest.kind]
        if timeout <= limit:
            return
        others = len(routes) - 1
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` has a {timeout} s timeout but its "
                f"{_entry_point(tightest)} route"
                f"{f' (and {others} more)' if others else ''} gives up after {limit} s: "
                "the client gets a 504 while the function keeps running, and a retry starts "
                "the work again."
            ),
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=f"timeout: {timeout}; {tightest.kind.value} limit: {limit}",
            remediation=(
                f"Lower the timeout to at most {limit} s: set "
                f"{self._key.for_format(ctx.app.format).format(limit=limit)}; move longer work "
                "to a queue or Step Functions. If your REST API's integration timeout was "
                f"raised by quota, set `rest_api_limit_seconds` under `[rules.{self.name}]`."
            ),
        )


def _rest_api_limit(options: Mapping[str, Any]) -> int:
    value = options.get("rest_api_limit_seconds", REST_API_LIMIT_SECONDS)
    # A bad value is a configuration error: raising makes it a visible rule-crashed finding
    # rather than a silently ignored option.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            "[rules.timeout-exceeds-api-limit] rest_api_limit_seconds must be a positive "
            f"integer, got {value!r}"
        )
    return value


class QueueVisibilityTimeoutTooShort(FunctionRule):
    """An SQS queue's visibility timeout is too short for the function that consumes it.

    ## What it does
    For each SQS event source whose queue is declared in the same template, compares the
    queue's `VisibilityTimeout` (30 s when not set) with the function's timeout (when not set:
    3 s, the Lambda default, or 6 s in the Serverless Framework):

    - **medium** when the visibility timeout is shorter than the function timeout;
    - **low** when it is shorter than six times the function timeout, AWS's recommendation.

    The queue is found by the event's source: its logical id, its name, its ARN, or an
    unresolved reference (`!GetAtt Jobs.Arn`) that names exactly one queue of the template. It
    says nothing when the queue is not in the template, the source names no single queue, or
    either timeout cannot be resolved. The batching window is not added to the comparison.

    ## Why is this bad?
    While Lambda processes a batch, its messages are hidden from other consumers only for the
    visibility timeout. If the function can run longer, the messages reappear mid-processing
    and are handed to another invocation: work is done twice (double charges, duplicate
    e-mails), and messages can reach the dead-letter queue even though they succeeded.
    Lambda rejects a new SQS mapping whose queue visibility timeout is below the function
    timeout, so the shorter case also fails at deploy time. Six times the timeout leaves room
    for Lambda's retries when the function is throttled.

    ## Example
    ```yaml
    # template.yaml (SAM)
    Worker:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 60
        Events:
          Jobs:
            Type: SQS
            Properties:
              Queue: !GetAtt JobsQueue.Arn
    JobsQueue:
      Type: AWS::SQS::Queue
    ```

    ## Use instead
    ```yaml
    JobsQueue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 360
    ```

    ## References
    - Configuring a queue to use with Lambda (visibility timeout):
      https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    - Amazon SQS visibility timeout:
      https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
    - CWE-362: Concurrent Execution using Shared Resource with Improper Synchronization
    """

    id = "FG7003"
    name = "queue-visibility-timeout-too-short"
    category = "availability.timeout-exceeds-trigger"
    severity = Severity.MEDIUM
    cwe = "CWE-362"
    title = "Queue visibility timeout shorter than the function can run"

    _key = TemplateKey(
        serverless="`VisibilityTimeout: {value}` in `resources.Resources.{queue}.Properties`",
        sam="`VisibilityTimeout: {value}` on the `AWS::SQS::Queue` `{queue}`",
        cloudformation="`VisibilityTimeout: {value}` on the `AWS::SQS::Queue` `{queue}`",
        terraform="`visibility_timeout_seconds = {value}` on the `aws_sqs_queue` `{queue}`",
        cdk="`visibilityTimeout: Duration.seconds({value})` on the queue `{queue}`",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per SQS trigger whose queue hides messages too briefly."""
        timeout = _function_timeout(fn, ctx.app.format)
        if timeout is None:
            return
        for trigger in fn.triggers:
            if trigger.kind is not TriggerKind.SQS:
                continue
            queue = _find_queue(trigger.source, ctx.app)
            if queue is None:
                continue
            visibility = _visibility_timeout(queue)
            recommended = _VISIBILITY_FACTOR * timeout
            if visibility is None or visibility >= recommended:
                continue
            if visibility < timeout:
                severity = Severity.MEDIUM
                title = None
                message = (
                    f"Queue `{queue.id}` hides messages for {visibility} s but function "
                    f"`{fn.name}` may run for {timeout} s: messages reappear while still being "
                    "processed and are handled twice; Lambda also refuses to create this mapping."
                )
            else:
                # The title and message must not claim the queue is shorter than the function
                # when the evidence shows it is not: it is only under the recommended margin.
                severity = Severity.LOW
                title = "Queue visibility timeout under six times the function timeout"
                message = (
                    f"Queue `{queue.id}` hides messages for {visibility} s, at least as long as "
                    f"function `{fn.name}` may run ({timeout} s), but under the "
                    f"{recommended} s AWS recommends ({_VISIBILITY_FACTOR} x the function "
                    "timeout) so retries after throttling do not redeliver messages."
                )
            where = self._key.for_format(ctx.app.format).format(value=recommended, queue=queue.id)
            yield self.finding(
                ctx,
                title=title,
                message=message,
                location=trigger.location,
                function=fn.name,
                resource=queue.id,
                evidence=f"VisibilityTimeout: {visibility}; function timeout: {timeout}",
                remediation=(
                    f"Set the queue's visibility timeout to at least {recommended} s "
                    f"({_VISIBILITY_FACTOR} x the function timeout): {where}; or lower the "
                    "function's timeout."
                ),
                severity=severity,
            )


def _find_queue(source: str | Unknown | None, app: Application) -> Resource | None:
    """Find the template's queue that an SQS event source points at, if exactly one matches."""
    queues = [res for res in app.resources if res.type == _QUEUE_TYPE]
    if isinstance(source, str):
        wanted = source.strip()
        name = wanted.rsplit(":", 1)[-1] if wanted.startswith("arn:") else wanted
        matches = [q for q in queues if name in (q.id, q.properties.get("QueueName"))]
    elif isinstance(source, Unknown):
        matches = [q for q in queues if _names_queue(source.expression, q)]
    else:
        return None
    return matches[0] if len(matches) == 1 else None


def _names_queue(expression: str, queue: Resource) -> bool:
    names = [queue.id]
    queue_name = queue.properties.get("QueueName")
    if isinstance(queue_name, str) and queue_name:
        names.append(queue_name)
    return any(
        re.search(rf"(?<![A-Za-z0-9_.-]){re.escape(name)}(?![A-Za-z0-9_-])", expression)
        for name in names
    )


def _visibility_timeout(queue: Resource) -> int | None:
    value = queue.properties.get("VisibilityTimeout")
    if value is None:
        return DEFAULT_VISIBILITY_TIMEOUT_SECONDS
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None  # Unknown, or a value faasguard does not understand


class AsyncFunctionWithoutDlq(FunctionRule):
    """A function invoked asynchronously has nowhere to send events that fail.

    ## What it does
    Reports a function with at least one asynchronous event source (S3, SNS, EventBridge,
    schedules, IoT, CloudWatch Logs) that has neither a dead-letter queue nor an on-failure
    destination. A target that cannot be resolved counts as set.

    Dead-letter settings on the *source* (an SNS subscription's redrive policy, an EventBridge
    target's dead-letter queue) only catch failures to deliver the event to Lambda, not errors
    raised by the function, so they do not silence this rule.

    ## Why is this bad?
    Lambda retries a failed asynchronous invocation twice and then discards the event. Without a
    dead-letter queue or an on-failure destination an outage, a bug or an attacker who makes the
    function fail (a poison payload) silently destroys events: uploads never processed, audit
    events lost, with no record to replay or investigate.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      thumbnail:
        handler: thumbs.handler
        events:
          - s3: uploads
    ```

    ## Use instead
    ```yaml
    functions:
      thumbnail:
        handler: thumbs.handler
        destinations:
          onFailure: arn:aws:sqs:eu-west-1:123456789012:thumbnail-failures
        events:
          - s3: uploads
    ```

    ## References
    - Handling errors in asynchronous invocations (dead-letter queues and destinations):
      https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
    - CWE-755: Improper Handling of Exceptional Conditions
    """

    id = "FG7004"
    name = "async-function-without-dlq"
    category = "availability.no-dlq"
    severity = Severity.MEDIUM
    cwe = "CWE-755"
    title = "Failed asynchronous events are dropped"

    _key = TemplateKey(
        serverless="`destinations.onFailure: <SQS/SNS/EventBridge/Lambda ARN>` on the function "
        "(or `onError: <SNS topic ARN>`)",
        sam="`DeadLetterQueue: {Type: SQS, TargetArn: ...}` or "
        "`EventInvokeConfig.DestinationConfig.OnFailure` in the function's `Properties`",
        cloudformation="`DeadLetterConfig.TargetArn` on the `AWS::Lambda::Function`, or an "
        "`AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`",
        terraform="`dead_letter_config { target_arn }` on the `aws_lambda_function`, or an "
        "`aws_lambda_function_event_invoke_config` with `destination_config { on_failure }`",
        cdk="`deadLetterQueueEnabled: true` (or `onFailure: new SqsDestination(queue)`)",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when an asynchronously invoked function has no failure target."""
        if fn.dead_letter is not None or fn.on_failure is not None:
            return
        sources = sorted({t.kind.value for t in fn.triggers if t.kind.is_async})
        if not sources:
            return
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` is invoked asynchronously ({', '.join(sources)}) and has "
                "no dead-letter queue or on-failure destination: events that still fail after "
                "Lambda's two retries are discarded."
            ),
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=f"async sources: {', '.join(sources)}; dead_letter/on_failure: unset",
            remediation=(
                "Keep failed events for replay: set "
                f"{self._key.for_format(ctx.app.format)}, and alarm on its depth."
            ),
        )


_THROTTLE_KEYS: Mapping[TriggerKind, TemplateKey] = {
    TriggerKind.REST_API: TemplateKey(
        serverless="the `serverless-api-gateway-throttling` plugin "
        "(`custom.apiGatewayThrottling.maxRequestsPerSecond` and `maxConcurrentRequests`)",
        sam="`MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, "
        "ThrottlingBurstLimit: 50}]` on the `AWS::Serverless::Api` (or `Globals.Api`)",
        cloudformation="`MethodSettings[].ThrottlingRateLimit` and `ThrottlingBurstLimit` on "
        "the `AWS::ApiGateway::Stage`",
        terraform="an `aws_api_gateway_method_settings` with `settings { throttling_rate_limit, "
        "throttling_burst_limit }`",
        cdk="`deployOptions: {throttlingRateLimit: 100, throttlingBurstLimit: 50}` on the RestApi",
    ),
    TriggerKind.HTTP_API: TemplateKey(
        serverless="`resources.extensions.HttpApiStage.Properties.DefaultRouteSettings` "
        "(`ThrottlingRateLimit`, `ThrottlingBurstLimit`)",
        sam="`DefaultRouteSettings: {ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50}` on the "
        "`AWS::Serverless::HttpApi`",
        cloudformation="`DefaultRouteSettings.ThrottlingRateLimit` and `ThrottlingBurstLimit` on "
        "the `AWS::ApiGatewayV2::Stage`",
        terraform="`default_route_settings { throttling_rate_limit, throttling_burst_limit }` on "
        "the `aws_apigatewayv2_stage`",
        cdk="`throttle: {rateLimit: 100, burstLimit: 50}` on the HttpApi stage",
    ),
    TriggerKind.WEBSOCKET: TemplateKey(
        serverless="`resources.extensions.WebsocketsDeploymentStage.Properties."
        "DefaultRouteSettings` (`ThrottlingRateLimit`, `ThrottlingBurstLimit`)",
        sam="`DefaultRouteSettings.ThrottlingRateLimit` and `ThrottlingBurstLimit` on the "
        "`AWS::ApiGatewayV2::Stage`",
        cloudformation="`DefaultRouteSettings.ThrottlingRateLimit` and `ThrottlingBurstLimit` on "
        "the `AWS::ApiGatewayV2::Stage`",
        terraform="`default_route_settings { throttling_rate_limit, throttling_burst_limit }` on "
        "the `aws_apigatewayv2_stage`",
        cdk="`throttle: {rateLimit: 100, burstLimit: 50}` on the WebSocketStage",
    ),
}


class ApiWithoutThrottling(ApiRule):
    """An API Gateway stage has no throttling of its own.

    ## What it does
    Reports an API (REST, HTTP or WebSocket) whose stage sets no rate or burst limit. It says
    nothing when the throttling settings cannot be resolved. Usage-plan throttles are not
    counted: they only apply to clients that send an API key.

    ## Why is this bad?
    Without a stage limit an API accepts requests up to the account-wide API Gateway quota
    (10,000 requests per second per region by default), which every API in the account shares.
    One busy or attacked API can take that whole budget, throttling your other APIs, and passes
    the full load on to its functions and their data stores, billed per request.

    ## Example
    ```yaml
    # template.yaml (SAM)
    Api:
      Type: AWS::Serverless::HttpApi
    ```

    ## Use instead
    ```yaml
    Api:
      Type: AWS::Serverless::HttpApi
      Properties:
        DefaultRouteSettings:
          ThrottlingRateLimit: 100
          ThrottlingBurstLimit: 50
    ```

    ## References
    - Throttle requests to your REST APIs:
      https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
    - Throttling requests to your HTTP API:
      https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
    - OWASP API Security Top 10 2023, API4: Unrestricted Resource Consumption
    - CWE-770: Allocation of Resources Without Limits or Throttling
    """

    id = "FG7005"
    name = "api-without-throttling"
    category = "availability.no-throttling"
    severity = Severity.MEDIUM
    cwe = "CWE-770"
    title = "API without throttling"

    def check(self, api: Api, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the API sets no stage throttling."""
        throttling = api.throttling
        if isinstance(throttling, Unknown) or _throttled(throttling):
            return
        key = _THROTTLE_KEYS.get(api.kind, _THROTTLE_KEYS[TriggerKind.HTTP_API])
        served = f" (serving {', '.join(f'`{f}`' for f in api.functions)})" if api.functions else ""
        yield self.finding(
            ctx,
            message=(
                f"API `{api.id}`{served} has no throttling: it accepts requests up to the "
                "account-wide API Gateway quota and passes them all on to its functions."
            ),
            location=api.location,
            function=None,
            resource=api.id,
            evidence=f"{api.kind.value} throttling: unset",
            remediation=(
                "Set a stage rate and burst limit sized to the expected peak: "
                f"{key.for_format(ctx.app.format)} (values are examples)."
            ),
        )


#: Ordered sources whose event source mapping takes a retry limit and an on-failure destination.
_STREAM_KINDS = (TriggerKind.KINESIS, TriggerKind.DYNAMODB_STREAM)


def _setting(props: Mapping[str, Any], *names: str) -> Any:
    """Return the first of ``names`` set in ``props`` (CloudFormation or Serverless spelling)."""
    for name in names:
        if props.get(name) is not None:
            return props[name]
    return None


def _unlimited_retries(props: Mapping[str, Any]) -> bool:
    """Say whether a stream mapping retries a failing batch until its records expire.

    Unset and ``-1`` mean unlimited (the AWS default). An unresolved value counts as a limit.
    """
    value = _setting(props, "MaximumRetryAttempts", "maximumRetryAttempts")
    if value is None:
        return True
    return isinstance(value, int) and not isinstance(value, bool) and value < 0


def _stream_on_failure(props: Mapping[str, Any]) -> bool:
    """Say whether a stream mapping names an on-failure destination (unresolved counts as set)."""
    config = _setting(props, "DestinationConfig")
    if isinstance(config, Unknown):
        return True
    if isinstance(config, Mapping):
        failure = config.get("OnFailure")
        if isinstance(failure, Unknown) or (
            isinstance(failure, Mapping) and failure.get("Destination") is not None
        ):
            return True
    destinations = _setting(props, "destinations")
    if isinstance(destinations, Unknown):
        return True
    return isinstance(destinations, Mapping) and destinations.get("onFailure") is not None


def _fifo_without_redrive(queue: Resource) -> bool:
    """Say whether a FIFO queue has no redrive policy (so a poison message is retried for ever)."""
    props = queue.properties
    fifo = props.get("FifoQueue")
    name = props.get("QueueName")
    is_fifo = fifo is True or (isinstance(fifo, str) and fifo.lower() == "true")
    if not is_fifo and not (isinstance(name, str) and name.endswith(".fifo")):
        return False
    return props.get("RedrivePolicy") is None


class OrderedSourceWithoutFailureLimit(FunctionRule):
    """An ordered event source retries one failing record for ever and stalls everything behind it.

    ## What it does
    Reports an event source that delivers records in order: a Kinesis stream or DynamoDB stream
    whose mapping leaves `MaximumRetryAttempts` unlimited (unset or `-1`) and has no on-failure
    destination, or an SQS FIFO queue (found in the template) with no redrive policy. Values
    that cannot be resolved count as set.

    ## Why is this bad?
    On an ordered source Lambda cannot skip a failing record: it retries the batch until it
    succeeds or the record expires (24 hours to a year on Kinesis, 24 hours on DynamoDB
    streams; for FIFO queues, until the retention period ends). Every later record of the shard
    or message group waits behind it. One record the function always refuses (a payload over a
    validation size cap, a malformed field an attacker sent on purpose) stops processing for
    that shard for as long as the record lives: a poison record is a denial of service, and the
    records behind it may expire unprocessed.

    ## Example
    ```yaml
    # template.yaml (SAM)
    Events:
      Orders:
        Type: Kinesis
        Properties:
          Stream: !GetAtt OrderStream.Arn
          StartingPosition: LATEST
    ```

    ## Use instead
    ```yaml
    Events:
      Orders:
        Type: Kinesis
        Properties:
          Stream: !GetAtt OrderStream.Arn
          StartingPosition: LATEST
          MaximumRetryAttempts: 3
          BisectBatchOnFunctionError: true
          DestinationConfig:
            OnFailure:
              Destination: !GetAtt OrderFailures.Arn
    ```
    With `faasguard_runtime.validate`, also report refused records as dropped (with their
    security event) or send them to a dead-letter target, instead of failing the batch.

    ## References
    - Lambda event source mappings, error handling for stream sources:
      https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
    - Using dead-letter queues with FIFO queues:
      https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    - CWE-835: Loop with Unreachable Exit Condition ('Infinite Loop')
    """

    id = "FG7006"
    name = "ordered-source-without-failure-limit"
    category = "availability.poison-record-stall"
    severity = Severity.MEDIUM
    cwe = "CWE-835"
    title = "A poison record can stall an ordered event source"

    _stream_key = TemplateKey(
        serverless="`maximumRetryAttempts: 3`, `bisectBatchOnFunctionError: true` and "
        "`destinations: {onFailure: <SQS/SNS ARN>}` on the `stream` event",
        sam="`MaximumRetryAttempts: 3`, `BisectBatchOnFunctionError: true` and "
        "`DestinationConfig.OnFailure.Destination` in the event's `Properties`",
        cloudformation="`MaximumRetryAttempts: 3`, `BisectBatchOnFunctionError: true` and "
        "`DestinationConfig.OnFailure.Destination` on the `AWS::Lambda::EventSourceMapping`",
        terraform="`maximum_retry_attempts = 3`, `bisect_batch_on_function_error = true` and "
        "`destination_config { on_failure { destination_arn } }` on the "
        "`aws_lambda_event_source_mapping`",
        cdk="`retryAttempts: 3`, `bisectBatchOnError: true` and `onFailure: new SqsDlq(queue)` "
        "on the event source",
    )
    _fifo_key = TemplateKey(
        serverless="`RedrivePolicy: {deadLetterTargetArn: ..., maxReceiveCount: 3}` on the "
        "`AWS::SQS::Queue` in `resources`",
        sam="`RedrivePolicy: {deadLetterTargetArn: ..., maxReceiveCount: 3}` on the queue",
        cloudformation="`RedrivePolicy: {deadLetterTargetArn: ..., maxReceiveCount: 3}` on the "
        "`AWS::SQS::Queue`",
        terraform="`redrive_policy = jsonencode({deadLetterTargetArn = ..., maxReceiveCount = 3})` "
        "on the `aws_sqs_queue`",
        cdk="`deadLetterQueue: {queue: dlq, maxReceiveCount: 3}` on the Queue",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per ordered source that can retry a failing record for ever."""
        for trigger in fn.triggers:
            if trigger.kind in _STREAM_KINDS:
                props = trigger.properties
                if not _unlimited_retries(props) or _stream_on_failure(props):
                    continue
                yield self._finding(
                    ctx,
                    fn,
                    trigger,
                    detail="retries a failing batch without limit and has no on-failure "
                    "destination",
                    evidence="MaximumRetryAttempts: unlimited; DestinationConfig.OnFailure: unset",
                    fix=self._stream_key.for_format(ctx.app.format),
                )
            elif trigger.kind is TriggerKind.SQS:
                queue = _find_queue(trigger.source, ctx.app)
                if queue is None or not _fifo_without_redrive(queue):
                    continue
                yield self._finding(
                    ctx,
                    fn,
                    trigger,
                    detail=f"reads FIFO queue `{queue.id}`, which has no redrive policy",
                    evidence=f"{queue.id}: FifoQueue true; RedrivePolicy: unset",
                    fix=self._fifo_key.for_format(ctx.app.format),
                )

    def _finding(
        self,
        ctx: RuleContext,
        fn: Function,
        trigger: Trigger,
        *,
        detail: str,
        evidence: str,
        fix: str,
    ) -> Finding:
        return self.finding(
            ctx,
            message=(
                f"Function `{fn.name}`'s {trigger.kind.value} source {detail}: one record the "
                "function keeps refusing stalls its shard or message group until it expires."
            ),
            location=trigger.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=evidence,
            remediation=(
                f"Bound retries and keep failed records for replay: set {fix}. Have the "
                "handler drop or dead-letter records it refuses instead of failing the batch."
            ),
        )


def _throttled(throttling: Throttling | None) -> bool:
    """Return True when a rate or burst limit is set (possibly to an unresolved value)."""
    return throttling is not None and (
        throttling.rate_limit is not None or throttling.burst_limit is not None
    )


RULES: tuple[type[Rule], ...] = (
    PublicFunctionWithoutConcurrencyLimit,
    TimeoutExceedsApiLimit,
    QueueVisibilityTimeoutTooShort,
    AsyncFunctionWithoutDlq,
    ApiWithoutThrottling,
    OrderedSourceWithoutFailureLimit,
    DenialOfWalletCeiling,
    RecursiveTriggerLoop,
    NoCostAlarm,
)
