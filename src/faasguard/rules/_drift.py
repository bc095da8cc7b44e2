"""Drift between templates and a live account (FG9004), listed in ``sprawl.RULES``.

The comparison needs two models at once (the templates and the account), so no single-element
check can make it: :mod:`faasguard.live.drift` produces these findings, and this module holds
the rule's metadata and documentation.
"""

from __future__ import annotations

from faasguard.findings import Confidence, Severity
from faasguard.rules.interface import ToolRule

__all__ = ["DeploymentDrift"]


class DeploymentDrift(ToolRule):
    """A function, permission or trigger differs between the templates and the deployed account.

    ## What it does
    With `faasguard scan aws://REGION --templates PATH`, compares what the account runs with
    what the templates under PATH declare, and reports, naming both sides:

    - a function deployed in the account that no template declares, or declared but not
      deployed;
    - an action a function's deployed role allows that its template role does not grant, or the
      reverse;
    - a trigger (event source mapping, API route, function URL, S3 notification, SNS
      subscription, EventBridge rule) in the account but in no template, or the reverse.

    Functions are matched by the `aws:cloudformation:logical-id` tag CloudFormation (and so
    SAM and the Serverless Framework) puts on what it deploys, else by name (the logical name,
    `stack-LogicalId-SUFFIX`, or Serverless's `service-stage-function`).

    ## Why is this bad?
    What was changed by hand in the console is reviewed by nobody, and the next deployment may
    undo it or keep it forever. A trigger or a permission added out of band is attack surface
    that the templates (and every scan of them) do not show; a function deployed from no
    template is one nobody owns.

    ## Example
    The template grants `dynamodb:GetItem`; someone added `s3:*` to the role in the console.

    ## Use instead
    Put the change in the template and deploy it (or revert it in the account), so the template
    is the whole truth again. Delete functions nobody declares.

    ## References
    - Detect unmanaged configuration changes to stacks (CloudFormation drift detection):
      https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html
    - CWE-1164: Irrelevant Code
    """

    id = "FG9004"
    name = "deployment-drift"
    category = "sprawl.drift"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = "CWE-1164"
    title = "The account differs from the templates"
