"""Permission rules (FG1xxx): what an execution role lets the code that holds it do.

Every rule here is a :class:`RoleRule`: a role is checked once, whatever number of functions
assume it, and each finding names the functions that inherit the grant (or says that no
function assumes the role, and what its trust policy is for). A role is judged by what it
really grants: :func:`faasguard.iam.grants.evaluate_role` expands action wildcards against the
IAM action database, reads the documents of its AWS managed policies, applies explicit Deny
statements and a readable permissions boundary, and keeps Conditions as narrowing notes.

* Statement rules (wildcards, unknown actions, malformed statements) judge what the template
  author wrote: inline statements, pointed at the statement.
* Risk rules (admin, escalation, data exfiltration, credentials, resource exposure) judge every
  grant, managed policies included; a managed policy's grant points at the role and names the
  policy.

What these rules never judge: external roles (``Role.external``: their policies are not in the
template) and the content of customer managed policies (``unknown-managed-policy`` says so).
An :class:`~faasguard.model.Unknown` entry is neither a pass nor a fail.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import Role
from faasguard.rules.interface import RoleRule, Rule, RuleContext
from faasguard.rules.permissions_needed import UnusedGrant

__all__ = [
    "RULES",
    "AdminAccess",
    "CredentialsExposure",
    "DataExfiltration",
    "InvalidPolicyStatement",
    "PartialWildcardAction",
    "PrivilegeEscalation",
    "ResourceExposure",
    "SharedRole",
    "UnknownAction",
    "UnknownManagedPolicy",
    "UnusedGrant",
    "WildcardAction",
    "WildcardResource",
]


class WildcardAction(RoleRule):
    """A statement allows every action of a service (`s3:*`, `*`) or uses `NotAction`.

    ## What it does
    Reports each inline `Allow` statement whose `Action` holds `*`, `svc:*` or a wildcard
    service (`*:Get*`), and each inline `Allow` statement that uses `NotAction`: one finding
    per statement, at the statement, naming every function that assumes the role. When the
    same statement also allows every resource, the finding says so too (no separate
    `wildcard-resource` finding). Patterns are expanded against the IAM action database, so the
    message says how many actions the statement grants today.

    Severity follows what the grant can do: writes or permission changes on every resource
    are high; the same on named resources medium; a statement that allows (nearly) every action
    on every resource is left to `admin-access` (FG1004). A Condition on the statement, or a
    permissions boundary faasguard cannot read, lowers the confidence and is named.

    ## Why is this bad?
    `s3:*` does not mean "read and write objects": it also means `s3:DeleteBucket`,
    `s3:PutBucketPolicy` (make the bucket public) and `s3:PutBucketAcl`, plus every action AWS
    adds to S3 in the future. A flaw in one function (an injection, a leaked token) then
    reaches all of them. `NotAction` with `Allow` is worse: it grants every action of every
    service except the few listed, including new ones.

    ## Example
    ```yaml
    provider:
      iam:
        role:
          statements:
            - Effect: Allow
              Action: "s3:*"
              Resource: arn:aws:s3:::uploads/*
    ```

    ## Use instead
    ```yaml
            - Effect: Allow
              Action: [s3:GetObject, s3:PutObject]
              Resource: arn:aws:s3:::uploads/*
    ```

    ## References
    - IAM best practices, grant least privilege:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    - IAM JSON policy elements, NotAction:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    - OWASP Serverless Top 10, SAS-4: Over-privileged function permissions and roles
    - CWE-250: Execution with Unnecessary Privileges
    """

    id = "FG1001"
    name = "wildcard-action"
    category = "permissions.wildcard-action"
    severity = Severity.HIGH
    cwe = "CWE-250"
    title = "Policy allows every action of a service"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per inline Allow statement with a service or full wildcard."""
        from faasguard.rules import _permission_checks as checks

        return checks.wildcard_action(self, role, ctx)


