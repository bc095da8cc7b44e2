"""Platform rules (FG8xxx): how the function is run and observed by AWS Lambda itself.

These rules look at settings that are neither code nor permissions but decide whether a function
still gets security patches (its runtime) and whether an incident can be investigated afterwards
(tracing, log retention).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from faasguard.findings import Finding, Severity
from faasguard.model import Application, Function, Resource, Unknown
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import FunctionRule, Rule, RuleContext
from faasguard.rules.runtimes import RuntimeLifecycle, lifecycle

__all__ = [
    "RULES",
    "DeprecatedRuntime",
    "LogRetentionUnset",
    "TracingDisabled",
]

_LOG_GROUP_TYPE = "AWS::Logs::LogGroup"


class DeprecatedRuntime(FunctionRule):
    """A function runs on a Lambda runtime that AWS has deprecated or soon will.

    ## What it does
    Compares the function's `runtime` with AWS's published Lambda runtime schedule (shipped with
    faasguard, see `faasguard/rules/data/runtimes.json` for its source and compile date) and the
    scan date:

    - **critical** once AWS blocks updates to functions on the runtime;
    - **high** from the deprecation date on;
    - **medium** when the deprecation date is at most `deprecation_warning_days` (default 90)
      away; the message says "deprecated on DATE, in N days".

    It says nothing when the runtime is not set (container image functions have none), cannot be
    resolved (for example `${self:custom.runtime}` from an unresolvable source), or is not in the
    table: an id the table does not know may be newer than the table, and a misspelt id is
    rejected by AWS at deploy time anyway.

    ## Why is this bad?
    After the deprecation date AWS stops applying security patches to the runtime's language,
    libraries and operating system: a vulnerability found later stays in the function forever.
    Later AWS blocks creating new functions on it (a new stage or region fails to deploy) and then
    updating existing ones, so even an urgent security fix cannot be shipped without first
    moving to a new language version under pressure.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      runtime: python3.9
    ```

    ## Use instead
    ```yaml
    provider:
      name: aws
      runtime: python3.14
    ```
    Run the test suite on the new version first: language upgrades can change behaviour.

    ## References
    - AWS Lambda runtimes and their deprecation dates:
      https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    - Runtime deprecation policy:
      https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html
    - CWE-1104: Use of Unmaintained Third Party Components
    """

    id = "FG8001"
    name = "deprecated-runtime"
    category = "platform.deprecated-runtime"
    severity = Severity.HIGH
    cwe = "CWE-1104"
    title = "Deprecated Lambda runtime"

    _key = TemplateKey(
        serverless="`runtime: {new}` on the function, or `provider.runtime: {new}` for all",
        sam="`Runtime: {new}` in the function's `Properties` (or `Globals.Function.Runtime`)",
        cloudformation="`Runtime: {new}` in the `AWS::Lambda::Function` properties",
        terraform='`runtime = "{new}"` on the `aws_lambda_function`',
        cdk="the function's `runtime` property (the `lambda.Runtime` constant for {new})",
        chalice="a deployment from {new}: Chalice deploys with the Python version it runs under",
        zappa='`"runtime": "{new}"` in the stage',
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function's runtime is deprecated or soon will be."""
        if fn.package_type.strip().lower() == "image" or not isinstance(fn.runtime, str):
            return
        life = lifecycle(fn.runtime)
        if life is None or life.deprecated is None:
            return
        today = ctx.options.today
        label = f"{life.name} (`{fn.runtime}`)"
        if life.block_update is not None and today >= life.block_update:
            severity = Severity.CRITICAL
            message = (
                f"Function `{fn.name}` runs on {label}, deprecated on {life.deprecated}. Since "
                f"{life.block_update} AWS refuses updates to functions on this runtime: no code "
                "or configuration change, security fixes included, can be deployed until the "
                "runtime is changed."
            )
        elif today >= life.deprecated:
            severity = Severity.HIGH
            message = (
                f"Function `{fn.name}` runs on {label}, deprecated on {life.deprecated}: AWS no "
                f"longer applies security patches to it.{_blocking_note(life, ctx)}"
            )
        else:
            days = (life.deprecated - today).days
            if days > ctx.options.deprecation_warning_days:
                return
            severity = Severity.MEDIUM
            message = (
                f"Function `{fn.name}` runs on {label}, deprecated on {life.deprecated}, in "
                f"{days} day{'s' if days != 1 else ''}: from then on AWS stops applying security "
                "patches to it."
            )
        yield self.finding(
            ctx,
            message=message,
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=f"runtime: {fn.runtime}",
            remediation=self._remediation(life, ctx),
            severity=severity,
        )

    def _remediation(self, life: RuntimeLifecycle, ctx: RuleContext) -> str:
        if life.successor is None:
            return (
                "Move the function to a runtime AWS still supports (see the AWS Lambda runtimes "
                "page) and run its tests on the new version before deploying."
            )
        where = self._key.for_format(ctx.app.format).format(new=life.successor)
        return (
            f"Upgrade to `{life.successor}`: set {where}. Run the function's tests on the new "
            "language version before deploying; major versions can change behaviour."
        )


def _blocking_note(life: RuntimeLifecycle, ctx: RuleContext) -> str:
    """Describe the create/update blocks still to come (or already in force for creation)."""
    today = ctx.options.today
    parts: list[str] = []
    if life.block_create is not None:
        if today >= life.block_create:
            parts.append(f"creating functions on it has been blocked since {life.block_create}")
        else:
            parts.append(f"creating functions on it is blocked from {life.block_create}")
    if life.block_update is not None:
        parts.append(f"updating them from {life.block_update}")
    if not parts:
        return ""
    text = " and ".join(parts)
    return f" AWS: {text}."


class TracingDisabled(FunctionRule):
    """AWS X-Ray active tracing is off for a function.

    ## What it does
    Reports a function whose tracing mode is not set or is `PassThrough` (the Lambda default).
    It says nothing when the mode is `Active`, or when it cannot be resolved (a parameter or
    variable faasguard cannot see).

    ## Why is this bad?
    Without active tracing there is no record of which downstream services (databases, queues,
    third-party APIs) a request touched or how long each call took. During an incident that
    makes it much harder to tell what an attacker's requests reached, and where a slowdown or a
    denial-of-wallet spike comes from. Tracing costs little at Lambda's sampling rate.

    ## Example
    ```yaml
    # template.yaml (SAM)
    MyFunction:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.13
        Handler: app.handler
    ```

    ## Use instead
    ```yaml
    Globals:
      Function:
        Tracing: Active
    ```
    In Serverless: `provider.tracing.lambda: true`.

    ## References
    - Visualize Lambda function invocations using AWS X-Ray:
      https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
    - OWASP Top 10 A09:2021 Security Logging and Monitoring Failures
    - CWE-778: Insufficient Logging
    """

    id = "FG8002"
    name = "tracing-disabled"
    category = "platform.no-tracing"
    severity = Severity.LOW
    cwe = "CWE-778"
    title = "Active tracing is off"

    _key = TemplateKey(
        serverless="`provider.tracing.lambda: true` (or `tracing: Active` on the function)",
        sam="`Tracing: Active` in the function's `Properties` (or `Globals.Function.Tracing`)",
        cloudformation="`TracingConfig: {Mode: Active}` on the `AWS::Lambda::Function`",
        terraform='`tracing_config { mode = "Active" }` on the `aws_lambda_function`',
        cdk="`tracing: lambda.Tracing.ACTIVE` on the function",
        chalice='`"xray": true` in `.chalice/config.json` (the stage)',
        zappa='`"xray_tracing": true` in the stage',
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function's tracing mode is unset or PassThrough."""
        if isinstance(fn.tracing, Unknown):
            return
        if fn.tracing is not None and fn.tracing.strip().lower() != "passthrough":
            return
        mode = "not set (PassThrough)" if fn.tracing is None else f"`{fn.tracing}`"
        yield self.finding(
            ctx,
            message=f"Function `{fn.name}` has active tracing off: tracing mode is {mode}.",
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=f"tracing: {fn.tracing or 'unset'}",
            remediation=f"Turn on active tracing: set {self._key.for_format(ctx.app.format)}.",
        )


class LogRetentionUnset(FunctionRule):
    """A function's logs are kept forever because no retention period is set.

    ## What it does
    Reports a function with no log retention setting. A retention set on the function, or an
    `AWS::Logs::LogGroup` in the same template that is the function's log group (by logical id,
    by name, or by a name built from the function's logical id such as
    `!Sub /aws/lambda/${MyFunction}`) with `RetentionInDays`, counts as set. It says nothing when
    the retention, or the log group's `RetentionInDays`, cannot be resolved.

    ## Why is this bad?
    CloudWatch log groups that Lambda creates keep every event forever. Logs often hold personal
    data, tokens and request bodies that were never meant to be stored indefinitely (GDPR storage
    limitation, PCI DSS retention rules), and an unlimited archive is a bigger prize for anyone
    who gains read access to the account. It also grows storage cost without bound.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      api:
        handler: handler.main
    ```

    ## Use instead
    ```yaml
    provider:
      logRetentionInDays: 30
    ```

    ## References
    - Working with log retention in CloudWatch Logs:
      https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
    - Serverless Framework `logRetentionInDays`:
      https://www.serverless.com/framework/docs/providers/aws/guide/functions
    - CWE-779: Logging of Excessive Data
    """

    id = "FG8003"
    name = "log-retention-unset"
    category = "platform.no-log-retention"
    severity = Severity.LOW
    cwe = "CWE-779"
    title = "Logs are kept forever"

    _key = TemplateKey(
        serverless="`provider.logRetentionInDays: 30` (or `logRetentionInDays` on the function)",
        sam=(
            "an `AWS::Logs::LogGroup` named `!Sub /aws/lambda/${MyFunction}` with "
            "`RetentionInDays: 30` (or `LoggingConfig.LogGroup` pointing at one that has it)"
        ),
        cloudformation=(
            "an `AWS::Logs::LogGroup` named `!Sub /aws/lambda/${MyFunction}` with "
            "`RetentionInDays: 30`, or `LoggingConfig.LogGroup` pointing at one that has it"
        ),
        terraform=(
            'an `aws_cloudwatch_log_group` named "/aws/lambda/<function name>" with '
            "`retention_in_days = 30`"
        ),
        cdk="`logRetention: logs.RetentionDays.ONE_MONTH` (or a `logGroup` with a retention)",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when nothing sets a retention period for the function's logs."""
        if fn.log_retention_days is not None:
            return  # set, or Unknown: either way nothing to report
        group = _log_group_of(fn, ctx.app)
        if group is not None and "RetentionInDays" in group.properties:
            return  # a retention is declared (possibly Unknown): not "kept forever"
        where = f" Its log group `{group.id}` has no `RetentionInDays`." if group else ""
        yield self.finding(
            ctx,
            message=f"Function `{fn.name}` keeps its logs forever: no retention is set.{where}",
            location=group.location if group is not None else fn.location,
            function=fn.name,
            resource=group.id if group is not None else fn.resource_id,
            evidence="log retention: unset",
            remediation=(
                "Set a retention that matches your data-retention policy: "
                f"{self._key.for_format(ctx.app.format)}."
            ),
        )


def _log_group_of(fn: Function, app: Application) -> Resource | None:
    """Find the template's log group for ``fn``, if the template declares one.

    A log group matches when its logical id or ``LogGroupName`` equals the function's configured
    log group, or when an unresolved ``LogGroupName`` names the function's logical id (the usual
    ``!Sub /aws/lambda/${MyFunction}`` idiom).
    """
    id_token: re.Pattern[str] | None = None
    for res in app.resources:
        if res.type != _LOG_GROUP_TYPE:
            continue
        name = res.properties.get("LogGroupName")
        if fn.log_group is not None and fn.log_group in (res.id, name):
            return res
        if isinstance(name, Unknown) and fn.resource_id:
            # Compiled only when needed: most templates declare no log group at all.
            id_token = id_token or re.compile(
                rf"(?<![A-Za-z0-9]){re.escape(fn.resource_id)}(?![A-Za-z0-9])"
            )
            if id_token.search(name.expression):
                return res
    return None


RULES: tuple[type[Rule], ...] = (DeprecatedRuntime, TracingDisabled, LogRetentionUnset)
