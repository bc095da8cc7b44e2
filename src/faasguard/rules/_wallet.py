"""Denial-of-wallet rules (FG7010-FG7012), listed in ``availability.RULES``.

They live apart from ``availability.py`` because they share the cost model
(:mod:`faasguard.cost.ceiling`): the worst hour an attacker can bill, a loop that bills itself,
and the alarm nobody set to notice either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, Final

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import (
    AppFormat,
    Application,
    Function,
    Location,
    Resource,
    Statement,
    Trigger,
    TriggerKind,
    Unknown,
)
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import ApplicationRule, FunctionRule, RuleContext

if TYPE_CHECKING:
    from decimal import Decimal

    from faasguard.cost.ceiling import Ceiling

# The cost model (price table, decimal arithmetic) is imported by the checks on first use, not
# here: every scan imports the rule modules at start, most never price anything.

__all__ = ["DenialOfWalletCeiling", "NoCostAlarm", "RecursiveTriggerLoop", "wallet_options"]

_CEILING_RULE: Final = "denial-of-wallet-ceiling"
_MIN_USD: Final = "25"
_HIGH_USD: Final = "1000"


def wallet_options(ctx: RuleContext) -> tuple[int, Decimal, Decimal]:
    """The ``[rules.denial-of-wallet-ceiling]`` options: concurrency quota, report and high bars.

    Raises:
        ValueError: an option is not a positive number (the engine turns it into a
            ``rule-crashed`` finding, so a typo is never silently ignored).
    """
    from faasguard.cost.prices import ACCOUNT_CONCURRENCY_DEFAULT

    options: Mapping[str, Any] = ctx.options.extra.get(_CEILING_RULE, {})
    concurrency = options.get("account_concurrency", ACCOUNT_CONCURRENCY_DEFAULT)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency <= 0:
        raise ValueError(
            f"[rules.{_CEILING_RULE}] account_concurrency must be a positive integer, "
            f"not {concurrency!r}"
        )
    return (
        concurrency,
        _amount(options, "min_usd_per_hour", _MIN_USD),
        _amount(options, "high_usd_per_hour", _HIGH_USD),
    )


def _amount(options: Mapping[str, Any], key: str, default: str) -> Decimal:
    from decimal import Decimal, InvalidOperation

    value = options.get(key, default)
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool) else Decimal(-1)
    except InvalidOperation:
        amount = Decimal(-1)
    if amount < 0 or not amount.is_finite():
        raise ValueError(f"[rules.{_CEILING_RULE}] {key} must be a number >= 0, not {value!r}")
    return amount


def _public_ceiling(fn: Function, ctx: RuleContext) -> Ceiling | None:
    """The function's ceiling when an outsider can drive it and it reaches the report bar."""
    from faasguard.cost.ceiling import worst_case_hour

    concurrency, minimum, _ = wallet_options(ctx)
    ceiling = worst_case_hour(fn, ctx.app, account_concurrency=concurrency)
    if ceiling is None or not ceiling.internet_reachable or ceiling.usd_per_hour < minimum:
        return None
    return ceiling