class PartialWildcardAction(RoleRule):
    """A statement allows actions by pattern (`s3:Get*`, `dynamodb:*Item`).

    ## What it does
    Reports each inline `Allow` statement whose `Action` holds a pattern with `*` or `?` that
    is narrower than a whole service (`svc:*` is `wildcard-action`, FG1001, which takes the
    statement when it has both). One finding per statement, listing the patterns and the
    actions they expand to today; when the statement also allows every resource, the same
    finding says so. Severity follows what the expanded actions can do on those resources:
    low for reads on named resources, up to high for writes on every resource.

    ## Why is this bad?
    A pattern grants more than it reads. `s3:Get*` includes `s3:GetBucketPolicy`,
    `s3:GetObjectAcl` and every `Get` action AWS adds later; `dynamodb:*Item` includes
    `DeleteItem`. The role stops documenting what the function does.

    ## Example
    ```yaml
    - Effect: Allow
      Action: "dynamodb:*Item"
      Resource: !GetAtt Orders.Arn
    ```

    ## Use instead
    ```yaml
    - Effect: Allow
      Action: [dynamodb:GetItem, dynamodb:PutItem]
      Resource: !GetAtt Orders.Arn
    ```

    ## References
    - IAM JSON policy elements, Action (wildcards):
      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    - CWE-250: Execution with Unnecessary Privileges
    """

    id = "FG1002"
    name = "partial-wildcard-action"
    category = "permissions.wildcard-action"
    severity = Severity.LOW
    cwe = "CWE-250"
    title = "Policy allows actions by wildcard pattern"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per inline Allow statement with partial action wildcards."""
        from faasguard.rules import _permission_checks as checks

        return checks.partial_wildcard_action(self, role, ctx)


class WildcardResource(RoleRule):
    """A statement allows actions that can be scoped on every resource (`Resource: "*"`).

    ## What it does
    Reports each inline `Allow` statement without action wildcards whose `Resource` is `*`, an
    ARN covering every resource of a type (`arn:aws:dynamodb:*:*:table/*`, also when written
    with `${AWS::Region}`/`${AWS::AccountId}`, as SAM policy templates are), or that uses
    `NotResource`, when at least one of its actions can be scoped to a resource. Statements
    with action wildcards are reported once, by `wildcard-action` or `partial-wildcard-action`,
    which name the wildcard resource too.

    Actions that accept only `*` (the IAM action database lists no resource type for them:
    `ses:VerifyEmailIdentity`, `sts:GetCallerIdentity`, `xray:PutTraceSegments`) are not
    reported, nor are a few that AWS's own function policies grant on `*`
    (`ec2:CreateNetworkInterface` for VPC functions, `cloudwatch:PutMetricData`), nor
    misspelled actions, which grant nothing (`unknown-action` reports them). Add more
    exemptions with `[rules.options.wildcard-resource] exempt-actions = [...]`.

    Severity follows what the actions can do: writes or permission changes on every resource
    are high, reads medium, listing low. Log, X-Ray and VPC-networking writes alone (what
    `AWSLambdaBasicExecutionRole` grants every function on `*`) are low.

    ## Why is this bad?
    `dynamodb:GetItem` on `*` reads every table in the account, not only the function's; a
    function that can be tricked into choosing the table name (an injection, a confused
    deputy) reads them all. The grant also silently extends to tables created later.

    ## Example
    ```yaml
    - Effect: Allow
      Action: [dynamodb:GetItem, dynamodb:PutItem]
      Resource: "*"
    ```

    ## Use instead
    ```yaml
    - Effect: Allow
      Action: [dynamodb:GetItem, dynamodb:PutItem]
      Resource: !GetAtt Orders.Arn
    ```

    ## References
    - Service Authorization Reference (resource types per action):
      https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html
    - IAM best practices, grant least privilege:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    - CWE-250: Execution with Unnecessary Privileges
    """

    id = "FG1003"
    name = "wildcard-resource"
    category = "permissions.wildcard-resource"
    severity = Severity.MEDIUM
    cwe = "CWE-250"
    title = "Policy allows actions on every resource"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per inline Allow statement granting scopable actions widely."""
        from faasguard.rules import _permission_checks as checks

        return checks.wildcard_resource(self, role, ctx)


