"""Shared types of the needed-permissions analysis: SDK calls found in code, and needs.

Extractors (Python, JavaScript) turn a parsed file into :class:`SdkCall` values; the mapper turns
calls, triggers and platform features into :class:`Need` values; the comparison and the fix read
:class:`FunctionNeeds`. All are frozen: each step only adds, never edits what came before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "FunctionNeeds",
    "Name",
    "NameKind",
    "Need",
    "NeedSource",
    "SdkCall",
    "Unresolved",
]


class NameKind(str, Enum):
    """Where the name of the resource a call acts on comes from."""

    ENV = "env"  # an environment variable: os.environ["TABLE"], process.env.TABLE
    LITERAL = "literal"  # written in the code: Table("orders")
    UNKNOWN = "unknown"  # computed, passed in, or absent


@dataclass(frozen=True, slots=True)
class Name:
    """The resource name (or ARN, or URL) a call acts on, as far as the code shows it.

    Attributes:
        kind: where it comes from.
        value: the variable name (ENV), the text (LITERAL), or what was written (UNKNOWN).
    """

    kind: NameKind
    value: str

    def __str__(self) -> str:
        if self.kind is NameKind.ENV:
            return f"env {self.value}"
        if self.kind is NameKind.LITERAL:
            return repr(self.value)
        return self.value


@dataclass(frozen=True, slots=True)
class SdkCall:
    """One AWS SDK call found in code.

    Attributes:
        service: botocore service name (``dynamodb``, ``s3``, ``stepfunctions``).
        operations: the API operations the call performs (a helper may perform several).
        file: POSIX path relative to the scan root.
        line: 1-based line of the call.
        code: the call as written, shortened (``table.get_item``).
        style: which SDK style it is (``boto3 client``, ``boto3 resource``, ``aws-sdk v2``,
            ``aws-sdk v3``, ``lib-dynamodb``, ``powertools``...).
        target: the resource the call acts on, when the call names one.
    """

    service: str
    operations: tuple[str, ...]
    file: str
    line: int
    code: str
    style: str
    target: Name | None = None

    @property
    def evidence(self) -> str:
        """``file:line code (style)``: what a report shows as the reason for a need."""
        return f"{self.file}:{self.line} {self.code} ({self.style})"


@dataclass(frozen=True, slots=True)
class Unresolved:
    """An SDK call whose service or operation cannot be known statically.

    Its function's needs are incomplete: the fix keeps that function's grants, and the report
    lists it under ``unknown``.
    """

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.reason}"


class NeedSource(str, Enum):
    """Why a function needs an action (the ``source`` of the JSON report)."""

    CODE = "code"
    TRIGGER = "trigger"
    PLATFORM = "platform"
    OBSERVED = "observed"


@dataclass(frozen=True, slots=True)
class Need:
    """One IAM action a function needs, on which resources, and why.

    Attributes:
        action: the IAM action (``dynamodb:GetItem``).
        resources: ARNs (CloudFormation ``Fn::Sub`` syntax for deploy-time parts, e.g.
            ``arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}``), or
            ``*``.
        source: code, trigger, platform or observed.
        evidence: the SDK call's file and line, the trigger, or the CloudTrail event.
        note: why the resource is ``*`` or the action a guess, when it is.
        feature: for platform and trigger needs, which feature implies it (``logs``,
            ``tracing``, ``vpc``, ``poller``, ``dead-letter``, ``destination``, ``kms``): the fix
            leaves out what a framework already grants for that feature.
    """

    action: str
    resources: tuple[str, ...]
    source: NeedSource
    evidence: str
    note: str | None = None
    feature: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionNeeds:
    """Everything one function needs, and what could not be resolved.

    Attributes:
        function: the function's logical name.
        application: its application's name.
        needs: every need, in evidence order (several needs may share an action).
        unknown: what could not be resolved (dynamic SDK calls, missing handler file...).
    """

    function: str
    application: str
    needs: tuple[Need, ...]
    unknown: tuple[str, ...] = ()

    @property
    def actions(self) -> frozenset[str]:
        """The distinct actions needed."""
        return frozenset(n.action for n in self.needs)
