"""What SAM adds to a generated role for a function's event sources, computed by SAM itself.

Beyond the managed policy of each polling source (SQS, Kinesis, DynamoDB streams, MSK), SAM
writes inline statements for MQ brokers, self-managed Kafka, MSK (mTLS secrets and schema
registries) and DocumentDB, adds SQS send, SNS publish or S3 put and list for a
``DestinationConfig.OnFailure`` of a stream or Kafka source, and polls a queue it creates for
an SNS event with ``SqsSubscription``. Rather than a hand-kept copy of those rules, the
translator's own event source classes compute them (aws-sam-translator is already a
dependency): ``get_policy_statements`` of each pull source and ``IAMRolePolicies`` for the
destinations, exactly as ``PullEventSource.to_cloudformation`` calls them. Nothing is executed
from the scanned project: the classes only read the event's properties.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["PULL_MANAGED_POLICIES", "EventPolicies", "event_policies"]

_AWS_MANAGED: Final = "arn:aws:iam::aws:policy/"
#: The managed policy SAM attaches for each polling source (``get_policy_arn`` of its class).
PULL_MANAGED_POLICIES: Final = {
    "SQS": _AWS_MANAGED + "service-role/AWSLambdaSQSQueueExecutionRole",
    "Kinesis": _AWS_MANAGED + "service-role/AWSLambdaKinesisExecutionRole",
    "DynamoDB": _AWS_MANAGED + "service-role/AWSLambdaDynamoDBExecutionRole",
    "MSK": _AWS_MANAGED + "service-role/AWSLambdaMSKExecutionRole",
}
#: Event types whose translator class computes inline statements or destination policies.
_PULL_CLASSES: Final = ("SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "SelfManagedKafka", "DocumentDB")


@dataclass(slots=True)
class EventPolicies:
    """What one event adds to the generated role.

    Attributes:
        managed: managed policy ARNs.
        documents: ``(policy name, document)`` pairs, with intrinsics still unresolved.
        error: why SAM would refuse the event (it then fails the deployment), if it would.
    """

    managed: list[str] = field(default_factory=list)
    documents: list[tuple[str, Any]] = field(default_factory=list)
    error: str | None = None


def event_policies(
    logical_id: str, event_type: str, properties: Mapping[str, Any]
) -> EventPolicies:
    """Return the policies SAM adds to the function's role for one event.

    Args:
        logical_id: the function's logical id plus the event's name (SAM's ``relative_id``).
        event_type: the event's ``Type``.
        properties: the event's ``Properties`` as written (intrinsics unresolved).
    """
    result = EventPolicies()
    if event_type == "SNS":
        if properties.get("SqsSubscription"):
            result.managed.append(PULL_MANAGED_POLICIES["SQS"])
        return result
    if event_type not in _PULL_CLASSES:
        return result
    managed = PULL_MANAGED_POLICIES.get(event_type)
    if managed:
        result.managed.append(managed)
    from samtranslator.model.eventsources import pull
    from samtranslator.model.exceptions import ExceptionWithMessage

    # The translator deletes keys it consumes (``OnFailure.Type``): give it a copy.
    props = copy.deepcopy(dict(properties))
    try:
        source = getattr(pull, event_type).from_dict(
            logical_id, {"Type": event_type, "Properties": props}
        )
        for policy in source.get_policy_statements(None) or []:
            result.documents.append((str(policy.get("PolicyName")), policy.get("PolicyDocument")))
        destination = _destination_policy(logical_id, props.get("DestinationConfig"))
        if destination is not None:
            result.documents.append(destination)
    except ExceptionWithMessage as exc:
        result.error = exc.message
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        # Properties of a shape the translator does not expect (a list where it wants a map):
        # SAM rejects the template; say so rather than crash.
        result.error = f"invalid event properties ({type(exc).__name__})"
    return result


def _destination_policy(logical_id: str, config: Any) -> tuple[str, Any] | None:
    """The policy SAM adds for ``DestinationConfig.OnFailure`` with a ``Type``."""
    from samtranslator.model.iam import IAMRolePolicies

    if not isinstance(config, Mapping):
        return None
    on_failure = config.get("OnFailure")
    if not isinstance(on_failure, Mapping):
        return None
    builders = {
        "SQS": IAMRolePolicies.sqs_send_message_role_policy,
        "SNS": IAMRolePolicies.sns_publish_role_policy,
        "S3": IAMRolePolicies.s3_send_event_payload_role_policy,
    }
    build = builders.get(str(on_failure.get("Type")))
    if build is None:
        return None  # no Type (SAM adds nothing), or Kafka (passed through)
    policy = build(on_failure.get("Destination"), logical_id)
    return str(policy.get("PolicyName")), policy.get("PolicyDocument")