class UnknownAction(RoleRule):
    """A statement names an action AWS does not have: it grants nothing (a typo?).

    ## What it does
    Reports each `Action` or `NotAction` entry of an inline statement that matches no IAM
    action in faasguard's action database (the AWS Service Authorization Reference): a
    misspelled name (`sts:GetCallerIdentify`), a wrong service prefix (`dynamo:GetItem`), or a
    pattern that matches nothing (`s3:Gett*`). One finding per statement, with a suggestion
    when a real action has a close name. Such an entry is never reported as a risk by the other
    rules: it grants nothing. Statements SAM writes itself (policy templates, event source and
    destination grants) are not reported: its `SQSPollerPolicy` lists `sqs:DeleteMessageBatch`,
    which IAM does not have, and only AWS can fix that.

    ## Why is this bad?
    IAM accepts the policy and silently grants nothing for the entry, so the function fails at
    run time with `AccessDenied`, or worse, the author "fixes" it with a wildcard. In a
    `NotAction` or `Deny` statement a typo means the exclusion does not happen.

    ## Example
    ```yaml
    - Effect: Allow
      Action: sts:GetCallerIdentify
      Resource: "*"
    ```

    ## Use instead
    ```yaml
    - Effect: Allow
      Action: sts:GetCallerIdentity
      Resource: "*"
    ```

    ## References
    - Service Authorization Reference:
      https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html
    - IAM Access Analyzer policy validation:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-validation.html
    """

    id = "FG1007"
    name = "unknown-action"
    category = "permissions.unknown-action"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    title = "Policy names an action that does not exist"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per inline statement holding unknown actions."""
        from faasguard.rules import _permission_checks as checks

        return checks.unknown_action(self, role, ctx)


class InvalidPolicyStatement(RoleRule):
    """A policy statement is malformed, so IAM rejects it or reads it differently.

    ## What it does
    Reports each inline statement that IAM cannot read as written: an `Effect` other than
    `Allow` or `Deny` (`allow`, `Alow`), an `Action` or `Resource` entry that is a number or a
    mapping, a `Statement` (or Serverless `iamRoleStatements`) that is a string instead of a
    list, or a statement that is not a mapping. The finding points at the file and line; the
    statement is then ignored by the other permission rules, which cannot judge it.

    ## Why is this bad?
    The deployment fails (`MalformedPolicyDocument`), or a tool that guessed would judge a
    policy that can never exist. Either way the role's real permissions are not what the
    template seems to say.

    ## Example
    ```yaml
    iamRoleStatements:
      - Effect: Alow
        Action: 5
        Resource: "*"
    ```

    ## Use instead
    ```yaml
    iamRoleStatements:
      - Effect: Allow
        Action: sqs:SendMessage
        Resource: !GetAtt Queue.Arn
    ```

    ## References
    - IAM JSON policy element reference:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
    """

    id = "FG1008"
    name = "invalid-policy-statement"
    category = "permissions.invalid-policy"
    severity = Severity.MEDIUM
    title = "Policy statement is malformed"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per malformed inline statement."""
        from faasguard.rules import _permission_checks as checks

        return checks.invalid_policy_statement(self, role, ctx)


