"""Permission rules that compare a role's grants with what the function needs (FG1040-FG1059).

They have no ``check`` over the model: what a function needs comes from its code, which only an
analyzer may read (:mod:`faasguard.iam.needed.analyzer` creates their findings). They belong to
the ``permissions`` family and are listed in :data:`faasguard.rules.permissions.RULES`.
"""

from __future__ import annotations

from faasguard.findings import Confidence, Severity
from faasguard.rules.interface import ToolRule

__all__ = ["UnusedGrant"]


class UnusedGrant(ToolRule):
    """The function's role grants actions that no code path, trigger or platform feature needs.

    ## What it does
    Works out what each function needs: every AWS SDK call in its own code (boto3 clients,
    resources, paginators, waiters and helpers; aws-sdk v2; `@aws-sdk/*` v3 commands,
    `lib-dynamodb` and `lib-storage`; Powertools parameters), mapped to IAM actions; what its
    triggers need (SQS, Kinesis and DynamoDB stream polling); and what Lambda does with the role
    (logs, X-Ray, VPC interfaces, dead-letter and on-failure sends). It then expands every
    statement of the function's role, AWS managed policies included, and reports per statement
    the actions nothing needs, naming the managed policy when they come from one.

    Nothing is reported for a function whose needs are incomplete (an SDK call whose service or
    operation is computed at run time, a handler faasguard cannot find or parse, a container
    image): `faasguard permissions` lists those under `unknown`.

    ## Why is this bad?
    Every action a function holds but does not use is available to whoever takes over the
    function (an injection, a vulnerable dependency), and to nobody else. Unused grants turn a
    small compromise into a data breach or an account takeover.

    ## Example
    ```python
    # handler: only reads one item
    table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
    def handler(event, context):
        return table.get_item(Key={"id": event["id"]})
    ```
    ```yaml
    Policies:
      - arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess   # every action on every table
    ```

    ## Use instead
    ```yaml
    Policies:
      - Statement:
          - Effect: Allow
            Action: dynamodb:GetItem
            Resource: !GetAtt OrdersTable.Arn
    ```
    `faasguard permissions PATH` prints the least-privilege policy for each function and
    `faasguard permissions PATH --fix` writes it into the template.

    ## References
    - AWS Lambda execution role: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    - IAM best practices, apply least-privilege permissions: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
    - CWE-250: Execution with Unnecessary Privileges
    """

    id = "FG1040"
    name = "unused-grant"
    category = "permissions.unused-grant"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = "CWE-250"
    title = "Role grants actions the function never uses"


RULES: tuple[type[ToolRule], ...] = (UnusedGrant,)
