"""Permission rules (FG1xxx): what a function's execution role lets its code do.

Every rule here is a :class:`RoleRule`: a role is checked once, whatever number of functions
assume it, and each finding names the functions that inherit the grant. Statement findings
point at the statement; role findings (managed policies, sharing) point at the role.

What these rules never judge:

* external roles (``Role.external``): their policies are not in the template;
* customer managed policies: only their ARN is known;
* :class:`~faasguard.model.Unknown` actions, resources or effects: an unresolved entry is
  neither a pass nor a fail.

IAM semantics (wildcards, ``NotAction``, resource scope) and the curated action catalogs live in
:mod:`faasguard.rules._iam`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import AppFormat, Role, Statement, Unknown
from faasguard.rules import _iam
from faasguard.rules._iam import EscalationAction, Scope
from faasguard.rules._template_keys import TemplateKey
from faasguard.rules.interface import RoleRule, Rule, RuleContext

__all__ = [
    "RULES",
    "AdminAccess",
    "PartialWildcardAction",
    "PrivilegeEscalation",
    "SharedRole",
    "WildcardAction",
    "WildcardResource",
]

_SLS_DEFAULT_ROLE = "IamRoleLambdaExecution"
# How many items a message lists before it says "and N more".
_LIST_LIMIT = 15

# Where to find resource ARNs, per service, for "replace `*` with ..." remediations.
_ARN_HINTS = {
    "s3": "`arn:aws:s3:::my-bucket/*` (objects) and `arn:aws:s3:::my-bucket` (the bucket)",
    "dynamodb": "`!GetAtt MyTable.Arn` (and `${MyTable.Arn}/index/*` for its indexes)",
    "sqs": "`!GetAtt MyQueue.Arn`",
    "sns": "`!Ref MyTopic`",
    "secretsmanager": "`!Ref MySecret`",
    "ssm": "`arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/my-app/*`",
    "kms": "`!GetAtt MyKey.Arn`",
    "lambda": "`!GetAtt OtherFunction.Arn`",
    "states": "`!Ref MyStateMachine`",
    "events": "`!GetAtt MyEventBus.Arn`",
    "kinesis": "`!GetAtt MyStream.Arn`",
    "logs": "`arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/my-fn:*`",
}

_PER_FUNCTION_ROLES = TemplateKey(
    serverless=(
        "give each function its own `iamRoleStatements` with the serverless-iam-roles-per-"
        "function plugin (or a `role:` per function)"
    ),
    sam="give each `AWS::Serverless::Function` its own `Policies` (SAM creates one role each)",
    cloudformation="create one `AWS::IAM::Role` per function and set each function's `Role`",
    terraform="create one `aws_iam_role` per `aws_lambda_function`",
    cdk="let each `lambda.Function` create its own role and grant with `table.grantReadData(fn)`",
)


# --------------------------------------------------------------------------- helpers


def _fmt(items: Iterable[str | Unknown]) -> str:
    """Render a list of policy entries the way they are written, Unknown as ``<unknown>``."""
    rendered = ["<unknown>" if isinstance(i, Unknown) else i for i in items]
    return ", ".join(rendered) if rendered else "(none)"


def _ticked(items: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in items)


def _capped(items: Sequence[str]) -> str:
    if len(items) <= _LIST_LIMIT:
        return ", ".join(items)
    return f"{', '.join(items[:_LIST_LIMIT])} and {len(items) - _LIST_LIMIT} more"


def _statement_label(stmt: Statement) -> str:
    return f"`{stmt.origin}`" + (f" (Sid `{stmt.sid}`)" if stmt.sid else "")


def _heirs(role: Role) -> tuple[str | None, str]:
    """Return the finding's function field and a sentence naming who inherits the grant."""
    if not role.functions:
        return None, "No function in this template uses the role yet."
    if len(role.functions) == 1:
        return role.functions[0], f"Function `{role.functions[0]}` inherits it."
    names = ", ".join(f"`{f}`" for f in role.functions)
    return None, f"Functions {names} inherit it ({len(role.functions)} functions)."