class AdminAccess(RoleRule):
    """A role holds administrator access (`*` on `*`, AdministratorAccess, PowerUserAccess).

    ## What it does
    Reports each policy that allows every action, or nearly every one, on every resource: an
    inline `Allow` of `*` on `*` (at the statement), an `Allow` with `NotAction` on `*` that
    still grants 90% of all IAM actions, and any AWS managed policy whose document does the
    same (`AdministratorAccess` is critical; `PowerUserAccess`, everything but IAM and
    Organizations, is high), at the role. Managed policies are judged by their real documents,
    not by their names. A Condition or an unreadable permissions boundary lowers the
    confidence; a readable boundary that removes the access removes the finding.

    ## Why is this bad?
    Whoever runs code under the role owns the AWS account: every store, every secret, every
    other function, and IAM itself. A single injection, a vulnerable dependency or a leaked
    deployment package becomes a full account compromise.

    ## Example
    ```yaml
    MyFunction:
      Type: AWS::Serverless::Function
      Properties:
        Policies:
          - AdministratorAccess
    ```

    ## Use instead
    ```yaml
        Policies:
          - DynamoDBReadPolicy:
              TableName: !Ref Orders
    ```

    ## References
    - AWS managed policies for job functions:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
    - OWASP Serverless Top 10, SAS-4: Over-privileged function permissions and roles
    - CWE-250: Execution with Unnecessary Privileges
    """

    id = "FG1004"
    name = "admin-access"
    category = "permissions.admin"
    severity = Severity.CRITICAL
    cwe = "CWE-250"
    title = "Role has administrator access"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per admin statement or admin managed policy."""
        from faasguard.rules import _permission_checks as checks

        return checks.admin_access(self, role, ctx)


class PrivilegeEscalation(RoleRule):
    """A role can raise its own or another principal's privileges.

    ## What it does
    Checks the role's effective grants (inline statements and AWS managed policy documents,
    wildcards expanded, explicit Denies and a readable permissions boundary applied) against
    the known escalation paths: rewriting or attaching IAM policies (`iam:CreatePolicyVersion`,
    `iam:SetDefaultPolicyVersion`, `iam:Attach*Policy`, `iam:Put*Policy`), joining groups,
    editing a role's trust policy (`iam:UpdateAssumeRolePolicy`), minting access keys or
    console passwords for users, lifting permissions boundaries, replacing another function's
    code or layers (`lambda:UpdateFunctionCode`, `lambda:UpdateFunctionConfiguration`),
    passing a role to a compute service it controls (`iam:PassRole` with
    `lambda:CreateFunction`, `ec2:RunInstances`, `cloudformation:CreateStack`,
    `glue:CreateDevEndpoint`, `codebuild:CreateProject`+`StartBuild`,
    `states:CreateStateMachine`+`StartExecution`, `ecs:RegisterTaskDefinition`+`RunTask`,
    `datapipeline`, `sagemaker`), and `sts:AssumeRole` on every role.

    One finding per policy source that enables paths (an inline statement, or a managed
    policy), listing each path with the statements that grant every action it needs. An
    `iam:PassedToService` condition that excludes a path's service closes that path; other
    Conditions lower the confidence. Severity: critical when IAM policies can be rewritten on
    every resource (an immediate takeover), high for other paths on every resource, medium on
    named resources, low for `iam:PassRole` on named roles.

    ## Why is this bad?
    These actions turn a limited role into an administrator: `iam:PutRolePolicy` on `*` lets
    the code write `Allow *:*` onto its own role; `iam:PassRole` plus
    `lambda:CreateFunction` lets it start a new function with any more privileged role;
    `lambda:UpdateFunctionCode` lets it run its code under another function's role. Any code
    execution bug becomes an account takeover.

    ## Example
    ```yaml
    - Effect: Allow
      Action: [iam:PassRole, lambda:CreateFunction]
      Resource: "*"
    ```

    ## Use instead
    ```yaml
    - Effect: Allow
      Action: iam:PassRole
      Resource: !GetAtt WorkerRole.Arn
      Condition:
        StringEquals:
          iam:PassedToService: states.amazonaws.com
    ```

    ## References
    - Rhino Security Labs, AWS IAM Privilege Escalation, Methods and Mitigations:
      https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
    - Granting a user permissions to pass a role to an AWS service:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
    - CWE-269: Improper Privilege Management
    """

    id = "FG1005"
    name = "privilege-escalation"
    category = "permissions.privilege-escalation"
    severity = Severity.HIGH
    cwe = "CWE-269"
    title = "Role can escalate privileges"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per policy source that enables escalation paths."""
        from faasguard.rules import _permission_checks as checks

        return checks.privilege_escalation(self, role, ctx)


