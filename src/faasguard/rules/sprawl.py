"""Sprawl rules (FG9xxx): functions nobody uses, nobody documented, or nobody can find.

Every deployed function is attack surface and an IAM role to keep least-privileged. Functions
that nothing invokes, that nobody can explain, or whose names break the team's convention are
the ones left unpatched and over-privileged; these rules make them visible.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import Function, Unknown
from faasguard.rules._drift import DeploymentDrift, UnusedRole
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import FunctionRule, Rule, RuleContext

__all__ = [
    "RULES",
    "FunctionNameBreaksConvention",
    "UndocumentedFunction",
    "UnusedFunction",
]


class UnusedFunction(FunctionRule):
    """Nothing in the application triggers or references a function.

    ## What it does
    Reports a function that has no event source, no function URL, and that nothing else in the
    template refers to (no `!Ref`/`!GetAtt` from a state machine, an authorizer, a custom
    resource's `ServiceToken`, another function's environment, ...). Confidence is medium: the
    function may still be invoked by name from another stack, a script or the console.

    ## Why is this bad?
    A function nobody calls still holds an IAM role, still ships dependencies that collect
    vulnerabilities, and is still an invocation target for anyone who gains `lambda:Invoke`
    rights. Forgotten functions are the ones nobody patches or reviews. Deleting them removes
    attack surface for free.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      migrateV1:
        handler: scripts/migrate_v1.handler
    ```

    ## Use instead
    Delete the function, or, if it is invoked from outside the template, suppress this finding
    with a reason naming the caller (`faasguard.toml`: `[[suppress]]` with `reason`).

    ## References
    - Cloud Security Alliance, The 12 Most Critical Risks for Serverless Applications (2019),
      SAS-11: Obsolete functions, cloud resources and event triggers:
      https://cloudsecurityalliance.org/blog/2019/02/11/critical-risks-serverless-applications
    - CWE-1164: Irrelevant Code
    """

    id = "FG9001"
    name = "unused-function"
    category = "sprawl.unused-function"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    cwe = "CWE-1164"
    title = "Function nothing triggers or references"

    _key = TemplateKey(
        serverless="the function's entry under `functions:`",
        sam="the `AWS::Serverless::Function` resource",
        cloudformation="the `AWS::Lambda::Function` resource",
        terraform="the `aws_lambda_function` resource",
        cdk="the function construct",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function has no trigger, URL or reference."""
        if fn.triggers or fn.url is not None or fn.referenced_by:
            return
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` has no event source, no function URL, and nothing in "
                "the template references it."
            ),
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence="triggers: none; url: none; referenced_by: none",
            remediation=(
                f"If the function is obsolete, delete {self._key.for_format(ctx.app.format)} "
                "(and its role). If something outside this template invokes it, suppress this "
                "finding with a reason naming that caller."
            ),
        )


