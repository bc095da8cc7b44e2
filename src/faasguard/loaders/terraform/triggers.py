"""What invokes each function.

URLs, event source mappings, notifications, subscriptions, EventBridge and Scheduler targets,
other services, and ``aws_lambda_permission`` resources.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from faasguard.loaders.terraform.convert import blocks, first, text
from faasguard.loaders.terraform.draft import (
    SERVICE_KINDS,
    Draft,
    cors_of,
    esm_properties,
    source_id,
    stream_kind,
    url_trigger,
)
from faasguard.loaders.terraform.values import decode_json
from faasguard.loaders.yaml_safe import line_of
from faasguard.model import AuthKind, FunctionUrl, Location, Resource, Trigger, TriggerKind, Unknown

__all__ = ["attach_permissions", "attach_triggers"]


def _urls(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_function_url"):
        key = draft.function_for(item.values.get("function_name"))
        if key is None:
            continue
        auth = text(item.values.get("authorization_type"))
        cors = cors_of(first(item.values.get("cors")), draft.location(item, "cors"))
        draft.functions[key] = replace(
            draft.functions[key],
            url=FunctionUrl(
                auth or "NONE", item.location, cors, text(item.values.get("invoke_mode"))
            ),
        )
        draft.referenced(key, item.address)
        draft.add_trigger(key, url_trigger(auth, item.location, cors))


def _event_source_mappings(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_event_source_mapping"):
        key = draft.function_for(item.values.get("function_name"))
        if key is None:
            continue
        v = item.values
        arn = v.get("event_source_arn")
        kind = TriggerKind.KAFKA if v.get("self_managed_event_source") else stream_kind(draft, arn)
        draft.referenced(key, item.address)
        draft.add_trigger(
            key,
            Trigger(
                kind, item.location, source=source_id(draft, arn), properties=esm_properties(v)
            ),
        )


def _invoke_configs(draft: Draft) -> None:
    for item in draft.of_type("aws_lambda_function_event_invoke_config"):
        key = draft.function_for(item.values.get("function_name"))
        if key is None:
            continue
        destination = first(item.values.get("destination_config"))
        on_failure = first(destination.get("on_failure")).get("destination")
        if on_failure is not None:
            draft.functions[key] = replace(
                draft.functions[key], on_failure=source_id(draft, on_failure)
            )


def _s3_notifications(draft: Draft) -> None:
    for item in draft.of_type("aws_s3_bucket_notification"):
        bucket = source_id(draft, item.values.get("bucket"))
        for entry in blocks(item.values.get("lambda_function")):
            key = draft.function_for(entry.get("lambda_function_arn"))
            if key is None:
                continue
            props = {"Events": entry.get("events")}
            rules = [
                {"Name": name, "Value": entry[tf]}
                for tf, name in (("filter_prefix", "prefix"), ("filter_suffix", "suffix"))
                if entry.get(tf) is not None
            ]
            if rules:
                props["Filter"] = {"S3Key": {"Rules": rules}}
            where = Location(item.location.file, getattr(entry, "line", None) or item.location.line)
            draft.referenced(key, item.address)
            draft.add_trigger(key, Trigger(TriggerKind.S3, where, source=bucket, properties=props))


def _sns_subscriptions(draft: Draft) -> None:
    for item in draft.of_type("aws_sns_topic_subscription"):
        if item.values.get("protocol") != "lambda":
            continue
        key = draft.function_for(item.values.get("endpoint"))
        if key is None:
            continue
        props: dict[str, Any] = {}
        if item.values.get("filter_policy") is not None:
            props["FilterPolicy"] = decode_json(item.values.get("filter_policy"))
        draft.referenced(key, item.address)
        draft.add_trigger(
            key,
            Trigger(
                TriggerKind.SNS,
                item.location,
                source=source_id(draft, item.values.get("topic_arn")),
                properties=props,
            ),
        )


def _event_targets(draft: Draft) -> None:
    for item in draft.of_type("aws_cloudwatch_event_target"):
        key = draft.function_for(item.values.get("arn"))
        if key is None:
            continue
        rule = draft.target(item.values.get("rule"), "aws_cloudwatch_event_rule")
        props: dict[str, Any] = {}
        kind = TriggerKind.EVENTBRIDGE
        source: str | Unknown | None = text(item.values.get("rule"))
        if rule is not None:
            source = rule.address
            schedule = rule.values.get("schedule_expression")
            if schedule is not None:
                kind = TriggerKind.SCHEDULE
                props["ScheduleExpression"] = schedule
            if rule.values.get("event_pattern") is not None:
                props["EventPattern"] = decode_json(rule.values.get("event_pattern"))
        dlq = first(item.values.get("dead_letter_config")).get("arn")
        if dlq is not None:
            props["DeadLetterConfig"] = {"Arn": dlq}
        draft.referenced(key, item.address)
        draft.add_trigger(key, Trigger(kind, item.location, source=source, properties=props))


def _schedules(draft: Draft) -> None:
    for item in draft.of_type("aws_scheduler_schedule"):
        target = first(item.values.get("target"))
        key = draft.function_for(target.get("arn"))
        if key is None:
            continue
        props = {"ScheduleExpression": item.values.get("schedule_expression")}
        draft.referenced(key, item.address)
        draft.add_trigger(
            key, Trigger(TriggerKind.SCHEDULE, item.location, source=item.address, properties=props)
        )


def _service_triggers(draft: Draft) -> None:
    """Cognito user pool triggers, IoT rules, log subscriptions, ALB targets, AppSync sources."""
    for item in draft.of_type("aws_cognito_user_pool"):
        config = first(item.values.get("lambda_config"))
        for hook, arn in config.items():
            key = draft.function_for(arn)
            if key is not None:
                where = Location(item.location.file, line_of(config, hook) or item.location.line)
                draft.add_trigger(
                    key,
                    Trigger(
                        TriggerKind.COGNITO,
                        where,
                        source=item.address,
                        properties={"Trigger": hook},
                    ),
                )
    for item in draft.of_type("aws_iot_topic_rule"):
        for action in blocks(item.values.get("lambda")):
            key = draft.function_for(action.get("function_arn"))
            if key is not None:
                props = {"Sql": item.values.get("sql")}
                draft.add_trigger(
                    key,
                    Trigger(TriggerKind.IOT, item.location, source=item.address, properties=props),
                )
    for item in draft.of_type("aws_cloudwatch_log_subscription_filter"):
        key = draft.function_for(item.values.get("destination_arn"))
        if key is not None:
            draft.add_trigger(
                key,
                Trigger(
                    TriggerKind.CLOUDWATCH_LOGS,
                    item.location,
                    source=text(item.values.get("log_group_name")),
                    properties={"FilterPattern": item.values.get("filter_pattern")},
                ),
            )
    for item in draft.of_type("aws_lb_target_group_attachment"):
        key = draft.function_for(item.values.get("target_id"))
        if key is not None:
            # Who reaches the load balancer (internal or not, listener rules, auth actions) is
            # not followed: unknown, as the CloudFormation loader says for ALB permissions.
            draft.add_trigger(
                key,
                Trigger(
                    TriggerKind.ALB,
                    item.location,
                    auth=AuthKind.UNKNOWN,
                    internet_reachable=None,
                    source=source_id(draft, item.values.get("target_group_arn")),
                ),
            )
    for item in draft.of_type("aws_appsync_datasource"):
        config = first(item.values.get("lambda_config"))
        key = draft.function_for(config.get("function_arn"))
        if key is not None:
            draft.add_trigger(
                key,
                Trigger(
                    TriggerKind.APPSYNC,
                    item.location,
                    auth=AuthKind.UNKNOWN,
                    internet_reachable=None,
                    source=source_id(draft, item.values.get("api_id")),
                ),
            )


_PRINCIPAL_KEYS = {
    "action": "Action",
    "principal": "Principal",
    "source_arn": "SourceArn",
    "source_account": "SourceAccount",
    "principal_org_id": "PrincipalOrgID",
    "event_source_token": "EventSourceToken",
    "function_url_auth_type": "FunctionUrlAuthType",
    "function_name": "FunctionName",
    "qualifier": "Qualifier",
}


def attach_permissions(draft: Draft) -> None:
    """``aws_lambda_permission`` resources, and a trigger for a service nothing else shows."""
    for item in draft.of_type("aws_lambda_permission"):
        v = item.values
        props = {cfn: v[tf] for tf, cfn in _PRINCIPAL_KEYS.items() if tf in v}
        lines = {
            cfn: line_of(v, tf) or item.location.line
            for tf, cfn in _PRINCIPAL_KEYS.items()
            if tf in v
        }
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Lambda::Permission",
                item.location,
                props,
                {key: line for key, line in lines.items() if line},
            )
        )
        key = draft.function_for(v.get("function_name"))
        if key is None:
            continue
        draft.referenced(key, item.address)
        principal = v.get("principal")
        kind = (
            SERVICE_KINDS.get(principal.split(".")[0])
            if isinstance(principal, str) and principal.endswith(".amazonaws.com")
            else None
        )
        if kind is None:
            continue
        existing = draft.functions[key].triggers
        if kind is TriggerKind.REST_API:
            if any(t.kind.is_http for t in existing):
                continue  # routes describe these invocations precisely
            draft.add_trigger(
                key,
                Trigger(
                    kind,
                    item.location,
                    auth=AuthKind.UNKNOWN,
                    internet_reachable=None,
                    source=text(v.get("source_arn")),
                    properties={"Permission": item.address},
                ),
            )
            continue
        source = source_id(draft, v.get("source_arn"))
        if any(t.kind in (kind, TriggerKind.SCHEDULE) for t in existing):
            continue  # the notification/subscription/target already says it
        draft.add_trigger(
            key,
            Trigger(kind, item.location, source=source, properties={"Permission": item.address}),
        )
    for item in draft.of_type("aws_lambda_layer_version_permission"):
        v = item.values
        props = {
            "Action": v.get("action"),
            "Principal": v.get("principal"),
            "OrganizationId": v.get("organization_id"),
            "LayerVersionArn": v.get("layer_name"),
        }
        draft.resources.append(
            Resource(
                item.address,
                "AWS::Lambda::LayerVersionPermission",
                item.location,
                {k: val for k, val in props.items() if val is not None},
                {"Principal": line_of(v, "principal") or item.location.line or 0},
            )
        )


def attach_triggers(draft: Draft) -> None:
    """Every trigger but the API routes and the permissions (which come after the routes)."""
    _urls(draft)
    _event_source_mappings(draft)
    _invoke_configs(draft)
    _s3_notifications(draft)
    _sns_subscriptions(draft)
    _event_targets(draft)
    _schedules(draft)
    _service_triggers(draft)