class DataExfiltration(RoleRule):
    """A role can read data from every bucket, table, queue or parameter of a kind.

    ## What it does
    Reports grants of data-reading actions (`s3:GetObject`, `dynamodb:GetItem`/`Query`/`Scan`,
    `sqs:ReceiveMessage`, `kinesis:GetRecords`, `ssm:GetParameter*`, `logs:GetLogEvents`,
    `rds-data:ExecuteStatement`, `athena:GetQueryResults`...) on `*`, on every resource of the
    type (`arn:aws:s3:::*/*`, `arn:aws:dynamodb:*:*:table/*`), or through `NotResource`: one
    finding per policy source (inline statement or managed policy, such as
    `AmazonS3ReadOnlyAccess` or `AmazonDynamoDBFullAccess`). High on `*`, medium on every
    resource of one type. Grants on named resources are the point of a role and not reported,
    nor are those of the execution policies SAM and Serverless attach on their own for polling
    event sources (`AWSLambdaSQSQueueExecutionRole`: `sqs:ReceiveMessage` on `*`), which the
    template author did not write; `shared-role` still counts them.

    ## Why is this bad?
    A function needs its own table, not every table in the account. With a wide read grant, a
    code injection or a confused-deputy bug (the caller chooses the key or bucket name) reads
    every customer's data, other applications' data included.

    ## Example
    ```yaml
    Policies:
      - AmazonS3ReadOnlyAccess
    ```

    ## Use instead
    ```yaml
    Policies:
      - S3ReadPolicy:
          BucketName: !Ref UploadsBucket
    ```

    ## References
    - Cloudsplaining, data exfiltration risk category:
      https://github.com/salesforce/cloudsplaining
    - CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
    """

    id = "FG1009"
    name = "data-exfiltration"
    category = "permissions.data-exfiltration"
    severity = Severity.HIGH
    cwe = "CWE-200"
    title = "Role can read data from every store of a kind"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per policy source granting bulk data reads."""
        from faasguard.rules import _permission_checks as checks

        return checks.data_exfiltration(self, role, ctx)


class CredentialsExposure(RoleRule):
    """A role can mint or read credentials: secrets, parameters, access keys, tokens.

    ## What it does
    Reports grants of actions that create or reveal credentials on `*`, on every resource of
    the type, or through `NotResource`: `secretsmanager:GetSecretValue`, `ssm:GetParameter*`,
    `iam:CreateAccessKey`, `iam:CreateLoginProfile`, service-specific credentials,
    `lambda:GetFunction`/`GetFunctionConfiguration` (another function's code and environment
    variables), `redshift:GetClusterCredentials`, `rds-db:connect`, `ec2:GetPasswordData`,
    Cognito identity tokens... One finding per policy source. High on `*`, medium on every
    resource of one type.

    ## Why is this bad?
    Credentials outlive the function: a key or password read once by injected code is used
    from anywhere, long after the bug is fixed, with the permissions of whatever it unlocks.

    ## Example
    ```yaml
    - Effect: Allow
      Action: secretsmanager:GetSecretValue
      Resource: "*"
    ```

    ## Use instead
    ```yaml
    - Effect: Allow
      Action: secretsmanager:GetSecretValue
      Resource: !Ref DatabaseSecret
    ```

    ## References
    - Cloudsplaining, credentials exposure risk category:
      https://github.com/salesforce/cloudsplaining
    - CWE-522: Insufficiently Protected Credentials
    """

    id = "FG1010"
    name = "credentials-exposure"
    category = "permissions.credentials-exposure"
    severity = Severity.HIGH
    cwe = "CWE-522"
    title = "Role can read or mint credentials broadly"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per policy source granting credential actions widely."""
        from faasguard.rules import _permission_checks as checks

        return checks.credentials_exposure(self, role, ctx)


class ResourceExposure(RoleRule):
    """A role can change who may access resources: policies, ACLs, grants, permissions.

    ## What it does
    Reports grants of actions whose access level is *Permissions management* in the IAM action
    database, outside IAM itself (that is `privilege-escalation`): `s3:PutBucketPolicy`,
    `s3:PutBucketAcl`, `lambda:AddPermission`, `sqs:AddPermission`, `sns:AddPermission`,
    `kms:CreateGrant`, `kms:PutKeyPolicy`, `secretsmanager:PutResourcePolicy`,
    `ecr:SetRepositoryPolicy`, `dynamodb:PutResourcePolicy`... on `*`, on every resource of
    the type, or through `NotResource`. One finding per policy source, high on `*`, medium on
    every resource of one type.

    ## Why is this bad?
    One call makes a bucket, key, queue or function public, or shares it with an attacker's
    account: the data leaves without the function ever reading it, and the exposure survives
    the function.

    ## Example
    ```yaml
    - Effect: Allow
      Action: [s3:PutBucketPolicy, s3:PutObject]
      Resource: "*"
    ```

    ## Use instead
    ```yaml
    - Effect: Allow
      Action: s3:PutObject
      Resource: arn:aws:s3:::uploads/*
    ```

    ## References
    - Cloudsplaining, resource exposure risk category:
      https://github.com/salesforce/cloudsplaining
    - CWE-732: Incorrect Permission Assignment for Critical Resource
    """

    id = "FG1011"
    name = "resource-exposure"
    category = "permissions.resource-exposure"
    severity = Severity.HIGH
    cwe = "CWE-732"
    title = "Role can make resources public or shared"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per policy source granting permission changes widely."""
        from faasguard.rules import _permission_checks as checks

        return checks.resource_exposure(self, role, ctx)


class UnknownManagedPolicy(RoleRule):
    """A role attaches a managed policy whose document faasguard cannot see.

    ## What it does
    Reports, at the role, each managed policy that is not an AWS managed policy faasguard knows:
    a customer managed policy ARN (`arn:aws:iam::123456789012:policy/app-access`), an
    unresolved value (`!ImportValue`, a parameter), or an AWS managed policy name that does not
    exist (a typo, or a policy AWS retired). What it grants is unknown: the other permission
    rules judge the role without it, so their silence does not mean it is safe. Info severity,
    except for an AWS-managed-looking name that does not exist (low: it grants nothing, and the
    deployment fails).

    ## Why is this bad?
    The role's real permissions are not in the template, so neither review nor this scan can
    tell whether the function holds `s3:*` on `*`.

    ## Example
    ```yaml
    ManagedPolicyArns:
      - arn:aws:iam::123456789012:policy/shared-app-access
    ```

    ## Use instead
    ```yaml
    Policies:
      - PolicyName: orders
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !GetAtt Orders.Arn
    ```

    ## References
    - Managed policies and inline policies:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
    """

    id = "FG1012"
    name = "unknown-managed-policy"
    category = "permissions.unknown-policy"
    severity = Severity.INFO
    confidence = Confidence.HIGH
    title = "Role attaches a policy faasguard cannot read"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per managed policy whose document is unknown."""
        from faasguard.rules import _permission_checks as checks

        return checks.unknown_managed_policy(self, role, ctx)


