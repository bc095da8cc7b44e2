"""What only a live account shows: drift from the templates (FG9004), unused roles (FG9005).

Listed in ``sprawl.RULES``. Both need more than one element at once (two models; every role
against every function of the regions read), so no single-element check can make them: the
live loader (:mod:`faasguard.live.drift`, :mod:`faasguard.live.scan`) produces these findings,
and this module holds the rules' metadata and documentation.
"""

from __future__ import annotations

from faasguard.findings import Confidence, Severity
from faasguard.rules.interface import ToolRule

__all__ = ["DeploymentDrift", "UnusedRole"]


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


class UnusedRole(ToolRule):
    """An IAM role made for Lambda is used by no function of the regions scanned.

    ## What it does
    In a live account scan (`faasguard scan aws://REGIONS`), reports each IAM role whose trust
    policy lets `lambda.amazonaws.com` assume it and that no function of the regions read uses
    as its execution role. Roles are global: a function in a region that was not scanned may
    still use it, which the message says (confidence low).

    ## Why is this bad?
    A role nobody uses still holds its permissions. Anyone who can pass it to a new function
    (`iam:PassRole` plus `lambda:CreateFunction`) gets them, and nobody reviews a role that
    seems to belong to nothing.

    ## Example
    The role `orders-v1-role` stayed behind when its function was deleted.

    ## Use instead
    Delete the role (after checking `RoleLastUsed` in IAM), or suppress this finding with a
    reason naming the region or the account that uses it.

    ## References
    - IAM best practices, remove unused users, roles, permissions:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
    - CWE-1164: Irrelevant Code
    """

    id = "FG9005"
    name = "unused-role"
    category = "sprawl.unused-role"
    severity = Severity.LOW
    confidence = Confidence.LOW
    cwe = "CWE-1164"
    title = "Role for Lambda used by no function"