def _resources_text(stmt: Statement) -> str:
    if stmt.not_resources:
        return f"every resource except {_fmt(stmt.not_resources)} (NotResource)"
    return _fmt(stmt.resources)


def _is_admin_statement(stmt: Statement) -> bool:
    """``Allow *`` on ``*`` (or on ``NotResource``): reported by admin-access alone."""
    return (
        _iam.is_allow(stmt)
        and any(isinstance(a, str) and _iam.is_full_wildcard(a) for a in stmt.actions)
        and _iam.statement_scope(stmt) is Scope.EVERYTHING
    )


def _confidence(stmt: Statement, role: Role) -> Confidence | None:
    """Lower confidence when a condition or a permissions boundary may narrow the grant."""
    if stmt.condition is not None or role.permissions_boundary is not None:
        return Confidence.MEDIUM
    return None


def _narrowing_note(stmt: Statement, role: Role) -> str:
    notes = []
    if stmt.condition is not None:
        notes.append("the statement has a Condition that may narrow it")
    if role.permissions_boundary is not None:
        notes.append(f"the role has a permissions boundary ({role.permissions_boundary})")
    return f" ({'; '.join(notes)})" if notes else ""


def _known_aws_managed(role: Role) -> Iterator[str]:
    for policy in role.managed_policies:
        if isinstance(policy, str):
            name = _iam.aws_managed_policy(policy)
            if name is not None:
                yield name


def _rule_option_strings(ctx: RuleContext, rule: str, key: str) -> frozenset[str]:
    """Return a list-of-strings option of ``[rules.options.<rule>]``, lower-cased."""
    value: Any = ctx.options.extra.get(rule, {}).get(key, ())
    if isinstance(value, (list, tuple)):
        return frozenset(v.strip().lower() for v in value if isinstance(v, str))
    return frozenset()


# --------------------------------------------------------------------------- rules