class DenialOfWalletCeiling(FunctionRule):
    """An internet-facing function can be billed a large amount per hour by anyone who floods it.

    ## What it does
    Computes the worst-case hourly bill of each function an outsider can invoke (an
    internet-reachable trigger, or a function URL without auth) and reports it when it reaches
    $25 an hour. The figure is the costliest way in:

    `3600 x (min(C, r x T) x memory GB x price per GB-s + r x (Lambda + API price per request))`

    with `C` the reserved concurrency (else the account's quota, 1,000 by default), `T` the
    timeout, `r = min(10 x C, the API's throttle)` requests per second. Prices come from one
    dated table (docs/cost.md, where a worked example is checked by a test); the message lists
    every default and stand-in value the figure rests on. Nothing is said when the memory size,
    timeout or reserved concurrency cannot be resolved. Severity is high from $1,000 an hour.

    ```toml
    [rules.denial-of-wallet-ceiling]
    account_concurrency = 3000   # your raised quota in the region
    min_usd_per_hour = 25        # report bar
    high_usd_per_hour = 1000     # high severity from here
    ```

    ## Why is this bad?
    A serverless function does not fall over under a flood: it scales, and the bill follows
    (denial of wallet). With no reserved concurrency and no throttle, one public route can run
    a thousand copies of itself for hours, each request billed by Lambda and again by API
    Gateway, before anyone looks at the bill.

    ## Example
    ```yaml
    # template.yaml (SAM): 1,000 x 128 MB x 3 s behind an unthrottled REST API: $140.70/hour
    SearchFunction:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        Events:
          Search: {Type: Api, Properties: {Path: /search, Method: get}}
    ```

    ## Use instead
    ```yaml
    SearchFunction:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        ReservedConcurrentExecutions: 20       # $2.81/hour at most
        Events:
          Search: {Type: Api, Properties: {Path: /search, Method: get}}
    ```
    Throttle the API stage too, and set a budget alarm (`no-cost-alarm`, FG7012).

    ## References
    - AWS Lambda pricing: https://aws.amazon.com/lambda/pricing/
    - Lambda concurrency and request rate limits:
      https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
    - OWASP API Security Top 10 2023, API4: Unrestricted Resource Consumption
    - CWE-770: Allocation of Resources Without Limits or Throttling
    """

    id = "FG7010"
    name = _CEILING_RULE
    category = "availability.denial-of-wallet"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = "CWE-770"
    title = "Internet-facing function with a high denial-of-wallet ceiling"

    _key = TemplateKey(
        serverless="`reservedConcurrency` on the function",
        sam="`ReservedConcurrentExecutions` in the function's `Properties`",
        cloudformation="`ReservedConcurrentExecutions` on the `AWS::Lambda::Function`",
        terraform="`reserved_concurrent_executions` on the `aws_lambda_function`",
        cdk="`reservedConcurrentExecutions` on the function",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function's public ceiling reaches the report bar."""
        ceiling = _public_ceiling(fn, ctx)
        if ceiling is None:
            return
        from faasguard.cost.ceiling import money

        _, _, high = wallet_options(ctx)
        per_day = money(ceiling.usd_per_hour * 24)
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` can be billed up to {money(ceiling.usd_per_hour)} an "
                f"hour ({per_day} a day) by a flood of requests to {ceiling.entry}: "
                f"{ceiling.explain()}. Assumptions: {'; '.join(ceiling.assumptions)}."
            ),
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=(
                f"ceiling {money(ceiling.usd_per_hour)}/hour; concurrency {ceiling.concurrency}; "
                f"{ceiling.memory_mb} MB; timeout {ceiling.timeout_seconds} s; "
                f"{ceiling.requests_per_second} requests/s"
            ),
            remediation=(
                "Bound what a flood can cost: cap the function's concurrency at the peak it "
                f"needs ({self._key.for_format(ctx.app.format)}), throttle the API stage in "
                "front of it, keep the timeout close to the real worst case, and set a budget "
                "alarm so a flood is noticed within the hour."
            ),
            severity=Severity.HIGH if ceiling.usd_per_hour >= high else None,
        )


#: Trigger kind -> the write action that feeds the trigger's own resource.
_WRITES: Final = {
    TriggerKind.SQS: "sqs:SendMessage",
    TriggerKind.SNS: "sns:Publish",
    TriggerKind.S3: "s3:PutObject",
}
_NAME_PROPERTIES: Final = ("QueueName", "TopicName", "BucketName")
_REFERENCE: Final = re.compile(
    r"!(?:Ref|GetAtt)\s+([A-Za-z0-9_.-]+?)(?:\.(?:Arn|QueueName|TopicName|QueueUrl))?\b"
    r"|\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}"
    r"|\"(?:Ref|Fn::GetAtt)\":\s*\[?\"([A-Za-z0-9]+)\""
)
_FILTER_KEYS: Final = frozenset(
    {"filter", "rules", "filterrules", "filter_prefix", "filter_suffix"}
)


class RecursiveTriggerLoop(FunctionRule):
    """A function may write to the queue, topic or bucket that triggers it, a loop billing itself.

    ## What it does
    Reports an SQS, SNS or S3 trigger whose own queue, topic or bucket the function's role lets
    it write to (`sqs:SendMessage`, `sns:Publish`, `s3:PutObject`), named specifically: the ARN
    or name of that resource, or a reference to it (`!GetAtt OrdersQueue.Arn`). A grant on
    `*` is not enough to report (it says nothing about intent). An S3 trigger with a key
    filter is reported with low confidence: the loop needs written keys to match it. The
    message names the grant and the function's cost ceiling.

    ## Why is this bad?
    Each message the function sends to its own queue (each object it writes to its own
    bucket) invokes it again. A bug, or one crafted event, then runs the function in a loop
    at full concurrency, billed every round. Lambda's recursive loop detection stops such
    loops after about 16 rounds only when the code uses an AWS SDK recent enough to carry the
    trace header and the function's recursive loop setting is left at `Terminate`.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      iam:
        role:
          statements:
            - Effect: Allow
              Action: [s3:PutObject]
              Resource: arn:aws:s3:::receipts/*
    functions:
      resize:
        handler: resize.handler
        events:
          - s3: {bucket: receipts, event: s3:ObjectCreated:*}
    ```

    ## Use instead
    Write results to another bucket (or queue), or filter the trigger on a prefix the function
    never writes to, and grant the write only there:
    ```yaml
            - Effect: Allow
              Action: [s3:PutObject]
              Resource: arn:aws:s3:::receipts-thumbnails/*
    ```

    ## References
    - Lambda recursive loop detection:
      https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
    - Avoiding recursive invocation with Amazon S3 and AWS Lambda:
      https://aws.amazon.com/blogs/compute/avoiding-recursive-invocation-with-amazon-s3-and-aws-lambda/
    - CWE-674: Uncontrolled Recursion
    """

    id = "FG7011"
    name = "recursive-trigger-loop"
    category = "availability.recursive-loop"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    cwe = "CWE-674"
    title = "Function can write to the resource that triggers it"

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per SQS/SNS/S3 trigger whose resource the role may write to."""
        role = ctx.app.role(fn.role)
        if role is None or role.external:
            return
        for trigger in fn.triggers:
            action = _WRITES.get(trigger.kind)
            if action is None or trigger.source is None:
                continue
            ids, names = _identities(ctx.app, trigger.source)
            if not ids and not names:
                continue
            grant = next(
                (
                    (stmt, res)
                    for stmt in role.statements
                    if _allows(stmt, action)
                    for res in stmt.resources
                    if _names_resource(res, trigger.kind, ids, names)
                ),
                None,
            )
            if grant is None:
                continue
            yield self._finding(fn, trigger, action, grant, ctx)

    def _finding(
        self,
        fn: Function,
        trigger: Trigger,
        action: str,
        grant: tuple[Statement, str | Unknown],
        ctx: RuleContext,
    ) -> Finding:
        stmt, res = grant
        shown = res.expression if isinstance(res, Unknown) else res
        source = (
            trigger.source.expression if isinstance(trigger.source, Unknown) else trigger.source
        )
        what = {TriggerKind.SQS: "queue", TriggerKind.SNS: "topic"}.get(trigger.kind, "bucket")
        filtered = any(str(k).lower() in _FILTER_KEYS for k in trigger.properties)
        from faasguard.cost.ceiling import money, worst_case_hour

        concurrency, _, _ = wallet_options(ctx)
        ceiling = worst_case_hour(fn, ctx.app, account_concurrency=concurrency)
        cost = (
            f", a loop billed at up to {money(ceiling.usd_per_hour)} an hour (its ceiling)"
            if ceiling is not None
            else ""
        )
        caveat = (
            " The trigger filters object keys, so the loop needs written keys to match it."
            if filtered
            else ""
        )
        return self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` is triggered by the {trigger.kind.value} {what} "
                f"`{source}` and its role lets it write there ({action} on `{shown}`, "
                f"{stmt.location}): each write starts it again{cost}, until Lambda's "
                "recursive loop detection (recent AWS SDKs only) or an error breaks it."
                f"{caveat}"
            ),
            location=trigger.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=f"trigger {trigger.kind.value} {source}; {action} on {shown}",
            remediation=(
                f"Send the function's output to another {what}, or filter the trigger on "
                f"keys or attributes the function never writes, and grant {action} only on "
                "that destination. Keep the function's recursive loop setting at `Terminate`."
            ),
            confidence=Confidence.LOW if filtered else None,
            fingerprint_extra=f"{trigger.kind.value}:{source}",
        )


def _allows(stmt: Statement, action: str) -> bool:
    if not isinstance(stmt.effect, str) or stmt.effect != "Allow" or stmt.condition:
        return False
    wanted = action.lower()
    return any(isinstance(a, str) and fnmatchcase(wanted, a.lower()) for a in stmt.actions)


def _identities(app: Application, source: str | Unknown) -> tuple[set[str], set[str]]:
    """Logical ids and physical names the trigger's resource goes by."""
    ids: set[str] = set()
    names: set[str] = set()
    if isinstance(source, Unknown):
        ids.update(_references(source.expression))
    elif app.resource(source) is not None:
        ids.add(source)
    elif source.startswith("arn:"):
        names.add(_arn_name(source))
    elif source:
        names.add(source)
    for rid in list(ids):
        res = app.resource(rid)
        if res is not None:
            names.update(_physical_names(res))
    names.discard("")
    return ids, names


def _references(text: str) -> set[str]:
    return {next(g for g in m.groups() if g) for m in _REFERENCE.finditer(text)}


def _physical_names(res: Resource) -> set[str]:
    found = set()
    for key in _NAME_PROPERTIES:
        value = res.properties.get(key)
        if isinstance(value, str):
            found.add(value)
    return found


def _arn_name(arn: str) -> str:
    """The queue, topic or bucket name in an ARN (``arn:aws:s3:::b/key`` -> ``b``)."""
    if arn.startswith("arn:") and ":s3:::" in arn:
        return arn.split(":::", 1)[1].split("/", 1)[0]
    return arn.rsplit(":", 1)[-1]


def _names_resource(res: str | Unknown, kind: TriggerKind, ids: set[str], names: set[str]) -> bool:
    """True when a statement resource names the trigger's own resource specifically."""
    if isinstance(res, Unknown):
        return bool(ids & _references(res.expression))
    if not res.startswith("arn:"):
        return False
    name = _arn_name(res)
    if not name or name.strip("*") == "":
        return False
    service = {TriggerKind.SQS: ":sqs:", TriggerKind.SNS: ":sns:"}.get(kind, ":s3:")
    return service in res and any(fnmatchcase(n, name) for n in names)


#: CloudWatch namespaces whose alarms watch what a flood drives up.
_WATCHED_NAMESPACES: Final = frozenset({"AWS/Lambda", "AWS/Billing", "AWS/ApiGateway"})
#: Formats whose loaders keep every resource of the template (so absence can be judged).
_COMPLETE_FORMATS: Final = frozenset(
    {AppFormat.SAM, AppFormat.CLOUDFORMATION, AppFormat.CDK, AppFormat.SERVERLESS}
)


class NoCostAlarm(ApplicationRule):
    """An application with a high denial-of-wallet ceiling defines no budget or usage alarm.

    ## What it does
    Reports an application that has at least one function reported by
    `denial-of-wallet-ceiling` (FG7010) and whose template defines neither an
    `AWS::Budgets::Budget` nor a CloudWatch alarm on Lambda, API Gateway or billing metrics
    (namespaces `AWS/Lambda`, `AWS/ApiGateway`, `AWS/Billing`; an alarm whose namespace cannot
    be resolved counts). It judges only formats whose loader keeps every resource of the
    template (SAM, CloudFormation, CDK output, Serverless `resources`); budgets are often set
    once per account elsewhere, hence the low confidence.

    ## Why is this bad?
    A flood that bills hundreds of dollars an hour is found, without an alarm, on the monthly
    invoice. A budget or a concurrency alarm turns a denial-of-wallet attack into a page within
    the hour, while it is still cheap to stop.

    ## Example
    ```yaml
    Resources:
      SearchFunction:
        Type: AWS::Serverless::Function
        Properties:
          Events:
            Search: {Type: Api, Properties: {Path: /search, Method: get}}
    ```

    ## Use instead
    ```yaml
      ConcurrencyAlarm:
        Type: AWS::CloudWatch::Alarm
        Properties:
          Namespace: AWS/Lambda
          MetricName: ConcurrentExecutions
          Statistic: Maximum
          Period: 60
          EvaluationPeriods: 5
          Threshold: 200
          ComparisonOperator: GreaterThanThreshold
    ```
    or an `AWS::Budgets::Budget` with a notification.

    ## References
    - AWS Budgets: https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html
    - Lambda metrics: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics.html
    - CWE-778: Insufficient Logging
    """

    id = "FG7012"
    name = "no-cost-alarm"
    category = "availability.no-cost-alarm"
    severity = Severity.LOW
    confidence = Confidence.LOW
    cwe = "CWE-778"
    title = "No budget or usage alarm for a costly public application"

    def check(self, app: Application, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per application with a reported ceiling and no alarm."""
        if app.format not in _COMPLETE_FORMATS or any(_watches(r) for r in app.resources):
            return
        exposed = [(fn, c) for fn in app.functions if (c := _public_ceiling(fn, ctx))]
        if not exposed:
            return
        from faasguard.cost.ceiling import money

        fn, worst = max(exposed, key=lambda pair: pair[1].usd_per_hour)
        names = ", ".join(f"`{f.name}`" for f, _ in exposed)
        yield self.finding(
            ctx,
            message=(
                f"Application `{app.name}` has functions an outsider can run up a large bill "
                f"with ({names}; the worst, `{fn.name}`, {money(worst.usd_per_hour)} an hour) "
                "and defines no budget nor any CloudWatch alarm on Lambda, API Gateway or "
                "billing metrics: a flood would be seen on the invoice."
            ),
            location=Location(app.file, None),
            function=None,
            resource=None,
            evidence=f"no AWS::Budgets::Budget; no AWS::CloudWatch::Alarm; worst {fn.name}",
            remediation=(
                "Add an `AWS::CloudWatch::Alarm` on `AWS/Lambda` `ConcurrentExecutions` (or "
                "`Invocations`) for these functions, or an `AWS::Budgets::Budget` with a "
                "notification, to this template or to the account's baseline stack."
            ),
        )


def _watches(res: Resource) -> bool:
    if res.type == "AWS::Budgets::Budget":
        return True
    if res.type != "AWS::CloudWatch::Alarm":
        return False
    namespace = res.properties.get("Namespace")
    if namespace is None and "Metrics" in res.properties:
        return True  # metric-math alarms name their namespaces inside; count them
    return not isinstance(namespace, str) or namespace in _WATCHED_NAMESPACES