class SharedRole(RoleRule):
    """Several functions share one execution role, so each inherits every function's grants.

    ## What it does
    Reports a role (defined in the template) assumed by two functions or more, once, at the
    role. The message lists what each function inherits: every action the role grants (inline
    statements and AWS managed policy documents, wildcards expanded), grouped by the policy
    that grants it, with the count of write and permission-management actions. A role that
    grants only baseline permissions (logs, X-Ray, VPC networking) is reported at low
    severity: sharing it costs nothing today, but a statement added for one function later
    reaches all of them. A shared role that grants writes or permission changes on every
    resource is high. The Serverless Framework's default `IamRoleLambdaExecution` is shared by
    every function of a service, which is the most common case. External roles are not
    reported: their permissions are unknown.

    `faasguard permissions` shows, per function, which of the inherited grants its code
    never uses.

    ## Why is this bad?
    Least privilege is per function. When a public API handler shares a role with a reporting
    job, the handler can also read every table the job reads; a flaw in the most exposed
    function reaches the permissions of the most privileged one.

    ## Example
    ```yaml
    provider:
      iam:
        role:
          statements:
            - Effect: Allow
              Action: [dynamodb:Query]
              Resource: !GetAtt Reports.Arn
    functions:
      publicApi: {handler: api.handler}
      nightlyReport: {handler: report.handler}
    ```

    ## Use instead
    ```yaml
    plugins: [serverless-iam-roles-per-function]
    functions:
      publicApi:
        handler: api.handler
      nightlyReport:
        handler: report.handler
        iamRoleStatements:
          - Effect: Allow
            Action: [dynamodb:Query]
            Resource: !GetAtt Reports.Arn
    ```

    ## References
    - AWS Lambda execution role:
      https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    - serverless-iam-roles-per-function plugin:
      https://github.com/functionalone/serverless-iam-roles-per-function
    - OWASP Serverless Top 10, SAS-4: Over-privileged function permissions and roles
    - CWE-250: Execution with Unnecessary Privileges
    """

    id = "FG1006"
    name = "shared-role"
    category = "permissions.shared-role"
    severity = Severity.MEDIUM
    cwe = "CWE-250"
    title = "Functions share one execution role"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when two or more functions assume the role."""
        from faasguard.rules import _permission_checks as checks

        return checks.shared_role(self, role, ctx)


#: The permission rules, in id order.
RULES: tuple[type[Rule], ...] = (
    WildcardAction,
    PartialWildcardAction,
    WildcardResource,
    AdminAccess,
    PrivilegeEscalation,
    SharedRole,
    UnknownAction,
    InvalidPolicyStatement,
    DataExfiltration,
    CredentialsExposure,
    ResourceExposure,
    UnknownManagedPolicy,
    UnusedGrant,
)