class WildcardAction(RoleRule):
    """A policy statement allows every action of a service (`s3:*`) or uses `NotAction`.

    ## What it does
    Reports each `Allow` statement of a function role whose `Action` contains `*`, `svc:*` or a
    wildcard service (`*:Get*`), and each `Allow` statement that uses `NotAction`. One finding
    per statement, at the statement; it names every function that assumes the role.
    `Action: "*"` on `Resource: "*"` is left to `admin-access` (FG1004). Partial wildcards
    such as `s3:Get*` are reported, at a lower severity, by `partial-wildcard-action` (FG1002).

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
        """Yield one finding per offending Allow statement of the role."""
        if role.external:
            return
        function, heirs = _heirs(role)
        for stmt in role.statements:
            if not _iam.is_allow(stmt) or _is_admin_statement(stmt):
                continue
            note = _narrowing_note(stmt, role)
            if stmt.not_actions and not stmt.actions:
                yield self.finding(
                    ctx,
                    message=(
                        f"Statement {_statement_label(stmt)} of role `{role.id}` allows every "
                        f"action of every AWS service except {_fmt(stmt.not_actions)} "
                        f"(NotAction with Allow) on {_resources_text(stmt)}{note}. {heirs}"
                    ),
                    location=stmt.location,
                    function=function,
                    resource=role.id,
                    evidence=(
                        f"Allow NotAction [{_fmt(stmt.not_actions)}] on "
                        f"[{_fmt(stmt.resources or stmt.not_resources)}]"
                    ),
                    remediation=(
                        "Replace `NotAction` with an `Action` list naming only the actions the "
                        "function calls (e.g. `dynamodb:GetItem`, `s3:PutObject`); faasguard "
                        "will be able to derive that list from the function code in a later "
                        "release. Keep exclusions, if needed, in a separate `Deny` statement."
                    ),
                    confidence=_confidence(stmt, role),
                )
                continue
            wild = [
                a
                for a in stmt.actions
                if isinstance(a, str) and (_iam.is_full_wildcard(a) or _iam.is_service_wildcard(a))
            ]
            if not wild:
                continue
            yield self.finding(
                ctx,
                message=(
                    f"Statement {_statement_label(stmt)} of role `{role.id}` allows "
                    f"{self._describe(wild)} on {_resources_text(stmt)}{note}. {heirs}"
                ),
                location=stmt.location,
                function=function,
                resource=role.id,
                evidence=f"Allow {_fmt(wild)} on [{_fmt(stmt.resources or stmt.not_resources)}]",
                remediation=(
                    f"Replace {', '.join(f'`{w}`' for w in wild)} with the actions the function "
                    f"calls ({_example_actions(wild[0])}); faasguard will be able to derive that "
                    "list from the function code in a later release."
                ),
                confidence=_confidence(stmt, role),
            )

    @staticmethod
    def _describe(wild: Sequence[str]) -> str:
        parts = []
        for pattern in wild:
            service, _, action = pattern.strip().partition(":")
            if _iam.is_full_wildcard(pattern):
                parts.append(f"`{pattern}` (every action of every service)")
            elif action == "*":
                parts.append(f"`{pattern}` (every {service} action, present and future)")
            else:
                parts.append(f"`{pattern}` (the {action} actions of every service)")
        return ", ".join(parts)


class PartialWildcardAction(RoleRule):
    """A policy statement allows actions by prefix or pattern (`s3:Get*`, `dynamodb:*Item`).

    ## What it does
    Reports each `Allow` statement of a function role whose `Action` holds a pattern with `*`
    or `?` that is narrower than a whole service (`svc:*` is `wildcard-action`, FG1001). One
    finding per statement, listing the patterns.

    ## Why is this bad?
    A pattern grants more than it reads. `s3:Get*` includes `s3:GetBucketPolicy`,
    `s3:GetObjectAcl` and every `Get` action AWS adds later; `dynamodb:*Item` includes
    `DeleteItem`. The risk is lower than `svc:*` because the verb is fixed, hence the low
    severity, but the role stops documenting what the function does.

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
        """Yield one finding per Allow statement with partial action wildcards."""
        if role.external:
            return
        function, heirs = _heirs(role)
        for stmt in role.statements:
            if not _iam.is_allow(stmt):
                continue
            partial = [
                a
                for a in stmt.actions
                if isinstance(a, str)
                and _iam.has_wildcard(a)
                and not _iam.is_full_wildcard(a)
                and not _iam.is_service_wildcard(a)
            ]
            if not partial:
                continue
            yield self.finding(
                ctx,
                message=(
                    f"Statement {_statement_label(stmt)} of role `{role.id}` allows actions by "
                    f"pattern: {', '.join(f'`{p}`' for p in partial)}, which also match actions "
                    f"the function does not call and any AWS adds later. {heirs}"
                ),
                location=stmt.location,
                function=function,
                resource=role.id,
                evidence=f"Allow {_fmt(partial)} on [{_fmt(stmt.resources or stmt.not_resources)}]",
                remediation=(
                    f"Replace {', '.join(f'`{p}`' for p in partial)} with the exact actions the "
                    "function calls (e.g. `dynamodb:GetItem` instead of `dynamodb:*Item`); "
                    "faasguard will be able to derive them from the code in a later release."
                ),
                confidence=_confidence(stmt, role),
            )