class UndocumentedFunction(FunctionRule):
    """A function has neither a description nor a README in its code folder.

    ## What it does
    Reports a function whose description is missing or blank and whose code folder (the
    function's code root) has no README file. A description faasguard cannot resolve counts as
    present. When the function has no code folder (container images, inline code) only the
    description is considered.

    ## Why is this bad?
    Reviewers decide whether a function's permissions, triggers and data access are right by
    knowing what it is for. A function nobody can explain is one nobody dares to remove or
    restrict, so it keeps broad rights long after its purpose is forgotten.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      proc2:
        handler: proc2.handler
    ```

    ## Use instead
    ```yaml
    functions:
      proc2:
        handler: proc2.handler
        description: Resizes uploaded avatars to 256px thumbnails
    ```

    ## References
    - Lambda function `Description`:
      https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
    - CWE-1059: Insufficient Technical Documentation
    """

    id = "FG9002"
    name = "undocumented-function"
    category = "sprawl.undocumented"
    severity = Severity.INFO
    cwe = "CWE-1059"
    title = "Function without a description or README"

    _key = TemplateKey(
        serverless="`description:` on the function",
        sam="`Description:` in the function's `Properties`",
        cloudformation="`Description:` on the `AWS::Lambda::Function`",
        terraform="`description` on the `aws_lambda_function`",
        cdk="`description` on the function",
    )

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the function has no description and no README."""
        if isinstance(fn.description, Unknown):
            return
        if fn.description is not None and fn.description.strip():
            return
        readme_dir = None if fn.code_root is None else _normalise_dir(fn.code_root)
        if readme_dir is not None and readme_dir in _normalised_dirs(ctx.readme_dirs):
            return
        where = f" and its code folder `{readme_dir}` has no README" if readme_dir else ""
        yield self.finding(
            ctx,
            message=f"Function `{fn.name}` has no description{where}.",
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence="description: none; readme: none",
            remediation=(
                "Say what the function is for in one line: set "
                f"{self._key.for_format(ctx.app.format)}"
                + (f", or add a README to `{readme_dir}`." if readme_dir else ".")
            ),
        )


def _normalise_dir(path: str) -> str:
    """Normalise a POSIX folder relative to the scan root: no ``./``, no trailing slash."""
    normalised = posixpath.normpath(path.strip() or ".")
    return "." if normalised in ("", "/") else normalised


@functools.lru_cache(maxsize=16)
def _normalised_dirs(dirs: frozenset[str]) -> frozenset[str]:
    # The engine passes the same frozenset for every function of a scan: normalise it once.
    return frozenset(_normalise_dir(d) for d in dirs)


class FunctionNameBreaksConvention(FunctionRule):
    """A function's name does not match the team's naming convention.

    ## What it does
    When the configuration sets `naming_pattern` (a regular expression), reports every function
    whose name does not match it in full. Without a pattern the rule says nothing: it is enabled
    by default so that setting the pattern is the only switch needed.

    ```toml
    # faasguard.toml
    naming_pattern = "^[a-z][a-zA-Z0-9]*$"
    ```

    The name checked is the function's logical name in the template (the key under
    `functions:` in Serverless, the resource's logical id in SAM and CloudFormation).

    ## Why is this bad?
    Names are how people find a function in the console, in logs, in CloudTrail and in alarms.
    Names outside the convention break IAM policies and alarms written with name patterns
    (`arn:aws:lambda:*:*:function:payments-*`) and hide functions from the reviews and
    inventories that rely on them.

    ## Example
    ```yaml
    # naming_pattern = "^[a-z][a-zA-Z0-9]*$"
    functions:
      Process_Order_v2:
        handler: orders.handler
    ```

    ## Use instead
    ```yaml
    functions:
      processOrder:
        handler: orders.handler
    ```

    ## References
    - AWS tagging and naming best practices:
      https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/tagging-best-practices.html
    - CWE-1099: Inconsistent Naming Conventions for Identifiers
    """

    id = "FG9003"
    name = "function-name-breaks-convention"
    category = "sprawl.naming"
    severity = Severity.LOW
    cwe = "CWE-1099"
    title = "Function name breaks the naming convention"

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when a naming pattern is configured and the name breaks it."""
        pattern = ctx.options.naming_pattern
        if pattern is None or _compiled(pattern).fullmatch(fn.name):
            return
        yield self.finding(
            ctx,
            message=(
                f"Function name `{fn.name}` does not match the naming convention `{pattern}`."
            ),
            location=fn.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence=f"name: {fn.name}; pattern: {pattern}",
            remediation=(
                f"Rename the function so its name matches `{pattern}`, and update every "
                "reference to it (events, IAM policies, alarms, callers)."
            ),
        )


@functools.lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


RULES: tuple[type[Rule], ...] = (
    UnusedFunction,
    UndocumentedFunction,
    FunctionNameBreaksConvention,
    DeploymentDrift,
    UnusedRole,
)