class WildcardResource(RoleRule):
    """A policy statement allows resource-scoped actions on every resource (`Resource: "*"`).

    ## What it does
    Reports each `Allow` statement of a function role whose `Resource` is `*` (medium), or an
    ARN covering every resource of a type such as `arn:aws:dynamodb:*:*:table/*` (low), or that
    uses `NotResource`, when at least one of its actions supports resource-level permissions.

    Actions that accept only `*` (their Service Authorization Reference entry has no resource
    type, e.g. `xray:PutTraceSegments`, `sts:GetCallerIdentity`, `kms:ListAliases`,
    `ec2:DescribeNetworkInterfaces`) are exempt, from a catalog curated in faasguard and checked
    against the AWS reference in its tests. So are a few actions AWS's own Lambda policies grant
    on `*` (the `ec2:CreateNetworkInterface` family for VPC functions,
    `cloudwatch:PutMetricData`). For services the catalog covers completely (S3, DynamoDB, SQS,
    SNS, KMS, Lambda, Secrets Manager, STS...) the finding has high confidence; for other
    services an action missing from the catalog might still accept only `*`, so confidence is
    medium. Add more exemptions with `[rules.options.wildcard-resource] exempt-actions = [...]`.

    Statements with `Action: "*"` on `*` are left to `admin-access` (FG1004) and `NotAction`
    statements to `wildcard-action` (FG1001).

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
        """Yield one finding per Allow statement granting scoped actions on every resource."""
        if role.external:
            return
        function, heirs = _heirs(role)
        extra_exempt = _rule_option_strings(ctx, self.name, "exempt-actions")
        for stmt in role.statements:
            if not _iam.is_allow(stmt) or _is_admin_statement(stmt):
                continue
            if stmt.not_actions and not stmt.actions:
                continue
            scope = _iam.statement_scope(stmt)
            if scope is None or scope is Scope.SPECIFIC:
                continue
            scoped = [
                a for a in stmt.actions if isinstance(a, str) and not self._exempt(a, extra_exempt)
            ]
            if not scoped:
                continue
            wide = (
                [f"NotResource {_fmt(stmt.not_resources)}"]
                if stmt.not_resources
                else [
                    r
                    for r in stmt.resources
                    if isinstance(r, str) and _iam.resource_scope(r) is not Scope.SPECIFIC
                ]
            )
            certain = all(self._certain(a) for a in scoped)
            confidence = _confidence(stmt, role) or (None if certain else Confidence.MEDIUM)
            services = sorted({a.partition(":")[0].lower() for a in scoped})
            hints = [f"{s}: {_ARN_HINTS[s]}" for s in services if s in _ARN_HINTS]
            hint_text = f" For example {'; '.join(hints)}." if hints else ""
            reach = (
                "every resource in the account, including ones created later"
                if scope is Scope.EVERYTHING
                else "every resource of that type"
            )
            yield self.finding(
                ctx,
                message=(
                    f"Statement {_statement_label(stmt)} of role `{role.id}` allows "
                    f"{_capped(scoped)} on {_ticked(wide)}: {reach}"
                    f"{_narrowing_note(stmt, role)}. {heirs}"
                ),
                location=stmt.location,
                function=function,
                resource=role.id,
                evidence=f"Allow {_fmt(scoped)} on [{_fmt(wide)}]",
                remediation=(
                    f"Replace {_ticked(wide)} with the ARNs of the resources the function uses."
                    f"{hint_text} Keep actions that accept only `*` in a statement of their own."
                ),
                severity=Severity.MEDIUM if scope is Scope.EVERYTHING else Severity.LOW,
                confidence=confidence,
            )

    @staticmethod
    def _exempt(action: str, extra: frozenset[str]) -> bool:
        if _iam.has_wildcard(action):
            return False
        key = action.strip().lower()
        return (
            key in _iam.ONLY_STAR_ACTIONS or key in _iam.CONVENTIONAL_STAR_ACTIONS or (key in extra)
        )

    @staticmethod
    def _certain(action: str) -> bool:
        service = action.strip().partition(":")[0].lower()
        return _iam.has_wildcard(action) or service in _iam.COMPLETE_SERVICES


class AdminAccess(RoleRule):
    """A function role holds administrator access (`*` on `*`, AdministratorAccess).

    ## What it does
    Reports an `Allow` statement with `Action: "*"` on `Resource: "*"` (or on `NotResource`),
    one finding per statement, and the AWS managed policies `AdministratorAccess` (critical)
    and `PowerUserAccess` (high: everything but IAM and Organizations), one finding each at
    the role. SAM policy names (`- AdministratorAccess`) are resolved to ARNs by the loader;
    bare names are accepted too. A condition or a permissions boundary on the role lowers the
    confidence, since either may narrow the grant.

    ## Why is this bad?
    Whoever runs code in the function owns the AWS account: every store, every secret, every
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
    title = "Function role has administrator access"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per admin statement and per admin managed policy."""
        if role.external:
            return
        function, heirs = _heirs(role)
        boundary = Confidence.MEDIUM if role.permissions_boundary is not None else None
        for stmt in role.statements:
            if not _is_admin_statement(stmt):
                continue
            yield self.finding(
                ctx,
                message=(
                    f"Statement {_statement_label(stmt)} of role `{role.id}` allows every "
                    f"action on every resource{_narrowing_note(stmt, role)}. {heirs}"
                ),
                location=stmt.location,
                function=function,
                resource=role.id,
                evidence=f"Allow {_fmt(stmt.actions)} on [{_fmt(stmt.resources)}]",
                remediation=(
                    "Remove the `*` statement and list the actions and resources the function "
                    "uses, e.g. `Action: [dynamodb:GetItem]` on `!GetAtt Orders.Arn`."
                ),
                confidence=_confidence(stmt, role),
            )
        for name in _known_aws_managed(role):
            risk = _iam.ADMIN_MANAGED_POLICIES.get(name.lower())
            if risk is None:
                continue
            yield self.finding(
                ctx,
                message=(
                    f"Role `{role.id}` has the AWS managed policy `{risk.name}`, which "
                    f"{risk.why}. {heirs}"
                ),
                location=role.location,
                function=function,
                resource=role.id,
                evidence=f"managed policy {risk.name}",
                remediation=(
                    f"Detach `{risk.name}` and grant only what the function uses, e.g. a SAM "
                    "policy template such as `DynamoDBReadPolicy` or an inline statement with "
                    "exact actions and resource ARNs."
                ),
                severity=Severity.CRITICAL if risk.critical else Severity.HIGH,
                confidence=boundary,
                fingerprint_extra=risk.name,
            )


class PrivilegeEscalation(RoleRule):
    """A function role can raise its own or another's privileges (iam:PassRole, iam:Put*Policy).

    ## What it does
    Reports each `Allow` statement of a function role that grants a privilege-escalation
    action, matching IAM wildcards the way IAM does (`iam:Put*Policy`, `iam:*` and `NotAction`
    all count; names are case-insensitive). The curated list covers IAM policy and credential
    changes (`iam:CreatePolicyVersion`, `iam:AttachRolePolicy`, `iam:PutRolePolicy`,
    `iam:CreateAccessKey`, `iam:UpdateAssumeRolePolicy`, `iam:AddUserToGroup`, boundary
    removal...), `iam:PassRole`, Lambda code and configuration changes
    (`lambda:UpdateFunctionCode`, `lambda:UpdateFunctionConfiguration`,
    `lambda:AddPermission`), `sts:AssumeRole` on `*`, `glue:UpdateDevEndpoint`, and the
    actions that are an escalation only together with `iam:PassRole` somewhere in the same role
    (`lambda:CreateFunction`, `ec2:RunInstances`, `cloudformation:CreateStack`,
    `glue:CreateDevEndpoint`, `codebuild:CreateProject`, `states:CreateStateMachine`...).
    The managed policies `IAMFullAccess` (critical) and `AWSLambda_FullAccess` (high) are
    reported at the role. An action denied on `*` by an unconditional `Deny` statement of the
    same role is not reported.

    Severity follows the resource: high on `*`, `NotResource` or a whole-type ARN
    (`arn:aws:iam::*:role/*`); medium on named resources; low for `iam:PassRole` on named role
    ARNs, which is how Step Functions, ECS or Glue callers legitimately pass one role (check
    that the passed role is not more privileged, and add an `iam:PassedToService` condition).
    `sts:AssumeRole` on named roles is routine and not reported. `Action: "*"` on `*` is left
    to `admin-access` (FG1004).

    ## Why is this bad?
    These actions turn a limited role into an administrator: `iam:PutRolePolicy` on `*` lets
    the function write `Allow *:*` onto its own role; `iam:PassRole` plus
    `lambda:CreateFunction` lets it start a new function with any more privileged role;
    `lambda:UpdateFunctionCode` lets it run its code under another function's role. Any code
    execution bug in the function becomes an account takeover.

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
          iam:PassedToService: lambda.amazonaws.com
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
    title = "Function role can escalate privileges"

    def check(self, role: Role, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding per statement granting escalation actions, and per policy."""
        if role.external:
            return
        function, heirs = _heirs(role)
        pass_role = self._pass_role_statement(role)
        for stmt in role.statements:
            if not _iam.is_allow(stmt) or _is_admin_statement(stmt):
                continue
            scope = _iam.statement_scope(stmt)
            if scope is None:
                continue
            hits = [
                esc
                for esc in _iam.ESCALATION_ACTIONS
                if _iam.statement_grants(stmt, esc.action) is True
                and not _denied_everywhere(role, esc.action)
                and not (esc.only_on_everything and scope is Scope.SPECIFIC)
                and not (esc.needs_pass_role and pass_role is None)
            ]
            if not hits:
                continue
            severity = self._severity(hits, stmt, scope, pass_role)
            details = "; ".join(self._describe(esc, pass_role, stmt) for esc in hits)
            yield self.finding(
                ctx,
                message=(
                    f"Statement {_statement_label(stmt)} of role `{role.id}` allows "
                    f"privilege escalation on {_resources_text(stmt)}"
                    f"{_narrowing_note(stmt, role)}: {details}. {heirs}"
                ),
                location=stmt.location,
                function=function,
                resource=role.id,
                evidence=(
                    f"Allow {_fmt(stmt.actions or stmt.not_actions)}"
                    f"{' (NotAction)' if not stmt.actions else ''} grants "
                    f"{', '.join(esc.action for esc in hits)} on "
                    f"[{_fmt(stmt.resources or stmt.not_resources)}]"
                ),
                remediation=self._remediation(hits),
                severity=severity,
                confidence=_confidence(stmt, role),
            )
        for name in _known_aws_managed(role):
            risk = _iam.ESCALATION_MANAGED_POLICIES.get(name.lower())
            if risk is None:
                continue
            yield self.finding(
                ctx,
                message=(
                    f"Role `{role.id}` has the AWS managed policy `{risk.name}`, which "
                    f"{risk.why}. {heirs}"
                ),
                location=role.location,
                function=function,
                resource=role.id,
                evidence=f"managed policy {risk.name}",
                remediation=(
                    f"Detach `{risk.name}`; grant the function only the actions it calls, on "
                    "the ARNs it uses, and never IAM management or `iam:PassRole` on `*`."
                ),
                severity=Severity.CRITICAL if risk.critical else Severity.HIGH,
                confidence=Confidence.MEDIUM if role.permissions_boundary is not None else None,
                fingerprint_extra=risk.name,
            )

    @staticmethod
    def _pass_role_statement(role: Role) -> Statement | None:
        if _denied_everywhere(role, "iam:PassRole"):
            return None
        for stmt in role.statements:
            if (
                _iam.is_allow(stmt)
                and _iam.statement_scope(stmt) is not None
                and _iam.statement_grants(stmt, "iam:PassRole") is True
            ):
                return stmt
        return None

    @staticmethod
    def _severity(
        hits: Sequence[EscalationAction],
        stmt: Statement,
        scope: Scope,
        pass_role: Statement | None,
    ) -> Severity:
        wide = scope is not Scope.SPECIFIC
        pass_wide = pass_role is not None and _iam.statement_scope(pass_role) is not Scope.SPECIFIC
        named_roles = all(
            isinstance(r, str) and "*" not in r and "?" not in r for r in stmt.resources
        )
        worst = Severity.INFO
        for esc in hits:
            if esc.action == "iam:PassRole":
                sev = Severity.HIGH if wide else Severity.LOW if named_roles else Severity.MEDIUM
            elif esc.needs_pass_role:
                # Bounded by the roles it can pass: named roles cap the damage.
                sev = Severity.HIGH if wide and pass_wide else Severity.MEDIUM
            else:
                sev = Severity.HIGH if wide else Severity.MEDIUM
            worst = max(worst, sev, key=lambda s: s.rank)
        return worst

    @staticmethod
    def _describe(esc: EscalationAction, pass_role: Statement | None, stmt: Statement) -> str:
        text = f"`{esc.action}` ({esc.why})"
        if esc.needs_pass_role and pass_role is not None:
            where = "this statement" if pass_role is stmt else _statement_label(pass_role)
            text += f" together with `iam:PassRole` from {where}"
        return text

    @staticmethod
    def _remediation(hits: Sequence[EscalationAction]) -> str:
        actions = {esc.action for esc in hits}
        steps = []
        iam_admin = sorted(a for a in actions if a.startswith("iam:") and a != "iam:PassRole")
        if iam_admin:
            steps.append(
                f"Remove {', '.join(f'`{a}`' for a in iam_admin)} from the function role: a "
                "function should not manage IAM; if one must, scope it to exact ARNs and attach "
                "a permissions boundary"
            )
        if "iam:PassRole" in actions:
            steps.append(
                "Limit `iam:PassRole` to the ARNs of the roles the function passes and add "
                "`Condition: {StringEquals: {iam:PassedToService: <service>.amazonaws.com}}`"
            )
        if "sts:AssumeRole" in actions:
            steps.append("List the role ARNs the function assumes instead of `*`")
        with_pass = sorted(esc.action for esc in hits if esc.needs_pass_role)
        if with_pass:
            steps.append(
                f"Remove {', '.join(f'`{a}`' for a in with_pass)}, or limit the `iam:PassRole` "
                "it relies on to roles no more privileged than this one"
            )
        others = sorted(
            esc.action
            for esc in hits
            if not esc.needs_pass_role and not esc.action.startswith(("iam:", "sts:"))
        )
        if others:
            steps.append(
                f"Scope {', '.join(f'`{a}`' for a in others)} to the exact resources the "
                "function changes, or remove them"
            )
        return ". ".join(steps) + "."


def _denied_everywhere(role: Role, action: str) -> bool:
    """True when an unconditional Deny of the role removes ``action`` on every resource."""
    return any(
        _iam.is_deny(stmt)
        and stmt.condition is None
        and not stmt.not_resources
        and any(isinstance(r, str) and r.strip() == "*" for r in stmt.resources)
        and _iam.statement_grants(stmt, action) is True
        for stmt in role.statements
    )


class SharedRole(RoleRule):
    """Several functions share one execution role, so each inherits every function's grants.

    ## What it does
    Reports a role (defined in the template) assumed by two functions or more, once, at the
    role. The message lists the union of what the role allows: every action of its `Allow`
    statements and its managed policies. A role that grants only baseline permissions (logs,
    X-Ray, VPC networking, `AWSLambdaBasicExecutionRole`) is reported at low severity: sharing
    it costs nothing today, but a statement added for one function later reaches all of them.
    The Serverless Framework's default `IamRoleLambdaExecution` is shared by every function of
    a service, which is the most common case. External roles are not reported: their
    permissions are unknown.

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
        if role.external or len(role.functions) < 2:
            return
        actions, baseline_only = self._union(role)
        functions = ", ".join(f"`{f}`" for f in role.functions)
        grants = _capped(actions) if actions else "nothing this template shows"
        yield self.finding(
            ctx,
            message=(
                f"{len(role.functions)} functions share role `{role.id}` ({functions}); each "
                f"inherits the sum: {grants}."
                + (
                    " The role holds only baseline permissions today, but anything added for "
                    "one function will reach all of them."
                    if baseline_only
                    else ""
                )
            ),
            location=role.location,
            function=None,
            resource=role.id,
            evidence=f"functions: {', '.join(role.functions)}; grants: {', '.join(actions)}",
            remediation=(
                f"Use one role per function: {_PER_FUNCTION_ROLES.for_format(ctx.app.format)}, "
                "and give each only the statements its code needs."
                + (
                    " The Serverless Framework's default role `IamRoleLambdaExecution` is "
                    "shared by every function of the service."
                    if ctx.app.format is AppFormat.SERVERLESS and role.id == _SLS_DEFAULT_ROLE
                    else ""
                )
            ),
            severity=Severity.LOW if baseline_only else None,
        )

    @staticmethod
    def _union(role: Role) -> tuple[list[str], bool]:
        """Return the sorted union of grants and whether it holds only baseline permissions."""
        seen: dict[str, str] = {}
        baseline_only = True
        for stmt in role.statements:
            if not _iam.is_allow(stmt):
                continue
            if stmt.not_actions and not stmt.actions:
                text = f"NotAction [{_fmt(stmt.not_actions)}]"
                seen.setdefault(text.lower(), text)
                baseline_only = False
                continue
            for action in stmt.actions:
                text = "<unknown>" if isinstance(action, Unknown) else action.strip()
                seen.setdefault(text.lower(), text)
                if text.lower() not in _iam.BASELINE_ACTIONS:
                    baseline_only = False
        for policy in role.managed_policies:
            if isinstance(policy, Unknown):
                text = "managed policy <unknown>"
                baseline_only = False
            else:
                name = _iam.managed_policy_name(policy)
                text = f"managed policy {name}"
                if _iam.aws_managed_policy(policy) not in _iam.BASELINE_MANAGED_POLICIES:
                    baseline_only = False
            seen.setdefault(text.lower(), text)
        return [seen[k] for k in sorted(seen)], baseline_only


#: Typical least-privilege replacements, to make the remediation concrete per service.
_EXAMPLE_ACTIONS = {
    "s3": ("s3:GetObject", "s3:PutObject"),
    "dynamodb": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"),
    "sqs": ("sqs:SendMessage",),
    "sns": ("sns:Publish",),
    "lambda": ("lambda:InvokeFunction",),
    "secretsmanager": ("secretsmanager:GetSecretValue",),
    "ssm": ("ssm:GetParameter",),
    "kms": ("kms:Decrypt",),
    "events": ("events:PutEvents",),
    "kinesis": ("kinesis:PutRecord",),
    "states": ("states:StartExecution",),
}


def _example_actions(wildcard: str) -> str:
    """A concrete example of what to list instead of ``wildcard`` (``dynamodb:*`` and so on)."""
    service = wildcard.split(":", 1)[0].lower() if ":" in wildcard else ""
    actions = _EXAMPLE_ACTIONS.get(service)
    if not actions:
        return f"only the `{service or 'service'}:...` actions its code uses"
    listed = ", ".join(f"`{a}`" for a in actions)
    return f"for example {listed} instead of `{wildcard}`"


#: The permission rules, in id order.
RULES: tuple[type[Rule], ...] = (
    WildcardAction,
    PartialWildcardAction,
    WildcardResource,
    AdminAccess,
    PrivilegeEscalation,
    SharedRole,
)
